#include "services/ranking/settings.h"

#include "gtest/gtest.h"

namespace ys::ranking {
namespace {

absl::StatusOr<RankingSettings> Load(const std::string& yaml) {
  auto config = Config::FromString(
      yaml, [](const std::string&) -> std::optional<std::string> { return std::nullopt; });
  if (!config.ok()) return config.status();
  return LoadRankingSettings(*config);
}

TEST(RankingSettingsTest, DefaultsAreTheWorkPlans) {
  auto s = Load("log: {level: info}\n");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->lock.lock_after_months, 3);
  EXPECT_EQ(s->rules.bottom_n, 3);
  EXPECT_EQ(s->rules.fall_places, 3);
  EXPECT_EQ(s->rules.county_composite_beyond, 70);
  EXPECT_EQ(s->rules.evaluations, std::set<pb::Evaluation>{pb::EVALUATION_OFFICIAL});
  EXPECT_TRUE(s->rules.disabled.empty());
  EXPECT_TRUE(s->validation.allowed_sources.empty());
  EXPECT_EQ(s->validation.input.code_bytes, 64u);
}

TEST(RankingSettingsTest, ReadsEveryKey) {
  auto s = Load(R"(
rankings:
  lock_after_months: 6
  scope_size: {city: 12, county: 101}
  allowed_sources: {official: [jxyshj], third_party: [jxdsf, other]}
  rules:
    evaluations: [official, enterprise]
    bottom_n: 2
    fall_places: 4
    county_composite_beyond: 60
    disabled: [fell_places, QUARTER_TARGET_MISSED]
input:
  max_code_bytes: 32
  max_name_bytes: 200
)");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->lock.lock_after_months, 6);
  EXPECT_EQ(s->validation.city_scope_size, 12);
  EXPECT_EQ(s->validation.county_scope_size, 101);
  EXPECT_EQ(s->validation.allowed_sources.at(pb::EVALUATION_THIRD_PARTY),
            (std::set<std::string>{"jxdsf", "other"}));
  EXPECT_EQ(s->rules.evaluations,
            (std::set<pb::Evaluation>{pb::EVALUATION_OFFICIAL, pb::EVALUATION_ENTERPRISE}));
  EXPECT_EQ(s->rules.bottom_n, 2);
  EXPECT_EQ(s->rules.fall_places, 4);
  EXPECT_EQ(s->rules.county_composite_beyond, 60);
  EXPECT_EQ(s->rules.disabled, (std::set<pb::AlertRule>{pb::ALERT_RULE_FELL_PLACES,
                                                        pb::ALERT_RULE_QUARTER_TARGET_MISSED}));
  EXPECT_EQ(s->validation.input.code_bytes, 32u);
  EXPECT_EQ(s->validation.input.name_bytes, 200u);
}

TEST(RankingSettingsTest, BadValuesNameTheKey) {
  struct Case {
    std::string yaml, want;
  };
  const std::vector<Case> cases = {
      {"rankings: {rules: {disabled: [sometimes]}}", "rankings.rules.disabled"},
      {"rankings: {rules: {evaluations: [rumour]}}", "rankings.rules.evaluations"},
      {"rankings: {allowed_sources: {gossip: [x]}}", "rankings.allowed_sources.gossip"},
      {"rankings: {rules: {bottom_n: 0}}", "rankings.rules.bottom_n"},
      {"rankings: {lock_after_months: soon}", "rankings.lock_after_months"},
      {"input: {max_code_bytes: 0}", "input.max_code_bytes"},
  };
  for (const Case& c : cases) {
    auto s = Load(c.yaml);
    ASSERT_FALSE(s.ok()) << c.yaml;
    EXPECT_NE(s.status().message().find(c.want), std::string::npos) << s.status();
  }
}

}  // namespace
}  // namespace ys::ranking
