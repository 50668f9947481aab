#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/input/text_rules.h"

namespace ys {

using Headers = std::vector<std::pair<std::string, std::string>>;

// A CloudEvents 1.0 event as carried on Kafka in binary mode: attributes in ce_* headers, the body
// as the record value, the aggregate id as the record key (keeps per-aggregate order).
struct CloudEvent {
  std::string id;      // ce_id: unique, the consumers' dedup key
  std::string source;  // ce_source: "/yingshang/ranking", "/platform/<source>"
  std::string type;    // ce_type: "yingshang.ranking.v1.RankingAlert"
  absl::Time time = absl::UnixEpoch();
  std::string subject;                                // ce_subject, optional
  std::string content_type = "application/protobuf";  // or application/json from external producers
  std::string key;
  std::string data;
  Headers extensions;  // other headers, e.g. "ys_dlq_reason"

  std::optional<std::string> Extension(absl::string_view name) const;
};

// A record as read from Kafka: a value type, so nothing of librdkafka leaks past the wrapper.
struct KafkaMessage {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string key;
  std::string value;
  Headers headers;
  absl::Time timestamp = absl::UnixEpoch();
};

Headers ToKafkaHeaders(const CloudEvent& event);
// INVALID_ARGUMENT naming the missing or bad attribute (ce_id, ce_source, ce_type, ce_specversion),
// or the attribute, header or key that breaks the input rules (common/input: UTF-8 text without
// control characters, lengths, ce_time within 1970-2100). A record over limits.event_bytes (key,
// headers and value) is refused before anything is parsed (reason too_long); so is a structured
// event nested deeper than 64 levels (too_deep). A key repeated in one object of a structured event
// is malformed.
absl::StatusOr<CloudEvent> ParseCloudEvent(const KafkaMessage& message,
                                           const input::InputLimits& limits = {});

// A random (version 4) UUID, for ce_id.
std::string NewEventId();

}  // namespace ys
