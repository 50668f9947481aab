// The console's HTTP face end to end, in one process: cpp-httplib's client against ConsoleHttpServer
// (Connect calls, the session cookie, the allow-list, the CSRF rules, the security headers, the static
// site, attachments) forwarding to a real gRPC server (EchoService) that checks the person's role the
// gateway names. The stores are the in-memory fakes; every port is picked by the system.
#include "services/gateway/http_server.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "common/grpc/auth.h"
#include "common/grpc/server.h"
#include "common/grpc/status.h"
#include "common/kafka/cloud_event.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_gateway_stores.h"
#include "yingshang/testing/v1/echo.grpc.pb.h"

namespace ys::gateway {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using yingshang::testing::v1::EchoRequest;
using yingshang::testing::v1::EchoResponse;
using yingshang::testing::v1::EchoService;

// Cheap hashes: the cost is not what these tests are about (passwords_test.cc checks it).
constexpr PasswordParams kCheap{.memory_kib = 1024, .iterations = 1, .parallelism = 1};
constexpr char kPassword[] = "Zhangsan-2022!";
constexpr char kGatewayKey[] = "gateway-key";
// What our own pages send as Origin (a fixed value: the port is only known after Start).
constexpr char kOrigin[] = "https://yingshang.example";
constexpr char kEcho[] = "/yingshang.testing.v1.EchoService/Echo";
constexpr char kLogin[] = "/yingshang.gateway.v1.ConsoleService/Login";
constexpr char kLogout[] = "/yingshang.gateway.v1.ConsoleService/Logout";
constexpr char kUpload[] = "/yingshang.gateway.v1.ConsoleService/UploadAttachment";
constexpr char kImmutable[] = "public, max-age=31536000, immutable";

constexpr char kUnitsAndOffice[] = R"yaml(
methods:
  yingshang.testing.v1.EchoService/Echo: [office, "unit:*"]
)yaml";
constexpr char kPublicToo[] = R"yaml(
methods:
  yingshang.testing.v1.EchoService/Echo: [public, office, "unit:*"]
)yaml";

// The service behind the gateway (as in tests/common/grpc/server_test.cc): requires the request's
// role of the caller and answers the principal's name; counts the calls that reach it.
class EchoImpl final : public EchoService::CallbackService {
 public:
  explicit EchoImpl(const ApiKeyAuthenticator* auth) : auth_(auth) {}
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* ctx, const EchoRequest* req,
                                 EchoResponse* resp) override {
    ++calls_;
    auto* reactor = ctx->DefaultReactor();
    if (!req->require_role().empty()) {
      auto p = auth_->Require(*ctx, {req->require_role()});
      if (!p.ok()) {
        reactor->Finish(ToGrpcStatus(p.status()));
        return reactor;
      }
      resp->set_principal(p->name);
    }
    if (req->fail_with_code() != 0) {
      reactor->Finish(grpc::Status(static_cast<grpc::StatusCode>(req->fail_with_code()),
                                   "field 'text': asked to fail"));
      return reactor;
    }
    resp->set_text(req->text());
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  int calls() const { return calls_; }

 private:
  const ApiKeyAuthenticator* auth_;
  std::atomic<int> calls_ = 0;
};

struct GatewayOptions {
  std::string allowlist = kUnitsAndOffice;
  std::vector<std::string> trusted_proxies;
  std::optional<std::string> backend;  // default: the Echo server
};

std::string EchoJson(const std::string& text, const std::string& role, int fail_with_code = 0) {
  nlohmann::json body = {{"text", text}, {"requireRole", role}};
  if (fail_with_code != 0) body["failWithCode"] = fail_with_code;
  return body.dump();
}

// The Connect error body's fields ("" when absent or not an error body).
std::string CodeOf(const httplib::Result& res) {
  auto j = nlohmann::json::parse(res->body, nullptr, false);
  return j.is_object() ? j.value("code", "") : "";
}
std::string MessageOf(const httplib::Result& res) {
  auto j = nlohmann::json::parse(res->body, nullptr, false);
  return j.is_object() ? j.value("message", "") : "";
}

EchoResponse EchoOf(const httplib::Result& res) {
  EchoResponse out;
  const auto status = google::protobuf::util::JsonStringToMessage(res->body, &out);
  EXPECT_TRUE(status.ok()) << res->body;
  return out;
}

// The answer's bytes as sent: httplib's client percent-decodes every header value it reads, so
// what a browser sees of Content-Disposition is only visible on the wire.
std::string RawGet(int port, const std::string& path, const std::string& cookie) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string out;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    const std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + cookie +
                                "\r\nConnection: close\r\n\r\n";
    if (send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size())) {
      char buf[4096];
      for (ssize_t n; (n = recv(fd, buf, sizeof(buf), 0)) > 0;) out.append(buf, static_cast<size_t>(n));
    }
  }
  close(fd);
  return out;
}

void ExpectSecurityHeaders(const httplib::Result& res, const std::string& what) {
  ASSERT_TRUE(res) << what;
  const std::string csp = res->get_header_value("Content-Security-Policy");
  EXPECT_THAT(csp, HasSubstr("script-src 'self'")) << what;
  EXPECT_THAT(csp, HasSubstr("frame-ancestors 'none'")) << what;
  EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff") << what;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The descriptor of EchoService must be in the generated pool (the forwarder finds methods there).
    ASSERT_NE(EchoRequest::descriptor(), nullptr);
    auth_.Add(Sha256Hex(kGatewayKey), Principal{"console", "gateway"});
    backend_ = std::make_unique<GrpcServer>(GrpcServerOptions{}, backend_metrics_, &auth_);
    backend_->AddService(&echo_);
    ASSERT_TRUE(backend_->Start().ok());

    dir_ = fs::path(::testing::TempDir()) / ("ys_http_" + NewEventId().substr(0, 8));
    fs::create_directories(dir_ / "assets");
    std::ofstream(dir_ / "index.html", std::ios::binary) << "<!doctype html><title>营商</title>";
    std::ofstream(dir_ / "assets" / "x.js", std::ios::binary) << "console.log(1)";
    auto site = StaticSite::Load(dir_.string());
    ASSERT_TRUE(site.ok()) << site.status();
    site_ = *std::move(site);

    AddUser("zhangsan", "张三", "unit:市商务局");
    AddUser("lisi", "李四", "unit:市住建局");
    AddUser("wangwu", "王五", "viewer");
  }

  void TearDown() override {
    StopGateway();
    backend_->Shutdown();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void AddUser(const std::string& login, const std::string& name, const std::string& role) {
    auto hash = HashPassword(kPassword, kCheap, RandomBytes);
    ASSERT_TRUE(hash.ok()) << hash.status();
    UserRecord u;
    u.login = login;
    u.display_name = name;
    u.role = role;
    u.password_hash = *hash;
    u.created_at = clock_.Now() - absl::Hours(24);
    ASSERT_TRUE(users_.Insert(u).ok());
  }

  // A gateway over the shared stores; a second call replaces the first.
  void StartGateway(const GatewayOptions& options = {}) {
    StopGateway();
    auto list = MethodAllowList::Parse(options.allowlist, MethodCatalog::Exists);
    ASSERT_TRUE(list.ok()) << list.status();
    metrics_ = std::make_unique<Metrics>("test");
    allowlist_ = std::make_unique<MethodAllowList>(*std::move(list));
    backends_ = std::make_unique<Backends>(
        std::map<std::string, std::string>{{"yingshang.testing.v1", options.backend.value_or(backend_->address())}},
        grpc::InsecureChannelCredentials());
    forwarder_ = std::make_unique<Forwarder>(*backends_, kGatewayKey, absl::Seconds(5));
    ConsolePolicy policy;
    policy.passwords = kCheap;
    console_ = std::make_unique<Console>(users_, sessions_, rate_, files_, *allowlist_, clock_, policy, *metrics_);
    HttpSettings settings;
    settings.port = 0;
    settings.allowed_origins = {kOrigin};
    settings.trusted_proxies = options.trusted_proxies;
    settings.threads = 4;
    http_ = std::make_unique<ConsoleHttpServer>(settings, *console_, sessions_, *allowlist_, *forwarder_, site_,
                                                *metrics_);
    ASSERT_TRUE(http_->Start().ok());
    ASSERT_GT(http_->port(), 0);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", http_->port());
    client_->set_tcp_nodelay(true);
    // One answer first: the server is then in its accept loop (httplib's stop() before that is lost).
    auto health = client_->Get("/healthz");
    ASSERT_TRUE(health) << httplib::to_string(health.error());
    ASSERT_EQ(health->status, 200);
  }

  void StopGateway() {
    client_.reset();
    http_.reset();
    console_.reset();
    forwarder_.reset();
    backends_.reset();
    allowlist_.reset();
    metrics_.reset();
  }

  // A Connect unary call as our pages make it.
  httplib::Result Call(const std::string& path, const std::string& body, const std::string& cookie = "",
                       const std::string& type = "application/json", httplib::Headers headers = {}) {
    headers.emplace("Connect-Protocol-Version", "1");
    headers.emplace("Origin", kOrigin);
    if (!cookie.empty()) headers.emplace("Cookie", cookie);
    return client_->Post(path, headers, body, type);
  }

  httplib::Result Login(const std::string& login, httplib::Headers headers = {}) {
    return Call(kLogin, nlohmann::json{{"login", login}, {"password", kPassword}}.dump(), "",
                "application/json", std::move(headers));
  }

  // "ys_session=<token>", as the browser sends it back.
  std::string CookieFor(const std::string& login) {
    auto res = Login(login);
    EXPECT_TRUE(res);
    if (!res) return "";
    EXPECT_EQ(res->status, 200) << res->body;
    const std::string set_cookie = res->get_header_value("Set-Cookie");
    return set_cookie.substr(0, set_cookie.find(';'));
  }

  ys::testing::FakeClock clock_{absl::FromUnixSeconds(1665210000)};
  ys::testing::FakeUserStore users_;
  ys::testing::FakeSessionStore sessions_;
  ys::testing::FakeLoginRateLimiter rate_;
  ys::testing::FakeAttachmentStore files_;
  Metrics backend_metrics_{"test"};
  ApiKeyAuthenticator auth_;
  EchoImpl echo_{&auth_};
  std::unique_ptr<GrpcServer> backend_;
  fs::path dir_;
  StaticSite site_;

  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<MethodAllowList> allowlist_;
  std::unique_ptr<Backends> backends_;
  std::unique_ptr<Forwarder> forwarder_;
  std::unique_ptr<Console> console_;
  std::unique_ptr<ConsoleHttpServer> http_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(HttpServerTest, LoginSetsAStrictCookieAndCallsReachTheServiceAsThePerson) {
  StartGateway();
  auto login = Login("zhangsan");
  ASSERT_TRUE(login);
  ASSERT_EQ(login->status, 200) << login->body;
  EXPECT_EQ(login->get_header_value("Content-Type"), "application/json");
  pb::LoginResponse answer;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(login->body, &answer).ok()) << login->body;
  EXPECT_EQ(answer.user().display_name(), "张三");
  EXPECT_EQ(answer.user().role(), "unit:市商务局");
  const std::string set_cookie = login->get_header_value("Set-Cookie");
  EXPECT_EQ(set_cookie, "ys_session=t1; Path=/; Max-Age=43200; HttpOnly; SameSite=Strict");
  EXPECT_THAT(set_cookie, Not(HasSubstr("Secure")));  // plain HTTP, no secure_cookies
  EXPECT_THAT(users_.outcomes(), ElementsAre("ok"));

  auto echo = Call(kEcho, EchoJson("你好", "unit:*"), "ys_session=t1");
  ASSERT_TRUE(echo);
  ASSERT_EQ(echo->status, 200) << echo->body;
  EXPECT_EQ(echo->get_header_value("Content-Type"), "application/json");
  const EchoResponse reply = EchoOf(echo);
  // The person, not the gateway's key: the service applied the person's role.
  EXPECT_EQ(reply.principal(), "张三 (unit:市商务局) via console");
  EXPECT_EQ(reply.text(), "你好");
  EXPECT_EQ(echo_.calls(), 1);
}

TEST_F(HttpServerTest, BinaryCallsAnswerInTheBinaryCodec) {
  StartGateway();
  const std::string cookie = CookieFor("zhangsan");
  EchoRequest req;
  req.set_text("你好");
  req.set_require_role("unit:*");
  auto res = Call(kEcho, req.SerializeAsString(), cookie, "application/proto");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/proto");
  EchoResponse reply;
  ASSERT_TRUE(reply.ParseFromString(res->body));
  EXPECT_EQ(reply.principal(), "张三 (unit:市商务局) via console");
  EXPECT_EQ(reply.text(), "你好");
}

TEST_F(HttpServerTest, ServiceErrorsAndBadBodiesAreConnectErrors) {
  StartGateway();
  const std::string cookie = CookieFor("zhangsan");
  auto not_found = Call(kEcho, EchoJson("x", "unit:*", 5), cookie);
  ASSERT_TRUE(not_found);
  EXPECT_EQ(not_found->status, 404);
  EXPECT_EQ(not_found->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(CodeOf(not_found), "not_found") << not_found->body;
  EXPECT_EQ(MessageOf(not_found), "field 'text': asked to fail");

  auto invalid = Call(kEcho, EchoJson("x", "unit:*", 3), cookie);
  ASSERT_TRUE(invalid);
  EXPECT_EQ(invalid->status, 400);
  EXPECT_EQ(CodeOf(invalid), "invalid_argument") << invalid->body;
  EXPECT_EQ(echo_.calls(), 2);

  auto unknown_field = Call(kEcho, R"({"text":"x","colour":"红"})", cookie);
  ASSERT_TRUE(unknown_field);
  EXPECT_EQ(unknown_field->status, 400);
  EXPECT_EQ(CodeOf(unknown_field), "invalid_argument") << unknown_field->body;
  EXPECT_THAT(MessageOf(unknown_field), HasSubstr("colour"));
  EXPECT_EQ(echo_.calls(), 2);  // refused before the service
}

TEST_F(HttpServerTest, TheAllowListNeedsASessionAndARoleItNames) {
  StartGateway();
  auto anonymous = Call(kEcho, EchoJson("x", "unit:*"));
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
  EXPECT_EQ(CodeOf(anonymous), "unauthenticated") << anonymous->body;

  auto viewer = Call(kEcho, EchoJson("x", "viewer"), CookieFor("wangwu"));
  ASSERT_TRUE(viewer);
  EXPECT_EQ(viewer->status, 403);
  EXPECT_EQ(CodeOf(viewer), "permission_denied") << viewer->body;
  EXPECT_THAT(MessageOf(viewer), HasSubstr("viewer"));

  // A real method, but not one the console may call.
  auto unlisted = Call("/yingshang.gateway.v1.UserAdmin/ListUsers", "{}", CookieFor("zhangsan"));
  ASSERT_TRUE(unlisted);
  EXPECT_EQ(unlisted->status, 403);
  EXPECT_EQ(CodeOf(unlisted), "permission_denied") << unlisted->body;
  // An unknown cookie is no session.
  auto forged = Call(kEcho, EchoJson("x", "unit:*"), "ys_session=t99");
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 401);
  EXPECT_EQ(echo_.calls(), 0);
}

TEST_F(HttpServerTest, APublicMethodCallsAsTheHallScreenWithoutALogin) {
  StartGateway({.allowlist = kPublicToo});
  auto hall = Call(kEcho, EchoJson("大厅", "viewer"));
  ASSERT_TRUE(hall);
  ASSERT_EQ(hall->status, 200) << hall->body;
  EXPECT_EQ(EchoOf(hall).principal(), "大厅显示屏 (viewer) via console");
  // The service still checks: the hall screen is no unit.
  auto as_unit = Call(kEcho, EchoJson("x", "unit:*"));
  ASSERT_TRUE(as_unit);
  EXPECT_EQ(as_unit->status, 403);
  EXPECT_EQ(CodeOf(as_unit), "permission_denied") << as_unit->body;
  // A logged-in person still calls as themselves.
  auto viewer = Call(kEcho, EchoJson("x", "viewer"), CookieFor("wangwu"));
  ASSERT_TRUE(viewer);
  ASSERT_EQ(viewer->status, 200) << viewer->body;
  EXPECT_EQ(EchoOf(viewer).principal(), "王五 (viewer) via console");
}

TEST_F(HttpServerTest, WhatABrowserSendsCrossSiteIsRefusedAndEveryAnswerHasTheSecurityHeaders) {
  StartGateway();
  const std::string cookie = CookieFor("zhangsan");
  const std::string body = EchoJson("x", "unit:*");

  auto form = Call(kEcho, "text=x", cookie, "application/x-www-form-urlencoded");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->status, 415);
  ExpectSecurityHeaders(form, "415");
  auto plain = Call(kEcho, body, cookie, "text/plain");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->status, 415);

  auto no_version = client_->Post(kEcho, {{"Origin", kOrigin}, {"Cookie", cookie}}, body, "application/json");
  ASSERT_TRUE(no_version);
  EXPECT_EQ(no_version->status, 400);
  EXPECT_EQ(CodeOf(no_version), "invalid_argument") << no_version->body;
  EXPECT_THAT(MessageOf(no_version), HasSubstr("Connect-Protocol-Version"));
  ExpectSecurityHeaders(no_version, "400");

  auto foreign = client_->Post(
      kEcho, {{"Connect-Protocol-Version", "1"}, {"Origin", "https://evil.example"}, {"Cookie", cookie}}, body,
      "application/json");
  ASSERT_TRUE(foreign);
  EXPECT_EQ(foreign->status, 403);
  EXPECT_EQ(CodeOf(foreign), "permission_denied") << foreign->body;
  ExpectSecurityHeaders(foreign, "403 origin");
  auto cross_site = Call(kEcho, body, cookie, "application/json", {{"Sec-Fetch-Site", "cross-site"}});
  ASSERT_TRUE(cross_site);
  EXPECT_EQ(cross_site->status, 403);

  auto get = client_->Get(kEcho, {{"Cookie", cookie}});
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 405);
  EXPECT_EQ(get->get_header_value("Allow"), "POST");
  ExpectSecurityHeaders(get, "405");
  EXPECT_EQ(echo_.calls(), 0);

  ExpectSecurityHeaders(Call(kEcho, body), "401");
  ExpectSecurityHeaders(Call(kEcho, body, cookie), "200 connect");
  ExpectSecurityHeaders(client_->Get("/"), "static");
  ExpectSecurityHeaders(client_->Get("/missing.png"), "static 404");
  ExpectSecurityHeaders(client_->Get("/healthz"), "healthz");
  ExpectSecurityHeaders(client_->Get("/attachments/abc"), "attachment 401");
}

TEST_F(HttpServerTest, TheAppIsServedWithItsCachingRules) {
  StartGateway();
  auto index = client_->Get("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_EQ(index->body, "<!doctype html><title>营商</title>");
  EXPECT_EQ(index->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(index->get_header_value("Cache-Control"), "no-cache");

  auto asset = client_->Get("/assets/x.js");
  ASSERT_TRUE(asset);
  EXPECT_EQ(asset->status, 200);
  EXPECT_EQ(asset->body, "console.log(1)");
  EXPECT_EQ(asset->get_header_value("Cache-Control"), kImmutable);

  auto page = client_->Get("/cases/RC-1");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->body, index->body);
  EXPECT_EQ(page->get_header_value("Cache-Control"), "no-cache");

  auto missing = client_->Get("/missing.png");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

TEST_F(HttpServerTest, AttachmentsAreUploadedAsAUnitAndReadByItAndTheOffice) {
  StartGateway();
  const std::string pdf = "%PDF-1.7\n整改报告\n%%EOF\n";
  const std::string zhang = CookieFor("zhangsan");
  nlohmann::json upload = {
      {"filename", "整改报告.pdf"}, {"contentType", "application/pdf"}, {"content", absl::Base64Escape(pdf)}};
  auto up = Call(kUpload, upload.dump(), zhang);
  ASSERT_TRUE(up);
  ASSERT_EQ(up->status, 200) << up->body;
  pb::Attachment file;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(up->body, &file).ok()) << up->body;
  const std::string sha = Sha256Hex(pdf);
  EXPECT_EQ(file.sha256(), sha);
  EXPECT_EQ(file.reference(), "attachment:" + sha + ":整改报告.pdf");
  EXPECT_EQ(file.uploaded_by(), "zhangsan");
  EXPECT_EQ(files_.size(), 1u);

  auto down = client_->Get("/attachments/" + sha, {{"Cookie", zhang}});
  ASSERT_TRUE(down);
  ASSERT_EQ(down->status, 200) << down->body;
  EXPECT_EQ(down->body, pdf);
  EXPECT_EQ(down->get_header_value("Content-Type"), "application/pdf");
  // RFC 6266 / 5987: the UTF-8 name percent-encoded (httplib's client shows it decoded).
  EXPECT_EQ(down->get_header_value("Content-Disposition"), "attachment; filename*=UTF-8''整改报告.pdf");
  EXPECT_THAT(RawGet(http_->port(), "/attachments/" + sha, zhang),
              HasSubstr("\r\nContent-Disposition: attachment; filename*=UTF-8''"
                        "%E6%95%B4%E6%94%B9%E6%8A%A5%E5%91%8A.pdf\r\n"));
  ExpectSecurityHeaders(down, "attachment");

  auto anonymous = client_->Get("/attachments/" + sha);
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
  EXPECT_EQ(CodeOf(anonymous), "unauthenticated") << anonymous->body;
  auto other_unit = client_->Get("/attachments/" + sha, {{"Cookie", CookieFor("lisi")}});
  ASSERT_TRUE(other_unit);
  EXPECT_EQ(other_unit->status, 403);
  EXPECT_EQ(CodeOf(other_unit), "permission_denied") << other_unit->body;
  auto viewer = client_->Get("/attachments/" + sha, {{"Cookie", CookieFor("wangwu")}});
  ASSERT_TRUE(viewer);
  EXPECT_EQ(viewer->status, 200);  // a viewer reads every file
  auto bad_name = client_->Get("/attachments/../etc", {{"Cookie", zhang}});
  ASSERT_TRUE(bad_name);
  EXPECT_NE(bad_name->status, 200);

  // A viewer attaches nothing.
  auto refused = Call(kUpload, upload.dump(), CookieFor("wangwu"));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403);
  EXPECT_EQ(files_.puts(), 1);
}

TEST_F(HttpServerTest, LogoutClearsTheCookieAndEndsTheSession) {
  StartGateway();
  const std::string cookie = CookieFor("zhangsan");
  auto before = Call(kEcho, EchoJson("x", "unit:*"), cookie);
  ASSERT_TRUE(before);
  ASSERT_EQ(before->status, 200);

  auto logout = Call(kLogout, "{}", cookie);
  ASSERT_TRUE(logout);
  ASSERT_EQ(logout->status, 200) << logout->body;
  EXPECT_EQ(logout->get_header_value("Set-Cookie"), "ys_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
  EXPECT_EQ(sessions_.size(), 0u);
  EXPECT_THAT(users_.outcomes(), ElementsAre("ok", "logout"));

  auto after = Call(kEcho, EchoJson("x", "unit:*"), cookie);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 401);
  EXPECT_EQ(CodeOf(after), "unauthenticated") << after->body;
  EXPECT_EQ(echo_.calls(), 1);
}

TEST_F(HttpServerTest, TheLoginAuditTakesTheForwardedAddressOnlyFromATrustedProxy) {
  // Without trusted proxies the header is anyone's to forge: the peer is the client.
  StartGateway();
  auto direct = Login("zhangsan", {{"X-Forwarded-For", "203.0.113.7"}, {"User-Agent", "测试浏览器"}});
  ASSERT_TRUE(direct);
  ASSERT_EQ(direct->status, 200) << direct->body;

  StartGateway({.trusted_proxies = {"127.0.0.1"}});
  // The rightmost hop our proxy did not add; what the client put before it is not believed.
  auto proxied = Login("zhangsan", {{"X-Forwarded-For", "10.9.9.9, 203.0.113.7"}});
  ASSERT_TRUE(proxied);
  ASSERT_EQ(proxied->status, 200) << proxied->body;

  const std::vector<LoginAuditRecord> audit = users_.audit();
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[0].address, "127.0.0.1");
  EXPECT_EQ(audit[0].user_agent, "测试浏览器");
  EXPECT_EQ(audit[1].address, "203.0.113.7");
  EXPECT_THAT(rate_.asked(), ElementsAre("127.0.0.1", "203.0.113.7"));
}

TEST_F(HttpServerTest, ABackendThatIsDownIsUnavailable) {
  StartGateway({.backend = "127.0.0.1:1"});
  auto res = Call(kEcho, EchoJson("x", "unit:*"), CookieFor("zhangsan"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  EXPECT_EQ(CodeOf(res), "unavailable") << res->body;
}

}  // namespace
}  // namespace ys::gateway
