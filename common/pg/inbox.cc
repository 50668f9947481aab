#include "common/pg/inbox.h"

#include <pqxx/pqxx>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "common/log/log.h"
#include "common/pg/outbox.h"

namespace ys {
namespace {

bool IsRecordFault(const absl::Status& s) {
  return s.code() == absl::StatusCode::kInvalidArgument ||
         s.code() == absl::StatusCode::kFailedPrecondition ||
         s.code() == absl::StatusCode::kNotFound || s.code() == absl::StatusCode::kOutOfRange ||
         s.code() == absl::StatusCode::kAlreadyExists;
}

// The dead-letter record: the original key, body and headers, plus why and where it came from.
OutgoingEvent DeadLetter(const InboxOptions& options, const KafkaMessage& m,
                         const absl::Status& reason) {
  OutgoingEvent out;
  out.topic = options.dlq_topic;
  CloudEvent& e = out.event;
  e.id = absl::StrFormat("dlq:%s:%d:%d", m.topic, m.partition, m.offset);
  e.source = options.source;
  e.type = "yingshang.deadletter.v1";
  e.time = m.timestamp;
  e.key = m.key;
  e.data = m.value;
  e.content_type = "application/octet-stream";
  for (const auto& [k, v] : m.headers) {
    if (k == "content-type") e.content_type = v;
    else if (k != "ce_specversion") e.extensions.emplace_back("orig_" + k, v);
  }
  e.extensions.emplace_back("ys_dlq_reason", std::string(reason.message()));
  e.extensions.emplace_back("ys_dlq_code", absl::StatusCodeToString(reason.code()));
  e.extensions.emplace_back("ys_dlq_reason_code", RejectionReason(reason));
  e.extensions.emplace_back("ys_dlq_topic", m.topic);
  e.extensions.emplace_back("ys_dlq_partition", std::to_string(m.partition));
  e.extensions.emplace_back("ys_dlq_offset", std::to_string(m.offset));
  return out;
}

}  // namespace

std::string RejectionReason(const absl::Status& s) {
  if (auto p = s.GetPayload(kInboxReasonPayload); p.has_value()) return std::string(*p);
  return absl::AsciiStrToLower(absl::StatusCodeToString(s.code()));
}

bool ClaimInbox(pqxx::transaction_base& tx, const std::string& consumer, const std::string& ce_id) {
  return tx.exec_params("INSERT INTO inbox (consumer, ce_id) VALUES ($1, $2) "
                        "ON CONFLICT DO NOTHING",
                        consumer, ce_id)
             .affected_rows() == 1;
}

InboxProcessor::InboxProcessor(KafkaConsumer& consumer, PgPool& pool, Metrics& metrics,
                               InboxOptions options, Handler handler)
    : consumer_(consumer),
      pool_(pool),
      options_(std::move(options)),
      handler_(std::move(handler)),
      outcomes_(prometheus::BuildCounter()
                    .Name("ys_inbox_records_total")
                    .Help("Consumed records by outcome: applied, duplicate or rejected.")
                    .Register(metrics.registry())),
      dead_letters_(prometheus::BuildCounter()
                        .Name("ys_dlq_records_total")
                        .Help("Records sent to a dead-letter topic, by reason code.")
                        .Register(metrics.registry())) {}

absl::StatusOr<InboxBatch> InboxProcessor::RunOnce() {
  auto polled = consumer_.Poll(options_.batch_size, options_.poll_timeout);
  if (!polled.ok()) return polled.status();
  InboxBatch batch;
  batch.polled = polled->size();
  if (polled->empty()) return batch;

  std::vector<std::pair<std::string, absl::Status>> rejected_codes;
  absl::Status status = pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
    batch.applied = batch.duplicates = batch.rejected = 0;
    batch.rejections.clear();
    rejected_codes.clear();
    for (const KafkaMessage& m : *polled) {
      auto event = ParseCloudEvent(m);
      // A record that is not a CloudEvent has no ce_id: its position is its identity.
      const std::string dedup_id =
          event.ok() ? event->id : absl::StrFormat("kafka:%s:%d:%d", m.topic, m.partition, m.offset);
      if (!ClaimInbox(tx, options_.consumer, dedup_id)) {
        ++batch.duplicates;
        continue;
      }
      absl::Status applied = event.status();
      if (event.ok()) {
        // A savepoint per record: a rejected record's partial writes are undone, the rest stay.
        // (Plain SQL: libpqxx 6's subtransaction does not issue SAVEPOINT for exec_params.)
        if (options_.savepoint_per_record) tx.exec("SAVEPOINT ys_inbox_record");
        try {
          applied = handler_(tx, *event);
        } catch (const std::exception& e) {
          applied = PgErrorStatus(e);
          // Without a savepoint a failed statement poisons the transaction: retry the batch.
          if (!options_.savepoint_per_record) return applied.ok() ? absl::InternalError(e.what()) : applied;
        }
        if (options_.savepoint_per_record) {
          tx.exec(applied.ok() ? "RELEASE SAVEPOINT ys_inbox_record"
                               : "ROLLBACK TO SAVEPOINT ys_inbox_record");
        }
      }
      if (applied.ok()) {
        ++batch.applied;
        continue;
      }
      if (!IsRecordFault(applied)) return applied;  // dependency trouble: retry the whole batch
      EnqueueOutbox(tx, DeadLetter(options_, m, applied));
      ++batch.rejected;
      batch.rejections.push_back(applied);
      rejected_codes.emplace_back(dedup_id, applied);
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (auto c = consumer_.Commit(*polled); !c.ok()) {
    // The transaction is durable; redelivery after a failed commit is deduplicated by the inbox.
    log::Warn("kafka offset commit failed", {{"error", std::string(c.message())}});
  }
  outcomes_.Add({{"consumer", options_.consumer}, {"outcome", "applied"}})
      .Increment(static_cast<double>(batch.applied));
  outcomes_.Add({{"consumer", options_.consumer}, {"outcome", "duplicate"}})
      .Increment(static_cast<double>(batch.duplicates));
  outcomes_.Add({{"consumer", options_.consumer}, {"outcome", "rejected"}})
      .Increment(static_cast<double>(batch.rejected));
  for (const auto& [id, reason] : rejected_codes) {
    dead_letters_
        .Add({{"topic", options_.dlq_topic},
              {"code", absl::StatusCodeToString(reason.code())},
              {"reason", RejectionReason(reason)}})
        .Increment();
    log::Warn("record rejected to dead-letter topic",
              {{"ce_id", id}, {"reason", std::string(reason.message())}});
  }
  return batch;
}

}  // namespace ys
