#pragma once

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "common/metrics/metrics.h"
#include "services/gateway/allowlist.h"
#include "services/gateway/console.h"
#include "services/gateway/forwarder.h"
#include "services/gateway/static_files.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace ys::gateway {

struct HttpSettings {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0 picks one
  std::vector<std::string> allowed_origins;  // Origin values our own pages send
  std::string tls_cert_file;                 // both set: HTTPS, and the cookie is Secure
  std::string tls_key_file;
  // Behind a TLS-terminating ingress: mark the cookie Secure anyway (gateway.http.secure_cookies).
  bool secure_cookies = false;
  // Proxies (the ingress) whose X-Forwarded-For names the client, for the login audit and the
  // per-address limit (gateway.http.trusted_proxies); any other peer is the client itself.
  std::vector<std::string> trusted_proxies;
  int threads = 16;
  size_t max_body_bytes = 16 << 20;
  // Who the pages without a login (the hall screen) call as.
  Person public_person{"hall-screen", "大厅显示屏", "viewer"};
};

// The console's HTTP face: the Connect protocol (POST /<service>/<method>) for the console's own
// calls and, by the allow-list, every service's; GET /attachments/<sha256>; the web app's files.
// Every answer carries the security headers (CSP without inline script, nosniff, no framing).
class ConsoleHttpServer {
 public:
  ConsoleHttpServer(HttpSettings settings, Console& console, SessionStore& sessions,
                    const MethodAllowList& allowlist, const Forwarder& forwarder, const StaticSite& site,
                    Metrics& metrics);
  ~ConsoleHttpServer();

  // Binds and serves on a thread of its own.
  absl::Status Start();
  void Stop();
  int port() const { return port_; }
  bool tls() const { return !settings_.tls_cert_file.empty(); }
  bool secure_cookies() const { return tls() || settings_.secure_cookies; }

 private:
  void HandleConnect(const httplib::Request& req, httplib::Response& res);
  void HandleConsoleCall(const ConnectCall& call, const httplib::Request& req, httplib::Response& res,
                         const std::optional<Session>& session, const std::string& token);
  void HandleAttachment(const httplib::Request& req, httplib::Response& res);
  void HandleStatic(const httplib::Request& req, httplib::Response& res);
  absl::StatusOr<std::optional<Session>> SessionOf(const httplib::Request& req, std::string* token);
  std::string SessionCookie(const std::string& token, absl::Duration max_age) const;
  void Count(absl::string_view route, int status, absl::Duration elapsed);
  ClientInfo ClientOf(const httplib::Request& req) const;

  HttpSettings settings_;
  Console& console_;
  SessionStore& sessions_;
  const MethodAllowList& allowlist_;
  const Forwarder& forwarder_;
  const StaticSite& site_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& seconds_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace ys::gateway
