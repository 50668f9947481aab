#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/config/config.h"

struct redisContext;

namespace ys {

// A Redis reply as a value: nothing of hiredis leaves the wrapper.
struct RedisReply {
  enum class Type { kNil, kInteger, kString, kStatus, kArray, kError };
  Type type = Type::kNil;
  int64_t integer = 0;
  std::string str;  // string, status or error text
  std::vector<RedisReply> elements;

  bool is_nil() const { return type == Type::kNil; }
};

struct RedisOptions {
  std::string host = "127.0.0.1";
  int port = 16379;
  absl::Duration connect_timeout = absl::Milliseconds(500);
  absl::Duration command_timeout = absl::Seconds(1);
  // After a failure, calls fail fast (UNAVAILABLE) for this long before reconnecting, so a down
  // Redis does not add a connect timeout to every read that falls back to PostgreSQL.
  absl::Duration reconnect_backoff = absl::Seconds(1);
};

// redis.address ("127.0.0.1:16379"), redis.connect_timeout, redis.command_timeout.
absl::StatusOr<RedisOptions> RedisOptionsFromConfig(const Config& config);

// One synchronous hiredis connection with timeouts, reconnect and pipelining. Thread-safe (one call
// at a time). Every connection or protocol failure is UNAVAILABLE; a Redis error reply (WRONGTYPE …)
// is returned as a RedisReply of type kError.
class RedisClient {
 public:
  explicit RedisClient(RedisOptions options);
  ~RedisClient();

  absl::StatusOr<RedisReply> Command(const std::vector<std::string>& args);
  // Sends all commands, then reads all replies: one round trip.
  absl::StatusOr<std::vector<RedisReply>> Pipeline(
      const std::vector<std::vector<std::string>>& commands);
  absl::Status Ping();

 private:
  absl::Status EnsureConnected();
  absl::Status Fail(absl::string_view what);

  RedisOptions options_;
  std::mutex mu_;
  redisContext* ctx_ = nullptr;
  absl::Time retry_after_ = absl::InfinitePast();
};

}  // namespace ys
