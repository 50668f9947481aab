#pragma once

#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "common/kafka/publisher.h"

namespace ys::testing {

// An event publisher in memory: `answer` decides each event's Delivery from the event and the whole
// call it came in (all delivered when unset); the delivered ones are recorded.
class FakePublisher final : public EventPublisher {
 public:
  using Answer = std::function<Delivery(const OutgoingEvent& event, std::span<const OutgoingEvent> call)>;
  explicit FakePublisher(Answer answer = {}) : answer_(std::move(answer)) {}

  std::vector<Delivery> PublishEach(std::span<const OutgoingEvent> events, absl::Duration) override {
    std::lock_guard lock(mu_);
    std::vector<Delivery> out;
    for (const OutgoingEvent& e : events) {
      Delivery d = answer_ ? answer_(e, events) : Delivery{.outcome = Delivery::Outcome::kDelivered};
      if (d.outcome == Delivery::Outcome::kDelivered) delivered_.push_back(e.event.data);
      out.push_back(std::move(d));
    }
    return out;
  }

  // The data of the events delivered, in the order they were (again after a retry).
  std::vector<std::string> delivered() const {
    std::lock_guard lock(mu_);
    return delivered_;
  }

 private:
  Answer answer_;
  mutable std::mutex mu_;
  std::vector<std::string> delivered_;
};

}  // namespace ys::testing
