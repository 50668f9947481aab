#include "services/ranking/settings.h"

#include "absl/strings/ascii.h"
#include "common/config/enum_name.h"
#include "absl/strings/str_format.h"
#include "common/status/macros.h"

namespace ys::ranking {
namespace {

absl::StatusOr<pb::Evaluation> ParseEvaluation(const std::string& key, const std::string& name) {
  pb::Evaluation e;
  if (ParseEnumShortName("EVALUATION_", name, &pb::Evaluation_Parse, &e)) {
    return e;
  }
  return absl::InvalidArgumentError(absl::StrFormat(
      "config key '%s': '%s' is not official, third_party, enterprise or department", key, name));
}

absl::StatusOr<int> GetInt(const Config& config, const std::string& key, int fallback, int min) {
  ASSIGN_OR_RETURN(int64_t v, config.GetIntIn(key, fallback, min, 1000000));
  return static_cast<int>(v);
}

}  // namespace

absl::StatusOr<RankingSettings> LoadRankingSettings(const Config& config) {
  RankingSettings s;
  ASSIGN_OR_RETURN(s.lock.lock_after_months,
                   GetInt(config, "rankings.lock_after_months", s.lock.lock_after_months, 0));
  ASSIGN_OR_RETURN(s.validation.city_scope_size,
                   GetInt(config, "rankings.scope_size.city", s.validation.city_scope_size, 1));
  ASSIGN_OR_RETURN(s.validation.county_scope_size,
                   GetInt(config, "rankings.scope_size.county", s.validation.county_scope_size, 1));
  for (const std::string& name : config.Keys("rankings.allowed_sources")) {
    const std::string key = "rankings.allowed_sources." + name;
    ASSIGN_OR_RETURN(pb::Evaluation e, ParseEvaluation(key, name));
    ASSIGN_OR_RETURN(std::vector<std::string> sources, config.GetStringList(key));
    s.validation.allowed_sources[e] = {sources.begin(), sources.end()};
  }
  ASSIGN_OR_RETURN(s.validation.input, input::InputLimitsFromConfig(config));
  RuleConfig& r = s.rules;
  if (config.Has("rankings.rules.evaluations")) {
    ASSIGN_OR_RETURN(std::vector<std::string> names, config.GetStringList("rankings.rules.evaluations"));
    r.evaluations.clear();
    for (const auto& n : names) {
      ASSIGN_OR_RETURN(pb::Evaluation e, ParseEvaluation("rankings.rules.evaluations", n));
      r.evaluations.insert(e);
    }
  }
  ASSIGN_OR_RETURN(r.bottom_n, GetInt(config, "rankings.rules.bottom_n", r.bottom_n, 1));
  ASSIGN_OR_RETURN(r.county_bottom_n, GetInt(config, "rankings.rules.county_bottom_n", r.county_bottom_n, 1));
  ASSIGN_OR_RETURN(r.fall_places, GetInt(config, "rankings.rules.fall_places", r.fall_places, 1));
  ASSIGN_OR_RETURN(r.county_composite_beyond, GetInt(config, "rankings.rules.county_composite_beyond",
                                                     r.county_composite_beyond, 1));
  r.composite_code = config.GetString("rankings.rules.composite_code", r.composite_code);
  r.city_code = config.GetString("rankings.rules.city_code", r.city_code);
  if (config.Has("rankings.rules.disabled")) {
    ASSIGN_OR_RETURN(std::vector<std::string> names, config.GetStringList("rankings.rules.disabled"));
    for (const auto& n : names) {
      pb::AlertRule rule;
      if (!ParseEnumShortName("ALERT_RULE_", n, &pb::AlertRule_Parse, &rule)) {
        return absl::InvalidArgumentError(
            absl::StrFormat("config key 'rankings.rules.disabled': unknown rule '%s'", n));
      }
      r.disabled.insert(rule);
    }
  }
  GoalPolicy& g = s.goals;
  ASSIGN_OR_RETURN(g.first_tier_rank_at_most,
                   GetInt(config, "goals.first_tier_rank_at_most", g.first_tier_rank_at_most, 1));
  ASSIGN_OR_RETURN(g.upper_tier_rank_at_most,
                   GetInt(config, "goals.upper_tier_rank_at_most", g.upper_tier_rank_at_most, 1));
  ASSIGN_OR_RETURN(g.top_rank_at_most, GetInt(config, "goals.top_rank_at_most", g.top_rank_at_most, 1));
  ASSIGN_OR_RETURN(g.county_front_rank_at_most,
                   GetInt(config, "goals.county_front_rank_at_most", g.county_front_rank_at_most, 1));
  ASSIGN_OR_RETURN(g.top_indicators_required,
                   GetInt(config, "goals.top_indicators_required", g.top_indicators_required, 1));
  // The plan's own number ("5-6项评价指标居全省前茅"): the office picks within it, not beyond.
  if (g.top_indicators_required != 5 && g.top_indicators_required != 6) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "config key 'goals.top_indicators_required' must be 5 or 6 (work plan §一: 5-6项), got %d",
        g.top_indicators_required));
  }
  ASSIGN_OR_RETURN(g.top_counts_second_level,
                   config.GetBool("goals.top_counts_second_level", g.top_counts_second_level));
  return s;
}

}  // namespace ys::ranking
