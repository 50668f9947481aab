#pragma once

// The weekly roster (细则 四1 "市政务服务中心于每周第一个工作日通过政务网站、微信公众号和市政务服务中心大厅
// 显示屏等平台公布本周进驻单位领导坐班名单") and the reminders before a sitting. Pure functions.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/time/calendar.h"
#include "yingshang/duty/v1/duty.pb.h"

namespace ys::duty {

namespace pb = ::yingshang::duty::v1;

inline constexpr char kPlanRoster[] = "于每周第一个工作日通过政务网站、微信公众号和市政务服务中心大厅显示屏等平台公布本周进驻单位领导坐班名单";
inline constexpr const char* kRosterChannels[] = {"政务网站", "微信公众号", "大厅显示屏"};

struct RosterPolicy {
  int publish_minutes = 8 * 60;  // local policy: the time of day it goes out (08:00)
  std::vector<int> reminder_days = {7, 1};  // local policy: reminders before a sitting
};

// The day week W's roster goes out: its first working day (调休 aware), nullopt when the week has
// none. FAILED_PRECONDITION when the year's arrangement is not published.
absl::StatusOr<std::optional<absl::CivilDay>> RosterPublishDay(absl::CivilDay any_day_of_week,
                                                               const WorkingDayCalendar& calendar);
// True when week W's roster is due at `now` (its publish day at publish_minutes, or later in the week).
absl::StatusOr<bool> RosterDue(absl::CivilDay any_day_of_week, absl::Time now,
                               const WorkingDayCalendar& calendar, const RosterPolicy& policy);

// The roster of the week from its registrations (cancelled ones left out), by date, session, unit.
absl::StatusOr<pb::Roster> BuildRoster(absl::CivilDay any_day_of_week,
                                       const std::vector<pb::Registration>& registrations,
                                       const WorkingDayCalendar& calendar);

struct ReminderDue {
  const pb::Registration* registration = nullptr;
  int days_before = 0;
};
// For each live registration and reminder day d: due when today is on or after date − d and before
// the next smaller reminder's day (so a late registration gets the reminders still ahead of it, not
// a 7-day one three days before), and before the date.
std::vector<ReminderDue> RemindersDue(const std::vector<pb::Registration>& registrations,
                                      absl::CivilDay today, const RosterPolicy& policy);

}  // namespace ys::duty
