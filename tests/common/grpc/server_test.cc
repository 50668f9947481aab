// The server bootstrap behind an in-process channel: health, auth, status mapping and metrics.
#include "common/grpc/server.h"

#include "common/grpc/status.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "yingshang/testing/v1/echo.grpc.pb.h"

namespace ys {
namespace {

using yingshang::testing::v1::EchoRequest;
using yingshang::testing::v1::EchoResponse;
using yingshang::testing::v1::EchoService;

class EchoImpl final : public EchoService::CallbackService {
 public:
  explicit EchoImpl(const ApiKeyAuthenticator* auth) : auth_(auth) {}
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* ctx, const EchoRequest* req,
                                 EchoResponse* resp) override {
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

 private:
  const ApiKeyAuthenticator* auth_;
};

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auth_.Add(Sha256Hex("office-key"), Principal{"office-dev", "office"});
    auth_.Add(Sha256Hex("unit-key"), Principal{"unit-dev", "unit:市住建局"});
    server_ = std::make_unique<GrpcServer>(GrpcServerOptions{}, metrics_, &auth_);
    server_->AddService(&echo_);
    ASSERT_TRUE(server_->Start().ok());
    channel_ = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
  }
  void TearDown() override { server_->Shutdown(); }

  grpc::Status Call(const std::string& key, const EchoRequest& req, EchoResponse* resp) {
    auto stub = EchoService::NewStub(channel_);
    grpc::ClientContext ctx;
    if (!key.empty()) ctx.AddMetadata("authorization", "Bearer " + key);
    return stub->Echo(&ctx, req, resp);
  }

  grpc::health::v1::HealthCheckResponse::ServingStatus Health() {
    auto stub = grpc::health::v1::Health::NewStub(channel_);
    grpc::ClientContext ctx;
    grpc::health::v1::HealthCheckRequest req;
    grpc::health::v1::HealthCheckResponse resp;
    EXPECT_TRUE(stub->Check(&ctx, req, &resp).ok());
    return resp.status();
  }

  Metrics metrics_{"test"};
  ApiKeyAuthenticator auth_;
  EchoImpl echo_{&auth_};
  std::unique_ptr<GrpcServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(ServerTest, HealthIsNotServingUntilReadyAndNeedsNoKey) {
  EXPECT_EQ(Health(), grpc::health::v1::HealthCheckResponse::NOT_SERVING);
  server_->SetServing(true);
  EXPECT_EQ(Health(), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST_F(ServerTest, MissingOrUnknownKeyIsUnauthenticatedEvenIfTheHandlerForgetsToCheck) {
  EchoRequest req;
  req.set_text("hi");
  EchoResponse resp;
  EXPECT_EQ(Call("", req, &resp).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Call("stolen", req, &resp).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  grpc::Status ok = Call("office-key", req, &resp);
  ASSERT_TRUE(ok.ok()) << ok.error_message();
  EXPECT_EQ(resp.text(), "hi");
}

TEST_F(ServerTest, RolesArePermissionDenied) {
  EchoRequest req;
  req.set_require_role("office");
  EchoResponse resp;
  grpc::Status denied = Call("unit-key", req, &resp);
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(denied.error_message().find("office"), std::string::npos);
  ASSERT_TRUE(Call("office-key", req, &resp).ok());
  EXPECT_EQ(resp.principal(), "office-dev");
  req.set_require_role("unit:*");
  ASSERT_TRUE(Call("unit-key", req, &resp).ok());
  EXPECT_EQ(resp.principal(), "unit-dev");
}

TEST_F(ServerTest, StatusCodesAndMetricsFollowGoGrpcPrometheus) {
  EchoRequest req;
  EchoResponse resp;
  ASSERT_TRUE(Call("office-key", req, &resp).ok());
  req.set_fail_with_code(static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  grpc::Status bad = Call("office-key", req, &resp);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(bad.error_message().find("field 'text'"), std::string::npos);
  (void)Call("", req, &resp);

  const std::string text = metrics_.Serialize();
  const std::string labels =
      "grpc_method=\"Echo\",grpc_service=\"yingshang.testing.v1.EchoService\",grpc_type=\"unary\"";
  EXPECT_NE(text.find("grpc_server_started_total{" + labels + "} 3"), std::string::npos) << text;
  EXPECT_NE(text.find("grpc_server_handled_total{grpc_code=\"OK\"," + labels + "} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("grpc_server_handled_total{grpc_code=\"InvalidArgument\"," + labels + "} 1"),
            std::string::npos);
  EXPECT_NE(text.find("grpc_server_handled_total{grpc_code=\"Unauthenticated\"," + labels + "} 1"),
            std::string::npos);
  EXPECT_NE(text.find("grpc_server_handling_seconds_count{" + labels + "} 3"), std::string::npos);
  EXPECT_NE(text.find("ys_build_info{"), std::string::npos);
}

TEST_F(ServerTest, ShutdownRefusesNewCalls) {
  server_->Shutdown();
  EchoRequest req;
  EchoResponse resp;
  EXPECT_EQ(Call("office-key", req, &resp).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST(ServerStartTest, AddressInUseIsAClearError) {
  Metrics metrics("test");
  GrpcServer first(GrpcServerOptions{}, metrics, nullptr);
  ASSERT_TRUE(first.Start().ok());
  GrpcServerOptions same;
  same.listen = first.address();
  GrpcServer second(same, metrics, nullptr);
  absl::Status s = second.Start();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(s.message().find(first.address()), std::string::npos);
}

TEST(ServerOptionsTest, FromConfig) {
  auto c = Config::FromString("grpc:\n  listen: 127.0.0.1:7102\n  drain_deadline: 3s\n", nullptr);
  auto o = GrpcServerOptionsFromConfig(*c);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->listen, "127.0.0.1:7102");
  EXPECT_EQ(o->drain_deadline, absl::Seconds(3));
  EXPECT_FALSE(o->tls.has_value());
  auto tls = Config::FromString("grpc:\n  listen: x:1\n  tls: {cert_file: a.pem}\n", nullptr);
  EXPECT_NE(GrpcServerOptionsFromConfig(*tls).status().message().find("grpc.tls.key_file"),
            std::string::npos);
}

}  // namespace
}  // namespace ys
