#include "services/ranking/ledger_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/pg/outbox.h"
#include "common/status/macros.h"
#include "common/time/proto_time.h"
#include "services/ranking/domain.h"
#include "services/ranking/events.h"
#include "services/ranking/ingest.h"

namespace ys::ranking {
namespace {

constexpr char kAlertType[] = "yingshang.ranking.v1.RankingAlert";

// The mutable state of a line lives in its columns; the body keeps what the alert wrote.
constexpr char kLineColumns[] =
    "body, standing, withdrawn_revision, (extract(epoch FROM withdrawn_at) * 1000000)::bigint";

pb::Consequence LineFrom(const pqxx::row& row) {
  pb::Consequence c;
  c.ParseFromString(pqxx::binarystring(row[0]).str());
  c.set_text(LineText(c.kind()));
  pb::Standing standing = pb::STANDING_AT_RISK;
  pb::Standing_Parse(row[1].as<std::string>(), &standing);
  c.set_standing(standing);
  if (!row[2].is_null()) {
    c.set_withdrawn(true);
    c.set_withdrawn_by_revision(row[2].as<int64_t>());
    *c.mutable_withdrawn_at() = ToProtoTime(absl::FromUnixMicros(row[3].as<int64_t>()));
  }
  return c;
}

}  // namespace

std::vector<pb::RankingAlert> LedgerStore::Raise(pqxx::transaction_base& tx,
                                                 const std::map<std::string, pb::RankingAlert>& alerts,
                                                 absl::Time now, std::vector<OutgoingEvent>* events) {
  std::vector<pb::RankingAlert> raised;
  if (alerts.empty()) return raised;
  std::vector<std::string> id, rule, severity, indicator, region, period, body;
  for (const auto& [aid, a] : alerts) {
    id.push_back(aid);
    rule.push_back(pb::AlertRule_Name(a.rule()));
    severity.push_back(pb::Severity_Name(a.severity()));
    indicator.push_back(a.fact().indicator_code());
    region.push_back(a.fact().region_code());
    period.push_back(a.fact().period());
    body.push_back(PgHexBytes(a.SerializeAsString()));
  }
  // Once per (rule, key, period): a revision that fires the same rule again raises nothing new;
  // one that fires a withdrawn alert again reinstates it (xmax is set on the updated row).
  std::vector<pb::Consequence> ledger;
  for (const auto& row : tx.exec_params(
           "INSERT INTO alerts (id, rule, severity, indicator_code, region_code, period, body, raised_at) "
           "SELECT *, $8::timestamptz FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], "
           "$5::text[], $6::text[], $7::bytea[]) "
           "ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body, raised_at = EXCLUDED.raised_at, "
           "withdrawn_revision = NULL, withdrawn_at = NULL WHERE alerts.withdrawn_revision IS NOT NULL "
           "RETURNING id, xmax <> 0",
           PgArray(id), PgArray(rule), PgArray(severity), PgArray(indicator), PgArray(region),
           PgArray(period), PgArray(body), PgTime(now))) {
    const pb::RankingAlert& a = alerts.at(row[0].as<std::string>());
    const bool reinstated = row[1].as<bool>();
    events->push_back(RankingEvent(kAlertsTopic, FactKey(a.fact()), kAlertType, a, now,
                                   reinstated ? absl::StrFormat("alert:%s:rev%d", a.id(), a.fact().revision())
                                              : "alert:" + a.id()));
    raised.push_back(a);
    for (auto& c : ConsequencesOf(a)) {
      *c.mutable_raised_at() = ToProtoTime(now);
      ledger.push_back(std::move(c));
    }
  }
  if (ledger.empty()) return raised;
  std::vector<std::string> alert, subject, kind, year, county, cbody, standing;
  for (const auto& c : ledger) {
    alert.push_back(c.alert_id());
    subject.push_back(c.subject());
    kind.push_back(pb::ConsequenceKind_Name(c.kind()));
    year.push_back(std::to_string(c.year()));
    county.push_back(c.county() ? "true" : "false");
    cbody.push_back(PgHexBytes(c.SerializeAsString()));
    standing.push_back(pb::Standing_Name(c.standing()));
  }
  tx.exec_params(
      "INSERT INTO consequences (alert_id, subject, kind, year, county, body, standing) "
      "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::boolean[], $6::bytea[], "
      "$7::text[]) ON CONFLICT (alert_id, subject, kind) DO UPDATE SET body = EXCLUDED.body, "
      "standing = EXCLUDED.standing, withdrawn_revision = NULL, withdrawn_at = NULL, finalisation = NULL "
      "WHERE consequences.withdrawn_revision IS NOT NULL",
      PgArray(alert), PgArray(subject), PgArray(kind), PgArray(year), PgArray(county), PgArray(cbody),
      PgArray(standing));
  return raised;
}

std::vector<pb::RankingAlert> LedgerStore::Withdraw(pqxx::transaction_base& tx,
                                                    const std::map<std::string, pb::RankingFact>& superseding,
                                                    const std::set<std::string>& still_raised, absl::Time now,
                                                    std::vector<OutgoingEvent>* events) {
  if (superseding.empty()) return {};
  std::vector<std::string> indicator, region, period;
  for (const auto& [_, f] : superseding) {
    indicator.push_back(f.indicator_code());
    region.push_back(f.region_code());
    period.push_back(f.period());
  }
  std::vector<pb::RankingAlert> standing;
  for (const auto& row : tx.exec_params(
           "SELECT a.body FROM alerts a JOIN (SELECT DISTINCT * FROM unnest($1::text[], $2::text[], "
           "$3::text[])) AS u(i, r, p) ON a.indicator_code = u.i AND a.region_code = u.r AND a.period = u.p "
           "WHERE a.withdrawn_revision IS NULL ORDER BY a.id FOR UPDATE OF a",
           PgArray(indicator), PgArray(region), PgArray(period))) {
    pb::RankingAlert a;
    a.ParseFromString(pqxx::binarystring(row[0]).str());
    if (superseding.contains(FactKey(a.fact()))) standing.push_back(std::move(a));
  }
  std::vector<pb::RankingAlert> withdrawn = AlertsToWithdraw(standing, still_raised);
  if (withdrawn.empty()) return withdrawn;
  std::vector<std::string> id, revision, body;
  for (pb::RankingAlert& a : withdrawn) {
    const pb::RankingFact& by = superseding.at(FactKey(a.fact()));
    a.set_withdrawn(true);
    a.set_withdrawn_by_revision(by.revision());
    *a.mutable_withdrawn_at() = ToProtoTime(now);
    id.push_back(a.id());
    revision.push_back(std::to_string(by.revision()));
    body.push_back(PgHexBytes(a.SerializeAsString()));
    events->push_back(RankingEvent(kAlertsTopic, FactKey(a.fact()), kAlertType, a, now,
                                   absl::StrFormat("alert-withdrawn:%s:rev%d", a.id(), by.revision())));
  }
  tx.exec_params(
      "UPDATE alerts a SET withdrawn_revision = u.rev, withdrawn_at = $4::timestamptz, body = u.b "
      "FROM unnest($1::text[], $2::bigint[], $3::bytea[]) AS u(id, rev, b) WHERE a.id = u.id",
      PgArray(id), PgArray(revision), PgArray(body), PgTime(now));
  tx.exec_params(
      "UPDATE consequences c SET withdrawn_revision = u.rev, withdrawn_at = $3::timestamptz "
      "FROM unnest($1::text[], $2::bigint[]) AS u(id, rev) WHERE c.alert_id = u.id "
      "AND c.withdrawn_revision IS NULL",
      PgArray(id), PgArray(revision), PgTime(now));
  return withdrawn;
}

absl::StatusOr<pb::ListConsequencesResponse> LedgerStore::List(int year, const std::string& subject,
                                                               bool include_withdrawn) {
  pb::ListConsequencesResponse out;
  RETURN_IF_ERROR(pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
    std::vector<pb::Consequence> lines;
    for (const auto& row : tx.exec_params(
             absl::StrCat("SELECT ", kLineColumns,
                          " FROM consequences WHERE year = $1 AND ($2 = '' OR subject = $2)"),
             year, subject)) {
      pb::Consequence c = LineFrom(row);
      if (c.withdrawn() && !include_withdrawn) continue;
      lines.push_back(std::move(c));
    }
    out = SummarizeConsequences(year, lines);
    for (const auto& row : tx.exec_params(
             "SELECT finalised_by, reason, (extract(epoch FROM finalised_at) * 1000000)::bigint, lines "
             "FROM year_finalisations WHERE year = $1 ORDER BY id",
             year)) {
      pb::Finalisation* f = out.add_finalisations();
      f->set_year(year);
      f->set_finalised_by(row[0].as<std::string>());
      f->set_reason(row[1].as<std::string>());
      *f->mutable_finalised_at() = ToProtoTime(absl::FromUnixMicros(row[2].as<int64_t>()));
      f->set_lines(row[3].as<int>());
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<pb::FinaliseYearResponse> LedgerStore::FinaliseYear(const Principal& who, int year,
                                                                   const std::string& reason, bool dry_run,
                                                                   absl::Time now) {
  pb::FinaliseYearResponse out;
  RETURN_IF_ERROR(pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
    out.Clear();
    out.set_year(year);
    out.set_dry_run(dry_run);
    std::vector<pb::Consequence> lines;
    for (const auto& row : tx.exec_params(
             absl::StrCat("SELECT ", kLineColumns, " FROM consequences WHERE year = $1 FOR UPDATE"), year)) {
      lines.push_back(LineFrom(row));
    }
    std::vector<pb::Consequence> confirmed = LinesToFinalise(lines);
    if (confirmed.empty()) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "nothing to finalise for %d: no pending line (only official facts of the period %d, the "
          "year's assessment, write them; months and quarters are warnings)",
          year, year));
    }
    for (pb::Consequence& c : confirmed) c.set_standing(pb::STANDING_INCURRED);
    for (const pb::Consequence& c : confirmed) *out.add_incurred() = c;
    if (dry_run) return absl::OkStatus();
    const int64_t id =
        tx.exec_params1("INSERT INTO year_finalisations (year, finalised_by, reason, finalised_at, lines) "
                        "VALUES ($1, $2, $3, $4::timestamptz, $5) RETURNING id",
                        year, who.name, reason, PgTime(now), static_cast<int>(confirmed.size()))[0]
            .as<int64_t>();
    std::vector<std::string> alert, subject, kind;
    for (const pb::Consequence& c : confirmed) {
      alert.push_back(c.alert_id());
      subject.push_back(c.subject());
      kind.push_back(pb::ConsequenceKind_Name(c.kind()));
    }
    tx.exec_params(
        "UPDATE consequences c SET standing = 'STANDING_INCURRED', finalisation = $4 "
        "FROM unnest($1::text[], $2::text[], $3::text[]) AS u(a, s, k) "
        "WHERE c.alert_id = u.a AND c.subject = u.s AND c.kind = u.k",
        PgArray(alert), PgArray(subject), PgArray(kind), id);
    out.set_finalised_by(who.name);
    *out.mutable_finalised_at() = ToProtoTime(now);
    pb::YearFinalised event;
    event.set_year(year);
    event.set_finalised_by(who.name);
    event.set_reason(reason);
    *event.mutable_finalised_at() = ToProtoTime(now);
    *event.mutable_incurred() = out.incurred();
    EnqueueOutboxBatch(tx, {RankingEvent(kLedgerTopic, std::to_string(year), "yingshang.ranking.v1.YearFinalised",
                                         event, now, absl::StrFormat("ledger-finalised:%d:%d", year, id))});
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace ys::ranking
