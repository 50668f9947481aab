#include "services/notify/events.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "common/input/text_rules.h"
#include "common/status/macros.h"
#include "common/status/rejection.h"
#include "common/time/calendar.h"
#include "common/time/clock.h"
#include "common/time/period.h"
#include "common/time/proto_time.h"
#include "google/protobuf/util/json_util.h"
#include "services/notify/payloads.h"
#include "services/notify/quiet_hours.h"
#include "yingshang/duty/v1/duty.pb.h"
#include "yingshang/ranking/v1/ranking.pb.h"
#include "yingshang/rectification/v1/rectification.pb.h"

namespace ys::notify {
namespace {

namespace rpb = ::yingshang::ranking::v1;
namespace cpb = ::yingshang::rectification::v1;
namespace dpb = ::yingshang::duty::v1;

absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

absl::Status Refuse(absl::string_view reason, std::string message) {
  return WithRejectionReason(absl::InvalidArgumentError(std::move(message)), reason);
}
absl::Status BadPayload(std::string message) { return Refuse("bad_payload", std::move(message)); }

// The body as `M`: protobuf, or proto3 JSON from a producer that sends JSON.
template <typename M>
absl::StatusOr<M> Decode(const CloudEvent& event) {
  M m;
  const std::string name(M::descriptor()->full_name());
  if (absl::StartsWith(event.content_type, "application/protobuf") ||
      absl::StartsWith(event.content_type, "application/x-protobuf")) {
    if (!m.ParseFromString(event.data)) return BadPayload(absl::StrCat("body is not a ", name, " protobuf"));
    return m;
  }
  if (absl::StartsWith(event.content_type, "application/json")) {
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;  // a newer producer may add fields, as protobuf allows
    if (auto s = google::protobuf::util::JsonStringToMessage(event.data, &m, options); !s.ok()) {
      return BadPayload(absl::StrCat("body is not a ", name, " in proto3 JSON: ",
                                     input::QuoteInput(std::string(s.message()), 200)));
    }
    return m;
  }
  return BadPayload(absl::StrCat("content-type ", input::QuoteInput(event.content_type),
                                 " is not application/protobuf or application/json"));
}

// "ALERT_RULE_LAST_IN_PROVINCE" -> "last_in_province": what configuration and labels spell.
std::string ShortName(absl::string_view enum_name, absl::string_view prefix) {
  absl::ConsumePrefix(&enum_name, prefix);
  return absl::AsciiStrToLower(enum_name);
}

void Put(Labels& labels, std::string_view name, std::string value) {
  if (!value.empty()) labels.insert_or_assign(std::string(name), std::move(value));
}

std::string DayOf(absl::Time t) { return FormatIsoDate(absl::ToCivilDay(t, Shanghai())); }
std::string DayOf(const google::protobuf::Timestamp& ts, absl::Time fallback) {
  return DayOf(ts.seconds() != 0 || ts.nanos() != 0 ? FromProtoTime(ts) : fallback);
}

// "2022-10-10" -> "2022-10-10（周一）"; anything else as it is.
std::string DayWithWeekday(const std::string& iso) {
  const absl::StatusOr<absl::CivilDay> day = ParseIsoDate(iso);
  if (!day.ok()) return iso;
  return absl::StrCat(iso, "（", WeekdayTitle(absl::GetWeekday(*day)), "）");
}

// "2022-10" -> "2022年10月"; anything else as it is.
std::string MonthTitle(const std::string& month) {
  const absl::StatusOr<Period> p = Period::Parse(month);
  if (!p.ok() || p->kind() != Period::Kind::kMonth) return month;
  return absl::StrFormat("%d年%d月", p->year(), p->index());
}

// One addressee of an event: its labels and its part of the dedup key.
struct Addressee {
  Labels labels;
  std::string key;  // "unit:…", "county:…", "recipient:…"; empty for none
};

Addressee UnitAddressee(const std::string& unit, const std::string& head, bool follower) {
  Addressee a;
  Put(a.labels, "unit", unit);
  Put(a.labels, "head", head);
  a.labels["role"] = follower ? "follower" : "responsible";
  a.key = absl::StrCat("unit:", unit);
  return a;
}

Addressee CountyAddressee(const std::string& code, const std::string& name) {
  Addressee a;
  Put(a.labels, "county", code);
  Put(a.labels, "county_name", name);
  a.labels["role"] = "responsible";
  a.key = absl::StrCat("county:", code);
  return a;
}

// The event as told to each addressee (one event with none when `addressees` is empty).
std::vector<NotifyEvent> Split(const NotifyEvent& base, const std::string& dedup_base,
                               const std::vector<Addressee>& addressees) {
  std::vector<NotifyEvent> out;
  if (addressees.empty()) {
    NotifyEvent& e = out.emplace_back(base);
    e.dedup_key = dedup_base;
    return out;
  }
  for (const Addressee& a : addressees) {
    NotifyEvent& e = out.emplace_back(base);
    for (const auto& [name, value] : a.labels) e.labels.insert_or_assign(name, value);
    e.dedup_key = a.key.empty() ? dedup_base : absl::StrCat(dedup_base, "#", a.key);
  }
  return out;
}

NotifyEvent Base(const CloudEvent& event, std::string event_type, Severity severity, std::string message) {
  NotifyEvent e;
  e.id = event.id;
  e.event_type = std::move(event_type);
  e.severity = std::string(SeverityName(severity));
  e.labels["event_type"] = e.event_type;
  e.labels["severity"] = e.severity;
  e.occurred_at = event.time;
  e.data.values["message"] = std::move(message);
  return e;
}

// --- ys.rankings.alerts.v1 ---------------------------------------------------------------------

// The rule as people read it, when the alert's message does not say it (see the header).
std::string FixedRuleName(const rpb::RankingAlert& a) {
  switch (a.rule()) {
    case rpb::ALERT_RULE_LAST_IN_PROVINCE:
      return "全省倒数第一";
    case rpb::ALERT_RULE_BOTTOM_THREE:
      return "位列全省后三位";
    case rpb::ALERT_RULE_FELL_PLACES:
      return a.previous_rank() > 0
                 ? absl::StrFormat("较上期下降%d位", a.fact().rank() - a.previous_rank())
                 : "排名较上期下降";
    case rpb::ALERT_RULE_QUARTER_TARGET_MISSED:
      return "未达季度目标";
    case rpb::ALERT_RULE_QUARTER_FLOOR_BREACHED:
      return "掉出季度底线";
    case rpb::ALERT_RULE_COUNTY_INDICATOR_LAST:
      return "单项指标全省倒数第一";
    case rpb::ALERT_RULE_COUNTY_COMPOSITE_BEYOND:
      return "综合排名靠后";
    case rpb::ALERT_RULE_YEAR_BOTTOM_THREE:
      return "全年排名位列全省后三位";
    default:
      return "排名预警";
  }
}

// The ranking service writes "<period> <region> <indicator>：全省第R名/共T，<what>": <what> is the
// rule in its words, with its configured numbers.
std::string RuleName(const rpb::RankingAlert& a) {
  const std::string marker = absl::StrFormat("：全省第%d名/共%d，", a.fact().rank(), a.fact().total());
  const size_t at = a.message().find(marker);
  if (at != std::string::npos) {
    absl::string_view what = absl::string_view(a.message()).substr(at + marker.size());
    while (absl::ConsumeSuffix(&what, "。")) {
    }
    if (!what.empty()) return std::string(what);
  }
  return FixedRuleName(a);
}

absl::Status CheckAlert(const rpb::RankingAlert& a) {
  if (a.id().empty()) return BadPayload("field 'id': is required");
  if (a.rule() == rpb::ALERT_RULE_UNSPECIFIED || !rpb::AlertRule_IsValid(a.rule())) {
    return BadPayload(absl::StrCat("field 'rule': ", static_cast<int>(a.rule()), " is not an alert rule"));
  }
  if (a.severity() != rpb::SEVERITY_WARNING && a.severity() != rpb::SEVERITY_CRITICAL) {
    return BadPayload(absl::StrCat("field 'severity': ", static_cast<int>(a.severity()),
                                   " is not warning or critical"));
  }
  const rpb::RankingFact& f = a.fact();
  if (f.scope() != rpb::SCOPE_CITY && f.scope() != rpb::SCOPE_COUNTY) {
    return BadPayload(absl::StrCat("field 'fact.scope': ", static_cast<int>(f.scope()), " is not city or county"));
  }
  if (f.indicator_code().empty()) return BadPayload("field 'fact.indicator_code': is required");
  if (f.region_code().empty()) return BadPayload("field 'fact.region_code': is required");
  if (f.period().empty()) return BadPayload("field 'fact.period': is required");
  if (f.rank() < 1 || f.total() < f.rank()) {
    return BadPayload(absl::StrFormat("field 'fact.rank': %d of %d is not a rank", f.rank(), f.total()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<NotifyEvent>> FromRankingAlert(const CloudEvent& event, const EventOptions& options) {
  ASSIGN_OR_RETURN(const rpb::RankingAlert a, Decode<rpb::RankingAlert>(event));
  RETURN_IF_ERROR(CheckAlert(a));
  const rpb::RankingFact& f = a.fact();
  const bool county = f.scope() == rpb::SCOPE_COUNTY;
  const std::string rule = ShortName(rpb::AlertRule_Name(a.rule()), "ALERT_RULE_");
  NotifyEvent e = Base(event, "ranking_alert",
                       a.severity() == rpb::SEVERITY_CRITICAL ? Severity::kCritical : Severity::kWarning,
                       a.message());
  e.withdrawn = a.withdrawn();

  std::vector<std::string> unit_names;
  for (const auto& u : a.units()) unit_names.push_back(u.unit());
  Put(e.labels, "rule", rule);
  Put(e.labels, "evaluation", ShortName(rpb::Evaluation_Name(f.evaluation()), "EVALUATION_"));
  Put(e.labels, "indicator", f.indicator_code());
  Put(e.labels, "scope", county ? "county" : "city");
  Put(e.labels, "region", f.region_code());
  Put(e.labels, "period", f.period());
  Put(e.labels, "lead", a.lead());
  Put(e.labels, "units", absl::StrJoin(unit_names, ","));
  if (a.target_warning()) e.labels["target_warning"] = "true";

  // A rule rectification opens (or joins) a case for: told to act while the alert stands, told the
  // office decides on that case once it is withdrawn.
  const bool case_rule = !a.target_warning() && options.case_opening_rules.contains(rule);
  e.data.values.insert({
      {"region_name", a.region_name().empty() ? f.region_code() : a.region_name()},
      {"indicator_name", a.indicator_name().empty() ? f.indicator_code() : a.indicator_name()},
      {"period", f.period()},
      {"rank", absl::StrCat(f.rank())},
      {"total", absl::StrCat(f.total())},
      {"previous_rank", a.rule() == rpb::ALERT_RULE_FELL_PLACES && a.previous_rank() > 0
                            ? absl::StrCat(a.previous_rank())
                            : ""},
      {"rule_name", RuleName(a)},
      {"consequence", a.consequence()},
      {"lead", a.lead()},
      {"opens_case", case_rule && !a.withdrawn() ? "1" : ""},
      {"withdrawn", a.withdrawn() ? "1" : ""},
      {"opened_case", case_rule && a.withdrawn() ? "1" : ""},
  });
  std::vector<TemplateValues>& units = e.data.lists["units"];
  for (const auto& u : a.units()) units.push_back({{"unit", u.unit()}, {"head", u.head()}});

  // A county alert is the county's to answer (rectification opens its case for the county); the
  // indicator's city units follow it. A city alert is each unit's.
  std::vector<Addressee> addressees;
  if (county) addressees.push_back(CountyAddressee(f.region_code(), a.region_name()));
  for (const auto& u : a.units()) addressees.push_back(UnitAddressee(u.unit(), u.head(), county));
  return Split(e, absl::StrCat("ranking_alert:", a.id()), addressees);
}

// --- ys.rectification.v1 -----------------------------------------------------------------------

std::string OriginName(cpb::Origin origin) {
  switch (origin) {
    case cpb::ORIGIN_RANKING_ALERT:
      return "排名预警";
    case cpb::ORIGIN_BULLETIN:
      return "通报督办事项";
    case cpb::ORIGIN_INSPECTION:
      return "督查发现问题";
    case cpb::ORIGIN_NEGATIVE_CASE:
      return "负面典型";
    case cpb::ORIGIN_SPECIAL_CAMPAIGN:
      return "专项整治";
    case cpb::ORIGIN_MANUAL:
      return "市营商办交办";
    default:
      return "整改事项";
  }
}

std::vector<TemplateValues> Followers(const cpb::Case& c) {
  std::vector<TemplateValues> out;
  for (const auto& f : c.followers()) out.push_back({{"unit", f.unit()}, {"head", f.head()}});
  return out;
}

// The event type a case change is told as; empty for a change told to nobody.
std::string CaseEventType(cpb::CaseEvent::Kind kind) {
  switch (kind) {
    case cpb::CaseEvent::KIND_OPENED:
      return "case_opened";
    case cpb::CaseEvent::KIND_ESCALATED:
      return "case_overdue";
    case cpb::CaseEvent::KIND_REPORTED:
      return "case_reported";
    case cpb::CaseEvent::KIND_VERIFIED:
    case cpb::CaseEvent::KIND_REJECTED:
      return "case_verified";
    case cpb::CaseEvent::KIND_CLOSED:
      return "case_closed";
    case cpb::CaseEvent::KIND_REFERRED:
      return "case_referred";
    default:
      return "";
  }
}

// The snapshot's last final report, else its last report; nullptr when it has none.
const cpb::ProgressReport* LastReport(const cpb::Case& c) {
  for (int i = c.reports_size() - 1; i >= 0; --i) {
    if (c.reports(i).final()) return &c.reports(i);
  }
  return c.reports().empty() ? nullptr : &c.reports(c.reports_size() - 1);
}

absl::StatusOr<std::vector<NotifyEvent>> FromCaseEvent(const CloudEvent& event, const EventOptions& options) {
  ASSIGN_OR_RETURN(const cpb::CaseEvent ce, Decode<cpb::CaseEvent>(event));
  if (ce.kind() == cpb::CaseEvent::KIND_UNSPECIFIED || !cpb::CaseEvent::Kind_IsValid(ce.kind())) {
    return BadPayload(absl::StrCat("field 'kind': ", static_cast<int>(ce.kind()), " is not a case event kind"));
  }
  const cpb::Case& c = ce.snapshot();
  if (c.id().empty()) return BadPayload("field 'snapshot.id': is required");
  if (c.unit().empty()) return BadPayload("field 'snapshot.unit': is required");
  const std::string event_type = CaseEventType(ce.kind());
  if (event_type.empty()) return std::vector<NotifyEvent>{};

  const Severity severity = event_type == "case_overdue" || event_type == "case_referred" ? Severity::kWarning
                                                                                          : Severity::kInfo;
  NotifyEvent e = Base(event, event_type, severity, ce.message());
  Put(e.labels, "case_id", c.id());
  Put(e.labels, "origin", ShortName(cpb::Origin_Name(c.origin()), "ORIGIN_"));
  Put(e.labels, "indicator", c.indicator_code());
  Put(e.labels, "period", c.period());
  Put(e.labels, "rule", ShortName(c.rule(), "ALERT_RULE_"));
  Put(e.labels, "region", c.region_code());
  Put(e.labels, "lead", c.lead());
  Put(e.labels, "due_date", c.due_date());

  TemplateValues& v = e.data.values;
  v.insert({{"case_id", c.id()}, {"unit", c.unit()}, {"title", c.title()}});
  if (event_type == "case_opened") {
    const auto name = options.indicator_names.find(c.indicator_code());
    v.insert({{"head", c.head()},
              {"origin_name", OriginName(c.origin())},
              {"due_date", c.due_date()},
              {"indicator_name", name != options.indicator_names.end() ? name->second : c.indicator_code()},
              {"period", c.period()},
              {"lead", c.lead()}});
    e.data.lists["followers"] = Followers(c);
  } else if (event_type == "case_overdue") {
    Put(e.labels, "escalation_step", c.escalation_step().empty() ? "督办" : c.escalation_step());
    v.insert({{"head", c.head()},
              {"due_date", c.due_date()},
              {"as_of_date", DayOf(event.time)},
              {"lead", c.lead()}});
    e.data.lists["followers"] = Followers(c);
  } else if (event_type == "case_reported") {
    const cpb::ProgressReport* report = LastReport(c);
    v.insert({{"reported_date", DayOf(c.reported_at(), event.time)},
              {"report_excerpt", report == nullptr ? "" : TruncateUtf8(report->text(), options.report_excerpt_bytes, "…")}});
  } else if (event_type == "case_verified") {
    const bool passed = ce.kind() == cpb::CaseEvent::KIND_VERIFIED;
    const std::string comment = c.verifications().empty() ? "" : c.verifications(c.verifications_size() - 1).comment();
    v.insert({{"verdict", passed ? "通过" : "未通过"}, {"passed", passed ? "1" : ""}, {"comment", comment}});
  } else if (event_type == "case_closed") {
    const std::string resolution = c.resolution() == "withdrawn" ? "所依据的排名预警已撤回，市营商办决定关闭。"
                                   : c.resolution().empty()      ? "整改到位，核验通过。"
                                                                 : c.resolution();
    v.insert({{"closed_date", DayOf(c.closed_at(), event.time)}, {"resolution", resolution}});
  } else if (event_type == "case_referred") {
    v.insert({{"referred_date", DayOf(c.referral().at(), event.time)}, {"reason", c.referral().reason()}});
  }

  // Whom to tell: the event's addressees (the unit and its 带班领导, then a county case's followers);
  // an event from before addressees were sent names the case's unit and followers the same way.
  std::vector<cpb::Addressee> named(ce.addressees().begin(), ce.addressees().end());
  if (named.empty()) {
    cpb::Addressee& unit = named.emplace_back();
    unit.set_unit(c.unit());
    unit.set_head(c.head());
    for (const auto& f : c.followers()) {
      cpb::Addressee& a = named.emplace_back();
      a.set_unit(f.unit());
      a.set_head(f.head());
      a.set_follower(true);
    }
  }
  std::vector<Addressee> addressees;
  for (const cpb::Addressee& a : named) {
    // A county case's own addressee is the county (the case's unit is its name).
    if (!a.follower() && !c.region_code().empty() && a.unit() == c.unit()) {
      addressees.push_back(CountyAddressee(c.region_code(), c.unit()));
    } else {
      addressees.push_back(UnitAddressee(a.unit(), a.head(), a.follower()));
    }
  }
  return Split(e, event.id, addressees);
}

// --- ys.duty.v1 --------------------------------------------------------------------------------

std::string SessionTitle(dpb::Session session) {
  switch (session) {
    case dpb::SESSION_MORNING:
      return "上午";
    case dpb::SESSION_AFTERNOON:
      return "下午";
    case dpb::SESSION_WHOLE_DAY:
      return "全天";
    default:
      return "";
  }
}

std::string DutyRuleTitle(const dpb::ComplianceLine& line) {
  switch (line.rule()) {
    case dpb::DUTY_RULE_MAIN_MONTHLY:
      return "主要领导每月坐班不少于1次、每次不少于半天";
    case dpb::DUTY_RULE_DEPUTY_WEEKLY:
      return "分管领导每周坐班不少于一天";
    case dpb::DUTY_RULE_CHIEF_POSTED:
      return "行政审批科长进驻窗口上班";
    default:
      return line.plan_words();
  }
}

void PutLeader(NotifyEvent& e, const std::string& unit, const std::string& leader, const std::string& leader_id) {
  Put(e.labels, "unit", unit);
  Put(e.labels, "leader", leader);
  Put(e.labels, "leader_id", leader_id);
}

absl::StatusOr<std::vector<NotifyEvent>> FromDutyEvent(const CloudEvent& event) {
  ASSIGN_OR_RETURN(const dpb::DutyEvent de, Decode<dpb::DutyEvent>(event));
  switch (de.kind_case()) {
    case dpb::DutyEvent::kRosterPublished: {
      const dpb::Roster& r = de.roster_published().roster();
      if (r.week().empty()) return BadPayload("field 'roster_published.roster.week': is required");
      NotifyEvent e = Base(event, "duty_roster_published", Severity::kInfo, de.message());
      Put(e.labels, "week", r.week());
      Put(e.labels, "week_start", r.week_start());
      Put(e.labels, "publications", absl::StrJoin(r.channels(), ","));
      const absl::StatusOr<absl::CivilDay> monday = ParseIsoDate(r.week_start());
      e.data.values.insert({{"week_start", r.week_start()},
                            {"week_end", monday.ok() ? FormatIsoDate(*monday + 6) : ""}});
      std::vector<TemplateValues>& entries = e.data.lists["entries"];
      for (const dpb::RosterEntry& x : r.entries()) {
        entries.push_back({{"date", DayWithWeekday(x.date())},
                           {"session", SessionTitle(x.session())},
                           {"unit", x.unit()},
                           {"window_name", x.window_name()},
                           {"leader_name", x.leader_name()},
                           {"title", x.title()}});
      }
      return Split(e, event.id, {});
    }
    case dpb::DutyEvent::kReminder: {
      const dpb::Registration& r = de.reminder().registration();
      if (r.id().empty()) return BadPayload("field 'reminder.registration.id': is required");
      if (r.unit().empty()) return BadPayload("field 'reminder.registration.unit': is required");
      NotifyEvent e = Base(event, "duty_reminder", Severity::kInfo, de.message());
      PutLeader(e, r.unit(), r.leader_name(), r.leader_id());
      Put(e.labels, "date", r.date());
      Put(e.labels, "session", ShortName(dpb::Session_Name(r.session()), "SESSION_"));
      Put(e.labels, "days_before", absl::StrCat(de.reminder().days_before()));
      Put(e.labels, "registration_id", r.id());
      e.data.values.insert({{"leader_name", r.leader_name()},
                            {"title", r.title()},
                            {"unit", r.unit()},
                            {"date", DayWithWeekday(r.date())},
                            {"session", SessionTitle(r.session())},
                            {"window_name", r.window_name()},
                            {"days_before", absl::StrCat(de.reminder().days_before())}});
      return Split(e, event.id, {});
    }
    case dpb::DutyEvent::kComplianceReport: {
      const dpb::ComplianceReport& r = de.compliance_report().report();
      if (r.month().empty()) return BadPayload("field 'compliance_report.report.month': is required");
      NotifyEvent e = Base(event, "duty_compliance_report", Severity::kInfo, de.message());
      Put(e.labels, "month", r.month());
      Put(e.labels, "recipients", absl::StrJoin(de.compliance_report().recipients(), ","));
      e.data.values.insert({{"addressees", absl::StrJoin(de.compliance_report().recipients(), "、")},
                            {"month", MonthTitle(r.month())},
                            {"as_of_date", DayOf(r.as_of(), event.time)},
                            {"kept", absl::StrCat(r.kept())},
                            {"broken", absl::StrCat(r.broken())},
                            {"exempt", absl::StrCat(r.exempt())},
                            {"not_over", absl::StrCat(r.not_over())},
                            {"hours_policy", r.hours_policy()}});
      std::vector<TemplateValues>& broken = e.data.lists["broken_lines"];
      for (const dpb::ComplianceLine& line : r.lines()) {
        if (line.verdict() != dpb::VERDICT_BROKEN) continue;
        broken.push_back({{"unit", line.unit()},
                          {"leader_name", line.leader_name()},
                          {"title", line.title()},
                          {"rule", DutyRuleTitle(line)},
                          {"period", line.period()},
                          {"reason", line.reason()}});
      }
      std::vector<Addressee> addressees;
      for (const std::string& to : de.compliance_report().recipients()) {
        Addressee& a = addressees.emplace_back();
        a.labels["recipient"] = to;
        a.key = absl::StrCat("recipient:", to);
      }
      return Split(e, event.id, addressees);
    }
    case dpb::DutyEvent::kViolation: {
      const dpb::ComplianceLine& line = de.violation().line();
      if (line.unit().empty()) return BadPayload("field 'violation.line.unit': is required");
      NotifyEvent e = Base(event, "duty_violation", Severity::kWarning, de.message());
      PutLeader(e, line.unit(), line.leader_name(), line.leader_id());
      Put(e.labels, "rule", ShortName(dpb::DutyRule_Name(line.rule()), "DUTY_RULE_"));
      Put(e.labels, "period", line.period());
      e.data.values.insert({{"unit", line.unit()},
                            {"leader_name", line.leader_name()},
                            {"title", line.title()},
                            {"rule", DutyRuleTitle(line)},
                            {"period", line.period()},
                            {"reason", line.reason()},
                            {"plan_words", line.plan_words()}});
      return Split(e, event.id, {});
    }
    case dpb::DutyEvent::kRecordOverdue: {
      const dpb::Registration& r = de.record_overdue().registration();
      if (r.id().empty()) return BadPayload("field 'record_overdue.registration.id': is required");
      if (r.unit().empty()) return BadPayload("field 'record_overdue.registration.unit': is required");
      NotifyEvent e = Base(event, "duty_record_overdue", Severity::kInfo, de.message());
      PutLeader(e, r.unit(), r.leader_name(), r.leader_id());
      Put(e.labels, "date", r.date());
      Put(e.labels, "registration_id", r.id());
      e.data.values.insert({{"unit", r.unit()},
                            {"leader_name", r.leader_name()},
                            {"title", r.title()},
                            {"date", DayWithWeekday(r.date())},
                            {"session", SessionTitle(r.session())},
                            {"window_name", r.window_name()},
                            {"record_due_date", r.record_due_date()}});
      return Split(e, event.id, {});
    }
    case dpb::DutyEvent::kReplacementOverdue: {
      const dpb::Dismissal& d = de.replacement_overdue().dismissal();
      if (d.id().empty()) return BadPayload("field 'replacement_overdue.dismissal.id': is required");
      if (d.unit().empty()) return BadPayload("field 'replacement_overdue.dismissal.unit': is required");
      NotifyEvent e = Base(event, "duty_replacement_overdue", Severity::kWarning, de.message());
      Put(e.labels, "unit", d.unit());
      Put(e.labels, "dismissal_id", d.id());
      Put(e.labels, "staff_id", d.staff_id());
      e.data.values.insert({{"unit", d.unit()},
                            {"name", d.name()},
                            {"dismissal_id", d.id()},
                            {"replacement_due_date", d.replacement_due_date()}});
      return Split(e, event.id, {});
    }
    case dpb::DutyEvent::KIND_NOT_SET:
      break;
  }
  return BadPayload("field 'kind': no kind is set");
}

}  // namespace

absl::StatusOr<std::vector<NotifyEvent>> NotifyEventsFrom(std::string_view topic, const CloudEvent& event,
                                                          const EventOptions& options) {
  const ConsumedTopic* expected = nullptr;
  for (const ConsumedTopic& t : kConsumedTopics) {
    if (topic == t.topic) expected = &t;
  }
  if (expected == nullptr) {
    return Refuse("unknown_topic", absl::StrCat("topic ", input::QuoteInput(Absl(topic)), " is not one notify reads"));
  }
  if (event.source != expected->source) {
    return Refuse("wrong_source", absl::StrCat("ce_source ", input::QuoteInput(event.source), " is not ",
                                               expected->source, ", the producer of ", expected->topic));
  }
  if (event.type != expected->type) {
    return Refuse("wrong_type", absl::StrCat("ce_type ", input::QuoteInput(event.type), " is not ", expected->type,
                                             ", what ", expected->topic, " carries"));
  }
  if (topic == kRankingAlertsTopic) return FromRankingAlert(event, options);
  if (topic == kRectificationTopic) return FromCaseEvent(event, options);
  return FromDutyEvent(event);
}

}  // namespace ys::notify
