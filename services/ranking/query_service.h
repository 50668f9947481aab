#pragma once

#include "common/grpc/auth.h"
#include "common/grpc/executor.h"
#include "common/pg/pool.h"
#include "services/ranking/cache.h"
#include "services/ranking/ingest.h"
#include "yingshang/ranking/v1/query.grpc.pb.h"

namespace ys::ranking {

// Builds a region's scorecard from its facts of a period and of the previous one (pure).
pb::Scorecard BuildScorecard(const std::string& region, const std::string& period,
                             const std::vector<pb::RankingFact>& facts,
                             const std::vector<pb::RankingFact>& previous,
                             const CatalogReplica& catalog);

// The facts the office expects each period (pure): the city and its counties, on the composite and
// every first-level indicator valid then; `arrived` holds "<indicator>/<region>" of those present.
pb::Completeness BuildCompleteness(const std::string& period, const CatalogReplica& catalog,
                                   const std::string& city_code, const std::string& composite_code,
                                   const std::set<std::string>& arrived);

// The year's ledger per subject (pure): units first (by name), then counties (by code).
pb::ListConsequencesResponse SummarizeConsequences(int year, const std::vector<pb::Consequence>& entries);

class RankingQueryImpl final : public pb::RankingQuery::CallbackService {
 public:
  // The handlers read Redis and PostgreSQL on `executor`, off gRPC's callback threads.
  RankingQueryImpl(FactReader& reader, PgPool& pool, CatalogReplicaStore& catalog,
                   const ApiKeyAuthenticator& auth, CallExecutor& executor)
      : reader_(reader), pool_(pool), catalog_(catalog), auth_(auth), executor_(executor) {}

  grpc::ServerUnaryReactor* GetIndicatorRanking(grpc::CallbackServerContext* ctx,
                                                const pb::GetIndicatorRankingRequest* req,
                                                pb::IndicatorRanking* resp) override;
  grpc::ServerUnaryReactor* GetScorecard(grpc::CallbackServerContext* ctx,
                                         const pb::GetScorecardRequest* req,
                                         pb::Scorecard* resp) override;
  grpc::ServerUnaryReactor* GetHistory(grpc::CallbackServerContext* ctx,
                                       const pb::GetHistoryRequest* req, pb::History* resp) override;
  grpc::ServerUnaryReactor* GetCompleteness(grpc::CallbackServerContext* ctx,
                                            const pb::GetCompletenessRequest* req,
                                            pb::Completeness* resp) override;
  grpc::ServerUnaryReactor* ListConsequences(grpc::CallbackServerContext* ctx,
                                             const pb::ListConsequencesRequest* req,
                                             pb::ListConsequencesResponse* resp) override;
  grpc::ServerUnaryReactor* ListAlerts(grpc::CallbackServerContext* ctx,
                                       const pb::ListAlertsRequest* req,
                                       pb::ListAlertsResponse* resp) override;

 private:
  FactReader& reader_;
  PgPool& pool_;
  CatalogReplicaStore& catalog_;
  const ApiKeyAuthenticator& auth_;
  CallExecutor& executor_;
};

}  // namespace ys::ranking
