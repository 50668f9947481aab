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
#include "tools/ysctl/duty_print.h"
#include "yingshang/duty/v1/duty.grpc.pb.h"

namespace ys::ysctl {

namespace {

namespace pb = ::yingshang::duty::v1;
using duty_cli::kDefaultAddress;
using duty_cli::kService;
using duty_print::FormWords;
using duty_print::PrintCompliance;
using duty_print::PrintDirectory;
using duty_print::PrintRecord;
using duty_print::PrintRegistration;
using duty_print::PrintRoster;
using duty_print::RecordLine;
using duty_print::RegistrationLine;
using duty_print::SessionWords;
using duty_print::Time;

}  // namespace

void AddDutyCommands(CLI::App& app, std::ostream& out, std::ostream& err, int* exit_code) {
  struct Args {
    ClientOptions client;
    std::string file, id, unit, leader, date, session, window, reason, from, to, registration, start, end, summary,
        received_on,
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
  reg->add_option("--received-on", args->received_on,
                  "with --paper: the day the centre received the form (提前一周 counts from it; default today)");
  AddClientFlags(reg, &args->client, kService, kDefaultAddress);
  reg->callback([args, stub, resolve, dates_ok, &out, &err, exit_code] {
    if (!dates_ok() || !duty_cli::CheckDate("--received-on", args->received_on, err, exit_code)) return;
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
    req.set_received_on(args->received_on);
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
