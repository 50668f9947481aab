#include "tools/ysctl/duty_commands.h"

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

namespace ys::ysctl {

namespace duty_cli {

bool CheckDate(std::string_view flag, const std::string& value, std::ostream& err, int* exit_code) {
  if (value.empty() || ParseIsoDate(value).ok()) return true;
  err << "ysctl: " << flag << " " << value << " is not a date (YYYY-MM-DD)\n";
  *exit_code = 2;
  return false;
}

bool CheckMonth(std::string_view flag, const std::string& value, std::ostream& err, int* exit_code) {
  if (value.empty()) return true;
  absl::StatusOr<Period> p = Period::Parse(value);
  if (p.ok() && p->kind() == Period::Kind::kMonth) return true;
  err << "ysctl: " << flag << " " << value << " is not a month (YYYY-MM)\n";
  *exit_code = 2;
  return false;
}

bool CheckClockTime(std::string_view flag, const std::string& value, std::ostream& err, int* exit_code) {
  if (value.empty()) return true;
  auto digit = [&](size_t i) { return absl::ascii_isdigit(static_cast<unsigned char>(value[i])); };
  if (value.size() == 5 && digit(0) && digit(1) && value[2] == ':' && digit(3) && digit(4)) {
    const int hours = (value[0] - '0') * 10 + (value[1] - '0');
    const int minutes = (value[3] - '0') * 10 + (value[4] - '0');
    if (hours < 24 && minutes < 60) return true;
  }
  err << "ysctl: " << flag << " " << value << " is not a time of day (HH:MM)\n";
  *exit_code = 2;
  return false;
}

int CheckChoice(std::string_view flag, const std::string& value, const std::vector<std::string>& choices,
                std::ostream& err, int* exit_code) {
  for (size_t i = 0; i < choices.size(); ++i) {
    if (choices[i] == value) return static_cast<int>(i);
  }
  err << "ysctl: " << flag << " " << value << " is not one of " << absl::StrJoin(choices, ", ") << "\n";
  *exit_code = 2;
  return -1;
}

bool CheckRequired(std::string_view flag, const std::string& value, std::ostream& err, int* exit_code) {
  if (!value.empty()) return true;
  err << "ysctl: " << flag << " is required\n";
  *exit_code = 2;
  return false;
}

bool ReadWholeFile(const std::string& path, std::string* contents, std::ostream& err, int* exit_code) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    err << "ysctl: cannot read " << path << "\n";
    *exit_code = 2;
    return false;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  *contents = buf.str();
  return true;
}

bool WriteWholeFile(const std::string& path, const std::string& contents, std::ostream& err, int* exit_code) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  file.close();
  if (!file) {
    err << "ysctl: cannot write " << path << "\n";
    *exit_code = 1;
    return false;
  }
  return true;
}

}  // namespace duty_cli

namespace {

namespace pb = ::yingshang::duty::v1;
using duty_cli::kDefaultAddress;
using duty_cli::kService;

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
  out << absl::StrFormat("  registered %s by %s, %d day(s) ahead%s\n", Time(r.registered_at()), r.registered_by(),
                         r.days_ahead(), r.paper() ? "; from a paper form (管理科)" : "");
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
}

std::string RecordLine(const pb::DutyRecord& r) {
  return absl::StrFormat("%-9s %s%s %s  %s  %s  %s %s%s", r.id(), r.date(), Hours(r), CoverageName(r.coverage()),
                         r.unit(), r.window(), r.leader_name(), r.title(),
                         r.registration_id().empty() ? "  (unregistered)" : "  " + r.registration_id());
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
}

}  // namespace

void AddDutyCommands(CLI::App& app, std::ostream& out, std::ostream& err, int* exit_code) {
  struct Args {
    ClientOptions client;
    std::string file, id, unit, leader, date, session, window, reason, from, to, registration, start, end, summary,
        problems, suggestions, other, month, week_of, out_file, form, subject;
    bool dry_run = false, paper = false, all = false;
  };
  auto args = std::make_shared<Args>();
  auto stub = [args] { return pb::DutyService::NewStub(args->client.Channel()); };
  auto resolve = [args, &err, exit_code] {
    absl::Status s = ResolveClient(&args->client, kService, kDefaultAddress);
    if (!s.ok()) ReportError(err, s, exit_code);
    return s.ok();
  };
  // The checks every command makes of its date and month flags before calling.
  auto dates_ok = [args, &err, exit_code] {
    return duty_cli::CheckDate("--date", args->date, err, exit_code) &&
           duty_cli::CheckDate("--from", args->from, err, exit_code) &&
           duty_cli::CheckDate("--to", args->to, err, exit_code) &&
           duty_cli::CheckDate("--week-of", args->week_of, err, exit_code) &&
           duty_cli::CheckMonth("--month", args->month, err, exit_code);
  };

  CLI::App* duty = app.add_subcommand("duty", "Leader window duty (领导窗口坐班) at the service centre");
  duty->require_subcommand(1);

  // --- the directory ---
  CLI::App* directory = duty->add_subcommand("directory", "The centre's resident units, windows and leaders");
  directory->require_subcommand(1);
  CLI::App* import = directory->add_subcommand("import", "Import the directory YAML (centre)");
  import->add_option("FILE", args->file, "e.g. data/duty/directory.sample.yaml")->required();
  import->add_flag("--dry-run", args->dry_run, "validate and show the changes; apply nothing");
  AddClientFlags(import, &args->client, kService, kDefaultAddress);
  import->callback([args, stub, resolve, &out, &err, exit_code] {
    pb::ImportDirectoryRequest req;
    if (!duty_cli::ReadWholeFile(args->file, req.mutable_yaml(), err, exit_code)) return;
    if (!resolve()) return;
    req.set_file_name(args->file);
    req.set_validate_only(args->dry_run);
    pb::ImportDirectoryResponse resp;
    auto ctx = args->client.Context();
    grpc::Status s = stub()->ImportDirectory(ctx.get(), req, &resp);
    if (!s.ok()) return ReportError(err, s, exit_code);
    out << args->file << ":\n";
    for (const auto& c : resp.changes()) out << "  " << c << "\n";
    out << (resp.changes().empty() ? std::string("no changes") : absl::StrFormat("%d change(s)", resp.changes_size()))
        << "\n";
    if (resp.applied()) {
      out << absl::StrFormat("applied: directory version %d\n", resp.version());
    } else {
      out << absl::StrFormat("dry run: nothing applied (directory version %d)\n", resp.version());
    }
  });

  CLI::App* show = directory->add_subcommand("show", "Units (表3 flag), windows and leaders");
  show->add_option("--unit", args->unit, "one unit, by name or alias");
  AddClientFlags(show, &args->client, kService, kDefaultAddress);
  show->callback([args, stub, resolve, &out, &err, exit_code] {
    if (!resolve()) return;
    pb::GetDirectoryRequest req;
    req.set_unit(args->unit);
    pb::Directory resp;
    auto ctx = args->client.Context();
    grpc::Status s = stub()->GetDirectory(ctx.get(), req, &resp);
    if (!s.ok()) return ReportError(err, s, exit_code);
    PrintDirectory(out, resp);
  });

  // --- 表1 ---
  CLI::App* reg = duty->add_subcommand("register", "Register a leader's sitting (表1; 细则 四1 提前一周)");
  reg->add_option("--date", args->date, "the duty date, a working day, e.g. 2022-10-10")->required();
  reg->add_option("--unit", args->unit, "进驻部门, by name or alias")->required();
  reg->add_option("--leader", args->leader, "the leader's id (zrzy-main) or name")->required();
  reg->add_option("--session", args->session, "morning, afternoon or day")->required();
  reg->add_option("--window", args->window, "window code (optional when the unit has one window)");
  reg->add_flag("--paper", args->paper, "entered from a paper form by the centre's 管理科");
  AddClientFlags(reg, &args->client, kService, kDefaultAddress);
  reg->callback([args, stub, resolve, dates_ok, &out, &err, exit_code] {
    if (!dates_ok()) return;
    const int session = duty_cli::CheckChoice("--session", args->session, SessionWords(), err, exit_code);
    if (session < 0) return;
    if (!resolve()) return;
    pb::RegisterRequest req;
    req.set_date(args->date);
    req.set_unit(args->unit);
    req.set_window(args->window);
    req.set_leader(args->leader);
    req.set_session(static_cast<pb::Session>(session + 1));
    req.set_paper(args->paper);
    pb::Registration resp;
    auto ctx = args->client.Context();
    grpc::Status s = stub()->Register(ctx.get(), req, &resp);
    if (!s.ok()) return ReportError(err, s, exit_code);
    PrintRegistration(out, resp);
  });

  CLI::App* cancel = duty->add_subcommand("cancel", "Cancel a registration, with a reason");
  cancel->add_option("ID", args->id, "e.g. DR-000001")->required();
  cancel->add_option("--reason", args->reason)->required();
  AddClientFlags(cancel, &args->client, kService, kDefaultAddress);
  cancel->callback([args, stub, resolve, &out, &err, exit_code] {
    if (!resolve()) return;
    pb::CancelRegistrationRequest req;
    req.set_id(args->id);
    req.set_reason(args->reason);
    pb::Registration resp;
    auto ctx = args->client.Context();
    grpc::Status s = stub()->CancelRegistration(ctx.get(), req, &resp);
    if (!s.ok()) return ReportError(err, s, exit_code);
    PrintRegistration(out, resp);
  });

  CLI::App* regs = duty->add_subcommand("registrations", "Registrations (表1) in date order");
  regs->add_option("--unit", args->unit, "one unit, by name or alias");
  regs->add_option("--from", args->from, "first duty date, inclusive");
  regs->add_option("--to", args->to, "last duty date, inclusive");
  regs->add_flag("--all", args->all, "cancelled ones too");
  AddClientFlags(regs, &args->client, kService, kDefaultAddress);
  regs->callback([args, stub, resolve, dates_ok, &out, &err, exit_code] {
    if (!dates_ok() || !resolve()) return;
    pb::ListRegistrationsRequest req;
    req.set_unit(args->unit);
    req.set_from(args->from);
    req.set_to(args->to);
    req.set_include_cancelled(args->all);
    int n = 0;
    do {
      pb::ListRegistrationsResponse resp;
      auto ctx = args->client.Context();
      grpc::Status s = stub()->ListRegistrations(ctx.get(), req, &resp);
      if (!s.ok()) return ReportError(err, s, exit_code);
      for (const auto& r : resp.registrations()) {
        out << RegistrationLine(r) << "\n";
        ++n;
      }
      req.mutable_page()->set_page_token(resp.page().next_page_token());
    } while (!req.page().page_token().empty());
    out << n << " registration(s)\n";
  });

  // --- 表2 ---
  CLI::App* record = duty->add_subcommand("record", "File the record of a sitting (表2)");
  record->add_option("--registration", args->registration, "the sitting's registration, e.g. DR-000001");
  record->add_option("--unit", args->unit, "without --registration: the unit");
  record->add_option("--leader", args->leader, "without --registration: the leader's id or name");
  record->add_option("--date", args->date, "without --registration: the date sat");
  record->add_option("--start", args->start, "坐班时间 from, HH:MM (with --registration: default its session's)");
  record->add_option("--end", args->end, "坐班时间 to, HH:MM (with --registration: default its session's)");
  record->add_option("--window", args->window, "坐班窗口 code");
  record->add_option("--summary", args->summary, "坐班基本情况")->required();
  record->add_option("--problems", args->problems, "发现的问题及解决情况");
  record->add_option("--suggestions", args->suggestions, "意见建议");
  record->add_option("--other", args->other, "其他");
  record->add_flag("--paper", args->paper, "entered from a paper form by the centre's 管理科");
  AddClientFlags(record, &args->client, kService, kDefaultAddress);
  record->callback([args, stub, resolve, dates_ok, &out, &err, exit_code] {
    if (args->registration.empty() && (args->unit.empty() || args->leader.empty() || args->date.empty())) {
      err << "ysctl: give --registration ID, or --unit, --leader and --date\n";
      *exit_code = 2;
      return;
    }
    if (!dates_ok() || !duty_cli::CheckClockTime("--start", args->start, err, exit_code) ||
        !duty_cli::CheckClockTime("--end", args->end, err, exit_code) || !resolve()) {
      return;
    }
    pb::FileRecordRequest req;
    req.set_registration_id(args->registration);
    req.set_unit(args->unit);
    req.set_leader(args->leader);
    req.set_date(args->date);
    req.set_start_time(args->start);
    req.set_end_time(args->end);
    req.set_window(args->window);
    req.set_summary(args->summary);
    req.set_problems(args->problems);
    req.set_suggestions(args->suggestions);
    req.set_other(args->other);
    req.set_paper(args->paper);
    pb::DutyRecord resp;
    auto ctx = args->client.Context();
    grpc::Status s = stub()->FileRecord(ctx.get(), req, &resp);
    if (!s.ok()) return ReportError(err, s, exit_code);
    PrintRecord(out, resp);
  });

  CLI::App* records = duty->add_subcommand("records", "Records (表2) in date order");
  records->add_option("--unit", args->unit, "one unit, by name or alias");
  records->add_option("--from", args->from, "first date, inclusive");
  records->add_option("--to", args->to, "last date, inclusive");
  AddClientFlags(records, &args->client, kService, kDefaultAddress);
  records->callback([args, stub, resolve, dates_ok, &out, &err, exit_code] {
    if (!dates_ok() || !resolve()) return;
    pb::ListRecordsRequest req;
    req.set_unit(args->unit);
    req.set_from(args->from);
    req.set_to(args->to);
    int n = 0;
    do {
      pb::ListRecordsResponse resp;
      auto ctx = args->client.Context();
      grpc::Status s = stub()->ListRecords(ctx.get(), req, &resp);
      if (!s.ok()) return ReportError(err, s, exit_code);
      for (const auto& r : resp.records()) {
        out << RecordLine(r) << "\n";
        ++n;
      }
      req.mutable_page()->set_page_token(resp.page().next_page_token());
    } while (!req.page().page_token().empty());
    out << n << " record(s)\n";
  });

  CLI::App* exempt = duty->add_subcommand(
      "exempt", "Excuse a main leader's month (细则 二1 \"原则上\"; centre, audited; shown as exempt, not as kept)");
  exempt->add_option("--leader", args->leader, "the main leader's id or name")->required();
  exempt->add_option("--unit", args->unit, "to pick a name two units share");
  exempt->add_option("--month", args->month, "e.g. 2022-10")->required();
  exempt->add_option("--reason", args->reason)->required();
  AddClientFlags(exempt, &args->client, kService, kDefaultAddress);
  exempt->callback([args, stub, resolve, dates_ok, &out, &err, exit_code] {
    if (!dates_ok() || !resolve()) return;
    pb::GrantExemptionRequest req;
    req.set_leader(args->leader);
    req.set_unit(args->unit);
    req.set_month(args->month);
    req.set_reason(args->reason);
    pb::Exemption resp;
    auto ctx = args->client.Context();
    grpc::Status s = stub()->GrantExemption(ctx.get(), req, &resp);
    if (!s.ok()) return ReportError(err, s, exit_code);
    out << absl::StrFormat("exemption %s: %s (%s) %s 免于坐班: %s\n", resp.month(), resp.leader_name(),
                           resp.leader_id(), resp.unit(), resp.reason());
    out << absl::StrFormat("  granted %s by %s; compliance shows the month as 免于坐班, not as 达标\n",
                           Time(resp.granted_at()), resp.granted_by());
  });

  // --- what the centre reports ---
  CLI::App* roster = duty->add_subcommand("roster", "A week's roster (细则 四1 每周第一个工作日公布)");
  roster->require_subcommand(0, 1);
  roster->add_option("--week-of", args->week_of, "any date in the week, e.g. 2022-10-03");
  AddClientFlags(roster, &args->client, kService, kDefaultAddress);
  CLI::App* publish = roster->add_subcommand("publish", "Publish (again) the week's roster now (centre)");
  publish->add_option("--week-of", args->week_of, "any date in the week")->required();
  AddClientFlags(publish, &args->client, kService, kDefaultAddress);
  roster->callback([args, stub, resolve, dates_ok, publish, &out, &err, exit_code] {
    if (publish->parsed()) return;  // the subcommand did the work
    if (!duty_cli::CheckRequired("--week-of", args->week_of, err, exit_code) || !dates_ok() || !resolve()) return;
    pb::GetRosterRequest req;
    req.set_week_of(args->week_of);
    pb::Roster resp;
    auto ctx = args->client.Context();
    grpc::Status s = stub()->GetRoster(ctx.get(), req, &resp);
    if (!s.ok()) return ReportError(err, s, exit_code);
    PrintRoster(out, resp);
  });
  publish->callback([args, stub, resolve, dates_ok, &out, &err, exit_code] {
    if (!dates_ok() || !resolve()) return;
    pb::PublishRosterRequest req;
    req.set_week_of(args->week_of);
    pb::Roster resp;
    auto ctx = args->client.Context();
    grpc::Status s = stub()->PublishRoster(ctx.get(), req, &resp);
    if (!s.ok()) return ReportError(err, s, exit_code);
    PrintRoster(out, resp);
  });

  CLI::App* compliance = duty->add_subcommand("compliance", "The month's compliance (细则 二), from 表2 records");
  compliance->add_option("--month", args->month, "e.g. 2022-10")->required();
  compliance->add_option("--unit", args->unit, "one unit, by name or alias");
  AddClientFlags(compliance, &args->client, kService, kDefaultAddress);
  compliance->callback([args, stub, resolve, dates_ok, &out, &err, exit_code] {
    if (!dates_ok() || !resolve()) return;
    pb::GetComplianceRequest req;
    req.set_month(args->month);
    req.set_unit(args->unit);
    pb::ComplianceReport resp;
    auto ctx = args->client.Context();
    grpc::Status s = stub()->GetCompliance(ctx.get(), req, &resp);
    if (!s.ok()) return ReportError(err, s, exit_code);
    PrintCompliance(out, resp);
  });

  CLI::App* calendar = duty->add_subcommand("calendar", "A leader's or a unit's sittings as iCalendar (.ics)");
  auto* whose = calendar->add_option_group("whose");
  whose->add_option("--leader", args->leader, "a leader's id or name");
  whose->add_option("--unit", args->unit, "every leader of a unit");
  whose->require_option(1);
  calendar->add_option("--from", args->from, "first date, inclusive");
  calendar->add_option("--to", args->to, "last date, inclusive");
  calendar->add_option("--out", args->out_file, "write the .ics here (default: standard output)");
  AddClientFlags(calendar, &args->client, kService, kDefaultAddress);
  calendar->callback([args, stub, resolve, dates_ok, &out, &err, exit_code] {
    if (!dates_ok() || !resolve()) return;
    pb::GetCalendarRequest req;
    req.set_leader(args->leader);
    req.set_unit(args->unit);
    req.set_from(args->from);
    req.set_to(args->to);
    pb::Calendar resp;
    auto ctx = args->client.Context();
    grpc::Status s = stub()->GetCalendar(ctx.get(), req, &resp);
    if (!s.ok()) return ReportError(err, s, exit_code);
    if (args->out_file.empty()) {
      out << resp.ics();
      return;
    }
    if (!duty_cli::WriteWholeFile(args->out_file, resp.ics(), err, exit_code)) return;
    int events = 0;
    for (size_t at = resp.ics().find("BEGIN:VEVENT"); at != std::string::npos;
         at = resp.ics().find("BEGIN:VEVENT", at + 1)) {
      ++events;
    }
    out << absl::StrFormat("wrote %s (%d event(s))\n", args->out_file, events);
  });

  CLI::App* exp = duty->add_subcommand("export", "The centre's forms as .xlsx (表1, 表2, roster, compliance, staff)");
  exp->add_option("--form", args->form, "registrations, records, roster, compliance or staff")->required();
  exp->add_option("--month", args->month, "registrations, records, compliance: e.g. 2022-10");
  exp->add_option("--week-of", args->week_of, "roster: any date in the week");
  exp->add_option("--unit", args->unit, "one unit, by name or alias");
  exp->add_option("--out", args->out_file, "e.g. 表1-2022-10.xlsx")->required();
  AddClientFlags(exp, &args->client, kService, kDefaultAddress);
  exp->callback([args, stub, resolve, dates_ok, &out, &err, exit_code] {
    const int form = duty_cli::CheckChoice("--form", args->form, FormWords(), err, exit_code);
    if (form < 0 || !dates_ok() || !resolve()) return;
    pb::ExportRequest req;
    req.set_form(static_cast<pb::Form>(form + 1));
    req.set_month(args->month);
    req.set_week_of(args->week_of);
    req.set_unit(args->unit);
    pb::ExportResponse resp;
    auto ctx = args->client.Context();
    grpc::Status s = stub()->Export(ctx.get(), req, &resp);
    if (!s.ok()) return ReportError(err, s, exit_code);
    if (!duty_cli::WriteWholeFile(args->out_file, resp.xlsx(), err, exit_code)) return;
    out << absl::StrFormat("wrote %s (%d rows)\n", args->out_file, resp.rows());
  });

  CLI::App* audit = duty->add_subcommand("audit", "The duty audit trail, oldest first");
  audit->add_option("--subject", args->subject, "DR-…, DK-…, WS-…, QT-… or a leader id");
  AddClientFlags(audit, &args->client, kService, kDefaultAddress);
  audit->callback([args, stub, resolve, &out, &err, exit_code] {
    if (!resolve()) return;
    pb::ListAuditRequest req;
    req.set_subject(args->subject);
    int n = 0;
    do {
      pb::ListAuditResponse resp;
      auto ctx = args->client.Context();
      grpc::Status s = stub()->ListAudit(ctx.get(), req, &resp);
      if (!s.ok()) return ReportError(err, s, exit_code);
      for (const auto& e : resp.entries()) {
        const bool change = !e.before().empty() || !e.after().empty();
        out << absl::StrFormat("%s  %-14s %-22s %-10s%s%s\n", Time(e.at()), e.actor(), e.action(), e.subject(),
                               change ? "  " : "", change ? e.before() + " → " + e.after() : "");
        ++n;
      }
      req.mutable_page()->set_page_token(resp.page().next_page_token());
    } while (!req.page().page_token().empty());
    out << n << " audit entry(ies)\n";
  });
}

}  // namespace ys::ysctl
