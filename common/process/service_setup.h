#pragma once

#include <memory>
#include <string>

#include "common/config/config.h"
#include "common/grpc/auth.h"
#include "common/grpc/server.h"
#include "common/kafka/kafka.h"
#include "common/metrics/metrics.h"
#include "common/pg/outbox_admin.h"
#include "common/pg/pool.h"
#include "common/process/readiness.h"

namespace ys {

// What every service's main reads first: --config, the logger, and the settings every service has
// (grpc.*, pg.*, kafka.*, metrics.listen, auth.*). Exits with one line naming the key on any error.
struct ServiceSetup {
  Config config;
  GrpcServerOptions grpc;
  PgOptions pg;
  KafkaOptions kafka;
  std::string metrics_listen;
  ApiKeyAuthenticator auth;
  size_t outbox_batch_size = 2000;  // outbox.batch_size: rows the relay publishes per round
  std::string config_path;
  bool check_config = false;  // --check-config: validate the configuration, connect to nothing
};

ServiceSetup LoadServiceSetupOrExit(const std::string& program, const std::string& service,
                                    int argc, char** argv);
// With --check-config, once the service has also read its own settings: says the configuration is
// usable and exits 0 (a bad key has already exited with its one line). A deployment checks its
// rendered configuration this way (tests/deploy/check_helm.py) before anything connects.
void ExitIfConfigCheck(const std::string& program, const ServiceSetup& setup);

class OutboxRelay;

// The running parts every service has: metrics served on metrics.listen, PostgreSQL migrated
// (the common outbox/inbox tables and the service's own files), the gRPC handlers' executor, its
// Kafka topics, an idempotent producer and the outbox relay. Built by StartServiceRuntimeOrExit; destroyed in reverse order
// (the relay stops before the producer flushes).
struct ServiceRuntime {
  explicit ServiceRuntime(const std::string& service) : metrics(service), kafka_metrics(metrics) {}
  ~ServiceRuntime();

  Metrics metrics;
  KafkaMetrics kafka_metrics;
  std::unique_ptr<MetricsExposer> exposer;
  std::unique_ptr<PgPool> pool;
  // Where gRPC handlers do their PostgreSQL work (grpc.workers, grpc.max_queued_calls); after the
  // pool, so it stops first. The gRPC server, stopped before the runtime, has finished every call.
  std::unique_ptr<CallExecutor> executor;
  std::unique_ptr<KafkaProducer> producer;
  std::unique_ptr<OutboxRelay> relay;
  // yingshang.admin.v1.OutboxAdmin (parked rows), for main to add to its gRPC server.
  std::unique_ptr<OutboxAdminImpl> outbox_admin;
};

// The same without Kafka (no producer, relay or outbox admin): a service that emits no events (the
// gateway).
std::unique_ptr<ServiceRuntime> StartStoreRuntimeOrExit(
    const std::string& program, const std::string& service, const ServiceSetup& setup,
    const std::vector<std::pair<std::string, std::string>>& migration_files);

// The service's readiness (common/process/readiness.h), reported to `server`'s health service and
// checking PostgreSQL through the runtime's pool every 2 s; started. The service still says when it
// is ready itself (SetReady(true)).
std::unique_ptr<Readiness> WatchReadiness(GrpcServer& server, ServiceRuntime& runtime);

std::unique_ptr<ServiceRuntime> StartServiceRuntimeOrExit(
    const std::string& program, const std::string& service, const ServiceSetup& setup,
    const std::vector<std::pair<std::string, std::string>>& migration_files,
    const std::vector<TopicSpec>& topics);

}  // namespace ys
