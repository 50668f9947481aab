#pragma once

// How fast notify may send to one sink: per (channel, sink) limits, and a daily cap per sink.
//
// What it decides (RateLimiter::Acquire): may a message go to this sink now — granted (and
// counted), or not before `until` (wait), or not today (capped: the daily cap is reached; it resets
// at the next Asia/Shanghai midnight, and the dispatcher fails over to the recipient's next channel
// rather than hold a message half a day).
//
// Why windows, not a continuously refilled token bucket. The sinks state their limits as counts in
// a window: a WeCom group robot takes 20 messages a minute, a DingTalk robot 20 a minute (and
// throttles a robot that exceeds it for 10 minutes), a Feishu custom bot 100 a minute AND 5 a
// second ("请求速率达到任意上限都会触发限流"). A classic bucket of burst 20 refilled at 20/min
// lets 20 go at once and then one every 3 s — 39 within the first 60 s, which the robot refuses.
// So each limit here is a bucket of `max_sends` tokens in which every token comes back exactly
// `window` after it was spent: burst = max_sends, long-run rate = max_sends / window, and no window
// of that length ever holds more than max_sends sends. A sink may have several limits (Feishu's
// two); a message waits for the latest of them. The state is the last max_sends send times — at
// most 100 for the robots above: small, and what a restart must not lose.
//
// Compared with the anchors: GOV.UK Notify limits each API key (3,000 messages a minute) and each
// service to a daily number, answering 429 beyond — limits it enforces as the receiving side;
// Alertmanager has no outgoing limit at all — a storm of alerts is a storm of webhook calls. Here
// the sender holds back before the sink refuses, per sink, and the wait is a known time the
// dispatcher can schedule (and show in the history).
//
// Pure: `now` is passed in; RateLimiterState is plain data, saved and restored by the caller (the
// service keeps it in PostgreSQL so a restart does not reset the limits).

#include <compare>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace ys::notify {

// One sink of one channel: the dispatcher names it by the channel's target — the robot's URL as
// configured (recipients.h refuses secrets in it: the key and signature are added per attempt),
// the e-mail address — so two recipients sharing one robot share its limit. Never name a sink by a
// secret: keys appear in configuration errors and in the saved state.
struct RateLimitKey {
  std::string channel;
  std::string sink;
  auto operator<=>(const RateLimitKey&) const = default;
};

// At most `max_sends` sends in any `window` (a half-open interval of that length).
struct WindowLimit {
  int max_sends = 0;
  absl::Duration window;
};

struct SinkLimits {
  std::vector<WindowLimit> windows;
  int daily_cap = 0;  // sends per Asia/Shanghai calendar day; 0: no cap
};

// Limits by channel, and overrides for particular sinks. A key with neither is not limited.
struct RateLimitPolicy {
  std::map<std::string, SinkLimits, std::less<>> by_channel;
  std::map<RateLimitKey, SinkLimits> by_sink;
};

// INVALID_ARGUMENT naming the channel or sink: a window or max_sends not positive, a negative cap.
absl::Status ValidateRateLimitPolicy(const RateLimitPolicy& policy);

// The sinks' documented limits — channel "wecom" 20/min, "dingtalk" 20/min, "feishu" 100/min and
// 5/s — and a daily cap of 500 per robot. The cap is local policy, a storm guard: a group that
// receives more than 500 messages in a day no longer reads them; the rest go to the next channel.
RateLimitPolicy DefaultRateLimitPolicy();

// What the limiter remembers of one sink.
struct SinkState {
  std::vector<absl::Time> recent_sends;  // ascending; at most the largest max_sends of the sink
  absl::CivilDay day;                    // the Asia/Shanghai day `sent_on_day` counts
  int sent_on_day = 0;
};

// Everything a restart must keep. Saved with RateLimiter::state(), restored with Create().
struct RateLimiterState {
  std::map<RateLimitKey, SinkState> sinks;
};

struct Admission {
  enum class Kind {
    kGranted,  // send now; the send is counted
    kWait,     // not before `until` (nothing counted)
    kCapped,   // the daily cap is reached: not before `until`, the next local midnight
  };
  Kind kind = Kind::kGranted;
  absl::Time until = absl::InfinitePast();  // kWait and kCapped

  bool granted() const { return kind == Kind::kGranted; }
};

class RateLimiter {
 public:
  // INVALID_ARGUMENT for a bad policy. A restored state is tidied to fit the policy: send times
  // sorted, only as many kept as the largest limit needs (a policy may have been lowered since).
  static absl::StatusOr<RateLimiter> Create(RateLimitPolicy policy, RateLimiterState state = {});

  // May a message go to `key` at `now`? A grant is counted at once: call it right before sending.
  // A send that then fails still counts — the sink may have received it.
  Admission Acquire(const RateLimitKey& key, absl::Time now);

  // Forgets sinks that no longer limit anything at `now` (no send within their windows, no count
  // for today), so the saved state stays small.
  void Prune(absl::Time now);

  const RateLimiterState& state() const { return state_; }
  const RateLimitPolicy& policy() const { return policy_; }

 private:
  RateLimiter(RateLimitPolicy policy, RateLimiterState state)
      : policy_(std::move(policy)), state_(std::move(state)) {}
  const SinkLimits* LimitsFor(const RateLimitKey& key) const;

  RateLimitPolicy policy_;
  RateLimiterState state_;
};

}  // namespace ys::notify
