// CaseStore: reading — one case with its history, lists, counts for the gauges, statistics for the
// bulletin.
#include <pqxx/pqxx>

#include "absl/strings/str_format.h"
#include "common/input/text_rules.h"
#include "common/pg/pool.h"
#include "common/status/macros.h"
#include "common/time/period.h"
#include "common/time/proto_time.h"
#include "services/rectification/store.h"
#include "services/rectification/store_rows.h"

namespace ys::rectification {

absl::StatusOr<pb::Case> CaseStore::Get(const std::string& id) {
  pb::Case c;
  const absl::Time now = clock_.Now();
  RETURN_IF_ERROR(pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
    ASSIGN_OR_RETURN(LoadedCase l, LoadCase(tx, id, false));
    c = std::move(l.c);  // each attempt from the start (an ABORTED one is retried)
    for (const auto& row : tx.exec_params(
             "SELECT (extract(epoch FROM at) * 1e6)::bigint, actor, action, before, after, note "
             "FROM case_history WHERE case_id = $1 ORDER BY seq",
             id)) {
      pb::HistoryEntry* h = c.add_history();
      *h->mutable_at() = ToProtoTime(absl::FromUnixMicros(row[0].as<int64_t>()));
      h->set_actor(row[1].as<std::string>());
      h->set_action(row[2].as<std::string>());
      h->set_before(row[3].as<std::string>());
      h->set_after(row[4].as<std::string>());
      h->set_note(row[5].as<std::string>());
    }
    // A legacy escalation not written back yet: its line, as the next change will store it.
    if (l.legacy.has_value()) *c.add_history() = LegacyEscalationEntry(*l.legacy, now);
    return absl::OkStatus();
  }));
  SetOverdue(&c, now);
  return c;
}

namespace {

// [first instant, end) of a month or quarter in Asia/Shanghai; INVALID_ARGUMENT naming the field.
absl::StatusOr<std::pair<absl::Time, absl::Time>> PeriodWindow(const std::string& period) {
  auto p = Period::Parse(period);
  if (!p.ok()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("field 'period': %s is not a month or quarter (2022-09, 2022Q3)",
                        input::QuoteInput(period)));
  }
  return std::make_pair(absl::FromCivil(p->FirstDay(), Shanghai()), EndOfDay(p->LastDay()));
}

}  // namespace

absl::StatusOr<std::pair<std::vector<pb::Case>, size_t>> CaseStore::List(const ListQuery& q) {
  ASSIGN_OR_RETURN(std::shared_ptr<const CaseListSnapshot> cases, list_cache_.Current());
  return ListPage(cases->cases, q);
}

absl::StatusOr<std::vector<pb::Case>> CaseStore::ListAll(const ListQuery& q) {
  ASSIGN_OR_RETURN(std::shared_ptr<const CaseListSnapshot> cases, list_cache_.Current());
  return ListMatching(cases->cases, q);
}

absl::StatusOr<CaseStore::LevelCounts> CaseStore::CountByLevel() {
  LevelCounts out;
  const absl::Time now = clock_.Now();
  RETURN_IF_ERROR(pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
    out = {};  // each attempt from the start (an ABORTED one is retried)
    for (const auto& row : tx.exec_params(
             std::string("SELECT escalation, count(*), count(*) FILTER (WHERE due_at <= $1::timestamptz) "
                         "FROM cases WHERE state IN ") +
                 kOutstandingSql + " AND escalation < $2 GROUP BY escalation",
             PgTime(now), static_cast<int>(pb::ESCALATION_LOCAL_STEP))) {
      const auto level = static_cast<pb::Escalation>(row[0].as<int>());
      out.open[level] += row[1].as<int64_t>();
      out.overdue[level] += row[2].as<int64_t>();
    }
    // Past 督办: a local step, the office's referral — or a level the sweeper before issue #12 stored
    // (提级办理, 移送), which counts as 督办 until written back (NormaliseLegacyEscalation): read from
    // the case. Few cases: those a local step or the office took further.
    for (const auto& row : tx.exec_params(
             std::string("SELECT body, due_at <= $1::timestamptz FROM cases WHERE state IN ") + kOutstandingSql +
                 " AND escalation >= $2",
             PgTime(now), static_cast<int>(pb::ESCALATION_LOCAL_STEP))) {
      const pb::Escalation level = ParseCase(pqxx::binarystring(row[0]).str(), 0).c.escalation();
      ++out.open[level];
      if (row[1].as<bool>()) ++out.overdue[level];
    }
    const pqxx::row flags = tx.exec1(
        "SELECT count(*) FILTER (WHERE referral_suggested AND state IN " + std::string(kOutstandingSql) +
        "), count(*) FILTER (WHERE alert_withdrawn) FROM cases WHERE (referral_suggested OR alert_withdrawn) "
        "AND state <> 'STATE_CLOSED'");
    out.referral_suggested = flags[0].as<int64_t>();
    out.alert_withdrawn = flags[1].as<int64_t>();
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<pb::StatsResponse> CaseStore::Stats(const std::string& period, const std::string& unit) {
  ASSIGN_OR_RETURN(const auto window, PeriodWindow(period));
  pb::StatsResponse out;
  out.set_period(period);
  // A case the office closed because its alert was withdrawn is not counted: its fall did not stand.
  RETURN_IF_ERROR(pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
    out.clear_units();  // each attempt from the start (an ABORTED one is retried)
    for (const auto& row : tx.exec_params(
             std::string(
                 "SELECT unit, max(region_code), count(*), "
                 "count(*) FILTER (WHERE state = 'STATE_CLOSED' AND reported_at <= due_at), "
                 "count(*) FILTER (WHERE state = 'STATE_CLOSED' AND (reported_at IS NULL OR reported_at > due_at)), "
                 "count(*) FILTER (WHERE state <> 'STATE_CLOSED'), "
                 "count(*) FILTER (WHERE state IN ") +
                 kOutstandingSql +
                 " AND due_at <= $3::timestamptz) FROM cases WHERE opened_at >= $1::timestamptz AND "
                 "opened_at < $2::timestamptz AND ($4 = '' OR unit = $4) AND resolution <> 'withdrawn' "
                 "GROUP BY unit ORDER BY unit",
             PgTime(window.first), PgTime(window.second),
             PgTime(clock_.Now()), unit)) {
      pb::UnitStats* u = out.add_units();
      u->set_unit(row[0].as<std::string>());
      u->set_region_code(row[1].as<std::string>());
      u->set_opened(row[2].as<int>());
      u->set_closed_on_time(row[3].as<int>());
      u->set_closed_late(row[4].as<int>());
      u->set_open(row[5].as<int>());
      u->set_overdue(row[6].as<int>());
    }
    return absl::OkStatus();
  }));
  AddTotals(&out);
  return out;
}

absl::StatusOr<std::vector<pb::Case>> CaseStore::OpenedIn(const std::string& period) {
  ASSIGN_OR_RETURN(const auto window, PeriodWindow(period));
  std::vector<pb::Case> out;
  RETURN_IF_ERROR(pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
    out.clear();  // each attempt from the start (an ABORTED one is retried)
    for (const auto& row : tx.exec_params(
             "SELECT body FROM cases WHERE opened_at >= $1::timestamptz AND opened_at < $2::timestamptz "
             "ORDER BY unit, id",
             PgTime(window.first), PgTime(window.second))) {
      out.push_back(ParseCase(pqxx::binarystring(row[0]).str(), 0).c);
    }
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace ys::rectification
