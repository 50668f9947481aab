#include "tools/ysctl/redemption_commands.h"

#include "absl/strings/str_format.h"
#include "tools/ysctl/client.h"
#include "yingshang/indicator/v1/redemption.grpc.pb.h"

namespace ys::ysctl {
namespace {

namespace rpb = ::yingshang::indicator::v1;

// Pads to a display width, counting CJK characters as two columns (printf counts bytes).
std::string Pad(const std::string& s, int width) {
  int cols = 0;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const int len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    cols += len >= 3 ? 2 : 1;
    i += len;
  }
  return s + std::string(std::max(0, width - cols), ' ');
}

// Fen as yuan with two decimals: 12345 -> "123.45".
std::string Yuan(int64_t fen) { return absl::StrFormat("%d.%02d", fen / 100, fen % 100); }

void PrintRow(std::ostream& out, const std::string& where, const std::string& department,
              const rpb::RedemptionSummaryRow& r) {
  out << absl::StrFormat("%s %s %8d %8d %8d %14s %10s %10d\n", Pad(where, 26), Pad(department, 24),
                         r.applications(), r.approvals(), r.payments(), Yuan(r.amount_paid_fen()),
                         r.has_median() ? absl::StrFormat("%.1f", r.median_days_to_payment()) : "—",
                         r.unpaid_over_30_days());
}

}  // namespace

void AddRedemptionCommands(CLI::App& app, std::ostream& out, std::ostream& err, int* exit_code) {
  struct Args {
    ClientOptions client;
    std::string month;
    std::string county;
  };
  auto args = std::make_shared<Args>();
  CLI::App* redemptions = app.add_subcommand("redemptions", "惠企通 policy redemptions");
  redemptions->require_subcommand(1);
  CLI::App* summary = redemptions->add_subcommand(
      "summary", "A month's figures per region (county, functional zone, 市本级) and department");
  summary->add_option("--month", args->month, "e.g. 2022-09")->required();
  summary->add_option("--region,--county", args->county,
                      "a region of 上饶市: county 361102, functional zone 3611Z1, 市本级 3611 (default: all)");
  AddClientFlags(summary, &args->client, "indicator", "127.0.0.1:7101");
  summary->callback([args, &out, &err, exit_code] {
    absl::Status resolved = ResolveClient(&args->client, "indicator", "127.0.0.1:7101");
    if (!resolved.ok()) return ReportError(err, resolved, exit_code);
    rpb::RedemptionSummaryRequest req;
    req.set_month(args->month);
    req.set_county_code(args->county);
    rpb::RedemptionSummaryResponse resp;
    auto ctx = args->client.Context();
    grpc::Status s = rpb::RedemptionService::NewStub(args->client.Channel())
                         ->GetRedemptionSummary(ctx.get(), req, &resp);
    if (!s.ok()) return ReportError(err, s, exit_code);
    out << "惠企通 policy redemptions, " << resp.month() << " (amounts in 元)\n";
    out << absl::StrFormat("%s %s %8s %8s %8s %14s %10s %10s\n", Pad("region", 26), Pad("department", 24),
                           "applied", "approved", "paid", "paid amount", "median d", "unpaid>30d");
    for (const auto& r : resp.rows()) {
      PrintRow(out, r.county_code() + " " + r.county_name(), r.department(), r);
    }
    PrintRow(out, "total", "", resp.total());
  });
}

}  // namespace ys::ysctl
