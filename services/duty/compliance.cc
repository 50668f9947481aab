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

// What every rule needs to decide whether a period may be judged yet.
struct Judging {
  absl::CivilDay today;
  int grace_working_days = 0;
  const WorkingDayCalendar* calendar = nullptr;
};

// The first year, from `day`'s on, whose holiday arrangement is not loaded: where AddWorkingDays stopped.
int UnpublishedYearFrom(absl::CivilDay day, const WorkingDayCalendar& calendar) {
  int year = static_cast<int>(day.year());
  for (int i = 0; i < 10 && calendar.IsPublished(year); ++i) ++year;
  return year;
}

// A line not kept whose period ended on `last` (today > last): BROKEN once `today` is later than the
// grace working days after `last` (a 表2 may still arrive), NOT_OVER until then. `period` names it in
// the reason ("10月", "该周"); `seen` says what the records show.
absl::Status JudgeAfterPeriod(absl::CivilDay last, std::string_view period, const std::string& seen,
                              const Judging& j, pb::ComplianceLine* line) {
  absl::CivilDay judged_after = last;
  if (j.grace_working_days > 0) {
    auto due = j.calendar->AddWorkingDays(last, j.grace_working_days);
    if (absl::IsFailedPrecondition(due.status())) {
      // The grace cannot be counted: judging now would cut a 表2 still due, so the period waits.
      line->set_verdict(pb::VERDICT_NOT_OVER);
      line->set_reason(absl::StrFormat("%s已结束，%d年节假日安排尚未载入，补报期（%d个工作日）无法计算：%s", period,
                                       UnpublishedYearFrom(last + 1, *j.calendar), j.grace_working_days, seen));
      return absl::OkStatus();
    }
    if (!due.ok()) return due.status();
    judged_after = *due;
  }
  if (j.today <= judged_after) {
    line->set_verdict(pb::VERDICT_NOT_OVER);
    line->set_reason(absl::StrFormat("%s已结束，补报期截至%s（含）：%s", period, ChineseDay(judged_after), seen));
  } else {
    line->set_verdict(pb::VERDICT_BROKEN);
    line->set_reason(seen);
  }
  return absl::OkStatus();
}

// A month rule not (yet) kept: not started, running, or over (JudgeAfterPeriod).
absl::Status JudgeMonth(const Period& month, const std::string& seen, const Judging& j, pb::ComplianceLine* line) {
  const std::string m = ChineseMonth(month);
  if (j.today < month.FirstDay()) {
    line->set_verdict(pb::VERDICT_NOT_OVER);
    line->set_reason(m + "尚未开始");
  } else if (j.today <= month.LastDay()) {
    line->set_verdict(pb::VERDICT_NOT_OVER);
    line->set_reason(absl::StrFormat("%s尚未结束，%s", m, seen));
  } else {
    RETURN_IF_ERROR(JudgeAfterPeriod(month.LastDay(), m, seen, j, line));
  }
  return absl::OkStatus();
}

// 细则 二1: the month, from the leader's records dated in it.
absl::StatusOr<pb::ComplianceLine> MainMonthly(const pb::ResidentUnit& unit, const pb::Leader& leader,
                                               const Period& month, const std::vector<DatedRecord>& records,
                                               const pb::Exemption* exemption, const Judging& j) {
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
  } else {
    RETURN_IF_ERROR(JudgeMonth(month, seen, j, &line));
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
absl::StatusOr<pb::ComplianceLine> DeputyWeekly(const pb::ResidentUnit& unit, const pb::Leader& leader,
                                                const JudgedWeek& week, const std::vector<DatedRecord>& records,
                                                const Judging& j) {
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
  if (j.today <= sunday) {
    line.set_verdict(pb::VERDICT_NOT_OVER);
    line.set_reason("本周尚未结束：" + seen);
  } else {
    RETURN_IF_ERROR(JudgeAfterPeriod(sunday, "该周", seen, j, &line));
  }
  return line;
}

// Whether a staff member was at the window on some day of [first, last]: posted on or before `last`
// and not left before `first`. Dates are checked when written; one that does not parse counts as not there.
bool AtWindowDuring(const pb::StaffMember& m, absl::CivilDay first, absl::CivilDay last) {
  auto posted = ParseIsoDate(m.posted_date());
  if (!posted.ok() || *posted > last) return false;
  if (m.left_date().empty()) return true;
  auto left = ParseIsoDate(m.left_date());
  return left.ok() && *left >= first;
}

// 细则 二3: a standing posting, read from the staff list (everyone on file, those who left included);
// the plan states no daily count.
absl::StatusOr<pb::ComplianceLine> ChiefPosted(const pb::ResidentUnit& unit, const pb::Leader& leader,
                                               const Period& month, const std::vector<pb::StaffMember>& staff,
                                               const Judging& j) {
  pb::ComplianceLine line = NewLine(unit, leader, pb::DUTY_RULE_CHIEF_POSTED, month.ToString(), kPlanChiefPosted);
  const pb::StaffMember* named = nullptr;
  auto keeps = [](const pb::StaffMember& m) { return m.section_head() && !m.window().empty(); };
  for (const pb::StaffMember& m : staff) {
    if (m.unit() != unit.name() || m.name() != leader.name()) continue;
    if (!AtWindowDuring(m, month.FirstDay(), month.LastDay())) continue;
    // Prefer the entry that keeps the rule when a name is on file twice.
    if (named == nullptr || keeps(m)) named = &m;
    if (keeps(m)) break;
  }
  if (named != nullptr && keeps(*named)) {
    line.set_verdict(pb::VERDICT_KEPT);
    line.set_reason(
        absl::StrFormat("%s (%s) 作为行政审批科室负责人进驻窗口 %s", leader.name(), named->id(),
                        named->window()));
    return line;
  }
  std::string seen;
  if (named == nullptr) {
    seen = absl::StrFormat("窗口人员名单中无本单位在岗人员%s", leader.name());
  } else if (!named->section_head()) {
    seen = absl::StrFormat("窗口人员名单中的%s (%s) 未登记为行政审批科室负责人", leader.name(), named->id());
  } else {
    seen = absl::StrFormat("窗口人员名单中的%s (%s) 未登记窗口", leader.name(), named->id());
  }
  // The chief may still be posted this month.
  RETURN_IF_ERROR(JudgeMonth(month, seen, j, &line));
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

std::pair<absl::CivilDay, absl::CivilDay> RecordRangeForMonth(int year, int month) {
  const absl::CivilMonth m(year, month);
  const absl::CivilDay first(m);
  const absl::CivilDay last = absl::CivilDay(m + 1) - 1;
  return {MondayOf(first), MondayOf(last) + 6};
}

absl::StatusOr<pb::ComplianceReport> ComputeCompliance(const ComplianceInput& input,
                                                       const WorkingDayCalendar& calendar,
                                                       const DutyHours& hours) {
  if (input.directory == nullptr) return absl::InvalidArgumentError("directory is required");
  ASSIGN_OR_RETURN(const Period month, ParseMonth(input.month));
  if (input.grace_working_days < 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("grace_working_days %d must not be negative", input.grace_working_days));
  }
  const Judging judging{input.today, input.grace_working_days, &calendar};

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
  // holidays are not published still has its chiefs' lines (and a 表3 unit without a deputy its main
  // leader's) for other filters; the grace reads the calendar only for a line waiting on it.
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
  report.set_grace_working_days(input.grace_working_days);
  for (const pb::ResidentUnit* unit : units) {
    std::vector<const pb::Leader*> leaders;
    for (const pb::Leader& l : unit->leaders()) leaders.push_back(&l);
    std::sort(leaders.begin(), leaders.end(),
              [](const pb::Leader* a, const pb::Leader* b) { return a->id() < b->id(); });
    // Rules in their enum order, leaders by id, periods in date order.
    // 细则 二1 and 二2 bind the 表3 units only: "实施高频事项进驻单位领导窗口“坐班”制" (细则),
    // "高频事项进驻单位实行领导带班制" (办法 7).
    if (unit->high_frequency()) {
      for (const pb::Leader* l : leaders) {
        if (l->role() != pb::LEADER_ROLE_MAIN) continue;
        auto e = exemptions.find(l->id());
        ASSIGN_OR_RETURN(*report.add_lines(), MainMonthly(*unit, *l, month, by_leader[l->id()],
                                                          e == exemptions.end() ? nullptr : e->second, judging));
      }
      for (const pb::Leader* l : leaders) {
        if (l->role() != pb::LEADER_ROLE_DEPUTY) continue;
        ASSIGN_OR_RETURN(const std::vector<JudgedWeek>* ws, judged_weeks());
        for (const JudgedWeek& w : *ws) {
          ASSIGN_OR_RETURN(*report.add_lines(), DeputyWeekly(*unit, *l, w, by_leader[l->id()], judging));
        }
      }
    }
    // 细则 二3, which is also 办法 2's "行政审批科长必须进驻窗口上班" for every 派驻部门: every unit.
    for (const pb::Leader* l : leaders) {
      if (l->role() != pb::LEADER_ROLE_APPROVAL_CHIEF) continue;
      ASSIGN_OR_RETURN(*report.add_lines(), ChiefPosted(*unit, *l, month, staff, judging));
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
