#pragma once

// The two transports notify delivers over, behind one interface: an HTTP POST to a webhook (our
// generic one and the WeCom / DingTalk / Feishu group robots, payloads.h) and an SMTP submission
// (mail.h's bytes). One Send is one attempt: it never retries, never sleeps and never decides; it
// reports what came back in the terms retry.h's Classify reads, and the dispatcher decides (Next).
//
// What it decides:
// - An attempt that reached the wire is a SendResult, whatever happened there (a 500, a refused
//   connection, a timeout): those are outcomes for the delivery history, not errors of the call. A
//   Status error means nothing was sent: the message is malformed (INVALID_ARGUMENT naming the
//   field), its deadline has passed (DEADLINE_EXCEEDED), or libcurl could not be set up (INTERNAL).
//   Nothing throws.
// - Every request carries `Idempotency-Key` (the IETF httpapi draft's header, which Stripe and Novu
//   use), and a message without a key is refused: the key per (notification, receiver, channel) is
//   how a sink that acknowledged never gets the same notification twice from replicas or restarts.
//   E-mail carries it as the Message-ID (mail.h), so an SMTP message needs one too.
// - Timeouts: connect and total from the options, the total shortened to the message's deadline.
//   A stalled sink costs at most the total, never a dispatcher thread for ever.
// - HTTP: POST only; redirects are not followed (a robot URL that redirects is misconfigured, and
//   following it would send the signed body somewhere else: retry.h classifies 3xx as permanent);
//   only http:// and https:// (no file://, no gopher:// from a URL in configuration); TLS peer and
//   host verification always on, with an optional CA file for a private CA — there is no switch to
//   turn it off; no "Expect: 100-continue" (a round trip saved, and some sinks never answer it).
//   Retry-After (delay-seconds or a date) is read with retry.h's ParseRetryAfter against the
//   injected clock.
// - SMTP: MAIL FROM from the options (the envelope sender, where bounces go), RCPT TO per message,
//   the message bytes uploaded as they are (mail.h; libcurl dot-stuffs). STARTTLS is required by
//   default on smtp:// (smtps:// is TLS from the start); a relay that does not offer it fails with
//   CURLE_USE_SSL_FAILED, permanent. One refused recipient fails the whole transfer and nothing is
//   sent to the others (libcurl's default, kept): a partial delivery would make the retry send the
//   accepted ones a second copy.
// - The response snippet for the history: HTTP's first 512 bytes of the body; SMTP's reply that
//   carried smtp_code ("550 5.1.1 <x@y>: no such user" — not the "221 Bye" of the QUIT libcurl sends
//   after it). Cut on a character boundary, invalid UTF-8 and NUL bytes replaced by U+FFFD: a
//   history row is PostgreSQL text, which refuses both. The rest of a long body is read and
//   discarded, so the connection stays reusable.
// - libcurl easy handles are pooled per sender (a few idle ones, curl_easy_reset between uses), so
//   connections, DNS answers and TLS sessions survive from one delivery to the next; curl's global
//   initialisation runs once per process (std::call_once), before the first handle.
// Improvement on Alertmanager, whose webhook notifier sends no idempotency key and keeps no reply
// for the operator: every attempt here comes back with its code and the sink's words, for the
// delivery history (issue #14 point 5).

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/time/clock.h"
#include "services/notify/retry.h"

namespace ys::notify {

enum class Transport {
  kWebhook,  // an HTTP POST: the generic webhook and the group robots
  kEmail,    // an SMTP submission
};
absl::string_view TransportName(Transport kind);  // "webhook", "email"

inline constexpr char kIdempotencyKeyHeader[] = "Idempotency-Key";
inline constexpr size_t kResponseSnippetMaxBytes = 512;

// One attempt's worth of what to send.
struct OutgoingMessage {
  Transport channel = Transport::kWebhook;
  std::string url;                       // webhook: the http(s) URL (a DingTalk one already signed)
  std::vector<std::string> recipients;   // email: the RCPT TO addresses, local@domain
  std::vector<std::pair<std::string, std::string>> headers;  // webhook: e.g. X-Yingshang-Signature
  std::string content_type = "application/json";             // webhook
  std::string body;                      // the exact bytes: payloads.h's JSON or mail.h's message
  std::string idempotency_key;           // (notification, receiver, channel); required
  absl::Time deadline = absl::InfiniteFuture();  // no attempt starts or lasts beyond it
};

// What came back. Exactly one of http_status / smtp_code is meaningful, by `channel`; 0 when no
// reply came at all (then curl_code says why).
struct SendResult {
  Transport channel = Transport::kWebhook;
  int http_status = 0;  // the status line's code
  int smtp_code = 0;    // the last SMTP reply code (a refused RCPT's 550, DATA's 250)
  int curl_code = 0;    // the transfer's CURLcode; 0 (CURLE_OK) when it completed
  std::string curl_error;                // libcurl's message; empty when curl_code is 0
  std::optional<absl::Time> retry_after;  // from a Retry-After header (HTTP)
  std::string response_snippet;          // see ResponseSnippet
  absl::Duration duration;               // libcurl's total time of the transfer
};

// retry.h's class of the attempt: ClassifyHttpAttempt or ClassifySmtpAttempt by channel.
OutcomeClass Classify(const SendResult& result);

// At most `max_bytes` of `bytes` for a history row: invalid UTF-8 and NUL replaced by U+FFFD (one
// per bad byte), then cut before a character that would not fit whole.
std::string ResponseSnippet(std::string_view bytes, size_t max_bytes = kResponseSnippetMaxBytes);

class CurlHandlePool;  // idle libcurl easy handles (senders.cc)

class Sender {
 public:
  virtual ~Sender() = default;
  // One attempt; safe to call from several threads at once.
  virtual absl::StatusOr<SendResult> Send(const OutgoingMessage& message) = 0;
};

struct HttpSenderOptions {
  absl::Duration connect_timeout = absl::Seconds(5);
  absl::Duration total_timeout = absl::Seconds(15);
  std::string ca_file;  // PEM bundle to verify servers against; empty: the system's
  std::string user_agent = "yingshang-notify/1";
  int max_idle_handles = 8;  // easy handles (and their connections) kept between sends
};

class HttpSender final : public Sender {
 public:
  // INVALID_ARGUMENT naming the option: a timeout not positive, connect_timeout > total_timeout,
  // max_idle_handles < 0. `clock` must outlive the sender.
  static absl::StatusOr<std::unique_ptr<HttpSender>> Create(HttpSenderOptions options,
                                                            const Clock& clock);
  ~HttpSender() override;

  // INVALID_ARGUMENT: channel not kWebhook, url not http(s)://, no idempotency key, a header name
  // that is not an RFC 9110 token or a value with CR, LF or NUL, a header the sender sets itself
  // (Content-Type, Idempotency-Key, Content-Length, Host, Expect, Transfer-Encoding).
  absl::StatusOr<SendResult> Send(const OutgoingMessage& message) override;

 private:
  HttpSender(HttpSenderOptions options, const Clock& clock);

  const HttpSenderOptions options_;
  const Clock& clock_;
  std::unique_ptr<CurlHandlePool> pool_;
};

enum class SmtpTls {
  kRequired,       // smtp:// must upgrade with STARTTLS, or nothing is sent
  kOpportunistic,  // STARTTLS when offered, plain text otherwise (a trusted internal relay)
  kNone,           // never (a loopback relay or a test sink)
};

struct SmtpSenderOptions {
  std::string server_url;  // smtp://relay.example:587 or smtps://relay.example:465; a path names
                           // the EHLO domain (smtp://relay:587/ys.example)
  std::string mail_from;   // the envelope sender, local@domain
  std::string username;    // AUTH, when both are set
  std::string password;
  SmtpTls tls = SmtpTls::kRequired;
  std::string ca_file;
  absl::Duration connect_timeout = absl::Seconds(10);
  absl::Duration total_timeout = absl::Seconds(60);
  int max_idle_handles = 4;
};

class SmtpSender final : public Sender {
 public:
  // INVALID_ARGUMENT naming the option: server_url not smtp(s)://, mail_from not local@domain, only
  // one of username / password, a timeout not positive or connect > total, max_idle_handles < 0.
  static absl::StatusOr<std::unique_ptr<SmtpSender>> Create(SmtpSenderOptions options,
                                                            const Clock& clock);
  ~SmtpSender() override;

  // INVALID_ARGUMENT: channel not kEmail, no recipient or one that is not local@domain, no
  // idempotency key, an empty body.
  absl::StatusOr<SendResult> Send(const OutgoingMessage& message) override;

 private:
  SmtpSender(SmtpSenderOptions options, const Clock& clock);

  const SmtpSenderOptions options_;
  const Clock& clock_;
  std::unique_ptr<CurlHandlePool> pool_;
};

}  // namespace ys::notify
