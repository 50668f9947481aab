#include "tools/ysctl/ranking_commands.h"

#include <algorithm>
#include <chrono>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "tools/ysctl/client.h"
#include "tools/ysctl/csv.h"
#include "tools/ysctl/ranking_import.h"
#include "yingshang/ranking/v1/ingest.grpc.pb.h"
#include "yingshang/ranking/v1/query.grpc.pb.h"

namespace ys::ysctl {
namespace {

namespace pb = ::yingshang::ranking::v1;
constexpr char kService[] = "ranking";
constexpr char kDefaultAddress[] = "127.0.0.1:7102";

std::string Change(const pb::ScorecardRow& r) {
  if (!r.has_previous()) return "new";
  if (r.change() == 0) return "=";
  return absl::StrFormat("%s%d", r.change() > 0 ? "↑" : "↓", std::abs(r.change()));
}

// Whether `channel` connects before `deadline`. A refused or unknown address fails here, so the
// import can say that nothing was sent rather than that a failed call may have been stored.
bool Connects(grpc::Channel& channel, std::chrono::system_clock::time_point deadline) {
  for (auto state = channel.GetState(true); state != GRPC_CHANNEL_READY; state = channel.GetState(true)) {
    if (state == GRPC_CHANNEL_TRANSIENT_FAILURE || state == GRPC_CHANNEL_SHUTDOWN) return false;
    if (!channel.WaitForStateChange(state, deadline)) return false;
  }
  return true;
}

}  // namespace

void AddRankingCommands(CLI::App& app, std::ostream& out, std::ostream& err, int* exit_code) {
  struct Args {
    ClientOptions client;
    std::string region, period, indicator, scope = "city", file, from, to;
    bool dry_run = false;
    bool correction = false;
    bool all = false;
    bool tsv = false;
    int year = 0;
    std::string subject, code;
    std::vector<std::string> ids;
  };
  auto args = std::make_shared<Args>();
  auto stub = [args] { return pb::RankingQuery::NewStub(args->client.Channel()); };
  auto resolve = [args, &err, exit_code] {
    absl::Status s = ResolveClient(&args->client, kService, kDefaultAddress);
    if (!s.ok()) ReportError(err, s, exit_code);
    return s.ok();
  };
  CLI::App* rankings = app.add_subcommand("rankings", "Provincial rankings and their alerts");
  rankings->require_subcommand(1);

  CLI::App* import = rankings->add_subcommand(
      "import", "Submit a UTF-8 CSV of facts (header: " + std::string(kRankingCsvHeader) + ")");
  import->add_option("FILE", args->file, "CSV file")->required();
  import->add_flag("--dry-run", args->dry_run, "validate and report, store nothing");
  import->add_flag("--correction", args->correction, "office: write into locked periods");
  AddClientFlags(import, &args->client, kService, kDefaultAddress);
  import->callback([args, resolve, &out, &err, exit_code] {
    absl::StatusOr<std::string> text = ReadCsvText(args->file);
    if (!text.ok()) {
      err << "ysctl: " << text.status().message() << "\n";
      *exit_code = 2;
      return;
    }
    const RankingCsv csv = ParseRankingCsv(*text);
    if (!csv.problems.empty()) {
      for (const auto& p : csv.problems) out << absl::StrFormat("line %d: %s\n", p.line, p.message);
      out << args->file << ": refused whole, nothing sent and nothing stored; fix the lines above\n";
      *exit_code = 2;
      return;
    }
    if (csv.facts.empty()) {
      out << ReportImport(csv.lines, {}, args->dry_run).text;
      return;
    }
    if (!resolve()) return;
    const std::shared_ptr<grpc::Channel> channel = args->client.Channel();
    if (!Connects(*channel, std::chrono::system_clock::now() + std::chrono::seconds(args->client.timeout_seconds))) {
      err << "ysctl: cannot connect to the ranking service at " << args->client.address
          << ": nothing sent, nothing stored\n";
      *exit_code = 1;
      return;
    }
    auto stub = pb::RankingIngest::NewStub(channel);
    std::vector<SubmitCall> calls;
    for (size_t first = 0; first < csv.facts.size(); first += kFactsPerSubmitCall) {
      SubmitCall& call = calls.emplace_back();
      call.first = first;
      call.end = std::min(csv.facts.size(), first + kFactsPerSubmitCall);
      auto ctx = args->client.Context();
      auto writer = stub->Submit(ctx.get(), &call.response);
      for (size_t i = call.first; i < call.end; ++i) {
        pb::SubmitRequest req;
        *req.mutable_fact() = csv.facts[i];
        req.set_validate_only(args->dry_run);
        req.set_correction(args->correction);
        if (!writer->Write(req)) break;  // the stream is broken: Finish says why
      }
      writer->WritesDone();
      call.status = writer->Finish();
      if (!call.status.ok()) break;
    }
    const ImportReport report = ReportImport(csv.lines, calls, args->dry_run);
    out << report.text;
    *exit_code = report.exit_code;
  });

  CLI::App* card = rankings->add_subcommand("scorecard", "Every indicator of a region in a period");
  card->add_option("--region", args->region, "e.g. 3611 (上饶市) or 361102")->required();
  card->add_option("--period", args->period, "e.g. 2022-09")->required();
  AddClientFlags(card, &args->client, kService, kDefaultAddress);
  card->callback([args, stub, resolve, &out, &err, exit_code] {
    if (!resolve()) return;
    pb::GetScorecardRequest req;
    req.set_region_code(args->region);
    req.set_period(args->period);
    pb::Scorecard resp;
    auto ctx = args->client.Context();
    grpc::Status s = stub()->GetScorecard(ctx.get(), req, &resp);
    if (!s.ok()) return ReportError(err, s, exit_code);
    out << absl::StrFormat("%s %s, %s (change since %s; %s)\n", resp.region_code(), resp.region_name(),
                           resp.period(), resp.previous_period(),
                           resp.from_cache() ? "from Redis" : "from PostgreSQL");
    for (const auto& r : resp.rows()) {
      std::vector<std::string> units;
      for (const auto& u : r.units()) units.push_back(u.unit());
      out << absl::StrFormat("  %-4s %3d/%-3d %-5s %s  [%s]\n", r.indicator_code(), r.rank(), r.total(),
                             Change(r), r.indicator_name(), absl::StrJoin(units, "、"));
    }
    out << resp.rows_size() << " indicator(s)\n";
  });

  CLI::App* alerts = rankings->add_subcommand("alerts", "The alerts raised for a period");
  alerts->add_option("--period", args->period, "e.g. 2022-09")->required();
  alerts->add_flag("--tsv", args->tsv, "one line per alert: id, rule, severity, standing, withdrawn (for scripts)");
  AddClientFlags(alerts, &args->client, kService, kDefaultAddress);
  alerts->callback([args, stub, resolve, &out, &err, exit_code] {
    if (!resolve()) return;
    pb::ListAlertsRequest req;
    req.set_period(args->period);
    int n = 0;
    do {
      pb::ListAlertsResponse resp;
      auto ctx = args->client.Context();
      grpc::Status s = stub()->ListAlerts(ctx.get(), req, &resp);
      if (!s.ok()) return ReportError(err, s, exit_code);
      for (const auto& a : resp.alerts()) {
        if (args->tsv) {
          out << absl::StrFormat("%s\t%s\t%s\t%s\t%s\n", a.id(), pb::AlertRule_Name(a.rule()),
                                 pb::Severity_Name(a.severity()), pb::Standing_Name(a.standing()),
                                 a.withdrawn() ? absl::StrFormat("withdrawn:%d", a.withdrawn_by_revision()) : "");
          ++n;
          continue;
        }
        std::vector<std::string> units;
        for (const auto& u : a.units()) units.push_back(u.head().empty() ? u.unit() : u.unit() + "(" + u.head() + ")");
        out << absl::StrFormat("%-8s %s\n         领班 %s；责任单位 %s\n         %s\n",
                               a.severity() == pb::SEVERITY_CRITICAL ? "CRITICAL" : "warning",
                               a.message(), a.lead().empty() ? "—" : a.lead(),
                               units.empty() ? "—" : absl::StrJoin(units, "、"), a.consequence());
        if (a.withdrawn()) out << absl::StrFormat("         已撤回：第%d版更正后不再触发\n", a.withdrawn_by_revision());
        ++n;
      }
      req.mutable_page()->set_page_token(resp.page().next_page_token());
    } while (!req.page().page_token().empty());
    if (!args->tsv) out << n << " alert(s)\n";
  });

  CLI::App* history = rankings->add_subcommand("history", "One indicator's rank in one region over time");
  history->add_option("--indicator", args->indicator, "e.g. I03")->required();
  history->add_option("--region", args->region, "e.g. 3611")->required();
  history->add_option("--from", args->from, "first period, e.g. 2022-01")->required();
  history->add_option("--to", args->to, "last period, e.g. 2022-12")->required();
  AddClientFlags(history, &args->client, kService, kDefaultAddress);
  history->callback([args, stub, resolve, &out, &err, exit_code] {
    if (!resolve()) return;
    pb::GetHistoryRequest req;
    req.set_indicator_code(args->indicator);
    req.set_region_code(args->region);
    req.set_from_period(args->from);
    req.set_to_period(args->to);
    pb::History resp;
    auto ctx = args->client.Context();
    grpc::Status s = stub()->GetHistory(ctx.get(), req, &resp);
    if (!s.ok()) return ReportError(err, s, exit_code);
    for (const auto& p : resp.points()) {
      out << absl::StrFormat("  %-8s %s\n", p.period(),
                             p.present() ? absl::StrFormat("%d/%d", p.rank(), p.total()) : "—");
    }
  });

  CLI::App* completeness = rankings->add_subcommand(
      "completeness", "Which expected facts (上饶市 and its counties × 综合, L1 and L2) have arrived");
  completeness->add_option("--period", args->period, "e.g. 2022-09")->required();
  AddClientFlags(completeness, &args->client, kService, kDefaultAddress);
  completeness->callback([args, stub, resolve, &out, &err, exit_code] {
    if (!resolve()) return;
    pb::GetCompletenessRequest req;
    req.set_period(args->period);
    pb::Completeness resp;
    auto ctx = args->client.Context();
    grpc::Status s = stub()->GetCompleteness(ctx.get(), req, &resp);
    if (!s.ok()) return ReportError(err, s, exit_code);
    out << absl::StrFormat("%s: %d of %d expected facts arrived\n", resp.period(), resp.arrived(),
                           resp.expected());
    out << absl::StrFormat("  综合 and L1: %d of %d; L2: %d of %d\n",
                           resp.arrived() - resp.arrived_second_level(),
                           resp.expected() - resp.expected_second_level(), resp.arrived_second_level(),
                           resp.expected_second_level());
    int shown = 0;
    for (const auto& m : resp.missing()) {
      if (++shown > 20) {
        out << absl::StrFormat("  … and %d more\n", resp.missing_size() - 20);
        break;
      }
      out << absl::StrFormat("  missing %s %s (%s)\n", m.indicator_code(), m.region_code(),
                             m.level() == 0 ? "综合" : m.level() == 1 ? "L1" : "L2");
    }
  });

  CLI::App* show = rankings->add_subcommand("show", "One indicator's ranking, every region in order");
  show->add_option("--indicator", args->indicator, "e.g. I01 or C00")->required();
  show->add_option("--scope", args->scope, "city or county")->check(CLI::IsMember({"city", "county"}));
  show->add_option("--period", args->period, "e.g. 2022-09")->required();
  AddClientFlags(show, &args->client, kService, kDefaultAddress);
  show->callback([args, stub, resolve, &out, &err, exit_code] {
    if (!resolve()) return;
    pb::GetIndicatorRankingRequest req;
    req.set_indicator_code(args->indicator);
    req.set_scope(args->scope == "city" ? pb::SCOPE_CITY : pb::SCOPE_COUNTY);
    req.set_period(args->period);
    pb::IndicatorRanking resp;
    auto ctx = args->client.Context();
    grpc::Status s = stub()->GetIndicatorRanking(ctx.get(), req, &resp);
    if (!s.ok()) return ReportError(err, s, exit_code);
    out << absl::StrFormat("%s %s, %s scope, %s (%s)\n", resp.indicator_code(), resp.indicator_name(),
                           args->scope, resp.period(), resp.from_cache() ? "from Redis" : "from PostgreSQL");
    for (const auto& r : resp.regions()) {
      out << absl::StrFormat("  %3d/%-3d %s %s\n", r.rank(), r.total(), r.region_code(), r.region_name());
    }
  });

  auto ingest_stub = [args] { return pb::RankingIngest::NewStub(args->client.Channel()); };
  CLI::App* rejected = rankings->add_subcommand(
      "rejected", "Kafka submissions refused to ys.rankings.dlq.v1 (office)");
  rejected->add_flag("--all", args->all, "include those already replayed");
  rejected->add_option("--code", args->code, "only this rejection code, e.g. RV05");
  AddClientFlags(rejected, &args->client, kService, kDefaultAddress);
  rejected->callback([args, ingest_stub, resolve, &out, &err, exit_code] {
    if (!resolve()) return;
    pb::ListRejectedRequest req;
    req.set_include_replayed(args->all);
    req.set_code(args->code);
    int total = 0;
    do {
      pb::ListRejectedResponse resp;
      auto ctx = args->client.Context();
      grpc::Status s = ingest_stub()->ListRejected(ctx.get(), req, &resp);
      if (!s.ok()) return ReportError(err, s, exit_code);
      for (const auto& r : resp.rejected()) {
        out << absl::StrFormat("%s  %s  %s  [%s]%s\n    %s\n", r.id(), r.platform(), r.key(), r.code(),
                               r.replayed() ? " replayed" : absl::StrFormat(" attempts %d", r.attempts()),
                               r.error());
      }
      total = resp.total();
      req.mutable_page()->set_page_token(resp.page().next_page_token());
    } while (!req.page().page_token().empty());
    out << total << " rejected submission(s)\n";
  });

  CLI::App* replay = rankings->add_subcommand(
      "replay", "Run refused submissions again, e.g. after the catalog was fixed (office)");
  replay->add_option("--id", args->ids, "a rejected id (repeatable)");
  replay->add_flag("--all", args->all, "every one not replayed yet");
  replay->add_flag("--dry-run", args->dry_run, "report what a replay would do, change nothing");
  AddClientFlags(replay, &args->client, kService, kDefaultAddress);
  replay->callback([args, ingest_stub, resolve, &out, &err, exit_code] {
    if (!resolve()) return;
    pb::ReplayRequest req;
    for (const auto& id : args->ids) req.add_ids(id);
    req.set_all(args->all);
    req.set_validate_only(args->dry_run);
    pb::ReplayResponse resp;
    auto ctx = args->client.Context();
    grpc::Status s = ingest_stub()->Replay(ctx.get(), req, &resp);
    if (!s.ok()) return ReportError(err, s, exit_code);
    for (const auto& r : resp.results()) {
      out << absl::StrFormat("%s  %s  %s\n", r.event_id(),
                             pb::SubmitResult::Outcome_Name(r.outcome()).substr(8),
                             r.error().empty() ? r.fact_key() : r.error());
    }
    out << absl::StrFormat("%s%d accepted, %d still rejected\n",
                           resp.validate_only() ? "dry run, nothing changed: " : "", resp.accepted(),
                           resp.rejected());
    if (resp.rejected() > 0) *exit_code = 1;
  });
}

}  // namespace ys::ysctl
