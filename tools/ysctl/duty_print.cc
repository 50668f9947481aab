#include "tools/ysctl/duty_print.h"

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/time/calendar.h"
#include "common/time/clock.h"
#include "common/time/period.h"
#include "common/time/proto_time.h"
#include "tools/ysctl/client.h"
#include "yingshang/duty/v1/duty.grpc.pb.h"

namespace ys::ysctl::duty_print {

// The command line's words for a session, in the enum's order after UNSPECIFIED.
const std::vector<std::string>& SessionWords() {
  static const auto* words = new std::vector<std::string>{"morning", "afternoon", "day"};
  return *words;
}
const std::vector<std::string>& FormWords() {
  static const auto* words = new std::vector<std::string>{"registrations", "records", "roster", "compliance",
                                                          "staff"};
  return *words;
}

std::string RoleName(pb::LeaderRole r) {
  switch (r) {
    case pb::LEADER_ROLE_MAIN: return "主要领导";
    case pb::LEADER_ROLE_DEPUTY: return "分管领导";
    case pb::LEADER_ROLE_APPROVAL_CHIEF: return "行政审批科长";
    default: return "(no role)";
  }
}

// 时段, as the centre books a sitting.
std::string SessionName(pb::Session s) {
  switch (s) {
    case pb::SESSION_MORNING: return "上午";
    case pb::SESSION_AFTERNOON: return "下午";
    case pb::SESSION_WHOLE_DAY: return "全天";
    default: return "?";
  }
}

std::string CoverageName(pb::Coverage c) {
  switch (c) {
    case pb::COVERAGE_HALF_DAY: return "半天";
    case pb::COVERAGE_WHOLE_DAY: return "全天";
    default: return "不足半天";
  }
}

// The rule in a few words; every report line also carries the 细则's own words (plan_words).
std::string RuleName(pb::DutyRule r) {
  switch (r) {
    case pb::DUTY_RULE_MAIN_MONTHLY: return "主要领导每月≥半天";
    case pb::DUTY_RULE_DEPUTY_WEEKLY: return "分管领导每周≥1天";
    case pb::DUTY_RULE_CHIEF_POSTED: return "行政审批科长进驻窗口";
    default: return "?";
  }
}

std::string VerdictName(pb::Verdict v) {
  switch (v) {
    case pb::VERDICT_KEPT: return "达标";
    case pb::VERDICT_BROKEN: return "未达标";
    case pb::VERDICT_EXEMPT: return "免于坐班";
    case pb::VERDICT_NOT_OVER: return "未到期";
    default: return "?";
  }
}

std::string Time(const google::protobuf::Timestamp& t) {
  return absl::FormatTime("%Y-%m-%d %H:%M", FromProtoTime(t), Shanghai());
}

std::string WindowText(const std::string& code, const std::string& name) {
  return name.empty() ? code : code + " " + name;
}

void PrintRegistration(std::ostream& out, const pb::Registration& r) {
  out << absl::StrFormat("%s  表1 坐班登记%s\n", r.id(), r.cancelled() ? " (cancelled)" : "");
  out << absl::StrFormat("  日期      %s  %s\n", r.date(), SessionName(r.session()));
  out << absl::StrFormat("  进驻部门  %s\n", r.unit());
  out << absl::StrFormat("  窗口      %s\n", WindowText(r.window(), r.window_name()));
  out << absl::StrFormat("  姓名      %s (%s)\n", r.leader_name(), r.leader_id());
  out << absl::StrFormat("  职务      %s (%s)\n", r.title(), RoleName(r.role()));
  out << absl::StrFormat("  registered %s by %s, %d day(s) ahead%s%s\n", Time(r.registered_at()), r.registered_by(),
                         r.days_ahead(), r.paper() ? "; from a paper form (管理科)" : "",
                         r.received_on().empty() ? "" : ", received " + r.received_on());
  if (r.late()) {
    out << absl::StrFormat("  LATE: registered %d days ahead; 细则 四1 asks 提前一周\n", r.days_ahead());
  }
  if (r.cancelled()) {
    out << absl::StrFormat("  CANCELLED %s by %s: %s\n", Time(r.cancelled_at()), r.cancelled_by(), r.cancel_reason());
  }
  if (!r.record_id().empty()) {
    out << absl::StrFormat("  record    %s (表2)\n", r.record_id());
  } else if (r.record_overdue()) {
    out << absl::StrFormat("  RECORD OVERDUE: no 表2 filed by %s (local policy)\n", r.record_due_date());
  } else if (!r.cancelled() && !r.record_due_date().empty()) {
    out << absl::StrFormat("  record    表2 due by %s (local policy)\n", r.record_due_date());
  }
}

std::string RegistrationLine(const pb::Registration& r) {
  std::string marks;
  if (r.late()) marks += absl::StrFormat(" [late: %d days ahead]", r.days_ahead());
  if (r.paper()) marks += " [paper]";
  if (r.cancelled()) marks += absl::StrFormat(" [cancelled: %s]", r.cancel_reason());
  if (!r.record_id().empty()) {
    marks += absl::StrFormat(" [recorded %s]", r.record_id());
  } else if (r.record_overdue()) {
    marks += absl::StrFormat(" [record overdue: due %s]", r.record_due_date());
  }
  return absl::StrFormat("%-9s %s %s  %s  %s  %s %s%s", r.id(), r.date(), SessionName(r.session()), r.unit(),
                         r.window(), r.leader_name(), r.title(), marks);
}

std::string Hours(const pb::DutyRecord& r) {
  return r.start_time().empty() && r.end_time().empty() ? "" : absl::StrFormat(" %s–%s", r.start_time(), r.end_time());
}

// An empty box of a form.
std::string OrDash(const std::string& text) { return text.empty() ? "—" : text; }

// 表2, field by field in the form's order.
void PrintRecord(std::ostream& out, const pb::DutyRecord& r) {
  out << absl::StrFormat("%s  表2 坐班情况记录单\n", r.id());
  out << absl::StrFormat("  坐班领导  %s    职务 %s\n", r.leader_name(), r.title());
  out << absl::StrFormat("  坐班时间  %s%s (%s)\n", r.date(), Hours(r), CoverageName(r.coverage()));
  out << absl::StrFormat("  坐班窗口  %s\n", WindowText(r.window(), r.window_name()));
  out << absl::StrFormat("  坐班基本情况  %s\n", r.summary());
  out << absl::StrFormat("  发现的问题及解决情况  %s\n", OrDash(r.problems()));
  out << absl::StrFormat("  意见建议  %s\n", OrDash(r.suggestions()));
  out << absl::StrFormat("  其他      %s\n", OrDash(r.other()));
  out << absl::StrFormat("  unit %s; %s; filed %s by %s%s\n", r.unit(),
                         r.registration_id().empty() ? "no registration (unregistered sitting)"
                                                     : "registration " + r.registration_id(),
                         Time(r.filed_at()), r.filed_by(), r.paper() ? "; from a paper form (管理科)" : "");
  if (r.filed_late()) out << "  补报: filed after its registration's record due date (counted: it says what happened)\n";
}

std::string RecordLine(const pb::DutyRecord& r) {
  return absl::StrFormat("%-9s %s%s %s  %s  %s  %s %s%s%s", r.id(), r.date(), Hours(r), CoverageName(r.coverage()),
                         r.unit(), r.window(), r.leader_name(), r.title(),
                         r.registration_id().empty() ? "  (unregistered)" : "  " + r.registration_id(),
                         r.filed_late() ? " [补报]" : "");
}

void PrintDirectory(std::ostream& out, const pb::Directory& d) {
  if (d.version() == 0) {
    out << "directory: not imported yet (version 0)\n";
  } else {
    out << absl::StrFormat("directory version %d, imported %s by %s\n", d.version(), Time(d.imported_at()),
                           d.imported_by());
  }
  for (const auto& u : d.units()) {
    out << u.name() << (u.high_frequency() ? "  [表3 高频事项进驻单位]" : "") << "\n";
    std::vector<std::string> windows;
    for (const auto& w : u.windows()) windows.push_back(WindowText(w.code(), w.name()));
    out << "  窗口  " << absl::StrJoin(windows, ", ") << "\n";
    for (const auto& l : u.leaders()) {
      out << absl::StrFormat("  %s  %s %s (%s)\n", RoleName(l.role()), l.name(), l.title(), l.id());
    }
  }
  out << d.units_size() << " unit(s)\n";
}

void PrintRoster(std::ostream& out, const pb::Roster& r) {
  out << absl::StrFormat("roster %s (week of %s)\n", r.week(), r.week_start());
  if (r.no_working_day()) {
    out << "no working day: nothing is published\n";
  } else if (r.published()) {
    out << absl::StrFormat("published %s on %s (publish date %s)\n", Time(r.published_at()),
                           absl::StrJoin(r.channels(), "、"), r.publish_date());
    if (r.changed_since_published()) {
      out << "CHANGED since it was published: the lines below are what went out; republish with "
             "`ysctl duty roster publish`\n";
    }
  } else {
    out << absl::StrFormat("publish date %s (the week's first working day): not published yet\n", r.publish_date());
  }
  for (const auto& e : r.entries()) {
    out << absl::StrFormat("  %s %s  %s  %s  %s %s  %s\n", e.date(), SessionName(e.session()), e.unit(),
                           WindowText(e.window(), e.window_name()), e.leader_name(), e.title(), e.registration_id());
  }
  out << r.entries_size() << " entry(ies)\n";
}

void PrintCompliance(std::ostream& out, const pb::ComplianceReport& r) {
  out << absl::StrFormat("compliance %s%s, as of %s (from 表2 records)\n", r.month(),
                         r.unit().empty() ? "" : " — " + r.unit(), Time(r.as_of()));
  for (const auto& l : r.lines()) {
    std::string reason = l.reason();
    if (!l.exemption_reason().empty() && !absl::StrContains(reason, l.exemption_reason())) {
      reason += absl::StrFormat("（免于坐班理由：%s）", l.exemption_reason());
    }
    std::vector<std::string> unnamed;  // the records the reason does not already name
    for (const auto& id : l.record_ids()) {
      if (!absl::StrContains(reason, id)) unnamed.push_back(id);
    }
    out << absl::StrFormat("%s  %s  %s  %s  %s  %s  %s%s\n", l.unit(), l.leader_name(), l.title(), RuleName(l.rule()),
                           l.period(), VerdictName(l.verdict()), reason,
                           unnamed.empty() ? "" : " [" + absl::StrJoin(unnamed, ", ") + "]");
  }
  out << absl::StrFormat("达标 %d, 未达标 %d, 免于坐班 %d, 未到期 %d (%d line(s))\n", r.kept(), r.broken(), r.exempt(),
                         r.not_over(), r.lines_size());
  out << "hours: " << r.hours_policy() << " (local policy)\n";
  out << absl::StrFormat("a period is judged %d working day(s) after its end, once its 表2 can no longer arrive "
                         "(local policy)\n", r.grace_working_days());
}

}  // namespace ys::ysctl::duty_print
