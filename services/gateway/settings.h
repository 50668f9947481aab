#pragma once

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "common/config/config.h"
#include "common/grpc/channel.h"
#include "common/redis/redis.h"
#include "services/gateway/console.h"
#include "services/gateway/http_server.h"

namespace ys::gateway {

// The gateway's own settings (config.example.yaml documents each key). The numbers the plan does not
// give — lockout, session lengths, password length, file size, the login rate — are the office's
// local policy.
struct GatewaySettings {
  HttpSettings http;
  std::string static_dir;                      // gateway.http.static_dir: the built web app
  std::map<std::string, std::string> backends;  // gateway.backends {ranking: addr}: package -> address
  std::optional<ClientTlsOptions> backend_tls;  // grpc.client.tls.*: how it reaches them; nullopt: plaintext
  std::string service_key;                     // read from gateway.service_key_file (role gateway)
  std::string allowlist_yaml;                  // read from gateway.allowlist_file
  absl::Duration call_timeout = absl::Seconds(10);
  int login_per_address_per_minute = 20;
  ConsolePolicy policy;
  RedisOptions redis;
};

absl::StatusOr<GatewaySettings> LoadGatewaySettings(const Config& config);

}  // namespace ys::gateway
