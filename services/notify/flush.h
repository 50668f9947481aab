#pragma once

// When a group speaks: the groups due now (grouping.h NextFlushAt, kept in the store) are flushed in
// one unit of work, each into at most one Notification with its inbox item and its first delivery.
//
// For each due group:
// 1. Members silenced (a silence in force matching the member's labels) or inhibited (an event in
//    force matching an inhibit rule's source, inhibition.h) are left out of the message; they still
//    count as told (the group's fingerprints move on), so a silence that ends does not replay them
//    at once — the next repeat_interval does. A group whose members are all left out sends nothing.
// 2. The message is composed (compose.h) and kept as a Notification: id "N-<16 hex of the group
//    key's SHA-256>-<sequence>", the same when the unit of work is retried.
// 3. The recipient's inbox gets it at once, whatever the hour (a person opens their inbox when they
//    choose), recorded as a delivery on the inbox channel, DELIVERED.
// 4. The recipient's first outside channel (lowest order; webhook, robots, e-mail) gets a delivery:
//    PENDING now, or HELD until the morning digest (quiet_hours.h) or the recipient's own daily or
//    weekly digest (digest.h) — critical never waits. A recipient with the inbox only has nothing
//    more.
// 5. What was told and is news only once leaves the group: every case and duty event (each is its
//    own ce_id; the inbox claim keeps a redelivered one out). A ranking alert stands — repeated every
//    repeat_interval and withdrawable — until active_event_ttl after it arrived (local policy).
// Local policy, labelled so in docs/rules.md: when the holiday calendar has no arrangement for the
// year (quiet_hours.h refuses to guess), a message goes at once rather than wait on an unknown day.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/time/calendar.h"
#include "services/notify/recipient_book.h"
#include "services/notify/settings.h"
#include "services/notify/store.h"

namespace ys::notify {

struct FlushResult {
  int groups = 0;         // due groups looked at
  int notifications = 0;  // messages made
  int suppressed = 0;     // members left out (silenced or inhibited)
  int held = 0;           // first deliveries held for a digest
};

// Whether a message to `recipient` goes now or waits, and why (Chinese, for the history).
struct HoldDecision {
  bool hold = false;
  absl::Time until = absl::InfinitePast();
  std::string reason;
};
HoldDecision DecideHold(std::string_view severity, const Recipient& recipient, absl::Time now,
                        const WorkingDayCalendar& calendar, const QuietPolicy& policy);

// The inbox item of notification `n` for `recipient_id`: id "<notification>/<recipient>", its title,
// markdown, severity and type, created at `now`, unread.
pb::InboxItem InboxItemFor(const pb::Notification& n, const std::string& recipient_id, absl::Time now);

// A delivery of notification `n` to `recipient` over `channel`, its id store.h's DeliveryId.
pb::Delivery MakeDelivery(const pb::Notification& n, const std::string& recipient, const Channel& channel,
                          pb::DeliveryState state, absl::Time now);

// Step 5: drops the members already told, except ranking alerts that arrived at or after
// `alerts_before`.
void ForgetTold(GroupState& state, absl::Time alerts_before);

// "N-<16 hex>-<sequence>".
std::string NotificationId(std::string_view group_key, int64_t sequence);

// The recipient's outside channels (not the inbox) in failover order.
std::vector<Channel> OutsideChannels(const Recipient& recipient);

class Flusher {
 public:
  Flusher(const NotifySettings& settings, const RecipientBook& book, const WorkingDayCalendar& calendar)
      : settings_(settings), book_(book), calendar_(calendar) {}

  // Flushes up to settings.dispatch.group_batch due groups in `tx`; none while the recipient book
  // is not ready (after a restart, until the catalog replica is loaded).
  absl::StatusOr<FlushResult> FlushDue(NotifyTx& tx, absl::Time now);

 private:
  // The events in force sharing each inhibition key, read once per flush: the same keys recur across
  // a flush's alerts (a county's alerts share their indicator's), and events change only at intake.
  using EventsByKey = std::map<Labels, std::vector<Labels>, std::less<>>;

  // Whether an event in force inhibits `target` now: asks the store only for the events that share
  // one of its inhibition keys (InhibitionKeys), so a flush's cost does not grow with the alerts standing.
  absl::StatusOr<bool> InhibitedNow(NotifyTx& tx, const Labels& target, absl::Time now, EventsByKey& read);

  const NotifySettings& settings_;
  const RecipientBook& book_;
  const WorkingDayCalendar& calendar_;
};

}  // namespace ys::notify
