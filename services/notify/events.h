#pragma once

// What notify consumes: a CloudEvent from one of three topics in, the NotifyEvents to route out —
// labels for routing, inhibition and silences (labels.h), the values its templates render
// (templates.h), a stable key for grouping (grouping.h) and whether it withdraws what was told.
// Pure: no I/O, no clock.
//
// Accepted only from the producer of each topic (the consumer dead-letters anything else):
//   topic                   ce_source                  ce_type
//   ys.rankings.alerts.v1   /yingshang/ranking         yingshang.ranking.v1.RankingAlert
//   ys.rectification.v1     /yingshang/rectification   yingshang.rectification.v1.CaseEvent
//   ys.duty.v1              /yingshang/duty            yingshang.duty.v1.DutyEvent
// A refusal is INVALID_ARGUMENT, one line naming the attribute or field, with its rejection reason
// (common/status/rejection.h) for the dead-letter header and the DLQ metric: wrong_source, wrong_type,
// bad_payload (not a protobuf — or proto3 JSON, content-type application/json — of the type, or a
// required field missing: the field is named), or unknown_topic (a topic this file does not read: the
// consumer's wiring is wrong). Unlike Alertmanager, which takes any POST to /api/v2/alerts, a ranking
// alert is believed only from the ranking service: anyone else who can write to the topic cannot page
// the city's leaders.
//
// One event in, zero or more NotifyEvents out: ONE PER ADDRESSEE. Routing resolves receivers from
// single-valued labels ("unit:{{unit}}", "head:{{unit}}"), so an alert with three responsible units
// becomes three NotifyEvents, each with its `unit` and `head` (and `units`, the whole list, comma-
// separated). They share the ce_id (`id`), the template data and every other label; they differ in
// the addressee labels and `dedup_key`. The service keeps one notification per (id, receiver): a
// receiver every split reaches (the office, the 领班) is told once, not once per unit.
//   addressee labels: unit, head, role=responsible   a unit that answers for the alert or case
//                     unit, head, role=follower      a city unit following a county's alert or case
//                     county, county_name, role=responsible   the county itself (a county-scope alert,
//                                                    a county case); it has no `unit`
//                     recipient                      one addressee of the duty compliance report
//                                                    (a route sends it to "body:{{recipient}}")
// A city alert whose indicator names no unit (综合) is one NotifyEvent without addressee labels (the
// office's routes still match it; rectification opens its case for its fallback unit).
//
// Event types (the `event_type` label and the template names) and what each is:
//   ranking_alert           every RankingAlert; a withdrawn one (a later revision of its fact no
//                           longer raises it) has withdrawn = true and the same dedup keys, and its
//                           templates' withdrawn form says so (【预警撤回】, no 限期整改 line)
//   case_opened             CaseEvent OPENED
//   case_overdue            CaseEvent ESCALATED: 督办 at the due time (§四(六)), or a local-policy step
//                           after it (label escalation_step names it)
//   case_reported           CaseEvent REPORTED (the final report)
//   case_verified           CaseEvent VERIFIED (passed) and REJECTED (not passed: verdict 未通过)
//   case_closed             CaseEvent CLOSED (verified and closed, or closed as withdrawn)
//   case_referred           CaseEvent REFERRED: the office's referral to 市纪委监委
//   duty_roster_published   the week's roster (receivers: 政务网站, 微信公众号, 大厅显示屏, by route)
//   duty_reminder           7 and 1 days before a registered sitting
//   duty_compliance_report  the month's report, one NotifyEvent per recipient the event names
//                           (市政务服务管理局, 市政府分管领导: 细则 四2)
//   duty_violation          a broken duty rule (细则 二1–二3), once its period is decided
//   duty_record_overdue     no 表2 by the record due date (细则 四1 "及时…报市政务服务中心")
//   duty_replacement_overdue a window worker dismissed (一票清退) not replaced by the due date
//                           (办法 12 "原单位接函后须及时调整人员")
// Told to nobody (an empty result, not a refusal: the event is valid, notify has nothing to say yet):
// CaseEvent DEADLINE_EXTENDED, REOPENED, LINKED, REFERRAL_SUGGESTED, ALERT_WITHDRAWN,
// ALERT_REINSTATED, WITHDRAWAL_KEPT.
// NOT CONSUMED because nobody emits it: the "due soon" case reminder. The rectification
// service emits no such event today (CaseEvent has no kind for it); a later session adds the kind
// and its sweep there, and a case_due_soon type and templates here.
// Every event type has its templates (templates.h kEventTypes holds the same types; events_test
// checks both ways).
//
// Severity (quiet_hours.h: critical goes at once, the rest waits for working hours): a ranking alert
// has its own (warning or critical); case_overdue, case_referred, duty_violation and
// duty_replacement_overdue are warning (a rule broken, or an office decision the unit must act on);
// everything else is info.
//
// Labels (besides the addressee labels above; a label whose value would be empty is left out, and
// routing reads a missing label as empty):
//   every event      event_type, severity
//   ranking_alert    rule (last_in_province, bottom_three, fell_places, quarter_target_missed,
//                    quarter_floor_breached, county_indicator_last, county_composite_beyond,
//                    year_bottom_three: the enum's name, as rectification's cases.open_on_rules
//                    spells it), evaluation (official, third_party, …), indicator (code), scope
//                    (city | county), region (code), period, lead (领班), units (a,b,c),
//                    target_warning=true (a target judged on a period inside its own)
//   case_*           case_id, origin (ranking_alert, bulletin, inspection, negative_case,
//                    special_campaign, manual), indicator, period, rule (as above), region (a county
//                    case's code), lead, due_date; case_overdue also escalation_step (督办, or a
//                    local step's name)
//   duty_*           unit, leader (name), leader_id (reminder, violation, record_overdue); week,
//                    week_start, publications (roster); date, session (morning | afternoon |
//                    whole_day), days_before, registration_id (reminder); rule (main_monthly |
//                    deputy_weekly | chief_posted), period (violation); date, registration_id
//                    (record_overdue); dismissal_id, staff_id (replacement_overdue); month,
//                    recipients (a,b) (compliance_report)
//
// Template data: exactly the keys of templates/README.md, plus `message` (the producer's own line)
// for every type. Where a value is not in the event:
//   ranking_alert.rule_name      the ranking service's words after "全省第R名/共T，" in the alert's
//                                message ("全省倒数第一", "综合排名全省70名以后" — they carry its config);
//                                a fixed Chinese name per rule when the message has another shape
//   ranking_alert.opens_case     "1" unless withdrawn or a target warning, when the rule is one of
//                                EventOptions::case_opening_rules (rectification's default
//                                cases.open_on_rules; configure both alike)
//   ranking_alert.withdrawn      "1" when withdrawn, else "" (mustache's false): the templates'
//                                {{#withdrawn}} form. It shows the rank the alert was raised on (the
//                                fact in a withdrawn RankingAlert is the one that raised it; the
//                                correcting fact's rank is not in the event, so it is not shown)
//   ranking_alert.opened_case    "1" when withdrawn and opens_case would have been "1": the case
//                                the alert opened or joined stays open until the office keeps or
//                                closes it (rectification's `case withdrawal`), and the text says so
//   case_opened.indicator_name   the catalog's name (EventOptions::indicator_names, from the replica),
//                                else the code: a Case carries only the code
//   case_overdue.as_of_date      the day of the 督办 (the event's time, Asia/Shanghai)
//   case_reported.report_excerpt the last final report of the snapshot, cut at
//                                EventOptions::report_excerpt_bytes on a character boundary, marked …
//   case_verified.comment        the snapshot's last verification's comment
//   case_closed.resolution       "整改到位，核验通过。" for a verified case, "所依据的排名预警已撤回，市营商办
//                                决定关闭。" for one closed as withdrawn
//   duty dates                   "2022-10-10（周一）"; sessions 上午 / 下午 / 全天; month "2022年10月"
//   duty_roster_published.week_end  week_start + 6 days (the Sunday)
//   duty_compliance_report       addressees = the recipients joined by 、; broken_lines the BROKEN
//                                lines, rule as a short Chinese name
//   duty_violation.rule          the same short Chinese name; plan_words the 细则's words as the line
//                                carries them (the templates quote them)
//   duty_record_overdue          record_due_date as the registration has it (the last day, inclusive:
//                                "截至 X（含）"); the registration id is a label, not in the text
//   duty_replacement_overdue     the dismissal's path, reason and date stay in duty's records: the
//                                unit is told what to do (replace by the due date), not why again
//
// dedup_key: what grouping.h keys a member by — the same thing told again has the same key.
//   ranking_alert   "ranking_alert:<alert id>#<addressee>": the alert id is stable across revisions,
//                   so a withdrawal (a new ce_id) finds the member its alert made and withdraws it
//   case_*, duty_*  "<ce_id>#<addressee>": each change of a case, each duty event is its own news;
//                   the producers' ce_ids are already content keys (case:RC-000123:3:KIND_OPENED:0,
//                   duty-reminder-DR-000001-7)
//   addressee       "unit:<unit>", "county:<code>", "recipient:<name>"; no "#…" without one

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/kafka/cloud_event.h"
#include "services/notify/labels.h"
#include "services/notify/templates.h"

namespace ys::notify {

inline constexpr char kRankingAlertsTopic[] = "ys.rankings.alerts.v1";
inline constexpr char kRectificationTopic[] = "ys.rectification.v1";
inline constexpr char kDutyTopic[] = "ys.duty.v1";

// Who may write to each topic notify reads.
struct ConsumedTopic {
  const char* topic;
  const char* source;  // the only ce_source accepted
  const char* type;    // the only ce_type accepted
};
inline constexpr ConsumedTopic kConsumedTopics[] = {
    {kRankingAlertsTopic, "/yingshang/ranking", "yingshang.ranking.v1.RankingAlert"},
    {kRectificationTopic, "/yingshang/rectification", "yingshang.rectification.v1.CaseEvent"},
    {kDutyTopic, "/yingshang/duty", "yingshang.duty.v1.DutyEvent"},
};

// Every event_type NotifyEventsFrom produces; templates.h kEventTypes lists the same types (the ones
// with templates), and events_test fails when the two differ.
inline constexpr const char* kNotifyEventTypes[] = {
    "ranking_alert",         "case_opened",         "case_overdue",
    "case_reported",         "case_verified",       "case_closed",
    "case_referred",         "duty_roster_published", "duty_reminder",
    "duty_compliance_report", "duty_violation",     "duty_record_overdue",
    "duty_replacement_overdue",
};

// One thing to tell one addressee (see above).
struct NotifyEvent {
  std::string id;          // ce_id of the event it came from
  std::string event_type;  // ranking_alert, case_overdue, duty_reminder, …
  std::string severity;    // info | warning | critical (quiet_hours.h ParseSeverity reads it)
  Labels labels;
  TemplateData data;       // for TemplateSet::Render
  absl::Time occurred_at;  // ce_time: when the producer recorded it
  std::string dedup_key;
  bool withdrawn = false;  // a ranking alert withdrawn by a later revision: grouping.h Withdraw
};

struct EventOptions {
  // Rules whose alerts open a rectification case (rectification's cases.open_on_rules, default).
  std::set<std::string, std::less<>> case_opening_rules = {
      "last_in_province", "bottom_three", "quarter_floor_breached", "county_indicator_last",
      "county_composite_beyond"};
  // Indicator code -> name, from the catalog replica (ys.catalog.v1); a code not here is shown as is.
  std::map<std::string, std::string, std::less<>> indicator_names;
  // The longest report excerpt a case_reported message quotes, in bytes.
  size_t report_excerpt_bytes = 300;
};

// The NotifyEvents of one consumed event, in addressee order (the responsible unit or county first,
// then followers; a compliance report's recipients in the event's order). Empty for an event notify
// tells nobody of. INVALID_ARGUMENT with a rejection reason (wrong_source, wrong_type, bad_payload,
// unknown_topic) for anything it refuses.
absl::StatusOr<std::vector<NotifyEvent>> NotifyEventsFrom(std::string_view topic, const CloudEvent& event,
                                                          const EventOptions& options = {});

}  // namespace ys::notify
