#include "services/ranking/ingest.h"

#include <unordered_map>

#include <pqxx/pqxx>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_format.h"
#include "common/input/message_rules.h"
#include "common/pg/copy.h"
#include "common/pg/outbox.h"
#include "common/status/macros.h"
#include "common/time/proto_time.h"
#include "common/time/period.h"
#include "services/ranking/events.h"
#include "services/ranking/fact_json.h"

namespace ys::ranking {
namespace {

// The platform a submission comes from: ce_source "/platform/<source>".
std::string PlatformOf(const CloudEvent& e) {
  absl::string_view src = e.source;
  if (absl::ConsumePrefix(&src, "/platform/")) return std::string(src);
  return "";
}

absl::StatusOr<pb::RankingFact> Decode(const CloudEvent& e) {
  pb::RankingFact f;
  if (absl::StartsWith(e.content_type, "application/protobuf")) {
    if (!f.ParseFromString(e.data)) {
      return WithRejectionReason(absl::InvalidArgumentError("body is not a RankingFact protobuf"), "malformed");
    }
    return f;
  }
  if (absl::StartsWith(e.content_type, "application/json")) return DecodeFactJson(e.data);
  return WithRejectionReason(absl::InvalidArgumentError(absl::StrFormat(
                    "content-type %s is not application/protobuf or application/json",
                    input::QuoteInput(e.content_type))),
                "bad_content_type");
}

pb::SubmitResult::Outcome ToOutcome(RevisionOutcome o) {
  switch (o) {
    case RevisionOutcome::kNew: return pb::SubmitResult::OUTCOME_NEW;
    case RevisionOutcome::kSupersedes: return pb::SubmitResult::OUTCOME_SUPERSEDES;
    case RevisionOutcome::kSame: return pb::SubmitResult::OUTCOME_UNCHANGED;
    case RevisionOutcome::kOlder: return pb::SubmitResult::OUTCOME_OLDER;
  }
  return pb::SubmitResult::OUTCOME_UNSPECIFIED;
}

// The columns of current_facts for a batch of facts, as arrays for unnest().
// A score as PostgreSQL reads it back to the same double.
std::string ScoreText(double score) { return absl::StrFormat("%.17g", score); }

// The columns a revision that supersedes a stored fact changes, for one UPDATE of a batch.
struct CurrentUpdates {
  std::vector<std::string> key, rank, total, revision, body, write_seq;
  std::vector<std::optional<std::string>> score;

  bool empty() const { return key.empty(); }
  void Add(const std::string& k, const pb::RankingFact& f, int64_t seq) {
    key.push_back(k);
    write_seq.push_back(std::to_string(seq));
    rank.push_back(std::to_string(f.rank()));
    total.push_back(std::to_string(f.total()));
    score.push_back(f.has_score() ? std::optional(ScoreText(f.score())) : std::nullopt);
    revision.push_back(std::to_string(f.revision()));
    body.push_back(PgHexBytes(f.SerializeAsString()));
  }
  void Exec(pqxx::transaction_base& tx, absl::Time now) const {
    tx.exec_params(
        "UPDATE current_facts c SET rank = u.rk, total = u.t, score = u.score, revision = u.rev, body = u.b, "
        "updated_at = $7::timestamptz, write_seq = u.seq FROM unnest($1::text[], $2::int[], $3::int[], "
        "$4::float8[], $5::bigint[], $6::bytea[], $8::bigint[]) AS u(k, rk, t, score, rev, b, seq) "
        "WHERE c.fact_key = u.k",
        PgArray(key), PgArray(rank), PgArray(total), PgArray(score), PgArray(revision), PgArray(body),
        PgTime(now), PgArray(write_seq));
  }
};

}  // namespace

bool IsValidateOnly(const CloudEvent& e) {
  auto v = e.Extension(kValidateOnlyHeader);
  return v.has_value() && (*v == "true" || *v == "1");
}

pb::SubmitResult MakeResult(const std::string& fact_key, const absl::Status& status,
                            RevisionOutcome outcome) {
  pb::SubmitResult r;
  r.set_fact_key(fact_key);
  if (status.ok()) {
    r.set_outcome(ToOutcome(outcome));
  } else {
    r.set_outcome(pb::SubmitResult::OUTCOME_REJECTED);
    r.set_error(std::string(status.message()));
    r.set_code(RejectionReason(status));
  }
  return r;
}

std::string PreviousPeriod(const std::string& period) {
  auto p = Period::Parse(period);
  return p.ok() ? p->Previous().ToString() : "";
}

// --- facts -----------------------------------------------------------------------------------

absl::StatusOr<FactChanges> FactIngest::ApplyBatch(pqxx::transaction_base& tx,
                                                   const std::vector<const CloudEvent*>& events,
                                                   std::vector<absl::Status>* results) {
  // Validate-only submissions first (they change nothing), then the others.
  FactChanges changes;
  std::vector<OutgoingEvent> reports;
  for (const bool validate_only : {true, false}) {
    std::vector<Input> inputs;
    std::vector<size_t> where;
    for (size_t i = 0; i < events.size(); ++i) {
      if (IsValidateOnly(*events[i]) != validate_only) continue;
      auto f = Decode(*events[i]);
      if (!f.ok()) {
        if (!validate_only) {
          (*results)[i] = f.status();
        } else {
          reports.push_back(RankingEvent(kValidationTopic, events[i]->id, "yingshang.ranking.v1.SubmitResult",
                                  MakeResult("", f.status(), RevisionOutcome::kNew), clock_.Now(),
                                  "validation:" + events[i]->id));
        }
        continue;
      }
      inputs.push_back({std::move(*f), PlatformOf(*events[i])});
      where.push_back(i);
    }
    if (inputs.empty() && validate_only) continue;
    std::vector<absl::Status> sub(inputs.size());
    std::vector<RevisionOutcome> outcomes(inputs.size());
    FactChanges none;
    RETURN_IF_ERROR(ApplyFacts(tx, inputs, {.validate_only = validate_only}, &sub, &outcomes,
                               validate_only ? &none : &changes));
    for (size_t k = 0; k < where.size(); ++k) {
      if (!validate_only) {
        (*results)[where[k]] = sub[k];
        continue;
      }
      const CloudEvent& e = *events[where[k]];
      pb::SubmitResult r = MakeResult(FactKey(inputs[k].fact), sub[k], outcomes[k]);
      r.set_event_id(e.id);
      reports.push_back(RankingEvent(kValidationTopic, e.id, "yingshang.ranking.v1.SubmitResult", r,
                              clock_.Now(), "validation:" + e.id));
    }
  }
  for (auto& r : reports) r.event.content_type = "application/protobuf";
  if (!reports.empty()) EnqueueOutboxBatch(tx, reports);
  return changes;
}

void FactIngest::RecordRejected(pqxx::transaction_base& tx, const KafkaMessage& record,
                                const std::string& id, const absl::Status& reason, absl::Time now) {
  std::vector<std::string> names, values;
  for (const auto& [k, v] : record.headers) {
    names.push_back(k);
    values.push_back(v);
  }
  auto event = ParseCloudEvent(record);  // binary or structured mode
  const std::string event_id = event.ok() ? event->id : "";
  tx.exec_params(
      "INSERT INTO rejected_submissions (id, event_id, header_names, header_values, record_key, "
      "body, error, code, rejected_at) VALUES ($1, $2, $3::text[], $4::text[], $5, $6::bytea, $7, $8, "
      "$9::timestamptz) ON CONFLICT (id) DO NOTHING",
      id, event_id, PgArray(names), PgArray(values), record.key, PgHexBytes(record.value),
      std::string(reason.message()), RejectionReason(reason), PgTime(now));
}

absl::StatusOr<std::vector<pb::SubmitResult>> FactIngest::Replay(pqxx::transaction_base& tx,
                                                                 const std::vector<std::string>& ids,
                                                                 bool all, bool validate_only,
                                                                 FactChanges* changes, size_t limit) {
  const pqxx::result rows = tx.exec_params(
      "SELECT id, header_names, header_values, record_key, body, replayed_at IS NOT NULL "
      "FROM rejected_submissions WHERE ($1 AND replayed_at IS NULL) OR id = ANY($2::text[]) "
      "ORDER BY rejected_at, id LIMIT $3 FOR UPDATE",
      all, PgArray(ids), static_cast<int64_t>(limit));
  std::set<std::string> found;
  for (const auto& row : rows) found.insert(row[0].as<std::string>());
  for (const std::string& id : ids) {
    if (!found.contains(id)) {
      return absl::NotFoundError(absl::StrFormat("field 'ids': no rejected submission %s", id));
    }
  }
  std::vector<pb::SubmitResult> out(rows.size());
  std::vector<Input> inputs;
  std::vector<size_t> where;
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    out[i].set_event_id(row[0].as<std::string>());
    if (row[5].as<bool>()) {
      out[i] = MakeResult("", WithRejectionReason(absl::FailedPreconditionError("already replayed"), "already_replayed"),
                          RevisionOutcome::kSame);
      out[i].set_event_id(row[0].as<std::string>());
      continue;
    }
    KafkaMessage m;
    m.key = row[3].as<std::string>();
    m.value = pqxx::binarystring(row[4]).str();
    const auto names = PgTextArray(row[1]);
    const auto values = PgTextArray(row[2]);
    for (size_t h = 0; h < names.size() && h < values.size(); ++h) m.headers.emplace_back(names[h], values[h]);
    auto event = ParseCloudEvent(m);
    absl::StatusOr<pb::RankingFact> fact =
        event.ok() ? Decode(*event) : absl::StatusOr<pb::RankingFact>(event.status());
    if (!fact.ok()) {
      out[i] = MakeResult("", fact.status(), RevisionOutcome::kNew);
      out[i].set_event_id(row[0].as<std::string>());
      continue;
    }
    inputs.push_back({std::move(*fact), PlatformOf(*event)});
    where.push_back(i);
  }
  std::vector<absl::Status> statuses(inputs.size());
  std::vector<RevisionOutcome> outcomes(inputs.size());
  RETURN_IF_ERROR(ApplyFacts(tx, inputs, {.validate_only = validate_only}, &statuses, &outcomes, changes));
  std::vector<std::string> replayed, failed, errors, codes;
  for (size_t k = 0; k < where.size(); ++k) {
    const std::string id = out[where[k]].event_id();
    out[where[k]] = MakeResult(FactKey(inputs[k].fact), statuses[k], outcomes[k]);
    out[where[k]].set_event_id(id);
    if (statuses[k].ok()) {
      replayed.push_back(id);
    } else {
      failed.push_back(id);
      errors.emplace_back(statuses[k].message());
      codes.push_back(RejectionReason(statuses[k]));
    }
  }
  if (!validate_only) {
    tx.exec_params("UPDATE rejected_submissions SET replayed_at = $2::timestamptz WHERE id = ANY($1::text[])",
                   PgArray(replayed), PgTime(clock_.Now()));
    tx.exec_params(
        "UPDATE rejected_submissions r SET attempts = attempts + 1, error = u.e, code = u.c "
        "FROM unnest($1::text[], $2::text[], $3::text[]) AS u(i, e, c) WHERE r.id = u.i",
        PgArray(failed), PgArray(errors), PgArray(codes));
  }
  return out;
}

absl::Status FactIngest::ApplyFacts(pqxx::transaction_base& tx, const std::vector<Input>& inputs,
                                    const Options& options, std::vector<absl::Status>* results,
                                    std::vector<RevisionOutcome>* outcomes, FactChanges* changes) {
  FactChanges decided;
  // Through this transaction: a reload on a second connection could wait for a free one while
  // every connection is held by a writer waiting here.
  auto replica = catalog_.Current(tx);
  if (!replica.ok()) return replica.status();
  const absl::Time now = clock_.Now();

  // 1. Validate each fact on its own.
  std::vector<std::optional<pb::RankingFact>> facts(inputs.size());
  std::vector<std::string> fact_keys(inputs.size()), previous_fact_keys(inputs.size());
  std::set<std::string> keys, previous_keys;
  for (size_t i = 0; i < inputs.size(); ++i) {
    pb::RankingFact f = inputs[i].fact;
    const std::string& platform = inputs[i].platform;
    if (f.source().empty()) f.set_source(platform);
    if (!platform.empty() && f.source() != platform) {
      (*results)[i] = WithRejectionReason(absl::InvalidArgumentError(absl::StrFormat(
                                 "field 'source': %s, but it comes from platform %s [RV02]",
                                 input::QuoteInput(f.source()), input::QuoteInput(platform))),
                             "RV02");
      continue;
    }
    const auto violations = ValidateFact(f, **replica, validation_, now);
    if (!violations.empty()) {
      (*results)[i] = WithRejectionReason(ViolationsStatus(violations), violations.front().code);
      continue;
    }
    fact_keys[i] = FactKey(f);
    previous_fact_keys[i] = FactKey(f, PreviousPeriod(f.period()));
    keys.insert(fact_keys[i]);
    previous_keys.insert(previous_fact_keys[i]);
    facts[i] = std::move(f);
  }

  // 2. The stored current facts of these keys and of their previous periods (for the movement),
  //    read in one statement; then the rows of these keys that exist are locked and read again
  //    (their next revision is decided here). A key not stored yet has nothing to lock: racing
  //    writers of a new key are settled by the insert below. Nearly every fact of a month is new,
  //    so the locking read is usually empty.
  std::map<std::string, pb::RankingFact> loaded;                      // stored facts, parsed
  std::unordered_map<std::string, const pb::RankingFact*> current;  // by key: loaded or submitted
  struct StoredRow {
    std::string body;
    std::string updated_at;
  };
  std::map<std::string, StoredRow> stored;  // the stored current rows of the keys written
  if (!keys.empty()) {
    std::vector<std::string> all(keys.begin(), keys.end());
    for (const std::string& k : previous_keys) {
      if (!keys.contains(k)) all.push_back(k);
    }
    std::vector<std::string> existing;
    // Thousands of keys against a small table make the planner scan all of it (hashing each row
    // against the array): the cost of every batch then grows with the table. Index probes cost the
    // same at any size, so the lookup is held to the primary key.
    tx.exec("SET LOCAL enable_seqscan = off");
    for (const auto& row : tx.exec_params(
             "SELECT fact_key, body FROM current_facts WHERE fact_key = ANY($1::text[])", PgArray(all))) {
      const std::string key = row[0].as<std::string>();
      if (keys.contains(key)) {
        existing.push_back(key);
      } else {
        pb::RankingFact& f = loaded[key];
        f.ParseFromString(pqxx::binarystring(row[1]).str());
        current[key] = &f;
      }
    }
    tx.exec("SET LOCAL enable_seqscan TO DEFAULT");
    if (!existing.empty()) {
      for (const auto& row : tx.exec_params(
               "SELECT fact_key, body, updated_at FROM current_facts WHERE fact_key = ANY($1::text[]) "
               "FOR UPDATE",
               PgArray(existing))) {
        const std::string key = row[0].as<std::string>();
        StoredRow& r = stored[key];
        r.body = pqxx::binarystring(row[1]).str();
        r.updated_at = row[2].as<std::string>();
        pb::RankingFact& f = loaded[key];
        f.ParseFromString(r.body);
        current[key] = &f;
      }
    }
  }

  // 3. Each submission in order, against what the earlier ones left. Every revision is kept once:
  //    the one that ends up current in current_facts, every other one in fact_revisions (a late
  //    lower revision, one superseded within the batch, and the stored current it supersedes).
  struct HistoryRow {
    std::string key, revision, body, received_at;
  };
  std::vector<HistoryRow> history;
  std::map<std::string, const pb::RankingFact*> became_current;  // in key order: the inserts' order
  const std::string received = PgTime(now);
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!facts[i].has_value()) continue;
    const pb::RankingFact& f = *facts[i];
    const std::string& key = fact_keys[i];
    auto it = current.find(key);
    auto outcome = DecideRevision(it == current.end() ? std::nullopt : std::optional(*it->second), f,
                                  lock_, now, options.correction);
    if (!outcome.ok()) {
      (*results)[i] = WithRejectionReason(outcome.status(), outcome.status().code() == absl::StatusCode::kAlreadyExists
                                                   ? "revision_conflict"
                                                   : "period_locked");
      continue;
    }
    (*outcomes)[i] = *outcome;
    if (*outcome == RevisionOutcome::kSame) continue;
    if (*outcome == RevisionOutcome::kOlder) {
      history.push_back({key, std::to_string(f.revision()), f.SerializeAsString(), received});
      continue;
    }
    if (auto earlier = became_current.find(key); earlier != became_current.end()) {
      history.push_back({key, std::to_string(earlier->second->revision()),
                         earlier->second->SerializeAsString(), received});
    } else if (auto row = stored.find(key); row != stored.end()) {
      history.push_back({key, std::to_string(current[key]->revision()), row->second.body,
                         row->second.updated_at});
    }
    current[key] = &f;
    became_current[key] = &f;
  }
  // The alerts of what ends up current, against the previous period as it ends up: a revision
  // superseded within the batch raises nothing. A stored fact superseded may withdraw alerts.
  std::map<std::string, pb::RankingAlert> alerts;
  std::map<std::string, pb::RankingFact> superseding;
  std::set<std::string> still_raised;
  for (const auto& [key, f] : became_current) {
    auto prev = current.find(FactKey(*f, PreviousPeriod(f->period())));
    for (auto& a : EvaluateRules(*f, prev == current.end() ? std::nullopt : std::optional(*prev->second),
                                 **replica, rules_)) {
      still_raised.insert(a.id());
      alerts.emplace(a.id(), std::move(a));
    }
    if (stored.contains(key)) superseding.emplace(key, *f);
  }

  // 4. Writes: the current facts, the other revisions, new alerts, and their events.
  if (options.validate_only) return absl::OkStatus();
  std::vector<OutgoingEvent> out;
  if (!became_current.empty()) {
    // New keys are inserted, stored ones (locked above) updated: an upsert's speculative
    // insertion cost 40% more per row. A key not stored yet has no row to lock, so two writers
    // (several consumers, Submit, Replay) may both take it for new: the second insert then fails
    // on the primary key, and the whole batch is decided again (ABORTED: PgPool retries it) —
    // this time against the row the first one stored.
    CurrentUpdates updates;
    PgCopyRows inserts;
    const std::string updated_at = PgTime(now);
    // Their places in the order of writes (migration 0005), taken now that the stored rows are
    // locked: a later writer of the same key waits for this commit before it takes its own.
    std::map<std::string, int64_t> write_seq;
    {
      auto seq = became_current.begin();
      for (const auto& row : tx.exec_params("SELECT nextval('current_facts_write_seq') FROM generate_series(1, $1)",
                                            static_cast<int64_t>(became_current.size()))) {
        write_seq[(seq++)->first] = row[0].as<int64_t>();
      }
    }
    for (const auto& [key, f] : became_current) {
      if (stored.contains(key)) {
        updates.Add(key, *f, write_seq[key]);
        continue;
      }
      inserts.Text(key).Text(f->source()).Text(pb::Evaluation_Name(f->evaluation()));
      inserts.Text(f->indicator_code()).Text(pb::Scope_Name(f->scope())).Text(f->region_code());
      inserts.Text(f->period()).Int(f->rank()).Int(f->total());
      if (f->has_score()) {
        inserts.Text(ScoreText(f->score()));
      } else {
        inserts.Null();
      }
      inserts.Int(f->revision()).Bytes(f->SerializeAsString()).Text(updated_at).Int(write_seq[key]).EndRow();
    }
    if (!updates.empty()) updates.Exec(tx, now);
    try {
      inserts.CopyInto(tx, "current_facts",
                       {"fact_key", "source", "evaluation", "indicator_code", "scope", "region_code",
                        "period", "rank", "total", "score", "revision", "body", "updated_at", "write_seq"});
    } catch (const pqxx::unique_violation& e) {
      new_key_races_.fetch_add(1);
      return absl::AbortedError(absl::StrFormat(
          "another writer stored one of this batch's new facts first; deciding the batch again (%s)",
          e.what()));
    }
    for (const auto& [key, f] : became_current) {
      out.push_back(RankingEvent(kAcceptedTopic, key, "yingshang.ranking.v1.RankingFact", *f, now,
                          absl::StrFormat("accepted:%s:%d", key, f->revision())));
      decided.current.push_back({*f, write_seq[key]});
    }
  }
  if (!history.empty()) {
    std::vector<std::string> k, rev, body, at;
    for (HistoryRow& h : history) {
      k.push_back(std::move(h.key));
      rev.push_back(std::move(h.revision));
      body.push_back(PgHexBytes(h.body));
      at.push_back(std::move(h.received_at));
    }
    tx.exec_params(
        "INSERT INTO fact_revisions (fact_key, revision, body, received_at) "
        "SELECT * FROM unnest($1::text[], $2::bigint[], $3::bytea[], $4::timestamptz[]) "
        "ON CONFLICT DO NOTHING",
        PgArray(k), PgArray(rev), PgArray(body), PgArray(at));
  }
  // Alerts the corrected facts no longer raise are withdrawn (kept, marked; their lines too), then
  // the new ones are stored with their ledger lines (ledger.h decides both).
  ledger_.Withdraw(tx, superseding, still_raised, now, &out);
  for (auto& a : ledger_.Raise(tx, alerts, now, &out)) decided.raised.push_back(std::move(a));
  EnqueueOutboxBatch(tx, out);
  if (changes != nullptr) {
    std::move(decided.current.begin(), decided.current.end(), std::back_inserter(changes->current));
    std::move(decided.raised.begin(), decided.raised.end(), std::back_inserter(changes->raised));
  }
  return absl::OkStatus();
}

}  // namespace ys::ranking
