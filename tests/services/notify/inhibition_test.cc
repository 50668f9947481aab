#include "services/notify/inhibition.h"

#include <string>
#include <vector>

#include "common/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ys::notify {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

// The issue's rule: a "last in province" alert silences the "bottom three" alert of the same key.
constexpr char kRules[] = R"yaml(route:
  receivers: [office]
inhibit_rules:
  - source_matchers: ["rule=last_in_province"]
    target_matchers: ["rule=bottom_three"]
    equal: [indicator, scope, region, period]
)yaml";

Labels RankingAlert(const std::string& rule, const std::string& indicator = "I05",
                    const std::string& period = "2022-09") {
  return {{"event_type", "ranking_alert"}, {"rule", rule},     {"indicator", indicator},
          {"scope", "city"},               {"region", "3611"}, {"period", period}};
}

std::vector<InhibitRule> Rules() {
  auto rules = ParseInhibitRules(kRules);
  EXPECT_TRUE(rules.ok()) << rules.status();
  return rules.ok() ? *rules : std::vector<InhibitRule>{};
}

std::string ErrorOf(const std::string& yaml) {
  auto rules = ParseInhibitRules(yaml);
  EXPECT_FALSE(rules.ok()) << "parsed:\n" << yaml;
  EXPECT_EQ(rules.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(rules.status().message());
}

absl::Time T0() { return absl::FromCivil(absl::CivilSecond(2022, 10, 8, 23, 0, 0), Shanghai()); }

// --- inhibition --------------------------------------------------------------------------------

TEST(InhibitionTest, ParsesTheIssuesRule) {
  const std::vector<InhibitRule> rules = Rules();
  ASSERT_THAT(rules, SizeIs(1));
  ASSERT_THAT(rules[0].source_matchers, SizeIs(1));
  EXPECT_EQ(rules[0].source_matchers[0].value, "last_in_province");
  EXPECT_EQ(rules[0].target_matchers[0].value, "bottom_three");
  EXPECT_EQ(rules[0].equal, (std::vector<std::string>{"indicator", "scope", "region", "period"}));
}

TEST(InhibitionTest, LastInProvinceSilencesBottomThreeOfTheSameKey) {
  const std::vector<InhibitRule> rules = Rules();
  const Labels last = RankingAlert("last_in_province");
  const Labels bottom = RankingAlert("bottom_three");
  EXPECT_TRUE(Inhibited(bottom, {last, bottom}, rules));
  auto why = FindInhibition(bottom, {bottom, last}, rules);
  ASSERT_TRUE(why.has_value());
  EXPECT_EQ(why->rule_index, 0u);
  EXPECT_EQ(why->source, last);
  // The source itself is sent: the rule only targets bottom_three.
  EXPECT_FALSE(Inhibited(last, {last, bottom}, rules));
}

TEST(InhibitionTest, AnotherKeyOrNoActiveSourceIsNotInhibited) {
  const std::vector<InhibitRule> rules = Rules();
  const Labels bottom = RankingAlert("bottom_three");
  EXPECT_FALSE(Inhibited(bottom, {RankingAlert("last_in_province", "I06")}, rules));             // indicator
  EXPECT_FALSE(Inhibited(bottom, {RankingAlert("last_in_province", "I05", "2022-08")}, rules));  // period
  Labels county = RankingAlert("last_in_province");
  county["region"] = "361102";
  EXPECT_FALSE(Inhibited(bottom, {county}, rules));  // region
  // The last-place alert was withdrawn (a superseded revision): no longer active, no longer inhibits.
  EXPECT_FALSE(Inhibited(bottom, {}, rules));
  EXPECT_FALSE(Inhibited(bottom, {bottom}, rules));
  EXPECT_FALSE(Inhibited(bottom, {RankingAlert("last_in_province")}, {}));
}

TEST(InhibitionTest, AnEqualLabelMustBePresentOnBoth) {
  const std::vector<InhibitRule> rules = Rules();
  Labels last = RankingAlert("last_in_province");
  Labels bottom = RankingAlert("bottom_three");
  last.erase("period");
  bottom.erase("period");
  // Alertmanager would count the two missing periods as equal and inhibit; here it is sent.
  EXPECT_FALSE(Inhibited(bottom, {last}, rules));
  last["period"] = "";
  bottom["period"] = "";
  EXPECT_FALSE(Inhibited(bottom, {last}, rules));
}

TEST(InhibitionTest, InhibitionKeysAreTheEqualLabelsOfEachRuleTargetingTheEvent) {
  auto rules = ParseInhibitRules(R"yaml(inhibit_rules:
  - source_matchers: ["rule=last_in_province"]
    target_matchers: ["rule=bottom_three"]
    equal: [indicator, period]
  - source_matchers: ["severity=critical"]
    target_matchers: ["event_type=ranking_alert"]
    equal: [indicator, period]
  - source_matchers: ["rule=fell"]
    target_matchers: ["rule=bottom_three"]
    equal: [region]
)yaml");
  ASSERT_TRUE(rules.ok()) << rules.status();
  const Labels bottom = RankingAlert("bottom_three");
  // Two rules give the same key once; the third its own.
  EXPECT_EQ(InhibitionKeys(bottom, *rules),
            (std::vector<Labels>{{{"indicator", "I05"}, {"period", "2022-09"}}, {{"region", "3611"}}}));
  // Only the second rule targets a last-place alert.
  EXPECT_EQ(InhibitionKeys(RankingAlert("last_in_province"), *rules),
            (std::vector<Labels>{{{"indicator", "I05"}, {"period", "2022-09"}}}));
  // A rule whose equal label the target lacks or has empty cannot inhibit it: no key.
  Labels no_region = bottom;
  no_region.erase("region");
  Labels empty_period = bottom;
  empty_period["period"] = "";
  EXPECT_EQ(InhibitionKeys(no_region, *rules), (std::vector<Labels>{{{"indicator", "I05"}, {"period", "2022-09"}}}));
  EXPECT_EQ(InhibitionKeys(empty_period, *rules), (std::vector<Labels>{{{"region", "3611"}}}));
  EXPECT_TRUE(InhibitionKeys({{"event_type", "case_opened"}}, *rules).empty());
  // Every source FindInhibition could return carries one of the keys: asking only for those finds it.
  const Labels last = RankingAlert("last_in_province");
  for (const Labels& key : InhibitionKeys(bottom, Rules())) {
    for (const auto& [name, value] : key) EXPECT_EQ(last.at(name), value) << name;
  }
}

TEST(InhibitionTest, AnEventNeverInhibitsItself) {
  auto rules = ParseInhibitRules(R"yaml(inhibit_rules:
  - source_matchers: ["severity=critical"]
    target_matchers: ["severity=~critical|warning"]
    equal: [unit]
)yaml");
  ASSERT_TRUE(rules.ok()) << rules.status();
  const Labels critical = {{"severity", "critical"}, {"unit", "市商务局"}, {"indicator", "I01"}};
  const Labels warning = {{"severity", "warning"}, {"unit", "市商务局"}, {"indicator", "I02"}};
  EXPECT_FALSE(Inhibited(critical, {critical}, *rules));
  EXPECT_TRUE(Inhibited(warning, {critical, warning}, *rules));
  // Another critical one of the same unit does inhibit it.
  const Labels other = {{"severity", "critical"}, {"unit", "市商务局"}, {"indicator", "I03"}};
  EXPECT_TRUE(Inhibited(critical, {critical, other}, *rules));
}

TEST(InhibitionTest, NoSectionMeansNoRules) {
  auto rules = ParseInhibitRules("route:\n  receivers: [office]\n");
  ASSERT_TRUE(rules.ok()) << rules.status();
  EXPECT_THAT(*rules, IsEmpty());
}

TEST(InhibitionTest, ErrorsNameThePathAndLine) {
  EXPECT_EQ(ErrorOf(R"yaml(inhibit_rules:
  - source_matchers: ["rule=last_in_province"]
    target_matchers: ["rule=bottom_three"]
    equals: [indicator]
)yaml"),
            "inhibit_rules[0].equals: unknown key (known: equal, source_matchers, target_matchers) (line 4)");
  EXPECT_THAT(ErrorOf("inhibit_rules:\n  - source_matchers: [\"rule=last_in_province\"]\n"),
              HasSubstr("inhibit_rules[0].target_matchers: is required"));
  EXPECT_THAT(ErrorOf("inhibit_rules:\n  - source_matchers: []\n    target_matchers: [\"a=b\"]\n"),
              HasSubstr("inhibit_rules[0].source_matchers: is required (an empty list would match every event) (line 2)"));
  EXPECT_THAT(ErrorOf(R"yaml(inhibit_rules:
  - source_matchers: ["rule=last_in_province"]
    target_matchers: ["rule=bottom_three", "rule=~("]
)yaml"),
              HasSubstr("inhibit_rules[0].target_matchers[1]: matcher \"rule=~(\": the regex does not compile"));
  EXPECT_THAT(ErrorOf(R"yaml(inhibit_rules:
  - source_matchers: ["a=b"]
    target_matchers: ["c=d"]
    equal: [indicator, indicator]
)yaml"),
              HasSubstr("inhibit_rules[0].equal[1]: \"indicator\" is listed twice (line 4)"));
  EXPECT_THAT(ErrorOf("inhibit_rules:\n  - source_matchers: [\"a=b\"]\n    target_matchers: [\"c=d\"]\n    equal: [指标]\n"),
              HasSubstr("inhibit_rules[0].equal[0]: \"指标\" is not a label name"));
  EXPECT_THAT(ErrorOf("inhibit_rules: {a: 1}\n"), HasSubstr("inhibit_rules: must be a list of rules"));
  EXPECT_THAT(ErrorOf("inhibit_rules: [a]\n"), HasSubstr("inhibit_rules[0]: must be a mapping"));
  EXPECT_THAT(ErrorOf("inhibit_rules: [\n"), HasSubstr("not valid YAML"));
}

// --- silences ----------------------------------------------------------------------------------

Silence UnitSilence(const std::string& id, absl::Time from, absl::Time to) {
  return {id, {*ParseMatcher("unit=市商务局")}, from, to, "营商办 王五", "整改中，已电话通知"};
}

TEST(SilenceTest, InForceFromStartUntilJustBeforeTheEnd) {
  const std::vector<Silence> silences = {UnitSilence("s1", T0(), T0() + absl::Hours(2))};
  const Labels labels = {{"unit", "市商务局"}, {"severity", "warning"}};
  EXPECT_FALSE(Silenced(labels, silences, T0() - absl::Seconds(1)));
  EXPECT_TRUE(Silenced(labels, silences, T0()));
  EXPECT_TRUE(Silenced(labels, silences, T0() + absl::Hours(2) - absl::Seconds(1)));
  EXPECT_FALSE(Silenced(labels, silences, T0() + absl::Hours(2)));  // expired
  EXPECT_FALSE(Silenced({{"unit", "市税务局"}}, silences, T0()));
}

TEST(SilenceTest, FindSilenceSaysWhichOne) {
  const std::vector<Silence> silences = {UnitSilence("old", T0() - absl::Hours(5), T0() - absl::Hours(1)),
                                         UnitSilence("now", T0(), T0() + absl::Hours(1))};
  const Silence* s = FindSilence({{"unit", "市商务局"}}, silences, T0() + absl::Minutes(1));
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->id, "now");
  const Silence* earlier = FindSilence({{"unit", "市商务局"}}, silences, T0() - absl::Hours(2));
  ASSERT_NE(earlier, nullptr);
  EXPECT_EQ(earlier->id, "old");
  EXPECT_EQ(FindSilence({{"unit", "市商务局"}}, silences, T0() - absl::Minutes(30)), nullptr);  // between them
  // A stored silence without matchers (CheckSilence refuses it) silences nothing.
  const std::vector<Silence> empty = {{"bad", {}, T0(), T0() + absl::Hours(1), "x", "y"}};
  EXPECT_FALSE(Silenced({{"unit", "市商务局"}}, empty, T0()));
}

TEST(SilenceTest, CheckSilenceAcceptsAWellFormedOne) {
  EXPECT_TRUE(CheckSilence(UnitSilence("s", T0(), T0() + absl::Hours(24)), T0()).ok());
  // Started in the past and still running is fine; exactly 30 days is the most.
  EXPECT_TRUE(CheckSilence(UnitSilence("s", T0() - absl::Hours(1), T0() + absl::Hours(1)), T0()).ok());
  EXPECT_TRUE(CheckSilence(UnitSilence("s", T0(), T0() + absl::Hours(24 * 30)), T0()).ok());
}

TEST(SilenceTest, CheckSilenceRefusesEachDefectNamingTheField) {
  auto message = [](const Silence& s, const SilencePolicy& policy = {}) {
    const absl::Status st = CheckSilence(s, T0(), policy);
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
    return std::string(st.message());
  };
  Silence s = UnitSilence("s", T0(), T0() + absl::Hours(1));
  s.matchers.clear();
  EXPECT_EQ(message(s), "silence.matchers: at least one is required");
  s.matchers = {*ParseMatcher("unit=~.*"), *ParseMatcher("severity!=critical")};
  EXPECT_THAT(message(s), HasSubstr("silence.matchers: at least one must not match an empty label"));

  s = UnitSilence("s", T0(), T0());
  EXPECT_EQ(message(s), "silence.ends_at: must be after starts_at");
  s = UnitSilence("s", T0() - absl::Hours(2), T0());
  EXPECT_EQ(message(s), "silence.ends_at: must be in the future");
  s = UnitSilence("s", T0(), T0() + absl::Hours(24 * 30) + absl::Seconds(1));
  EXPECT_EQ(message(s), "silence.ends_at: a silence lasts at most 720h (local policy)");
  s = UnitSilence("s", T0(), T0() + absl::Hours(3));
  EXPECT_EQ(message(s, SilencePolicy{absl::Hours(2)}), "silence.ends_at: a silence lasts at most 2h (local policy)");

  s = UnitSilence("s", T0(), T0() + absl::Hours(1));
  s.comment = "  ";
  EXPECT_THAT(message(s), HasSubstr("silence.comment: is required"));
  s = UnitSilence("s", T0(), T0() + absl::Hours(1));
  s.created_by = "";
  EXPECT_EQ(message(s), "silence.created_by: is required");
}

}  // namespace
}  // namespace ys::notify
