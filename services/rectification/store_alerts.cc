// CaseStore: ranking alerts in (ys.rankings.alerts.v1) — cases opened or linked, withdrawals recorded
// per alert, and a case whose every alert was withdrawn flagged for the office.
#include <pqxx/pqxx>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/pg/inbox.h"
#include "common/pg/pool.h"
#include "common/status/rejection.h"
#include "common/time/proto_time.h"
#include "services/rectification/store.h"
#include "services/rectification/store_rows.h"

namespace ys::rectification {
namespace {

std::string KeyOf(const std::string& unit, const std::string& indicator, const std::string& period,
                  const std::string& rule) {
  return absl::StrCat(unit, "\x1f", indicator, "\x1f", period, "\x1f", rule);
}

// One alert_keys row: which case an alert's (unit, indicator, period, rule) went to, and whether that
// alert was withdrawn.
struct KeyRow {
  std::string unit, indicator, period, rule, case_id, alert_id;
  bool withdrawn = false;
  bool stored = false;            // in alert_keys before this batch
  bool withdrawn_stored = false;  // `withdrawn` as stored
};

// How a case's history names the alert of a key: its id, or for a key stored before alert ids were
// recorded, its rule and period.
std::string NameOf(const KeyRow& k) { return k.alert_id.empty() ? absl::StrCat(k.rule, " ", k.period) : k.alert_id; }

bool Unfinished(const pb::Case& c) {
  return c.origin() == pb::ORIGIN_RANKING_ALERT && c.state() != pb::STATE_VERIFIED &&
         c.state() != pb::STATE_CLOSED;
}

}  // namespace

absl::Status CaseStore::ApplyAlerts(pqxx::transaction_base& tx, const std::vector<const CloudEvent*>& events,
                                    std::vector<absl::Status>* results) {
  const absl::Time now = clock_.Now();
  // Every (alert, responsible unit) of the batch, in order.
  struct Item {
    size_t event;
    CaseDraft draft;
    std::string key;
  };
  std::vector<rpb::RankingAlert> alerts(events.size());
  std::vector<size_t> valid;  // the events that are alerts, in order
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
    valid.push_back(i);
    const rpb::RankingFact& f = alerts[i].fact();
    for (CaseDraft& d : DraftsFor(alerts[i], policies_.alerts)) {
      std::string key = KeyOf(d.unit, f.indicator_code(), f.period(), rpb::AlertRule_Name(alerts[i].rule()));
      items.push_back({i, std::move(d), std::move(key)});
    }
  }
  if (valid.empty()) return absl::OkStatus();
  // The same due day for every case the batch opens. A policy that cannot be applied (working days
  // in a year whose holidays are not published) is the alerts' fault: they go to the dead letters.
  absl::StatusOr<absl::CivilDay> due_day = absl::CivilDay();
  if (!items.empty()) due_day = DueDay(now, policies_.deadlines.For(pb::ORIGIN_RANKING_ALERT), calendar_);
  if (!due_day.ok()) {
    const absl::Status bad = WithRejectionReason(
        absl::FailedPreconditionError(absl::StrFormat("cannot set a deadline: %s", due_day.status().message())),
        "no_deadline");
    for (const Item& it : items) (*results)[it.event] = bad;
    items.clear();
    // Dead letters change nothing, withdrawals' flags included.
    std::erase_if(valid, [&](size_t i) { return !(*results)[i].ok(); });
  }
  std::vector<std::string> units, indicators, periods, rules, alert_ids;
  for (const Item& it : items) {
    const rpb::RankingAlert& a = alerts[it.event];
    units.push_back(it.draft.unit);
    indicators.push_back(a.fact().indicator_code());
    periods.push_back(a.fact().period());
    rules.push_back(rpb::AlertRule_Name(a.rule()));
  }
  for (size_t i : valid) alert_ids.push_back(alerts[i].id());

  // 1. The stored keys of these alerts: by the alert id each key records, and by the key each alert
  //    has for every unit that answers for it — the same alert again is a no-op, and a key stored
  //    before alert ids were recorded is found by it.
  std::map<std::string, std::vector<std::string>> keys_of_alert;  // alert id -> its keys, as it would have them
  std::vector<std::string> by_key_unit, by_key_indicator, by_key_period, by_key_rule;
  for (size_t i : valid) {
    const rpb::RankingAlert& a = alerts[i];
    for (const std::string& unit : AnsweringUnits(a, policies_.alerts)) {
      const std::string rule = rpb::AlertRule_Name(a.rule());
      keys_of_alert[a.id()].push_back(KeyOf(unit, a.fact().indicator_code(), a.fact().period(), rule));
      by_key_unit.push_back(unit);
      by_key_indicator.push_back(a.fact().indicator_code());
      by_key_period.push_back(a.fact().period());
      by_key_rule.push_back(rule);
    }
  }
  std::map<std::string, KeyRow> keys;  // KeyOf -> the row (stored, or added by this batch)
  auto read_keys = [&](const pqxx::result& rows) {
    for (const auto& row : rows) {
      KeyRow k{row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
               row[3].as<std::string>(), row[4].as<std::string>(), row[5].as<std::string>(), row[6].as<bool>()};
      k.stored = true;
      k.withdrawn_stored = k.withdrawn;
      keys.try_emplace(KeyOf(k.unit, k.indicator, k.period, k.rule), std::move(k));
    }
  };
  constexpr char kKeyColumns[] = "k.unit, k.indicator_code, k.period, k.rule, k.case_id, k.alert_id, k.withdrawn";
  read_keys(tx.exec_params(
      absl::StrCat("SELECT ", kKeyColumns, " FROM alert_keys k WHERE k.alert_id = ANY($1::text[]) UNION SELECT ",
                   kKeyColumns,
                   " FROM alert_keys k JOIN unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS u(unit, i, p, r) "
                   "ON k.unit = u.unit AND k.indicator_code = u.i AND k.period = u.p AND k.rule = u.r"),
      PgArray(alert_ids), PgArray(by_key_unit), PgArray(by_key_indicator), PgArray(by_key_period),
      PgArray(by_key_rule)));
  const std::set<std::string> seen = [&] {
    std::set<std::string> out;
    for (const auto& [key, _] : keys) out.insert(key);
    return out;
  }();
  // The keys each alert opened or joined (a withdrawal marks them, the alert raised again clears them).
  std::map<std::string, std::vector<std::string>> by_alert;
  std::vector<std::string> related;
  for (const auto& [key, k] : keys) {
    if (keys_of_alert.contains(k.alert_id)) by_alert[k.alert_id].push_back(key);
    related.push_back(k.case_id);
  }
  for (const auto& [alert_id, its_keys] : keys_of_alert) {
    for (const std::string& key : std::set<std::string>(its_keys.begin(), its_keys.end())) {
      auto found = keys.find(key);
      if (found != keys.end() && found->second.alert_id.empty()) by_alert[alert_id].push_back(key);
    }
  }

  // 2. Locked, in one statement (id order): those cases, and the units' unfinished cases of these
  //    indicators (a repeat goes to them or names them).
  std::map<std::string, LoadedCase> loaded;
  for (const auto& row : tx.exec_params(
           "SELECT body, version FROM cases WHERE id = ANY($3::text[]) OR id IN ("
           "SELECT c.id FROM cases c JOIN (SELECT DISTINCT * FROM unnest($1::text[], $2::text[])) AS u(unit, i) "
           "ON c.unit = u.unit AND c.indicator_code = u.i WHERE c.origin = 'ORIGIN_RANKING_ALERT' "
           "AND c.state NOT IN ('STATE_VERIFIED', 'STATE_CLOSED')) ORDER BY id FOR UPDATE",
           PgArray(units), PgArray(indicators), PgArray(related))) {
    LoadedCase l = ParseCase(pqxx::binarystring(row[0]).str(), row[1].as<int64_t>());
    const std::string id = l.c.id();
    loaded.emplace(id, std::move(l));
  }
  // 3. Every other key of those cases: a case's flag depends on all of its alerts.
  {
    std::vector<std::string> ids;
    for (const auto& [id, _] : loaded) ids.push_back(id);
    if (!ids.empty()) {
      read_keys(tx.exec_params(absl::StrCat("SELECT ", kKeyColumns, " FROM alert_keys k WHERE k.case_id = ANY($1::text[])"),
                               PgArray(ids)));
    }
  }
  std::map<std::string, std::vector<std::string>> keys_of_case;
  for (const auto& [key, k] : keys) keys_of_case[k.case_id].push_back(key);

  // The unfinished cases per (unit, indicator), oldest first (ids grow).
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> open;
  for (const auto& [id, l] : loaded) {
    if (Unfinished(l.c)) open[{l.c.unit(), l.c.indicator_code()}].push_back(id);
  }
  auto open_of = [&](const std::string& unit, const std::string& indicator) {
    std::vector<OpenAlertCase> out;
    auto it = open.find({unit, indicator});
    if (it == open.end()) return out;
    for (const std::string& id : it->second) {
      const pb::Case& c = loaded.at(id).c;
      out.push_back({id, c.period(), c.consecutive_periods()});
    }
    return out;
  };

  // 4. How many cases the batch opens: their numbers in one round trip.
  std::vector<int64_t> numbers;
  {
    std::set<std::string> batch_seen = seen;
    std::set<std::tuple<std::string, std::string, std::string>> open_periods;
    for (const auto& [id, l] : loaded) {
      if (Unfinished(l.c)) open_periods.insert({l.c.unit(), l.c.indicator_code(), l.c.period()});
    }
    int64_t creating = 0;
    for (size_t k = 0; k < items.size(); ++k) {
      if (!batch_seen.insert(items[k].key).second) continue;
      if (open_periods.insert({units[k], indicators[k], periods[k]}).second) ++creating;
    }
    if (creating > 0) {
      for (const auto& row : tx.exec_params("SELECT nextval('case_number') FROM generate_series(1, $1)", creating)) {
        numbers.push_back(row[0].as<int64_t>());
      }
    }
  }

  // 5. In order: mark the keys of withdrawn alerts (or clear them for an alert raised again), open or
  //    link, and remember which case each key went to. The cases' flags are decided after the whole
  //    batch: the ranking service publishes a correction's withdrawals and its new alerts together.
  CaseWrites writes;
  size_t next_number = 0;
  struct Touched {
    std::vector<std::string> notes;  // what happened to its alerts, for the history
    bool alerts_changed = false;     // a key withdrawn or raised again (not only joined)
    bool withdrawal = false;
    int64_t revision = 0;            // the withdrawing revision
    std::string joined;              // a standing alert's message that joined it
  };
  std::map<std::string, Touched> touched;
  std::vector<std::string> touched_order;
  auto touch = [&](const std::string& id) -> Touched& {
    auto [it, fresh] = touched.try_emplace(id);
    if (fresh) touched_order.push_back(id);
    return it->second;
  };
  size_t next_item = 0;
  for (size_t i : valid) {
    const rpb::RankingAlert& alert = alerts[i];
    const rpb::RankingFact& f = alert.fact();
    for (const std::string& key : by_alert[alert.id()]) {
      KeyRow& k = keys.at(key);
      if (k.withdrawn == alert.withdrawn()) continue;
      k.withdrawn = alert.withdrawn();
      Touched& t = touch(k.case_id);
      t.alerts_changed = true;
      if (alert.withdrawn()) {
        t.withdrawal = true;
        t.revision = alert.withdrawn_by_revision();
        t.notes.push_back(absl::StrFormat("%s withdrawn by revision %d", alert.id(), alert.withdrawn_by_revision()));
      } else {
        t.notes.push_back(absl::StrFormat("%s raised again (revision %d)", alert.id(), f.revision()));
      }
    }
    for (; next_item < items.size() && items[next_item].event == i; ++next_item) {
      const size_t k = next_item;
      if (keys.contains(items[k].key)) continue;
      const CaseDraft& d = items[k].draft;
      const AlertPlacement place = PlaceAlert(open_of(d.unit, f.indicator_code()), f.period());
      std::string case_id = place.case_id;
      if (place.kind == AlertPlacement::Kind::kLinkSamePeriod) {
        // Another rule on the same period's fall: the period's case takes it.
        LoadedCase& l = loaded.at(case_id);
        const int64_t version = writes.Update(l, now);
        writes.Log(case_id, now, kServiceActor, "linked", "", "", absl::StrFormat("%s %s", f.period(), rules[k]));
        writes.Emit(pb::CaseEvent::KIND_LINKED, l.c, version, l.c.escalation(),
                    absl::StrFormat("%s %s，并入同期整改案件 %s", d.unit, alert.message(), case_id), now);
        Touched& t = touch(case_id);
        t.notes.push_back(absl::StrFormat("%s joined", alert.id()));
        t.joined = alert.message();
      } else {
        LoadedCase l;
        pb::Case& c = l.c;
        c.set_id(absl::StrFormat("RC-%06d", numbers[next_number++]));
        c.set_origin(pb::ORIGIN_RANKING_ALERT);
        c.set_origin_ref(alert.id());
        c.set_unit(d.unit);
        c.set_head(d.head);
        c.set_region_code(d.region_code);
        c.set_indicator_code(f.indicator_code());
        c.set_period(f.period());
        c.set_rule(rules[k]);
        c.set_title(d.title);
        c.set_description(AlertCaseDescription(alert, FormatIsoDate(*due_day)));
        c.set_lead(alert.lead());
        for (const pb::Follower& follower : d.followers) *c.add_followers() = follower;
        *c.mutable_opened_at() = ToProtoTime(now);
        *c.mutable_due_at() = ToProtoTime(EndOfDay(*due_day));
        c.set_due_date(FormatIsoDate(*due_day));
        c.set_state(pb::STATE_OPEN);
        c.set_consecutive_periods(place.consecutive_periods);
        c.set_previous_case(place.case_id);
        l.version = 1;
        writes.Save(c, 1, /*insert=*/true);
        writes.Log(c.id(), now, kServiceActor, "opened", "", "STATE_OPEN",
                   place.case_id.empty() ? alert.id()
                                         : absl::StrFormat("%s; previous case %s", alert.id(), place.case_id));
        writes.Emit(pb::CaseEvent::KIND_OPENED, c, 1, pb::ESCALATION_NONE,
                    place.case_id.empty()
                        ? absl::StrFormat("%s：%s，请于%s前整改并报市营商办（%s）", d.unit, alert.message(),
                                          c.due_date(), c.id())
                        : absl::StrFormat("%s：%s，请于%s前整改并报市营商办（%s；连续%d期，前案 %s 仍在整改）", d.unit,
                                          alert.message(), c.due_date(), c.id(), c.consecutive_periods(),
                                          place.case_id),
                    now);
        if (!place.case_id.empty()) {
          // The earlier case keeps its own deadline (and the 督办 on it); it is told of the repeat.
          LoadedCase& earlier = loaded.at(place.case_id);
          auto& linked = *earlier.c.mutable_linked_periods();
          if (std::find(linked.begin(), linked.end(), f.period()) == linked.end()) {
            earlier.c.add_linked_periods(f.period());
          }
          const int64_t version = writes.Update(earlier, now);
          writes.Log(place.case_id, now, kServiceActor, "linked", "", c.id(),
                     absl::StrFormat("%s %s: its own case %s", f.period(), rules[k], c.id()));
          writes.Emit(pb::CaseEvent::KIND_LINKED, earlier.c, version, earlier.c.escalation(),
                      absl::StrFormat("%s %s（连续%d期），另立整改案件 %s；本案 %s 期限不变（%s）", d.unit,
                                      alert.message(), c.consecutive_periods(), c.id(), place.case_id,
                                      earlier.c.due_date()),
                      now);
        }
        case_id = c.id();
        open[{c.unit(), c.indicator_code()}].push_back(case_id);
        loaded.emplace(case_id, std::move(l));
        touch(case_id);
      }
      KeyRow row{d.unit, f.indicator_code(), f.period(), rules[k], case_id, alert.id(), false};
      keys.emplace(items[k].key, std::move(row));
      keys_of_case[case_id].push_back(items[k].key);
      by_alert[alert.id()].push_back(items[k].key);  // a withdrawal later in the batch finds it
    }
  }

  // 6. Each case whose alerts changed: flagged only when every alert linked to it is withdrawn
  //    (DecideAlertFlag). A closed case keeps its keys' states and no flag.
  for (const std::string& id : touched_order) {
    LoadedCase& l = loaded.at(id);
    const Touched& t = touched.at(id);
    if (l.c.state() == pb::STATE_CLOSED) continue;
    std::vector<LinkedAlert> before, after;
    for (const std::string& key : keys_of_case[id]) {
      const KeyRow& k = keys.at(key);
      if (k.stored) before.push_back({NameOf(k), k.withdrawn_stored});
      after.push_back({NameOf(k), k.withdrawn});
    }
    const AlertFlag flag = DecideAlertFlag(l.c.alert_withdrawn(), before, after);
    std::string note = absl::StrJoin(t.notes, "; ");
    if (!flag.standing.empty()) absl::StrAppend(&note, "; stands on ", absl::StrJoin(flag.standing, ", "));
    if (flag.flagged != l.c.alert_withdrawn()) {
      pb::Case& c = l.c;
      c.set_alert_withdrawn(flag.flagged);
      const int64_t version = writes.Update(l, now);
      if (flag.flagged) {
        writes.Log(id, now, kServiceActor, "alert_withdrawn", "", "withdrawn", note);
        writes.Emit(pb::CaseEvent::KIND_ALERT_WITHDRAWN, c, version, c.escalation(),
                    absl::StrFormat("%s 整改案件 %s 所依据的排名预警已撤回（第%d版数据不再触发），待市营商办决定保留或关闭",
                                    c.unit(), id, t.revision),
                    now);
      } else {
        writes.Log(id, now, kServiceActor, "alert_reinstated", "withdrawn", "", note);
        writes.Emit(pb::CaseEvent::KIND_ALERT_REINSTATED, c, version, c.escalation(),
                    t.joined.empty()
                        ? absl::StrFormat("%s 整改案件 %s 所依据的排名预警再次触发，撤回标记已清除，继续整改", c.unit(), id)
                        : absl::StrFormat("%s 整改案件 %s 有仍然成立的排名预警并入（%s），撤回标记已清除，继续整改",
                                          c.unit(), id, t.joined),
                    now);
      }
    } else if (t.alerts_changed) {
      // One of its alerts withdrawn (or raised again) while another stands, or after the office kept
      // it: recorded, nothing for anyone to do.
      writes.Log(id, now, kServiceActor, t.withdrawal ? "alert_withdrawn" : "alert_reinstated", "", "", note);
    }
  }
  writes.Flush(tx);

  // 7. The keys: new ones with where they went, stored ones whose alert was withdrawn or raised again.
  std::vector<std::string> key_unit, key_indicator, key_period, key_rule, key_case, key_alert, key_withdrawn;
  std::vector<std::string> mark_unit, mark_indicator, mark_period, mark_rule, mark_withdrawn;
  for (const auto& [_, k] : keys) {
    if (!k.stored) {
      for (auto [column, value] : {std::pair{&key_unit, &k.unit}, {&key_indicator, &k.indicator},
                                   {&key_period, &k.period}, {&key_rule, &k.rule}, {&key_case, &k.case_id},
                                   {&key_alert, &k.alert_id}}) {
        column->push_back(*value);
      }
      key_withdrawn.push_back(k.withdrawn ? "true" : "false");
    } else if (k.withdrawn != k.withdrawn_stored) {
      for (auto [column, value] : {std::pair{&mark_unit, &k.unit}, {&mark_indicator, &k.indicator},
                                   {&mark_period, &k.period}, {&mark_rule, &k.rule}}) {
        column->push_back(*value);
      }
      mark_withdrawn.push_back(k.withdrawn ? "true" : "false");
    }
  }
  if (!key_unit.empty()) {
    tx.exec_params(
        "INSERT INTO alert_keys (unit, indicator_code, period, rule, case_id, alert_id, withdrawn) SELECT * FROM "
        "unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bool[])",
        PgArray(key_unit), PgArray(key_indicator), PgArray(key_period), PgArray(key_rule), PgArray(key_case),
        PgArray(key_alert), PgArray(key_withdrawn));
  }
  if (!mark_unit.empty()) {
    tx.exec_params(
        "UPDATE alert_keys k SET withdrawn = u.w FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], "
        "$5::bool[]) AS u(unit, i, p, r, w) WHERE k.unit = u.unit AND k.indicator_code = u.i AND k.period = u.p "
        "AND k.rule = u.r",
        PgArray(mark_unit), PgArray(mark_indicator), PgArray(mark_period), PgArray(mark_rule),
        PgArray(mark_withdrawn));
  }
  return absl::OkStatus();
}

}  // namespace ys::rectification
