// Issue #12 points 2, 3 and 4 (work plan §四(七)): the ledger's standings, withdrawals and speeches.
#include "services/ranking/ledger.h"

#include <set>

#include "gtest/gtest.h"
#include "services/ranking/plan_text.h"
#include "tests/services/ranking/rule_fixtures.h"

namespace ys::ranking {
namespace {

using rule_fixtures::Fact;
using rule_fixtures::Replica;

constexpr char kUnit[] = "市住房和城乡建设局";

pb::RankingFact InPeriod(pb::RankingFact f, const std::string& period) {
  f.set_period(period);
  return f;
}

std::vector<pb::Consequence> LinesOf(const pb::RankingFact& fact) {
  std::vector<pb::Consequence> out;
  for (const auto& a : EvaluateRules(fact, std::nullopt, Replica(), RuleConfig{})) {
    for (auto& c : ConsequencesOf(a)) out.push_back(std::move(c));
  }
  return out;
}

std::multiset<pb::ConsequenceKind> Kinds(const std::vector<pb::Consequence>& lines) {
  std::multiset<pb::ConsequenceKind> out;
  for (const auto& c : lines) out.insert(c.kind());
  return out;
}

TEST(Point12_2, StandingFollowsThePeriodKind) {
  EXPECT_EQ(StandingOf("2022-09"), pb::STANDING_AT_RISK);
  EXPECT_EQ(StandingOf("2022Q3"), pb::STANDING_AT_RISK);
  EXPECT_EQ(StandingOf("2022"), pb::STANDING_PENDING);
}

TEST(Point12_2, AMonthLastIsAtRiskNotIncurred) {
  const auto alerts = EvaluateRules(Fact("I03", pb::SCOPE_CITY, "3611", 11, 11), std::nullopt, Replica(), {});
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].standing(), pb::STANDING_AT_RISK);
  EXPECT_EQ(alerts[0].consequence().rfind(plan_text::kAtRiskPrefix, 0), 0u) << alerts[0].consequence();
  for (const auto& c : ConsequencesOf(alerts[0])) {
    EXPECT_EQ(c.standing(), pb::STANDING_AT_RISK) << c.ShortDebugString();
  }
  EXPECT_TRUE(LinesToFinalise(ConsequencesOf(alerts[0])).empty());  // a warning never becomes incurred
}

TEST(Point12_2, AYearLastIsPendingUntilTheOfficeFinalises) {
  const auto lines = LinesOf(InPeriod(Fact("I03", pb::SCOPE_CITY, "3611", 11, 11), "2022"));
  ASSERT_FALSE(lines.empty());
  for (const auto& c : lines) EXPECT_EQ(c.standing(), pb::STANDING_PENDING);
  EXPECT_EQ(LinesToFinalise(lines).size(), lines.size());
  auto month = LinesOf(Fact("I03", pb::SCOPE_CITY, "3611", 11, 11));
  std::vector<pb::Consequence> mixed = lines;
  mixed.insert(mixed.end(), month.begin(), month.end());
  EXPECT_EQ(LinesToFinalise(mixed).size(), lines.size());  // only the year's
}

TEST(Point12_2, SummaryKeepsIncurredPendingAndAtRiskApart) {
  auto year = LinesOf(InPeriod(Fact("I03", pb::SCOPE_CITY, "3611", 11, 11), "2022"));
  auto month = LinesOf(Fact("I03", pb::SCOPE_CITY, "3611", 10, 11));  // bottom three in September
  for (auto& c : year) c.set_standing(pb::STANDING_INCURRED);
  std::vector<pb::Consequence> all = year;
  all.insert(all.end(), month.begin(), month.end());
  const auto resp = SummarizeConsequences(2022, all);
  ASSERT_EQ(resp.subjects_size(), 1);
  const auto& s = resp.subjects(0);
  EXPECT_TRUE(s.incurred().bonus_withheld());
  EXPECT_TRUE(s.incurred().excellence_barred());
  EXPECT_EQ(s.incurred().statements(), 1);
  EXPECT_TRUE(s.incurred().self_criticism());
  EXPECT_FALSE(s.at_risk().bonus_withheld());  // bottom three in a month costs no bonus
  EXPECT_EQ(s.at_risk().statements(), 1);
  EXPECT_EQ(s.pending().lines(), 0);
}

TEST(Point12_3, ACorrectionWithdrawsTheAlertsItNoLongerRaises) {
  const auto last = EvaluateRules(Fact("I03", pb::SCOPE_CITY, "3611", 11, 11), std::nullopt, Replica(), {});
  pb::RankingFact corrected = Fact("I03", pb::SCOPE_CITY, "3611", 4, 11);
  corrected.set_revision(2);
  std::set<std::string> still;
  for (const auto& a : EvaluateRules(corrected, std::nullopt, Replica(), {})) still.insert(a.id());
  const auto withdrawn = AlertsToWithdraw(last, still);
  ASSERT_EQ(withdrawn.size(), 1u);
  EXPECT_EQ(withdrawn[0].rule(), pb::ALERT_RULE_LAST_IN_PROVINCE);
}

TEST(Point12_3, ACorrectionThatKeepsTheUnitLastWithdrawsNothing) {
  const auto last = EvaluateRules(Fact("I03", pb::SCOPE_CITY, "3611", 11, 11), std::nullopt, Replica(), {});
  pb::RankingFact corrected = Fact("I03", pb::SCOPE_CITY, "3611", 12, 12);
  corrected.set_revision(2);
  corrected.set_total_reason("含赣江新区");
  std::set<std::string> still;
  for (const auto& a : EvaluateRules(corrected, std::nullopt, Replica(), {})) still.insert(a.id());
  EXPECT_TRUE(AlertsToWithdraw(last, still).empty());
}

TEST(Point12_3, AnAlertAlreadyWithdrawnIsNotWithdrawnAgain) {
  auto last = EvaluateRules(Fact("I03", pb::SCOPE_CITY, "3611", 11, 11), std::nullopt, Replica(), {});
  last[0].set_withdrawn(true);
  EXPECT_TRUE(AlertsToWithdraw(last, {}).empty());
}

TEST(Point12_3, ALegacyYearBottomThreeAlertStandsWhileTheBottomThreeStillHolds) {
  pb::RankingAlert legacy;  // as an earlier version stored it for a year's fact
  legacy.set_rule(pb::ALERT_RULE_YEAR_BOTTOM_THREE);
  legacy.set_id("ALERT_RULE_YEAR_BOTTOM_THREE/EVALUATION_OFFICIAL/I03/city/3611/2022");
  EXPECT_TRUE(AlertsToWithdraw({legacy}, {"ALERT_RULE_BOTTOM_THREE/EVALUATION_OFFICIAL/I03/city/3611/2022"}).empty());
  EXPECT_TRUE(AlertsToWithdraw({legacy}, {"ALERT_RULE_LAST_IN_PROVINCE/EVALUATION_OFFICIAL/I03/city/3611/2022"}).empty());
  EXPECT_EQ(AlertsToWithdraw({legacy}, {"ALERT_RULE_BOTTOM_THREE/EVALUATION_OFFICIAL/I05/city/3611/2022"}).size(), 1u);
}

TEST(Point12_4, ALineIsShownInThePlansWordsForItsKind) {
  EXPECT_STREQ(LineText(pb::CONSEQUENCE_KIND_STATEMENT), plan_text::kStatement);
  EXPECT_STREQ(LineText(pb::CONSEQUENCE_KIND_SELF_CRITICISM), plan_text::kSelfCriticism);
  EXPECT_STREQ(LineText(pb::CONSEQUENCE_KIND_BONUS_WITHHELD), plan_text::kBonusWithheld);
}

TEST(Point12_3, WithdrawnLinesAreListedButCountedNowhere) {
  auto lines = LinesOf(InPeriod(Fact("I03", pb::SCOPE_CITY, "3611", 11, 11), "2022"));
  for (auto& c : lines) {
    c.set_withdrawn(true);
    c.set_withdrawn_by_revision(2);
  }
  const auto resp = SummarizeConsequences(2022, lines);
  ASSERT_EQ(resp.subjects_size(), 1);
  EXPECT_EQ(resp.subjects(0).entries_size(), static_cast<int>(lines.size()));
  EXPECT_EQ(resp.subjects(0).pending().lines(), 0);
  EXPECT_FALSE(resp.subjects(0).pending().bonus_withheld());
  EXPECT_TRUE(LinesToFinalise(lines).empty());  // a withdrawn line is never confirmed
}

TEST(Point12_4, TheLastPlacedUnitOwesTheStatementAndTheSelfCriticismToo) {
  const auto lines = LinesOf(Fact("I03", pb::SCOPE_CITY, "3611", 11, 11));
  EXPECT_EQ(Kinds(lines), (std::multiset<pb::ConsequenceKind>{
                              pb::CONSEQUENCE_KIND_BONUS_WITHHELD, pb::CONSEQUENCE_KIND_NO_EXCELLENCE,
                              pb::CONSEQUENCE_KIND_STATEMENT, pb::CONSEQUENCE_KIND_SELF_CRITICISM}));
  for (const auto& c : lines) EXPECT_EQ(c.subject(), kUnit);
}

TEST(Point12_4, TheCityMeetingIsTheSelfCriticismsVenueNotTheStatements) {
  const std::string meeting = "在全市营商环境会议上";
  EXPECT_EQ(std::string(plan_text::kStatement).find(meeting), std::string::npos);
  EXPECT_NE(std::string(plan_text::kSelfCriticism).find(meeting), std::string::npos);
  const auto lines = LinesOf(Fact("I03", pb::SCOPE_CITY, "3611", 9, 11));
  EXPECT_EQ(Kinds(lines), (std::multiset<pb::ConsequenceKind>{pb::CONSEQUENCE_KIND_STATEMENT,
                                                               pb::CONSEQUENCE_KIND_SELF_CRITICISM}));
  for (const auto& c : lines) {
    if (c.kind() == pb::CONSEQUENCE_KIND_STATEMENT) {
      EXPECT_EQ(c.text().find(meeting), std::string::npos);
    } else {
      EXPECT_NE(c.text().find(meeting), std::string::npos);
    }
  }
}

TEST(Point12_4, TheYearsBottomThreeOweTheSelfCriticismPending) {
  const auto lines = LinesOf(InPeriod(Fact("I03", pb::SCOPE_CITY, "3611", 9, 11), "2022"));
  EXPECT_EQ(Kinds(lines), (std::multiset<pb::ConsequenceKind>{pb::CONSEQUENCE_KIND_STATEMENT,
                                                               pb::CONSEQUENCE_KIND_SELF_CRITICISM}));
  for (const auto& c : lines) EXPECT_EQ(c.standing(), pb::STANDING_PENDING);
  EXPECT_TRUE(LinesOf(InPeriod(Fact("I03", pb::SCOPE_CITY, "3611", 8, 11), "2022")).empty());  // 8th of 11
}

TEST(Point12_4, CountiesOweNoSpeechesOnlyTheExcellenceBar) {
  EXPECT_TRUE(LinesOf(Fact("I03", pb::SCOPE_COUNTY, "361102", 98, 100)).empty());  // rectify only
  const auto last = LinesOf(Fact("I03", pb::SCOPE_COUNTY, "361102", 100, 100));
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0].kind(), pb::CONSEQUENCE_KIND_COUNTY_NOT_EXCELLENT);
  EXPECT_EQ(last[0].subject(), "361102");
  EXPECT_EQ(last[0].subject_name(), "信州区");
  EXPECT_TRUE(last[0].county());
  const auto beyond = LinesOf(Fact("C00", pb::SCOPE_COUNTY, "361102", 71, 100));
  ASSERT_EQ(beyond.size(), 1u);
  EXPECT_EQ(beyond[0].kind(), pb::CONSEQUENCE_KIND_COUNTY_NOT_EXCELLENT);
  EXPECT_TRUE(LinesOf(Fact("C00", pb::SCOPE_CITY, "3611", 7, 11)).empty());  // a floor breach: rectify only
}

TEST(Point12_4, ACountysBottomThreeIsLocalPolicyAndCostsARectificationOnly) {
  RuleConfig config;
  config.county_bottom_n = 5;  // rankings.rules.county_bottom_n: the office's reading of 排名靠后
  const auto alerts = EvaluateRules(Fact("I03", pb::SCOPE_COUNTY, "361102", 96, 100), std::nullopt, Replica(), config);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].rule(), pb::ALERT_RULE_BOTTOM_THREE);
  EXPECT_EQ(alerts[0].consequence(), plan_text::kRectify);
  EXPECT_TRUE(ConsequencesOf(alerts[0]).empty());
  // The city's 后三位 is the plan's and stays 3 whatever the county setting.
  EXPECT_TRUE(EvaluateRules(Fact("I03", pb::SCOPE_CITY, "3611", 7, 11), std::nullopt, Replica(), config).empty());
}

TEST(EvaluateRulesTest, AFallWithTheFallRuleDisabledRaisesNothingAndTouchesNoOtherAlert) {
  RuleConfig config;
  config.disabled = {pb::ALERT_RULE_FELL_PLACES};
  pb::RankingFact previous = Fact("I03", pb::SCOPE_CITY, "3611", 2, 11);
  previous.set_period("2022-08");
  const auto alerts = EvaluateRules(Fact("I03", pb::SCOPE_CITY, "3611", 11, 11), previous, Replica(), config);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].rule(), pb::ALERT_RULE_LAST_IN_PROVINCE);
  EXPECT_EQ(alerts[0].previous_rank(), 0);  // the disabled rule's fields did not land on it
  EXPECT_TRUE(EvaluateRules(Fact("I03", pb::SCOPE_CITY, "3611", 9, 11), previous, Replica(), config).size() == 1u);
}

TEST(EvaluateRulesTest, AFallIsTheOfficesWarningAndCostsNothing) {
  pb::RankingFact previous = Fact("I03", pb::SCOPE_CITY, "3611", 2, 11);
  previous.set_period("2022-08");
  const auto alerts = EvaluateRules(Fact("I03", pb::SCOPE_CITY, "3611", 6, 11), previous, Replica(), {});
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].rule(), pb::ALERT_RULE_FELL_PLACES);
  EXPECT_EQ(alerts[0].consequence(), plan_text::kWarningOnly);
  EXPECT_NE(alerts[0].message().find("本办设定"), std::string::npos) << alerts[0].message();
  EXPECT_EQ(alerts[0].previous_rank(), 2);
  EXPECT_TRUE(ConsequencesOf(alerts[0]).empty());
}

}  // namespace
}  // namespace ys::ranking
