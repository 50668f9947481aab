#include "services/ranking/domain.h"

#include <cmath>
#include <limits>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/services/ranking/rule_fixtures.h"

namespace ys::ranking {
namespace {

using rule_fixtures::Fact;
using rule_fixtures::Replica;

const absl::Time kNow = absl::FromCivil(absl::CivilSecond(2022, 10, 15, 0, 0, 0), absl::UTCTimeZone());

// Who may publish facts (issue #17): the allowed_sources platforms once every evaluation has its
// list; any platform (and only a platform) while one evaluation accepts any.
TEST(SubmissionSourcesTest, ThePlatformsOfAllowedSources) {
  ValidationPolicy policy;
  EXPECT_EQ(SubmissionSources(policy), std::vector<std::string>{"/platform/*"});
  policy.allowed_sources[pb::EVALUATION_OFFICIAL] = {"jxyshj"};
  policy.allowed_sources[pb::EVALUATION_THIRD_PARTY] = {"jxdsf"};
  EXPECT_EQ(SubmissionSources(policy), std::vector<std::string>{"/platform/*"});
  policy.allowed_sources[pb::EVALUATION_ENTERPRISE] = {"jxdsf", "qypj"};
  policy.allowed_sources[pb::EVALUATION_DEPARTMENT] = {"jxyshj"};
  EXPECT_EQ(SubmissionSources(policy),
            (std::vector<std::string>{"/platform/jxdsf", "/platform/jxyshj", "/platform/qypj"}));
}

TEST(ValidateFactTest, Table) {
  struct Case {
    std::function<void(pb::RankingFact&)> spoil;
    const char* code;
    const char* field;
  };
  const std::vector<Case> cases = {
      {[](auto& f) { f.clear_source(); }, "RV01", "source"},
      {[](auto& f) { f.clear_evaluation(); }, "RV01", "evaluation"},
      {[](auto& f) { f.clear_scope(); }, "RV01", "scope"},
      {[](auto& f) { f.set_source("someone"); }, "RV02", "source"},
      {[](auto& f) { f.set_period("2022-13"); }, "RV03", "period"},
      {[](auto& f) { f.set_period("2022-11"); }, "RV04", "period"},
      {[](auto& f) { f.set_indicator_code("I42"); }, "RV05", "indicator_code"},
      {[](auto& f) { f.set_indicator_code("I99"); }, "RV06", "indicator_code"},
      {[](auto& f) { f.set_indicator_code("I20"); }, "RV06", "indicator_code"},
      {[](auto& f) { f.set_region_code("3699"); }, "RV07", "region_code"},
      {[](auto& f) { f.set_region_code("361102"); }, "RV08", "region_code"},
      {[](auto& f) { f.set_rank(12); }, "RV09", "rank"},
      {[](auto& f) { f.set_rank(0); }, "RV09", "rank"},
      {[](auto& f) { f.set_total(0); }, "RV09", "total"},
      {[](auto& f) { f.set_total(12); }, "RV10", "total"},
      {[](auto& f) { f.set_revision(0); }, "RV11", "revision"},
  };
  ValidationPolicy policy;
  policy.allowed_sources[pb::EVALUATION_OFFICIAL] = {"jxyshj"};
  const CatalogReplica catalog = Replica();
  EXPECT_TRUE(ValidateFact(Fact(), catalog, policy, kNow).empty());
  pb::RankingFact with_reason = Fact();
  with_reason.set_total(12);
  with_reason.set_total_reason("含赣江新区");
  EXPECT_TRUE(ValidateFact(with_reason, catalog, policy, kNow).empty());
  for (const Case& c : cases) {
    pb::RankingFact f = Fact();
    c.spoil(f);
    const auto v = ValidateFact(f, catalog, policy, kNow);
    bool found = false;
    for (const auto& x : v) found |= x.code == c.code && x.field == c.field;
    EXPECT_TRUE(found) << c.code << " " << c.field << ": " << ViolationsStatus(v);
  }
  const absl::Status s = ViolationsStatus(ValidateFact(Fact("I42", pb::SCOPE_CITY, "3611", 12), catalog, policy, kNow));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("field 'indicator_code': unknown indicator 'I42' [RV05]"), std::string::npos) << s;
  EXPECT_NE(s.message().find("field 'rank': 12 is not between 1 and total 11 [RV09]"), std::string::npos) << s;
}

TEST(ValidateFactTest, InputRulesComeFirstForEveryTextField) {
  using std::string_literals::operator""s;
  ValidationPolicy policy;
  const CatalogReplica catalog = Replica();
  struct Case {
    std::function<void(pb::RankingFact&)> spoil;
    const char* code;
    const char* field;
    const char* message;
  };
  std::vector<Case> cases;
  using Setter = void (pb::RankingFact::*)(const std::string&);
  for (const auto& [field, set, cap] : std::vector<std::tuple<const char*, Setter, size_t>>{
           {"source", &pb::RankingFact::set_source, 64},
           {"indicator_code", &pb::RankingFact::set_indicator_code, 64},
           {"region_code", &pb::RankingFact::set_region_code, 64},
           {"period", &pb::RankingFact::set_period, 64},
           {"total_reason", &pb::RankingFact::set_total_reason, 512}}) {
    cases.push_back(
        {[set](auto& f) { (f.*set)("I0\0"s); }, "RV12", field, "holds a control character U+0000 at byte 3"});
    cases.push_back({[set](auto& f) { (f.*set)("I0\xc3"); }, "RV12", field, "is not valid UTF-8 at byte 3"});
    cases.push_back({[set](auto& f) { (f.*set)("\xc0\xaf"); }, "RV12", field, "is not valid UTF-8 at byte 1"});
    cases.push_back({[set](auto& f) { (f.*set)("I0\n"); }, "RV12", field, "U+000A"});
    cases.push_back({[set, cap](auto& f) { (f.*set)(std::string(cap + 1, 'x')); }, "RV12", field,
                     "bytes, at most"});
  }
  auto published = [](int64_t seconds) {
    return [seconds](pb::RankingFact& f) { f.mutable_published_at()->set_seconds(seconds); };
  };
  cases.push_back({published(-62135596800), "RV13", "published_at", "is not between 1970-01-01 and 2100-01-01"});
  cases.push_back({published(253402300799), "RV13", "published_at", "9999-12-31T23:59:59Z"});
  cases.push_back({published(std::numeric_limits<int64_t>::max()), "RV13", "published_at", "is not between"});
  cases.push_back({[](auto& f) { f.set_score(std::numeric_limits<double>::quiet_NaN()); }, "RV13", "score",
                   "not a finite number"});
  cases.push_back({[](auto& f) { f.set_score(-std::numeric_limits<double>::infinity()); }, "RV13", "score",
                   "not a finite number"});
  for (const Case& c : cases) {
    pb::RankingFact f = Fact();
    c.spoil(f);
    const auto v = ValidateFact(f, catalog, policy, kNow);
    ASSERT_FALSE(v.empty()) << c.field;
    // The rejection's code is the first violation's.
    EXPECT_EQ(v.front().code, c.code) << c.field << ": " << ViolationsStatus(v);
    EXPECT_EQ(v.front().field, c.field) << ViolationsStatus(v);
    EXPECT_NE(v.front().message.find(c.message), std::string::npos) << v.front().message;
    const absl::Status s = ViolationsStatus(v);
    EXPECT_NE(s.message().find(absl::StrCat("field '", c.field, "': ")), std::string::npos) << s;
    EXPECT_TRUE(input::IsValidUtf8(s.message())) << c.field;
    EXPECT_EQ(s.message().find('\0'), std::string::npos) << c.field;
    if (std::string(c.code) == "RV12") {
      EXPECT_EQ(v.size(), 1u) << "a fact breaking RV12 is refused on that alone: " << s;
    }
  }
  pb::RankingFact ok = Fact();
  ok.mutable_published_at()->set_seconds(1664467200);
  ok.set_score(88.5);
  EXPECT_TRUE(ValidateFact(ok, catalog, policy, kNow).empty());
  // The caps come from the policy (config input.*).
  policy.input.code_bytes = 2;
  const auto tight = ValidateFact(Fact(), catalog, policy, kNow);
  ASSERT_FALSE(tight.empty());
  EXPECT_EQ(tight.front().code, "RV12");
}

TEST(ValidateFactTest, MessagesQuoteTheInputEscaped) {
  ValidationPolicy policy;
  policy.allowed_sources[pb::EVALUATION_OFFICIAL] = {"jxyshj"};
  pb::RankingFact f = Fact("I'42");
  f.set_source("some'one");
  const absl::Status s = ViolationsStatus(ValidateFact(f, Replica(), policy, kNow));
  EXPECT_NE(s.message().find(R"(platform 'some\'one' may not publish)"), std::string::npos) << s;
  EXPECT_NE(s.message().find(R"(unknown indicator 'I\'42')"), std::string::npos) << s;
}

TEST(DecideRevisionTest, Table) {
  const LockPolicy lock;
  pb::RankingFact current = Fact();
  current.set_revision(2);
  auto next = current;
  next.set_revision(3);
  next.set_rank(4);
  EXPECT_EQ(*DecideRevision(std::nullopt, current, lock, kNow, false), RevisionOutcome::kNew);
  EXPECT_EQ(*DecideRevision(current, next, lock, kNow, false), RevisionOutcome::kSupersedes);
  EXPECT_EQ(*DecideRevision(current, current, lock, kNow, false), RevisionOutcome::kSame);
  auto older = current;
  older.set_revision(1);
  older.set_rank(9);
  EXPECT_EQ(*DecideRevision(current, older, lock, kNow, false), RevisionOutcome::kOlder);
  auto conflict = current;
  conflict.set_rank(7);
  EXPECT_EQ(DecideRevision(current, conflict, lock, kNow, false).status().code(),
            absl::StatusCode::kAlreadyExists);
  auto with_score = current;
  with_score.set_score(88.5);
  EXPECT_EQ(DecideRevision(current, with_score, lock, kNow, false).status().code(),
            absl::StatusCode::kAlreadyExists);
  // 2022-06 is four months before October 2022: locked unless it is an office correction.
  auto old = current;
  old.set_period("2022-06");
  EXPECT_EQ(DecideRevision(std::nullopt, old, lock, kNow, false).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(*DecideRevision(std::nullopt, old, lock, kNow, true), RevisionOutcome::kNew);
  old.set_period("2022-07");  // three months: still open
  EXPECT_EQ(*DecideRevision(std::nullopt, old, lock, kNow, false), RevisionOutcome::kNew);
}

TEST(Point12_12, ThePeriodLockIsTheOfficesLocalPolicyAndSaysSo) {
  pb::RankingFact old = Fact();
  old.set_period("2022-06");
  const auto locked = DecideRevision(std::nullopt, old, LockPolicy{.lock_after_months = 3}, kNow, false);
  ASSERT_EQ(locked.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(locked.status().message().find("local policy"), std::string::npos) << locked.status();
  EXPECT_EQ(locked.status().message().find("work plan"), std::string::npos) << locked.status();
  // Configurable: a longer window opens the period.
  EXPECT_TRUE(DecideRevision(std::nullopt, old, LockPolicy{.lock_after_months = 6}, kNow, false).ok());
}

std::vector<pb::AlertRule> Rules(const std::vector<pb::RankingAlert>& alerts) {
  std::vector<pb::AlertRule> out;
  for (const auto& a : alerts) out.push_back(a.rule());
  return out;
}

TEST(EvaluateRulesTest, Table) {
  const CatalogReplica catalog = Replica();
  const RuleConfig config;
  struct Case {
    pb::RankingFact fact;
    std::optional<int> previous_rank;
    std::vector<pb::AlertRule> want;
  };
  pb::RankingFact third_party = Fact("I03", pb::SCOPE_CITY, "3611", 11, 11);
  third_party.set_evaluation(pb::EVALUATION_THIRD_PARTY);
  pb::RankingFact quarter = Fact("C00", pb::SCOPE_CITY, "3611", 4, 11);
  quarter.set_period("2022Q3");
  pb::RankingFact year_last = Fact("I03", pb::SCOPE_CITY, "3611", 11, 11);
  year_last.set_period("2022");
  pb::RankingFact year_bottom = Fact("I03", pb::SCOPE_CITY, "3611", 9, 11);
  year_bottom.set_period("2022");
  pb::RankingFact year_fine = Fact("I03", pb::SCOPE_CITY, "3611", 8, 11);
  year_fine.set_period("2022");
  pb::RankingFact october = Fact("C00", pb::SCOPE_CITY, "3611", 8, 11);
  october.set_period("2022-10");  // Q4: no target loaded
  const std::vector<Case> cases = {
      {Fact("I03", pb::SCOPE_CITY, "3611", 5, 11), std::nullopt, {}},
      {Fact("I03", pb::SCOPE_CITY, "3611", 11, 11), std::nullopt, {pb::ALERT_RULE_LAST_IN_PROVINCE}},
      {Fact("I03", pb::SCOPE_CITY, "3611", 9, 11), std::nullopt, {pb::ALERT_RULE_BOTTOM_THREE}},
      {Fact("I03", pb::SCOPE_CITY, "3611", 8, 11), 5, {pb::ALERT_RULE_FELL_PLACES}},
      {Fact("I03", pb::SCOPE_CITY, "3611", 7, 11), 5, {}},  // fell 2: below the threshold
      {Fact("I03", pb::SCOPE_CITY, "3611", 11, 11), 6,
       {pb::ALERT_RULE_LAST_IN_PROVINCE, pb::ALERT_RULE_FELL_PLACES}},
      {Fact("I03", pb::SCOPE_COUNTY, "361102", 100, 100), std::nullopt,
       {pb::ALERT_RULE_COUNTY_INDICATOR_LAST}},
      {Fact("I03", pb::SCOPE_COUNTY, "361102", 98, 100), std::nullopt, {pb::ALERT_RULE_BOTTOM_THREE}},
      {Fact("C00", pb::SCOPE_COUNTY, "361102", 71, 100), std::nullopt,
       {pb::ALERT_RULE_COUNTY_COMPOSITE_BEYOND}},
      {Fact("C00", pb::SCOPE_COUNTY, "361102", 70, 100), std::nullopt, {}},
      {Fact("C00", pb::SCOPE_CITY, "3611", 3, 11), std::nullopt, {}},
      {Fact("C00", pb::SCOPE_CITY, "3611", 5, 11), std::nullopt, {pb::ALERT_RULE_QUARTER_TARGET_MISSED}},
      {Fact("C00", pb::SCOPE_CITY, "3611", 7, 11), std::nullopt, {pb::ALERT_RULE_QUARTER_FLOOR_BREACHED}},
      {quarter, std::nullopt, {pb::ALERT_RULE_QUARTER_TARGET_MISSED}},
      // The year's assessment raises the same rules as a month (the ledger tells them apart).
      {year_last, std::nullopt, {pb::ALERT_RULE_LAST_IN_PROVINCE}},
      {year_bottom, std::nullopt, {pb::ALERT_RULE_BOTTOM_THREE}},
      {year_fine, std::nullopt, {}},
      {october, std::nullopt, {}},
      {third_party, std::nullopt, {}},  // only the official assessment counts by default
      {Fact("I03", pb::SCOPE_CITY, "3601", 11, 11), std::nullopt, {}},  // another city's fall
      {Fact("I03", pb::SCOPE_COUNTY, "360102", 100, 100), std::nullopt, {}},
  };
  for (const Case& c : cases) {
    std::optional<pb::RankingFact> previous;
    if (c.previous_rank) {
      previous = c.fact;
      previous->set_period("2022-08");
      previous->set_rank(*c.previous_rank);
    }
    EXPECT_EQ(Rules(EvaluateRules(c.fact, previous, catalog, config)), c.want)
        << c.fact.ShortDebugString();
  }
}

TEST(EvaluateRulesTest, AlertsNameWhoAnswersAndTheConsequence) {
  const auto alerts = EvaluateRules(Fact("I03", pb::SCOPE_CITY, "3611", 11, 11), std::nullopt,
                                    Replica(), RuleConfig{});
  ASSERT_EQ(alerts.size(), 1u);
  const pb::RankingAlert& a = alerts[0];
  EXPECT_EQ(a.id(), "ALERT_RULE_LAST_IN_PROVINCE/EVALUATION_OFFICIAL/I03/city/3611/2022-09");
  EXPECT_EQ(a.severity(), pb::SEVERITY_CRITICAL);
  EXPECT_EQ(a.lead(), "李茂荣");
  ASSERT_EQ(a.units_size(), 1);
  EXPECT_EQ(a.units(0).unit(), "市住房和城乡建设局");
  EXPECT_EQ(a.units(0).head(), "陈锋");
  EXPECT_NE(a.consequence().find("年终绩效奖金的5%"), std::string::npos);
  EXPECT_EQ(a.message(), "2022-09 上饶市 办理建筑许可：全省第11名/共11，全省倒数第一");
}

TEST(EvaluateRulesTest, ConfiguredThresholdsAndDisabledRules) {
  RuleConfig config;
  config.bottom_n = 5;
  config.disabled = {pb::ALERT_RULE_FELL_PLACES};
  pb::RankingFact previous = Fact("I03", pb::SCOPE_CITY, "3611", 2, 11);
  previous.set_period("2022-08");
  EXPECT_EQ(Rules(EvaluateRules(Fact("I03", pb::SCOPE_CITY, "3611", 7, 11), previous, Replica(), config)),
            std::vector<pb::AlertRule>{pb::ALERT_RULE_BOTTOM_THREE});
}

}  // namespace
}  // namespace ys::ranking
