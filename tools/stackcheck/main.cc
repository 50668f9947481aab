// ys-stackcheck: the foundation's end-to-end demo. Against the running local stack it loads a
// config, checks the holiday calendar, migrates a schema, writes SAMPLE ranking events for
// Shangrao's 12 counties through the transactional outbox, relays them over Kafka, applies them
// through the inbox (twice: the second delivery is ignored), caches them in Redis, and serves
// health and metrics — then says what it did.
//   ys-stackcheck --config tools/stackcheck/config.example.yaml
#include <pqxx/pqxx>

#include <cstdio>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "common/config/config.h"
#include "common/grpc/server.h"
#include "common/kafka/kafka.h"
#include "common/log/log.h"
#include "common/metrics/metrics.h"
#include "common/pg/inbox.h"
#include "common/pg/migrations.h"
#include "common/pg/outbox.h"
#include "common/process/startup.h"
#include "common/redis/redis.h"
#include "common/time/calendar.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace {

constexpr char kProgram[] = "ys-stackcheck";

struct County {
  const char* code;
  const char* name;
};

// Shangrao's 12 counties (seed/regions.yaml).
const std::vector<County> kCounties = {
    {"361102", "信州区"}, {"361103", "广丰区"}, {"361104", "广信区"}, {"361123", "玉山县"},
    {"361124", "铅山县"}, {"361125", "横峰县"}, {"361126", "弋阳县"}, {"361127", "余干县"},
    {"361128", "鄱阳县"}, {"361129", "万年县"}, {"361130", "婺源县"}, {"361181", "德兴市"},
};

void Say(const std::string& line) { std::printf("  %s\n", line.c_str()); }

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Check the local stack and the common library end to end"};
  std::string config_path = "tools/stackcheck/config.example.yaml";
  app.add_option("--config", config_path, "YAML config")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  ys::log::Init(kProgram, ys::log::Level::kWarn);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // keep report lines and error lines in order

  const ys::Config config =
      ys::ValueOrExit(kProgram, ys::Config::LoadFile(config_path, ys::ProcessEnvironment()));
  const auto kafka = ys::ValueOrExit(kProgram, ys::KafkaOptionsFromConfig(config));
  const auto pg = ys::ValueOrExit(kProgram, ys::PgOptionsFromConfig(config));
  const auto redis_options = ys::ValueOrExit(kProgram, ys::RedisOptionsFromConfig(config));
  const auto grpc_options = ys::ValueOrExit(kProgram, ys::GrpcServerOptionsFromConfig(config));
  const std::string metrics_listen =
      ys::ValueOrExit(kProgram, config.GetString("metrics.listen"));
  std::printf("config     %s (each key overridable, e.g. kafka.brokers by YS_KAFKA_BROKERS)\n",
              config_path.c_str());

  // Holiday calendar ------------------------------------------------------------------------
  auto calendar = ys::ValueOrExit(kProgram, ys::WorkingDayCalendar::LoadEmbedded());
  const absl::CivilDay sat(2022, 10, 8);
  const auto first = ys::ValueOrExit(kProgram, calendar.FirstWorkingDayOfWeek(absl::CivilDay(2022, 10, 3)));
  std::printf("calendar   official holidays loaded for %d–%d\n", calendar.PublishedYears().front(),
              calendar.PublishedYears().back());
  Say(absl::StrFormat("2022-10-08 (Saturday) is a working day: %s (%s)",
                      *calendar.IsWorkingDay(sat) ? "yes" : "no",
                      calendar.Override(sat)->name + " 调休上班"));
  Say(absl::StrFormat("2022-10-03 (Monday) is a working day: %s",
                      *calendar.IsWorkingDay(absl::CivilDay(2022, 10, 3)) ? "yes" : "no"));
  Say("first working day of the week of 2022-10-03: " + ys::FormatIsoDate(first));
  Say(absl::StrFormat("2027: %s", calendar.IsWorkingDay(absl::CivilDay(2027, 3, 1)).status().message()));

  // Servers ---------------------------------------------------------------------------------
  ys::Metrics metrics("stackcheck");
  ys::KafkaMetrics kafka_metrics(metrics);
  auto exposer = ys::ValueOrExit(kProgram, ys::MetricsExposer::Start(metrics_listen, metrics));
  ys::GrpcServer server(grpc_options, metrics, nullptr);
  ys::CheckOrExit(kProgram, server.Start());

  auto pool = ys::ValueOrExit(kProgram, ys::PgPool::Connect(pg));
  ys::CheckOrExit(kProgram,
                  ys::MigrateService(*pool, "stackcheck",
                                     {{1, "0001_rankings",
                                       "CREATE TABLE IF NOT EXISTS demo_rankings ("
                                       " region text PRIMARY KEY, name text NOT NULL,"
                                       " rank int NOT NULL, applied_times int NOT NULL)"}}));
  ys::RedisClient redis(redis_options);
  ys::CheckOrExit(kProgram, redis.Ping());
  // A topic per run, so a run never sees the events of an earlier one.
  const std::string topic = "ys.demo.stackcheck." + ys::NewEventId().substr(0, 8);
  ys::CheckOrExit(kProgram, ys::EnsureTopics(kafka, {{topic, 3, false}, {topic + ".dlq", 1, false}}));
  auto producer = ys::ValueOrExit(kProgram, ys::KafkaProducer::Create(kafka, &kafka_metrics));
  server.SetServing(true);
  std::printf("servers    postgresql (schema %s), redis %s:%d, kafka %s — all answer\n",
              pg.schema.c_str(), redis_options.host.c_str(), redis_options.port,
              kafka.brokers.c_str());

  // Outbox: 12 SAMPLE ranking events in one transaction ------------------------------------
  std::vector<int> ranks(kCounties.size());
  for (size_t i = 0; i < ranks.size(); ++i) ranks[i] = static_cast<int>((i * 37) % 100) + 1;
  ys::CheckOrExit(kProgram, pool->WithTransaction([&](pqxx::work& tx) {
    tx.exec("TRUNCATE demo_rankings");
    for (size_t i = 0; i < kCounties.size(); ++i) {
      ys::OutgoingEvent e;
      e.topic = topic;
      e.event.id = ys::NewEventId();
      e.event.source = "/yingshang/stackcheck";
      e.event.type = "yingshang.demo.v1.SampleRanking";
      e.event.time = absl::Now();
      e.event.key = kCounties[i].code;
      e.event.content_type = "application/json";
      e.event.data = absl::StrFormat(
          R"({"sample":true,"region":"%s","name":"%s","indicator":"I01 开办企业","period":"2022-09","rank":%d,"total":100})",
          kCounties[i].code, kCounties[i].name, ranks[i]);
      ys::EnqueueOutbox(tx, e);
    }
    return absl::OkStatus();
  }));
  ys::OutboxRelay relay(*pool, *producer, metrics);
  size_t published = 0;
  while (published < kCounties.size()) {
    published += ys::ValueOrExit(kProgram, relay.RunOnce());
  }
  std::printf("outbox     12 SAMPLE ranking events (I01 开办企业, 2022-09) committed with the state "
              "change; relay published %zu to %s\n",
              published, topic.c_str());

  // Inbox: apply each once, then the same events again -------------------------------------
  auto consumer = ys::ValueOrExit(
      kProgram, ys::KafkaConsumer::Create(kafka, {"stackcheck-" + ys::NewEventId(), {topic}},
                                          &kafka_metrics));
  auto apply = [](pqxx::transaction_base& tx, const ys::CloudEvent& e) -> absl::Status {
    auto j = nlohmann::json::parse(e.data, nullptr, false);
    if (j.is_discarded()) return absl::InvalidArgumentError("body is not JSON");
    tx.exec_params(
        "INSERT INTO demo_rankings VALUES ($1, $2, $3, 1) ON CONFLICT (region) DO UPDATE "
        "SET applied_times = demo_rankings.applied_times + 1",
        j.value("region", ""), j.value("name", ""), j.value("rank", 0));
    return absl::OkStatus();
  };
  ys::InboxProcessor inbox(*consumer, *pool, metrics,
                           {.consumer = "stackcheck", .dlq_topic = topic + ".dlq",
                            .source = "/yingshang/stackcheck"},
                           apply);
  auto drain = [&](size_t want) {
    ys::InboxBatch total;
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (total.applied + total.duplicates < want && absl::Now() < deadline) {
      auto b = ys::ValueOrExit(kProgram, inbox.RunOnce());
      total.applied += b.applied;
      total.duplicates += b.duplicates;
    }
    return total;
  };
  const ys::InboxBatch first_pass = drain(kCounties.size());
  // Deliver the same events again, as a relay that crashed before marking them would.
  ys::CheckOrExit(kProgram, pool->WithTransaction([&](pqxx::work& tx) {
    ys::RequeueSentEvents(tx, topic);
    return absl::OkStatus();
  }));
  published = 0;
  while (published < kCounties.size()) published += ys::ValueOrExit(kProgram, relay.RunOnce());
  const ys::InboxBatch second_pass = drain(kCounties.size());
  int64_t rows = 0;
  int64_t max_times = 0;
  std::vector<std::vector<std::string>> zadd = {{"DEL", "ys:v1:demo:rank:I01:county:2022-09"}};
  ys::CheckOrExit(kProgram, pool->WithTransaction([&](pqxx::work& tx) {
    auto r = tx.exec1("SELECT count(*), max(applied_times) FROM demo_rankings");
    rows = r[0].as<int64_t>();
    max_times = r[1].as<int64_t>();
    for (const auto& row : tx.exec("SELECT region, name, rank FROM demo_rankings")) {
      zadd.push_back({"ZADD", "ys:v1:demo:rank:I01:county:2022-09", row[2].as<std::string>(),
                      row[0].as<std::string>() + " " + row[1].as<std::string>()});
    }
    return absl::OkStatus();
  }));
  std::printf("inbox      first delivery: %zu applied; second delivery: %zu duplicates ignored; "
              "%lld rows, each applied %lld time(s)\n",
              first_pass.applied, second_pass.duplicates, static_cast<long long>(rows),
              static_cast<long long>(max_times));

  // Redis -------------------------------------------------------------------------------------
  ys::ValueOrExit(kProgram, redis.Pipeline(zadd));
  auto top = ys::ValueOrExit(
      kProgram, redis.Command({"ZRANGE", "ys:v1:demo:rank:I01:county:2022-09", "0", "2", "WITHSCORES"}));
  std::printf("redis      cached the 12 counties in a sorted set; best three (SAMPLE):");
  for (size_t i = 0; i + 1 < top.elements.size(); i += 2) {
    std::printf(" %s (#%s)", top.elements[i].str.c_str(), top.elements[i + 1].str.c_str());
  }
  std::printf("\n");

  // Health and metrics ------------------------------------------------------------------------
  auto channel = grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
  grpc::ClientContext ctx;
  grpc::health::v1::HealthCheckResponse health;
  (void)grpc::health::v1::Health::NewStub(channel)->Check(&ctx, {}, &health);
  std::printf("grpc       %s health: %s\n", server.address().c_str(),
              grpc::health::v1::HealthCheckResponse::ServingStatus_Name(health.status()).c_str());
  const std::string text = metrics.Serialize();
  int shown = 0;
  std::printf("metrics    http://127.0.0.1:%d/metrics, e.g.\n", exposer->port());
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if ((absl::StartsWith(line, "ys_outbox_published_total") ||
         absl::StartsWith(line, "ys_inbox_records_total") ||
         absl::StartsWith(line, "ys_kafka_produced_total")) &&
        shown < 6) {
      Say(std::string(line));
      ++shown;
    }
  }
  server.Shutdown();
  const bool ok = first_pass.applied == kCounties.size() &&
                  second_pass.duplicates == kCounties.size() && rows == 12 && max_times == 1;
  std::printf("result     %s\n", ok ? "OK: the stack and the common library work end to end"
                                    : "FAILED: see the figures above");
  return ok ? 0 : 1;
}
