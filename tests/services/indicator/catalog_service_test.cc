// The catalog service behind an in-process gRPC channel, with an in-memory store.
#include "services/indicator/catalog_service.h"

#include <fstream>
#include <sstream>

#include "common/grpc/server.h"
#include "gtest/gtest.h"
#include "tests/services/indicator/catalog_data.h"
#include "tests/fakes/fake_clock.h"
#include "tests/services/indicator/fake_catalog_store.h"

namespace ys::indicator {
namespace {

using testing::ReadCatalogData;

class CatalogServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auth_.Add(Sha256Hex("office"), Principal{"office-dev", "office"});
    auth_.Add(Sha256Hex("viewer"), Principal{"viewer-dev", "viewer"});
    server_ = std::make_unique<GrpcServer>(GrpcServerOptions{}, metrics_, &auth_);
    server_->AddService(&service_);
    ASSERT_TRUE(server_->Start().ok());
    stub_ = pb::CatalogService::NewStub(
        grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
  }
  void TearDown() override { server_->Shutdown(); }

  std::unique_ptr<grpc::ClientContext> Ctx(const std::string& key = "office") {
    auto ctx = std::make_unique<grpc::ClientContext>();
    if (!key.empty()) ctx->AddMetadata("authorization", "Bearer " + key);
    return ctx;
  }

  grpc::Status Import(const std::string& yaml, bool dry_run, pb::ImportCatalogResponse* resp,
                      const std::string& key = "office") {
    pb::ImportCatalogRequest req;
    req.set_yaml(yaml);
    req.set_validate_only(dry_run);
    req.set_file_name("test.yaml");
    return stub_->ImportCatalog(Ctx(key).get(), req, resp);
  }

  void LoadSeed() {
    pb::ImportCatalogResponse resp;
    for (const char* f : {"units.yaml", "regions.yaml", "catalog.yaml"}) {
      grpc::Status s = Import(ReadCatalogData(f), false, &resp);
      ASSERT_TRUE(s.ok()) << f << ": " << s.error_message();
      ASSERT_TRUE(resp.applied());
    }
  }

  Metrics metrics_{"indicator_test"};
  CallExecutor executor_{CallExecutorOptions{}, metrics_};
  ApiKeyAuthenticator auth_;
  testing::FakeCatalogStore store_;
  ys::testing::FakeClock clock_{absl::FromUnixSeconds(1664467200)};
  CatalogServiceImpl service_{store_, auth_, clock_, executor_};
  std::unique_ptr<GrpcServer> server_;
  std::unique_ptr<pb::CatalogService::Stub> stub_;
};

TEST_F(CatalogServiceTest, DryRunListsEverythingAndChangesNothing) {
  pb::ImportCatalogResponse resp;
  ASSERT_TRUE(Import(ReadCatalogData("catalog.yaml"), true, &resp, "viewer").ok());
  EXPECT_FALSE(resp.applied());
  EXPECT_EQ(resp.problems_size(), 0);
  int first_level = 0, units = 0;
  for (const auto& c : resp.changes()) {
    EXPECT_EQ(c.kind(), pb::EntityChange::KIND_ADDED);
    first_level += c.entity_type() == "indicator" && c.id().size() == 3;
    units += c.entity_type() == "unit";
  }
  EXPECT_EQ(first_level, 18);
  EXPECT_EQ(units, 14);
  EXPECT_TRUE(store_.published.empty());
}

TEST_F(CatalogServiceTest, ImportAppliesPublishesAndRecordsWho) {
  LoadSeed();
  EXPECT_FALSE(store_.published.empty());
  EXPECT_EQ(store_.last_principal.name, "office-dev");
  const size_t before = store_.published.size();
  pb::ImportCatalogResponse resp;
  ASSERT_TRUE(Import(ReadCatalogData("catalog.yaml"), false, &resp).ok());
  EXPECT_TRUE(resp.applied());
  EXPECT_EQ(resp.changes_size(), 0);
  EXPECT_EQ(store_.published.size(), before);  // nothing changed, nothing published
}

TEST_F(CatalogServiceTest, ImportErrors) {
  pb::ImportCatalogResponse resp;
  grpc::Status empty = Import("", false, &resp);
  EXPECT_EQ(empty.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(empty.error_message().find("field 'yaml'"), std::string::npos);
  grpc::Status bad_yaml = Import("a: [unclosed", false, &resp);
  EXPECT_EQ(bad_yaml.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(bad_yaml.error_message().find("field 'yaml'"), std::string::npos);
  grpc::Status problems =
      Import("first_level:\n  - {code: I01, name: a}\n  - {code: I01, name: b}\n", false, &resp);
  EXPECT_EQ(problems.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(problems.error_message().find("first_level[1].code"), std::string::npos);
  EXPECT_TRUE(store_.published.empty());  // nothing applied
  EXPECT_EQ(Import(ReadCatalogData("catalog.yaml"), false, &resp, "viewer").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Import(ReadCatalogData("catalog.yaml"), true, &resp, "").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  store_.FailWith(absl::UnavailableError("postgresql unavailable"));
  EXPECT_EQ(Import(ReadCatalogData("catalog.yaml"), false, &resp).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(CatalogServiceTest, ListAndGetIndicators) {
  LoadSeed();
  pb::ListIndicatorsRequest req;
  req.set_level(pb::INDICATOR_LEVEL_FIRST);
  req.mutable_page()->set_page_size(10);
  pb::ListIndicatorsResponse page1, page2;
  ASSERT_TRUE(stub_->ListIndicators(Ctx("viewer").get(), req, &page1).ok());
  EXPECT_EQ(page1.indicators_size(), 10);
  EXPECT_EQ(page1.indicators(0).code(), "I01");
  ASSERT_FALSE(page1.page().next_page_token().empty());
  req.mutable_page()->set_page_token(page1.page().next_page_token());
  ASSERT_TRUE(stub_->ListIndicators(Ctx().get(), req, &page2).ok());
  EXPECT_EQ(page2.indicators_size(), 8);
  EXPECT_TRUE(page2.page().next_page_token().empty());

  req.mutable_page()->set_page_token("garbage");
  grpc::Status bad_token = stub_->ListIndicators(Ctx().get(), req, &page2);
  EXPECT_EQ(bad_token.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(bad_token.error_message().find("page.page_token"), std::string::npos);
  req.clear_page();
  req.set_level(static_cast<pb::IndicatorLevel>(42));
  EXPECT_EQ(stub_->ListIndicators(Ctx().get(), req, &page2).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(stub_->ListIndicators(Ctx("").get(), {}, &page2).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  pb::GetIndicatorRequest get;
  pb::Indicator ind;
  get.set_code("I03");
  ASSERT_TRUE(stub_->GetIndicator(Ctx().get(), get, &ind).ok());
  EXPECT_EQ(ind.name(), "办理建筑许可");
  EXPECT_EQ(ind.units(0).unit(), "市住房和城乡建设局");  // alias resolved
  EXPECT_EQ(ind.units(0).head(), "陈锋");
  get.set_code("I99");
  grpc::Status missing = stub_->GetIndicator(Ctx().get(), get, &ind);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_NE(missing.error_message().find("I99"), std::string::npos);
  get.clear_code();
  EXPECT_EQ(stub_->GetIndicator(Ctx().get(), get, &ind).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(CatalogServiceTest, RegionsUnitsAndExport) {
  LoadSeed();
  pb::ListRegionsRequest rr;
  rr.set_parent_code("3611");
  rr.set_kind(pb::REGION_KIND_COUNTY);
  pb::ListRegionsResponse regions;
  ASSERT_TRUE(stub_->ListRegions(Ctx().get(), rr, &regions).ok());
  EXPECT_EQ(regions.regions_size(), 12);

  pb::ResolveUnitRequest ru;
  ru.set_name("市住建局");
  pb::Unit unit;
  ASSERT_TRUE(stub_->ResolveUnit(Ctx().get(), ru, &unit).ok());
  EXPECT_EQ(unit.name(), "市住房和城乡建设局");
  EXPECT_TRUE(unit.high_frequency());
  ru.set_name("市不存在局");
  EXPECT_EQ(stub_->ResolveUnit(Ctx().get(), ru, &unit).error_code(), grpc::StatusCode::NOT_FOUND);
  pb::ListUnitsResponse units;
  ASSERT_TRUE(stub_->ListUnits(Ctx().get(), {}, &units).ok());
  EXPECT_EQ(units.units_size(), 27);

  pb::ExportCatalogResponse exported;
  ASSERT_TRUE(stub_->ExportCatalog(Ctx("viewer").get(), {}, &exported).ok());
  pb::ImportCatalogResponse again;
  ASSERT_TRUE(Import(exported.yaml(), true, &again).ok());
  EXPECT_EQ(again.changes_size(), 0) << again.changes(0).id() << " " << again.changes(0).summary();
  EXPECT_EQ(again.problems_size(), 0);
}

// `ysctl programme import`: the programme's sections only.
grpc::Status ImportProgramme(pb::CatalogService::Stub& stub, grpc::ClientContext* ctx, const std::string& yaml,
                             bool dry_run, pb::ImportCatalogResponse* resp) {
  pb::ImportCatalogRequest req;
  req.set_yaml(yaml);
  req.set_file_name("tasks.yaml");
  req.set_validate_only(dry_run);
  req.add_sections("environments");
  req.add_sections("environment_tasks");
  return stub.ImportCatalog(ctx, req, resp);
}

TEST_F(CatalogServiceTest, Point12_11_TheThirtyTasksAreImportedAndListed) {
  LoadSeed();
  pb::ImportCatalogResponse resp;
  grpc::Status s = ImportProgramme(*stub_, Ctx().get(), testing::ReadSampleTasks(), false, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(resp.applied());
  EXPECT_EQ(resp.problems_size(), 0);
  EXPECT_EQ(resp.warnings_size(), 0);
  EXPECT_EQ(resp.counts().at("programme_item"), 35);

  pb::ListProgrammeItemsRequest req;
  req.set_kind(pb::PROGRAMME_ITEM_KIND_ENVIRONMENT_TASK);
  req.mutable_page()->set_page_size(20);
  pb::ListProgrammeItemsResponse page1, page2;
  ASSERT_TRUE(stub_->ListProgrammeItems(Ctx("viewer").get(), req, &page1).ok());
  ASSERT_EQ(page1.items_size(), 20);
  EXPECT_EQ(page1.items(0).code(), "T01");
  EXPECT_EQ(page1.items(0).environment(), "E1");
  EXPECT_EQ(page1.items(0).provenance(), "SAMPLE");
  req.mutable_page()->set_page_token(page1.page().next_page_token());
  ASSERT_TRUE(stub_->ListProgrammeItems(Ctx("viewer").get(), req, &page2).ok());
  EXPECT_EQ(page2.items_size(), 10);
  EXPECT_EQ(page2.items(9).code(), "T30");
  EXPECT_TRUE(page2.page().next_page_token().empty());

  req.Clear();
  req.set_environment("E2");
  pb::ListProgrammeItemsResponse e2;
  ASSERT_TRUE(stub_->ListProgrammeItems(Ctx().get(), req, &e2).ok());
  EXPECT_EQ(e2.items_size(), 6);
  req.Clear();
  req.set_kind(pb::PROGRAMME_ITEM_KIND_ENVIRONMENT);
  pb::ListProgrammeItemsResponse environments;
  ASSERT_TRUE(stub_->ListProgrammeItems(Ctx().get(), req, &environments).ok());
  EXPECT_EQ(environments.items_size(), 5);
  req.Clear();
  pb::ListProgrammeItemsResponse all;
  ASSERT_TRUE(stub_->ListProgrammeItems(Ctx().get(), req, &all).ok());
  EXPECT_EQ(all.items_size(), 8 + 3 + 5 + 30);
  req.set_kind(static_cast<pb::ProgrammeItemKind>(42));
  EXPECT_EQ(stub_->ListProgrammeItems(Ctx().get(), req, &all).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(stub_->ListProgrammeItems(Ctx("").get(), {}, &all).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(CatalogServiceTest, Point12_11_ATasksFileInPartsWarnsAndAFaultyOneIsRefusedWithItsLine) {
  LoadSeed();
  pb::ImportCatalogResponse resp;
  const std::string part =
      "environments:\n  - {code: E1, name: 环境一}\n"
      "environment_tasks:\n  - {code: T01, name: 任务一, environment: E1, lead_units: [市财政局]}\n";
  ASSERT_TRUE(ImportProgramme(*stub_, Ctx().get(), part, false, &resp).ok());
  EXPECT_TRUE(resp.applied());  // warnings do not stop it
  ASSERT_EQ(resp.warnings_size(), 2);
  EXPECT_EQ(resp.warnings(0).path(), "environments");
  EXPECT_EQ(resp.warnings(1).path(), "environment_tasks");

  const size_t published = store_.published.size();
  const std::string faulty =
      "environment_tasks:\n"
      "  - {code: T02, name: 任务二, environment: E1, lead_units: [市财政局]}\n"
      "  - {code: T03, name: 任务三, environment: E1, lead_units: [市不存在局]}\n";
  ASSERT_TRUE(ImportProgramme(*stub_, Ctx("viewer").get(), faulty, true, &resp).ok());
  ASSERT_EQ(resp.problems_size(), 1);
  EXPECT_EQ(resp.problems(0).line(), 3);
  EXPECT_EQ(resp.problems(0).path(), "environment_tasks[1].lead_units");
  grpc::Status refused = ImportProgramme(*stub_, Ctx().get(), faulty, false, &resp);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(refused.error_message().find("line 3: environment_tasks[1].lead_units: unknown unit 市不存在局"),
            std::string::npos)
      << refused.error_message();
  EXPECT_EQ(store_.published.size(), published);  // nothing applied

  // A catalog file sent as a programme file retires nothing.
  refused = ImportProgramme(*stub_, Ctx().get(), ReadCatalogData("regions.yaml"), false, &resp);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(refused.error_message().find("province: this import takes only the sections environment_tasks, environments"),
            std::string::npos)
      << refused.error_message();
  EXPECT_EQ(store_.published.size(), published);
}

}  // namespace
}  // namespace ys::indicator
