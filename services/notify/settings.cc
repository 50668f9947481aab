#include "services/notify/settings.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/config/config.h"
#include "common/status/macros.h"

namespace ys::notify {
namespace {

absl::Status KeyError(absl::string_view key, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat("config key '", key, "': ", message));
}

// "HH:MM" as an offset from midnight.
absl::StatusOr<absl::Duration> ReadClock(const Config& config, const std::string& key, absl::Duration fallback) {
  if (!config.Has(key)) return fallback;
  ASSIGN_OR_RETURN(std::string text, config.GetString(key));
  std::vector<std::string> parts = absl::StrSplit(text, ':');
  int h = 0, m = 0;
  if (parts.size() != 2 || parts[0].size() != 2 || parts[1].size() != 2 || !absl::SimpleAtoi(parts[0], &h) ||
      !absl::SimpleAtoi(parts[1], &m) || h > 23 || m > 59) {
    return KeyError(key, absl::StrCat("must be a time of day HH:MM, got '", text, "'"));
  }
  return absl::Hours(h) + absl::Minutes(m);
}

absl::StatusOr<absl::Duration> ReadPositive(const Config& config, const std::string& key, absl::Duration fallback) {
  ASSIGN_OR_RETURN(absl::Duration d, config.GetDuration(key, fallback));
  if (d <= absl::ZeroDuration()) return KeyError(key, "must be positive");
  return d;
}

absl::StatusOr<int> ReadCount(const Config& config, const std::string& key, int fallback, int lo, int hi) {
  ASSIGN_OR_RETURN(int64_t v, config.GetIntIn(key, fallback, lo, hi));
  return static_cast<int>(v);
}

absl::Status ReadRouting(const Config& config, NotifySettings& s) {
  const std::string key = "notify.routing_file";
  s.routing_file = config.GetString(key, "services/notify/routing.yaml");
  ASSIGN_OR_RETURN(std::string yaml, ReadConfigFile(key, s.routing_file));
  absl::StatusOr<RouteTree> routes = ParseRouteTree(yaml);
  if (!routes.ok()) return KeyError(key, absl::StrCat(s.routing_file, ": ", routes.status().message()));
  s.routes = *std::move(routes);
  absl::StatusOr<std::vector<InhibitRule>> rules = ParseInhibitRules(yaml);
  if (!rules.ok()) return KeyError(key, absl::StrCat(s.routing_file, ": ", rules.status().message()));
  s.inhibit_rules = *std::move(rules);
  return absl::OkStatus();
}

absl::Status ReadQuiet(const Config& config, QuietPolicy& q) {
  ASSIGN_OR_RETURN(q.work_start, ReadClock(config, "notify.quiet.work_start", q.work_start));
  ASSIGN_OR_RETURN(q.work_end, ReadClock(config, "notify.quiet.work_end", q.work_end));
  ASSIGN_OR_RETURN(q.digest_time, ReadClock(config, "notify.quiet.digest_time", q.digest_time));
  const std::string key = "notify.quiet.send_at_once_from";
  if (config.Has(key)) {
    ASSIGN_OR_RETURN(std::string text, config.GetString(key));
    absl::StatusOr<Severity> level = ParseSeverity(text);
    if (!level.ok()) return KeyError(key, level.status().message());
    q.send_at_once_from = *level;
  }
  if (absl::Status v = ValidateQuietPolicy(q); !v.ok()) return KeyError("notify.quiet", v.message());
  return absl::OkStatus();
}

absl::Status ReadRetry(const Config& config, RetryPolicy& r) {
  ASSIGN_OR_RETURN(r.base, ReadPositive(config, "notify.retry.base", r.base));
  ASSIGN_OR_RETURN(r.cap, ReadPositive(config, "notify.retry.cap", r.cap));
  ASSIGN_OR_RETURN(r.floor, ReadPositive(config, "notify.retry.floor", r.floor));
  ASSIGN_OR_RETURN(r.max_attempts, ReadCount(config, "notify.retry.max_attempts", r.max_attempts, 1, 100));
  if (absl::Status v = ValidateRetryPolicy(r); !v.ok()) return KeyError("notify.retry", v.message());
  return absl::OkStatus();
}

absl::Status ReadSenders(const Config& config, NotifySettings& s) {
  ASSIGN_OR_RETURN(s.http.connect_timeout, ReadPositive(config, "notify.http.connect_timeout", s.http.connect_timeout));
  ASSIGN_OR_RETURN(s.http.total_timeout, ReadPositive(config, "notify.http.total_timeout", s.http.total_timeout));
  if (s.http.connect_timeout > s.http.total_timeout) {
    return KeyError("notify.http.connect_timeout", "must not exceed notify.http.total_timeout");
  }
  s.http.ca_file = config.GetString("notify.http.ca_file", "");
  s.smtp.total_timeout = absl::Seconds(20);  // within the default lease's half (60 s / 2)
  s.smtp.server_url = config.GetString("notify.smtp.url", "");
  s.smtp_enabled = !s.smtp.server_url.empty();
  s.mail_from.address = config.GetString("notify.smtp.from", s.mail_from.address);
  s.mail_from.name = config.GetString("notify.smtp.from_name", s.mail_from.name);
  s.smtp.mail_from = s.mail_from.address;
  s.smtp.username = config.GetString("notify.smtp.username", "");
  if (!config.GetString("notify.smtp.password_file", "").empty()) {  // unset: the server takes no password
    ASSIGN_OR_RETURN(s.smtp.password, ReadSecretFile(config, "notify.smtp.password_file"));
  }
  const std::string tls = config.GetString("notify.smtp.tls", "required");
  if (tls == "required") {
    s.smtp.tls = SmtpTls::kRequired;
  } else if (tls == "opportunistic") {
    s.smtp.tls = SmtpTls::kOpportunistic;
  } else if (tls == "none") {
    s.smtp.tls = SmtpTls::kNone;
  } else {
    return KeyError("notify.smtp.tls", absl::StrCat("must be required, opportunistic or none, got '", tls, "'"));
  }
  ASSIGN_OR_RETURN(s.smtp.total_timeout, ReadPositive(config, "notify.smtp.total_timeout", s.smtp.total_timeout));
  if (s.smtp.connect_timeout > s.smtp.total_timeout) s.smtp.connect_timeout = s.smtp.total_timeout;
  return absl::OkStatus();
}

absl::Status ReadDispatch(const Config& config, NotifySettings& s) {
  DispatchOptions& d = s.dispatch;
  ASSIGN_OR_RETURN(d.tick, ReadPositive(config, "notify.dispatch.tick", d.tick));
  ASSIGN_OR_RETURN(d.batch, ReadCount(config, "notify.dispatch.batch", d.batch, 1, 1000));
  ASSIGN_OR_RETURN(d.workers, ReadCount(config, "notify.dispatch.workers", d.workers, 1, 64));
  ASSIGN_OR_RETURN(d.group_batch, ReadCount(config, "notify.dispatch.group_batch", d.group_batch, 1, 10000));
  ASSIGN_OR_RETURN(d.lease, ReadPositive(config, "notify.dispatch.lease", d.lease));
  const absl::Duration longest = std::max(s.http.total_timeout, s.smtp_enabled ? s.smtp.total_timeout : absl::ZeroDuration());
  if (d.lease < 2 * longest) {
    return KeyError("notify.dispatch.lease",
                    absl::StrCat("must be at least twice the longest send timeout (", absl::FormatDuration(longest),
                                 "), got ", absl::FormatDuration(d.lease)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<NotifySettings> LoadNotifySettings(const Config& config) {
  NotifySettings s;
  RETURN_IF_ERROR(ReadRouting(config, s));
  s.templates_dir = config.GetString("notify.templates_dir", "services/notify/templates");
  s.recipients_file = config.GetString("notify.recipients_file", "");
  s.secrets_dir = config.GetString("notify.secrets_dir", "var/notify/secrets");
  s.console_url = config.GetString("notify.console_url", "");
  RETURN_IF_ERROR(ReadQuiet(config, s.quiet));
  RETURN_IF_ERROR(ReadRetry(config, s.retry));
  s.rate_limits = DefaultRateLimitPolicy();
  ASSIGN_OR_RETURN(const int cap, ReadCount(config, "notify.rate_limits.daily_cap", 500, 0, 1000000));
  for (auto& [channel, limits] : s.rate_limits.by_channel) {
    if (channel != "email") limits.daily_cap = cap;
  }
  if (absl::Status v = ValidateRateLimitPolicy(s.rate_limits); !v.ok()) return KeyError("notify.rate_limits", v.message());
  ASSIGN_OR_RETURN(s.silences.max_duration, ReadPositive(config, "notify.silences.max_duration", s.silences.max_duration));
  ASSIGN_OR_RETURN(s.active_event_ttl, ReadPositive(config, "notify.active_event_ttl", s.active_event_ttl));
  if (config.Has("notify.case_opening_rules")) {
    ASSIGN_OR_RETURN(std::vector<std::string> rules, config.GetStringList("notify.case_opening_rules"));
    s.events.case_opening_rules = {rules.begin(), rules.end()};
  }
  RETURN_IF_ERROR(ReadSenders(config, s));
  RETURN_IF_ERROR(ReadDispatch(config, s));
  return s;
}

}  // namespace ys::notify
