#include "services/indicator/catalog.h"

#include <fstream>
#include <sstream>

#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/services/indicator/catalog_data.h"

namespace ys::indicator {
namespace {

using testing::ReadCatalogData;

// Parses `yaml` over `base`, expecting no problems, and returns the merged catalog.
Catalog Import(const Catalog& base, const std::string& yaml) {
  auto parsed = ParseCatalogFile(yaml, base);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  for (const auto& p : parsed->problems) ADD_FAILURE() << p.path() << ": " << p.message();
  return parsed->catalog;
}

std::vector<std::string> ProblemPaths(const std::string& yaml, const Catalog& base = {}) {
  auto parsed = ParseCatalogFile(yaml, base);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  std::vector<std::string> out;
  for (const auto& p : parsed->problems) out.push_back(p.path() + ": " + p.message());
  return out;
}

int Count(const Catalog& c, pb::IndicatorLevel level) {
  int n = 0;
  for (const auto& [_, i] : c.indicators) n += i.level() == level && !i.retired();
  return n;
}

TEST(CatalogTest, SeedCatalogHas18FirstLevelIndicatorsAndTheirUnits) {
  auto parsed = ParseCatalogFile(ReadCatalogData("catalog.yaml"), {});
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->problems.empty());
  const Catalog& c = parsed->catalog;
  EXPECT_EQ(Count(c, pb::INDICATOR_LEVEL_FIRST), 18);
  EXPECT_EQ(Count(c, pb::INDICATOR_LEVEL_SECOND), 40);  // the DRAFT list
  EXPECT_EQ(c.units.size(), 14u);
  EXPECT_EQ(c.indicators.at("I12").units_size(), 2);  // 市商务局 and 上饶海关
  EXPECT_EQ(c.indicators.at("I12").units(1).unit(), "上饶海关");
  EXPECT_EQ(c.indicators.at("I12").units(1).head(), "陈婷");
  EXPECT_EQ(c.indicators.at("I01").lead(), "帕塔尔·胡加买提");
  EXPECT_EQ(c.indicators.at("I03-04").name(), "建筑质量控制指数");
  EXPECT_EQ(c.indicators.at("I03-04").parent_code(), "I03");
  EXPECT_EQ(c.indicators.at("I03-04").provenance(), "DRAFT");
  EXPECT_EQ(c.indicators.at("I03-04").units(0).unit(), "市住建局");  // inherited from I03
  EXPECT_EQ(c.programme_items.size(), 11u);                         // 8 actions + 3 reforms
  ASSERT_EQ(c.targets.size(), 1u);
  EXPECT_EQ(c.targets.begin()->second.floor_rank_at_most(), 6);
  EXPECT_EQ(parsed->counts.at("indicator"), 58);
}

TEST(CatalogTest, SeedRegionsHaveElevenCitiesAndAHundredCounties) {
  Catalog c = Import({}, ReadCatalogData("regions.yaml"));
  int cities = 0, counties = 0, zones = 0;
  for (const auto& [_, r] : c.regions) {
    cities += r.kind() == pb::REGION_KIND_CITY;
    counties += r.kind() == pb::REGION_KIND_COUNTY;
    zones += r.kind() == pb::REGION_KIND_FUNCTIONAL_ZONE;
  }
  EXPECT_EQ(cities, 11);
  EXPECT_EQ(counties, 100);
  EXPECT_EQ(zones, 3);
  EXPECT_EQ(c.regions.at("361102").name(), "信州区");
  EXPECT_EQ(c.regions.at("361102").parent_code(), "3611");
}

TEST(CatalogTest, AliasesResolveToTheCanonicalUnit) {
  Catalog c = Import(Import({}, ReadCatalogData("units.yaml")), ReadCatalogData("catalog.yaml"));
  EXPECT_EQ(c.indicators.at("I03").units(0).unit(), "市住房和城乡建设局");
  EXPECT_EQ(c.indicators.at("I06").units(0).unit(), "国网上饶供电公司");
  ASSERT_NE(c.ResolveUnit("市住建局"), nullptr);
  EXPECT_EQ(c.ResolveUnit("市住建局")->name(), "市住房和城乡建设局");
  EXPECT_EQ(c.ResolveUnit("不存在的局"), nullptr);
  EXPECT_EQ(c.units.size(), 27u);  // no duplicate created for an alias
}

TEST(CatalogTest, ProblemsNameTheirPath) {
  struct Case {
    std::string yaml;
    std::string expect;  // a substring of one problem
  };
  const std::vector<Case> cases = {
      {"first_level:\n  - {code: I01, name: a}\n  - {code: I01, name: b}\n",
       "first_level[1].code: duplicate indicator/I01 (first at first_level[0].code)"},
      {"first_level:\n  - {code: I01, name: a}\nsecond_level:\n  - {code: I99-01, name: x, parent: I99}\n",
       "second_level[0].parent: second-level indicator I99-01 has no first-level parent I99"},
      {"second_level_draft:\n  I42: [x]\n", "second_level_draft.I42: second-level indicator I42-01"},
      {"first_level:\n  - {code: I01, name: a}\nsecond_level:\n"
       "  - {code: I01-01, name: x, parent: I01, units: [{unit: 市不存在局}]}\n",
       "second_level[0].units[0].unit: unknown unit 市不存在局"},
      {"first_level:\n  - {code: I01, name: a, valid_from: 2022-13-01}\n",
       "first_level[0].valid_from: date '2022-13-01' is not an ISO date"},
      {"first_level:\n  - {code: I01, name: a, valid_from: 2022-10-01, valid_to: 2022-09-01}\n",
       "first_level[0].valid_to: is before valid_from"},
      {"first_level:\n  - {name: a}\n", "first_level[0].code: is required"},
      {"cities:\n  - {code: \"361\", name: x}\n", "cities[0]: a city code has 4 digits"},
      {"programme:\n  quarter_targets:\n    - {period: 2022Q5, scope: city_composite, "
       "target_rank_at_most: 3, floor_rank_at_most: 6}\n",
       "programme.quarter_targets[0].period: '2022Q5' is not a period"},
      {"programme:\n  quarter_targets:\n    - {period: 2022Q3, scope: city_composite, "
       "target_rank_at_most: 6, floor_rank_at_most: 3}\n",
       "need 1 <= target_rank_at_most <= floor_rank_at_most"},
      {"units:\n  - {name: 甲局, aliases: [乙]}\n  - {name: 丙局, aliases: [乙]}\n",
       "units[1].aliases: alias 乙 already names 甲局"},
      {"- just a list\n", ": the file must be a mapping"},
  };
  for (const Case& c : cases) {
    const auto problems = ProblemPaths(c.yaml);
    bool found = false;
    for (const auto& p : problems) found |= p.find(c.expect) != std::string::npos;
    EXPECT_TRUE(found) << "expected '" << c.expect << "' for:\n" << c.yaml << "got:\n"
                       << ::testing::PrintToString(problems);
  }
  EXPECT_EQ(ParseCatalogFile("a: [unclosed", {}).status().code(), absl::StatusCode::kInvalidArgument);
}

// Found by fuzz/catalog_yaml: a single value where a section lists mappings made yaml-cpp throw out
// of the parser (ImportCatalog then failed INTERNAL) instead of being a problem of the file.
TEST(CatalogTest, TextTheInputRulesRefuseIsAProblemNotAnEntity) {
  // What the ranking service's replica would dead-letter is refused by the import itself.
  const Catalog base = Import({}, "cities:\n  - {code: \"3611\", name: 上饶市}\n");
  for (const std::string& yaml :
       {std::string("cities:\n  - {code: \"3612\", name: \"上\\0饶\"}\n"),
        std::string("units:\n  - {name: \"市\\x01局\"}\n"),
        std::string("units:\n  - {name: 市局, aliases: [\"a\\tb\"]}\n"),
        "units:\n  - {name: " + std::string(600, 'x') + "}\n"}) {
    auto parsed = ParseCatalogFile(yaml, base);
    ASSERT_TRUE(parsed.ok()) << yaml << parsed.status();
    ASSERT_FALSE(parsed->problems.empty()) << yaml;
    const std::string m = parsed->problems[0].message();
    EXPECT_TRUE(m.find("control character") != std::string::npos || m.find("at most") != std::string::npos) << m;
  }
}

TEST(CatalogTest, ASingleValueWhereAMappingBelongsIsAProblem) {
  const Catalog base = Import({}, "cities:\n  - {code: \"3611\", name: 上饶市}\n");
  for (const std::string yaml : {"shangrao_counties:\n  - 361102\n", "cities: [3611]\n",
                                 "units: [市自然资源局]\n", "first_level: [I01]\n", "programme: 2022\n",
                                 "regions:\n  - city\n"}) {
    auto parsed = ParseCatalogFile(yaml, base);
    ASSERT_TRUE(parsed.ok()) << yaml << parsed.status();
    ASSERT_EQ(parsed->problems.size(), 1u) << yaml;
    EXPECT_NE(parsed->problems[0].path().find("line "), std::string::npos) << parsed->problems[0].path();
    EXPECT_NE(parsed->problems[0].message().find("not the shape"), std::string::npos)
        << parsed->problems[0].message();
    EXPECT_TRUE(DiffCatalog(base, *parsed).changes.empty()) << yaml;  // nothing of the file is taken
  }
}

TEST(CatalogTest, DiffReportsAddedChangedAndRetired) {
  const Catalog empty;
  auto first = ParseCatalogFile(ReadCatalogData("catalog.yaml"), empty);
  ASSERT_TRUE(first.ok());
  CatalogDiff d1 = DiffCatalog(empty, *first);
  EXPECT_EQ(d1.writes.size(), d1.changes.size());
  for (const auto& c : d1.changes) EXPECT_EQ(c.kind(), pb::EntityChange::KIND_ADDED);
  const Catalog current = first->catalog;

  // The same file again changes nothing.
  auto again = ParseCatalogFile(ReadCatalogData("catalog.yaml"), current);
  EXPECT_TRUE(DiffCatalog(current, *again).changes.empty());

  // Rename one indicator and drop another from the file.
  const std::string edited =
      "first_level:\n"
      "  - {code: I01, name: 企业开办和注销, lead: 帕塔尔·胡加买提, units: [{unit: 市市场监管局, head: 张华}]}\n";
  auto changed = ParseCatalogFile(edited, current);
  ASSERT_TRUE(changed.ok());
  std::map<std::string, pb::EntityChange> by_id;
  for (const auto& c : DiffCatalog(current, *changed).changes) by_id[c.id()] = c;
  ASSERT_TRUE(by_id.contains("I01"));
  EXPECT_EQ(by_id["I01"].kind(), pb::EntityChange::KIND_CHANGED);
  EXPECT_EQ(by_id["I01"].summary(), "name: 开办企业 → 企业开办和注销");
  ASSERT_TRUE(by_id.contains("I02"));
  EXPECT_EQ(by_id["I02"].kind(), pb::EntityChange::KIND_RETIRED);
  // Second-level indicators are not in that file's scope: untouched.
  EXPECT_FALSE(by_id.contains("I01-01"));

  // A regions-only file does not retire indicators.
  auto regions = ParseCatalogFile(ReadCatalogData("regions.yaml"), current);
  for (const auto& c : DiffCatalog(current, *regions).changes) {
    EXPECT_EQ(c.entity_type(), "region");
  }
}

TEST(CatalogTest, ExportThenImportIsLossless) {
  Catalog c = Import(Import(Import({}, ReadCatalogData("units.yaml")), ReadCatalogData("regions.yaml")),
                     ReadCatalogData("catalog.yaml"));
  const std::string exported = ExportCatalogYaml(c, /*include_retired=*/true);
  EXPECT_NE(exported.find("开办企业"), std::string::npos);  // UTF-8 as is, not escaped
  // Over the same catalog: no change.
  auto same = ParseCatalogFile(exported, c);
  ASSERT_TRUE(same.ok());
  EXPECT_TRUE(same->problems.empty());
  EXPECT_TRUE(DiffCatalog(c, *same).changes.empty());
  // Into an empty catalog: the same entities.
  Catalog fresh = Import({}, exported);
  const auto a = c.Entities();
  const auto b = fresh.Entities();
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [key, e] : a) {
    ASSERT_TRUE(b.contains(key)) << key;
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(e, b.at(key))) << key;
  }
}

}  // namespace
}  // namespace ys::indicator
