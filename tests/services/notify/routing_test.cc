#include "services/notify/routing.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/notify/labels.h"

namespace ys::notify {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

// The brief's example (line numbers below count from "route:" as line 1).
constexpr char kExample[] = R"yaml(route:
  receivers: [office]
  group_by: [event_type, unit]
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 4h
  routes:
    - matchers: ["event_type=ranking_alert", "severity=critical"]
      receivers: ["unit:{{unit}}", "head:{{unit}}", "lead:{{lead}}"]
      continue: true
    - matchers: ["event_type=duty_roster_published"]
      receivers: [政务网站, 微信公众号, 大厅显示屏]
      group_wait: 1m
)yaml";

RouteTree Parse(const std::string& yaml) {
  auto tree = ParseRouteTree(yaml);
  EXPECT_TRUE(tree.ok()) << tree.status();
  return tree.ok() ? *tree : RouteTree{};
}

std::vector<std::string> Paths(const std::vector<RouteMatch>& matches) {
  std::vector<std::string> out;
  for (const RouteMatch& m : matches) out.push_back(m.path);
  return out;
}

std::string ErrorOf(const std::string& yaml) {
  auto tree = ParseRouteTree(yaml);
  EXPECT_FALSE(tree.ok()) << "parsed:\n" << yaml;
  EXPECT_EQ(tree.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(tree.status().message());
}

// --- matchers (labels.h) -----------------------------------------------------------------------

TEST(MatcherTest, ParsesTheFourOperators) {
  auto eq = ParseMatcher("unit=市商务局");
  ASSERT_TRUE(eq.ok()) << eq.status();
  EXPECT_EQ(eq->name, "unit");
  EXPECT_EQ(eq->op, Matcher::Op::kEqual);
  EXPECT_EQ(eq->value, "市商务局");
  EXPECT_EQ(ParseMatcher("severity!=info")->op, Matcher::Op::kNotEqual);
  EXPECT_EQ(ParseMatcher("indicator=~I0[1-3]")->op, Matcher::Op::kRegex);
  auto nre = ParseMatcher(" county !~ 3611.* ");
  ASSERT_TRUE(nre.ok()) << nre.status();
  EXPECT_EQ(nre->op, Matcher::Op::kNotRegex);
  EXPECT_EQ(nre->name, "county");
  EXPECT_EQ(nre->value, "3611.*");
  // Alertmanager's quoted form, with an escaped quote inside.
  auto quoted = ParseMatcher(R"(comment="say \"hi\"")");
  ASSERT_TRUE(quoted.ok()) << quoted.status();
  EXPECT_EQ(quoted->value, R"(say "hi")");
}

TEST(MatcherTest, RefusesWhatIsNotAMatcher) {
  for (const char* text : {"", "=x", "unit", "unit~x", "1unit=x", "unit=~I0[", R"(unit="open)"}) {
    auto m = ParseMatcher(text);
    EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument) << text;
  }
  EXPECT_THAT(ParseMatcher("unit=~I0[").status().message(), HasSubstr("unit=~I0["));
}

TEST(MatcherTest, RegexIsAnchoredAndAMissingLabelIsEmpty) {
  const Labels i011 = {{"indicator", "I011"}};
  const Labels i02 = {{"indicator", "I02"}};
  const Matcher re = *ParseMatcher("indicator=~I0[1-3]");
  EXPECT_TRUE(re.Matches(i02));
  EXPECT_FALSE(re.Matches(i011));  // "I01" is a prefix of "I011": anchored, no match
  EXPECT_FALSE(ParseMatcher("indicator!~I0[1-3]")->Matches(i02));
  EXPECT_TRUE(ParseMatcher("indicator!~I0[1-3]")->Matches(i011));
  EXPECT_TRUE(ParseMatcher("unit=")->Matches(i02));        // missing == empty
  EXPECT_TRUE(ParseMatcher("unit!=市商务局")->Matches(i02));
  EXPECT_FALSE(ParseMatcher("unit=~.+")->Matches(i02));
  EXPECT_TRUE(MatchesAll({}, i02));
  EXPECT_FALSE(MatchesAll({re, *ParseMatcher("unit=x")}, i02));
}

TEST(MatcherTest, FormatsLabelsInNameOrder) {
  EXPECT_EQ(FormatLabels({{"unit", "市商务局"}, {"severity", "critical"}}), "{severity=critical, unit=市商务局}");
  EXPECT_EQ(FormatLabels({}), "{}");
}

// --- the tree ----------------------------------------------------------------------------------

TEST(RouteTreeTest, ParsesTheExampleWithInheritance) {
  const RouteTree tree = Parse(kExample);
  ASSERT_THAT(tree.root.routes, SizeIs(2));
  EXPECT_EQ(tree.root.path, "route");
  EXPECT_EQ(tree.root.key, "{}");
  const RouteNode& critical = tree.root.routes[0];
  EXPECT_EQ(critical.path, "route.routes[0]");
  EXPECT_EQ(critical.key, R"({}/{event_type="ranking_alert",severity="critical"})");
  EXPECT_EQ(critical.line, 8);
  EXPECT_TRUE(critical.continue_matching);
  EXPECT_THAT(critical.group_by.labels, ElementsAre("event_type", "unit"));
  EXPECT_EQ(critical.timings.group_wait, absl::Seconds(30));
  EXPECT_EQ(critical.timings.repeat_interval, absl::Hours(4));
  const RouteNode& roster = tree.root.routes[1];
  EXPECT_FALSE(roster.continue_matching);
  EXPECT_EQ(roster.timings.group_wait, absl::Minutes(1));      // its own
  EXPECT_EQ(roster.timings.group_interval, absl::Minutes(5));  // inherited
  EXPECT_THAT(roster.receivers, ElementsAre("政务网站", "微信公众号", "大厅显示屏"));
}

TEST(RouteTreeTest, CriticalAlertGoesToTheUnitAndItsHeadAndSaysWhyTheLeadIsDropped) {
  const RouteTree tree = Parse(kExample);
  const auto matches = Route(tree, {{"event_type", "ranking_alert"}, {"severity", "critical"}, {"unit", "市商务局"}});
  ASSERT_THAT(Paths(matches), ElementsAre("route.routes[0]"));
  EXPECT_THAT(matches[0].receivers, ElementsAre("unit:市商务局", "head:市商务局"));
  ASSERT_THAT(matches[0].dropped, SizeIs(1));
  EXPECT_EQ(matches[0].dropped[0].receiver, "lead:{{lead}}");
  EXPECT_EQ(matches[0].dropped[0].reason, "label lead is missing or empty");
  EXPECT_EQ(DescribeRoute(matches[0]),
            "route.routes[0] -> unit:市商务局, head:市商务局; dropped lead:{{lead}} (label lead is missing or "
            "empty); group_by [event_type, unit]; group_wait 30s, group_interval 5m, repeat_interval 4h");
}

TEST(RouteTreeTest, AnEmptyLabelDropsTheReceiverLikeAMissingOne) {
  const RouteTree tree = Parse(kExample);
  const auto matches = Route(tree, {{"event_type", "ranking_alert"}, {"severity", "critical"}, {"unit", ""},
                                    {"lead", "张三"}});
  ASSERT_THAT(matches, SizeIs(1));
  EXPECT_THAT(matches[0].receivers, ElementsAre("lead:张三"));
  EXPECT_THAT(matches[0].dropped, SizeIs(2));
}

TEST(RouteTreeTest, NoMatchingChildMeansTheRootItself) {
  const RouteTree tree = Parse(kExample);
  const auto matches = Route(tree, {{"event_type", "ranking_alert"}, {"severity", "warning"}, {"unit", "市商务局"}});
  ASSERT_THAT(Paths(matches), ElementsAre("route"));
  EXPECT_THAT(matches[0].receivers, ElementsAre("office"));
  EXPECT_THAT(matches[0].dropped, IsEmpty());
  EXPECT_EQ(DescribeRoute(matches[0]),
            "route -> office; group_by [event_type, unit]; group_wait 30s, group_interval 5m, repeat_interval 4h");
}

TEST(RouteTreeTest, RosterGoesToItsThreeReceivers) {
  const RouteTree tree = Parse(kExample);
  const auto matches = Route(tree, {{"event_type", "duty_roster_published"}});
  ASSERT_THAT(Paths(matches), ElementsAre("route.routes[1]"));
  EXPECT_THAT(matches[0].receivers, ElementsAre("政务网站", "微信公众号", "大厅显示屏"));
  EXPECT_EQ(matches[0].timings.group_wait, absl::Minutes(1));
}

constexpr char kContinue[] = R"yaml(route:
  receivers: [office]
  routes:
    - matchers: ["event_type=ranking_alert"]
      receivers: [first]
    - matchers: ["severity=critical"]
      receivers: [second]
      continue: true
    - matchers: ["severity=~critical|warning"]
      receivers: [third]
    - matchers: ["severity=critical"]
      receivers: [fourth]
)yaml";

TEST(RouteTreeTest, FirstMatchingChildWinsUnlessItContinues) {
  const RouteTree tree = Parse(kContinue);
  // routes[0] matches and does not continue: the walk stops there.
  EXPECT_THAT(Paths(Route(tree, {{"event_type", "ranking_alert"}, {"severity", "critical"}})),
              ElementsAre("route.routes[0]"));
  // routes[1] continues to routes[2], which stops it: routes[3] (also matching) is not reached.
  EXPECT_THAT(Paths(Route(tree, {{"event_type", "case_overdue"}, {"severity", "critical"}})),
              ElementsAre("route.routes[1]", "route.routes[2]"));
  EXPECT_THAT(Paths(Route(tree, {{"event_type", "case_overdue"}, {"severity", "warning"}})),
              ElementsAre("route.routes[2]"));
}

constexpr char kNested[] = R"yaml(route:
  receivers: [office]
  group_by: [event_type]
  routes:
    - matchers: ["event_type=~case_.*"]
      receivers: ["unit:{{unit}}"]
      group_by: [event_type, unit]
      group_interval: 10m
      repeat_interval: 1d
      routes:
        - matchers: ["event_type=case_overdue"]
          receivers: ["unit:{{unit}}", "lead:{{lead}}", "lead:张三"]
          group_wait: 0s
)yaml";

TEST(RouteTreeTest, DepthFirstWithInheritedSettings) {
  const RouteTree tree = Parse(kNested);
  const auto overdue = Route(tree, {{"event_type", "case_overdue"}, {"unit", "市商务局"}, {"lead", "张三"}});
  ASSERT_THAT(Paths(overdue), ElementsAre("route.routes[0].routes[0]"));
  // "lead:{{lead}}" and "lead:张三" are one recipient, told once.
  EXPECT_THAT(overdue[0].receivers, ElementsAre("unit:市商务局", "lead:张三"));
  EXPECT_THAT(overdue[0].group_by.labels, ElementsAre("event_type", "unit"));
  EXPECT_EQ(overdue[0].timings.group_wait, absl::ZeroDuration());
  EXPECT_EQ(overdue[0].timings.group_interval, absl::Minutes(10));
  EXPECT_EQ(overdue[0].timings.repeat_interval, absl::Hours(24));
  // A case event the grandchild does not take stops at the child.
  const auto opened = Route(tree, {{"event_type", "case_opened"}, {"unit", "市商务局"}});
  ASSERT_THAT(Paths(opened), ElementsAre("route.routes[0]"));
  EXPECT_THAT(opened[0].receivers, ElementsAre("unit:市商务局"));
  EXPECT_EQ(opened[0].timings.group_wait, absl::Seconds(30));  // the default, inherited from the root
}

TEST(RouteTreeTest, KeysSurviveInsertingARouteAndTellTwinsApart) {
  const RouteTree before = Parse(kContinue);
  const RouteTree after = Parse(R"yaml(route:
  receivers: [office]
  routes:
    - matchers: ["event_type=duty_roster_published"]
      receivers: [大厅显示屏]
    - matchers: ["event_type=ranking_alert"]
      receivers: [first]
)yaml");
  EXPECT_EQ(before.root.routes[0].key, after.root.routes[1].key);
  EXPECT_NE(before.root.routes[0].path, after.root.routes[1].path);
  // routes[1] and routes[3] of kContinue have the same matchers.
  EXPECT_EQ(before.root.routes[1].key, R"({}/{severity="critical"})");
  EXPECT_EQ(before.root.routes[3].key, R"({}/{severity="critical"}#2)");
  // The twins' children are told apart too.
  const RouteTree twins = Parse(R"yaml(route:
  receivers: [office]
  routes:
    - matchers: ["unit=a"]
      routes:
        - matchers: ["severity=critical"]
    - matchers: ["unit=a"]
      routes:
        - matchers: ["severity=critical"]
)yaml");
  EXPECT_EQ(twins.root.routes[0].routes[0].key, R"({}/{unit="a"}/{severity="critical"})");
  EXPECT_EQ(twins.root.routes[1].routes[0].key, R"({}/{unit="a"}#2/{severity="critical"})");
}

TEST(RouteTreeTest, ResolveReceiverFillsPlaceholders) {
  const Labels labels = {{"unit", "市商务局"}, {"county", "广丰区"}};
  EXPECT_EQ(*ResolveReceiver("head:{{ unit }}@{{county}}", labels), "head:市商务局@广丰区");
  EXPECT_EQ(*ResolveReceiver("office", labels), "office");
  EXPECT_EQ(ResolveReceiver("lead:{{lead}}", labels).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ResolveReceiver("lead:{{lead", labels).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(RouteTreeTest, LongDurationsInAlertmanagersUnits) {
  const RouteTree tree = Parse(R"yaml(route:
  receivers: [office]
  group_interval: 1h30m
  repeat_interval: 1w2d
)yaml");
  EXPECT_EQ(tree.root.timings.group_interval, absl::Minutes(90));
  EXPECT_EQ(tree.root.timings.repeat_interval, absl::Hours(24 * 9));
}

TEST(RouteTreeTest, GroupWaitLongerThanTheIntervalIsAllowed) {
  const RouteTree tree = Parse(R"yaml(route:
  receivers: [office]
  group_wait: 10m
  group_interval: 1m
  group_by: ["..."]
)yaml");
  EXPECT_EQ(tree.root.timings.group_wait, absl::Minutes(10));
  EXPECT_TRUE(tree.root.group_by.all);
  EXPECT_THAT(tree.root.group_by.labels, IsEmpty());
}

// --- validation --------------------------------------------------------------------------------

TEST(RouteTreeValidationTest, AnUnknownKeyIsNamedWithItsPathAndLine) {
  EXPECT_THAT(ErrorOf(R"yaml(route:
  receivers: [office]
  routes:
    - matchers: ["unit=a"]
      receiver: a
)yaml"),
              HasSubstr("route.routes[0].receiver: unknown key (known: "));
  EXPECT_THAT(ErrorOf("route:\n  receivers: [office]\n  group_wiat: 1m\n"),
              HasSubstr("route.group_wiat: unknown key"));
  EXPECT_THAT(ErrorOf("route:\n  receivers: [office]\n  group_wiat: 1m\n"), HasSubstr("(line 3)"));
}

TEST(RouteTreeValidationTest, ABadMatcherNamesItsIndex) {
  EXPECT_EQ(ErrorOf(R"yaml(route:
  receivers: [office]
  routes:
    - matchers: ["unit=a"]
      receivers: [a]
    - matchers: ["indicator=~I0[", "unit=b"]
      receivers: [b]
)yaml"),
            "route.routes[1].matchers[0]: matcher \"indicator=~I0[\": the regex does not compile: missing ]: [ "
            "(line 6)");
}

TEST(RouteTreeValidationTest, Durations) {
  EXPECT_THAT(ErrorOf("route:\n  receivers: [a]\n  group_wait: soon\n"),
              HasSubstr("route.group_wait: \"soon\" is not a duration"));
  EXPECT_THAT(ErrorOf("route:\n  receivers: [a]\n  group_wait: -30s\n"),
              HasSubstr("route.group_wait: \"-30s\" must not be negative (line 3)"));
  EXPECT_THAT(ErrorOf("route:\n  receivers: [a]\n  group_interval: 0s\n"),
              HasSubstr("route.group_interval: must be more than 0"));
  EXPECT_THAT(ErrorOf("route:\n  receivers: [a]\n  group_interval: 5m\n  repeat_interval: 4m\n"),
              HasSubstr("route.repeat_interval: (4m) must be at least group_interval (5m) (line 4)"));
  // Inherited values count: the child's interval against the root's repeat.
  EXPECT_THAT(ErrorOf(R"yaml(route:
  receivers: [a]
  repeat_interval: 1h
  routes:
    - matchers: ["unit=a"]
      group_interval: 2h
)yaml"),
              HasSubstr("route.routes[0].repeat_interval: (1h) must be at least group_interval (2h)"));
}

TEST(RouteTreeValidationTest, EveryPathNeedsReceivers) {
  EXPECT_THAT(ErrorOf("route:\n  group_by: [unit]\n"),
              HasSubstr("route: no receivers on this path (set receivers here or on a parent route)"));
  EXPECT_THAT(ErrorOf("route:\n  receivers: []\n"), HasSubstr("route.receivers: must name at least one receiver"));
  // The root lacks them even though its child has some: the root is the match when the child is not.
  EXPECT_THAT(ErrorOf(R"yaml(route:
  routes:
    - matchers: ["unit=a"]
      receivers: [a]
)yaml"),
              HasSubstr("route: no receivers on this path"));
}

TEST(RouteTreeValidationTest, ShapesAndTheRootsLimits) {
  EXPECT_THAT(ErrorOf("inhibit_rules: []\n"), HasSubstr("route: is required"));
  EXPECT_THAT(ErrorOf("route: [a]\n"), HasSubstr("route: must be a mapping"));
  EXPECT_THAT(ErrorOf("route:\n  receivers: [a]\n  matchers: [\"unit=a\"]\n"),
              HasSubstr("route.matchers: the root route matches every event"));
  EXPECT_THAT(ErrorOf("route:\n  receivers: [a]\n  routes:\n    - matchers: [\"unit=a\"]\n      continue: maybe\n"),
              HasSubstr("route.routes[0].continue: must be true or false"));
  EXPECT_THAT(ErrorOf("route:\n  receivers: [a, a]\n"), HasSubstr("route.receivers[1]: \"a\" is listed twice"));
  EXPECT_THAT(ErrorOf("route:\n  receivers: [\"unit:{{unit\"]\n"),
              HasSubstr("route.receivers[0]: receiver \"unit:{{unit\": '{{' is not closed by '}}'"));
  EXPECT_THAT(ErrorOf("route:\n  receivers: [\"unit:{{单位}}\"]\n"), HasSubstr("is not a label name"));
  EXPECT_THAT(ErrorOf("route:\n  receivers: [a]\n  group_by: [\"...\", unit]\n"),
              HasSubstr("route.group_by[0]: \"...\" (group by every label) cannot be combined"));
  EXPECT_THAT(ErrorOf("route:\n  receivers: [a]\n  routes: {a: 1}\n"), HasSubstr("route.routes: must be a list"));
  EXPECT_THAT(ErrorOf("route:\n  receivers: [a\n"), HasSubstr("not valid YAML"));
}

}  // namespace
}  // namespace ys::notify
