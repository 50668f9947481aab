#pragma once

// The ranking service's two gRPC APIs (RankingIngest, RankingQuery) behind an in-process server, on
// a fresh PostgreSQL schema with the seed catalog's replica and Redis, at 2022-10-15. API keys
// "office", "platform" (platform:jxyshj) and "viewer". A test sets goals_ or auth_ before SetUp to
// change them.

#include <pqxx/pqxx>

#include <memory>
#include <string>

#include "common/grpc/server.h"
#include "common/pg/migrations.h"
#include "gtest/gtest.h"
#include "services/ranking/embedded.h"
#include "services/ranking/ingest_service.h"
#include "services/ranking/query_service.h"
#include "tests/fakes/fake_clock.h"
#include "tests/services/ranking/seed_replica.h"
#include "tests/support/outbox_fixture.h"

namespace ys::ranking {

class RankingServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto migrations = MigrationsFromFiles(EmbeddedMigrations());
    ASSERT_TRUE(migrations.ok());
    pool_ = ys::testing::MigratedPool(ys::testing::UniqueName("t_ranking"), *migrations);
    ASSERT_NE(pool_, nullptr);
    replica_ = std::make_unique<CatalogReplicaStore>(*pool_);
    testing::LoadSeedReplica(*pool_, *replica_);
    auth_.Add(Sha256Hex("office"), {"office-dev", "office"});
    auth_.Add(Sha256Hex("platform"), {"jx-dev", "platform:jxyshj"});
    auth_.Add(Sha256Hex("viewer"), {"viewer-dev", "viewer"});
    ingest_ = std::make_unique<FactIngest>(*pool_, *replica_, clock_, ValidationPolicy{}, LockPolicy{},
                                           RuleConfig{});
    redis_ = std::make_unique<RedisClient>(RedisOptions{.host = "127.0.0.1", .port = ys::testing::RedisPort()});
    cache_ = std::make_unique<RankingCache>(*redis_, ys::testing::UniqueName("ranking") + ":");
    service_ = std::make_unique<RankingIngestImpl>(*pool_, *ingest_, *cache_, auth_, executor_,
                                                   GrpcLimits{}.stream_budget_bytes);
    pg_reader_ = std::make_unique<PgFactReader>(*pool_);
    query_ = std::make_unique<RankingQueryImpl>(*pg_reader_, *pool_, *replica_, auth_, executor_, goals_,
                                                RuleConfig{});
    server_ = std::make_unique<GrpcServer>(GrpcServerOptions{}, metrics_, &auth_);
    server_->AddService(service_.get());
    server_->AddService(query_.get());
    ASSERT_TRUE(server_->Start().ok());
    auto channel = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
    stub_ = pb::RankingIngest::NewStub(channel);
    query_stub_ = pb::RankingQuery::NewStub(channel);
  }
  void TearDown() override { server_->Shutdown(); }

  Metrics metrics_{"ranking_server_test"};
  CallExecutor executor_{CallExecutorOptions{}, metrics_};
  ys::testing::FakeClock clock_{absl::FromUnixSeconds(1665792000)};  // 2022-10-15
  GoalPolicy goals_;
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<CatalogReplicaStore> replica_;
  ApiKeyAuthenticator auth_;
  std::unique_ptr<FactIngest> ingest_;
  std::unique_ptr<RedisClient> redis_;
  std::unique_ptr<RankingCache> cache_;
  std::unique_ptr<RankingIngestImpl> service_;
  std::unique_ptr<PgFactReader> pg_reader_;
  std::unique_ptr<RankingQueryImpl> query_;
  std::unique_ptr<GrpcServer> server_;
  std::unique_ptr<pb::RankingIngest::Stub> stub_;
  std::unique_ptr<pb::RankingQuery::Stub> query_stub_;
};

}  // namespace ys::ranking
