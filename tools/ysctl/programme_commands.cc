#include "tools/ysctl/programme_commands.h"

#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "tools/ysctl/catalog_commands.h"
#include "tools/ysctl/client.h"
#include "yingshang/indicator/v1/catalog.grpc.pb.h"
#include "yingshang/indicator/v1/programme.grpc.pb.h"

namespace ys::ysctl {
namespace {
namespace pb = ::yingshang::indicator::v1;

// --kind words and the kinds they select (all: unspecified).
struct KindWordEntry {
  const char* word;
  pb::ProgrammeItemKind kind;
};
constexpr KindWordEntry kKindWords[] = {{"all", pb::PROGRAMME_ITEM_KIND_UNSPECIFIED},
                                        {"task", pb::PROGRAMME_ITEM_KIND_ENVIRONMENT_TASK},
                                        {"environment", pb::PROGRAMME_ITEM_KIND_ENVIRONMENT},
                                        {"action", pb::PROGRAMME_ITEM_KIND_ACTION},
                                        {"reform", pb::PROGRAMME_ITEM_KIND_ONE_THING_REFORM}};

pb::ProgrammeItemKind KindOf(const std::string& word) {
  for (const auto& k : kKindWords) {
    if (word == k.word) return k.kind;
  }
  return pb::PROGRAMME_ITEM_KIND_UNSPECIFIED;
}

std::string KindWord(pb::ProgrammeItemKind kind) {
  for (const auto& k : kKindWords) {
    if (kind == k.kind) return k.word;
  }
  return "?";
}

// Every item the request selects, all pages.
grpc::Status ListItems(const ClientOptions& client, pb::ListProgrammeItemsRequest req,
                       std::vector<pb::ProgrammeItem>* out) {
  req.mutable_page()->set_page_size(500);
  do {
    pb::ListProgrammeItemsResponse resp;
    auto ctx = client.Context();
    grpc::Status s = pb::CatalogService::NewStub(client.Channel())->ListProgrammeItems(ctx.get(), req, &resp);
    if (!s.ok()) return s;
    out->insert(out->end(), resp.items().begin(), resp.items().end());
    req.mutable_page()->set_page_token(resp.page().next_page_token());
  } while (!req.page().page_token().empty());
  return grpc::Status::OK;
}

}  // namespace

void AddProgrammeCommands(CLI::App& app, std::ostream& out, std::ostream& err, int* exit_code) {
  struct Args {
    ClientOptions client;
    pb::ProgressReport report;
    std::string item, month, unit, status, text;
    int percent = 0;
    std::string file, kind = "all", environment;
    bool dry_run = false;
    bool include_retired = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* programme = app.add_subcommand("programme", "Monthly progress on the programme items");
  programme->require_subcommand(1);

  CLI::App* report = programme->add_subcommand("report", "Report a unit's progress on an item");
  report->add_option("--item", args->item, "A1..A8, R1..R3, T01..T30")->required();
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

  CLI::App* import = programme->add_subcommand(
      "import", "Load the 五大环境 and their 30 tasks (a file of environments / environment_tasks, "
                "data/programme/README.md); --dry-run only reports");
  import->add_option("FILE", args->file, "e.g. data/programme/tasks.sample.yaml")->required();
  import->add_flag("--dry-run", args->dry_run, "report problems, warnings and the diff, change nothing");
  AddClientFlags(import, &args->client, "indicator", "127.0.0.1:7101");
  import->callback([args, &out, &err, exit_code] {
    // Only the programme's sections: a catalog file sent here by mistake retires nothing.
    ImportCatalogFile(&args->client, args->file, args->dry_run, {"environments", "environment_tasks"}, out, err,
                      exit_code);
  });

  CLI::App* list = programme->add_subcommand("list", "List the programme items: tasks, environments, actions, reforms");
  list->add_option("--kind", args->kind, "task|environment|action|reform|all")
      ->check(CLI::IsMember({"task", "environment", "action", "reform", "all"}))
      ->capture_default_str();
  list->add_option("--environment", args->environment, "only the tasks of one 环境, e.g. E1");
  list->add_flag("--include-retired", args->include_retired, "include retired items");
  AddClientFlags(list, &args->client, "indicator", "127.0.0.1:7101");
  list->callback([args, &out, &err, exit_code] {
    absl::Status resolved = ResolveClient(&args->client, "indicator", "127.0.0.1:7101");
    if (!resolved.ok()) return ReportError(err, resolved, exit_code);
    pb::ListProgrammeItemsRequest req;
    req.set_kind(KindOf(args->kind));
    req.set_environment(args->environment);
    req.set_include_retired(args->include_retired);
    std::vector<pb::ProgrammeItem> items;
    grpc::Status s = ListItems(args->client, req, &items);
    if (!s.ok()) return ReportError(err, s, exit_code);
    // The environments' names, for the tasks' 环境 column.
    std::map<std::string, std::string> environments;
    std::vector<pb::ProgrammeItem> all_environments;
    pb::ListProgrammeItemsRequest envs;
    envs.set_kind(pb::PROGRAMME_ITEM_KIND_ENVIRONMENT);
    envs.set_include_retired(true);
    s = ListItems(args->client, envs, &all_environments);
    if (!s.ok()) return ReportError(err, s, exit_code);
    for (const auto& e : all_environments) environments[e.code()] = e.name();
    for (const auto& i : items) {
      std::string line = absl::StrFormat("%-4s %-11s %s", i.code(), KindWord(i.kind()), i.name());
      if (!i.environment().empty()) {
        auto e = environments.find(i.environment());
        line += absl::StrFormat("  环境 %s %s", i.environment(), e == environments.end() ? "?" : e->second);
      }
      if (!i.lead_units().empty()) line += "  牵头 " + absl::StrJoin(i.lead_units(), "、");
      if (!i.provenance().empty()) line += "  [" + i.provenance() + "]";
      if (i.retired()) line += "  (retired)";
      out << line << "\n";
    }
    out << items.size() << " item(s)\n";
  });
}

}  // namespace ys::ysctl
