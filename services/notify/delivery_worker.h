#pragma once

// Sends what is due: one worker's turn takes a batch of due deliveries, sends them, and records each
// attempt and what follows (retry.h) — in three steps, so no transaction stays open while a sink
// answers:
// 1. take (one unit of work): DueDeliveries — PENDING, HELD, FAILED due now and SENDING whose lease
//    ran out — each marked SENDING with a lease (dispatch.lease) and committed. Another worker or
//    replica skips them (FOR UPDATE SKIP LOCKED, then the state).
// 2. send (no transaction): per delivery, the rate limit first (rate_limit.h: a wait puts it back
//    PENDING without an attempt; the daily cap fails over), then the channel's bytes (outgoing.h)
//    and one attempt (senders.h). HELD deliveries of one recipient and channel released together
//    (the morning's digest) go as ONE message (digest.h, compose.h) under a key of their ids.
// 3. record (a unit of work per message that reached a sink, right after it answered; one for the
//    rest): the attempt is appended, and retry.h's decision applied —
//    DELIVERED (and the Delivery event emitted), FAILED with its next time, FAILED_OVER with a new
//    delivery on the recipient's next outside channel, or DEAD (emitted too). A delivery no longer
//    SENDING (its lease ran out and another took it) is left to the other.
//
// A process killed after step 1 leaves SENDING rows; when their lease runs out, a worker takes them
// again and sends under the SAME idempotency key (the delivery's id), so a sink that acknowledged
// the first attempt can drop the second. A kill between the sink's answer and that message's record
// commit is the one window where a sink sees a key twice: it is why the key is sent.
//
// The rate limiter is shared by the workers of one process and saved in the store with each record
// that counted a send to a limited robot (a restart keeps the robots' windows); replicas each keep
// their own (issue #17).

#include <memory>
#include <mutex>
#include <random>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/time/clock.h"
#include "services/notify/outgoing.h"
#include "services/notify/rate_limit.h"
#include "services/notify/recipient_book.h"
#include "services/notify/retry.h"
#include "services/notify/senders.h"
#include "services/notify/settings.h"
#include "services/notify/store.h"

namespace ys::notify {

// The rate limiter the workers share, with its save.
class SharedRateLimiter {
 public:
  explicit SharedRateLimiter(RateLimiter limiter) : limiter_(std::move(limiter)) {}
  Admission Acquire(const RateLimitKey& key, absl::Time now);
  // Saves the state in `tx` (pruned at `now`) when a limited sink counted a send since the last save.
  absl::Status SaveIfChanged(NotifyTx& tx, absl::Time now);

 private:
  std::mutex mu_;
  RateLimiter limiter_;
  bool dirty_ = false;
};

// The limiter with the state the store saved (a restart keeps the robots' windows and daily counts).
absl::StatusOr<std::unique_ptr<SharedRateLimiter>> LoadRateLimiter(NotifyStore& store, RateLimitPolicy policy);

// What the workers report, for metrics (notify_metrics.h); every method may be called from any worker.
class DeliveryObserver {
 public:
  virtual ~DeliveryObserver() = default;
  // One attempt on `channel` ("wecom", "email", …) with its class and duration.
  virtual void Attempted(std::string_view channel, OutcomeClass outcome, absl::Duration duration) = 0;
  // A delivery reached `state` (DELIVERED, FAILED, FAILED_OVER, DEAD) on `channel`.
  virtual void Moved(std::string_view channel, pb::DeliveryState state) = 0;
};

// Files an e-mail attaches, by the reference a Notification names (notify.proto `attachments`:
// "document:<id>:pdf", an issued document's PDF). NOT_FOUND naming the reference when it has none.
class AttachmentSource {
 public:
  virtual ~AttachmentSource() = default;
  virtual absl::StatusOr<MailAttachment> Get(std::string_view ref) const = 0;
};

// The transports; `smtp` may be null (no relay configured: an e-mail channel fails over at once).
// `attachments` may be null: a message naming attachments is then refused (a dead letter with why).
struct Senders {
  Sender* http = nullptr;
  Sender* smtp = nullptr;
  const AttachmentSource* attachments = nullptr;
};

struct SendStats {
  int taken = 0;      // deliveries taken in step 1
  int messages = 0;   // messages sent (a digest is one)
  int delivered = 0;
  int retried = 0;
  int failed_over = 0;
  int dead = 0;
  int waited = 0;     // put back by the rate limit
};

class DeliveryWorker {
 public:
  DeliveryWorker(NotifyStore& store, const NotifySettings& settings, const RecipientBook& book,
                 Senders senders, const SecretSource& secrets, SharedRateLimiter& limiter,
                 const Clock& clock, DeliveryObserver* observer = nullptr,
                 uint64_t seed = std::random_device{}())
      : store_(store), settings_(settings), book_(book), senders_(senders), secrets_(secrets),
        limiter_(limiter), clock_(clock), observer_(observer), random_(seed) {}

  // One turn: take, send, record; nothing while the recipient book is not ready. A store error in step 1 or 3 is returned (what was taken stays
  // SENDING until its lease runs out, then is sent again under its key).
  absl::StatusOr<SendStats> RunOnce();

 private:
  struct Work;
  struct Outcome;
  absl::StatusOr<std::vector<Work>> Take(absl::Time now, SendStats& stats);
  Outcome Send(const Work& work, const std::string& key, const Recipient* recipient);
  absl::Status Record(const std::vector<Work>& work, const std::vector<Outcome>& outcomes, SendStats& stats);

  NotifyStore& store_;
  const NotifySettings& settings_;
  const RecipientBook& book_;
  Senders senders_;
  const SecretSource& secrets_;
  SharedRateLimiter& limiter_;
  const Clock& clock_;
  DeliveryObserver* observer_;
  std::mt19937_64 random_;
};

}  // namespace ys::notify
