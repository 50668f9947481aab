#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace ys::bench {

inline constexpr int kBaselineMessageBytes = 200;

struct KafkaThroughput {
  double produce_per_s = 0;  // until every delivery report arrived
  double consume_per_s = 0;  // one consumer, from the first record to the last
};

// Produces `messages` 200-byte records to a fresh 3-partition topic and consumes them back.
// With `cloud_events` each record carries the CloudEvents headers our services send.
absl::StatusOr<KafkaThroughput> MeasureKafkaBaseline(const std::string& brokers, size_t messages,
                                                     bool cloud_events);

}  // namespace ys::bench
