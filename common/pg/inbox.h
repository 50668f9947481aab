#pragma once

#include <functional>
#include <set>
#include <vector>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/kafka/kafka.h"
#include "common/metrics/metrics.h"
#include "common/pg/pool.h"

namespace pqxx {
class transaction_base;
}

namespace ys {

// What identifies an event: CloudEvents makes source + id unique, so two platforms may both send an
// id "1". A record that is not a CloudEvent is identified by its Kafka position (empty source).
struct EventIdentity {
  std::string source;
  std::string id;
  auto operator<=>(const EventIdentity&) const = default;
};

// Records in the caller's transaction that `consumer` processed the event. False when it was
// processed before: the caller skips it (effectively-once with at-least-once delivery).
bool ClaimInbox(pqxx::transaction_base& tx, const std::string& consumer, const EventIdentity& event);
// The same for many events in one statement; returns those not processed before.
std::set<EventIdentity> ClaimInboxBatch(pqxx::transaction_base& tx, const std::string& consumer,
                                        const std::vector<EventIdentity>& events);

struct InboxOptions {
  std::string consumer;   // the inbox name, e.g. "ranking.submissions"
  std::string dlq_topic;  // where rejected records go (through the outbox), with the reason
  std::string source;     // ce_source of dead-letter records, e.g. "/yingshang/ranking"
  size_t batch_size = 500;
  absl::Duration poll_timeout = absl::Milliseconds(200);
  // Each record runs under a savepoint, so a rejected record's partial writes are undone. A handler
  // that checks everything before it writes can turn this off: PostgreSQL slows down sharply once a
  // transaction holds more than 64 subtransactions (measured: 431 events/s with, see README).
  bool savepoint_per_record = true;
  // True for an event that changes nothing (a validate-only submission). Such events are claimed
  // apart from the others, so the same event sent again for real is still applied.
  std::function<bool(const CloudEvent&)> dry_run;
  // Called in the batch's transaction for each record sent to the dead-letter topic, with the
  // dead letter's id (DeadLetterId), so a service can keep it for an operator to list and replay.
  std::function<void(pqxx::transaction_base& tx, const KafkaMessage& record, const std::string& id,
                     const absl::Status& reason)>
      on_reject;
};

// "dlq:<topic>:<partition>:<offset>": the dead-letter record's ce_id, unique per refused record.
std::string DeadLetterId(const KafkaMessage& m);

struct InboxBatch {
  size_t polled = 0;
  size_t applied = 0;
  size_t duplicates = 0;
  size_t rejected = 0;
  // Why each rejected record was refused (the handler's status, with its kInboxReasonPayload).
  std::vector<absl::Status> rejections;
};

// A handler may attach a short, bounded reason ("bad_credit_code") to a rejection with
// status.SetPayload(kInboxReasonPayload, absl::Cord(reason)); it becomes the dead-letter record's
// ys_dlq_reason_code header and the `reason` label of ys_dlq_records_total.
inline constexpr char kInboxReasonPayload[] = "type.yingshang.cn/inbox.reason";
std::string RejectionReason(const absl::Status& s);
// `s` with `reason` attached as its kInboxReasonPayload.
absl::Status WithRejectionReason(absl::Status s, absl::string_view reason);

// Consumes a topic into PostgreSQL effectively once: each polled batch is applied in one transaction
// that also records every ce_id in the inbox; Kafka offsets are committed only after it commits.
// A handler error INVALID_ARGUMENT / FAILED_PRECONDITION / NOT_FOUND is the record's fault: the
// record's changes are rolled back (savepoint) and it goes to the dead-letter topic with the reason
// in header ys_dlq_reason. Any other error (a dependency down) aborts the batch: nothing is committed
// and the batch is read again.
class InboxProcessor {
 public:
  using Handler = std::function<absl::Status(pqxx::transaction_base& tx, const CloudEvent& event)>;
  // Applies a whole batch at once (one query for many records): sets (*results)[i] for events[i],
  // OK or the record's fault, and writes nothing for a rejected record. A non-OK return is
  // dependency trouble: the batch is retried.
  using BatchHandler = std::function<absl::Status(pqxx::transaction_base& tx,
                                                  const std::vector<const CloudEvent*>& events,
                                                  std::vector<absl::Status>* results)>;

  InboxProcessor(KafkaConsumer& consumer, PgPool& pool, Metrics& metrics, InboxOptions options,
                 Handler handler);
  InboxProcessor(KafkaConsumer& consumer, PgPool& pool, Metrics& metrics, InboxOptions options,
                 BatchHandler handler);

  absl::StatusOr<InboxBatch> RunOnce();
  // Forgets ce_ids processed more than `keep` ago: a redelivery older than that would be applied
  // again, so `keep` must exceed the topic's retention (7 days by default).
  absl::StatusOr<int64_t> PurgeOlderThan(absl::Duration keep);

 private:
  KafkaConsumer& consumer_;
  PgPool& pool_;
  InboxOptions options_;
  Handler handler_;
  BatchHandler batch_handler_;
  // Drops from `fresh` the events an inbox row from before sources were recorded (migration 0004:
  // empty ce_source) already claimed, while such rows may exist (looked up again every 10 minutes;
  // they are purged after 14 days and never written again).
  void ForgetClaimedBeforeSources(pqxx::transaction_base& tx, std::set<EventIdentity>* fresh);

  prometheus::Family<prometheus::Counter>& outcomes_;
  prometheus::Family<prometheus::Counter>& dead_letters_;
  bool legacy_rows_ = true;
  absl::Time legacy_checked_ = absl::InfinitePast();
};

}  // namespace ys
