// bench/kafka_baseline: raw librdkafka produce and consume throughput against the local broker,
// 200-byte messages. Later benchmarks (ranking ingest, redemption ingest, rectification) measure
// this again in the same run and report their figures as a ratio to it.
//   kafka_baseline [--messages N] [--brokers HOST:PORT]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/str_format.h"
#include "bench/baseline.h"
#include "common/log/log.h"

int main(int argc, char** argv) {
  ys::log::Init("kafka_baseline", ys::log::Level::kWarn);
  size_t messages = 200000;
  std::string brokers = std::getenv("YS_KAFKA_BROKERS") ? std::getenv("YS_KAFKA_BROKERS")
                                                        : "127.0.0.1:19092";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--messages") messages = std::strtoull(argv[i + 1], nullptr, 10);
    if (flag == "--brokers") brokers = argv[i + 1];
  }
  auto raw = ys::bench::MeasureKafkaBaseline(brokers, messages, /*cloud_events=*/false);
  if (!raw.ok()) {
    std::fprintf(stderr, "kafka_baseline: %s\n", std::string(raw.status().message()).c_str());
    return 1;
  }
  auto ce = ys::bench::MeasureKafkaBaseline(brokers, messages, /*cloud_events=*/true);
  if (!ce.ok()) {
    std::fprintf(stderr, "kafka_baseline: %s\n", std::string(ce.status().message()).c_str());
    return 1;
  }
  std::printf("kafka_baseline: %zu messages of %d bytes, broker %s, 3 partitions, acks=all, "
              "idempotent, lz4\n",
              messages, ys::bench::kBaselineMessageBytes, brokers.c_str());
  std::printf("  produce raw           %10.0f msg/s  %6.1f MB/s\n", raw->produce_per_s,
              raw->produce_per_s * ys::bench::kBaselineMessageBytes / 1e6);
  std::printf("  consume raw           %10.0f msg/s  %6.1f MB/s\n", raw->consume_per_s,
              raw->consume_per_s * ys::bench::kBaselineMessageBytes / 1e6);
  std::printf("  produce CloudEvents   %10.0f msg/s  ratio to raw %.2f\n", ce->produce_per_s,
              ce->produce_per_s / raw->produce_per_s);
  std::printf("  consume CloudEvents   %10.0f msg/s  ratio to raw %.2f\n", ce->consume_per_s,
              ce->consume_per_s / raw->consume_per_s);
  return 0;
}
