#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <pqxx/pqxx>

#include "absl/strings/escaping.h"
#include "common/pg/copy.h"
#include "common/pg/migrations.h"
#include "common/pg/outbox.h"
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

// A schema from before outbox_sent: its sent rows move there, its pending ones stay, and the relay
// and the outbox_log view see both.
TEST(PgTest, OutboxMigrationMovesSentRowsAndKeepsPendingOnes) {
  auto pool = Pool(testing::UniqueName("t_obx"));
  ASSERT_NE(pool, nullptr);
  const std::vector<Migration> before(CommonMigrations().begin(), CommonMigrations().begin() + 2);
  ASSERT_TRUE(ApplyMigrations(*pool, "ys_common", before).ok());
  ASSERT_TRUE(pool->WithTransaction([&](pqxx::work& tx) {
                    tx.exec("INSERT INTO outbox (topic, msg_key, ce_id, ce_type, ce_source, ce_time, "
                            "content_type, payload, sent_at) SELECT 't', 'k', 'id-' || g, 'ty', 's', now(), "
                            "'application/json', '\\x7b7d', CASE WHEN g <= 3 THEN now() END "
                            "FROM generate_series(1, 5) g");
                    return absl::OkStatus();
                  }).ok());
  ASSERT_TRUE(ApplyMigrations(*pool, "ys_common", CommonMigrations()).ok());
  ASSERT_TRUE(pool->WithTransaction([&](pqxx::work& tx) {
                    EXPECT_EQ(tx.exec1("SELECT string_agg(ce_id, ',' ORDER BY id) FROM outbox")[0].as<std::string>(),
                              "id-4,id-5");
                    EXPECT_EQ(tx.exec1("SELECT string_agg(ce_id, ',' ORDER BY id) FROM outbox_sent")[0].as<std::string>(),
                              "id-1,id-2,id-3");
                    const pqxx::row log =
                        tx.exec1("SELECT count(*) FILTER (WHERE sent_at IS NULL), count(*) FROM outbox_log");
                    EXPECT_EQ(log[0].as<int64_t>(), 2);
                    EXPECT_EQ(log[1].as<int64_t>(), 5);
                    // Requeued events keep their ids, so they go out first again.
                    EXPECT_EQ(RequeueSentEvents(tx, "other"), 0);
                    EXPECT_EQ(RequeueSentEvents(tx, "t"), 3);
                    EXPECT_EQ(tx.exec1("SELECT string_agg(ce_id, ',' ORDER BY id) FROM outbox")[0].as<std::string>(),
                              "id-1,id-2,id-3,id-4,id-5");
                    return absl::OkStatus();
                  }).ok());
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

TEST(PgTest, CopyRowsRoundTripEveryValue) {
  auto pool = Pool(testing::UniqueName("t_copy"));
  ASSERT_NE(pool, nullptr);
  ASSERT_TRUE(MigrateService(*pool, "test", {}).ok());  // creates the schema
  const std::vector<std::optional<std::string>> texts = {
      "", "plain", "tab\there", "line\nbreak", "tab\t", "\\N", "\\", "a\rb\n\tc\\",
      "上饶市营商办", std::nullopt, std::string(5000, '\\') + std::string(3, '\t'), "\\x0a1b", "\\."};
  std::string every_byte;
  for (int c = 0; c < 256; ++c) every_byte += static_cast<char>(c);
  PgCopyRows rows;
  for (size_t i = 0; i < texts.size(); ++i) {
    rows.Int(static_cast<int64_t>(i) - 3);
    if (texts[i].has_value()) {
      rows.Text(*texts[i]);
    } else {
      rows.Null();
    }
    rows.Bytes(i % 2 == 0 ? every_byte : std::string()).EndRow();
  }
  EXPECT_EQ(rows.rows(), texts.size());
  const absl::Status copied = pool->WithTransaction([&](pqxx::work& tx) {
                    tx.exec("CREATE TABLE copied (n bigint PRIMARY KEY, t text, b bytea NOT NULL, "
                            "at timestamptz NOT NULL DEFAULT now())");
                    rows.CopyInto(tx, "copied", {"n", "t", "b"});
                    const pqxx::result r =
                        tx.exec("SELECT n, t, t IS NULL, encode(b, 'hex') FROM copied ORDER BY n");
                    EXPECT_EQ(r.size(), texts.size());
                    for (size_t i = 0; i < r.size() && i < texts.size(); ++i) {
                      EXPECT_EQ(r[i][0].as<int64_t>(), static_cast<int64_t>(i) - 3);
                      EXPECT_EQ(r[i][2].as<bool>(), !texts[i].has_value()) << i;
                      if (texts[i].has_value()) {
                        EXPECT_EQ(r[i][1].as<std::string>(), *texts[i]) << i;
                      }
                      EXPECT_EQ(r[i][3].as<std::string>(), i % 2 == 0 ? absl::BytesToHexString(every_byte) : "") << i;
                    }
                    return absl::OkStatus();
                  });
  ASSERT_TRUE(copied.ok()) << copied;
  // One column whose last value is empty: every row arrives (the line ends are not trimmed twice).
  ASSERT_TRUE(pool->WithTransaction([&](pqxx::work& tx) {
                    tx.exec("CREATE TABLE one_column (t text)");
                    PgCopyRows one;
                    one.Text("x").EndRow();
                    one.Text("").EndRow();
                    one.CopyInto(tx, "one_column", {"t"});
                    EXPECT_EQ(tx.exec1("SELECT count(*) FROM one_column WHERE t = ''")[0].as<int64_t>(), 1);
                    EXPECT_EQ(tx.exec1("SELECT count(*) FROM one_column")[0].as<int64_t>(), 2);
                    return absl::OkStatus();
                  }).ok());
  // A duplicate key fails like an INSERT's, and the transaction can go on after a savepoint.
  ASSERT_TRUE(pool->WithTransaction([&](pqxx::work& tx) {
                    tx.exec("SAVEPOINT dup");
                    PgCopyRows again;
                    again.Int(0).Text("again").Bytes("x").EndRow();
                    EXPECT_THROW(again.CopyInto(tx, "copied", {"n", "t", "b"}), pqxx::unique_violation);
                    tx.exec("ROLLBACK TO SAVEPOINT dup");
                    EXPECT_EQ(tx.exec1("SELECT count(*) FROM copied")[0].as<int64_t>(),
                              static_cast<int64_t>(texts.size()));
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

// issue #17: the session settings the options ask for, through a URI that has a query string.
TEST(PgTest, SessionsGetTheConfiguredTimeoutsThroughAUriWithAQuery) {
  PgOptions o;
  o.uri = testing::PgUri() + (testing::PgUri().find('?') == std::string::npos ? "?" : "&") +
          "application_name=ys_pg_test";
  o.statement_timeout = absl::Milliseconds(1500);
  o.lock_timeout = absl::Seconds(3);
  o.keepalives_idle = absl::Seconds(42);
  auto pool = PgPool::Connect(o);
  ASSERT_TRUE(pool.ok()) << pool.status();
  ASSERT_TRUE((*pool)->WithTransaction([&](pqxx::work& tx) {
                       const pqxx::row r = tx.exec1(
                           "SELECT current_setting('statement_timeout'), current_setting('lock_timeout'), "
                           "current_setting('application_name')");
                       EXPECT_EQ(r[0].as<std::string>(), "1500ms");
                       EXPECT_EQ(r[1].as<std::string>(), "3s");
                       EXPECT_EQ(r[2].as<std::string>(), "ys_pg_test");  // the URI's own parameter stays
                       return absl::OkStatus();
                     }).ok());
  // The keepalive settings are the client socket's.
  ASSERT_TRUE((*pool)->WithConnection([&](pqxx::connection& c) {
                       int on = 0, idle = 0, interval = 0, count = 0;
                       socklen_t len = sizeof(int);
                       EXPECT_EQ(getsockopt(c.sock(), SOL_SOCKET, SO_KEEPALIVE, &on, &len), 0);
                       EXPECT_EQ(getsockopt(c.sock(), IPPROTO_TCP, TCP_KEEPIDLE, &idle, &len), 0);
                       EXPECT_EQ(getsockopt(c.sock(), IPPROTO_TCP, TCP_KEEPINTVL, &interval, &len), 0);
                       EXPECT_EQ(getsockopt(c.sock(), IPPROTO_TCP, TCP_KEEPCNT, &count, &len), 0);
                       EXPECT_NE(on, 0);
                       EXPECT_EQ(idle, 42);
                       EXPECT_EQ(interval, 10);
                       EXPECT_EQ(count, 3);
                       return absl::OkStatus();
                     }).ok());
}

TEST(PgTest, AStatementLongerThanStatementTimeoutIsCancelled) {
  PgOptions o;
  o.uri = testing::PgUri();
  o.pool_size = 1;
  o.statement_timeout = absl::Milliseconds(300);
  auto pool = PgPool::Connect(o);
  ASSERT_TRUE(pool.ok()) << pool.status();
  const absl::Time start = absl::Now();
  const absl::Status s = (*pool)->WithTransaction([](pqxx::work& tx) {
    tx.exec("SELECT pg_sleep(10)");
    return absl::OkStatus();
  });
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded) << s;
  EXPECT_NE(s.message().find("pg.statement_timeout"), std::string::npos) << s;
  EXPECT_NE(s.message().find("statement timeout"), std::string::npos) << s;  // the server's reason
  // The connection survives the cancel and keeps its setting.
  EXPECT_TRUE((*pool)->WithTransaction([](pqxx::work& tx) {
                       EXPECT_EQ(tx.exec1("SHOW statement_timeout")[0].as<std::string>(), "300ms");
                       return absl::OkStatus();
                     }).ok());
}

TEST(PgTest, ALockWaitLongerThanLockTimeoutFails) {
  const std::string schema = testing::UniqueName("t_lock");
  auto setup = Pool(schema);
  ASSERT_NE(setup, nullptr);
  ASSERT_TRUE(MigrateService(*setup, "svc", {{1, "0001_t", "CREATE TABLE t (k int PRIMARY KEY)"}}).ok());
  PgOptions o;
  o.uri = testing::PgUri();
  o.schema = schema;
  o.lock_timeout = absl::Milliseconds(300);
  o.statement_timeout = absl::Seconds(30);  // so that only the lock wait can end it early
  auto pool = PgPool::Connect(o);
  ASSERT_TRUE(pool.ok()) << pool.status();

  pqxx::connection holder(testing::PgUri());
  pqxx::work held(holder);
  held.exec("LOCK TABLE " + QuoteIdent(schema) + ".t IN ACCESS EXCLUSIVE MODE");
  const absl::Time start = absl::Now();
  const absl::Status s = (*pool)->WithTransaction([](pqxx::work& tx) {
    tx.exec("SELECT count(*) FROM t");
    return absl::OkStatus();
  });
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded) << s;
  EXPECT_NE(s.message().find("pg.lock_timeout"), std::string::npos) << s;
  held.abort();
  EXPECT_TRUE((*pool)->WithTransaction([](pqxx::work& tx) {
                       tx.exec("SELECT count(*) FROM t");
                       return absl::OkStatus();
                     }).ok());
}

TEST(PgTest, MigratorGivesUpWhenAnotherSessionHoldsTheMigrationLock) {
  const std::string schema = testing::UniqueName("t_miglock");
  PgOptions o;
  o.uri = testing::PgUri();
  o.schema = schema;
  o.pool_size = 1;  // the migrator's connection is the one checked afterwards
  o.statement_timeout = absl::Milliseconds(400);  // shorter than the lock wait: must not cut it
  o.migration_lock_timeout = absl::Seconds(1);
  auto pool = PgPool::Connect(o);
  ASSERT_TRUE(pool.ok()) << pool.status();

  pqxx::connection holder(testing::PgUri());
  pqxx::nontransaction other(holder);
  other.exec_params("SELECT pg_advisory_lock(hashtext($1))", "ys_migrate:" + schema);
  const absl::Time start = absl::Now();
  const absl::Status s = MigrateService(**pool, "svc", {{1, "0001_t", "CREATE TABLE t (k int)"}});
  const absl::Duration waited = absl::Now() - start;
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded) << s;
  EXPECT_NE(s.message().find("pg.migration_lock_timeout"), std::string::npos) << s;
  EXPECT_EQ(s.message().find('\n'), std::string::npos) << s;
  EXPECT_GE(waited, absl::Milliseconds(900));
  EXPECT_LT(waited, absl::Seconds(5));

  // Once the other session lets go, the same pool migrates, and its connection is back to the
  // configured timeouts (the migrator lifts statement_timeout only while it migrates).
  other.exec_params("SELECT pg_advisory_unlock(hashtext($1))", "ys_migrate:" + schema);
  const absl::Status again = MigrateService(**pool, "svc", {{1, "0001_t", "CREATE TABLE t (k int)"}});
  EXPECT_TRUE(again.ok()) << again;
  EXPECT_TRUE((*pool)->WithTransaction([](pqxx::work& tx) {
                       const pqxx::row r = tx.exec1("SELECT current_setting('statement_timeout'), "
                                                    "current_setting('lock_timeout'), to_regclass('t') IS NOT NULL");
                       EXPECT_EQ(r[0].as<std::string>(), "400ms");
                       EXPECT_EQ(r[1].as<std::string>(), "10s");
                       EXPECT_TRUE(r[2].as<bool>());
                       return absl::OkStatus();
                     }).ok());
}

}  // namespace
}  // namespace ys
