#pragma once

// The notify service's moving parts after the intake: one thread flushes due groups (flush.h), N
// worker threads send due deliveries (delivery_worker.h), one samples the queue for the metrics.
// Each loops: work while there is work, else wait `dispatch.tick` (or until Stop). Errors are
// logged and counted, and the loop waits a tick: a store that is down is retried, never fatal.
// Step functions are public so tests drive the same code without threads.

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "common/time/calendar.h"
#include "common/time/clock.h"
#include "services/notify/delivery_worker.h"
#include "services/notify/flush.h"
#include "services/notify/notify_metrics.h"

namespace ys::notify {

class Dispatcher {
 public:
  Dispatcher(NotifyStore& store, const NotifySettings& settings, const RecipientBook& book,
             const WorkingDayCalendar& calendar, Senders senders, const SecretSource& secrets,
             SharedRateLimiter& limiter, const Clock& clock, NotifyMetrics& metrics);
  ~Dispatcher();

  // One flush of due groups in one unit of work.
  absl::StatusOr<FlushResult> FlushOnce();
  // One turn of worker `i` (0 <= i < dispatch.workers).
  absl::StatusOr<SendStats> SendOnce(int i);
  // Samples the queue into the metrics.
  absl::Status SampleQueue();

  void Start();
  void Stop();
  // Something may be due now (the intake committed a batch): the waiting loops look at once.
  void Wake();

 private:
  void Loop(const std::function<bool()>& step);
  bool Wait(absl::Duration d);  // false once stopping

  NotifyStore& store_;
  const NotifySettings& settings_;
  const Clock& clock_;
  NotifyMetrics& metrics_;
  Flusher flusher_;
  std::vector<std::unique_ptr<DeliveryWorker>> workers_;

  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  uint64_t wakes_ = 0;
  std::vector<std::thread> threads_;
};

}  // namespace ys::notify
