// The authorization matrix (issue #17), its unit half: every RPC of the yingshang.* protos has its row
// in tests/authz/matrix.yaml and every row an RPC; then the services that run on in-memory fakes
// (catalog, duty, notify and its documents, the gateway's UserAdmin and its console calls) are
// started and each RPC is called under every role's key, a person of every console role, the
// gateway's key alone and no key. The services on PostgreSQL are authz_matrix_integration_test.cc's.
#include <httplib.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "common/grpc/server.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "services/gateway/console.h"
#include "services/gateway/forwarder.h"
#include "services/gateway/http_server.h"
#include "services/gateway/user_admin.h"
#include "services/indicator/catalog_service.h"
#include "services/notify/documents/document_service.h"
#include "services/notify/service.h"
#include "tests/authz/matrix_table.h"
#include "tests/authz/probe.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_document_sources.h"
#include "tests/fakes/fake_gateway_stores.h"
#include "tests/services/duty/duty_server_fixture.h"
#include "tests/services/indicator/fake_catalog_store.h"
#include "tests/services/notify/fake_notify_store.h"

namespace ys::authz {
namespace {

// --- the table against the protos -------------------------------------------------------------

TEST(AuthzMatrixTable, EveryRpcHasOneRowAndEveryRowAnRpc) {
  const MatrixTable table = MustLoadMatrix();
  const DeclaredRpcs declared = DeclaredInProtos(ProtoRoot());
  EXPECT_TRUE(declared.unlinked.empty())
      << "no descriptor of " << absl::StrJoin(declared.unlinked, ", ")
      << " in this binary: link it (ys_proto whole, tests/CMakeLists.txt)";
  ASSERT_GT(declared.methods.size(), 50u);
  std::set<std::string> methods;
  for (const google::protobuf::MethodDescriptor* m : declared.methods) {
    const std::string name = RowName(m);
    methods.insert(name);
    const bool console = m->service()->full_name() == "yingshang.gateway.v1.ConsoleService";
    if (console) {
      EXPECT_TRUE(table.console.contains(name)) << name << " has no row under 'console' in tests/authz/matrix.yaml";
    } else {
      EXPECT_TRUE(table.grpc.contains(name) || table.unserved.contains(name))
          << name << " has no row under 'grpc' (or 'unserved') in tests/authz/matrix.yaml";
    }
  }
  for (const auto* section : {&table.grpc, &table.console}) {
    for (const auto& [name, roles] : *section) {
      EXPECT_TRUE(methods.contains(name)) << "tests/authz/matrix.yaml: row " << name << " names no RPC of the protos";
    }
  }
  for (const auto& [name, why] : table.unserved) {
    EXPECT_TRUE(methods.contains(name)) << "tests/authz/matrix.yaml: unserved " << name << " names no RPC";
  }
}

TEST(AuthzMatrixTable, EveryServedServiceIsProbedBySomeSuite) {
  const MatrixTable table = MustLoadMatrix();
  std::set<std::string> hosted, served, unserved;
  for (const ServiceHost& host : kServiceHosts) hosted.insert(host.service);
  for (const auto* section : {&table.grpc, &table.console}) {
    for (const auto& [name, roles] : *section) served.insert(name.substr(0, name.find('/')));
  }
  for (const auto& [name, why] : table.unserved) unserved.insert(name.substr(0, name.find('/')));
  for (const std::string& service : served) {
    EXPECT_TRUE(hosted.contains(service)) << service << " has rows but no suite probes it: add it to kServiceHosts "
                                          << "(tests/authz/matrix_table.h) and start it in a matrix suite";
  }
  for (const std::string& service : hosted) {
    EXPECT_TRUE(served.contains(service)) << service << " is in kServiceHosts but has no row";
    EXPECT_FALSE(unserved.contains(service)) << service << " is served by a suite, yet listed as unserved";
  }
}

TEST(AuthzMatrixTable, ThisBinaryProbesItsServices) { ExpectHostSuitesExist("unit"); }

// What a row means for each caller, on a row that lets only units through.
TEST(AuthzMatrixTable, ARowAllowsItsRolesAndRefusesTheOthers) {
  const std::vector<std::string> units = {"unit:*"};
  EXPECT_EQ(ExpectedFor({"unit", "k", "unit:市商务局", ""}, units), Expected::kAllowed);
  EXPECT_EQ(ExpectedFor({"person", kGatewayKey, "unit:市商务局", "unit:市商务局"}, units), Expected::kAllowed);
  EXPECT_EQ(ExpectedFor({"viewer", "k", "viewer", ""}, units), Expected::kDenied);
  EXPECT_EQ(ExpectedFor({"gateway key alone", kGatewayKey, "", ""}, units), Expected::kDenied);
  EXPECT_EQ(ExpectedFor({"no key", "", "", ""}, units), Expected::kUnauthenticated);
  EXPECT_EQ(ExpectedFor({"unit", "k", "unit:市商务局", ""}, {"office", "unit:* own"}), Expected::kAllowedOwn);
  const grpc::Status gate(grpc::StatusCode::PERMISSION_DENIED, "role 'viewer' may not do this; it needs one of: office");
  const grpc::Status scope(grpc::StatusCode::PERMISSION_DENIED, "case RC-1 belongs to 市商务局, not to 市财政局");
  EXPECT_TRUE(Matches(Expected::kAllowed, grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "field 'id'")));
  EXPECT_FALSE(Matches(Expected::kAllowed, scope));
  EXPECT_TRUE(Matches(Expected::kAllowedOwn, scope));
  EXPECT_FALSE(Matches(Expected::kAllowedOwn, gate));
  EXPECT_TRUE(Matches(Expected::kDenied, gate));
  EXPECT_FALSE(Matches(Expected::kDenied, scope));  // refused, but not by the role check the row is
  EXPECT_FALSE(Matches(Expected::kDenied, grpc::Status::OK));
  EXPECT_FALSE(Matches(Expected::kAllowed, grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "")));  // nothing checked
}

TEST(AuthzMatrixTable, ATypoInARoleIsRefused) {
  const std::string path = ::testing::TempDir() + "/authz_matrix_typo.yaml";
  std::ofstream(path) << "grpc:\n  yingshang.gateway.v1.UserAdmin/AddUser: [offices]\nconsole: {}\n";
  auto table = LoadMatrix(path);
  ASSERT_FALSE(table.ok());
  EXPECT_NE(table.status().message().find("grpc.yingshang.gateway.v1.UserAdmin/AddUser: role 'offices'"),
            std::string::npos)
      << table.status();
}

// --- the services on fakes ---------------------------------------------------------------------

TEST(CatalogMatrix, EveryRoleOnEveryRpc) {
  const MatrixTable table = MustLoadMatrix();
  Metrics metrics{"authz_catalog"};
  CallExecutor executor{CallExecutorOptions{}, metrics};
  ApiKeyAuthenticator auth;
  indicator::testing::FakeCatalogStore store;
  ys::testing::FakeClock clock{absl::FromUnixSeconds(1664467200)};
  indicator::CatalogServiceImpl service{store, auth, clock, executor};
  MatrixServer server(auth, {&service});
  ASSERT_TRUE(server.started().ok()) << server.started();
  EXPECT_GT(ProbeServices(server.address(), {"yingshang.indicator.v1.CatalogService"}, table), 0);
}

// The duty service on its in-memory store, as tests/services/duty/service_test.cc runs it.
class DutyMatrix : public duty::testing::DutyServerTest {};

TEST_F(DutyMatrix, EveryRoleOnEveryRpc) {
  const MatrixTable table = MustLoadMatrix();
  ImportSampleDirectory();
  AddCallerKeys(auth_);
  EXPECT_GT(ProbeServices(server_->address(), {"yingshang.duty.v1.DutyService"}, table), 0);
}

class NullPrinter final : public notify::documents::PdfPrinter {
 public:
  absl::StatusOr<std::string> Print(std::string_view) override { return std::string("%PDF-1.4 authz"); }
};
class NullCaseOpener final : public notify::documents::CaseOpener {
 public:
  absl::StatusOr<std::string> Open(const yingshang::rectification::v1::OpenCaseRequest&) override {
    return absl::UnavailableError("no rectification in the matrix test");
  }
};

// notify's desk and documents on its in-memory store, with the 2022Q3 sample sources.
TEST(NotifyMatrix, EveryRoleOnEveryRpc) {
  const MatrixTable table = MustLoadMatrix();
  Metrics metrics{"authz_notify"};
  CallExecutor executor{CallExecutorOptions{}, metrics};
  ApiKeyAuthenticator auth;
  notify::testing::FakeNotifyStore store;
  notify::RecipientBook book;
  notify::NotifySettings settings;
  ys::testing::FakeClock clock{absl::FromCivil(absl::CivilSecond(2022, 10, 17, 10, 0, 0), Shanghai())};
  notify::NotifyDesk desk{store, book, settings, clock};
  notify::NotifyImpl notify{desk, auth, executor};
  ys::testing::FakeDocumentSources sources;
  ys::testing::LoadSample2022Q3(sources);
  NullPrinter printer;
  NullCaseOpener cases;
  notify::documents::DocumentDesk documents_desk{store, sources, printer, cases, book, clock};
  notify::documents::DocumentServiceImpl documents{documents_desk, auth, executor};
  MatrixServer server(auth, {&notify, &documents});
  ASSERT_TRUE(server.started().ok()) << server.started();
  EXPECT_GT(ProbeServices(server.address(),
                          {"yingshang.notify.v1.NotifyService", "yingshang.notify.v1.DocumentService"}, table),
            0);
}

// The gateway: UserAdmin over gRPC; ConsoleService over HTTP to a session of each console role.
class GatewayMatrix : public ::testing::Test {
 protected:
  static constexpr char kOrigin[] = "https://yingshang.example";

  void SetUp() override {
    policy_.passwords = {.memory_kib = 1024, .iterations = 1, .parallelism = 1};
    admin_ = std::make_unique<gateway::UserAdminImpl>(users_, sessions_, clock_, auth_, executor_, policy_);
    auto list = gateway::MethodAllowList::Parse("methods: {}\n", gateway::MethodCatalog::Exists);
    ASSERT_TRUE(list.ok()) << list.status();
    allowlist_ = std::make_unique<gateway::MethodAllowList>(*std::move(list));
    backends_ = std::make_unique<gateway::Backends>(std::map<std::string, std::string>{},
                                                    grpc::InsecureChannelCredentials());
    forwarder_ = std::make_unique<gateway::Forwarder>(*backends_, kGatewayKey, absl::Seconds(5));
    console_ = std::make_unique<gateway::Console>(users_, sessions_, rate_, files_, *allowlist_, clock_, policy_,
                                                  metrics_);
    gateway::HttpSettings settings;
    settings.port = 0;
    settings.allowed_origins = {kOrigin};
    settings.threads = 2;
    http_ = std::make_unique<gateway::ConsoleHttpServer>(settings, *console_, sessions_, *allowlist_, *forwarder_,
                                                         site_, metrics_);
    ASSERT_TRUE(http_->Start().ok());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", http_->port());
    // One answer first: the server is then in its accept loop (httplib's stop() before that is lost).
    auto health = client_->Get("/healthz");
    ASSERT_TRUE(health) << httplib::to_string(health.error());
  }
  void TearDown() override {
    client_.reset();
    http_.reset();
  }

  // The Connect error code of a console call ("" for a 200), as the person with `token` (none: "").
  std::string ConsoleCall(const google::protobuf::MethodDescriptor* method, const std::string& token) {
    httplib::Headers headers = {{"Connect-Protocol-Version", "1"}, {"Origin", kOrigin}};
    if (!token.empty()) headers.emplace("Cookie", "ys_session=" + token);
    auto res = client_->Post(absl::StrCat("/", method->service()->full_name(), "/", method->name()), headers, "{}",
                             "application/json");
    if (!res) return "no answer: " + httplib::to_string(res.error());
    if (res->status == 200) return "";
    auto body = nlohmann::json::parse(res->body, nullptr, false);
    return body.is_object() ? body.value("code", "") : absl::StrCat("HTTP ", res->status);
  }

  Metrics metrics_{"authz_gateway"};
  CallExecutor executor_{CallExecutorOptions{}, metrics_};
  ys::testing::FakeClock clock_{absl::FromUnixSeconds(1665210000)};
  ApiKeyAuthenticator auth_;
  gateway::ConsolePolicy policy_;
  ys::testing::FakeUserStore users_;
  ys::testing::FakeSessionStore sessions_;
  ys::testing::FakeLoginRateLimiter rate_;
  ys::testing::FakeAttachmentStore files_;
  gateway::StaticSite site_;
  std::unique_ptr<gateway::UserAdminImpl> admin_;
  std::unique_ptr<gateway::MethodAllowList> allowlist_;
  std::unique_ptr<gateway::Backends> backends_;
  std::unique_ptr<gateway::Forwarder> forwarder_;
  std::unique_ptr<gateway::Console> console_;
  std::unique_ptr<gateway::ConsoleHttpServer> http_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(GatewayMatrix, EveryRoleOnEveryUserAdminRpc) {
  const MatrixTable table = MustLoadMatrix();
  MatrixServer server(auth_, {admin_.get()});
  ASSERT_TRUE(server.started().ok()) << server.started();
  EXPECT_GT(ProbeServices(server.address(), {"yingshang.gateway.v1.UserAdmin"}, table), 0);
}

// A person of each console role (their session in the store), and no session, on every
// ConsoleService method: "public" rows refuse nobody; the others as the gRPC rows.
TEST_F(GatewayMatrix, EveryPersonOnEveryConsoleRpc) {
  const MatrixTable table = MustLoadMatrix();
  std::vector<std::string> people = {""};  // the roles; "": no session
  for (const auto& [pattern, role] : ProbeRoles()) {
    if (ValidatePersonRole(role).ok()) people.push_back(role);
  }
  int methods = 0;
  for (const google::protobuf::MethodDescriptor* method : DeclaredInProtos(ProtoRoot()).methods) {
    if (method->service()->full_name() != "yingshang.gateway.v1.ConsoleService") continue;
    ++methods;
    const std::string name = RowName(method);
    auto row = table.console.find(name);
    if (row == table.console.end()) {
      ADD_FAILURE() << name << " has no row under 'console' in tests/authz/matrix.yaml";
      continue;
    }
    const bool open = std::find(row->second.begin(), row->second.end(), "public") != row->second.end();
    for (const std::string& role : people) {
      // A session of its own for each call: Logout ends the one it is called with.
      std::string token;
      if (!role.empty()) {
        auto created = sessions_.Create({"authz-" + role, "矩阵测试", role, clock_.Now(), clock_.Now() + absl::Hours(1)});
        ASSERT_TRUE(created.ok()) << created.status();
        token = *created;
      }
      const std::string code = ConsoleCall(method, token);
      const std::string as = absl::StrCat(name, " as ", role.empty() ? "no session" : role, ": answered '", code,
                                          "', the row [",
                                          absl::StrJoin(row->second, ", "), "] says ");
      EXPECT_NE(code, "unimplemented") << as << "it is served";
      if (open) {
        EXPECT_NE(code, "permission_denied") << as << "anyone may call it";
      } else if (token.empty()) {
        EXPECT_EQ(code, "unauthenticated") << as << "log in first";
      } else if (ExpectedFor({role, "session", role, ""}, row->second) == Expected::kAllowed) {
        EXPECT_TRUE(code != "permission_denied" && code != "unauthenticated") << as << "let through";
      } else {
        EXPECT_EQ(code, "permission_denied") << as << "refused";
      }
    }
  }
  EXPECT_EQ(methods, static_cast<int>(table.console.size()));
  std::cout << "authz matrix: yingshang.gateway.v1.ConsoleService: " << methods << " RPCs x " << people.size()
            << " callers\n";
}

}  // namespace
}  // namespace ys::authz
