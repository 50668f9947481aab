#pragma once

#include <exception>

#include "absl/status/status.h"
#include "common/grpc/status.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"

namespace ys {

// Runs a unary handler's body (returning absl::Status) and finishes the call with its status, the
// one conversion at the gRPC edge. An exception that escapes is INTERNAL, never a crash.
template <typename Fn>
grpc::ServerUnaryReactor* FinishUnary(grpc::CallbackServerContext* ctx, Fn&& body) {
  auto* reactor = ctx->DefaultReactor();
  absl::Status s;
  try {
    s = body();
  } catch (const std::exception& e) {
    s = absl::InternalError(e.what());
  }
  reactor->Finish(ToGrpcStatus(s));
  return reactor;
}

}  // namespace ys
