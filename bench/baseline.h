#pragma once

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "common/pg/pool.h"
#include "common/redis/redis.h"

namespace ys::bench {

inline constexpr int kBaselineMessageBytes = 200;

struct KafkaThroughput {
  double produce_per_s = 0;  // until every delivery report arrived
  double consume_per_s = 0;  // one consumer, from the first record to the last
};

// Produces `messages` 200-byte records to a fresh 3-partition topic and consumes them back.
// With `cloud_events` each record carries the CloudEvents headers our services send.
absl::StatusOr<KafkaThroughput> MeasureKafkaBaseline(const std::string& brokers, size_t messages,
                                                     bool cloud_events);

struct Latency {
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
  size_t calls = 0, errors = 0;
};

// Calls `call(i)` open-loop at `rate` per second for `seconds` from kClientThreads client threads
// (call i is due at i / rate; when every thread is busy the wait counts in its latency) and reports
// the latency of each from when it was due; `call` returns false for an error. `call` must be
// thread-safe.
inline constexpr int kClientThreads = 8;
Latency MeasureAtRate(double rate, double seconds, const std::function<bool(size_t)>& call);

// An environment variable, or `fallback` when unset or empty (the stack's address settings).
std::string EnvOr(const char* name, const char* fallback);

// Drops the pool's schema with everything in it: a bench leaves nothing behind.
void DropSchema(PgPool& pool);

// Deletes every Redis key that starts with `prefix`.
void DeleteRedisKeys(RedisClient& redis, const std::string& prefix);

// Prints "<bench>: <message>" and returns the exit code for a failed run.
int Fail(const char* bench, const absl::Status& s);

}  // namespace ys::bench
