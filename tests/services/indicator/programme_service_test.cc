// ProgrammeService and RedemptionService behind an in-process channel, on the real PostgreSQL.
#include "services/indicator/programme_service.h"

#include <pqxx/pqxx>

#include "common/grpc/server.h"
#include "common/pg/migrations.h"
#include "gtest/gtest.h"
#include "services/indicator/embedded.h"
#include "services/indicator/redemption_service.h"
#include "tests/fakes/fake_clock.h"
#include "tests/services/indicator/catalog_data.h"
#include "tests/support/outbox_fixture.h"

namespace ys::indicator {
namespace {

class ProgrammeServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto migrations = MigrationsFromFiles(EmbeddedMigrations());
    ASSERT_TRUE(migrations.ok());
    pool_ = ys::testing::MigratedPool(ys::testing::UniqueName("t_prog"), *migrations);
    ASSERT_NE(pool_, nullptr);
    store_ = std::make_unique<PgCatalogStore>(*pool_);
    Catalog c;
    for (const char* f : {"units.yaml", "regions.yaml", "catalog.yaml"}) {
      auto parsed = ParseCatalogFile(testing::ReadCatalogData(f), c);
      ASSERT_TRUE(parsed.ok());
      auto loaded = store_->Load();
      ASSERT_TRUE(store_->Apply(DiffCatalog(c, *parsed).writes, loaded->versions, {"t", "office"},
                                absl::Now())
                      .ok());
      c = parsed->catalog;
    }
    auth_.Add(Sha256Hex("office"), {"office-dev", "office"});
    auth_.Add(Sha256Hex("fagai"), {"fagai-dev", "unit:市发改委"});
    auth_.Add(Sha256Hex("viewer"), {"viewer-dev", "viewer"});
    programme_ = std::make_unique<ProgrammeServiceImpl>(*pool_, *store_, auth_, clock_, executor_);
    redemptions_ = std::make_unique<RedemptionServiceImpl>(*pool_, *store_, auth_, clock_, executor_);
    server_ = std::make_unique<GrpcServer>(GrpcServerOptions{}, metrics_, &auth_);
    server_->AddService(programme_.get());
    server_->AddService(redemptions_.get());
    ASSERT_TRUE(server_->Start().ok());
    auto channel = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
    stub_ = pb::ProgrammeService::NewStub(channel);
    redemption_stub_ = rpb::RedemptionService::NewStub(channel);
  }
  void TearDown() override { server_->Shutdown(); }

  std::unique_ptr<grpc::ClientContext> Ctx(const std::string& key) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    if (!key.empty()) ctx->AddMetadata("authorization", "Bearer " + key);
    return ctx;
  }

  grpc::Status Report(const std::string& key, const std::string& unit, int percent,
                      pb::ProgressReport* out) {
    pb::ReportProgressRequest req;
    req.mutable_report()->set_item_code("A1");
    req.mutable_report()->set_month("2022-09");
    req.mutable_report()->set_unit(unit);
    req.mutable_report()->set_status(pb::PROGRESS_STATUS_IN_PROGRESS);
    req.mutable_report()->set_percent(percent);
    req.mutable_report()->set_text("营商环境对标提升行动：方案已印发");
    return stub_->ReportProgress(Ctx(key).get(), req, out);
  }

  Metrics metrics_{"programme_test"};
  CallExecutor executor_{CallExecutorOptions{}, metrics_};
  ys::testing::FakeClock clock_{absl::FromUnixSeconds(1664467200)};  // 2022-09-30
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<PgCatalogStore> store_;
  ApiKeyAuthenticator auth_;
  std::unique_ptr<ProgrammeServiceImpl> programme_;
  std::unique_ptr<RedemptionServiceImpl> redemptions_;
  std::unique_ptr<GrpcServer> server_;
  std::unique_ptr<pb::ProgrammeService::Stub> stub_;
  std::unique_ptr<rpb::RedemptionService::Stub> redemption_stub_;
};

TEST_F(ProgrammeServiceTest, UnitsReportTheirOwnProgressVersionedAndAudited) {
  pb::ProgressReport r;
  grpc::Status s = Report("fagai", "市发改委", 40, &r);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(r.unit(), "市发展和改革委员会");
  EXPECT_EQ(r.reported_by(), "fagai-dev");
  EXPECT_EQ(r.version(), 1);
  ASSERT_TRUE(Report("office", "市发展和改革委员会", 60, &r).ok());
  EXPECT_EQ(r.version(), 2);
  EXPECT_EQ(Report("fagai", "市财政局", 10, &r).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Report("viewer", "市财政局", 10, &r).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Report("", "市财政局", 10, &r).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  grpc::Status bad = Report("office", "市财政局", 120, &r);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(bad.error_message().find("report.percent"), std::string::npos);

  pb::ListProgressRequest list;
  list.set_month("2022-09");
  pb::ListProgressResponse got;
  ASSERT_TRUE(stub_->ListProgress(Ctx("viewer").get(), list, &got).ok());
  ASSERT_EQ(got.reports_size(), 1);
  EXPECT_EQ(got.reports(0).percent(), 60);
  EXPECT_EQ(got.reports(0).text(), "营商环境对标提升行动：方案已印发");
  list.set_month("September");
  EXPECT_EQ(stub_->ListProgress(Ctx("viewer").get(), list, &got).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ys::testing::QueryInt(*pool_, "SELECT count(*) FROM audit_log WHERE action = 'progress.report' "
                                          "AND before_json->>'percent' = '40'"),
            1);
}

TEST_F(ProgrammeServiceTest, RedemptionSummaryErrors) {
  rpb::RedemptionSummaryRequest req;
  req.set_month("2022-09");
  rpb::RedemptionSummaryResponse resp;
  ASSERT_TRUE(redemption_stub_->GetRedemptionSummary(Ctx("viewer").get(), req, &resp).ok());
  EXPECT_EQ(resp.rows_size(), 0);
  EXPECT_EQ(redemption_stub_->GetRedemptionSummary(Ctx("").get(), req, &resp).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  req.set_month("2022-9");
  grpc::Status bad = redemption_stub_->GetRedemptionSummary(Ctx("office").get(), req, &resp);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(bad.error_message().find("field 'month'"), std::string::npos);
  req.set_month("2022-09");
  req.set_county_code("000000");
  grpc::Status unknown = redemption_stub_->GetRedemptionSummary(Ctx("office").get(), req, &resp);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(unknown.error_message().find("field 'county_code'"), std::string::npos);
}

TEST_F(ProgrammeServiceTest, Point12_9_TheSummaryTakesShangraosRegionsAndRefusesOthersNamingTheField) {
  rpb::RedemptionSummaryRequest req;
  req.set_month("2022-09");
  rpb::RedemptionSummaryResponse resp;
  for (const char* region : {"361102", "3611Z1", "3611Z3", "3611"}) {
    req.set_county_code(region);
    grpc::Status s = redemption_stub_->GetRedemptionSummary(Ctx("viewer").get(), req, &resp);
    EXPECT_TRUE(s.ok()) << region << ": " << s.error_message();
  }
  req.set_county_code("360102");  // 南昌市东湖区
  grpc::Status refused = redemption_stub_->GetRedemptionSummary(Ctx("viewer").get(), req, &resp);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(refused.error_message().find("field 'county_code': '360102' is a county (东湖区) of 南昌市 (3601), "
                                         "not one of 上饶市's"),
            std::string::npos)
      << refused.error_message();
}

TEST_F(ProgrammeServiceTest, Point12_11_UnitsReportOnTheTasksAsOnAnyItem) {
  auto loaded = store_->Load();
  ASSERT_TRUE(loaded.ok());
  const Catalog before = Catalog::FromEntities(loaded->entities);
  auto tasks = ParseCatalogFile(testing::ReadSampleTasks(), before);
  ASSERT_TRUE(tasks.ok());
  ASSERT_TRUE(tasks->problems.empty());
  ASSERT_TRUE(store_->Apply(DiffCatalog(before, *tasks).writes, loaded->versions, {"t", "office"}, absl::Now()).ok());

  pb::ReportProgressRequest req;
  req.mutable_report()->set_item_code("T08");  // 【样例】规范招标投标市场秩序
  req.mutable_report()->set_month("2022-09");
  req.mutable_report()->set_unit("市发改委");
  req.mutable_report()->set_status(pb::PROGRESS_STATUS_IN_PROGRESS);
  req.mutable_report()->set_percent(30);
  req.mutable_report()->set_text("【样例】招投标专项治理已部署");
  pb::ProgressReport got;
  grpc::Status s = stub_->ReportProgress(Ctx("fagai").get(), req, &got);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(got.unit(), "市发展和改革委员会");
  EXPECT_EQ(got.version(), 1);
  req.mutable_report()->set_item_code("E2");  // an environment only heads its tasks
  EXPECT_EQ(stub_->ReportProgress(Ctx("office").get(), req, &got).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  pb::ListProgressRequest list;
  list.set_month("2022-09");
  list.set_item_code("T08");
  pb::ListProgressResponse reports;
  ASSERT_TRUE(stub_->ListProgress(Ctx("viewer").get(), list, &reports).ok());
  ASSERT_EQ(reports.reports_size(), 1);
  EXPECT_EQ(reports.reports(0).percent(), 30);
}

}  // namespace
}  // namespace ys::indicator
