#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "common/metrics/metrics.h"

namespace ys {

struct CallExecutorOptions {
  size_t workers = 8;             // grpc.workers
  size_t max_queued_calls = 128;  // grpc.max_queued_calls
};

// Where handlers do their blocking work (PostgreSQL) instead of on gRPC's callback threads, which
// also serve health checks, reads of the stream and every other call: a slow database then holds
// these workers and the calls queued for them, not the whole server. The queue is bounded; a call
// that finds it full is refused at once (UNAVAILABLE: retry) instead of waiting in memory.
//
// Metrics: ys_grpc_executor_queued_calls (gauge), ys_grpc_executor_rejected_total.
class CallExecutor {
 public:
  CallExecutor(CallExecutorOptions options, Metrics& metrics);
  // Runs what is queued, then joins the workers.
  ~CallExecutor();
  CallExecutor(const CallExecutor&) = delete;
  CallExecutor& operator=(const CallExecutor&) = delete;

  // Queues `task` for a worker; false when the queue is full (the task is dropped unrun).
  bool TrySchedule(absl::AnyInvocable<void() &&> task);

  // What a refused call answers: UNAVAILABLE naming the limits.
  absl::Status BusyError() const;

  size_t queued() const;
  const CallExecutorOptions& options() const { return options_; }

 private:
  void Work();

  const CallExecutorOptions options_;
  prometheus::Gauge& queued_gauge_;
  prometheus::Counter& rejected_;
  mutable std::mutex mu_;
  std::condition_variable ready_;
  std::deque<absl::AnyInvocable<void() &&>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace ys
