// ys-ranking: provincial rankings in, alerts out. Wiring only.
#include <algorithm>
#include <atomic>
#include <thread>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "common/config/config.h"
#include "common/grpc/server.h"
#include "common/kafka/kafka.h"
#include "common/log/log.h"
#include "common/metrics/metrics.h"
#include "common/pg/inbox.h"
#include "common/pg/migrations.h"
#include "common/pg/outbox.h"
#include "common/process/service_setup.h"
#include "common/process/signals.h"
#include "common/process/startup.h"
#include "common/redis/redis.h"
#include "services/ranking/cache.h"
#include "services/ranking/embedded.h"
#include "services/ranking/ingest.h"
#include "services/ranking/ingest_service.h"
#include "services/ranking/query_service.h"
#include "services/ranking/settings.h"

namespace {
constexpr char kProgram[] = "ys-ranking";
}

int main(int argc, char** argv) {
  ys::BlockTerminationSignals();
  const ys::ServiceSetup setup = ys::LoadServiceSetupOrExit(kProgram, "ranking", argc, argv);
  const ys::Config& config = setup.config;
  const auto& grpc_options = setup.grpc;
  const auto& kafka_options = setup.kafka;
  const auto& auth = setup.auth;

  const auto redis_options = ys::ValueOrExit(kProgram, ys::RedisOptionsFromConfig(config));
  const std::string group = config.GetString("kafka.group_id", "ys-ranking");
  const auto settings = ys::ValueOrExit(kProgram, ys::ranking::LoadRankingSettings(config));
  // Facts per consumer transaction: larger batches amortise the commit (bench/ranking_ingest).
  const auto batch_size = static_cast<size_t>(ys::ValueOrExit(kProgram, config.GetInt("kafka.batch_size", 4000)));
  const auto consumers = static_cast<size_t>(std::max<int64_t>(1, ys::ValueOrExit(kProgram, config.GetInt("kafka.consumers", 3))));
  ys::ExitIfConfigCheck(kProgram, setup);

  auto runtime = ys::StartServiceRuntimeOrExit(kProgram, "ranking", setup,
                                               ys::ranking::EmbeddedMigrations(),
                                               {{ys::ranking::kCatalogTopic, 3, true},
                                                {ys::ranking::kSubmittedTopic, 3, false},
                                                {ys::ranking::kAcceptedTopic, 3, false},
                                                {ys::ranking::kAlertsTopic, 3, false},
                                                {ys::ranking::kValidationTopic, 3, false},
                                                {ys::ranking::kDlqTopic, 1, false}});
  ys::Metrics& metrics = runtime->metrics;
  ys::KafkaMetrics& kafka_metrics = runtime->kafka_metrics;
  ys::PgPool* pool = runtime->pool.get();

  ys::RealClock clock;
  ys::RedisClient redis(redis_options);
  ys::ranking::RankingCache cache(redis, config.GetString("redis.key_prefix", ""));
  ys::ranking::PgFactReader pg_reader(*pool);
  ys::ranking::CachedFactReader reader(cache, pg_reader, metrics);
  ys::ranking::CatalogReplicaStore replica(*pool);

  auto catalog_consumer = ys::ValueOrExit(
      kProgram, ys::KafkaConsumer::Create(kafka_options, {group + ".catalog", {ys::ranking::kCatalogTopic}},
                                          &kafka_metrics));
  ys::InboxProcessor catalog_inbox(
      *catalog_consumer, *pool, metrics,
      {.consumer = "ranking.catalog", .dlq_topic = ys::ranking::kDlqTopic, .source = "/yingshang/ranking",
       .poll_timeout = absl::Milliseconds(20)},
      [&](pqxx::transaction_base& tx, const std::vector<const ys::CloudEvent*>& events,
          std::vector<absl::Status>* results) { return replica.ApplyBatch(tx, events, results); });
  // Several members of the submissions group, each with its partitions and its own transaction:
  // one consumer leaves the CPU half idle while it waits for PostgreSQL (bench/ranking_ingest).
  struct FactWorker {
    std::unique_ptr<ys::KafkaConsumer> consumer;
    std::unique_ptr<ys::ranking::FactIngest> ingest;
    std::unique_ptr<ys::InboxProcessor> inbox;
  };
  std::vector<FactWorker> workers(consumers);
  for (FactWorker& w : workers) {
    w.consumer = ys::ValueOrExit(
        kProgram, ys::KafkaConsumer::Create(kafka_options, {group, {ys::ranking::kSubmittedTopic}},
                                            &kafka_metrics));
    w.ingest = std::make_unique<ys::ranking::FactIngest>(*pool, replica, clock, settings.validation,
                                                         settings.lock, settings.rules);
    ys::ranking::FactIngest* ingest = w.ingest.get();
    w.inbox = std::make_unique<ys::InboxProcessor>(
        *w.consumer, *pool, metrics,
        ys::InboxOptions{.consumer = "ranking.submissions",
                         .dlq_topic = ys::ranking::kDlqTopic,
                         .source = "/yingshang/ranking",
                         .batch_size = batch_size,
                         .dry_run = ys::ranking::IsValidateOnly,
                         .on_reject =
                             [&](pqxx::transaction_base& tx, const ys::KafkaMessage& record,
                                 const std::string& id, const absl::Status& reason) {
                               ys::ranking::FactIngest::RecordRejected(tx, record, id, reason, clock.Now());
                             }},
        [ingest](pqxx::transaction_base& tx, const std::vector<const ys::CloudEvent*>& events,
                 std::vector<absl::Status>* results) { return ingest->ApplyBatch(tx, events, results); });
  }

  ys::ranking::RankingQueryImpl query(reader, *pool, replica, auth);
  ys::ranking::FactIngest submit_ingest(*pool, replica, clock, settings.validation, settings.lock,
                                        settings.rules);
  ys::ranking::RankingIngestImpl submit(*pool, submit_ingest, cache, auth);
  submit.SetReady(false);
  ys::GrpcServer server(grpc_options, metrics, &auth);
  server.AddService(&query);
  server.AddService(&submit);
  ys::CheckOrExit(kProgram, server.Start());

  std::atomic<bool> stop{false};
  std::atomic<bool> cache_dirty{true};  // rebuilt from PostgreSQL at start
  // Facts are validated against the catalog replica, so the replica catches up with ys.catalog.v1
  // first: until then no submission is read and the service reports NOT_SERVING.
  std::atomic<bool> catalog_ready{false};
  std::thread catalog_thread([&] {
    absl::Time next_purge = absl::Now() + absl::Minutes(5);
    while (!stop.load()) {
      if (absl::Now() >= next_purge) {
        // Forget processed ce_ids after 14 days (topics keep 7): the inbox table stays bounded.
        for (ys::InboxProcessor* inbox : {&catalog_inbox, workers.front().inbox.get()}) {
          if (auto purged = inbox->PurgeOlderThan(absl::Hours(24 * 14)); !purged.ok()) {
            ys::log::Warn("inbox purge failed", {{"error", std::string(purged.status().message())}});
          }
        }
        next_purge = absl::Now() + absl::Hours(1);
      }
      auto c = catalog_inbox.RunOnce();
      if (c.ok() && c->applied > 0) replica.Invalidate();
      if (catalog_ready.load()) continue;
      auto caught_up = catalog_consumer->CaughtUp();
      if (!caught_up.ok() || !*caught_up) continue;
      catalog_ready = true;
      submit.SetReady(true);
      server.SetServing(true);
      ys::log::Info("ranking serving", {{"grpc", server.address()},
                                        {"metrics", absl::StrCat("127.0.0.1:", runtime->exposer->port())},
                                        {"consumers", std::to_string(consumers)}});
    }
  });
  std::vector<std::thread> fact_threads;
  for (FactWorker& w : workers) {
    fact_threads.emplace_back([&] {
      while (!stop.load() && !catalog_ready.load()) absl::SleepFor(absl::Milliseconds(50));
      while (!stop.load()) {
        auto f = w.inbox->RunOnce();
        if (!f.ok()) {
          ys::log::Warn("ranking batch failed; retrying", {{"error", std::string(f.status().message())}});
          absl::SleepFor(absl::Seconds(1));
          continue;
        }
        // Only after a committed batch: an idle poll leaves changed() from the batch before.
        if (f->applied == 0) continue;
        if (auto written = cache.Write(w.ingest->changed()); !written.ok()) cache_dirty = true;
      }
    });
  }
  std::thread cache_keeper([&] {
    while (!stop.load()) {
      auto built = cache.IsBuilt();
      if (built.ok() && (cache_dirty.load() || !*built)) {
        cache_dirty = false;
        auto n = cache.Rebuild(*pool);
        if (n.ok()) {
          ys::log::Info("ranking cache rebuilt from postgresql", {{"facts", std::to_string(*n)}});
        } else {
          cache_dirty = true;
        }
      }
      absl::SleepFor(absl::Seconds(2));
    }
  });

  ys::WaitForTermination();
  server.Shutdown();
  stop = true;
  catalog_thread.join();
  for (auto& t : fact_threads) t.join();
  cache_keeper.join();
  catalog_consumer->Close();
  for (FactWorker& w : workers) w.consumer->Close();  // the runtime then stops the relay and flushes the producer
  return 0;
}
