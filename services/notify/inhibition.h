#pragma once

// Which events are not sent although a route matches them: inhibitions (one alert makes another
// redundant) and silences (people said "not now"). Both are rules on labels, applied before grouping.
//
// Inhibition, as Alertmanager's inhibit_rules:
//   inhibit_rules:
//     - source_matchers: ["rule=last_in_province"]
//       target_matchers: ["rule=bottom_three"]
//       equal: [indicator, scope, region, period]
// An event matching target_matchers is inhibited while an ACTIVE event (not itself) matches
// source_matchers and has the same value for every `equal` label: a unit last in the province on an
// indicator is not also told it is in the bottom three of that indicator, scope, region and period.
// One departure from Alertmanager: an `equal` label must be present and non-empty on both events.
// Alertmanager counts two missing labels as equal, so a source lacking `period` would silence a
// target of every period; here an event that cannot be shown to share the key is sent.
//
// Silences, as Alertmanager's: matchers and a time window [starts_at, ends_at), who and why. A silence
// must say why (comment), must end, and may last at most SilencePolicy::max_duration — 30 days by
// default, the office's local policy (Alertmanager sets no limit, and forgotten silences hide alerts
// for months). Like Alertmanager, a silence needs a matcher that does not match the empty label, so
// no silence matches every event.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/notify/labels.h"

namespace ys::notify {

struct InhibitRule {
  std::vector<Matcher> source_matchers;
  std::vector<Matcher> target_matchers;
  std::vector<std::string> equal;
};

// Reads the document's `inhibit_rules:` section (absent: no rules). INVALID_ARGUMENT naming the path
// and line: "inhibit_rules[0].equal[1]: … (line 7)". Both matcher lists are required: an empty list
// would match every event.
absl::StatusOr<std::vector<InhibitRule>> ParseInhibitRules(std::string_view yaml);

// Why an event is inhibited, for the delivery history.
struct Inhibition {
  size_t rule_index = 0;
  Labels source;
};

// The first rule and active event that inhibit `target`; nullopt when none does. `active` are the
// events currently in force (not withdrawn); an entry equal to `target` is the target itself and
// never inhibits it.
std::optional<Inhibition> FindInhibition(const Labels& target, const std::vector<Labels>& active,
                                         const std::vector<InhibitRule>& rules);
bool Inhibited(const Labels& target, const std::vector<Labels>& active,
               const std::vector<InhibitRule>& rules);

// What an active event must carry to inhibit `target`: for each rule whose target_matchers match
// it, the rule's `equal` labels with the target's values (a rule with an `equal` label the target
// lacks or has empty can never inhibit it and gives nothing). Distinct, in rule order. A store asked
// only for the events containing one of these finds every event FindInhibition could return for
// `target`, so a flush reads the few events that share its alerts' key, not every one in force.
std::vector<Labels> InhibitionKeys(const Labels& target, const std::vector<InhibitRule>& rules);

struct Silence {
  std::string id;
  std::vector<Matcher> matchers;  // all must match
  absl::Time starts_at;
  absl::Time ends_at;
  std::string created_by;
  std::string comment;

  // In force at `now`: starts_at <= now < ends_at.
  bool ActiveAt(absl::Time now) const { return starts_at <= now && now < ends_at; }
};

// Local policy (the office's choice, not Alertmanager's): how long one silence may last.
struct SilencePolicy {
  absl::Duration max_duration = absl::Hours(24 * 30);
};

// The first silence in force at `now` whose matchers all match; nullptr when none.
const Silence* FindSilence(const Labels& labels, const std::vector<Silence>& silences, absl::Time now);
bool Silenced(const Labels& labels, const std::vector<Silence>& silences, absl::Time now);

// A silence someone asks for: INVALID_ARGUMENT naming the field ("silence.comment: is required")
// unless it has matchers (one of which does not match an empty label), ends after it starts and
// after `now`, lasts at most policy.max_duration, and says who and why.
absl::Status CheckSilence(const Silence& silence, absl::Time now, const SilencePolicy& policy = {});

}  // namespace ys::notify
