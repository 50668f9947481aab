#include <fstream>
#include <map>

#include "common/redis/redis.h"
#include "gtest/gtest.h"
#include "tests/support/fake_env.h"

namespace ys {
namespace {

absl::StatusOr<RedisOptions> Parse(std::map<std::string, std::string> env) {
  auto config = Config::FromString("redis:\n  address: 127.0.0.1:16379\n",
                                   ::ys::testing::FakeEnv(std::move(env)));
  if (!config.ok()) return config.status();
  return RedisOptionsFromConfig(*config);
}

std::string WriteFile(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "redis_options_test_" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

TEST(RedisOptionsTest, NoCredentialsByDefault) {
  auto o = Parse({});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->username, "");
  EXPECT_EQ(o->password, "");
}

TEST(RedisOptionsTest, ReadsUserAndPasswordFile) {
  auto o = Parse({{"YS_REDIS_USERNAME", "ys-ranking"},
                  {"YS_REDIS_PASSWORD_FILE", WriteFile("password", "pa ss\r\n")}});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->username, "ys-ranking");
  EXPECT_EQ(o->password, "pa ss");

  // requirepass only: AUTH <password> as the default user.
  o = Parse({{"YS_REDIS_PASSWORD_FILE", WriteFile("password2", "only")}});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->username, "");
  EXPECT_EQ(o->password, "only");
}

TEST(RedisOptionsTest, ErrorsNameTheKey) {
  const std::string pem = WriteFile("ca.pem", "ca");
  const std::vector<std::pair<std::map<std::string, std::string>, std::string>> cases = {
      {{{"YS_REDIS_PASSWORD_FILE", "/nonexistent/password"}}, "redis.password_file"},
      {{{"YS_REDIS_PASSWORD_FILE", WriteFile("empty", "")}}, "redis.password_file"},
      {{{"YS_REDIS_USERNAME", "ys-ranking"}}, "redis.password_file"},
      // Debian 12's hiredis has no TLS: asking for it is refused, not ignored.
      {{{"YS_REDIS_TLS_CA_FILE", pem}}, "redis.tls.ca_file"},
      {{{"YS_REDIS_TLS_CERT_FILE", pem}}, "redis.tls.cert_file"},
      {{{"YS_REDIS_TLS_KEY_FILE", pem}}, "redis.tls.key_file"},
  };
  for (const auto& [env, key] : cases) {
    auto o = Parse(env);
    ASSERT_FALSE(o.ok()) << key;
    EXPECT_EQ(o.status().code(), absl::StatusCode::kInvalidArgument) << o.status();
    EXPECT_NE(o.status().message().find(key), std::string::npos) << o.status();
  }
}

}  // namespace
}  // namespace ys
