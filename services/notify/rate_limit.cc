#include "services/notify/rate_limit.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "common/status/macros.h"
#include "common/time/clock.h"

namespace ys::notify {
namespace {

// Local policy: a storm guard per group robot, see DefaultRateLimitPolicy in the header.
constexpr int kRobotDailyCap = 500;

absl::Status CheckLimits(const SinkLimits& limits, absl::string_view what) {
  for (size_t i = 0; i < limits.windows.size(); ++i) {
    const WindowLimit& w = limits.windows[i];
    if (w.max_sends <= 0) {
      return absl::InvalidArgumentError(
          absl::StrFormat("rate limits: %s: windows[%d].max_sends must be positive", what, i));
    }
    if (w.window <= absl::ZeroDuration() || w.window == absl::InfiniteDuration()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "rate limits: %s: windows[%d].window must be a positive finite duration", what, i));
    }
  }
  if (limits.daily_cap < 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("rate limits: %s: daily_cap must not be negative (0: no cap)", what));
  }
  return absl::OkStatus();
}

size_t MaxSends(const SinkLimits& limits) {
  int n = 0;
  for (const WindowLimit& w : limits.windows) n = std::max(n, w.max_sends);
  return static_cast<size_t>(n);
}

absl::Duration LongestWindow(const SinkLimits& limits) {
  absl::Duration d = absl::ZeroDuration();
  for (const WindowLimit& w : limits.windows) d = std::max(d, w.window);
  return d;
}

// Keeps the newest `n` send times, ascending.
void KeepNewest(std::vector<absl::Time>& sends, size_t n) {
  if (sends.size() > n) sends.erase(sends.begin(), sends.end() - static_cast<ptrdiff_t>(n));
}

}  // namespace

absl::Status ValidateRateLimitPolicy(const RateLimitPolicy& policy) {
  for (const auto& [channel, limits] : policy.by_channel) {
    RETURN_IF_ERROR(CheckLimits(limits, absl::StrFormat("channel %s", channel)));
  }
  for (const auto& [key, limits] : policy.by_sink) {
    RETURN_IF_ERROR(CheckLimits(limits, absl::StrFormat("sink %s/%s", key.channel, key.sink)));
  }
  return absl::OkStatus();
}

RateLimitPolicy DefaultRateLimitPolicy() {
  RateLimitPolicy p;
  // 企业微信群机器人: 每个机器人发送的消息不能超过 20 条/分钟.
  p.by_channel["wecom"] = SinkLimits{{{20, absl::Minutes(1)}}, kRobotDailyCap};
  // 钉钉自定义机器人: 每个机器人每分钟最多发送 20 条, 超过后限流 10 分钟.
  p.by_channel["dingtalk"] = SinkLimits{{{20, absl::Minutes(1)}}, kRobotDailyCap};
  // 飞书自定义机器人: 单租户单机器人 100 次/分钟, 5 次/秒.
  p.by_channel["feishu"] =
      SinkLimits{{{100, absl::Minutes(1)}, {5, absl::Seconds(1)}}, kRobotDailyCap};
  return p;
}

absl::StatusOr<RateLimiter> RateLimiter::Create(RateLimitPolicy policy, RateLimiterState state) {
  RETURN_IF_ERROR(ValidateRateLimitPolicy(policy));
  RateLimiter limiter(std::move(policy), std::move(state));
  for (auto& [key, sink] : limiter.state_.sinks) {
    std::sort(sink.recent_sends.begin(), sink.recent_sends.end());
    const SinkLimits* limits = limiter.LimitsFor(key);
    KeepNewest(sink.recent_sends, limits == nullptr ? 0 : MaxSends(*limits));
  }
  return limiter;
}

const SinkLimits* RateLimiter::LimitsFor(const RateLimitKey& key) const {
  if (auto it = policy_.by_sink.find(key); it != policy_.by_sink.end()) return &it->second;
  if (auto it = policy_.by_channel.find(key.channel); it != policy_.by_channel.end()) {
    return &it->second;
  }
  return nullptr;
}

Admission RateLimiter::Acquire(const RateLimitKey& key, absl::Time now) {
  const SinkLimits* limits = LimitsFor(key);
  if (limits == nullptr || (limits->windows.empty() && limits->daily_cap == 0)) {
    return Admission{Admission::Kind::kGranted, absl::InfinitePast()};
  }
  const absl::TimeZone& tz = Shanghai();
  SinkState& sink = state_.sinks[key];
  const absl::CivilDay today = absl::ToCivilDay(now, tz);
  // A new local day resets the count. A clock behind the saved day (another replica's skew) keeps
  // counting against the saved day: never more than the cap.
  if (today > sink.day) {
    sink.day = today;
    sink.sent_on_day = 0;
  }
  if (limits->daily_cap > 0 && sink.sent_on_day >= limits->daily_cap) {
    return Admission{Admission::Kind::kCapped, absl::FromCivil(sink.day + 1, tz)};
  }

  // Each window: the max_sends-th most recent send leaves it `window` after it was made.
  absl::Time until = absl::InfinitePast();
  const std::vector<absl::Time>& sends = sink.recent_sends;
  for (const WindowLimit& w : limits->windows) {
    const size_t n = static_cast<size_t>(w.max_sends);
    if (sends.size() < n) continue;
    until = std::max(until, sends[sends.size() - n] + w.window);
  }
  if (until > now) return Admission{Admission::Kind::kWait, until};

  std::vector<absl::Time>& times = sink.recent_sends;
  times.insert(std::upper_bound(times.begin(), times.end(), now), now);
  KeepNewest(sink.recent_sends, MaxSends(*limits));
  ++sink.sent_on_day;
  return Admission{Admission::Kind::kGranted, absl::InfinitePast()};
}

void RateLimiter::Prune(absl::Time now) {
  const absl::CivilDay today = absl::ToCivilDay(now, Shanghai());
  for (auto it = state_.sinks.begin(); it != state_.sinks.end();) {
    const SinkLimits* limits = LimitsFor(it->first);
    SinkState& sink = it->second;
    if (limits != nullptr) {
      const absl::Duration longest = LongestWindow(*limits);
      std::erase_if(sink.recent_sends, [&](absl::Time t) { return t + longest <= now; });
    }
    const bool counts_today = sink.day >= today && sink.sent_on_day > 0;
    if (limits == nullptr || (sink.recent_sends.empty() && !counts_today)) {
      it = state_.sinks.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace ys::notify
