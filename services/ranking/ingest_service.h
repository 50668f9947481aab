#pragma once

#include <atomic>

#include "common/grpc/auth.h"
#include "common/grpc/executor.h"
#include "services/ranking/cache.h"
#include "services/ranking/ingest.h"
#include "yingshang/ranking/v1/ingest.grpc.pb.h"

namespace ys::ranking {

class RankingIngestImpl final : public pb::RankingIngest::CallbackService {
 public:
  static constexpr size_t kMaxFactsPerCall = 50000;

  // The handlers' PostgreSQL work runs on `executor`; a Submit stream may send
  // `stream_budget_bytes` in all (grpc.stream_budget_bytes), then it is RESOURCE_EXHAUSTED.
  RankingIngestImpl(PgPool& pool, FactIngest& ingest, RankingCache& cache,
                    const ApiKeyAuthenticator& auth, CallExecutor& executor,
                    size_t stream_budget_bytes)
      : pool_(pool),
        ingest_(ingest),
        cache_(cache),
        auth_(auth),
        executor_(executor),
        stream_budget_bytes_(stream_budget_bytes) {}

  grpc::ServerReadReactor<pb::SubmitRequest>* Submit(grpc::CallbackServerContext* ctx,
                                                     pb::SubmitResponse* resp) override;

  grpc::ServerUnaryReactor* ListRejected(grpc::CallbackServerContext* ctx,
                                         const pb::ListRejectedRequest* req,
                                         pb::ListRejectedResponse* resp) override;
  grpc::ServerUnaryReactor* Replay(grpc::CallbackServerContext* ctx, const pb::ReplayRequest* req,
                                   pb::ReplayResponse* resp) override;
  // Office only: the year's assessment confirmed (work plan §四(七)); reason required, audited.
  grpc::ServerUnaryReactor* FinaliseYear(grpc::CallbackServerContext* ctx,
                                         const pb::FinaliseYearRequest* req,
                                         pb::FinaliseYearResponse* resp) override;

  // Until the catalog replica has caught up, writes would be judged against a partial catalog:
  // Submit and Replay answer UNAVAILABLE while not ready.
  void SetReady(bool ready) { ready_ = ready; }

  // Applies collected requests for a caller (also what the reactor calls when the stream ends).
  absl::Status Process(const Principal& who, const std::vector<pb::SubmitRequest>& requests,
                       pb::SubmitResponse* resp);

 private:
  PgPool& pool_;
  FactIngest& ingest_;  // this service's own (not shared with the Kafka consumer)
  RankingCache& cache_;
  const ApiKeyAuthenticator& auth_;
  CallExecutor& executor_;
  const size_t stream_budget_bytes_;
  std::atomic<bool> ready_{true};
};

}  // namespace ys::ranking
