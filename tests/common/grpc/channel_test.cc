// The client side of gRPC TLS (common/grpc/channel.h): grpc.client.tls.* read and checked, and real
// calls to a GrpcServer with mutual TLS, with a CA and certificates openssl makes for this run.
#include "common/grpc/channel.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "common/grpc/server.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/support/run_process.h"

namespace ys {
namespace {

using ::ys::testing::RunProcess;

// A throwaway PKI in a temporary directory: two CAs (the second trusted by nobody), a server
// certificate for 127.0.0.1, one that names only "ys-indicator.test", and a client certificate.
class Pki {
 public:
  Pki() {
    dir_ = ::testing::TempDir() + "/ys_channel_tls_XXXXXX";
    if (mkdtemp(dir_.data()) == nullptr) {
      error_ = "mkdtemp failed";
      return;
    }
    MakeCa("ca");
    MakeCa("other_ca");
    MakeLeaf("server", "ca", "127.0.0.1", "subjectAltName=IP:127.0.0.1,DNS:localhost");
    MakeLeaf("named", "ca", "ys-indicator.test", "subjectAltName=DNS:ys-indicator.test");
    MakeLeaf("client", "ca", "ysctl-test", "extendedKeyUsage=clientAuth");
    MakeLeaf("stranger", "other_ca", "stranger", "extendedKeyUsage=clientAuth");
  }
  ~Pki() { std::filesystem::remove_all(dir_); }

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  const std::string& error() const { return error_; }

 private:
  void Run(const std::vector<std::string>& argv) {
    if (!error_.empty()) return;
    const auto out = RunProcess(argv);
    if (out.exit_code != 0) error_ = argv[1] + " " + argv[2] + ": " + out.text;
  }
  void MakeCa(const std::string& name) {
    Run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-days", "1", "-subj", "/CN=" + name, "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
         "keyUsage=critical,keyCertSign,cRLSign", "-keyout", Path(name + ".key"), "-out", Path(name + ".pem")});
  }
  void MakeLeaf(const std::string& name, const std::string& ca, const std::string& cn, const std::string& ext) {
    std::ofstream(Path(name + ".ext")) << ext << "\n";
    Run({"openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-subj", "/CN=" + cn, "-keyout", Path(name + ".key"), "-out", Path(name + ".csr")});
    Run({"openssl", "x509", "-req", "-in", Path(name + ".csr"), "-CA", Path(ca + ".pem"), "-CAkey",
         Path(ca + ".key"), "-CAcreateserial", "-days", "1", "-extfile", Path(name + ".ext"), "-out",
         Path(name + ".pem")});
  }

  std::string dir_;
  std::string error_;
};

std::optional<std::string> NoEnv(const std::string&) { return std::nullopt; }

grpc::Status Check(const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  grpc::health::v1::HealthCheckResponse resp;
  return stub->Check(&ctx, {}, &resp);
}

class ChannelTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { pki_ = new Pki(); }
  static void TearDownTestSuite() {
    delete pki_;
    pki_ = nullptr;
  }
  void SetUp() override { ASSERT_EQ(pki_->error(), ""); }

  static std::string P(const std::string& name) { return pki_->Path(name); }

  // A server asking for a client certificate signed by "ca" (grpc.tls.client_ca_file).
  std::unique_ptr<GrpcServer> MutualTlsServer(const std::string& leaf) {
    GrpcServerOptions options;
    options.tls = TlsOptions{P(leaf + ".pem"), P(leaf + ".key"), P("ca.pem")};
    auto server = std::make_unique<GrpcServer>(options, metrics_, nullptr);
    EXPECT_TRUE(server->Start().ok());
    return server;
  }

  // A channel from grpc.client.tls.* YAML, as the gateway and notify open theirs.
  absl::StatusOr<std::shared_ptr<grpc::Channel>> ChannelFromConfig(const std::string& address,
                                                                   const std::string& tls_yaml) {
    auto config = Config::FromString("grpc:\n  client:\n    tls:\n" + tls_yaml, NoEnv);
    if (!config.ok()) return config.status();
    auto tls = ClientTlsOptionsFromConfig(*config);
    if (!tls.ok()) return tls.status();
    auto creds = ChannelCredentialsFor(*tls);
    if (!creds.ok()) return creds.status();
    return MakeChannel(address, *creds, tls->has_value() ? (*tls)->server_name : "");
  }

  static Pki* pki_;
  Metrics metrics_{"channel_test"};
};

Pki* ChannelTest::pki_ = nullptr;

TEST_F(ChannelTest, NoKeyMeansPlaintext) {
  auto config = Config::FromString("grpc:\n  listen: 127.0.0.1:0\n", NoEnv);
  ASSERT_TRUE(config.ok());
  auto tls = ClientTlsOptionsFromConfig(*config);
  ASSERT_TRUE(tls.ok()) << tls.status();
  EXPECT_FALSE(tls->has_value());

  GrpcServer server(GrpcServerOptions{}, metrics_, nullptr);
  ASSERT_TRUE(server.Start().ok());
  auto creds = ChannelCredentialsFor(std::nullopt);
  ASSERT_TRUE(creds.ok());
  EXPECT_TRUE(Check(MakeChannel(server.address(), *creds)).ok());
}

TEST_F(ChannelTest, ReadsEveryKeyAndTheEnvironmentOverridesIt) {
  auto config = Config::FromString(
      "grpc:\n  client:\n    tls:\n      ca_file: /nonexistent/ca.pem\n      server_name: ys-indicator.test\n",
      [](const std::string& name) -> std::optional<std::string> {
        if (name == "YS_GRPC_CLIENT_TLS_CA_FILE") return P("ca.pem");
        if (name == "YS_GRPC_CLIENT_TLS_CERT_FILE") return P("client.pem");
        if (name == "YS_GRPC_CLIENT_TLS_KEY_FILE") return P("client.key");
        return std::nullopt;
      });
  ASSERT_TRUE(config.ok());
  auto tls = ClientTlsOptionsFromConfig(*config);
  ASSERT_TRUE(tls.ok()) << tls.status();
  ASSERT_TRUE(tls->has_value());
  EXPECT_EQ((*tls)->ca_file, P("ca.pem"));
  EXPECT_EQ((*tls)->cert_file, P("client.pem"));
  EXPECT_EQ((*tls)->key_file, P("client.key"));
  EXPECT_EQ((*tls)->server_name, "ys-indicator.test");
}

TEST_F(ChannelTest, ErrorsNameTheKey) {
  struct Case {
    std::string yaml;
    std::string key;
  } cases[] = {
      {"      ca_file: " + P("ca.pem") + "\n      cert_file: " + P("client.pem") + "\n",
       "grpc.client.tls.key_file"},
      {"      key_file: " + P("client.key") + "\n", "grpc.client.tls.cert_file"},
      {"      ca_file: /nonexistent/ca.pem\n", "grpc.client.tls.ca_file"},
      {"      cert_file: /nonexistent/c.pem\n      key_file: " + P("client.key") + "\n",
       "grpc.client.tls.cert_file"},
      {"      cert_file: " + P("client.pem") + "\n      key_file: /nonexistent/c.key\n",
       "grpc.client.tls.key_file"},
  };
  for (const Case& c : cases) {
    auto config = Config::FromString("grpc:\n  client:\n    tls:\n" + c.yaml, NoEnv);
    ASSERT_TRUE(config.ok());
    auto tls = ClientTlsOptionsFromConfig(*config);
    ASSERT_FALSE(tls.ok()) << c.yaml;
    EXPECT_EQ(tls.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(tls.status().message().find(c.key), std::string::npos) << tls.status();
  }
  auto creds = ChannelCredentialsFor(ClientTlsOptions{.ca_file = "/nonexistent/ca.pem"});
  ASSERT_FALSE(creds.ok());
  EXPECT_NE(creds.status().message().find("/nonexistent/ca.pem"), std::string::npos);
}

TEST_F(ChannelTest, MutualTlsCallSucceedsWithTheClientCertificate) {
  auto server = MutualTlsServer("server");
  auto channel = ChannelFromConfig(server->address(), "      ca_file: " + P("ca.pem") + "\n      cert_file: " +
                                                          P("client.pem") + "\n      key_file: " +
                                                          P("client.key") + "\n");
  ASSERT_TRUE(channel.ok()) << channel.status();
  const grpc::Status s = Check(*channel);
  EXPECT_TRUE(s.ok()) << s.error_message();
}

TEST_F(ChannelTest, MutualTlsServerRefusesPlaintextAndMissingOrForeignClientCertificates) {
  auto server = MutualTlsServer("server");
  auto plaintext = ChannelCredentialsFor(std::nullopt);
  ASSERT_TRUE(plaintext.ok());
  EXPECT_EQ(Check(MakeChannel(server->address(), *plaintext)).error_code(), grpc::StatusCode::UNAVAILABLE);

  auto no_cert = ChannelFromConfig(server->address(), "      ca_file: " + P("ca.pem") + "\n");
  ASSERT_TRUE(no_cert.ok()) << no_cert.status();
  EXPECT_EQ(Check(*no_cert).error_code(), grpc::StatusCode::UNAVAILABLE);

  // A certificate from a CA the server does not trust.
  auto foreign = ChannelFromConfig(server->address(), "      ca_file: " + P("ca.pem") + "\n      cert_file: " +
                                                          P("stranger.pem") + "\n      key_file: " +
                                                          P("stranger.key") + "\n");
  ASSERT_TRUE(foreign.ok()) << foreign.status();
  EXPECT_EQ(Check(*foreign).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(ChannelTest, ClientRefusesAServerItsCaDidNotSign) {
  auto server = MutualTlsServer("server");
  auto channel = ChannelFromConfig(server->address(), "      ca_file: " + P("other_ca.pem") + "\n      cert_file: " +
                                                          P("client.pem") + "\n      key_file: " +
                                                          P("client.key") + "\n");
  ASSERT_TRUE(channel.ok()) << channel.status();
  EXPECT_EQ(Check(*channel).error_code(), grpc::StatusCode::UNAVAILABLE);
}

// A server reached by IP whose certificate names only its DNS name: refused unless server_name says
// which name to check.
TEST_F(ChannelTest, ServerNameOverridesTheNameChecked) {
  auto server = MutualTlsServer("named");
  const std::string tls = "      ca_file: " + P("ca.pem") + "\n      cert_file: " + P("client.pem") +
                          "\n      key_file: " + P("client.key") + "\n";
  auto by_ip = ChannelFromConfig(server->address(), tls);
  ASSERT_TRUE(by_ip.ok()) << by_ip.status();
  EXPECT_EQ(Check(*by_ip).error_code(), grpc::StatusCode::UNAVAILABLE);

  auto named = ChannelFromConfig(server->address(), tls + "      server_name: ys-indicator.test\n");
  ASSERT_TRUE(named.ok()) << named.status();
  const grpc::Status s = Check(*named);
  EXPECT_TRUE(s.ok()) << s.error_message();
}

}  // namespace
}  // namespace ys
