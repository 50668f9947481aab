// Issue #12 point 10: the catalog's targets on their own scope, indicator and period (work plan §四:
// "第三季度目标是整体排名进全省前三，不得掉出前六").
#include "services/ranking/targets.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/services/ranking/rule_fixtures.h"
#include "services/ranking/plan_text.h"

namespace ys::ranking {
namespace {

using rule_fixtures::AddIndicator;
using rule_fixtures::AddRegion;
using rule_fixtures::Fact;

ipb::Target& AddTarget(CatalogReplica& c, const std::string& period, const std::string& scope,
                       const std::string& indicator, int target, int floor) {
  const std::string id = period + "/" + scope + (indicator.empty() ? "" : "/" + indicator);
  ipb::Target& t = c.targets[id];
  t.set_id(id);
  t.set_period(period);
  t.set_scope(scope);
  t.set_indicator_code(indicator);
  t.set_target_rank_at_most(target);
  t.set_floor_rank_at_most(floor);
  return t;
}

CatalogReplica Replica() {
  CatalogReplica c;
  AddIndicator(c, "C00", "综合排名").set_level(ipb::INDICATOR_LEVEL_COMPOSITE);
  ipb::Indicator& i03 = AddIndicator(c, "I03", "办理建筑许可");
  i03.set_level(ipb::INDICATOR_LEVEL_FIRST);
  i03.set_lead("李茂荣");
  auto* u = i03.add_units();
  u->set_unit("市住房和城乡建设局");
  u->set_head("陈锋");
  AddIndicator(c, "I05", "招标投标").set_level(ipb::INDICATOR_LEVEL_FIRST);
  AddRegion(c, "3611", "上饶市", ipb::REGION_KIND_CITY, "36");
  AddRegion(c, "3601", "南昌市", ipb::REGION_KIND_CITY, "36");
  AddRegion(c, "361102", "信州区", ipb::REGION_KIND_COUNTY, "3611");
  AddRegion(c, "360102", "东湖区", ipb::REGION_KIND_COUNTY, "3601");
  return c;
}

// The seed's one target: 2022Q3, the city's composite, top 3, floor 6th (as the catalog imports it,
// without an indicator).
CatalogReplica SeedReplica() {
  CatalogReplica c = Replica();
  AddTarget(c, "2022Q3", kTargetScopeCityComposite, "", 3, 6);
  return c;
}

pb::RankingFact CityComposite(int rank, const std::string& period) {
  return Fact("C00", pb::SCOPE_CITY, "3611", rank, 11, period);
}

std::vector<pb::AlertRule> Rules(const std::vector<pb::RankingAlert>& alerts) {
  std::vector<pb::AlertRule> out;
  for (const auto& a : alerts) out.push_back(a.rule());
  return out;
}

TEST(TargetsTest, Point12_10_TheQuarterTargetIsJudgedOnTheQuarterFact) {
  const CatalogReplica catalog = SeedReplica();
  const RuleConfig config;
  EXPECT_TRUE(EvaluateTargets(CityComposite(3, "2022Q3"), catalog, config).empty());

  auto missed = EvaluateTargets(CityComposite(4, "2022Q3"), catalog, config);
  ASSERT_EQ(Rules(missed), std::vector<pb::AlertRule>{pb::ALERT_RULE_QUARTER_TARGET_MISSED});
  EXPECT_EQ(missed[0].id(), "ALERT_RULE_QUARTER_TARGET_MISSED/EVALUATION_OFFICIAL/C00/city/3611/2022Q3");
  EXPECT_EQ(missed[0].severity(), pb::SEVERITY_WARNING);
  EXPECT_EQ(missed[0].message(), "2022Q3 上饶市 综合排名：全省第4名/共11，未达2022Q3目标（前3）");
  EXPECT_EQ(missed[0].consequence(), plan_text::kWarningOnly);  // the plan names no consequence for it
  EXPECT_FALSE(missed[0].target_warning());  // the quarter's own result

  // Below the floor: only the breach (it suppresses the missed target), critical.
  auto breached = EvaluateTargets(CityComposite(7, "2022Q3"), catalog, config);
  ASSERT_EQ(Rules(breached), std::vector<pb::AlertRule>{pb::ALERT_RULE_QUARTER_FLOOR_BREACHED});
  EXPECT_EQ(breached[0].id(), "ALERT_RULE_QUARTER_FLOOR_BREACHED/EVALUATION_OFFICIAL/C00/city/3611/2022Q3");
  EXPECT_EQ(breached[0].severity(), pb::SEVERITY_CRITICAL);
  EXPECT_EQ(breached[0].message(), "2022Q3 上饶市 综合排名：全省第7名/共11，掉出2022Q3底线（前6）");
  EXPECT_EQ(breached[0].message().find("预警"), std::string::npos);
  EXPECT_EQ(breached[0].consequence(), plan_text::kRectify);  // §四(五): 排名靠后, rectified
  EXPECT_FALSE(breached[0].target_warning());
  EXPECT_EQ(EvaluateTargets(CityComposite(6, "2022Q3"), catalog, config)[0].rule(),
            pb::ALERT_RULE_QUARTER_TARGET_MISSED);  // 6th is inside the floor
}

TEST(TargetsTest, Point12_10_AMonthInsideTheQuarterOnlyWarnsThatTheQuarterIsAtRisk) {
  const CatalogReplica catalog = SeedReplica();
  const RuleConfig config;
  for (const std::string month : {"2022-07", "2022-08", "2022-09"}) {
    auto breached = EvaluateTargets(CityComposite(7, month), catalog, config);
    ASSERT_EQ(Rules(breached), std::vector<pb::AlertRule>{pb::ALERT_RULE_QUARTER_FLOOR_BREACHED}) << month;
    const pb::RankingAlert& a = breached[0];
    EXPECT_EQ(a.id(), "ALERT_RULE_QUARTER_FLOOR_BREACHED/EVALUATION_OFFICIAL/C00/city/3611/" + month);
    // Not the quarter's result: a warning, at risk, and it says so.
    EXPECT_EQ(a.severity(), pb::SEVERITY_WARNING) << month;
    EXPECT_EQ(a.standing(), pb::STANDING_AT_RISK);
    EXPECT_EQ(a.message(), month + " 上饶市 综合排名：全省第7名/共11，掉出2022Q3底线（前6）"
                                   "（月度预警：按本月排名，季度目标有落空风险）");
    EXPECT_EQ(a.consequence(), std::string("若季度排名如此：") + plan_text::kRectify);
    EXPECT_TRUE(a.target_warning());
  }
  auto missed = EvaluateTargets(CityComposite(5, "2022-09"), catalog, config);
  ASSERT_EQ(Rules(missed), std::vector<pb::AlertRule>{pb::ALERT_RULE_QUARTER_TARGET_MISSED});
  EXPECT_EQ(missed[0].severity(), pb::SEVERITY_WARNING);
  EXPECT_NE(missed[0].message().find("（月度预警：按本月排名，季度目标有落空风险）"), std::string::npos);
  // Outside the quarter, or the whole year: nothing against a 2022Q3 target.
  EXPECT_TRUE(EvaluateTargets(CityComposite(9, "2022-10"), catalog, config).empty());
  EXPECT_TRUE(EvaluateTargets(CityComposite(9, "2022-06"), catalog, config).empty());
  EXPECT_TRUE(EvaluateTargets(CityComposite(9, "2022Q2"), catalog, config).empty());
  EXPECT_TRUE(EvaluateTargets(CityComposite(9, "2022"), catalog, config).empty());
  EXPECT_TRUE(EvaluateTargets(CityComposite(9, "2021Q3"), catalog, config).empty());
}

TEST(TargetsTest, Point12_10_ATargetsScopeAndIndicatorAreHonoured) {
  CatalogReplica catalog = Replica();  // no city_composite target
  AddTarget(catalog, "2022Q3", kTargetScopeCityIndicator, "I03", 2, 5);
  AddTarget(catalog, "2022Q3", kTargetScopeCountyComposite, "", 30, 60);
  const RuleConfig config;
  // The city's composite has no target now: not every target is the city composite's.
  EXPECT_TRUE(EvaluateTargets(CityComposite(10, "2022Q3"), catalog, config).empty());
  // city_indicator I03: the city's I03 only.
  auto i03 = EvaluateTargets(Fact("I03", pb::SCOPE_CITY, "3611", 6, 11, "2022Q3"), catalog, config);
  ASSERT_EQ(Rules(i03), std::vector<pb::AlertRule>{pb::ALERT_RULE_QUARTER_FLOOR_BREACHED});
  EXPECT_EQ(i03[0].id(), "ALERT_RULE_QUARTER_FLOOR_BREACHED/EVALUATION_OFFICIAL/I03/city/3611/2022Q3");
  EXPECT_EQ(i03[0].lead(), "李茂荣");
  ASSERT_EQ(i03[0].units_size(), 1);
  EXPECT_EQ(i03[0].units(0).unit(), "市住房和城乡建设局");
  EXPECT_EQ(i03[0].message(), "2022Q3 上饶市 办理建筑许可：全省第6名/共11，掉出2022Q3底线（前5）");
  EXPECT_EQ(Rules(EvaluateTargets(Fact("I03", pb::SCOPE_CITY, "3611", 3, 11, "2022Q3"), catalog, config)),
            std::vector<pb::AlertRule>{pb::ALERT_RULE_QUARTER_TARGET_MISSED});
  EXPECT_TRUE(EvaluateTargets(Fact("I05", pb::SCOPE_CITY, "3611", 11, 11, "2022Q3"), catalog, config).empty());
  EXPECT_TRUE(EvaluateTargets(Fact("I03", pb::SCOPE_CITY, "3601", 11, 11, "2022Q3"), catalog, config).empty());
  EXPECT_TRUE(
      EvaluateTargets(Fact("I03", pb::SCOPE_COUNTY, "361102", 99, 100, "2022Q3"), catalog, config).empty());
  // county_composite: each of the city's counties on the composite, not another city's county.
  auto county = EvaluateTargets(Fact("C00", pb::SCOPE_COUNTY, "361102", 45, 100, "2022Q3"), catalog, config);
  ASSERT_EQ(Rules(county), std::vector<pb::AlertRule>{pb::ALERT_RULE_QUARTER_TARGET_MISSED});
  EXPECT_EQ(county[0].id(), "ALERT_RULE_QUARTER_TARGET_MISSED/EVALUATION_OFFICIAL/C00/county/361102/2022Q3");
  EXPECT_EQ(county[0].region_name(), "信州区");
  EXPECT_EQ(Rules(EvaluateTargets(Fact("C00", pb::SCOPE_COUNTY, "361102", 61, 100, "2022-08"), catalog, config)),
            std::vector<pb::AlertRule>{pb::ALERT_RULE_QUARTER_FLOOR_BREACHED});
  EXPECT_TRUE(
      EvaluateTargets(Fact("C00", pb::SCOPE_COUNTY, "360102", 99, 100, "2022Q3"), catalog, config).empty());
  EXPECT_TRUE(
      EvaluateTargets(Fact("C00", pb::SCOPE_COUNTY, "361102", 30, 100, "2022Q3"), catalog, config).empty());
}

TEST(TargetsTest, Point12_10_AScopeRankingDoesNotKnowRaisesNothing) {
  const RuleConfig config;
  ipb::Target t;
  t.set_id("2022Q3/province_composite");
  t.set_scope("province_composite");
  auto unknown = TargetSubjectOf(t, config);
  ASSERT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.status().message().find("province_composite"), std::string::npos);
  t.set_scope(kTargetScopeCityIndicator);
  EXPECT_EQ(TargetSubjectOf(t, config).status().code(), absl::StatusCode::kInvalidArgument);  // no indicator
  t.set_scope(kTargetScopeCityComposite);
  t.set_indicator_code("I03");
  EXPECT_EQ(TargetSubjectOf(t, config).status().code(), absl::StatusCode::kInvalidArgument);
  t.set_indicator_code("C00");  // naming the composite is the same target
  auto subject = TargetSubjectOf(t, config);
  ASSERT_TRUE(subject.ok()) << subject.status();
  EXPECT_EQ(subject->scope, pb::SCOPE_CITY);
  EXPECT_EQ(subject->indicator_code, "C00");

  CatalogReplica catalog = Replica();
  AddTarget(catalog, "2022Q3", "province_composite", "", 3, 6);
  AddTarget(catalog, "2022Q3", kTargetScopeCityComposite, "I03", 3, 6);
  EXPECT_TRUE(EvaluateTargets(CityComposite(10, "2022Q3"), catalog, config).empty());
  EXPECT_TRUE(EvaluateTargets(Fact("I03", pb::SCOPE_CITY, "3611", 10, 11, "2022Q3"), catalog, config).empty());
}

TEST(TargetsTest, Point12_10_RetiredTargetsDisabledRulesAndOtherEvaluationsRaiseNothing) {
  CatalogReplica catalog = SeedReplica();
  RuleConfig config;
  pb::RankingFact third_party = CityComposite(9, "2022Q3");
  third_party.set_evaluation(pb::EVALUATION_THIRD_PARTY);
  EXPECT_TRUE(EvaluateTargets(third_party, catalog, config).empty());
  config.disabled = {pb::ALERT_RULE_QUARTER_FLOOR_BREACHED};
  EXPECT_TRUE(EvaluateTargets(CityComposite(9, "2022Q3"), catalog, config).empty());
  EXPECT_EQ(Rules(EvaluateTargets(CityComposite(5, "2022Q3"), catalog, config)),
            std::vector<pb::AlertRule>{pb::ALERT_RULE_QUARTER_TARGET_MISSED});
  catalog.targets.begin()->second.set_retired(true);
  EXPECT_TRUE(EvaluateTargets(CityComposite(5, "2022Q3"), catalog, RuleConfig{}).empty());
}

TEST(TargetsTest, Point12_10_TwoTargetsJudgingOneFactRaiseOneAlertPerId) {
  CatalogReplica catalog = SeedReplica();
  AddTarget(catalog, "2022Q3", kTargetScopeCityComposite, "C00", 2, 4);  // a second, stricter entry
  const auto alerts = EvaluateTargets(CityComposite(5, "2022Q3"), catalog, RuleConfig{});
  // The stricter one breaches its floor; the seed's is missed: two rules, two ids.
  EXPECT_EQ(Rules(alerts), (std::vector<pb::AlertRule>{pb::ALERT_RULE_QUARTER_FLOOR_BREACHED,
                                                       pb::ALERT_RULE_QUARTER_TARGET_MISSED}));
  const auto same = EvaluateTargets(CityComposite(8, "2022Q3"), catalog, RuleConfig{});
  ASSERT_EQ(Rules(same), std::vector<pb::AlertRule>{pb::ALERT_RULE_QUARTER_FLOOR_BREACHED});
}

TEST(TargetsTest, Point12_10_EvaluateRulesRaisesTheTargetAlertsBesideItsOwn) {
  const CatalogReplica catalog = SeedReplica();
  const auto quarter = EvaluateRules(CityComposite(7, "2022Q3"), std::nullopt, catalog, RuleConfig{});
  ASSERT_EQ(Rules(quarter), std::vector<pb::AlertRule>{pb::ALERT_RULE_QUARTER_FLOOR_BREACHED});
  EXPECT_EQ(quarter[0].severity(), pb::SEVERITY_CRITICAL);
  const auto month = EvaluateRules(CityComposite(7, "2022-09"), std::nullopt, catalog, RuleConfig{});
  ASSERT_EQ(Rules(month), std::vector<pb::AlertRule>{pb::ALERT_RULE_QUARTER_FLOOR_BREACHED});
  EXPECT_EQ(month[0].severity(), pb::SEVERITY_WARNING);
  EXPECT_EQ(month[0].standing(), pb::STANDING_AT_RISK);
  // A target on another indicator reaches EvaluateRules too.
  CatalogReplica with_i03 = Replica();
  AddTarget(with_i03, "2022Q3", kTargetScopeCityIndicator, "I03", 3, 6);
  EXPECT_EQ(Rules(EvaluateRules(Fact("I03", pb::SCOPE_CITY, "3611", 5, 11, "2022Q3"), std::nullopt, with_i03,
                                RuleConfig{})),
            std::vector<pb::AlertRule>{pb::ALERT_RULE_QUARTER_TARGET_MISSED});
}

}  // namespace
}  // namespace ys::ranking
