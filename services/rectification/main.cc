// ys-rectification: ranking alerts in, rectification cases with deadlines and escalation out. Wiring only.
#include "absl/strings/str_cat.h"
#include "common/grpc/server.h"
#include "common/kafka/kafka.h"
#include "common/log/log.h"
#include "common/metrics/metrics.h"
#include "common/pg/inbox.h"
#include "common/pg/outbox.h"
#include "common/process/service_setup.h"
#include "common/process/periodic_task.h"
#include "common/process/signals.h"
#include "common/process/startup.h"
#include "common/time/calendar.h"
#include "services/rectification/embedded.h"
#include "services/rectification/overdue_sweeper.h"
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
       .source = "/yingshang/rectification",
       // Alerts open cases against units: only the ranking service raises them (issue #17).
       .trusted_sources = {"/yingshang/ranking"}, .limits = settings.policies.input},
      [&](pqxx::transaction_base& tx, const std::vector<const ys::CloudEvent*>& events,
          std::vector<absl::Status>* results) { return store.ApplyAlerts(tx, events, results); });

  ys::rectification::RectificationImpl service(store, clock, setup.auth, *runtime->executor);
  ys::GrpcServer server(setup.grpc, metrics, &setup.auth);
  server.AddService(&service);
  server.AddService(runtime->outbox_admin.get());
  ys::CheckOrExit(kProgram, server.Start());
  auto readiness = ys::WatchReadiness(server, *runtime);  // NOT_SERVING while PostgreSQL is lost
  readiness->SetReady(true);
  ys::log::Info("rectification serving", {{"grpc", server.address()},
                                          {"metrics", absl::StrCat("127.0.0.1:", runtime->exposer->port())}});

  auto consumer = inbox.MakeLoop(clock);
  consumer->Start();
  ys::rectification::OverdueSweeper overdue(store, metrics);
  ys::PeriodicTask sweeper(settings.sweep_interval, [&] { overdue.Run(); });
  sweeper.Start();

  ys::WaitForTermination();
  server.Shutdown();
  consumer->Stop();
  sweeper.Stop();
  alerts->Close();
  return 0;
}
