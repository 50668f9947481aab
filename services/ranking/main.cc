// ys-ranking: provincial rankings in, alerts out. Wiring only.
#include <algorithm>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "common/config/config.h"
#include "common/grpc/server.h"
#include "common/kafka/kafka.h"
#include "common/log/log.h"
#include "common/metrics/metrics.h"
#include "common/pg/migrations.h"
#include "common/pg/outbox.h"
#include "common/process/service_setup.h"
#include "common/process/signals.h"
#include "common/process/startup.h"
#include "common/redis/redis.h"
#include "services/ranking/cache.h"
#include "services/ranking/consumers.h"
#include "services/ranking/embedded.h"
#include "services/ranking/events.h"
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
  const int64_t batch_size = ys::ValueOrExit(kProgram, config.GetIntIn("kafka.batch_size", 4000, 1, 100000));
  const int64_t consumers_per_process = ys::ValueOrExit(kProgram, config.GetIntIn("kafka.consumers", 3, 1, 64));
  ys::ExitIfConfigCheck(kProgram, setup);

  auto runtime = ys::StartServiceRuntimeOrExit(kProgram, "ranking", setup,
                                               ys::ranking::EmbeddedMigrations(),
                                               {{ys::ranking::kCatalogTopic, 3, true},
                                                {ys::ranking::kSubmittedTopic, 3, false},
                                                {ys::ranking::kAcceptedTopic, 3, false},
                                                {ys::ranking::kAlertsTopic, 3, false},
                                                {ys::ranking::kValidationTopic, 3, false},
                                                {ys::ranking::kLedgerTopic, 1, false},
                                                {ys::ranking::kDlqTopic, 1, false}});
  ys::Metrics& metrics = runtime->metrics;
  ys::KafkaMetrics& kafka_metrics = runtime->kafka_metrics;
  ys::PgPool* pool = runtime->pool.get();

  ys::RealClock clock;
  ys::RedisClient redis(redis_options);
  ys::ranking::RankingCache cache(redis, config.GetString("redis.key_prefix", ""));
  ys::ranking::PgFactReader pg_reader(*pool);
  ys::ranking::CachedFactReader reader(cache, pg_reader, metrics);
  ys::CatalogReplicaStore replica(*pool, settings.validation.input);

  ys::ranking::RankingQueryImpl query(reader, *pool, replica, auth, *runtime->executor, settings.goals,
                                     settings.rules);
  ys::ranking::FactIngest submit_ingest(*pool, replica, clock, settings.validation, settings.lock,
                                        settings.rules);
  ys::ranking::RankingIngestImpl submit(*pool, submit_ingest, cache, auth, *runtime->executor,
                                       grpc_options.limits.stream_budget_bytes);
  submit.SetReady(false);
  ys::GrpcServer server(grpc_options, metrics, &auth);
  server.AddService(&query);
  server.AddService(&submit);
  server.AddService(runtime->outbox_admin.get());
  ys::CheckOrExit(kProgram, server.Start());
  // SERVING once the catalog replica caught up, and while PostgreSQL answers.
  auto readiness = ys::WatchReadiness(server, *runtime);

  auto consumers = ys::ValueOrExit(
      kProgram, ys::ranking::RankingConsumers::Create(
                    kafka_options, &kafka_metrics, *pool, metrics, clock, replica, cache, settings,
                    {.group_id = group,
                     .consumers = static_cast<size_t>(consumers_per_process),
                     .batch_size = static_cast<size_t>(batch_size)}, [&] {
                      submit.SetReady(true);
                      readiness->SetReady(true);
                      ys::log::Info("ranking serving",
                                    {{"grpc", server.address()},
                                     {"metrics", absl::StrCat("127.0.0.1:", runtime->exposer->port())},
                                     {"consumers", std::to_string(consumers_per_process)}});
                    }));
  consumers->Start();

  ys::WaitForTermination();
  server.Shutdown();
  consumers->Stop();  // the runtime then stops the relay and flushes the producer
  return 0;
}
