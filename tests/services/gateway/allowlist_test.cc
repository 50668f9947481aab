#include "services/gateway/allowlist.h"

#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ys::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

bool Known(const std::string& method) {
  static const std::set<std::string> kMethods = {
      "yingshang.ranking.v1.RankingQuery/GetScorecard",
      "yingshang.rectification.v1.RectificationService/ListCases",
      "yingshang.duty.v1.DutyQuery/GetRoster",
      "yingshang.gateway.v1.UserAdmin/AddUser",
  };
  return kMethods.contains(method);
}

constexpr char kList[] = R"yaml(
methods:
  yingshang.ranking.v1.RankingQuery/GetScorecard: [office, viewer, "unit:*", "county:*", "leader:*"]
  yingshang.rectification.v1.RectificationService/ListCases: [office, "unit:*"]
  yingshang.duty.v1.DutyQuery/GetRoster: [public]
)yaml";

MethodAllowList Parsed(const std::string& yaml = kList) {
  auto list = MethodAllowList::Parse(yaml, Known);
  EXPECT_TRUE(list.ok()) << list.status();
  return list.ok() ? *list : *MethodAllowList::Parse("methods: {}", Known);
}

TEST(MethodAllowList, RolesMatchTheirPatterns) {
  const MethodAllowList list = Parsed();
  EXPECT_TRUE(list.Allows("office", "yingshang.rectification.v1.RectificationService/ListCases"));
  EXPECT_TRUE(list.Allows("unit:市商务局", "yingshang.rectification.v1.RectificationService/ListCases"));
  EXPECT_FALSE(list.Allows("viewer", "yingshang.rectification.v1.RectificationService/ListCases"));
  EXPECT_FALSE(list.Allows("centre", "yingshang.rectification.v1.RectificationService/ListCases"));
  EXPECT_FALSE(list.Allows("unit:", "yingshang.rectification.v1.RectificationService/ListCases"));
  EXPECT_TRUE(list.Allows("county:361102", "yingshang.ranking.v1.RankingQuery/GetScorecard"));
  EXPECT_TRUE(list.Allows("leader:李四", "yingshang.ranking.v1.RankingQuery/GetScorecard"));
  EXPECT_FALSE(list.Allows("centre", "yingshang.ranking.v1.RankingQuery/GetScorecard"));
}

TEST(MethodAllowList, PublicNeedsNoLogin) {
  const MethodAllowList list = Parsed();
  EXPECT_TRUE(list.Allows("", "yingshang.duty.v1.DutyQuery/GetRoster"));
  EXPECT_TRUE(list.Allows("centre", "yingshang.duty.v1.DutyQuery/GetRoster"));
  EXPECT_FALSE(list.Allows("", "yingshang.ranking.v1.RankingQuery/GetScorecard"));
  EXPECT_THAT(list.MethodsFor(""), ElementsAre("yingshang.duty.v1.DutyQuery/GetRoster"));
}

TEST(MethodAllowList, UnlistedMethodRefused) {
  const MethodAllowList list = Parsed();
  // It exists, but the browser may not call it.
  EXPECT_FALSE(list.Allows("office", "yingshang.gateway.v1.UserAdmin/AddUser"));
  EXPECT_FALSE(list.Allows("office", "no.such.Service/Method"));
  EXPECT_FALSE(list.Allows("office", ""));
}

TEST(MethodAllowList, MethodsForARoleSorted) {
  const MethodAllowList list = Parsed();
  EXPECT_THAT(list.MethodsFor("unit:市商务局"),
              ElementsAre("yingshang.duty.v1.DutyQuery/GetRoster", "yingshang.ranking.v1.RankingQuery/GetScorecard",
                          "yingshang.rectification.v1.RectificationService/ListCases"));
  EXPECT_THAT(list.MethodsFor("viewer"),
              ElementsAre("yingshang.duty.v1.DutyQuery/GetRoster", "yingshang.ranking.v1.RankingQuery/GetScorecard"));
  EXPECT_THAT(Parsed("methods: {}").MethodsFor("office"), IsEmpty());
}

TEST(MethodAllowList, UnknownMethodNamesItsKey) {
  auto list = MethodAllowList::Parse(R"yaml(methods:
  yingshang.ranking.v1.RankingQuery/GetScorecard: [office]
  yingshang.ranking.v1.RankingQuery/DropTables: [office]
)yaml",
                                     Known);
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(list.status().message(),
              HasSubstr("methods.yingshang.ranking.v1.RankingQuery/DropTables: no such method (line 3)"));
}

TEST(MethodAllowList, UnknownRoleNamesItsIndex) {
  for (const char* role : {"admin", "unit:市商务局", "gateway", "platform:*", "\"\""}) {
    auto list = MethodAllowList::Parse(
        std::string("methods:\n  yingshang.ranking.v1.RankingQuery/GetScorecard: [office, ") + role + "]\n", Known);
    ASSERT_FALSE(list.ok()) << role;
    EXPECT_THAT(list.status().message(), HasSubstr("methods.yingshang.ranking.v1.RankingQuery/GetScorecard[1]: role"))
        << role;
    EXPECT_THAT(list.status().message(), HasSubstr("office, unit:*, leader:*, county:*, centre, viewer, public"));
  }
}

TEST(MethodAllowList, RefusesBadShapes) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"methods:\n  yingshang.duty.v1.DutyQuery/GetRoster: []\n",
       "methods.yingshang.duty.v1.DutyQuery/GetRoster: must be a non-empty list of roles"},
      {"methods:\n  yingshang.duty.v1.DutyQuery/GetRoster: public\n",
       "methods.yingshang.duty.v1.DutyQuery/GetRoster: must be a non-empty list of roles"},
      {"methods:\n  yingshang.duty.v1.DutyQuery/GetRoster: [[public]]\n",
       "methods.yingshang.duty.v1.DutyQuery/GetRoster[0]: role"},
      {"methods:\n  yingshang.duty.v1.DutyQuery/GetRoster: [public]\n  yingshang.duty.v1.DutyQuery/GetRoster: [office]\n",
       "methods.yingshang.duty.v1.DutyQuery/GetRoster: listed twice"},
      {"method:\n  yingshang.duty.v1.DutyQuery/GetRoster: [public]\n", "method: unknown key"},
      {"methods: [a, b]\n", "methods: must be a mapping"},
      {"", "methods: missing"},
      {"methods: {a: [office}\n", "not valid YAML"},
  };
  for (const auto& [yaml, want] : cases) {
    auto list = MethodAllowList::Parse(yaml, Known);
    ASSERT_FALSE(list.ok()) << yaml;
    EXPECT_EQ(list.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(list.status().message(), HasSubstr(want)) << yaml;
  }
}

}  // namespace
}  // namespace ys::gateway
