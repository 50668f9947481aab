// ys-sample-rankings: a SAMPLE month of provincial rankings for the demo (made up, not real data:
// ce_source /platform/sample). For each month: the 11 cities on the composite (C00) and the 18
// first-level indicators, and Shangrao's 12 counties among Jiangxi's 100 on the same indicators.
//   ys-sample-rankings [--brokers B] [--months 2022-08,2022-09] [--seed S]
#include <algorithm>
#include <cstdio>
#include <random>

#include "CLI/CLI.hpp"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/kafka/kafka.h"
#include "common/log/log.h"
#include "common/process/startup.h"

namespace {
constexpr char kProgram[] = "ys-sample-rankings";
const char* kCities[] = {"3601", "3602", "3603", "3604", "3605", "3606",
                         "3607", "3608", "3609", "3610", "3611"};
const char* kCounties[] = {"361102", "361103", "361104", "361123", "361124", "361125",
                           "361126", "361127", "361128", "361129", "361130", "361181"};
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Produce a SAMPLE month of rankings"};
  std::string brokers = "127.0.0.1:19092";
  std::string months = "2022-08,2022-09";
  std::string topic_prefix;
  uint64_t seed = 20220930;
  app.add_option("--brokers", brokers)->capture_default_str()->envname("YS_KAFKA_BROKERS");
  app.add_option("--topic-prefix", topic_prefix, "a test's own topics (kafka.topic_prefix)")
      ->envname("YS_KAFKA_TOPIC_PREFIX");
  app.add_option("--months", months)->capture_default_str();
  app.add_option("--seed", seed)->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  ys::log::Init(kProgram, ys::log::Level::kWarn);

  ys::KafkaOptions kafka;
  kafka.brokers = brokers;
  kafka.topic_prefix = topic_prefix;
  ys::CheckOrExit(kProgram, ys::EnsureTopics(kafka, {{"ys.rankings.submitted.v1", 3, false}}));
  auto producer = ys::ValueOrExit(kProgram, ys::KafkaProducer::Create(kafka, nullptr));
  std::mt19937_64 rng(seed);
  std::vector<std::string> indicators = {"C00"};
  for (int i = 1; i <= 18; ++i) indicators.push_back(absl::StrFormat("I%02d", i));
  int sent = 0;
  auto send = [&](const std::string& indicator, const char* scope, const std::string& region,
                  const std::string& period, int rank, int total) {
    ys::CloudEvent e;
    e.id = ys::NewEventId();  // a re-run sends the same revisions again: stored once, no-ops after
    e.source = "/platform/sample";
    e.type = "yingshang.ranking.v1.RankingFact";
    e.time = absl::Now();
    e.key = indicator + "/" + region;
    e.content_type = "application/json";
    e.data = absl::StrFormat(
        R"({"evaluation":"EVALUATION_OFFICIAL","indicatorCode":"%s","scope":"%s","regionCode":"%s","period":"%s","rank":%d,"total":%d,"revision":"1"})",
        indicator, scope, region, period, rank, total);
    ys::CheckOrExit(kProgram, producer->PublishAsync("ys.rankings.submitted.v1", e));
    ++sent;
  };
  for (absl::string_view m : absl::StrSplit(months, ',')) {
    const std::string period(m);
    for (const auto& indicator : indicators) {
      std::vector<int> ranks = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
      std::shuffle(ranks.begin(), ranks.end(), rng);
      for (int c = 0; c < 11; ++c) send(indicator, "SCOPE_CITY", kCities[c], period, ranks[c], 11);
      std::vector<int> county_ranks(100);
      for (int i = 0; i < 100; ++i) county_ranks[i] = i + 1;
      std::shuffle(county_ranks.begin(), county_ranks.end(), rng);
      for (int c = 0; c < 12; ++c) {
        send(indicator, "SCOPE_COUNTY", kCounties[c], period, county_ranks[c], 100);
      }
    }
  }
  ys::CheckOrExit(kProgram, producer->Flush(absl::Seconds(30)));
  std::printf("produced %d SAMPLE ranking facts (%s; 11 cities and Shangrao's 12 counties on C00 and "
              "I01-I18) to ys.rankings.submitted.v1\n",
              sent, months.c_str());
  return 0;
}
