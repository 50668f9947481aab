#pragma once

#include <atomic>
#include <memory>
#include <thread>

#include "common/grpc/auth.h"
#include "common/kafka/kafka.h"
#include "common/metrics/metrics.h"
#include "common/pg/inbox.h"
#include "common/time/clock.h"
#include "services/indicator/catalog_store.h"
#include "services/indicator/redemption_store.h"
#include "yingshang/indicator/v1/redemption.grpc.pb.h"

namespace ys::indicator {

// The month's summary as the dispatch meeting reads it: per county and department, and in total.
absl::StatusOr<rpb::RedemptionSummaryResponse> BuildRedemptionSummary(
    PgPool& pool, CatalogStore& catalog, const Clock& clock, const rpb::RedemptionSummaryRequest& req);

class RedemptionServiceImpl final : public rpb::RedemptionService::CallbackService {
 public:
  RedemptionServiceImpl(PgPool& pool, CatalogStore& catalog, const ApiKeyAuthenticator& auth,
                        const Clock& clock)
      : pool_(pool), catalog_(catalog), auth_(auth), clock_(clock) {}

  grpc::ServerUnaryReactor* GetRedemptionSummary(grpc::CallbackServerContext* ctx,
                                                 const rpb::RedemptionSummaryRequest* req,
                                                 rpb::RedemptionSummaryResponse* resp) override;

 private:
  PgPool& pool_;
  CatalogStore& catalog_;
  const ApiKeyAuthenticator& auth_;
  const Clock& clock_;
};

// Consumes ys.policy.redemptions.v1 into PostgreSQL through the inbox (bad events to
// ys.policy.dlq.v1 with the reason), and keeps per-county gauges of the current month.
class RedemptionIngest {
 public:
  RedemptionIngest(KafkaConsumer& consumer, PgPool& pool, CatalogStore& catalog, Metrics& metrics,
                   const Clock& clock);
  ~RedemptionIngest();

  // One poll-and-apply round (the loop calls it; tests and benchmarks call it directly).
  absl::StatusOr<InboxBatch> RunOnce();
  // Recomputes the per-county gauges for the current month.
  absl::Status RefreshGauges();

  void Start();
  void Stop();

 private:
  PgPool& pool_;
  CatalogStore& catalog_;
  const Clock& clock_;
  InboxProcessor inbox_;
  prometheus::Family<prometheus::Counter>& rejected_;
  prometheus::Counter& applied_;
  prometheus::Family<prometheus::Gauge>& applications_;
  prometheus::Family<prometheus::Gauge>& paid_fen_;
  prometheus::Family<prometheus::Gauge>& unpaid_;
  std::set<std::string> counties_;  // refreshed before each batch
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace ys::indicator
