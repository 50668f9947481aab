#include "services/rectification/store.h"

#include <pqxx/pqxx>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/pg/inbox.h"
#include "common/input/text_rules.h"
#include "common/pg/outbox.h"
#include "common/status/macros.h"
#include "common/time/period.h"
#include "common/time/proto_time.h"

namespace ys::rectification {
namespace {

constexpr char kOutstanding[] =
    "('STATE_OPEN', 'STATE_IN_PROGRESS', 'STATE_REJECTED', 'STATE_REOPENED')";
constexpr char kService[] = "rectification";  // the actor of automatic changes

struct Loaded {
  pb::Case c;
  int64_t version = 0;
};

absl::StatusOr<Loaded> LoadCase(pqxx::transaction_base& tx, const std::string& id, bool lock) {
  const pqxx::result r = tx.exec_params(
      std::string("SELECT body, version FROM cases WHERE id = $1") + (lock ? " FOR UPDATE" : ""), id);
  if (r.empty()) return absl::NotFoundError(absl::StrFormat("field 'id': no case %s", id));
  Loaded out;
  out.c.ParseFromString(pqxx::binarystring(r[0][0]).str());
  out.version = r[0][1].as<int64_t>();
  return out;
}

std::optional<std::string> TimeOrNull(const pb::Case& c, bool (pb::Case::*has)() const,
                                      const google::protobuf::Timestamp& (pb::Case::*get)() const) {
  if (!(c.*has)()) return std::nullopt;
  return PgTime(FromProtoTime((c.*get)()));
}

// What one transaction changes: cases (each saved once, in its last form), history rows and
// events, written with one statement per table however many cases a batch touches.
class Writes {
 public:
  void Save(const pb::Case& c, int64_t version, bool insert) {
    auto [it, fresh] = saved_.try_emplace(c.id(), Saved{c, version, insert});
    if (!fresh) {
      it->second.c = c;
      it->second.version = version;
    } else {
      order_.push_back(c.id());
    }
  }
  void Log(const std::string& id, absl::Time at, const std::string& actor, const std::string& action,
           const std::string& before, const std::string& after, const std::string& note) {
    for (auto [column, value] : {std::pair{&h_id_, &id}, {&h_actor_, &actor}, {&h_action_, &action},
                                 {&h_before_, &before}, {&h_after_, &after}, {&h_note_, &note}}) {
      column->push_back(*value);
    }
    h_at_.push_back(PgTime(at));
  }
  void Emit(pb::CaseEvent::Kind kind, const pb::Case& c, int64_t version, pb::Escalation level,
            const std::string& message, absl::Time now) {
    pb::CaseEvent e;
    e.set_kind(kind);
    *e.mutable_snapshot() = EventSnapshot(c);  // bounded: the last reports, cut; GetCase has all
    e.set_reports_total(c.reports_size());
    e.set_verifications_total(c.verifications_size());
    const absl::Time due = FromProtoTime(c.due_at());
    e.mutable_snapshot()->set_overdue(Outstanding(c.state()) && now >= due);
    e.mutable_snapshot()->set_days_overdue(e.snapshot().overdue() ? DaysOverdue(due, now) : 0);
    e.set_escalation(level);
    e.set_message(message);
    OutgoingEvent& out = events_.emplace_back();
    out.topic = kEventsTopic;
    out.event.id = absl::StrFormat("case:%s:%d:%s:%d", c.id(), version, pb::CaseEvent::Kind_Name(kind),
                                   static_cast<int>(level));
    out.event.source = "/yingshang/rectification";
    out.event.type = "yingshang.rectification.v1.CaseEvent";
    out.event.time = now;
    out.event.key = c.id();
    out.event.subject = c.id();
    out.event.data = e.SerializeAsString();
  }

  void Flush(pqxx::transaction_base& tx) {
    std::vector<std::string> id, origin, unit, region, indicator, state, escalation, opened, due, version, body;
    std::vector<std::optional<std::string>> reported, closed;
    for (const bool insert : {true, false}) {
      for (auto* v : {&id, &origin, &unit, &region, &indicator, &state, &escalation, &opened, &due, &version, &body}) {
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
        id.push_back(x.c.id());
        origin.push_back(pb::Origin_Name(x.c.origin()));
        unit.push_back(x.c.unit());
        region.push_back(x.c.region_code());
        indicator.push_back(x.c.indicator_code());
        state.push_back(pb::State_Name(x.c.state()));
        escalation.push_back(std::to_string(static_cast<int>(x.c.escalation())));
        opened.push_back(PgTime(FromProtoTime(x.c.opened_at())));
        due.push_back(PgTime(FromProtoTime(x.c.due_at())));
        reported.push_back(TimeOrNull(x.c, &pb::Case::has_reported_at, &pb::Case::reported_at));
        closed.push_back(TimeOrNull(x.c, &pb::Case::has_closed_at, &pb::Case::closed_at));
        version.push_back(std::to_string(x.version));
        body.push_back(PgHexBytes(stored.SerializeAsString()));
      }
      if (id.empty()) continue;
      if (insert) {
        tx.exec_params(
            "INSERT INTO cases (id, origin, unit, region_code, indicator_code, state, escalation, "
            "opened_at, due_at, reported_at, closed_at, version, body) SELECT * FROM unnest($1::text[], "
            "$2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::timestamptz[], "
            "$9::timestamptz[], $10::timestamptz[], $11::timestamptz[], $12::bigint[], $13::bytea[])",
            PgArray(id), PgArray(origin), PgArray(unit), PgArray(region), PgArray(indicator), PgArray(state),
            PgArray(escalation), PgArray(opened), PgArray(due), PgArray(reported), PgArray(closed),
            PgArray(version), PgArray(body));
      } else {
        tx.exec_params(
            "UPDATE cases c SET state = u.s, escalation = u.e, due_at = u.d, reported_at = u.r, "
            "closed_at = u.cl, version = u.v, body = u.b FROM unnest($1::text[], $2::text[], $3::int[], "
            "$4::timestamptz[], $5::timestamptz[], $6::timestamptz[], $7::bigint[], $8::bytea[]) "
            "AS u(i, s, e, d, r, cl, v, b) WHERE c.id = u.i",
            PgArray(id), PgArray(state), PgArray(escalation), PgArray(due), PgArray(reported),
            PgArray(closed), PgArray(version), PgArray(body));
      }
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

 private:
  struct Saved {
    pb::Case c;
    int64_t version;
    bool insert;
  };
  std::map<std::string, Saved> saved_;
  std::vector<std::string> order_;
  std::vector<std::string> h_id_, h_at_, h_actor_, h_action_, h_before_, h_after_, h_note_;
  std::vector<OutgoingEvent> events_;
};

std::string DueText(const pb::Case& c) { return c.due_date(); }

const char* LadderName(pb::Escalation e) {
  switch (e) {
    case pb::ESCALATION_REMINDER: return "督办";
    case pb::ESCALATION_RAISED: return "提级办理";
    case pb::ESCALATION_REFERRED: return "移送市纪委监委";
    default: return "无";
  }
}

}  // namespace

// --- from alerts -------------------------------------------------------------------------------

absl::Status CaseStore::ApplyAlerts(pqxx::transaction_base& tx, const std::vector<const CloudEvent*>& events,
                                    std::vector<absl::Status>* results) {
  const absl::Time now = clock_.Now();
  // Every (alert, responsible unit) of the batch, in order.
  struct Item {
    const rpb::RankingAlert* alert;
    CaseDraft draft;
  };
  std::vector<rpb::RankingAlert> alerts(events.size());
  std::vector<Item> items;
  for (size_t i = 0; i < events.size(); ++i) {
    if (!alerts[i].ParseFromString(events[i]->data) || alerts[i].id().empty()) {
      (*results)[i] = WithRejectionReason(absl::InvalidArgumentError("body is not a RankingAlert"), "malformed");
      continue;
    }
    if (auto s = ValidateAlertInput(alerts[i], policies_.input); !s.ok()) {
      (*results)[i] = std::move(s);  // before anything of it is stored or copied into a case
      continue;
    }
    for (CaseDraft& d : DraftsFor(alerts[i], policies_.alerts)) items.push_back({&alerts[i], std::move(d)});
  }
  if (items.empty()) return absl::OkStatus();
  // The same due day for every case the batch opens. A policy that cannot be applied (working days
  // in a year whose holidays are not published) is the alerts' fault: they go to the dead letters.
  auto due_day = DueDay(now, policies_.deadlines.For(pb::ORIGIN_RANKING_ALERT), calendar_);
  if (!due_day.ok()) {
    const absl::Status bad = WithRejectionReason(
        absl::FailedPreconditionError(absl::StrFormat("cannot set a deadline: %s", due_day.status().message())),
        "no_deadline");
    for (size_t i = 0; i < events.size(); ++i) {
      if ((*results)[i].ok()) (*results)[i] = bad;
    }
    return absl::OkStatus();
  }
  auto key_of = [](const std::string& unit, const std::string& indicator, const std::string& period,
                   const std::string& rule) { return absl::StrCat(unit, "\x1f", indicator, "\x1f", period, "\x1f", rule); };
  std::vector<std::string> units, indicators, periods, rules;
  for (const Item& it : items) {
    units.push_back(it.draft.unit);
    indicators.push_back(it.alert->fact().indicator_code());
    periods.push_back(it.alert->fact().period());
    rules.push_back(rpb::AlertRule_Name(it.alert->rule()));
  }
  // 1. Which of them reached their unit before (the same alert again is a no-op).
  std::set<std::string> seen;
  for (const auto& row : tx.exec_params(
           "SELECT k.unit, k.indicator_code, k.period, k.rule FROM alert_keys k JOIN unnest($1::text[], "
           "$2::text[], $3::text[], $4::text[]) AS u(unit, i, p, r) ON k.unit = u.unit AND "
           "k.indicator_code = u.i AND k.period = u.p AND k.rule = u.r",
           PgArray(units), PgArray(indicators), PgArray(periods), PgArray(rules))) {
    seen.insert(key_of(row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
                       row[3].as<std::string>()));
  }
  // 2. The units' unfinished cases of these indicators: a later fall links to them.
  std::map<std::pair<std::string, std::string>, Loaded> open;
  for (const auto& row : tx.exec_params(
           "SELECT c.body, c.version FROM cases c JOIN (SELECT DISTINCT * FROM unnest($1::text[], $2::text[])) "
           "AS u(unit, i) ON c.unit = u.unit AND c.indicator_code = u.i WHERE c.origin = 'ORIGIN_RANKING_ALERT' "
           "AND c.state NOT IN ('STATE_VERIFIED', 'STATE_CLOSED') ORDER BY c.id FOR UPDATE OF c",
           PgArray(units), PgArray(indicators))) {
    Loaded l;
    l.c.ParseFromString(pqxx::binarystring(row[0]).str());
    l.version = row[1].as<int64_t>();
    open[{l.c.unit(), l.c.indicator_code()}] = std::move(l);
  }
  // 3. Which items open a case; their numbers in one round trip.
  std::vector<size_t> creating;
  {
    std::set<std::pair<std::string, std::string>> will_open;
    std::set<std::string> batch_seen = seen;
    for (size_t k = 0; k < items.size(); ++k) {
      if (!batch_seen.insert(key_of(units[k], indicators[k], periods[k], rules[k])).second) continue;
      const std::pair<std::string, std::string> pair{units[k], indicators[k]};
      if (!open.contains(pair) && will_open.insert(pair).second) creating.push_back(k);
    }
  }
  std::vector<int64_t> numbers;
  if (!creating.empty()) {
    for (const auto& row : tx.exec_params("SELECT nextval('case_number') FROM generate_series(1, $1)",
                                          static_cast<int64_t>(creating.size()))) {
      numbers.push_back(row[0].as<int64_t>());
    }
  }
  // 4. In order: open or link, and remember which case each key went to.
  Writes writes;
  std::vector<std::string> key_unit, key_indicator, key_period, key_rule, key_case;
  size_t next_number = 0;
  for (size_t k = 0; k < items.size(); ++k) {
    if (!seen.insert(key_of(units[k], indicators[k], periods[k], rules[k])).second) continue;
    const rpb::RankingAlert& alert = *items[k].alert;
    const CaseDraft& d = items[k].draft;
    const rpb::RankingFact& f = alert.fact();
    auto it = open.find({d.unit, f.indicator_code()});
    if (it == open.end()) {
      Loaded l;
      pb::Case& c = l.c;
      c.set_id(absl::StrFormat("RC-%06d", numbers[next_number++]));
      c.set_origin(pb::ORIGIN_RANKING_ALERT);
      c.set_origin_ref(alert.id());
      c.set_unit(d.unit);
      c.set_region_code(d.region_code);
      c.set_indicator_code(f.indicator_code());
      c.set_period(f.period());
      c.set_rule(rules[k]);
      c.set_title(d.title);
      c.set_description(d.description);
      c.set_lead(alert.lead());
      *c.mutable_opened_at() = ToProtoTime(now);
      *c.mutable_due_at() = ToProtoTime(EndOfDay(*due_day));
      c.set_due_date(FormatIsoDate(*due_day));
      c.set_state(pb::STATE_OPEN);
      c.set_consecutive_periods(1);
      l.version = 1;
      writes.Save(c, 1, /*insert=*/true);
      writes.Log(c.id(), now, kService, "opened", "", "STATE_OPEN", alert.id());
      writes.Emit(pb::CaseEvent::KIND_OPENED, c, 1, pb::ESCALATION_NONE,
                  absl::StrFormat("%s：%s，请于%s前整改并报市营商办（%s）", d.unit, alert.message(),
                                  c.due_date(), c.id()),
                  now);
      it = open.emplace(std::make_pair(d.unit, f.indicator_code()), std::move(l)).first;
    } else {
      // The same indicator failed again while the unit's case is open: count it on that case.
      pb::Case& c = it->second.c;
      const bool new_period = c.period() != f.period() &&
                              std::find(c.linked_periods().begin(), c.linked_periods().end(), f.period()) ==
                                  c.linked_periods().end();
      const std::string before = std::to_string(c.consecutive_periods());
      if (new_period) {
        c.add_linked_periods(f.period());
        c.set_consecutive_periods(c.consecutive_periods() + 1);
      }
      const int64_t version = ++it->second.version;
      writes.Save(c, version, /*insert=*/false);
      writes.Log(c.id(), now, kService, "linked", before, std::to_string(c.consecutive_periods()),
                 absl::StrFormat("%s %s", f.period(), rules[k]));
      writes.Emit(pb::CaseEvent::KIND_LINKED, c, version, c.escalation(),
                  absl::StrFormat("%s 再次%s（连续%d期），并入整改案件 %s", d.unit, alert.message(),
                                  c.consecutive_periods(), c.id()),
                  now);
    }
    key_unit.push_back(d.unit);
    key_indicator.push_back(f.indicator_code());
    key_period.push_back(f.period());
    key_rule.push_back(rules[k]);
    key_case.push_back(it->second.c.id());
  }
  writes.Flush(tx);
  if (!key_unit.empty()) {
    tx.exec_params("INSERT INTO alert_keys SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])",
                   PgArray(key_unit), PgArray(key_indicator), PgArray(key_period), PgArray(key_rule),
                   PgArray(key_case));
  }
  return absl::OkStatus();
}

// --- by hand -----------------------------------------------------------------------------------

absl::StatusOr<pb::Case> CaseStore::Open(const Principal& who, const pb::OpenCaseRequest& req) {
  if (req.origin() == pb::ORIGIN_UNSPECIFIED || req.origin() == pb::ORIGIN_RANKING_ALERT ||
      !pb::Origin_IsValid(req.origin())) {
    return absl::InvalidArgumentError(
        "field 'origin': must be bulletin, inspection, negative_case, special_campaign or manual "
        "(ranking alerts open their cases themselves)");
  }
  if (req.unit().empty()) return absl::InvalidArgumentError("field 'unit': is required");
  if (req.title().empty()) return absl::InvalidArgumentError("field 'title': is required");
  if (!req.period().empty() && !Period::Parse(req.period()).ok()) {
    return absl::InvalidArgumentError(absl::StrFormat("field 'period': %s is not a period", input::QuoteInput(req.period())));
  }
  const absl::Time now = clock_.Now();
  ASSIGN_OR_RETURN(absl::CivilDay due, DueDay(now, policies_.deadlines.For(req.origin()), calendar_));
  pb::Case c;
  c.set_origin(req.origin());
  c.set_origin_ref(req.origin_ref());
  c.set_unit(req.unit());
  c.set_region_code(req.region_code());
  c.set_indicator_code(req.indicator_code());
  c.set_period(req.period());
  c.set_title(req.title());
  c.set_description(req.description());
  c.set_assignee(req.assignee());
  *c.mutable_opened_at() = ToProtoTime(now);
  *c.mutable_due_at() = ToProtoTime(EndOfDay(due));
  c.set_due_date(FormatIsoDate(due));
  c.set_state(pb::STATE_OPEN);
  c.set_consecutive_periods(1);
  RETURN_IF_ERROR(pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
    // Opened from a reference before: the same request is answered with that case (a retry after
    // a lost answer); a different one is refused, naming the case.
    const bool keyed = !req.origin_ref().empty();
    if (keyed) {
      const pqxx::result first = tx.exec_params(
          "SELECT case_id FROM manual_case_refs WHERE origin = $1 AND origin_ref = $2 AND unit = $3 "
          "AND indicator_code = $4 AND period = $5",
          pb::Origin_Name(req.origin()), req.origin_ref(), req.unit(), req.indicator_code(), req.period());
      if (!first.empty()) {
        ASSIGN_OR_RETURN(Loaded l, LoadCase(tx, first[0][0].as<std::string>(), false));
        if (l.c.title() != req.title() || l.c.description() != req.description() ||
            l.c.region_code() != req.region_code() || l.c.assignee() != req.assignee()) {
          return absl::AlreadyExistsError(absl::StrFormat(
              "field 'origin_ref': case %s was already opened from %s for %s %s %s, with other "
              "details; change that case instead",
              l.c.id(), input::QuoteInput(req.origin_ref()), input::QuoteInput(req.unit()),
              input::QuoteInput(req.indicator_code()), input::QuoteInput(req.period())));
        }
        c = std::move(l.c);
        return absl::OkStatus();
      }
    }
    c.set_id(absl::StrFormat("RC-%06d", tx.exec("SELECT nextval('case_number')")[0][0].as<int64_t>()));
    Writes writes;
    writes.Save(c, 1, /*insert=*/true);
    writes.Log(c.id(), now, who.name, "opened", "", "STATE_OPEN", pb::Origin_Name(c.origin()));
    writes.Emit(pb::CaseEvent::KIND_OPENED, c, 1, pb::ESCALATION_NONE,
                absl::StrFormat("%s：%s，请于%s前整改并报市营商办（%s）", c.unit(), c.title(), c.due_date(),
                                c.id()),
                now);
    writes.Flush(tx);
    if (keyed) {
      try {
        tx.exec_params("INSERT INTO manual_case_refs VALUES ($1, $2, $3, $4, $5, $6)",
                       pb::Origin_Name(req.origin()), req.origin_ref(), req.unit(), req.indicator_code(),
                       req.period(), c.id());
      } catch (const pqxx::unique_violation&) {
        // The same request at the same moment: decided again, it finds the other one's case.
        return absl::AbortedError("the same case was being opened by another request");
      }
    }
    return absl::OkStatus();
  }));
  return Get(c.id());
}

absl::StatusOr<pb::Case> CaseStore::Get(const std::string& id) {
  pb::Case c;
  RETURN_IF_ERROR(pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
    ASSIGN_OR_RETURN(Loaded l, LoadCase(tx, id, false));
    c = std::move(l.c);
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
    return absl::OkStatus();
  }));
  const absl::Time now = clock_.Now();
  const absl::Time due = FromProtoTime(c.due_at());
  c.set_overdue(Outstanding(c.state()) && now >= due);
  c.set_days_overdue(c.overdue() ? DaysOverdue(due, now) : 0);
  return c;
}

struct Effect {
  std::string action, before, after, actor;
  pb::CaseEvent::Kind kind = pb::CaseEvent::KIND_UNSPECIFIED;  // unspecified: no event
  std::string message;
};

template <typename Fn>
absl::StatusOr<pb::Case> CaseStore::Change(const std::string& id, Fn&& change) {
  const absl::Time now = clock_.Now();
  RETURN_IF_ERROR(pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
    ASSIGN_OR_RETURN(Loaded l, LoadCase(tx, id, true));
    ASSIGN_OR_RETURN(Effect effect, change(tx, l.c, now));
    Writes writes;
    writes.Save(l.c, ++l.version, /*insert=*/false);
    writes.Log(id, now, effect.actor.empty() ? kService : effect.actor, effect.action, effect.before,
               effect.after, effect.message);
    if (effect.kind != pb::CaseEvent::KIND_UNSPECIFIED) {
      writes.Emit(effect.kind, l.c, l.version, l.c.escalation(), effect.message, now);
    }
    writes.Flush(tx);
    return absl::OkStatus();
  }));
  return Get(id);
}

absl::StatusOr<pb::Case> CaseStore::Report(const Principal& who, const pb::ReportProgressRequest& req) {
  if (req.text().empty()) return absl::InvalidArgumentError("field 'text': is required");
  return Change(req.id(), [&](pqxx::transaction_base& tx, pb::Case& c, absl::Time now) -> absl::StatusOr<Effect> {
    const pb::State before = c.state();
    ASSIGN_OR_RETURN(pb::State after,
                     Transition(before, req.final() ? Action::kReportFinal : Action::kStart));
    pb::ProgressReport* r = c.add_reports();
    *r->mutable_at() = ToProtoTime(now);
    r->set_author(who.name);
    r->set_text(req.text());
    r->mutable_attachments()->CopyFrom(req.attachments());
    r->set_final(req.final());
    c.set_state(after);
    if (req.final()) *c.mutable_reported_at() = ToProtoTime(now);
    Effect e{"reported", pb::State_Name(before), pb::State_Name(after), who.name};
    if (req.final()) {
      e.kind = pb::CaseEvent::KIND_REPORTED;
      e.message = absl::StrFormat("%s 已报送整改情况（%s），待市营商办核查", c.unit(), c.id());
    } else {
      e.action = "progress";
      e.message = req.text();
    }
    return e;
  });
}

absl::StatusOr<pb::Case> CaseStore::Verify(const Principal& who, const pb::VerifyCaseRequest& req) {
  return Change(req.id(), [&](pqxx::transaction_base& tx, pb::Case& c, absl::Time now) -> absl::StatusOr<Effect> {
    const pb::State before = c.state();
    ASSIGN_OR_RETURN(pb::State after,
                     Transition(before, req.passed() ? Action::kVerifyPass : Action::kVerifyFail));
    pb::Verification* v = c.add_verifications();
    *v->mutable_at() = ToProtoTime(now);
    v->set_by(who.name);
    v->set_passed(req.passed());
    v->set_comment(req.comment());
    c.set_state(after);
    if (!req.passed()) c.clear_reported_at();  // the report did not stand: it must come again
    Effect e{req.passed() ? "verified" : "rejected", pb::State_Name(before), pb::State_Name(after), who.name};
    e.kind = req.passed() ? pb::CaseEvent::KIND_VERIFIED : pb::CaseEvent::KIND_REJECTED;
    e.message = req.passed()
                    ? absl::StrFormat("%s 整改经核查通过（%s）", c.unit(), c.id())
                    : absl::StrFormat("%s 整改未通过核查，退回继续整改（%s）：%s", c.unit(), c.id(), req.comment());
    return e;
  });
}

absl::StatusOr<pb::Case> CaseStore::Close(const Principal& who, const pb::CloseCaseRequest& req) {
  return Change(req.id(), [&](pqxx::transaction_base& tx, pb::Case& c, absl::Time now) -> absl::StatusOr<Effect> {
    const pb::State before = c.state();
    ASSIGN_OR_RETURN(pb::State after, Transition(before, Action::kClose));
    c.set_state(after);
    *c.mutable_closed_at() = ToProtoTime(now);
    Effect e{"closed", pb::State_Name(before), pb::State_Name(after), who.name};
    e.kind = pb::CaseEvent::KIND_CLOSED;
    e.message = absl::StrFormat("整改案件 %s（%s）已销号%s%s", c.id(), c.unit(),
                                req.comment().empty() ? "" : "：", req.comment());
    return e;
  });
}

absl::StatusOr<pb::Case> CaseStore::Reopen(const Principal& who, const pb::ReopenCaseRequest& req) {
  if (req.reason().empty()) return absl::InvalidArgumentError("field 'reason': is required");
  return Change(req.id(), [&](pqxx::transaction_base& tx, pb::Case& c, absl::Time now) -> absl::StatusOr<Effect> {
    const pb::State before = c.state();
    ASSIGN_OR_RETURN(pb::State after, Transition(before, Action::kReopen));
    if (c.origin() == pb::ORIGIN_RANKING_ALERT) {
      // One unfinished alert case per unit and indicator: a newer one would take the later falls.
      const pqxx::result other = tx.exec_params(
          "SELECT id FROM cases WHERE origin = 'ORIGIN_RANKING_ALERT' AND unit = $1 AND indicator_code = $2 "
          "AND state NOT IN ('STATE_VERIFIED', 'STATE_CLOSED')",
          c.unit(), c.indicator_code());
      if (!other.empty()) {
        return absl::FailedPreconditionError(absl::StrFormat(
            "%s has an open case for %s (%s): continue that one instead", c.unit(), c.indicator_code(),
            other[0][0].as<std::string>()));
      }
    }
    // A new deadline from today, and the ladder starts again from it.
    ASSIGN_OR_RETURN(absl::CivilDay due, DueDay(now, policies_.deadlines.For(c.origin()), calendar_));
    *c.mutable_due_at() = ToProtoTime(EndOfDay(due));
    c.set_due_date(FormatIsoDate(due));
    c.set_escalation(pb::ESCALATION_NONE);
    c.set_state(after);
    c.clear_closed_at();
    c.clear_reported_at();
    Effect e{"reopened", pb::State_Name(before), pb::State_Name(after), who.name};
    e.kind = pb::CaseEvent::KIND_REOPENED;
    e.message = absl::StrFormat("整改案件 %s（%s）重新打开：%s", c.id(), c.unit(), req.reason());
    return e;
  });
}

absl::StatusOr<pb::Case> CaseStore::Extend(const Principal& who, const pb::ExtendDeadlineRequest& req) {
  if (req.reason().empty()) return absl::InvalidArgumentError("field 'reason': is required (it is audited)");
  auto day = ParseIsoDate(req.due_date());
  if (!day.ok()) {
    return absl::InvalidArgumentError(absl::StrFormat("field 'due_date': %s is not a date", input::QuoteInput(req.due_date())));
  }
  return Change(req.id(), [&](pqxx::transaction_base& tx, pb::Case& c, absl::Time now) -> absl::StatusOr<Effect> {
    if (!Outstanding(c.state())) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "cannot extend the deadline of a case in state %s", pb::State_Name(c.state())));
    }
    auto current = ParseIsoDate(c.due_date());
    if (current.ok() && *day <= *current) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "field 'due_date': %s is not after the current due date %s", req.due_date(), c.due_date()));
    }
    const std::string before = c.due_date();
    c.set_due_date(FormatIsoDate(*day));
    *c.mutable_due_at() = ToProtoTime(EndOfDay(*day));
    c.set_escalation(pb::ESCALATION_NONE);  // the ladder starts again from the new due time
    Effect e{"extended", before, c.due_date(), who.name};
    e.kind = pb::CaseEvent::KIND_DEADLINE_EXTENDED;
    e.message = absl::StrFormat("整改案件 %s（%s）期限由%s延至%s：%s", c.id(), c.unit(), before,
                                c.due_date(), req.reason());
    return e;
  });
}

// --- reading -----------------------------------------------------------------------------------

absl::StatusOr<std::pair<std::vector<pb::Case>, size_t>> CaseStore::List(const ListQuery& q) {
  std::vector<pb::Case> out;
  size_t total = 0;
  RETURN_IF_ERROR(pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
    // The page by the (unit|state|outstanding, due_at, id) indexes; the total apart, so the page
    // query stops after `limit` rows instead of reading every match.
    const std::string where =
        std::string(" FROM cases WHERE ($1 = '' OR unit = $1) AND ($2 = '' OR state = $2) AND "
                    "(NOT $3 OR (state IN ") +
        kOutstanding + " AND due_at <= $4::timestamptz))";
    const std::string state = q.state == pb::STATE_UNSPECIFIED ? "" : pb::State_Name(q.state);
    total = tx.exec_params("SELECT count(*)" + where, q.unit, state, q.overdue_only, PgTime(q.as_of))[0][0]
                .as<size_t>();
    const pqxx::result rows =
        tx.exec_params("SELECT body" + where + " ORDER BY due_at, id LIMIT $5 OFFSET $6", q.unit, state,
                       q.overdue_only, PgTime(q.as_of), static_cast<int64_t>(q.limit),
                       static_cast<int64_t>(q.offset));
    for (const auto& row : rows) {
      pb::Case& c = out.emplace_back();
      c.ParseFromString(pqxx::binarystring(row[0]).str());
      const absl::Time due = FromProtoTime(c.due_at());
      c.set_overdue(Outstanding(c.state()) && q.as_of >= due);
      c.set_days_overdue(c.overdue() ? DaysOverdue(due, q.as_of) : 0);
    }
    return absl::OkStatus();
  }));
  return std::make_pair(std::move(out), total);
}

absl::StatusOr<SweepResult> CaseStore::Sweep(size_t limit) {
  SweepResult result;
  const absl::Time now = clock_.Now();
  const EscalationPolicy& p = policies_.escalation;
  RETURN_IF_ERROR(pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
    result = {};
    const pqxx::result due = tx.exec_params(
        std::string("SELECT id FROM cases WHERE state IN ") + kOutstanding +
            " AND due_at + $2::bigint * interval '1 second' <= $1::timestamptz AND escalation < "
            "CASE WHEN due_at + $4::bigint * interval '1 second' <= $1::timestamptz THEN 3 "
            "WHEN due_at + $3::bigint * interval '1 second' <= $1::timestamptz THEN 2 ELSE 1 END "
            "ORDER BY due_at LIMIT $5 FOR UPDATE SKIP LOCKED",
        PgTime(now), absl::ToInt64Seconds(p.reminder_after), absl::ToInt64Seconds(p.raise_after),
        absl::ToInt64Seconds(p.refer_after), static_cast<int64_t>(limit));
    for (const auto& row : due) {
      ASSIGN_OR_RETURN(Loaded l, LoadCase(tx, row[0].as<std::string>(), false));
      pb::Case& c = l.c;
      const pb::Escalation target = LevelAt(FromProtoTime(c.due_at()), now, p);
      const pb::Escalation from = c.escalation();
      if (target <= from) continue;
      c.set_escalation(target);
      Writes writes;
      writes.Save(c, ++l.version, /*insert=*/false);
      ++result.cases;
      for (int level = from + 1; level <= target; ++level) {
        const auto step = static_cast<pb::Escalation>(level);
        if (tx.exec_params("INSERT INTO escalations VALUES ($1, $2::timestamptz, $3, $4::timestamptz) "
                           "ON CONFLICT DO NOTHING",
                           c.id(), PgTime(FromProtoTime(c.due_at())), level, PgTime(now))
                .affected_rows() == 0) {
          continue;  // this step was taken before
        }
        const std::string message =
            step == pb::ESCALATION_RAISED
                ? absl::StrFormat("【提级办理】%s 逾期%d天未完成整改（%s，期限%s），提请领班%s督办", c.unit(),
                                  DaysOverdue(FromProtoTime(c.due_at()), now), c.id(), DueText(c),
                                  c.lead().empty() ? "市领导" : c.lead())
            : step == pb::ESCALATION_REFERRED
                ? absl::StrFormat("【移送市纪委监委】%s 逾期%d天仍未完成整改（%s，期限%s）", c.unit(),
                                  DaysOverdue(FromProtoTime(c.due_at()), now), c.id(), DueText(c))
                : absl::StrFormat("【督办】%s 整改已到期未报（%s，期限%s），请立即整改并报市营商办",
                                  c.unit(), c.id(), DueText(c));
        writes.Log(c.id(), now, kService, "escalated", LadderName(static_cast<pb::Escalation>(level - 1)),
                   LadderName(step), message);
        writes.Emit(pb::CaseEvent::KIND_ESCALATED, c, l.version, step, message, now);
        ++result.steps;
      }
      writes.Flush(tx);
    }
    return absl::OkStatus();
  }));
  return result;
}

absl::StatusOr<CaseStore::LevelCounts> CaseStore::CountByLevel() {
  LevelCounts out;
  RETURN_IF_ERROR(pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
    for (const auto& row : tx.exec_params(
             std::string("SELECT escalation, count(*), count(*) FILTER (WHERE due_at <= $1::timestamptz) "
                         "FROM cases WHERE state IN ") +
                 kOutstanding + " GROUP BY escalation",
             PgTime(clock_.Now()))) {
      const auto level = static_cast<pb::Escalation>(row[0].as<int>());
      out.open[level] = row[1].as<int64_t>();
      out.overdue[level] = row[2].as<int64_t>();
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<pb::StatsResponse> CaseStore::Stats(const std::string& period, const std::string& unit) {
  auto p = Period::Parse(period);
  if (!p.ok()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("field 'period': %s is not a month or quarter (2022-09, 2022Q3)",
                        input::QuoteInput(period)));
  }
  pb::StatsResponse out;
  out.set_period(period);
  pb::UnitStats& total = *out.mutable_total();
  total.set_unit("合计");
  RETURN_IF_ERROR(pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
    for (const auto& row : tx.exec_params(
             std::string(
                 "SELECT unit, max(region_code), count(*), "
                 "count(*) FILTER (WHERE state = 'STATE_CLOSED' AND reported_at <= due_at), "
                 "count(*) FILTER (WHERE state = 'STATE_CLOSED' AND (reported_at IS NULL OR reported_at > due_at)), "
                 "count(*) FILTER (WHERE state <> 'STATE_CLOSED'), "
                 "count(*) FILTER (WHERE state IN ") +
                 kOutstanding +
                 " AND due_at <= $3::timestamptz) FROM cases WHERE opened_at >= $1::timestamptz AND "
                 "opened_at < $2::timestamptz AND ($4 = '' OR unit = $4) GROUP BY unit ORDER BY unit",
             PgTime(absl::FromCivil(p->FirstDay(), Shanghai())), PgTime(EndOfDay(p->LastDay())),
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
  auto rate = [](pb::UnitStats& u) {
    const int denominator = u.closed_on_time() + u.closed_late() + u.overdue();
    u.set_on_time_rate(denominator == 0 ? 0 : static_cast<double>(u.closed_on_time()) / denominator);
  };
  for (auto& u : *out.mutable_units()) {
    rate(u);
    total.set_opened(total.opened() + u.opened());
    total.set_closed_on_time(total.closed_on_time() + u.closed_on_time());
    total.set_closed_late(total.closed_late() + u.closed_late());
    total.set_open(total.open() + u.open());
    total.set_overdue(total.overdue() + u.overdue());
  }
  rate(total);
  return out;
}

}  // namespace ys::rectification
