#pragma once

#include <memory>
#include <string>

#include "common/config/config.h"
#include "common/grpc/auth.h"
#include "common/grpc/server.h"
#include "common/kafka/kafka.h"
#include "common/metrics/metrics.h"
#include "common/pg/pool.h"

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
};

ServiceSetup LoadServiceSetupOrExit(const std::string& program, const std::string& service,
                                    int argc, char** argv);

}  // namespace ys
