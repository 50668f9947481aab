#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <set>
#include <vector>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/consumer/consumer_loop.h"
#include "common/consumer/event_source.h"
#include "common/consumer/record_sink.h"
#include "common/kafka/kafka.h"
#include "common/metrics/metrics.h"
#include "common/input/text_rules.h"
#include "common/pg/pool.h"
#include "common/status/rejection.h"

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
  // Who may publish to the topic (issue #17, trust of events): ce_source values, each exact
  // ("/yingshang/ranking") or a prefix ending in "/*" ("/platform/*" matches "/platform/jxyshj"). A
  // record from any other source is a dead letter whose reason names the source (reason code
  // untrusted_source); it reaches no handler. Every service's consumer sets it; empty accepts any
  // source (tests and tools only).
  std::vector<std::string> trusted_sources;
  // The input rules' caps for the CloudEvent attributes and the whole record (config input.*).
  input::InputLimits limits;
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

// OK when `source` is one of `trusted` (InboxOptions::trusted_sources; empty trusts any);
// PERMISSION_DENIED with reason code untrusted_source naming the source and the topic otherwise.
absl::Status CheckTrustedSource(absl::string_view source, absl::string_view topic,
                                const std::vector<std::string>& trusted);

// "dlq:<topic>:<partition>:<offset>": the dead-letter record's ce_id, unique per refused record.
std::string DeadLetterId(const KafkaMessage& m);

// A message for a dead letter or a log line from an error that may quote a record's bytes: valid
// UTF-8 without control characters (other bytes as \xNN), at most `max_bytes` long.
std::string PrintableReason(absl::string_view message, size_t max_bytes = 1024);

// Consumes a topic into PostgreSQL effectively once: each batch is applied in one transaction
// that also records every event's source and id in the inbox; offsets are committed only after it
// commits (ConsumeRound). A handler error INVALID_ARGUMENT / FAILED_PRECONDITION / NOT_FOUND /
// OUT_OF_RANGE / ALREADY_EXISTS is the record's fault: the record's changes are rolled back and it
// goes to the dead-letter topic with the reason in header ys_dlq_reason. A batch that fails as a
// whole is split by ConsumeRound when the failure is the data's (a bad record that made a
// statement fail) and retried when it is a dependency's.
class InboxProcessor final : public RecordSink {
 public:
  using Handler = std::function<absl::Status(pqxx::transaction_base& tx, const CloudEvent& event)>;
  // Applies a whole batch at once (one query for many records): sets (*results)[i] for events[i],
  // OK or the record's fault, and writes nothing for a rejected record. A non-OK return fails the
  // batch (ClassifyFailure decides whether it is split or retried).
  using BatchHandler = std::function<absl::Status(pqxx::transaction_base& tx,
                                                  const std::vector<const CloudEvent*>& events,
                                                  std::vector<absl::Status>* results)>;
  // What to do once the batch's transaction committed (write a cache with what it changed).
  using AfterCommit = std::function<void()>;
  // A batch handler that also returns its after-commit work: a pipeline whose effects outside
  // PostgreSQL must follow the commit, and only a commit.
  using PipelineHandler = std::function<absl::StatusOr<AfterCommit>(
      pqxx::transaction_base& tx, const std::vector<const CloudEvent*>& events,
      std::vector<absl::Status>* results)>;

  InboxProcessor(EventSource& source, PgPool& pool, Metrics& metrics, InboxOptions options,
                 Handler handler);
  InboxProcessor(EventSource& source, PgPool& pool, Metrics& metrics, InboxOptions options,
                 BatchHandler handler);
  // (A struct of its own: a lambda returning absl::Status would convert to either handler type.)
  struct Pipeline {
    PipelineHandler handler;
  };
  InboxProcessor(EventSource& source, PgPool& pool, Metrics& metrics, InboxOptions options,
                 Pipeline pipeline);

  // One round (ConsumeRound with this inbox's batch size and poll timeout): for tests, benches and
  // tools; services run a ConsumerLoop (MakeLoop).
  absl::StatusOr<InboxBatch> RunOnce();
  // The service's loop over this inbox: backoff, purge, stop.
  std::unique_ptr<ConsumerLoop> MakeLoop(const Clock& clock, ConsumerLoopOptions options = {});

  // RecordSink.
  const std::string& name() const override { return options_.consumer; }
  absl::StatusOr<InboxBatch> Apply(std::span<const KafkaMessage> records) override;
  absl::StatusOr<InboxBatch> DeadLetter(const KafkaMessage& record, const absl::Status& reason) override;
  // Forgets ce_ids processed more than `keep` ago: a redelivery older than that would be applied
  // again, so `keep` must exceed the topic's retention (7 days by default).
  absl::StatusOr<int64_t> PurgeOlderThan(absl::Duration keep) override;

  EventSource& source() { return source_; }
  const InboxOptions& options() const { return options_; }

 private:
  // Drops from `fresh` the events an inbox row from before sources were recorded (migration 0004:
  // empty ce_source) already claimed, while such rows may exist (looked up again every 10 minutes;
  // they are purged after 14 days and never written again).
  void ForgetClaimedBeforeSources(pqxx::transaction_base& tx, std::set<EventIdentity>* fresh);
  void CountOutcomes(const InboxBatch& batch, const std::vector<std::pair<std::string, absl::Status>>& rejected);

  EventSource& source_;
  PgPool& pool_;
  Metrics& metrics_;
  InboxOptions options_;
  Handler handler_;
  PipelineHandler pipeline_handler_;
  BatchFailureCounter failures_;

  prometheus::Family<prometheus::Counter>& outcomes_;
  prometheus::Family<prometheus::Counter>& dead_letters_;
  std::mutex legacy_mu_;
  bool legacy_rows_ = true;
  absl::Time legacy_checked_ = absl::InfinitePast();
};

}  // namespace ys
