#pragma once

// Window staff (《关于进一步规范政务服务中心窗口工作人员的管理办法》, the 办法): staffing, rotation,
// attendance, 一票清退. Pure functions.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/time/calendar.h"
#include "services/duty/hours.h"
#include "yingshang/duty/v1/duty.pb.h"

namespace ys::duty {

inline constexpr char kPlanPayrollRate[] = "提高窗口人员在编率，在编率不得低于 50%";                      // 办法 2
inline constexpr char kPlanApprovalOnPayroll[] = "行政审批人员必须是本部门在编在岗人员";                  // 办法 2
inline constexpr char kPlanChiefIsHead[] = "窗口首席代表必须由行政审批科室负责人担任";                    // 办法 2
inline constexpr char kPlanHeadPosted[] = "行政审批科长必须进驻窗口上班";                                  // 办法 2
inline constexpr char kPlanRotation[] = "派驻人员原则上至少两年以上换人，确需换人的，原单位应提前与政务服务中心衔接沟通并正式函告";  // 办法 3
inline constexpr char kPlanAttendance[] = "严格执行打卡考勤制度，做到不迟到、不早退、不旷工、不擅自离岗";  // 办法 4
inline constexpr char kPlanDismissMisconduct[] = "对窗口工作人员违法违纪或不能胜任工作的，政务服务中心及时发函清退窗口人员回原单位";  // 办法 12 一
inline constexpr char kPlanDismissDisobedience[] = "违反政务服务中心管理制度，经多次批评教育后仍不服从管理的，政务服务中心将有关情况书面报送纪检监察和组织人事部门，抄送原单位并予以清退窗口人员";  // 办法 12 二
inline constexpr char kPlanReplace[] = "原单位接函后须及时调整人员";  // 办法 12

// StaffMember.leave_reason of a member who left by 一票清退 (办法 12), and the default for a rotation.
inline constexpr char kLeaveReasonDismissal[] = "一票清退";
inline constexpr char kLeaveReasonRotation[] = "轮换";

struct StaffPolicy {
  double payroll_rate_min = 0.5;   // the plan: 不得低于 50%
  int rotation_min_years = 2;      // the plan: 至少两年以上
  int replacement_working_days = 10;  // local policy: "及时" has no number in the plan
  // Local policy: our reading of 办法 12 二 "多次批评教育" (the plan gives no number).
  int min_criticisms = 2;
  Span work_hours{9 * 60, 17 * 60 + 30};  // local policy: the centre's working hours for clock-in
  int grace_minutes = 0;           // local policy
};

// A new member: name, unit (resident), window (the unit's), employment given, posted date and the
// posting letter (办法 3 "派驻人员名单以正式函的形式报送政务服务中心备案"); a chief representative or
// approval staff off payroll is accepted and shows in the check (the centre records what is).
absl::Status CheckNewStaff(const pb::StaffMember& member, const pb::Directory& directory);
// Rotating a member out before rotation_min_years needs the unit's letter (FAILED_PRECONDITION
// quoting the plan without one). Returns the member as it leaves.
absl::StatusOr<pb::StaffMember> DecideRotation(const pb::StaffMember& member, absl::CivilDay date,
                                               std::string_view letter, std::string_view reason,
                                               const StaffPolicy& policy);

// Every staff rule for every unit with staff on file (or `unit`), as of `as_of`: kept and broken.
// `staff` is everyone on file, those who left included; who is at the window on `as_of` is read from
// the dates (posted_date <= as_of, left_date empty or later), never from `active` (which says today).
// A unit whose members have all left still owes its section head (HEAD_POSTED). Rotations are those
// who left on or before `as_of`; dismissals dated after `as_of` are not yet counted.
pb::StaffCheckReport CheckStaff(const pb::Directory& directory, const std::vector<pb::StaffMember>& staff,
                                const std::vector<pb::Dismissal>& dismissals, std::string_view unit,
                                absl::CivilDay as_of, const StaffPolicy& policy);

// One day of clock data.
struct ClockDay {
  std::string clock_id;
  absl::CivilDay date;
  std::optional<int> clock_in;   // minutes
  std::optional<int> clock_out;
  int line = 0;                  // the CSV line it came from (the header is line 1), for errors downstream
};
// Parses the attendance CSV (header clock_id,date,clock_in,clock_out); errors name the line.
struct ParsedAttendance {
  std::vector<ClockDay> days;
  std::vector<std::string> errors;
};
ParsedAttendance ParseAttendanceCsv(std::string_view csv);
// ABSENT without a clock-in, LATE after start + grace, EARLY before end − grace (or no clock-out).
pb::AttendanceMark MarkAttendance(const ClockDay& day, const StaffPolicy& policy);
// 旷工 with no row at all (办法 4 "不旷工"): over the dates the file covers (its earliest to its latest
// date), every working day on which a member with a clock_id was at the window (posted_date <= day,
// left_date empty or later) and the file has no row for that clock_id and day gives an ABSENT line
// (staff_id, name, unit, date). Days the calendar cannot tell (a year not published) give none: the
// caller reports those rows' days itself. Sorted by date, then staff id.
std::vector<pb::AttendanceLine> AbsentWithoutRow(const std::vector<pb::StaffMember>& staff,
                                                 const std::vector<ClockDay>& days,
                                                 const WorkingDayCalendar& calendar);

// A 一票清退 record. Both paths need `letter`: path 1 the centre's 函 ("及时发函清退"), path 2 its written
// report ("书面报送纪检监察和组织人事部门"). Path 2 also needs policy.min_criticisms criticisms (our
// reading of "多次批评教育", local policy) and names 纪检监察 and 组织人事 as reported to; the unit is
// copied on both. The replacement is due replacement_working_days after the date; when those days fall
// in a year whose holiday arrangement is not published, the dismissal is recorded with no due date
// (and ReplacementOverdue stays false) rather than refused.
absl::StatusOr<pb::Dismissal> DecideDismissal(const pb::DismissRequest& request,
                                              const pb::StaffMember& member,
                                              const WorkingDayCalendar& calendar,
                                              const StaffPolicy& policy);
bool ReplacementOverdue(const pb::Dismissal& dismissal, absl::CivilDay today);

}  // namespace ys::duty
