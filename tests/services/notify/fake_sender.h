#pragma once

// A Sender (senders.h) for the dispatcher's tests: it records every OutgoingMessage it is given
// (idempotency key, url or mail recipients, body) with the clock's time, and answers from a script —
// per sink first (a webhook's URL, an e-mail's first recipient), then the shared script, then the
// default answer (200 for HTTP, 250 for SMTP). A hook runs before each answer, outside the sender's
// lock, so a test can act while an attempt is "on the wire" (stop the store, run another worker).
// Thread-safe: workers may send from several threads.

#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/time/clock.h"
#include "services/notify/senders.h"

namespace ys::notify::testing {

struct SentMessage {
  OutgoingMessage message;
  absl::Time at;
};
// For gtest's failure messages.
inline void PrintTo(const SentMessage& s, std::ostream* os) {
  *os << "{key " << s.message.idempotency_key << " to "
      << (s.message.channel == Transport::kEmail && !s.message.recipients.empty() ? s.message.recipients.front()
                                                                                  : s.message.url)
      << " at " << absl::FormatTime(s.at) << "}";
}

class FakeSender final : public Sender {
 public:
  using Hook = std::function<void(const OutgoingMessage& message, int index)>;

  FakeSender(Transport transport, const Clock& clock) : transport_(transport), clock_(clock) {}

  // What an answer looks like.
  static SendResult Http(int status, std::optional<absl::Time> retry_after = std::nullopt) {
    SendResult r;
    r.channel = Transport::kWebhook;
    r.http_status = status;
    r.retry_after = retry_after;
    r.response_snippet = status / 100 == 2 ? R"({"errcode":0})" : R"({"error":"scripted"})";
    r.duration = absl::Milliseconds(20);
    return r;
  }
  static SendResult Smtp(int code) {
    SendResult r;
    r.channel = Transport::kEmail;
    r.smtp_code = code;
    r.response_snippet = code / 100 == 2 ? "250 2.0.0 Ok: queued" : "451 4.3.0 try again";
    r.duration = absl::Milliseconds(30);
    return r;
  }

  // The next `times` answers (to any sink without its own script).
  void Answer(const SendResult& result, int times = 1) {
    std::lock_guard lock(mu_);
    for (int i = 0; i < times; ++i) script_.push_back(result);
  }
  // The next `times` answers to `sink` (a URL as sent, or an e-mail address).
  void AnswerFor(std::string sink, const SendResult& result, int times = 1) {
    std::lock_guard lock(mu_);
    for (int i = 0; i < times; ++i) by_sink_[sink].push_back(result);
  }
  // The answer once the scripts are spent.
  void AnswerByDefault(const SendResult& result) {
    std::lock_guard lock(mu_);
    default_ = result;
  }
  void OnSend(Hook hook) {
    std::lock_guard lock(mu_);
    hook_ = std::move(hook);
  }

  absl::StatusOr<SendResult> Send(const OutgoingMessage& message) override {
    if (message.channel != transport_) {
      return absl::InvalidArgumentError("message.channel: not this sender's transport");
    }
    if (message.idempotency_key.empty()) return absl::InvalidArgumentError("message.idempotency_key: required");
    Hook hook;
    int index = 0;
    {
      std::lock_guard lock(mu_);
      index = static_cast<int>(sent_.size());
      sent_.push_back({message, clock_.Now()});
      hook = hook_;
    }
    if (hook) hook(message, index);
    std::lock_guard lock(mu_);
    auto own = by_sink_.find(SinkOf(message));
    if (own != by_sink_.end() && !own->second.empty()) {
      SendResult r = own->second.front();
      own->second.pop_front();
      return r;
    }
    if (!script_.empty()) {
      SendResult r = script_.front();
      script_.pop_front();
      return r;
    }
    if (default_.has_value()) return *default_;
    return transport_ == Transport::kEmail ? Smtp(250) : Http(200);
  }

  // A webhook's URL, an e-mail's first recipient.
  static std::string SinkOf(const OutgoingMessage& m) {
    if (m.channel == Transport::kEmail) return m.recipients.empty() ? "" : m.recipients.front();
    return m.url;
  }

  std::vector<SentMessage> sent() const {
    std::lock_guard lock(mu_);
    return sent_;
  }
  std::vector<SentMessage> SentTo(std::string_view sink) const {
    std::vector<SentMessage> out;
    for (SentMessage& s : sent()) {
      if (SinkOf(s.message) == sink) out.push_back(std::move(s));
    }
    return out;
  }
  // Messages by sink.
  std::map<std::string, int> CountBySink() const {
    std::map<std::string, int> out;
    for (const SentMessage& s : sent()) ++out[SinkOf(s.message)];
    return out;
  }

 private:
  const Transport transport_;
  const Clock& clock_;
  mutable std::mutex mu_;
  std::vector<SentMessage> sent_;
  std::deque<SendResult> script_;
  std::map<std::string, std::deque<SendResult>> by_sink_;
  std::optional<SendResult> default_;
  Hook hook_;
};

}  // namespace ys::notify::testing
