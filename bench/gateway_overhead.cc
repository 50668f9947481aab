// bench/gateway_overhead: what the web console's gateway adds to a read (issue #15). The same
// RankingQuery.GetScorecard (Shangrao, the demo month) at a fixed rate, three ways, in one run:
//   1. straight to ys-ranking over gRPC (the baseline);
//   2. through ys-gateway as Connect JSON, with a session cookie (what the browser does);
//   3. through ys-gateway as Connect binary (application/proto).
// Open loop: call i is due at start + i/rate, and its latency counts from then, so a slow answer
// delays none of the later ones' clocks (no coordinated omission). p50 / p99 of each and the ratios to
// the baseline are printed.
//   gateway_overhead [--http 127.0.0.1:8080] [--ranking 127.0.0.1:7102] [--gateway-grpc 127.0.0.1:7106]
//                    [--key-file var/keys/office.key] [--rate 200] [--seconds 10] [--workers 16]
//                    [--region 3611] [--period 2022-09]
// Needs `make up` with the demo month loaded (make demo). It adds a person bench-<random> (viewer) to
// log in with.
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "grpcpp/grpcpp.h"
#include "yingshang/gateway/v1/gateway.grpc.pb.h"
#include "yingshang/ranking/v1/query.grpc.pb.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Figures {
  std::string name;
  double p50_ms = 0;
  double p99_ms = 0;
  int errors = 0;
  int calls = 0;
};

std::string ReadKey(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return std::string(absl::StripAsciiWhitespace(s.str()));
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5))];
}

// Runs `call` (true on success) at `rate` per second for `seconds` from `workers` threads; each
// worker keeps its own client state (`make_state`).
template <typename State>
Figures Measure(const std::string& name, int rate, int seconds, int workers,
                const std::function<State()>& make_state, const std::function<bool(State&)>& call) {
  const int total = rate * seconds;
  std::atomic<int> next{0};
  std::mutex mu;
  std::vector<double> latencies;
  std::atomic<int> errors{0};
  const auto start = Clock::now() + std::chrono::milliseconds(200);
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&] {
      State state = make_state();
      std::vector<double> mine;
      for (int i = next++; i < total; i = next++) {
        const auto due = start + std::chrono::microseconds(static_cast<int64_t>(i * 1e6 / rate));
        std::this_thread::sleep_until(due);
        if (!call(state)) ++errors;
        mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - due).count());
      }
      std::lock_guard<std::mutex> lock(mu);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
    });
  }
  for (auto& t : threads) t.join();
  return {name, Percentile(latencies, 0.5), Percentile(latencies, 0.99), errors.load(), total};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"The gateway's overhead on GetScorecard beside direct gRPC, at a fixed rate"};
  std::string http = "127.0.0.1:8080", ranking = "127.0.0.1:7102", gateway_grpc = "127.0.0.1:7106";
  std::string key_file = std::string(getenv("YS_VAR") ? getenv("YS_VAR") : "var") + "/keys/office.key";
  std::string region = "3611", period = "2022-09";
  int rate = 200, seconds = 10, workers = 16;
  app.add_option("--http", http);
  app.add_option("--ranking", ranking);
  app.add_option("--gateway-grpc", gateway_grpc);
  app.add_option("--key-file", key_file);
  app.add_option("--rate", rate);
  app.add_option("--seconds", seconds);
  app.add_option("--workers", workers);
  app.add_option("--region", region);
  app.add_option("--period", period);
  CLI11_PARSE(app, argc, argv);
  const std::string key = ReadKey(key_file);
  if (key.empty()) {
    std::fprintf(stderr, "gateway_overhead: no office key in %s (make up writes it)\n", key_file.c_str());
    return 1;
  }

  // A person to log in with.
  std::mt19937_64 rng(std::random_device{}());
  const std::string login = absl::StrFormat("bench-%08x", static_cast<uint32_t>(rng()));
  const std::string password = absl::StrFormat("pw-%016x%016x", rng(), rng());
  {
    auto stub = yingshang::gateway::v1::UserAdmin::NewStub(
        grpc::CreateChannel(gateway_grpc, grpc::InsecureChannelCredentials()));
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + key);
    yingshang::gateway::v1::AddUserRequest req;
    req.set_login(login);
    req.set_display_name("基准测试");
    req.set_role("viewer");
    req.set_password(password);
    yingshang::gateway::v1::User user;
    grpc::Status s = stub->AddUser(&ctx, req, &user);
    if (!s.ok()) {
      std::fprintf(stderr, "gateway_overhead: AddUser: %s\n", s.error_message().c_str());
      return 1;
    }
  }
  httplib::Client login_client("http://" + http);
  const httplib::Headers connect = {{"Connect-Protocol-Version", "1"}, {"Origin", "http://" + http}};
  auto logged = login_client.Post("/yingshang.gateway.v1.ConsoleService/Login", connect,
                                  absl::StrFormat(R"({"login":"%s","password":"%s"})", login, password),
                                  "application/json");
  if (!logged || logged->status != 200) {
    std::fprintf(stderr, "gateway_overhead: login failed (%d)\n", logged ? logged->status : -1);
    return 1;
  }
  std::string cookie = logged->get_header_value("Set-Cookie");
  cookie = cookie.substr(0, cookie.find(';'));

  yingshang::ranking::v1::GetScorecardRequest request;
  request.set_region_code(region);
  request.set_period(period);
  const std::string json = absl::StrFormat(R"({"regionCode":"%s","period":"%s"})", region, period);
  const std::string binary = request.SerializeAsString();
  auto channel = grpc::CreateChannel(ranking, grpc::InsecureChannelCredentials());
  auto stub = yingshang::ranking::v1::RankingQuery::NewStub(channel);

  // Warm both paths (connections, the Redis cache).
  for (int i = 0; i < 50; ++i) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + key);
    yingshang::ranking::v1::Scorecard out;
    if (!stub->GetScorecard(&ctx, request, &out).ok() || out.rows_size() == 0) {
      std::fprintf(stderr, "gateway_overhead: no scorecard for %s %s (make demo loads it)\n", region.c_str(),
                   period.c_str());
      return 1;
    }
  }

  auto direct = Measure<int>(
      "gRPC direct to ys-ranking", rate, seconds, workers, [] { return 0; },
      [&](int&) {
        grpc::ClientContext ctx;
        ctx.AddMetadata("authorization", "Bearer " + key);
        yingshang::ranking::v1::Scorecard out;
        return stub->GetScorecard(&ctx, request, &out).ok() && out.rows_size() > 0;
      });
  using Http = std::unique_ptr<httplib::Client>;
  auto make_http = [&] {
    auto c = std::make_unique<httplib::Client>("http://" + http);
    c->set_keep_alive(true);
    c->set_tcp_nodelay(true);
    return c;
  };
  httplib::Headers with_cookie = connect;
  with_cookie.emplace("Cookie", cookie);
  auto via_json = Measure<Http>("Connect JSON via ys-gateway", rate, seconds, workers, make_http, [&](Http& c) {
    auto r = c->Post("/yingshang.ranking.v1.RankingQuery/GetScorecard", with_cookie, json, "application/json");
    return r && r->status == 200 && r->body.find("\"rows\"") != std::string::npos;
  });
  auto via_proto = Measure<Http>("Connect binary via ys-gateway", rate, seconds, workers, make_http, [&](Http& c) {
    auto r = c->Post("/yingshang.ranking.v1.RankingQuery/GetScorecard", with_cookie, binary, "application/proto");
    return r && r->status == 200 && !r->body.empty();
  });

  std::printf("GetScorecard %s %s at %d/s for %d s, %d workers (open loop)\n", region.c_str(), period.c_str(), rate,
              seconds, workers);
  std::printf("%-32s %9s %9s %7s %7s %7s\n", "path", "p50 ms", "p99 ms", "calls", "errors", "p99 ×");
  for (const Figures& f : {direct, via_json, via_proto}) {
    std::printf("%-32s %9.2f %9.2f %7d %7d %7.2f\n", f.name.c_str(), f.p50_ms, f.p99_ms, f.calls, f.errors,
                direct.p99_ms > 0 ? f.p99_ms / direct.p99_ms : 0);
  }
  std::printf("ratio p50 JSON/direct %.2f, p99 JSON/direct %.2f; p50 binary/direct %.2f, p99 binary/direct %.2f\n",
              via_json.p50_ms / direct.p50_ms, via_json.p99_ms / direct.p99_ms, via_proto.p50_ms / direct.p50_ms,
              via_proto.p99_ms / direct.p99_ms);
  return (direct.errors + via_json.errors + via_proto.errors) == 0 ? 0 : 1;
}
