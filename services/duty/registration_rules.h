#pragma once

// 表1 登记表 and 表2 情况记录单 (细则 四1): what a registration and a record must hold, the week-ahead
// rule, double booking, cancellation, and when a missing record is flagged. Pure functions.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/time/calendar.h"
#include "services/duty/hours.h"
#include "yingshang/duty/v1/duty.pb.h"

namespace ys::duty {

// 细则 四1 "请各进驻单位提前一周填写《…“坐班”登记表》（附件1）报市政务服务中心".
inline constexpr char kPlanRegisterAhead[] = "提前一周填写《市政务服务中心进驻单位领导窗口“坐班”登记表》";
// 细则 四1 "坐班结束后，请各单位及时总结本次坐班工作的情况，填写《…“坐班”情况记录单》（附件2）".
inline constexpr char kPlanRecordAfter[] = "坐班结束后，请各单位及时总结本次坐班工作的情况";

struct RegistrationPolicy {
  int days_ahead = 7;               // the plan: 提前一周
  int record_due_working_days = 3;  // local policy: "及时" has no number in the plan
};

// Who is asking, as the domain needs it.
struct Actor {
  std::string name;  // for the audit trail
  bool centre = false;  // the service centre (role centre): any unit, paper forms
  std::optional<std::string> unit;  // a unit key: its own leaders only
};

// The leader in the directory named by id or by name (within `unit` when given). NOT_FOUND /
// INVALID_ARGUMENT (a name two leaders share) naming the leader.
absl::StatusOr<std::pair<const pb::ResidentUnit*, const pb::Leader*>> FindLeader(
    const pb::Directory& directory, std::string_view leader, std::string_view unit);
const pb::ResidentUnit* FindUnit(const pb::Directory& directory, std::string_view unit);

// A new 表1 row from a request. The domain resolves the leader: by id or by name within the
// request's unit, or the key's own unit (Actor.unit) when the request names none; so a name two
// units share resolves within the key's unit, and a unit key naming another unit, or another unit's
// leader, is PERMISSION_DENIED naming both units. The unit resident, the window the unit's, the date
// a working day by the calendar and not before the day counted from, no other live registration of
// the leader overlapping the session. `same_day` holds every registration (any leader, cancelled
// ones may be among them) of the requested date; the check keeps the resolved leader's.
// Late (fewer than `days_ahead` calendar days before the date) is accepted and flagged. `today` is
// Asia/Shanghai. A paper form (centre only) may carry received_on, the day the centre received it,
// not after today: days_ahead, late and "in the past" count from it instead of today, and it is
// copied to the registration. id, registered_at/by are left to the caller.
absl::StatusOr<pb::Registration> DecideRegistration(const pb::RegisterRequest& request,
                                                    const pb::Directory& directory,
                                                    const WorkingDayCalendar& calendar,
                                                    const std::vector<pb::Registration>& same_day,
                                                    const Actor& actor, absl::CivilDay today,
                                                    const RegistrationPolicy& policy);

// A cancellation needs a reason; a cancelled registration or one with a record cannot be
// cancelled (FAILED_PRECONDITION saying which). A unit key cancels its own unit's only, and only
// before the sitting's day (FAILED_PRECONDITION from that day on); the centre may still cancel on
// or after it, with its reason. `today` is Asia/Shanghai.
absl::Status CheckCancellation(const pb::Registration& registration, std::string_view reason,
                               const Actor& actor, absl::CivilDay today);

// The day by which the record is due: `record_due_working_days` working days after the date.
absl::StatusOr<absl::CivilDay> RecordDueDay(absl::CivilDay date, const WorkingDayCalendar& calendar,
                                            const RegistrationPolicy& policy);
// Live (not cancelled), no record, and `today` is after the due day.
bool RecordOverdue(const pb::Registration& registration, absl::CivilDay today);

// A new 表2 from a request: with a registration_id the unit, leader, date and window come from it
// (a request may not contradict them); without one the sitting was not registered, which the record
// says, and the leader resolves as DecideRegistration resolves it. The date is a working day by the
// calendar and not in the future; end after start; the text fields within the input rules;
// `coverage` from the hours. A registration that already has a record, or a record of the same
// leader on the same date whose hours overlap: ALREADY_EXISTS naming it. `same_day_records` holds
// the records of the sitting's date: every leader's will do (the check keeps the resolved leader's),
// so the caller need not resolve the leader first. `filed_late` (补报) when the registration's
// record_due_date is before `today`.
absl::StatusOr<pb::DutyRecord> DecideRecord(const pb::FileRecordRequest& request,
                                            const std::optional<pb::Registration>& registration,
                                            const pb::Directory& directory, const DutyHours& hours,
                                            const WorkingDayCalendar& calendar,
                                            const std::vector<pb::DutyRecord>& same_day_records,
                                            const Actor& actor, absl::CivilDay today);

}  // namespace ys::duty
