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
// transaction that changed the state commits (docs/architecture.md, "Event contract": transactional outbox).
void EnqueueOutbox(pqxx::transaction_base& tx, const OutgoingEvent& event);
// The same for many events in one statement (in order).
void EnqueueOutboxBatch(pqxx::transaction_base& tx, const std::vector<OutgoingEvent>& events);
// Puts events already published (one topic's, or all when topic is empty) back in the outbox, to be published again
// in their first order: for a consumer whose topic was lost. Consumers dedup them (inbox).
// Returns how many.
int64_t RequeueSentEvents(pqxx::transaction_base& tx, const std::string& topic);

// A row Kafka refused for good (too large, a topic name it does not accept …): the relay moved it
// from the outbox to outbox_parked with the error, and went on with the rows after it.
struct ParkedEvent {
  int64_t id = 0;
  std::string topic;
  std::string key;
  std::string ce_id;
  std::string ce_type;
  std::string ce_source;
  absl::Time ce_time;
  int64_t size_bytes = 0;  // the payload's
  int error_code = 0;      // librdkafka's rd_kafka_resp_err_t
  std::string error;       // "Broker: Message size too large"
  absl::Time created_at;   // enqueued
  absl::Time parked_at;
};

// Parked rows in id order (the order they were emitted), `limit` from `offset`; and how many in all.
std::vector<ParkedEvent> ListParkedEvents(pqxx::transaction_base& tx, size_t offset, size_t limit);
int64_t CountParkedEvents(pqxx::transaction_base& tx);
// Moves parked rows (those of `ids`, or every one with `all`) back to the outbox to be
// published again, and returns the ids moved (ids not parked are left out). They keep their ids:
// ids come from a sequence and are never reused, so a row's id puts it before every event emitted
// after it that is still pending, as close to its first place as it can still be. (Events of its
// key published while it was parked went before it; that cannot be undone.)
std::vector<int64_t> RequeueParkedEvents(pqxx::transaction_base& tx, const std::vector<int64_t>& ids,
                                         bool all = false);

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
// which marks them sent (the outbox holds only what is pending). A row Kafka refuses for good
// (KafkaRefusesForGood: too large, an invalid topic …) is moved to outbox_parked in the same
// transaction, counted and logged, and the rows after it go on; a transient failure (broker down,
// timeout) stops the round at that row, which goes again next round, in order. One relay
// per schema is active at a time (transaction-level advisory lock), so replicas are safe. A crash
// between publishing and marking publishes the rows again: consumers dedup by source and id (inbox).
class OutboxRelay {
 public:
  OutboxRelay(PgPool& pool, EventPublisher& publisher, Metrics& metrics,
              OutboxRelayOptions options = {});
  ~OutboxRelay();

  // One batch: how many rows were published and moved to outbox_sent (0 when nothing is pending or another
  // replica holds the relay lock). Rows parked are not counted here (ys_outbox_parked_total).
  absl::StatusOr<size_t> RunOnce();
  // Rows not yet sent; also sets the gauges of pending and parked rows.
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
  prometheus::Family<prometheus::Counter>& parked_;  // by topic and reason
  prometheus::Gauge& parked_now_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace ys
