#include "services/duty/staff_rules.h"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>
#include <tuple>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/input/text_rules.h"
#include "common/status/macros.h"

namespace ys::duty {
namespace {

// This absl's string_view is its own type, not std::string_view.
absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }
std::string Trimmed(std::string_view s) { return std::string(absl::StripAsciiWhitespace(Absl(s))); }
bool Blank(std::string_view s) { return absl::StripAsciiWhitespace(Absl(s)).empty(); }

// The day `years` after `day` (a 02-29 start normalises to 03-01: never short of the full years).
absl::CivilDay YearsAfter(absl::CivilDay day, int years) {
  return absl::CivilDay(day.year() + years, day.month(), day.day());
}

// "60%", "66.6%": floored to a tenth, so a rate just under the floor never prints as the floor.
std::string Percent(int64_t numerator, int64_t denominator) {
  const int64_t tenths = numerator * 1000 / denominator;
  if (tenths % 10 == 0) return absl::StrFormat("%d%%", tenths / 10);
  return absl::StrFormat("%d.%d%%", tenths / 10, tenths % 10);
}
std::string Percent(double rate) {
  return Percent(static_cast<int64_t>(rate * 1000 + 1e-6), 1000);
}

std::string Who(const pb::StaffMember& m) { return absl::StrFormat("%s (%s)", m.name(), m.id()); }

pb::StaffFinding Finding(std::string_view unit, pb::StaffRule rule, bool kept, std::string_view staff_id,
                         std::string text, const char* plan_words) {
  pb::StaffFinding f;
  f.set_unit(std::string(unit));
  f.set_rule(rule);
  f.set_kept(kept);
  f.set_staff_id(std::string(staff_id));
  f.set_text(std::move(text));
  f.set_plan_words(plan_words);
  return f;
}

const pb::ResidentUnit* UnitNamed(const pb::Directory& directory, std::string_view name) {
  for (const pb::ResidentUnit& u : directory.units()) {
    if (u.name() == name) return &u;
  }
  return nullptr;
}

// Whether the member was at the window on `day`: posted on or before it and not yet left (the day of
// leaving is the first day away). Dates are checked when written; one that does not parse is not there.
bool AtWindowOn(const pb::StaffMember& m, absl::CivilDay day) {
  auto posted = ParseIsoDate(m.posted_date());
  if (!posted.ok() || *posted > day) return false;
  if (m.left_date().empty()) return true;
  auto left = ParseIsoDate(m.left_date());
  return left.ok() && *left > day;
}

// Left the window on or before `day`.
bool LeftBy(const pb::StaffMember& m, absl::CivilDay day) {
  if (m.left_date().empty()) return false;
  auto left = ParseIsoDate(m.left_date());
  return left.ok() && *left <= day;
}

// The rules read over one unit's members on the window on the day checked.
void CheckUnit(std::string_view unit, const std::vector<const pb::StaffMember*>& active,
               const pb::Directory& directory, const StaffPolicy& policy,
               std::vector<pb::StaffFinding>* out) {
  // 办法 2 在编率: the plan gives the floor (50%); there is nothing to rate on an empty window.
  if (!active.empty()) {
    const int64_t total = static_cast<int64_t>(active.size());
    const int64_t on = std::count_if(active.begin(), active.end(), [](const pb::StaffMember* m) {
      return m->employment() == pb::EMPLOYMENT_ON_PAYROLL;
    });
    const bool kept = static_cast<double>(on) / static_cast<double>(total) >= policy.payroll_rate_min;
    std::string text = absl::StrFormat("在编 %d 人 / 窗口 %d 人 = %s", on, total, Percent(on, total));
    if (!kept) absl::StrAppendFormat(&text, "，低于 %s", Percent(policy.payroll_rate_min));
    out->push_back(Finding(unit, pb::STAFF_RULE_PAYROLL_RATE, kept, "", std::move(text), kPlanPayrollRate));
  }

  // 办法 2 行政审批人员必须是本部门在编在岗人员: each one off payroll is a finding of its own.
  int approval = 0, approval_off = 0;
  for (const pb::StaffMember* m : active) {
    if (!m->approval_staff()) continue;
    ++approval;
    if (m->employment() == pb::EMPLOYMENT_ON_PAYROLL) continue;
    ++approval_off;
    const char* what = m->employment() == pb::EMPLOYMENT_OFF_PAYROLL ? "非在编" : "在编情况未登记";
    out->push_back(Finding(unit, pb::STAFF_RULE_APPROVAL_ON_PAYROLL, false, m->id(),
                           absl::StrFormat("行政审批人员%s %s", Who(*m), what), kPlanApprovalOnPayroll));
  }
  if (approval > 0 && approval_off == 0) {
    out->push_back(Finding(unit, pb::STAFF_RULE_APPROVAL_ON_PAYROLL, true, "",
                           absl::StrFormat("行政审批人员 %d 人均为在编", approval), kPlanApprovalOnPayroll));
  }

  // 办法 2 窗口首席代表必须由行政审批科室负责人担任: a window with staff needs one.
  bool has_chief = false;
  for (const pb::StaffMember* m : active) {
    if (!m->chief_representative()) continue;
    has_chief = true;
    out->push_back(Finding(unit, pb::STAFF_RULE_CHIEF_IS_HEAD, m->section_head(), m->id(),
                           m->section_head() ? absl::StrFormat("首席代表%s 是行政审批科室负责人", Who(*m))
                                             : absl::StrFormat("首席代表%s 不是行政审批科室负责人", Who(*m)),
                           kPlanChiefIsHead));
  }
  if (!active.empty() && !has_chief) {
    out->push_back(
        Finding(unit, pb::STAFF_RULE_CHIEF_IS_HEAD, false, "", "窗口人员中无首席代表", kPlanChiefIsHead));
  }

  // 办法 2 行政审批科长必须进驻窗口上班: a section head among the members on the window.
  std::vector<std::string> heads;
  std::string first_head_id;
  for (const pb::StaffMember* m : active) {
    if (!m->section_head()) continue;
    if (first_head_id.empty()) first_head_id = m->id();
    heads.push_back(m->window().empty() ? Who(*m) : absl::StrFormat("%s 窗口 %s", Who(*m), m->window()));
  }
  if (!heads.empty()) {
    out->push_back(Finding(unit, pb::STAFF_RULE_HEAD_POSTED, true, first_head_id,
                           "行政审批科长在窗口上班：" + absl::StrJoin(heads, "、"), kPlanHeadPosted));
  } else {
    std::string text = "窗口人员中无在岗的行政审批科长";
    if (const pb::ResidentUnit* u = UnitNamed(directory, unit)) {
      for (const pb::Leader& l : u->leaders()) {
        if (l.role() != pb::LEADER_ROLE_APPROVAL_CHIEF) continue;
        absl::StrAppendFormat(&text, "（名录中的行政审批科长：%s）", l.name());
      }
    }
    out->push_back(Finding(unit, pb::STAFF_RULE_HEAD_POSTED, false, "", std::move(text), kPlanHeadPosted));
  }
}

// A CSV field: surrounding blanks dropped, and one pair of double quotes (spreadsheet exports quote).
absl::string_view Field(absl::string_view f) {
  f = absl::StripAsciiWhitespace(f);
  if (f.size() >= 2 && f.front() == '"' && f.back() == '"') f = f.substr(1, f.size() - 2);
  return f;
}

}  // namespace

absl::Status CheckNewStaff(const pb::StaffMember& member, const pb::Directory& directory) {
  if (Blank(member.name())) return absl::InvalidArgumentError("name is required");
  if (Blank(member.unit())) return absl::InvalidArgumentError("unit is required");
  const pb::ResidentUnit* unit = UnitNamed(directory, member.unit());
  if (unit == nullptr) {
    return absl::NotFoundError(absl::StrFormat("unit %s is not a resident unit in the directory",
                                               input::QuoteInput(member.unit())));
  }
  std::vector<std::string> codes;
  bool window_known = false;
  for (const pb::Window& w : unit->windows()) {
    codes.push_back(w.code());
    window_known = window_known || w.code() == member.window();
  }
  if (Blank(member.window())) {
    return absl::InvalidArgumentError(
        absl::StrFormat("window is required (%s: %s)", unit->name(), absl::StrJoin(codes, ", ")));
  }
  if (!window_known) {
    return absl::InvalidArgumentError(absl::StrFormat("window %s is not a window of %s (%s)",
                                                      input::QuoteInput(member.window()), unit->name(),
                                                      absl::StrJoin(codes, ", ")));
  }
  if (member.employment() != pb::EMPLOYMENT_ON_PAYROLL && member.employment() != pb::EMPLOYMENT_OFF_PAYROLL) {
    return absl::InvalidArgumentError(
        "employment is required: 在编 (EMPLOYMENT_ON_PAYROLL) or 非在编 (EMPLOYMENT_OFF_PAYROLL)");
  }
  if (Blank(member.posted_date())) return absl::InvalidArgumentError("posted_date is required (YYYY-MM-DD)");
  if (auto d = ParseIsoDate(member.posted_date()); !d.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("posted_date: ", d.status().message()));
  }
  if (Blank(member.posting_letter())) {
    return absl::InvalidArgumentError(
        "posting_letter is required: 办法 3 \"派驻人员名单以正式函的形式报送政务服务中心备案\"");
  }
  return absl::OkStatus();
}

absl::StatusOr<pb::StaffMember> DecideRotation(const pb::StaffMember& member, absl::CivilDay date,
                                               std::string_view letter, std::string_view reason,
                                               const StaffPolicy& policy) {
  if (!member.active()) {
    return absl::FailedPreconditionError(
        absl::StrFormat("staff %s left the window on %s; there is no one to rotate", member.id(), member.left_date()));
  }
  if (Trimmed(reason) == kLeaveReasonDismissal) {
    return absl::InvalidArgumentError("reason: 一票清退 is recorded as a dismissal (办法 12), not as a rotation");
  }
  auto posted = ParseIsoDate(member.posted_date());
  if (!posted.ok()) {
    return absl::FailedPreconditionError(
        absl::StrFormat("staff %s: posted_date: %s", member.id(), posted.status().message()));
  }
  if (date < *posted) {
    return absl::InvalidArgumentError(absl::StrFormat("date %s is before staff %s was posted (%s)",
                                                      FormatIsoDate(date), member.id(), member.posted_date()));
  }
  const absl::CivilDay served = YearsAfter(*posted, policy.rotation_min_years);
  if (date < served && Blank(letter)) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "letter is required: staff %s was posted on %s, fewer than %d years before %s; 办法 3 \"%s\"",
        member.id(), member.posted_date(), policy.rotation_min_years, FormatIsoDate(date), kPlanRotation));
  }
  pb::StaffMember left = member;
  left.set_active(false);
  left.set_left_date(FormatIsoDate(date));
  left.set_leave_letter(Trimmed(letter));
  left.set_leave_reason(Blank(reason) ? std::string(kLeaveReasonRotation) : Trimmed(reason));
  return left;
}

pb::StaffCheckReport CheckStaff(const pb::Directory& directory, const std::vector<pb::StaffMember>& staff,
                                const std::vector<pb::Dismissal>& dismissals, std::string_view unit,
                                absl::CivilDay as_of, const StaffPolicy& policy) {
  auto in_scope = [&](const std::string& u) { return unit.empty() || u == unit; };
  // By unit name: who was at the window on `as_of`. A unit with anyone posted by then is checked, so
  // a window everyone has left still owes its section head.
  std::map<std::string, std::vector<const pb::StaffMember*>> present_by_unit;
  std::vector<const pb::StaffMember*> left;
  for (const pb::StaffMember& m : staff) {
    if (!in_scope(m.unit())) continue;
    auto posted = ParseIsoDate(m.posted_date());
    if (!posted.ok() || *posted > as_of) continue;  // not yet posted on `as_of`
    std::vector<const pb::StaffMember*>& present = present_by_unit[m.unit()];
    if (AtWindowOn(m, as_of)) {
      present.push_back(&m);
    } else if (LeftBy(m, as_of)) {
      left.push_back(&m);
    }
  }
  if (!unit.empty()) present_by_unit.try_emplace(std::string(unit));
  auto by_id = [](const pb::StaffMember* a, const pb::StaffMember* b) { return a->id() < b->id(); };

  std::vector<pb::StaffFinding> findings;
  for (auto& [name, members] : present_by_unit) {
    std::sort(members.begin(), members.end(), by_id);
    CheckUnit(name, members, directory, policy, &findings);
  }

  // 办法 3: an early rotation needs the unit's formal letter; a 一票清退 is the centre's act, not one.
  std::set<std::string_view> dismissed;
  for (const pb::Dismissal& d : dismissals) dismissed.insert(d.staff_id());
  std::sort(left.begin(), left.end(), by_id);
  for (const pb::StaffMember* m : left) {
    if (m->leave_reason() == kLeaveReasonDismissal || dismissed.contains(m->id())) continue;
    auto posted = ParseIsoDate(m->posted_date());
    auto left_on = ParseIsoDate(m->left_date());
    // Both are checked when written (CheckNewStaff, DecideRotation).
    if (!posted.ok() || !left_on.ok()) continue;
    if (*left_on >= YearsAfter(*posted, policy.rotation_min_years)) continue;
    const bool kept = !Blank(m->leave_letter());
    std::string text = absl::StrFormat("%s 派驻于 %s，%s 离岗，不满 %d 年", Who(*m), m->posted_date(),
                                       m->left_date(), policy.rotation_min_years);
    text += kept ? "，有原单位函告：" + m->leave_letter() : "，无原单位正式函告";
    findings.push_back(Finding(m->unit(), pb::STAFF_RULE_ROTATION_LETTER, kept, m->id(), std::move(text), kPlanRotation));
  }

  // 办法 12 "原单位接函后须及时调整人员": replaced is kept, past the due day without one is broken.
  for (const pb::Dismissal& d : dismissals) {
    if (!in_scope(d.unit())) continue;
    if (auto date = ParseIsoDate(d.date()); date.ok() && *date > as_of) continue;  // not yet on `as_of`
    if (!d.replacement_id().empty()) {
      findings.push_back(Finding(d.unit(), pb::STAFF_RULE_REPLACEMENT, true, d.staff_id(),
                                 absl::StrFormat("一票清退%s (%s) 后原单位已调整人员：%s", d.name(), d.id(),
                                                 d.replacement_id()),
                                 kPlanReplace));
    } else if (ReplacementOverdue(d, as_of)) {
      std::string text = absl::StrFormat("一票清退%s (%s) 后原单位调整人员的期限截至 %s（含），至今未调整",
                                         d.name(), d.id(), d.replacement_due_date());
      findings.push_back(
          Finding(d.unit(), pb::STAFF_RULE_REPLACEMENT, false, d.staff_id(), std::move(text), kPlanReplace));
    }
  }

  std::stable_sort(findings.begin(), findings.end(), [](const pb::StaffFinding& a, const pb::StaffFinding& b) {
    return std::make_tuple(std::string_view(a.unit()), static_cast<int>(a.rule())) <
           std::make_tuple(std::string_view(b.unit()), static_cast<int>(b.rule()));
  });
  pb::StaffCheckReport report;
  report.set_as_of(FormatIsoDate(as_of));
  for (pb::StaffFinding& f : findings) {
    if (f.kept()) {
      report.set_kept(report.kept() + 1);
    } else {
      report.set_broken(report.broken() + 1);
    }
    *report.add_findings() = std::move(f);
  }
  return report;
}

ParsedAttendance ParseAttendanceCsv(std::string_view text) {
  ParsedAttendance parsed;
  absl::string_view csv = Absl(text);
  absl::ConsumePrefix(&csv, "\xEF\xBB\xBF");  // a byte-order mark, as spreadsheet programs write UTF-8
  constexpr char kHeader[] = "clock_id,date,clock_in,clock_out";
  std::map<std::pair<std::string, absl::CivilDay>, int> seen;  // (clock_id, date) -> line
  int line_no = 0;
  bool header = false;
  for (absl::string_view line : absl::StrSplit(csv, '\n')) {
    ++line_no;
    absl::ConsumeSuffix(&line, "\r");
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    std::vector<absl::string_view> fields = absl::StrSplit(line, ',');
    for (absl::string_view& f : fields) f = Field(f);
    if (!header) {
      if (absl::StrJoin(fields, ",") != kHeader) {
        parsed.errors.push_back(absl::StrFormat("line %d: the header must be %s", line_no, kHeader));
        return parsed;
      }
      header = true;
      continue;
    }
    if (fields.size() != 4) {
      parsed.errors.push_back(
          absl::StrFormat("line %d: %d fields, expected 4 (%s)", line_no, fields.size(), kHeader));
      continue;
    }
    auto error = [&](absl::string_view message) {
      parsed.errors.push_back(absl::StrFormat("line %d: %s", line_no, message));
    };
    ClockDay day;
    day.line = line_no;
    day.clock_id = std::string(fields[0]);
    if (day.clock_id.empty()) {
      error("clock_id is empty");
      continue;
    }
    if (auto s = input::CheckText("clock_id", day.clock_id, input::TextKind::kCode, {}); !s.ok()) {
      error(s.message());
      continue;
    }
    auto date = ParseIsoDate(fields[1]);
    if (!date.ok()) {
      error(date.status().message());  // names `date`
      continue;
    }
    day.date = *date;
    bool ok = true;
    for (auto [value, field, out] : {std::make_tuple(fields[2], "clock_in", &day.clock_in),
                                    std::make_tuple(fields[3], "clock_out", &day.clock_out)}) {
      if (value.empty()) continue;  // no clock-in or clock-out that day
      auto minutes = ParseClockTime(std::string_view(value.data(), value.size()), field);
      if (!minutes.ok()) {
        error(minutes.status().message());
        ok = false;
        break;
      }
      *out = *minutes;
    }
    if (!ok) continue;
    if (day.clock_in && day.clock_out && *day.clock_out < *day.clock_in) {
      error(absl::StrFormat("clock_out %s is before clock_in %s", fields[3], fields[2]));
      continue;
    }
    auto [it, inserted] = seen.try_emplace({day.clock_id, day.date}, line_no);
    if (!inserted) {
      error(absl::StrFormat("clock_id %s on %s repeats line %d", day.clock_id, fields[1], it->second));
      continue;
    }
    parsed.days.push_back(std::move(day));
  }
  if (!header) parsed.errors.push_back(absl::StrFormat("line 1: the header %s is missing", kHeader));
  return parsed;
}

pb::AttendanceMark MarkAttendance(const ClockDay& day, const StaffPolicy& policy) {
  if (!day.clock_in) return pb::ATTENDANCE_MARK_ABSENT;  // 旷工
  const bool late = *day.clock_in > policy.work_hours.start + policy.grace_minutes;
  const bool early = !day.clock_out || *day.clock_out < policy.work_hours.end - policy.grace_minutes;
  if (late && early) return pb::ATTENDANCE_MARK_LATE_AND_EARLY;
  if (late) return pb::ATTENDANCE_MARK_LATE;
  if (early) return pb::ATTENDANCE_MARK_EARLY;
  return pb::ATTENDANCE_MARK_ON_TIME;
}

std::vector<pb::AttendanceLine> AbsentWithoutRow(const std::vector<pb::StaffMember>& staff,
                                                 const std::vector<ClockDay>& days,
                                                 const WorkingDayCalendar& calendar) {
  std::vector<pb::AttendanceLine> out;
  if (days.empty()) return out;
  absl::CivilDay first = days.front().date, last = days.front().date;
  std::set<std::pair<std::string_view, absl::CivilDay>> rows;
  for (const ClockDay& d : days) {
    first = std::min(first, d.date);
    last = std::max(last, d.date);
    rows.emplace(d.clock_id, d.date);
  }
  std::vector<const pb::StaffMember*> clocked;
  for (const pb::StaffMember& m : staff) {
    if (!m.clock_id().empty()) clocked.push_back(&m);
  }
  std::sort(clocked.begin(), clocked.end(),
            [](const pb::StaffMember* a, const pb::StaffMember* b) { return a->id() < b->id(); });
  for (absl::CivilDay day = first; day <= last; ++day) {
    auto working = calendar.IsWorkingDay(day);
    if (!working.ok() || !*working) continue;  // a day off; or unknown, reported by the caller per row
    for (const pb::StaffMember* m : clocked) {
      if (!AtWindowOn(*m, day) || rows.contains({m->clock_id(), day})) continue;
      pb::AttendanceLine& line = out.emplace_back();
      line.set_staff_id(m->id());
      line.set_name(m->name());
      line.set_unit(m->unit());
      line.set_date(FormatIsoDate(day));
      line.set_mark(pb::ATTENDANCE_MARK_ABSENT);
    }
  }
  return out;
}

absl::StatusOr<pb::Dismissal> DecideDismissal(const pb::DismissRequest& request,
                                              const pb::StaffMember& member,
                                              const WorkingDayCalendar& calendar,
                                              const StaffPolicy& policy) {
  if (!request.staff_id().empty() && request.staff_id() != member.id()) {
    return absl::InvalidArgumentError(absl::StrFormat("staff_id %s is not the member %s",
                                                      input::QuoteInput(request.staff_id()), member.id()));
  }
  if (!member.active()) {
    return absl::FailedPreconditionError(
        absl::StrFormat("staff %s left the window on %s; there is no one to dismiss", member.id(), member.left_date()));
  }
  if (request.path() != pb::DISMISSAL_PATH_MISCONDUCT && request.path() != pb::DISMISSAL_PATH_DISOBEDIENCE) {
    return absl::InvalidArgumentError(
        "path is required: DISMISSAL_PATH_MISCONDUCT (办法 12 一) or DISMISSAL_PATH_DISOBEDIENCE (办法 12 二)");
  }
  if (Blank(request.reason())) return absl::InvalidArgumentError("reason is required");
  if (request.date().empty()) return absl::InvalidArgumentError("date is required (YYYY-MM-DD)");
  ASSIGN_OR_RETURN(const absl::CivilDay date, ParseIsoDate(request.date()));

  pb::Dismissal d;
  d.set_staff_id(member.id());
  d.set_name(member.name());
  d.set_unit(member.unit());
  d.set_path(request.path());
  d.set_reason(Trimmed(request.reason()));
  d.set_letter(Trimmed(request.letter()));
  d.set_date(FormatIsoDate(date));
  if (request.path() == pb::DISMISSAL_PATH_MISCONDUCT) {
    if (d.letter().empty()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "letter is required on path 1 (the centre's 函): 办法 12 一 \"%s\"", kPlanDismissMisconduct));
    }
  } else {
    if (d.letter().empty()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "letter is required on path 2 (the centre's written report, 书面报送): 办法 12 二 \"%s\"",
          kPlanDismissDisobedience));
    }
    if (request.criticisms() < policy.min_criticisms) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "criticisms: %d recorded, path 2 needs at least %d, our reading of 多次 (staff.min_criticisms, "
          "local policy): 办法 12 二 \"%s\"",
          request.criticisms(), policy.min_criticisms, kPlanDismissDisobedience));
    }
    // "书面报送纪检监察和组织人事部门".
    d.add_reported_to("纪检监察部门");
    d.add_reported_to("组织人事部门");
  }
  // Path 1's letter goes to the unit ("清退窗口人员回原单位"); path 2 "抄送原单位".
  d.add_copied_to(member.unit());
  auto due = calendar.AddWorkingDays(date, policy.replacement_working_days);
  if (absl::IsFailedPrecondition(due.status())) {
    // A year not yet published: the dismissal stands (办法 12 does not wait on a calendar); with no
    // due date it is never shown overdue, rather than overdue on a guessed day.
    return d;
  }
  if (!due.ok()) return due.status();
  d.set_replacement_due_date(FormatIsoDate(*due));
  return d;
}

bool ReplacementOverdue(const pb::Dismissal& dismissal, absl::CivilDay today) {
  if (!dismissal.replacement_id().empty()) return false;
  auto due = ParseIsoDate(dismissal.replacement_due_date());
  return due.ok() && today > *due;
}

}  // namespace ys::duty
