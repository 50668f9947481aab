#pragma once

// When the events of one group are sent, and what the message says: Alertmanager's aggregation
// group (dispatch/dispatch.go) as a pure state machine, so its state can live in PostgreSQL.
//
// A group is the events that one route sends to one receiver and that agree on the route's group_by
// labels (GroupKey). Its timings are the route's:
// - the first message goes group_wait after the group's first event, so a burst (1,000 alerts from
//   one ranking) becomes one message per receiver and group instead of 1,000;
// - later, a message goes group_interval after the last one when something changed since — a new
//   event, a changed one, a withdrawn one;
// - when nothing changed, the same content is repeated repeat_interval after the last message.
//
// Where it improves on Alertmanager:
// - "Changed" is decided by content, not by the clock: each member remembers the fingerprint of
//   what was last sent about it. A service restarted with its state reloaded (from PostgreSQL), or an
//   event delivered twice by Kafka, finds nothing changed and waits for repeat_interval — no "repeat
//   storm after restart", which Alertmanager users hit when its notification log is lost or late.
// - Events that join an already-flushed group after a quiet spell wait group_wait from the first of
//   them too (not merely until the next group_interval tick), so a second burst is also one message.
// - An event withdrawn before anyone was told of it disappears silently; one withdrawn after it was
//   sent is reported once as withdrawn (our rankings withdraw alerts of superseded revisions), then
//   leaves the group.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "services/notify/labels.h"
#include "services/notify/routing.h"

namespace ys::notify {

struct GroupTimings {
  absl::Duration wait;
  absl::Duration interval;
  absl::Duration repeat;
};
GroupTimings TimingsOf(const RouteTimings& route);

// A stable text naming a group, the same in every process and version:
//   {}/{event_type="ranking_alert"}|unit:市商务局|{event_type="ranking_alert",unit="市商务局"}
// (route key, receiver, then the group_by labels in name order — a missing label is empty, as in
// Alertmanager; with group_by "..." every label of the event).
std::string GroupKey(std::string_view route_key, std::string_view receiver, const GroupBy& group_by,
                     const Labels& labels);

// What the message says about one member, rendered when its event arrived (templates.h): a group
// of one sends this text; a larger group lists the titles. Not part of the member's fingerprint
// (labels are): the same event rendered again is not news.
struct MemberContent {
  std::string event_id;     // ce_id
  std::string event_source; // ce_source
  std::string event_type;   // the event_type label
  std::string severity;     // info | warning | critical
  std::string title;        // the mail_subject rendered
  std::string markdown;
  std::string mail_text;
  absl::Time occurred_at = absl::UnixEpoch();
};

// One event in a group, keyed in GroupState::members by the caller's alert key (the alert's id:
// the same alert re-sent or updated has the same key).
struct AlertEntry {
  Labels labels;
  absl::Time first_seen;
  absl::Time last_changed;
  bool withdrawn = false;  // resolved, or withdrawn with a superseded revision
  // EntryFingerprint of what the last message said about it; empty until it is first sent.
  std::string last_sent_fingerprint;
  MemberContent content;  // set by the caller after Add (and after Withdraw: the withdrawn text)
};

struct GroupState {
  absl::Time first_seen = absl::InfinitePast();  // of the group's first event (set by Add)
  std::optional<absl::Time> last_flush;
  std::string last_flush_fingerprint;
  int64_t flushes = 0;  // messages sent so far; with the group key, a message's idempotency key
  std::map<std::string, AlertEntry, std::less<>> members;
  // Where the group came from, so a flush needs nothing but the state: the matched route's path,
  // the recipient id, the route's timings and the group_by labels' values.
  std::string route_path;
  std::string receiver;
  GroupTimings timings;
  Labels group_labels;
};

// Adds or updates an event. A new one, a changed one (other labels) or a withdrawn one coming back
// bumps last_changed; the same labels again change nothing (redelivery). Returns whether it changed.
bool Add(GroupState& state, std::string_view key, const Labels& labels, absl::Time now);
// Withdraws an event: removed at once when it was never sent, else reported once as withdrawn.
// Returns whether the group changed.
bool Withdraw(GroupState& state, std::string_view key, absl::Time now);

// When the next message is due; nullopt when there is nothing to send (no members).
std::optional<absl::Time> NextFlushAt(const GroupState& state, const GroupTimings& timings);

struct NotifiedAlert {
  enum class Status { kNew, kChanged, kUnchanged, kWithdrawn };
  std::string key;
  Labels labels;
  Status status = Status::kNew;
};

// What one message of a group says.
struct GroupNotification {
  std::vector<NotifiedAlert> alerts;  // by alert key
  int new_count = 0, changed_count = 0, unchanged_count = 0, withdrawn_count = 0;
  bool repeat = false;      // nothing changed: sent because repeat_interval passed
  std::string fingerprint;  // of the members' keys and contents (hex SHA-256, 16 digits)
  int64_t sequence = 0;     // 1 for the group's first message
  absl::Time at;
};

// The message as of `now`, and the state after it: members remember what was sent, withdrawn ones
// leave. It does not check that a message is due (FlushIfDue does). After it, an empty group can be
// dropped by the caller.
GroupNotification Flush(GroupState& state, absl::Time now);
// Flush when NextFlushAt(state) <= now; nullopt otherwise, and the state untouched.
std::optional<GroupNotification> FlushIfDue(GroupState& state, const GroupTimings& timings, absl::Time now);

// The fingerprint of one event's content (key, labels, withdrawn).
std::string EntryFingerprint(std::string_view key, const AlertEntry& entry);

}  // namespace ys::notify
