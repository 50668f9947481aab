#pragma once

// The catalog's ranking targets (programme.quarter_targets), with no I/O. Work plan §四, opening
// paragraph: "第三季度目标是整体排名进全省前三，不得掉出前六" — a target for a period, a scope and an
// indicator, with the rank to reach (目标) and the rank not to fall below (底线).

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/time/period.h"
#include "services/ranking/domain.h"

namespace ys::ranking {

// The scopes a target may name. The catalog takes any word; a target of another scope raises
// nothing (TargetSubjectOf says why).
inline constexpr char kTargetScopeCityComposite[] = "city_composite";      // 上饶市, 综合
inline constexpr char kTargetScopeCityIndicator[] = "city_indicator";      // 上饶市, indicator_code
inline constexpr char kTargetScopeCountyComposite[] = "county_composite";  // each of its counties, 综合
inline constexpr char kTargetScopeCountyIndicator[] = "county_indicator";  // each county, indicator_code

// Whom and what a target is about.
struct TargetSubject {
  pb::Scope scope = pb::SCOPE_UNSPECIFIED;  // city: 上饶市 itself; county: each of its counties
  std::string indicator_code;               // the composite for *_composite
};

// INVALID_ARGUMENT for a scope not listed above, an *_indicator scope without an indicator, or a
// *_composite scope naming another indicator than the composite.
absl::StatusOr<TargetSubject> TargetSubjectOf(const ipb::Target& target, const RuleConfig& config);

// "（月度预警：按本月排名，季度目标有落空风险）": how a warning from a period inside the target's period
// says that it is not the target period's result.
std::string OnTrackWarning(const Period& fact_period, const Period& target_period);

// The alerts a current fact raises against the catalog's targets (not retired) whose subject it is
// (TargetSubjectOf), for the evaluations the assessment counts (config.evaluations):
// - a fact of the target's own period is its result: below the floor, ALERT_RULE_QUARTER_FLOOR_BREACHED
//   (critical); else below the target, ALERT_RULE_QUARTER_TARGET_MISSED (warning); standing as every
//   alert's (ledger.h StandingOf);
// - a fact of a shorter period inside it (a month of the quarter) is not the result: the same rule as
//   its rank would give, always a warning, standing STANDING_AT_RISK, the message ending with
//   OnTrackWarning and the consequence prefixed "若季度排名如此：";
// - any other period raises nothing.
// Ids have the form "<rule>/<evaluation>/<indicator>/<scope>/<region>/<period>", one alert per id.
std::vector<pb::RankingAlert> EvaluateTargets(const pb::RankingFact& fact, const CatalogReplica& catalog,
                                              const RuleConfig& config);

}  // namespace ys::ranking
