#include "services/rectification/store_rows.h"

#include <pqxx/pqxx>

#include "absl/strings/str_format.h"
#include "common/pg/pool.h"
#include "common/time/proto_time.h"
#include "services/rectification/store.h"

namespace ys::rectification {
namespace {

std::optional<std::string> TimeOrNull(const pb::Case& c, bool (pb::Case::*has)() const,
                                      const google::protobuf::Timestamp& (pb::Case::*get)() const) {
  if (!(c.*has)()) return std::nullopt;
  return PgTime(FromProtoTime((c.*get)()));
}

const char* PgBool(bool b) { return b ? "true" : "false"; }

}  // namespace

LoadedCase ParseCase(const std::string& body, int64_t version) {
  LoadedCase out;
  out.c.ParseFromString(body);
  out.version = version;
  out.legacy = NormaliseLegacyEscalation(&out.c);
  return out;
}

pb::HistoryEntry LegacyEscalationEntry(const LegacyEscalation& legacy, absl::Time at) {
  pb::HistoryEntry h;
  *h.mutable_at() = ToProtoTime(at);
  h.set_actor(kServiceActor);
  h.set_action("legacy_escalation");
  h.set_before(legacy.old_step);
  h.set_after(kReminderStep);
  h.set_note(legacy.note);
  return h;
}

absl::StatusOr<LoadedCase> LoadCase(pqxx::transaction_base& tx, const std::string& id, bool lock) {
  const pqxx::result r = tx.exec_params(
      std::string("SELECT body, version FROM cases WHERE id = $1") + (lock ? " FOR UPDATE" : ""), id);
  if (r.empty()) return absl::NotFoundError(absl::StrFormat("field 'id': no case %s", id));
  return ParseCase(pqxx::binarystring(r[0][0]).str(), r[0][1].as<int64_t>());
}

void SetOverdue(pb::Case* c, absl::Time as_of) {
  const absl::Time due = FromProtoTime(c->due_at());
  c->set_overdue(Outstanding(c->state()) && as_of >= due);
  c->set_days_overdue(c->overdue() ? DaysOverdue(due, as_of) : 0);
}

void CaseWrites::Save(const pb::Case& c, int64_t version, bool insert) {
  auto [it, fresh] = saved_.try_emplace(c.id(), Saved{c, version, insert});
  if (!fresh) {
    it->second.c = c;
    it->second.version = version;
  } else {
    order_.push_back(c.id());
  }
}

int64_t CaseWrites::Update(LoadedCase& l, absl::Time now) {
  Save(l.c, ++l.version, /*insert=*/false);
  if (l.legacy.has_value()) {
    const pb::HistoryEntry h = LegacyEscalationEntry(*l.legacy, now);
    Log(l.c.id(), now, h.actor(), h.action(), h.before(), h.after(), h.note());
    l.legacy.reset();
  }
  return l.version;
}

void CaseWrites::Log(const std::string& id, absl::Time at, const std::string& actor, const std::string& action,
                     const std::string& before, const std::string& after, const std::string& note) {
  for (auto [column, value] : {std::pair{&h_id_, &id}, {&h_actor_, &actor}, {&h_action_, &action},
                               {&h_before_, &before}, {&h_after_, &after}, {&h_note_, &note}}) {
    column->push_back(*value);
  }
  h_at_.push_back(PgTime(at));
}

void CaseWrites::Emit(pb::CaseEvent::Kind kind, const pb::Case& c, int64_t version, pb::Escalation level,
                      const std::string& message, absl::Time now, std::optional<int> step) {
  pb::CaseEvent e;
  e.set_kind(kind);
  *e.mutable_snapshot() = EventSnapshot(c);  // bounded: the last reports, cut; GetCase has all
  e.set_reports_total(c.reports_size());
  e.set_verifications_total(c.verifications_size());
  SetOverdue(e.mutable_snapshot(), now);
  e.set_escalation(level);
  e.set_message(message);
  for (pb::Addressee& a : Addressees(c)) *e.add_addressees() = std::move(a);
  OutgoingEvent& out = events_.emplace_back();
  out.topic = kEventsTopic;
  out.event.id = absl::StrFormat("case:%s:%d:%s:%d", c.id(), version, pb::CaseEvent::Kind_Name(kind),
                                 step.value_or(static_cast<int>(level)));
  out.event.source = "/yingshang/rectification";
  out.event.type = "yingshang.rectification.v1.CaseEvent";
  out.event.time = now;
  out.event.key = c.id();
  out.event.subject = c.id();
  out.event.data = e.SerializeAsString();
}

void CaseWrites::Flush(pqxx::transaction_base& tx) {
  std::vector<std::string> id, origin, unit, region, indicator, period, state, escalation, opened, due, version,
      body, resolution, withdrawn, suggested, rung, referred;
  std::vector<std::optional<std::string>> reported, closed;
  std::vector<std::string> f_case, f_unit;
  for (const bool insert : {true, false}) {
    for (auto* v : {&id, &origin, &unit, &region, &indicator, &period, &state, &escalation, &opened, &due,
                    &version, &body, &resolution, &withdrawn, &suggested, &rung, &referred}) {
      v->clear();
    }
    reported.clear();
    closed.clear();
    for (const std::string& key : order_) {
      const Saved& x = saved_.at(key);
      if (x.insert != insert) continue;
      pb::Case stored = x.c;
      stored.clear_history();
      stored.clear_overdue();
      stored.clear_days_overdue();
      stored.clear_following();
      id.push_back(x.c.id());
      origin.push_back(pb::Origin_Name(x.c.origin()));
      unit.push_back(x.c.unit());
      region.push_back(x.c.region_code());
      indicator.push_back(x.c.indicator_code());
      period.push_back(x.c.period());
      state.push_back(pb::State_Name(x.c.state()));
      escalation.push_back(std::to_string(static_cast<int>(x.c.escalation())));
      opened.push_back(PgTime(FromProtoTime(x.c.opened_at())));
      due.push_back(PgTime(FromProtoTime(x.c.due_at())));
      reported.push_back(TimeOrNull(x.c, &pb::Case::has_reported_at, &pb::Case::reported_at));
      closed.push_back(TimeOrNull(x.c, &pb::Case::has_closed_at, &pb::Case::closed_at));
      version.push_back(std::to_string(x.version));
      body.push_back(PgHexBytes(stored.SerializeAsString()));
      resolution.push_back(x.c.resolution());
      withdrawn.push_back(PgBool(x.c.alert_withdrawn()));
      suggested.push_back(PgBool(x.c.referral_suggested()));
      rung.push_back(std::to_string(x.c.ladder_steps_taken()));
      referred.push_back(PgBool(x.c.has_referral()));
      if (insert) {
        for (const pb::Follower& f : x.c.followers()) {
          f_case.push_back(x.c.id());
          f_unit.push_back(f.unit());
        }
      }
    }
    if (id.empty()) continue;
    if (insert) {
      tx.exec_params(
          "INSERT INTO cases (id, origin, unit, region_code, indicator_code, period, state, escalation, "
          "opened_at, due_at, reported_at, closed_at, version, body, resolution, alert_withdrawn, "
          "referral_suggested, ladder_rung, referred) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], "
          "$4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::timestamptz[], $10::timestamptz[], "
          "$11::timestamptz[], $12::timestamptz[], $13::bigint[], $14::bytea[], $15::text[], $16::bool[], "
          "$17::bool[], $18::int[], $19::bool[])",
          PgArray(id), PgArray(origin), PgArray(unit), PgArray(region), PgArray(indicator), PgArray(period),
          PgArray(state), PgArray(escalation), PgArray(opened), PgArray(due), PgArray(reported), PgArray(closed),
          PgArray(version), PgArray(body), PgArray(resolution), PgArray(withdrawn), PgArray(suggested),
          PgArray(rung), PgArray(referred));
    } else {
      tx.exec_params(
          "UPDATE cases c SET state = u.s, escalation = u.e, due_at = u.d, reported_at = u.r, "
          "closed_at = u.cl, version = u.v, body = u.b, resolution = u.res, alert_withdrawn = u.w, "
          "referral_suggested = u.rs, ladder_rung = u.l, referred = u.rf FROM unnest($1::text[], $2::text[], "
          "$3::int[], $4::timestamptz[], $5::timestamptz[], $6::timestamptz[], $7::bigint[], $8::bytea[], "
          "$9::text[], $10::bool[], $11::bool[], $12::int[], $13::bool[]) AS u(i, s, e, d, r, cl, v, b, res, w, rs, "
          "l, rf) WHERE c.id = u.i",
          PgArray(id), PgArray(state), PgArray(escalation), PgArray(due), PgArray(reported), PgArray(closed),
          PgArray(version), PgArray(body), PgArray(resolution), PgArray(withdrawn), PgArray(suggested),
          PgArray(rung), PgArray(referred));
    }
  }
  // Every listed case is kept in memory by each replica, keyed by this number (CaseListCache).
  // Last of the writes to cases, so the row lock waits only for this transaction's commit.
  if (!saved_.empty()) tx.exec("UPDATE case_list_version SET n = n + 1");
  if (!f_case.empty()) {
    tx.exec_params("INSERT INTO case_followers SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING",
                   PgArray(f_case), PgArray(f_unit));
  }
  if (!h_id_.empty()) {
    tx.exec_params(
        "INSERT INTO case_history (case_id, at, actor, action, before, after, note) SELECT * FROM "
        "unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])",
        PgArray(h_id_), PgArray(h_at_), PgArray(h_actor_), PgArray(h_action_), PgArray(h_before_),
        PgArray(h_after_), PgArray(h_note_));
  }
  if (!events_.empty()) EnqueueOutboxBatch(tx, events_);
}

}  // namespace ys::rectification
