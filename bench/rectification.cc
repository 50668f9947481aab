// bench/rectification (issue 5), each figure beside a baseline measured in the same run:
//  1. alerts/s turned into cases end to end (Kafka -> inbox -> case, key, history row and opened
//     event committed in PostgreSQL) vs the raw Kafka consume rate;
//  2. ListCases latency p50/p99 over gRPC at a fixed request rate with 100,000 cases stored, vs
//     GetCase (a primary-key read) at the same rate.
//   rectification [--alerts N] [--cases N] [--rate REQ_PER_S]
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include <pqxx/pqxx>

#include "absl/strings/str_format.h"
#include "bench/baseline.h"
#include "common/grpc/server.h"
#include "common/log/log.h"
#include "common/pg/inbox.h"
#include "common/pg/migrations.h"
#include "common/time/proto_time.h"
#include "services/rectification/embedded.h"
#include "services/rectification/service.h"
#include "tools/sample/alerts.h"

namespace pb = ::yingshang::rectification::v1;

int main(int argc, char** argv) {
  ys::log::Init("rectification_bench", ys::log::Level::kError);
  size_t alerts = 10000, stored = 100000;
  double rate = 100;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--alerts") alerts = std::strtoull(argv[i + 1], nullptr, 10);
    if (flag == "--cases") stored = std::strtoull(argv[i + 1], nullptr, 10);
    if (flag == "--rate") rate = std::strtod(argv[i + 1], nullptr);
  }
  const char* kBench = "rectification";
  const std::string brokers = ys::bench::EnvOr("YS_KAFKA_BROKERS", "127.0.0.1:19092");
  const std::string run = ys::NewEventId().substr(0, 8);
  auto baseline = ys::bench::MeasureKafkaBaseline(brokers, alerts, /*cloud_events=*/false);
  if (!baseline.ok()) return ys::bench::Fail(kBench, baseline.status());

  ys::PgOptions pg;
  pg.uri = ys::bench::EnvOr("YS_PG_URI", "postgresql://postgres@127.0.0.1:15432/yingshang");
  pg.schema = "bench_rect_" + run;
  auto pool = ys::PgPool::Connect(pg);
  if (!pool.ok()) return ys::bench::Fail(kBench, pool.status());
  auto migrations = ys::MigrationsFromFiles(ys::rectification::EmbeddedMigrations());
  if (auto s = ys::MigrateService(**pool, "rectification", *migrations); !s.ok()) return ys::bench::Fail(kBench, s);
  auto calendar = ys::WorkingDayCalendar::LoadEmbedded();
  if (!calendar.ok()) return ys::bench::Fail(kBench, calendar.status());
  ys::RealClock clock;
  ys::rectification::CaseStore store(**pool, clock, *calendar, {});

  // 1. A burst of SAMPLE alerts, each its own (unit, indicator): one case each.
  ys::KafkaOptions kafka;
  kafka.brokers = brokers;
  const std::string topic = "bench.alerts." + run;
  if (auto s = ys::EnsureTopics(kafka, {{topic, 3, false}}); !s.ok()) return ys::bench::Fail(kBench, s);
  auto producer = ys::KafkaProducer::Create(kafka, nullptr);
  if (!producer.ok()) return ys::bench::Fail(kBench, producer.status());
  for (size_t i = 0; i < alerts; ++i) {
    if (auto s = (*producer)->PublishAsync(topic, ys::sample::SampleAlert(i, run)); !s.ok()) {
      return ys::bench::Fail(kBench, s);
    }
  }
  if (auto s = (*producer)->Flush(absl::Seconds(60)); !s.ok()) return ys::bench::Fail(kBench, s);
  ys::Metrics metrics("bench");
  auto consumer = ys::KafkaConsumer::Create(kafka, {"bench-" + run, {topic}}, nullptr);
  if (!consumer.ok()) return ys::bench::Fail(kBench, consumer.status());
  ys::InboxProcessor inbox(**consumer, **pool, metrics,
                           {.consumer = "bench", .dlq_topic = "bench.dlq", .source = "/bench"},
                           [&](pqxx::transaction_base& tx, const std::vector<const ys::CloudEvent*>& events,
                               std::vector<absl::Status>* r) { return store.ApplyAlerts(tx, events, r); });
  size_t applied = 0, rejected = 0;
  std::chrono::steady_clock::time_point t0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(10);
  while (applied + rejected < alerts && std::chrono::steady_clock::now() < deadline) {
    auto b = inbox.RunOnce();
    if (!b.ok()) return ys::bench::Fail(kBench, b.status());
    if (b->polled == 0) continue;
    if (applied + rejected == 0) t0 = std::chrono::steady_clock::now();
    applied += b->applied;
    rejected += b->rejected;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double per_s = static_cast<double>(applied + rejected) / secs;
  std::printf("rectification: %zu SAMPLE alerts, one case each\n", alerts);
  std::printf("  raw Kafka consume (baseline)   %10.0f msg/s\n", baseline->consume_per_s);
  std::printf("  alerts -> cases end to end     %10.0f alerts/s  (%zu applied, %zu rejected)\n", per_s, applied,
              rejected);
  std::printf("  ratio to baseline              %10.4f\n", per_s / baseline->consume_per_s);

  // 2. Fill up to `stored` cases (the rest written directly, as the alert path would leave them),
  // then ListCases and GetCase at a fixed rate over gRPC.
  const absl::Time now = clock.Now();
  for (size_t start = alerts; start < stored; start += 5000) {
    std::vector<std::string> id, unit, state, opened, due, body;
    for (size_t i = start; i < std::min(stored, start + 5000); ++i) {
      pb::Case c;
      c.set_id(absl::StrFormat("RC-B%07d", i));
      c.set_origin(pb::ORIGIN_MANUAL);
      c.set_unit(absl::StrFormat("样例单位%05d", static_cast<int>(i / 18)));
      c.set_title("【样例】整改事项");
      const absl::Time opened_at = now - absl::Hours(24 * static_cast<int64_t>(i % 400));
      *c.mutable_opened_at() = ys::ToProtoTime(opened_at);
      *c.mutable_due_at() = ys::ToProtoTime(opened_at + absl::Hours(24 * 30));
      c.set_due_date(ys::FormatIsoDate(absl::ToCivilDay(opened_at + absl::Hours(24 * 30), ys::Shanghai())));
      c.set_state(i % 3 == 0 ? pb::STATE_CLOSED : pb::STATE_OPEN);
      id.push_back(c.id());
      unit.push_back(c.unit());
      state.push_back(pb::State_Name(c.state()));
      opened.push_back(ys::PgTime(opened_at));
      due.push_back(ys::PgTime(ys::FromProtoTime(c.due_at())));
      body.push_back(ys::PgHexBytes(c.SerializeAsString()));
    }
    auto s = (*pool)->WithTransaction([&](pqxx::work& tx) {
      tx.exec_params(
          "INSERT INTO cases (id, origin, unit, state, opened_at, due_at, body) "
          "SELECT i, 'ORIGIN_MANUAL', u, s, o, d, b FROM unnest($1::text[], $2::text[], $3::text[], "
          "$4::timestamptz[], $5::timestamptz[], $6::bytea[]) AS x(i, u, s, o, d, b)",
          ys::PgArray(id), ys::PgArray(unit), ys::PgArray(state), ys::PgArray(opened), ys::PgArray(due),
          ys::PgArray(body));
      return absl::OkStatus();
    });
    if (!s.ok()) return ys::bench::Fail(kBench, s);
  }
  {
    // As autovacuum would leave a table that has settled: visibility map set, statistics fresh.
    pqxx::connection c(pg.uri);
    pqxx::nontransaction tx(c);
    tx.exec("VACUUM ANALYZE " + ys::QuoteIdent(pg.schema) + ".cases");
  }
  ys::ApiKeyAuthenticator auth;
  auth.Add(ys::Sha256Hex("bench"), {"bench", "office"});
  ys::CallExecutor executor(ys::CallExecutorOptions{}, metrics);
  ys::rectification::RectificationImpl service(store, clock, auth, executor);
  ys::GrpcServer server(ys::GrpcServerOptions{}, metrics, &auth);
  server.AddService(&service);
  if (auto s = server.Start(); !s.ok()) return ys::bench::Fail(kBench, s);
  auto stub = pb::RectificationService::NewStub(grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
  const size_t units = (stored + 17) / 18;
  // A mix the office and the units send: one unit's cases, everything overdue, a state, the first page.
  auto list = [&](size_t i) {
    pb::ListCasesRequest req;
    switch (i % 4) {
      case 0: req.set_unit(absl::StrFormat("样例单位%05d", static_cast<int>((i * 7919) % units))); break;
      case 1: req.set_overdue_only(true); break;
      case 2: req.set_state(pb::STATE_CLOSED); break;
      default: break;
    }
    req.mutable_page()->set_page_size(100);
    pb::ListCasesResponse resp;
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer bench");
    return stub->ListCases(&ctx, req, &resp).ok() && resp.cases_size() > 0;
  };
  auto get = [&](size_t i) {
    pb::GetCaseRequest req;
    req.set_id(absl::StrFormat("RC-B%07d", alerts + (i * 7919) % (stored - alerts)));
    pb::Case c;
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer bench");
    return stub->GetCase(&ctx, req, &c).ok();
  };
  ys::bench::MeasureAtRate(rate, 1, list);  // warm up
  const ys::bench::Latency listed = ys::bench::MeasureAtRate(rate, 10, list);
  const ys::bench::Latency got = ys::bench::MeasureAtRate(rate, 10, get);
  server.Shutdown();
  std::printf("  %zu cases stored; at %.0f req/s for 10 s (pages of 100; by unit, overdue, by state, all):\n",
              stored, rate);
  std::printf("    ListCases                    p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms  (%zu errors)\n",
              listed.p50_ms, listed.p99_ms, listed.max_ms, listed.errors);
  std::printf("    GetCase (baseline)           p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms  (%zu errors)\n",
              got.p50_ms, got.p99_ms, got.max_ms, got.errors);
  std::printf("    ratio p99 ListCases/GetCase  %10.2f\n", listed.p99_ms / got.p99_ms);

  ys::bench::DropSchema(**pool);
  return applied == alerts && listed.errors == 0 ? 0 : 1;
}
