#pragma once

// The notify service's settings from its YAML config (and YS_* overrides). Every number here is the
// office's local policy or an operating setting: the work plan names who is told (its §四), never
// how fast or when. Labelled so in config.example.yaml and docs/rules.md.
//
//   notify:
//     routing_file: services/notify/routing.yaml   # route: and inhibit_rules: (routing.h, inhibition.h)
//     templates_dir: services/notify/templates   # templates.h
//     recipients_file: data/notify/recipients.sample.yaml  # imported at start when none is stored
//     secrets_dir: var/notify/secrets            # outgoing.h DirectorySecrets
//     console_url: http://127.0.0.1:8080         # links in messages ("" for none)
//     quiet: {work_start: "08:30", work_end: "18:00", digest_time: "08:30", send_at_once_from: critical}
//     retry: {base: 2s, cap: 10m, max_attempts: 8, floor: 1s}
//     rate_limits: {daily_cap: 500}              # per robot; the robots' per-minute limits are theirs
//     silences: {max_duration: 720h}
//     active_event_ttl: 1080h                    # how long an alert counts for inhibition (45 days)
//     case_opening_rules: [last_in_province, …]  # as rectification's cases.open_on_rules
//     dispatch: {tick: 200ms, batch: 50, workers: 4, lease: 60s, group_batch: 200}
//     http: {connect_timeout: 5s, total_timeout: 15s, ca_file: ""}
//     smtp: {url: "", from: notify@yingshang.invalid, from_name: 市营商办, tls: required,
//            username: "", password_file: ""}   # url "" : no e-mail channel (it fails over)

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/config/config.h"
#include "services/notify/events.h"
#include "services/notify/inhibition.h"
#include "services/notify/mail.h"
#include "services/notify/quiet_hours.h"
#include "services/notify/rate_limit.h"
#include "services/notify/retry.h"
#include "services/notify/routing.h"
#include "services/notify/senders.h"

namespace ys::notify {

// How the dispatcher paces itself (operating settings).
struct DispatchOptions {
  absl::Duration tick = absl::Milliseconds(200);  // how often due groups and deliveries are looked for
  int batch = 50;         // deliveries one worker takes at once
  int workers = 4;        // sending threads
  int group_batch = 200;  // due groups flushed in one unit of work
  // How long a delivery taken for sending stays SENDING before another worker (or the restarted
  // service) may take it again: longer than any attempt (the senders' total timeouts).
  absl::Duration lease = absl::Seconds(60);
};

struct NotifySettings {
  std::string routing_file;
  RouteTree routes;
  std::vector<InhibitRule> inhibit_rules;
  std::string templates_dir;
  std::string recipients_file;  // "" : none
  std::string secrets_dir;
  std::string console_url;
  QuietPolicy quiet;
  RetryPolicy retry;
  RateLimitPolicy rate_limits;
  SilencePolicy silences;
  absl::Duration active_event_ttl = absl::Hours(24 * 45);
  EventOptions events;
  DispatchOptions dispatch;
  HttpSenderOptions http;
  bool smtp_enabled = false;
  SmtpSenderOptions smtp;
  MailAddress mail_from{"市营商办", "notify@yingshang.invalid"};
};

// INVALID_ARGUMENT naming the key (or the routing file's path and line) for a bad value.
absl::StatusOr<NotifySettings> LoadNotifySettings(const Config& config);

}  // namespace ys::notify
