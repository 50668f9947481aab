#include "tools/ysctl/case_commands.h"

#include "absl/strings/ascii.h"
#include "common/config/enum_name.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/time/clock.h"
#include "common/time/proto_time.h"
#include "tools/ysctl/client.h"
#include "yingshang/rectification/v1/rectification.grpc.pb.h"

namespace ys::ysctl {
namespace {

namespace pb = ::yingshang::rectification::v1;
constexpr char kService[] = "rectification";
constexpr char kDefaultAddress[] = "127.0.0.1:7103";

std::string StateName(pb::State s) { return absl::AsciiStrToLower(pb::State_Name(s).substr(6)); }

// The ladder step in words: 督办 (the work plan's step), a local step by its name (the office's
// local policy, so marked), the office's referral.
std::string Ladder(pb::Escalation e, const std::string& step) {
  switch (e) {
    case pb::ESCALATION_REMINDER: return "督办";
    case pb::ESCALATION_LOCAL_STEP:
      return absl::StrFormat("%s (local policy)", step.empty() ? "local step" : step);
    case pb::ESCALATION_REFERRED: return "移送市纪委监委(办公室决定)";
    default: return "";
  }
}

// What awaits the office or the reader on a case, for a list line.
std::string Marks(const pb::Case& c) {
  std::string out;
  if (c.alert_withdrawn()) out += " [alert withdrawn: office to keep or close]";
  if (c.referral_suggested()) out += " [referral suggested (local policy): office to decide]";
  if (c.resolution() == "withdrawn") out += " [closed: alert withdrawn]";
  if (c.following()) out += " [following]";
  return out;
}

std::string Line(const pb::Case& c) {
  return absl::StrFormat("%-9s %-11s due %s%s  %-14s %-6s %s%s", c.id(), StateName(c.state()), c.due_date(),
                         c.overdue() ? absl::StrFormat(" (overdue %dd%s%s)", c.days_overdue(),
                                                       c.escalation() ? ", " : "",
                                                       Ladder(c.escalation(), c.escalation_step()))
                                     : "",
                         c.unit(), c.indicator_code(), c.title(), Marks(c));
}

std::string Time(const google::protobuf::Timestamp& t) {
  return absl::FormatTime("%Y-%m-%d %H:%M", FromProtoTime(t), Shanghai());
}

void PrintCase(std::ostream& out, const pb::Case& c) {
  out << absl::StrFormat("%s  %s\n", c.id(), c.title());
  out << absl::StrFormat("  unit        %s%s%s%s\n", c.unit(), c.region_code().empty() ? "" : " (" + c.region_code() + ")",
                         c.head().empty() ? "" : ", 带班领导 " + c.head(), c.following() ? " — you follow this case" : "");
  for (const auto& f : c.followers()) {
    out << absl::StrFormat("  follower    %s%s (reads the case; the county reports)\n", f.unit(),
                           f.head().empty() ? "" : ", 带班领导 " + f.head());
  }
  out << absl::StrFormat("  origin      %s %s\n", absl::AsciiStrToLower(pb::Origin_Name(c.origin()).substr(7)),
                         c.origin_ref());
  if (!c.indicator_code().empty()) {
    out << absl::StrFormat("  indicator   %s %s %s (consecutive periods: %d%s%s)\n", c.indicator_code(),
                           c.period(), c.rule(), c.consecutive_periods(), c.linked_periods().empty() ? "" : "; ",
                           absl::StrJoin(c.linked_periods(), ", "));
  }
  if (!c.previous_case().empty()) {
    out << absl::StrFormat("  previous    %s (the same indicator's open case of an earlier period)\n", c.previous_case());
  }
  if (!c.lead().empty()) out << "  lead        " << c.lead() << "\n";
  out << absl::StrFormat("  state       %s%s; opened %s; due %s%s\n", StateName(c.state()),
                         c.resolution().empty() ? "" : " (" + c.resolution() + ")", Time(c.opened_at()),
                         c.due_date(),
                         c.overdue() ? absl::StrFormat("; overdue %d day(s), %s", c.days_overdue(),
                                                       Ladder(c.escalation(), c.escalation_step()))
                                     : "");
  if (c.has_referral()) {
    out << absl::StrFormat("  referred    %s by %s to 市纪委监委 (the office's decision): %s\n", Time(c.referral().at()),
                           c.referral().by(), c.referral().reason());
  }
  if (c.referral_suggested()) {
    out << "  suggestion  local policy suggests a referral to 市纪委监委: the office decides (ysctl case refer)\n";
  }
  if (c.alert_withdrawn()) {
    out << "  withdrawn   the ranking alert behind this case was withdrawn: the office keeps or closes it "
           "(ysctl case withdrawal ID --keep|--close --comment …)\n";
  }
  if (!c.description().empty()) out << "  " << c.description() << "\n";
  for (const auto& r : c.reports()) {
    out << absl::StrFormat("  report      %s %s%s: %s%s\n", Time(r.at()), r.author(), r.final() ? " (final)" : "",
                           r.text(), r.attachments().empty() ? "" : " [" + absl::StrJoin(r.attachments(), ", ") + "]");
  }
  for (const auto& v : c.verifications()) {
    out << absl::StrFormat("  verified    %s %s: %s %s\n", Time(v.at()), v.by(), v.passed() ? "pass" : "fail",
                           v.comment());
  }
  out << "  history\n";
  for (const auto& h : c.history()) {
    out << absl::StrFormat("    %s %-14s %-10s %s%s%s\n", Time(h.at()), h.actor(), h.action(),
                           h.before().empty() && h.after().empty() ? "" : h.before() + " → " + h.after(),
                           h.note().empty() ? "" : "  ", h.note());
  }
}

}  // namespace

void AddCaseCommands(CLI::App& app, std::ostream& out, std::ostream& err, int* exit_code) {
  struct Args {
    ClientOptions client;
    std::string id, unit, state, text, comment, as_of, quarter, month, to, reason, origin = "manual",
        title, description, indicator, period, origin_ref, head, lead;
    std::vector<std::string> attachments;
    bool overdue = false, final = false, pass = false, fail = false, keep = false, close_withdrawn = false;
  };
  auto args = std::make_shared<Args>();
  auto stub = [args] { return pb::RectificationService::NewStub(args->client.Channel()); };
  auto resolve = [args, &err, exit_code] {
    absl::Status s = ResolveClient(&args->client, kService, kDefaultAddress);
    if (!s.ok()) ReportError(err, s, exit_code);
    return s.ok();
  };
  // Runs one unary call that answers a case, and prints it.
  auto case_call = [args, stub, resolve, &out, &err, exit_code](auto method, auto make_request) {
    return [=, &out, &err] {
      if (!resolve()) return;
      auto req = make_request();
      pb::Case c;
      auto ctx = args->client.Context();
      grpc::Status s = (stub().get()->*method)(ctx.get(), req, &c);
      if (!s.ok()) return ReportError(err, s, exit_code);
      PrintCase(out, c);
    };
  };

  CLI::App* cases = app.add_subcommand("cases", "Rectification cases (限期整改)");
  cases->require_subcommand(1);
  CLI::App* list = cases->add_subcommand("list", "Cases in due-date order");
  list->add_option("--unit", args->unit,
                   "one unit, by name or alias, with the county cases it follows (a unit key always sees its own)");
  list->add_option("--state", args->state, "open, in_progress, reported, verified, closed, rejected, reopened");
  list->add_flag("--overdue", args->overdue, "only those past due now");
  AddClientFlags(list, &args->client, kService, kDefaultAddress);
  list->callback([args, stub, resolve, &out, &err, exit_code] {
    if (!resolve()) return;
    pb::ListCasesRequest req;
    req.set_unit(args->unit);
    if (!args->state.empty()) {
      pb::State s;
      if (!ParseEnumShortName("STATE_", args->state, &pb::State_Parse, &s)) {
        err << "ysctl: --state " << args->state << " is not a case state\n";
        *exit_code = 2;
        return;
      }
      req.set_state(s);
    }
    req.set_overdue_only(args->overdue);
    int total = 0;
    do {
      pb::ListCasesResponse resp;
      auto ctx = args->client.Context();
      grpc::Status s = stub()->ListCases(ctx.get(), req, &resp);
      if (!s.ok()) return ReportError(err, s, exit_code);
      for (const auto& c : resp.cases()) out << Line(c) << "\n";
      total = resp.total();
      req.mutable_page()->set_page_token(resp.page().next_page_token());
    } while (!req.page().page_token().empty());
    out << total << " case(s)\n";
  });

  CLI::App* overdue = cases->add_subcommand("overdue", "What is (or would be) overdue at the end of a date");
  overdue->add_option("--as-of", args->as_of, "e.g. 2022-11-20 (default: today)");
  AddClientFlags(overdue, &args->client, kService, kDefaultAddress);
  overdue->callback([args, stub, resolve, &out, &err, exit_code] {
    if (!resolve()) return;
    pb::OverdueRequest req;
    req.set_as_of(args->as_of);
    int n = 0;
    std::string as_of;
    do {
      pb::OverdueResponse resp;
      auto ctx = args->client.Context();
      grpc::Status s = stub()->ListOverdue(ctx.get(), req, &resp);
      if (!s.ok()) return ReportError(err, s, exit_code);
      as_of = resp.as_of();
      for (const auto& o : resp.cases()) {
        out << absl::StrFormat("%-12s %s\n", Ladder(o.level_at(), o.step_at()), Line(o.case_()));
        ++n;
      }
      req.mutable_page()->set_page_token(resp.page().next_page_token());
    } while (!req.page().page_token().empty());
    out << n << " case(s) overdue at the end of " << as_of << "\n";
  });

  CLI::App* stats = cases->add_subcommand("stats", "Per unit: opened, closed on time/late, open, overdue");
  auto* period_group = stats->add_option_group("period");
  period_group->add_option("--quarter", args->quarter, "e.g. 2022Q3");
  period_group->add_option("--month", args->month, "e.g. 2022-09");
  period_group->require_option(1);
  AddClientFlags(stats, &args->client, kService, kDefaultAddress);
  stats->callback([args, stub, resolve, &out, &err, exit_code] {
    if (!resolve()) return;
    pb::StatsRequest req;
    req.set_period(args->quarter.empty() ? args->month : args->quarter);
    pb::StatsResponse resp;
    auto ctx = args->client.Context();
    grpc::Status s = stub()->GetStats(ctx.get(), req, &resp);
    if (!s.ok()) return ReportError(err, s, exit_code);
    out << absl::StrFormat("cases opened in %s\n%-16s %6s %8s %6s %5s %7s %8s\n", resp.period(), "unit", "opened",
                           "on time", "late", "open", "overdue", "on-time");
    auto row = [&](const pb::UnitStats& x) {
      out << absl::StrFormat("%-16s %6d %8d %6d %5d %7d %7.0f%%\n", x.unit(), x.opened(), x.closed_on_time(),
                             x.closed_late(), x.open(), x.overdue(), 100 * x.on_time_rate());
    };
    for (const auto& x : resp.units()) row(x);
    row(resp.total());
  });

  CLI::App* one = app.add_subcommand("case", "One rectification case");
  one->require_subcommand(1);
  CLI::App* show = one->add_subcommand("show", "A case with its reports, verifications and history");
  show->add_option("ID", args->id, "e.g. RC-000001")->required();
  AddClientFlags(show, &args->client, kService, kDefaultAddress);
  show->callback(case_call(&pb::RectificationService::Stub::GetCase, [args] {
    pb::GetCaseRequest r;
    r.set_id(args->id);
    return r;
  }));

  CLI::App* report = one->add_subcommand("report", "Report progress (a unit on its own case)");
  report->add_option("ID", args->id)->required();
  report->add_option("--text", args->text, "what was done")->required();
  report->add_option("--attachment", args->attachments, "a reference (repeatable)");
  report->add_flag("--final", args->final, "the rectification is done: ask the office to verify");
  AddClientFlags(report, &args->client, kService, kDefaultAddress);
  report->callback(case_call(&pb::RectificationService::Stub::ReportProgress, [args] {
    pb::ReportProgressRequest r;
    r.set_id(args->id);
    r.set_text(args->text);
    for (const auto& a : args->attachments) r.add_attachments(a);
    r.set_final(args->final);
    return r;
  }));

  CLI::App* verify = one->add_subcommand("verify", "Verify a reported case (office)");
  verify->add_option("ID", args->id)->required();
  auto* verdict = verify->add_option_group("verdict");
  verdict->add_flag("--pass", args->pass, "the rectification stands");
  verdict->add_flag("--fail", args->fail, "back to the unit");
  verdict->require_option(1);
  verify->add_option("--comment", args->comment);
  AddClientFlags(verify, &args->client, kService, kDefaultAddress);
  verify->callback(case_call(&pb::RectificationService::Stub::VerifyCase, [args] {
    pb::VerifyCaseRequest r;
    r.set_id(args->id);
    r.set_passed(args->pass);
    r.set_comment(args->comment);
    return r;
  }));

  CLI::App* close = one->add_subcommand("close", "Close a verified case (销号, office)");
  close->add_option("ID", args->id)->required();
  close->add_option("--comment", args->comment);
  AddClientFlags(close, &args->client, kService, kDefaultAddress);
  close->callback(case_call(&pb::RectificationService::Stub::CloseCase, [args] {
    pb::CloseCaseRequest r;
    r.set_id(args->id);
    r.set_comment(args->comment);
    return r;
  }));

  CLI::App* reopen = one->add_subcommand("reopen", "Reopen a closed case (office)");
  reopen->add_option("ID", args->id)->required();
  reopen->add_option("--reason", args->reason)->required();
  AddClientFlags(reopen, &args->client, kService, kDefaultAddress);
  reopen->callback(case_call(&pb::RectificationService::Stub::ReopenCase, [args] {
    pb::ReopenCaseRequest r;
    r.set_id(args->id);
    r.set_reason(args->reason);
    return r;
  }));

  CLI::App* extend = one->add_subcommand("extend", "Move a deadline later, with a reason (office, audited)");
  extend->add_option("ID", args->id)->required();
  extend->add_option("--to", args->to, "the new due date, e.g. 2022-11-15")->required();
  extend->add_option("--reason", args->reason)->required();
  AddClientFlags(extend, &args->client, kService, kDefaultAddress);
  extend->callback(case_call(&pb::RectificationService::Stub::ExtendDeadline, [args] {
    pb::ExtendDeadlineRequest r;
    r.set_id(args->id);
    r.set_due_date(args->to);
    r.set_reason(args->reason);
    return r;
  }));

  CLI::App* refer = one->add_subcommand("refer", "Refer a case to 市纪委监委 (the office's decision, audited)");
  refer->add_option("ID", args->id)->required();
  refer->add_option("--reason", args->reason, "why (kept in the case's history and its event)")->required();
  AddClientFlags(refer, &args->client, kService, kDefaultAddress);
  refer->callback(case_call(&pb::RectificationService::Stub::ReferCase, [args] {
    pb::ReferCaseRequest r;
    r.set_id(args->id);
    r.set_reason(args->reason);
    return r;
  }));

  CLI::App* withdrawal = one->add_subcommand(
      "withdrawal", "Decide on a case whose ranking alert was withdrawn: keep it or close it (office, audited)");
  withdrawal->add_option("ID", args->id)->required();
  auto* decision = withdrawal->add_option_group("decision");
  decision->add_flag("--keep", args->keep, "the rectification continues");
  decision->add_flag("--close", args->close_withdrawn, "close the case as withdrawn");
  decision->require_option(1);
  withdrawal->add_option("--comment", args->comment, "the office's reason")->required();
  AddClientFlags(withdrawal, &args->client, kService, kDefaultAddress);
  withdrawal->callback(case_call(&pb::RectificationService::Stub::ReviewWithdrawal, [args] {
    pb::ReviewWithdrawalRequest r;
    r.set_id(args->id);
    r.set_keep(args->keep);
    r.set_comment(args->comment);
    return r;
  }));

  CLI::App* open = one->add_subcommand("open", "Open a case by hand (office)");
  open->add_option("--origin", args->origin,
                   "bulletin, inspection, negative_case, special_campaign or manual")
      ->capture_default_str();
  open->add_option("--ref", args->origin_ref, "the bulletin item, inspection report number …");
  open->add_option("--unit", args->unit, "the responsible unit (a catalog name or alias)")->required();
  open->add_option("--title", args->title)->required();
  open->add_option("--description", args->description);
  open->add_option("--indicator", args->indicator);
  open->add_option("--period", args->period);
  open->add_option("--head", args->head, "the unit's 带班领导 (a 督办 names them)");
  open->add_option("--lead", args->lead, "the indicator's 领班 (分管市领导)");
  AddClientFlags(open, &args->client, kService, kDefaultAddress);
  open->callback(case_call(&pb::RectificationService::Stub::OpenCase, [args] {
    pb::OpenCaseRequest r;
    pb::Origin o = pb::ORIGIN_UNSPECIFIED;
    ParseEnumShortName("ORIGIN_", args->origin, &pb::Origin_Parse, &o);
    r.set_origin(o);
    r.set_origin_ref(args->origin_ref);
    r.set_unit(args->unit);
    r.set_title(args->title);
    r.set_description(args->description);
    r.set_indicator_code(args->indicator);
    r.set_period(args->period);
    r.set_head(args->head);
    r.set_lead(args->lead);
    return r;
  }));
}

}  // namespace ys::ysctl
