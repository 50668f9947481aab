#include "tools/ysctl/ranking_commands.h"

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "tools/ysctl/client.h"
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

}  // namespace

void AddRankingCommands(CLI::App& app, std::ostream& out, std::ostream& err, int* exit_code) {
  struct Args {
    ClientOptions client;
    std::string region, period, indicator, scope = "city";
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
        std::vector<std::string> units;
        for (const auto& u : a.units()) units.push_back(u.head().empty() ? u.unit() : u.unit() + "(" + u.head() + ")");
        out << absl::StrFormat("%-8s %s\n         领班 %s；责任单位 %s\n         %s\n",
                               a.severity() == pb::SEVERITY_CRITICAL ? "CRITICAL" : "warning",
                               a.message(), a.lead().empty() ? "—" : a.lead(),
                               units.empty() ? "—" : absl::StrJoin(units, "、"), a.consequence());
        ++n;
      }
      req.mutable_page()->set_page_token(resp.page().next_page_token());
    } while (!req.page().page_token().empty());
    out << n << " alert(s)\n";
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
}

}  // namespace ys::ysctl
