// CaseStore: ranking alerts in (ys.rankings.alerts.v1) — cases opened or linked, withdrawn alerts
// flagged for the office.
#include <pqxx/pqxx>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
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

  // 1. Which keys reached their unit before (the same alert again is a no-op).
  std::set<std::string> seen;
  for (const auto& row : tx.exec_params(
           "SELECT k.unit, k.indicator_code, k.period, k.rule FROM alert_keys k JOIN unnest($1::text[], "
           "$2::text[], $3::text[], $4::text[]) AS u(unit, i, p, r) ON k.unit = u.unit AND "
           "k.indicator_code = u.i AND k.period = u.p AND k.rule = u.r",
           PgArray(units), PgArray(indicators), PgArray(periods), PgArray(rules))) {
    seen.insert(KeyOf(row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
                      row[3].as<std::string>()));
  }
  // 2. The cases these alerts opened or were linked to (a withdrawal flags them, the alert raised
  //    again clears the flag): by the alert id each key records, and for keys stored before it was
  //    recorded, by the key the alert would have.
  std::vector<std::string> legacy_alert, legacy_unit, legacy_indicator, legacy_period, legacy_rule;
  for (size_t i : valid) {
    const rpb::RankingAlert& a = alerts[i];
    for (const std::string& unit : AnsweringUnits(a, policies_.alerts)) {
      legacy_alert.push_back(a.id());
      legacy_unit.push_back(unit);
      legacy_indicator.push_back(a.fact().indicator_code());
      legacy_period.push_back(a.fact().period());
      legacy_rule.push_back(rpb::AlertRule_Name(a.rule()));
    }
  }
  std::map<std::string, std::set<std::string>> by_alert;  // alert id -> the cases it opened or joined
  std::vector<std::string> related;
  for (const auto& row : tx.exec_params(
           "SELECT alert_id, case_id FROM alert_keys WHERE alert_id = ANY($1::text[]) UNION ALL "
           "SELECT u.a, k.case_id FROM alert_keys k JOIN unnest($2::text[], $3::text[], $4::text[], $5::text[], "
           "$6::text[]) AS u(a, unit, i, p, r) ON k.alert_id = '' AND k.unit = u.unit AND k.indicator_code = u.i "
           "AND k.period = u.p AND k.rule = u.r",
           PgArray(alert_ids), PgArray(legacy_alert), PgArray(legacy_unit), PgArray(legacy_indicator),
           PgArray(legacy_period), PgArray(legacy_rule))) {
    if (by_alert[row[0].as<std::string>()].insert(row[1].as<std::string>()).second) {
      related.push_back(row[1].as<std::string>());
    }
  }
  // 3. Locked, in one statement (id order): those cases, and the units' unfinished cases of these
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

  // 5. In order: flag or clear for withdrawals, open or link, and remember which case each key went to.
  CaseWrites writes;
  std::vector<std::string> key_unit, key_indicator, key_period, key_rule, key_case, key_alert;
  size_t next_number = 0;
  auto change = [&](LoadedCase& l) -> int64_t {
    const int64_t version = ++l.version;
    writes.Save(l.c, version, /*insert=*/false);
    return version;
  };
  size_t next_item = 0;
  for (size_t i : valid) {
    const rpb::RankingAlert& alert = alerts[i];
    const rpb::RankingFact& f = alert.fact();
    // The cases this alert opened or was linked to, still open.
    for (const std::string& id : by_alert[alert.id()]) {
      auto found = loaded.find(id);
      if (found == loaded.end() || found->second.c.state() == pb::STATE_CLOSED) continue;
      pb::Case& c = found->second.c;
      if (alert.withdrawn() && !c.alert_withdrawn()) {
        c.set_alert_withdrawn(true);
        const int64_t version = change(found->second);
        writes.Log(id, now, kServiceActor, "alert_withdrawn", "", "withdrawn",
                   absl::StrFormat("%s withdrawn by revision %d", alert.id(), alert.withdrawn_by_revision()));
        writes.Emit(pb::CaseEvent::KIND_ALERT_WITHDRAWN, c, version, c.escalation(),
                    absl::StrFormat("%s 整改案件 %s 所依据的排名预警已撤回（第%d版数据不再触发），待市营商办决定保留或关闭",
                                    c.unit(), id, alert.withdrawn_by_revision()),
                    now);
      } else if (!alert.withdrawn() && c.alert_withdrawn()) {
        c.set_alert_withdrawn(false);
        const int64_t version = change(found->second);
        writes.Log(id, now, kServiceActor, "alert_reinstated", "withdrawn", "",
                   absl::StrFormat("%s raised again (revision %d)", alert.id(), f.revision()));
        writes.Emit(pb::CaseEvent::KIND_ALERT_REINSTATED, c, version, c.escalation(),
                    absl::StrFormat("%s 整改案件 %s 所依据的排名预警再次触发，撤回标记已清除，继续整改", c.unit(), id),
                    now);
      }
    }
    for (; next_item < items.size() && items[next_item].event == i; ++next_item) {
      const size_t k = next_item;
      if (!seen.insert(items[k].key).second) continue;
      const CaseDraft& d = items[k].draft;
      const AlertPlacement place = PlaceAlert(open_of(d.unit, f.indicator_code()), f.period());
      std::string case_id = place.case_id;
      if (place.kind == AlertPlacement::Kind::kLinkSamePeriod) {
        // Another rule on the same period's fall: the period's case takes it.
        LoadedCase& l = loaded.at(case_id);
        const int64_t version = change(l);
        writes.Log(case_id, now, kServiceActor, "linked", "", "", absl::StrFormat("%s %s", f.period(), rules[k]));
        writes.Emit(pb::CaseEvent::KIND_LINKED, l.c, version, l.c.escalation(),
                    absl::StrFormat("%s %s，并入同期整改案件 %s", d.unit, alert.message(), case_id), now);
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
        c.set_description(d.description);
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
          const int64_t version = change(earlier);
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
      }
      key_unit.push_back(d.unit);
      key_indicator.push_back(f.indicator_code());
      key_period.push_back(f.period());
      key_rule.push_back(rules[k]);
      key_case.push_back(case_id);
      key_alert.push_back(alert.id());
      by_alert[alert.id()].insert(case_id);  // a withdrawal later in the batch finds it
    }
  }
  writes.Flush(tx);
  if (!key_unit.empty()) {
    tx.exec_params(
        "INSERT INTO alert_keys (unit, indicator_code, period, rule, case_id, alert_id) SELECT * FROM "
        "unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])",
        PgArray(key_unit), PgArray(key_indicator), PgArray(key_period), PgArray(key_rule), PgArray(key_case),
        PgArray(key_alert));
  }
  return absl::OkStatus();
}

}  // namespace ys::rectification
