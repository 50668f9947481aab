// bench/read_load: an open-loop gRPC load generator that does not decode the answers (issue #18).
// ghz decodes every response through dynamic protobuf; on two cores that took 1.1 cores for the
// scorecard's 21 KB answers, leaving the server short. This client sends a request encoded once
// and receives the answer as bytes (gRPC's generic stub), so the cores stay with the server.
//
//   read_load --address 127.0.0.1:7102 --method /yingshang.ranking.v1.RankingQuery/GetScorecard
//     --type yingshang.ranking.v1.GetScorecardRequest --json '{"regionCode":"3611","period":"2021-02"}'
//     --rps 2000 --concurrency 16 --seconds 10 [--key KEY]
//
// Each of `concurrency` workers sends rps/concurrency calls a second on a fixed schedule over one
// shared channel (ghz's --connections 1); a worker behind its schedule sends at once. Latency is from
// sending to the answer. Prints one JSON object in the shape of ghz's report (count, total, rps,
// latencyDistribution, statusCodeDistribution) plus the client's own CPU seconds.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/util/json_util.h"
#include "grpc/health/v1/health.pb.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/support/byte_buffer.h"
#include "yingshang/ranking/v1/query.pb.h"
#include "yingshang/rectification/v1/rectification.pb.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string address = "127.0.0.1:7102";
  std::string method = "/grpc.health.v1.Health/Check";  // the full method path
  std::string type = "grpc.health.v1.HealthCheckRequest";  // the request message's full name
  std::string json = "{}";                                  // the request, as protobuf JSON
  std::string key;                                          // sent as authorization: Bearer KEY
  int rps = 2000;                                           // all workers together
  int concurrency = 16;                                     // workers
  double seconds = 10;                                      // how long to send
};

Options ParseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i], value = argv[i + 1];
    if (name == "--address") o.address = value;
    else if (name == "--method") o.method = value;
    else if (name == "--type") o.type = value;
    else if (name == "--json") o.json = value;
    else if (name == "--key") o.key = value;
    else if (name == "--rps") o.rps = std::atoi(value.c_str());
    else if (name == "--concurrency") o.concurrency = std::atoi(value.c_str());
    else if (name == "--seconds") o.seconds = std::atof(value.c_str());
    else {
      std::fprintf(stderr, "read_load: unknown option %s\n", name.c_str());
      std::exit(2);
    }
  }
  if (argc % 2 == 0) {
    std::fprintf(stderr, "read_load: %s needs a value\n", argv[argc - 1]);
    std::exit(2);
  }
  return o;
}

// The request's bytes, from its JSON through the compiled-in descriptors.
std::string EncodeRequest(const std::string& type, const std::string& json) {
  // Naming the messages links their descriptors in (a static library's unused objects are dropped).
  (void)grpc::health::v1::HealthCheckRequest::descriptor();
  (void)yingshang::ranking::v1::GetScorecardRequest::descriptor();
  (void)yingshang::rectification::v1::ListCasesRequest::descriptor();
  const google::protobuf::Descriptor* d = google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(type);
  if (d == nullptr) {
    std::fprintf(stderr, "read_load: --type %s is not a known message\n", type.c_str());
    std::exit(2);
  }
  google::protobuf::DynamicMessageFactory factory;
  std::unique_ptr<google::protobuf::Message> m(factory.GetPrototype(d)->New());
  if (auto s = google::protobuf::util::JsonStringToMessage(json, m.get()); !s.ok()) {
    std::fprintf(stderr, "read_load: --json: %s\n", std::string(s.message()).c_str());
    std::exit(2);
  }
  return m->SerializeAsString();
}

struct Results {
  std::mutex mu;
  std::vector<int64_t> latencies_ns;
  std::map<std::string, int64_t> codes;
};

std::string CodeName(grpc::StatusCode code) {
  static const char* kNames[] = {"OK", "Canceled", "Unknown", "InvalidArgument", "DeadlineExceeded", "NotFound",
                                 "AlreadyExists", "PermissionDenied", "ResourceExhausted", "FailedPrecondition",
                                 "Aborted", "OutOfRange", "Unimplemented", "Internal", "Unavailable", "DataLoss",
                                 "Unauthenticated"};
  const int i = static_cast<int>(code);
  return i >= 0 && i <= 16 ? kNames[i] : absl::StrCat("Code", i);
}

void Worker(grpc::GenericStub& stub, const std::string& method, const std::string& request, const std::string& key,
            Clock::time_point start, Clock::time_point end, std::chrono::nanoseconds every, Results& results) {
  grpc::CompletionQueue cq;
  std::vector<int64_t> latencies;
  std::map<std::string, int64_t> codes;
  const grpc::Slice slice(request);
  for (Clock::time_point due = start; due < end; due += every) {
    std::this_thread::sleep_until(due);
    grpc::ClientContext ctx;
    if (!key.empty()) ctx.AddMetadata("authorization", "Bearer " + key);
    grpc::ByteBuffer send(&slice, 1), answer;
    grpc::Status status;
    const Clock::time_point sent = Clock::now();
    auto call = stub.PrepareUnaryCall(&ctx, method, send, &cq);
    call->StartCall();
    call->Finish(&answer, &status, reinterpret_cast<void*>(1));
    void* tag = nullptr;
    bool ok = false;
    cq.Next(&tag, &ok);
    latencies.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - sent).count());
    ++codes[CodeName(status.error_code())];
  }
  cq.Shutdown();
  void* tag = nullptr;
  bool ok = false;
  while (cq.Next(&tag, &ok)) {
  }
  std::lock_guard lock(results.mu);
  results.latencies_ns.insert(results.latencies_ns.end(), latencies.begin(), latencies.end());
  for (const auto& [name, n] : codes) results.codes[name] += n;
}

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = ParseArgs(argc, argv);
  const int workers = std::max(1, o.concurrency);
  const int rps = std::max(1, o.rps);
  const std::string request = EncodeRequest(o.type, o.json);
  auto channel = grpc::CreateChannel(o.address, grpc::InsecureChannelCredentials());
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(5))) {
    std::fprintf(stderr, "read_load: cannot connect to %s\n", o.address.c_str());
    return 1;
  }
  grpc::GenericStub stub(channel);
  const auto every = std::chrono::nanoseconds(static_cast<int64_t>(1e9 * workers / rps));
  const Clock::time_point start = Clock::now() + std::chrono::milliseconds(50);
  const Clock::time_point end = start + std::chrono::nanoseconds(static_cast<int64_t>(o.seconds * 1e9));
  Results results;
  const double cpu_before = CpuSeconds();
  std::vector<std::thread> threads;
  for (int i = 0; i < workers; ++i) {
    // Workers spread evenly over one period, so the calls arrive at a steady rate.
    threads.emplace_back(Worker, std::ref(stub), o.method, std::cref(request), o.key,
                         start + every * i / workers, end, every, std::ref(results));
  }
  for (auto& t : threads) t.join();
  const double took = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<int64_t>& l = results.latencies_ns;
  std::sort(l.begin(), l.end());
  auto at = [&](double q) { return l.empty() ? 0 : l[std::min(l.size() - 1, static_cast<size_t>(q * l.size()))]; };
  std::string codes;
  for (const auto& [name, n] : results.codes) absl::StrAppend(&codes, codes.empty() ? "" : ",", "\"", name, "\":", n);
  std::printf(
      "{\"count\":%zu,\"total\":%lld,\"rps\":%.1f,\"latencyDistribution\":[{\"percentage\":50,\"latency\":%lld},"
      "{\"percentage\":99,\"latency\":%lld}],\"statusCodeDistribution\":{%s},\"clientCpuSeconds\":%.3f}\n",
      l.size(), static_cast<long long>(took * 1e9), l.size() / took, static_cast<long long>(at(0.50)),
      static_cast<long long>(at(0.99)), codes.c_str(), CpuSeconds() - cpu_before);
  return 0;
}
