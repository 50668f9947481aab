// The authorization matrix (issue #17), its PostgreSQL half: the services whose fixtures run on the
// local stack (rectification and the outbox admin, ranking, the programme and 惠企通's redemptions),
// each RPC called under every role's key, a person of every console role, the gateway's key alone
// and no key, against tests/authz/matrix.yaml. The table's own checks are authz_matrix_test.cc's.
#include <memory>

#include "common/pg/outbox_admin.h"
#include "gtest/gtest.h"
#include "services/indicator/catalog_store.h"
#include "services/indicator/embedded.h"
#include "services/indicator/programme_service.h"
#include "services/indicator/redemption_service.h"
#include "tests/authz/matrix_table.h"
#include "tests/authz/probe.h"
#include "tests/services/ranking/ranking_server_fixture.h"
#include "tests/services/rectification/case_fixture.h"

namespace ys::authz {
namespace {

TEST(AuthzMatrixTable, ThisBinaryProbesItsServices) { ExpectHostSuitesExist("integration"); }

// The cases on a schema of their own with keys as configuration loads them
// (tests/services/rectification/case_fixture.h), and the outbox admin every service serves, on the
// same database. One case opened, so a read by id has something to refuse or give.
class RectificationMatrix : public rectification::RectificationServiceTest {};

TEST_F(RectificationMatrix, EveryRoleOnEveryRpc) {
  const MatrixTable table = MustLoadMatrix();
  Apply({Alert(rectification::rpb::ALERT_RULE_LAST_IN_PROVINCE, "I03", "2022-09")});
  AddCallerKeys(auth_);
  EXPECT_GT(ProbeServices(server_->address(), {"yingshang.rectification.v1.RectificationService"}, table), 0);
  OutboxAdminImpl outbox(*pool_, auth_, executor_);
  MatrixServer admin(auth_, {&outbox});
  ASSERT_TRUE(admin.started().ok()) << admin.started();
  EXPECT_GT(ProbeServices(admin.address(), {"yingshang.admin.v1.OutboxAdmin"}, table), 0);
}

// RankingIngest and RankingQuery on PostgreSQL and Redis with the seed catalog's replica
// (tests/services/ranking/ranking_server_fixture.h).
class RankingMatrix : public ranking::RankingServerTest {};

TEST_F(RankingMatrix, EveryRoleOnEveryRpc) {
  const MatrixTable table = MustLoadMatrix();
  AddCallerKeys(auth_);
  EXPECT_GT(ProbeServices(server_->address(),
                          {"yingshang.ranking.v1.RankingIngest", "yingshang.ranking.v1.RankingQuery"}, table),
            0);
}

// ProgrammeService and RedemptionService on a migrated schema and an empty catalog (the role check
// comes before any read of it).
TEST(IndicatorPgMatrix, EveryRoleOnEveryRpc) {
  const MatrixTable table = MustLoadMatrix();
  auto migrations = MigrationsFromFiles(indicator::EmbeddedMigrations());
  ASSERT_TRUE(migrations.ok()) << migrations.status();
  std::unique_ptr<PgPool> pool = ys::testing::MigratedPool(ys::testing::UniqueName("t_authz"), *migrations);
  ASSERT_NE(pool, nullptr);
  indicator::PgCatalogStore catalog(*pool);
  Metrics metrics{"authz_indicator"};
  CallExecutor executor{CallExecutorOptions{}, metrics};
  ys::testing::FakeClock clock{absl::FromUnixSeconds(1664467200)};
  ApiKeyAuthenticator auth;
  indicator::ProgrammeServiceImpl programme(*pool, catalog, auth, clock, executor);
  indicator::RedemptionServiceImpl redemptions(*pool, catalog, auth, clock, executor);
  MatrixServer server(auth, {&programme, &redemptions});
  ASSERT_TRUE(server.started().ok()) << server.started();
  EXPECT_GT(ProbeServices(server.address(),
                          {"yingshang.indicator.v1.ProgrammeService", "yingshang.indicator.v1.RedemptionService"},
                          table),
            0);
}

}  // namespace
}  // namespace ys::authz
