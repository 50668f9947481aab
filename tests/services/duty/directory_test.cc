#include "services/duty/directory.h"

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ys::duty {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string ReadRepoFile(const std::string& path) {
  std::ifstream in(std::string(YS_SOURCE_DIR) + "/" + path);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// A small catalog: two 表3 units (one with an alias) and one that is not in 表3.
constexpr char kUnitsYaml[] = R"(units:
  - {name: 市自然资源局, high_frequency: true}
  - {name: 市住房和城乡建设局, aliases: [市住建局], high_frequency: true}
  - {name: 市财政局}
)";

class DirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto units = UnitDirectory::FromYaml(kUnitsYaml);
    ASSERT_TRUE(units.ok()) << units.status();
    units_ = *units;
    auto hf = HighFrequencyFromUnitsYaml(kUnitsYaml);
    ASSERT_TRUE(hf.ok()) << hf.status();
    high_frequency_ = *hf;
  }

  absl::StatusOr<pb::Directory> Parse(const std::string& yaml) {
    return ParseDirectoryYaml(yaml, "test.yaml", units_, high_frequency_);
  }

  UnitDirectory units_;
  HighFrequencyUnits high_frequency_;
};

TEST_F(DirectoryTest, HighFrequencyFromUnitsYamlTakesTheFlaggedUnitsOnly) {
  EXPECT_THAT(high_frequency_.names, ElementsAre("市自然资源局", "市住房和城乡建设局"));
  EXPECT_TRUE(high_frequency_.Contains("市自然资源局"));
  EXPECT_FALSE(high_frequency_.Contains("市财政局"));
  EXPECT_FALSE(high_frequency_.Contains("市住建局"));  // the canonical name only
}

TEST_F(DirectoryTest, HighFrequencyFromUnitsYamlRefusesAFileWithoutUnitsOrWithABadFlag) {
  EXPECT_EQ(HighFrequencyFromUnitsYaml("regions: []").status().code(), absl::StatusCode::kInvalidArgument);
  auto bad = HighFrequencyFromUnitsYaml("units:\n  - {name: 市水利局, high_frequency: maybe}\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("line 2: units[0].high_frequency: must be true or false"));
  EXPECT_EQ(HighFrequencyFromUnitsYaml("units: [").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(DirectoryTest, CatalogUnitsFileFlagsTheTwentyUnitsOfTable3) {
  auto hf = HighFrequencyFromUnitsYaml(ReadRepoFile("data/catalog/units.yaml"));
  ASSERT_TRUE(hf.ok()) << hf.status();
  EXPECT_EQ(hf->names.size(), 20u);
  EXPECT_TRUE(hf->Contains("国网上饶供电公司"));
  EXPECT_FALSE(hf->Contains("市商务局"));
}

TEST_F(DirectoryTest, ParsesUnitsWindowsAndLeadersUnderTheCanonicalName) {
  auto d = Parse(R"(units:
  - unit: 市住建局
    windows: [{code: A03, name: 住建综合窗口}, {code: A04, name: 施工许可窗口}]
    leaders:
      - {id: zjj-main, name: 李某, title: 局长, role: main}
      - {id: zjj-deputy, name: 周某, title: 副局长, role: deputy}
      - {id: zjj-chief, name: 吴某, title: 行政审批科科长, role: approval_chief}
  - unit: 市财政局
    windows: [{code: B02, name: 财政窗口}]
)");
  ASSERT_TRUE(d.ok()) << d.status();
  ASSERT_EQ(d->units_size(), 2);
  const pb::ResidentUnit& u = d->units(0);
  EXPECT_EQ(u.name(), "市住房和城乡建设局");
  EXPECT_TRUE(u.high_frequency());  // from the units file's 表3 flag
  ASSERT_EQ(u.windows_size(), 2);
  EXPECT_EQ(u.windows(1).code(), "A04");
  EXPECT_EQ(u.windows(1).name(), "施工许可窗口");
  ASSERT_EQ(u.leaders_size(), 3);
  EXPECT_EQ(u.leaders(0).id(), "zjj-main");
  EXPECT_EQ(u.leaders(0).name(), "李某");
  EXPECT_EQ(u.leaders(0).title(), "局长");
  EXPECT_EQ(u.leaders(0).role(), pb::LEADER_ROLE_MAIN);
  EXPECT_EQ(u.leaders(1).role(), pb::LEADER_ROLE_DEPUTY);
  EXPECT_EQ(u.leaders(2).role(), pb::LEADER_ROLE_APPROVAL_CHIEF);
  EXPECT_EQ(d->units(1).name(), "市财政局");
  EXPECT_FALSE(d->units(1).high_frequency());
  EXPECT_EQ(d->units(1).leaders_size(), 0);
  EXPECT_EQ(d->version(), 0);
}

TEST_F(DirectoryTest, UnknownUnitIsRefusedNamingFileEntryAndName) {
  auto d = Parse(R"(units:
  - unit: 市自然资源局
    windows: [{code: A01, name: 自然资源综合窗口}]
  - unit: 市不存在局
    windows: [{code: A02, name: 某窗口}]
)");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(d.status().message(), HasSubstr("test.yaml line 4: units[1].unit: unknown unit 市不存在局"));
}

TEST_F(DirectoryTest, WithoutACatalogUnitNamesAreTakenAsWritten) {
  auto d = ParseDirectoryYaml("units:\n  - {unit: 市某局, windows: [{code: C01, name: 某窗口}]}\n", "x.yaml",
                              UnitDirectory(), HighFrequencyUnits{});
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->units(0).name(), "市某局");
  EXPECT_FALSE(d->units(0).high_frequency());
}

TEST_F(DirectoryTest, HighFrequencyMustAgreeWithTable3) {
  auto says_false = Parse(R"(units:
  - unit: 市自然资源局
    high_frequency: false
    windows: [{code: A01, name: 自然资源综合窗口}]
)");
  ASSERT_FALSE(says_false.ok());
  EXPECT_THAT(says_false.status().message(),
              HasSubstr("test.yaml line 3: units[0].high_frequency: false, but 表3 \"市政务服务中心高频事项进驻单位\" "
                        "lists 市自然资源局"));

  auto says_true = Parse(R"(units:
  - unit: 市财政局
    high_frequency: true
    windows: [{code: B02, name: 财政窗口}]
)");
  ASSERT_FALSE(says_true.ok());
  EXPECT_THAT(says_true.status().message(),
              HasSubstr("units[0].high_frequency: true, but 市财政局 is not in 表3 \"市政务服务中心高频事项进驻单位\""));

  auto agrees = Parse(R"(units:
  - {unit: 市自然资源局, high_frequency: true, windows: [{code: A01, name: 自然资源综合窗口}]}
  - {unit: 市财政局, high_frequency: false, windows: [{code: B02, name: 财政窗口}]}
)");
  ASSERT_TRUE(agrees.ok()) << agrees.status();
  EXPECT_TRUE(agrees->units(0).high_frequency());
  EXPECT_FALSE(agrees->units(1).high_frequency());
}

TEST_F(DirectoryTest, WindowCodesAreUniqueAcrossTheFile) {
  auto d = Parse(R"(units:
  - unit: 市自然资源局
    windows: [{code: A01, name: 自然资源综合窗口}]
  - unit: 市财政局
    windows: [{code: A01, name: 财政窗口}]
)");
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(d.status().message(),
              HasSubstr("line 5: units[1].windows[0].code: window A01 is already units[0].windows[0] (市自然资源局)"));
}

TEST_F(DirectoryTest, LeaderIdsAreUniqueAcrossTheFile) {
  auto d = Parse(R"(units:
  - unit: 市自然资源局
    windows: [{code: A01, name: 自然资源综合窗口}]
    leaders: [{id: x-main, name: 赵某, title: 局长, role: main}]
  - unit: 市财政局
    windows: [{code: B02, name: 财政窗口}]
    leaders: [{id: x-main, name: 史某, title: 局长, role: main}]
)");
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(d.status().message(),
              HasSubstr("line 7: units[1].leaders[0].id: leader id x-main is already units[0].leaders[0] (市自然资源局)"));
}

TEST_F(DirectoryTest, AUnitHasAtMostOneMainLeader) {
  auto d = Parse(R"(units:
  - unit: 市自然资源局
    windows: [{code: A01, name: 自然资源综合窗口}]
    leaders:
      - {id: a, name: 赵某, title: 局长, role: main}
      - {id: b, name: 钱某, title: 党组书记, role: main}
)");
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(d.status().message(),
              HasSubstr("units[0].leaders[1].role: 市自然资源局 already has its main leader (主要领导) at "
                        "units[0].leaders[0]"));
}

TEST_F(DirectoryTest, AUnitHasAtMostOneDeputy) {
  // 细则 二2 "高频事项的部门分管领导": the unit's deputy in charge of its high-frequency matters, one.
  auto d = Parse(R"(units:
  - unit: 市自然资源局
    windows: [{code: A01, name: 自然资源综合窗口}]
    leaders:
      - {id: zrzy-deputy, name: 钱某, title: 副局长, role: deputy}
      - {id: zrzy-main, name: 赵某, title: 局长, role: main}
      - {id: zrzy-deputy2, name: 孙某, title: 副局长, role: deputy}
)");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(d.status().message(),
              HasSubstr("test.yaml line 7: units[0].leaders[2].role: 市自然资源局 already has its deputy (分管领导) "
                        "zrzy-deputy at units[0].leaders[0]; zrzy-deputy2 would be a second"));
  // One deputy in each of two units is fine.
  auto two_units = Parse(R"(units:
  - unit: 市自然资源局
    windows: [{code: A01, name: 自然资源综合窗口}]
    leaders: [{id: a-deputy, name: 钱某, title: 副局长, role: deputy}]
  - unit: 市住建局
    windows: [{code: A03, name: 住建综合窗口}]
    leaders: [{id: b-deputy, name: 孙某, title: 副局长, role: deputy}]
)");
  EXPECT_TRUE(two_units.ok()) << two_units.status();
}

TEST_F(DirectoryTest, AUnitListedTwiceEvenByAliasIsRefused) {
  auto d = Parse(R"(units:
  - {unit: 市住房和城乡建设局, windows: [{code: A03, name: 住建综合窗口}]}
  - {unit: 市住建局, windows: [{code: A04, name: 施工许可窗口}]}
)");
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(d.status().message(),
              HasSubstr("test.yaml line 3: units[1].unit: 市住房和城乡建设局 is listed twice (first at units[0])"));
}

TEST_F(DirectoryTest, EachLeaderFieldIsCheckedAndNamed) {
  struct Case {
    std::string leader;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"{id: a, name: 赵某, title: 局长, role: boss}",
       "units[0].leaders[0].role: 'boss' is not a role: main (主要领导), deputy (分管领导) or approval_chief"},
      {"{id: a, name: 赵某, role: main}", "units[0].leaders[0].title: is required"},
      {"{id: a, name: '', title: 局长, role: main}", "units[0].leaders[0].name: must not be empty"},
      {"{name: 赵某, title: 局长, role: main}", "units[0].leaders[0].id: is required"},
      {"{id: a, name: 赵某, title: 局长, role: main, phone: 123}",
       "units[0].leaders[0]: unknown key 'phone' (expected id, name, title, role)"},
      {"{id: a, name: [赵某], title: 局长, role: main}", "units[0].leaders[0].name: must be a single value"},
  };
  for (const Case& c : cases) {
    auto d = Parse("units:\n  - unit: 市自然资源局\n    windows: [{code: A01, name: 自然资源综合窗口}]\n"
                   "    leaders:\n      - " +
                   c.leader + "\n");
    ASSERT_FALSE(d.ok()) << c.leader;
    EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(d.status().message(), HasSubstr("test.yaml line 5: " + c.want)) << c.leader;
  }
}

TEST_F(DirectoryTest, AUnitNeedsAWindowAndKnownKeys) {
  auto no_window = Parse("units:\n  - unit: 市财政局\n");
  ASSERT_FALSE(no_window.ok());
  EXPECT_THAT(no_window.status().message(), HasSubstr("units[0].windows: is required"));
  auto typo = Parse("units:\n  - {unit: 市财政局, hight_frequency: true, windows: [{code: B02, name: 财政窗口}]}\n");
  ASSERT_FALSE(typo.ok());
  EXPECT_THAT(typo.status().message(), HasSubstr("units[0]: unknown key 'hight_frequency'"));
}

TEST_F(DirectoryTest, BadYamlAndBadShapesAreInvalidArgumentWithTheLine) {
  auto bad = Parse("units:\n  - unit: [市财政局\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("test.yaml line 3"));
  EXPECT_THAT(bad.status().message(), HasSubstr("not valid YAML"));

  EXPECT_THAT(Parse("- a\n- b\n").status().message(), HasSubstr("test.yaml line 1: the file must be a mapping"));
  EXPECT_THAT(Parse("units: 3\n").status().message(), HasSubstr("test.yaml line 1: units: must be a list"));
  EXPECT_THAT(Parse("units: [市财政局]\n").status().message(), HasSubstr("line 1: units[0]: must be a mapping"));
}

TEST_F(DirectoryTest, SampleDirectoryHasTheTwentyTable3UnitsAndThreeOthers) {
  auto units = UnitDirectory::FromYaml(ReadRepoFile("data/catalog/units.yaml"));
  ASSERT_TRUE(units.ok()) << units.status();
  auto hf = HighFrequencyFromUnitsYaml(ReadRepoFile("data/catalog/units.yaml"));
  ASSERT_TRUE(hf.ok()) << hf.status();
  auto d = ParseDirectoryYaml(ReadRepoFile("data/duty/directory.sample.yaml"), "data/duty/directory.sample.yaml",
                              *units, *hf);
  ASSERT_TRUE(d.ok()) << d.status();
  ASSERT_EQ(d->units_size(), 23);
  std::set<std::string> table3;
  std::set<std::string> leader_names;
  int leaders = 0;
  for (const pb::ResidentUnit& u : d->units()) {
    int main = 0, deputy = 0, chief = 0;
    for (const pb::Leader& l : u.leaders()) {
      main += l.role() == pb::LEADER_ROLE_MAIN;
      deputy += l.role() == pb::LEADER_ROLE_DEPUTY;
      chief += l.role() == pb::LEADER_ROLE_APPROVAL_CHIEF;
      leader_names.insert(l.name());
      ++leaders;
    }
    EXPECT_EQ(main, 1) << u.name();
    EXPECT_EQ(chief, 1) << u.name();
    EXPECT_EQ(deputy, u.high_frequency() ? 1 : 0) << u.name();
    EXPECT_GE(u.windows_size(), 1) << u.name();
    EXPECT_LE(u.windows_size(), 2) << u.name();
    if (u.high_frequency()) table3.insert(u.name());
  }
  EXPECT_EQ(table3, std::set<std::string>(hf->names.begin(), hf->names.end()));
  EXPECT_EQ(leader_names.size(), static_cast<size_t>(leaders));  // a name finds one leader
  // Written by their aliases, stored under the catalog's names.
  EXPECT_EQ(d->units(1).name(), "市住房和城乡建设局");
  EXPECT_EQ(d->units(18).name(), "国网上饶供电公司");
  EXPECT_EQ(d->units(20).name(), "市商务局");
  EXPECT_FALSE(d->units(20).high_frequency());
}

TEST_F(DirectoryTest, SampleMonthDirectoryHasThreeTable3Units) {
  // The sample month's units are all 表3, so every rule (细则 二1 and 二2 bind 表3 only) is judged.
  auto units = UnitDirectory::FromYaml(ReadRepoFile("data/catalog/units.yaml"));
  ASSERT_TRUE(units.ok()) << units.status();
  auto hf = HighFrequencyFromUnitsYaml(ReadRepoFile("data/catalog/units.yaml"));
  ASSERT_TRUE(hf.ok()) << hf.status();
  auto d = ParseDirectoryYaml(ReadRepoFile("data/duty/sample-2022-10/directory.yaml"),
                              "data/duty/sample-2022-10/directory.yaml", *units, *hf);
  ASSERT_TRUE(d.ok()) << d.status();
  std::vector<std::string> names;
  std::vector<std::string> ids;
  for (const pb::ResidentUnit& u : d->units()) {
    names.push_back(u.name());
    EXPECT_TRUE(u.high_frequency()) << u.name();
    for (const pb::Leader& l : u.leaders()) ids.push_back(l.id());
  }
  EXPECT_THAT(names, ElementsAre("市自然资源局", "市住房和城乡建设局", "市市场监督管理局"));
  EXPECT_THAT(ids, ElementsAre("s-zrzy-main", "s-zrzy-deputy", "s-zrzy-chief", "s-zj-main", "s-zj-deputy",
                               "s-zj-chief", "s-scjg-main", "s-scjg-deputy", "s-scjg-chief"));
  const pb::ResidentUnit& scjg = d->units(2);
  ASSERT_EQ(scjg.windows_size(), 1);
  EXPECT_EQ(scjg.windows(0).code(), "C02");
  EXPECT_EQ(scjg.windows(0).name(), "企业开办窗口");
  EXPECT_EQ(scjg.leaders(0).name(), "褚示例");
  EXPECT_EQ(scjg.leaders(1).name(), "卫示例");
  EXPECT_EQ(scjg.leaders(2).name(), "蒋示例");
}

TEST_F(DirectoryTest, DiffListsAddedRemovedAndChangedUnitsWindowsAndLeaders) {
  auto before = Parse(R"(units:
  - unit: 市自然资源局
    windows: [{code: A01, name: 自然资源综合窗口}, {code: A02, name: 规划许可窗口}]
    leaders:
      - {id: zrzy-main, name: 赵某, title: 局长, role: main}
      - {id: zrzy-deputy, name: 钱某, title: 副局长, role: deputy}
  - unit: 市财政局
    windows: [{code: B02, name: 财政窗口}]
)");
  auto after = Parse(R"(units:
  - unit: 市自然资源局
    windows: [{code: A01, name: 自然资源登记窗口}, {code: A05, name: 测绘窗口}]
    leaders:
      - {id: zrzy-main, name: 赵某, title: 党组书记、局长, role: main}
      - {id: zrzy-chief, name: 孙某, title: 行政审批科科长, role: approval_chief}
  - unit: 市住建局
    windows: [{code: A03, name: 住建综合窗口}]
)");
  ASSERT_TRUE(before.ok()) << before.status();
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_THAT(DiffDirectories(*before, *after),
              ElementsAre("+ unit 市住房和城乡建设局", "- unit 市财政局",
                          "~ window A01 名称 自然资源综合窗口 -> 自然资源登记窗口",
                          "+ window A05 测绘窗口 (市自然资源局)", "+ window A03 住建综合窗口 (市住房和城乡建设局)",
                          "- window A02 规划许可窗口 (市自然资源局)", "- window B02 财政窗口 (市财政局)",
                          "~ leader zrzy-main 职务 局长 -> 党组书记、局长",
                          "+ leader zrzy-chief 孙某 行政审批科科长 行政审批科长 (市自然资源局)",
                          "- leader zrzy-deputy 钱某 (市自然资源局)"));
  EXPECT_TRUE(DiffDirectories(*after, *after).empty());
}

TEST_F(DirectoryTest, DiffShowsALeaderMovingUnitOrRoleAndATable3Change) {
  pb::Directory before;
  pb::ResidentUnit* a = before.add_units();
  a->set_name("市甲局");
  pb::Leader* l = a->add_leaders();
  l->set_id("p1");
  l->set_name("赵某");
  l->set_title("副局长");
  l->set_role(pb::LEADER_ROLE_DEPUTY);
  pb::Directory after = before;
  after.mutable_units(0)->set_high_frequency(true);
  after.mutable_units(0)->clear_leaders();
  pb::ResidentUnit* b = after.add_units();
  b->set_name("市乙局");
  *b->add_leaders() = *l;
  b->mutable_leaders(0)->set_role(pb::LEADER_ROLE_MAIN);
  EXPECT_THAT(DiffDirectories(before, after),
              ElementsAre("~ unit 市甲局 表3 否 -> 是", "+ unit 市乙局", "~ leader p1 角色 分管领导 -> 主要领导",
                          "~ leader p1 单位 市甲局 -> 市乙局"));
}

TEST(DirectoryNamesTest, RoleAndSessionNamesAreTheFormsWords) {
  EXPECT_EQ(LeaderRoleName(pb::LEADER_ROLE_MAIN), "主要领导");
  EXPECT_EQ(LeaderRoleName(pb::LEADER_ROLE_DEPUTY), "分管领导");
  EXPECT_EQ(LeaderRoleName(pb::LEADER_ROLE_APPROVAL_CHIEF), "行政审批科长");
  EXPECT_EQ(LeaderRoleName(pb::LEADER_ROLE_UNSPECIFIED), "未指定");
  EXPECT_EQ(SessionName(pb::SESSION_MORNING), "上午");
  EXPECT_EQ(SessionName(pb::SESSION_AFTERNOON), "下午");
  EXPECT_EQ(SessionName(pb::SESSION_WHOLE_DAY), "全天");
  EXPECT_EQ(SessionName(pb::SESSION_UNSPECIFIED), "未指定");
}

}  // namespace
}  // namespace ys::duty
