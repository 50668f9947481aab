// bench/notify_delivery (issue #14): notify's delivery path to a local webhook sink, beside a plain
// libcurl POST loop to the same sink measured in the same run, and what 100,000 pending deliveries
// cost the process.
//  1. Two sinks: tests/support/notify_sink.py (the tests' sink; Python, so it may be what limits
//     both sides) and bench/http_sink.h (C++, in this process). Both are measured; the headline
//     ratio is on the one the plain loop finds faster.
//  2. Baseline: one libcurl easy handle reused, POSTing the body notify sends for the same message,
//     N times.
//  3. notify: N PENDING deliveries of N SAMPLE notifications in PgNotifyStore (one Write per
//     1,000), one recipient whose webhook is the sink, then DeliveryWorker::RunOnce in W threads
//     (HttpSender, DefaultRateLimitPolicy — it limits the robots, not webhooks) until every one is
//     DELIVERED; W = dispatch.workers (4) and 1.
//  4. 100,000 PENDING deliveries in a fresh schema: VmRSS before and after one RunOnce and one
//     FlushDue (each loads at most a batch), Queue() and the deliveries table's size.
// Needs the stack's PostgreSQL ($YS_PG_URI); its schemas are dropped at the end. Nothing is asserted.
//   notify_delivery [--n N] [--pending N]
#include <curl/curl.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <pqxx/pqxx>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/baseline.h"
#include "bench/http_sink.h"
#include "common/log/log.h"
#include "common/pg/migrations.h"
#include "common/status/macros.h"
#include "common/time/calendar.h"
#include "common/time/proto_time.h"
#include "services/notify/delivery_worker.h"
#include "services/notify/embedded.h"
#include "services/notify/flush.h"
#include "services/notify/recipient_book.h"
#include "services/notify/recipients_proto.h"

extern char** environ;

namespace pb = ::yingshang::notify::v1;
namespace nt = ::ys::notify;

namespace {

constexpr char kBench[] = "notify_delivery";
constexpr char kPython[] = "/usr/bin/python3";
constexpr char kUnit[] = "市市场监管局";
constexpr char kRecipientId[] = "unit:市市场监管局";
constexpr char kSecretRef[] = "notify/webhook/bench";
constexpr size_t kWriteBatch = 1000;  // notifications and deliveries per Write

using Clock = std::chrono::steady_clock;
double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

// tests/support/notify_sink.py as a child process; killed (by its pid) when this ends.
class PythonSink {
 public:
  static absl::StatusOr<std::unique_ptr<PythonSink>> Start(const std::string& script) {
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) return absl::UnavailableError("python sink: pipe");
    std::string python = kPython, path = script;
    char* argv[] = {python.data(), path.data(), nullptr};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    pid_t pid = 0;
    const int spawned = posix_spawn(&pid, kPython, &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    if (spawned != 0) {
      close(out[0]);
      return absl::UnavailableError(absl::StrCat("python sink: cannot run ", kPython));
    }
    auto sink = std::unique_ptr<PythonSink>(new PythonSink(pid, out[0]));
    // The port alone on the first line; Python's imports take a moment.
    std::string line;
    char c = 0;
    while (line.find('\n') == std::string::npos) {
      pollfd p{sink->stdout_, POLLIN, 0};
      if (poll(&p, 1, 20000) <= 0 || read(sink->stdout_, &c, 1) != 1) {
        return absl::UnavailableError("python sink: no port on its first line");
      }
      line += c;
    }
    if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(line), &sink->port_)) {
      return absl::UnavailableError(absl::StrCat("python sink: first line is not a port: ", line));
    }
    return sink;
  }
  ~PythonSink() {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    close(stdout_);
  }
  int port() const { return port_; }

 private:
  PythonSink(pid_t pid, int fd) : pid_(pid), stdout_(fd) {}
  pid_t pid_;
  int stdout_;
  int port_ = 0;
};

size_t Collect(char* data, size_t size, size_t count, void* user) {
  if (user != nullptr) static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

// The Python sink's control endpoints: GET `url`, or POST `post` to it.
absl::StatusOr<std::string> Control(const std::string& url, const std::string* post = nullptr) {
  CURL* h = curl_easy_init();
  std::string body;
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
  if (post != nullptr) curl_easy_setopt(h, CURLOPT_POSTFIELDS, post->c_str());
  const CURLcode code = curl_easy_perform(h);
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(h);
  if (code != CURLE_OK || status != 200) {
    return absl::UnavailableError(absl::StrFormat("%s: curl %d, HTTP %d", url, code, status));
  }
  return body;
}

// A sink as the runs see it: where to post, how to forget, how many requests it has had.
struct Sink {
  std::string name;
  std::string url;  // the webhook
  std::function<absl::Status()> reset;
  std::function<absl::StatusOr<size_t>()> received;
};

struct LoopResult {
  double per_s = 0;
  size_t ok = 0;  // 2xx answers
};

// The baseline: one easy handle (one keep-alive connection) POSTing `body` n times, with the
// transport settings HttpSender uses that change the wire (no Expect: 100-continue).
LoopResult PlainLoop(const std::string& url, const std::string& body, size_t n) {
  CURL* h = curl_easy_init();
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  headers = curl_slist_append(headers, "Expect:");
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, nullptr);
  LoopResult out;
  const auto t0 = Clock::now();
  for (size_t i = 0; i < n; ++i) {
    long status = 0;
    if (curl_easy_perform(h) == CURLE_OK && curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK &&
        status / 100 == 2) {
      ++out.ok;
    }
  }
  out.per_s = static_cast<double>(n) / Seconds(t0);
  curl_slist_free_all(headers);
  curl_easy_cleanup(h);
  return out;
}

// A SAMPLE ranking alert to the unit, as a flush would have kept it.
pb::Notification SampleNotification(const std::string& id, absl::Time now) {
  pb::Notification n;
  n.set_id(id);
  n.set_event_id("bench-" + id);
  n.set_event_source("/yingshang/ranking");
  n.set_event_type("ranking_alert");
  n.set_severity(pb::SEVERITY_WARNING);
  (*n.mutable_labels())["unit"] = kUnit;
  (*n.mutable_labels())["indicator"] = "I05";
  n.set_title("【样例】指标预警：开办企业");
  n.set_markdown("**【样例】指标预警：开办企业**\n市市场监管局 开办企业 本期得分低于目标，请于 3 个工作日内报送整改措施。");
  n.set_mail_text("【样例】指标预警：开办企业\n市市场监管局 开办企业 本期得分低于目标，请于 3 个工作日内报送整改措施。");
  n.add_receivers(kRecipientId);
  n.set_group_key("{}|unit:市市场监管局|{}");
  n.set_sequence(1);
  *n.mutable_created_at() = ys::ToProtoTime(now);
  n.set_members(1);
  return n;
}

// The generic webhook body the worker sends for `n` (delivery_worker.cc Send, one delivery).
std::string WebhookBody(const pb::Notification& n) {
  nt::Message m;
  m.title = n.title();
  m.markdown = n.markdown();
  m.severity = "warning";
  for (const auto& [k, v] : n.labels()) m.labels[k] = v;
  return nt::GenericWebhookBody(m, {n.id(), n.event_type(), ys::FromProtoTime(n.created_at())});
}

// The recipient's webhook becomes `url`: stored as a new recipients version, and the book rebuilt
// from the catalog with it laid over, as the service does.
absl::StatusOr<nt::Channel> UseSink(nt::NotifyStore& store, nt::RecipientBook& book,
                                    const nt::CatalogView& catalog, const std::string& url) {
  ASSIGN_OR_RETURN(nt::Recipients derived, nt::DeriveRecipients(catalog));
  nt::Recipient r = derived.by_id.at(kRecipientId);
  const nt::Channel webhook{nt::ChannelKind::kWebhook, url, kSecretRef, 1};
  r.channels = {webhook, {nt::ChannelKind::kInbox, "", "", 2}};
  nt::RecipientsVersion stored;
  RETURN_IF_ERROR(store.Write([&](nt::NotifyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(int64_t version, tx.PutRecipients(0, {nt::RecipientToProto(r)}));
    (void)version;
    ASSIGN_OR_RETURN(stored, tx.Recipients());
    return absl::OkStatus();
  }));
  RETURN_IF_ERROR(book.Rebuild(catalog, stored));
  return webhook;
}

// `count` PENDING deliveries over `channel`, each of its own notification, one Write per kWriteBatch.
absl::Status WritePending(nt::NotifyStore& store, const std::string& prefix, size_t count,
                          const nt::Channel& channel, absl::Time now) {
  for (size_t start = 0; start < count; start += kWriteBatch) {
    RETURN_IF_ERROR(store.Write([&](nt::NotifyTx& tx) -> absl::Status {
      for (size_t i = start; i < std::min(count, start + kWriteBatch); ++i) {
        const pb::Notification n = SampleNotification(absl::StrFormat("N-%s-%07d", prefix, i), now);
        RETURN_IF_ERROR(tx.PutNotification(n));
        RETURN_IF_ERROR(tx.PutDelivery(nt::MakeDelivery(n, kRecipientId, channel, pb::DELIVERY_STATE_PENDING, now), now));
      }
      return absl::OkStatus();
    }));
  }
  return absl::OkStatus();
}

struct WorkerRun {
  double per_s = 0;
  int delivered = 0, retried = 0, dead = 0, errors = 0;
};

// W workers turn (RunOnce) until `n` deliveries have ended; a worker that found nothing due waits
// dispatch.tick, as the dispatcher's loop does. The time is to the last delivery's record.
WorkerRun RunWorkers(int workers, size_t n, const std::function<std::unique_ptr<nt::DeliveryWorker>(int)>& make,
                     absl::Duration tick) {
  std::atomic<int> delivered{0}, retried{0}, dead{0}, errors{0};
  std::atomic<int64_t> end_ns{0};
  const auto t0 = Clock::now();
  const auto deadline = t0 + std::chrono::minutes(10);
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      std::unique_ptr<nt::DeliveryWorker> worker = make(w);
      while (static_cast<size_t>(delivered + dead) < n && Clock::now() < deadline) {
        absl::StatusOr<nt::SendStats> s = worker->RunOnce();
        if (!s.ok()) {
          if (errors++ == 0) std::fprintf(stderr, "%s: worker %d: %s\n", kBench, w, s.status().ToString().c_str());
        } else {
          retried += s->retried;
          dead += s->dead;
          if (static_cast<size_t>(delivered += s->delivered) + static_cast<size_t>(dead) >= n) {
            end_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count();
          }
          if (s->taken > 0) continue;
        }
        std::this_thread::sleep_for(absl::ToChronoNanoseconds(tick));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  WorkerRun out{0, delivered, retried, dead, errors};
  const double secs = end_ns > 0 ? static_cast<double>(end_ns.load()) / 1e9 : Seconds(t0);
  out.per_s = static_cast<double>(delivered) / secs;
  return out;
}

// The process's resident set (or its peak, "VmHWM") in KiB, from /proc/self/status.
long StatusKb(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::strtol(line.c_str() + field.size() + 1, nullptr, 10);
  }
  return -1;
}
double Mib(long kb) { return static_cast<double>(kb) / 1024.0; }

std::string QueueText(const nt::QueueStats& q) {
  std::string out;
  for (const auto& [state, count] : q.by_state) {
    absl::StrAppend(&out, out.empty() ? "" : ", ", pb::DeliveryState_Name(state).substr(15), " ", count);
  }
  return out.empty() ? "empty" : out;
}

absl::StatusOr<nt::QueueStats> Queue(nt::NotifyStore& store) {
  nt::QueueStats q;
  RETURN_IF_ERROR(store.Read([&](nt::NotifyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(q, tx.Queue());
    return absl::OkStatus();
  }));
  return q;
}

// A migrated pool on a fresh schema, dropped with everything in it when this goes.
struct BenchSchema {
  std::unique_ptr<ys::PgPool> pool;
  ~BenchSchema() {
    if (pool != nullptr) ys::bench::DropSchema(*pool);
  }
};
absl::Status Open(BenchSchema& out, const std::string& schema, int pool_size) {
  ys::PgOptions pg;
  pg.uri = ys::bench::EnvOr("YS_PG_URI", "postgresql://postgres@127.0.0.1:15432/yingshang");
  pg.schema = schema;
  pg.pool_size = pool_size;
  ASSIGN_OR_RETURN(out.pool, ys::PgPool::Connect(pg));
  ASSIGN_OR_RETURN(std::vector<ys::Migration> migrations, ys::MigrationsFromFiles(nt::EmbeddedMigrations()));
  return ys::MigrateService(*out.pool, "notify", migrations);
}

}  // namespace

int main(int argc, char** argv) {
  ys::log::Init(kBench, ys::log::Level::kError);
  size_t n = 2000, pending = 100000;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--n") n = std::max<size_t>(1, std::strtoull(argv[i + 1], nullptr, 10));
    if (flag == "--pending") pending = std::max<size_t>(1, std::strtoull(argv[i + 1], nullptr, 10));
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const std::string run = ys::NewEventId().substr(0, 8);

  auto python = PythonSink::Start(std::string(YS_SOURCE_DIR) + "/tests/support/notify_sink.py");
  if (!python.ok()) return ys::bench::Fail(kBench, python.status());
  auto local = ys::bench::LocalHttpSink::Start();
  if (!local.ok()) return ys::bench::Fail(kBench, local.status());
  const std::string py_base = absl::StrCat("http://127.0.0.1:", (*python)->port());
  const std::vector<Sink> sinks = {
      {"notify_sink.py (Python)", py_base + "/hooks/bench",
       [&]() -> absl::Status {
         const std::string empty = "{}";
         return Control(py_base + "/_reset", &empty).status();
       },
       [&]() -> absl::StatusOr<size_t> {
         ASSIGN_OR_RETURN(std::string stats, Control(py_base + "/_stats"));
         const size_t at = stats.find("\"total\":");
         if (at == std::string::npos) return absl::DataLossError("python sink: /_stats has no total");
         return std::strtoull(stats.c_str() + at + 8, nullptr, 10);
       }},
      {"C++ sink (in process)", absl::StrCat("http://127.0.0.1:", (*local)->port(), "/hooks/bench"),
       [&]() -> absl::Status {
         (*local)->Reset();
         return absl::OkStatus();
       },
       [&]() -> absl::StatusOr<size_t> { return (*local)->requests(); }},
  };

  nt::NotifySettings settings;  // the defaults: dispatch.workers 4, batch 50, tick 200 ms
  settings.rate_limits = nt::DefaultRateLimitPolicy();
  const int kWorkers = settings.dispatch.workers;
  BenchSchema main_schema;
  if (auto s = Open(main_schema, "bench_notify_" + run, kWorkers + 2); !s.ok()) return ys::bench::Fail(kBench, s);
  nt::PgNotifyStore store(*main_schema.pool);
  ys::RealClock clock;
  auto http = nt::HttpSender::Create(settings.http, clock);
  if (!http.ok()) return ys::bench::Fail(kBench, http.status());
  const nt::MapSecrets secrets{{{kSecretRef, {"sample-hmac-key-bench"}}}};
  auto limiter = nt::LoadRateLimiter(store, settings.rate_limits);
  if (!limiter.ok()) return ys::bench::Fail(kBench, limiter.status());
  nt::CatalogView catalog;
  catalog.units = {{kUnit, {}}};
  nt::RecipientBook book;
  const std::string body = WebhookBody(SampleNotification("N-sample", absl::Now()));
  auto make_worker = [&](nt::NotifyStore& on) {
    return [&, on_store = &on](int w) {
      return std::make_unique<nt::DeliveryWorker>(*on_store, settings, book, nt::Senders{http->get(), nullptr}, secrets,
                                                  **limiter, clock, nullptr, /*seed=*/20221017 + w);
    };
  };

  // 2 and 3, per sink.
  struct Row {
    LoopResult plain;
    size_t plain_received = 0;
    WorkerRun notify[2];  // W = kWorkers, 1
    size_t notify_received[2] = {0, 0};
    double write_per_s = 0;
  };
  std::vector<Row> rows(sinks.size());
  const int worker_counts[2] = {kWorkers, 1};
  for (size_t s = 0; s < sinks.size(); ++s) {
    const Sink& sink = sinks[s];
    Row& row = rows[s];
    auto channel = UseSink(store, book, catalog, sink.url);
    if (!channel.ok()) return ys::bench::Fail(kBench, channel.status());
    if (auto st = sink.reset(); !st.ok()) return ys::bench::Fail(kBench, st);
    row.plain = PlainLoop(sink.url, body, n);
    auto got = sink.received();
    if (!got.ok()) return ys::bench::Fail(kBench, got.status());
    row.plain_received = *got;
    for (int k = 0; k < 2; ++k) {
      if (auto st = sink.reset(); !st.ok()) return ys::bench::Fail(kBench, st);
      const auto w0 = Clock::now();
      if (auto st = WritePending(store, absl::StrFormat("s%d-w%d", s, worker_counts[k]), n, *channel, absl::Now());
          !st.ok()) {
        return ys::bench::Fail(kBench, st);
      }
      row.write_per_s = static_cast<double>(n) / Seconds(w0);
      row.notify[k] = RunWorkers(worker_counts[k], n, make_worker(store), settings.dispatch.tick);
      got = sink.received();
      if (!got.ok()) return ys::bench::Fail(kBench, got.status());
      row.notify_received[k] = *got;
    }
  }

  std::printf("%s: %zu deliveries per run of one SAMPLE webhook message (%zu-byte body), PostgreSQL store,\n"
              "  batch %d, DefaultRateLimitPolicy (webhooks unlimited)\n",
              kBench, n, body.size(), settings.dispatch.batch);
  const std::string many = absl::StrCat("W=", kWorkers);
  std::printf("  %-24s %14s %14s %14s %9s %9s\n", "sink", "plain libcurl", ("notify " + many).c_str(), "notify W=1",
              ("ratio " + many).c_str(), "ratio W=1");
  for (size_t s = 0; s < sinks.size(); ++s) {
    const Row& r = rows[s];
    std::printf("  %-24s %12.0f/s %12.0f/s %12.0f/s %9.3f %9.3f\n", sinks[s].name.c_str(), r.plain.per_s,
                r.notify[0].per_s, r.notify[1].per_s, r.notify[0].per_s / r.plain.per_s,
                r.notify[1].per_s / r.plain.per_s);
  }
  for (size_t s = 0; s < sinks.size(); ++s) {
    const Row& r = rows[s];
    std::printf("    %s: plain %zu/%zu answered 2xx (sink got %zu);", sinks[s].name.c_str(), r.plain.ok, n,
                r.plain_received);
    for (int k = 0; k < 2; ++k) {
      std::printf(" W=%d delivered %d retried %d dead %d errors %d (sink got %zu);", worker_counts[k],
                  r.notify[k].delivered, r.notify[k].retried, r.notify[k].dead, r.notify[k].errors,
                  r.notify_received[k]);
    }
    std::printf(" writing the pending rows %.0f deliveries/s\n", r.write_per_s);
  }
  const size_t fast = rows[1].plain.per_s >= rows[0].plain.per_s ? 1 : 0;
  const double py_share = rows[0].plain.per_s / rows[1].plain.per_s;
  std::printf("  the plain loop reaches %.0f%% of the C++ sink's rate on the Python sink%s\n", py_share * 100,
              py_share < 0.8 ? ": there the Python sink, not libcurl, sets the baseline (its ratios flatter notify)"
                              : "");
  std::printf("  headline (%s, the faster sink): notify W=%d / plain libcurl loop = %.3f  (W=1: %.3f)\n",
              sinks[fast].name.c_str(), kWorkers, rows[fast].notify[0].per_s / rows[fast].plain.per_s,
              rows[fast].notify[1].per_s / rows[fast].plain.per_s);

  // 4. The queue's size against the process's memory, in its own schema (the table size is the
  // pending deliveries' alone).
  BenchSchema rss_schema;
  if (auto s = Open(rss_schema, "bench_notify_rss_" + run, 2); !s.ok()) return ys::bench::Fail(kBench, s);
  nt::PgNotifyStore rss_store(*rss_schema.pool);
  auto channel = UseSink(rss_store, book, catalog, sinks[fast].url);
  if (!channel.ok()) return ys::bench::Fail(kBench, channel.status());
  const long rss_before_write = StatusKb("VmRSS");
  const auto w0 = Clock::now();
  if (auto s = WritePending(rss_store, "rss", pending, *channel, absl::Now()); !s.ok()) return ys::bench::Fail(kBench, s);
  const double write_s = Seconds(w0);
  const long rss_before = StatusKb("VmRSS");
  auto queue_before = Queue(rss_store);
  if (!queue_before.ok()) return ys::bench::Fail(kBench, queue_before.status());
  auto calendar = ys::WorkingDayCalendar::LoadEmbedded();
  if (!calendar.ok()) return ys::bench::Fail(kBench, calendar.status());
  nt::Flusher flusher(settings, book, *calendar);
  const auto sent = make_worker(rss_store)(0)->RunOnce();
  if (!sent.ok()) return ys::bench::Fail(kBench, sent.status());
  nt::FlushResult flushed;
  if (auto s = rss_store.Write([&](nt::NotifyTx& tx) -> absl::Status {
        ASSIGN_OR_RETURN(flushed, flusher.FlushDue(tx, clock.Now()));
        return absl::OkStatus();
      });
      !s.ok()) {
    return ys::bench::Fail(kBench, s);
  }
  const long rss_after = StatusKb("VmRSS");
  auto queue_after = Queue(rss_store);
  if (!queue_after.ok()) return ys::bench::Fail(kBench, queue_after.status());
  int64_t deliveries_bytes = 0, notifications_bytes = 0;
  if (auto s = rss_schema.pool->WithTransaction([&](pqxx::work& tx) {
        const pqxx::row r = tx.exec1(
            "SELECT pg_total_relation_size('deliveries'), pg_total_relation_size('notifications')");
        deliveries_bytes = r[0].as<int64_t>();
        notifications_bytes = r[1].as<int64_t>();
        return absl::OkStatus();
      });
      !s.ok()) {
    return ys::bench::Fail(kBench, s);
  }
  std::printf("  %zu PENDING deliveries (and notifications) written in %.1f s (%.0f/s, one Write per %zu):\n",
              pending, write_s, static_cast<double>(pending) / write_s, kWriteBatch);
  std::printf("    VmRSS before writing them            %8.1f MiB\n", Mib(rss_before_write));
  std::printf("    VmRSS with them queued               %8.1f MiB\n", Mib(rss_before));
  std::printf("    VmRSS after RunOnce + FlushDue       %8.1f MiB  (%+.1f MiB; RunOnce took %d, delivered %d; "
              "FlushDue: %d groups)\n",
              Mib(rss_after), Mib(rss_after - rss_before), sent->taken, sent->delivered, flushed.groups);
  std::printf("    VmHWM (peak of the whole run)        %8.1f MiB\n", Mib(StatusKb("VmHWM")));
  std::printf("    Queue() before: %s; after: %s\n", QueueText(*queue_before).c_str(),
              QueueText(*queue_after).c_str());
  std::printf("    pg_total_relation_size deliveries    %8.1f MiB  (%.0f bytes per delivery); notifications %.1f MiB\n",
              static_cast<double>(deliveries_bytes) / (1 << 20),
              static_cast<double>(deliveries_bytes) / static_cast<double>(pending),
              static_cast<double>(notifications_bytes) / (1 << 20));
  return 0;
}
