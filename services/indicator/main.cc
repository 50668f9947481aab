// ys-indicator: the programme catalog and 惠企通 policy redemptions. Wiring only.
#include <memory>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "common/config/config.h"
#include "common/grpc/server.h"
#include "common/kafka/kafka.h"
#include "common/log/log.h"
#include "common/metrics/metrics.h"
#include "common/pg/migrations.h"
#include "common/pg/outbox.h"
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
  CLI::App app{"Yingshang indicator service: the catalog and 惠企通 redemptions"};
  std::string config_path = "services/indicator/config.example.yaml";
  app.add_option("--config", config_path, "YAML config")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  const ys::Config config =
      ys::ValueOrExit(kProgram, ys::Config::LoadFile(config_path, ys::ProcessEnvironment()));
  ys::log::Level level = ys::log::Level::kInfo;
  ys::log::ParseLevel(config.GetString("log.level", "info"), &level);
  ys::log::Init("indicator", level);

  const auto grpc_options = ys::ValueOrExit(kProgram, ys::GrpcServerOptionsFromConfig(config));
  const auto pg_options = ys::ValueOrExit(kProgram, ys::PgOptionsFromConfig(config));
  const auto kafka_options = ys::ValueOrExit(kProgram, ys::KafkaOptionsFromConfig(config));
  const std::string metrics_listen = ys::ValueOrExit(kProgram, config.GetString("metrics.listen"));
  const auto auth = ys::ValueOrExit(kProgram, ys::ApiKeyAuthenticator::FromConfig(config));
  if (auth.size() == 0) {
    ys::ExitOnStartupError(kProgram, absl::InvalidArgumentError(
                                         "config key 'auth.api_keys' (or auth.api_keys_file) "
                                         "names no key: nobody could call the service"));
  }

  ys::Metrics metrics("indicator");
  ys::KafkaMetrics kafka_metrics(metrics);
  auto exposer = ys::ValueOrExit(kProgram, ys::MetricsExposer::Start(metrics_listen, metrics));
  auto pool = ys::ValueOrExit(kProgram, ys::PgPool::Connect(pg_options));
  const auto migrations =
      ys::ValueOrExit(kProgram, ys::MigrationsFromFiles(ys::indicator::EmbeddedMigrations()));
  ys::CheckOrExit(kProgram, ys::MigrateService(*pool, "indicator", migrations));
  ys::CheckOrExit(kProgram, ys::EnsureTopics(kafka_options, {
                                                                {ys::indicator::kCatalogTopic, 3, true},
                                                                {ys::indicator::kRedemptionTopic, 3, false},
                                                                {ys::indicator::kRedemptionDlqTopic, 1, false},
                                                            }));
  auto producer = ys::ValueOrExit(kProgram, ys::KafkaProducer::Create(kafka_options, &kafka_metrics));
  ys::OutboxRelay relay(*pool, *producer, metrics);
  relay.Start();

  ys::RealClock clock;
  ys::indicator::PgCatalogStore store(*pool);
  ys::indicator::CatalogServiceImpl catalog(store, auth, clock);
  ys::indicator::RedemptionServiceImpl redemptions(*pool, store, auth, clock);
  ys::indicator::ProgrammeServiceImpl programme(*pool, store, auth, clock);
  auto consumer = ys::ValueOrExit(
      kProgram, ys::KafkaConsumer::Create(kafka_options,
                                          {.group_id = config.GetString("kafka.group_id", "ys-indicator"),
                                           .topics = {ys::indicator::kRedemptionTopic}},
                                          &kafka_metrics));
  ys::indicator::RedemptionIngest ingest(*consumer, *pool, store, metrics, clock);
  ingest.Start();

  ys::GrpcServer server(grpc_options, metrics, &auth);
  server.AddService(&catalog);
  server.AddService(&redemptions);
  server.AddService(&programme);
  ys::CheckOrExit(kProgram, server.Start());
  server.SetServing(true);
  ys::log::Info("indicator serving", {{"grpc", server.address()},
                                      {"metrics", absl::StrCat("127.0.0.1:", exposer->port())}});

  const int sig = ys::WaitForTermination();
  ys::log::Info("shutting down", {{"signal", std::to_string(sig)}});
  server.Shutdown();  // NOT_SERVING, drain in-flight calls
  ingest.Stop();      // finish the batch in progress (its offsets commit after its transaction)
  consumer->Close();
  relay.Stop();       // finish the batch in progress; the producer flushes when destroyed
  return 0;
}
