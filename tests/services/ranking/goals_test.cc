// Issue #12 point 10: work plan §一's 2022 goals read from the rankings, the plan's words apart from
// the office's thresholds (local policy).
#include "services/ranking/goals.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/services/ranking/rule_fixtures.h"
#include "services/ranking/settings.h"

namespace ys::ranking {
namespace {

using rule_fixtures::AddIndicator;
using rule_fixtures::AddRegion;

// 上饶市 with three first-level indicators (one valid only from 2023, one retired), a second-level
// one, the composite, and two counties; 南昌市 and its county for contrast.
CatalogReplica Replica() {
  CatalogReplica c;
  AddIndicator(c, "C00", "综合", ipb::INDICATOR_LEVEL_COMPOSITE);
  AddIndicator(c, "I01", "开办企业", ipb::INDICATOR_LEVEL_FIRST);
  AddIndicator(c, "I02", "劳动力市场监管", ipb::INDICATOR_LEVEL_FIRST);
  AddIndicator(c, "I03", "办理建筑许可", ipb::INDICATOR_LEVEL_FIRST);
  AddIndicator(c, "I20", "新指标", ipb::INDICATOR_LEVEL_FIRST).set_valid_from("2023-01-01");
  AddIndicator(c, "I99", "已停用指标", ipb::INDICATOR_LEVEL_FIRST).set_retired(true);
  AddIndicator(c, "I01-01", "办理环节", ipb::INDICATOR_LEVEL_SECOND).set_parent_code("I01");
  AddRegion(c, "3611", "上饶市", ipb::REGION_KIND_CITY, "36");
  AddRegion(c, "3601", "南昌市", ipb::REGION_KIND_CITY, "36");
  AddRegion(c, "361102", "信州区", ipb::REGION_KIND_COUNTY, "3611");
  AddRegion(c, "361103", "广丰区", ipb::REGION_KIND_COUNTY, "3611");
  AddRegion(c, "360102", "东湖区", ipb::REGION_KIND_COUNTY, "3601");
  return c;
}

pb::RankingFact Fact(const std::string& indicator, const std::string& region, int rank) {
  return rule_fixtures::FactOf(indicator, region, rank, "2022Q3");
}

const pb::GoalStanding& GoalOf(const pb::Goals& goals, const std::string& key) {
  for (const auto& g : goals.goals()) {
    if (g.key() == key) return g;
  }
  ADD_FAILURE() << "no goal " << key;
  return pb::GoalStanding::default_instance();
}

std::vector<std::string> Missing(const pb::GoalStanding& g) {
  std::vector<std::string> out;
  for (const auto& i : g.items()) {
    if (!i.met()) out.push_back(i.code());
  }
  return out;
}

// Composite 2nd; I01 1st, I02 4th, I03 5th; I01-01 1st; 信州区 12th, 广丰区 no fact; another city's
// and another county's facts beside.
std::vector<pb::RankingFact> Facts() {
  return {Fact("C00", "3611", 2),    Fact("I01", "3611", 1),    Fact("I02", "3611", 4),
          Fact("I03", "3611", 5),    Fact("I01-01", "3611", 1), Fact("C00", "361102", 12),
          Fact("C00", "3601", 1),    Fact("I03", "3601", 1),    Fact("C00", "360102", 99)};
}

TEST(GoalsTest, Point12_10_EachGoalIsReadWithTheOfficesThresholdAndSaysSo) {
  const pb::Goals goals = EvaluateGoals(2022, "2022Q3", Facts(), Replica(), GoalPolicy{}, RuleConfig{});
  EXPECT_EQ(goals.year(), 2022);
  EXPECT_EQ(goals.period(), "2022Q3");
  ASSERT_EQ(goals.goals_size(), 5);
  // The plan's order and words.
  EXPECT_EQ(goals.goals(0).plan_text(), "我市营商环境进入全省第一方阵");
  EXPECT_EQ(goals.goals(1).plan_text(), "18项一级指标在全省排位列入上游");
  EXPECT_EQ(goals.goals(2).plan_text(), "5-6项评价指标居全省前茅");
  EXPECT_EQ(goals.goals(3).plan_text(), "2-3个典型经验创新举措在全省推广");
  EXPECT_EQ(goals.goals(4).plan_text(), "12个县（市、区）全部进入全省前列");
  for (const auto& g : goals.goals()) EXPECT_EQ(g.citation(), "§一 工作目标（力争到2022年底）") << g.key();

  const pb::GoalStanding& first = GoalOf(goals, kGoalCompositeFirstTier);
  EXPECT_EQ(first.status(), pb::GoalStanding::STATUS_MET);
  EXPECT_EQ(first.count(), 1);
  EXPECT_EQ(first.required(), 1);
  EXPECT_TRUE(first.local_policy());
  EXPECT_EQ(first.config_key(), "goals.first_tier_rank_at_most");
  EXPECT_EQ(first.reading(), "第一方阵按上饶市综合排名全省前3名计（本办设定，非工作方案规定）");
  EXPECT_EQ(first.summary(), "2022Q3 上饶市综合排名全省第2名/共11：在前3名");

  // 上游: top 4; I03 (5th) misses. I20 (from 2023) and I99 (retired) are not in 2022's count.
  const pb::GoalStanding& upper = GoalOf(goals, kGoalL1UpperTier);
  EXPECT_EQ(upper.status(), pb::GoalStanding::STATUS_NOT_MET);
  EXPECT_EQ(upper.required(), 3);
  EXPECT_EQ(upper.count(), 2);
  EXPECT_EQ(Missing(upper), std::vector<std::string>{"I03"});
  EXPECT_EQ(upper.items(2).rank(), 5);
  EXPECT_EQ(upper.items(2).total(), 11);
  EXPECT_EQ(upper.config_key(), "goals.upper_tier_rank_at_most");
  EXPECT_NE(upper.reading().find("前4名计（本办设定，非工作方案规定）"), std::string::npos) << upper.reading();

  // 前茅: top 3, at least 5 (the plan's 5-6): only I01; the second level is not counted by default.
  const pb::GoalStanding& top = GoalOf(goals, kGoalTopIndicators);
  EXPECT_EQ(top.status(), pb::GoalStanding::STATUS_NOT_MET);
  EXPECT_EQ(top.count(), 1);
  EXPECT_EQ(top.required(), 5);
  EXPECT_EQ(top.items_size(), 3);
  EXPECT_EQ(top.config_key(), "goals.top_rank_at_most");
  EXPECT_NE(top.reading().find("前3名计（本办设定，非工作方案规定）"), std::string::npos) << top.reading();
  EXPECT_NE(top.reading().find("5-6项"), std::string::npos);

  // Not a ranking.
  const pb::GoalStanding& typical = GoalOf(goals, kGoalTypicalExperiences);
  EXPECT_EQ(typical.status(), pb::GoalStanding::STATUS_NOT_MEASURED);
  EXPECT_FALSE(typical.local_policy());
  EXPECT_TRUE(typical.config_key().empty());
  EXPECT_EQ(typical.items_size(), 0);
  EXPECT_NE(typical.reading().find("市营商办记录"), std::string::npos);

  // 前列: top 30 of 100; 广丰区 has no fact, so it does not meet the tier; 东湖区 is not ours.
  const pb::GoalStanding& counties = GoalOf(goals, kGoalCountiesFront);
  EXPECT_EQ(counties.status(), pb::GoalStanding::STATUS_NOT_MET);
  EXPECT_EQ(counties.required(), 2);
  EXPECT_EQ(counties.count(), 1);
  EXPECT_EQ(Missing(counties), std::vector<std::string>{"361103"});
  EXPECT_EQ(counties.items(1).rank(), 0);
  EXPECT_EQ(counties.config_key(), "goals.county_front_rank_at_most");
  EXPECT_NE(counties.reading().find("前30名计（本办设定，非工作方案规定）"), std::string::npos);
  // Every ranking goal's reading names the office as the threshold's author; none names the plan.
  for (const auto& g : goals.goals()) {
    if (!g.local_policy()) continue;
    EXPECT_NE(g.reading().find(kLocalPolicyNote), std::string::npos) << g.key();
  }
}

TEST(GoalsTest, Point12_10_TheThresholdsAreThePolicysNotFixed) {
  GoalPolicy policy;
  policy.first_tier_rank_at_most = 1;
  policy.upper_tier_rank_at_most = 5;
  policy.top_rank_at_most = 1;
  policy.top_indicators_required = 5;
  policy.top_counts_second_level = true;
  policy.county_front_rank_at_most = 12;
  const pb::Goals goals = EvaluateGoals(2022, "2022Q3", Facts(), Replica(), policy, RuleConfig{});
  EXPECT_EQ(GoalOf(goals, kGoalCompositeFirstTier).status(), pb::GoalStanding::STATUS_NOT_MET);
  EXPECT_EQ(GoalOf(goals, kGoalCompositeFirstTier).reading(),
            "第一方阵按上饶市综合排名全省前1名计（本办设定，非工作方案规定）");
  EXPECT_EQ(GoalOf(goals, kGoalL1UpperTier).status(), pb::GoalStanding::STATUS_MET);
  const pb::GoalStanding& top = GoalOf(goals, kGoalTopIndicators);
  EXPECT_EQ(top.items_size(), 4);  // I01-01 counts too
  EXPECT_EQ(top.count(), 2);       // I01 and I01-01 first
  EXPECT_NE(top.reading().find("一级和二级指标"), std::string::npos);
  EXPECT_EQ(GoalOf(goals, kGoalCountiesFront).count(), 1);  // 信州区 12th
}

TEST(GoalsTest, Point12_10_AGoalNoFactBearsOnIsNoData) {
  const pb::Goals none = EvaluateGoals(2022, "", {}, Replica(), GoalPolicy{}, RuleConfig{});
  EXPECT_EQ(none.period(), "");
  for (const auto& g : none.goals()) {
    EXPECT_EQ(g.status(), g.key() == kGoalTypicalExperiences ? pb::GoalStanding::STATUS_NOT_MEASURED
                                                              : pb::GoalStanding::STATUS_NO_DATA)
        << g.key();
  }
  EXPECT_EQ(GoalOf(none, kGoalL1UpperTier).required(), 4);  // the catalog's, not retired (no period)
  EXPECT_EQ(GoalOf(none, kGoalCompositeFirstTier).summary(), "2022年 无上饶市综合排名");
  // Only the counties' facts: the city's goals have no data, the counties' are read.
  const pb::Goals counties =
      EvaluateGoals(2022, "2022Q3", {Fact("C00", "361102", 3), Fact("C00", "361103", 7)}, Replica(),
                    GoalPolicy{}, RuleConfig{});
  EXPECT_EQ(GoalOf(counties, kGoalCompositeFirstTier).status(), pb::GoalStanding::STATUS_NO_DATA);
  EXPECT_EQ(GoalOf(counties, kGoalL1UpperTier).status(), pb::GoalStanding::STATUS_NO_DATA);
  EXPECT_EQ(GoalOf(counties, kGoalCountiesFront).status(), pb::GoalStanding::STATUS_MET);
  EXPECT_EQ(GoalOf(counties, kGoalCountiesFront).count(), 2);
}

TEST(GoalsTest, Point12_10_TheYearIsReadIfPresentElseItsLatestPeriodWithFacts) {
  EXPECT_EQ(ChooseGoalPeriod(2022, {}), std::nullopt);
  EXPECT_EQ(ChooseGoalPeriod(2022, {"2021", "2021Q4", "2023-01"}), std::nullopt);
  EXPECT_EQ(ChooseGoalPeriod(2022, {"2022-03", "2022Q4", "2022", "2022-12"}), "2022");
  EXPECT_EQ(ChooseGoalPeriod(2022, {"2022-03", "2022Q2", "2022-10"}), "2022-10");
  // A quarter and its last month end together: the quarter is the province's result for it.
  EXPECT_EQ(ChooseGoalPeriod(2022, {"2022-09", "2022Q3", "2022-08"}), "2022Q3");
  EXPECT_EQ(ChooseGoalPeriod(2022, {"2022Q2", "2022-07"}), "2022-07");
  const auto periods = GoalPeriods(2022);
  ASSERT_EQ(periods.size(), 17u);
  EXPECT_EQ(periods.front(), "2022");
  EXPECT_EQ(periods[3], "2022Q3");
  EXPECT_EQ(periods.back(), "2022-12");
}

absl::StatusOr<RankingSettings> Load(const std::string& yaml) {
  auto config = Config::FromString(
      yaml, [](const std::string&) -> std::optional<std::string> { return std::nullopt; });
  if (!config.ok()) return config.status();
  return LoadRankingSettings(*config);
}

TEST(GoalsTest, Point12_10_TheOfficesTiersComeFromConfigAndTheirKeysAreNamed) {
  auto defaults = Load("log: {level: info}\n");
  ASSERT_TRUE(defaults.ok()) << defaults.status();
  EXPECT_EQ(defaults->goals.first_tier_rank_at_most, 3);
  EXPECT_EQ(defaults->goals.upper_tier_rank_at_most, 4);
  EXPECT_EQ(defaults->goals.top_rank_at_most, 3);
  EXPECT_EQ(defaults->goals.top_indicators_required, 5);
  EXPECT_FALSE(defaults->goals.top_counts_second_level);
  EXPECT_EQ(defaults->goals.county_front_rank_at_most, 30);
  auto set = Load(R"(
goals:
  first_tier_rank_at_most: 2
  upper_tier_rank_at_most: 5
  top_rank_at_most: 1
  top_indicators_required: 6
  top_counts_second_level: true
  county_front_rank_at_most: 20
)");
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->goals.first_tier_rank_at_most, 2);
  EXPECT_EQ(set->goals.upper_tier_rank_at_most, 5);
  EXPECT_EQ(set->goals.top_rank_at_most, 1);
  EXPECT_EQ(set->goals.top_indicators_required, 6);
  EXPECT_TRUE(set->goals.top_counts_second_level);
  EXPECT_EQ(set->goals.county_front_rank_at_most, 20);
  for (const std::string key : {"first_tier_rank_at_most", "upper_tier_rank_at_most", "top_rank_at_most",
                                "county_front_rank_at_most"}) {
    auto bad = Load("goals: {" + key + ": 0}");
    ASSERT_FALSE(bad.ok()) << key;
    EXPECT_NE(bad.status().message().find("goals." + key), std::string::npos) << bad.status();
  }
  // The plan says 5-6: the office picks within it.
  auto seven = Load("goals: {top_indicators_required: 7}");
  ASSERT_FALSE(seven.ok());
  EXPECT_NE(seven.status().message().find("goals.top_indicators_required"), std::string::npos);
}

}  // namespace
}  // namespace ys::ranking
