#include "common/pg/outbox.h"

#include <algorithm>
#include <pqxx/pqxx>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/log/log.h"
#include "common/pg/copy.h"
#include "nlohmann/json.hpp"

namespace ys {
namespace {
constexpr char kOutboxColumns[] =
    "id, topic, msg_key, ce_id, ce_type, ce_source, ce_time, ce_subject, content_type, payload, "
    "headers, created_at";
// The same columns of the outbox aliased `o`.
constexpr char kOutboxColumnsOfO[] =
    "o.id, o.topic, o.msg_key, o.ce_id, o.ce_type, o.ce_source, o.ce_time, o.ce_subject, "
    "o.content_type, o.payload, o.headers, o.created_at";
// A timestamptz column as RFC 3339 in UTC, for absl::ParseTime.
std::string Rfc3339(const std::string& column) {
  return "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";
}
absl::Time ParseRfc3339(const std::string& text) {
  absl::Time t;
  std::string err;
  absl::ParseTime(absl::RFC3339_full, text, &t, &err);
  return t;
}
std::string IdArray(const std::vector<int64_t>& ids) {
  return "{" + absl::StrJoin(ids, ",") + "}";
}
}  // namespace

void EnqueueOutbox(pqxx::transaction_base& tx, const OutgoingEvent& e) {
  nlohmann::json headers = nlohmann::json::array();
  for (const auto& [k, v] : e.event.extensions) headers.push_back({k, v});
  tx.exec_params(
      "INSERT INTO outbox (topic, msg_key, ce_id, ce_type, ce_source, ce_time, ce_subject, "
      "content_type, payload, headers) VALUES ($1,$2,$3,$4,$5,$6::timestamptz,$7,$8,$9,$10::jsonb)",
      e.topic, e.event.key, e.event.id, e.event.type, e.event.source, PgTime(e.event.time),
      e.event.subject, e.event.content_type, pqxx::binarystring(e.event.data),
      headers.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void EnqueueOutboxBatch(pqxx::transaction_base& tx, const std::vector<OutgoingEvent>& events) {
  if (events.empty()) return;
  // One COPY, in the order given (so the ids, a bigserial, follow it). A batch's events mostly
  // share one time, formatted once.
  PgCopyRows rows;
  std::string time;
  for (size_t i = 0; i < events.size(); ++i) {
    const OutgoingEvent& e = events[i];
    if (i == 0 || e.event.time != events[i - 1].event.time) time = PgTime(e.event.time);
    rows.Text(e.topic).Text(e.event.key).Text(e.event.id).Text(e.event.type).Text(e.event.source);
    rows.Text(time).Text(e.event.subject).Text(e.event.content_type).Bytes(e.event.data);
    if (e.event.extensions.empty()) {
      rows.Text("[]");
    } else {
      nlohmann::json h = nlohmann::json::array();
      for (const auto& [k, v] : e.event.extensions) h.push_back({k, v});
      rows.Text(h.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    rows.EndRow();
  }
  rows.CopyInto(tx, "outbox",
                {"topic", "msg_key", "ce_id", "ce_type", "ce_source", "ce_time", "ce_subject",
                 "content_type", "payload", "headers"});
}

int64_t RequeueSentEvents(pqxx::transaction_base& tx, const std::string& topic) {
  // Their ids are kept, so they go out in their first order, before anything enqueued later.
  return tx
      .exec_params("WITH back AS (DELETE FROM outbox_sent WHERE $1 = '' OR topic = $1 "
                   "RETURNING " + std::string(kOutboxColumns) + ") INSERT INTO outbox (" +
                       kOutboxColumns + ") SELECT * FROM back",
                   topic)
      .affected_rows();
}

std::vector<ParkedEvent> ListParkedEvents(pqxx::transaction_base& tx, size_t offset, size_t limit) {
  std::vector<ParkedEvent> out;
  for (const auto& r : tx.exec_params(
           "SELECT id, topic, msg_key, ce_id, ce_type, ce_source, " + Rfc3339("ce_time") +
               ", octet_length(payload), error_code, error, " + Rfc3339("created_at") + ", " +
               Rfc3339("parked_at") + " FROM outbox_parked ORDER BY id OFFSET $1 LIMIT $2",
           static_cast<int64_t>(offset), static_cast<int64_t>(limit))) {
    ParkedEvent& p = out.emplace_back();
    p.id = r[0].as<int64_t>();
    p.topic = r[1].as<std::string>();
    p.key = r[2].as<std::string>();
    p.ce_id = r[3].as<std::string>();
    p.ce_type = r[4].as<std::string>();
    p.ce_source = r[5].as<std::string>();
    p.ce_time = ParseRfc3339(r[6].as<std::string>());
    p.size_bytes = r[7].as<int64_t>();
    p.error_code = r[8].as<int>();
    p.error = r[9].as<std::string>();
    p.created_at = ParseRfc3339(r[10].as<std::string>());
    p.parked_at = ParseRfc3339(r[11].as<std::string>());
  }
  return out;
}

int64_t CountParkedEvents(pqxx::transaction_base& tx) {
  return tx.exec1("SELECT count(*) FROM outbox_parked")[0].as<int64_t>();
}

std::vector<int64_t> RequeueParkedEvents(pqxx::transaction_base& tx, const std::vector<int64_t>& ids, bool all) {
  std::vector<int64_t> moved;
  if (ids.empty() && !all) return moved;
  for (const auto& r : tx.exec_params(
           "WITH back AS (DELETE FROM outbox_parked WHERE $2 OR id = ANY($1::bigint[]) "
           "RETURNING " + std::string(kOutboxColumns) + ") INSERT INTO outbox (" + kOutboxColumns +
               ") SELECT * FROM back RETURNING id",
           IdArray(ids), all)) {
    moved.push_back(r[0].as<int64_t>());
  }
  std::sort(moved.begin(), moved.end());
  return moved;
}

OutboxRelay::OutboxRelay(PgPool& pool, EventPublisher& publisher, Metrics& metrics,
                         OutboxRelayOptions options)
    : pool_(pool),
      publisher_(publisher),
      options_(options),
      published_(prometheus::BuildCounter()
                     .Name("ys_outbox_published_total")
                     .Help("Outbox rows published to Kafka and marked sent.")
                     .Register(metrics.registry())
                     .Add({})),
      failures_(prometheus::BuildCounter()
                    .Name("ys_outbox_publish_failures_total")
                    .Help("Relay batches that failed (Kafka or PostgreSQL unavailable).")
                    .Register(metrics.registry())
                    .Add({})),
      pending_(prometheus::BuildGauge()
                   .Name("ys_outbox_pending_records")
                   .Help("Outbox rows not yet published (the backlog).")
                   .Register(metrics.registry())
                   .Add({})),
      parked_(prometheus::BuildCounter()
                  .Name("ys_outbox_parked_total")
                  .Help("Outbox rows Kafka refused for good, moved to outbox_parked, by topic and reason.")
                  .Register(metrics.registry())),
      parked_now_(prometheus::BuildGauge()
                      .Name("ys_outbox_parked_records")
                      .Help("Rows in outbox_parked: refused by Kafka, waiting for `ysctl outbox requeue`.")
                      .Register(metrics.registry())
                      .Add({})) {}

OutboxRelay::~OutboxRelay() { Stop(); }

absl::StatusOr<size_t> OutboxRelay::RunOnce() {
  size_t marked = 0;
  std::vector<std::pair<std::string, std::string>> parked_labels;  // topic, reason: counted once committed
  absl::Status status = pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
    marked = 0;
    parked_labels.clear();
    // One active relay per schema; the others find the lock taken and wait for the next round.
    const bool leader =
        tx.exec_params1("SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || '.outbox'))")[0]
            .as<bool>();
    if (!leader) return absl::OkStatus();
    const pqxx::result rows = tx.exec_params(
        "SELECT id, topic, msg_key, ce_id, ce_type, ce_source, "
        "to_char(ce_time AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), ce_subject, "
        "content_type, payload, headers::text FROM outbox ORDER BY id LIMIT $1",
        static_cast<int64_t>(options_.batch_size));
    if (rows.empty()) return absl::OkStatus();
    std::vector<OutgoingEvent> events;
    std::vector<int64_t> ids;
    events.reserve(rows.size());
    for (const auto& r : rows) {
      ids.push_back(r[0].as<int64_t>());
      OutgoingEvent e;
      e.topic = r[1].as<std::string>();
      e.event.key = r[2].as<std::string>();
      e.event.id = r[3].as<std::string>();
      e.event.type = r[4].as<std::string>();
      e.event.source = r[5].as<std::string>();
      std::string err;
      absl::ParseTime(absl::RFC3339_full, r[6].as<std::string>(), &e.event.time, &err);
      e.event.subject = r[7].as<std::string>();
      e.event.content_type = r[8].as<std::string>();
      e.event.data = pqxx::binarystring(r[9]).str();
      for (const auto& kv : nlohmann::json::parse(r[10].as<std::string>())) {
        e.event.extensions.emplace_back(kv[0].get<std::string>(), kv[1].get<std::string>());
      }
      events.push_back(std::move(e));
    }
    const std::vector<Delivery> results = publisher_.PublishEach(events, options_.publish_timeout);
    if (options_.after_publish) options_.after_publish();
    // In id order: delivered rows go to outbox_sent, rows refused for good to outbox_parked; the
    // first row not confirmed (broker down, timeout) and those after it go again next round, in
    // order. By id list, not range: a row with an id inside the range may have committed after our
    // SELECT.
    std::vector<int64_t> sent;
    std::vector<int64_t> parked;
    std::vector<std::string> parked_codes;
    std::vector<std::string> parked_errors;
    for (size_t i = 0; i < events.size(); ++i) {
      Delivery d = results[i];
      if (d.outcome == Delivery::Outcome::kRefused && events.size() > 1) {
        // A broker refuses a whole produce request that is too large, so a small row sent with a
        // large one gets the same error: only a row refused when sent alone is parked.
        d = publisher_.PublishEach({&events[i], 1}, options_.publish_timeout).at(0);
      }
      if (d.outcome == Delivery::Outcome::kDelivered) {
        sent.push_back(ids[i]);
        continue;
      }
      if (d.outcome != Delivery::Outcome::kRefused) break;
      parked.push_back(ids[i]);
      parked_codes.push_back(std::to_string(d.error_code));
      parked_errors.push_back(d.error);
      parked_labels.emplace_back(events[i].topic, d.reason);
      log::Warn("outbox row refused by kafka; parked",
                {{"id", std::to_string(ids[i])},
                 {"topic", events[i].topic},
                 {"ce_id", events[i].event.id},
                 {"bytes", std::to_string(events[i].event.data.size())},
                 {"error", d.error}});
    }
    if (sent.empty() && parked.empty()) {
      return absl::UnavailableError(
          absl::StrFormat("kafka delivery of outbox row %d: %s", ids[0], results[0].error));
    }
    if (!sent.empty()) {
      tx.exec_params("WITH moved AS (DELETE FROM outbox WHERE id = ANY($1::bigint[]) RETURNING " +
                         std::string(kOutboxColumns) + ") INSERT INTO outbox_sent (" + kOutboxColumns +
                         ", sent_at) SELECT *, now() FROM moved",
                     IdArray(sent));
    }
    if (!parked.empty()) {
      tx.exec_params(
          "WITH p AS (SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[]) AS p(id, error_code, error)), "
          "moved AS (DELETE FROM outbox o USING p WHERE o.id = p.id RETURNING " +
              std::string(kOutboxColumnsOfO) + ", p.error_code, p.error) INSERT INTO outbox_parked (" +
              kOutboxColumns + ", error_code, error) SELECT * FROM moved",
          IdArray(parked), PgArray(parked_codes), PgArray(parked_errors));
    }
    marked = sent.size();
    return absl::OkStatus();
  });
  if (!status.ok()) {
    failures_.Increment();
    return status;
  }
  published_.Increment(static_cast<double>(marked));
  for (const auto& [topic, reason] : parked_labels) {
    parked_.Add({{"topic", topic}, {"reason", reason}}).Increment();
  }
  return marked;
}

absl::StatusOr<int64_t> OutboxRelay::Pending() {
  int64_t n = 0;
  int64_t parked = 0;
  absl::Status s = pool_.WithTransaction([&](pqxx::work& tx) {
    const pqxx::row r = tx.exec1("SELECT (SELECT count(*) FROM outbox), (SELECT count(*) FROM outbox_parked)");
    n = r[0].as<int64_t>();
    parked = r[1].as<int64_t>();
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  pending_.Set(static_cast<double>(n));
  parked_now_.Set(static_cast<double>(parked));
  return n;
}

absl::StatusOr<int64_t> OutboxRelay::PurgeSent() {
  int64_t n = 0;
  absl::Status s = pool_.WithTransaction([&](pqxx::work& tx) {
    n = tx.exec_params("DELETE FROM outbox_sent WHERE sent_at < now() - make_interval(secs => $1)",
                       absl::ToDoubleSeconds(options_.keep_sent))
            .affected_rows();
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return n;
}

void OutboxRelay::Start() {
  stop_ = false;
  thread_ = std::thread([this] {
    absl::Time last_gauge = absl::InfinitePast();
    absl::Time next_purge = absl::Now() + absl::Minutes(1);
    while (!stop_.load()) {
      if (absl::Now() >= next_purge) {
        if (auto purged = PurgeSent(); !purged.ok()) {
          log::Warn("outbox purge failed", {{"error", std::string(purged.status().message())}});
        }
        next_purge = absl::Now() + absl::Hours(1);
      }
      auto n = RunOnce();
      if (!n.ok()) {
        log::Warn("outbox relay batch failed", {{"error", std::string(n.status().message())}});
      }
      if (absl::Now() - last_gauge > absl::Seconds(5)) {
        (void)Pending();
        last_gauge = absl::Now();
      }
      if (!n.ok() || *n < options_.batch_size) absl::SleepFor(options_.idle_wait);
    }
  });
}

void OutboxRelay::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

}  // namespace ys
