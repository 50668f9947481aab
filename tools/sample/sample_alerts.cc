// ys-sample-alerts: a burst of SAMPLE ranking alerts on ys.rankings.alerts.v1 (made up, not real
// data; see alerts.h), for the rectification fault test. Ids are fixed by --run, so sending again
// is a redelivery the inbox drops.
//   ys-sample-alerts --count N [--run R] [--brokers B] [--topic-prefix P] [--unit NAME]...
//                    [--warning] [--per-second R] [--start I]
// --unit: alerts for these catalog units (notify's tests) instead of made-up ones; --per-second: a
// steady pace (each event's ce_time is when it was produced: latency is measured from it).
#include <cstdio>

#include "CLI/CLI.hpp"
#include "common/log/log.h"
#include "common/process/startup.h"
#include "tools/sample/alerts.h"

namespace {
constexpr char kProgram[] = "ys-sample-alerts";
}

int main(int argc, char** argv) {
  CLI::App app{"Produce a burst of SAMPLE ranking alerts"};
  ys::KafkaOptions kafka;
  size_t count = 10000;
  std::string run = "demo";
  app.add_option("--count", count)->capture_default_str();
  app.add_option("--run", run, "makes the event ids")->capture_default_str();
  app.add_option("--brokers", kafka.brokers)->capture_default_str()->envname("YS_KAFKA_BROKERS");
  app.add_option("--topic-prefix", kafka.topic_prefix)->envname("YS_KAFKA_TOPIC_PREFIX");
  std::vector<std::string> units;
  bool warning = false;
  double per_second = 0;
  size_t start_at = 0;
  app.add_option("--start", start_at, "the first alert's index (another run's alerts, not the same ones again)")
      ->capture_default_str();
  app.add_option("--unit", units, "catalog unit names to cycle over");
  app.add_flag("--warning", warning, "severity warning instead of critical");
  app.add_option("--per-second", per_second, "pace; 0: as fast as possible")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  ys::log::Init(kProgram, ys::log::Level::kWarn);
  const std::string topic = "ys.rankings.alerts.v1";
  ys::CheckOrExit(kProgram, ys::EnsureTopics(kafka, {{topic, 3, false}}));
  auto producer = ys::ValueOrExit(kProgram, ys::KafkaProducer::Create(kafka, nullptr));
  const absl::Time start = absl::Now();
  for (size_t i = 0; i < count; ++i) {
    if (per_second > 0) {
      const absl::Time due = start + absl::Seconds(static_cast<double>(i) / per_second);
      if (due > absl::Now()) absl::SleepFor(due - absl::Now());
    }
    ys::CheckOrExit(kProgram, producer->PublishAsync(topic, ys::sample::SampleAlert(start_at + i, run, "2022-09", units, warning)));
  }
  ys::CheckOrExit(kProgram, producer->Flush(absl::Seconds(60)));
  std::printf("sent %zu SAMPLE alerts to %s%s\n", count, kafka.topic_prefix.c_str(), topic.c_str());
  return 0;
}
