#pragma once

// The signatures notify puts on what it sends to webhooks, so a receiver can tell the message is ours
// and fresh. Three schemes, one per kind of sink. Pure functions: the time is passed in, and a caller
// signs at each attempt (DingTalk and Feishu refuse a timestamp more than an hour old, so a retry
// after a long outage must sign again, never reuse the first attempt's signature).
//
// 1. Our generic webhook: the header
//      X-Yingshang-Signature: t=1665363600,v1=5257a869…
//    with v1 = hex(HMAC-SHA256(secret, "<t>.<body>")), the scheme of Stripe's Stripe-Signature.
//    Binding the timestamp into the MAC lets a receiver refuse replays older than its tolerance
//    (Alertmanager's webhook has no signature at all; GOV.UK Notify's callbacks carry a bearer token
//    that never changes). While a secret is rotated the header carries one v1 per secret, as Stripe
//    does, so receivers can switch at their own pace; a receiver accepts any v1 that verifies.
//    How a receiver checks (VerifyWebhookSignature does exactly this):
//      - split the header on ',' into key=value pairs; take t and every v1 (ignore other keys);
//      - refuse when |now − t| exceeds its tolerance (we suggest 5 minutes);
//      - compute hex(HMAC-SHA256(secret, t + "." + raw body bytes)) and compare in constant time.
// 2. DingTalk group robot, 安全设置 "加签": timestamp in milliseconds, sign =
//      urlencode(base64(HMAC-SHA256(key = secret, message = timestamp + "\n" + secret)))
//    appended to the robot's URL as &timestamp=…&sign=… (DingTalk refuses one more than an hour off).
// 3. Feishu / Lark custom bot, "签名校验": timestamp in seconds, sign =
//      base64(HMAC-SHA256(key = timestamp + "\n" + secret, message = ""))
//    — the key and message the other way round from DingTalk's — sent as "timestamp" and "sign" in
//    the JSON body (payloads.h FeishuCardBody), not in the URL.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace ys::notify {

// HMAC-SHA256(key, message): the 32 raw bytes.
std::string HmacSha256(std::string_view key, std::string_view message);

// RFC 3986 percent-encoding: every byte outside A–Z a–z 0–9 - . _ ~ becomes %XX (upper-case hex).
std::string PercentEncode(std::string_view bytes);

inline constexpr char kWebhookSignatureHeader[] = "X-Yingshang-Signature";
inline constexpr absl::Duration kWebhookSignatureTolerance = absl::Minutes(5);

// The X-Yingshang-Signature value for `body` sent at `at` (whole Unix seconds), one v1 per secret in
// the order given. INVALID_ARGUMENT when `secrets` is empty or holds an empty secret (an unsigned
// webhook must be the configuration's explicit choice, not an accident of a missing key).
absl::StatusOr<std::string> WebhookSignature(const std::vector<std::string>& secrets, absl::Time at,
                                             std::string_view body);

// A receiver's check of a header against the raw body. UNAUTHENTICATED, one line saying why: no t or
// no v1, a t more than `tolerance` from `now` either way, or no v1 matching any of `secrets`.
absl::Status VerifyWebhookSignature(std::string_view header, std::string_view body,
                                    const std::vector<std::string>& secrets, absl::Time now,
                                    absl::Duration tolerance = kWebhookSignatureTolerance);

struct DingTalkSignature {
  int64_t timestamp_ms = 0;
  std::string sign;  // base64, before URL encoding

  // "timestamp=<ms>&sign=<percent-encoded base64>".
  std::string Query() const;
};
DingTalkSignature SignDingTalk(std::string_view secret, absl::Time at);
// The robot's URL (https://oapi.dingtalk.com/robot/send?access_token=…) with the signature appended:
// '&' when the URL already has a query, '?' otherwise.
std::string SignDingTalkUrl(std::string_view webhook_url, std::string_view secret, absl::Time at);

struct FeishuSignature {
  int64_t timestamp_s = 0;
  std::string sign;  // base64
};
FeishuSignature SignFeishu(std::string_view secret, absl::Time at);

}  // namespace ys::notify
