#include "services/rectification/domain.h"

#include <fstream>
#include <iterator>

#include "absl/strings/str_format.h"
#include "common/status/rejection.h"
#include "common/time/clock.h"
#include "common/time/proto_time.h"
#include "gtest/gtest.h"
#include "services/rectification/settings.h"

namespace ys::rectification {
namespace {

absl::Time At(int y, int m, int d, int hh = 10) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, 0, 0), Shanghai());
}

const WorkingDayCalendar& Calendar() {
  static const WorkingDayCalendar* c = new WorkingDayCalendar(*WorkingDayCalendar::LoadEmbedded());
  return *c;
}

TEST(DueDayTest, Table) {
  const DeadlinePolicy month;
  const DeadlinePolicy two_months{DeadlinePolicy::Kind::kCalendarMonths, 2};
  const DeadlinePolicy five_days{DeadlinePolicy::Kind::kWorkingDays, 5};
  struct Case {
    absl::Time opened;
    DeadlinePolicy policy;
    std::string want;
  };
  const std::vector<Case> cases = {
      {At(2022, 9, 30), month, "2022-10-30"},   // the issue's example
      {At(2022, 1, 31), month, "2022-02-28"},   // clamped to the month's end
      {At(2024, 1, 31), month, "2024-02-29"},   // leap year
      {At(2023, 1, 29), month, "2023-02-28"},
      {At(2022, 12, 31), month, "2023-01-31"},  // across the year
      {At(2022, 3, 31), month, "2022-04-30"},
      {At(2022, 8, 31), two_months, "2022-10-31"},
      {At(2022, 9, 30, 23), month, "2022-10-30"},  // 23:00 Shanghai is still the 30th
      {absl::FromCivil(absl::CivilSecond(2022, 9, 30, 17, 0, 0), absl::UTCTimeZone()), month,
       "2022-11-01"},  // 17:00 UTC on 09-30 is 01:00 on 10-01 in Shanghai
      // 国庆 2022: 10-01..10-07 off, 10-08 and 10-09 are make-up working days.
      {At(2022, 9, 30), five_days, "2022-10-12"},
      {At(2022, 9, 29), five_days, "2022-10-11"},  // 09-30, 10-08, 10-09, 10-10, 10-11
      {At(2023, 1, 20), five_days, "2023-02-01"},  // 春节 2023: 01-21..01-27 off, 01-28/29 worked
  };
  for (const Case& c : cases) {
    auto due = DueDay(c.opened, c.policy, Calendar());
    ASSERT_TRUE(due.ok()) << due.status();
    EXPECT_EQ(FormatIsoDate(*due), c.want) << absl::FormatTime(c.opened, Shanghai());
  }
  EXPECT_EQ(EndOfDay(absl::CivilDay(2022, 10, 30)), At(2022, 10, 31, 0));
  // A year whose holidays are not published cannot be counted in working days.
  EXPECT_FALSE(DueDay(At(2031, 3, 1), five_days, Calendar()).ok());
}

TEST(TransitionTest, Table) {
  struct Case {
    pb::State from;
    Action action;
    pb::State want;  // UNSPECIFIED: illegal
  };
  const std::vector<Case> cases = {
      {pb::STATE_OPEN, Action::kStart, pb::STATE_IN_PROGRESS},
      {pb::STATE_OPEN, Action::kReportFinal, pb::STATE_REPORTED},
      {pb::STATE_IN_PROGRESS, Action::kStart, pb::STATE_IN_PROGRESS},
      {pb::STATE_IN_PROGRESS, Action::kReportFinal, pb::STATE_REPORTED},
      {pb::STATE_REPORTED, Action::kVerifyPass, pb::STATE_VERIFIED},
      {pb::STATE_REPORTED, Action::kVerifyFail, pb::STATE_REJECTED},
      {pb::STATE_REJECTED, Action::kStart, pb::STATE_IN_PROGRESS},
      {pb::STATE_REJECTED, Action::kReportFinal, pb::STATE_REPORTED},
      {pb::STATE_VERIFIED, Action::kClose, pb::STATE_CLOSED},
      {pb::STATE_CLOSED, Action::kReopen, pb::STATE_REOPENED},
      {pb::STATE_REOPENED, Action::kReportFinal, pb::STATE_REPORTED},
      {pb::STATE_OPEN, Action::kVerifyPass, pb::STATE_UNSPECIFIED},
      {pb::STATE_OPEN, Action::kClose, pb::STATE_UNSPECIFIED},
      {pb::STATE_REPORTED, Action::kReportFinal, pb::STATE_UNSPECIFIED},
      {pb::STATE_REPORTED, Action::kClose, pb::STATE_UNSPECIFIED},
      {pb::STATE_CLOSED, Action::kStart, pb::STATE_UNSPECIFIED},
      {pb::STATE_CLOSED, Action::kVerifyFail, pb::STATE_UNSPECIFIED},
      {pb::STATE_OPEN, Action::kReopen, pb::STATE_UNSPECIFIED},
      {pb::STATE_VERIFIED, Action::kReopen, pb::STATE_UNSPECIFIED},  // verified: close it first
  };
  for (const Case& c : cases) {
    auto got = Transition(c.from, c.action);
    if (c.want == pb::STATE_UNSPECIFIED) {
      ASSERT_FALSE(got.ok()) << pb::State_Name(c.from);
      EXPECT_EQ(got.status().code(), absl::StatusCode::kFailedPrecondition);
      EXPECT_NE(got.status().message().find(pb::State_Name(c.from)), std::string::npos);
    } else {
      ASSERT_TRUE(got.ok()) << got.status();
      EXPECT_EQ(*got, c.want) << pb::State_Name(c.from);
    }
  }
}

TEST(Point12_5, TheDefaultLadderIsTheReminderAloneAtTheDueTime) {
  const EscalationPolicy p;  // the defaults: the work plan's 督办, no local policy
  const absl::Time due = At(2022, 10, 31, 0);
  const std::vector<LadderStep> ladder = Ladder(p);
  ASSERT_EQ(ladder.size(), 1u);
  EXPECT_EQ(ladder[0].name, "督办");
  EXPECT_EQ(ladder[0].level, pb::ESCALATION_REMINDER);
  EXPECT_FALSE(ladder[0].local_policy);
  EXPECT_TRUE(StepsDue(due, due - absl::Seconds(1), 0, p).empty());
  ASSERT_EQ(StepsDue(due, due, 0, p).size(), 1u);
  // However long past due, nothing after 督办: no raise, no referral.
  ASSERT_EQ(StepsDue(due, due + absl::Hours(100 * 24), 0, p).size(), 1u);
  EXPECT_TRUE(StepsDue(due, due + absl::Hours(100 * 24), 1, p).empty());
  EXPECT_EQ(StepAt(due, due + absl::Hours(100 * 24), p).level, pb::ESCALATION_REMINDER);
  EXPECT_EQ(StepAt(due, due - absl::Seconds(1), p).level, pb::ESCALATION_NONE);
  pb::Case c;
  c.set_state(pb::STATE_OPEN);
  *c.mutable_due_at() = ToProtoTime(due);
  EXPECT_FALSE(ReferralSuggestionDue(c, due + absl::Hours(365 * 24), p));
  struct Days {
    absl::Duration after;
    int days;
  };
  for (const Days& d : std::vector<Days>{{-absl::Seconds(1), 0}, {absl::ZeroDuration(), 1},
                                         {absl::Hours(7 * 24) - absl::Seconds(1), 7}, {absl::Hours(7 * 24), 8}}) {
    EXPECT_EQ(DaysOverdue(due, due + d.after), d.days) << d.after;
  }
}

TEST(Point12_5, LocalStepsFollowTheReminderUnderTheirOwnNames) {
  EscalationPolicy p;
  p.local_steps = {{"报领班", 7}, {"约谈", 20}};
  const absl::Time due = At(2022, 10, 31, 0);
  EXPECT_EQ(StepsDue(due, due + absl::Hours(7 * 24) - absl::Seconds(1), 1, p).size(), 0u);
  const auto at7 = StepsDue(due, due + absl::Hours(7 * 24), 1, p);
  ASSERT_EQ(at7.size(), 1u);
  EXPECT_EQ(at7[0].name, "报领班");
  EXPECT_EQ(at7[0].level, pb::ESCALATION_LOCAL_STEP);
  EXPECT_EQ(at7[0].rung, 2);
  EXPECT_TRUE(at7[0].local_policy);
  // A sweeper down for a month takes every missing step, in order.
  std::vector<std::string> names;
  for (const auto& s : StepsDue(due, due + absl::Hours(30 * 24), 0, p)) names.push_back(s.name);
  EXPECT_EQ(names, (std::vector<std::string>{"督办", "报领班", "约谈"}));
  EXPECT_EQ(StepAt(due, due + absl::Hours(21 * 24), p).name, "约谈");
  // A local step may not pass for the plan's: 督办, 提级(办理), 移送 are refused.
  EXPECT_TRUE(CheckLocalStepName("报领班").ok());
  for (const char* bad : {"督办", "二次督办", "提级办理", "移送纪委", ""}) {
    EXPECT_EQ(CheckLocalStepName(bad).code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(Point12_5, AReferralIsOnlySuggestedAndOnlyTheOfficeRefers) {
  EscalationPolicy p;
  p.suggest_referral_after_days = 30;
  const absl::Time due = At(2022, 10, 31, 0);
  pb::Case c;
  c.set_id("RC-000001");
  c.set_state(pb::STATE_IN_PROGRESS);
  *c.mutable_due_at() = ToProtoTime(due);
  EXPECT_FALSE(ReferralSuggestionDue(c, due + absl::Hours(30 * 24) - absl::Seconds(1), p));
  EXPECT_TRUE(ReferralSuggestionDue(c, due + absl::Hours(30 * 24), p));
  pb::Case suggested = c;
  suggested.set_referral_suggested(true);
  EXPECT_FALSE(ReferralSuggestionDue(suggested, due + absl::Hours(40 * 24), p));  // once
  pb::Case reported = c;
  reported.set_state(pb::STATE_REPORTED);
  EXPECT_FALSE(ReferralSuggestionDue(reported, due + absl::Hours(40 * 24), p));
  // The office refers an unverified case once; the referral outlives a new deadline.
  EXPECT_TRUE(CheckReferral(c).ok());
  pb::Case referred = c;
  referred.mutable_referral()->set_by("office-dev");
  EXPECT_EQ(CheckReferral(referred).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(ReferralSuggestionDue(referred, due + absl::Hours(40 * 24), p));
  pb::Case verified = c;
  verified.set_state(pb::STATE_VERIFIED);
  EXPECT_EQ(CheckReferral(verified).code(), absl::StatusCode::kFailedPrecondition);
  referred.set_escalation(pb::ESCALATION_REFERRED);
  referred.set_ladder_steps_taken(2);
  referred.set_referral_suggested(true);
  RestartLadder(&referred);
  EXPECT_EQ(referred.escalation(), pb::ESCALATION_REFERRED);
  EXPECT_EQ(referred.ladder_steps_taken(), 0);
  EXPECT_FALSE(referred.referral_suggested());
  pb::Case plain = c;
  plain.set_escalation(pb::ESCALATION_LOCAL_STEP);
  plain.set_escalation_step("报领班");
  RestartLadder(&plain);
  EXPECT_EQ(plain.escalation(), pb::ESCALATION_NONE);
  EXPECT_EQ(plain.escalation_step(), "");
}

rpb::RankingAlert Alert(rpb::AlertRule rule, rpb::Scope scope, const std::string& region) {
  rpb::RankingAlert a;
  a.set_id("x");
  a.set_rule(rule);
  a.mutable_fact()->set_scope(scope);
  a.mutable_fact()->set_region_code(region);
  a.mutable_fact()->set_indicator_code("I03");
  a.mutable_fact()->set_period("2022-09");
  a.set_region_name(scope == rpb::SCOPE_CITY ? "上饶市" : "信州区");
  a.set_indicator_name("办理建筑许可");
  for (const char* u : {"市住建局", "市自然资源局"}) a.add_units()->set_unit(u);
  return a;
}

TEST(DraftsForTest, WhoAnswersForWhichAlert) {
  const AlertCasePolicy policy;
  auto units = [&](const rpb::RankingAlert& a) {
    std::vector<std::string> out;
    for (const auto& d : DraftsFor(a, policy)) out.push_back(d.unit + "|" + d.region_code);
    return out;
  };
  EXPECT_EQ(units(Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, rpb::SCOPE_CITY, "3611")),
            (std::vector<std::string>{"市住建局|", "市自然资源局|"}));
  EXPECT_EQ(units(Alert(rpb::ALERT_RULE_BOTTOM_THREE, rpb::SCOPE_COUNTY, "361102")),
            (std::vector<std::string>{"信州区|361102"}));
  EXPECT_TRUE(units(Alert(rpb::ALERT_RULE_FELL_PLACES, rpb::SCOPE_CITY, "3611")).empty());
  rpb::RankingAlert composite = Alert(rpb::ALERT_RULE_QUARTER_FLOOR_BREACHED, rpb::SCOPE_CITY, "3611");
  composite.clear_units();
  composite.mutable_fact()->set_period("2022Q3");  // the quarter's result (a month only warns)
  EXPECT_EQ(units(composite), (std::vector<std::string>{"市营商办|"}));
  const auto d = DraftsFor(Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, rpb::SCOPE_CITY, "3611"), policy);
  EXPECT_NE(d[0].title.find("办理建筑许可"), std::string::npos);
}

absl::StatusOr<RectificationSettings> Load(const std::string& yaml) {
  auto config = Config::FromString(yaml, [](const std::string&) -> std::optional<std::string> { return std::nullopt; });
  if (!config.ok()) return config.status();
  return LoadRectificationSettings(*config);
}

TEST(RectificationSettingsTest, ReadsPoliciesAndNamesBadKeys) {
  auto s = Load(R"(
cases:
  deadline: {months: 2}
  deadlines: {inspection: {working_days: 15}}
  open_on_rules: [last_in_province]
  fallback_unit: 市发改委
  sweep_interval: 30s
input: {max_name_bytes: 100}
)");
  ASSERT_TRUE(s.ok()) << s.status();
  const CasePolicies& p = s->policies;
  EXPECT_EQ(p.deadlines.For(pb::ORIGIN_MANUAL).amount, 2);
  EXPECT_EQ(p.deadlines.For(pb::ORIGIN_INSPECTION).kind, DeadlinePolicy::Kind::kWorkingDays);
  EXPECT_EQ(p.deadlines.For(pb::ORIGIN_INSPECTION).amount, 15);
  EXPECT_EQ(p.alerts.rules, std::set<rpb::AlertRule>{rpb::ALERT_RULE_LAST_IN_PROVINCE});
  EXPECT_EQ(p.alerts.fallback_unit, "市发改委");
  EXPECT_EQ(s->sweep_interval, absl::Seconds(30));
  EXPECT_EQ(p.input.name_bytes, 100u);
  auto defaults = Load("log: {level: info}");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->policies.deadlines.For(pb::ORIGIN_RANKING_ALERT).amount, 1);
  for (const auto& [yaml, key] : std::vector<std::pair<std::string, std::string>>{
           {"cases: {deadline: {months: 1, working_days: 3}}", "cases.deadline"},
           {"cases: {deadlines: {gossip: {months: 1}}}", "cases.deadlines.gossip"},
           {"cases: {open_on_rules: [whenever]}", "cases.open_on_rules"},
           {"input: {max_text_bytes: 0}", "input.max_text_bytes"}}) {
    auto bad = Load(yaml);
    ASSERT_FALSE(bad.ok()) << yaml;
    EXPECT_NE(bad.status().message().find(key), std::string::npos) << bad.status();
  }
}

TEST(Point12_5, TheEscalationSettingsAreLocalPolicyOffByDefault) {
  auto defaults = Load("log: {level: info}");
  ASSERT_TRUE(defaults.ok()) << defaults.status();
  EXPECT_TRUE(defaults->policies.escalation.local_steps.empty());
  EXPECT_EQ(defaults->policies.escalation.suggest_referral_after_days, 0);
  auto s = Load(R"(
cases:
  escalation:
    local_steps: {约谈: {after_days: 20}, 报领班: {after_days: 7}}
    suggest_referral_after_days: 30
)");
  ASSERT_TRUE(s.ok()) << s.status();
  const EscalationPolicy& p = s->policies.escalation;
  ASSERT_EQ(p.local_steps.size(), 2u);
  EXPECT_EQ(p.local_steps[0].name, "报领班");  // in after_days order
  EXPECT_EQ(p.local_steps[0].after_days, 7);
  EXPECT_EQ(p.local_steps[1].name, "约谈");
  EXPECT_EQ(p.suggest_referral_after_days, 30);
  for (const auto& [yaml, key] : std::vector<std::pair<std::string, std::string>>{
           {"cases: {escalation: {local_steps: {提级办理: {after_days: 7}}}}", "cases.escalation.local_steps.提级办理"},
           {"cases: {escalation: {local_steps: {督办: {after_days: 3}}}}", "cases.escalation.local_steps.督办"},
           {"cases: {escalation: {local_steps: {移送: {after_days: 14}}}}", "cases.escalation.local_steps.移送"},
           {"cases: {escalation: {local_steps: {报领班: {after_days: 0}}}}", "cases.escalation.local_steps.报领班.after_days"},
           {"cases: {escalation: {local_steps: {a: {after_days: 7}, b: {after_days: 7}}}}", "after_days"},
           {"cases: {escalation: {local_steps: [{name: 报领班, after_days: 7}]}}", "cases.escalation.local_steps"},
           {"cases: {escalation: {suggest_referral_after_days: -1}}", "cases.escalation.suggest_referral_after_days"}}) {
    auto bad = Load(yaml);
    ASSERT_FALSE(bad.ok()) << yaml;
    EXPECT_NE(bad.status().message().find(key), std::string::npos) << bad.status();
  }
}

TEST(Point12_5, TheRemovedEscalationDaysKeyStopsStartupSayingWhatReplacedIt) {
  auto old = Load("cases:\n  escalation_days: {reminder: 0, raised: 7, referred: 14}\n");
  ASSERT_FALSE(old.ok());
  const std::string message(old.status().message());
  EXPECT_NE(message.find("'cases.escalation_days'"), std::string::npos) << message;
  EXPECT_NE(message.find("cases.escalation.local_steps"), std::string::npos) << message;
  EXPECT_NE(message.find("ysctl case refer"), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << "one line";
}

TEST(Point12_6, ALaterPeriodOpensItsOwnCaseAndTheSamePeriodLinks) {
  // None open: a new case, first of its run.
  AlertPlacement p = PlaceAlert({}, "2022-09");
  EXPECT_EQ(p.kind, AlertPlacement::Kind::kOpenNew);
  EXPECT_EQ(p.case_id, "");
  EXPECT_EQ(p.consecutive_periods, 1);
  // The same period (another rule on the same fall): that case.
  p = PlaceAlert({{"RC-000001", "2022-09", 1}}, "2022-09");
  EXPECT_EQ(p.kind, AlertPlacement::Kind::kLinkSamePeriod);
  EXPECT_EQ(p.case_id, "RC-000001");
  // A later period: its own case, naming the latest open one, one more in the run.
  p = PlaceAlert({{"RC-000001", "2022-09", 1}, {"RC-000004", "2022-10", 2}}, "2022-11");
  EXPECT_EQ(p.kind, AlertPlacement::Kind::kOpenNew);
  EXPECT_EQ(p.case_id, "RC-000004");
  EXPECT_EQ(p.consecutive_periods, 3);
  p = PlaceAlert({{"RC-000001", "2022-09", 1}, {"RC-000004", "2022-10", 2}}, "2022-09");
  EXPECT_EQ(p.kind, AlertPlacement::Kind::kLinkSamePeriod);
  EXPECT_EQ(p.case_id, "RC-000001");
}

TEST(Point12_10, AMonthsWarningOnAQuarterTargetOpensNoCaseTheQuartersResultDoes) {
  AlertCasePolicy policy;
  rpb::RankingAlert month = Alert(rpb::ALERT_RULE_QUARTER_FLOOR_BREACHED, rpb::SCOPE_CITY, "3611");
  month.mutable_fact()->set_period("2022-08");
  month.set_target_warning(true);  // the ranking service: a month inside the quarter target
  EXPECT_TRUE(DraftsFor(month, policy).empty());
  rpb::RankingAlert quarter = month;
  quarter.mutable_fact()->set_period("2022Q3");
  quarter.set_target_warning(false);  // the quarter's own result
  EXPECT_EQ(DraftsFor(quarter, policy).size(), 2u);  // each responsible unit
}

TEST(Point12_10, TheRankingServiceSaysWhichAlertIsATargetsWarningNotThePeriod) {
  const AlertCasePolicy policy;
  // A quarter inside a year's target only warns: no case, though the fact is not a month.
  rpb::RankingAlert quarter = Alert(rpb::ALERT_RULE_QUARTER_FLOOR_BREACHED, rpb::SCOPE_CITY, "3611");
  quarter.mutable_fact()->set_period("2022Q3");
  quarter.set_target_warning(true);
  EXPECT_TRUE(DraftsFor(quarter, policy).empty());
  // A month judged as the target's own period (a month's target) is the result: a case.
  rpb::RankingAlert month = quarter;
  month.mutable_fact()->set_period("2022-08");
  month.set_target_warning(false);
  EXPECT_EQ(DraftsFor(month, policy).size(), 2u);
}

TEST(Point12_1, TheDefaultPolicyOpensACaseForACountyLastOnOneIndicatorOrInItsBottomPlaces) {
  auto county = [](rpb::AlertRule rule, int rank) {
    rpb::RankingAlert a = Alert(rule, rpb::SCOPE_COUNTY, "361102");
    a.mutable_fact()->set_rank(rank);
    a.mutable_fact()->set_total(100);
    return a;
  };
  auto opens = [&](const AlertCasePolicy& policy, const std::string& what) {
    // Last of 100 on one indicator (§四(七) "有单项考核指标排名倒数第一的县"), 98th and 99th (its bottom places).
    for (const auto& [rule, rank] : std::vector<std::pair<rpb::AlertRule, int>>{
             {rpb::ALERT_RULE_COUNTY_INDICATOR_LAST, 100},
             {rpb::ALERT_RULE_BOTTOM_THREE, 98},
             {rpb::ALERT_RULE_BOTTOM_THREE, 99}}) {
      const auto drafts = DraftsFor(county(rule, rank), policy);
      ASSERT_EQ(drafts.size(), 1u) << what << " " << rpb::AlertRule_Name(rule) << " " << rank;
      EXPECT_EQ(drafts[0].unit, "信州区") << what;  // the county answers
      EXPECT_EQ(drafts[0].region_code, "361102") << what;
      EXPECT_EQ(drafts[0].followers.size(), 2u) << what;  // the indicator's city units follow
    }
  };
  opens(AlertCasePolicy{}, "the built-in default");
  auto defaults = Load("log: {level: info}");
  ASSERT_TRUE(defaults.ok()) << defaults.status();
  opens(defaults->policies.alerts, "a config without cases.open_on_rules");
  // The shipped example config (its cases.open_on_rules).
  const std::string example = std::string(YS_SOURCE_DIR) + "/services/rectification/config.example.yaml";
  std::ifstream in(example);
  ASSERT_TRUE(in.good()) << example;
  const std::string yaml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_NE(yaml.find("open_on_rules:"), std::string::npos);
  auto shipped = Load(yaml);
  ASSERT_TRUE(shipped.ok()) << shipped.status();
  opens(shipped->policies.alerts, example);
  EXPECT_EQ(shipped->policies.alerts.rules, AlertCasePolicy{}.rules);
}

TEST(Point12_6, TheDescriptionGivesTheCasesOwnDueDateOnce) {
  rpb::RankingAlert a = Alert(rpb::ALERT_RULE_BOTTOM_THREE, rpb::SCOPE_COUNTY, "361102");
  a.set_message("2022-09 信州区 办理建筑许可：全省第98名/共100，位列全省后三位");
  // The ranking service's consequence for a county's bottom places is §四(五) itself.
  a.set_consequence("以一个月为时限，全市各地各单位对通报督办事项、排名靠后的工作进行整改");
  const std::string d = AlertCaseDescription(a, "2022-10-21");
  EXPECT_EQ(d, "2022-09 信州区 办理建筑许可：全省第98名/共100，位列全省后三位。"
               "请于2022-10-21前整改，并在期限内将整改落实情况报市营商办。");
  // Another consequence is kept, and the deadline follows it once.
  a.set_consequence("扣发其年终绩效奖金的5%，取消其单位主要领导、分管领导及班子评优评先资格。");
  EXPECT_EQ(AlertCaseDescription(a, "2022-10-30"),
            "2022-09 信州区 办理建筑许可：全省第98名/共100，位列全省后三位。"
            "扣发其年终绩效奖金的5%，取消其单位主要领导、分管领导及班子评优评先资格。"
            "请于2022-10-30前整改，并在期限内将整改落实情况报市营商办。");
  a.clear_consequence();
  a.clear_message();
  EXPECT_EQ(AlertCaseDescription(a, "2022-10-30"), "请于2022-10-30前整改，并在期限内将整改落实情况报市营商办。");
}

TEST(Point12_3, ACaseIsFlaggedOnlyWhenEveryAlertLinkedToItIsWithdrawn) {
  const LinkedAlert last{"LAST", false}, last_withdrawn{"LAST", true}, bottom{"BOTTOM", false},
      bottom_withdrawn{"BOTTOM", true};
  // The correction: LAST withdrawn, BOTTOM raised and joining — in one batch or two, either order.
  AlertFlag f = DecideAlertFlag(false, {last}, {last_withdrawn});
  EXPECT_TRUE(f.flagged);
  f = DecideAlertFlag(true, {last_withdrawn}, {last_withdrawn, bottom});  // BOTTOM joins later
  EXPECT_FALSE(f.flagged);
  EXPECT_EQ(f.standing, std::vector<std::string>{"BOTTOM"});
  EXPECT_FALSE(DecideAlertFlag(false, {last}, {last_withdrawn, bottom}).flagged);  // one batch
  EXPECT_FALSE(DecideAlertFlag(false, {last, bottom}, {last_withdrawn, bottom}).flagged);
  // The last standing alert withdrawn: flagged; a case opened and withdrawn in one batch too.
  EXPECT_TRUE(DecideAlertFlag(false, {last_withdrawn, bottom}, {last_withdrawn, bottom_withdrawn}).flagged);
  EXPECT_TRUE(DecideAlertFlag(false, {}, {last_withdrawn}).flagged);
  // Raised again: cleared. Kept by the office (every alert withdrawn, flag cleared): not asked again.
  EXPECT_FALSE(DecideAlertFlag(true, {last_withdrawn}, {last}).flagged);
  EXPECT_FALSE(DecideAlertFlag(false, {last_withdrawn}, {last_withdrawn, bottom_withdrawn}).flagged);
  EXPECT_TRUE(DecideAlertFlag(true, {last_withdrawn}, {last_withdrawn}).flagged);

  pb::Case c;
  c.set_id("RC-000001");
  EXPECT_TRUE(CheckCloseAsWithdrawn(c, {last_withdrawn, bottom_withdrawn}).ok());
  const absl::Status standing = CheckCloseAsWithdrawn(c, {last_withdrawn, bottom});
  EXPECT_EQ(standing.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(standing.message().find("BOTTOM"), std::string::npos) << standing;
  EXPECT_EQ(standing.message().find("LAST"), std::string::npos) << standing;
}

TEST(Point12_5, ALevelTheOldSweeperStoredIsTheReminder) {
  // Level 2 (提级办理, now LOCAL_STEP) without a step's name, level 3 (移送, now REFERRED) without the
  // office's referral: the old automatic ladder's, shown as 督办 with its steps taken.
  for (const auto& [level, old_step] : std::vector<std::pair<pb::Escalation, std::string>>{
           {pb::ESCALATION_LOCAL_STEP, "提级办理"}, {pb::ESCALATION_REFERRED, "移送市纪委监委"}}) {
    pb::Case c;
    c.set_escalation(level);
    auto legacy = NormaliseLegacyEscalation(&c);
    ASSERT_TRUE(legacy.has_value()) << pb::Escalation_Name(level);
    EXPECT_EQ(legacy->old_step, old_step);
    EXPECT_NE(legacy->note.find(old_step), std::string::npos) << legacy->note;
    EXPECT_EQ(c.escalation(), pb::ESCALATION_REMINDER);
    EXPECT_EQ(c.escalation_step(), "督办");
    EXPECT_EQ(c.ladder_steps_taken(), static_cast<int>(level));
    EXPECT_FALSE(NormaliseLegacyEscalation(&c).has_value());  // once
  }
  // An old 督办 is only named.
  pb::Case reminder;
  reminder.set_escalation(pb::ESCALATION_REMINDER);
  EXPECT_FALSE(NormaliseLegacyEscalation(&reminder).has_value());
  EXPECT_EQ(reminder.escalation_step(), "督办");
  EXPECT_EQ(reminder.ladder_steps_taken(), 1);
  // Today's levels are left alone: a named local step, the office's referral, none.
  pb::Case local;
  local.set_escalation(pb::ESCALATION_LOCAL_STEP);
  local.set_escalation_step("报领班");
  local.set_ladder_steps_taken(2);
  pb::Case referred;
  referred.set_escalation(pb::ESCALATION_REFERRED);
  referred.set_escalation_step("移送市纪委监委");
  referred.mutable_referral()->set_by("office-dev");
  for (pb::Case c : {local, referred, pb::Case{}}) {
    const std::string before = c.SerializeAsString();
    EXPECT_FALSE(NormaliseLegacyEscalation(&c).has_value());
    EXPECT_EQ(c.SerializeAsString(), before);
  }
}

TEST(Point12_5, TheSweeperOwesACaseWhatTheDomainSays) {
  EscalationPolicy p;
  p.suggest_referral_after_days = 10;
  const absl::Time due = At(2022, 10, 31, 0);
  pb::Case c;
  c.set_state(pb::STATE_OPEN);
  *c.mutable_due_at() = ToProtoTime(due);
  EXPECT_TRUE(SweepDue(c, due - absl::Seconds(1), p).empty());
  SweepWork w = SweepDue(c, due + absl::Hours(24 * 10), p);
  ASSERT_EQ(w.steps.size(), 1u);
  EXPECT_TRUE(w.suggest_referral);
  // Referred by the office, its 督办 taken: nothing, however long past due.
  pb::Case referred = c;
  referred.mutable_referral()->set_by("office-dev");
  referred.set_ladder_steps_taken(1);
  EXPECT_TRUE(SweepDue(referred, due + absl::Hours(24 * 100), p).empty());
  // Reported: the unit is waiting for the office, not late.
  pb::Case reported = c;
  reported.set_state(pb::STATE_REPORTED);
  EXPECT_TRUE(SweepDue(reported, due + absl::Hours(24 * 100), p).empty());
}

TEST(Point12_8, ACountyCaseHasTheIndicatorsCityUnitsAsFollowers) {
  rpb::RankingAlert county = Alert(rpb::ALERT_RULE_COUNTY_INDICATOR_LAST, rpb::SCOPE_COUNTY, "361102");
  county.mutable_units(0)->set_head("陈锋");
  const auto drafts = DraftsFor(county, AlertCasePolicy{});
  ASSERT_EQ(drafts.size(), 1u);
  EXPECT_EQ(drafts[0].unit, "信州区");
  ASSERT_EQ(drafts[0].followers.size(), 2u);
  EXPECT_EQ(drafts[0].followers[0].unit(), "市住建局");
  EXPECT_EQ(drafts[0].followers[0].head(), "陈锋");
  EXPECT_EQ(drafts[0].followers[1].unit(), "市自然资源局");
  // A city case has none: its units answer themselves, each with its 带班领导.
  rpb::RankingAlert city = Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, rpb::SCOPE_CITY, "3611");
  city.mutable_units(0)->set_head("陈锋");
  const auto city_drafts = DraftsFor(city, AlertCasePolicy{});
  ASSERT_EQ(city_drafts.size(), 2u);
  EXPECT_TRUE(city_drafts[0].followers.empty());
  EXPECT_EQ(city_drafts[0].head, "陈锋");

  pb::Case c;
  c.set_id("RC-000007");
  c.set_unit("信州区");
  *c.add_followers() = drafts[0].followers[0];
  EXPECT_EQ(AccessOf(c, "信州区"), UnitAccess::kResponsible);
  EXPECT_EQ(AccessOf(c, "市住建局"), UnitAccess::kFollower);
  EXPECT_EQ(AccessOf(c, "市财政局"), UnitAccess::kNone);
  EXPECT_TRUE(CheckUnitMayRead(c, "市住建局").ok());
  EXPECT_TRUE(CheckUnitMayReport(c, "信州区").ok());
  const absl::Status follower = CheckUnitMayReport(c, "市住建局");
  EXPECT_EQ(follower.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(follower.message().find("信州区 reports"), std::string::npos) << follower;
  const absl::Status stranger = CheckUnitMayRead(c, "市财政局");
  EXPECT_EQ(stranger.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(stranger.message().find("belongs to 信州区"), std::string::npos) << stranger;
  // The events are for the county and its followers.
  const auto to = Addressees(c);
  ASSERT_EQ(to.size(), 2u);
  EXPECT_EQ(to[0].unit(), "信州区");
  EXPECT_FALSE(to[0].follower());
  EXPECT_EQ(to[1].unit(), "市住建局");
  EXPECT_EQ(to[1].head(), "陈锋");
  EXPECT_TRUE(to[1].follower());
}

TEST(Point12_3, AWithdrawnAlertOpensNothingAndTheOfficeDecides) {
  rpb::RankingAlert a = Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, rpb::SCOPE_CITY, "3611");
  ASSERT_EQ(DraftsFor(a, AlertCasePolicy{}).size(), 2u);
  a.set_withdrawn(true);
  a.set_withdrawn_by_revision(2);
  EXPECT_TRUE(DraftsFor(a, AlertCasePolicy{}).empty());
  pb::Case c;
  c.set_id("RC-000001");
  EXPECT_EQ(CheckWithdrawalReview(c).code(), absl::StatusCode::kFailedPrecondition);
  c.set_alert_withdrawn(true);
  EXPECT_TRUE(CheckWithdrawalReview(c).ok());
  // Closing as withdrawn: from any state but closed.
  for (pb::State from : {pb::STATE_OPEN, pb::STATE_IN_PROGRESS, pb::STATE_REPORTED, pb::STATE_VERIFIED,
                         pb::STATE_REJECTED, pb::STATE_REOPENED}) {
    EXPECT_EQ(*Transition(from, Action::kCloseWithdrawn), pb::STATE_CLOSED) << pb::State_Name(from);
  }
  EXPECT_EQ(Transition(pb::STATE_CLOSED, Action::kCloseWithdrawn).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(ValidateAlertInputTest, EveryStringAndThePublishedTime) {
  using std::string_literals::operator""s;
  rpb::RankingAlert good;
  good.set_id("ALERT_RULE_LAST_IN_PROVINCE/EVALUATION_OFFICIAL/I03/SCOPE_CITY/3611/2022-09");
  good.set_rule(rpb::ALERT_RULE_LAST_IN_PROVINCE);
  good.mutable_fact()->set_indicator_code("I03");
  good.mutable_fact()->set_region_code("3611");
  good.mutable_fact()->set_period("2022-09");
  good.mutable_fact()->mutable_published_at()->set_seconds(1664467200);
  good.set_indicator_name("办理建筑许可");
  good.set_lead("李茂荣");
  auto* u = good.add_units();
  u->set_unit("市住房和城乡建设局");
  u->set_head("陈锋");
  good.set_message("2022-09 上饶市 办理建筑许可：全省第11名/共11，倒数第一\n（第二行）");
  good.set_consequence("扣发年终绩效奖金的5%");
  const input::InputLimits limits;
  ASSERT_TRUE(ValidateAlertInput(good, limits).ok()) << ValidateAlertInput(good, limits);

  struct Case {
    std::function<void(rpb::RankingAlert&)> spoil;
    const char* reason;
    const char* field;
  };
  for (const Case& c : std::vector<Case>{
           {[](auto& a) { a.set_id("A\0"s); }, "bad_text", "id"},
           {[](auto& a) { a.mutable_fact()->set_indicator_code("I03\xff"); }, "bad_text", "fact.indicator_code"},
           {[](auto& a) { a.mutable_fact()->set_period("2022-09\n"); }, "bad_text", "fact.period"},
           {[](auto& a) { a.mutable_units(0)->set_head("陈\0锋"s); }, "bad_text", "units[0].head"},
           {[](auto& a) { a.set_region_name(std::string(513, 'x')); }, "too_long", "region_name"},
           {[](auto& a) { a.set_message("x\0"s); }, "bad_text", "message"},
           {[](auto& a) { a.set_consequence(std::string(64 * 1024 + 1, 'x')); }, "too_long", "consequence"},
           {[](auto& a) { a.mutable_fact()->mutable_published_at()->set_seconds(-62135596800); }, "bad_time",
            "fact.published_at"},
           {[](auto& a) { a.mutable_fact()->mutable_published_at()->set_seconds(253402300799); }, "bad_time",
            "fact.published_at"},
       }) {
    rpb::RankingAlert a = good;
    c.spoil(a);
    const absl::Status s = ValidateAlertInput(a, limits);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_EQ(RejectionReason(s), c.reason) << c.field << ": " << s;
    EXPECT_NE(s.message().find(std::string("field '") + c.field + "'"), std::string::npos) << s;
  }
}

TEST(EventSnapshotTest, CarriesTheLastReportsCutNotEveryTextEverWritten) {
  // A unit that reported 200 times at 64 KB (the free-text limit) made a 12.8 MB case: its event
  // would have been refused by Kafka (1 MB) and stopped every later event of the service.
  pb::Case c;
  c.set_id("RC-000001");
  c.set_description("短说明");
  std::string long_text;
  while (long_text.size() + 3 <= 64 * 1024) long_text += "整";  // 3 bytes a character
  for (int i = 0; i < 200; ++i) {
    pb::ProgressReport* r = c.add_reports();
    r->set_text(absl::StrFormat("第%d次：", i) + long_text);
    r->set_author("zjj");
  }
  for (int i = 0; i < 10; ++i) c.add_verifications()->set_comment(absl::StrFormat("意见%d", i));
  c.add_history()->set_action("opened");
  ASSERT_GT(c.ByteSizeLong(), 12'000'000u);

  const pb::Case e = EventSnapshot(c);
  EXPECT_LT(e.ByteSizeLong(), 8u * 1024);
  EXPECT_EQ(e.history_size(), 0);
  ASSERT_EQ(e.reports_size(), 3);
  ASSERT_EQ(e.verifications_size(), 3);
  for (int i = 0; i < 3; ++i) {
    const std::string& text = e.reports(i).text();
    const std::string head = absl::StrFormat("第%d次：", 197 + i);  // the last three, in order
    EXPECT_EQ(text.substr(0, head.size()), head);
    const std::string mark = absl::StrFormat("… [cut from %d bytes]", c.reports(197 + i).text().size());
    ASSERT_GT(text.size(), mark.size());
    EXPECT_EQ(text.substr(text.size() - mark.size()), mark);
    EXPECT_LE(text.size() - mark.size(), 1000u);
    EXPECT_TRUE(input::IsValidUtf8(text));  // cut between characters, never inside one
    EXPECT_EQ(e.reports(i).author(), "zjj");
  }
  EXPECT_EQ(e.verifications(0).comment(), "意见7");  // short texts as they are
  EXPECT_EQ(e.description(), "短说明");

  // A case with little in it is carried whole (but for its history).
  pb::Case small = c;
  small.mutable_reports()->DeleteSubrange(1, 199);
  small.mutable_reports(0)->set_text("已制定整改方案");
  small.mutable_verifications()->DeleteSubrange(1, 9);
  small.clear_history();
  EXPECT_EQ(EventSnapshot(small).SerializeAsString(), small.SerializeAsString());
}

}  // namespace
}  // namespace ys::rectification
