#include "services/gateway/connect_protocol.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/input/text_rules.h"
#include "nlohmann/json.hpp"

namespace ys::gateway {

namespace {

using input::QuoteInput;

Refusal Refuse(int status, std::string message) { return Refusal{status, std::move(message)}; }

// The codec a Content-Type names, or nullopt. Media types and parameter names are case-insensitive
// (RFC 9110 §8.3.1), so are charset values (§8.3.2); JSON may say it is UTF-8 (the only encoding
// Connect's JSON is in), nothing else takes a parameter.
std::optional<Codec> CodecOf(absl::string_view content_type) {
  std::vector<absl::string_view> parts = absl::StrSplit(content_type, ';');
  const std::string base = absl::AsciiStrToLower(absl::StripAsciiWhitespace(parts[0]));
  std::optional<Codec> codec;
  if (base == "application/json") codec = Codec::kJson;
  if (base == "application/proto") codec = Codec::kProto;
  if (!codec) return std::nullopt;
  for (size_t i = 1; i < parts.size(); ++i) {
    std::string param = absl::AsciiStrToLower(absl::StripAsciiWhitespace(parts[i]));
    param.erase(std::remove(param.begin(), param.end(), ' '), param.end());
    if (*codec != Codec::kJson || (param != "charset=utf-8" && param != "charset=\"utf-8\"")) {
      return std::nullopt;
    }
  }
  return codec;
}

bool IsWordChar(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_'; }

bool IsWord(absl::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), IsWordChar); }

// "yingshang.ranking.v1.RankingQuery": words joined by single dots.
bool IsDottedName(absl::string_view s) {
  for (absl::string_view part : absl::StrSplit(s, '.')) {
    if (!IsWord(part)) return false;
  }
  return true;
}

}  // namespace

std::string ConnectCall::FullMethod() const { return absl::StrCat(service, "/", method); }

std::string ConnectCall::GrpcPath() const { return absl::StrCat("/", service, "/", method); }

std::variant<ConnectCall, Refusal> AcceptConnectRequest(const HttpRequestHead& head,
                                                        const std::vector<std::string>& allowed_origins) {
  if (head.http_method != "POST") {
    return Refuse(405, absl::StrFormat("HTTP method %s not allowed: Connect calls are POST",
                                       QuoteInput(head.http_method, 16)));
  }
  const std::optional<Codec> codec = CodecOf(head.content_type);
  if (!codec) {
    return Refuse(415, absl::StrFormat("Content-Type %s not supported: use application/json or "
                                       "application/proto",
                                       QuoteInput(head.content_type, 80)));
  }
  if (head.protocol_version != "1") {
    return Refuse(400, head.protocol_version.empty()
                           ? std::string("missing required header: set Connect-Protocol-Version to \"1\"")
                           : absl::StrFormat("Connect-Protocol-Version must be \"1\": got %s",
                                             QuoteInput(head.protocol_version, 16)));
  }
  if (!head.origin.empty() &&
      std::find(allowed_origins.begin(), allowed_origins.end(), head.origin) == allowed_origins.end()) {
    return Refuse(403, absl::StrFormat("Origin %s not allowed", QuoteInput(head.origin, 120)));
  }
  if (!head.sec_fetch_site.empty() && head.sec_fetch_site != "same-origin" &&
      head.sec_fetch_site != "none") {
    return Refuse(403, absl::StrFormat("Sec-Fetch-Site %s not allowed: only same-origin calls",
                                       QuoteInput(head.sec_fetch_site, 32)));
  }
  absl::string_view path = head.path;
  std::vector<absl::string_view> parts;
  if (absl::ConsumePrefix(&path, "/")) parts = absl::StrSplit(path, '/');
  if (parts.size() != 2 || !IsDottedName(parts[0]) || !IsWord(parts[1])) {
    return Refuse(404, absl::StrFormat("path %s is not /<package.Service>/<Method>",
                                       QuoteInput(head.path, 200)));
  }
  ConnectCall call{.service = std::string(parts[0]), .method = std::string(parts[1]), .codec = *codec};
  if (!head.timeout_ms.empty()) {
    int64_t ms = 0;
    const bool digits = std::all_of(head.timeout_ms.begin(), head.timeout_ms.end(),
                                    [](char c) { return c >= '0' && c <= '9'; });
    // At most 10 digits (the spec's Timeout-Milliseconds): fits in int64 whatever they are.
    if (!digits || head.timeout_ms.size() > 10 || !absl::SimpleAtoi(head.timeout_ms, &ms) || ms <= 0) {
      return Refuse(400, absl::StrFormat("Connect-Timeout-Ms must be a positive integer of at most 10 "
                                         "digits: got %s",
                                         QuoteInput(head.timeout_ms, 24)));
    }
    call.timeout = absl::Milliseconds(ms);
  }
  return call;
}

int HttpStatusFor(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk: return 200;
    case absl::StatusCode::kCancelled: return 499;
    case absl::StatusCode::kUnknown: return 500;
    case absl::StatusCode::kInvalidArgument: return 400;
    case absl::StatusCode::kDeadlineExceeded: return 504;
    case absl::StatusCode::kNotFound: return 404;
    case absl::StatusCode::kAlreadyExists: return 409;
    case absl::StatusCode::kPermissionDenied: return 403;
    case absl::StatusCode::kResourceExhausted: return 429;
    case absl::StatusCode::kFailedPrecondition: return 400;
    case absl::StatusCode::kAborted: return 409;
    case absl::StatusCode::kOutOfRange: return 400;
    case absl::StatusCode::kUnimplemented: return 501;
    case absl::StatusCode::kInternal: return 500;
    case absl::StatusCode::kUnavailable: return 503;
    case absl::StatusCode::kDataLoss: return 500;
    case absl::StatusCode::kUnauthenticated: return 401;
    default: return 500;
  }
}

std::string ConnectCodeName(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk: return "ok";
    case absl::StatusCode::kCancelled: return "canceled";  // Connect spells it with one l
    case absl::StatusCode::kUnknown: return "unknown";
    case absl::StatusCode::kInvalidArgument: return "invalid_argument";
    case absl::StatusCode::kDeadlineExceeded: return "deadline_exceeded";
    case absl::StatusCode::kNotFound: return "not_found";
    case absl::StatusCode::kAlreadyExists: return "already_exists";
    case absl::StatusCode::kPermissionDenied: return "permission_denied";
    case absl::StatusCode::kResourceExhausted: return "resource_exhausted";
    case absl::StatusCode::kFailedPrecondition: return "failed_precondition";
    case absl::StatusCode::kAborted: return "aborted";
    case absl::StatusCode::kOutOfRange: return "out_of_range";
    case absl::StatusCode::kUnimplemented: return "unimplemented";
    case absl::StatusCode::kInternal: return "internal";
    case absl::StatusCode::kUnavailable: return "unavailable";
    case absl::StatusCode::kDataLoss: return "data_loss";
    case absl::StatusCode::kUnauthenticated: return "unauthenticated";
    default: return "unknown";
  }
}

namespace {

std::string ErrorBody(absl::StatusCode code, absl::string_view message) {
  nlohmann::json body = {{"code", ConnectCodeName(code)}};
  if (!message.empty()) body["message"] = std::string(message);
  // `replace`: a message with invalid UTF-8 (a service's text, a header echoed) must not throw.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string ConnectErrorBody(const absl::Status& status) {
  return ErrorBody(status.code(), status.message());
}

absl::StatusCode RefusalCode(int http_status) {
  switch (http_status) {
    case 400: return absl::StatusCode::kInvalidArgument;
    case 401: return absl::StatusCode::kUnauthenticated;
    case 403: return absl::StatusCode::kPermissionDenied;
    case 404: return absl::StatusCode::kUnimplemented;
    case 429:
    case 502:
    case 503:
    case 504: return absl::StatusCode::kUnavailable;
    default: return absl::StatusCode::kUnknown;
  }
}

std::string RefusalBody(const Refusal& refusal) {
  return ErrorBody(RefusalCode(refusal.http_status), refusal.message);
}

}  // namespace ys::gateway
