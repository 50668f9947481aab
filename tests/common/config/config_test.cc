#include "common/config/config.h"

#include <fstream>
#include <map>

#include "gtest/gtest.h"
#include "tests/support/fake_env.h"

namespace ys {
namespace {

using ::ys::testing::FakeEnv;

constexpr char kYaml[] = R"(
grpc:
  listen: 127.0.0.1:7102
  drain_deadline: 5s
kafka:
  brokers: 127.0.0.1:19092
pg:
  pool_size: 4
features:
  cache: true
  topics: [a, b]
)";

TEST(ConfigTest, ReadsNestedKeys) {
  auto c = Config::FromString(kYaml, FakeEnv({}));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(*c->GetString("grpc.listen"), "127.0.0.1:7102");
  EXPECT_EQ(*c->GetInt("pg.pool_size"), 4);
  EXPECT_EQ(*c->GetDuration("grpc.drain_deadline"), absl::Seconds(5));
  EXPECT_TRUE(*c->GetBool("features.cache", false));
  EXPECT_EQ(*c->GetStringList("features.topics"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(c->GetString("missing.key", "fallback"), "fallback");
  EXPECT_EQ(*c->GetInt("missing.int", 7), 7);
}

TEST(ConfigTest, EnvironmentOverridesTheFile) {
  auto c = Config::FromString(
      kYaml, FakeEnv({{"YS_KAFKA_BROKERS", "10.0.0.1:9092"}, {"YS_PG_POOL_SIZE", "9"},
                      {"YS_FEATURES_TOPICS", "x, y ,z"}, {"YS_NEW_KEY", "set"}}));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*c->GetString("kafka.brokers"), "10.0.0.1:9092");
  EXPECT_EQ(*c->GetInt("pg.pool_size"), 9);
  EXPECT_EQ(*c->GetStringList("features.topics"), (std::vector<std::string>{"x", "y", "z"}));
  EXPECT_EQ(*c->GetString("new.key"), "set");
  EXPECT_EQ(Config::EnvName("grpc.drain_deadline"), "YS_GRPC_DRAIN_DEADLINE");
}

TEST(ConfigTest, ErrorsNameTheKey) {
  auto c = Config::FromString(kYaml, FakeEnv({{"YS_PG_POOL_SIZE", "four"}}));
  ASSERT_TRUE(c.ok());
  auto missing = c->GetString("redis.address");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("'redis.address'"), std::string::npos);
  EXPECT_NE(missing.status().message().find("YS_REDIS_ADDRESS"), std::string::npos);

  auto bad_int = c->GetInt("pg.pool_size");
  EXPECT_NE(bad_int.status().message().find("'pg.pool_size'"), std::string::npos);
  EXPECT_NE(bad_int.status().message().find("four"), std::string::npos);

  auto not_scalar = c->GetString("grpc");
  EXPECT_NE(not_scalar.status().message().find("'grpc'"), std::string::npos);

  auto c2 = Config::FromString("d: soon\nb: maybe\n", FakeEnv({}));
  EXPECT_NE(c2->GetDuration("d").status().message().find("'d'"), std::string::npos);
  EXPECT_NE(c2->GetBool("b", false).status().message().find("'b'"), std::string::npos);
}

TEST(ConfigTest, AnIntegerInARangeOrAnErrorGivingTheRange) {
  auto c = Config::FromString(kYaml, FakeEnv({}));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*c->GetIntIn("pg.pool_size", 1, 4, 4), 4);
  EXPECT_EQ(*c->GetIntIn("missing.int", 7, 1, 64), 7);
  EXPECT_EQ(c->GetIntIn("pg.pool_size", 1, 5, 64).status().message(),
            "config key 'pg.pool_size' must be between 5 and 64, got 4");
  EXPECT_EQ(c->GetIntIn("pg.pool_size", 1, 1, 3).status().code(), absl::StatusCode::kInvalidArgument);
  // The fallback is checked too: a caller's default outside its own range is a bug shown at startup.
  EXPECT_FALSE(c->GetIntIn("missing.int", 0, 1, 64).ok());
  auto words = Config::FromString("n: many\n", FakeEnv({}));
  EXPECT_NE(words->GetIntIn("n", 1, 1, 64).status().message().find("'many'"), std::string::npos);
}

TEST(ConfigTest, BadYamlAndMissingFileAreClearErrors) {
  auto bad = Config::FromString("a: [unclosed", FakeEnv({}), "test.yaml");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("test.yaml"), std::string::npos);
  auto missing = Config::LoadFile("/nonexistent/ys.yaml", FakeEnv({}));
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("/nonexistent/ys.yaml"), std::string::npos);
}

TEST(ConfigTest, KeysOfAMapping) {
  auto c = Config::FromString("auth:\n  api_keys:\n    a: {role: office}\n    b: {role: viewer}\n",
                              FakeEnv({}));
  EXPECT_EQ(c->Keys("auth.api_keys"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(*c->GetString("auth.api_keys.b.role"), "viewer");
  EXPECT_TRUE(c->Keys("auth.none").empty());
}

std::string WriteTempFile(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "config_test_" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

// The secret read from the file the key names: only the line end at its end is dropped.
absl::StatusOr<std::string> Secret(const std::string& file_text) {
  auto c = Config::FromString("db: {}\n", FakeEnv({{"YS_DB_PASSWORD_FILE", WriteTempFile("secret", file_text)}}));
  if (!c.ok()) return c.status();
  return ReadSecretFile(*c, "db.password_file");
}

TEST(SecretFileTest, DropsOnlyTheTrailingLineEnds) {
  EXPECT_EQ(*Secret("s3cret\n"), "s3cret");
  EXPECT_EQ(*Secret("s3cret\r\n\n"), "s3cret");
  EXPECT_EQ(*Secret(" pa ss \n"), " pa ss ");
  EXPECT_EQ(*Secret("two\nlines"), "two\nlines");
  EXPECT_EQ(*Secret("no-line-end"), "no-line-end");
}

TEST(SecretFileTest, ErrorsNameTheKeyAndThePath) {
  const std::string missing = ::testing::TempDir() + "config_test_no_such_secret";
  const std::string empty = WriteTempFile("empty_secret", "\r\n");
  const std::string dir = ::testing::TempDir();
  for (const std::string& path : {missing, empty, dir}) {
    auto c = Config::FromString("db:\n  password_file: " + path + "\n", FakeEnv({}));
    ASSERT_TRUE(c.ok()) << c.status();
    auto got = ReadSecretFile(*c, "db.password_file");
    ASSERT_FALSE(got.ok()) << path;
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(got.status().message().find("'db.password_file'"), std::string::npos) << got.status();
    EXPECT_NE(got.status().message().find(path), std::string::npos) << got.status();
    EXPECT_EQ(got.status().message().find('\n'), std::string::npos) << got.status();
  }
  auto unset = Config::FromString("db: {}\n", FakeEnv({}));
  EXPECT_NE(ReadSecretFile(*unset, "db.password_file").status().message().find("'db.password_file'"),
            std::string::npos);
}

TEST(SecretFileTest, CheckReadableFile) {
  EXPECT_TRUE(CheckReadableFile("tls.ca_file", WriteTempFile("ca.pem", "PEM")).ok());
  const std::string missing = ::testing::TempDir() + "config_test_no_such.pem";
  for (const std::string& path : {missing, ::testing::TempDir()}) {
    absl::Status s = CheckReadableFile("tls.ca_file", path);
    EXPECT_FALSE(s.ok()) << path;
    EXPECT_NE(s.message().find("'tls.ca_file'"), std::string::npos) << s;
    EXPECT_NE(s.message().find(path), std::string::npos) << s;
  }
}

TEST(SecretFileTest, ReadConfigFileGivesTheWholeTextOrAnErrorNamingTheKeyAndPath) {
  EXPECT_EQ(*ReadConfigFile("notify.routing_file", WriteTempFile("routing.yaml", "route:\n  a: 1\n\n")),
            "route:\n  a: 1\n\n");  // nothing dropped: not a secret
  EXPECT_EQ(*ReadConfigFile("x.file", WriteTempFile("empty.yaml", "")), "");
  const std::string missing = ::testing::TempDir() + "config_test_no_such.yaml";
  for (const std::string& path : {missing, ::testing::TempDir()}) {
    auto got = ReadConfigFile("notify.routing_file", path);
    ASSERT_FALSE(got.ok()) << path;
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(got.status().message().find("'notify.routing_file'"), std::string::npos) << got.status();
    EXPECT_NE(got.status().message().find(path), std::string::npos) << got.status();
  }
}

}  // namespace
}  // namespace ys
