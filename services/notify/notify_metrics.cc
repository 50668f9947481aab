#include "services/notify/notify_metrics.h"

#include <string>

#include "absl/strings/ascii.h"

namespace ys::notify {
namespace {

std::string StateLabel(pb::DeliveryState state) {
  std::string name = pb::DeliveryState_Name(state);  // DELIVERY_STATE_FAILED_OVER
  constexpr std::string_view kPrefix = "DELIVERY_STATE_";
  if (name.rfind(kPrefix, 0) == 0) name = name.substr(kPrefix.size());
  return absl::AsciiStrToLower(name);
}

}  // namespace

NotifyMetrics::NotifyMetrics(Metrics& metrics)
    : deliveries_(prometheus::BuildCounter()
                      .Name("ys_notify_deliveries_total")
                      .Help("Deliveries that reached a state, by channel (webhook, wecom, dingtalk, feishu, "
                            "email) and state (delivered, failed, failed_over, dead).")
                      .Register(metrics.registry())),
      attempts_(prometheus::BuildCounter()
                    .Name("ys_notify_attempts_total")
                    .Help("Delivery attempts by channel and outcome (delivered, transient, throttled, permanent).")
                    .Register(metrics.registry())),
      attempt_seconds_(prometheus::BuildHistogram()
                           .Name("ys_notify_attempt_seconds")
                           .Help("How long one delivery attempt took, by channel.")
                           .Register(metrics.registry())),
      queue_depth_(prometheus::BuildGauge()
                       .Name("ys_notify_queue_depth")
                       .Help("Deliveries not yet ended, by state (pending, held, sending, failed).")
                       .Register(metrics.registry())),
      oldest_(prometheus::BuildGauge()
                  .Name("ys_notify_oldest_undelivered_seconds")
                  .Help("Age of the oldest delivery due to go (pending, sending or failed; not held for a "
                        "digest); 0 when none.")
                  .Register(metrics.registry())
                  .Add({})),
      notifications_(prometheus::BuildCounter()
                         .Name("ys_notify_notifications_total")
                         .Help("Messages the flushes made (a grouped message counts once).")
                         .Register(metrics.registry())
                         .Add({})),
      suppressed_(prometheus::BuildCounter()
                      .Name("ys_notify_suppressed_total")
                      .Help("Group members left out of a message: silenced or inhibited.")
                      .Register(metrics.registry())
                      .Add({})),
      unknown_(prometheus::BuildCounter()
                   .Name("ys_notify_unknown_receivers_total")
                   .Help("Routed receivers that named no known recipient (the event still reached the others).")
                   .Register(metrics.registry())
                   .Add({})),
      loop_errors_(prometheus::BuildCounter()
                       .Name("ys_notify_loop_errors_total")
                       .Help("Dispatcher turns that failed (flush, send, sample); the next turn retries.")
                       .Register(metrics.registry())) {
  for (const char* state : {"pending", "held", "sending", "failed"}) queue_depth_.Add({{"state", state}});
}

void NotifyMetrics::Attempted(std::string_view channel, OutcomeClass outcome, absl::Duration duration) {
  const std::string c(channel.empty() ? "none" : channel);
  attempts_.Add({{"channel", c}, {"outcome", std::string(OutcomeClassName(outcome))}}).Increment();
  attempt_seconds_.Add({{"channel", c}}, LatencyBuckets()).Observe(absl::ToDoubleSeconds(duration));
}

void NotifyMetrics::Moved(std::string_view channel, pb::DeliveryState state) {
  deliveries_.Add({{"channel", std::string(channel.empty() ? "none" : channel)}, {"state", StateLabel(state)}})
      .Increment();
}

void NotifyMetrics::Queue(const QueueStats& stats, absl::Time now) {
  for (pb::DeliveryState s : {pb::DELIVERY_STATE_PENDING, pb::DELIVERY_STATE_HELD, pb::DELIVERY_STATE_SENDING,
                              pb::DELIVERY_STATE_FAILED}) {
    auto it = stats.by_state.find(s);
    queue_depth_.Add({{"state", StateLabel(s)}}).Set(it == stats.by_state.end() ? 0 : static_cast<double>(it->second));
  }
  oldest_.Set(stats.oldest_undelivered.has_value() ? absl::ToDoubleSeconds(now - *stats.oldest_undelivered) : 0);
}

void NotifyMetrics::Flushed(int notifications, int suppressed) {
  notifications_.Increment(notifications);
  suppressed_.Increment(suppressed);
}

void NotifyMetrics::UnknownReceivers(int n) { unknown_.Increment(n); }

void NotifyMetrics::LoopError(std::string_view loop) { loop_errors_.Add({{"loop", std::string(loop)}}).Increment(); }

}  // namespace ys::notify
