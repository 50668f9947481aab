#include "services/gateway/http_server.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/log/log.h"

namespace ys::gateway {
namespace {

constexpr char kCookie[] = "ys_session";
constexpr char kConsoleService[] = "yingshang.gateway.v1.ConsoleService";

// script-src 'self': no inline script anywhere (the app is bundled files); styles may be inline
// (Element Plus sets style attributes); nothing may frame the console.
constexpr char kCsp[] =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

void SecurityHeaders(httplib::Response& res, bool tls) {
  res.set_header("Content-Security-Policy", kCsp);
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Referrer-Policy", "same-origin");
  res.set_header("Cross-Origin-Opener-Policy", "same-origin");
  if (tls) res.set_header("Strict-Transport-Security", "max-age=31536000");
}

void ConnectError(httplib::Response& res, const absl::Status& status) {
  res.status = HttpStatusFor(status.code());
  res.set_content(ConnectErrorBody(status), "application/json");
}

std::string ContentTypeFor(Codec codec) {
  return codec == Codec::kProto ? "application/proto" : "application/json";
}

std::string PercentEncode(absl::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (absl::ascii_isalnum(c) || c == '.' || c == '-' || c == '_') {
      out += static_cast<char>(c);
    } else {
      absl::StrAppend(&out, "%", absl::AsciiStrToUpper(absl::StrCat(absl::Hex(c, absl::kZeroPad2))));
    }
  }
  return out;
}

}  // namespace

ConsoleHttpServer::ConsoleHttpServer(HttpSettings settings, Console& console, SessionStore& sessions,
                                     const MethodAllowList& allowlist, const Forwarder& forwarder,
                                     const StaticSite& site, Metrics& metrics)
    : settings_(std::move(settings)),
      console_(console),
      sessions_(sessions),
      allowlist_(allowlist),
      forwarder_(forwarder),
      site_(site),
      requests_(prometheus::BuildCounter()
                    .Name("ys_gateway_http_requests_total")
                    .Help("HTTP requests by route (connect, attachment, static) and status")
                    .Register(metrics.registry())),
      seconds_(prometheus::BuildHistogram()
                   .Name("ys_gateway_http_request_seconds")
                   .Help("HTTP request latency by route")
                   .Register(metrics.registry())) {}

ConsoleHttpServer::~ConsoleHttpServer() { Stop(); }

void ConsoleHttpServer::Count(absl::string_view route, int status, absl::Duration elapsed) {
  requests_.Add({{"route", std::string(route)}, {"code", absl::StrCat(status)}}).Increment();
  seconds_.Add({{"route", std::string(route)}}, LatencyBuckets()).Observe(absl::ToDoubleSeconds(elapsed));
}

ClientInfo ConsoleHttpServer::ClientOf(const httplib::Request& req) const {
  const auto& trusted = settings_.trusted_proxies;
  auto is_trusted = [&](absl::string_view a) { return std::find(trusted.begin(), trusted.end(), a) != trusted.end(); };
  std::string address = req.remote_addr;
  if (is_trusted(address)) {
    // The rightmost hop our proxies did not add is the client.
    std::vector<std::string> hops = absl::StrSplit(req.get_header_value("X-Forwarded-For"), ',', absl::SkipEmpty());
    for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
      const std::string hop(absl::StripAsciiWhitespace(*it));
      address = hop;
      if (!is_trusted(hop)) break;
    }
  }
  return {address, req.get_header_value("User-Agent").substr(0, 300)};
}

std::string ConsoleHttpServer::SessionCookie(const std::string& token, absl::Duration max_age) const {
  return absl::StrCat(kCookie, "=", token, "; Path=/; Max-Age=", absl::ToInt64Seconds(max_age),
                      "; HttpOnly; SameSite=Strict", secure_cookies() ? "; Secure" : "");
}

absl::StatusOr<std::optional<Session>> ConsoleHttpServer::SessionOf(const httplib::Request& req,
                                                                    std::string* token) {
  token->clear();
  for (absl::string_view part : absl::StrSplit(req.get_header_value("Cookie"), ';')) {
    part = absl::StripAsciiWhitespace(part);
    if (absl::ConsumePrefix(&part, kCookie) && absl::ConsumePrefix(&part, "=")) *token = std::string(part);
  }
  if (token->empty()) return std::optional<Session>();
  return sessions_.Find(*token);
}

absl::Status ConsoleHttpServer::Start() {
  if (tls()) {
    server_ = std::make_unique<httplib::SSLServer>(settings_.tls_cert_file.c_str(), settings_.tls_key_file.c_str());
    if (!server_->is_valid()) {
      return absl::InvalidArgumentError(
          "config key 'gateway.http.tls': the certificate or key file cannot be loaded");
    }
  } else {
    server_ = std::make_unique<httplib::Server>();
  }
  const int threads = settings_.threads;
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server_->set_payload_max_length(settings_.max_body_bytes);
  // Small answers on kept-alive connections: without it Nagle and delayed ACKs add ~40 ms to each.
  server_->set_tcp_nodelay(true);
  server_->set_post_routing_handler(
      [this](const httplib::Request&, httplib::Response& res) { SecurityHeaders(res, tls()); });
  server_->Post(".*", [this](const httplib::Request& req, httplib::Response& res) { HandleConnect(req, res); });
  server_->Get(R"(/attachments/.*)",
               [this](const httplib::Request& req, httplib::Response& res) { HandleAttachment(req, res); });
  server_->Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok\n", "text/plain");
  });
  server_->Get(".*", [this](const httplib::Request& req, httplib::Response& res) { HandleStatic(req, res); });
  server_->Put(".*", [](const httplib::Request&, httplib::Response& res) { res.status = 405; });
  server_->Delete(".*", [](const httplib::Request&, httplib::Response& res) { res.status = 405; });
  server_->Patch(".*", [](const httplib::Request&, httplib::Response& res) { res.status = 405; });

  if (settings_.port == 0) {
    port_ = server_->bind_to_any_port(settings_.host);
    if (port_ <= 0) return absl::UnavailableError(absl::StrCat("cannot bind ", settings_.host));
  } else {
    if (!server_->bind_to_port(settings_.host, settings_.port)) {
      return absl::UnavailableError(absl::StrCat("config key 'gateway.http.listen': cannot bind ",
                                                 settings_.host, ":", settings_.port));
    }
    port_ = settings_.port;
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // httplib's stop() does nothing before the loop runs: wait for it, so a Stop() right after Start()
  // (a SIGTERM at startup) cannot leave the thread listening and the join blocked.
  for (int i = 0; i < 5000 && !server_->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return absl::OkStatus();
}

void ConsoleHttpServer::Stop() {
  if (server_ != nullptr) server_->stop();
  if (thread_.joinable()) thread_.join();
}

void ConsoleHttpServer::HandleConnect(const httplib::Request& req, httplib::Response& res) {
  const absl::Time start = absl::Now();
  HttpRequestHead head{req.method,
                       req.path,
                       req.get_header_value("Content-Type"),
                       req.get_header_value("Connect-Protocol-Version"),
                       req.get_header_value("Origin"),
                       req.get_header_value("Sec-Fetch-Site"),
                       req.get_header_value("Connect-Timeout-Ms")};
  auto decision = AcceptConnectRequest(head, settings_.allowed_origins);
  if (auto* refusal = std::get_if<Refusal>(&decision)) {
    res.status = refusal->http_status;
    res.set_content(RefusalBody(*refusal), "application/json");
    Count("refused", res.status, absl::Now() - start);
    return;
  }
  const ConnectCall& call = std::get<ConnectCall>(decision);
  std::string token;
  auto session = SessionOf(req, &token);
  if (!session.ok()) {
    ConnectError(res, session.status());
    Count("connect", res.status, absl::Now() - start);
    return;
  }
  if (call.service == kConsoleService) {
    HandleConsoleCall(call, req, res, *session, token);
    Count("console", res.status, absl::Now() - start);
    return;
  }
  const std::string role = session->has_value() ? (*session)->role : "";
  if (!allowlist_.Allows(role, call.FullMethod())) {
    ConnectError(res, session->has_value()
                          ? absl::PermissionDeniedError(absl::StrCat("role '", role, "' may not call ",
                                                                     call.FullMethod(), " from the console"))
                          : absl::UnauthenticatedError("log in first: this call needs a session"));
    Count("connect", res.status, absl::Now() - start);
    return;
  }
  const Person person = session->has_value()
                            ? Person{(*session)->login, (*session)->display_name, (*session)->role}
                            : settings_.public_person;
  auto answer = forwarder_.Forward(call, person, req.body);
  if (!answer.ok()) {
    ConnectError(res, answer.status());
  } else {
    res.status = 200;
    res.set_content(*answer, ContentTypeFor(call.codec));
  }
  Count("connect", res.status, absl::Now() - start);
}

void ConsoleHttpServer::HandleConsoleCall(const ConnectCall& call, const httplib::Request& req,
                                          httplib::Response& res, const std::optional<Session>& session,
                                          const std::string& token) {
  const google::protobuf::MethodDescriptor* method = MethodCatalog::Find(call.FullMethod());
  if (method == nullptr) {
    ConnectError(res, absl::UnimplementedError(absl::StrCat("no method ", call.FullMethod())));
    return;
  }
  auto request = MethodCatalog::Decode(method->input_type(), call.codec, req.body);
  if (!request.ok()) {
    ConnectError(res, request.status());
    return;
  }
  const ClientInfo client = ClientOf(req);
  auto reply = [&](const absl::StatusOr<std::string>& body) {
    if (!body.ok()) return ConnectError(res, body.status());
    res.status = 200;
    res.set_content(*body, ContentTypeFor(call.codec));
  };
  if (call.method == "Login") {
    auto result = console_.Login(static_cast<const pb::LoginRequest&>(**request), client);
    if (!result.ok()) return ConnectError(res, result.status());
    res.set_header("Set-Cookie", SessionCookie(result->token, console_.policy().sessions.absolute));
    return reply(MethodCatalog::Encode(result->response, call.codec));
  }
  if (call.method == "Logout") {
    auto status = console_.Logout(token, session, client);
    if (!status.ok()) return ConnectError(res, status);
    res.set_header("Set-Cookie", SessionCookie("", absl::ZeroDuration()));
    return reply(MethodCatalog::Encode(pb::LogoutResponse(), call.codec));
  }
  if (!session.has_value()) return ConnectError(res, absl::UnauthenticatedError("log in first: no session"));
  if (call.method == "WhoAmI") {
    auto who = console_.WhoAmI(*session);
    if (!who.ok()) return ConnectError(res, who.status());
    return reply(MethodCatalog::Encode(*who, call.codec));
  }
  if (call.method == "UploadAttachment") {
    auto file = console_.Upload(*session, static_cast<const pb::UploadAttachmentRequest&>(**request));
    if (!file.ok()) return ConnectError(res, file.status());
    return reply(MethodCatalog::Encode(*file, call.codec));
  }
  ConnectError(res, absl::UnimplementedError(absl::StrCat("no method ", call.FullMethod())));
}

void ConsoleHttpServer::HandleAttachment(const httplib::Request& req, httplib::Response& res) {
  const absl::Time start = absl::Now();
  std::string token;
  auto session = SessionOf(req, &token);
  absl::Status status = session.status();
  if (status.ok() && !session->has_value()) status = absl::UnauthenticatedError("log in first: no session");
  if (status.ok()) {
    auto file = console_.Download(**session, std::string(absl::StripPrefix(req.path, "/attachments/")));
    status = file.status();
    if (file.ok()) {
      res.status = 200;
      res.set_header("Cache-Control", "private, max-age=3600");
      res.set_header("Content-Disposition",
                     absl::StrCat("attachment; filename*=UTF-8''", PercentEncode(file->filename)));
      res.set_content(file->content, file->content_type);
    }
  }
  if (!status.ok()) ConnectError(res, status);
  Count("attachment", res.status, absl::Now() - start);
}

void ConsoleHttpServer::HandleStatic(const httplib::Request& req, httplib::Response& res) {
  const absl::Time start = absl::Now();
  if (absl::StartsWith(req.path, "/yingshang.")) {
    // A Connect path asked with GET: only POST is served (our CSRF rule).
    res.status = 405;
    res.set_header("Allow", "POST");
    res.set_content(RefusalBody({405, "method: only POST is served"}), "application/json");
  } else if (site_.empty()) {
    res.status = 503;
    res.set_content("<!doctype html><meta charset=utf-8><title>营商</title><p>网页控制台尚未构建（make build）。",
                    "text/html; charset=utf-8");
  } else if (const StaticFile* file = site_.Find(req.path); file != nullptr) {
    res.status = 200;
    res.set_header("Cache-Control", file->cache_control);
    res.set_content(file->content, file->content_type);
  } else {
    res.status = 404;
    res.set_content("not found\n", "text/plain");
  }
  Count("static", res.status, absl::Now() - start);
}

}  // namespace ys::gateway
