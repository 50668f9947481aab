#include "services/rectification/settings.h"

#include <array>

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
  std::array<std::pair<const char*, absl::Duration*>, 3> ladder = {{
      {"reminder", &p.escalation.reminder_after},
      {"raised", &p.escalation.raise_after},
      {"referred", &p.escalation.refer_after},
  }};
  for (auto& [name, field] : ladder) {
    const std::string key = absl::StrCat("cases.escalation_days.", name);
    ASSIGN_OR_RETURN(int64_t days, config.GetInt(key, absl::ToInt64Hours(*field) / 24));
    if (days < 0) return absl::InvalidArgumentError(absl::StrFormat("config key '%s' must be >= 0", key));
    *field = absl::Hours(24 * days);
  }
  if (!(p.escalation.reminder_after <= p.escalation.raise_after &&
        p.escalation.raise_after <= p.escalation.refer_after)) {
    return absl::InvalidArgumentError(
        "config key 'cases.escalation_days': reminder <= raised <= referred is required");
  }
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
