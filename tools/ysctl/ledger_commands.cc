#include "tools/ysctl/ledger_commands.h"

#include <memory>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/time/clock.h"
#include "common/time/proto_time.h"
#include "tools/ysctl/client.h"
#include "yingshang/ranking/v1/ingest.grpc.pb.h"
#include "yingshang/ranking/v1/query.grpc.pb.h"

namespace ys::ysctl {
namespace {

namespace pb = ::yingshang::ranking::v1;
constexpr char kService[] = "ranking";
constexpr char kDefaultAddress[] = "127.0.0.1:7102";

// "扣发绩效奖金5%；取消评优评先资格；表态发言×2；检讨发言", or "" for nothing.
std::string Costs(const pb::LedgerSummary& s, bool county) {
  std::vector<std::string> what;
  if (s.bonus_withheld()) what.push_back("扣发年终绩效奖金的5%");
  if (s.excellence_barred()) what.push_back(county ? "党政领导不得评为优秀" : "取消评优评先资格");
  if (s.statements() > 0) what.push_back(absl::StrFormat("表态发言×%d", s.statements()));
  if (s.self_criticism()) what.push_back("检讨发言");
  return absl::StrJoin(what, "；");
}

const char* StandingWord(const pb::Consequence& c) {
  if (c.withdrawn()) return "已撤回";
  switch (c.standing()) {
    case pb::STANDING_INCURRED: return "已确认";
    case pb::STANDING_PENDING: return "待确认";
    default: return "预警";
  }
}

std::string Time(const google::protobuf::Timestamp& t) {
  return absl::FormatTime("%Y-%m-%d %H:%M", FromProtoTime(t), Shanghai());
}

}  // namespace

void AddLedgerCommands(CLI::App& app, std::ostream& out, std::ostream& err, int* exit_code) {
  struct Args {
    ClientOptions client;
    int year = 0;
    std::string subject, reason;
    bool withdrawn = false, dry_run = false, tsv = false;
  };
  auto args = std::make_shared<Args>();
  auto resolve = [args, &err, exit_code] {
    absl::Status s = ResolveClient(&args->client, kService, kDefaultAddress);
    if (!s.ok()) ReportError(err, s, exit_code);
    return s.ok();
  };
  CLI::App* ledger = app.add_subcommand(
      "ledger", "考核奖惩 (work plan §四(七)): incurred by the year's assessment, or at risk");
  ledger->require_subcommand(1);

  CLI::App* show = ledger->add_subcommand("show", "Each unit's and county's lines of a year, by standing");
  show->add_option("--year", args->year, "e.g. 2022")->required();
  show->add_option("--subject", args->subject, "one unit (市发改委) or county code");
  show->add_flag("--withdrawn", args->withdrawn, "also the lines withdrawn by corrections");
  show->add_flag("--tsv", args->tsv,
                 "one line per ledger line: subject, kind, standing, period, indicator, alert id, withdrawn");
  AddClientFlags(show, &args->client, kService, kDefaultAddress);
  show->callback([args, resolve, &out, &err, exit_code] {
    if (!resolve()) return;
    pb::ListConsequencesRequest req;
    req.set_year(args->year);
    req.set_subject(args->subject);
    req.set_include_withdrawn(args->withdrawn);
    pb::ListConsequencesResponse resp;
    auto ctx = args->client.Context();
    grpc::Status s = pb::RankingQuery::NewStub(args->client.Channel())->ListConsequences(ctx.get(), req, &resp);
    if (!s.ok()) return ReportError(err, s, exit_code);
    if (args->tsv) {
      for (const auto& subj : resp.subjects()) {
        for (const auto& e : subj.entries()) {
          out << absl::StrFormat("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.subject(), pb::ConsequenceKind_Name(e.kind()),
                                 pb::Standing_Name(e.standing()), e.period(), e.indicator_code(), e.alert_id(),
                                 e.withdrawn() ? absl::StrFormat("withdrawn:%d", e.withdrawn_by_revision()) : "");
        }
      }
      return;
    }
    out << absl::StrFormat(
        "%d 考核奖惩. 已确认: the year's assessment (period %d), finalised by the office; 待确认: the year's "
        "assessment, not finalised yet; 预警: a month or quarter — what the year would cost if it ended so.\n",
        resp.year(), resp.year());
    for (const auto& subj : resp.subjects()) {
      std::vector<std::string> parts;
      for (const auto& [label, summary] : {std::pair{"已确认", &subj.incurred()},
                                           std::pair{"待确认", &subj.pending()},
                                           std::pair{"预警", &subj.at_risk()}}) {
        const std::string costs = Costs(*summary, subj.county());
        if (!costs.empty()) parts.push_back(absl::StrFormat("%s：%s", label, costs));
      }
      out << absl::StrFormat("%s%s: %s\n", subj.subject_name(),
                             subj.county() ? " (" + subj.subject() + ")" : "",
                             parts.empty() ? "（仅已撤回）" : absl::StrJoin(parts, "  |  "));
      for (const auto& e : subj.entries()) {
        out << absl::StrFormat("    %-6s %-8s %-8s %s%s\n", StandingWord(e), e.period(), e.indicator_code(),
                               e.text(),
                               e.withdrawn() ? absl::StrFormat("（第%d版更正撤回）", e.withdrawn_by_revision()) : "");
      }
    }
    for (const auto& f : resp.finalisations()) {
      out << absl::StrFormat("finalised %s by %s: %d line(s) — %s\n", Time(f.finalised_at()), f.finalised_by(),
                             f.lines(), f.reason());
    }
    if (resp.finalisations().empty()) out << "not finalised: no line of " << resp.year() << " is incurred yet\n";
    out << resp.subjects_size() << " unit(s) and county(ies) with lines in " << resp.year() << "\n";
  });

  CLI::App* finalise = ledger->add_subcommand(
      "finalise", "Confirm the year's assessment: its pending lines become incurred (office; audited)");
  finalise->add_option("--year", args->year, "e.g. 2022")->required();
  finalise->add_option("--reason", args->reason, "why now, e.g. the province's notice number")->required();
  finalise->add_flag("--dry-run", args->dry_run, "show what would be confirmed, change nothing");
  AddClientFlags(finalise, &args->client, kService, kDefaultAddress);
  finalise->callback([args, resolve, &out, &err, exit_code] {
    if (!resolve()) return;
    pb::FinaliseYearRequest req;
    req.set_year(args->year);
    req.set_reason(args->reason);
    req.set_dry_run(args->dry_run);
    pb::FinaliseYearResponse resp;
    auto ctx = args->client.Context();
    grpc::Status s = pb::RankingIngest::NewStub(args->client.Channel())->FinaliseYear(ctx.get(), req, &resp);
    if (!s.ok()) return ReportError(err, s, exit_code);
    for (const auto& c : resp.incurred()) {
      out << absl::StrFormat("  %-14s %-8s %-8s %s\n", c.subject_name(), c.period(), c.indicator_code(), c.text());
    }
    if (resp.dry_run()) {
      out << absl::StrFormat("dry run: %d line(s) of %d would become incurred\n", resp.incurred_size(), resp.year());
    } else {
      out << absl::StrFormat("%d line(s) of %d incurred, finalised by %s at %s\n", resp.incurred_size(),
                             resp.year(), resp.finalised_by(), Time(resp.finalised_at()));
    }
  });
}

}  // namespace ys::ysctl
