#pragma once

// What to do after one delivery attempt: done, try the same channel again later, fail over to the
// recipient's next channel, or give up (dead letter).
//
// Classification (Classify): what an attempt came back with.
// - HTTP (webhooks, group robots): 2xx delivered; 408 and 5xx transient; 429 throttled; any other
//   4xx permanent — the request itself is wrong (bad signature, unknown robot key, payload refused)
//   and sending it again cannot help; 1xx/3xx permanent too (a robot URL that redirects is
//   misconfigured: redirects are not followed).
// - libcurl errors (no answer at all): network trouble — cannot connect or resolve, timeouts, reset
//   connections, TLS handshakes — transient; a malformed URL, an unsupported protocol, a
//   certificate that does not verify, a login the server refuses: permanent (configuration, which
//   no retry repairs). A code not listed is transient: retries are bounded, then we fail over.
// - SMTP final replies (RFC 5321 §4.2.1): 2yz delivered, 4yz transient (e.g. 421, 451, 452), 5yz
//   permanent (550 no such mailbox, 554, 535 authentication). Anything else is not a final reply:
//   transient.
// A group robot's 200 with an error in its JSON body (WeCom errcode 45009 "api freq out of limit")
// is read by robot_replies.h, which maps it to HTTP terms (429, 400) before classifying.
//
// Backoff (Next): "full jitter" from the AWS Architecture Blog's "Exponential Backoff And Jitter":
//   ceiling(n) = min(cap, base · 2^(n-1)) for the n-th failed attempt (the first gap is ≤ base),
//   gap      = max(floor, rng · ceiling(n)),   rng uniform in [0, 1).
// Full jitter spreads the retries of many deliveries that failed together (a sink that came back
// up) instead of synchronising them; the floor keeps a sink that has just failed from being hit
// again within the same second. A Retry-After from a 429/503 answer wins when it is later.
// Improvements on the anchors: Alertmanager retries a notifier with backoff but only until the
// next group_interval, with no failover and no record; Novu and GOV.UK Notify retry a provider but
// a recipient has no ordered list of channels. Here, after max_attempts on a channel or at once on
// a permanent error, the delivery moves to the recipient's next channel (attempts count afresh
// there), and only when no channel is left does it become a dead letter — every step with a
// reason in Chinese for the delivery history.
// Local policy: a Retry-After longer than the cap, when another channel exists, fails over
// instead of waiting (the message would be stale); with no other channel it is honoured.

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ys::notify {

struct RetryPolicy {
  absl::Duration base = absl::Seconds(2);
  absl::Duration cap = absl::Minutes(10);
  int max_attempts = 8;  // per channel
  absl::Duration floor = absl::Seconds(1);
};

// INVALID_ARGUMENT naming the field: base, cap or floor not positive, floor > cap, base > cap,
// max_attempts < 1.
absl::Status ValidateRetryPolicy(const RetryPolicy& policy);

enum class OutcomeClass {
  kDelivered,  // the sink acknowledged
  kTransient,  // may succeed later: retry this channel
  kThrottled,  // the sink asks us to slow down (429): retry, honouring Retry-After
  kPermanent,  // will not succeed on this channel: fail over now
};
absl::string_view OutcomeClassName(OutcomeClass outcome);  // "delivered", "transient", …

// What an attempt came back with; the wrappers keep the three number spaces apart at call sites:
// Classify(HttpStatus{429}), Classify(CurlError{CURLE_COULDNT_CONNECT}), Classify(SmtpReply{550}).
struct HttpStatus {
  int code = 0;
};
struct CurlError {
  int code = 0;  // a CURLcode; 0 (CURLE_OK) means the transfer completed: classify its reply
};
struct SmtpReply {
  int code = 0;
};
OutcomeClass Classify(HttpStatus status);
OutcomeClass Classify(CurlError error);  // CURLE_OK is kDelivered (nothing went wrong in transport)
OutcomeClass Classify(SmtpReply reply);
// One libcurl transfer: its result code and the last reply code (CURLINFO_RESPONSE_CODE, 0 when
// none came). A reply, when there is one, says more than the transport error libcurl reports for
// it (a refused RCPT surfaces as a generic error), so the reply decides; otherwise the curl code.
OutcomeClass ClassifyHttpAttempt(CurlError error, HttpStatus status);
OutcomeClass ClassifySmtpAttempt(CurlError error, SmtpReply reply);

// A Retry-After header (RFC 9110 §10.2.3): delay-seconds or an IMF-fixdate
// ("Sun, 06 Nov 1994 08:49:37 GMT"); nullopt for anything else (ignored, as the RFC allows).
std::optional<absl::Time> ParseRetryAfter(absl::string_view header, absl::Time now);

// min(cap, base · 2^(attempt-1)): the upper bound of the gap after the attempt-th failure.
absl::Duration BackoffCeiling(const RetryPolicy& policy, int attempt);
// max(floor, rng_value · BackoffCeiling(policy, attempt)); rng_value is clamped into [0, 1].
absl::Duration Backoff(const RetryPolicy& policy, int attempt, double rng_value);

struct RetryDecision {
  enum class Action {
    kDone,        // delivered: nothing more to do
    kRetry,       // the same channel again at retry_at
    kFailover,    // the recipient's next channel, now
    kDeadLetter,  // no channel left
  };
  Action action = Action::kDone;
  absl::Time retry_at = absl::InfinitePast();  // kRetry only
  std::string reason;                          // Chinese, for the delivery history
};

// After attempt number `attempt` (1 for the first on this channel) finished at `now` with
// `outcome`. `rng_value` is a uniform random number in [0, 1) (passed in so tests are exact);
// `retry_after` the moment a 429/503 answer named; `has_next_channel` whether the recipient has a
// channel after this one. The policy must be valid (ValidateRetryPolicy at configuration load).
RetryDecision Next(const RetryPolicy& policy, int attempt, OutcomeClass outcome, absl::Time now,
                   double rng_value, std::optional<absl::Time> retry_after, bool has_next_channel);

}  // namespace ys::notify
