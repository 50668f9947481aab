#pragma once

// What an operator watches of notify (README "Monitoring", the Grafana notify row, the alert rules):
//   ys_notify_deliveries_total{channel,state}        deliveries that reached a state (delivered,
//                                                    failed, failed_over, dead)
//   ys_notify_attempts_total{channel,outcome}        attempts by retry.h's class
//   ys_notify_attempt_seconds{channel}               how long an attempt took (histogram)
//   ys_notify_queue_depth{state}                     deliveries not yet ended (pending, held,
//                                                    sending, failed)
//   ys_notify_oldest_undelivered_seconds             age of the oldest one due to go (not held)
//   ys_notify_notifications_total                    messages made by flushes
//   ys_notify_suppressed_total                       members left out (silenced, inhibited)
//   ys_notify_unknown_receivers_total                routed receivers that named no recipient
//   ys_notify_loop_errors_total{loop}                flush / send / sample turns that failed

#include <string_view>

#include "common/metrics/metrics.h"
#include "services/notify/delivery_worker.h"
#include "services/notify/store.h"

namespace ys::notify {

class NotifyMetrics final : public DeliveryObserver {
 public:
  explicit NotifyMetrics(Metrics& metrics);

  void Attempted(std::string_view channel, OutcomeClass outcome, absl::Duration duration) override;
  void Moved(std::string_view channel, pb::DeliveryState state) override;
  void Queue(const QueueStats& stats, absl::Time now);
  void Flushed(int notifications, int suppressed);
  void UnknownReceivers(int n);
  void LoopError(std::string_view loop);

 private:
  prometheus::Family<prometheus::Counter>& deliveries_;
  prometheus::Family<prometheus::Counter>& attempts_;
  prometheus::Family<prometheus::Histogram>& attempt_seconds_;
  prometheus::Family<prometheus::Gauge>& queue_depth_;
  prometheus::Gauge& oldest_;
  prometheus::Counter& notifications_;
  prometheus::Counter& suppressed_;
  prometheus::Counter& unknown_;
  prometheus::Family<prometheus::Counter>& loop_errors_;
};

}  // namespace ys::notify
