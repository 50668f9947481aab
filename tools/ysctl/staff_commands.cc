#include "tools/ysctl/staff_commands.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/time/clock.h"
#include "common/time/proto_time.h"
#include "tools/ysctl/client.h"
#include "tools/ysctl/duty_cli.h"
#include "tools/ysctl/duty_print.h"
#include "yingshang/duty/v1/duty.grpc.pb.h"

namespace ys::ysctl {
namespace {

namespace pb = ::yingshang::duty::v1;
using duty_cli::kDefaultAddress;
using duty_cli::kService;

// The command line's words, in each enum's order after UNSPECIFIED.
const std::vector<std::string>& EmploymentWords() {
  static const auto* words = new std::vector<std::string>{"on", "off"};
  return *words;
}
const std::vector<std::string>& PathWords() {
  static const auto* words = new std::vector<std::string>{"misconduct", "disobedience"};
  return *words;
}

std::string EmploymentName(pb::Employment e) {
  switch (e) {
    case pb::EMPLOYMENT_ON_PAYROLL: return "在编";
    case pb::EMPLOYMENT_OFF_PAYROLL: return "非在编";
    default: return "?";
  }
}

// The rule in a few words; each finding also carries the 办法's own words (plan_words).
std::string StaffRuleName(pb::StaffRule r) {
  switch (r) {
    case pb::STAFF_RULE_PAYROLL_RATE: return "在编率≥50%";
    case pb::STAFF_RULE_APPROVAL_ON_PAYROLL: return "审批人员在编在岗";
    case pb::STAFF_RULE_CHIEF_IS_HEAD: return "首席代表由科室负责人担任";
    case pb::STAFF_RULE_HEAD_POSTED: return "审批科长进驻窗口";
    case pb::STAFF_RULE_ROTATION_LETTER: return "两年内换人须函告";
    case pb::STAFF_RULE_REPLACEMENT: return "清退后及时调整人员";
    default: return "?";
  }
}

std::string MarkName(pb::AttendanceMark m) {
  switch (m) {
    case pb::ATTENDANCE_MARK_ON_TIME: return "正常";
    case pb::ATTENDANCE_MARK_LATE: return "迟到";
    case pb::ATTENDANCE_MARK_EARLY: return "早退";
    case pb::ATTENDANCE_MARK_ABSENT: return "旷工";
    case pb::ATTENDANCE_MARK_LATE_AND_EARLY: return "迟到、早退";
    default: return "?";
  }
}

// 办法 12's two paths of 一票清退, in its words.
std::string PathName(pb::DismissalPath p) {
  switch (p) {
    case pb::DISMISSAL_PATH_MISCONDUCT: return "一 违法违纪或不能胜任工作：发函清退回原单位";
    case pb::DISMISSAL_PATH_DISOBEDIENCE:
      return "二 经多次批评教育后仍不服从管理：书面报送纪检监察和组织人事部门，抄送原单位";
    default: return "?";
  }
}

using duty_print::Time;

std::string StaffLine(const pb::StaffMember& m) {
  std::vector<std::string> roles;
  if (m.approval_staff()) roles.push_back("行政审批人员");
  if (m.section_head()) roles.push_back("审批科长");
  if (m.chief_representative()) roles.push_back("首席代表");
  std::string line = absl::StrFormat("%-9s %s  %s  %s  %s%s  posted %s (派驻函 %s)", m.id(), m.unit(), m.window(),
                                     m.name(), EmploymentName(m.employment()),
                                     roles.empty() ? "" : " " + absl::StrJoin(roles, "、"), m.posted_date(),
                                     m.posting_letter());
  if (!m.clock_id().empty()) line += "  clock " + m.clock_id();
  if (!m.active()) {
    line += absl::StrFormat("  [left %s: %s%s]", m.left_date(), m.leave_reason(),
                            m.leave_letter().empty() ? "" : ", 函 " + m.leave_letter());
  }
  return line;
}

std::string AttendanceLineText(const pb::AttendanceLine& a) {
  return absl::StrFormat("%s  %-9s %s  %s  in %s  out %s  %s", a.date(), a.staff_id(), a.name(), a.unit(),
                         a.clock_in().empty() ? "--:--" : a.clock_in(),
                         a.clock_out().empty() ? "--:--" : a.clock_out(), MarkName(a.mark()));
}

void PrintDismissal(std::ostream& out, const pb::Dismissal& d) {
  out << absl::StrFormat("%s  一票清退 (办法 12)  %s (%s), %s\n", d.id(), d.name(), d.staff_id(), d.unit());
  out << absl::StrFormat("  path          %s\n", PathName(d.path()));
  out << absl::StrFormat("  reason        %s\n", d.reason());
  out << absl::StrFormat("  letter        %s\n", d.letter());
  out << absl::StrFormat("  date          %s\n", d.date());
  out << absl::StrFormat("  reported to   %s\n", d.reported_to().empty() ? "(none on this path)"
                                                                         : absl::StrJoin(d.reported_to(), "、"));
  out << absl::StrFormat("  copied to     %s\n", d.copied_to().empty() ? "(none)" : absl::StrJoin(d.copied_to(), "、"));
  if (!d.replacement_id().empty()) {
    out << absl::StrFormat("  replacement   %s (due %s)\n", d.replacement_id(), d.replacement_due_date());
  } else {
    out << absl::StrFormat("  replacement   due %s (原单位接函后须及时调整人员; the days are local policy)%s\n",
                           d.replacement_due_date(), d.replacement_overdue() ? " — OVERDUE" : "");
  }
  out << absl::StrFormat("  recorded      %s by %s\n", Time(d.recorded_at()), d.recorded_by());
}

}  // namespace

void AddStaffCommands(CLI::App& app, std::ostream& out, std::ostream& err, int* exit_code) {
  struct Args {
    ClientOptions client;
    std::string id, unit, window, name, employment, posted, letter, clock_id, date, reason, as_of, file, month,
        path, by;
    bool approval = false, section_head = false, chief = false, all = false, dry_run = false;
    int criticisms = 0;
  };
  auto args = std::make_shared<Args>();
  auto stub = [args] { return pb::DutyService::NewStub(args->client.Channel()); };
  auto resolve = [args, &err, exit_code] {
    absl::Status s = ResolveClient(&args->client, kService, kDefaultAddress);
    if (!s.ok()) ReportError(err, s, exit_code);
    return s.ok();
  };
  // The checks of date and month flags before any call.
  auto dates_ok = [args, &err, exit_code] {
    return duty_cli::CheckDate("--posted", args->posted, err, exit_code) &&
           duty_cli::CheckDate("--date", args->date, err, exit_code) &&
           duty_cli::CheckDate("--as-of", args->as_of, err, exit_code) &&
           duty_cli::CheckMonth("--month", args->month, err, exit_code);
  };
  // One call that answers a member, printed as a line.
  auto member_call = [args, stub, resolve, dates_ok, &out, &err, exit_code](auto method, auto make_request) {
    return [=, &out, &err] {
      if (!dates_ok()) return;
      auto req = make_request();
      if (!req.has_value() || !resolve()) return;
      pb::StaffMember m;
      auto ctx = args->client.Context();
      grpc::Status s = (stub().get()->*method)(ctx.get(), *req, &m);
      if (!s.ok()) return ReportError(err, s, exit_code);
      out << StaffLine(m) << "\n";
    };
  };
  auto dismissal_call = [args, stub, resolve, dates_ok, &out, &err, exit_code](auto method, auto make_request) {
    return [=, &out, &err] {
      if (!dates_ok()) return;
      auto req = make_request();
      if (!req.has_value() || !resolve()) return;
      pb::Dismissal d;
      auto ctx = args->client.Context();
      grpc::Status s = (stub().get()->*method)(ctx.get(), *req, &d);
      if (!s.ok()) return ReportError(err, s, exit_code);
      PrintDismissal(out, d);
    };
  };

  CLI::App* staff = app.add_subcommand("staff", "Window staff at the service centre (窗口工作人员管理办法)");
  staff->require_subcommand(1);

  CLI::App* add = staff->add_subcommand("add", "Add a posted member (办法 3: posted by a formal letter)");
  add->add_option("--unit", args->unit, "派驻部门, by name or alias")->required();
  add->add_option("--window", args->window, "window code")->required();
  add->add_option("--name", args->name)->required();
  add->add_option("--employment", args->employment, "on (在编) or off (非在编)")->required();
  add->add_flag("--approval", args->approval, "行政审批人员");
  add->add_flag("--section-head", args->section_head, "行政审批科室负责人 (科长)");
  add->add_flag("--chief", args->chief, "窗口首席代表");
  add->add_option("--posted", args->posted, "the date posted, e.g. 2021-03-01")->required();
  add->add_option("--letter", args->letter, "the posting letter (派驻函)")->required();
  add->add_option("--clock-id", args->clock_id, "the attendance system's id for the person");
  AddClientFlags(add, &args->client, kService, kDefaultAddress);
  add->callback(member_call(&pb::DutyService::Stub::AddStaff, [args, &err, exit_code]() -> std::optional<pb::AddStaffRequest> {
    const int employment = duty_cli::CheckChoice("--employment", args->employment, EmploymentWords(), err, exit_code);
    if (employment < 0) return std::nullopt;
    pb::AddStaffRequest r;
    pb::StaffMember* m = r.mutable_member();
    m->set_unit(args->unit);
    m->set_window(args->window);
    m->set_name(args->name);
    m->set_employment(static_cast<pb::Employment>(employment + 1));
    m->set_approval_staff(args->approval);
    m->set_section_head(args->section_head);
    m->set_chief_representative(args->chief);
    m->set_posted_date(args->posted);
    m->set_posting_letter(args->letter);
    m->set_clock_id(args->clock_id);
    return r;
  }));

  CLI::App* list = staff->add_subcommand("list", "Window staff by unit");
  list->add_option("--unit", args->unit, "one unit, by name or alias");
  list->add_flag("--all", args->all, "those who left too");
  AddClientFlags(list, &args->client, kService, kDefaultAddress);
  list->callback([args, stub, resolve, &out, &err, exit_code] {
    if (!resolve()) return;
    pb::ListStaffRequest req;
    req.set_unit(args->unit);
    req.set_include_inactive(args->all);
    pb::ListStaffResponse resp;
    auto ctx = args->client.Context();
    grpc::Status s = stub()->ListStaff(ctx.get(), req, &resp);
    if (!s.ok()) return ReportError(err, s, exit_code);
    for (const auto& m : resp.staff()) out << StaffLine(m) << "\n";
    out << resp.staff_size() << " member(s)\n";
  });

  CLI::App* rotate = staff->add_subcommand(
      "rotate", "Rotate a member out (办法 3: before two years only with the unit's formal letter, 函告)");
  rotate->add_option("ID", args->id, "e.g. WS-000001")->required();
  rotate->add_option("--date", args->date, "the day they leave")->required();
  rotate->add_option("--letter", args->letter, "the unit's 函告 (required before two years)");
  rotate->add_option("--reason", args->reason)->required();
  AddClientFlags(rotate, &args->client, kService, kDefaultAddress);
  rotate->callback(member_call(&pb::DutyService::Stub::RotateStaff, [args]() -> std::optional<pb::RotateStaffRequest> {
    pb::RotateStaffRequest r;
    r.set_id(args->id);
    r.set_date(args->date);
    r.set_letter(args->letter);
    r.set_reason(args->reason);
    return r;
  }));

  CLI::App* check = staff->add_subcommand("check", "Every staff rule of the 办法, kept and broken");
  check->add_option("--unit", args->unit, "one unit, by name or alias");
  check->add_option("--as-of", args->as_of, "date (default: today)");
  AddClientFlags(check, &args->client, kService, kDefaultAddress);
  check->callback([args, stub, resolve, dates_ok, &out, &err, exit_code] {
    if (!dates_ok() || !resolve()) return;
    pb::StaffCheckRequest req;
    req.set_unit(args->unit);
    req.set_as_of(args->as_of);
    pb::StaffCheckReport resp;
    auto ctx = args->client.Context();
    grpc::Status s = stub()->CheckStaff(ctx.get(), req, &resp);
    if (!s.ok()) return ReportError(err, s, exit_code);
    out << "staff check as of " << resp.as_of() << "\n";
    for (const auto& f : resp.findings()) {
      out << absl::StrFormat("%s  %s  %s  %s%s\n", f.kept() ? "符合" : "不符合", f.unit(), StaffRuleName(f.rule()),
                             f.text(),
                             f.staff_id().empty() || absl::StrContains(f.text(), f.staff_id()) ? ""
                                                                                : " (" + f.staff_id() + ")");
    }
    out << absl::StrFormat("符合 %d, 不符合 %d\n", resp.kept(), resp.broken());
  });

  CLI::App* attendance = staff->add_subcommand("attendance", "Clock-in exceptions (办法 4: 不迟到、不早退、不旷工)");
  attendance->require_subcommand(0, 1);
  attendance->add_option("--month", args->month, "e.g. 2022-10");
  attendance->add_option("--unit", args->unit, "one unit, by name or alias");
  AddClientFlags(attendance, &args->client, kService, kDefaultAddress);
  CLI::App* import = attendance->add_subcommand(
      "import", "Import clock-in data (CSV: clock_id,date,clock_in,clock_out; centre; all or nothing)");
  import->add_option("FILE", args->file, "e.g. attendance-2022-10.csv")->required();
  import->add_flag("--dry-run", args->dry_run, "check and show the exceptions; apply nothing");
  AddClientFlags(import, &args->client, kService, kDefaultAddress);
  attendance->callback([args, stub, resolve, dates_ok, import, &out, &err, exit_code] {
    if (import->parsed()) return;  // the subcommand did the work
    if (!duty_cli::CheckRequired("--month", args->month, err, exit_code) || !dates_ok() || !resolve()) return;
    pb::AttendanceReportRequest req;
    req.set_month(args->month);
    req.set_unit(args->unit);
    pb::AttendanceReportResponse resp;
    auto ctx = args->client.Context();
    grpc::Status s = stub()->GetAttendance(ctx.get(), req, &resp);
    if (!s.ok()) return ReportError(err, s, exit_code);
    for (const auto& a : resp.exceptions()) out << AttendanceLineText(a) << "\n";
    out << absl::StrFormat("%d exception(s) in %d working day(s) checked, %s\n", resp.exceptions_size(),
                           resp.days_checked(), args->month);
  });
  import->callback([args, stub, resolve, &out, &err, exit_code] {
    pb::ImportAttendanceRequest req;
    if (!duty_cli::ReadWholeFile(args->file, req.mutable_csv(), err, exit_code)) return;
    if (!resolve()) return;
    req.set_validate_only(args->dry_run);
    pb::ImportAttendanceResponse resp;
    auto ctx = args->client.Context();
    grpc::Status s = stub()->ImportAttendance(ctx.get(), req, &resp);
    if (!s.ok()) return ReportError(err, s, exit_code);
    out << absl::StrFormat("%s: %d row(s) on working days, %d exception(s), %d error(s)\n", args->file, resp.rows(),
                           resp.exceptions_size(), resp.errors_size());
    for (const auto& e : resp.errors()) out << "error: " << e << "\n";
    for (const auto& a : resp.exceptions()) out << "  " << AttendanceLineText(a) << "\n";
    if (!resp.errors().empty()) {
      out << resp.errors_size() << " error(s): nothing applied\n";
      *exit_code = 1;
      return;
    }
    out << (resp.applied() ? "applied" : "dry run: nothing applied") << "\n";
  });

  CLI::App* dismiss = staff->add_subcommand("dismiss", "一票清退 (办法 12; centre)");
  dismiss->add_option("ID", args->id, "the member, e.g. WS-000001")->required();
  dismiss->add_option("--path", args->path,
                      "misconduct (一: 违法违纪或不能胜任) or disobedience (二: 多次批评教育后仍不服从管理)")
      ->required();
  dismiss->add_option("--reason", args->reason)->required();
  dismiss->add_option("--letter", args->letter, "the centre's 函 (一) or written report (二)")->required();
  dismiss->add_option("--date", args->date)->required();
  dismiss->add_option("--criticisms", args->criticisms, "disobedience: the times criticised (at least two)");
  AddClientFlags(dismiss, &args->client, kService, kDefaultAddress);
  dismiss->callback(dismissal_call(&pb::DutyService::Stub::Dismiss, [args, &err, exit_code]() -> std::optional<pb::DismissRequest> {
    const int path = duty_cli::CheckChoice("--path", args->path, PathWords(), err, exit_code);
    if (path < 0) return std::nullopt;
    pb::DismissRequest r;
    r.set_staff_id(args->id);
    r.set_path(static_cast<pb::DismissalPath>(path + 1));
    r.set_reason(args->reason);
    r.set_letter(args->letter);
    r.set_date(args->date);
    r.set_criticisms(args->criticisms);
    return r;
  }));

  CLI::App* replace = staff->add_subcommand("replace", "Record the unit's replacement after a 一票清退");
  replace->add_option("DISMISSAL_ID", args->id, "e.g. QT-000001")->required();
  replace->add_option("--by", args->by, "the new member (added with staff add), e.g. WS-000007")->required();
  AddClientFlags(replace, &args->client, kService, kDefaultAddress);
  replace->callback(dismissal_call(&pb::DutyService::Stub::RecordReplacement, [args]() -> std::optional<pb::ReplaceRequest> {
    pb::ReplaceRequest r;
    r.set_dismissal_id(args->id);
    r.set_replacement_id(args->by);
    return r;
  }));

  CLI::App* dismissals = staff->add_subcommand("dismissals", "一票清退 records, with overdue replacements marked");
  dismissals->add_option("--unit", args->unit, "one unit, by name or alias");
  AddClientFlags(dismissals, &args->client, kService, kDefaultAddress);
  dismissals->callback([args, stub, resolve, &out, &err, exit_code] {
    if (!resolve()) return;
    pb::ListDismissalsRequest req;
    req.set_unit(args->unit);
    pb::ListDismissalsResponse resp;
    auto ctx = args->client.Context();
    grpc::Status s = stub()->ListDismissals(ctx.get(), req, &resp);
    if (!s.ok()) return ReportError(err, s, exit_code);
    int overdue = 0;
    for (const auto& d : resp.dismissals()) {
      std::string replacement = d.replacement_id().empty()
                                    ? absl::StrFormat("replacement due %s", d.replacement_due_date())
                                    : "replaced by " + d.replacement_id();
      if (d.replacement_overdue()) {
        replacement += " [replacement overdue]";
        ++overdue;
      }
      out << absl::StrFormat("%-9s %s  %s  %s (%s)  path %s  %s\n", d.id(), d.date(), d.unit(), d.name(), d.staff_id(),
                             d.path() == pb::DISMISSAL_PATH_MISCONDUCT ? "一" : "二", replacement);
    }
    out << absl::StrFormat("%d dismissal(s), %d replacement(s) overdue\n", resp.dismissals_size(), overdue);
  });
}

}  // namespace ys::ysctl
