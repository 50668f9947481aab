#include "services/notify/senders.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/status/macros.h"

namespace ys::notify {

// Idle easy handles, each reset before it is kept: a reset handle keeps its connection cache, DNS
// cache and TLS session IDs, and holds no pointer into a finished Send.
class CurlHandlePool {
 public:
  explicit CurlHandlePool(int max_idle) : max_idle_(static_cast<size_t>(max_idle)) {}
  ~CurlHandlePool() {
    for (CURL* handle : idle_) curl_easy_cleanup(handle);
  }
  CurlHandlePool(const CurlHandlePool&) = delete;
  CurlHandlePool& operator=(const CurlHandlePool&) = delete;

  CURL* Take() {
    {
      std::lock_guard lock(mu_);
      if (!idle_.empty()) {
        CURL* handle = idle_.back();
        idle_.pop_back();
        return handle;
      }
    }
    return curl_easy_init();
  }

  void Give(CURL* handle) {
    curl_easy_reset(handle);
    {
      std::lock_guard lock(mu_);
      if (idle_.size() < max_idle_) {
        idle_.push_back(handle);
        return;
      }
    }
    curl_easy_cleanup(handle);
  }

 private:
  const size_t max_idle_;
  std::mutex mu_;
  std::vector<CURL*> idle_;
};

namespace {

// curl_global_init is not thread-safe in every build and must precede the first handle.
absl::Status GlobalInitOnce() {
  static std::once_flag once;
  static CURLcode result = CURLE_OK;
  std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (result != CURLE_OK) {
    return absl::InternalError(absl::StrCat("curl_global_init: ", curl_easy_strerror(result)));
  }
  return absl::OkStatus();
}

// The handle a Send borrows, given back to the pool however the Send ends.
class Lease {
 public:
  explicit Lease(CurlHandlePool& pool) : pool_(pool), handle_(pool.Take()) {}
  ~Lease() {
    if (handle_ != nullptr) pool_.Give(handle_);
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  CURL* handle() const { return handle_; }

 private:
  CurlHandlePool& pool_;
  CURL* handle_;
};

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

// Appends `line` to `list`; false when libcurl is out of memory.
bool Append(Slist& list, const std::string& line) {
  curl_slist* grown = curl_slist_append(list.get(), line.c_str());
  if (grown == nullptr) return false;
  static_cast<void>(list.release());  // `grown` is that list, extended
  list.reset(grown);
  return true;
}

// What the callbacks of one transfer fill in.
struct Transfer {
  std::string response;  // the body's first bytes (HTTP)
  size_t response_cap = kResponseSnippetMaxBytes + 4;  // a character across the cut stays whole
  std::string_view upload;                             // the bytes to upload (SMTP)
  size_t uploaded = 0;
  std::vector<std::string> replies;  // the server's complete replies (SMTP), lines joined by '\n'
  std::string open_reply;            // the lines of a multi-line reply not finished yet
  char error[CURL_ERROR_SIZE] = {};
};

size_t OnWrite(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  if (transfer->response.size() < transfer->response_cap) {
    transfer->response.append(data,
                              std::min(bytes, transfer->response_cap - transfer->response.size()));
  }
  return bytes;  // the rest is read and dropped, so the connection can be reused
}

size_t OnRead(char* buffer, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t bytes = std::min(size * count, transfer->upload.size() - transfer->uploaded);
  std::memcpy(buffer, transfer->upload.data() + transfer->uploaded, bytes);
  transfer->uploaded += bytes;
  return bytes;
}

// Keeps the server's replies: "250-first\r\n250 last\r\n" is one reply, ended by the line whose
// fourth character is a space (RFC 5321 §4.2.1). A session is a dozen replies at most.
int OnDebug(CURL*, curl_infotype type, char* data, size_t size, void* user) {
  if (type != CURLINFO_HEADER_IN) return 0;
  auto* transfer = static_cast<Transfer*>(user);
  for (absl::string_view line : absl::StrSplit(absl::string_view(data, size), '\n')) {
    line = absl::StripTrailingAsciiWhitespace(line);
    if (line.empty()) continue;
    if (!transfer->open_reply.empty()) transfer->open_reply += '\n';
    absl::StrAppend(&transfer->open_reply, line);
    if (line.size() < 4 || line[3] != '-') {
      transfer->replies.push_back(std::move(transfer->open_reply));
      transfer->open_reply.clear();
    }
  }
  return 0;
}

// The length of the well-formed UTF-8 character at the start of `s` (RFC 3629 table 3.7: no
// overlong forms, no surrogates, nothing beyond U+10FFFF); 0 when it is not one, or is NUL.
size_t CharLength(std::string_view s) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char lead = byte(0);
  if (lead == 0) return 0;
  if (lead < 0x80) return 1;
  size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;  // the range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (s.size() < length || byte(1) < low || byte(1) > high) return 0;
  for (size_t i = 2; i < length; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  }
  return length;
}

// What would end a header line early (header injection) or a C string.
bool HasLineBreakOrNul(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

bool IsTokenChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
         std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

// local@domain, printable ASCII without spaces or the characters that delimit addresses.
bool IsMailbox(std::string_view address) {
  const size_t at = address.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size() ||
      address.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  return std::all_of(address.begin(), address.end(), [](char c) {
    return c > 0x20 && c < 0x7F && std::strchr("<>,;\"()[]\\", c) == nullptr;
  });
}

bool HasScheme(std::string_view url, std::string_view scheme) {
  return absl::StartsWithIgnoreCase(absl::string_view(url.data(), url.size()),
                                    std::string(scheme) + "://") &&
         url.size() > scheme.size() + 3;
}

absl::Status ValidateTimeouts(absl::Duration connect, absl::Duration total) {
  if (connect <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("connect_timeout: must be positive");
  }
  if (total <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("total_timeout: must be positive");
  }
  if (connect > total) {
    return absl::InvalidArgumentError("connect_timeout: must not exceed total_timeout");
  }
  return absl::OkStatus();
}

// The attempt's total budget: the configured total, cut to what is left before the deadline.
absl::StatusOr<absl::Duration> Budget(absl::Duration total, absl::Time deadline, absl::Time now) {
  const absl::Duration budget = std::min(total, deadline - now);
  if (budget < absl::Milliseconds(1)) {
    return absl::DeadlineExceededError("deadline: passed before the attempt started");
  }
  return budget;
}

long Millis(absl::Duration d) {  // NOLINT(google-runtime-int): libcurl's type
  return static_cast<long>(std::max<int64_t>(1, absl::ToInt64Milliseconds(d)));  // NOLINT
}

// Options both transports set the same way. False when libcurl refuses one (out of memory).
bool SetCommon(CURL* h, Transfer& transfer, const char* protocols, absl::Duration connect,
               absl::Duration budget, const std::string& ca_file) {
  bool ok = curl_easy_setopt(h, CURLOPT_ERRORBUFFER, transfer.error) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) == CURLE_OK;  // several threads send
  ok = ok && curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, protocols) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, Millis(std::min(connect, budget))) ==
                 CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, Millis(budget)) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK;
  if (!ca_file.empty()) ok = ok && curl_easy_setopt(h, CURLOPT_CAINFO, ca_file.c_str()) == CURLE_OK;
  return ok;
}

// Runs the transfer and fills in what every result has: curl's code and message, duration.
void Perform(CURL* h, Transfer& transfer, SendResult& result) {
  const CURLcode code = curl_easy_perform(h);
  result.curl_code = static_cast<int>(code);
  if (code != CURLE_OK) {
    result.curl_error = transfer.error[0] != '\0' ? transfer.error : curl_easy_strerror(code);
  }
  curl_off_t micros = 0;
  if (curl_easy_getinfo(h, CURLINFO_TOTAL_TIME_T, &micros) == CURLE_OK) {
    result.duration = absl::Microseconds(micros);
  }
}

int ReplyCode(CURL* h) {
  long code = 0;  // NOLINT(google-runtime-int): libcurl's type
  if (curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code) != CURLE_OK) return 0;
  return static_cast<int>(code);
}

// The reply that carried `code`, the last one if several did. Not simply the last reply: after a
// refused RCPT libcurl ends the session with QUIT, and "221 Bye" says nothing about the failure.
std::string ReplyWithCode(const std::vector<std::string>& replies, int code) {
  const std::string prefix = absl::StrCat(code);
  for (auto it = replies.rbegin(); it != replies.rend(); ++it) {
    if (absl::StartsWith(*it, prefix)) return *it;
  }
  return replies.empty() ? "" : replies.back();
}

absl::Status SetupFailed(const char* what) {
  return absl::InternalError(absl::StrCat("libcurl: could not set up the ", what,
                                          " transfer (out of memory)"));
}

}  // namespace

absl::string_view TransportName(Transport kind) {
  switch (kind) {
    case Transport::kWebhook:
      return "webhook";
    case Transport::kEmail:
      return "email";
  }
  return "";
}

OutcomeClass Classify(const SendResult& result) {
  switch (result.channel) {
    case Transport::kWebhook:
      return ClassifyHttpAttempt(CurlError{result.curl_code}, HttpStatus{result.http_status});
    case Transport::kEmail:
      return ClassifySmtpAttempt(CurlError{result.curl_code}, SmtpReply{result.smtp_code});
  }
  return OutcomeClass::kTransient;
}

std::string ResponseSnippet(std::string_view bytes, size_t max_bytes) {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
  std::string out;
  size_t i = 0;
  while (i < bytes.size()) {
    const size_t length = CharLength(bytes.substr(i));
    const std::string_view piece = length > 0 ? bytes.substr(i, length) : kReplacement;
    if (out.size() + piece.size() > max_bytes) break;
    out.append(piece);
    i += length > 0 ? length : 1;
  }
  return out;
}

// ---- HTTP ----

HttpSender::HttpSender(HttpSenderOptions options, const Clock& clock)
    : options_(std::move(options)),
      clock_(clock),
      pool_(std::make_unique<CurlHandlePool>(options_.max_idle_handles)) {}

HttpSender::~HttpSender() = default;

absl::StatusOr<std::unique_ptr<HttpSender>> HttpSender::Create(HttpSenderOptions options,
                                                               const Clock& clock) {
  RETURN_IF_ERROR(ValidateTimeouts(options.connect_timeout, options.total_timeout));
  if (options.max_idle_handles < 0) {
    return absl::InvalidArgumentError("max_idle_handles: must not be negative");
  }
  if (options.user_agent.find_first_of("\r\n") != std::string::npos) {
    return absl::InvalidArgumentError("user_agent: must not contain CR or LF");
  }
  RETURN_IF_ERROR(GlobalInitOnce());
  return std::unique_ptr<HttpSender>(new HttpSender(std::move(options), clock));
}

absl::StatusOr<SendResult> HttpSender::Send(const OutgoingMessage& message) {
  if (message.channel != Transport::kWebhook) {
    return absl::InvalidArgumentError(absl::StrCat(
        "channel: the HTTP sender sends webhooks, not ", TransportName(message.channel)));
  }
  if (!HasScheme(message.url, "http") && !HasScheme(message.url, "https")) {
    return absl::InvalidArgumentError("url: must be an http:// or https:// URL");
  }
  if (message.idempotency_key.empty()) {
    return absl::InvalidArgumentError("idempotency_key: required");
  }
  if (HasLineBreakOrNul(message.idempotency_key)) {
    return absl::InvalidArgumentError("idempotency_key: must not contain CR, LF or NUL");
  }
  if (message.content_type.empty() || HasLineBreakOrNul(message.content_type)) {
    return absl::InvalidArgumentError("content_type: required, without CR, LF or NUL");
  }

  Slist headers;
  bool ok = Append(headers, absl::StrCat("Content-Type: ", message.content_type)) &&
            Append(headers, absl::StrCat(kIdempotencyKeyHeader, ": ", message.idempotency_key)) &&
            Append(headers, "Expect:");  // "Expect:" with no value: libcurl sends none
  for (const auto& [name, value] : message.headers) {
    if (name.empty() || !std::all_of(name.begin(), name.end(), IsTokenChar)) {
      return absl::InvalidArgumentError(absl::StrCat("headers: '", name, "' is not a header name"));
    }
    if (HasLineBreakOrNul(value)) {
      return absl::InvalidArgumentError(
          absl::StrCat("headers: ", name, ": the value must not contain CR, LF or NUL"));
    }
    for (const char* reserved : {"Content-Type", kIdempotencyKeyHeader, "Content-Length", "Host",
                                 "Expect", "Transfer-Encoding"}) {
      if (absl::EqualsIgnoreCase(name, reserved)) {
        return absl::InvalidArgumentError(
            absl::StrCat("headers: ", name, " is set by the sender"));
      }
    }
    // "Name;" is libcurl's way to send a header with an empty value ("Name:" would remove it).
    ok = ok && Append(headers, value.empty() ? absl::StrCat(name, ";")
                                             : absl::StrCat(name, ": ", value));
  }
  if (!ok) return SetupFailed("HTTP");

  const absl::Time now = clock_.Now();
  ASSIGN_OR_RETURN(const absl::Duration budget,
                   Budget(options_.total_timeout, message.deadline, now));

  Transfer transfer;  // before the lease: the handle points into it until it is reset
  Lease lease(*pool_);
  CURL* h = lease.handle();
  if (h == nullptr) return SetupFailed("HTTP");
  ok = SetCommon(h, transfer, "http,https", options_.connect_timeout, budget, options_.ca_file);
  ok = ok && curl_easy_setopt(h, CURLOPT_URL, message.url.c_str()) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_POST, 1L) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_POSTFIELDS, message.body.data()) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                              static_cast<curl_off_t>(message.body.size())) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get()) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_USERAGENT, options_.user_agent.c_str()) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, OnWrite) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer) == CURLE_OK;
  if (!ok) return SetupFailed("HTTP");

  SendResult result;
  result.channel = Transport::kWebhook;
  Perform(h, transfer, result);
  result.http_status = ReplyCode(h);
  result.response_snippet = ResponseSnippet(transfer.response);
  curl_header* retry_after = nullptr;
  if (result.http_status != 0 &&
      curl_easy_header(h, "Retry-After", 0, CURLH_HEADER, -1, &retry_after) == CURLHE_OK) {
    result.retry_after = ParseRetryAfter(retry_after->value, now);
  }
  return result;
}

// ---- SMTP ----

SmtpSender::SmtpSender(SmtpSenderOptions options, const Clock& clock)
    : options_(std::move(options)),
      clock_(clock),
      pool_(std::make_unique<CurlHandlePool>(options_.max_idle_handles)) {}

SmtpSender::~SmtpSender() = default;

absl::StatusOr<std::unique_ptr<SmtpSender>> SmtpSender::Create(SmtpSenderOptions options,
                                                               const Clock& clock) {
  if (!HasScheme(options.server_url, "smtp") && !HasScheme(options.server_url, "smtps")) {
    return absl::InvalidArgumentError("server_url: must be an smtp:// or smtps:// URL");
  }
  if (!IsMailbox(options.mail_from)) {
    return absl::InvalidArgumentError(
        absl::StrCat("mail_from: '", options.mail_from, "' is not local@domain"));
  }
  if (options.username.empty() != options.password.empty()) {
    return absl::InvalidArgumentError("username, password: set both or neither");
  }
  RETURN_IF_ERROR(ValidateTimeouts(options.connect_timeout, options.total_timeout));
  if (options.max_idle_handles < 0) {
    return absl::InvalidArgumentError("max_idle_handles: must not be negative");
  }
  RETURN_IF_ERROR(GlobalInitOnce());
  return std::unique_ptr<SmtpSender>(new SmtpSender(std::move(options), clock));
}

absl::StatusOr<SendResult> SmtpSender::Send(const OutgoingMessage& message) {
  if (message.channel != Transport::kEmail) {
    return absl::InvalidArgumentError(absl::StrCat(
        "channel: the SMTP sender sends e-mail, not ", TransportName(message.channel)));
  }
  if (message.recipients.empty()) return absl::InvalidArgumentError("recipients: none");
  if (message.idempotency_key.empty()) {
    return absl::InvalidArgumentError("idempotency_key: required");
  }
  if (message.body.empty()) return absl::InvalidArgumentError("body: empty");
  Slist recipients;
  for (size_t i = 0; i < message.recipients.size(); ++i) {
    if (!IsMailbox(message.recipients[i])) {
      return absl::InvalidArgumentError(absl::StrFormat("recipients[%d]: '%s' is not local@domain",
                                                        i, message.recipients[i]));
    }
    if (!Append(recipients, absl::StrCat("<", message.recipients[i], ">"))) {
      return SetupFailed("SMTP");
    }
  }

  ASSIGN_OR_RETURN(const absl::Duration budget,
                   Budget(options_.total_timeout, message.deadline, clock_.Now()));

  Transfer transfer;  // before the lease: the handle points into it until it is reset
  transfer.upload = message.body;
  const std::string mail_from = absl::StrCat("<", options_.mail_from, ">");
  Lease lease(*pool_);
  CURL* h = lease.handle();
  if (h == nullptr) return SetupFailed("SMTP");
  long use_ssl = CURLUSESSL_ALL;  // NOLINT(google-runtime-int): libcurl's type
  if (options_.tls == SmtpTls::kOpportunistic) use_ssl = CURLUSESSL_TRY;
  if (options_.tls == SmtpTls::kNone) use_ssl = CURLUSESSL_NONE;
  bool ok = SetCommon(h, transfer, "smtp,smtps", options_.connect_timeout, budget,
                      options_.ca_file);
  ok = ok && curl_easy_setopt(h, CURLOPT_URL, options_.server_url.c_str()) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_USE_SSL, use_ssl) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_MAIL_FROM, mail_from.c_str()) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_MAIL_RCPT, recipients.get()) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_UPLOAD, 1L) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE,
                              static_cast<curl_off_t>(message.body.size())) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_READFUNCTION, OnRead) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_READDATA, &transfer) == CURLE_OK;
  // The server's replies reach us only through the debug callback, which needs VERBOSE; with a
  // callback set nothing is printed.
  ok = ok && curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, OnDebug) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_DEBUGDATA, &transfer) == CURLE_OK;
  ok = ok && curl_easy_setopt(h, CURLOPT_VERBOSE, 1L) == CURLE_OK;
  if (!options_.username.empty()) {
    ok = ok && curl_easy_setopt(h, CURLOPT_USERNAME, options_.username.c_str()) == CURLE_OK;
    ok = ok && curl_easy_setopt(h, CURLOPT_PASSWORD, options_.password.c_str()) == CURLE_OK;
  }
  if (!ok) return SetupFailed("SMTP");

  SendResult result;
  result.channel = Transport::kEmail;
  Perform(h, transfer, result);
  result.smtp_code = ReplyCode(h);
  result.response_snippet = ResponseSnippet(ReplyWithCode(transfer.replies, result.smtp_code));
  return result;
}

}  // namespace ys::notify
