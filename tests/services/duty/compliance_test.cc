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
  return m;
}

struct Case {
  pb::Directory directory = TestDirectory();
  std::vector<pb::DutyRecord> records;
  std::vector<pb::Exemption> exemptions;
  std::vector<pb::StaffMember> staff;

  absl::StatusOr<pb::ComplianceReport> Run(const std::string& month, absl::CivilDay today,
                                           const std::string& unit = "") const {
    ComplianceInput input;
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
  // The other main leader, with no exemption and no record, is broken and not counted as exempt.
  EXPECT_EQ(LineOf(*report, "da-main", "2022-10").verdict(), pb::VERDICT_BROKEN);

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
  EXPECT_EQ(report->not_over(), 5);  // W42, W43, W44 and both main leaders' month
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
  EXPECT_EQ(LinesOf(*report, "da-main").size(), 1u);
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
  pb::StaffMember left = Staff("WS-000004", kZrzy, "王某", true, "A01");
  left.set_active(false);
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
    auto report = c.Run("2022-10", absl::CivilDay(2022, 10, 15));
    ASSERT_TRUE(report.ok()) << report.status();
    const pb::ComplianceLine& line = LineOf(*report, "zrzy-chief", "2022-10");
    EXPECT_EQ(line.verdict(), pb::VERDICT_BROKEN) << row.lacks;
    EXPECT_THAT(line.reason(), HasSubstr(row.lacks));
  }
}

// --- the report ------------------------------------------------------------------------------------

TEST(ComputeComplianceTest, LinesSortedAndCounted) {
  Case c;
  c.records = {Record("DK-000001", "zrzy-main", "2022-10-11", pb::COVERAGE_HALF_DAY),
               Record("DK-000002", "zrzy-deputy", "2022-10-11", pb::COVERAGE_WHOLE_DAY)};
  c.exemptions = {MakeExemption("da-main", "2022-10", "出差")};
  c.staff = {Staff("WS-000001", kZrzy, "王某", true, "A01")};
  auto report = c.Run("2022-10", absl::CivilDay(2022, 10, 26));  // Wednesday of W43
  ASSERT_TRUE(report.ok()) << report.status();
  std::vector<std::string> keys;
  for (const pb::ComplianceLine& l : report->lines()) {
    keys.push_back(absl::StrCat(l.unit(), "|", static_cast<int>(l.rule()), "|", l.leader_id(), "|", l.period(), "|",
                                pb::Verdict_Name(l.verdict())));
  }
  // 市档案馆 sorts before 市自然资源局 (byte order of the names).
  EXPECT_THAT(keys, ElementsAre("市档案馆|1|da-main|2022-10|VERDICT_EXEMPT",
                                "市自然资源局|1|zrzy-main|2022-10|VERDICT_KEPT",
                                "市自然资源局|2|zrzy-deputy|2022-W40|VERDICT_BROKEN",
                                "市自然资源局|2|zrzy-deputy|2022-W41|VERDICT_KEPT",
                                "市自然资源局|2|zrzy-deputy|2022-W42|VERDICT_BROKEN",
                                "市自然资源局|2|zrzy-deputy|2022-W43|VERDICT_NOT_OVER",
                                "市自然资源局|2|zrzy-deputy|2022-W44|VERDICT_NOT_OVER",
                                "市自然资源局|3|zrzy-chief|2022-10|VERDICT_KEPT"));
  EXPECT_EQ(report->kept(), 3);
  EXPECT_EQ(report->broken(), 2);
  EXPECT_EQ(report->exempt(), 1);
  EXPECT_EQ(report->not_over(), 2);
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
  EXPECT_EQ(report->lines(0).leader_id(), "da-main");
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
  EXPECT_EQ(LineOf(*archive, "da-main", "2027-03").verdict(), pb::VERDICT_BROKEN);
}

}  // namespace
}  // namespace ys::duty
