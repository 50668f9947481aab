#include <fstream>
#include <map>

#include "common/pg/pool.h"
#include "gtest/gtest.h"
#include "tests/support/fake_env.h"

namespace ys {
namespace {

using ::ys::testing::FakeEnv;

std::string WriteFile(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "pg_options_test_" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

constexpr char kBase[] = R"(
pg:
  uri: postgresql://ys@db.internal:5432/yingshang
  schema: ranking
)";

absl::StatusOr<PgOptions> Parse(std::map<std::string, std::string> env, const std::string& yaml = kBase) {
  auto config = Config::FromString(yaml, FakeEnv(std::move(env)));
  if (!config.ok()) return config.status();
  return PgOptionsFromConfig(*config);
}

TEST(PgOptionsTest, DefaultsFollowTheContract) {
  auto o = Parse({});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->password, "");
  EXPECT_EQ(o->tls.mode, "");
  EXPECT_EQ(o->statement_timeout, absl::Seconds(60));
  EXPECT_EQ(o->lock_timeout, absl::Seconds(10));
  EXPECT_EQ(o->connect_timeout, absl::Seconds(5));
  EXPECT_EQ(o->keepalives_idle, absl::Seconds(30));
  EXPECT_EQ(o->keepalives_interval, absl::Seconds(10));
  EXPECT_EQ(o->keepalives_count, 3);
  EXPECT_EQ(o->migration_lock_timeout, absl::Seconds(60));
}

TEST(PgOptionsTest, ReadsEveryKey) {
  const std::string ca = WriteFile("ca.pem", "ca");
  const std::string cert = WriteFile("client.pem", "cert");
  const std::string key = WriteFile("client.key", "key");
  const std::string password = WriteFile("password", "s3cret 'x'\n");
  auto o = Parse({{"YS_PG_PASSWORD_FILE", password},
                  {"YS_PG_TLS_MODE", "verify-full"},
                  {"YS_PG_TLS_CA_FILE", ca},
                  {"YS_PG_TLS_CERT_FILE", cert},
                  {"YS_PG_TLS_KEY_FILE", key},
                  {"YS_PG_STATEMENT_TIMEOUT", "1500ms"},
                  {"YS_PG_LOCK_TIMEOUT", "0"},
                  {"YS_PG_CONNECT_TIMEOUT", "3s"},
                  {"YS_PG_KEEPALIVES_IDLE", "1m"},
                  {"YS_PG_KEEPALIVES_INTERVAL", "5s"},
                  {"YS_PG_KEEPALIVES_COUNT", "7"},
                  {"YS_PG_TCP_USER_TIMEOUT", "20s"},
                  {"YS_PG_MIGRATION_LOCK_TIMEOUT", "2m"}});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->password, "s3cret 'x'");  // the file's trailing newline is not part of it
  EXPECT_EQ(o->tls.mode, "verify-full");
  EXPECT_EQ(o->tls.ca_file, ca);
  EXPECT_EQ(o->tls.cert_file, cert);
  EXPECT_EQ(o->tls.key_file, key);
  EXPECT_EQ(o->statement_timeout, absl::Milliseconds(1500));
  EXPECT_EQ(o->lock_timeout, absl::ZeroDuration());
  EXPECT_EQ(o->connect_timeout, absl::Seconds(3));
  EXPECT_EQ(o->keepalives_idle, absl::Minutes(1));
  EXPECT_EQ(o->keepalives_interval, absl::Seconds(5));
  EXPECT_EQ(o->keepalives_count, 7);
  EXPECT_EQ(o->tcp_user_timeout, absl::Seconds(20));
  EXPECT_EQ(o->migration_lock_timeout, absl::Minutes(2));
  EXPECT_EQ(PgSessionTimeoutsSql(*o), "SET statement_timeout = 1500; SET lock_timeout = 0");
}

// Each bad value is refused with a message naming its key.
TEST(PgOptionsTest, ErrorsNameTheKey) {
  const std::string ca = WriteFile("ca2.pem", "ca");
  const std::string empty = WriteFile("empty_password", "\n");
  const std::vector<std::pair<std::map<std::string, std::string>, std::string>> cases = {
      {{{"YS_PG_TLS_MODE", "verify"}}, "pg.tls.mode"},
      {{{"YS_PG_TLS_MODE", "verify-full"}}, "pg.tls.ca_file"},
      {{{"YS_PG_TLS_MODE", "verify-ca"}, {"YS_PG_TLS_CA_FILE", "/nonexistent/ca.pem"}}, "pg.tls.ca_file"},
      {{{"YS_PG_TLS_CERT_FILE", ca}}, "pg.tls.key_file"},
      {{{"YS_PG_TLS_KEY_FILE", ca}}, "pg.tls.cert_file"},
      {{{"YS_PG_PASSWORD_FILE", "/nonexistent/password"}}, "pg.password_file"},
      {{{"YS_PG_PASSWORD_FILE", empty}}, "pg.password_file"},
      {{{"YS_PG_STATEMENT_TIMEOUT", "-1s"}}, "pg.statement_timeout"},
      {{{"YS_PG_STATEMENT_TIMEOUT", "soon"}}, "pg.statement_timeout"},
      {{{"YS_PG_STATEMENT_TIMEOUT", "1000h"}}, "pg.statement_timeout"},  // past PostgreSQL's int ms
      {{{"YS_PG_LOCK_TIMEOUT", "-5ms"}}, "pg.lock_timeout"},
      {{{"YS_PG_CONNECT_TIMEOUT", "0"}}, "pg.connect_timeout"},
      {{{"YS_PG_KEEPALIVES_IDLE", "500ms"}}, "pg.keepalives.idle"},
      {{{"YS_PG_KEEPALIVES_INTERVAL", "0"}}, "pg.keepalives.interval"},
      {{{"YS_PG_KEEPALIVES_COUNT", "0"}}, "pg.keepalives.count"},
      {{{"YS_PG_KEEPALIVES_COUNT", "many"}}, "pg.keepalives.count"},
      {{{"YS_PG_MIGRATION_LOCK_TIMEOUT", "0"}}, "pg.migration_lock_timeout"},
  };
  for (const auto& [env, key] : cases) {
    auto o = Parse(env);
    ASSERT_FALSE(o.ok()) << key;
    EXPECT_EQ(o.status().code(), absl::StatusCode::kInvalidArgument) << o.status();
    EXPECT_NE(o.status().message().find(key), std::string::npos) << o.status();
    EXPECT_EQ(o.status().message().find('\n'), std::string::npos) << o.status();
  }
}

PgOptions WithTls() {
  PgOptions o;
  o.password = "p@ss w'ord\\";
  o.tls = {.mode = "verify-full", .ca_file = "/etc/ys/pg ca.pem"};
  o.connect_timeout = absl::Milliseconds(2500);  // libpq takes whole seconds: rounded up
  return o;
}

TEST(PgOptionsTest, ConnectionStringExtendsAUriWithoutQuery) {
  PgOptions o = WithTls();
  o.uri = "postgresql://ys@db.internal:5432/yingshang";
  EXPECT_EQ(PgConnectionString(o),
            "postgresql://ys@db.internal:5432/yingshang?password=p%40ss%20w%27ord%5C&sslmode=verify-full"
            "&sslrootcert=%2Fetc%2Fys%2Fpg%20ca.pem&connect_timeout=3&keepalives=1&keepalives_idle=30"
            "&keepalives_interval=10&keepalives_count=3&tcp_user_timeout=30000");
}

TEST(PgOptionsTest, ConnectionStringKeepsAUrisQuery) {
  PgOptions o = WithTls();
  o.uri = "postgres://ys@db.internal/yingshang?application_name=ranking";
  const std::string s = PgConnectionString(o);
  EXPECT_EQ(s.rfind("postgres://ys@db.internal/yingshang?application_name=ranking&password=p%40ss", 0), 0u) << s;
  EXPECT_EQ(s.find('?'), s.rfind('?')) << s;  // one query string

  o.uri = "postgresql://ys@db.internal/yingshang?";
  EXPECT_EQ(PgConnectionString(o).rfind("postgresql://ys@db.internal/yingshang?password=", 0), 0u);
}

TEST(PgOptionsTest, ConnectionStringQuotesKeyValueForm) {
  PgOptions o = WithTls();
  o.uri = "host=db.internal dbname=yingshang";
  EXPECT_EQ(PgConnectionString(o),
            "host=db.internal dbname=yingshang password='p@ss w\\'ord\\\\' sslmode='verify-full' "
            "sslrootcert='/etc/ys/pg ca.pem' connect_timeout='3' keepalives='1' keepalives_idle='30' "
            "keepalives_interval='10' keepalives_count='3' tcp_user_timeout='30000'");
}

TEST(PgOptionsTest, UnsetTlsAndPasswordAddNothing) {
  PgOptions o;
  o.uri = "postgresql://ys@db.internal/yingshang?sslmode=require";
  const std::string s = PgConnectionString(o);
  EXPECT_EQ(s.find("password"), std::string::npos) << s;
  EXPECT_EQ(s.find("sslmode", s.find('&')), std::string::npos) << s;  // the URI's own stays alone
}

}  // namespace
}  // namespace ys
