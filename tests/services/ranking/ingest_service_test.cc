// RankingIngest.Submit behind an in-process channel, on the real PostgreSQL and Redis.
#include "services/ranking/ingest_service.h"
#include "services/ranking/query_service.h"

#include <pqxx/pqxx>

#include "common/grpc/server.h"
#include "common/pg/migrations.h"
#include "gtest/gtest.h"
#include "services/indicator/catalog.h"
#include "services/ranking/embedded.h"
#include "tests/fakes/fake_clock.h"
#include "tests/services/ranking/seed_replica.h"
#include "tests/support/outbox_fixture.h"

namespace ys::ranking {
namespace {

class SubmitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto migrations = MigrationsFromFiles(EmbeddedMigrations());
    ASSERT_TRUE(migrations.ok());
    pool_ = ys::testing::MigratedPool(ys::testing::UniqueName("t_submit"), *migrations);
    ASSERT_NE(pool_, nullptr);
    replica_ = std::make_unique<CatalogReplicaStore>(*pool_);
    testing::LoadSeedReplica(*pool_, *replica_);
    auth_.Add(Sha256Hex("office"), {"office-dev", "office"});
    auth_.Add(Sha256Hex("platform"), {"jx-dev", "platform:jxyshj"});
    auth_.Add(Sha256Hex("viewer"), {"viewer-dev", "viewer"});
    ingest_ = std::make_unique<FactIngest>(*pool_, *replica_, clock_, ValidationPolicy{}, LockPolicy{},
                                           RuleConfig{});
    redis_ = std::make_unique<RedisClient>(RedisOptions{.host = "127.0.0.1", .port = ys::testing::RedisPort()});
    cache_ = std::make_unique<RankingCache>(*redis_);
    service_ = std::make_unique<RankingIngestImpl>(*pool_, *ingest_, *cache_, auth_, executor_,
                                                   GrpcLimits{}.stream_budget_bytes);
    pg_reader_ = std::make_unique<PgFactReader>(*pool_);
    query_ = std::make_unique<RankingQueryImpl>(*pg_reader_, *pool_, *replica_, auth_, executor_);
    server_ = std::make_unique<GrpcServer>(GrpcServerOptions{}, metrics_, &auth_);
    server_->AddService(service_.get());
    server_->AddService(query_.get());
    ASSERT_TRUE(server_->Start().ok());
    auto channel = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
    stub_ = pb::RankingIngest::NewStub(channel);
    query_stub_ = pb::RankingQuery::NewStub(channel);
  }
  void TearDown() override { server_->Shutdown(); }

  grpc::Status Submit(const std::string& key, const std::vector<pb::RankingFact>& facts,
                      pb::SubmitResponse* resp, bool validate_only = false, bool correction = false) {
    return SubmitTo(*stub_, key, facts, resp, validate_only, correction);
  }
  static grpc::Status SubmitTo(pb::RankingIngest::Stub& stub, const std::string& key,
                               const std::vector<pb::RankingFact>& facts, pb::SubmitResponse* resp,
                               bool validate_only = false, bool correction = false) {
    grpc::ClientContext ctx;
    if (!key.empty()) ctx.AddMetadata("authorization", "Bearer " + key);
    auto writer = stub.Submit(&ctx, resp);
    for (const auto& f : facts) {
      pb::SubmitRequest req;
      *req.mutable_fact() = f;
      req.set_validate_only(validate_only);
      req.set_correction(correction);
      if (!writer->Write(req)) break;
    }
    writer->WritesDone();
    return writer->Finish();
  }

  static pb::RankingFact Fact(int rank, const std::string& period = "2022-09",
                              const std::string& source = "jxyshj") {
    pb::RankingFact f;
    f.set_source(source);
    f.set_evaluation(pb::EVALUATION_OFFICIAL);
    f.set_indicator_code("I07");
    f.set_scope(pb::SCOPE_CITY);
    f.set_region_code("3611");
    f.set_period(period);
    f.set_rank(rank);
    f.set_total(11);
    f.set_revision(1);
    return f;
  }

  Metrics metrics_{"submit_test"};
  CallExecutor executor_{CallExecutorOptions{}, metrics_};
  ys::testing::FakeClock clock_{absl::FromUnixSeconds(1665792000)};  // 2022-10-15
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<CatalogReplicaStore> replica_;
  ApiKeyAuthenticator auth_;
  std::unique_ptr<FactIngest> ingest_;
  std::unique_ptr<RedisClient> redis_;
  std::unique_ptr<RankingCache> cache_;
  std::unique_ptr<RankingIngestImpl> service_;
  std::unique_ptr<PgFactReader> pg_reader_;
  std::unique_ptr<RankingQueryImpl> query_;
  std::unique_ptr<pb::RankingQuery::Stub> query_stub_;
  std::unique_ptr<GrpcServer> server_;
  std::unique_ptr<pb::RankingIngest::Stub> stub_;
};

TEST_F(SubmitTest, PerFactResultsOneValidationPath) {
  pb::SubmitResponse dry;
  ASSERT_TRUE(Submit("platform", {Fact(4), Fact(12)}, &dry, /*validate_only=*/true).ok());
  EXPECT_TRUE(dry.validate_only());
  EXPECT_EQ(dry.accepted(), 1);
  ASSERT_EQ(dry.rejected(), 1);
  EXPECT_EQ(dry.results(1).code(), "RV09");
  EXPECT_EQ(ys::testing::QueryInt(*pool_, "SELECT count(*) FROM current_facts"), 0);  // nothing stored

  pb::SubmitResponse stored;
  ASSERT_TRUE(Submit("platform", {Fact(4), Fact(5, "2022-09", "other")}, &stored).ok());
  EXPECT_EQ(stored.results(0).outcome(), pb::SubmitResult::OUTCOME_NEW);
  EXPECT_EQ(stored.results(1).code(), "RV02");  // a platform submits for its own source only
  EXPECT_EQ(ys::testing::QueryInt(*pool_, "SELECT count(*) FROM current_facts"), 1);

  pb::SubmitResponse again;
  ASSERT_TRUE(Submit("platform", {Fact(4)}, &again).ok());
  EXPECT_EQ(again.results(0).outcome(), pb::SubmitResult::OUTCOME_UNCHANGED);

  // 2022-06 is locked at 2022-10-15: only an office correction writes it.
  pb::SubmitResponse locked;
  ASSERT_TRUE(Submit("office", {Fact(3, "2022-06")}, &locked).ok());
  EXPECT_EQ(locked.results(0).code(), "period_locked");
  pb::SubmitResponse corrected;
  ASSERT_TRUE(Submit("office", {Fact(3, "2022-06")}, &corrected, false, /*correction=*/true).ok());
  EXPECT_EQ(corrected.results(0).outcome(), pb::SubmitResult::OUTCOME_NEW);
  pb::SubmitResponse denied;
  EXPECT_EQ(Submit("platform", {Fact(3, "2022-06")}, &denied, false, true).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Submit("viewer", {Fact(4)}, &denied).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Submit("", {Fact(4)}, &denied).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

// Issue #11: what one stream sends cannot exhaust the service. A message over grpc.max_receive_bytes
// is refused by gRPC, a stream past grpc.stream_budget_bytes by Submit; neither stores anything.
TEST_F(SubmitTest, OversizedFactsAndStreamsPastTheirBudgetAreResourceExhausted) {
  pb::RankingFact big = Fact(4);
  big.set_source(std::string(4 << 20, 'x'));  // 4 MB, over the default 1 MiB
  pb::SubmitResponse resp;
  EXPECT_EQ(Submit("office", {big, big, big}, &resp).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  // Facts already read are not applied when a later one breaks the call.
  EXPECT_EQ(Submit("office", {Fact(4), Fact(5, "2022-08"), big}, &resp).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(ys::testing::QueryInt(*pool_, "SELECT count(*) FROM current_facts"), 0);

  // The same service with a budget of 20 facts' worth of bytes.
  pb::SubmitRequest one;
  *one.mutable_fact() = Fact(4);
  RankingIngestImpl budgeted(*pool_, *ingest_, *cache_, auth_, executor_, 20 * one.ByteSizeLong());
  GrpcServer server(GrpcServerOptions{}, metrics_, &auth_);
  server.AddService(&budgeted);
  ASSERT_TRUE(server.Start().ok());
  auto stub = pb::RankingIngest::NewStub(
      grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
  std::vector<pb::RankingFact> many;
  for (int i = 0; i < 200; ++i) many.push_back(Fact(4));
  grpc::Status over = SubmitTo(*stub, "platform", many, &resp);
  EXPECT_EQ(over.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(over.error_message().find("grpc.stream_budget_bytes"), std::string::npos)
      << over.error_message();
  EXPECT_EQ(ys::testing::QueryInt(*pool_, "SELECT count(*) FROM current_facts"), 0);
  pb::SubmitResponse within;
  ASSERT_TRUE(SubmitTo(*stub, "platform", {Fact(4), Fact(6, "2022-08")}, &within).ok());
  EXPECT_EQ(within.accepted(), 2);
  server.Shutdown();
}

TEST_F(SubmitTest, HistoryAndCompleteness) {
  pb::SubmitResponse r;
  ASSERT_TRUE(Submit("platform", {Fact(6, "2022-08"), Fact(4, "2022-09")}, &r).ok());
  ASSERT_EQ(r.accepted(), 2);

  pb::GetHistoryRequest hreq;
  hreq.set_indicator_code("I07");
  hreq.set_region_code("3611");
  hreq.set_from_period("2022-07");
  hreq.set_to_period("2022-09");
  pb::History history;
  grpc::ClientContext c1;
  c1.AddMetadata("authorization", "Bearer viewer");
  ASSERT_TRUE(query_stub_->GetHistory(&c1, hreq, &history).ok());
  ASSERT_EQ(history.points_size(), 3);
  EXPECT_FALSE(history.points(0).present());
  EXPECT_EQ(history.points(1).rank(), 6);
  EXPECT_EQ(history.points(2).rank(), 4);
  hreq.set_to_period("2022Q3");
  grpc::ClientContext c2;
  c2.AddMetadata("authorization", "Bearer viewer");
  grpc::Status mixed = query_stub_->GetHistory(&c2, hreq, &history);
  EXPECT_EQ(mixed.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(mixed.error_message().find("to_period"), std::string::npos);

  pb::GetCompletenessRequest creq;
  creq.set_period("2022-09");
  pb::Completeness completeness;
  grpc::ClientContext c3;
  c3.AddMetadata("authorization", "Bearer viewer");
  ASSERT_TRUE(query_stub_->GetCompleteness(&c3, creq, &completeness).ok());
  EXPECT_EQ(completeness.expected(), 19 * 13);  // 综合 + 18 L1, for 上饶市 and its 12 counties
  EXPECT_EQ(completeness.arrived(), 1);
  EXPECT_EQ(completeness.missing_size(), 19 * 13 - 1);
  grpc::ClientContext c4;
  EXPECT_EQ(query_stub_->GetCompleteness(&c4, creq, &completeness).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(SubmitTest, ConsequencesPerUnitAndYear) {
  pb::SubmitResponse r;
  pb::RankingFact county = Fact(100);
  county.set_scope(pb::SCOPE_COUNTY);
  county.set_region_code("361102");
  county.set_total(100);
  ASSERT_TRUE(Submit("platform", {Fact(11, "2022-08"), Fact(9, "2022-09"), county}, &r).ok());
  ASSERT_EQ(r.accepted(), 3);
  auto list = [&](int year, const std::string& subject, pb::ListConsequencesResponse* out) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer viewer");
    pb::ListConsequencesRequest req;
    req.set_year(year);
    req.set_subject(subject);
    return query_stub_->ListConsequences(&ctx, req, out);
  };
  pb::ListConsequencesResponse resp;
  ASSERT_TRUE(list(2022, "", &resp).ok());
  ASSERT_EQ(resp.subjects_size(), 2);  // 市城管局 (I07), then 信州区
  const auto& unit = resp.subjects(0);
  EXPECT_FALSE(unit.county());
  EXPECT_TRUE(unit.bonus_withheld());     // last in August
  EXPECT_TRUE(unit.excellence_barred());
  EXPECT_EQ(unit.statements(), 1);        // bottom three in September
  EXPECT_FALSE(unit.self_criticism());
  EXPECT_EQ(unit.entries_size(), 3);
  EXPECT_EQ(resp.subjects(1).subject(), "361102");
  EXPECT_EQ(resp.subjects(1).subject_name(), "信州区");
  EXPECT_TRUE(resp.subjects(1).excellence_barred());
  ASSERT_TRUE(list(2022, "361102", &resp).ok());
  EXPECT_EQ(resp.subjects_size(), 1);
  ASSERT_TRUE(list(2021, "", &resp).ok());
  EXPECT_EQ(resp.subjects_size(), 0);
  grpc::Status bad = list(0, "", &resp);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(bad.error_message().find("year"), std::string::npos);
}

TEST_F(SubmitTest, RejectedAndReplayAreOfficeOnlyAndCheckTheirArguments) {
  auto call = [&](const std::string& key, auto method, const auto& req, auto* resp) {
    grpc::ClientContext ctx;
    if (!key.empty()) ctx.AddMetadata("authorization", "Bearer " + key);
    return ((*stub_).*method)(&ctx, req, resp);
  };
  pb::ListRejectedResponse listed;
  EXPECT_TRUE(call("office", &pb::RankingIngest::Stub::ListRejected, pb::ListRejectedRequest{}, &listed).ok());
  EXPECT_EQ(listed.total(), 0);
  EXPECT_EQ(call("platform", &pb::RankingIngest::Stub::ListRejected, pb::ListRejectedRequest{}, &listed)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  pb::ListRejectedRequest bad_page;
  bad_page.mutable_page()->set_page_token("garbage");
  EXPECT_EQ(call("office", &pb::RankingIngest::Stub::ListRejected, bad_page, &listed).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  pb::ReplayResponse replayed;
  grpc::Status none = call("office", &pb::RankingIngest::Stub::Replay, pb::ReplayRequest{}, &replayed);
  EXPECT_EQ(none.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(none.error_message().find("ids"), std::string::npos);
  pb::ReplayRequest unknown;
  unknown.add_ids("dlq:x:0:1");
  EXPECT_EQ(call("office", &pb::RankingIngest::Stub::Replay, unknown, &replayed).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(call("viewer", &pb::RankingIngest::Stub::Replay, unknown, &replayed).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(call("", &pb::RankingIngest::Stub::Replay, unknown, &replayed).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(SubmitTest, QueriesNameTheBadField) {
  auto query = [&](auto method, const auto& req, auto* resp) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer viewer");
    return ((*query_stub_).*method)(&ctx, req, resp);
  };
  pb::GetScorecardRequest card;
  card.set_region_code("3611");
  card.set_period("September");
  pb::Scorecard sc;
  grpc::Status s = query(&pb::RankingQuery::Stub::GetScorecard, card, &sc);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("period"), std::string::npos);
  pb::GetIndicatorRankingRequest ranking;
  ranking.set_indicator_code("I07");
  ranking.set_period("2022-09");  // no scope
  pb::IndicatorRanking ir;
  s = query(&pb::RankingQuery::Stub::GetIndicatorRanking, ranking, &ir);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("scope"), std::string::npos);
  pb::ListAlertsRequest alerts;
  pb::ListAlertsResponse al;
  s = query(&pb::RankingQuery::Stub::ListAlerts, alerts, &al);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("period"), std::string::npos);
  grpc::ClientContext anonymous;
  EXPECT_EQ(query_stub_->GetScorecard(&anonymous, card, &sc).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace ys::ranking
