#pragma once

#include <atomic>
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
  // Sent as AUTH [username] password after every (re)connect when the password is set. An empty
  // username authenticates as Redis's `default` user (AUTH <password>, requirepass).
  std::string username;
  std::string password;  // from redis.password_file, read at startup
  // Connections kept open; a call takes a free one, so concurrent reads do not wait behind one
  // another's round trip (issue #18: with one connection, 8 gRPC workers queued on its mutex).
  int connections = 4;  // redis.connections
};

// redis.address ("127.0.0.1:16379"), redis.connect_timeout, redis.command_timeout,
// redis.username, redis.password_file, redis.connections (1..64). redis.tls.{ca_file,cert_file,key_file} are refused with an
// error naming the key: Debian 12's hiredis (0.14) has no TLS (hiredis_ssl came with 1.0).
absl::StatusOr<RedisOptions> RedisOptionsFromConfig(const Config& config);

// A few synchronous hiredis connections (RedisOptions::connections) with timeouts, reconnect, AUTH
// and pipelining. Thread-safe: each call takes a free connection (waits for one when all are busy),
// so a call's commands and replies stay in order on one connection. Every connection or protocol failure is UNAVAILABLE, and so is a refused
// AUTH (its message names the keys); a Redis error reply (WRONGTYPE, NOPERM …) is returned as a
// RedisReply of type kError. After a failure, calls fail fast with its message for
// reconnect_backoff: wrong credentials cost one AUTH per backoff, not one per call.
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
  struct Connection {
    std::mutex mu;
    redisContext* ctx = nullptr;
    uint64_t generation = 0;  // failures_ when it connected
    void Close();             // frees ctx (if any); the next call connects again
    ~Connection() { Close(); }
  };
  // The first free connection, locked; when all are busy, the next in turn (waiting for it).
  std::unique_lock<std::mutex> Take(Connection*& out);
  absl::Status EnsureConnected(Connection& c);
  absl::Status Authenticate(Connection& c);
  absl::Status Fail(Connection& c, absl::string_view what);
  absl::Status Drop(Connection& c, absl::Status status);

  RedisOptions options_;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::atomic<size_t> turn_{0};
  // One failure backs off every connection (a down Redis costs one connect per backoff) and retires
  // them all: a connection made before it (to a Redis since restarted) reconnects before its next
  // call instead of failing that call.
  std::atomic<uint64_t> failures_{0};
  std::mutex failure_mu_;
  absl::Time retry_after_ = absl::InfinitePast();
  std::string last_failure_;  // repeated by the calls refused during the backoff
};

}  // namespace ys
