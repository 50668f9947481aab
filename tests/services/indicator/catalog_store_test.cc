// PgCatalogStore against the real PostgreSQL: versions, audit, outbox, optimistic concurrency.
#include "services/indicator/catalog_store.h"

#include "common/pg/migrations.h"
#include "gtest/gtest.h"
#include "services/indicator/embedded.h"
#include "tests/support/outbox_fixture.h"

namespace ys::indicator {
namespace {

using ys::testing::QueryInt;

pb::CatalogEntity IndicatorEntity(const std::string& code, const std::string& name) {
  pb::CatalogEntity e;
  e.mutable_indicator()->set_code(code);
  e.mutable_indicator()->set_name(name);
  e.mutable_indicator()->set_level(pb::INDICATOR_LEVEL_FIRST);
  return e;
}

TEST(CatalogStoreTest, AppliesAuditsPublishesAndDetectsRaces) {
  auto migrations = MigrationsFromFiles(EmbeddedMigrations());
  ASSERT_TRUE(migrations.ok());
  auto pool = ys::testing::MigratedPool(ys::testing::UniqueName("t_ind"), *migrations);
  ASSERT_NE(pool, nullptr);
  PgCatalogStore store(*pool);
  const Principal office{"office-dev", "office"};

  ASSERT_TRUE(store.Apply({IndicatorEntity("I01", "开办企业"), IndicatorEntity("I02", "劳动力市场监管")},
                          {}, office, absl::Now())
                  .ok());
  auto loaded = store.Load();
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ(loaded->entities.size(), 2u);
  EXPECT_EQ(loaded->versions.at("indicator/I01"), 1);

  // A second writer that read before the first change lost the race.
  auto stale = loaded->versions;
  ASSERT_TRUE(store.Apply({IndicatorEntity("I01", "企业开办")}, loaded->versions, office, absl::Now()).ok());
  absl::Status race = store.Apply({IndicatorEntity("I01", "开办")}, stale, office, absl::Now());
  EXPECT_EQ(race.code(), absl::StatusCode::kAborted);
  EXPECT_NE(race.message().find("indicator/I01"), std::string::npos);

  auto reloaded = store.Load();
  EXPECT_EQ(reloaded->versions.at("indicator/I01"), 2);
  for (const auto& e : reloaded->entities) {
    if (e.indicator().code() == "I01") {
      EXPECT_EQ(e.indicator().name(), "企业开办");
    }
  }
  EXPECT_EQ(QueryInt(*pool, "SELECT count(*) FROM audit_log"), 3);
  EXPECT_EQ(QueryInt(*pool, "SELECT count(*) FROM audit_log WHERE entity_id = 'I01' AND "
                            "before_json->'indicator'->>'name' = '开办企业' AND "
                            "after_json->'indicator'->>'name' = '企业开办' AND "
                            "principal = 'office-dev (office)'"),
            1);
  EXPECT_EQ(QueryInt(*pool, "SELECT count(*) FROM outbox WHERE topic = 'ys.catalog.v1' AND "
                            "msg_key = 'indicator/I01'"),
            2);
}

}  // namespace
}  // namespace ys::indicator
