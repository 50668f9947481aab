#include "tools/ysctl/goals_command.h"

#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/ysctl/client.h"
#include "yingshang/ranking/v1/query.grpc.pb.h"

namespace ys::ysctl {
namespace {

namespace pb = ::yingshang::ranking::v1;
constexpr char kService[] = "ranking";
constexpr char kDefaultAddress[] = "127.0.0.1:7102";

std::string StatusText(const pb::GoalStanding& g) {
  switch (g.status()) {
    case pb::GoalStanding::STATUS_MET: return absl::StrFormat("met, %d of %d", g.count(), g.required());
    case pb::GoalStanding::STATUS_NOT_MET:
      return absl::StrFormat("not met, %d of %d", g.count(), g.required());
    case pb::GoalStanding::STATUS_NO_DATA: return "no data (no fact for the period read)";
    case pb::GoalStanding::STATUS_NOT_MEASURED:
      return "not measured (not a ranking: the office records it)";
    default: return "unknown";
  }
}

std::string Item(const pb::GoalItem& i) {
  if (i.rank() == 0) return absl::StrFormat("%s %s no fact", i.code(), i.name());
  return absl::StrFormat("%s %s %d/%d", i.code(), i.name(), i.rank(), i.total());
}

}  // namespace

std::string FormatGoals(const pb::Goals& goals) {
  std::string out;
  if (goals.period().empty()) {
    absl::StrAppendFormat(&out, "Work plan §一 goals for %d: no facts in %d, nothing to read\n",
                          goals.year(), goals.year());
  } else {
    absl::StrAppendFormat(&out, "Work plan §一 goals for %d, read on %s\n", goals.year(), goals.period());
  }
  int n = 0;
  for (const pb::GoalStanding& g : goals.goals()) {
    absl::StrAppendFormat(&out, "%d. %s (%s)\n", ++n, g.plan_text(), g.citation());
    absl::StrAppendFormat(&out, "   reading: %s\n", g.reading());
    if (g.local_policy()) {
      absl::StrAppendFormat(&out, "            threshold: local policy (本办设定), config %s\n", g.config_key());
    }
    absl::StrAppendFormat(&out, "   status:  %s\n", StatusText(g));
    if (!g.summary().empty()) absl::StrAppendFormat(&out, "   %s\n", g.summary());
    if (g.status() != pb::GoalStanding::STATUS_MET && g.status() != pb::GoalStanding::STATUS_NOT_MET) continue;
    if (g.key() == "top_indicators") {
      // What counts here is the few at the top; the rest need no list.
      for (const auto& i : g.items()) {
        if (i.met()) absl::StrAppendFormat(&out, "   at the top: %s\n", Item(i));
      }
      if (g.count() < g.required()) {
        absl::StrAppendFormat(&out, "   short by %d\n", g.required() - g.count());
      }
      continue;
    }
    for (const auto& i : g.items()) {
      if (!i.met()) absl::StrAppendFormat(&out, "   misses: %s\n", Item(i));
    }
  }
  return out;
}

void AddGoalsCommand(CLI::App& app, std::ostream& out, std::ostream& err, int* exit_code) {
  struct Args {
    ClientOptions client;
    int year = 0;
    std::string period;
    std::string evaluation = "official";
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("goals", "Work plan §一's goals for a year and where each stands");
  cmd->add_option("--year", args->year, "e.g. 2022")->required();
  cmd->add_option("--period", args->period,
                  "the period to read, e.g. 2022Q3 (default: the year's own, else its latest with facts)");
  cmd->add_option("--evaluation", args->evaluation, "official, third_party, enterprise or department")
      ->check(CLI::IsMember({"official", "third_party", "enterprise", "department"}))
      ->capture_default_str();
  AddClientFlags(cmd, &args->client, kService, kDefaultAddress);
  cmd->callback([args, &out, &err, exit_code] {
    absl::Status resolved = ResolveClient(&args->client, kService, kDefaultAddress);
    if (!resolved.ok()) return ReportError(err, resolved, exit_code);
    pb::GetGoalsRequest req;
    req.set_year(args->year);
    req.set_period(args->period);
    pb::Evaluation evaluation = pb::EVALUATION_OFFICIAL;
    pb::Evaluation_Parse("EVALUATION_" + absl::AsciiStrToUpper(args->evaluation), &evaluation);
    req.set_evaluation(evaluation);
    pb::Goals resp;
    auto ctx = args->client.Context();
    grpc::Status s = pb::RankingQuery::NewStub(args->client.Channel())->GetGoals(ctx.get(), req, &resp);
    if (!s.ok()) return ReportError(err, s, exit_code);
    out << FormatGoals(resp);
  });
}

}  // namespace ys::ysctl
