#pragma once

#include <memory>
#include <map>
#include <string>

#include "common/grpc/auth.h"
#include "common/grpc/executor.h"
#include "common/kafka/kafka.h"
#include "common/metrics/metrics.h"
#include "common/config/config.h"
#include "common/pg/inbox.h"
#include "common/time/clock.h"
#include "services/indicator/catalog_store.h"
#include "services/indicator/redemption_store.h"
#include "yingshang/indicator/v1/redemption.grpc.pb.h"

namespace ys::indicator {

// The month's summary as the dispatch meeting reads it: per region (county, functional zone, 市本级)
// and department, and in total. A region filter the redemptions could not carry is INVALID_ARGUMENT
// naming field 'county_code' (CheckRedemptionRegion).
absl::StatusOr<rpb::RedemptionSummaryResponse> BuildRedemptionSummary(
    PgPool& pool, CatalogStore& catalog, const Clock& clock, const rpb::RedemptionSummaryRequest& req);

class RedemptionServiceImpl final : public rpb::RedemptionService::CallbackService {
 public:
  // The summary's PostgreSQL queries run on `executor`, off gRPC's callback threads.
  RedemptionServiceImpl(PgPool& pool, CatalogStore& catalog, const ApiKeyAuthenticator& auth,
                        const Clock& clock, CallExecutor& executor)
      : pool_(pool), catalog_(catalog), auth_(auth), clock_(clock), executor_(executor) {}

  grpc::ServerUnaryReactor* GetRedemptionSummary(grpc::CallbackServerContext* ctx,
                                                 const rpb::RedemptionSummaryRequest* req,
                                                 rpb::RedemptionSummaryResponse* resp) override;

 private:
  PgPool& pool_;
  CatalogStore& catalog_;
  const ApiKeyAuthenticator& auth_;
  const Clock& clock_;
  CallExecutor& executor_;
};

// Consumes ys.policy.redemptions.v1 into PostgreSQL through the inbox (bad events to
// ys.policy.dlq.v1 with the reason), and keeps per-region gauges of the current month.
// redemptions.trusted_sources: who may publish to ys.policy.redemptions.v1 (exact ce_source values
// or prefixes ending in "/*"); by default the 惠企通 platform, "/huiqitong" and "/huiqitong/*". Each
// entry must begin with "/" (an error naming the key otherwise).
absl::StatusOr<std::vector<std::string>> RedemptionSourcesFromConfig(const Config& config);

class RedemptionIngest final : public RecordSink {
 public:
  // `limits`: the input rules' caps (config input.*) for the events and their fields.
  // `trusted_sources`: the 惠企通 platform's ce_source values (config redemptions.trusted_sources);
  // events from any other source are dead letters naming it.
  RedemptionIngest(EventSource& source, PgPool& pool, CatalogStore& catalog, Metrics& metrics,
                   const Clock& clock, input::InputLimits limits = {},
                   std::vector<std::string> trusted_sources = {});
  ~RedemptionIngest() override;

  // One poll-and-apply round (tests and benchmarks; the service runs Start's loop).
  absl::StatusOr<InboxBatch> RunOnce();
  // Recomputes the per-county gauges for the current month.
  absl::Status RefreshGauges();

  // The consumer loop, with the gauges refreshed every 30 s beside it.
  void Start();
  void Stop();

  // RecordSink: the inbox, with the catalog's regions read before each batch (an import takes
  // effect on the next batch) and the redemption counters after it.
  const std::string& name() const override { return inbox_.name(); }
  absl::StatusOr<InboxBatch> Apply(std::span<const KafkaMessage> records) override;
  absl::StatusOr<InboxBatch> DeadLetter(const KafkaMessage& record, const absl::Status& reason) override;
  absl::StatusOr<int64_t> PurgeOlderThan(absl::Duration keep) override { return inbox_.PurgeOlderThan(keep); }

 private:
  void Count(const InboxBatch& batch);

  EventSource& source_;
  PgPool& pool_;
  CatalogStore& catalog_;
  Metrics& metrics_;
  const Clock& clock_;
  input::InputLimits limits_;
  InboxProcessor inbox_;
  BatchFailureCounter failures_;
  prometheus::Family<prometheus::Counter>& rejected_;
  prometheus::Counter& applied_;
  prometheus::Family<prometheus::Gauge>& applications_;
  prometheus::Family<prometheus::Gauge>& paid_fen_;
  prometheus::Family<prometheus::Gauge>& unpaid_;
  std::map<std::string, rpb::Region> regions_;  // the catalog's, refreshed before each batch
  std::unique_ptr<ConsumerLoop> loop_;
};

}  // namespace ys::indicator
