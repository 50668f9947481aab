#include "services/duty/staff_rules.h"

#include <functional>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ys::duty {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const WorkingDayCalendar& Calendar() {
  static const WorkingDayCalendar* c = new WorkingDayCalendar(*WorkingDayCalendar::LoadEmbedded());
  return *c;
}

constexpr char kZrzy[] = "市自然资源局";
constexpr char kTax[] = "市税务局";

pb::Directory TestDirectory() {
  pb::Directory d;
  for (auto [name, window, chief] : {std::make_tuple(kZrzy, "A01", "王某"), std::make_tuple(kTax, "C01", "孙某")}) {
    pb::ResidentUnit* u = d.add_units();
    u->set_name(name);
    u->set_high_frequency(true);
    u->add_windows()->set_code(window);
    pb::Leader* l = u->add_leaders();
    l->set_id(std::string(window) + "-chief");
    l->set_name(chief);
    l->set_title("行政审批科科长");
    l->set_role(pb::LEADER_ROLE_APPROVAL_CHIEF);
  }
  return d;
}

// An active member on payroll, posted 2021-03-01 with a letter.
pb::StaffMember Member(const std::string& id, const std::string& name, const std::string& unit = kZrzy) {
  pb::StaffMember m;
  m.set_id(id);
  m.set_unit(unit);
  m.set_window(unit == kZrzy ? "A01" : "C01");
  m.set_name(name);
  m.set_employment(pb::EMPLOYMENT_ON_PAYROLL);
  m.set_posted_date("2021-03-01");
  m.set_posting_letter("饶自然资函〔2021〕12号");
  m.set_active(true);
  return m;
}

pb::StaffMember OffPayroll(pb::StaffMember m) {
  m.set_employment(pb::EMPLOYMENT_OFF_PAYROLL);
  return m;
}

pb::StaffMember Head(pb::StaffMember m, bool chief_representative = true) {
  m.set_section_head(true);
  m.set_approval_staff(true);
  m.set_chief_representative(chief_representative);
  return m;
}

pb::StaffMember Left(pb::StaffMember m, const std::string& date, const std::string& letter,
                     const std::string& reason = kLeaveReasonRotation) {
  m.set_active(false);
  m.set_left_date(date);
  m.set_leave_letter(letter);
  m.set_leave_reason(reason);
  return m;
}

const absl::CivilDay kAsOf(2022, 10, 20);

pb::StaffCheckReport Check(const std::vector<pb::StaffMember>& staff,
                           const std::vector<pb::Dismissal>& dismissals = {}, const std::string& unit = "") {
  return CheckStaff(TestDirectory(), staff, dismissals, unit, kAsOf, StaffPolicy{});
}

std::vector<const pb::StaffFinding*> Findings(const pb::StaffCheckReport& report, pb::StaffRule rule) {
  std::vector<const pb::StaffFinding*> out;
  for (const pb::StaffFinding& f : report.findings()) {
    if (f.rule() == rule) out.push_back(&f);
  }
  return out;
}

// A window that keeps every unit-level rule: head and chief representative, payroll 3 of 4.
std::vector<pb::StaffMember> GoodWindow() {
  return {Head(Member("WS-000001", "王某")), Member("WS-000002", "刘某"), Member("WS-000003", "陈某"),
          OffPayroll(Member("WS-000004", "周某"))};
}

// --- CheckNewStaff ---------------------------------------------------------------------------------

TEST(CheckNewStaffTest, AcceptsACompleteMember) {
  EXPECT_TRUE(CheckNewStaff(Member("", "刘某"), TestDirectory()).ok());
  // A chief representative off payroll and not the section head is accepted: the check shows it.
  pb::StaffMember odd = OffPayroll(Member("", "刘某"));
  odd.set_chief_representative(true);
  odd.set_approval_staff(true);
  EXPECT_TRUE(CheckNewStaff(odd, TestDirectory()).ok());
}

TEST(CheckNewStaffTest, ErrorsNameTheField) {
  struct Row {
    std::function<void(pb::StaffMember*)> edit;
    absl::StatusCode code;
    std::string names;
  };
  const std::vector<Row> rows = {
      {[](pb::StaffMember* m) { m->set_name(" "); }, absl::StatusCode::kInvalidArgument, "name"},
      {[](pb::StaffMember* m) { m->set_unit(""); }, absl::StatusCode::kInvalidArgument, "unit"},
      {[](pb::StaffMember* m) { m->set_unit("市不存在局"); }, absl::StatusCode::kNotFound, "市不存在局"},
      {[](pb::StaffMember* m) { m->set_window(""); }, absl::StatusCode::kInvalidArgument, "window"},
      {[](pb::StaffMember* m) { m->set_window("C01"); }, absl::StatusCode::kInvalidArgument, "window 'C01'"},
      {[](pb::StaffMember* m) { m->set_employment(pb::EMPLOYMENT_UNSPECIFIED); },
       absl::StatusCode::kInvalidArgument, "employment"},
      {[](pb::StaffMember* m) { m->set_posted_date(""); }, absl::StatusCode::kInvalidArgument, "posted_date"},
      {[](pb::StaffMember* m) { m->set_posted_date("2021/03/01"); }, absl::StatusCode::kInvalidArgument,
       "posted_date"},
      {[](pb::StaffMember* m) { m->set_posting_letter(""); }, absl::StatusCode::kInvalidArgument,
       "posting_letter"},
  };
  for (const Row& row : rows) {
    pb::StaffMember m = Member("", "刘某");
    row.edit(&m);
    const absl::Status s = CheckNewStaff(m, TestDirectory());
    EXPECT_EQ(s.code(), row.code) << row.names << ": " << s;
    EXPECT_THAT(s.message(), HasSubstr(row.names));
  }
}

// --- DecideRotation --------------------------------------------------------------------------------

TEST(DecideRotationTest, BeforeTwoYearsNeedsTheUnitsLetter) {
  const pb::StaffMember m = Member("WS-000002", "刘某");  // posted 2021-03-01
  auto refused = DecideRotation(m, absl::CivilDay(2022, 10, 20), "", "工作调整", StaffPolicy{});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr(kPlanRotation));
  EXPECT_THAT(refused.status().message(), HasSubstr("letter"));

  auto with_letter = DecideRotation(m, absl::CivilDay(2022, 10, 20), "饶自然资函〔2022〕88号", "", StaffPolicy{});
  ASSERT_TRUE(with_letter.ok()) << with_letter.status();
  EXPECT_FALSE(with_letter->active());
  EXPECT_EQ(with_letter->left_date(), "2022-10-20");
  EXPECT_EQ(with_letter->leave_letter(), "饶自然资函〔2022〕88号");
  EXPECT_EQ(with_letter->leave_reason(), kLeaveReasonRotation);
  EXPECT_EQ(with_letter->id(), "WS-000002");
}

TEST(DecideRotationTest, AfterTwoYearsNeedsNoLetter) {
  const pb::StaffMember m = Member("WS-000002", "刘某");
  // Two full years to the day: "至少两年以上" is met.
  auto two_years = DecideRotation(m, absl::CivilDay(2023, 3, 1), "", "期满轮换", StaffPolicy{});
  ASSERT_TRUE(two_years.ok()) << two_years.status();
  EXPECT_EQ(two_years->leave_reason(), "期满轮换");
  EXPECT_EQ(DecideRotation(m, absl::CivilDay(2023, 2, 28), "", "", StaffPolicy{}).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(DecideRotationTest, RefusesWhatIsNotARotation) {
  const pb::StaffMember m = Member("WS-000002", "刘某");
  EXPECT_EQ(DecideRotation(Left(m, "2022-01-01", "函"), absl::CivilDay(2023, 3, 1), "函", "", StaffPolicy{})
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(DecideRotation(m, absl::CivilDay(2021, 2, 1), "函", "", StaffPolicy{}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecideRotation(m, absl::CivilDay(2023, 3, 1), "函", kLeaveReasonDismissal, StaffPolicy{}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// --- CheckStaff, rule by rule ----------------------------------------------------------------------

TEST(CheckStaffTest, PayrollRateKept) {
  const auto report = Check(GoodWindow());
  const auto lines = Findings(report, pb::STAFF_RULE_PAYROLL_RATE);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(lines[0]->kept());
  EXPECT_EQ(lines[0]->text(), "在编 3 人 / 窗口 4 人 = 75%");
  EXPECT_EQ(lines[0]->plan_words(), kPlanPayrollRate);
  EXPECT_EQ(lines[0]->unit(), kZrzy);
  // Exactly 50% is "不得低于 50%".
  const auto half = Check({Head(Member("WS-000001", "王某")), OffPayroll(Member("WS-000002", "刘某"))});
  EXPECT_TRUE(Findings(half, pb::STAFF_RULE_PAYROLL_RATE)[0]->kept());
  EXPECT_EQ(Findings(half, pb::STAFF_RULE_PAYROLL_RATE)[0]->text(), "在编 1 人 / 窗口 2 人 = 50%");
}

TEST(CheckStaffTest, PayrollRateBroken) {
  const auto report = Check({Head(Member("WS-000001", "王某")), Member("WS-000002", "刘某"),
                             OffPayroll(Member("WS-000003", "陈某")), OffPayroll(Member("WS-000004", "周某")),
                             OffPayroll(Member("WS-000005", "吴某"))});
  const auto lines = Findings(report, pb::STAFF_RULE_PAYROLL_RATE);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_FALSE(lines[0]->kept());
  EXPECT_EQ(lines[0]->text(), "在编 2 人 / 窗口 5 人 = 40%，低于 50%");
  // A third is floored, never rounded up to the floor.
  const auto third = Check({Head(Member("WS-000001", "王某")), OffPayroll(Member("WS-000002", "刘某")),
                            OffPayroll(Member("WS-000003", "陈某"))});
  EXPECT_EQ(Findings(third, pb::STAFF_RULE_PAYROLL_RATE)[0]->text(), "在编 1 人 / 窗口 3 人 = 33.3%，低于 50%");
}

TEST(CheckStaffTest, ApprovalOnPayrollKept) {
  std::vector<pb::StaffMember> staff = GoodWindow();
  staff[1].set_approval_staff(true);
  const auto lines = Findings(Check(staff), pb::STAFF_RULE_APPROVAL_ON_PAYROLL);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(lines[0]->kept());
  EXPECT_EQ(lines[0]->text(), "行政审批人员 2 人均为在编");
  EXPECT_EQ(lines[0]->plan_words(), kPlanApprovalOnPayroll);
}

TEST(CheckStaffTest, ApprovalOnPayrollBrokenForEachMemberOffPayroll) {
  std::vector<pb::StaffMember> staff = GoodWindow();
  staff[3].set_approval_staff(true);  // 周某, off payroll
  pb::StaffMember unknown = Member("WS-000005", "吴某");
  unknown.set_approval_staff(true);
  unknown.set_employment(pb::EMPLOYMENT_UNSPECIFIED);
  staff.push_back(unknown);
  const auto lines = Findings(Check(staff), pb::STAFF_RULE_APPROVAL_ON_PAYROLL);
  ASSERT_EQ(lines.size(), 2u);  // no kept line beside them
  EXPECT_FALSE(lines[0]->kept());
  EXPECT_EQ(lines[0]->staff_id(), "WS-000004");
  EXPECT_EQ(lines[0]->text(), "行政审批人员周某 (WS-000004) 非在编");
  EXPECT_FALSE(lines[1]->kept());
  EXPECT_EQ(lines[1]->staff_id(), "WS-000005");
}

TEST(CheckStaffTest, ChiefIsHeadKept) {
  const auto lines = Findings(Check(GoodWindow()), pb::STAFF_RULE_CHIEF_IS_HEAD);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(lines[0]->kept());
  EXPECT_EQ(lines[0]->staff_id(), "WS-000001");
  EXPECT_EQ(lines[0]->plan_words(), kPlanChiefIsHead);
}

TEST(CheckStaffTest, ChiefIsHeadBroken) {
  // A chief representative who is not the section head.
  std::vector<pb::StaffMember> staff = {Head(Member("WS-000001", "王某"), /*chief_representative=*/false),
                                        Member("WS-000002", "刘某")};
  staff[1].set_chief_representative(true);
  const auto not_head = Findings(Check(staff), pb::STAFF_RULE_CHIEF_IS_HEAD);
  ASSERT_EQ(not_head.size(), 1u);
  EXPECT_FALSE(not_head[0]->kept());
  EXPECT_EQ(not_head[0]->staff_id(), "WS-000002");
  EXPECT_EQ(not_head[0]->text(), "首席代表刘某 (WS-000002) 不是行政审批科室负责人");
  // No chief representative at all.
  const auto none = Findings(Check({Head(Member("WS-000001", "王某"), false)}), pb::STAFF_RULE_CHIEF_IS_HEAD);
  ASSERT_EQ(none.size(), 1u);
  EXPECT_FALSE(none[0]->kept());
  EXPECT_EQ(none[0]->staff_id(), "");
}

TEST(CheckStaffTest, HeadPostedKept) {
  const auto lines = Findings(Check(GoodWindow()), pb::STAFF_RULE_HEAD_POSTED);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(lines[0]->kept());
  EXPECT_EQ(lines[0]->staff_id(), "WS-000001");
  EXPECT_THAT(lines[0]->text(), HasSubstr("王某 (WS-000001) 窗口 A01"));
}

TEST(CheckStaffTest, HeadPostedBroken) {
  // The head left: those remaining have no section head.
  std::vector<pb::StaffMember> staff = GoodWindow();
  staff[0] = Left(staff[0], "2022-09-30", "");
  const auto lines = Findings(Check(staff), pb::STAFF_RULE_HEAD_POSTED);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_FALSE(lines[0]->kept());
  EXPECT_EQ(lines[0]->text(), "窗口人员中无在岗的行政审批科长（名录中的行政审批科长：王某）");
}

TEST(CheckStaffTest, RotationLetterKeptAndBroken) {
  std::vector<pb::StaffMember> staff = GoodWindow();
  staff.push_back(Left(Member("WS-000010", "郑某"), "2022-06-30", "饶自然资函〔2022〕40号"));  // early, letter
  staff.push_back(Left(Member("WS-000011", "冯某"), "2022-07-15", ""));                        // early, none
  staff.push_back(Left(Member("WS-000012", "褚某"), "2023-03-01", ""));  // two full years: no line
  staff.push_back(Left(Member("WS-000013", "卫某"), "2022-08-01", "", kLeaveReasonDismissal));  // 一票清退
  const auto lines = Findings(Check(staff), pb::STAFF_RULE_ROTATION_LETTER);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(lines[0]->kept());
  EXPECT_EQ(lines[0]->staff_id(), "WS-000010");
  EXPECT_FALSE(lines[1]->kept());
  EXPECT_EQ(lines[1]->staff_id(), "WS-000011");
  EXPECT_EQ(lines[1]->text(),
            "冯某 (WS-000011) 派驻于 2021-03-01，2022-07-15 离岗，不满 2 年，无原单位正式函告");
  EXPECT_EQ(lines[1]->plan_words(), kPlanRotation);
}

pb::Dismissal MakeDismissal(const std::string& id, const std::string& staff_id, const std::string& due,
                            const std::string& replacement = "") {
  pb::Dismissal d;
  d.set_id(id);
  d.set_staff_id(staff_id);
  d.set_name("卫某");
  d.set_unit(kZrzy);
  d.set_path(pb::DISMISSAL_PATH_MISCONDUCT);
  d.set_date("2022-09-01");
  d.set_replacement_due_date(due);
  d.set_replacement_id(replacement);
  return d;
}

TEST(CheckStaffTest, ReplacementKeptAndBroken) {
  std::vector<pb::StaffMember> staff = GoodWindow();
  // A dismissed member whose leave_reason was not set still is not a rotation.
  staff.push_back(Left(Member("WS-000013", "卫某"), "2022-09-01", "", ""));
  const std::vector<pb::Dismissal> dismissals = {
      MakeDismissal("QT-000001", "WS-000013", "2022-09-16", "WS-000020"),  // replaced
      MakeDismissal("QT-000002", "WS-000014", "2022-10-14"),               // overdue on 10-20
      MakeDismissal("QT-000003", "WS-000015", "2022-10-20"),               // due today: not overdue
  };
  const auto report = Check(staff, dismissals);
  EXPECT_THAT(Findings(report, pb::STAFF_RULE_ROTATION_LETTER), IsEmpty());
  const auto lines = Findings(report, pb::STAFF_RULE_REPLACEMENT);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(lines[0]->kept());
  EXPECT_EQ(lines[0]->staff_id(), "WS-000013");
  EXPECT_FALSE(lines[1]->kept());
  EXPECT_EQ(lines[1]->staff_id(), "WS-000014");
  EXPECT_EQ(lines[1]->text(),
            "一票清退卫某 (QT-000002) 后原单位调整人员的期限截至 2022-10-14（含），至今未调整");
  EXPECT_EQ(lines[1]->plan_words(), kPlanReplace);
}

TEST(CheckStaffTest, CountsUnitsAndOrder) {
  std::vector<pb::StaffMember> staff = GoodWindow();
  staff.push_back(OffPayroll(Member("WS-000030", "孙某", kTax)));  // 0 of 1 on payroll, no head, no chief
  const auto report = Check(staff);
  EXPECT_EQ(report.as_of(), "2022-10-20");
  int kept = 0, broken = 0;
  std::vector<std::string> order;
  for (const pb::StaffFinding& f : report.findings()) {
    (f.kept() ? kept : broken)++;
    order.push_back(f.unit() + "|" + pb::StaffRule_Name(f.rule()) + "|" + (f.kept() ? "kept" : "broken"));
  }
  EXPECT_EQ(report.kept(), kept);
  EXPECT_EQ(report.broken(), broken);
  // 市税务局 sorts before 市自然资源局 by bytes; rules in their order.
  EXPECT_THAT(order, ElementsAre("市税务局|STAFF_RULE_PAYROLL_RATE|broken",
                                 "市税务局|STAFF_RULE_CHIEF_IS_HEAD|broken",
                                 "市税务局|STAFF_RULE_HEAD_POSTED|broken",
                                 "市自然资源局|STAFF_RULE_PAYROLL_RATE|kept",
                                 "市自然资源局|STAFF_RULE_APPROVAL_ON_PAYROLL|kept",
                                 "市自然资源局|STAFF_RULE_CHIEF_IS_HEAD|kept",
                                 "市自然资源局|STAFF_RULE_HEAD_POSTED|kept"));

  // One unit only; a named unit with no one on the window still owes its section head.
  const auto tax = Check(staff, {}, kTax);
  for (const pb::StaffFinding& f : tax.findings()) EXPECT_EQ(f.unit(), kTax);
  EXPECT_EQ(tax.findings_size(), 3);
  const auto empty = Check({}, {}, kTax);
  ASSERT_EQ(empty.findings_size(), 1);
  EXPECT_EQ(empty.findings(0).rule(), pb::STAFF_RULE_HEAD_POSTED);
  EXPECT_FALSE(empty.findings(0).kept());
  EXPECT_EQ(Check({}).findings_size(), 0);
}

TEST(CheckStaffTest, WhoIsAtTheWindowIsReadFromTheDatesNotFromActive) {
  std::vector<pb::StaffMember> staff = GoodWindow();
  // The head left on 12-01, after the day checked: on 10-20 the head was at the window.
  staff[0] = Left(staff[0], "2022-12-01", "饶自然资函〔2022〕99号");
  // Posted after the day checked: not yet on the window (else 3 of 5 = 60%).
  pb::StaffMember later = OffPayroll(Member("WS-000005", "吴某"));
  later.set_posted_date("2022-11-01");
  staff.push_back(later);
  // Leaves on the day checked: the day of leaving is the first day away.
  staff.push_back(OffPayroll(Left(Member("WS-000006", "钱某"), "2022-10-20", "饶自然资函〔2022〕50号")));
  const auto report = Check(staff);
  const auto rate = Findings(report, pb::STAFF_RULE_PAYROLL_RATE);
  ASSERT_EQ(rate.size(), 1u);
  EXPECT_EQ(rate[0]->text(), "在编 3 人 / 窗口 4 人 = 75%");
  const auto head = Findings(report, pb::STAFF_RULE_HEAD_POSTED);
  ASSERT_EQ(head.size(), 1u);
  EXPECT_TRUE(head[0]->kept());
  EXPECT_EQ(head[0]->staff_id(), "WS-000001");
  // Only who had left by 10-20 is a rotation: 钱某, not the head who leaves in December.
  const auto rotations = Findings(report, pb::STAFF_RULE_ROTATION_LETTER);
  ASSERT_EQ(rotations.size(), 1u);
  EXPECT_EQ(rotations[0]->staff_id(), "WS-000006");
}

TEST(CheckStaffTest, AsOfAnEarlierDayReadsTheWindowThen) {
  std::vector<pb::StaffMember> staff = GoodWindow();
  staff[0] = Left(staff[0], "2022-09-30", "");  // the head has since left
  const auto then = CheckStaff(TestDirectory(), staff, {}, "", absl::CivilDay(2022, 6, 1), StaffPolicy{});
  const auto head = Findings(then, pb::STAFF_RULE_HEAD_POSTED);
  ASSERT_EQ(head.size(), 1u);
  EXPECT_TRUE(head[0]->kept());
  EXPECT_THAT(Findings(then, pb::STAFF_RULE_ROTATION_LETTER), IsEmpty());  // not yet left
  // Before anyone was posted there is no window to check.
  EXPECT_EQ(CheckStaff(TestDirectory(), staff, {}, "", absl::CivilDay(2021, 1, 1), StaffPolicy{}).findings_size(), 0);
}

TEST(CheckStaffTest, AUnitEveryoneHasLeftStillOwesItsSectionHead) {
  const std::vector<pb::StaffMember> staff = {Left(Head(Member("WS-000001", "王某")), "2022-10-01", "函"),
                                              Left(Member("WS-000002", "刘某"), "2022-10-01", "函")};
  const auto report = Check(staff);
  const auto head = Findings(report, pb::STAFF_RULE_HEAD_POSTED);
  ASSERT_EQ(head.size(), 1u);
  EXPECT_FALSE(head[0]->kept());
  EXPECT_EQ(head[0]->unit(), kZrzy);
  EXPECT_THAT(Findings(report, pb::STAFF_RULE_PAYROLL_RATE), IsEmpty());  // nothing to rate
}

TEST(CheckStaffTest, DismissalAfterTheDayCheckedIsNotCounted) {
  pb::Dismissal later = MakeDismissal("QT-000004", "WS-000016", "2022-10-14");
  later.set_date("2022-10-21");  // the day after kAsOf
  EXPECT_THAT(Findings(Check(GoodWindow(), {later}), pb::STAFF_RULE_REPLACEMENT), IsEmpty());
  later.set_date("2022-10-01");
  EXPECT_EQ(Findings(Check(GoodWindow(), {later}), pb::STAFF_RULE_REPLACEMENT).size(), 1u);
}

// --- attendance ------------------------------------------------------------------------------------

TEST(ParseAttendanceCsvTest, ReadsRowsWithBomAndCrlf) {
  const auto parsed = ParseAttendanceCsv(
      "\xEF\xBB\xBF" "clock_id,date,clock_in,clock_out\r\n"
      "K001,2022-10-10,08:55,17:40\r\n"
      "K002,2022-10-10,,\r\n"
      "\r\n"
      "K003,2022-10-10,09:20,\r\n");
  EXPECT_THAT(parsed.errors, IsEmpty());
  ASSERT_EQ(parsed.days.size(), 3u);
  EXPECT_EQ(parsed.days[0].clock_id, "K001");
  EXPECT_EQ(parsed.days[0].date, absl::CivilDay(2022, 10, 10));
  EXPECT_EQ(parsed.days[0].clock_in, 8 * 60 + 55);
  EXPECT_EQ(parsed.days[0].clock_out, 17 * 60 + 40);
  EXPECT_EQ(parsed.days[1].clock_in, std::nullopt);
  EXPECT_EQ(parsed.days[1].clock_out, std::nullopt);
  EXPECT_EQ(parsed.days[2].clock_in, 9 * 60 + 20);
  EXPECT_EQ(parsed.days[2].clock_out, std::nullopt);
  // Each row knows its line (the header is line 1; the blank line 4 still counts).
  EXPECT_EQ(parsed.days[0].line, 2);
  EXPECT_EQ(parsed.days[1].line, 3);
  EXPECT_EQ(parsed.days[2].line, 5);
}

TEST(ParseAttendanceCsvTest, ErrorsNameTheLineAndTheField) {
  const auto parsed = ParseAttendanceCsv(
      "clock_id,date,clock_in,clock_out\n"
      "K001,2022-10-10,08:55,17:40\n"   // 2: fine
      ",2022-10-10,08:55,17:40\n"       // 3
      "K002,2022-10-32,08:55,17:40\n"   // 4
      "K003,2022-10-10,8h55,17:40\n"    // 5
      "K004,2022-10-10,08:55,25:00\n"   // 6
      "K005,2022-10-10,08:55\n"         // 7
      "K006,2022-10-10,17:00,09:00\n"   // 8
      "K001,2022-10-10,09:00,17:30\n"); // 9: K001 again
  ASSERT_EQ(parsed.errors.size(), 7u);
  EXPECT_THAT(parsed.errors[0], HasSubstr("line 3: clock_id"));
  EXPECT_THAT(parsed.errors[1], HasSubstr("line 4: date"));
  EXPECT_THAT(parsed.errors[2], HasSubstr("line 5: "));
  EXPECT_THAT(parsed.errors[2], HasSubstr("clock_in"));
  EXPECT_THAT(parsed.errors[3], HasSubstr("line 6: "));
  EXPECT_THAT(parsed.errors[3], HasSubstr("clock_out"));
  EXPECT_THAT(parsed.errors[4], HasSubstr("line 7: 3 fields"));
  EXPECT_THAT(parsed.errors[5], HasSubstr("line 8: clock_out 09:00 is before clock_in 17:00"));
  EXPECT_THAT(parsed.errors[6], HasSubstr("line 9: clock_id K001 on 2022-10-10 repeats line 2"));
  ASSERT_EQ(parsed.days.size(), 1u);  // the good rows still parse
  EXPECT_EQ(parsed.days[0].clock_id, "K001");
}

TEST(ParseAttendanceCsvTest, HeaderIsRequired) {
  const auto wrong = ParseAttendanceCsv("id,date,in,out\nK001,2022-10-10,08:55,17:40\n");
  EXPECT_THAT(wrong.errors, ElementsAre(HasSubstr("line 1: the header must be clock_id,date,clock_in,clock_out")));
  EXPECT_THAT(wrong.days, IsEmpty());
  EXPECT_THAT(ParseAttendanceCsv("").errors, ElementsAre(HasSubstr("header")));
}

ClockDay Day(std::optional<int> in, std::optional<int> out) {
  return ClockDay{"K001", absl::CivilDay(2022, 10, 10), in, out, 2};
}

TEST(MarkAttendanceTest, OnTimeLateEarlyAbsent) {
  const StaffPolicy policy;  // 09:00–17:30, no grace
  EXPECT_EQ(MarkAttendance(Day(9 * 60, 17 * 60 + 30), policy), pb::ATTENDANCE_MARK_ON_TIME);
  EXPECT_EQ(MarkAttendance(Day(9 * 60 + 1, 17 * 60 + 30), policy), pb::ATTENDANCE_MARK_LATE);
  EXPECT_EQ(MarkAttendance(Day(8 * 60 + 50, 17 * 60 + 29), policy), pb::ATTENDANCE_MARK_EARLY);
  EXPECT_EQ(MarkAttendance(Day(8 * 60 + 50, std::nullopt), policy), pb::ATTENDANCE_MARK_EARLY);
  EXPECT_EQ(MarkAttendance(Day(9 * 60 + 30, 16 * 60), policy), pb::ATTENDANCE_MARK_LATE_AND_EARLY);
  EXPECT_EQ(MarkAttendance(Day(std::nullopt, 17 * 60 + 30), policy), pb::ATTENDANCE_MARK_ABSENT);
  StaffPolicy grace;
  grace.grace_minutes = 5;
  EXPECT_EQ(MarkAttendance(Day(9 * 60 + 5, 17 * 60 + 25), grace), pb::ATTENDANCE_MARK_ON_TIME);
  EXPECT_EQ(MarkAttendance(Day(9 * 60 + 6, 17 * 60 + 25), grace), pb::ATTENDANCE_MARK_LATE);
}

pb::StaffMember Clocked(const std::string& id, const std::string& clock_id, const std::string& posted,
                        const std::string& left = "") {
  pb::StaffMember m = Member(id, "员工" + id.substr(id.size() - 1));
  m.set_clock_id(clock_id);
  m.set_posted_date(posted);
  if (!left.empty()) m = Left(m, left, "函");
  return m;
}

ClockDay Row(const std::string& clock_id, absl::CivilDay date) {
  return ClockDay{clock_id, date, 9 * 60, 17 * 60 + 30, 0};
}

std::vector<std::string> DateAndStaff(const std::vector<pb::AttendanceLine>& lines) {
  std::vector<std::string> out;
  for (const pb::AttendanceLine& l : lines) out.push_back(l.date() + "|" + l.staff_id());
  return out;
}

TEST(AbsentWithoutRowTest, WorkingDaysOfTheFilesRangeWithNoRowForSomeoneAtTheWindow) {
  // 国庆 2022: 10-07 is off, 10-08 and 10-09 (the weekend) are make-up working days.
  const std::vector<pb::StaffMember> staff = {
      Clocked("WS-000001", "K001", "2021-03-01"),                // misses 10-09
      Clocked("WS-000002", "K002", "2022-10-12"),                // posted after the file's range
      Clocked("WS-000003", "K003", "2021-03-01", "2022-10-10"),  // left on 10-10: misses 10-09 only
      Clocked("WS-000004", "K004", "2021-03-01"),                // no row at all
      Member("WS-000005", "无打卡号"),                            // no clock_id: not in the clock system
      Clocked("WS-000006", "K003", "2022-10-10"),                // K003 reused from 10-10
  };
  const std::vector<ClockDay> days = {
      Row("K001", absl::CivilDay(2022, 10, 7)),  // a day off: the range starts here, nothing owed
      Row("K001", absl::CivilDay(2022, 10, 8)),  Row("K001", absl::CivilDay(2022, 10, 10)),
      Row("K001", absl::CivilDay(2022, 10, 11)), Row("K003", absl::CivilDay(2022, 10, 8)),
      Row("K003", absl::CivilDay(2022, 10, 11)),  // WS-000006's
  };
  const auto absent = AbsentWithoutRow(staff, days, Calendar());
  EXPECT_THAT(DateAndStaff(absent),
              ElementsAre("2022-10-08|WS-000004", "2022-10-09|WS-000001", "2022-10-09|WS-000003",
                          "2022-10-09|WS-000004", "2022-10-10|WS-000004", "2022-10-10|WS-000006",
                          "2022-10-11|WS-000004"));
  ASSERT_FALSE(absent.empty());
  EXPECT_EQ(absent[0].mark(), pb::ATTENDANCE_MARK_ABSENT);
  EXPECT_EQ(absent[0].name(), "员工4");
  EXPECT_EQ(absent[0].unit(), kZrzy);
  EXPECT_EQ(absent[0].clock_in(), "");
}

TEST(AbsentWithoutRowTest, NothingWithoutRowsOrWhereTheCalendarCannotTell) {
  const std::vector<pb::StaffMember> staff = {Clocked("WS-000004", "K004", "2021-03-01")};
  EXPECT_THAT(AbsentWithoutRow(staff, {}, Calendar()), IsEmpty());
  // 2027's arrangement is not published: no day of it is called a working day.
  EXPECT_THAT(AbsentWithoutRow(staff, {Row("K001", absl::CivilDay(2027, 3, 1)), Row("K001", absl::CivilDay(2027, 3, 5))},
                               Calendar()),
              IsEmpty());
}

// --- 一票清退 ----------------------------------------------------------------------------------------

pb::DismissRequest Dismiss(pb::DismissalPath path, int criticisms = 0,
                          const std::string& letter = "饶政服函〔2022〕9号") {
  pb::DismissRequest r;
  r.set_staff_id("WS-000002");
  r.set_path(path);
  r.set_reason("多次无故脱岗");
  r.set_letter(letter);
  r.set_date("2022-09-28");
  r.set_criticisms(criticisms);
  return r;
}

TEST(DecideDismissalTest, MisconductPathNeedsTheCentresLetter) {
  const pb::StaffMember m = Member("WS-000002", "刘某");
  auto refused = DecideDismissal(Dismiss(pb::DISMISSAL_PATH_MISCONDUCT, 0, " "), m, Calendar(), StaffPolicy{});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr("letter"));

  auto d = DecideDismissal(Dismiss(pb::DISMISSAL_PATH_MISCONDUCT, 0, "饶政服函〔2022〕9号"), m, Calendar(),
                           StaffPolicy{});
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->staff_id(), "WS-000002");
  EXPECT_EQ(d->name(), "刘某");
  EXPECT_EQ(d->unit(), kZrzy);
  EXPECT_EQ(d->date(), "2022-09-28");
  EXPECT_THAT(d->copied_to(), ElementsAre(kZrzy));
  EXPECT_THAT(d->reported_to(), IsEmpty());
  // Ten working days after 09-28 across 国庆: 09-29, 09-30, 10-08, 10-09, 10-10 … 10-14, 10-17.
  EXPECT_EQ(d->replacement_due_date(), "2022-10-17");
}

TEST(DecideDismissalTest, DisobediencePathNeedsRepeatedCriticism) {
  const pb::StaffMember m = Member("WS-000002", "刘某");
  auto once = DecideDismissal(Dismiss(pb::DISMISSAL_PATH_DISOBEDIENCE, 1), m, Calendar(), StaffPolicy{});
  EXPECT_EQ(once.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(once.status().message(), HasSubstr("多次批评教育"));
  EXPECT_THAT(once.status().message(), HasSubstr("criticisms"));
  // Two is our reading of "多次", not the plan's number: the error says so.
  EXPECT_THAT(once.status().message(), HasSubstr("our reading of 多次 (staff.min_criticisms, local policy)"));

  auto d = DecideDismissal(Dismiss(pb::DISMISSAL_PATH_DISOBEDIENCE, 2), m, Calendar(), StaffPolicy{});
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_THAT(d->reported_to(), ElementsAre("纪检监察部门", "组织人事部门"));
  EXPECT_THAT(d->copied_to(), ElementsAre(kZrzy));
  EXPECT_EQ(d->path(), pb::DISMISSAL_PATH_DISOBEDIENCE);
  EXPECT_EQ(d->letter(), "饶政服函〔2022〕9号");
}

TEST(DecideDismissalTest, DisobediencePathNeedsTheWrittenReport) {
  // "政务服务中心将有关情况书面报送纪检监察和组织人事部门": the written report is the path's letter.
  const pb::StaffMember m = Member("WS-000002", "刘某");
  auto refused = DecideDismissal(Dismiss(pb::DISMISSAL_PATH_DISOBEDIENCE, 3, ""), m, Calendar(), StaffPolicy{});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr("letter is required on path 2"));
  EXPECT_THAT(refused.status().message(), HasSubstr(kPlanDismissDisobedience));
}

TEST(DecideDismissalTest, MinCriticismsIsThePolicys) {
  const pb::StaffMember m = Member("WS-000002", "刘某");
  StaffPolicy three;
  three.min_criticisms = 3;
  auto twice = DecideDismissal(Dismiss(pb::DISMISSAL_PATH_DISOBEDIENCE, 2), m, Calendar(), three);
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(twice.status().message(), HasSubstr("2 recorded, path 2 needs at least 3"));
  EXPECT_TRUE(DecideDismissal(Dismiss(pb::DISMISSAL_PATH_DISOBEDIENCE, 3), m, Calendar(), three).ok());
  EXPECT_EQ(StaffPolicy{}.min_criticisms, 2);
}

TEST(DecideDismissalTest, UnpublishedYearRecordsTheDismissalWithoutADueDate) {
  const pb::StaffMember m = Member("WS-000002", "刘某");
  for (const char* date : {"2027-03-01", "2026-12-28"}) {  // in 2027; ten working days into 2027
    pb::DismissRequest r = Dismiss(pb::DISMISSAL_PATH_MISCONDUCT);
    r.set_date(date);
    auto d = DecideDismissal(r, m, Calendar(), StaffPolicy{});
    ASSERT_TRUE(d.ok()) << date << ": " << d.status();
    EXPECT_EQ(d->date(), date);
    EXPECT_EQ(d->replacement_due_date(), "") << date;
    EXPECT_FALSE(ReplacementOverdue(*d, absl::CivilDay(2030, 1, 1))) << date;
  }
}

TEST(DecideDismissalTest, ErrorsNameTheField) {
  const pb::StaffMember m = Member("WS-000002", "刘某");
  const StaffPolicy policy;
  pb::DismissRequest r = Dismiss(pb::DISMISSAL_PATH_DISOBEDIENCE, 3);
  r.set_date("");
  EXPECT_THAT(DecideDismissal(r, m, Calendar(), policy).status().message(), HasSubstr("date"));
  r.set_date("2022-9-28");
  EXPECT_EQ(DecideDismissal(r, m, Calendar(), policy).status().code(), absl::StatusCode::kInvalidArgument);
  r = Dismiss(pb::DISMISSAL_PATH_DISOBEDIENCE, 3);
  r.set_reason("");
  EXPECT_THAT(DecideDismissal(r, m, Calendar(), policy).status().message(), HasSubstr("reason"));
  EXPECT_THAT(DecideDismissal(Dismiss(pb::DISMISSAL_PATH_UNSPECIFIED), m, Calendar(), policy).status().message(),
              HasSubstr("path"));
  r = Dismiss(pb::DISMISSAL_PATH_DISOBEDIENCE, 3);
  r.set_staff_id("WS-000099");
  EXPECT_THAT(DecideDismissal(r, m, Calendar(), policy).status().message(), HasSubstr("staff_id"));
  EXPECT_EQ(DecideDismissal(Dismiss(pb::DISMISSAL_PATH_DISOBEDIENCE, 3), Left(m, "2022-09-01", "函"), Calendar(),
                            policy)
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(ReplacementOverdueTest, AfterTheDueDayWithoutAReplacement) {
  pb::Dismissal d = MakeDismissal("QT-000001", "WS-000002", "2022-10-17");
  EXPECT_FALSE(ReplacementOverdue(d, absl::CivilDay(2022, 10, 17)));
  EXPECT_TRUE(ReplacementOverdue(d, absl::CivilDay(2022, 10, 18)));
  d.set_replacement_id("WS-000009");
  EXPECT_FALSE(ReplacementOverdue(d, absl::CivilDay(2022, 10, 18)));
}

}  // namespace
}  // namespace ys::duty
