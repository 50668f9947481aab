// ys-rectification: ranking alerts in, rectification cases with deadlines and escalation out. Wiring only.
#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/grpc/server.h"
#include "common/kafka/kafka.h"
#include "common/log/log.h"
#include "common/metrics/metrics.h"
#include "common/pg/inbox.h"
#include "common/pg/outbox.h"
#include "common/process/service_setup.h"
#include "common/process/signals.h"
#include "common/process/startup.h"
#include "common/time/calendar.h"
#include "services/rectification/embedded.h"
#include "services/rectification/service.h"
#include "services/rectification/settings.h"

namespace {
constexpr char kProgram[] = "ys-rectification";
}

int main(int argc, char** argv) {
  ys::BlockTerminationSignals();
  const ys::ServiceSetup setup = ys::LoadServiceSetupOrExit(kProgram, "rectification", argc, argv);
  const ys::Config& config = setup.config;
  const auto settings = ys::ValueOrExit(kProgram, ys::rectification::LoadRectificationSettings(config));
  const auto calendar = ys::ValueOrExit(kProgram, ys::WorkingDayCalendar::LoadEmbedded());
  const std::string group = config.GetString("kafka.group_id", "ys-rectification");
  ys::ExitIfConfigCheck(kProgram, setup);

  auto runtime = ys::StartServiceRuntimeOrExit(kProgram, "rectification", setup,
                                               ys::rectification::EmbeddedMigrations(),
                                               {{ys::rectification::kAlertsTopic, 3, false},
                                                {ys::rectification::kEventsTopic, 3, false},
                                                {"ys.rectification.dlq.v1", 1, false}});
  ys::Metrics& metrics = runtime->metrics;
  ys::RealClock clock;
  ys::rectification::CaseStore store(*runtime->pool, clock, calendar, settings.policies);

  auto alerts = ys::ValueOrExit(
      kProgram, ys::KafkaConsumer::Create(setup.kafka, {group, {ys::rectification::kAlertsTopic}},
                                          &runtime->kafka_metrics));
  ys::InboxProcessor inbox(
      *alerts, *runtime->pool, metrics,
      {.consumer = "rectification.alerts", .dlq_topic = "ys.rectification.dlq.v1",
       .source = "/yingshang/rectification"},
      [&](pqxx::transaction_base& tx, const std::vector<const ys::CloudEvent*>& events,
          std::vector<absl::Status>* results) { return store.ApplyAlerts(tx, events, results); });

  auto& cases = prometheus::BuildGauge()
                    .Name("ys_rectification_cases")
                    .Help("Outstanding cases (open, in progress, rejected, reopened) by escalation level, "
                          "and those of them past due.")
                    .Register(metrics.registry());
  auto& steps = prometheus::BuildCounter()
                    .Name("ys_rectification_escalations_total")
                    .Help("Escalation steps taken by the overdue sweeper.")
                    .Register(metrics.registry())
                    .Add({});

  ys::rectification::RectificationImpl service(store, clock, setup.auth);
  ys::GrpcServer server(setup.grpc, metrics, &setup.auth);
  server.AddService(&service);
  ys::CheckOrExit(kProgram, server.Start());
  server.SetServing(true);
  ys::log::Info("rectification serving", {{"grpc", server.address()},
                                          {"metrics", absl::StrCat("127.0.0.1:", runtime->exposer->port())}});

  std::atomic<bool> stop{false};
  std::thread consumer([&] {
    while (!stop.load()) {
      auto b = inbox.RunOnce();
      if (!b.ok()) {
        ys::log::Warn("alert batch failed; retrying", {{"error", std::string(b.status().message())}});
        absl::SleepFor(absl::Seconds(1));
      }
    }
  });
  // The overdue sweeper: idempotent and safe beside other replicas (SKIP LOCKED, keyed steps).
  std::thread sweeper([&] {
    absl::Time next = absl::Now();
    absl::Time next_purge = absl::Now() + absl::Minutes(5);
    while (!stop.load()) {
      if (absl::Now() < next) {
        absl::SleepFor(absl::Milliseconds(200));
        continue;
      }
      next = absl::Now() + settings.sweep_interval;
      if (absl::Now() >= next_purge) {
        // Forget processed ce_ids after 14 days (topics keep 7): the inbox table stays bounded.
        if (auto purged = inbox.PurgeOlderThan(absl::Hours(24 * 14)); !purged.ok()) {
          ys::log::Warn("inbox purge failed", {{"error", std::string(purged.status().message())}});
        }
        next_purge = absl::Now() + absl::Hours(1);
      }
      auto swept = store.Sweep();
      if (!swept.ok()) {
        ys::log::Warn("overdue sweep failed", {{"error", std::string(swept.status().message())}});
      } else if (swept->steps > 0) {
        steps.Increment(static_cast<double>(swept->steps));
        ys::log::Info("overdue sweep", {{"cases", std::to_string(swept->cases)},
                                        {"steps", std::to_string(swept->steps)}});
      }
      if (auto counts = store.CountByLevel(); counts.ok()) {
        for (int level = 0; level <= 3; ++level) {
          const auto e = static_cast<ys::rectification::pb::Escalation>(level);
          const std::string name = ys::rectification::pb::Escalation_Name(e);
          cases.Add({{"escalation", name}, {"status", "open"}}).Set(static_cast<double>(counts->open[e]));
          cases.Add({{"escalation", name}, {"status", "overdue"}}).Set(static_cast<double>(counts->overdue[e]));
        }
      }
    }
  });

  ys::WaitForTermination();
  server.Shutdown();
  stop = true;
  consumer.join();
  sweeper.join();
  alerts->Close();
  return 0;
}
