#pragma once

// Compliance with the duty frequencies (细则 二; 办法 7), computed from records (表2: what happened),
// never from registrations (what was planned). Pure functions.

#include <string>
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

struct ComplianceInput {
  const pb::Directory* directory = nullptr;
  std::string month;                         // "2022-10"
  std::string unit;                          // "" for every resident unit
  // Records of the month and of every ISO week judged in it (ComplianceWeeks), any unit.
  const std::vector<pb::DutyRecord>* records = nullptr;
  const std::vector<pb::Exemption>* exemptions = nullptr;  // the month's
  const std::vector<pb::StaffMember>* staff = nullptr;     // active window staff
  absl::CivilDay today;                      // Asia/Shanghai; periods not over yet are NOT_OVER
};

// The ISO weeks a month judges: every week that has a working day and whose first working day falls
// in the month (each week is judged once, in one month; our reading of "每周"), as their Mondays.
absl::StatusOr<std::vector<absl::CivilDay>> ComplianceWeeks(absl::CivilYear year, int month,
                                                            const WorkingDayCalendar& calendar);
// "2022-W40" for any day of ISO week 40 of 2022.
std::string IsoWeekName(absl::CivilDay day);
absl::CivilDay MondayOf(absl::CivilDay day);

// One line per leader and rule:
//  - each main leader (主要领导) of every resident unit: the month — KEPT with a HALF_DAY or WHOLE_DAY
//    record in the month, else EXEMPT with the centre's exemption ("原则上"), else NOT_OVER while the
//    month runs, else BROKEN;
//  - each deputy (分管领导) of a 表3 unit: each week of ComplianceWeeks — KEPT with a WHOLE_DAY record
//    in the week, NOT_OVER while the week runs, else BROKEN (the plan has no "原则上" here: no
//    exemption);
//  - each 行政审批科长: the month — KEPT when an active window staff member of the unit with the
//    leader's name is the section head (a standing posting; no daily count the plan does not state).
// Lines sorted by unit, rule, leader, period; counts filled; hours_policy from `hours`.
absl::StatusOr<pb::ComplianceReport> ComputeCompliance(const ComplianceInput& input,
                                                       const WorkingDayCalendar& calendar,
                                                       const DutyHours& hours);

// An exemption is for a main leader and a month, with a reason (FAILED_PRECONDITION quoting the
// plan for any other leader: only 二1 says "原则上").
absl::Status CheckExemption(const pb::Leader& leader, std::string_view month, std::string_view reason);

}  // namespace ys::duty
