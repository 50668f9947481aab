#include "bench/baseline.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "common/kafka/kafka.h"
#include <pqxx/pqxx>

namespace ys::bench {

absl::StatusOr<KafkaThroughput> MeasureKafkaBaseline(const std::string& brokers, size_t messages,
                                                     bool cloud_events) {
  using Clock = std::chrono::steady_clock;
  KafkaOptions options;
  options.brokers = brokers;
  options.client_id = "kafka_baseline";
  const std::string topic = absl::StrFormat("bench.baseline.%s", NewEventId().substr(0, 8));
  if (auto s = EnsureTopics(options, {{topic, 3, false}}); !s.ok()) return s;

  Metrics metrics("bench");
  KafkaMetrics kafka_metrics(metrics);
  auto producer = KafkaProducer::Create(options, &kafka_metrics);
  if (!producer.ok()) return producer.status();
  const std::string payload(kBaselineMessageBytes, 'x');
  CloudEvent event;
  event.source = "/yingshang/bench";
  event.type = "yingshang.bench.v1.Sample";
  event.data = payload;

  KafkaThroughput out;
  const auto p0 = Clock::now();
  for (size_t i = 0; i < messages; ++i) {
    const std::string key = std::to_string(i % 1000);
    absl::Status s;
    if (cloud_events) {
      event.id = NewEventId();
      event.key = key;
      event.time = absl::Now();
      s = (*producer)->PublishAsync(topic, event);
    } else {
      s = (*producer)->ProduceRaw(topic, key, payload);
    }
    if (!s.ok()) return s;
  }
  if (auto s = (*producer)->Flush(absl::Seconds(120)); !s.ok()) return s;
  out.produce_per_s =
      static_cast<double>(messages) / std::chrono::duration<double>(Clock::now() - p0).count();

  auto consumer = KafkaConsumer::Create(options, {"bench-" + NewEventId(), {topic}}, nullptr);
  if (!consumer.ok()) return consumer.status();
  size_t read = 0;
  Clock::time_point c0;
  const auto deadline = Clock::now() + std::chrono::seconds(180);
  while (read < messages && Clock::now() < deadline) {
    auto batch = (*consumer)->Poll(5000, absl::Milliseconds(500));
    if (!batch.ok()) return batch.status();
    if (read == 0 && !batch->empty()) c0 = Clock::now();  // exclude the group join
    read += batch->size();
  }
  if (read < messages) {
    return absl::DeadlineExceededError(
        absl::StrFormat("consumed only %d of %d messages", read, messages));
  }
  out.consume_per_s =
      static_cast<double>(messages) / std::chrono::duration<double>(Clock::now() - c0).count();
  return out;
}

std::string EnvOr(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

int Fail(const char* bench, const absl::Status& s) {
  std::fprintf(stderr, "%s: %s\n", bench, std::string(s.message()).c_str());
  return 1;
}

}  // namespace ys::bench

namespace ys::bench {

Latency MeasureAtRate(double rate, double seconds, const std::function<bool(size_t)>& call) {
  Latency out;
  out.calls = static_cast<size_t>(rate * seconds);
  const auto interval = std::chrono::nanoseconds(static_cast<int64_t>(1e9 / rate));
  const auto start = std::chrono::steady_clock::now();
  std::vector<double> ms(out.calls);
  std::atomic<size_t> next{0}, errors{0};
  // Independent clients: call i starts at start + i * interval on whichever worker is free, so a
  // slow call delays others only when every worker is busy (then the wait is counted).
  std::vector<std::thread> workers;
  for (int w = 0; w < kClientThreads; ++w) {
    workers.emplace_back([&] {
      for (size_t i = next++; i < out.calls; i = next++) {
        const auto scheduled = start + interval * static_cast<int64_t>(i);
        std::this_thread::sleep_until(scheduled);
        if (!call(i)) ++errors;
        ms[i] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - scheduled).count();
      }
    });
  }
  for (auto& t : workers) t.join();
  out.errors = errors.load();
  std::sort(ms.begin(), ms.end());
  auto at = [&](double p) {
    return ms.empty() ? 0 : ms[std::min(ms.size() - 1, static_cast<size_t>(p * static_cast<double>(ms.size())))];
  };
  out.p50_ms = at(0.50);
  out.p99_ms = at(0.99);
  out.max_ms = at(1.0);
  return out;
}

void DropSchema(PgPool& pool) {
  (void)pool.WithTransaction([&](pqxx::work& tx) {
    tx.exec("DROP SCHEMA IF EXISTS " + QuoteIdent(pool.options().schema) + " CASCADE");
    return absl::OkStatus();
  });
}

void DeleteRedisKeys(RedisClient& redis, const std::string& prefix) {
  std::string cursor = "0";
  do {
    auto r = redis.Command({"SCAN", cursor, "MATCH", prefix + "*", "COUNT", "5000"});
    if (!r.ok() || r->elements.size() != 2) break;
    cursor = r->elements[0].str;
    std::vector<std::string> del = {"UNLINK"};
    for (const auto& e : r->elements[1].elements) del.push_back(e.str);
    if (del.size() > 1) (void)redis.Command(del);
  } while (cursor != "0");
}

}  // namespace ys::bench
