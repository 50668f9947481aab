#include "common/redis/redis.h"

#include "gtest/gtest.h"
#include "tests/support/test_env.h"

namespace ys {
namespace {

RedisOptions Local() {
  RedisOptions o;
  o.host = testing::RedisHost();
  o.port = testing::RedisPort();
  return o;
}

TEST(RedisTest, CommandsAndPipelining) {
  RedisClient redis(Local());
  ASSERT_TRUE(redis.Ping().ok());
  const std::string key = "ys:test:" + testing::UniqueName("z");
  std::vector<std::vector<std::string>> cmds = {
      {"DEL", key},
      {"ZADD", key, "1", "361102"},
      {"ZADD", key, "2", "361103"},
      {"ZRANGE", key, "0", "-1", "WITHSCORES"},
      {"HSET", key + ":h", "名称", "信州区"},
      {"HGET", key + ":h", "名称"},
      {"GET", key + ":missing"},
      {"HGET", key, "x"},  // WRONGTYPE: an error reply, not a failure
      {"DEL", key, key + ":h"},
  };
  auto replies = redis.Pipeline(cmds);
  ASSERT_TRUE(replies.ok()) << replies.status();
  ASSERT_EQ(replies->size(), cmds.size());
  EXPECT_EQ((*replies)[1].integer, 1);
  const RedisReply& range = (*replies)[3];
  ASSERT_EQ(range.type, RedisReply::Type::kArray);
  ASSERT_EQ(range.elements.size(), 4u);
  EXPECT_EQ(range.elements[0].str, "361102");
  EXPECT_EQ(range.elements[2].str, "361103");
  EXPECT_EQ((*replies)[5].str, "信州区");
  EXPECT_TRUE((*replies)[6].is_nil());
  EXPECT_EQ((*replies)[7].type, RedisReply::Type::kError);
  EXPECT_EQ((*replies)[8].integer, 2);
}

TEST(RedisTest, DownIsUnavailableFastAndRecovers) {
  RedisOptions nowhere = Local();
  nowhere.port = 1;
  nowhere.reconnect_backoff = absl::Milliseconds(100);
  RedisClient redis(nowhere);
  auto r = redis.Command({"PING"});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("127.0.0.1:1"), std::string::npos);
  // Within the backoff, calls fail without trying to connect.
  const absl::Time start = absl::Now();
  EXPECT_EQ(redis.Command({"PING"}).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(50));
}

TEST(RedisTest, ReconnectsAfterTheServerDropsTheConnection) {
  RedisClient redis(Local());
  RedisClient admin(Local());
  ASSERT_TRUE(redis.Ping().ok());
  auto id = redis.Command({"CLIENT", "ID"});
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(admin.Command({"CLIENT", "KILL", "ID", std::to_string(id->integer)}).ok());
  // The first call finds the connection dead; after the backoff the client reconnects.
  (void)redis.Ping();
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  absl::Status s;
  do {
    absl::SleepFor(absl::Milliseconds(200));
    s = redis.Ping();
  } while (!s.ok() && absl::Now() < deadline);
  EXPECT_TRUE(s.ok()) << s;
}

}  // namespace
}  // namespace ys
