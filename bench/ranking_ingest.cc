// bench/ranking_ingest (issue 4), three figures, each beside a baseline measured in the same run:
//  1. facts/s end to end (Kafka -> decoded, validated against the catalog replica -> revisions
//     decided -> PostgreSQL committed with alerts and outbox rows -> Redis updated), vs the raw
//     Kafka consume rate and vs a raw PostgreSQL COPY of the same facts' current_facts rows
//     (issue #18: at least 0.5 of it);
//  2. GetScorecard latency p50/p99 over gRPC at a fixed request rate, answered from Redis, vs the
//     same calls answered from PostgreSQL;
//  3. the time to rebuild the Redis cache for 374,400 facts (100 counties x 104 indicators x 36
//     months), vs only reading them from PostgreSQL.
//   ranking_ingest [--facts N] [--batch N] [--consumers N] [--rate REQ_PER_S] [--rebuild-facts N]
//                  [--rounds N] [--ingest-only 1]   (figure 1 alone, for tuning the ingest)
#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_format.h"
#include "bench/baseline.h"
#include "common/grpc/server.h"
#include "common/log/log.h"
#include "common/redis/redis.h"
#include "services/ranking/cache.h"
#include "services/ranking/query_service.h"
#include "common/pg/copy.h"
#include "common/pg/migrations.h"
#include "common/status/macros.h"
#include "services/indicator/catalog.h"
#include "services/ranking/embedded.h"
#include "services/ranking/fact_pipeline.h"
#include "services/ranking/ingest.h"

namespace {

std::string Data(const std::string& name) {
  std::ifstream in(std::string(YS_SOURCE_DIR) + "/data/catalog/" + name);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// The i-th SAMPLE fact: the counties on every L1/L2 indicator, month after month from 2020-01.
struct SampleFact {
  std::string indicator, county, period;
  int rank = 0;
};
SampleFact SampleFactAt(size_t i, const std::vector<std::string>& counties, const std::vector<std::string>& indicators) {
  const size_t month = i / (counties.size() * indicators.size());
  return {indicators[(i / counties.size()) % indicators.size()], counties[i % counties.size()],
          absl::StrFormat("%04d-%02d", 2020 + month / 12, month % 12 + 1),
          static_cast<int>((i * 37 + month * 11) % 100) + 1};
}

// The raw COPY baseline (issue #18): `n` facts' rows — current_facts' columns, each with its
// serialized fact — built in memory first, then COPYed in one statement into a table shaped like
// current_facts (LIKE … INCLUDING ALL: its key, indexes and write_seq default) and committed. No
// Kafka, no decoding, no decisions, no inbox, outbox or alert rows: what PostgreSQL alone takes. Rows/s.
absl::StatusOr<double> MeasureRawCopy(ys::PgPool& pool, size_t n, const std::vector<std::string>& counties,
                                      const std::vector<std::string>& indicators) {
  ys::PgCopyRows rows;
  for (size_t i = 0; i < n; ++i) {
    const SampleFact s = SampleFactAt(i, counties, indicators);
    ys::ranking::pb::RankingFact f;
    f.set_source("/platform/sample");
    f.set_evaluation(ys::ranking::pb::EVALUATION_OFFICIAL);
    f.set_indicator_code(s.indicator);
    f.set_scope(ys::ranking::pb::SCOPE_COUNTY);
    f.set_region_code(s.county);
    f.set_period(s.period);
    f.set_rank(s.rank);
    f.set_total(100);
    f.set_revision(1);
    rows.Text(ys::ranking::FactKey(f)).Text(f.source()).Text("EVALUATION_OFFICIAL").Text(s.indicator);
    rows.Text("SCOPE_COUNTY").Text(s.county).Text(s.period).Int(s.rank).Int(100).Null().Int(1);
    rows.Bytes(f.SerializeAsString()).Text("2026-01-01 00:00:00+00").EndRow();
  }
  RETURN_IF_ERROR(pool.WithTransaction([](pqxx::work& tx) {
    tx.exec("CREATE TABLE copy_baseline (LIKE current_facts INCLUDING ALL)");
    return absl::OkStatus();
  }));
  const auto t0 = std::chrono::steady_clock::now();
  RETURN_IF_ERROR(pool.WithTransaction([&](pqxx::work& tx) {
    rows.CopyInto(tx, "copy_baseline",
                  {"fact_key", "source", "evaluation", "indicator_code", "scope", "region_code", "period", "rank",
                   "total", "score", "revision", "body", "updated_at"});
    return absl::OkStatus();
  }));
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  RETURN_IF_ERROR(pool.WithTransaction([](pqxx::work& tx) {
    tx.exec("DROP TABLE copy_baseline");
    return absl::OkStatus();
  }));
  return static_cast<double>(n) / secs;
}

}  // namespace

int main(int argc, char** argv) {
  ys::log::Init("ranking_ingest", ys::log::Level::kError);
  size_t facts = 200000, batch = 4000, rebuild_facts = 374400, consumers = 3, rounds = 3;
  double rate = 200;
  bool ingest_only = false;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--facts") facts = std::strtoull(argv[i + 1], nullptr, 10);
    if (flag == "--batch") batch = std::strtoull(argv[i + 1], nullptr, 10);
    if (flag == "--consumers") consumers = std::max<size_t>(1, std::strtoull(argv[i + 1], nullptr, 10));
    if (flag == "--rate") rate = std::strtod(argv[i + 1], nullptr);
    if (flag == "--rebuild-facts") rebuild_facts = std::strtoull(argv[i + 1], nullptr, 10);
    if (flag == "--rounds") rounds = std::max<size_t>(1, std::strtoull(argv[i + 1], nullptr, 10));
    if (flag == "--ingest-only") ingest_only = std::string(argv[i + 1]) != "0";
  }
  const std::string brokers = ys::bench::EnvOr("YS_KAFKA_BROKERS", "127.0.0.1:19092");
  const std::string run = ys::NewEventId().substr(0, 8);
  auto baseline = ys::bench::MeasureKafkaBaseline(brokers, facts, /*cloud_events=*/false);
  if (!baseline.ok()) return ys::bench::Fail("ranking_ingest", baseline.status());

  // The catalog, as ys.catalog.v1 would fill each round's replica.
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
  // SAMPLE facts: the 100 counties on the 18 first- and 86 second-level indicators, month after month.
  std::vector<std::string> counties, indicators;
  for (const auto& [code, r] : catalog.regions) {
    if (r.kind() == ys::indicator::pb::REGION_KIND_COUNTY) counties.push_back(code);
  }
  for (const auto& [code, i] : catalog.indicators) {
    if (i.level() != ys::indicator::pb::INDICATOR_LEVEL_COMPOSITE) indicators.push_back(code);
  }
  const size_t per_month = counties.size() * indicators.size();

  ys::PgOptions pg;
  pg.uri = ys::bench::EnvOr("YS_PG_URI", "postgresql://postgres@127.0.0.1:15432/yingshang");
  pg.pool_size = static_cast<int>(consumers) + 2;
  auto migrations = ys::MigrationsFromFiles(ys::ranking::EmbeddedMigrations());
  ys::KafkaOptions kafka;
  kafka.brokers = brokers;
  // The sample periods (2020…) are long past: open the lock window so they are accepted.
  ys::RealClock clock;
  ys::ranking::LockPolicy lock;
  lock.lock_after_months = 1000;
  ys::Metrics metrics("bench");
  const std::string prefix = "bench" + run + ":";
  const auto redis_options = ys::RedisOptions{.port = std::atoi(ys::bench::EnvOr("YS_REDIS_PORT", "16379").c_str())};
  ys::RedisClient redis(redis_options);
  ys::ranking::RankingCache cache(redis, prefix);

  // 1. Ingest, `rounds` times from scratch (a fresh schema, topic and group each): one round on
  //    this shared 2-core machine varies by ±20% (autovacuum, checkpoints, the broker), so the
  //    median is the figure and every round is printed.
  std::unique_ptr<ys::PgPool> pool;  // the last round's, for figure 2
  std::unique_ptr<ys::CatalogReplicaStore> replica;
  std::vector<double> rates, copy_rates;
  size_t applied_total = 0;
  std::printf("ranking_ingest: %zu SAMPLE county facts (%zu counties x %zu L1/L2 indicators per month), "
              "%zu consumer(s), batches of %zu, %zu round(s)\n",
              facts, counties.size(), indicators.size(), consumers, batch, rounds);
  std::printf("  raw Kafka consume (baseline)   %10.0f msg/s\n", baseline->consume_per_s);
  for (size_t round = 0; round < rounds; ++round) {
    if (pool != nullptr) ys::bench::DropSchema(*pool);
    ys::bench::DeleteRedisKeys(redis, prefix);
    pg.schema = absl::StrFormat("bench_ranking_%s_%d", run, round);
    auto connected = ys::PgPool::Connect(pg);
    if (!connected.ok()) return ys::bench::Fail("ranking_ingest", connected.status());
    pool = std::move(*connected);
    if (auto s = ys::MigrateService(*pool, "ranking", *migrations); !s.ok()) return ys::bench::Fail("ranking_ingest", s);
    replica = std::make_unique<ys::CatalogReplicaStore>(*pool);
    std::vector<const ys::CloudEvent*> ptrs;
    for (const auto& e : entities) ptrs.push_back(&e);
    std::vector<absl::Status> results(ptrs.size());
    if (auto s = pool->WithTransaction([&](pqxx::work& tx) { return replica->ApplyBatch(tx, ptrs, &results); });
        !s.ok()) {
      return ys::bench::Fail("ranking_ingest", s);
    }

    auto copied = MeasureRawCopy(*pool, facts, counties, indicators);
    if (!copied.ok()) return ys::bench::Fail("ranking_ingest", copied.status());
    copy_rates.push_back(*copied);

    const std::string topic = absl::StrFormat("bench.rankings.%s.%d", run, round);
    // As many partitions as consumers (at least the services' 3), so each consumer has work.
    if (auto s = ys::EnsureTopics(kafka, {{topic, static_cast<int>(std::max<size_t>(3, consumers)), false}}); !s.ok()) {
      return ys::bench::Fail("ranking_ingest", s);
    }
    auto producer = ys::KafkaProducer::Create(kafka, nullptr);
    if (!producer.ok()) return ys::bench::Fail("ranking_ingest", producer.status());
    for (size_t i = 0; i < facts; ++i) {
      const SampleFact s = SampleFactAt(i, counties, indicators);
      ys::CloudEvent e;
      e.id = ys::NewEventId();
      e.source = "/platform/sample";
      e.type = "yingshang.ranking.v1.RankingFact";
      e.key = s.indicator + "/" + s.county;
      e.content_type = "application/json";
      e.data = absl::StrFormat(
          R"({"evaluation":"EVALUATION_OFFICIAL","indicatorCode":"%s","scope":"SCOPE_COUNTY","regionCode":"%s","period":"%s","rank":%d,"total":100,"revision":"1"})",
          s.indicator, s.county, s.period, s.rank);
      if (auto s = (*producer)->PublishAsync(topic, e); !s.ok()) return ys::bench::Fail("ranking_ingest", s);
    }
    if (auto s = (*producer)->Flush(absl::Seconds(60)); !s.ok()) return ys::bench::Fail("ranking_ingest", s);

    // `consumers` members of one group, each with its partitions, its transaction and Redis
    // pipeline (what the service runs with kafka.consumers).
    std::atomic<size_t> applied{0}, rejected{0}, alerts{0};
    std::atomic<int64_t> first_ns{0};
    std::atomic<double> redis_secs{0};
    std::atomic<bool> failed{false};
    const auto origin = std::chrono::steady_clock::now();
    const auto deadline = origin + std::chrono::minutes(10);
    std::vector<std::thread> workers;
    for (size_t w = 0; w < consumers; ++w) {
      workers.emplace_back([&] {
        ys::ranking::FactIngest ingest(*pool, *replica, clock, {}, lock, {});
        auto consumer = ys::KafkaConsumer::Create(kafka, {topic + ".group", {topic}}, nullptr);
        ys::RedisClient worker_redis(redis_options);
        ys::ranking::RankingCache worker_cache(worker_redis, prefix);
        // The service's own pipeline: apply, then Redis after the commit.
        ys::ranking::FactPipeline pipeline(ingest, worker_cache, *pool);
        pipeline.SetObserver([&](const ys::ranking::FactChanges& changes) { alerts += changes.raised.size(); });
        if (!consumer.ok()) {
          failed = true;
          return;
        }
        ys::InboxProcessor inbox(**consumer, *pool, metrics,
                                 {.consumer = "bench", .dlq_topic = "bench.dlq", .source = "/bench", .batch_size = batch},
                                 ys::InboxProcessor::Pipeline{[&](pqxx::transaction_base& tx,
                                                                  const std::vector<const ys::CloudEvent*>& events,
                                                                  std::vector<absl::Status>* r) {
                                   return pipeline.Apply(tx, events, r);
                                 }});
        while (!failed && applied + rejected < facts && std::chrono::steady_clock::now() < deadline) {
          auto b = inbox.RunOnce();
          if (!b.ok()) {
            std::fprintf(stderr, "ranking_ingest: %s\n", std::string(b.status().message()).c_str());
            failed = true;
            return;
          }
          if (b->polled == 0) continue;
          int64_t none = 0;
          first_ns.compare_exchange_strong(
              none, std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - origin).count());
          applied += b->applied;
          rejected += b->rejected;
        }
        redis_secs = redis_secs + pipeline.cache_write_seconds();
        (*consumer)->Close();
      });
    }
    for (auto& t : workers) t.join();
    if (failed) return ys::bench::Fail("ranking_ingest", absl::InternalError("a consumer failed"));
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - origin).count() -
                        static_cast<double>(first_ns.load()) / 1e9;
    const double in_redis = redis_secs / static_cast<double>(consumers);
    rates.push_back(static_cast<double>(applied + rejected) / secs);
    applied_total += applied;
    std::printf("  round %zu: ingest end to end  %10.0f facts/s  (%zu applied, %zu rejected, %zu alerts; "
                "%.0f%% of the time in Redis writes); raw COPY %.0f rows/s\n",
                round + 1, rates.back(), applied.load(), rejected.load(), alerts.load(), 100 * in_redis / secs,
                copy_rates.back());
  }
  std::vector<double> sorted = rates;
  std::sort(sorted.begin(), sorted.end());
  const double ingest_rate = sorted[sorted.size() / 2];
  std::printf("  ingest end to end with Redis   %10.0f facts/s  median of %zu (min %.0f, max %.0f)\n",
              ingest_rate, rates.size(), sorted.front(), sorted.back());
  std::printf("  ratio to baseline              %10.3f   (issue 4's first target: 20,000 facts/s)\n",
              ingest_rate / baseline->consume_per_s);
  std::sort(copy_rates.begin(), copy_rates.end());
  const double copy_rate = copy_rates[copy_rates.size() / 2];
  std::printf("  raw COPY of the same rows      %10.0f rows/s   median of %zu (one COPY into a table shaped like "
              "current_facts, committed)\n", copy_rate, copy_rates.size());
  std::printf("  ratio ingest / raw COPY        %10.3f   (issue #18's target: >= 0.5)\n", ingest_rate / copy_rate);
  const bool all_applied = applied_total == facts * rounds;

  if (ingest_only) {
    ys::bench::DropSchema(*pool);
    ys::bench::DeleteRedisKeys(redis, prefix);
    return all_applied ? 0 : 1;
  }

  // 2. GetScorecard over gRPC at a fixed rate: from Redis (cache built), then from PostgreSQL.
  if (auto n = cache.Rebuild(*pool); !n.ok()) return ys::bench::Fail("ranking_ingest", n.status());
  ys::ApiKeyAuthenticator auth;
  auth.Add(ys::Sha256Hex("bench"), {"bench", "viewer"});
  ys::ranking::PgFactReader pg_reader(*pool);
  ys::ranking::CachedFactReader cached(cache, pg_reader, metrics);
  ys::CallExecutor executor(ys::CallExecutorOptions{}, metrics);
  ys::ranking::RankingQueryImpl from_redis(cached, *pool, *replica, auth, executor);
  ys::ranking::RankingQueryImpl from_pg(pg_reader, *pool, *replica, auth, executor);
  std::vector<std::string> periods;
  for (size_t m = 0; m * per_month < facts; ++m) periods.push_back(absl::StrFormat("%04d-%02d", 2020 + m / 12, m % 12 + 1));
  ys::bench::Latency redis_latency, pg_latency;
  for (auto [service, out] : {std::pair{&from_redis, &redis_latency}, std::pair{&from_pg, &pg_latency}}) {
    ys::GrpcServer server(ys::GrpcServerOptions{}, metrics, &auth);
    server.AddService(service);
    if (auto s = server.Start(); !s.ok()) return ys::bench::Fail("ranking_ingest", s);
    auto stub = ys::ranking::pb::RankingQuery::NewStub(
        grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
    auto scorecard = [&](size_t i) {
      ys::ranking::pb::GetScorecardRequest req;
      req.set_region_code(counties[(i * 7) % counties.size()]);
      req.set_period(periods[(i * 3) % periods.size()]);
      ys::ranking::pb::Scorecard card;
      grpc::ClientContext ctx;
      ctx.AddMetadata("authorization", "Bearer bench");
      return stub->GetScorecard(&ctx, req, &card).ok() && card.rows_size() > 0;
    };
    ys::bench::MeasureAtRate(rate, 1, scorecard);  // warm up
    *out = ys::bench::MeasureAtRate(rate, 10, scorecard);
    server.Shutdown();
  }
  std::printf("  GetScorecard at %.0f req/s, 10 s (%zu indicators a card):\n", rate, indicators.size());
  std::printf("    from Redis                   p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms  (%zu errors)\n",
              redis_latency.p50_ms, redis_latency.p99_ms, redis_latency.max_ms, redis_latency.errors);
  std::printf("    from PostgreSQL (baseline)   p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms  (%zu errors)\n",
              pg_latency.p50_ms, pg_latency.p99_ms, pg_latency.max_ms, pg_latency.errors);
  std::printf("    ratio p99 Redis/PostgreSQL   %10.3f\n", redis_latency.p99_ms / pg_latency.p99_ms);

  // 3. Rebuild for 374,400 facts: 100 counties x 104 indicators x 36 months, in their own schema.
  pg.schema = "bench_rebuild_" + run;
  auto rebuild_pool = ys::PgPool::Connect(pg);
  if (!rebuild_pool.ok()) return ys::bench::Fail("ranking_ingest", rebuild_pool.status());
  if (auto s = ys::MigrateService(**rebuild_pool, "ranking", *migrations); !s.ok()) return ys::bench::Fail("ranking_ingest", s);
  std::vector<std::string> codes;
  for (int i = 1; codes.size() < 104; ++i) {
    codes.push_back(absl::StrFormat("I%02d", (i - 1) % 18 + 1) + (i > 18 ? absl::StrFormat("-%02d", (i - 1) / 18) : ""));
  }
  size_t written = 0;
  for (size_t m = 0; m < 36 && written < rebuild_facts; ++m) {
    const std::string period = absl::StrFormat("%04d-%02d", 2020 + m / 12, m % 12 + 1);
    std::vector<std::string> k, source, evaluation, indicator, scope, region, per, rank, total, revision, body;
    for (size_t c = 0; c < 100 && c < counties.size(); ++c) {
      for (size_t i = 0; i < codes.size() && written < rebuild_facts; ++i, ++written) {
        ys::ranking::pb::RankingFact f;
        f.set_source("sample");
        f.set_evaluation(ys::ranking::pb::EVALUATION_OFFICIAL);
        f.set_indicator_code(codes[i]);
        f.set_scope(ys::ranking::pb::SCOPE_COUNTY);
        f.set_region_code(counties[c]);
        f.set_period(period);
        f.set_rank(static_cast<int>((c * 7 + i + m) % 100) + 1);
        f.set_total(100);
        f.set_revision(1);
        k.push_back(ys::ranking::FactKey(f));
        source.push_back("sample");
        evaluation.push_back("EVALUATION_OFFICIAL");
        indicator.push_back(codes[i]);
        scope.push_back("SCOPE_COUNTY");
        region.push_back(counties[c]);
        per.push_back(period);
        rank.push_back(std::to_string(f.rank()));
        total.push_back("100");
        revision.push_back("1");
        body.push_back(ys::PgHexBytes(f.SerializeAsString()));
      }
    }
    auto s = (*rebuild_pool)->WithTransaction([&](pqxx::work& tx) {
      tx.exec_params(
          "INSERT INTO current_facts SELECT k, s, e, i, sc, r, p, rk, t, NULL, rev, b, now() "
          "FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], "
          "$7::text[], $8::int[], $9::int[], $10::bigint[], $11::bytea[]) "
          "AS u(k, s, e, i, sc, r, p, rk, t, rev, b)",
          ys::PgArray(k), ys::PgArray(source), ys::PgArray(evaluation), ys::PgArray(indicator),
          ys::PgArray(scope), ys::PgArray(region), ys::PgArray(per), ys::PgArray(rank),
          ys::PgArray(total), ys::PgArray(revision), ys::PgArray(body));
      return absl::OkStatus();
    });
    if (!s.ok()) return ys::bench::Fail("ranking_ingest", s);
  }
  // Baseline: the same pages read from PostgreSQL and parsed, nothing written.
  const auto read0 = std::chrono::steady_clock::now();
  size_t read = 0;
  if (auto s = (*rebuild_pool)->WithTransaction([&](pqxx::work& tx) -> absl::Status {
        std::string after;
        for (;;) {
          const pqxx::result rows = tx.exec_params(
              "SELECT fact_key, body FROM current_facts WHERE fact_key > $1 ORDER BY fact_key LIMIT 5000", after);
          if (rows.empty()) return absl::OkStatus();
          for (const auto& row : rows) {
            ys::ranking::pb::RankingFact f;
            f.ParseFromString(pqxx::binarystring(row[1]).str());
            after = row[0].as<std::string>();
            ++read;
          }
        }
      });
      !s.ok()) {
    return ys::bench::Fail("ranking_ingest", s);
  }
  const double read_secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - read0).count();
  ys::ranking::RankingCache rebuild_cache(redis, "bench" + run + "r:");
  const auto rb0 = std::chrono::steady_clock::now();
  auto rebuilt = rebuild_cache.Rebuild(**rebuild_pool);
  if (!rebuilt.ok()) return ys::bench::Fail("ranking_ingest", rebuilt.status());
  const double rebuild_secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - rb0).count();
  std::printf("  cache rebuild, %zu facts (100 counties x 104 indicators x 36 months):\n", *rebuilt);
  std::printf("    read from PostgreSQL only (baseline) %7.2f s  (%zu facts)\n", read_secs, read);
  std::printf("    rebuild into Redis                   %7.2f s  (%.0f facts/s)\n", rebuild_secs,
              static_cast<double>(*rebuilt) / rebuild_secs);
  std::printf("    ratio rebuild/read                   %7.2f\n", rebuild_secs / read_secs);

  // Leave nothing behind: the bench schemas and Redis keys.
  ys::bench::DropSchema(*pool);
  ys::bench::DropSchema(**rebuild_pool);
  ys::bench::DeleteRedisKeys(redis, prefix);
  ys::bench::DeleteRedisKeys(redis, "bench" + run + "r:");
  return all_applied && *rebuilt == rebuild_facts ? 0 : 1;
}
