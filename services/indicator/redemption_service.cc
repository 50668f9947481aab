#include "services/indicator/redemption_service.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_format.h"
#include "common/grpc/status.h"
#include "common/grpc/unary.h"
#include "common/log/log.h"
#include "common/status/macros.h"
#include "common/time/period.h"

namespace ys::indicator {

absl::StatusOr<rpb::RedemptionSummaryResponse> BuildRedemptionSummary(
    PgPool& pool, CatalogStore& catalog, const Clock& clock,
    const rpb::RedemptionSummaryRequest& req) {
  auto month = Period::Parse(req.month());
  if (!month.ok() || month->kind() != Period::Kind::kMonth) {
    return absl::InvalidArgumentError(
        absl::StrFormat("field 'month': '%s' is not a month such as 2022-09", req.month()));
  }
  ASSIGN_OR_RETURN(StoredCatalog stored, catalog.Load());
  const Catalog c = Catalog::FromEntities(stored.entities);
  if (!req.county_code().empty()) {
    auto it = c.regions.find(req.county_code());
    if (it == c.regions.end() || it->second.kind() != pb::REGION_KIND_COUNTY) {
      return absl::NotFoundError(
          absl::StrFormat("field 'county_code': %s is not a county in the catalog", req.county_code()));
    }
  }
  SummaryQuery q;
  q.from = month->Start();
  q.to = month->End();
  q.as_of = std::min(q.to, clock.Now());
  q.county_code = req.county_code();
  ASSIGN_OR_RETURN(auto rows, QueryRedemptionSummary(pool, q));
  rpb::RedemptionSummaryResponse resp;
  resp.set_month(month->ToString());
  for (auto& row : rows) {
    if (row.county_code().empty()) {
      *resp.mutable_total() = row;
      continue;
    }
    if (auto it = c.regions.find(row.county_code()); it != c.regions.end()) {
      row.set_county_name(it->second.name());
    }
    *resp.add_rows() = row;
  }
  return resp;
}

grpc::ServerUnaryReactor* RedemptionServiceImpl::GetRedemptionSummary(
    grpc::CallbackServerContext* ctx, const rpb::RedemptionSummaryRequest* req,
    rpb::RedemptionSummaryResponse* resp) {
  return FinishUnary(ctx, [&]() -> absl::Status {
    RETURN_IF_ERROR(
        auth_.Require(*ctx, {"office", "viewer", "huiqitong", "unit:*"}).status());
    ASSIGN_OR_RETURN(*resp, BuildRedemptionSummary(pool_, catalog_, clock_, *req));
    return absl::OkStatus();
  });
}

RedemptionIngest::RedemptionIngest(KafkaConsumer& consumer, PgPool& pool, CatalogStore& catalog,
                                   Metrics& metrics, const Clock& clock)
    : pool_(pool),
      catalog_(catalog),
      clock_(clock),
      inbox_(consumer, pool, metrics,
             {.consumer = "indicator.redemptions",
              .dlq_topic = kRedemptionDlqTopic,
              .source = "/yingshang/indicator"},
             [this](pqxx::transaction_base& tx, const std::vector<const CloudEvent*>& events,
                    std::vector<absl::Status>* results) {
               return ApplyRedemptionBatch(tx, events, counties_, results);
             }),
      rejected_(prometheus::BuildCounter()
                    .Name("ys_indicator_redemptions_rejected_total")
                    .Help("惠企通 events sent to ys.policy.dlq.v1, by reason.")
                    .Register(metrics.registry())),
      applied_(prometheus::BuildCounter()
                   .Name("ys_indicator_redemptions_applied_total")
                   .Help("惠企通 events applied.")
                   .Register(metrics.registry())
                   .Add({})),
      applications_(prometheus::BuildGauge()
                        .Name("ys_indicator_redemption_applications")
                        .Help("Policy redemption applications this month (Asia/Shanghai), per county.")
                        .Register(metrics.registry())),
      paid_fen_(prometheus::BuildGauge()
                    .Name("ys_indicator_redemption_paid_fen")
                    .Help("Amount paid this month in fen, per county.")
                    .Register(metrics.registry())),
      unpaid_(prometheus::BuildGauge()
                  .Name("ys_indicator_redemption_unpaid_over_30_days")
                  .Help("Applications older than 30 days without payment, per county.")
                  .Register(metrics.registry())) {}

RedemptionIngest::~RedemptionIngest() { Stop(); }

absl::StatusOr<InboxBatch> RedemptionIngest::RunOnce() {
  // The catalog's counties, read once per batch (a catalog import takes effect on the next batch).
  ASSIGN_OR_RETURN(counties_, LoadCountyCodes(pool_));
  ASSIGN_OR_RETURN(InboxBatch batch, inbox_.RunOnce());
  applied_.Increment(static_cast<double>(batch.applied));
  for (const absl::Status& s : batch.rejections) rejected_.Add({{"reason", RejectionReason(s)}}).Increment();
  return batch;
}

absl::Status RedemptionIngest::RefreshGauges() {
  rpb::RedemptionSummaryRequest req;
  req.set_month(Period::Containing(clock_.Now(), Period::Kind::kMonth).ToString());
  ASSIGN_OR_RETURN(auto summary, BuildRedemptionSummary(pool_, catalog_, clock_, req));
  std::map<std::string, rpb::RedemptionSummaryRow> per_county;
  for (const auto& row : summary.rows()) {
    auto& c = per_county[row.county_code()];
    c.set_applications(c.applications() + row.applications());
    c.set_amount_paid_fen(c.amount_paid_fen() + row.amount_paid_fen());
    c.set_unpaid_over_30_days(c.unpaid_over_30_days() + row.unpaid_over_30_days());
  }
  for (const auto& [county, c] : per_county) {
    applications_.Add({{"county", county}}).Set(static_cast<double>(c.applications()));
    paid_fen_.Add({{"county", county}}).Set(static_cast<double>(c.amount_paid_fen()));
    unpaid_.Add({{"county", county}}).Set(static_cast<double>(c.unpaid_over_30_days()));
  }
  return absl::OkStatus();
}

void RedemptionIngest::Start() {
  stop_ = false;
  thread_ = std::thread([this] {
    absl::Time next_gauges = absl::InfinitePast();
    absl::Time next_purge = absl::Now() + absl::Minutes(5);
    while (!stop_.load()) {
      auto batch = RunOnce();
      if (!batch.ok()) {
        log::Warn("redemption batch failed; retrying", {{"error", std::string(batch.status().message())}});
        absl::SleepFor(absl::Seconds(1));
      }
      if (absl::Now() >= next_gauges) {
        if (auto s = RefreshGauges(); !s.ok()) {
          log::Warn("redemption gauges not refreshed", {{"error", std::string(s.message())}});
        }
        next_gauges = absl::Now() + absl::Seconds(30);
      }
      if (absl::Now() >= next_purge) {
        // Twice the broker's default retention: no redelivery can be older than that.
        (void)inbox_.PurgeOlderThan(absl::Hours(24 * 14));
        next_purge = absl::Now() + absl::Hours(1);
      }
    }
  });
}

void RedemptionIngest::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

}  // namespace ys::indicator
