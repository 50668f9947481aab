#pragma once

// The Connect protocol's unary calls (https://connectrpc.com/docs/protocol), as the gateway accepts
// them from the web console, and its error answers. Pure functions: the HTTP server hands in what it
// saw and writes what these return.
//
// The acceptance rules are also our CSRF defence (issue #15): a cross-site page can make the browser
// send a "simple" request — a form post (application/x-www-form-urlencoded, multipart/form-data,
// text/plain) or a GET — without a preflight, but not one with a Connect content type or a
// Connect-Protocol-Version header. Origin and Sec-Fetch-Site, which browsers set themselves, are
// checked as well where present (curl sends neither and is let through: it carries no cookie of a
// victim).

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ys::gateway {

enum class Codec { kJson, kProto };

// What the server saw of a request; each header "" when absent.
struct HttpRequestHead {
  std::string http_method;       // "POST"
  std::string path;              // "/yingshang.ranking.v1.RankingQuery/GetScorecard", no query string
  std::string content_type;      // "application/json; charset=utf-8"
  std::string protocol_version;  // Connect-Protocol-Version
  std::string origin;            // Origin
  std::string sec_fetch_site;    // Sec-Fetch-Site
  std::string timeout_ms;        // Connect-Timeout-Ms
};

// An accepted call.
struct ConnectCall {
  std::string service;  // "yingshang.ranking.v1.RankingQuery"
  std::string method;   // "GetScorecard"
  Codec codec = Codec::kJson;
  std::optional<absl::Duration> timeout;  // from Connect-Timeout-Ms

  std::string FullMethod() const;  // "yingshang.ranking.v1.RankingQuery/GetScorecard"
  std::string GrpcPath() const;    // "/yingshang.ranking.v1.RankingQuery/GetScorecard"
};

// A request turned away before any service sees it. The message names the header or part at fault.
struct Refusal {
  int http_status = 400;
  std::string message;
};

// Accepts only what a Connect unary call from our own pages looks like, checked in this order:
//   405  the HTTP method is not POST (Connect's GET form is not served: nothing is idempotent here);
//   415  the content type is not application/json (optionally "; charset=utf-8") or
//        application/proto — a form post's types are refused here;
//   400  Connect-Protocol-Version is not exactly "1" (absent included);
//   403  Origin is present and not exactly one of `allowed_origins` ("http://127.0.0.1:8080");
//   403  Sec-Fetch-Site is present and neither "same-origin" nor "none";
//   404  the path is not "/<service>/<Method>": the service dotted ([A-Za-z0-9_] parts joined by
//        single dots), the method [A-Za-z0-9_]+;
//   400  Connect-Timeout-Ms is present and not a positive integer of at most 10 digits (the spec's
//        grammar).
std::variant<ConnectCall, Refusal> AcceptConnectRequest(const HttpRequestHead& head,
                                                        const std::vector<std::string>& allowed_origins);

// The HTTP status of a Connect error (the protocol's "Error Codes" table): canceled 499, unknown 500,
// invalid_argument 400, deadline_exceeded 504, not_found 404, already_exists 409,
// permission_denied 403, resource_exhausted 429, failed_precondition 400, aborted 409,
// out_of_range 400, unimplemented 501, internal 500, unavailable 503, data_loss 500,
// unauthenticated 401. OK (not an error) is 200; a code outside the table is treated as unknown.
int HttpStatusFor(absl::StatusCode code);
// "not_found" for kNotFound; "ok" for OK (not a Connect code: callers send the message instead);
// "unknown" for a code outside the table.
std::string ConnectCodeName(absl::StatusCode code);

// The unary error body, {"code":"not_found","message":"…"}: valid JSON whatever the message holds
// (quotes, control characters escaped; UTF-8 such as Chinese kept as is; invalid UTF-8 bytes become
// U+FFFD). "message" is left out when the status has none.
std::string ConnectErrorBody(const absl::Status& status);

// The Connect code a refusal's body carries. A client reads the code from the body; for a body it
// cannot read it falls back to the spec's "HTTP to Error Code" table (401 unauthenticated,
// 403 permission_denied, 404 unimplemented, 429/502/503/504 unavailable, any other unknown — so 405
// and 415 are unknown), which this follows except for 400: the table's `internal` is its guess for
// a 400 from some proxy, while our 400s are the caller's bad headers, answered `invalid_argument` as
// connect-go's own server does (its "missing required header: set Connect-Protocol-Version to 1").
absl::StatusCode RefusalCode(int http_status);
// A refusal's body, in ConnectErrorBody's shape with RefusalCode.
std::string RefusalBody(const Refusal& refusal);

}  // namespace ys::gateway
