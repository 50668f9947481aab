// ys-gateway: the web console's server — the web app's files, people and sessions, and the Connect
// protocol in front of every service's gRPC API. Wiring only.
#include "absl/strings/str_cat.h"
#include "common/grpc/channel.h"
#include "common/grpc/server.h"
#include "common/log/log.h"
#include "common/pg/outbox.h"
#include "common/process/service_setup.h"
#include "common/process/signals.h"
#include "common/process/startup.h"
#include "common/redis/redis.h"
#include "services/gateway/console.h"
#include "services/gateway/embedded.h"
#include "services/gateway/forwarder.h"
#include "services/gateway/http_server.h"
#include "services/gateway/pg_store.h"
#include "services/gateway/sessions.h"
#include "services/gateway/settings.h"
#include "services/gateway/static_files.h"
#include "services/gateway/user_admin.h"

namespace {
constexpr char kProgram[] = "ys-gateway";
}

int main(int argc, char** argv) {
  ys::BlockTerminationSignals();
  const ys::ServiceSetup setup = ys::LoadServiceSetupOrExit(kProgram, "gateway", argc, argv);
  const auto settings = ys::ValueOrExit(kProgram, ys::gateway::LoadGatewaySettings(setup.config));
  const auto allowlist = ys::ValueOrExit(
      kProgram, ys::gateway::MethodAllowList::Parse(settings.allowlist_yaml, ys::gateway::MethodCatalog::Exists));
  const auto site = ys::ValueOrExit(kProgram, ys::gateway::StaticSite::Load(settings.static_dir));
  ys::ExitIfConfigCheck(kProgram, setup);
  if (site.empty()) ys::log::Warn("web app not built: pages answer 503", {{"static_dir", settings.static_dir}});

  auto runtime = ys::StartStoreRuntimeOrExit(kProgram, "gateway", setup, ys::gateway::EmbeddedMigrations());
  ys::RealClock clock;
  ys::RedisClient redis(settings.redis);
  ys::gateway::PgGatewayStore store(*runtime->pool);
  ys::gateway::RedisSessionStore sessions(redis, clock, settings.policy.sessions, ys::gateway::RandomBytes);
  ys::gateway::RedisLoginRateLimiter rate(redis, clock, settings.login_per_address_per_minute);
  ys::gateway::Console console(store, sessions, rate, store, allowlist, clock, settings.policy, runtime->metrics);
  const auto backend_credentials = ys::ValueOrExit(kProgram, ys::ChannelCredentialsFor(settings.backend_tls));
  ys::gateway::Backends backends(settings.backends, backend_credentials,
                                 settings.backend_tls ? settings.backend_tls->server_name : "");
  ys::gateway::Forwarder forwarder(backends, settings.service_key, settings.call_timeout);

  ys::gateway::UserAdminImpl user_admin(store, sessions, clock, setup.auth, *runtime->executor, settings.policy);
  ys::GrpcServer server(setup.grpc, runtime->metrics, &setup.auth);
  server.AddService(&user_admin);
  ys::CheckOrExit(kProgram, server.Start());

  ys::gateway::ConsoleHttpServer http(settings.http, console, sessions, allowlist, forwarder, site, runtime->metrics);
  ys::CheckOrExit(kProgram, http.Start());
  ys::CheckOrExit(kProgram, redis.Ping());
  auto readiness = ys::WatchReadiness(server, *runtime);  // NOT_SERVING while PostgreSQL is lost
  readiness->SetReady(true);
  ys::log::Info("gateway serving", {{"http", absl::StrCat(settings.http.host, ":", http.port())},
                                    {"grpc", server.address()},
                                    {"metrics", absl::StrCat("127.0.0.1:", runtime->exposer->port())},
                                    {"static_files", absl::StrCat(site.size())}});

  ys::WaitForTermination();
  http.Stop();
  server.Shutdown();
  return 0;
}
