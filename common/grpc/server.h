#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/config/config.h"
#include "common/grpc/auth.h"
#include "common/metrics/metrics.h"
#include "grpcpp/grpcpp.h"

namespace ys {

struct TlsOptions {
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;  // set: mutual TLS, clients must present a certificate signed by it
};

struct GrpcServerOptions {
  std::string listen = "127.0.0.1:0";
  std::optional<TlsOptions> tls;
  absl::Duration drain_deadline = absl::Seconds(10);
};

// grpc.listen, grpc.drain_deadline, grpc.tls.{cert_file,key_file,client_ca_file}.
absl::StatusOr<GrpcServerOptions> GrpcServerOptionsFromConfig(const Config& config);

// The gRPC server every service runs: callback services, grpc.health.v1 (NOT_SERVING until the
// service says its dependencies are ready), reflection, API-key auth, go-grpc-prometheus metrics,
// and a graceful shutdown that drains in-flight calls up to a deadline.
class GrpcServer {
 public:
  GrpcServer(GrpcServerOptions options, Metrics& metrics, const ApiKeyAuthenticator* auth);
  ~GrpcServer();

  // Before Start; the server does not own the services.
  void AddService(grpc::Service* service);
  // Binds and starts; health answers NOT_SERVING until SetServing(true).
  absl::Status Start();
  int port() const { return port_; }
  std::string address() const;

  void SetServing(bool serving);
  // Health goes NOT_SERVING, new calls are refused, in-flight calls get drain_deadline to finish.
  void Shutdown();

 private:
  GrpcServerOptions options_;
  Metrics& metrics_;
  const ApiKeyAuthenticator* auth_;
  std::vector<grpc::Service*> services_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace ys
