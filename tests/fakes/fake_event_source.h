#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "common/consumer/event_source.h"

namespace ys::testing {

// One partition held in memory: Poll reads from the position on, Rewind moves the position back,
// Commit records the committed offset. `failing_polls` / `failing_rewinds` make the next polls /
// rewinds UNAVAILABLE (broker down).
class FakeEventSource final : public EventSource {
 public:
  explicit FakeEventSource(std::string topic = "fake.topic") : topic_(std::move(topic)) {}

  void Append(std::string value, std::string key = "") {
    KafkaMessage m;
    m.topic = topic_;
    m.offset = static_cast<int64_t>(log_.size());
    m.key = std::move(key);
    m.value = std::move(value);
    log_.push_back(std::move(m));
  }

  absl::StatusOr<std::vector<KafkaMessage>> Poll(size_t max, absl::Duration) override {
    ++polls;
    if (failing_polls > 0) {
      --failing_polls;
      return absl::UnavailableError("kafka: all brokers down");
    }
    const size_t end = std::min(log_.size(), position_ + max);
    std::vector<KafkaMessage> out(log_.begin() + static_cast<std::ptrdiff_t>(position_),
                                  log_.begin() + static_cast<std::ptrdiff_t>(end));
    position_ = end;
    return out;
  }
  absl::Status Commit(const std::vector<KafkaMessage>& records) override {
    for (const auto& m : records) committed = std::max(committed, m.offset + 1);
    return absl::OkStatus();
  }
  absl::Status Rewind(const std::vector<KafkaMessage>& records) override {
    ++rewinds;
    if (failing_rewinds > 0) {
      --failing_rewinds;
      return absl::UnavailableError("kafka: seek failed");
    }
    if (!records.empty()) position_ = static_cast<size_t>(records.front().offset);
    return absl::OkStatus();
  }

  size_t position() const { return position_; }
  int64_t committed = 0;
  int polls = 0;
  int rewinds = 0;
  int failing_polls = 0;
  int failing_rewinds = 0;

 private:
  std::string topic_;
  std::vector<KafkaMessage> log_;
  size_t position_ = 0;
};

}  // namespace ys::testing
