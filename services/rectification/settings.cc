#include "services/rectification/settings.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "common/config/enum_name.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status/macros.h"

namespace ys::rectification {
namespace {

absl::StatusOr<DeadlinePolicy> ReadDeadline(const Config& config, const std::string& key) {
  const bool months = config.Has(key + ".months");
  const bool days = config.Has(key + ".working_days");
  if (months == days) {
    return absl::InvalidArgumentError(
        absl::StrFormat("config key '%s' needs exactly one of months or working_days", key));
  }
  DeadlinePolicy p;
  p.kind = months ? DeadlinePolicy::Kind::kCalendarMonths : DeadlinePolicy::Kind::kWorkingDays;
  const std::string k = key + (months ? ".months" : ".working_days");
  ASSIGN_OR_RETURN(int64_t amount, config.GetInt(k));
  if (amount < 1 || amount > 366) {
    return absl::InvalidArgumentError(absl::StrFormat("config key '%s' must be 1..366, got %d", k, amount));
  }
  p.amount = static_cast<int>(amount);
  return p;
}

// The work plan's ladder is 督办 at the due time; what follows is local policy, off by default.
absl::StatusOr<EscalationPolicy> ReadEscalation(const Config& config) {
  if (config.Has("cases.escalation_days")) {
    return absl::InvalidArgumentError(
        "config key 'cases.escalation_days' was removed: 督办 at the due time is the work plan's only step; "
        "later steps are local policy under cases.escalation.local_steps, a referral to 市纪委监委 is the "
        "office's decision (ysctl case refer), cases.escalation.suggest_referral_after_days may suggest one");
  }
  EscalationPolicy out;
  constexpr char kSteps[] = "cases.escalation.local_steps";
  if (config.Has(kSteps) && config.Keys(kSteps).empty()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "config key '%s' must map each step's name to its days past due, e.g. {报领班: {after_days: 7}}", kSteps));
  }
  std::set<int64_t> days;
  for (const std::string& name : config.Keys(kSteps)) {
    const std::string key = absl::StrCat("cases.escalation.local_steps.", name);
    if (auto s = CheckLocalStepName(name); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrFormat("config key '%s': %s", key, s.message()));
    }
    ASSIGN_OR_RETURN(int64_t after, config.GetInt(key + ".after_days"));
    if (after < 1 || after > 366) {
      return absl::InvalidArgumentError(
          absl::StrFormat("config key '%s.after_days' must be 1..366 (督办 is at the due time), got %d", key, after));
    }
    if (!days.insert(after).second) {
      return absl::InvalidArgumentError(
          absl::StrFormat("config key '%s.after_days': another local step is at %d days", key, after));
    }
    out.local_steps.push_back({name, static_cast<int>(after)});
  }
  std::sort(out.local_steps.begin(), out.local_steps.end(),
            [](const LocalStep& a, const LocalStep& b) { return a.after_days < b.after_days; });
  constexpr char kSuggest[] = "cases.escalation.suggest_referral_after_days";
  ASSIGN_OR_RETURN(int64_t suggest, config.GetInt(kSuggest, 0));
  if (suggest < 0 || suggest > 366) {
    return absl::InvalidArgumentError(
        absl::StrFormat("config key '%s' must be 0 (off) to 366, got %d", kSuggest, suggest));
  }
  out.suggest_referral_after_days = static_cast<int>(suggest);
  return out;
}

}  // namespace

absl::StatusOr<RectificationSettings> LoadRectificationSettings(const Config& config) {
  RectificationSettings s;
  CasePolicies& p = s.policies;
  if (config.Has("cases.deadline")) {
    ASSIGN_OR_RETURN(p.deadlines.fallback, ReadDeadline(config, "cases.deadline"));
  }
  for (const std::string& name : config.Keys("cases.deadlines")) {
    pb::Origin origin;
    if (!ParseEnumShortName("ORIGIN_", name, &pb::Origin_Parse, &origin)) {
      return absl::InvalidArgumentError(
          absl::StrFormat("config key 'cases.deadlines.%s': unknown origin", name));
    }
    ASSIGN_OR_RETURN(p.deadlines.by_origin[origin], ReadDeadline(config, "cases.deadlines." + name));
  }
  ASSIGN_OR_RETURN(p.escalation, ReadEscalation(config));
  if (config.Has("cases.open_on_rules")) {
    ASSIGN_OR_RETURN(std::vector<std::string> names, config.GetStringList("cases.open_on_rules"));
    p.alerts.rules.clear();
    for (const auto& n : names) {
      rpb::AlertRule rule;
      if (!ParseEnumShortName("ALERT_RULE_", n, &rpb::AlertRule_Parse, &rule)) {
        return absl::InvalidArgumentError(
            absl::StrFormat("config key 'cases.open_on_rules': unknown rule '%s'", n));
      }
      p.alerts.rules.insert(rule);
    }
  }
  p.alerts.fallback_unit = config.GetString("cases.fallback_unit", p.alerts.fallback_unit);
  ASSIGN_OR_RETURN(p.input, input::InputLimitsFromConfig(config));
  ASSIGN_OR_RETURN(s.sweep_interval, config.GetDuration("cases.sweep_interval", s.sweep_interval));
  return s;
}

}  // namespace ys::rectification
