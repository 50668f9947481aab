#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/kafka/publisher.h"
#include "common/metrics/metrics.h"
#include "common/pg/pool.h"

namespace pqxx {
class transaction_base;
}

namespace ys {

// Adds an event to the outbox in the caller's transaction: it is published if and only if the
// transaction that changed the state commits (DESIGN §4, transactional outbox).
void EnqueueOutbox(pqxx::transaction_base& tx, const OutgoingEvent& event);
// The same for many events in one statement (in order).
void EnqueueOutboxBatch(pqxx::transaction_base& tx, const std::vector<OutgoingEvent>& events);
// Puts events already published (one topic's, or all when topic is empty) back in the outbox, to be published again
// in their first order: for a consumer whose topic was lost. Consumers dedup them (inbox).
// Returns how many.
int64_t RequeueSentEvents(pqxx::transaction_base& tx, const std::string& topic);

struct OutboxRelayOptions {
  size_t batch_size = 500;
  absl::Duration publish_timeout = absl::Seconds(15);
  absl::Duration idle_wait = absl::Milliseconds(100);
  // Sent rows (moved to outbox_sent; the view outbox_log shows them with the pending ones) are
  // kept this long for inspection, then deleted by the running relay.
  absl::Duration keep_sent = absl::Hours(24 * 7);
  // Called after a batch is delivered and before it is marked sent; fault-injection tests use it to
  // widen the window in which a crash publishes rows twice. Empty in services.
  std::function<void()> after_publish;
};

// Publishes pending outbox rows in id order (so in order per key) and moves them to outbox_sent,
// which marks them sent (the outbox holds only what is pending). One relay
// per schema is active at a time (transaction-level advisory lock), so replicas are safe. A crash
// between publishing and marking publishes the rows again: consumers dedup by source and id (inbox).
class OutboxRelay {
 public:
  OutboxRelay(PgPool& pool, EventPublisher& publisher, Metrics& metrics,
              OutboxRelayOptions options = {});
  ~OutboxRelay();

  // One batch: how many rows were published and moved to outbox_sent (0 when nothing is pending or another
  // replica holds the relay lock).
  absl::StatusOr<size_t> RunOnce();
  // Rows not yet sent.
  absl::StatusOr<int64_t> Pending();
  // Deletes rows of outbox_sent sent more than keep_sent ago; returns how many.
  absl::StatusOr<int64_t> PurgeSent();

  // Runs batches on a background thread until Stop; errors are logged, counted and retried.
  void Start();
  // Finishes the batch in progress, then returns.
  void Stop();

 private:
  PgPool& pool_;
  EventPublisher& publisher_;
  OutboxRelayOptions options_;
  prometheus::Counter& published_;
  prometheus::Counter& failures_;
  prometheus::Gauge& pending_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace ys
