#include "services/gateway/connect_protocol.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace ys::gateway {
namespace {

using ::testing::HasSubstr;

const std::vector<std::string> kOrigins = {"http://127.0.0.1:8080", "https://console.example.cn"};

// What connect-web sends from our own page.
HttpRequestHead OwnPage() {
  return HttpRequestHead{.http_method = "POST",
                         .path = "/yingshang.ranking.v1.RankingQuery/GetScorecard",
                         .content_type = "application/json",
                         .protocol_version = "1",
                         .origin = "http://127.0.0.1:8080",
                         .sec_fetch_site = "same-origin",
                         .timeout_ms = ""};
}

Refusal Refused(const HttpRequestHead& head) {
  auto result = AcceptConnectRequest(head, kOrigins);
  EXPECT_TRUE(std::holds_alternative<Refusal>(result)) << "accepted " << head.path;
  return std::holds_alternative<Refusal>(result) ? std::get<Refusal>(result) : Refusal{0, ""};
}

ConnectCall Accepted(const HttpRequestHead& head) {
  auto result = AcceptConnectRequest(head, kOrigins);
  EXPECT_TRUE(std::holds_alternative<ConnectCall>(result))
      << (std::holds_alternative<Refusal>(result) ? std::get<Refusal>(result).message : "");
  return std::holds_alternative<ConnectCall>(result) ? std::get<ConnectCall>(result) : ConnectCall{};
}

TEST(AcceptConnectRequest, AcceptsJsonFromOwnPage) {
  const ConnectCall call = Accepted(OwnPage());
  EXPECT_EQ(call.service, "yingshang.ranking.v1.RankingQuery");
  EXPECT_EQ(call.method, "GetScorecard");
  EXPECT_EQ(call.codec, Codec::kJson);
  EXPECT_FALSE(call.timeout.has_value());
  EXPECT_EQ(call.FullMethod(), "yingshang.ranking.v1.RankingQuery/GetScorecard");
  EXPECT_EQ(call.GrpcPath(), "/yingshang.ranking.v1.RankingQuery/GetScorecard");
}

TEST(AcceptConnectRequest, AcceptsJsonWithCharsetAndProto) {
  HttpRequestHead head = OwnPage();
  head.content_type = "application/json; charset=utf-8";
  EXPECT_EQ(Accepted(head).codec, Codec::kJson);
  head.content_type = "Application/JSON;Charset=UTF-8";
  EXPECT_EQ(Accepted(head).codec, Codec::kJson);
  head.content_type = "application/proto";
  EXPECT_EQ(Accepted(head).codec, Codec::kProto);
}

// curl and ysctl-like clients send neither Origin nor Sec-Fetch-Site; a direct navigation says "none".
TEST(AcceptConnectRequest, AcceptsWithoutBrowserHeaders) {
  HttpRequestHead head = OwnPage();
  head.origin = "";
  head.sec_fetch_site = "";
  Accepted(head);
  head.sec_fetch_site = "none";
  Accepted(head);
  head.origin = "https://console.example.cn";
  Accepted(head);
}

TEST(AcceptConnectRequest, RefusesOtherHttpMethods) {
  for (const char* method : {"GET", "PUT", "OPTIONS", "post", ""}) {
    HttpRequestHead head = OwnPage();
    head.http_method = method;
    const Refusal r = Refused(head);
    EXPECT_EQ(r.http_status, 405) << method;
    EXPECT_THAT(r.message, HasSubstr("POST"));
  }
}

// The three types a cross-site <form> can send without a preflight, and others.
TEST(AcceptConnectRequest, RefusesFormPostsAndOtherContentTypes) {
  for (const char* type : {"application/x-www-form-urlencoded", "multipart/form-data; boundary=----x",
                           "text/plain", "text/plain;charset=UTF-8", "", "application/json; charset=latin1",
                           "application/proto; charset=utf-8", "application/connect+json",
                           "application/grpc", "application/jsonx"}) {
    HttpRequestHead head = OwnPage();
    head.content_type = type;
    const Refusal r = Refused(head);
    EXPECT_EQ(r.http_status, 415) << type;
    EXPECT_THAT(r.message, HasSubstr("Content-Type")) << type;
  }
}

TEST(AcceptConnectRequest, RefusesMissingOrWrongProtocolVersion) {
  HttpRequestHead head = OwnPage();
  head.protocol_version = "";
  Refusal r = Refused(head);
  EXPECT_EQ(r.http_status, 400);
  EXPECT_THAT(r.message, HasSubstr("Connect-Protocol-Version"));
  for (const char* v : {"2", "1.0", " 1", "01"}) {
    head.protocol_version = v;
    r = Refused(head);
    EXPECT_EQ(r.http_status, 400) << v;
    EXPECT_THAT(r.message, HasSubstr("Connect-Protocol-Version")) << v;
  }
}

TEST(AcceptConnectRequest, RefusesForeignOrigin) {
  for (const char* origin : {"https://evil.example", "http://127.0.0.1:8081", "null", "http://127.0.0.1:8080/",
                             "HTTP://127.0.0.1:8080"}) {
    HttpRequestHead head = OwnPage();
    head.origin = origin;
    const Refusal r = Refused(head);
    EXPECT_EQ(r.http_status, 403) << origin;
    EXPECT_THAT(r.message, HasSubstr("Origin")) << origin;
    EXPECT_THAT(r.message, HasSubstr(origin)) << origin;
  }
}

TEST(AcceptConnectRequest, RefusesCrossSiteFetch) {
  for (const char* site : {"cross-site", "same-site"}) {
    HttpRequestHead head = OwnPage();
    head.sec_fetch_site = site;
    const Refusal r = Refused(head);
    EXPECT_EQ(r.http_status, 403) << site;
    EXPECT_THAT(r.message, HasSubstr("Sec-Fetch-Site")) << site;
  }
}

TEST(AcceptConnectRequest, RefusesBadPaths) {
  for (const char* path : {"/", "", "/GetScorecard", "/yingshang.ranking.v1.RankingQuery/",
                           "//GetScorecard", "/a/b/c", "yingshang.ranking.v1.RankingQuery/GetScorecard",
                           "/yingshang.ranking.v1.RankingQuery/Get-Scorecard", "/../etc/passwd",
                           "/yingshang..v1.RankingQuery/GetScorecard", "/.x/GetScorecard",
                           "/yingshang.ranking.v1.RankingQuery/GetScorecard?x=1", "/排名.Query/Get",
                           "/yingshang.ranking.v1.RankingQuery/Get.Scorecard"}) {
    HttpRequestHead head = OwnPage();
    head.path = path;
    const Refusal r = Refused(head);
    EXPECT_EQ(r.http_status, 404) << path;
    EXPECT_THAT(r.message, HasSubstr("path")) << path;
  }
}

TEST(AcceptConnectRequest, ReadsTimeout) {
  HttpRequestHead head = OwnPage();
  head.timeout_ms = "2500";
  EXPECT_EQ(Accepted(head).timeout, absl::Milliseconds(2500));
  head.timeout_ms = "9999999999";  // ten digits, the most the spec allows
  EXPECT_EQ(Accepted(head).timeout, absl::Milliseconds(9999999999));
}

TEST(AcceptConnectRequest, RefusesBadTimeout) {
  for (const char* t : {"0", "-5", "12345678901", "1.5", "abc", " 100", "1e3", "0000000000"}) {
    HttpRequestHead head = OwnPage();
    head.timeout_ms = t;
    const Refusal r = Refused(head);
    EXPECT_EQ(r.http_status, 400) << t;
    EXPECT_THAT(r.message, HasSubstr("Connect-Timeout-Ms")) << t;
  }
}

// A cross-site form post fails on its content type before anything else is looked at.
TEST(AcceptConnectRequest, CrossSiteFormPostRefusedOnItsType) {
  const HttpRequestHead form{.http_method = "POST",
                             .path = "/yingshang.gateway.v1.UserAdmin/AddUser",
                             .content_type = "application/x-www-form-urlencoded",
                             .protocol_version = "",
                             .origin = "https://evil.example",
                             .sec_fetch_site = "cross-site",
                             .timeout_ms = ""};
  EXPECT_EQ(Refused(form).http_status, 415);
}

TEST(HttpStatusFor, FollowsTheConnectTable) {
  using C = absl::StatusCode;
  const std::vector<std::tuple<C, int, std::string>> table = {
      {C::kCancelled, 499, "canceled"},
      {C::kUnknown, 500, "unknown"},
      {C::kInvalidArgument, 400, "invalid_argument"},
      {C::kDeadlineExceeded, 504, "deadline_exceeded"},
      {C::kNotFound, 404, "not_found"},
      {C::kAlreadyExists, 409, "already_exists"},
      {C::kPermissionDenied, 403, "permission_denied"},
      {C::kResourceExhausted, 429, "resource_exhausted"},
      {C::kFailedPrecondition, 400, "failed_precondition"},
      {C::kAborted, 409, "aborted"},
      {C::kOutOfRange, 400, "out_of_range"},
      {C::kUnimplemented, 501, "unimplemented"},
      {C::kInternal, 500, "internal"},
      {C::kUnavailable, 503, "unavailable"},
      {C::kDataLoss, 500, "data_loss"},
      {C::kUnauthenticated, 401, "unauthenticated"},
  };
  for (const auto& [code, status, name] : table) {
    EXPECT_EQ(HttpStatusFor(code), status) << name;
    EXPECT_EQ(ConnectCodeName(code), name);
  }
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kOk), 200);
  EXPECT_EQ(HttpStatusFor(static_cast<absl::StatusCode>(42)), 500);
  EXPECT_EQ(ConnectCodeName(static_cast<absl::StatusCode>(42)), "unknown");
}

TEST(ConnectErrorBody, IsValidJsonKeepingChinese) {
  const std::string body =
      ConnectErrorBody(absl::NotFoundError("案件 \"RC-2022-09-001\" 不存在\n\t\\ 请核对"));
  const nlohmann::json parsed = nlohmann::json::parse(body);  // throws when not JSON
  EXPECT_EQ(parsed["code"], "not_found");
  EXPECT_EQ(parsed["message"], "案件 \"RC-2022-09-001\" 不存在\n\t\\ 请核对");
  EXPECT_THAT(body, HasSubstr("案件"));  // UTF-8 as is, not \u escapes
  EXPECT_EQ(parsed.size(), 2u);
}

TEST(ConnectErrorBody, LeavesOutEmptyMessageAndSurvivesInvalidUtf8) {
  EXPECT_EQ(ConnectErrorBody(absl::Status(absl::StatusCode::kUnavailable, "")), R"({"code":"unavailable"})");
  const std::string body = ConnectErrorBody(absl::InternalError(std::string("bad \xff\xfe byte")));
  const nlohmann::json parsed = nlohmann::json::parse(body);
  EXPECT_EQ(parsed["code"], "internal");
  EXPECT_EQ(parsed["message"], "bad \xEF\xBF\xBD\xEF\xBF\xBD byte");  // U+FFFD for each
}

TEST(RefusalBody, CarriesTheCodeForItsStatus) {
  const std::vector<std::pair<int, std::string>> cases = {
      {400, "invalid_argument"}, {401, "unauthenticated"}, {403, "permission_denied"},
      {404, "unimplemented"},    {405, "unknown"},         {415, "unknown"},
      {429, "unavailable"},      {503, "unavailable"}};
  for (const auto& [status, code] : cases) {
    const nlohmann::json parsed = nlohmann::json::parse(RefusalBody(Refusal{status, "Origin 'x' not allowed"}));
    EXPECT_EQ(parsed["code"], code) << status;
    EXPECT_EQ(parsed["message"], "Origin 'x' not allowed");
  }
}

// What the browser gets for a call without Connect-Protocol-Version, end to end through the rules.
TEST(RefusalBody, MissingProtocolVersionNamesTheHeader) {
  HttpRequestHead head = OwnPage();
  head.protocol_version = "";
  const nlohmann::json parsed = nlohmann::json::parse(RefusalBody(Refused(head)));
  EXPECT_EQ(parsed["code"], "invalid_argument");
  EXPECT_THAT(parsed["message"].get<std::string>(), HasSubstr("Connect-Protocol-Version"));
}

}  // namespace
}  // namespace ys::gateway
