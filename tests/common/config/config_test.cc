#include "common/config/config.h"

#include <map>

#include "gtest/gtest.h"

namespace ys {
namespace {

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

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

}  // namespace
}  // namespace ys
