#include "services/gateway/settings.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "common/config/config.h"
#include "common/status/macros.h"

namespace ys::gateway {
namespace {

absl::StatusOr<std::string> ReadFileFor(const Config& config, const std::string& key) {
  ASSIGN_OR_RETURN(std::string path, config.GetString(key));
  return ReadConfigFile(key, path);
}

absl::Status ReadListen(const Config& config, HttpSettings* http) {
  const std::string listen = config.GetString("gateway.http.listen", "127.0.0.1:8080");
  const size_t colon = listen.rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(listen.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrFormat("config key 'gateway.http.listen': '%s' is not host:port", listen));
  }
  http->host = listen.substr(0, colon);
  http->port = port;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<GatewaySettings> LoadGatewaySettings(const Config& config) {
  GatewaySettings s;
  RETURN_IF_ERROR(ReadListen(config, &s.http));
  if (config.Has("gateway.http.allowed_origins")) {
    ASSIGN_OR_RETURN(s.http.allowed_origins, config.GetStringList("gateway.http.allowed_origins"));
  }
  if (s.http.allowed_origins.empty()) {
    return absl::InvalidArgumentError(
        "config key 'gateway.http.allowed_origins' must list the console's origins (http://host:port)");
  }
  s.http.tls_cert_file = config.GetString("gateway.http.tls.cert_file", "");
  s.http.tls_key_file = config.GetString("gateway.http.tls.key_file", "");
  if (s.http.tls_cert_file.empty() != s.http.tls_key_file.empty()) {
    return absl::InvalidArgumentError("config key 'gateway.http.tls': set both cert_file and key_file, or neither");
  }
  ASSIGN_OR_RETURN(s.http.secure_cookies, config.GetBool("gateway.http.secure_cookies", false));
  if (config.Has("gateway.http.trusted_proxies")) {
    ASSIGN_OR_RETURN(s.http.trusted_proxies, config.GetStringList("gateway.http.trusted_proxies"));
  }
  ASSIGN_OR_RETURN(int64_t threads, config.GetIntIn("gateway.http.threads", 16, 1, 512));
  s.http.threads = static_cast<int>(threads);
  s.http.public_person.display_name =
      config.GetString("gateway.public.display_name", s.http.public_person.display_name);
  s.static_dir = config.GetString("gateway.http.static_dir", "web/dist");

  // By service name: ranking -> the package yingshang.ranking.v1.
  for (const std::string& name : config.Keys("gateway.backends")) {
    ASSIGN_OR_RETURN(s.backends["yingshang." + name + ".v1"], config.GetString("gateway.backends." + name));
  }
  if (s.backends.empty()) {
    return absl::InvalidArgumentError("config key 'gateway.backends' must map services (ranking, …) to gRPC addresses");
  }
  ASSIGN_OR_RETURN(s.backend_tls, ClientTlsOptionsFromConfig(config));
  ASSIGN_OR_RETURN(std::string key, ReadFileFor(config, "gateway.service_key_file"));
  s.service_key = std::string(absl::StripAsciiWhitespace(key));
  if (s.service_key.empty()) return absl::InvalidArgumentError("config key 'gateway.service_key_file': the file is empty");
  ASSIGN_OR_RETURN(s.allowlist_yaml, ReadFileFor(config, "gateway.allowlist_file"));
  ASSIGN_OR_RETURN(s.call_timeout, config.GetDuration("gateway.call_timeout", absl::Seconds(10)));

  ConsolePolicy& p = s.policy;
  ASSIGN_OR_RETURN(int64_t failures, config.GetIntIn("gateway.login.max_failures", 5, 1, 100));
  p.lockout.max_failures = static_cast<int>(failures);
  ASSIGN_OR_RETURN(p.lockout.lock_for, config.GetDuration("gateway.login.lock_for", absl::Minutes(15)));
  ASSIGN_OR_RETURN(int64_t rate, config.GetIntIn("gateway.login.per_address_per_minute", 20, 1, 100000));
  s.login_per_address_per_minute = static_cast<int>(rate);
  ASSIGN_OR_RETURN(int64_t min_length, config.GetIntIn("gateway.passwords.min_length", 10, 8, 128));
  p.password_min_length = static_cast<int>(min_length);
  ASSIGN_OR_RETURN(int64_t memory, config.GetIntIn("gateway.passwords.memory_kib", 19456, 1024, 4 << 20));
  p.passwords.memory_kib = static_cast<uint32_t>(memory);
  ASSIGN_OR_RETURN(int64_t iterations, config.GetIntIn("gateway.passwords.iterations", 2, 1, 20));
  p.passwords.iterations = static_cast<uint32_t>(iterations);
  ASSIGN_OR_RETURN(p.sessions.idle, config.GetDuration("gateway.sessions.idle", absl::Hours(8)));
  ASSIGN_OR_RETURN(p.sessions.absolute, config.GetDuration("gateway.sessions.absolute", absl::Hours(12)));
  if (p.sessions.idle <= absl::ZeroDuration() || p.sessions.absolute < p.sessions.idle) {
    return absl::InvalidArgumentError(
        "config key 'gateway.sessions': idle must be positive and absolute at least idle");
  }
  ASSIGN_OR_RETURN(p.attachments.max_bytes,
                   config.GetIntIn("gateway.attachments.max_bytes", 10 << 20, 1024, 64 << 20));
  // Base64 in JSON makes a file a third larger; the rest of the request is small.
  s.http.max_body_bytes = static_cast<size_t>(p.attachments.max_bytes) * 4 / 3 + (64 << 10);
  ASSIGN_OR_RETURN(s.redis, RedisOptionsFromConfig(config));
  return s;
}

}  // namespace ys::gateway
