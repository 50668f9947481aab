#pragma once

#include <span>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/kafka/cloud_event.h"

namespace ys {

struct OutgoingEvent {
  std::string topic;
  CloudEvent event;
};

// Publishes events and reports which were durably accepted by the broker.
class EventPublisher {
 public:
  virtual ~EventPublisher() = default;
  // Sends the events in order and waits for their delivery reports. Returns how many leading events
  // were delivered; events after the first failure are reported as not delivered (the caller sends
  // them again), and the status of the first failure is returned when none was delivered.
  virtual absl::StatusOr<size_t> PublishBatch(std::span<const OutgoingEvent> events,
                                              absl::Duration timeout) = 0;
};

}  // namespace ys
