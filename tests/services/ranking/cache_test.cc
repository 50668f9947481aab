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
  auto cold = reader.ForRegion(pb::EVALUATION_OFFICIAL, "3611", {"2022-09"});
  ASSERT_TRUE(cold.ok()) << cold.status();
  EXPECT_EQ(cold->facts.size(), 2u);
  EXPECT_FALSE(cold->from_cache);

  ASSERT_EQ(*cache.Rebuild(*pool), 2u);
  auto hit = reader.ForIndicator(pb::EVALUATION_OFFICIAL, "I02", pb::SCOPE_CITY, "2022-09");
  ASSERT_TRUE(hit.ok());
  ASSERT_EQ(hit->facts.size(), 1u);
  EXPECT_EQ(hit->facts[0].rank(), 11);
  EXPECT_TRUE(hit->from_cache);

  // Redis down: the same answer, from PostgreSQL.
  server.Stop();
  auto down = reader.ForRegion(pb::EVALUATION_OFFICIAL, "3611", {"2022-09"});
  ASSERT_TRUE(down.ok()) << down.status();
  EXPECT_EQ(down->facts.size(), 2u);
  EXPECT_FALSE(down->from_cache);
  EXPECT_EQ(cache.Write({{Fact("I03", 5), 1}}).code(), absl::StatusCode::kUnavailable);

  // Redis back, empty: cold until the rebuild refills it.
  server.Start();
  absl::SleepFor(absl::Milliseconds(150));  // past the client's reconnect backoff
  auto built = cache.IsBuilt();
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_FALSE(*built);
  ASSERT_EQ(*cache.Rebuild(*pool), 2u);
  auto refilled = reader.ForRegion(pb::EVALUATION_OFFICIAL, "3611", {"2022-09"});
  ASSERT_TRUE(refilled.ok());
  EXPECT_EQ(refilled->facts.size(), 2u);
  EXPECT_TRUE(refilled->from_cache);

  const std::string text = metrics.Serialize();
  EXPECT_NE(text.find("ys_ranking_cache_reads_total{result=\"redis_down\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("ys_ranking_cache_reads_total{result=\"cold\"} 1"), std::string::npos);
  EXPECT_NE(text.find("ys_ranking_cache_reads_total{result=\"hit\"} 2"), std::string::npos);
}

// Writers reach Redis in any order after their commits (two replicas' consumers, Submit, a
// rebuild): the cache keeps, per indicator and region, the fact with the highest write_seq, the one
// the PostgreSQL readers choose too.
TEST(RankingCacheTest, KeepsTheLatestWriteWhateverOrderWritersArriveIn) {
  auto migrations = MigrationsFromFiles(EmbeddedMigrations());
  ASSERT_TRUE(migrations.ok());
  auto pool = ys::testing::MigratedPool(ys::testing::UniqueName("t_cache_cas"), *migrations);
  ASSERT_NE(pool, nullptr);
  const int port = 20000 + static_cast<int>((getpid() + 1) % 10000);
  PrivateRedis server(port);
  server.Start();
  RedisClient redis({.host = "127.0.0.1", .port = port, .reconnect_backoff = absl::Milliseconds(100)});
  RankingCache cache(redis);
  PgFactReader pg(*pool);

  // Two sources publish I01 for 3611; source "b" was written last (write_seq 20), in PostgreSQL.
  pb::RankingFact from_a = Fact("I01", 3);
  pb::RankingFact from_b = Fact("I01", 7);
  from_b.set_source("b");
  ASSERT_TRUE(pool->WithTransaction([&](pqxx::work& tx) {
                for (const auto& [f, seq] : {std::pair{from_a, 10}, std::pair{from_b, 20}}) {
                  tx.exec_params("INSERT INTO current_facts VALUES ($1, $2, 'EVALUATION_OFFICIAL', $3, "
                                 "'SCOPE_CITY', '3611', '2022-09', $4, 11, NULL, 1, $5, now(), $6)",
                                 FactKey(f), f.source(), f.indicator_code(), f.rank(),
                                 pqxx::binarystring(f.SerializeAsString()), seq);
                }
                return absl::OkStatus();
              }).ok());
  auto from_pg = pg.ForRegion(pb::EVALUATION_OFFICIAL, "3611", {"2022-09"});
  ASSERT_TRUE(from_pg.ok()) << from_pg.status();
  ASSERT_EQ(from_pg->facts.size(), 1u);
  EXPECT_EQ(from_pg->facts[0].source(), "b");

  // The later write reaches Redis first; the earlier one arriving after it changes nothing.
  ASSERT_TRUE(cache.Write({{from_b, 20}}).ok());
  ASSERT_TRUE(cache.Write({{from_a, 10}}).ok());
  ASSERT_TRUE(redis.Command({"SET", "ys:v1:meta:built", "1"}).ok());
  auto by_region = cache.ForRegion(pb::EVALUATION_OFFICIAL, "3611", {"2022-09"});
  ASSERT_TRUE(by_region.ok()) << by_region.status();
  ASSERT_EQ(by_region->facts.size(), 1u);
  EXPECT_EQ(by_region->facts[0].source(), "b");
  auto by_indicator = cache.ForIndicator(pb::EVALUATION_OFFICIAL, "I01", pb::SCOPE_CITY, "2022-09");
  ASSERT_TRUE(by_indicator.ok());
  ASSERT_EQ(by_indicator->facts.size(), 1u);
  EXPECT_EQ(by_indicator->facts[0].rank(), 7);
  auto rank = redis.Command({"ZSCORE", "ys:v1:rank:EVALUATION_OFFICIAL:SCOPE_CITY:I01:2022-09", "3611"});
  ASSERT_TRUE(rank.ok());
  EXPECT_EQ(rank->str, "7");

  // A newer write (a correction from "a", write_seq 30) replaces it; a rebuild from a snapshot
  // taken before it (here: PostgreSQL still holding 10 and 20) leaves the newer entry alone.
  pb::RankingFact corrected = Fact("I01", 2);
  corrected.set_revision(2);
  ASSERT_TRUE(cache.Write({{corrected, 30}}).ok());
  ASSERT_EQ(*cache.Rebuild(*pool), 2u);
  by_region = cache.ForRegion(pb::EVALUATION_OFFICIAL, "3611", {"2022-09"});
  ASSERT_TRUE(by_region.ok());
  ASSERT_EQ(by_region->facts.size(), 1u);
  EXPECT_EQ(by_region->facts[0].revision(), 2);
  EXPECT_EQ(by_region->facts[0].rank(), 2);

  // Redis forgot the script (as after a restart): it is loaded again (NOSCRIPT), the write goes on.
  ASSERT_TRUE(redis.Command({"SCRIPT", "FLUSH"}).ok());
  EXPECT_TRUE(cache.Write({{from_a, 40}}).ok());
  auto seq = redis.Command({"HGET", "ys:v1:seq:EVALUATION_OFFICIAL:3611:2022-09", "I01"});
  ASSERT_TRUE(seq.ok());
  EXPECT_EQ(seq->str, "40");
}

}  // namespace
}  // namespace ys::ranking
