#include "common/redis/redis.h"

#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tests/support/fake_env.h"
#include "tests/support/test_env.h"

namespace ys {
namespace {

using ::ys::testing::FakeEnv;

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

TEST(RedisTest, ConcurrentCallsRunOnSeveralConnectionsEachGettingItsOwnReplies) {
  RedisOptions options = Local();
  options.connections = 3;
  RedisClient redis(options);
  const std::string prefix = "ys:test:" + testing::UniqueName("pool") + ":";
  std::mutex mu;
  std::set<int64_t> client_ids;
  std::vector<std::string> wrong;
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const std::string key = prefix + std::to_string(t), value = std::to_string(t * 1000 + i);
        // SET, then GET and CLIENT ID in one pipeline: the GET must see this thread's value.
        auto replies = redis.Pipeline({{"SET", key, value}, {"GET", key}, {"CLIENT", "ID"}});
        std::lock_guard lock(mu);
        if (!replies.ok() || (*replies)[1].str != value) {
          wrong.push_back(replies.ok() ? (*replies)[1].str : std::string(replies.status().message()));
          continue;
        }
        client_ids.insert((*replies)[2].integer);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_TRUE(wrong.empty()) << wrong.size() << " wrong, e.g. " << wrong.front();
  EXPECT_GE(client_ids.size(), 2u);  // six threads at once were not all on one connection
  EXPECT_LE(client_ids.size(), 3u);  // and never on more than configured
  for (int t = 0; t < 6; ++t) (void)redis.Command({"DEL", prefix + std::to_string(t)});
}

TEST(RedisTest, ConnectionsIsReadFromConfigWithinItsRange) {
  auto c = Config::FromString("redis: {address: '127.0.0.1:16379', connections: 8}\n", FakeEnv({}));
  ASSERT_TRUE(c.ok()) << c.status();
  auto options = RedisOptionsFromConfig(*c);
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->connections, 8);
  auto zero = Config::FromString("redis: {address: '127.0.0.1:16379', connections: 0}\n", FakeEnv({}));
  ASSERT_TRUE(zero.ok());
  auto refused = RedisOptionsFromConfig(*zero);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("redis.connections"), std::string::npos) << refused.status();
}

}  // namespace
}  // namespace ys
