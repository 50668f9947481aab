#include "services/notify/retry.h"

#include <curl/curl.h>

#include <vector>

#include "absl/time/civil_time.h"
#include "gtest/gtest.h"

namespace ys::notify {
namespace {

const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2022, 10, 17, 2, 0, 0), absl::UTCTimeZone());

constexpr OutcomeClass kDelivered = OutcomeClass::kDelivered;
constexpr OutcomeClass kTransient = OutcomeClass::kTransient;
constexpr OutcomeClass kThrottled = OutcomeClass::kThrottled;
constexpr OutcomeClass kPermanent = OutcomeClass::kPermanent;

TEST(Classify, HttpStatus) {
  for (int c : {200, 201, 202, 204}) EXPECT_EQ(Classify(HttpStatus{c}), kDelivered) << c;
  for (int c : {408, 500, 502, 503, 504}) EXPECT_EQ(Classify(HttpStatus{c}), kTransient) << c;
  EXPECT_EQ(Classify(HttpStatus{429}), kThrottled);
  for (int c : {400, 401, 403, 404, 405, 410, 413, 422}) {
    EXPECT_EQ(Classify(HttpStatus{c}), kPermanent) << c;
  }
  EXPECT_EQ(Classify(HttpStatus{301}), kPermanent);  // redirects are not followed
  EXPECT_EQ(Classify(HttpStatus{0}), kTransient);    // no status line at all
}

TEST(Classify, CurlError) {
  EXPECT_EQ(Classify(CurlError{CURLE_OK}), kDelivered);
  for (CURLcode c : {CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT,
                     CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING,
                     CURLE_SSL_CONNECT_ERROR}) {
    EXPECT_EQ(Classify(CurlError{c}), kTransient) << c;
  }
  for (CURLcode c : {CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL,
                     CURLE_PEER_FAILED_VERIFICATION, CURLE_LOGIN_DENIED, CURLE_USE_SSL_FAILED,
                     CURLE_TOO_MANY_REDIRECTS}) {
    EXPECT_EQ(Classify(CurlError{c}), kPermanent) << c;
  }
}

TEST(Classify, SmtpReply) {
  EXPECT_EQ(Classify(SmtpReply{250}), kDelivered);
  for (int c : {421, 450, 451, 452}) EXPECT_EQ(Classify(SmtpReply{c}), kTransient) << c;
  for (int c : {535, 550, 552, 553, 554}) EXPECT_EQ(Classify(SmtpReply{c}), kPermanent) << c;
  EXPECT_EQ(Classify(SmtpReply{354}), kTransient);  // not a final reply
}

TEST(Classify, WholeAttemptsPreferTheReply) {
  EXPECT_EQ(ClassifyHttpAttempt(CurlError{CURLE_OPERATION_TIMEDOUT}, HttpStatus{0}), kTransient);
  EXPECT_EQ(ClassifyHttpAttempt(CurlError{CURLE_URL_MALFORMAT}, HttpStatus{0}), kPermanent);
  EXPECT_EQ(ClassifyHttpAttempt(CurlError{CURLE_OK}, HttpStatus{404}), kPermanent);
  EXPECT_EQ(ClassifyHttpAttempt(CurlError{CURLE_OK}, HttpStatus{200}), kDelivered);
  EXPECT_EQ(ClassifyHttpAttempt(CurlError{CURLE_OK}, HttpStatus{0}), kTransient);
  // libcurl reports a refused recipient as a transfer error; the 550 says it is permanent.
  EXPECT_EQ(ClassifySmtpAttempt(CurlError{CURLE_SEND_ERROR}, SmtpReply{550}), kPermanent);
  EXPECT_EQ(ClassifySmtpAttempt(CurlError{CURLE_RECV_ERROR}, SmtpReply{451}), kTransient);
  EXPECT_EQ(ClassifySmtpAttempt(CurlError{CURLE_COULDNT_CONNECT}, SmtpReply{0}), kTransient);
  EXPECT_EQ(ClassifySmtpAttempt(CurlError{CURLE_LOGIN_DENIED}, SmtpReply{0}), kPermanent);
  EXPECT_EQ(ClassifySmtpAttempt(CurlError{CURLE_OK}, SmtpReply{250}), kDelivered);
  EXPECT_EQ(ClassifySmtpAttempt(CurlError{CURLE_OK}, SmtpReply{0}), kDelivered);
}

// The issue: "retried with growing gaps". The upper bounds double from base to the cap.
TEST(Backoff, CeilingsDoubleUpToTheCap) {
  const RetryPolicy p;
  std::vector<int64_t> seconds;
  for (int attempt = 1; attempt <= 11; ++attempt) {
    seconds.push_back(absl::ToInt64Seconds(BackoffCeiling(p, attempt)));
  }
  EXPECT_EQ(seconds, (std::vector<int64_t>{2, 4, 8, 16, 32, 64, 128, 256, 512, 600, 600}));
  EXPECT_EQ(BackoffCeiling(p, 1000), absl::Minutes(10));  // no overflow
}

TEST(Backoff, FixedRandomValueGivesGrowingGaps) {
  const RetryPolicy p;
  absl::Duration previous = absl::ZeroDuration();
  for (int attempt = 1; attempt < p.max_attempts; ++attempt) {
    const absl::Duration gap = Backoff(p, attempt, 0.75);
    EXPECT_EQ(gap, BackoffCeiling(p, attempt) * 0.75) << attempt;
    EXPECT_GT(gap, previous) << attempt;
    previous = gap;
  }
}

TEST(Backoff, FullJitterNeverBelowTheFloor) {
  const RetryPolicy p;
  EXPECT_EQ(Backoff(p, 1, 0.0), absl::Seconds(1));
  EXPECT_EQ(Backoff(p, 1, 0.25), absl::Seconds(1));  // 0.5 s would be below the floor
  EXPECT_EQ(Backoff(p, 6, 0.0), absl::Seconds(1));
  EXPECT_EQ(Backoff(p, 6, 0.5), absl::Seconds(32));
  EXPECT_EQ(Backoff(p, 20, 0.5), absl::Minutes(5));
  EXPECT_EQ(Backoff(p, 3, 7.0), absl::Seconds(8));  // clamped into [0, 1]
  EXPECT_EQ(Backoff(p, 3, -1.0), absl::Seconds(1));
}

// A sink that keeps failing: seven retries on the channel at growing gaps, then failover.
TEST(Next, RetriesWithGrowingGapsThenFailsOver) {
  const RetryPolicy p;
  absl::Time now = kNow;
  std::vector<absl::Duration> gaps;
  for (int attempt = 1; attempt <= p.max_attempts; ++attempt) {
    const RetryDecision d = Next(p, attempt, kTransient, now, 0.75, std::nullopt, true);
    if (attempt < p.max_attempts) {
      ASSERT_EQ(d.action, RetryDecision::Action::kRetry) << attempt;
      gaps.push_back(d.retry_at - now);
      now = d.retry_at;
    } else {
      EXPECT_EQ(d.action, RetryDecision::Action::kFailover);
      EXPECT_EQ(d.reason, "第 8 次尝试失败（临时错误），已达本渠道上限 8 次，转下一渠道");
    }
  }
  ASSERT_EQ(gaps.size(), 7u);
  EXPECT_EQ(gaps.front(), absl::Milliseconds(1500));  // 0.75 × 2 s
  EXPECT_EQ(gaps.back(), absl::Seconds(96));         // 0.75 × 128 s
  for (size_t i = 1; i < gaps.size(); ++i) EXPECT_EQ(gaps[i], 2 * gaps[i - 1]) << i;
}

TEST(Next, ReasonNamesTheAttemptAndGap) {
  const RetryDecision d = Next({}, 3, OutcomeClass::kTransient, kNow, 0.5, std::nullopt, true);
  EXPECT_EQ(d.action, RetryDecision::Action::kRetry);
  EXPECT_EQ(d.retry_at, kNow + absl::Seconds(4));
  EXPECT_EQ(d.reason, "第 3 次尝试失败（临时错误），4 秒后重试");
}

TEST(Next, LastChannelExhaustedIsADeadLetter) {
  const RetryDecision d = Next({}, 8, OutcomeClass::kTransient, kNow, 0.5, std::nullopt, false);
  EXPECT_EQ(d.action, RetryDecision::Action::kDeadLetter);
  EXPECT_EQ(d.reason, "第 8 次尝试失败（临时错误），已达本渠道上限 8 次，无其他渠道，转入死信");
}

TEST(Next, PermanentErrorFailsOverAtOnce) {
  RetryDecision d = Next({}, 1, OutcomeClass::kPermanent, kNow, 0.5, std::nullopt, true);
  EXPECT_EQ(d.action, RetryDecision::Action::kFailover);
  EXPECT_EQ(d.reason, "第 1 次尝试失败（永久错误），重试无益，转下一渠道");
  d = Next({}, 1, OutcomeClass::kPermanent, kNow, 0.5, std::nullopt, false);
  EXPECT_EQ(d.action, RetryDecision::Action::kDeadLetter);
}

TEST(Next, DeliveredIsDone) {
  EXPECT_EQ(Next({}, 2, OutcomeClass::kDelivered, kNow, 0.5, std::nullopt, true).action,
            RetryDecision::Action::kDone);
}

TEST(Next, RetryAfterOverridesWhenLater) {
  // Backoff would give 1 s (attempt 1); the sink asks for 30 s.
  RetryDecision d =
      Next({}, 1, OutcomeClass::kThrottled, kNow, 0.5, kNow + absl::Seconds(30), true);
  EXPECT_EQ(d.action, RetryDecision::Action::kRetry);
  EXPECT_EQ(d.retry_at, kNow + absl::Seconds(30));
  EXPECT_EQ(d.reason, "第 1 次尝试失败（被限流），按接收方 Retry-After 30 秒后重试");
  // Earlier than the backoff: the backoff stands.
  d = Next({}, 5, OutcomeClass::kTransient, kNow, 0.5, kNow + absl::Seconds(2), true);
  EXPECT_EQ(d.retry_at, kNow + absl::Seconds(16));
  // Longer than the cap: another channel is better than a stale message…
  d = Next({}, 1, OutcomeClass::kThrottled, kNow, 0.5, kNow + absl::Hours(1), true);
  EXPECT_EQ(d.action, RetryDecision::Action::kFailover);
  EXPECT_EQ(d.reason,
            "第 1 次尝试失败（被限流），接收方要求 1 小时 0 分后重试，超过上限 10 分 0 秒，转下一渠道");
  // …but with no other channel, waiting is.
  d = Next({}, 1, OutcomeClass::kThrottled, kNow, 0.5, kNow + absl::Hours(1), false);
  EXPECT_EQ(d.action, RetryDecision::Action::kRetry);
  EXPECT_EQ(d.retry_at, kNow + absl::Hours(1));
}

TEST(ParseRetryAfter, SecondsAndHttpDates) {
  EXPECT_EQ(ParseRetryAfter("120", kNow), kNow + absl::Seconds(120));
  EXPECT_EQ(ParseRetryAfter(" 5 ", kNow), kNow + absl::Seconds(5));
  EXPECT_EQ(ParseRetryAfter("0", kNow), kNow);
  EXPECT_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", kNow),
            absl::FromCivil(absl::CivilSecond(1994, 11, 6, 8, 49, 37), absl::UTCTimeZone()));
  EXPECT_EQ(ParseRetryAfter("Mon, 17 Oct 2022 02:01:00 GMT", kNow), kNow + absl::Minutes(1));
  EXPECT_EQ(ParseRetryAfter("", kNow), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("-5", kNow), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("1.5", kNow), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("soon", kNow), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("99999999999999999999", kNow), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("2022-10-17T02:01:00Z", kNow), std::nullopt);
}

TEST(RetryPolicy, DefaultsAreValidAndBadOnesNamed) {
  EXPECT_TRUE(ValidateRetryPolicy({}).ok());
  RetryPolicy p;
  p.max_attempts = 0;
  EXPECT_NE(ValidateRetryPolicy(p).message().find("max_attempts"), absl::string_view::npos);
  p = RetryPolicy{};
  p.floor = absl::Hours(1);
  EXPECT_NE(ValidateRetryPolicy(p).message().find("floor"), absl::string_view::npos);
  p = RetryPolicy{};
  p.base = absl::ZeroDuration();
  EXPECT_NE(ValidateRetryPolicy(p).message().find("base"), absl::string_view::npos);
  p = RetryPolicy{};
  p.cap = absl::Seconds(1);
  EXPECT_NE(ValidateRetryPolicy(p).message().find("cap"), absl::string_view::npos);
}

}  // namespace
}  // namespace ys::notify
