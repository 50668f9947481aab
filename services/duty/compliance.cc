#include "services/duty/compliance.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/input/text_rules.h"
#include "common/status/macros.h"
#include "common/time/period.h"

namespace ys::duty {
namespace {

// This absl's string_view is its own type, not std::string_view.
absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

absl::StatusOr<Period> ParseMonth(std::string_view text) {
  auto period = Period::Parse(Absl(text));
  if (!period.ok() || period->kind() != Period::Kind::kMonth) {
    return absl::InvalidArgumentError(
        absl::StrFormat("month %s is not a month (YYYY-MM, e.g. 2022-10)", input::QuoteInput(Absl(text))));
  }
  return *period;
}

// "10月8日", as the centre writes dates in its notices.
std::string ChineseDay(absl::CivilDay day) { return absl::StrFormat("%d月%d日", day.month(), day.day()); }
std::string ChineseMonth(const Period& month) { return absl::StrFormat("%d月", month.index()); }

// A record as the rules read it: its date parsed once.
struct DatedRecord {
  absl::CivilDay date;
  const pb::DutyRecord* record = nullptr;
};

bool Sits(pb::Coverage c) { return c == pb::COVERAGE_HALF_DAY || c == pb::COVERAGE_WHOLE_DAY; }

std::string CoverageName(pb::Coverage c) {
  switch (c) {
    case pb::COVERAGE_WHOLE_DAY: return "全天";
    case pb::COVERAGE_HALF_DAY: return "半天";
    default: return "不足半天";
  }
}

std::string IdList(const std::vector<const pb::DutyRecord*>& records) {
  return absl::StrJoin(records, "、", [](std::string* out, const pb::DutyRecord* r) { out->append(r->id()); });
}

void SetRecordIds(const std::vector<const pb::DutyRecord*>& records, pb::ComplianceLine* line) {
  for (const pb::DutyRecord* r : records) line->add_record_ids(r->id());
}

pb::ComplianceLine NewLine(const pb::ResidentUnit& unit, const pb::Leader& leader, pb::DutyRule rule,
                           std::string period, const char* plan_words) {
  pb::ComplianceLine line;
  line.set_unit(unit.name());
  line.set_leader_id(leader.id());
  line.set_leader_name(leader.name());
  line.set_title(leader.title());
  line.set_rule(rule);
  line.set_period(std::move(period));
  line.set_plan_words(plan_words);
  return line;
}

// 细则 二1: the month, from the leader's records dated in it.
pb::ComplianceLine MainMonthly(const pb::ResidentUnit& unit, const pb::Leader& leader, const Period& month,
                               const std::vector<DatedRecord>& records, const pb::Exemption* exemption,
                               absl::CivilDay today) {
  pb::ComplianceLine line =
      NewLine(unit, leader, pb::DUTY_RULE_MAIN_MONTHLY, month.ToString(), kPlanMainMonthly);
  std::vector<const pb::DutyRecord*> sittings, short_ones;
  const pb::DutyRecord* longest = nullptr;
  for (const DatedRecord& r : records) {
    if (r.date < month.FirstDay() || r.date > month.LastDay()) continue;
    if (!Sits(r.record->coverage())) {
      short_ones.push_back(r.record);
      continue;
    }
    sittings.push_back(r.record);
    if (longest == nullptr || r.record->coverage() > longest->coverage()) longest = r.record;
  }
  const std::string m = ChineseMonth(month);
  if (!sittings.empty()) {
    line.set_verdict(pb::VERDICT_KEPT);
    line.set_reason(absl::StrFormat("%s有%d次坐班，最长%s (%s)", m, sittings.size(),
                                    CoverageName(longest->coverage()), longest->id()));
    SetRecordIds(sittings, &line);
    return line;
  }
  // Nothing that counts: say what there is, so a short sitting is not read as none.
  const std::string seen = short_ones.empty() ? m + "无坐班记录"
                                              : absl::StrFormat("%s有%d次坐班，均不足半天 (%s)", m,
                                                                short_ones.size(), IdList(short_ones));
  SetRecordIds(short_ones, &line);
  if (exemption != nullptr) {
    // "原则上": the centre's exemption shows as such, never as kept.
    line.set_verdict(pb::VERDICT_EXEMPT);
    line.set_exemption_reason(exemption->reason());
    line.set_reason("经中心同意免于本月坐班：" + exemption->reason());
  } else if (today < month.FirstDay()) {
    line.set_verdict(pb::VERDICT_NOT_OVER);
    line.set_reason(m + "尚未开始");
  } else if (today <= month.LastDay()) {
    line.set_verdict(pb::VERDICT_NOT_OVER);
    line.set_reason(absl::StrFormat("%s尚未结束，%s", m, seen));
  } else {
    line.set_verdict(pb::VERDICT_BROKEN);
    line.set_reason(seen);
  }
  return line;
}

// A week as a deputy's line shows it.
struct JudgedWeek {
  absl::CivilDay monday;
  std::string name;   // 2022-W40
  std::string label;  // 第40周 (10月8日—10月9日): its working days
};

absl::StatusOr<JudgedWeek> DescribeWeek(absl::CivilDay monday, const WorkingDayCalendar& calendar) {
  std::optional<absl::CivilDay> first, last;
  bool open_end = false;
  for (absl::CivilDay d = monday; d < monday + 7; ++d) {
    auto working = calendar.IsWorkingDay(d);
    // The week's first working day is known (ComplianceWeeks found it); days in a next year not yet
    // published only leave the label's end open: they change no verdict.
    if (!working.ok() && first && absl::IsFailedPrecondition(working.status())) {
      open_end = true;
      break;
    }
    if (!working.ok()) return working.status();
    if (!*working) continue;
    if (!first) first = d;
    last = d;
  }
  JudgedWeek week;
  week.monday = monday;
  week.name = IsoWeekName(monday);
  // "2022-W40" -> 40, as the centre says it: 第40周.
  const std::string_view name = week.name;
  const size_t w = name.rfind('W');
  int number = 0;
  if (w == std::string_view::npos || !absl::SimpleAtoi(Absl(name.substr(w + 1)), &number)) {
    return absl::InternalError(absl::StrFormat("IsoWeekName gave %s, not YYYY-Www", week.name));
  }
  // ComplianceWeeks only returns weeks with a working day; the guard keeps a bad caller readable.
  week.label = first ? absl::StrFormat("第%d周 (%s—%s%s)", number, ChineseDay(*first), ChineseDay(*last),
                                       open_end ? "…" : "")
                     : absl::StrFormat("第%d周", number);
  return week;
}

// 细则 二2: one whole day in the ISO week (Monday..Sunday, whatever month the day falls in).
pb::ComplianceLine DeputyWeekly(const pb::ResidentUnit& unit, const pb::Leader& leader, const JudgedWeek& week,
                                const std::vector<DatedRecord>& records, absl::CivilDay today) {
  pb::ComplianceLine line = NewLine(unit, leader, pb::DUTY_RULE_DEPUTY_WEEKLY, week.name, kPlanDeputyWeekly);
  const absl::CivilDay sunday = week.monday + 6;
  std::vector<const pb::DutyRecord*> whole, partial;
  for (const DatedRecord& r : records) {
    if (r.date < week.monday || r.date > sunday) continue;
    (r.record->coverage() == pb::COVERAGE_WHOLE_DAY ? whole : partial).push_back(r.record);
  }
  if (!whole.empty()) {
    line.set_verdict(pb::VERDICT_KEPT);
    line.set_reason(absl::StrFormat("%s 全天坐班%d次 (%s)", week.label, whole.size(), IdList(whole)));
    SetRecordIds(whole, &line);
    return line;
  }
  std::string seen = week.label + " 无全天坐班记录";
  if (!partial.empty()) {
    // Two half days are not "一天": the plan counts days, and 表2 records one sitting each.
    absl::StrAppendFormat(&seen, "，有%d次不足全天 (%s)", partial.size(), IdList(partial));
  }
  SetRecordIds(partial, &line);
  if (today <= sunday) {
    line.set_verdict(pb::VERDICT_NOT_OVER);
    line.set_reason("本周尚未结束：" + seen);
  } else {
    line.set_verdict(pb::VERDICT_BROKEN);
    line.set_reason(seen);
  }
  return line;
}

// 细则 二3: a standing posting, read from the staff list; the plan states no daily count.
pb::ComplianceLine ChiefPosted(const pb::ResidentUnit& unit, const pb::Leader& leader, const Period& month,
                               const std::vector<pb::StaffMember>& staff) {
  pb::ComplianceLine line = NewLine(unit, leader, pb::DUTY_RULE_CHIEF_POSTED, month.ToString(), kPlanChiefPosted);
  const pb::StaffMember* named = nullptr;
  for (const pb::StaffMember& m : staff) {
    if (!m.active() || m.unit() != unit.name() || m.name() != leader.name()) continue;
    // Prefer the entry that keeps the rule when a name is on file twice.
    if (named == nullptr || (m.section_head() && !m.window().empty())) named = &m;
    if (m.section_head() && !m.window().empty()) break;
  }
  if (named == nullptr) {
    line.set_verdict(pb::VERDICT_BROKEN);
    line.set_reason(absl::StrFormat("窗口人员名单中无本单位在岗人员%s", leader.name()));
  } else if (!named->section_head()) {
    line.set_verdict(pb::VERDICT_BROKEN);
    line.set_reason(
        absl::StrFormat("窗口人员名单中的%s (%s) 未登记为行政审批科室负责人", leader.name(),
                        named->id()));
  } else if (named->window().empty()) {
    line.set_verdict(pb::VERDICT_BROKEN);
    line.set_reason(absl::StrFormat("窗口人员名单中的%s (%s) 未登记窗口", leader.name(), named->id()));
  } else {
    line.set_verdict(pb::VERDICT_KEPT);
    line.set_reason(
        absl::StrFormat("%s (%s) 作为行政审批科室负责人进驻窗口 %s", leader.name(), named->id(),
                        named->window()));
  }
  return line;
}

}  // namespace

absl::StatusOr<std::vector<absl::CivilDay>> ComplianceWeeks(absl::CivilYear year, int month,
                                                            const WorkingDayCalendar& calendar) {
  if (month < 1 || month > 12) {
    return absl::InvalidArgumentError(absl::StrFormat("month %d is not in 1..12", month));
  }
  const absl::CivilMonth this_month(year.year(), month);
  const absl::CivilDay first(this_month);
  const absl::CivilDay last = absl::CivilDay(this_month + 1) - 1;
  std::vector<absl::CivilDay> weeks;
  for (absl::CivilDay monday = MondayOf(first); monday <= last; monday += 7) {
    auto first_working = calendar.FirstWorkingDayOfWeek(monday);
    if (absl::IsNotFound(first_working.status())) continue;  // a week with no working day: nothing owed
    if (!first_working.ok()) return first_working.status();
    if (absl::CivilMonth(*first_working) == this_month) weeks.push_back(monday);
  }
  return weeks;
}

absl::StatusOr<pb::ComplianceReport> ComputeCompliance(const ComplianceInput& input,
                                                       const WorkingDayCalendar& calendar,
                                                       const DutyHours& hours) {
  if (input.directory == nullptr) return absl::InvalidArgumentError("directory is required");
  ASSIGN_OR_RETURN(const Period month, ParseMonth(input.month));

  std::vector<const pb::ResidentUnit*> units;
  for (const pb::ResidentUnit& u : input.directory->units()) {
    if (input.unit.empty() || u.name() == input.unit) units.push_back(&u);
  }
  if (!input.unit.empty() && units.empty()) {
    return absl::NotFoundError(
        absl::StrFormat("unit %s is not a resident unit in the directory", ::ys::input::QuoteInput(input.unit)));
  }
  std::sort(units.begin(), units.end(),
            [](const pb::ResidentUnit* a, const pb::ResidentUnit* b) { return a->name() < b->name(); });

  // The records of the leaders judged, by leader, in date order (then id, for a stable reason).
  std::unordered_map<std::string_view, std::vector<DatedRecord>> by_leader;
  for (const pb::ResidentUnit* u : units) {
    for (const pb::Leader& l : u->leaders()) by_leader.try_emplace(l.id());
  }
  if (input.records != nullptr) {
    for (const pb::DutyRecord& r : *input.records) {
      auto it = by_leader.find(r.leader_id());
      if (it == by_leader.end()) continue;
      auto date = ParseIsoDate(r.date());
      if (!date.ok()) {
        return absl::InvalidArgumentError(absl::StrFormat("record %s: %s", r.id(), date.status().message()));
      }
      it->second.push_back({*date, &r});
    }
  }
  for (auto& [id, records] : by_leader) {
    std::sort(records.begin(), records.end(), [](const DatedRecord& a, const DatedRecord& b) {
      return std::tie(a.date, a.record->id()) < std::tie(b.date, b.record->id());
    });
  }
  std::map<std::string_view, const pb::Exemption*> exemptions;
  if (input.exemptions != nullptr) {
    for (const pb::Exemption& e : *input.exemptions) {
      if (e.month() == input.month) exemptions[e.leader_id()] = &e;
    }
  }
  static const std::vector<pb::StaffMember> kNoStaff;
  const std::vector<pb::StaffMember>& staff = input.staff != nullptr ? *input.staff : kNoStaff;

  // The weeks are read from the calendar only when a deputy is judged: a month of a year whose
  // holidays are not published still has its main leaders' and chiefs' lines for other filters.
  std::optional<std::vector<JudgedWeek>> weeks;
  auto judged_weeks = [&]() -> absl::StatusOr<const std::vector<JudgedWeek>*> {
    if (!weeks) {
      ASSIGN_OR_RETURN(const std::vector<absl::CivilDay> mondays,
                       ComplianceWeeks(absl::CivilYear(month.year()), month.index(), calendar));
      std::vector<JudgedWeek> described;
      for (absl::CivilDay monday : mondays) {
        ASSIGN_OR_RETURN(JudgedWeek w, DescribeWeek(monday, calendar));
        described.push_back(std::move(w));
      }
      weeks = std::move(described);
    }
    return &*weeks;
  };

  pb::ComplianceReport report;
  report.set_month(input.month);
  report.set_unit(input.unit);
  report.set_hours_policy(hours.Describe());
  for (const pb::ResidentUnit* unit : units) {
    std::vector<const pb::Leader*> leaders;
    for (const pb::Leader& l : unit->leaders()) leaders.push_back(&l);
    std::sort(leaders.begin(), leaders.end(),
              [](const pb::Leader* a, const pb::Leader* b) { return a->id() < b->id(); });
    // Rules in their enum order, leaders by id, periods in date order.
    for (const pb::Leader* l : leaders) {
      if (l->role() != pb::LEADER_ROLE_MAIN) continue;
      auto e = exemptions.find(l->id());
      *report.add_lines() = MainMonthly(*unit, *l, month, by_leader[l->id()],
                                        e == exemptions.end() ? nullptr : e->second, input.today);
    }
    // 细则 二2 binds the 表3 units only ("高频事项的部门分管领导").
    if (unit->high_frequency()) {
      for (const pb::Leader* l : leaders) {
        if (l->role() != pb::LEADER_ROLE_DEPUTY) continue;
        ASSIGN_OR_RETURN(const std::vector<JudgedWeek>* ws, judged_weeks());
        for (const JudgedWeek& w : *ws) {
          *report.add_lines() = DeputyWeekly(*unit, *l, w, by_leader[l->id()], input.today);
        }
      }
    }
    for (const pb::Leader* l : leaders) {
      if (l->role() != pb::LEADER_ROLE_APPROVAL_CHIEF) continue;
      *report.add_lines() = ChiefPosted(*unit, *l, month, staff);
    }
  }
  for (const pb::ComplianceLine& line : report.lines()) {
    switch (line.verdict()) {
      case pb::VERDICT_KEPT: report.set_kept(report.kept() + 1); break;
      case pb::VERDICT_BROKEN: report.set_broken(report.broken() + 1); break;
      case pb::VERDICT_EXEMPT: report.set_exempt(report.exempt() + 1); break;
      case pb::VERDICT_NOT_OVER: report.set_not_over(report.not_over() + 1); break;
      default: break;
    }
  }
  return report;
}

absl::Status CheckExemption(const pb::Leader& leader, std::string_view month, std::string_view reason) {
  if (leader.role() != pb::LEADER_ROLE_MAIN) {
    const char* own_rule = leader.role() == pb::LEADER_ROLE_DEPUTY           ? kPlanDeputyWeekly
                           : leader.role() == pb::LEADER_ROLE_APPROVAL_CHIEF ? kPlanChiefPosted
                                                                             : "";
    return absl::FailedPreconditionError(absl::StrFormat(
        "leader %s: only a 主要领导 can be exempted: 细则 二1 \"原则上\" applies to 主要领导 only; "
        "this leader's rule has no \"原则上\": \"%s\"",
        leader.id(), own_rule));
  }
  RETURN_IF_ERROR(ParseMonth(month).status());
  if (absl::StripAsciiWhitespace(Absl(reason)).empty()) {
    return absl::InvalidArgumentError("reason is required: the centre's exemption says why (\"原则上\")");
  }
  return absl::OkStatus();
}

}  // namespace ys::duty
