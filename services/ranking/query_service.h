#pragma once

#include "common/grpc/auth.h"
#include "common/grpc/executor.h"
#include "common/pg/pool.h"
#include "services/ranking/cache.h"
#include "services/ranking/goals.h"
#include "services/ranking/ingest.h"
#include "services/ranking/ledger_store.h"
#include "yingshang/ranking/v1/query.grpc.pb.h"

namespace ys::ranking {

// Builds a region's scorecard from its facts of a period and of the previous one (pure).
pb::Scorecard BuildScorecard(const std::string& region, const std::string& period,
                             const std::vector<pb::RankingFact>& facts,
                             const std::vector<pb::RankingFact>& previous,
                             const CatalogReplica& catalog);

// The facts the office expects each period (pure): the city and its counties, on the composite and
// every first- and second-level indicator valid then and not retired (each missing one with its
// level); `arrived` holds "<indicator>/<region>" of those present.
pb::Completeness BuildCompleteness(const std::string& period, const CatalogReplica& catalog,
                                   const std::string& city_code, const std::string& composite_code,
                                   const std::set<std::string>& arrived);

class RankingQueryImpl final : public pb::RankingQuery::CallbackService {
 public:
  // The handlers read Redis and PostgreSQL on `executor`, off gRPC's callback threads. `goals`: the
  // office's tiers for GetGoals (config goals.*); `rules`: the city and the composite.
  RankingQueryImpl(FactReader& reader, PgPool& pool, CatalogReplicaStore& catalog,
                   const ApiKeyAuthenticator& auth, CallExecutor& executor, GoalPolicy goals = {},
                   RuleConfig rules = {})
      : reader_(reader), pool_(pool), catalog_(catalog), auth_(auth), executor_(executor), ledger_(pool),
        goals_(std::move(goals)), rules_(std::move(rules)) {}

  grpc::ServerUnaryReactor* GetIndicatorRanking(grpc::CallbackServerContext* ctx,
                                                const pb::GetIndicatorRankingRequest* req,
                                                pb::IndicatorRanking* resp) override;
  grpc::ServerUnaryReactor* GetScorecard(grpc::CallbackServerContext* ctx,
                                         const pb::GetScorecardRequest* req,
                                         pb::Scorecard* resp) override;
  grpc::ServerUnaryReactor* GetHistory(grpc::CallbackServerContext* ctx,
                                       const pb::GetHistoryRequest* req, pb::History* resp) override;
  // §一's goals for a year (goals.h), any role.
  grpc::ServerUnaryReactor* GetGoals(grpc::CallbackServerContext* ctx, const pb::GetGoalsRequest* req,
                                     pb::Goals* resp) override;
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
  LedgerStore ledger_;
  const GoalPolicy goals_;
  const RuleConfig rules_;
};

}  // namespace ys::ranking
