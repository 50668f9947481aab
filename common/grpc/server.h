#pragma once

#include <mutex>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/config/config.h"
#include "common/grpc/auth.h"
#include "common/grpc/executor.h"
#include "common/metrics/metrics.h"
#include "grpcpp/grpcpp.h"

namespace ys {

struct TlsOptions {
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;  // set: mutual TLS, clients must present a certificate signed by it
};

// What one client may take from a server (issue #11: no single input stops or exhausts a service).
struct GrpcLimits {
  int max_receive_bytes = 1 << 20;        // a larger message is refused by gRPC (RESOURCE_EXHAUSTED)
  int max_concurrent_streams = 100;       // calls at once on one connection
  size_t stream_budget_bytes = 64 << 20;  // what one client stream may send in all (Submit)
  // Keepalive: the server pings an idle connection every `keepalive_time` and drops it when no answer
  // comes within `keepalive_timeout` (a vanished client frees its calls). A client pinging more often
  // than `min_ping_interval` (or at all without a call, unless `permit_without_calls`) is sent GOAWAY
  // after `max_ping_strikes` such pings.
  absl::Duration keepalive_time = absl::Minutes(5);
  absl::Duration keepalive_timeout = absl::Seconds(20);
  absl::Duration min_ping_interval = absl::Seconds(30);
  bool permit_without_calls = false;
  int max_ping_strikes = 2;
};

struct GrpcServerOptions {
  std::string listen = "127.0.0.1:0";
  std::optional<TlsOptions> tls;
  absl::Duration drain_deadline = absl::Seconds(10);
  GrpcLimits limits;
  CallExecutorOptions executor;
};

// grpc.listen, grpc.drain_deadline, grpc.tls.{cert_file,key_file,client_ca_file},
// grpc.max_receive_bytes, grpc.max_concurrent_streams, grpc.stream_budget_bytes,
// grpc.keepalive.{time,timeout,min_ping_interval,permit_without_calls,max_ping_strikes},
// grpc.workers, grpc.max_queued_calls. A value out of range is an error naming its key.
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
  std::mutex serving_mu_;  // SetServing from other threads against Shutdown
  bool shutting_down_ = false;
  int port_ = 0;
};

}  // namespace ys
