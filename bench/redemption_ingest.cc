// bench/redemption_ingest: 惠企通 events/s end to end (Kafka -> decoded, validated -> PostgreSQL
// committed through the inbox), beside the raw Kafka consume baseline measured in the same run.
//   redemption_ingest [--events N]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_format.h"
#include "bench/baseline.h"
#include "common/log/log.h"
#include "common/pg/migrations.h"
#include "services/indicator/credit_code.h"
#include "services/indicator/embedded.h"
#include "services/indicator/redemption_service.h"

int main(int argc, char** argv) {
  ys::log::Init("redemption_ingest", ys::log::Level::kError);
  size_t events = 20000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::string(argv[i]) == "--events") events = std::strtoull(argv[i + 1], nullptr, 10);
  }
  const std::string brokers = ys::bench::EnvOr("YS_KAFKA_BROKERS", "127.0.0.1:19092");
  const std::string run = ys::NewEventId().substr(0, 8);

  // Baseline: raw consume of the same number of 200-byte records, this run, this machine.
  auto baseline = ys::bench::MeasureKafkaBaseline(brokers, events, /*cloud_events=*/false);
  if (!baseline.ok()) return ys::bench::Fail("redemption_ingest", baseline.status());

  // A fresh schema with the regions loaded, and a fresh topic.
  ys::PgOptions pg;
  pg.uri = ys::bench::EnvOr("YS_PG_URI", "postgresql://postgres@127.0.0.1:15432/yingshang");
  pg.schema = "bench_redemption_" + run;
  auto pool = ys::PgPool::Connect(pg);
  if (!pool.ok()) return ys::bench::Fail("redemption_ingest", pool.status());
  auto migrations = ys::MigrationsFromFiles(ys::indicator::EmbeddedMigrations());
  if (auto s = ys::MigrateService(**pool, "indicator", *migrations); !s.ok()) return ys::bench::Fail("redemption_ingest", s);
  ys::indicator::PgCatalogStore store(**pool);
  std::ifstream in(std::string(YS_SOURCE_DIR) + "/data/catalog/regions.yaml");
  std::stringstream regions;
  regions << in.rdbuf();
  auto parsed = ys::indicator::ParseCatalogFile(regions.str(), {});
  if (!parsed.ok()) return ys::bench::Fail("redemption_ingest", parsed.status());
  if (auto s = store.Apply(ys::indicator::DiffCatalog({}, *parsed).writes, {},
                           {"bench", "office"}, absl::Now());
      !s.ok()) {
    return ys::bench::Fail("redemption_ingest", s);
  }
  ys::KafkaOptions kafka;
  kafka.brokers = brokers;
  const std::string topic = "bench.redemptions." + run;
  if (auto s = ys::EnsureTopics(kafka, {{topic, 3, false}}); !s.ok()) return ys::bench::Fail("redemption_ingest", s);

  // SAMPLE events (JSON, as 惠企通 sends them), produced before the clock starts.
  auto producer = ys::KafkaProducer::Create(kafka, nullptr);
  if (!producer.ok()) return ys::bench::Fail("redemption_ingest", producer.status());
  const char* counties[] = {"361102", "361103", "361104", "361123", "361124", "361125"};
  for (size_t i = 0; i < events; ++i) {
    std::string code = absl::StrFormat("91%s%09d", counties[i % 6], i);
    code += ys::indicator::CreditCodeCheckCharacter(code);
    ys::CloudEvent e;
    e.id = ys::NewEventId();
    e.source = "/sample/bench";
    e.type = "yingshang.indicator.v1.PolicyRedemption";
    e.key = absl::StrFormat("B%d", i);
    e.content_type = "application/json";
    e.data = absl::StrFormat(
        R"({"redemptionId":"B%d","policyId":"P1","policyName":"【样例】","enterpriseCreditCode":"%s","countyCode":"%s","department":"市财政局","amountFen":"10000","status":"APPLIED","statusTime":"2022-09-01T00:00:00Z"})",
        i, code, counties[i % 6]);
    if (auto s = (*producer)->PublishAsync(topic, e); !s.ok()) return ys::bench::Fail("redemption_ingest", s);
  }
  if (auto s = (*producer)->Flush(absl::Seconds(60)); !s.ok()) return ys::bench::Fail("redemption_ingest", s);

  ys::Metrics metrics("bench");
  ys::RealClock clock;
  auto consumer = ys::KafkaConsumer::Create(kafka, {"bench-" + run, {topic}}, nullptr);
  if (!consumer.ok()) return ys::bench::Fail("redemption_ingest", consumer.status());
  ys::indicator::RedemptionIngest ingest(**consumer, **pool, store, metrics, clock);
  size_t applied = 0, rejected = 0;
  std::chrono::steady_clock::time_point t0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(10);
  while (applied + rejected < events && std::chrono::steady_clock::now() < deadline) {
    auto b = ingest.RunOnce();
    if (!b.ok()) return ys::bench::Fail("redemption_ingest", b.status());
    if (applied + rejected == 0 && b->polled > 0) t0 = std::chrono::steady_clock::now();
    applied += b->applied;
    rejected += b->rejected;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double rate = static_cast<double>(applied + rejected) / secs;
  std::printf("redemption_ingest: %zu events, Kafka %s, PostgreSQL schema %s\n", events,
              brokers.c_str(), pg.schema.c_str());
  std::printf("  raw Kafka consume (baseline)   %10.0f msg/s\n", baseline->consume_per_s);
  std::printf("  ingest end to end              %10.0f events/s  (%zu applied, %zu rejected, "
              "batches of 500, one transaction each)\n",
              rate, applied, rejected);
  std::printf("  ratio to baseline              %10.3f\n", rate / baseline->consume_per_s);
  ys::bench::DropSchema(**pool);
  return applied == events ? 0 : 1;
}
