#include "common/grpc/server.h"

#include <chrono>
#include <limits>

#include "absl/strings/str_format.h"
#include "common/config/config.h"
#include "common/grpc/server_metrics.h"
#include "common/log/log.h"
#include "grpc/health/v1/health.pb.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"

namespace ys {
namespace {

// A duration key within [min, max]; an error naming the key otherwise.
absl::StatusOr<absl::Duration> DurationInRange(const Config& config, const std::string& key,
                                               absl::Duration fallback, absl::Duration min,
                                               absl::Duration max) {
  auto v = config.GetDuration(key, fallback);
  if (!v.ok()) return v.status();
  if (*v < min || *v > max) {
    return absl::InvalidArgumentError(
        absl::StrFormat("config key '%s' must be between %s and %s, got %s", key,
                        absl::FormatDuration(min), absl::FormatDuration(max),
                        absl::FormatDuration(*v)));
  }
  return *v;
}

int Milliseconds(absl::Duration d) { return static_cast<int>(absl::ToInt64Milliseconds(d)); }

absl::StatusOr<GrpcLimits> GrpcLimitsFromConfig(const Config& config) {
  constexpr int64_t kIntMax = std::numeric_limits<int>::max();
  // gRPC takes int milliseconds: about 24 days at most.
  const absl::Duration kMaxInterval = absl::Milliseconds(kIntMax);
  GrpcLimits limits;
  auto receive = config.GetIntIn("grpc.max_receive_bytes", limits.max_receive_bytes, 1, kIntMax);
  if (!receive.ok()) return receive.status();
  limits.max_receive_bytes = static_cast<int>(*receive);
  auto streams =
      config.GetIntIn("grpc.max_concurrent_streams", limits.max_concurrent_streams, 1, kIntMax);
  if (!streams.ok()) return streams.status();
  limits.max_concurrent_streams = static_cast<int>(*streams);
  auto budget = config.GetIntIn("grpc.stream_budget_bytes",
                           static_cast<int64_t>(limits.stream_budget_bytes), 1,
                           std::numeric_limits<int64_t>::max());
  if (!budget.ok()) return budget.status();
  limits.stream_budget_bytes = static_cast<size_t>(*budget);
  auto time = DurationInRange(config, "grpc.keepalive.time", limits.keepalive_time,
                              absl::Seconds(1), kMaxInterval);
  if (!time.ok()) return time.status();
  limits.keepalive_time = *time;
  auto timeout = DurationInRange(config, "grpc.keepalive.timeout", limits.keepalive_timeout,
                                 absl::Milliseconds(1), kMaxInterval);
  if (!timeout.ok()) return timeout.status();
  limits.keepalive_timeout = *timeout;
  auto min_ping = DurationInRange(config, "grpc.keepalive.min_ping_interval",
                                  limits.min_ping_interval, absl::ZeroDuration(), kMaxInterval);
  if (!min_ping.ok()) return min_ping.status();
  limits.min_ping_interval = *min_ping;
  auto without_calls =
      config.GetBool("grpc.keepalive.permit_without_calls", limits.permit_without_calls);
  if (!without_calls.ok()) return without_calls.status();
  limits.permit_without_calls = *without_calls;
  // 0 would let a client ping as often as it likes.
  auto strikes =
      config.GetIntIn("grpc.keepalive.max_ping_strikes", limits.max_ping_strikes, 1, 1000);
  if (!strikes.ok()) return strikes.status();
  limits.max_ping_strikes = static_cast<int>(*strikes);
  return limits;
}

}  // namespace

absl::StatusOr<GrpcServerOptions> GrpcServerOptionsFromConfig(const Config& config) {
  GrpcServerOptions options;
  auto listen = config.GetString("grpc.listen");
  if (!listen.ok()) return listen.status();
  options.listen = *listen;
  auto drain = config.GetDuration("grpc.drain_deadline", absl::Seconds(10));
  if (!drain.ok()) return drain.status();
  options.drain_deadline = *drain;
  if (config.Has("grpc.tls.cert_file") || config.Has("grpc.tls.key_file")) {
    TlsOptions tls;
    auto cert = config.GetString("grpc.tls.cert_file");
    if (!cert.ok()) return cert.status();
    auto key = config.GetString("grpc.tls.key_file");
    if (!key.ok()) return key.status();
    tls.cert_file = *cert;
    tls.key_file = *key;
    tls.client_ca_file = config.GetString("grpc.tls.client_ca_file", "");
    options.tls = tls;
  }
  auto limits = GrpcLimitsFromConfig(config);
  if (!limits.ok()) return limits.status();
  options.limits = *limits;
  auto workers = config.GetIntIn("grpc.workers", static_cast<int64_t>(options.executor.workers),
                            1, 1024);
  if (!workers.ok()) return workers.status();
  options.executor.workers = static_cast<size_t>(*workers);
  auto queued = config.GetIntIn("grpc.max_queued_calls",
                           static_cast<int64_t>(options.executor.max_queued_calls), 1, 1000000);
  if (!queued.ok()) return queued.status();
  options.executor.max_queued_calls = static_cast<size_t>(*queued);
  return options;
}

GrpcServer::GrpcServer(GrpcServerOptions options, Metrics& metrics,
                       const ApiKeyAuthenticator* auth)
    : options_(std::move(options)), metrics_(metrics), auth_(auth) {}

GrpcServer::~GrpcServer() {
  if (server_ != nullptr) Shutdown();
}

void GrpcServer::AddService(grpc::Service* service) { services_.push_back(service); }

absl::Status GrpcServer::Start() {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  // gRPC's built-in health service is written without generated code, so nothing put its
  // descriptor in the pool reflection answers from, and `grpcurl … grpc.health.v1.Health/Check`
  // failed with "target server does not expose service". Naming the generated message links
  // grpc/health/v1/health.proto's descriptor in (issue #18).
  (void)grpc::health::v1::HealthCheckRequest::descriptor();

  std::shared_ptr<grpc::ServerCredentials> creds = grpc::InsecureServerCredentials();
  if (options_.tls.has_value()) {
    const TlsOptions& tls = *options_.tls;
    auto cert = ReadConfigFile("grpc.tls.cert_file", tls.cert_file);
    if (!cert.ok()) return cert.status();
    auto key = ReadConfigFile("grpc.tls.key_file", tls.key_file);
    if (!key.ok()) return key.status();
    grpc::SslServerCredentialsOptions ssl;
    ssl.pem_key_cert_pairs.push_back({*key, *cert});
    if (!tls.client_ca_file.empty()) {
      auto ca = ReadConfigFile("grpc.tls.client_ca_file", tls.client_ca_file);
      if (!ca.ok()) return ca.status();
      ssl.pem_root_certs = *ca;
      ssl.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
    }
    creds = grpc::SslServerCredentials(ssl);
  }

  grpc::ServerBuilder builder;
  // Without this a second process on the same port silently shares it (SO_REUSEPORT).
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  const GrpcLimits& limits = options_.limits;
  builder.SetMaxReceiveMessageSize(limits.max_receive_bytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, limits.max_concurrent_streams);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, Milliseconds(limits.keepalive_time));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, Milliseconds(limits.keepalive_timeout));
  // The server's own keepalive pings go out on an idle connection too (the default stops after 2).
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                             Milliseconds(limits.min_ping_interval));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS,
                             limits.permit_without_calls ? 1 : 0);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, limits.max_ping_strikes);
  builder.AddListeningPort(options_.listen, creds, &port_);
  for (grpc::Service* s : services_) builder.RegisterService(s);

  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  // Auth first: at PRE_SEND_STATUS it may rewrite the status the metrics then record.
  if (auth_ != nullptr) interceptors.push_back(std::make_unique<AuthInterceptorFactory>(auth_));
  interceptors.push_back(std::make_unique<ServerMetricsInterceptorFactory>(metrics_));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));

  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    server_.reset();
    return absl::UnavailableError(
        absl::StrFormat("gRPC listener %s cannot start (address in use or not local?)",
                        options_.listen));
  }
  SetServing(false);
  log::Info("grpc server listening", {{"address", address()}});
  return absl::OkStatus();
}

std::string GrpcServer::address() const {
  const size_t colon = options_.listen.rfind(':');
  return absl::StrFormat("%s:%d", options_.listen.substr(0, colon), port_);
}

void GrpcServer::SetServing(bool serving) {
  // From any thread (a consumer that caught up); after Shutdown began it changes nothing.
  std::lock_guard lock(serving_mu_);
  if (server_ == nullptr || (serving && shutting_down_)) return;
  auto* health = server_->GetHealthCheckService();
  if (health == nullptr) return;
  // Sets the overall status ("") and every registered service's.
  health->SetServingStatus(serving);
}

void GrpcServer::Shutdown() {
  if (server_ == nullptr) return;
  SetServing(false);
  {
    std::lock_guard lock(serving_mu_);
    shutting_down_ = true;
  }
  const auto deadline =
      std::chrono::system_clock::now() + absl::ToChronoMilliseconds(options_.drain_deadline);
  server_->Shutdown(deadline);
  server_->Wait();
  std::lock_guard lock(serving_mu_);
  server_.reset();
  log::Info("grpc server stopped");
}

}  // namespace ys
