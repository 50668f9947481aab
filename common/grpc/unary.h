#pragma once

#include <exception>
#include <utility>

#include "absl/status/status.h"
#include "common/grpc/executor.h"
#include "common/grpc/status.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"

namespace ys {

// Runs `body` (returning absl::Status); an exception that escapes is INTERNAL, never a crash.
template <typename Fn>
absl::Status RunHandlerBody(Fn& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    return absl::InternalError(e.what());
  }
}

// Runs a unary handler's body (returning absl::Status) and finishes the call with its status, the
// one conversion at the gRPC edge. The body runs on the callback thread: for work that cannot block.
template <typename Fn>
grpc::ServerUnaryReactor* FinishUnary(grpc::CallbackServerContext* ctx, Fn&& body) {
  auto* reactor = ctx->DefaultReactor();
  reactor->Finish(ToGrpcStatus(RunHandlerBody(body)));
  return reactor;
}

// The same for a body that blocks (PostgreSQL): it runs on `executor`, which finishes the call. The
// body runs after the handler has returned, so it captures by value (`[=, this]`); `ctx`, the
// request and the response live until the call is finished. A full executor refuses the call at
// once with UNAVAILABLE; a call cancelled while it waited is not run.
template <typename Fn>
grpc::ServerUnaryReactor* FinishUnaryOn(CallExecutor& executor, grpc::CallbackServerContext* ctx,
                                        Fn body) {
  auto* reactor = ctx->DefaultReactor();
  const bool queued = executor.TrySchedule([reactor, ctx, body = std::move(body)]() mutable {
    if (ctx->IsCancelled()) {
      reactor->Finish(grpc::Status::CANCELLED);
      return;
    }
    reactor->Finish(ToGrpcStatus(RunHandlerBody(body)));
  });
  if (!queued) reactor->Finish(ToGrpcStatus(executor.BusyError()));
  return reactor;
}

}  // namespace ys
