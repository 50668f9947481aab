#include "services/indicator/redemption_service.h"

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/grpc/status.h"
#include "common/grpc/unary.h"
#include "common/input/text_rules.h"
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
        absl::StrFormat("field 'month': %s is not a month such as 2022-09", input::QuoteInput(req.month())));
  }
  ASSIGN_OR_RETURN(StoredCatalog stored, catalog.Load());
  const Catalog c = Catalog::FromEntities(stored.entities);
  if (!req.county_code().empty()) {
    if (auto refused = CheckRedemptionRegion(c.regions, req.county_code())) return refused->status;
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
      row.set_county_name(RedemptionRegionName(it->second));
    }
    *resp.add_rows() = row;
  }
  return resp;
}

grpc::ServerUnaryReactor* RedemptionServiceImpl::GetRedemptionSummary(
    grpc::CallbackServerContext* ctx, const rpb::RedemptionSummaryRequest* req,
    rpb::RedemptionSummaryResponse* resp) {
  return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
    RETURN_IF_ERROR(
        auth_.Require(*ctx, {"office", "viewer", "huiqitong", "unit:*", "leader:*", "county:*"}).status());
    ASSIGN_OR_RETURN(*resp, BuildRedemptionSummary(pool_, catalog_, clock_, *req));
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<std::string>> RedemptionSourcesFromConfig(const Config& config) {
  constexpr char kKey[] = "redemptions.trusted_sources";
  if (!config.Has(kKey)) return std::vector<std::string>{"/huiqitong", "/huiqitong/*"};
  ASSIGN_OR_RETURN(std::vector<std::string> sources, config.GetStringList(kKey));
  if (sources.empty()) return absl::InvalidArgumentError(absl::StrCat("config key '", kKey, "' lists no source"));
  for (const std::string& s : sources) {
    if (!absl::StartsWith(s, "/")) {
      return absl::InvalidArgumentError(
          absl::StrCat("config key '", kKey, "': ", input::QuoteInput(s), " is not a ce_source (begins with /)"));
    }
  }
  return sources;
}

RedemptionIngest::RedemptionIngest(EventSource& source, PgPool& pool, CatalogStore& catalog,
                                   Metrics& metrics, const Clock& clock, input::InputLimits limits,
                                   std::vector<std::string> trusted_sources)
    : source_(source),
      pool_(pool),
      catalog_(catalog),
      metrics_(metrics),
      clock_(clock),
      limits_(limits),
      inbox_(source, pool, metrics,
             {.consumer = "indicator.redemptions",
              .dlq_topic = kRedemptionDlqTopic,
              .source = "/yingshang/indicator",
              .trusted_sources = std::move(trusted_sources),
              .limits = limits},
             InboxProcessor::BatchHandler([this](pqxx::transaction_base& tx, const std::vector<const CloudEvent*>& events,
                                                 std::vector<absl::Status>* results) {
               return ApplyRedemptionBatch(tx, events, regions_, results, limits_);
             })),
      failures_(metrics, inbox_.name()),
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
                        .Help("Policy redemption applications this month (Asia/Shanghai), per region.")
                        .Register(metrics.registry())),
      paid_fen_(prometheus::BuildGauge()
                    .Name("ys_indicator_redemption_paid_fen")
                    .Help("Amount paid this month in fen, per region.")
                    .Register(metrics.registry())),
      unpaid_(prometheus::BuildGauge()
                  .Name("ys_indicator_redemption_unpaid_over_30_days")
                  .Help("Applications older than 30 days without payment, per region.")
                  .Register(metrics.registry())) {}

RedemptionIngest::~RedemptionIngest() { Stop(); }

absl::StatusOr<InboxBatch> RedemptionIngest::RunOnce() {
  return ConsumeRound(source_, *this, inbox_.options().batch_size, inbox_.options().poll_timeout, &failures_);
}

absl::StatusOr<InboxBatch> RedemptionIngest::Apply(std::span<const KafkaMessage> records) {
  ASSIGN_OR_RETURN(regions_, LoadRegions(pool_));
  ASSIGN_OR_RETURN(InboxBatch batch, inbox_.Apply(records));
  Count(batch);
  return batch;
}

absl::StatusOr<InboxBatch> RedemptionIngest::DeadLetter(const KafkaMessage& record, const absl::Status& reason) {
  ASSIGN_OR_RETURN(InboxBatch batch, inbox_.DeadLetter(record, reason));
  Count(batch);
  return batch;
}

void RedemptionIngest::Count(const InboxBatch& batch) {
  applied_.Increment(static_cast<double>(batch.applied));
  for (const absl::Status& s : batch.rejections) rejected_.Add({{"reason", RejectionReason(s)}}).Increment();
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
  loop_ = std::make_unique<ConsumerLoop>(
      source_, *this, metrics_, clock_,
      ConsumerLoopOptions{.periodic = {{absl::Seconds(30), [this] {
                                          if (auto s = RefreshGauges(); !s.ok()) {
                                            log::Warn("redemption gauges not refreshed",
                                                      {{"error", std::string(s.message())}});
                                          }
                                        }}}});
  loop_->Start();
}

void RedemptionIngest::Stop() {
  if (loop_) loop_->Stop();
}

}  // namespace ys::indicator
