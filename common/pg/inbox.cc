#include "common/pg/inbox.h"

#include <pqxx/pqxx>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "nlohmann/json.hpp"
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

// At most `max` bytes of the UTF-8 text `s`, cut at a character boundary.
std::string Utf8Prefix(const std::string& s, size_t max) {
  if (s.size() <= max) return s;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

constexpr size_t kDeadLetterBodyBytes = 512 * 1024;
constexpr size_t kDeadLetterHeaders = 64;
constexpr size_t kDeadLetterKeyBytes = 4096;
constexpr size_t kDeadLetterHeaderBytes = 4096;

// The dead-letter record: the original key, body and headers, plus why and where it came from.
OutgoingEvent DeadLetterEvent(const InboxOptions& options, const KafkaMessage& m, const std::string& event_id,
                         const absl::Status& reason) {
  OutgoingEvent out;
  out.topic = options.dlq_topic;
  CloudEvent& e = out.event;
  e.id = DeadLetterId(m);
  e.source = options.source;
  e.type = "yingshang.deadletter.v1";
  // The record's timestamp is whatever the producer set: one PostgreSQL cannot store (beyond
  // 1970-2100) would make the dead letter itself unwritable.
  if (input::CheckTime("timestamp", m.timestamp).ok()) {
    e.time = m.timestamp;
  } else {
    e.time = absl::Now();
    e.extensions.emplace_back("ys_dlq_kafka_timestamp_ms", std::to_string(absl::ToUnixMillis(m.timestamp)));
  }
  e.key = Utf8Prefix(m.key, kDeadLetterKeyBytes);
  // A dead letter must fit the broker's default message size (1 MB) whatever it carries: a body
  // larger than that keeps its first bytes and says how large it was (the original stays on its
  // topic for the retention period; ys_dlq_topic/partition/offset say where).
  e.data = m.value.substr(0, kDeadLetterBodyBytes);
  e.content_type = "application/octet-stream";
  if (m.value.size() > kDeadLetterBodyBytes) {
    e.extensions.emplace_back("ys_dlq_body_truncated", std::to_string(m.value.size()));
  }
  size_t copied = 0;
  for (const auto& [k, v] : m.headers) {
    if (++copied > kDeadLetterHeaders) {
      e.extensions.emplace_back("ys_dlq_headers_dropped", std::to_string(m.headers.size() - kDeadLetterHeaders));
      break;
    }
    if (k == "content-type" && absl::StartsWithIgnoreCase(v, "application/cloudevents+json")) {
      // Structured mode: the body is the whole original event, as JSON. Say so without making
      // the dead letter itself look like a structured event.
      e.content_type = "application/json";
      e.extensions.emplace_back("orig_content-type", v);
    } else if (k == "content-type") {
      e.content_type = v;
    } else if (k != "ce_specversion") {
      e.extensions.emplace_back("orig_" + Utf8Prefix(k, 256), Utf8Prefix(v, kDeadLetterHeaderBytes));
    }
  }
  e.extensions.emplace_back("ys_dlq_event_id", Utf8Prefix(event_id, 256));
  e.extensions.emplace_back("ys_dlq_reason", PrintableReason(reason.message()));
  e.extensions.emplace_back("ys_dlq_code", absl::StatusCodeToString(reason.code()));
  e.extensions.emplace_back("ys_dlq_reason_code", PrintableReason(RejectionReason(reason), 64));
  e.extensions.emplace_back("ys_dlq_topic", m.topic);
  e.extensions.emplace_back("ys_dlq_partition", std::to_string(m.partition));
  e.extensions.emplace_back("ys_dlq_offset", std::to_string(m.offset));
  return out;
}

// The length of the well-formed UTF-8 sequence `s` starts with, or 0 when it starts with a byte
// that cannot begin one (overlong, surrogate, beyond U+10FFFF, truncated).
size_t Utf8SequenceLength(absl::string_view s) {
  const auto c = static_cast<unsigned char>(s[0]);
  const size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || (n == 2 && c < 0xC2) || (n == 4 && c > 0xF4) || n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[k]) & 0xC0) != 0x80) return 0;
  }
  const auto c1 = n > 1 ? static_cast<unsigned char>(s[1]) : 0;
  if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0) || (c == 0xF0 && c1 < 0x90) ||
      (c == 0xF4 && c1 >= 0x90)) {
    return 0;
  }
  return n;
}

// PostgreSQL text takes UTF-8 without NUL bytes; a record key or header that is not such text would
// fail the batch's statements.
bool PgText(absl::string_view s) { return s.find('\0') == absl::string_view::npos && input::IsValidUtf8(s); }

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

std::string PrintableReason(absl::string_view message, size_t max_bytes) {
  std::string out;
  out.reserve(std::min(message.size(), max_bytes) + 16);
  for (size_t i = 0; i < message.size();) {
    if (out.size() >= max_bytes) {
      absl::StrAppend(&out, "… (", message.size(), " bytes)");
      break;
    }
    const auto c = static_cast<unsigned char>(message[i]);
    const size_t n = Utf8SequenceLength(message.substr(i));
    if (n == 0) {
      absl::StrAppendFormat(&out, "\\x%02x", c);
      ++i;
    } else if (n == 1 && (c < 0x20 || c == 0x7F)) {
      absl::StrAppendFormat(&out, "\\u%04x", c);
      ++i;
    } else {
      out.append(message.data() + i, n);
      i += n;
    }
  }
  return out;
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


namespace {

// The identity a record is claimed under: its ce_source and ce_id; a record that is not a usable
// CloudEvent has none, so its position is its identity; a dry run is claimed apart.
EventIdentity IdentityOf(const KafkaMessage& m, const absl::StatusOr<CloudEvent>& event,
                         const std::function<bool(const CloudEvent&)>& dry_run) {
  if (!event.ok()) return {"", absl::StrFormat("kafka:%s:%d:%d", m.topic, m.partition, m.offset)};
  if (dry_run && dry_run(*event)) return {event->source, "dry-run:" + event->id};
  return {event->source, event->id};
}

}  // namespace

absl::Status CheckTrustedSource(absl::string_view source, absl::string_view topic,
                                const std::vector<std::string>& trusted) {
  if (trusted.empty()) return absl::OkStatus();
  for (const std::string& t : trusted) {
    absl::string_view pattern = t;
    if (absl::ConsumeSuffix(&pattern, "*") ? absl::StartsWith(source, pattern) && source.size() > pattern.size()
                                            : source == pattern) {
      return absl::OkStatus();
    }
  }
  // FAILED_PRECONDITION: the record's fault (a dead letter), not the consumer's.
  return WithRejectionReason(
      absl::FailedPreconditionError(absl::StrFormat(
          "ce_source %s may not publish to %s (accepted: %s)", input::QuoteInput(source), topic,
          absl::StrJoin(trusted, ", "))),
      "untrusted_source");
}

namespace {

absl::StatusOr<CloudEvent> DecodeRecord(const KafkaMessage& m, const input::InputLimits& limits) {
  if (!PgTextRecord(m)) {
    return absl::InvalidArgumentError("record key or headers are not UTF-8 text (or hold NUL bytes)");
  }
  auto event = ParseCloudEvent(m, limits);
  if (event.ok() && !PgTextEvent(*event)) {
    return absl::InvalidArgumentError(
        "event id, source, type, subject or an extension is not UTF-8 text (or holds NUL bytes)");
  }
  // The inbox's key is (consumer, source, id): a B-tree entry holds at most about 2.7 kB.
  constexpr size_t kMaxIdentityBytes = 512;
  if (event.ok() && (event->id.size() > kMaxIdentityBytes || event->source.size() > kMaxIdentityBytes)) {
    return absl::InvalidArgumentError(absl::StrFormat("event id or source is %d bytes, at most %d",
                                                      std::max(event->id.size(), event->source.size()),
                                                      kMaxIdentityBytes));
  }
  return event;
}

// A handler that threw: a JSON decoder's exception is the record's content; everything else is
// mapped by PgErrorStatus (libpqxx's errors by SQLSTATE, an exception nobody can place — a wrong
// parameter count, an unexpected NULL, an index out of range — as INTERNAL: a bug is not the data's
// fault, and treating it as such would drain the whole stream into the dead letters).
absl::Status ThrownStatus(const std::exception& e) {
  if (dynamic_cast<const nlohmann::json::exception*>(&e) != nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("record could not be decoded: ", PrintableReason(e.what(), 512)));
  }
  return PgErrorStatus(e);
}

}  // namespace

InboxProcessor::InboxProcessor(EventSource& source, PgPool& pool, Metrics& metrics, InboxOptions options,
                               BatchHandler handler)
    : InboxProcessor(source, pool, metrics, std::move(options),
                     Pipeline{[handler = std::move(handler)](
                                         pqxx::transaction_base& tx, const std::vector<const CloudEvent*>& events,
                                         std::vector<absl::Status>* results) -> absl::StatusOr<AfterCommit> {
                       RETURN_IF_ERROR(handler(tx, events, results));
                       return AfterCommit();
                     }}) {}

InboxProcessor::InboxProcessor(EventSource& source, PgPool& pool, Metrics& metrics, InboxOptions options,
                               Handler handler)
    : InboxProcessor(source, pool, metrics, std::move(options), Pipeline{}) {
  handler_ = std::move(handler);
}

InboxProcessor::InboxProcessor(EventSource& source, PgPool& pool, Metrics& metrics, InboxOptions options,
                               Pipeline pipeline)
    : source_(source),
      pool_(pool),
      metrics_(metrics),
      options_(std::move(options)),
      pipeline_handler_(std::move(pipeline.handler)),
      failures_(metrics, options_.consumer),
      outcomes_(prometheus::BuildCounter()
                    .Name("ys_inbox_records_total")
                    .Help("Consumed records by outcome: applied, duplicate or rejected.")
                    .Register(metrics.registry())),
      dead_letters_(prometheus::BuildCounter()
                        .Name("ys_dlq_records_total")
                        .Help("Records sent to a dead-letter topic, by reason code.")
                        .Register(metrics.registry())) {}

absl::StatusOr<InboxBatch> InboxProcessor::RunOnce() {
  return ConsumeRound(source_, *this, options_.batch_size, options_.poll_timeout, &failures_);
}

std::unique_ptr<ConsumerLoop> InboxProcessor::MakeLoop(const Clock& clock, ConsumerLoopOptions options) {
  options.batch_size = options_.batch_size;
  options.poll_timeout = options_.poll_timeout;
  return std::make_unique<ConsumerLoop>(source_, *this, metrics_, clock, std::move(options));
}

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
  bool legacy_rows;
  {
    std::lock_guard lock(legacy_mu_);
    if (now - legacy_checked_ > absl::Minutes(10)) {
      legacy_rows_ = tx.exec_params1("SELECT EXISTS (SELECT 1 FROM inbox WHERE consumer = $1 AND ce_source = '' "
                                     "AND ce_id NOT LIKE 'kafka:%')",
                                     options_.consumer)[0]
                         .as<bool>();
      legacy_checked_ = now;
    }
    legacy_rows = legacy_rows_;
  }
  if (!legacy_rows || fresh->empty()) return;
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

absl::StatusOr<InboxBatch> InboxProcessor::Apply(std::span<const KafkaMessage> records) {
  InboxBatch batch;
  batch.polled = records.size();
  std::vector<std::pair<std::string, absl::Status>> rejected_codes;
  AfterCommit after_commit;
  absl::Status status = pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
    batch.applied = batch.duplicates = batch.rejected = 0;
    batch.rejections.clear();
    rejected_codes.clear();
    after_commit = nullptr;
    // Every record's identity, claimed in one statement.
    const size_t n = records.size();
    std::vector<absl::StatusOr<CloudEvent>> events;
    std::vector<EventIdentity> ids;
    events.reserve(n);
    ids.reserve(n);
    for (const KafkaMessage& m : records) {
      events.push_back(DecodeRecord(m, options_.limits));
      if (events.back().ok()) {
        if (absl::Status trusted = CheckTrustedSource(events.back()->source, m.topic, options_.trusted_sources);
            !trusted.ok()) {
          events.back() = trusted;
        }
      }
      ids.push_back(IdentityOf(m, events.back(), options_.dry_run));
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
    if (pipeline_handler_) {
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
        auto effect = pipeline_handler_(tx, batch_events, &batch_results);
        if (!effect.ok()) return effect.status();
        after_commit = std::move(*effect);
      } catch (const std::exception& e) {
        return ThrownStatus(e);
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
          results[i] = ThrownStatus(e);
          // Without a savepoint a failed statement poisons the transaction: fail the batch.
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
      if (!IsRecordFault(applied)) return applied;  // dependency trouble: the batch fails
      const KafkaMessage record = PgTextCopy(records[i]);
      const std::string event_id = events[i].ok() ? events[i]->id : ids[i].id;
      EnqueueOutbox(tx, DeadLetterEvent(options_, record, event_id, applied));
      if (options_.on_reject) {
        options_.on_reject(tx, record, DeadLetterId(record),
                           WithRejectionReason(absl::Status(applied.code(), PrintableReason(applied.message())),
                                               RejectionReason(applied)));
      }
      ++batch.rejected;
      batch.rejections.push_back(applied);
      rejected_codes.emplace_back(event_id, applied);
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  CountOutcomes(batch, rejected_codes);
  if (after_commit) after_commit();
  return batch;
}

absl::StatusOr<InboxBatch> InboxProcessor::DeadLetter(const KafkaMessage& original, const absl::Status& reason) {
  const KafkaMessage record = PgTextCopy(original);
  const absl::StatusOr<CloudEvent> event = DecodeRecord(original, options_.limits);
  const EventIdentity id = IdentityOf(original, event, options_.dry_run);
  const std::string event_id = event.ok() ? PrintableReason(event->id, 256) : id.id;
  const absl::Status why = WithRejectionReason(
      absl::InvalidArgumentError(PrintableReason(reason.message())),
      reason.GetPayload(kInboxReasonPayload).has_value() ? RejectionReason(reason) : "unprocessable");
  InboxBatch batch;
  batch.polled = 1;
  // The dead letter with the service's own record of it (on_reject); if that cannot be written,
  // the dead letter alone; if not even that, the record is only marked processed and logged: its
  // partition must go on, and the record stays on its topic for the retention period.
  enum class Write { kWithRecord, kDeadLetterOnly, kClaimOnly };
  for (const Write write : {Write::kWithRecord, Write::kDeadLetterOnly, Write::kClaimOnly}) {
    if (write == Write::kWithRecord && !options_.on_reject) continue;
    absl::Status s = pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
      batch.duplicates = batch.rejected = 0;
      if (ClaimInboxBatch(tx, options_.consumer, {id}).empty()) {
        batch.duplicates = 1;
        return absl::OkStatus();
      }
      if (write != Write::kClaimOnly) EnqueueOutbox(tx, DeadLetterEvent(options_, record, event_id, why));
      if (write == Write::kWithRecord) options_.on_reject(tx, record, DeadLetterId(record), why);
      batch.rejected = 1;
      return absl::OkStatus();
    });
    if (s.ok()) {
      if (write == Write::kClaimOnly && batch.rejected == 1) {
        log::Error("record skipped: neither it nor its dead letter can be written",
                   {{"consumer", options_.consumer},
                    {"record", absl::StrFormat("%s:%d:%d", PrintableReason(original.topic, 256), original.partition,
                                               original.offset)},
                    {"reason", PrintableReason(reason.message(), 512)}});
      }
      break;
    }
    if (ClassifyFailure(s) == FailureKind::kDependency || write == Write::kClaimOnly) return s;
  }
  if (batch.rejected == 1) {
    batch.rejections.push_back(why);
    CountOutcomes(batch, {{event_id, why}});
  } else {
    CountOutcomes(batch, {});
  }
  return batch;
}

void InboxProcessor::CountOutcomes(const InboxBatch& batch,
                                   const std::vector<std::pair<std::string, absl::Status>>& rejected) {
  outcomes_.Add({{"consumer", options_.consumer}, {"outcome", "applied"}})
      .Increment(static_cast<double>(batch.applied));
  outcomes_.Add({{"consumer", options_.consumer}, {"outcome", "duplicate"}})
      .Increment(static_cast<double>(batch.duplicates));
  outcomes_.Add({{"consumer", options_.consumer}, {"outcome", "rejected"}})
      .Increment(static_cast<double>(batch.rejected));
  for (const auto& [id, reason] : rejected) {
    dead_letters_
        .Add({{"topic", options_.dlq_topic},
              {"code", absl::StatusCodeToString(reason.code())},
              {"reason", PrintableReason(RejectionReason(reason), 64)}})
        .Increment();
    log::Warn("record rejected to dead-letter topic",
              {{"ce_id", PrintableReason(id, 256)}, {"reason", PrintableReason(reason.message(), 512)}});
  }
}

}  // namespace ys
