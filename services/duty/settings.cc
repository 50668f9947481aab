#include "services/duty/settings.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/config/config.h"
#include "common/status/macros.h"

namespace ys::duty {
namespace {

absl::StatusOr<int> ReadClock(const Config& config, const std::string& key, int fallback) {
  if (!config.Has(key)) return fallback;
  ASSIGN_OR_RETURN(std::string text, config.GetString(key));
  absl::StatusOr<int> minutes = ParseClockTime(text, key);
  if (!minutes.ok()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("config key '%s' must be a time of day HH:MM, got '%s'", key, text));
  }
  return *minutes;
}

absl::StatusOr<Span> ReadSpan(const Config& config, const std::string& key, Span fallback) {
  Span s;
  ASSIGN_OR_RETURN(s.start, ReadClock(config, key + ".start", fallback.start));
  ASSIGN_OR_RETURN(s.end, ReadClock(config, key + ".end", fallback.end));
  if (s.end <= s.start) {
    return absl::InvalidArgumentError(absl::StrFormat("config key '%s.end' must be after %s.start", key, key));
  }
  return s;
}

absl::StatusOr<int> ReadCount(const Config& config, const std::string& key, int fallback, int lo, int hi) {
  ASSIGN_OR_RETURN(int64_t v, config.GetIntIn(key, fallback, lo, hi));
  return static_cast<int>(v);
}

absl::StatusOr<HighFrequencyUnits> ReadHighFrequency(const Config& config) {
  std::string key = "directory.units_file";
  std::string path = config.GetString(key, "");
  if (path.empty()) {
    key = "auth.units_file";
    path = config.GetString(key, "");
  }
  if (path.empty()) return HighFrequencyUnits{};
  ASSIGN_OR_RETURN(std::string text, ReadConfigFile(key, path));
  absl::StatusOr<HighFrequencyUnits> out = HighFrequencyFromUnitsYaml(text);
  if (!out.ok()) {
    return absl::InvalidArgumentError(absl::StrFormat("config key '%s' (%s): %s", key, path, out.status().message()));
  }
  return out;
}

}  // namespace

absl::StatusOr<DutySettings> LoadDutySettings(const Config& config) {
  DutySettings s;
  ASSIGN_OR_RETURN(s.hours.morning, ReadSpan(config, "duty.hours.morning", s.hours.morning));
  ASSIGN_OR_RETURN(s.hours.afternoon, ReadSpan(config, "duty.hours.afternoon", s.hours.afternoon));
  if (s.hours.afternoon.start < s.hours.morning.end) {
    return absl::InvalidArgumentError("config key 'duty.hours.afternoon.start' must not be before duty.hours.morning.end");
  }
  ASSIGN_OR_RETURN(s.registration.record_due_working_days,
                   ReadCount(config, "duty.record_due_working_days", s.registration.record_due_working_days, 1, 20));
  ASSIGN_OR_RETURN(s.roster.publish_minutes, ReadClock(config, "duty.roster.publish_at", s.roster.publish_minutes));
  if (config.Has("duty.roster.reminder_days")) {
    ASSIGN_OR_RETURN(std::vector<std::string> days, config.GetStringList("duty.roster.reminder_days"));
    s.roster.reminder_days.clear();
    for (const std::string& d : days) {
      int n = 0;
      if (!absl::SimpleAtoi(d, &n) || n < 1 || n > 30) {
        return absl::InvalidArgumentError(
            absl::StrFormat("config key 'duty.roster.reminder_days' holds '%s': each must be 1..30 days", d));
      }
      s.roster.reminder_days.push_back(n);
    }
    std::sort(s.roster.reminder_days.rbegin(), s.roster.reminder_days.rend());
  }
  ASSIGN_OR_RETURN(s.compliance_report_minutes,
                   ReadClock(config, "duty.compliance_report.publish_at", s.compliance_report_minutes));
  ASSIGN_OR_RETURN(s.scheduler_interval, config.GetDuration("duty.scheduler_interval", s.scheduler_interval));
  if (s.scheduler_interval < absl::Seconds(1)) {
    return absl::InvalidArgumentError("config key 'duty.scheduler_interval' must be at least 1s");
  }
  ASSIGN_OR_RETURN(s.staff.work_hours, ReadSpan(config, "staff.work_hours", s.staff.work_hours));
  ASSIGN_OR_RETURN(s.staff.grace_minutes, ReadCount(config, "staff.grace_minutes", s.staff.grace_minutes, 0, 120));
  ASSIGN_OR_RETURN(s.staff.replacement_working_days,
                   ReadCount(config, "staff.replacement_working_days", s.staff.replacement_working_days, 1, 120));
  ASSIGN_OR_RETURN(s.staff.min_criticisms,
                   ReadCount(config, "staff.min_criticisms", s.staff.min_criticisms, 1, 20));
  ASSIGN_OR_RETURN(s.high_frequency, ReadHighFrequency(config));
  return s;
}

}  // namespace ys::duty
