#pragma once

#include <span>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/kafka/cloud_event.h"

namespace ys {

struct OutgoingEvent {
  std::string topic;
  CloudEvent event;
};

// What became of one event of a batch.
struct Delivery {
  enum class Outcome {
    kDelivered,
    // Kafka will never take this record as it is (too large, a topic name Kafka does not accept, no
    // key on a compacted topic): sending it again cannot help, the events after it can go on.
    kRefused,
    // Not confirmed (broker down, timed out, or not sent after an earlier failure): send it again.
    kNotDelivered,
  };
  Outcome outcome = Outcome::kNotDelivered;
  int error_code = 0;  // librdkafka's rd_kafka_resp_err_t, 0 when delivered
  std::string error;   // its text: "Broker: Message size too large"
  std::string reason;  // kRefused: a short name for metrics, "message_too_large", "invalid_topic" …
};

// Publishes events and reports which were durably accepted by the broker.
class EventPublisher {
 public:
  virtual ~EventPublisher() = default;
  // Sends the events in order and waits up to `timeout` for their delivery reports: one Delivery
  // per event, in order. An event refused for good does not stop the ones after it; a transient
  // failure may (those after it are then kNotDelivered).
  virtual std::vector<Delivery> PublishEach(std::span<const OutgoingEvent> events,
                                            absl::Duration timeout) = 0;
};

}  // namespace ys
