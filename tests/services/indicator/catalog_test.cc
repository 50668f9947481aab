#include "services/indicator/catalog.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
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

// --- #12 point 9: the functional zones' codes ------------------------------------------------------

std::map<std::string, std::string> Zones(const Catalog& c) {
  std::map<std::string, std::string> out;
  for (const auto& [code, r] : c.regions) {
    if (r.kind() == pb::REGION_KIND_FUNCTIONAL_ZONE && !r.retired()) out[code] = r.name();
  }
  return out;
}

TEST(CatalogTest, Point12_9_FunctionalZonesHaveTheOfficesLocalCodes) {
  const std::map<std::string, std::string> want = {
      {"3611Z1", "上饶经济技术开发区"}, {"3611Z2", "三清山风景名胜区"}, {"3611Z3", "上饶高铁经济试验区"}};
  const Catalog units = Import({}, ReadCatalogData("units.yaml"));
  EXPECT_EQ(Zones(units), want);  // stated in the office's file
  for (const auto& [code, _] : want) EXPECT_EQ(units.regions.at(code).parent_code(), "3611");
  // The seed's list of names, imported after it, keeps those codes.
  auto seed = ParseCatalogFile(ReadCatalogData("regions.yaml"), units);
  ASSERT_TRUE(seed.ok());
  EXPECT_TRUE(seed->problems.empty());
  EXPECT_EQ(Zones(seed->catalog), want);
  for (const auto& c : DiffCatalog(units, *seed).changes) {
    EXPECT_EQ(c.id().find('Z'), std::string::npos) << c.id() << " " << c.summary();  // no zone touched
  }
  // A catalog that never had the office's file gives the seed's zones the same codes.
  EXPECT_EQ(Zones(Import({}, ReadCatalogData("regions.yaml"))), want);
}

TEST(CatalogTest, Point12_9_ZoneCodesSurviveAReorderedSeedList) {
  const Catalog c = Import(Import({}, ReadCatalogData("units.yaml")), ReadCatalogData("regions.yaml"));
  auto reordered = ParseCatalogFile(
      "shangrao_functional_zones: [上饶高铁经济试验区, 新设功能区, 三清山风景名胜区, 上饶经济技术开发区]\n", c);
  ASSERT_TRUE(reordered.ok());
  EXPECT_TRUE(reordered->problems.empty());
  const auto zones = Zones(reordered->catalog);
  EXPECT_EQ(zones.at("3611Z1"), "上饶经济技术开发区");
  EXPECT_EQ(zones.at("3611Z3"), "上饶高铁经济试验区");
  EXPECT_EQ(zones.at("3611Z4"), "新设功能区");  // a new zone takes the next code never used
  // A zone the seed drops is retired; its code is not given to another.
  auto dropped = ParseCatalogFile("shangrao_functional_zones: [上饶经济技术开发区, 另一新区]\n", c);
  ASSERT_TRUE(dropped.ok());
  EXPECT_TRUE(dropped->catalog.regions.at("3611Z2").retired());
  EXPECT_EQ(Zones(dropped->catalog).at("3611Z4"), "另一新区");
}

TEST(CatalogTest, Point12_9_AZoneCodeIsItsParentsCodeZAndANumber) {
  const auto problems = ProblemPaths(
      "functional_zones:\n"
      "  - {code: \"3611Z1\", name: 上饶经济技术开发区, parent: \"3611\"}\n"
      "  - {code: \"Z2\", name: 三清山风景名胜区, parent: \"3611\"}\n"
      "  - {code: \"361199\", name: 上饶高铁经济试验区, parent: \"3611\"}\n");
  ASSERT_EQ(problems.size(), 2u) << ::testing::PrintToString(problems);
  EXPECT_NE(problems[0].find("functional_zones[1].code: a functional zone's code is its parent's code, Z and a "
                             "number (3611Z1), not 'Z2'"),
            std::string::npos)
      << problems[0];
  EXPECT_NE(problems[1].find("functional_zones[2].code"), std::string::npos) << problems[1];
}

// --- #12 point 11: the 30 tasks of the 五大环境 -------------------------------------------------------

int CountItems(const Catalog& c, pb::ProgrammeItemKind kind) {
  int n = 0;
  for (const auto& [_, i] : c.programme_items) n += i.kind() == kind && !i.retired();
  return n;
}

// The catalog the office has before it loads the tasks: units (with aliases) and the seed catalog.
Catalog UnitsAndSeed() { return Import(Import({}, ReadCatalogData("units.yaml")), ReadCatalogData("catalog.yaml")); }

TEST(CatalogTest, Point12_11_SampleTasksFileLoadsThirtyTasksUnderFiveEnvironments) {
  const Catalog base = UnitsAndSeed();
  auto parsed = ParseCatalogFile(testing::ReadSampleTasks(), base);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  for (const auto& p : parsed->problems) ADD_FAILURE() << p.line() << " " << p.path() << ": " << p.message();
  for (const auto& w : parsed->warnings) ADD_FAILURE() << "warning " << w.path() << ": " << w.message();
  const Catalog& c = parsed->catalog;
  EXPECT_EQ(CountItems(c, pb::PROGRAMME_ITEM_KIND_ENVIRONMENT), 5);
  EXPECT_EQ(CountItems(c, pb::PROGRAMME_ITEM_KIND_ENVIRONMENT_TASK), 30);
  EXPECT_EQ(CountItems(c, pb::PROGRAMME_ITEM_KIND_ACTION), 8);  // the seed's items stay
  for (const auto& [code, item] : c.programme_items) {
    if (item.kind() != pb::PROGRAMME_ITEM_KIND_ENVIRONMENT_TASK && item.kind() != pb::PROGRAMME_ITEM_KIND_ENVIRONMENT) {
      continue;
    }
    EXPECT_EQ(item.provenance(), "SAMPLE") << code;
    EXPECT_EQ(item.name().rfind("【样例】", 0), 0u) << code << " " << item.name();
  }
  const pb::ProgrammeItem& t10 = c.programme_items.at("T10");
  EXPECT_EQ(t10.environment(), "E2");
  EXPECT_EQ(std::vector<std::string>(t10.lead_units().begin(), t10.lead_units().end()),
            (std::vector<std::string>{"市商务局", "上饶海关"}));
  EXPECT_EQ(c.programme_items.at("T08").lead_units(0), "市发展和改革委员会");  // 市发改委, an alias
  EXPECT_EQ(c.programme_items.at("T19").lead_units(0), "国网上饶供电公司");    // 国网电力上饶分公司
  EXPECT_EQ(parsed->counts.at("programme_item"), 35);
  // The same file again changes nothing.
  auto again = ParseCatalogFile(testing::ReadSampleTasks(), c);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(DiffCatalog(c, *again).changes.empty());
}

// Each problem of a tasks file, with its path and line.
std::vector<std::string> LinedProblems(const std::string& yaml, const Catalog& base) {
  auto parsed = ParseCatalogFile(yaml, base);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  std::vector<std::string> out;
  for (const auto& p : parsed->problems) out.push_back(absl::StrCat(p.line(), " ", p.path(), ": ", p.message()));
  return out;
}

TEST(CatalogTest, Point12_11_TaskProblemsNameTheirLine) {
  const Catalog base = UnitsAndSeed();
  const std::string yaml =
      "environments:\n"                                                                              // 1
      "  - {code: E1, name: 政务环境}\n"                                                             // 2
      "environment_tasks:\n"                                                                         // 3
      "  - {code: T01, name: 任务一, environment: E1, lead_units: [市财政局]}\n"                     // 4
      "  - {code: T02, name: 任务二, environment: E1, lead_units: [市不存在局]}\n"                   // 5
      "  - {code: T01, name: 任务三, environment: E1, lead_units: [市财政局]}\n"                     // 6
      "  - {code: T04, name: 任务四, environment: E9, lead_units: [市财政局]}\n"                     // 7
      "  - {code: T05, name: 任务五, environment: E1}\n"                                             // 8
      "  - {code: A1, name: 任务六, environment: E1, lead_units: [市财政局]}\n"                      // 9
      "  - {code: T07, name: 【样例】任务七, environment: E1, lead_units: [市财政局]}\n"             // 10
      "  - {code: T08, name: 任务八, environment: E1, lead_units: [市财政局], provenance: GUESS}\n";  // 11
  const auto problems = LinedProblems(yaml, base);
  const std::vector<std::string> want = {
      "5 environment_tasks[1].lead_units: unknown unit 市不存在局",
      "6 environment_tasks[2].code: duplicate programme_item/T01 (first at environment_tasks[0].code)",
      "7 environment_tasks[3].environment: E9 is not one of the environments (五大环境) of the catalog or this "
      "file: E1 政务环境",
      "8 environment_tasks[4].lead_units: is required",
      "9 environment_tasks[5].code: A1 is already the action 营商环境对标提升行动 of the catalog",
      "10 environment_tasks[6].provenance: a name marked 【样例】 is made up: its provenance is SAMPLE, not OFFICIAL",
      "11 environment_tasks[7].provenance: 'GUESS' is not one of SEED, SRC, DRAFT, OFFICIAL, SAMPLE",
  };  // in the file's order
  ASSERT_EQ(problems.size(), want.size()) << ::testing::PrintToString(problems);
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(problems[i].rfind(want[i], 0), 0u) << "want: " << want[i] << "\ngot:  " << problems[i];
  }
  // An environment of the wrong kind is no 环境: A1 is an action.
  const auto wrong_kind = LinedProblems(
      "environment_tasks:\n  - {code: T01, name: 任务一, environment: A1, lead_units: [市财政局]}\n", base);
  ASSERT_EQ(wrong_kind.size(), 1u) << ::testing::PrintToString(wrong_kind);
  EXPECT_EQ(wrong_kind[0].rfind("2 environment_tasks[0].environment: A1 is not one of the environments", 0), 0u)
      << wrong_kind[0];
}

TEST(CatalogTest, Point12_11_FewerOrMoreThanThirtyTasksIsAWarningNotAProblem) {
  const Catalog base = UnitsAndSeed();
  // The office loads the environments and the first three tasks ...
  auto part = ParseCatalogFile(
      "environments:\n"
      "  - {code: E1, name: 环境一}\n  - {code: E2, name: 环境二}\n  - {code: E3, name: 环境三}\n"
      "  - {code: E4, name: 环境四}\n  - {code: E5, name: 环境五}\n"
      "environment_tasks:\n"
      "  - {code: T01, name: 任务一, environment: E1, lead_units: [市财政局]}\n"
      "  - {code: T02, name: 任务二, environment: E2, lead_units: [市住建局]}\n"
      "  - {code: T03, name: 任务三, environment: E3, lead_units: [市发改委, 市财政局]}\n",
      base);
  ASSERT_TRUE(part.ok());
  EXPECT_TRUE(part->problems.empty()) << part->problems[0].message();
  ASSERT_EQ(part->warnings.size(), 1u);
  EXPECT_EQ(part->warnings[0].path(), "environment_tasks");
  EXPECT_NE(part->warnings[0].message().find("would hold 3 tasks; the plan has 30"), std::string::npos)
      << part->warnings[0].message();
  EXPECT_EQ(part->catalog.programme_items.at("T01").provenance(), "OFFICIAL");  // the default
  // ... then the other 27: the first three stay (nothing is retired by absence), no warning.
  std::string rest = "environment_tasks:\n";
  for (int i = 4; i <= 30; ++i) {
    rest += absl::StrFormat("  - {code: T%02d, name: 任务%d, environment: E%d, lead_units: [市商务局]}\n", i, i,
                            1 + i % 5);
  }
  auto whole = ParseCatalogFile(rest, part->catalog);
  ASSERT_TRUE(whole.ok());
  EXPECT_TRUE(whole->problems.empty());
  EXPECT_TRUE(whole->warnings.empty()) << whole->warnings[0].message();
  EXPECT_EQ(CountItems(whole->catalog, pb::PROGRAMME_ITEM_KIND_ENVIRONMENT_TASK), 30);
  // A 31st task is a warning too; retiring one brings the count back.
  auto more = ParseCatalogFile("environment_tasks:\n  - {code: T31, name: 任务31, environment: E1, lead_units: [市商务局]}\n",
                               whole->catalog);
  ASSERT_TRUE(more.ok());
  EXPECT_TRUE(more->problems.empty());
  ASSERT_EQ(more->warnings.size(), 1u);
  EXPECT_NE(more->warnings[0].message().find("would hold 31 tasks"), std::string::npos);
  auto retired = ParseCatalogFile(
      "environment_tasks:\n  - {code: T30, name: 任务30, environment: E1, lead_units: [市商务局], retired: true}\n",
      more->catalog);
  ASSERT_TRUE(retired.ok());
  EXPECT_TRUE(retired->warnings.empty());
  // Fewer than five environments is a warning; a sixth is a problem (the plan has 五大环境).
  auto four = ParseCatalogFile("environments:\n  - {code: E1, name: 环境一}\n", base);
  ASSERT_TRUE(four.ok());
  EXPECT_TRUE(four->problems.empty());
  EXPECT_EQ(four->warnings.size(), 2u);  // 1 of 5 environments, 0 of 30 tasks
  auto six = ParseCatalogFile("environments:\n  - {code: E6, name: 环境六}\n", whole->catalog);
  ASSERT_TRUE(six.ok());
  ASSERT_EQ(six->problems.size(), 1u);
  EXPECT_NE(six->problems[0].message().find("would hold 6 environments; the plan has 5"), std::string::npos);
  // An environment is retired only with its tasks; retired tasks may keep a retired 环境.
  auto orphaning = ParseCatalogFile("environments:\n  - {code: E5, name: 环境五, retired: true}\n", whole->catalog);
  ASSERT_TRUE(orphaning.ok());
  ASSERT_FALSE(orphaning->problems.empty());
  EXPECT_EQ(orphaning->problems[0].path(), "environments");
  EXPECT_NE(orphaning->problems[0].message().find("E5 is retired, but task T04 of the catalog is still under it"),
            std::string::npos)
      << orphaning->problems[0].message();
  std::string with_tasks = "environments:\n  - {code: E5, name: 环境五, retired: true}\nenvironment_tasks:\n";
  for (int i = 4; i <= 30; i += 5) {
    with_tasks += absl::StrFormat("  - {code: T%02d, name: 任务%d, environment: E5, lead_units: [市商务局], retired: true}\n",
                                  i, i);
  }
  auto both = ParseCatalogFile(with_tasks, whole->catalog);
  ASSERT_TRUE(both.ok());
  EXPECT_TRUE(both->problems.empty()) << both->problems[0].path() << ": " << both->problems[0].message();
  // A file without environments or tasks warns about nothing.
  auto seed = ParseCatalogFile(ReadCatalogData("catalog.yaml"), whole->catalog);
  ASSERT_TRUE(seed.ok());
  EXPECT_TRUE(seed->warnings.empty());
}

TEST(CatalogTest, Point12_11_AProgrammeImportTakesOnlyItsSections) {
  const Catalog base = Import(UnitsAndSeed(), ReadCatalogData("regions.yaml"));
  ImportOptions programme;
  programme.sections = {"environments", "environment_tasks"};
  auto parsed = ParseCatalogFile(ReadCatalogData("regions.yaml") + "\n" + testing::ReadSampleTasks(), base, programme);
  ASSERT_TRUE(parsed.ok());
  std::set<std::string> refused;
  for (const auto& p : parsed->problems) {
    EXPECT_GT(p.line(), 0) << p.path();
    refused.insert(p.path());
  }
  EXPECT_EQ(refused, (std::set<std::string>{"province", "cities", "shangrao_counties", "shangrao_functional_zones",
                                            "jiangxi_counties"}));
  for (const auto& c : DiffCatalog(base, *parsed).changes) EXPECT_EQ(c.entity_type(), "programme_item") << c.id();
  auto tasks = ParseCatalogFile(testing::ReadSampleTasks(), base, programme);
  ASSERT_TRUE(tasks.ok());
  EXPECT_TRUE(tasks->problems.empty());
}

TEST(CatalogTest, Point12_11_TasksExportAndImportBackUnchanged) {
  const Catalog c = Import(UnitsAndSeed(), testing::ReadSampleTasks());
  const std::string exported = ExportCatalogYaml(c, /*include_retired=*/true);
  EXPECT_NE(exported.find("lead_units: [市商务局, 上饶海关]"), std::string::npos);
  auto same = ParseCatalogFile(exported, c);
  ASSERT_TRUE(same.ok());
  for (const auto& p : same->problems) ADD_FAILURE() << p.path() << ": " << p.message();
  EXPECT_TRUE(same->warnings.empty());
  EXPECT_TRUE(DiffCatalog(c, *same).changes.empty());
  const Catalog fresh = Import({}, exported);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(fresh.programme_items.at("T10"),
                                                                 c.programme_items.at("T10")));
}

// --- found by fuzz/catalog_yaml: exports that did not import back ----------------------------------

// Parses `yaml` over `base` (no problems expected), then checks the promise of ExportCatalogYaml that
// fuzz/catalog_yaml keeps: the export imports back over the same catalog without a problem or a change.
void ExpectExportImportsBackUnchanged(const Catalog& base, const std::string& yaml) {
  const Catalog c = Import(base, yaml);
  const std::string exported = ExportCatalogYaml(c, /*include_retired=*/true);
  auto again = ParseCatalogFile(exported, c);
  ASSERT_TRUE(again.ok()) << again.status();
  for (const auto& p : again->problems) ADD_FAILURE() << p.line() << " " << p.path() << ": " << p.message() << "\n" << exported;
  for (const auto& ch : DiffCatalog(c, *again).changes) ADD_FAILURE() << "changed " << ch.id() << ": " << ch.summary();
}

// Found by fuzz/catalog_yaml (fuzz/corpus/catalog_yaml/crash-renamed-unit-keeps-alias): a units list
// that renames a unit and keeps its alias retires the old unit, alias and all; the export then listed
// the alias twice and its import refused it ("alias 市市场监管局 already names ..."). A retired unit's
// alias names nothing, so it does not block the live unit that took it over.
TEST(CatalogTest, ARenamedUnitTakesOverTheAliasOfTheUnitItReplaces) {
  const Catalog base = Import({}, "units:\n  - {name: 市市场监督管理局, aliases: [市市场监管局], high_frequency: true}\n");
  const std::string renamed = "units:\n  - {name: 市市^场监督管理局, aliases: [市市场监管局]}";
  const Catalog c = Import(base, renamed);
  ASSERT_TRUE(c.units.at("市市场监督管理局").retired());
  EXPECT_EQ(c.units.at("市市场监督管理局").aliases_size(), 1);  // the retired record stays as it was
  ASSERT_NE(c.ResolveUnit("市市场监管局"), nullptr);
  EXPECT_EQ(c.ResolveUnit("市市场监管局")->name(), "市市^场监督管理局");
  ExpectExportImportsBackUnchanged(base, renamed);
  // The same when a retired unit's alias became a unit of its own (an indicator defines it).
  const Catalog retired_alias = Import({}, "units:\n  - {name: 甲局, aliases: [乙局], retired: true}\n");
  ExpectExportImportsBackUnchanged(retired_alias, "first_level:\n  - {code: I01, name: a, units: [{unit: 乙局}]}\n");
  // A file may list the retired unit beside its successor, in either order.
  const Catalog both = Import({}, "units:\n  - {name: 甲局, aliases: [甲], retired: true}\n  - {name: 新甲局, aliases: [甲]}\n");
  ASSERT_NE(both.ResolveUnit("甲"), nullptr);
  EXPECT_EQ(both.ResolveUnit("甲")->name(), "新甲局");
  // Two live units still may not share an alias; the problem names its line.
  const auto problems = LinedProblems("units:\n  - {name: 甲局, aliases: [甲]}\n  - {name: 新甲局, aliases: [甲]}\n", {});
  ASSERT_EQ(problems.size(), 1u) << ::testing::PrintToString(problems);
  EXPECT_EQ(problems[0], "3 units[1].aliases: alias 甲 already names 甲局");
}

// Found by fuzz/catalog_yaml (fuzz/corpus/catalog_yaml/crash-valid-from-year-22): "0022-07-01" parsed
// as an ISO date but was stored as "22-07-01", which its export could not import back (and the ranking
// could not read). A year no reporting period has is a slip, reported at its line.
TEST(CatalogTest, AValidityDateOutsideTheProgrammesYearsIsAProblem) {
  const Catalog base = Import({}, "first_level:\n  - {code: I01, name: a}\n");
  const auto problems = LinedProblems(
      "functional_zones:\n  - {code: \"3611Z1\", name: 上饶经济技术开发区, parent: \"3611\"}\n"
      "second_level:\n  - {code: I01-01, name: x, parent: I01, valid_from: \"0022-07-01\"}\n"
      "  - {code: I01-02, name: y, parent: I01,\n     valid_to: 0999-12-31}\n",
      base);
  const std::vector<std::string> want = {
      "4 second_level[0].valid_from: date '0022-07-01': year 22 is not a date of the programme",
      "6 second_level[1].valid_to: date '0999-12-31': year 999 is not a date of the programme",
  };
  ASSERT_EQ(problems.size(), want.size()) << ::testing::PrintToString(problems);
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(problems[i].rfind(want[i], 0), 0u) << "want: " << want[i] << "\ngot:  " << problems[i];
  }
  EXPECT_EQ(ProblemPaths("first_level:\n  - {code: I01, name: a, valid_from: \"0022-07-01\"}\n").size(), 1u);
  // A date of the programme's years is kept, and its export imports back.
  ExpectExportImportsBackUnchanged(base, "second_level:\n  - {code: I01-01, name: x, parent: I01, valid_from: \"2022-07-01\"}\n");
}

}  // namespace
}  // namespace ys::indicator
