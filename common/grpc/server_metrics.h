#pragma once

#include "common/metrics/metrics.h"
#include "grpcpp/support/server_interceptor.h"

namespace ys {

// Records grpc_server_started_total, grpc_server_handled_total and grpc_server_handling_seconds with
// go-grpc-prometheus's labels (grpc_type, grpc_service, grpc_method, grpc_code), so the standard
// Grafana dashboards work unchanged. A call to a method no registered service has is counted under
// grpc_service="unknown", grpc_method="unknown": a caller cannot add a series per path it invents.
class ServerMetricsInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit ServerMetricsInterceptorFactory(Metrics& metrics);
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

  prometheus::Family<prometheus::Counter>& started() { return started_; }
  prometheus::Family<prometheus::Counter>& handled() { return handled_; }
  prometheus::Family<prometheus::Histogram>& handling() { return handling_; }

 private:
  prometheus::Family<prometheus::Counter>& started_;
  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Histogram>& handling_;
};

}  // namespace ys
