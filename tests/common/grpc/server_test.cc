// The server bootstrap behind an in-process channel: health, auth, status mapping and metrics.
#include "common/grpc/server.h"

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "common/grpc/status.h"
#include "common/grpc/unary.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/generic/generic_stub.h"
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

// Echo whose body blocks until released, as a handler waiting on a slow PostgreSQL would; it runs on
// an executor through FinishUnaryOn.
class SlowEchoImpl final : public EchoService::CallbackService {
 public:
  explicit SlowEchoImpl(CallExecutor& executor) : executor_(executor) {}
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* ctx, const EchoRequest* req,
                                 EchoResponse* resp) override {
    return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
      std::unique_lock lock(mu_);
      ++entered_;
      changed_.notify_all();
      changed_.wait(lock, [this] { return released_; });
      resp->set_text(req->text());
      return absl::OkStatus();
    });
  }
  void WaitEntered(int n) {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return entered_ >= n; });
  }
  int entered() {
    std::lock_guard lock(mu_);
    return entered_;
  }
  void Release() {
    std::lock_guard lock(mu_);
    released_ = true;
    changed_.notify_all();
  }

 private:
  CallExecutor& executor_;
  std::mutex mu_;
  std::condition_variable changed_;
  int entered_ = 0;
  bool released_ = false;
};

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auth_.Add(Sha256Hex("office-key"), Principal{"office-dev", "office"});
    auth_.Add(Sha256Hex("unit-key"), Principal{"unit-dev", "unit:市住建局"});
    auth_.Add(Sha256Hex("gateway-key"), Principal{"console", "gateway"});
    server_ = std::make_unique<GrpcServer>(GrpcServerOptions{}, metrics_, &auth_);
    server_->AddService(&echo_);
    ASSERT_TRUE(server_->Start().ok());
    channel_ = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
  }
  void TearDown() override { server_->Shutdown(); }

  grpc::Status Call(const std::string& key, const EchoRequest& req, EchoResponse* resp,
                    const std::vector<std::pair<std::string, std::string>>& person = {}) {
    auto stub = EchoService::NewStub(channel_);
    grpc::ClientContext ctx;
    if (!key.empty()) ctx.AddMetadata("authorization", "Bearer " + key);
    for (const auto& [k, v] : person) ctx.AddMetadata(k, v);
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

// Issue #15: the gateway's key names the person it calls for; services take the person's role and put
// the person in their audit trails. Any other key naming a person is refused.
TEST_F(ServerTest, OnlyTheGatewayKeyMayNameAPerson) {
  const std::vector<std::pair<std::string, std::string>> zhang = {
      {kPersonLoginMetadata, "zhangsan"}, {kPersonNameMetadata, "张三"},
      {kPersonRoleMetadata, "unit:市住建局"}};
  EchoRequest req;
  req.set_require_role("unit:*");
  EchoResponse resp;
  grpc::Status ok = Call("gateway-key", req, &resp, zhang);
  ASSERT_TRUE(ok.ok()) << ok.error_message();
  EXPECT_EQ(resp.principal(), "张三 (unit:市住建局) via console");
  req.set_require_role("office");
  EXPECT_EQ(Call("gateway-key", req, &resp, zhang).error_code(), grpc::StatusCode::PERMISSION_DENIED);

  req.set_require_role("unit:*");
  grpc::Status forged = Call("unit-key", req, &resp, zhang);
  EXPECT_EQ(forged.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(forged.error_message().find("only the gateway"), std::string::npos);

  // The gateway's key alone is no one's: it holds no role a handler grants.
  EXPECT_EQ(Call("gateway-key", req, &resp).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // A role no person may hold is refused.
  EXPECT_EQ(Call("gateway-key", req, &resp,
                 {{kPersonLoginMetadata, "x"}, {kPersonRoleMetadata, "platform:jxzwfw"}})
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
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

TEST_F(ServerTest, MethodsNoServiceHasShareOneMetricLabel) {
  grpc::GenericStub generic(channel_);
  auto call = [&](const std::string& method) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer office-key");
    grpc::Slice body(std::string("x"));
    grpc::ByteBuffer request(&body, 1);
    grpc::ByteBuffer response;
    std::promise<grpc::Status> done;
    generic.UnaryCall(&ctx, method, grpc::StubOptions(), &request, &response,
                      [&](grpc::Status s) { done.set_value(std::move(s)); });
    return done.get_future().get();
  };
  for (const std::string method :
       {"/no.such.Service/Anything", "/random-1234/x", "/yingshang.testing.v1.EchoService/Nope"}) {
    EXPECT_EQ(call(method).error_code(), grpc::StatusCode::UNIMPLEMENTED) << method;
  }
  EchoRequest req;
  EchoResponse resp;
  ASSERT_TRUE(Call("office-key", req, &resp).ok());

  const std::string text = metrics_.Serialize();
  EXPECT_NE(text.find("grpc_server_started_total{grpc_method=\"unknown\",grpc_service=\"unknown\","
                      "grpc_type=\"bidi_stream\"} 3"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("grpc_server_handled_total{grpc_code=\"Unimplemented\",grpc_method=\"unknown\","
                      "grpc_service=\"unknown\",grpc_type=\"bidi_stream\"} 3"),
            std::string::npos)
      << text;
  for (const char* path : {"no.such.Service", "Anything", "random-1234", "Nope"}) {
    EXPECT_EQ(text.find(path), std::string::npos) << path << " has a series of its own:\n" << text;
  }
  // A registered method keeps its own labels.
  EXPECT_NE(text.find("grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"Echo\","
                      "grpc_service=\"yingshang.testing.v1.EchoService\",grpc_type=\"unary\"} 1"),
            std::string::npos)
      << text;
}

TEST_F(ServerTest, AMessageOverTheReceiveLimitIsResourceExhausted) {
  EchoRequest req;
  req.set_text(std::string(GrpcLimits{}.max_receive_bytes, 'x'));  // plus its tag and length
  EchoResponse resp;
  EXPECT_EQ(Call("office-key", req, &resp).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  req.set_text(std::string(GrpcLimits{}.max_receive_bytes - 100, 'x'));
  EXPECT_TRUE(Call("office-key", req, &resp).ok());
}

// A slow database holds the executor's workers and its queue, not gRPC's own threads: past the
// queue calls are refused at once, and health still answers.
TEST(ServerExecutorTest, AFullExecutorRefusesCallsAndHealthStillAnswers) {
  Metrics metrics("test");
  CallExecutor executor({.workers = 1, .max_queued_calls = 1}, metrics);
  SlowEchoImpl slow(executor);
  GrpcServer server(GrpcServerOptions{}, metrics, nullptr);
  server.AddService(&slow);
  ASSERT_TRUE(server.Start().ok());
  server.SetServing(true);
  auto channel = grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
  auto stub = EchoService::NewStub(channel);

  // One call on the worker, one queued.
  struct Pending {
    grpc::ClientContext ctx;
    EchoRequest req;
    EchoResponse resp;
    std::promise<grpc::Status> done;
  };
  Pending first, second;
  for (Pending* p : {&first, &second}) {
    p->req.set_text("slow");
    stub->async()->Echo(&p->ctx, &p->req, &p->resp,
                        [p](grpc::Status s) { p->done.set_value(std::move(s)); });
    if (p == &first) slow.WaitEntered(1);
  }
  while (executor.queued() < 1) std::this_thread::sleep_for(std::chrono::milliseconds(5));

  grpc::ClientContext refused_ctx;
  refused_ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  EchoRequest req;
  EchoResponse resp;
  grpc::Status refused = stub->Echo(&refused_ctx, req, &resp);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(refused.error_message().find("grpc.workers"), std::string::npos) << refused.error_message();

  auto health = grpc::health::v1::Health::NewStub(channel);
  for (int i = 0; i < 20; ++i) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
    grpc::health::v1::HealthCheckResponse status;
    ASSERT_TRUE(health->Check(&ctx, {}, &status).ok());
    EXPECT_EQ(status.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  }
  EXPECT_EQ(slow.entered(), 1);

  slow.Release();
  EXPECT_TRUE(first.done.get_future().get().ok());
  EXPECT_TRUE(second.done.get_future().get().ok());
  EXPECT_EQ(second.resp.text(), "slow");
  EXPECT_NE(metrics.Serialize().find("ys_grpc_executor_rejected_total 1"), std::string::npos)
      << metrics.Serialize();
  server.Shutdown();
}

TEST(ServerLimitsTest, ConcurrentStreamsPerConnectionAreCapped) {
  Metrics metrics("test");
  CallExecutor executor({.workers = 2, .max_queued_calls = 2}, metrics);
  SlowEchoImpl slow(executor);
  GrpcServerOptions options;
  options.limits.max_concurrent_streams = 1;
  GrpcServer server(options, metrics, nullptr);
  server.AddService(&slow);
  ASSERT_TRUE(server.Start().ok());
  auto stub = EchoService::NewStub(
      grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));

  grpc::ClientContext first_ctx;
  EchoRequest req;
  EchoResponse first_resp;
  std::promise<grpc::Status> first;
  stub->async()->Echo(&first_ctx, &req, &first_resp,
                      [&](grpc::Status s) { first.set_value(std::move(s)); });
  slow.WaitEntered(1);
  // The second stream on the same connection waits for the first; it never reaches the handler.
  grpc::ClientContext second_ctx;
  second_ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
  EchoResponse second_resp;
  EXPECT_EQ(stub->Echo(&second_ctx, req, &second_resp).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_EQ(slow.entered(), 1);
  slow.Release();
  EXPECT_TRUE(first.get_future().get().ok());
  server.Shutdown();
}

TEST(ServerLimitsTest, AClientPingingTooOftenIsDisconnected) {
  Metrics metrics("test");
  CallExecutor executor({.workers = 1, .max_queued_calls = 1}, metrics);
  SlowEchoImpl slow(executor);
  GrpcServerOptions options;
  options.limits.min_ping_interval = absl::Seconds(10);
  options.limits.max_ping_strikes = 1;
  GrpcServer server(options, metrics, nullptr);
  server.AddService(&slow);
  ASSERT_TRUE(server.Start().ok());
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 50);
  args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  args.SetInt(GRPC_ARG_HTTP2_MIN_SENT_PING_INTERVAL_WITHOUT_DATA_MS, 50);
  auto stub = EchoService::NewStub(grpc::CreateCustomChannel(
      server.address(), grpc::InsecureChannelCredentials(), args));
  // A call that waits long enough for the client's pings: the server sends GOAWAY and the
  // connection, with the call, is gone well before the deadline.
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  EchoRequest req;
  EchoResponse resp;
  std::promise<grpc::Status> done;
  stub->async()->Echo(&ctx, &req, &resp, [&](grpc::Status s) { done.set_value(std::move(s)); });
  auto status = done.get_future();
  ASSERT_EQ(status.wait_for(std::chrono::seconds(15)), std::future_status::ready);
  EXPECT_EQ(status.get().error_code(), grpc::StatusCode::UNAVAILABLE);
  slow.Release();
  server.Shutdown();
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

TEST(ServerOptionsTest, LimitsHaveDefaultsAndRefuseBadValuesNamingTheKey) {
  auto defaults = GrpcServerOptionsFromConfig(*Config::FromString("grpc: {listen: x:1}\n", nullptr));
  ASSERT_TRUE(defaults.ok()) << defaults.status();
  EXPECT_EQ(defaults->limits.max_receive_bytes, 1 << 20);
  EXPECT_EQ(defaults->limits.max_concurrent_streams, 100);
  EXPECT_EQ(defaults->limits.stream_budget_bytes, size_t{64} << 20);
  EXPECT_EQ(defaults->limits.min_ping_interval, absl::Seconds(30));
  EXPECT_FALSE(defaults->limits.permit_without_calls);
  EXPECT_EQ(defaults->executor.workers, 8u);
  EXPECT_EQ(defaults->executor.max_queued_calls, 128u);

  auto set = GrpcServerOptionsFromConfig(*Config::FromString(
      "grpc:\n  listen: x:1\n  max_receive_bytes: 4096\n  max_concurrent_streams: 8\n"
      "  stream_budget_bytes: 100000\n  workers: 3\n  max_queued_calls: 9\n"
      "  keepalive: {time: 1m, timeout: 5s, min_ping_interval: 10s, permit_without_calls: true, "
      "max_ping_strikes: 4}\n",
      nullptr));
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->limits.max_receive_bytes, 4096);
  EXPECT_EQ(set->limits.max_concurrent_streams, 8);
  EXPECT_EQ(set->limits.stream_budget_bytes, 100000u);
  EXPECT_EQ(set->limits.keepalive_time, absl::Minutes(1));
  EXPECT_EQ(set->limits.keepalive_timeout, absl::Seconds(5));
  EXPECT_EQ(set->limits.min_ping_interval, absl::Seconds(10));
  EXPECT_TRUE(set->limits.permit_without_calls);
  EXPECT_EQ(set->limits.max_ping_strikes, 4);
  EXPECT_EQ(set->executor.workers, 3u);
  EXPECT_EQ(set->executor.max_queued_calls, 9u);

  for (const auto& [key, yaml] : std::vector<std::pair<std::string, std::string>>{
           {"grpc.max_receive_bytes", "max_receive_bytes: 0"},
           {"grpc.max_receive_bytes", "max_receive_bytes: 1MiB"},
           {"grpc.max_receive_bytes", "max_receive_bytes: 4294967296"},
           {"grpc.max_concurrent_streams", "max_concurrent_streams: -1"},
           {"grpc.stream_budget_bytes", "stream_budget_bytes: 0"},
           {"grpc.workers", "workers: 0"},
           {"grpc.max_queued_calls", "max_queued_calls: 0"},
           {"grpc.keepalive.time", "keepalive: {time: 0s}"},
           {"grpc.keepalive.timeout", "keepalive: {timeout: often}"},
           {"grpc.keepalive.min_ping_interval", "keepalive: {min_ping_interval: -1s}"},
           {"grpc.keepalive.permit_without_calls", "keepalive: {permit_without_calls: maybe}"},
           {"grpc.keepalive.max_ping_strikes", "keepalive: {max_ping_strikes: 0}"},
       }) {
    auto bad = GrpcServerOptionsFromConfig(
        *Config::FromString("grpc:\n  listen: x:1\n  " + yaml + "\n", nullptr));
    ASSERT_FALSE(bad.ok()) << yaml;
    EXPECT_NE(bad.status().message().find("'" + key + "'"), std::string::npos)
        << yaml << ": " << bad.status().message();
  }
}

}  // namespace
}  // namespace ys
