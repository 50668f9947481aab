// Issue #12 point 11 (ranking): the facts the office expects each period include the second-level
// indicators the catalog holds, valid in the period and not retired.
#include <set>
#include <string>
#include <tuple>

#include "gtest/gtest.h"
#include "services/ranking/query_service.h"

namespace ys::ranking {
namespace {

CatalogReplica Replica() {
  CatalogReplica c;
  auto add_indicator = [&](const std::string& code, ipb::IndicatorLevel level) -> ipb::Indicator& {
    ipb::Indicator& i = c.indicators[code];
    i.set_code(code);
    i.set_name(code);
    i.set_level(level);
    return i;
  };
  add_indicator("C00", ipb::INDICATOR_LEVEL_COMPOSITE);
  add_indicator("I01", ipb::INDICATOR_LEVEL_FIRST);
  add_indicator("I02", ipb::INDICATOR_LEVEL_FIRST).set_valid_to("2022-06-30");  // ended before Q3
  add_indicator("I01-01", ipb::INDICATOR_LEVEL_SECOND).set_parent_code("I01");
  add_indicator("I01-02", ipb::INDICATOR_LEVEL_SECOND).set_parent_code("I01");
  add_indicator("I01-03", ipb::INDICATOR_LEVEL_SECOND).set_retired(true);
  add_indicator("I01-04", ipb::INDICATOR_LEVEL_SECOND).set_valid_from("2022-10-01");
  auto add_region = [&](const std::string& code, ipb::RegionKind kind, const std::string& parent) {
    ipb::Region& r = c.regions[code];
    r.set_code(code);
    r.set_kind(kind);
    r.set_parent_code(parent);
  };
  add_region("3611", ipb::REGION_KIND_CITY, "36");
  add_region("361102", ipb::REGION_KIND_COUNTY, "3611");
  add_region("3601", ipb::REGION_KIND_CITY, "36");
  return c;
}

TEST(CompletenessTest, Point12_11_SecondLevelIndicatorsValidInThePeriodAreExpected) {
  const std::set<std::string> arrived = {"C00/3611", "I01/3611", "I01-01/3611", "I01-01/361102",
                                         "I01-01/3601"};
  const pb::Completeness c = BuildCompleteness("2022-09", Replica(), "3611", "C00", arrived);
  // 2 regions × (C00, I01, I01-01, I01-02): I02 ended, I01-03 retired, I01-04 not yet valid.
  EXPECT_EQ(c.expected(), 8);
  EXPECT_EQ(c.arrived(), 4);
  EXPECT_EQ(c.expected_second_level(), 4);
  EXPECT_EQ(c.arrived_second_level(), 2);
  ASSERT_EQ(c.missing_size(), 4);
  std::set<std::tuple<std::string, std::string, int>> missing;
  for (const auto& m : c.missing()) missing.insert({m.indicator_code(), m.region_code(), m.level()});
  EXPECT_EQ(missing, (std::set<std::tuple<std::string, std::string, int>>{
                         {"C00", "361102", 0}, {"I01", "361102", 1}, {"I01-02", "3611", 2},
                         {"I01-02", "361102", 2}}));
  // In the fourth quarter I01-04 is valid: two more expected.
  const pb::Completeness q4 = BuildCompleteness("2022-10", Replica(), "3611", "C00", arrived);
  EXPECT_EQ(q4.expected_second_level(), 6);
  // In the first half I02 still counts (first level, not second).
  const pb::Completeness h1 = BuildCompleteness("2022-03", Replica(), "3611", "C00", arrived);
  EXPECT_EQ(h1.expected(), 10);
  EXPECT_EQ(h1.expected_second_level(), 4);
}

}  // namespace
}  // namespace ys::ranking
