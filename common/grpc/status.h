#pragma once

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace ys {

// absl and gRPC status codes share numbers; the conversion happens once, at the gRPC edge.
inline grpc::Status ToGrpcStatus(const absl::Status& s) {
  if (s.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()), std::string(s.message()));
}

inline absl::Status FromGrpcStatus(const grpc::Status& s) {
  if (s.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
}

// The go-grpc-prometheus spelling of a code ("OK", "InvalidArgument", ...), for metric labels.
const char* GrpcCodeName(grpc::StatusCode code);

}  // namespace ys
