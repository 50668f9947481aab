#include "common/grpc/server_metrics.h"

#include <chrono>
#include <string>

#include "common/grpc/status.h"
#include "grpcpp/generic/async_generic_service.h"

namespace ys {

const char* GrpcCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::CANCELLED: return "Canceled";
    case grpc::StatusCode::UNKNOWN: return "Unknown";
    case grpc::StatusCode::INVALID_ARGUMENT: return "InvalidArgument";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DeadlineExceeded";
    case grpc::StatusCode::NOT_FOUND: return "NotFound";
    case grpc::StatusCode::ALREADY_EXISTS: return "AlreadyExists";
    case grpc::StatusCode::PERMISSION_DENIED: return "PermissionDenied";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "ResourceExhausted";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FailedPrecondition";
    case grpc::StatusCode::ABORTED: return "Aborted";
    case grpc::StatusCode::OUT_OF_RANGE: return "OutOfRange";
    case grpc::StatusCode::UNIMPLEMENTED: return "Unimplemented";
    case grpc::StatusCode::INTERNAL: return "Internal";
    case grpc::StatusCode::UNAVAILABLE: return "Unavailable";
    case grpc::StatusCode::DATA_LOSS: return "DataLoss";
    case grpc::StatusCode::UNAUTHENTICATED: return "Unauthenticated";
    default: break;
  }
  return "Unknown";
}

namespace {

using grpc::experimental::InterceptionHookPoints;
using grpc::experimental::ServerRpcInfo;

const char* TypeName(ServerRpcInfo::Type type) {
  switch (type) {
    case ServerRpcInfo::Type::UNARY: return "unary";
    case ServerRpcInfo::Type::CLIENT_STREAMING: return "client_stream";
    case ServerRpcInfo::Type::SERVER_STREAMING: return "server_stream";
    case ServerRpcInfo::Type::BIDI_STREAMING: return "bidi_stream";
  }
  return "unary";
}

class ServerMetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  ServerMetricsInterceptor(ServerMetricsInterceptorFactory* factory, ServerRpcInfo* info)
      : factory_(factory), start_(std::chrono::steady_clock::now()) {
    // A method no registered service has reaches gRPC's own generic handler (which answers
    // UNIMPLEMENTED); its path is whatever the caller sent, so it is counted under one label
    // instead of a series per path. The servers register no generic service of their own.
    const bool unregistered =
        dynamic_cast<grpc::GenericCallbackServerContext*>(info->server_context()) != nullptr;
    // "/yingshang.ranking.v1.RankingQuery/GetScorecard" -> service, method.
    const std::string full = info->method() == nullptr ? "" : info->method();
    const size_t slash = full.rfind('/');
    if (!unregistered && slash != std::string::npos && slash > 0) {
      service_ = full.substr(1, slash - 1);
      method_ = full.substr(slash + 1);
    } else {
      service_ = "unknown";
      method_ = "unknown";
    }
    type_ = TypeName(info->type());
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      factory_->started()
          .Add({{"grpc_type", type_}, {"grpc_service", service_}, {"grpc_method", method_}})
          .Increment();
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status status = methods->GetSendStatus();
      factory_->handled()
          .Add({{"grpc_type", type_},
                {"grpc_service", service_},
                {"grpc_method", method_},
                {"grpc_code", GrpcCodeName(status.error_code())}})
          .Increment();
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
      factory_->handling()
          .Add({{"grpc_type", type_}, {"grpc_service", service_}, {"grpc_method", method_}},
               prometheus::Histogram::BucketBoundaries{.005, .01, .025, .05, .1, .25, .5, 1, 2.5,
                                                       5, 10})
          .Observe(seconds);
    }
    methods->Proceed();
  }

 private:
  ServerMetricsInterceptorFactory* factory_;
  std::chrono::steady_clock::time_point start_;
  std::string service_;
  std::string method_;
  const char* type_;
};

}  // namespace

ServerMetricsInterceptorFactory::ServerMetricsInterceptorFactory(Metrics& metrics)
    : started_(prometheus::BuildCounter()
                   .Name("grpc_server_started_total")
                   .Help("Total number of RPCs started on the server.")
                   .Register(metrics.registry())),
      handled_(prometheus::BuildCounter()
                   .Name("grpc_server_handled_total")
                   .Help("Total number of RPCs completed on the server, regardless of success or "
                         "failure.")
                   .Register(metrics.registry())),
      handling_(prometheus::BuildHistogram()
                    .Name("grpc_server_handling_seconds")
                    .Help("Histogram of response latency (seconds) of gRPC that had been "
                          "application-level handled by the server.")
                    .Register(metrics.registry())) {}

grpc::experimental::Interceptor* ServerMetricsInterceptorFactory::CreateServerInterceptor(
    ServerRpcInfo* info) {
  return new ServerMetricsInterceptor(this, info);
}

}  // namespace ys
