#include "services/notify/retry.h"

#include <curl/curl.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"

namespace ys::notify {
namespace {

absl::string_view OutcomeTitle(OutcomeClass outcome) {
  switch (outcome) {
    case OutcomeClass::kDelivered:
      return "已送达";
    case OutcomeClass::kTransient:
      return "临时错误";
    case OutcomeClass::kThrottled:
      return "被限流";
    case OutcomeClass::kPermanent:
      return "永久错误";
  }
  return "";
}

// "1.5 秒", "2 分 8 秒", "1 小时 5 分" for the history.
std::string GapText(absl::Duration d) {
  if (d < absl::Minutes(1)) {
    const double s = absl::ToDoubleSeconds(d);
    return std::abs(s - std::round(s)) < 0.05 ? absl::StrFormat("%.0f 秒", s)
                                              : absl::StrFormat("%.1f 秒", s);
  }
  const int64_t seconds = absl::ToInt64Seconds(d);
  if (seconds < 3600) return absl::StrFormat("%d 分 %d 秒", seconds / 60, seconds % 60);
  return absl::StrFormat("%d 小时 %d 分", seconds / 3600, seconds % 3600 / 60);
}

RetryDecision GiveUpOnChannel(std::string why, bool has_next_channel) {
  if (has_next_channel) {
    return RetryDecision{RetryDecision::Action::kFailover, absl::InfinitePast(),
                         why + "，转下一渠道"};
  }
  return RetryDecision{RetryDecision::Action::kDeadLetter, absl::InfinitePast(),
                       why + "，无其他渠道，转入死信"};
}

}  // namespace

absl::Status ValidateRetryPolicy(const RetryPolicy& policy) {
  if (policy.base <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("retry policy: base must be positive");
  }
  if (policy.cap <= absl::ZeroDuration() || policy.cap < policy.base) {
    return absl::InvalidArgumentError("retry policy: cap must be positive and at least base");
  }
  if (policy.floor <= absl::ZeroDuration() || policy.floor > policy.cap) {
    return absl::InvalidArgumentError("retry policy: floor must be positive and at most cap");
  }
  if (policy.max_attempts < 1) {
    return absl::InvalidArgumentError("retry policy: max_attempts must be at least 1");
  }
  return absl::OkStatus();
}

absl::string_view OutcomeClassName(OutcomeClass outcome) {
  switch (outcome) {
    case OutcomeClass::kDelivered:
      return "delivered";
    case OutcomeClass::kTransient:
      return "transient";
    case OutcomeClass::kThrottled:
      return "throttled";
    case OutcomeClass::kPermanent:
      return "permanent";
  }
  return "";
}

OutcomeClass Classify(HttpStatus status) {
  const int c = status.code;
  if (c >= 200 && c < 300) return OutcomeClass::kDelivered;
  if (c == 429) return OutcomeClass::kThrottled;
  if (c == 408 || (c >= 500 && c < 600)) return OutcomeClass::kTransient;
  if (c >= 100 && c < 500) return OutcomeClass::kPermanent;  // 1xx, 3xx, 4xx
  return OutcomeClass::kTransient;  // not an HTTP status: no real answer came
}

OutcomeClass Classify(CurlError error) {
  switch (static_cast<CURLcode>(error.code)) {
    case CURLE_OK:
      return OutcomeClass::kDelivered;
    // Configuration: the URL, the protocol, the server's identity or our credentials.
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_NOT_BUILT_IN:
    case CURLE_REMOTE_ACCESS_DENIED:
    case CURLE_TOO_MANY_REDIRECTS:
    case CURLE_LOGIN_DENIED:
    case CURLE_USE_SSL_FAILED:  // the server does not offer the TLS (STARTTLS) we require
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_FILESIZE_EXCEEDED:  // the message is larger than the server accepts
      return OutcomeClass::kPermanent;
    // Network: CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT,
    // CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_SSL_CONNECT_ERROR, … and
    // anything not listed.
    default:
      return OutcomeClass::kTransient;
  }
}

OutcomeClass Classify(SmtpReply reply) {
  const int c = reply.code;
  if (c >= 200 && c < 300) return OutcomeClass::kDelivered;
  if (c >= 400 && c < 500) return OutcomeClass::kTransient;
  if (c >= 500 && c < 600) return OutcomeClass::kPermanent;
  return OutcomeClass::kTransient;  // not a final reply
}

OutcomeClass ClassifyHttpAttempt(CurlError error, HttpStatus status) {
  if (status.code != 0) return Classify(status);
  if (error.code == CURLE_OK) return OutcomeClass::kTransient;  // completed without a status line
  return Classify(error);
}

OutcomeClass ClassifySmtpAttempt(CurlError error, SmtpReply reply) {
  if (reply.code >= 400) return Classify(reply);
  if (error.code != CURLE_OK) return Classify(error);
  return reply.code == 0 ? OutcomeClass::kDelivered : Classify(reply);
}

std::optional<absl::Time> ParseRetryAfter(absl::string_view header, absl::Time now) {
  header = absl::StripAsciiWhitespace(header);
  if (header.empty()) return std::nullopt;
  if (std::all_of(header.begin(), header.end(), absl::ascii_isdigit)) {
    int64_t seconds = 0;
    // More digits than int64 holds is not a delay anyone means.
    if (header.size() > 12 || !absl::SimpleAtoi(header, &seconds)) return std::nullopt;
    return now + absl::Seconds(seconds);
  }
  absl::Time at;
  std::string error;
  if (!absl::ParseTime("%a, %d %b %Y %H:%M:%S GMT", header, absl::UTCTimeZone(), &at, &error)) {
    return std::nullopt;
  }
  return at;
}

absl::Duration BackoffCeiling(const RetryPolicy& policy, int attempt) {
  absl::Duration ceiling = policy.base;
  for (int i = 1; i < attempt && ceiling < policy.cap; ++i) ceiling *= 2;
  return std::min(ceiling, policy.cap);
}

absl::Duration Backoff(const RetryPolicy& policy, int attempt, double rng_value) {
  if (!(rng_value >= 0.0)) rng_value = 0.0;  // also NaN
  rng_value = std::min(rng_value, 1.0);
  return std::max(policy.floor, BackoffCeiling(policy, attempt) * rng_value);
}

RetryDecision Next(const RetryPolicy& policy, int attempt, OutcomeClass outcome, absl::Time now,
                   double rng_value, std::optional<absl::Time> retry_after, bool has_next_channel) {
  attempt = std::max(attempt, 1);
  if (outcome == OutcomeClass::kDelivered) {
    return RetryDecision{RetryDecision::Action::kDone, absl::InfinitePast(),
                         absl::StrFormat("第 %d 次尝试已送达", attempt)};
  }
  const std::string failed =
      absl::StrFormat("第 %d 次尝试失败（%s）", attempt, OutcomeTitle(outcome));
  if (outcome == OutcomeClass::kPermanent) {
    return GiveUpOnChannel(failed + "，重试无益", has_next_channel);
  }
  if (attempt >= policy.max_attempts) {
    return GiveUpOnChannel(
        absl::StrFormat("%s，已达本渠道上限 %d 次", failed, policy.max_attempts),
        has_next_channel);
  }
  const absl::Duration gap = Backoff(policy, attempt, rng_value);
  if (retry_after.has_value() && *retry_after > now + gap) {
    const absl::Duration asked = *retry_after - now;
    if (asked > policy.cap && has_next_channel) {
      return GiveUpOnChannel(absl::StrFormat("%s，接收方要求 %s后重试，超过上限 %s", failed,
                                             GapText(asked), GapText(policy.cap)),
                             true);
    }
    return RetryDecision{RetryDecision::Action::kRetry, *retry_after,
                         absl::StrFormat("%s，按接收方 Retry-After %s后重试", failed, GapText(asked))};
  }
  return RetryDecision{RetryDecision::Action::kRetry, now + gap,
                       absl::StrFormat("%s，%s后重试", failed, GapText(gap))};
}

}  // namespace ys::notify
