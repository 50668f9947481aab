#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/kafka/cloud_event.h"

namespace ys {

// Where a consumer's records come from: a Kafka consumer-group member in the services, an
// in-memory log in tests (tests/fakes/fake_event_source.h).
class EventSource {
 public:
  virtual ~EventSource() = default;
  // Up to `max` records, waiting at most `timeout` for the first one. An empty vector is a quiet
  // source, not an error. UNAVAILABLE when the broker cannot be reached.
  virtual absl::StatusOr<std::vector<KafkaMessage>> Poll(size_t max, absl::Duration timeout) = 0;
  // Marks everything up to and including the given records processed (after their transaction).
  virtual absl::Status Commit(const std::vector<KafkaMessage>& records) = 0;
  // Makes the next Poll return the given records again (their transaction failed).
  virtual absl::Status Rewind(const std::vector<KafkaMessage>& records) = 0;
};

}  // namespace ys
