#include "tools/ysctl/catalog_commands.h"

#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "tools/ysctl/client.h"
#include "yingshang/indicator/v1/catalog.grpc.pb.h"

namespace ys::ysctl {
namespace {

namespace pb = ::yingshang::indicator::v1;
constexpr char kService[] = "indicator";
constexpr char kDefaultAddress[] = "127.0.0.1:7101";

const char* ChangeWord(pb::EntityChange::Kind k) {
  switch (k) {
    case pb::EntityChange::KIND_ADDED: return "added";
    case pb::EntityChange::KIND_CHANGED: return "changed";
    case pb::EntityChange::KIND_RETIRED: return "retired";
    default: return "?";
  }
}

std::string LevelWord(pb::IndicatorLevel l) {
  switch (l) {
    case pb::INDICATOR_LEVEL_FIRST: return "L1";
    case pb::INDICATOR_LEVEL_SECOND: return "L2";
    case pb::INDICATOR_LEVEL_COMPOSITE: return "综合";
    default: return "?";
  }
}

std::string Units(const pb::Indicator& i) {
  std::vector<std::string> parts;
  for (const auto& u : i.units()) {
    parts.push_back(u.head().empty() ? u.unit() : absl::StrFormat("%s(%s)", u.unit(), u.head()));
  }
  return absl::StrJoin(parts, "、");
}

// "FILE:12: path" or "path" when the line is not known.
std::string Where(const std::string& file, const pb::ImportProblem& p) {
  return p.line() > 0 ? absl::StrFormat("%s:%d: %s", file, p.line(), p.path()) : p.path();
}

}  // namespace

void PrintImportResult(std::ostream& out, const std::string& file, const pb::ImportCatalogResponse& resp,
                       int* exit_code) {
  std::map<std::string, int> counts(resp.counts().begin(), resp.counts().end());
  std::vector<std::string> held;
  for (const auto& [type, n] : counts) held.push_back(absl::StrFormat("%d %s", n, type));
  out << file << ": " << absl::StrJoin(held, ", ") << "\n";
  std::map<std::string, int> per_kind;
  for (const auto& c : resp.changes()) {
    ++per_kind[absl::StrFormat("%s %s", ChangeWord(c.kind()), c.entity_type())];
    out << absl::StrFormat("  %-8s %-15s %-10s %s\n", ChangeWord(c.kind()), c.entity_type(), c.id(),
                           c.summary() == c.id() ? "" : c.summary());
  }
  std::vector<std::string> summary;
  for (const auto& [k, n] : per_kind) summary.push_back(absl::StrFormat("%d %s", n, k));
  out << (resp.changes().empty() ? "no changes" : absl::StrJoin(summary, ", ")) << "\n";
  for (const auto& w : resp.warnings()) out << "warning: " << Where(file, w) << ": " << w.message() << "\n";
  for (const auto& p : resp.problems()) out << "problem: " << Where(file, p) << ": " << p.message() << "\n";
  if (!resp.problems().empty()) {
    out << resp.problems_size() << " problem(s): nothing would be applied\n";
    *exit_code = 1;
    return;
  }
  out << (resp.applied() ? "applied" : "dry run: nothing applied") << "\n";
}

void ImportCatalogFile(ClientOptions* client, const std::string& file, bool dry_run,
                       const std::vector<std::string>& sections, std::ostream& out, std::ostream& err,
                       int* exit_code) {
  std::ifstream in(file);
  if (!in) {
    err << "ysctl: cannot read " << file << "\n";
    *exit_code = 2;
    return;
  }
  if (absl::Status s = ResolveClient(client, kService, kDefaultAddress); !s.ok()) {
    return ReportError(err, s, exit_code);
  }
  std::stringstream buf;
  buf << in.rdbuf();
  pb::ImportCatalogRequest req;
  req.set_yaml(buf.str());
  req.set_file_name(file);
  req.set_validate_only(dry_run);
  for (const std::string& section : sections) req.add_sections(section);
  pb::ImportCatalogResponse resp;
  auto ctx = client->Context();
  grpc::Status s = pb::CatalogService::NewStub(client->Channel())->ImportCatalog(ctx.get(), req, &resp);
  if (!s.ok()) return ReportError(err, s, exit_code);
  PrintImportResult(out, file, resp, exit_code);
}

void AddCatalogCommands(CLI::App& app, std::ostream& out, std::ostream& err, int* exit_code) {
  struct Args {
    ClientOptions client;
    std::string file;
    bool dry_run = false;
    bool include_retired = false;
    int level = 0;
    std::string code;
  };
  auto args = std::make_shared<Args>();
  auto stub = [args]() { return pb::CatalogService::NewStub(args->client.Channel()); };
  auto resolve = [args, &err, exit_code]() {
    absl::Status s = ResolveClient(&args->client, kService, kDefaultAddress);
    if (!s.ok()) ReportError(err, s, exit_code);
    return s.ok();
  };

  CLI::App* catalog = app.add_subcommand("catalog", "Import and export the programme catalog");
  catalog->require_subcommand(1);

  CLI::App* import = catalog->add_subcommand(
      "import", "Validate a catalog file (seed format) and apply the diff; --dry-run only reports");
  import->add_option("FILE", args->file, "catalog YAML")->required();
  import->add_flag("--dry-run", args->dry_run, "report problems and the diff, change nothing");
  AddClientFlags(import, &args->client, kService, kDefaultAddress);
  import->callback([args, &out, &err, exit_code] {
    ImportCatalogFile(&args->client, args->file, args->dry_run, {}, out, err, exit_code);
  });

  CLI::App* exp = catalog->add_subcommand("export", "Print the catalog in the import format");
  exp->add_flag("--include-retired", args->include_retired, "include retired entities");
  AddClientFlags(exp, &args->client, kService, kDefaultAddress);
  exp->callback([args, stub, resolve, &out, &err, exit_code] {
    if (!resolve()) return;
    pb::ExportCatalogRequest req;
    req.set_include_retired(args->include_retired);
    pb::ExportCatalogResponse resp;
    auto ctx = args->client.Context();
    grpc::Status s = stub()->ExportCatalog(ctx.get(), req, &resp);
    if (!s.ok()) return ReportError(err, s, exit_code);
    out << resp.yaml();
  });

  CLI::App* indicators = app.add_subcommand("indicators", "List indicators");
  CLI::App* list = indicators->add_subcommand("list", "List indicators (all pages)");
  indicators->require_subcommand(1);
  list->add_option("--level", args->level, "1 or 2 (default: all)")->check(CLI::Range(0, 2));
  AddClientFlags(list, &args->client, kService, kDefaultAddress);
  list->callback([args, stub, resolve, &out, &err, exit_code] {
    if (!resolve()) return;
    pb::ListIndicatorsRequest req;
    req.set_level(static_cast<pb::IndicatorLevel>(args->level));
    req.mutable_page()->set_page_size(500);
    int n = 0;
    do {
      pb::ListIndicatorsResponse resp;
      auto ctx = args->client.Context();
      grpc::Status s = stub()->ListIndicators(ctx.get(), req, &resp);
      if (!s.ok()) return ReportError(err, s, exit_code);
      for (const auto& i : resp.indicators()) {
        out << absl::StrFormat("%-7s %-4s %s  领班 %s  责任单位 %s\n", i.code(), LevelWord(i.level()),
                               i.name(), i.lead().empty() ? "—" : i.lead(), Units(i));
        ++n;
      }
      req.mutable_page()->set_page_token(resp.page().next_page_token());
    } while (!req.page().page_token().empty());
    out << n << " indicator(s)\n";
  });

  CLI::App* show = app.add_subcommand("indicator", "Show one indicator")->require_subcommand(1);
  CLI::App* show_cmd = show->add_subcommand("show", "Show an indicator by code");
  show_cmd->add_option("CODE", args->code, "e.g. I01")->required();
  AddClientFlags(show_cmd, &args->client, kService, kDefaultAddress);
  show_cmd->callback([args, stub, resolve, &out, &err, exit_code] {
    if (!resolve()) return;
    pb::GetIndicatorRequest req;
    req.set_code(args->code);
    pb::Indicator i;
    auto ctx = args->client.Context();
    grpc::Status s = stub()->GetIndicator(ctx.get(), req, &i);
    if (!s.ok()) return ReportError(err, s, exit_code);
    out << absl::StrFormat("%s %s (%s%s)\n", i.code(), i.name(), LevelWord(i.level()),
                           i.retired() ? ", retired" : "");
    if (!i.parent_code().empty()) out << "  parent       " << i.parent_code() << "\n";
    out << "  领班 lead     " << (i.lead().empty() ? "—" : i.lead()) << "\n";
    for (const auto& u : i.units()) {
      out << "  责任单位      " << u.unit() << (u.head().empty() ? "" : "  带班领导 " + u.head()) << "\n";
    }
    if (!i.valid_from().empty() || !i.valid_to().empty()) {
      out << "  valid        " << (i.valid_from().empty() ? "…" : i.valid_from()) << " – "
          << (i.valid_to().empty() ? "…" : i.valid_to()) << "\n";
    }
    out << "  provenance   " << i.provenance() << "\n";
  });
}

}  // namespace ys::ysctl
