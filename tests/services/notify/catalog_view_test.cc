#include "services/notify/catalog_view.h"

#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ys::notify {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

void AddRegion(CatalogReplica& c, const std::string& code, const std::string& name, ipb::RegionKind kind,
               const std::string& parent, bool retired = false) {
  ipb::Region& r = c.regions[code];
  r.set_code(code);
  r.set_name(name);
  r.set_kind(kind);
  r.set_parent_code(parent);
  r.set_retired(retired);
}

ipb::Indicator& AddIndicator(CatalogReplica& c, const std::string& code, const std::string& name,
                             const std::string& lead, bool retired = false) {
  ipb::Indicator& i = c.indicators[code];
  i.set_code(code);
  i.set_name(name);
  i.set_lead(lead);
  i.set_retired(retired);
  return i;
}

void AddUnit(CatalogReplica& c, const std::string& name, const std::vector<std::string>& aliases,
             bool retired = false) {
  ipb::Unit& u = c.units[name];
  u.set_name(name);
  for (const auto& a : aliases) u.add_aliases(a);
  u.set_retired(retired);
}

// Regions as the indicator service publishes them (catalog_import_regions.cc): the province, cities
// with the province as parent, counties with their city, functional zones with the city the office
// files them under.
CatalogReplica SmallReplica() {
  CatalogReplica c;
  AddRegion(c, "36", "江西省", ipb::REGION_KIND_PROVINCE, "");
  AddRegion(c, "3601", "南昌市", ipb::REGION_KIND_CITY, "36");
  AddRegion(c, "3611", "上饶市", ipb::REGION_KIND_CITY, "36");
  AddRegion(c, "360102", "东湖区", ipb::REGION_KIND_COUNTY, "3601");
  AddRegion(c, "3601Z1", "赣江新区", ipb::REGION_KIND_FUNCTIONAL_ZONE, "3601");
  AddRegion(c, "361102", "信州区", ipb::REGION_KIND_COUNTY, "3611");
  AddRegion(c, "361181", "德兴市", ipb::REGION_KIND_COUNTY, "3611");
  AddRegion(c, "361199", "旧县", ipb::REGION_KIND_COUNTY, "3611", /*retired=*/true);
  AddRegion(c, "3611Z1", "上饶经济技术开发区", ipb::REGION_KIND_FUNCTIONAL_ZONE, "3611");

  AddUnit(c, "市住房和城乡建设局", {"市住建局"});
  AddUnit(c, "市商务局", {});
  AddUnit(c, "上饶海关", {});
  AddUnit(c, "市旧局", {"旧局"}, /*retired=*/true);

  ipb::Indicator& i12 = AddIndicator(c, "I12", "跨境贸易", "郭峰");
  auto* commerce = i12.add_units();
  commerce->set_unit("市商务局");
  commerce->set_head("陈文宏");
  auto* customs = i12.add_units();
  customs->set_unit("上饶海关");
  customs->set_head("陈婷");
  AddIndicator(c, "I03", "办理建筑许可", "李茂荣").add_units()->set_unit("市住建局");  // no head named
  AddIndicator(c, "I99", "旧指标", "退休者", /*retired=*/true).add_units()->set_unit("市旧局");

  ipb::Leader& l = c.leaders["郭峰"];
  l.set_name("郭峰");
  l.add_roles("lead");
  return c;
}

TEST(CatalogViewFromTest, UnitsKeepTheirAliasesAndRetirementInNameOrder) {
  const CatalogView view = CatalogViewFrom(SmallReplica());
  ASSERT_EQ(view.units.size(), 4u);
  std::vector<std::string> names;
  for (const auto& u : view.units) names.push_back(u.name);
  EXPECT_EQ(names, (std::vector<std::string>{"上饶海关", "市住房和城乡建设局", "市商务局", "市旧局"}));
  EXPECT_THAT(view.units[1].aliases, ElementsAre("市住建局"));
  EXPECT_FALSE(view.units[1].retired);
  EXPECT_THAT(view.units[3].aliases, ElementsAre("旧局"));
  EXPECT_TRUE(view.units[3].retired);
}

TEST(CatalogViewFromTest, IndicatorsCarryTheLeadAndEachUnitWithItsHead) {
  const CatalogView view = CatalogViewFrom(SmallReplica());
  ASSERT_EQ(view.indicators.size(), 3u);
  const CatalogView::Indicator& i03 = view.indicators[0];
  EXPECT_EQ(i03.code, "I03");
  EXPECT_EQ(i03.lead, "李茂荣");
  ASSERT_EQ(i03.units.size(), 1u);
  EXPECT_EQ(i03.units[0].unit, "市住建局");  // as the catalog wrote it: DeriveRecipients resolves aliases
  EXPECT_EQ(i03.units[0].head, "");
  EXPECT_FALSE(i03.retired);

  const CatalogView::Indicator& i12 = view.indicators[1];
  EXPECT_EQ(i12.code, "I12");
  EXPECT_EQ(i12.lead, "郭峰");
  ASSERT_EQ(i12.units.size(), 2u);
  EXPECT_EQ(i12.units[0].unit, "市商务局");
  EXPECT_EQ(i12.units[0].head, "陈文宏");
  EXPECT_EQ(i12.units[1].unit, "上饶海关");
  EXPECT_EQ(i12.units[1].head, "陈婷");

  EXPECT_EQ(view.indicators[2].code, "I99");
  EXPECT_TRUE(view.indicators[2].retired);
}

TEST(CatalogViewFromTest, CountiesAreShangraosCountiesAndFunctionalZonesByParent) {
  const CatalogView view = CatalogViewFrom(SmallReplica());
  std::vector<std::string> codes;
  for (const auto& c : view.counties) codes.push_back(c.code);
  // Not the city 3611 itself, not another city's county (360102) or zone (3601Z1).
  EXPECT_EQ(codes, (std::vector<std::string>{"361102", "361181", "361199", "3611Z1"}));
  EXPECT_EQ(view.counties[0].name, "信州区");
  EXPECT_FALSE(view.counties[0].retired);
  EXPECT_TRUE(view.counties[2].retired);
  EXPECT_EQ(view.counties[3].name, "上饶经济技术开发区");
}

TEST(CatalogViewFromTest, TheParentDecidesNotTheCodesPrefix) {
  CatalogReplica c;
  // A zone filed under 南昌市 whose local code happens to start 3611: not Shangrao's.
  AddRegion(c, "3611Z9", "某区", ipb::REGION_KIND_FUNCTIONAL_ZONE, "3601");
  AddRegion(c, "361102", "信州区", ipb::REGION_KIND_COUNTY, "3611");
  const CatalogView view = CatalogViewFrom(c);
  ASSERT_EQ(view.counties.size(), 1u);
  EXPECT_EQ(view.counties[0].code, "361102");
}

TEST(CatalogViewFromTest, TheViewDerivesRecipients) {
  auto recipients = DeriveRecipients(CatalogViewFrom(SmallReplica()));
  ASSERT_TRUE(recipients.ok()) << recipients.status();
  EXPECT_TRUE(recipients->by_id.contains("unit:市住房和城乡建设局"));
  EXPECT_TRUE(recipients->by_id.contains("head:市商务局"));
  EXPECT_TRUE(recipients->by_id.contains("lead:郭峰"));
  EXPECT_TRUE(recipients->by_id.contains("county:361102"));
  EXPECT_TRUE(recipients->by_id.contains("county:3611Z1"));
  EXPECT_FALSE(recipients->by_id.contains("county:361199"));  // retired
  EXPECT_FALSE(recipients->by_id.contains("county:360102"));  // 南昌市's
  EXPECT_FALSE(recipients->by_id.contains("unit:市旧局"));     // retired
}

TEST(CatalogViewFromTest, AnEmptyReplicaIsAnEmptyView) {
  const CatalogView view = CatalogViewFrom(CatalogReplica{});
  EXPECT_TRUE(view.units.empty());
  EXPECT_TRUE(view.indicators.empty());
  EXPECT_TRUE(view.counties.empty());
}

TEST(IndicatorNamesTest, EveryIndicatorByCodeRetiredOnesToo) {
  EXPECT_THAT(IndicatorNames(SmallReplica()),
              ElementsAre(Pair("I03", "办理建筑许可"), Pair("I12", "跨境贸易"), Pair("I99", "旧指标")));
  EXPECT_TRUE(IndicatorNames(CatalogReplica{}).empty());
}

}  // namespace
}  // namespace ys::notify
