// bench/ranking_ingest: ranking facts/s end to end so far (Kafka -> decoded, validated against the
// catalog replica -> revisions decided -> PostgreSQL committed with alerts and outbox rows), beside
// the raw Kafka consume baseline measured in the same run. Redis is not in the path yet (issue 4).
//   ranking_ingest [--facts N]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_format.h"
#include "bench/baseline.h"
#include "common/log/log.h"
#include "common/pg/migrations.h"
#include "services/indicator/catalog.h"
#include "services/ranking/embedded.h"
#include "services/ranking/ingest.h"

namespace {

std::string Data(const std::string& name) {
  std::ifstream in(std::string(YS_SOURCE_DIR) + "/data/catalog/" + name);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

}  // namespace

int main(int argc, char** argv) {
  ys::log::Init("ranking_ingest", ys::log::Level::kError);
  size_t facts = 20000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::string(argv[i]) == "--facts") facts = std::strtoull(argv[i + 1], nullptr, 10);
  }
  const std::string brokers = ys::bench::EnvOr("YS_KAFKA_BROKERS", "127.0.0.1:19092");
  const std::string run = ys::NewEventId().substr(0, 8);
  auto baseline = ys::bench::MeasureKafkaBaseline(brokers, facts, /*cloud_events=*/false);
  if (!baseline.ok()) return ys::bench::Fail("ranking_ingest", baseline.status());

  ys::PgOptions pg;
  pg.uri = ys::bench::EnvOr("YS_PG_URI", "postgresql://postgres@127.0.0.1:15432/yingshang");
  pg.schema = "bench_ranking_" + run;
  auto pool = ys::PgPool::Connect(pg);
  if (!pool.ok()) return ys::bench::Fail("ranking_ingest", pool.status());
  auto migrations = ys::MigrationsFromFiles(ys::ranking::EmbeddedMigrations());
  if (auto s = ys::MigrateService(**pool, "ranking", *migrations); !s.ok()) return ys::bench::Fail("ranking_ingest", s);

  // The catalog replica, as ys.catalog.v1 would fill it.
  ys::ranking::CatalogReplicaStore replica(**pool);
  ys::indicator::Catalog catalog;
  for (const char* f : {"units.yaml", "regions.yaml", "catalog.yaml"}) {
    auto parsed = ys::indicator::ParseCatalogFile(Data(f), catalog);
    if (!parsed.ok()) return ys::bench::Fail("ranking_ingest", parsed.status());
    catalog = parsed->catalog;
  }
  std::vector<ys::CloudEvent> entities;
  for (auto& [key, e] : catalog.Entities()) {
    e.set_version(1);
    ys::CloudEvent ce;
    ce.key = key;
    ce.data = e.SerializeAsString();
    entities.push_back(ce);
  }
  std::vector<const ys::CloudEvent*> ptrs;
  for (const auto& e : entities) ptrs.push_back(&e);
  std::vector<absl::Status> results(ptrs.size());
  if (auto s = (*pool)->WithTransaction([&](pqxx::work& tx) { return replica.ApplyBatch(tx, ptrs, &results); });
      !s.ok()) {
    return ys::bench::Fail("ranking_ingest", s);
  }

  // SAMPLE facts: the 100 counties on the first-level indicators, month after month.
  std::vector<std::string> counties, indicators;
  for (const auto& [code, r] : catalog.regions) {
    if (r.kind() == ys::indicator::pb::REGION_KIND_COUNTY) counties.push_back(code);
  }
  for (const auto& [code, i] : catalog.indicators) {
    if (i.level() == ys::indicator::pb::INDICATOR_LEVEL_FIRST) indicators.push_back(code);
  }
  ys::KafkaOptions kafka;
  kafka.brokers = brokers;
  const std::string topic = "bench.rankings." + run;
  if (auto s = ys::EnsureTopics(kafka, {{topic, 3, false}}); !s.ok()) return ys::bench::Fail("ranking_ingest", s);
  auto producer = ys::KafkaProducer::Create(kafka, nullptr);
  if (!producer.ok()) return ys::bench::Fail("ranking_ingest", producer.status());
  const size_t per_month = counties.size() * indicators.size();
  for (size_t i = 0; i < facts; ++i) {
    const size_t month = i / per_month;  // 2020-01, 2020-02, ...
    const std::string period = absl::StrFormat("%04d-%02d", 2020 + month / 12, month % 12 + 1);
    const std::string& county = counties[i % counties.size()];
    const std::string& indicator = indicators[(i / counties.size()) % indicators.size()];
    ys::CloudEvent e;
    e.id = ys::NewEventId();
    e.source = "/platform/sample";
    e.type = "yingshang.ranking.v1.RankingFact";
    e.key = indicator + "/" + county;
    e.content_type = "application/json";
    e.data = absl::StrFormat(
        R"({"evaluation":"EVALUATION_OFFICIAL","indicatorCode":"%s","scope":"SCOPE_COUNTY","regionCode":"%s","period":"%s","rank":%d,"total":100,"revision":"1"})",
        indicator, county, period, static_cast<int>((i * 37 + month * 11) % 100) + 1);
    if (auto s = (*producer)->PublishAsync(topic, e); !s.ok()) return ys::bench::Fail("ranking_ingest", s);
  }
  if (auto s = (*producer)->Flush(absl::Seconds(60)); !s.ok()) return ys::bench::Fail("ranking_ingest", s);

  // The sample periods (2020…) are long past: open the lock window so they are accepted.
  ys::RealClock clock;
  ys::ranking::LockPolicy lock;
  lock.lock_after_months = 1000;
  ys::ranking::FactIngest ingest(**pool, replica, clock, {}, lock, {});
  ys::Metrics metrics("bench");
  auto consumer = ys::KafkaConsumer::Create(kafka, {"bench-" + run, {topic}}, nullptr);
  if (!consumer.ok()) return ys::bench::Fail("ranking_ingest", consumer.status());
  ys::InboxProcessor inbox(**consumer, **pool, metrics,
                           {.consumer = "bench", .dlq_topic = "bench.dlq", .source = "/bench"},
                           [&](pqxx::transaction_base& tx, const std::vector<const ys::CloudEvent*>& events,
                               std::vector<absl::Status>* r) { return ingest.ApplyBatch(tx, events, r); });
  size_t applied = 0, rejected = 0, alerts = 0;
  std::chrono::steady_clock::time_point t0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(10);
  while (applied + rejected < facts && std::chrono::steady_clock::now() < deadline) {
    auto b = inbox.RunOnce();
    if (!b.ok()) return ys::bench::Fail("ranking_ingest", b.status());
    if (applied + rejected == 0 && b->polled > 0) t0 = std::chrono::steady_clock::now();
    applied += b->applied;
    rejected += b->rejected;
    alerts += ingest.raised().size();
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double rate = static_cast<double>(applied + rejected) / secs;
  std::printf("ranking_ingest: %zu SAMPLE county facts (%zu counties x %zu L1 indicators per month)\n",
              facts, counties.size(), indicators.size());
  std::printf("  raw Kafka consume (baseline)   %10.0f msg/s\n", baseline->consume_per_s);
  std::printf("  ingest end to end (no Redis)   %10.0f facts/s  (%zu applied, %zu rejected, %zu alerts)\n",
              rate, applied, rejected, alerts);
  std::printf("  ratio to baseline              %10.3f   (issue 4's first target: 20,000 facts/s)\n",
              rate / baseline->consume_per_s);
  return applied == facts ? 0 : 1;
}
