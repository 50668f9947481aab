// ys-indicator: the programme catalog and 惠企通 policy redemptions. Wiring only.
#include <memory>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "common/config/config.h"
#include "common/grpc/server.h"
#include "common/input/text_rules.h"
#include "common/kafka/kafka.h"
#include "common/log/log.h"
#include "common/metrics/metrics.h"
#include "common/pg/migrations.h"
#include "common/pg/outbox.h"
#include "common/process/service_setup.h"
#include "common/process/signals.h"
#include "common/process/startup.h"
#include "services/indicator/catalog_service.h"
#include "services/indicator/embedded.h"
#include "services/indicator/programme_service.h"
#include "services/indicator/redemption_service.h"

namespace {
constexpr char kProgram[] = "ys-indicator";
}

int main(int argc, char** argv) {
  ys::BlockTerminationSignals();
  const ys::ServiceSetup setup = ys::LoadServiceSetupOrExit(kProgram, "indicator", argc, argv);
  const ys::Config& config = setup.config;
  const auto& grpc_options = setup.grpc;
  const auto& kafka_options = setup.kafka;
  const auto& auth = setup.auth;
  const auto limits = ys::ValueOrExit(kProgram, ys::input::InputLimitsFromConfig(config));
  const auto redemption_sources = ys::ValueOrExit(kProgram, ys::indicator::RedemptionSourcesFromConfig(config));
  ys::ExitIfConfigCheck(kProgram, setup);

  auto runtime = ys::StartServiceRuntimeOrExit(
      kProgram, "indicator", setup, ys::indicator::EmbeddedMigrations(),
      {{ys::indicator::kCatalogTopic, 3, true},
       {ys::indicator::kRedemptionTopic, 3, false},
       {ys::indicator::kRedemptionDlqTopic, 1, false}});
  ys::Metrics& metrics = runtime->metrics;
  ys::KafkaMetrics& kafka_metrics = runtime->kafka_metrics;
  ys::PgPool* pool = runtime->pool.get();

  ys::RealClock clock;
  ys::indicator::PgCatalogStore store(*pool);
  ys::indicator::CatalogServiceImpl catalog(store, auth, clock, *runtime->executor);
  ys::indicator::RedemptionServiceImpl redemptions(*pool, store, auth, clock, *runtime->executor);
  ys::indicator::ProgrammeServiceImpl programme(*pool, store, auth, clock, *runtime->executor);
  auto consumer = ys::ValueOrExit(
      kProgram, ys::KafkaConsumer::Create(kafka_options,
                                          {.group_id = config.GetString("kafka.group_id", "ys-indicator"),
                                           .topics = {ys::indicator::kRedemptionTopic}},
                                          &kafka_metrics));
  ys::indicator::RedemptionIngest ingest(*consumer, *pool, store, metrics, clock, limits, redemption_sources);
  ingest.Start();

  ys::GrpcServer server(grpc_options, metrics, &auth);
  server.AddService(&catalog);
  server.AddService(&redemptions);
  server.AddService(&programme);
  server.AddService(runtime->outbox_admin.get());
  ys::CheckOrExit(kProgram, server.Start());
  auto readiness = ys::WatchReadiness(server, *runtime);  // NOT_SERVING while PostgreSQL is lost
  readiness->SetReady(true);
  ys::log::Info("indicator serving", {{"grpc", server.address()},
                                      {"metrics", absl::StrCat("127.0.0.1:", runtime->exposer->port())}});

  const int sig = ys::WaitForTermination();
  ys::log::Info("shutting down", {{"signal", std::to_string(sig)}});
  server.Shutdown();  // NOT_SERVING, drain in-flight calls
  ingest.Stop();      // finish the batch in progress (its offsets commit after its transaction)
  consumer->Close();  // the runtime then stops the relay and flushes the producer
  return 0;
}
