// bench/grpc_limits: what oversized input costs a running ys-ranking (issue #11, "no single input
// stops or exhausts a service"). Against its RankingIngest.Submit:
//   1. one stream of 300 facts of 4 MiB each (over grpc.max_receive_bytes, 1 MiB by default);
//   2. 300 Submit calls of one 4 MiB fact each;
//   3. one stream of 300 facts just under the receive limit (past grpc.stream_budget_bytes, 64 MiB
//      by default, after ~64 of them);
// each answered RESOURCE_EXHAUSTED, with the service's resident memory (VmRSS of /proc/<pid>/status)
// before and after, and its peak (VmHWM) at the end.
//   grpc_limits [--address 127.0.0.1:7102] [--pid PID] [--key KEY] [--facts 300] [--fact-bytes N]
//               [--settle-seconds 10]
// Without --pid the one process named ys-ranking is measured; the key defaults to $YS_API_KEY, then
// var/keys/office.key (make up writes it). Under the default limits every stream is refused and
// nothing is stored.
#include <dirent.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "grpcpp/grpcpp.h"
#include "yingshang/ranking/v1/ingest.grpc.pb.h"

namespace {

namespace pb = ::yingshang::ranking::v1;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// "VmRSS" of /proc/<pid>/status in kB; -1 when the process is gone.
long StatusKb(int pid, const std::string& field) {
  std::istringstream status(ReadFile(absl::StrFormat("/proc/%d/status", pid)));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::strtol(line.c_str() + field.size() + 1, nullptr, 10);
  }
  return -1;
}

// The pid of the one process named `name`; 0 when there is none or more than one.
int FindProcess(const std::string& name) {
  int found = 0;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return 0;
  while (dirent* e = readdir(proc)) {
    const int pid = std::atoi(e->d_name);
    if (pid <= 0) continue;
    if (absl::StripTrailingAsciiWhitespace(ReadFile(absl::StrFormat("/proc/%d/comm", pid))) != name) continue;
    if (found != 0) {
      closedir(proc);
      return 0;
    }
    found = pid;
  }
  closedir(proc);
  return found;
}

pb::SubmitRequest FactOf(size_t bytes) {
  pb::SubmitRequest r;
  pb::RankingFact* f = r.mutable_fact();
  f->set_source(std::string(bytes, 'x'));
  f->set_evaluation(pb::EVALUATION_OFFICIAL);
  f->set_indicator_code("I07");
  f->set_scope(pb::SCOPE_CITY);
  f->set_region_code("3611");
  f->set_period("2022-09");
  f->set_rank(1);
  f->set_total(11);
  f->set_revision(1);
  return r;
}

struct Outcome {
  grpc::Status status;
  size_t written = 0;  // messages the client got onto the stream before it was closed
};

Outcome Stream(pb::RankingIngest::Stub& stub, const std::string& key, const pb::SubmitRequest& fact,
               size_t count) {
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + key);
  pb::SubmitResponse resp;
  auto writer = stub.Submit(&ctx, &resp);
  Outcome out;
  for (size_t i = 0; i < count && writer->Write(fact); ++i) ++out.written;
  writer->WritesDone();
  out.status = writer->Finish();
  return out;
}

const char* CodeName(grpc::StatusCode code) {
  return code == grpc::StatusCode::RESOURCE_EXHAUSTED ? "RESOURCE_EXHAUSTED"
         : code == grpc::StatusCode::OK               ? "OK"
                                                      : "other";
}

}  // namespace

int main(int argc, char** argv) {
  std::string address = "127.0.0.1:7102";
  std::string key = std::getenv("YS_API_KEY") != nullptr ? std::getenv("YS_API_KEY") : "";
  int pid = 0;
  size_t facts = 300;
  size_t fact_bytes = 4 << 20;
  int settle_seconds = 10;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--address") address = argv[i + 1];
    if (flag == "--key") key = argv[i + 1];
    if (flag == "--pid") pid = std::atoi(argv[i + 1]);
    if (flag == "--facts") facts = std::strtoull(argv[i + 1], nullptr, 10);
    if (flag == "--fact-bytes") fact_bytes = std::strtoull(argv[i + 1], nullptr, 10);
    if (flag == "--settle-seconds") settle_seconds = std::atoi(argv[i + 1]);
  }
  if (key.empty()) key = std::string(absl::StripAsciiWhitespace(ReadFile("var/keys/office.key")));
  if (key.empty()) {
    std::fprintf(stderr, "grpc_limits: no API key: pass --key, set YS_API_KEY, or run `make up`\n");
    return 2;
  }
  if (pid == 0) pid = FindProcess("ys-ranking");
  if (pid == 0 || StatusKb(pid, "VmRSS") < 0) {
    std::fprintf(stderr, "grpc_limits: no single ys-ranking process found; pass --pid\n");
    return 2;
  }

  auto stub = pb::RankingIngest::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  const pb::SubmitRequest oversized = FactOf(fact_bytes);
  // Just under the default 1 MiB receive limit: each is read, the stream passes its budget.
  const pb::SubmitRequest large = FactOf((1 << 20) - 1024);
  std::printf("grpc_limits: ys-ranking pid %d at %s, RSS %ld kB\n", pid, address.c_str(),
              StatusKb(pid, "VmRSS"));
  bool all_refused = true;
  auto report = [&](const std::string& what, long before_kb, const grpc::Status& s, size_t refused,
                    size_t calls) {
    const long after_kb = StatusKb(pid, "VmRSS");
    std::printf("  %-52s %s x%zu/%zu  RSS %ld kB -> %ld kB (%+ld kB)\n", what.c_str(),
                CodeName(s.error_code()), refused, calls, before_kb, after_kb, after_kb - before_kb);
    if (!s.error_message().empty()) std::printf("    \"%s\"\n", s.error_message().c_str());
    all_refused = all_refused && refused == calls;
  };

  {
    const long before = StatusKb(pid, "VmRSS");
    const Outcome o = Stream(*stub, key, oversized, facts);
    report(absl::StrFormat("1 stream of %zu facts of %zu bytes (%zu written)", facts,
                           oversized.ByteSizeLong(), o.written),
           before, o.status, o.status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED, 1);
  }
  {
    const long before = StatusKb(pid, "VmRSS");
    grpc::Status last;
    size_t refused = 0;
    for (size_t i = 0; i < facts; ++i) {
      last = Stream(*stub, key, oversized, 1).status;
      refused += last.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED;
    }
    report(absl::StrFormat("%zu calls of 1 fact of %zu bytes", facts, oversized.ByteSizeLong()),
           before, last, refused, facts);
  }
  {
    const long before = StatusKb(pid, "VmRSS");
    const Outcome o = Stream(*stub, key, large, facts);
    report(absl::StrFormat("1 stream of %zu facts of %zu bytes (%zu written)", facts,
                           large.ByteSizeLong(), o.written),
           before, o.status, o.status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED, 1);
  }
  std::printf("  peak RSS of the service (VmHWM, since it started): %ld kB\n", StatusKb(pid, "VmHWM"));
  // The allocator hands freed pages back to the system over seconds, not at once.
  std::this_thread::sleep_for(std::chrono::seconds(settle_seconds));
  std::printf("  RSS after %d s idle: %ld kB\n", settle_seconds, StatusKb(pid, "VmRSS"));
  std::printf("  service %s\n", StatusKb(pid, "VmRSS") < 0 ? "GONE" : "still running");
  return all_refused && StatusKb(pid, "VmRSS") >= 0 ? 0 : 1;
}
