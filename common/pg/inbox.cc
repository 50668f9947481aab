#include "common/pg/inbox.h"

#include <pqxx/pqxx>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "common/log/log.h"
#include "common/pg/copy.h"
#include "common/pg/outbox.h"
#include "common/status/macros.h"

namespace ys {
namespace {

bool IsRecordFault(const absl::Status& s) {
  return s.code() == absl::StatusCode::kInvalidArgument ||
         s.code() == absl::StatusCode::kFailedPrecondition ||
         s.code() == absl::StatusCode::kNotFound || s.code() == absl::StatusCode::kOutOfRange ||
         s.code() == absl::StatusCode::kAlreadyExists;
}

// The dead-letter record: the original key, body and headers, plus why and where it came from.
OutgoingEvent DeadLetter(const InboxOptions& options, const KafkaMessage& m, const std::string& event_id,
                         const absl::Status& reason) {
  OutgoingEvent out;
  out.topic = options.dlq_topic;
  CloudEvent& e = out.event;
  e.id = DeadLetterId(m);
  e.source = options.source;
  e.type = "yingshang.deadletter.v1";
  e.time = m.timestamp;
  e.key = m.key;
  e.data = m.value;
  e.content_type = "application/octet-stream";
  for (const auto& [k, v] : m.headers) {
    if (k == "content-type" && absl::StartsWithIgnoreCase(v, "application/cloudevents+json")) {
      // Structured mode: the body is the whole original event, as JSON. Say so without making
      // the dead letter itself look like a structured event.
      e.content_type = "application/json";
      e.extensions.emplace_back("orig_content-type", v);
    } else if (k == "content-type") {
      e.content_type = v;
    } else if (k != "ce_specversion") {
      e.extensions.emplace_back("orig_" + k, v);
    }
  }
  e.extensions.emplace_back("ys_dlq_event_id", event_id);
  e.extensions.emplace_back("ys_dlq_reason", std::string(reason.message()));
  e.extensions.emplace_back("ys_dlq_code", absl::StatusCodeToString(reason.code()));
  e.extensions.emplace_back("ys_dlq_reason_code", RejectionReason(reason));
  e.extensions.emplace_back("ys_dlq_topic", m.topic);
  e.extensions.emplace_back("ys_dlq_partition", std::to_string(m.partition));
  e.extensions.emplace_back("ys_dlq_offset", std::to_string(m.offset));
  return out;
}

// PostgreSQL text takes UTF-8 without NUL bytes; a record key or header that is not such text would
// fail the batch's statements (and, read again, fail it forever).
bool PgText(absl::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (c == 0 || n == 0 || (n == 2 && c < 0xC2) || (n == 4 && c > 0xF4) || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    const auto c1 = n > 1 ? static_cast<unsigned char>(s[i + 1]) : 0;
    if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0) || (c == 0xF0 && c1 < 0x90) ||
        (c == 0xF4 && c1 >= 0x90)) {
      return false;  // overlong, surrogate or beyond U+10FFFF
    }
    i += n;
  }
  return true;
}

bool PgTextRecord(const KafkaMessage& m) {
  if (!PgText(m.key)) return false;
  for (const auto& [k, v] : m.headers) {
    if (!PgText(k) || !PgText(v)) return false;
  }
  return true;
}

// The attributes of an event that go into PostgreSQL (the inbox, dead letters): a structured-mode
// body can spell a NUL ("\u0000") that no Kafka header check sees.
bool PgTextEvent(const CloudEvent& e) {
  if (!PgText(e.id) || !PgText(e.source) || !PgText(e.type) || !PgText(e.subject)) return false;
  for (const auto& [k, v] : e.extensions) {
    if (!PgText(k) || !PgText(v)) return false;
  }
  return true;
}

// The record with every key/header that is not text replaced by "hex:<bytes in hex>", so it can be
// dead-lettered and kept.
KafkaMessage PgTextCopy(const KafkaMessage& m) {
  auto text = [](const std::string& s) {
    return PgText(s) ? s : "hex:" + absl::BytesToHexString(s);
  };
  KafkaMessage out = m;
  out.key = text(m.key);
  for (auto& [k, v] : out.headers) {
    k = text(k);
    v = text(v);
  }
  return out;
}

}  // namespace

std::string DeadLetterId(const KafkaMessage& m) {
  return absl::StrFormat("dlq:%s:%d:%d", m.topic, m.partition, m.offset);
}

absl::Status WithRejectionReason(absl::Status s, absl::string_view reason) {
  s.SetPayload(kInboxReasonPayload, absl::Cord(reason));
  return s;
}

std::string RejectionReason(const absl::Status& s) {
  if (auto p = s.GetPayload(kInboxReasonPayload); p.has_value()) return std::string(*p);
  return absl::AsciiStrToLower(absl::StatusCodeToString(s.code()));
}

bool ClaimInbox(pqxx::transaction_base& tx, const std::string& consumer, const EventIdentity& event) {
  return tx.exec_params("INSERT INTO inbox (consumer, ce_source, ce_id) VALUES ($1, $2, $3) "
                        "ON CONFLICT DO NOTHING",
                        consumer, event.source, event.id)
             .affected_rows() == 1;
}

std::set<EventIdentity> ClaimInboxBatch(pqxx::transaction_base& tx, const std::string& consumer,
                                        const std::vector<EventIdentity>& events) {
  // Nearly every event is new: a plain insert (a COPY) costs half of ON CONFLICT's speculative
  // insertion. When some event was seen before (a redelivery, or twice in this batch), the
  // savepoint undoes the failed insert and those not seen before are claimed with ON CONFLICT DO
  // NOTHING.
  PgCopyRows rows;
  for (const EventIdentity& e : events) rows.Text(consumer).Text(e.source).Text(e.id).EndRow();
  tx.exec("SAVEPOINT ys_inbox_claim");
  try {
    rows.CopyInto(tx, "inbox", {"consumer", "ce_source", "ce_id"});
    tx.exec("RELEASE SAVEPOINT ys_inbox_claim");
    return std::set<EventIdentity>(events.begin(), events.end());
  } catch (const pqxx::unique_violation&) {
    tx.exec("ROLLBACK TO SAVEPOINT ys_inbox_claim");
  }
  std::set<EventIdentity> fresh;
  for (const auto& row : tx.exec_params(
           "INSERT INTO inbox (consumer, ce_source, ce_id) SELECT $1, s, i FROM unnest($2::text[], "
           "$3::text[]) AS u(s, i) ON CONFLICT DO NOTHING RETURNING ce_source, ce_id",
           consumer, PgArrayOf(events.size(), [&](size_t i) { return &events[i].source; }),
           PgArrayOf(events.size(), [&](size_t i) { return &events[i].id; }))) {
    fresh.insert({row[0].as<std::string>(), row[1].as<std::string>()});
  }
  return fresh;
}

InboxProcessor::InboxProcessor(KafkaConsumer& consumer, PgPool& pool, Metrics& metrics,
                               InboxOptions options, BatchHandler handler)
    : InboxProcessor(consumer, pool, metrics, std::move(options), Handler()) {
  batch_handler_ = std::move(handler);
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

absl::StatusOr<int64_t> InboxProcessor::PurgeOlderThan(absl::Duration keep) {
  int64_t n = 0;
  absl::Status s = pool_.WithTransaction([&](pqxx::work& tx) {
    n = tx.exec_params("DELETE FROM inbox WHERE consumer = $1 AND "
                       "processed_at < now() - make_interval(secs => $2)",
                       options_.consumer, absl::ToDoubleSeconds(keep))
            .affected_rows();
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return n;
}

void InboxProcessor::ForgetClaimedBeforeSources(pqxx::transaction_base& tx, std::set<EventIdentity>* fresh) {
  const absl::Time now = absl::Now();
  if (now - legacy_checked_ > absl::Minutes(10)) {
    legacy_rows_ = tx.exec_params1("SELECT EXISTS (SELECT 1 FROM inbox WHERE consumer = $1 AND ce_source = '' "
                                   "AND ce_id NOT LIKE 'kafka:%')",
                                   options_.consumer)[0]
                       .as<bool>();
    legacy_checked_ = now;
  }
  if (!legacy_rows_ || fresh->empty()) return;
  std::vector<std::string> ids;
  for (const EventIdentity& e : *fresh) {
    if (!e.source.empty()) ids.push_back(e.id);
  }
  if (ids.empty()) return;
  std::set<std::string> before;
  for (const auto& row : tx.exec_params("SELECT ce_id FROM inbox WHERE consumer = $1 AND ce_source = '' "
                                        "AND ce_id = ANY($2::text[])",
                                        options_.consumer, PgArray(ids))) {
    before.insert(row[0].as<std::string>());
  }
  std::erase_if(*fresh, [&](const EventIdentity& e) { return !e.source.empty() && before.contains(e.id); });
}

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
    // Every record's identity, claimed in one statement. A record that is not a CloudEvent has no
    // ce_source and ce_id: its position is its identity.
    const size_t n = polled->size();
    std::vector<absl::StatusOr<CloudEvent>> events;
    std::vector<EventIdentity> ids;
    events.reserve(n);
    ids.reserve(n);
    for (const KafkaMessage& m : *polled) {
      events.push_back(PgTextRecord(m) ? ParseCloudEvent(m)
                                       : absl::InvalidArgumentError(
                                             "record key or headers are not UTF-8 text (or hold NUL bytes)"));
      if (events.back().ok() && !PgTextEvent(*events.back())) {
        events.back() = absl::InvalidArgumentError(
            "event id, source, type, subject or an extension is not UTF-8 text (or holds NUL bytes)");
      }
      if (!events.back().ok()) {
        ids.push_back({"", absl::StrFormat("kafka:%s:%d:%d", m.topic, m.partition, m.offset)});
      } else if (options_.dry_run && options_.dry_run(*events.back())) {
        ids.push_back({events.back()->source, "dry-run:" + events.back()->id});
      } else {
        ids.push_back({events.back()->source, events.back()->id});
      }
    }
    std::set<EventIdentity> fresh = ClaimInboxBatch(tx, options_.consumer, ids);
    ForgetClaimedBeforeSources(tx, &fresh);
    std::vector<size_t> todo;  // the first delivery of each id not seen before, in order
    for (size_t i = 0; i < n; ++i) {
      if (fresh.erase(ids[i]) == 1) {
        todo.push_back(i);
      } else {
        ++batch.duplicates;
      }
    }

    std::vector<absl::Status> results(n);
    if (batch_handler_) {
      std::vector<const CloudEvent*> batch_events;
      std::vector<size_t> where;
      for (size_t i : todo) {
        if (!events[i].ok()) {
          results[i] = events[i].status();
          continue;
        }
        batch_events.push_back(&*events[i]);
        where.push_back(i);
      }
      std::vector<absl::Status> batch_results(batch_events.size());
      try {
        RETURN_IF_ERROR(batch_handler_(tx, batch_events, &batch_results));
      } catch (const std::exception& e) {
        return PgErrorStatus(e);
      }
      for (size_t k = 0; k < where.size(); ++k) results[where[k]] = batch_results[k];
    } else {
      for (size_t i : todo) {
        if (!events[i].ok()) {
          results[i] = events[i].status();
          continue;
        }
        // A savepoint per record: a rejected record's partial writes are undone, the rest stay.
        // (Plain SQL: libpqxx 6's subtransaction does not issue SAVEPOINT for exec_params.)
        if (options_.savepoint_per_record) tx.exec("SAVEPOINT ys_inbox_record");
        try {
          results[i] = handler_(tx, *events[i]);
        } catch (const std::exception& e) {
          results[i] = PgErrorStatus(e);
          // Without a savepoint a failed statement poisons the transaction: retry the batch.
          if (!options_.savepoint_per_record) return results[i];
        }
        if (options_.savepoint_per_record) {
          tx.exec(results[i].ok() ? "RELEASE SAVEPOINT ys_inbox_record"
                                  : "ROLLBACK TO SAVEPOINT ys_inbox_record");
        }
      }
    }

    for (size_t i : todo) {
      const absl::Status& applied = results[i];
      if (applied.ok()) {
        ++batch.applied;
        continue;
      }
      if (!IsRecordFault(applied)) return applied;  // dependency trouble: retry the whole batch
      const KafkaMessage record = PgTextCopy((*polled)[i]);
      EnqueueOutbox(tx, DeadLetter(options_, record, events[i].ok() ? events[i]->id : ids[i].id, applied));
      if (options_.on_reject) options_.on_reject(tx, record, DeadLetterId(record), applied);
      ++batch.rejected;
      batch.rejections.push_back(applied);
      rejected_codes.emplace_back(events[i].ok() ? events[i]->id : ids[i].id, applied);
    }
    return absl::OkStatus();
  });
  if (!status.ok()) {
    // Nothing of the batch was committed: read it again next time. Without the rewind the next
    // poll would go on from after it and its commit would skip these records for good.
    if (auto r = consumer_.Rewind(*polled); !r.ok()) {
      log::Warn("kafka rewind after a failed batch failed", {{"error", std::string(r.message())}});
    }
    return status;
  }
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
