#include <pqxx/pqxx>

#include "common/pg/migrations.h"
#include "common/pg/pool.h"
#include "gtest/gtest.h"
#include "tests/support/test_env.h"

namespace ys {
namespace {

std::unique_ptr<PgPool> Pool(const std::string& schema) {
  PgOptions o;
  o.uri = testing::PgUri();
  o.schema = schema;
  o.pool_size = 3;
  auto pool = PgPool::Connect(o);
  EXPECT_TRUE(pool.ok()) << pool.status();
  return pool.ok() ? std::move(*pool) : nullptr;
}

TEST(PgTest, MigrationsApplyOnceInOrderAndRefuseEdits) {
  const std::string schema = testing::UniqueName("t_mig");
  auto pool = Pool(schema);
  ASSERT_NE(pool, nullptr);
  std::vector<Migration> m = {
      {1, "0001_cases", "CREATE TABLE cases (id bigserial PRIMARY KEY, title text NOT NULL)"},
      {2, "0002_due", "ALTER TABLE cases ADD COLUMN due date"},
  };
  ASSERT_TRUE(MigrateService(*pool, "svc", m).ok());
  ASSERT_TRUE(MigrateService(*pool, "svc", m).ok());  // second run: nothing to do
  int64_t applied = 0;
  ASSERT_TRUE(pool->WithTransaction([&](pqxx::work& tx) {
                    applied = tx.exec1("SELECT count(*) FROM schema_migrations")[0].as<int64_t>();
                    tx.exec("INSERT INTO cases (title, due) VALUES ('整改', '2022-10-30')");
                    return absl::OkStatus();
                  }).ok());
  EXPECT_EQ(applied, 2 + static_cast<int64_t>(CommonMigrations().size()));  // ys_common + svc/0001, 0002

  m[0].sql += " -- edited";
  absl::Status edited = MigrateService(*pool, "svc", m);
  EXPECT_EQ(edited.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(edited.message().find("0001_cases"), std::string::npos);
}

TEST(PgTest, FailedMigrationLeavesNothingHalfApplied) {
  const std::string schema = testing::UniqueName("t_mig");
  auto pool = Pool(schema);
  ASSERT_NE(pool, nullptr);
  std::vector<Migration> m = {{1, "0001_bad", "CREATE TABLE a (id int); SELECT no_such_function()"}};
  EXPECT_FALSE(MigrateService(*pool, "svc", m).ok());
  bool exists = true;
  ASSERT_TRUE(pool->WithTransaction([&](pqxx::work& tx) {
                    exists = tx.exec1("SELECT to_regclass('a') IS NOT NULL")[0].as<bool>();
                    return absl::OkStatus();
                  }).ok());
  EXPECT_FALSE(exists);
}

TEST(PgTest, TransactionsCommitOnOkAndRollBackOnError) {
  const std::string schema = testing::UniqueName("t_tx");
  auto pool = Pool(schema);
  ASSERT_NE(pool, nullptr);
  ASSERT_TRUE(MigrateService(*pool, "svc",
                             {{1, "0001_t", "CREATE TABLE t (k text PRIMARY KEY, v int)"}})
                  .ok());
  EXPECT_TRUE(pool->WithTransaction([](pqxx::work& tx) {
                    tx.exec_params("INSERT INTO t VALUES ($1, $2)", "a", 1);
                    return absl::OkStatus();
                  }).ok());
  absl::Status s = pool->WithTransaction([](pqxx::work& tx) {
    tx.exec_params("INSERT INTO t VALUES ($1, $2)", "b", 2);
    return absl::FailedPreconditionError("changed my mind");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  absl::Status dup = pool->WithTransaction([](pqxx::work& tx) {
    tx.exec_params("INSERT INTO t VALUES ($1, $2)", "a", 3);
    return absl::OkStatus();
  });
  EXPECT_EQ(dup.code(), absl::StatusCode::kAlreadyExists) << dup;
  int64_t n = 0;
  ASSERT_TRUE(pool->WithTransaction([&](pqxx::work& tx) {
                    n = tx.exec1("SELECT count(*) FROM t")[0].as<int64_t>();
                    return absl::OkStatus();
                  }).ok());
  EXPECT_EQ(n, 1);
}

TEST(PgTest, ArrayLiteralsRoundTripEveryValue) {
  auto pool = Pool(testing::UniqueName("t_arr"));
  ASSERT_NE(pool, nullptr);
  const std::vector<std::optional<std::string>> values = {
      "", "plain", "with \"quotes\"", "back\\slash\\", "\\\"", "{braces},commas", "NULL", " spaced ",
      "上饶市营商办", std::nullopt, std::string(5000, '"'), "\\x0a1b"};
  ASSERT_TRUE(pool->WithTransaction([&](pqxx::work& tx) {
                    const pqxx::result r = tx.exec_params(
                        "SELECT v, v IS NULL FROM unnest($1::text[]) WITH ORDINALITY AS u(v, n) ORDER BY n",
                        PgArray(values));
                    EXPECT_EQ(r.size(), values.size());
                    for (size_t i = 0; i < r.size() && i < values.size(); ++i) {
                      EXPECT_EQ(r[i][1].as<bool>(), !values[i].has_value()) << i;
                      if (values[i].has_value()) {
                        EXPECT_EQ(r[i][0].as<std::string>(), *values[i]) << i;
                      }
                    }
                    const std::vector<std::string> bodies = {PgHexBytes(std::string("\0\xff\"\\", 4)), PgHexBytes("")};
                    const pqxx::result b = tx.exec_params(
                        "SELECT encode(v, 'hex') FROM unnest($1::bytea[]) WITH ORDINALITY AS u(v, n) ORDER BY n",
                        PgArray(bodies));
                    EXPECT_EQ(b[0][0].as<std::string>(), "00ff225c");
                    EXPECT_EQ(b[1][0].as<std::string>(), "");
                    return absl::OkStatus();
                  }).ok());
}

TEST(PgTest, ServerDownIsOneClearLine) {
  PgOptions o;
  o.uri = "postgresql://postgres@127.0.0.1:1/yingshang";
  auto pool = PgPool::Connect(o);
  EXPECT_EQ(pool.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(pool.status().message().find('\n'), std::string::npos) << pool.status();
  EXPECT_NE(pool.status().message().find("postgresql unavailable"), std::string::npos);
}

TEST(PgTest, ABrokenConnectionIsReplaced) {
  const std::string schema = testing::UniqueName("t_conn");
  auto pool = Pool(schema);
  ASSERT_NE(pool, nullptr);
  int pid = 0;
  ASSERT_TRUE(pool->WithTransaction([&](pqxx::work& tx) {
                    pid = tx.exec1("SELECT pg_backend_pid()")[0].as<int>();
                    return absl::OkStatus();
                  }).ok());
  auto killer = Pool(schema);
  ASSERT_TRUE(killer->WithTransaction([&](pqxx::work& tx) {
                      tx.exec_params("SELECT pg_terminate_backend($1)", pid);
                      return absl::OkStatus();
                    }).ok());
  // The first use of the dead connection fails as UNAVAILABLE; the pool then opens a new one.
  absl::Status first = pool->WithTransaction([](pqxx::work& tx) {
    tx.exec("SELECT 1");
    return absl::OkStatus();
  });
  if (!first.ok()) {
    EXPECT_EQ(first.code(), absl::StatusCode::kUnavailable) << first;
  }
  EXPECT_TRUE(pool->WithTransaction([](pqxx::work& tx) {
                    tx.exec("SELECT 1");
                    return absl::OkStatus();
                  }).ok());
}

}  // namespace
}  // namespace ys
