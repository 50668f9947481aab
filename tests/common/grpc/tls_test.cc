// TLS and mutual TLS on the gRPC listener (grpc.tls.* config), with test certificates.
#include <fstream>
#include <sstream>

#include "common/grpc/server.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"

namespace ys {
namespace {

std::string Tls(const std::string& name) { return std::string(YS_SOURCE_DIR) + "/tests/data/tls/" + name; }

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

grpc::Status Check(const std::string& address, std::shared_ptr<grpc::ChannelCredentials> creds) {
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride("localhost");
  auto stub = grpc::health::v1::Health::NewStub(grpc::CreateCustomChannel(address, creds, args));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  grpc::health::v1::HealthCheckResponse resp;
  return stub->Check(&ctx, {}, &resp);
}

TEST(TlsTest, ServerTlsFromConfig) {
  auto config = Config::FromString("grpc:\n  listen: 127.0.0.1:0\n  tls:\n    cert_file: " +
                                       Tls("server.pem") + "\n    key_file: " + Tls("server.key") + "\n",
                                   nullptr);
  auto options = GrpcServerOptionsFromConfig(*config);
  ASSERT_TRUE(options.ok()) << options.status();
  Metrics metrics("tls_test");
  GrpcServer server(*options, metrics, nullptr);
  ASSERT_TRUE(server.Start().ok());
  grpc::SslCredentialsOptions trust;
  trust.pem_root_certs = Read(Tls("ca.pem"));
  EXPECT_TRUE(Check(server.address(), grpc::SslCredentials(trust)).ok());
  // A plaintext client cannot talk to a TLS listener.
  EXPECT_FALSE(Check(server.address(), grpc::InsecureChannelCredentials()).ok());
}

TEST(TlsTest, MutualTlsRequiresAClientCertificate) {
  GrpcServerOptions options;
  options.tls = TlsOptions{Tls("server.pem"), Tls("server.key"), Tls("ca.pem")};
  Metrics metrics("tls_test");
  GrpcServer server(options, metrics, nullptr);
  ASSERT_TRUE(server.Start().ok());
  grpc::SslCredentialsOptions with_cert;
  with_cert.pem_root_certs = Read(Tls("ca.pem"));
  with_cert.pem_private_key = Read(Tls("client.key"));
  with_cert.pem_cert_chain = Read(Tls("client.pem"));
  EXPECT_TRUE(Check(server.address(), grpc::SslCredentials(with_cert)).ok());
  grpc::SslCredentialsOptions without_cert;
  without_cert.pem_root_certs = Read(Tls("ca.pem"));
  EXPECT_FALSE(Check(server.address(), grpc::SslCredentials(without_cert)).ok());
}

TEST(TlsTest, MissingCertificateFileNamesTheKey) {
  GrpcServerOptions options;
  options.tls = TlsOptions{"/nonexistent/server.pem", Tls("server.key"), ""};
  Metrics metrics("tls_test");
  GrpcServer server(options, metrics, nullptr);
  absl::Status s = server.Start();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("grpc.tls.cert_file"), std::string::npos);
}

}  // namespace
}  // namespace ys
