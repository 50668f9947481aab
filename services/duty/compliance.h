#pragma once

// Compliance with the duty frequencies (细则 二; 办法 7), computed from records (表2: what happened),
// never from registrations (what was planned). Pure functions.

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/time/calendar.h"
#include "services/duty/hours.h"
#include "yingshang/duty/v1/duty.pb.h"

namespace ys::duty {

// The plan's words for each rule, printed beside every line.
inline constexpr char kPlanMainMonthly[] = "主要领导原则上每月到中心坐班不少于 1 次，每次不少于半天";  // 细则 二1
inline constexpr char kPlanDeputyWeekly[] = "高频事项的部门分管领导到中心每周坐班不少于一天";          // 细则 二2
inline constexpr char kPlanChiefPosted[] = "进驻单位行政审批科长必须进驻窗口上班";                    // 细则 二3
// 细则 四2: who the centre reports to.
inline constexpr char kPlanReportTo[] = "定期通报各单位领导窗口坐班落实情况，并报送市政务服务管理局及市政府分管领导";
inline constexpr const char* kReportRecipients[] = {"市政务服务管理局", "市政府分管领导"};

// Whom the duty rules bind. The 细则 is written for the 表3 units, in its opening words
//   "决定在市政务服务中心实施高频事项进驻单位领导窗口“坐班”制"
// and 办法 7 says it again:
//   "高频事项进驻单位实行领导带班制，派驻单位主要领导原则上每月到中心坐班不少于1次"
// so 细则 二1 (主要领导) and 二2 (分管领导) bind the 表3 units only (the plan wins over issue 13, which
// states no such limit for the main leader). 细则 二3 (行政审批科长) is also 办法 2's "行政审批科长必须进驻窗口上班", said of
// every 派驻部门: it binds every resident unit.

struct ComplianceInput {
  const pb::Directory* directory = nullptr;
  std::string month;                         // "2022-10"
  std::string unit;                          // "" for every resident unit
  // Records dated in RecordRangeForMonth(month), any unit (the rules pick each leader's own).
  const std::vector<pb::DutyRecord>* records = nullptr;
  const std::vector<pb::Exemption>* exemptions = nullptr;  // the month's
  // Every staff member on file, those who have left included: the chief's line reads who was at the
  // window during the month from posted_date and left_date.
  const std::vector<pb::StaffMember>* staff = nullptr;
  absl::CivilDay today;                      // Asia/Shanghai; periods not over yet are NOT_OVER
  // A period is judged only once `today` is later than this many working days after its last day:
  // a 表2 may still arrive (duty.record_due_working_days, local policy). 0: the day after its last day.
  int grace_working_days = 0;
};

// The ISO weeks a month judges: every week that has a working day and whose first working day falls
// in the month (each week is judged once, in one month; our reading of "每周"), as their Mondays.
absl::StatusOr<std::vector<absl::CivilDay>> ComplianceWeeks(absl::CivilYear year, int month,
                                                            const WorkingDayCalendar& calendar);
// The dates whose records a month's report reads (month 1..12): from the Monday of the week holding
// the month's first day to the Sunday of the week holding its last day. A week judged in the month has
// its first working day in the month, so its Monday is on or after the first Monday here and its
// Sunday on or before the last Sunday: the range holds every judged week, with no calendar needed.
std::pair<absl::CivilDay, absl::CivilDay> RecordRangeForMonth(int year, int month);
// "2022-W40" for any day of ISO week 40 of 2022.
std::string IsoWeekName(absl::CivilDay day);
absl::CivilDay MondayOf(absl::CivilDay day);

// One line per leader and rule:
//  - each main leader (主要领导) of a 表3 unit: the month — KEPT with a HALF_DAY or WHOLE_DAY record in
//    the month, else EXEMPT with the centre's exemption ("原则上"), else NOT_OVER until the month and
//    its grace are over, else BROKEN;
//  - each deputy (分管领导) of a 表3 unit: each week of ComplianceWeeks — KEPT with a WHOLE_DAY record
//    in the week, NOT_OVER until the week and its grace are over, else BROKEN (the plan has no "原则上"
//    here: no exemption);
//  - each 行政审批科长 of every resident unit: the month — KEPT when a staff member of the unit with the
//    leader's name, the section head with a window, was at the window during the month (posted on or
//    before its last day, not left before its first: a standing posting, no daily count the plan does
//    not state), else NOT_OVER until the month and its grace are over, else BROKEN.
// A period whose grace runs into a year with no published holiday arrangement stays NOT_OVER, saying
// so. The calendar is read for the weeks only when a deputy is judged, and for the grace only when
// grace_working_days > 0 and a line waits on it. Lines sorted by unit, rule, leader, period; counts
// filled; hours_policy from `hours`; grace_working_days from the input.
absl::StatusOr<pb::ComplianceReport> ComputeCompliance(const ComplianceInput& input,
                                                       const WorkingDayCalendar& calendar,
                                                       const DutyHours& hours);

// An exemption is for a main leader and a month, with a reason (FAILED_PRECONDITION quoting the
// plan for any other leader: only 二1 says "原则上").
absl::Status CheckExemption(const pb::Leader& leader, std::string_view month, std::string_view reason);

}  // namespace ys::duty
