// ys-sample-alerts: a burst of SAMPLE ranking alerts on ys.rankings.alerts.v1 (made up, not real
// data; see alerts.h), for the rectification fault test. Ids are fixed by --run, so sending again
// is a redelivery the inbox drops.
//   ys-sample-alerts --count N [--run R] [--brokers B] [--topic-prefix P]
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
  CLI11_PARSE(app, argc, argv);
  ys::log::Init(kProgram, ys::log::Level::kWarn);
  const std::string topic = "ys.rankings.alerts.v1";
  ys::CheckOrExit(kProgram, ys::EnsureTopics(kafka, {{topic, 3, false}}));
  auto producer = ys::ValueOrExit(kProgram, ys::KafkaProducer::Create(kafka, nullptr));
  for (size_t i = 0; i < count; ++i) {
    ys::CheckOrExit(kProgram, producer->PublishAsync(topic, ys::sample::SampleAlert(i, run)));
  }
  ys::CheckOrExit(kProgram, producer->Flush(absl::Seconds(60)));
  std::printf("sent %zu SAMPLE alerts to %s%s\n", count, kafka.topic_prefix.c_str(), topic.c_str());
  return 0;
}
