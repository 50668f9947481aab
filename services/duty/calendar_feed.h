#pragma once

// iCalendar feeds (RFC 5545) of registered sittings, written with libical, so leaders see their duty
// in their own calendars. One VEVENT per registration (UID DR-…@yingshang.shangrao, times in UTC from the
// session's hours in Asia/Shanghai); a cancelled sitting stays in the feed as STATUS:CANCELLED with a
// higher SEQUENCE so subscribed calendars drop it.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/duty/hours.h"
#include "yingshang/duty/v1/duty.pb.h"

namespace ys::duty {

// `title`: the calendar's name (X-WR-CALNAME), e.g. "张某 坐班安排". `now`: DTSTAMP.
absl::StatusOr<std::string> RenderCalendar(const std::string& title,
                                           const std::vector<pb::Registration>& registrations,
                                           const DutyHours& hours, absl::Time now);

}  // namespace ys::duty
