#include "common/process/service_setup.h"

#include <cstdio>
#include <cstdlib>

#include "CLI/CLI.hpp"
#include "absl/strings/str_format.h"
#include "common/log/log.h"
#include "common/pg/migrations.h"
#include "common/pg/outbox.h"
#include "common/process/startup.h"

// jemalloc's settings for every service (read at its start; ignored where jemalloc is not linked):
// a background thread returns freed memory to the system a second after it is freed instead of at
// the next allocation. Without it a refused 64 MiB Submit stream left ys-ranking at 138 MB RSS
// while idle; with it 43 MB after 10 s (bench/grpc_limits).
extern "C" {
// NOLINTNEXTLINE: the name jemalloc looks for.
const char* malloc_conf = "background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0";
}

namespace ys {

ServiceSetup LoadServiceSetupOrExit(const std::string& program, const std::string& service,
                                    int argc, char** argv) {
  CLI::App app{"Yingshang " + service + " service"};
  std::string config_path = "services/" + service + "/config.example.yaml";
  bool check_config = false;
  app.add_option("--config", config_path, "YAML config")->capture_default_str();
  app.add_flag("--check-config", check_config,
               "Check the configuration (every key this service reads), print whether it is usable and "
               "exit; connects to nothing");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    std::exit(app.exit(e));
  }
  Config config = ValueOrExit(program, Config::LoadFile(config_path, ProcessEnvironment()));
  log::Level level = log::Level::kInfo;
  const std::string level_name = config.GetString("log.level", "info");
  if (!log::ParseLevel(level_name, &level)) {
    ExitOnStartupError(program, absl::InvalidArgumentError(
                                    "config key 'log.level' must be debug, info, warn or error, got '" +
                                    level_name + "'"));
  }
  log::Init(service, level);
  const int64_t outbox_batch_size = ValueOrExit(program, config.GetInt("outbox.batch_size", 2000));
  if (outbox_batch_size < 1) {
    ExitOnStartupError(program, absl::InvalidArgumentError(absl::StrFormat(
                                    "config key 'outbox.batch_size' must be at least 1, got %d",
                                    outbox_batch_size)));
  }
  ServiceSetup setup{
      .config = config,
      .grpc = ValueOrExit(program, GrpcServerOptionsFromConfig(config)),
      .pg = ValueOrExit(program, PgOptionsFromConfig(config)),
      .kafka = ValueOrExit(program, KafkaOptionsFromConfig(config)),
      .metrics_listen = ValueOrExit(program, config.GetString("metrics.listen")),
      .auth = ValueOrExit(program, ApiKeyAuthenticator::FromConfig(config)),
      .outbox_batch_size = static_cast<size_t>(outbox_batch_size),
      .config_path = config_path,
      .check_config = check_config,
  };
  if (setup.auth.size() == 0) {
    ExitOnStartupError(program, absl::InvalidArgumentError(
                                    "config key 'auth.api_keys' (or auth.api_keys_file) names no "
                                    "key: nobody could call the service"));
  }
  return setup;
}

void ExitIfConfigCheck(const std::string& program, const ServiceSetup& setup) {
  if (!setup.check_config) return;
  std::printf("%s: configuration %s is usable\n", program.c_str(), setup.config_path.c_str());
  std::exit(0);
}

ServiceRuntime::~ServiceRuntime() {
  if (relay != nullptr) relay->Stop();
}

std::unique_ptr<ServiceRuntime> StartStoreRuntimeOrExit(
    const std::string& program, const std::string& service, const ServiceSetup& setup,
    const std::vector<std::pair<std::string, std::string>>& migration_files) {
  auto rt = std::make_unique<ServiceRuntime>(service);
  rt->exposer = ValueOrExit(program, MetricsExposer::Start(setup.metrics_listen, rt->metrics));
  rt->pool = ValueOrExit(program, PgPool::Connect(setup.pg));
  rt->executor = std::make_unique<CallExecutor>(setup.grpc.executor, rt->metrics);
  const auto migrations = ValueOrExit(program, MigrationsFromFiles(migration_files));
  CheckOrExit(program, MigrateService(*rt->pool, service, migrations));
  return rt;
}

std::unique_ptr<ServiceRuntime> StartServiceRuntimeOrExit(
    const std::string& program, const std::string& service, const ServiceSetup& setup,
    const std::vector<std::pair<std::string, std::string>>& migration_files,
    const std::vector<TopicSpec>& topics) {
  auto rt = StartStoreRuntimeOrExit(program, service, setup, migration_files);
  CheckOrExit(program, EnsureTopics(setup.kafka, topics));
  rt->producer = ValueOrExit(program, KafkaProducer::Create(setup.kafka, &rt->kafka_metrics));
  rt->relay = std::make_unique<OutboxRelay>(*rt->pool, *rt->producer, rt->metrics,
                                            OutboxRelayOptions{.batch_size = setup.outbox_batch_size});
  rt->relay->Start();
  rt->outbox_admin = std::make_unique<OutboxAdminImpl>(*rt->pool, setup.auth, *rt->executor);
  return rt;
}

std::unique_ptr<Readiness> WatchReadiness(GrpcServer& server, ServiceRuntime& runtime) {
  auto readiness = std::make_unique<Readiness>(runtime.metrics, [&server](bool serving) { server.SetServing(serving); });
  PgPool* pool = runtime.pool.get();
  readiness->AddCheck("postgresql", [pool] {
    return pool->WithConnection([](pqxx::connection& c) -> absl::Status {
      pqxx::nontransaction(c).exec("SELECT 1");
      return absl::OkStatus();
    });
  });
  readiness->Start();
  return readiness;
}

}  // namespace ys
