#include "common/grpc/server.h"

#include <chrono>
#include <fstream>
#include <sstream>

#include "absl/strings/str_format.h"
#include "common/grpc/server_metrics.h"
#include "common/log/log.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"

namespace ys {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& key, const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrFormat("config key '%s': file '%s' cannot be read", key, path));
  }
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
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

  std::shared_ptr<grpc::ServerCredentials> creds = grpc::InsecureServerCredentials();
  if (options_.tls.has_value()) {
    const TlsOptions& tls = *options_.tls;
    auto cert = ReadFile("grpc.tls.cert_file", tls.cert_file);
    if (!cert.ok()) return cert.status();
    auto key = ReadFile("grpc.tls.key_file", tls.key_file);
    if (!key.ok()) return key.status();
    grpc::SslServerCredentialsOptions ssl;
    ssl.pem_key_cert_pairs.push_back({*key, *cert});
    if (!tls.client_ca_file.empty()) {
      auto ca = ReadFile("grpc.tls.client_ca_file", tls.client_ca_file);
      if (!ca.ok()) return ca.status();
      ssl.pem_root_certs = *ca;
      ssl.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
    }
    creds = grpc::SslServerCredentials(ssl);
  }

  grpc::ServerBuilder builder;
  // Without this a second process on the same port silently shares it (SO_REUSEPORT).
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
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
  if (server_ == nullptr) return;
  auto* health = server_->GetHealthCheckService();
  if (health == nullptr) return;
  // Sets the overall status ("") and every registered service's.
  health->SetServingStatus(serving);
}

void GrpcServer::Shutdown() {
  if (server_ == nullptr) return;
  SetServing(false);
  const auto deadline =
      std::chrono::system_clock::now() + absl::ToChronoMilliseconds(options_.drain_deadline);
  server_->Shutdown(deadline);
  server_->Wait();
  server_.reset();
  log::Info("grpc server stopped");
}

}  // namespace ys
