#include "tools/ysctl/programme_commands.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "tools/ysctl/client.h"
#include "yingshang/indicator/v1/programme.grpc.pb.h"

namespace ys::ysctl {
namespace {
namespace pb = ::yingshang::indicator::v1;
}

void AddProgrammeCommands(CLI::App& app, std::ostream& out, std::ostream& err, int* exit_code) {
  struct Args {
    ClientOptions client;
    pb::ProgressReport report;
    std::string item, month, unit, status, text;
    int percent = 0;
  };
  auto args = std::make_shared<Args>();
  CLI::App* programme = app.add_subcommand("programme", "Monthly progress on the programme items");
  programme->require_subcommand(1);

  CLI::App* report = programme->add_subcommand("report", "Report a unit's progress on an item");
  report->add_option("--item", args->item, "A1..A8, R1..R3")->required();
  report->add_option("--month", args->month, "e.g. 2022-09")->required();
  report->add_option("--unit", args->unit, "reporting unit (name or alias)")->required();
  report->add_option("--status", args->status, "not_started|in_progress|done|blocked")->required();
  report->add_option("--percent", args->percent, "0..100")->required();
  report->add_option("--text", args->text, "what was done");
  AddClientFlags(report, &args->client, "indicator", "127.0.0.1:7101");
  report->callback([args, &out, &err, exit_code] {
    absl::Status resolved = ResolveClient(&args->client, "indicator", "127.0.0.1:7101");
    if (!resolved.ok()) return ReportError(err, resolved, exit_code);
    pb::ReportProgressRequest req;
    pb::ProgressStatus status = pb::PROGRESS_STATUS_UNSPECIFIED;
    if (!pb::ProgressStatus_Parse("PROGRESS_STATUS_" + absl::AsciiStrToUpper(args->status), &status)) {
      err << "ysctl: --status must be not_started, in_progress, done or blocked\n";
      *exit_code = 2;
      return;
    }
    req.mutable_report()->set_item_code(args->item);
    req.mutable_report()->set_month(args->month);
    req.mutable_report()->set_unit(args->unit);
    req.mutable_report()->set_status(status);
    req.mutable_report()->set_percent(args->percent);
    req.mutable_report()->set_text(args->text);
    pb::ProgressReport resp;
    auto ctx = args->client.Context();
    grpc::Status s =
        pb::ProgrammeService::NewStub(args->client.Channel())->ReportProgress(ctx.get(), req, &resp);
    if (!s.ok()) return ReportError(err, s, exit_code);
    out << absl::StrFormat("recorded %s %s %s: %d%% (version %d)\n", resp.item_code(), resp.month(),
                           resp.unit(), resp.percent(), resp.version());
  });

  CLI::App* progress = programme->add_subcommand("progress", "List a month's progress reports");
  progress->add_option("--month", args->month, "e.g. 2022-09")->required();
  progress->add_option("--item", args->item, "one item");
  progress->add_option("--unit", args->unit, "one unit");
  AddClientFlags(progress, &args->client, "indicator", "127.0.0.1:7101");
  progress->callback([args, &out, &err, exit_code] {
    absl::Status resolved = ResolveClient(&args->client, "indicator", "127.0.0.1:7101");
    if (!resolved.ok()) return ReportError(err, resolved, exit_code);
    pb::ListProgressRequest req;
    req.set_month(args->month);
    req.set_item_code(args->item);
    req.set_unit(args->unit);
    int n = 0;
    do {
      pb::ListProgressResponse resp;
      auto ctx = args->client.Context();
      grpc::Status s =
          pb::ProgrammeService::NewStub(args->client.Channel())->ListProgress(ctx.get(), req, &resp);
      if (!s.ok()) return ReportError(err, s, exit_code);
      for (const auto& r : resp.reports()) {
        std::string status = pb::ProgressStatus_Name(r.status()).substr(16);  // drop PROGRESS_STATUS_
        out << absl::StrFormat("%-4s %s %-12s %3d%%  %s  (%s, v%d)\n", r.item_code(), r.unit(),
                               absl::AsciiStrToLower(status), r.percent(), r.text(), r.reported_by(),
                               r.version());
        ++n;
      }
      req.mutable_page()->set_page_token(resp.page().next_page_token());
    } while (!req.page().page_token().empty());
    out << n << " report(s)\n";
  });
}

}  // namespace ys::ysctl
