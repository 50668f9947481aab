#include "common/grpc/executor.h"

#include <utility>

#include "absl/strings/str_format.h"

namespace ys {

CallExecutor::CallExecutor(CallExecutorOptions options, Metrics& metrics)
    : options_(options),
      queued_gauge_(prometheus::BuildGauge()
                        .Name("ys_grpc_executor_queued_calls")
                        .Help("Calls waiting for a handler worker (grpc.workers); at most "
                              "grpc.max_queued_calls.")
                        .Register(metrics.registry())
                        .Add({})),
      rejected_(prometheus::BuildCounter()
                    .Name("ys_grpc_executor_rejected_total")
                    .Help("Calls refused with UNAVAILABLE because every handler worker was busy and "
                          "the queue full.")
                    .Register(metrics.registry())
                    .Add({})) {
  workers_.reserve(options_.workers);
  for (size_t i = 0; i < options_.workers; ++i) workers_.emplace_back([this] { Work(); });
}

CallExecutor::~CallExecutor() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (std::thread& t : workers_) t.join();
}

bool CallExecutor::TrySchedule(absl::AnyInvocable<void() &&> task) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || queue_.size() >= options_.max_queued_calls) {
      rejected_.Increment();
      return false;
    }
    queue_.push_back(std::move(task));
    queued_gauge_.Increment();
  }
  ready_.notify_one();
  return true;
}

absl::Status CallExecutor::BusyError() const {
  return absl::UnavailableError(absl::StrFormat(
      "the service is busy: %d handler workers (grpc.workers) busy and %d calls queued "
      "(grpc.max_queued_calls); retry shortly",
      options_.workers, options_.max_queued_calls));
}

size_t CallExecutor::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void CallExecutor::Work() {
  for (;;) {
    absl::AnyInvocable<void() &&> task;
    {
      std::unique_lock lock(mu_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      // Stopping still runs what is queued: each task finishes a call the server waits for.
      if (queue_.empty()) return;
      task = std::move(queue_.front());
      queue_.pop_front();
      queued_gauge_.Decrement();
    }
    std::move(task)();
  }
}

}  // namespace ys
