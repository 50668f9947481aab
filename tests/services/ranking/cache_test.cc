// The ranking cache against a private Redis this test starts and stops, with PostgreSQL behind it:
// reads answer from Redis, fall back to PostgreSQL when Redis is down or cold, and the cache
// refills by a rebuild.
#include "services/ranking/cache.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <pqxx/pqxx>

#include "common/pg/migrations.h"
#include "gtest/gtest.h"
#include "services/ranking/embedded.h"
#include "tests/support/outbox_fixture.h"

extern char** environ;

namespace ys::ranking {
namespace {

class PrivateRedis {
 public:
  explicit PrivateRedis(int port) : port_(port) {}
  ~PrivateRedis() { Stop(); }
  void Start() {
    const std::string p = std::to_string(port_);
    std::vector<std::string> args = {"/usr/bin/redis-server", "--port", p, "--bind", "127.0.0.1",
                                     "--save", "", "--appendonly", "no"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ASSERT_EQ(posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ), 0);
    RedisClient probe({.host = "127.0.0.1", .port = port_, .reconnect_backoff = absl::ZeroDuration()});
    for (int i = 0; i < 100 && !probe.Ping().ok(); ++i) absl::SleepFor(absl::Milliseconds(50));
  }
  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  int port_;
  pid_t pid_ = -1;
};

pb::RankingFact Fact(const std::string& indicator, int rank) {
  pb::RankingFact f;
  f.set_source("sample");
  f.set_evaluation(pb::EVALUATION_OFFICIAL);
  f.set_indicator_code(indicator);
  f.set_scope(pb::SCOPE_CITY);
  f.set_region_code("3611");
  f.set_period("2022-09");
  f.set_rank(rank);
  f.set_total(11);
  f.set_revision(1);
  return f;
}

TEST(RankingCacheTest, FallsBackToPostgresWhenRedisIsDownAndRefillsAfter) {
  auto migrations = MigrationsFromFiles(EmbeddedMigrations());
  ASSERT_TRUE(migrations.ok());
  auto pool = ys::testing::MigratedPool(ys::testing::UniqueName("t_cache"), *migrations);
  ASSERT_NE(pool, nullptr);
  // Two current facts, as the ingest leaves them.
  ASSERT_TRUE(pool->WithTransaction([](pqxx::work& tx) {
                for (const auto& f : {Fact("I01", 3), Fact("I02", 11)}) {
                  tx.exec_params("INSERT INTO current_facts VALUES ($1, $2, 'EVALUATION_OFFICIAL', $3, "
                                 "'SCOPE_CITY', '3611', '2022-09', $4, 11, NULL, 1, $5, now())",
                                 FactKey(f), f.source(), f.indicator_code(), f.rank(),
                                 pqxx::binarystring(f.SerializeAsString()));
                }
                return absl::OkStatus();
              }).ok());

  const int port = 20000 + static_cast<int>(getpid() % 10000);
  PrivateRedis server(port);
  server.Start();
  RedisClient redis({.host = "127.0.0.1", .port = port, .reconnect_backoff = absl::Milliseconds(100)});
  RankingCache cache(redis);
  PgFactReader pg(*pool);
  Metrics metrics("cache_test");
  CachedFactReader reader(cache, pg, metrics);

  // Cold: answered from PostgreSQL.
  auto cold = reader.ForRegion(pb::EVALUATION_OFFICIAL, "3611", "2022-09");
  ASSERT_TRUE(cold.ok()) << cold.status();
  EXPECT_EQ(cold->size(), 2u);
  EXPECT_FALSE(CachedFactReader::LastFromCache());

  ASSERT_EQ(*cache.Rebuild(*pool), 2u);
  auto hit = reader.ForIndicator(pb::EVALUATION_OFFICIAL, "I02", pb::SCOPE_CITY, "2022-09");
  ASSERT_TRUE(hit.ok());
  ASSERT_EQ(hit->size(), 1u);
  EXPECT_EQ((*hit)[0].rank(), 11);
  EXPECT_TRUE(CachedFactReader::LastFromCache());

  // Redis down: the same answer, from PostgreSQL.
  server.Stop();
  auto down = reader.ForRegion(pb::EVALUATION_OFFICIAL, "3611", "2022-09");
  ASSERT_TRUE(down.ok()) << down.status();
  EXPECT_EQ(down->size(), 2u);
  EXPECT_FALSE(CachedFactReader::LastFromCache());
  EXPECT_EQ(cache.Write({Fact("I03", 5)}).code(), absl::StatusCode::kUnavailable);

  // Redis back, empty: cold until the rebuild refills it.
  server.Start();
  absl::SleepFor(absl::Milliseconds(150));  // past the client's reconnect backoff
  auto built = cache.IsBuilt();
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_FALSE(*built);
  ASSERT_EQ(*cache.Rebuild(*pool), 2u);
  auto refilled = reader.ForRegion(pb::EVALUATION_OFFICIAL, "3611", "2022-09");
  ASSERT_TRUE(refilled.ok());
  EXPECT_EQ(refilled->size(), 2u);
  EXPECT_TRUE(CachedFactReader::LastFromCache());

  const std::string text = metrics.Serialize();
  EXPECT_NE(text.find("ys_ranking_cache_reads_total{result=\"redis_down\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("ys_ranking_cache_reads_total{result=\"cold\"} 1"), std::string::npos);
  EXPECT_NE(text.find("ys_ranking_cache_reads_total{result=\"hit\"} 2"), std::string::npos);
}

}  // namespace
}  // namespace ys::ranking
