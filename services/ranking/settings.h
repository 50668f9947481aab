#pragma once

// The ranking service's policies from its YAML config (and YS_* overrides): validation, locking and
// the alert rules. Every key is optional; a missing one keeps the work plan's default.
//
//   rankings:
//     lock_after_months: 3
//     scope_size: {city: 11, county: 100}
//     allowed_sources: {official: [jxyshj], third_party: [jxdsf]}   # evaluation -> platforms
//     rules:
//       evaluations: [official]        # which evaluations the assessment counts
//       bottom_n: 3                    # 后三位
//       fall_places: 3                 # fell by at least this many places
//       county_composite_beyond: 70    # 综合排名全省70名以后
//       composite_code: C00
//       city_code: "3611"
//       disabled: [fell_places]        # rules switched off (names without ALERT_RULE_, any case)
//   goals:                             # the office's reading of §一's tiers (local policy, goals.h)
//     first_tier_rank_at_most: 3       # 第一方阵: the composite among the 11 cities
//     upper_tier_rank_at_most: 4       # 上游: each first-level indicator among the 11 cities
//     top_rank_at_most: 3              # 前茅
//     top_indicators_required: 5       # the plan's "5-6项": 5 or 6
//     top_counts_second_level: false   # 评价指标: the first-level ones only
//     county_front_rank_at_most: 30    # 前列: a county's composite among the 100 counties
//   input:                             # the input rules' caps (common/input/text_rules.h)
//     max_code_bytes: 64               # source, indicator and region codes, period (RV12)
//     max_name_bytes: 512              # total_reason

#include "absl/status/statusor.h"
#include "common/config/config.h"
#include "services/ranking/domain.h"
#include "services/ranking/goals.h"

namespace ys::ranking {

struct RankingSettings {
  ValidationPolicy validation;
  LockPolicy lock;
  RuleConfig rules;
  GoalPolicy goals;
};

// INVALID_ARGUMENT naming the key for a bad value (an unknown rule or evaluation, a non-number).
absl::StatusOr<RankingSettings> LoadRankingSettings(const Config& config);

}  // namespace ys::ranking
