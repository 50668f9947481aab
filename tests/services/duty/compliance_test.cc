#include "services/duty/compliance.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ys::duty {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const WorkingDayCalendar& Calendar() {
  static const WorkingDayCalendar* c = new WorkingDayCalendar(*WorkingDayCalendar::LoadEmbedded());
  return *c;
}

constexpr char kZrzy[] = "市自然资源局";  // a 表3 unit
constexpr char kArchive[] = "市档案馆";    // a resident unit not in 表3 (test data)

pb::Leader MakeLeader(const std::string& id, const std::string& name, const std::string& title,
                      pb::LeaderRole role) {
  pb::Leader l;
  l.set_id(id);
  l.set_name(name);
  l.set_title(title);
  l.set_role(role);
  return l;
}

pb::Directory TestDirectory() {
  pb::Directory d;
  d.set_version(1);
  pb::ResidentUnit* zrzy = d.add_units();
  zrzy->set_name(kZrzy);
  zrzy->set_high_frequency(true);
  zrzy->add_windows()->set_code("A01");
  *zrzy->add_leaders() = MakeLeader("zrzy-main", "张某", "局长", pb::LEADER_ROLE_MAIN);
  *zrzy->add_leaders() = MakeLeader("zrzy-deputy", "李某", "副局长", pb::LEADER_ROLE_DEPUTY);
  *zrzy->add_leaders() = MakeLeader("zrzy-chief", "王某", "行政审批科科长", pb::LEADER_ROLE_APPROVAL_CHIEF);
  pb::ResidentUnit* archive = d.add_units();
  archive->set_name(kArchive);
  archive->set_high_frequency(false);
  archive->add_windows()->set_code("B01");
  *archive->add_leaders() = MakeLeader("da-main", "赵某", "馆长", pb::LEADER_ROLE_MAIN);
  *archive->add_leaders() = MakeLeader("da-deputy", "钱某", "副馆长", pb::LEADER_ROLE_DEPUTY);
  *archive->add_leaders() = MakeLeader("da-chief", "孙某", "行政审批科科长", pb::LEADER_ROLE_APPROVAL_CHIEF);
  return d;
}

pb::DutyRecord Record(const std::string& id, const std::string& leader_id, const std::string& date,
                      pb::Coverage coverage) {
  pb::DutyRecord r;
  r.set_id(id);
  r.set_unit(leader_id.starts_with("da-") ? kArchive : kZrzy);
  r.set_leader_id(leader_id);
  r.set_date(date);
  r.set_coverage(coverage);  // set directly: CoverageOf is hours.cc's, tested there
  return r;
}

pb::Exemption MakeExemption(const std::string& leader_id, const std::string& month, const std::string& reason) {
  pb::Exemption e;
  e.set_leader_id(leader_id);
  e.set_unit(kZrzy);
  e.set_month(month);
  e.set_reason(reason);
  return e;
}

pb::StaffMember Staff(const std::string& id, const std::string& unit, const std::string& name, bool head,
                      const std::string& window) {
  pb::StaffMember m;
  m.set_id(id);
  m.set_unit(unit);
  m.set_name(name);
  m.set_section_head(head);
  m.set_window(window);
  m.set_active(true);
  m.set_employment(pb::EMPLOYMENT_ON_PAYROLL);
  m.set_posted_date("2022-01-04");
  return m;
}

pb::StaffMember Posted(pb::StaffMember m, const std::string& posted, const std::string& left = "") {
  m.set_posted_date(posted);
  m.set_left_date(left);
  m.set_active(left.empty());
  return m;
}

struct Case {
  pb::Directory directory = TestDirectory();
  std::vector<pb::DutyRecord> records;
  std::vector<pb::Exemption> exemptions;
  std::vector<pb::StaffMember> staff;
  int grace_working_days = 0;

  absl::StatusOr<pb::ComplianceReport> Run(const std::string& month, absl::CivilDay today,
                                           const std::string& unit = "") const {
    ComplianceInput input;
    input.grace_working_days = grace_working_days;
    input.directory = &directory;
    input.month = month;
    input.unit = unit;
    input.records = &records;
    input.exemptions = &exemptions;
    input.staff = &staff;
    input.today = today;
    return ComputeCompliance(input, Calendar(), DutyHours{});
  }
};

std::vector<const pb::ComplianceLine*> LinesOf(const pb::ComplianceReport& report, const std::string& leader_id) {
  std::vector<const pb::ComplianceLine*> out;
  for (const pb::ComplianceLine& l : report.lines()) {
    if (l.leader_id() == leader_id) out.push_back(&l);
  }
  return out;
}

const pb::ComplianceLine& LineOf(const pb::ComplianceReport& report, const std::string& leader_id,
                                 const std::string& period) {
  for (const pb::ComplianceLine& l : report.lines()) {
    if (l.leader_id() == leader_id && l.period() == period) return l;
  }
  ADD_FAILURE() << "no line for " << leader_id << " " << period;
  static const pb::ComplianceLine kNone;
  return kNone;
}

std::vector<std::string> Periods(const std::vector<const pb::ComplianceLine*>& lines) {
  std::vector<std::string> out;
  for (const pb::ComplianceLine* l : lines) out.push_back(l->period());
  return out;
}

std::vector<std::string> Dates(const std::vector<absl::CivilDay>& days) {
  std::vector<std::string> out;
  for (absl::CivilDay d : days) out.push_back(FormatIsoDate(d));
  return out;
}

// --- ComplianceWeeks -------------------------------------------------------------------------------

TEST(ComplianceWeeksTest, WeekSpanningAugustAndSeptemberIsJudgedInAugust) {
  // 2022-08-29 (Mon) .. 09-04: its first working day, 08-29, is in August.
  auto august = ComplianceWeeks(absl::CivilYear(2022), 8, Calendar());
  ASSERT_TRUE(august.ok()) << august.status();
  EXPECT_THAT(Dates(*august), ElementsAre("2022-08-01", "2022-08-08", "2022-08-15", "2022-08-22", "2022-08-29"));
  auto september = ComplianceWeeks(absl::CivilYear(2022), 9, Calendar());
  ASSERT_TRUE(september.ok()) << september.status();
  EXPECT_THAT(Dates(*september), ElementsAre("2022-09-05", "2022-09-12", "2022-09-19", "2022-09-26"));
}

TEST(ComplianceWeeksTest, NationalDayWeekW40IsJudgedInOctober) {
  // 国庆 2022: 10-03..10-07 off, 10-08 and 10-09 (the weekend) are make-up working days.
  auto october = ComplianceWeeks(absl::CivilYear(2022), 10, Calendar());
  ASSERT_TRUE(october.ok()) << october.status();
  EXPECT_THAT(Dates(*october),
              ElementsAre("2022-10-03", "2022-10-10", "2022-10-17", "2022-10-24", "2022-10-31"));
}

TEST(ComplianceWeeksTest, WeekWithNoWorkingDayIsNotJudged) {
  // 春节 2022: 01-31..02-06 are all off; the week is owed nothing.
  auto february = ComplianceWeeks(absl::CivilYear(2022), 2, Calendar());
  ASSERT_TRUE(february.ok()) << february.status();
  EXPECT_THAT(Dates(*february), ElementsAre("2022-02-07", "2022-02-14", "2022-02-21", "2022-02-28"));
}

TEST(ComplianceWeeksTest, UnpublishedYearIsFailedPrecondition) {
  // 2027's arrangement is an empty placeholder: plain Monday–Friday would be a guess.
  EXPECT_EQ(ComplianceWeeks(absl::CivilYear(2027), 3, Calendar()).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ComplianceWeeks(absl::CivilYear(2022), 13, Calendar()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// --- 细则 二1 主要领导 ---------------------------------------------------------------------------------

TEST(MainMonthlyTest, KeptWithAHalfDayInTheMonth) {
  Case c;
  c.records = {Record("DK-000003", "zrzy-main", "2022-10-11", pb::COVERAGE_HALF_DAY),
               Record("DK-000004", "zrzy-main", "2022-10-20", pb::COVERAGE_HALF_DAY),
               Record("DK-000001", "zrzy-main", "2022-09-30", pb::COVERAGE_WHOLE_DAY),  // September's
               Record("DK-000002", "da-main", "2022-10-12", pb::COVERAGE_WHOLE_DAY)};   // another leader
  auto report = c.Run("2022-10", absl::CivilDay(2022, 11, 2));
  ASSERT_TRUE(report.ok()) << report.status();
  const pb::ComplianceLine& line = LineOf(*report, "zrzy-main", "2022-10");
  EXPECT_EQ(line.verdict(), pb::VERDICT_KEPT);
  EXPECT_EQ(line.rule(), pb::DUTY_RULE_MAIN_MONTHLY);
  EXPECT_EQ(line.reason(), "10月有2次坐班，最长半天 (DK-000003)");
  EXPECT_THAT(line.record_ids(), ElementsAre("DK-000003", "DK-000004"));
  EXPECT_EQ(line.plan_words(), kPlanMainMonthly);
  EXPECT_EQ(line.unit(), kZrzy);
  EXPECT_EQ(line.leader_name(), "张某");
  EXPECT_EQ(line.title(), "局长");
}

TEST(MainMonthlyTest, BrokenWithoutARecordAfterTheMonth) {
  Case c;
  auto report = c.Run("2022-10", absl::CivilDay(2022, 11, 1));
  ASSERT_TRUE(report.ok()) << report.status();
  const pb::ComplianceLine& line = LineOf(*report, "zrzy-main", "2022-10");
  EXPECT_EQ(line.verdict(), pb::VERDICT_BROKEN);
  EXPECT_EQ(line.reason(), "10月无坐班记录");
  EXPECT_TRUE(line.record_ids().empty());
}

TEST(MainMonthlyTest, BrokenWhenEverySittingIsShorterThanHalfADay) {
  Case c;
  c.records = {Record("DK-000009", "zrzy-main", "2022-10-11", pb::COVERAGE_UNSPECIFIED)};
  auto report = c.Run("2022-10", absl::CivilDay(2022, 11, 1));
  ASSERT_TRUE(report.ok()) << report.status();
  const pb::ComplianceLine& line = LineOf(*report, "zrzy-main", "2022-10");
  EXPECT_EQ(line.verdict(), pb::VERDICT_BROKEN);
  EXPECT_EQ(line.reason(), "10月有1次坐班，均不足半天 (DK-000009)");
  EXPECT_THAT(line.record_ids(), ElementsAre("DK-000009"));
}

TEST(MainMonthlyTest, NotOverMidMonth) {
  Case c;
  auto report = c.Run("2022-10", absl::CivilDay(2022, 10, 15));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(LineOf(*report, "zrzy-main", "2022-10").verdict(), pb::VERDICT_NOT_OVER);
  // The last day of the month is still within it.
  auto last_day = c.Run("2022-10", absl::CivilDay(2022, 10, 31));
  ASSERT_TRUE(last_day.ok());
  EXPECT_EQ(LineOf(*last_day, "zrzy-main", "2022-10").verdict(), pb::VERDICT_NOT_OVER);
  // A month not started yet is not over either.
  auto ahead = c.Run("2022-12", absl::CivilDay(2022, 10, 15));
  ASSERT_TRUE(ahead.ok());
  EXPECT_EQ(LineOf(*ahead, "zrzy-main", "2022-12").verdict(), pb::VERDICT_NOT_OVER);
  EXPECT_EQ(LineOf(*ahead, "zrzy-main", "2022-12").reason(), "12月尚未开始");
}

TEST(MainMonthlyTest, ExemptionShowsExemptNotKept) {
  Case c;
  c.exemptions = {MakeExemption("zrzy-main", "2022-10", "参加省委党校学习")};
  auto report = c.Run("2022-10", absl::CivilDay(2022, 11, 1));
  ASSERT_TRUE(report.ok()) << report.status();
  const pb::ComplianceLine& line = LineOf(*report, "zrzy-main", "2022-10");
  EXPECT_EQ(line.verdict(), pb::VERDICT_EXEMPT);
  EXPECT_EQ(line.exemption_reason(), "参加省委党校学习");
  EXPECT_EQ(line.reason(), "经中心同意免于本月坐班：参加省委党校学习");
  EXPECT_EQ(report->exempt(), 1);

  // Mid-month the exemption already shows.
  auto mid = c.Run("2022-10", absl::CivilDay(2022, 10, 15));
  ASSERT_TRUE(mid.ok());
  EXPECT_EQ(LineOf(*mid, "zrzy-main", "2022-10").verdict(), pb::VERDICT_EXEMPT);
  // Another month's exemption does not apply.
  auto november = c.Run("2022-11", absl::CivilDay(2022, 12, 1));
  ASSERT_TRUE(november.ok());
  EXPECT_EQ(LineOf(*november, "zrzy-main", "2022-11").verdict(), pb::VERDICT_BROKEN);
}

TEST(MainMonthlyTest, KeptWinsOverAnExemption) {
  Case c;
  c.exemptions = {MakeExemption("zrzy-main", "2022-10", "出差")};
  c.records = {Record("DK-000005", "zrzy-main", "2022-10-25", pb::COVERAGE_WHOLE_DAY)};
  auto report = c.Run("2022-10", absl::CivilDay(2022, 11, 1));
  ASSERT_TRUE(report.ok()) << report.status();
  const pb::ComplianceLine& line = LineOf(*report, "zrzy-main", "2022-10");
  EXPECT_EQ(line.verdict(), pb::VERDICT_KEPT);
  EXPECT_EQ(line.reason(), "10月有1次坐班，最长全天 (DK-000005)");
  EXPECT_TRUE(line.exemption_reason().empty());
  EXPECT_EQ(report->exempt(), 0);
}

// --- CheckExemption ------------------------------------------------------------------------------

TEST(CheckExemptionTest, RefusedForADeputyQuotingThePlan) {
  const pb::Leader deputy = MakeLeader("zrzy-deputy", "李某", "副局长", pb::LEADER_ROLE_DEPUTY);
  const absl::Status s = CheckExemption(deputy, "2022-10", "出差");
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("原则上"));
  EXPECT_THAT(s.message(), HasSubstr(kPlanDeputyWeekly));
  const pb::Leader chief = MakeLeader("zrzy-chief", "王某", "行政审批科科长", pb::LEADER_ROLE_APPROVAL_CHIEF);
  EXPECT_EQ(CheckExemption(chief, "2022-10", "出差").code(), absl::StatusCode::kFailedPrecondition);
}

TEST(CheckExemptionTest, MainLeaderNeedsAReasonAndAMonth) {
  const pb::Leader main = MakeLeader("zrzy-main", "张某", "局长", pb::LEADER_ROLE_MAIN);
  EXPECT_TRUE(CheckExemption(main, "2022-10", "参加省委党校学习").ok());
  const absl::Status no_reason = CheckExemption(main, "2022-10", "  ");
  EXPECT_EQ(no_reason.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(no_reason.message(), HasSubstr("reason"));
  for (const char* bad : {"2022-13", "2022Q3", "2022-1", "", "2022"}) {
    const absl::Status s = CheckExemption(main, bad, "出差");
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(s.message(), HasSubstr("month")) << bad;
  }
}

// --- 细则 二2 分管领导 ---------------------------------------------------------------------------------

TEST(DeputyWeeklyTest, KeptWithAWholeDayAndBrokenWithHalfDaysOnly) {
  Case c;
  c.records = {Record("DK-000010", "zrzy-deputy", "2022-10-11", pb::COVERAGE_WHOLE_DAY),
               Record("DK-000011", "zrzy-deputy", "2022-10-18", pb::COVERAGE_HALF_DAY),
               Record("DK-000012", "zrzy-deputy", "2022-10-20", pb::COVERAGE_HALF_DAY)};
  auto report = c.Run("2022-10", absl::CivilDay(2022, 11, 10));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_THAT(Periods(LinesOf(*report, "zrzy-deputy")),
              ElementsAre("2022-W40", "2022-W41", "2022-W42", "2022-W43", "2022-W44"));
  const pb::ComplianceLine& kept = LineOf(*report, "zrzy-deputy", "2022-W41");
  EXPECT_EQ(kept.verdict(), pb::VERDICT_KEPT);
  EXPECT_EQ(kept.rule(), pb::DUTY_RULE_DEPUTY_WEEKLY);
  EXPECT_EQ(kept.plan_words(), kPlanDeputyWeekly);
  EXPECT_THAT(kept.record_ids(), ElementsAre("DK-000010"));
  // Two half days are not a day.
  const pb::ComplianceLine& halves = LineOf(*report, "zrzy-deputy", "2022-W42");
  EXPECT_EQ(halves.verdict(), pb::VERDICT_BROKEN);
  EXPECT_THAT(halves.reason(), HasSubstr("第42周 (10月17日—10月21日) 无全天坐班记录"));
  EXPECT_THAT(halves.record_ids(), ElementsAre("DK-000011", "DK-000012"));
  EXPECT_EQ(LineOf(*report, "zrzy-deputy", "2022-W43").reason(),
            "第43周 (10月24日—10月28日) 无全天坐班记录");
}

TEST(DeputyWeeklyTest, NationalDayWeekW40IsJudgedInOctoberOnItsMakeUpDays) {
  Case c;
  auto broken = c.Run("2022-10", absl::CivilDay(2022, 11, 1));
  ASSERT_TRUE(broken.ok()) << broken.status();
  const pb::ComplianceLine& line = LineOf(*broken, "zrzy-deputy", "2022-W40");
  EXPECT_EQ(line.verdict(), pb::VERDICT_BROKEN);
  EXPECT_EQ(line.reason(), "第40周 (10月8日—10月9日) 无全天坐班记录");
  // September does not judge it.
  auto september = c.Run("2022-09", absl::CivilDay(2022, 11, 1));
  ASSERT_TRUE(september.ok());
  EXPECT_THAT(Periods(LinesOf(*september, "zrzy-deputy")),
              ElementsAre("2022-W36", "2022-W37", "2022-W38", "2022-W39"));

  // A whole day on the Saturday make-up day keeps it.
  c.records = {Record("DK-000020", "zrzy-deputy", "2022-10-08", pb::COVERAGE_WHOLE_DAY)};
  auto kept = c.Run("2022-10", absl::CivilDay(2022, 11, 1));
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(LineOf(*kept, "zrzy-deputy", "2022-W40").verdict(), pb::VERDICT_KEPT);
}

TEST(DeputyWeeklyTest, WeekSpanningTwoMonthsBelongsToAugust) {
  Case c;
  // Thursday 2022-09-01 is in the week of Monday 08-29, which August judges.
  c.records = {Record("DK-000030", "zrzy-deputy", "2022-09-01", pb::COVERAGE_WHOLE_DAY)};
  auto august = c.Run("2022-08", absl::CivilDay(2022, 9, 10));
  ASSERT_TRUE(august.ok()) << august.status();
  const pb::ComplianceLine& line = LineOf(*august, "zrzy-deputy", "2022-W35");
  EXPECT_EQ(line.verdict(), pb::VERDICT_KEPT);
  EXPECT_EQ(line.reason(), "第35周 (8月29日—9月2日) 全天坐班1次 (DK-000030)");
  EXPECT_THAT(line.record_ids(), ElementsAre("DK-000030"));
  auto september = c.Run("2022-09", absl::CivilDay(2022, 10, 10));
  ASSERT_TRUE(september.ok());
  ASSERT_EQ(LinesOf(*september, "zrzy-deputy").size(), 4u);
  for (const pb::ComplianceLine* l : LinesOf(*september, "zrzy-deputy")) {
    EXPECT_NE(l->period(), "2022-W35");
    EXPECT_EQ(l->record_ids_size(), 0) << l->period();  // the record is not counted twice
  }
}

TEST(DeputyWeeklyTest, NotOverWhileTheWeekRuns) {
  Case c;
  c.records = {Record("DK-000040", "zrzy-deputy", "2022-10-10", pb::COVERAGE_WHOLE_DAY)};
  // Wednesday of W41: W40 is over, W41 already kept, the weeks ahead not over.
  auto report = c.Run("2022-10", absl::CivilDay(2022, 10, 12));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(LineOf(*report, "zrzy-deputy", "2022-W40").verdict(), pb::VERDICT_BROKEN);
  EXPECT_EQ(LineOf(*report, "zrzy-deputy", "2022-W41").verdict(), pb::VERDICT_KEPT);
  const pb::ComplianceLine& ahead = LineOf(*report, "zrzy-deputy", "2022-W42");
  EXPECT_EQ(ahead.verdict(), pb::VERDICT_NOT_OVER);
  EXPECT_EQ(ahead.reason(), "本周尚未结束：第42周 (10月17日—10月21日) 无全天坐班记录");
  // W42, W43, W44, the main leader's month and both chiefs' months (no one on the staff list yet).
  EXPECT_EQ(report->not_over(), 6);
  // The Sunday is the week's last day; the Monday after, the week is broken.
  auto sunday = c.Run("2022-10", absl::CivilDay(2022, 10, 23));
  ASSERT_TRUE(sunday.ok());
  EXPECT_EQ(LineOf(*sunday, "zrzy-deputy", "2022-W42").verdict(), pb::VERDICT_NOT_OVER);
  auto monday = c.Run("2022-10", absl::CivilDay(2022, 10, 24));
  ASSERT_TRUE(monday.ok());
  EXPECT_EQ(LineOf(*monday, "zrzy-deputy", "2022-W42").verdict(), pb::VERDICT_BROKEN);
}

TEST(DeputyWeeklyTest, OnlyHighFrequencyUnitsDeputiesAreJudged) {
  Case c;
  auto report = c.Run("2022-10", absl::CivilDay(2022, 11, 1));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(LinesOf(*report, "da-deputy").empty());
  EXPECT_EQ(LinesOf(*report, "zrzy-deputy").size(), 5u);
}

TEST(DeputyWeeklyTest, ExemptionDoesNotApplyToADeputy) {
  Case c;
  // An exemption that slipped through for a deputy changes nothing: the plan has no "原则上" there.
  c.exemptions = {MakeExemption("zrzy-deputy", "2022-10", "出差")};
  auto report = c.Run("2022-10", absl::CivilDay(2022, 11, 7));  // W44 ends on Sunday 11-06
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(LinesOf(*report, "zrzy-deputy").size(), 5u);
  for (const pb::ComplianceLine* l : LinesOf(*report, "zrzy-deputy")) {
    EXPECT_EQ(l->verdict(), pb::VERDICT_BROKEN) << l->period();
  }
}

// --- 细则 二3 行政审批科长 -----------------------------------------------------------------------------

TEST(ChiefPostedTest, KeptWhenTheStaffListHasTheChiefAsSectionHead) {
  Case c;
  c.staff = {Staff("WS-000001", kZrzy, "王某", true, "A01")};
  auto report = c.Run("2022-10", absl::CivilDay(2022, 10, 15));
  ASSERT_TRUE(report.ok()) << report.status();
  const pb::ComplianceLine& line = LineOf(*report, "zrzy-chief", "2022-10");
  EXPECT_EQ(line.verdict(), pb::VERDICT_KEPT);
  EXPECT_EQ(line.rule(), pb::DUTY_RULE_CHIEF_POSTED);
  EXPECT_EQ(line.plan_words(), kPlanChiefPosted);
  EXPECT_THAT(line.reason(), HasSubstr("WS-000001"));
}

TEST(ChiefPostedTest, BrokenSayingWhatTheStaffListLacks) {
  struct Row {
    std::vector<pb::StaffMember> staff;
    std::string lacks;
  };
  const pb::StaffMember left = Posted(Staff("WS-000004", kZrzy, "王某", true, "A01"), "2022-01-04", "2022-09-30");
  const std::vector<Row> rows = {
      {{}, "无本单位在岗人员王某"},
      {{Staff("WS-000002", kArchive, "王某", true, "B01")}, "无本单位在岗人员王某"},  // another unit's
      {{left}, "无本单位在岗人员王某"},
      {{Staff("WS-000003", kZrzy, "王某", false, "A01")}, "未登记为行政审批科室负责人"},
      {{Staff("WS-000005", kZrzy, "王某", true, "")}, "未登记窗口"},
  };
  for (const Row& row : rows) {
    Case c;
    c.staff = row.staff;
    auto report = c.Run("2022-10", absl::CivilDay(2022, 11, 1));
    ASSERT_TRUE(report.ok()) << report.status();
    const pb::ComplianceLine& line = LineOf(*report, "zrzy-chief", "2022-10");
    EXPECT_EQ(line.verdict(), pb::VERDICT_BROKEN) << row.lacks;
    EXPECT_THAT(line.reason(), HasSubstr(row.lacks));
  }
}

TEST(ChiefPostedTest, NotOverWhileTheMonthRunsThenBroken) {
  // The chief may still be posted this month: mid-month a missing chief is not yet a broken rule.
  Case c;
  auto mid = c.Run("2022-10", absl::CivilDay(2022, 10, 15));
  ASSERT_TRUE(mid.ok()) << mid.status();
  const pb::ComplianceLine& line = LineOf(*mid, "zrzy-chief", "2022-10");
  EXPECT_EQ(line.verdict(), pb::VERDICT_NOT_OVER);
  EXPECT_EQ(line.reason(), "10月尚未结束，窗口人员名单中无本单位在岗人员王某");
  auto ahead = c.Run("2022-12", absl::CivilDay(2022, 10, 15));
  ASSERT_TRUE(ahead.ok());
  EXPECT_EQ(LineOf(*ahead, "zrzy-chief", "2022-12").verdict(), pb::VERDICT_NOT_OVER);
  auto after = c.Run("2022-10", absl::CivilDay(2022, 11, 1));
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(LineOf(*after, "zrzy-chief", "2022-10").verdict(), pb::VERDICT_BROKEN);
}

TEST(ChiefPostedTest, ReadsWhoWasAtTheWindowDuringTheMonthFromTheDates) {
  // The staff list holds everyone on file: `active` says today, the dates say October.
  struct Row {
    pb::StaffMember member;
    pb::Verdict want;
  };
  const pb::StaffMember chief = Staff("WS-000007", kZrzy, "王某", true, "A01");
  const std::vector<Row> rows = {
      {Posted(chief, "2022-01-04", ""), pb::VERDICT_KEPT},
      {Posted(chief, "2022-01-04", "2022-12-01"), pb::VERDICT_KEPT},  // left since: was there in October
      {Posted(chief, "2022-01-04", "2022-10-20"), pb::VERDICT_KEPT},  // left during the month
      {Posted(chief, "2022-01-04", "2022-10-01"), pb::VERDICT_KEPT},  // not left before its first day
      {Posted(chief, "2022-10-31", ""), pb::VERDICT_KEPT},            // posted on its last day
      {Posted(chief, "2022-01-04", "2022-09-30"), pb::VERDICT_BROKEN},  // left before October
      {Posted(chief, "2022-11-01", ""), pb::VERDICT_BROKEN},            // posted after October
  };
  for (const Row& row : rows) {
    Case c;
    c.staff = {row.member};
    auto report = c.Run("2022-10", absl::CivilDay(2022, 12, 15));
    ASSERT_TRUE(report.ok()) << report.status();
    const pb::ComplianceLine& line = LineOf(*report, "zrzy-chief", "2022-10");
    EXPECT_EQ(line.verdict(), row.want) << row.member.posted_date() << ".." << row.member.left_date();
  }
  // Two entries under the chief's name: the one at the window in October counts.
  Case c;
  c.staff = {Posted(Staff("WS-000008", kZrzy, "王某", true, "A01"), "2021-01-04", "2022-03-01"),
             Posted(Staff("WS-000009", kZrzy, "王某", true, "A01"), "2022-09-01", "")};
  auto report = c.Run("2022-10", absl::CivilDay(2022, 11, 1));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_THAT(LineOf(*report, "zrzy-chief", "2022-10").reason(), HasSubstr("WS-000009"));
}

TEST(ChiefPostedTest, EveryResidentUnitsChiefIsJudged) {
  // 办法 2 "行政审批科长必须进驻窗口上班" is said of every 派驻部门, 表3 or not.
  Case c;
  c.staff = {Staff("WS-000011", kArchive, "孙某", true, "B01")};
  auto report = c.Run("2022-10", absl::CivilDay(2022, 11, 1));
  ASSERT_TRUE(report.ok()) << report.status();
  const pb::ComplianceLine& line = LineOf(*report, "da-chief", "2022-10");
  EXPECT_EQ(line.verdict(), pb::VERDICT_KEPT);
  EXPECT_EQ(line.unit(), kArchive);
}

// --- the report ------------------------------------------------------------------------------------

TEST(ComputeComplianceTest, LinesSortedAndCounted) {
  Case c;
  c.records = {Record("DK-000001", "zrzy-main", "2022-10-11", pb::COVERAGE_HALF_DAY),
               Record("DK-000002", "zrzy-deputy", "2022-10-11", pb::COVERAGE_WHOLE_DAY)};
  c.staff = {Staff("WS-000001", kZrzy, "王某", true, "A01")};
  c.grace_working_days = 2;
  auto report = c.Run("2022-10", absl::CivilDay(2022, 10, 26));  // Wednesday of W43
  ASSERT_TRUE(report.ok()) << report.status();
  std::vector<std::string> keys;
  for (const pb::ComplianceLine& l : report->lines()) {
    keys.push_back(absl::StrCat(l.unit(), "|", static_cast<int>(l.rule()), "|", l.leader_id(), "|", l.period(), "|",
                                pb::Verdict_Name(l.verdict())));
  }
  // 市档案馆 sorts before 市自然资源局 (byte order of the names).
  // 市档案馆 is not in 表3: only its chief is judged.
  EXPECT_THAT(keys, ElementsAre("市档案馆|3|da-chief|2022-10|VERDICT_NOT_OVER",
                                "市自然资源局|1|zrzy-main|2022-10|VERDICT_KEPT",
                                "市自然资源局|2|zrzy-deputy|2022-W40|VERDICT_BROKEN",
                                "市自然资源局|2|zrzy-deputy|2022-W41|VERDICT_KEPT",
                                "市自然资源局|2|zrzy-deputy|2022-W42|VERDICT_BROKEN",
                                "市自然资源局|2|zrzy-deputy|2022-W43|VERDICT_NOT_OVER",
                                "市自然资源局|2|zrzy-deputy|2022-W44|VERDICT_NOT_OVER",
                                "市自然资源局|3|zrzy-chief|2022-10|VERDICT_KEPT"));
  EXPECT_EQ(report->kept(), 3);
  EXPECT_EQ(report->broken(), 2);  // W42 ended 10-23; two working days after it, 10-25, have passed
  EXPECT_EQ(report->exempt(), 0);
  EXPECT_EQ(report->not_over(), 3);
  EXPECT_EQ(report->grace_working_days(), 2);
  EXPECT_EQ(report->month(), "2022-10");
  EXPECT_EQ(report->unit(), "");
  EXPECT_EQ(report->hours_policy(), DutyHours{}.Describe());
  EXPECT_FALSE(report->hours_policy().empty());
}

TEST(ComputeComplianceTest, UnitFilter) {
  Case c;
  auto report = c.Run("2022-10", absl::CivilDay(2022, 11, 1), kArchive);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->lines_size(), 1);
  EXPECT_EQ(report->lines(0).leader_id(), "da-chief");
  EXPECT_EQ(report->unit(), kArchive);

  auto unknown = c.Run("2022-10", absl::CivilDay(2022, 11, 1), "市不存在局");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(unknown.status().message(), HasSubstr("市不存在局"));
}

TEST(ComputeComplianceTest, BadMonthIsInvalidArgument) {
  Case c;
  for (const char* bad : {"2022-13", "2022Q4", "", "2022-10-01"}) {
    auto report = c.Run(bad, absl::CivilDay(2022, 11, 1));
    EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(report.status().message(), HasSubstr("month")) << bad;
  }
}

TEST(DeputyWeeklyTest, LastWeekOfDecemberBeforeNextYearIsPublished) {
  // 2026-W53 runs into 2027, whose arrangement is not published: its first working day (12-28) is
  // known, so December judges it; only the label's end stays open.
  Case c;
  auto report = c.Run("2026-12", absl::CivilDay(2027, 1, 10));
  ASSERT_TRUE(report.ok()) << report.status();
  const pb::ComplianceLine& line = LineOf(*report, "zrzy-deputy", "2026-W53");
  EXPECT_EQ(line.verdict(), pb::VERDICT_BROKEN);
  EXPECT_EQ(line.reason(), "第53周 (12月28日—12月31日…) 无全天坐班记录");
}

TEST(ComputeComplianceTest, UnpublishedCalendarFailsOnlyWhenWeeksAreJudged) {
  Case c;
  // 2027 has no published arrangement: a 表3 unit's deputy weeks cannot be judged ...
  EXPECT_EQ(c.Run("2027-03", absl::CivilDay(2027, 4, 1)).status().code(), absl::StatusCode::kFailedPrecondition);
  // ... a unit without weekly lines still has its month.
  auto archive = c.Run("2027-03", absl::CivilDay(2027, 4, 1), kArchive);
  ASSERT_TRUE(archive.ok()) << archive.status();
  EXPECT_EQ(LineOf(*archive, "da-chief", "2027-03").verdict(), pb::VERDICT_BROKEN);
  // With a grace the month cannot be judged without 2027's arrangement: it waits, saying why.
  c.grace_working_days = 3;
  auto waiting = c.Run("2027-03", absl::CivilDay(2027, 6, 1), kArchive);
  ASSERT_TRUE(waiting.ok()) << waiting.status();
  const pb::ComplianceLine& line = LineOf(*waiting, "da-chief", "2027-03");
  EXPECT_EQ(line.verdict(), pb::VERDICT_NOT_OVER);
  EXPECT_EQ(line.reason(),
            "3月已结束，2027年节假日安排尚未载入，补报期（3个工作日）无法计算：窗口人员名单中无本单位在岗人员孙某");
}

TEST(ComputeComplianceTest, Table3UnitWithoutADeputyNeedsNoCalendar) {
  // No deputy judged: the month's lines need no week of the calendar, and a kept line no grace.
  Case c;
  pb::ResidentUnit* zrzy = c.directory.mutable_units(0);
  ASSERT_EQ(zrzy->leaders(1).role(), pb::LEADER_ROLE_DEPUTY);
  zrzy->mutable_leaders()->DeleteSubrange(1, 1);
  auto broken = c.Run("2027-03", absl::CivilDay(2027, 4, 1), kZrzy);
  ASSERT_TRUE(broken.ok()) << broken.status();
  EXPECT_EQ(LineOf(*broken, "zrzy-main", "2027-03").verdict(), pb::VERDICT_BROKEN);
  c.grace_working_days = 3;
  c.records = {Record("DK-000060", "zrzy-main", "2027-03-10", pb::COVERAGE_HALF_DAY)};
  c.staff = {Staff("WS-000001", kZrzy, "王某", true, "A01")};
  auto kept = c.Run("2027-03", absl::CivilDay(2027, 4, 1), kZrzy);
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_EQ(kept->kept(), 2);
  EXPECT_EQ(kept->lines_size(), 2);
}

// --- scope: 细则 二1 and 二2 bind the 表3 units ------------------------------------------------------

TEST(ComputeComplianceTest, MainLeaderOfAUnitNotInTable3IsNotJudged) {
  // "实施高频事项进驻单位领导窗口“坐班”制" (细则); "高频事项进驻单位实行领导带班制，派驻单位主要领导原则上每月到
  // 中心坐班不少于1次" (办法 7): a main leader outside 表3 owes no monthly sitting, even with none.
  Case c;
  auto report = c.Run("2022-10", absl::CivilDay(2022, 11, 10));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(LinesOf(*report, "da-main").empty());
  EXPECT_TRUE(LinesOf(*report, "da-deputy").empty());
  EXPECT_EQ(LinesOf(*report, "da-chief").size(), 1u);
  EXPECT_EQ(LinesOf(*report, "zrzy-main").size(), 1u);
  // An exemption on file for such a leader changes nothing: there is no line to excuse.
  c.exemptions = {MakeExemption("da-main", "2022-10", "出差")};
  auto exempted = c.Run("2022-10", absl::CivilDay(2022, 11, 10));
  ASSERT_TRUE(exempted.ok());
  EXPECT_TRUE(LinesOf(*exempted, "da-main").empty());
  EXPECT_EQ(exempted->exempt(), 0);
}

// --- the grace: a 表2 may still arrive after the period -------------------------------------------

TEST(GraceTest, MonthStaysNotOverUntilTheGraceWorkingDaysHavePassed) {
  Case c;
  c.grace_working_days = 3;  // 10-31 is a Monday: 11-01, 11-02, 11-03
  auto in_grace = c.Run("2022-10", absl::CivilDay(2022, 11, 3));
  ASSERT_TRUE(in_grace.ok()) << in_grace.status();
  EXPECT_EQ(in_grace->grace_working_days(), 3);
  const pb::ComplianceLine& main = LineOf(*in_grace, "zrzy-main", "2022-10");
  EXPECT_EQ(main.verdict(), pb::VERDICT_NOT_OVER);
  EXPECT_EQ(main.reason(), "10月已结束，补报期截至11月3日（含）：10月无坐班记录");
  const pb::ComplianceLine& chief = LineOf(*in_grace, "zrzy-chief", "2022-10");
  EXPECT_EQ(chief.verdict(), pb::VERDICT_NOT_OVER);
  EXPECT_EQ(chief.reason(), "10月已结束，补报期截至11月3日（含）：窗口人员名单中无本单位在岗人员王某");

  auto after = c.Run("2022-10", absl::CivilDay(2022, 11, 4));
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(LineOf(*after, "zrzy-main", "2022-10").verdict(), pb::VERDICT_BROKEN);
  EXPECT_EQ(LineOf(*after, "zrzy-main", "2022-10").reason(), "10月无坐班记录");
  EXPECT_EQ(LineOf(*after, "zrzy-chief", "2022-10").verdict(), pb::VERDICT_BROKEN);

  // A record filed in the grace keeps the month.
  c.records = {Record("DK-000050", "zrzy-main", "2022-10-28", pb::COVERAGE_HALF_DAY)};
  auto filed = c.Run("2022-10", absl::CivilDay(2022, 11, 3));
  ASSERT_TRUE(filed.ok());
  EXPECT_EQ(LineOf(*filed, "zrzy-main", "2022-10").verdict(), pb::VERDICT_KEPT);
}

TEST(GraceTest, WeekStaysNotOverUntilTheGraceWorkingDaysHavePassed) {
  Case c;
  c.grace_working_days = 3;
  // W42 ends on Sunday 10-23: 10-24, 10-25, 10-26.
  auto in_grace = c.Run("2022-10", absl::CivilDay(2022, 10, 26));
  ASSERT_TRUE(in_grace.ok()) << in_grace.status();
  const pb::ComplianceLine& w42 = LineOf(*in_grace, "zrzy-deputy", "2022-W42");
  EXPECT_EQ(w42.verdict(), pb::VERDICT_NOT_OVER);
  EXPECT_EQ(w42.reason(), "该周已结束，补报期截至10月26日（含）：第42周 (10月17日—10月21日) 无全天坐班记录");
  EXPECT_EQ(LineOf(*in_grace, "zrzy-deputy", "2022-W41").verdict(), pb::VERDICT_BROKEN);
  auto after = c.Run("2022-10", absl::CivilDay(2022, 10, 27));
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(LineOf(*after, "zrzy-deputy", "2022-W42").verdict(), pb::VERDICT_BROKEN);
}

TEST(GraceTest, GraceCountsWorkingDaysAcrossNationalDay) {
  // W39 ends on Sunday 10-02; 10-03..10-07 are off, 10-08 and 10-09 make-up days: 10-08, 10-09, 10-10.
  Case c;
  c.grace_working_days = 3;
  auto in_grace = c.Run("2022-09", absl::CivilDay(2022, 10, 10));
  ASSERT_TRUE(in_grace.ok()) << in_grace.status();
  EXPECT_EQ(LineOf(*in_grace, "zrzy-deputy", "2022-W39").verdict(), pb::VERDICT_NOT_OVER);
  EXPECT_THAT(LineOf(*in_grace, "zrzy-deputy", "2022-W39").reason(), HasSubstr("补报期截至10月10日（含）"));
  auto after = c.Run("2022-09", absl::CivilDay(2022, 10, 11));
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(LineOf(*after, "zrzy-deputy", "2022-W39").verdict(), pb::VERDICT_BROKEN);
}

TEST(GraceTest, GraceIntoAnUnpublishedYearWaitsAndSaysSo) {
  // December 2026 and its last week 2026-W53 end in or run into 2027, whose arrangement is not published.
  Case c;
  c.grace_working_days = 3;
  auto report = c.Run("2026-12", absl::CivilDay(2027, 2, 1));
  ASSERT_TRUE(report.ok()) << report.status();
  const pb::ComplianceLine& main = LineOf(*report, "zrzy-main", "2026-12");
  EXPECT_EQ(main.verdict(), pb::VERDICT_NOT_OVER);
  EXPECT_EQ(main.reason(), "12月已结束，2027年节假日安排尚未载入，补报期（3个工作日）无法计算：12月无坐班记录");
  const pb::ComplianceLine& w53 = LineOf(*report, "zrzy-deputy", "2026-W53");
  EXPECT_EQ(w53.verdict(), pb::VERDICT_NOT_OVER);
  EXPECT_THAT(w53.reason(), HasSubstr("2027年节假日安排尚未载入"));
  // A week whose grace ends in 2026 is judged.
  EXPECT_EQ(LineOf(*report, "zrzy-deputy", "2026-W51").verdict(), pb::VERDICT_BROKEN);
}

TEST(GraceTest, NegativeGraceIsInvalidArgument) {
  Case c;
  c.grace_working_days = -1;
  auto report = c.Run("2022-10", absl::CivilDay(2022, 11, 10));
  EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(report.status().message(), HasSubstr("grace_working_days"));
}

// --- RecordRangeForMonth ---------------------------------------------------------------------------

TEST(RecordRangeForMonthTest, FromTheMondayOfTheFirstWeekToTheSundayOfTheLast) {
  const auto [from, to] = RecordRangeForMonth(2022, 10);
  EXPECT_EQ(FormatIsoDate(from), "2022-09-26");  // 10-01 is a Saturday
  EXPECT_EQ(FormatIsoDate(to), "2022-11-06");    // 10-31 is a Monday
  const auto [aug_from, aug_to] = RecordRangeForMonth(2022, 8);  // 08-01 a Monday, 08-31 a Wednesday
  EXPECT_EQ(FormatIsoDate(aug_from), "2022-08-01");
  EXPECT_EQ(FormatIsoDate(aug_to), "2022-09-04");
  const auto [dec_from, dec_to] = RecordRangeForMonth(2026, 12);  // into 2027, no calendar needed
  EXPECT_EQ(FormatIsoDate(dec_from), "2026-11-30");
  EXPECT_EQ(FormatIsoDate(dec_to), "2027-01-03");
}

TEST(RecordRangeForMonthTest, HoldsTheMonthAndEveryWeekItJudges) {
  for (int year : Calendar().PublishedYears()) {
    if (!Calendar().IsPublished(year + 1)) continue;  // December's last week may run into next year
    for (int month = 1; month <= 12; ++month) {
      if (month == 1 && !Calendar().IsPublished(year - 1)) continue;  // its first week starts in December
      const auto [from, to] = RecordRangeForMonth(year, month);
      const absl::CivilMonth m(year, month);
      EXPECT_LE(from, absl::CivilDay(m)) << year << "-" << month;
      EXPECT_GE(to, absl::CivilDay(m + 1) - 1) << year << "-" << month;
      auto weeks = ComplianceWeeks(absl::CivilYear(year), month, Calendar());
      ASSERT_TRUE(weeks.ok()) << weeks.status();
      for (absl::CivilDay monday : *weeks) {
        EXPECT_LE(from, monday) << year << "-" << month;
        EXPECT_GE(to, monday + 6) << year << "-" << month;
      }
    }
  }
}

}  // namespace
}  // namespace ys::duty
