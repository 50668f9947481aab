// issue #17: PostgreSQL over verified TLS with a SCRAM password, and Redis with ACL users, against
// servers that tests/secure/store.sh starts for this test (its own CA and ports) and names in
// YS_SECURE_* variables. The servers refuse plaintext (PostgreSQL: hostssl-only pg_hba) and
// unauthenticated clients (Redis: the `default` user is off).
#include <cstdlib>
#include <optional>
#include <string>

#include "absl/strings/str_format.h"
#include "common/config/config.h"
#include "common/pg/pool.h"
#include "common/redis/redis.h"
#include "gtest/gtest.h"

namespace ys {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

class SecureStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (Env("YS_SECURE_PG_PORT").empty() || Env("YS_SECURE_REDIS_PORT").empty()) {
      GTEST_SKIP() << "run through tests/secure/store.sh (ctest -R secure.store), which starts the servers";
    }
  }

  // A service's configuration as YAML, read through the same functions the services use.
  static Config ConfigOf(const std::string& yaml) {
    auto config = Config::FromString(yaml, [](const std::string&) { return std::nullopt; });
    EXPECT_TRUE(config.ok()) << config.status();
    return *config;
  }

  static std::string PgYaml(const std::string& host, const std::string& mode, const std::string& ca_file,
                            const std::string& password_file, const std::string& query = "") {
    return absl::StrFormat(
        "pg:\n  uri: postgresql://%s@%s:%s/%s%s\n  schema: secure\n  password_file: %s\n"
        "  connect_timeout: 5s\n  tls:\n    mode: %s\n    ca_file: %s\n",
        Env("YS_SECURE_PG_USER"), host, Env("YS_SECURE_PG_PORT"), Env("YS_SECURE_PG_DB"), query,
        password_file, mode, ca_file);
  }

  static absl::StatusOr<std::unique_ptr<PgPool>> ConnectPg(const std::string& yaml) {
    auto options = PgOptionsFromConfig(ConfigOf(yaml));
    if (!options.ok()) return options.status();
    return PgPool::Connect(*options);
  }

  static RedisOptions RedisWith(const std::string& user, const std::string& password_file) {
    std::string yaml = absl::StrFormat("redis:\n  address: 127.0.0.1:%s\n", Env("YS_SECURE_REDIS_PORT"));
    if (!user.empty()) absl::StrAppend(&yaml, "  username: ", user, "\n");
    if (!password_file.empty()) absl::StrAppend(&yaml, "  password_file: ", password_file, "\n");
    auto options = RedisOptionsFromConfig(ConfigOf(yaml));
    EXPECT_TRUE(options.ok()) << options.status();
    return options.ok() ? *options : RedisOptions{};
  }

  static RedisOptions App() { return RedisWith(Env("YS_SECURE_REDIS_USER"), Env("YS_SECURE_REDIS_PASSWORD_FILE")); }
};

// --- PostgreSQL ------------------------------------------------------------------------------

TEST_F(SecureStoreTest, PgVerifyFullWithPasswordRunsQueriesOverTls) {
  // The certificate names both: the service may be given either.
  for (const std::string host : {"localhost", "127.0.0.1"}) {
    auto pool = ConnectPg(PgYaml(host, "verify-full", Env("YS_SECURE_CA_FILE"), Env("YS_SECURE_PG_PASSWORD_FILE")));
    ASSERT_TRUE(pool.ok()) << host << ": " << pool.status();
    bool ssl = false;
    std::string user;
    const absl::Status s = (*pool)->WithTransaction([&](pqxx::work& tx) {
      ssl = tx.exec1("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")[0].as<bool>();
      user = tx.exec1("SELECT current_user")[0].as<std::string>();
      tx.exec("CREATE TEMP TABLE t (v int); INSERT INTO t VALUES (1)");
      return absl::OkStatus();
    });
    ASSERT_TRUE(s.ok()) << host << ": " << s;
    EXPECT_TRUE(ssl) << host;
    EXPECT_EQ(user, Env("YS_SECURE_PG_USER"));
  }
}

TEST_F(SecureStoreTest, PgPlaintextIsRefused) {
  auto pool = ConnectPg(PgYaml("127.0.0.1", "disable", Env("YS_SECURE_CA_FILE"), Env("YS_SECURE_PG_PASSWORD_FILE")));
  ASSERT_FALSE(pool.ok());
  EXPECT_EQ(pool.status().code(), absl::StatusCode::kUnavailable) << pool.status();
  // pg_hba has only hostssl lines: the server says the unencrypted connection has no entry.
  EXPECT_NE(pool.status().message().find("no encryption"), std::string::npos) << pool.status();
}

TEST_F(SecureStoreTest, PgWrongPasswordIsRefused) {
  const std::string wrong = ::testing::TempDir() + "secure_store_wrong_password";
  {
    FILE* f = std::fopen(wrong.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("not-the-password\n", f);
    std::fclose(f);
  }
  auto pool = ConnectPg(PgYaml("localhost", "verify-full", Env("YS_SECURE_CA_FILE"), wrong));
  ASSERT_FALSE(pool.ok());
  EXPECT_NE(pool.status().message().find("password authentication failed"), std::string::npos) << pool.status();
}

TEST_F(SecureStoreTest, PgCertificateFromAnotherCaIsRefused) {
  auto pool = ConnectPg(PgYaml("localhost", "verify-full", Env("YS_SECURE_OTHER_CA_FILE"),
                               Env("YS_SECURE_PG_PASSWORD_FILE")));
  ASSERT_FALSE(pool.ok());
  EXPECT_EQ(pool.status().code(), absl::StatusCode::kUnavailable) << pool.status();
  EXPECT_NE(pool.status().message().find("certificate verify failed"), std::string::npos) << pool.status();
}

TEST_F(SecureStoreTest, PgHostNameNotInTheCertificateIsRefused) {
  // Same server (hostaddr), asked for by a name its certificate does not hold.
  const std::string query = "?hostaddr=127.0.0.1";
  auto refused = ConnectPg(PgYaml("db.wrong.example", "verify-full", Env("YS_SECURE_CA_FILE"),
                                  Env("YS_SECURE_PG_PASSWORD_FILE"), query));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("does not match host name"), std::string::npos) << refused.status();
  // The name is the only thing wrong: verify-ca, which checks the chain only, connects.
  auto chain_only = ConnectPg(PgYaml("db.wrong.example", "verify-ca", Env("YS_SECURE_CA_FILE"),
                                     Env("YS_SECURE_PG_PASSWORD_FILE"), query));
  EXPECT_TRUE(chain_only.ok()) << chain_only.status();
}

// --- Redis -----------------------------------------------------------------------------------

int64_t ConnectionsReceived(RedisClient& redis) {
  auto info = redis.Command({"INFO", "stats"});
  if (!info.ok() || info->type != RedisReply::Type::kString) return -1;
  const std::string key = "total_connections_received:";
  const size_t at = info->str.find(key);
  if (at == std::string::npos) return -1;
  return std::stoll(info->str.substr(at + key.size()));
}

TEST_F(SecureStoreTest, RedisAclUserPingsAndSets) {
  RedisClient redis(App());
  ASSERT_TRUE(redis.Ping().ok());
  auto set = redis.Command({"SET", "ys:secure:k", "值"});
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->type, RedisReply::Type::kStatus) << set->str;
  auto get = redis.Command({"GET", "ys:secure:k"});
  ASSERT_TRUE(get.ok()) << get.status();
  EXPECT_EQ(get->str, "值");
  auto who = redis.Command({"ACL", "WHOAMI"});
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(who->str, Env("YS_SECURE_REDIS_USER"));
}

TEST_F(SecureStoreTest, RedisWithoutAuthIsRefused) {
  RedisClient redis(RedisWith("", ""));
  EXPECT_FALSE(redis.Ping().ok());
  auto set = redis.Command({"SET", "ys:secure:anon", "x"});
  ASSERT_TRUE(set.ok()) << set.status();  // a reply: the server's refusal
  EXPECT_EQ(set->type, RedisReply::Type::kError);
  EXPECT_NE(set->str.find("NOAUTH"), std::string::npos) << set->str;
}

TEST_F(SecureStoreTest, RedisWrongPasswordIsOneClearErrorNotAHotLoop) {
  // The reader's password with the app's user name.
  RedisOptions wrong = RedisWith(Env("YS_SECURE_REDIS_USER"), Env("YS_SECURE_REDIS_READER_PASSWORD_FILE"));
  wrong.reconnect_backoff = absl::Seconds(30);
  RedisClient admin(App());
  const int64_t before = ConnectionsReceived(admin);
  ASSERT_GE(before, 0);
  RedisClient redis(wrong);
  absl::Status first = redis.Ping();
  EXPECT_EQ(first.code(), absl::StatusCode::kUnavailable) << first;
  EXPECT_NE(first.message().find("redis.password_file"), std::string::npos) << first;
  EXPECT_NE(first.message().find("WRONGPASS"), std::string::npos) << first;
  for (int i = 0; i < 50; ++i) {
    absl::Status again = redis.Ping();
    EXPECT_NE(again.message().find("WRONGPASS"), std::string::npos) << again;  // the cause, repeated
  }
  // One connection, for the refused AUTH; none for the 50 calls after it.
  EXPECT_EQ(ConnectionsReceived(admin) - before, 1);
}

TEST_F(SecureStoreTest, RedisUserLackingAPermissionGetsTheErrorReply) {
  RedisClient reader(RedisWith(Env("YS_SECURE_REDIS_READER"), Env("YS_SECURE_REDIS_READER_PASSWORD_FILE")));
  ASSERT_TRUE(reader.Ping().ok());
  RedisClient app(App());
  ASSERT_TRUE(app.Command({"SET", "ys:secure:shared", "1"}).ok());
  auto get = reader.Command({"GET", "ys:secure:shared"});
  ASSERT_TRUE(get.ok()) << get.status();
  EXPECT_EQ(get->str, "1");
  auto set = reader.Command({"SET", "ys:secure:shared", "2"});
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->type, RedisReply::Type::kError);
  EXPECT_NE(set->str.find("NOPERM"), std::string::npos) << set->str;
  // The connection stays usable after the refusal.
  EXPECT_TRUE(reader.Ping().ok());
}

TEST_F(SecureStoreTest, RedisAuthenticatesAgainAfterAReconnect) {
  RedisOptions options = App();
  options.reconnect_backoff = absl::ZeroDuration();
  RedisClient redis(options);
  auto id = redis.Command({"CLIENT", "ID"});
  ASSERT_TRUE(id.ok()) << id.status();
  RedisClient killer(App());
  auto killed = killer.Command({"CLIENT", "KILL", "ID", std::to_string(id->integer)});
  ASSERT_TRUE(killed.ok()) << killed.status();
  ASSERT_EQ(killed->integer, 1);
  // The first call may find the connection dead; a later one reconnects, and must AUTH again.
  (void)redis.Ping();
  ASSERT_TRUE(redis.Ping().ok());
  auto who = redis.Command({"ACL", "WHOAMI"});
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(who->str, Env("YS_SECURE_REDIS_USER"));
  auto new_id = redis.Command({"CLIENT", "ID"});
  ASSERT_TRUE(new_id.ok());
  EXPECT_NE(new_id->integer, id->integer);
}

}  // namespace
}  // namespace ys
