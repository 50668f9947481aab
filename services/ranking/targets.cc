#include "services/ranking/targets.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/ranking/ledger.h"
#include "services/ranking/plan_text.h"

namespace ys::ranking {
namespace {

// 月度 / 季度 / 年度, and 本月 / 本季度 / 本年度: how the office names a period's kind.
const char* KindName(Period::Kind k) {
  switch (k) {
    case Period::Kind::kMonth: return "月度";
    case Period::Kind::kQuarter: return "季度";
    case Period::Kind::kYear: return "年度";
  }
  return "";
}

const char* ThisPeriod(Period::Kind k) {
  switch (k) {
    case Period::Kind::kMonth: return "本月";
    case Period::Kind::kQuarter: return "本季度";
    case Period::Kind::kYear: return "本年度";
  }
  return "";
}

// Whether `region` is the subject's: the city itself, or one of its counties.
bool IsSubjectRegion(const TargetSubject& subject, const ipb::Region& region, const RuleConfig& config) {
  if (subject.scope == pb::SCOPE_CITY) return region.code() == config.city_code;
  return region.kind() == ipb::REGION_KIND_COUNTY && region.parent_code() == config.city_code;
}

}  // namespace

absl::StatusOr<TargetSubject> TargetSubjectOf(const ipb::Target& t, const RuleConfig& config) {
  const std::string& scope = t.scope();
  TargetSubject out;
  const bool composite = scope == kTargetScopeCityComposite || scope == kTargetScopeCountyComposite;
  const bool indicator = scope == kTargetScopeCityIndicator || scope == kTargetScopeCountyIndicator;
  if (!composite && !indicator) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "target %s: scope '%s' is not one of %s, %s, %s, %s", t.id(), scope, kTargetScopeCityComposite,
        kTargetScopeCityIndicator, kTargetScopeCountyComposite, kTargetScopeCountyIndicator));
  }
  out.scope = scope == kTargetScopeCityComposite || scope == kTargetScopeCityIndicator ? pb::SCOPE_CITY
                                                                                       : pb::SCOPE_COUNTY;
  if (composite) {
    if (!t.indicator_code().empty() && t.indicator_code() != config.composite_code) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "target %s: scope '%s' is the composite %s, not indicator %s", t.id(), scope,
          config.composite_code, t.indicator_code()));
    }
    out.indicator_code = config.composite_code;
  } else {
    if (t.indicator_code().empty()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("target %s: scope '%s' needs an indicator", t.id(), scope));
    }
    out.indicator_code = t.indicator_code();
  }
  return out;
}

std::string OnTrackWarning(const Period& fact_period, const Period& target_period) {
  return absl::StrFormat("（%s预警：按%s排名，%s目标有落空风险）", KindName(fact_period.kind()),
                         ThisPeriod(fact_period.kind()), KindName(target_period.kind()));
}

std::vector<pb::RankingAlert> EvaluateTargets(const pb::RankingFact& fact, const CatalogReplica& catalog,
                                              const RuleConfig& config) {
  std::vector<pb::RankingAlert> out;
  if (!config.evaluations.contains(fact.evaluation())) return out;
  const auto period = Period::Parse(fact.period());
  auto region = catalog.regions.find(fact.region_code());
  if (!period.ok() || region == catalog.regions.end()) return out;
  const ipb::Indicator* indicator = nullptr;
  if (auto it = catalog.indicators.find(fact.indicator_code()); it != catalog.indicators.end()) {
    indicator = &it->second;
  }
  // One alert per id: two targets that judge the same fact the same way raise it once, the graver
  // first.
  std::map<std::string, pb::RankingAlert> by_id;
  for (const auto& [_, t] : catalog.targets) {
    if (t.retired()) continue;
    auto subject = TargetSubjectOf(t, config);
    auto target_period = Period::Parse(t.period());
    if (!subject.ok() || !target_period.ok() || subject->scope != fact.scope() ||
        subject->indicator_code != fact.indicator_code() ||
        !IsSubjectRegion(*subject, region->second, config) || !target_period->Contains(*period)) {
      continue;
    }
    // A shorter period inside the target's is a warning of its result, never the result.
    const bool result = *period == *target_period;
    pb::AlertRule rule;
    std::string what;
    if (fact.rank() > t.floor_rank_at_most()) {
      rule = pb::ALERT_RULE_QUARTER_FLOOR_BREACHED;
      what = absl::StrFormat("掉出%s底线（前%d）", t.period(), t.floor_rank_at_most());
    } else if (fact.rank() > t.target_rank_at_most()) {
      rule = pb::ALERT_RULE_QUARTER_TARGET_MISSED;
      what = absl::StrFormat("未达%s目标（前%d）", t.period(), t.target_rank_at_most());
    } else {
      continue;
    }
    if (config.disabled.contains(rule)) continue;
    const pb::Severity severity = result && rule == pb::ALERT_RULE_QUARTER_FLOOR_BREACHED
                                      ? pb::SEVERITY_CRITICAL
                                      : pb::SEVERITY_WARNING;
    pb::RankingAlert a = NewAlert(rule, severity, fact, indicator, region->second.name());
    if (auto seen = by_id.find(a.id()); seen != by_id.end() && seen->second.severity() >= severity) {
      continue;
    }
    // Below the floor is 排名靠后 (§四(五)): the target period's result is rectified; a target
    // missed short of the floor costs nothing the plan names. A warning says what its result would be.
    const char* consequence =
        rule == pb::ALERT_RULE_QUARTER_FLOOR_BREACHED ? plan_text::kRectify : plan_text::kWarningOnly;
    a.set_consequence(result ? std::string(consequence)
                             : absl::StrCat("若", KindName(target_period->kind()), "排名如此：", consequence));
    // As every alert (ledger.h): at risk for a month or a quarter, pending for a year's result.
    a.set_standing(result ? StandingOf(fact.period()) : pb::STANDING_AT_RISK);
    a.set_target_warning(!result);
    if (!result) what += OnTrackWarning(*period, *target_period);
    a.set_message(absl::StrFormat("%s %s %s：全省第%d名/共%d，%s", fact.period(), a.region_name(),
                                  a.indicator_name(), fact.rank(), fact.total(), what));
    by_id[a.id()] = std::move(a);
  }
  for (auto& [_, a] : by_id) out.push_back(std::move(a));
  return out;
}

}  // namespace ys::ranking
