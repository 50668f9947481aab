// ys-duty: the service centre's leader window duty (坐班) and window staff. Wiring only.
#include "absl/strings/str_cat.h"
#include "common/grpc/server.h"
#include "common/log/log.h"
#include "common/kafka/kafka.h"
#include "common/metrics/metrics.h"
#include "common/pg/outbox.h"
#include "common/process/periodic_task.h"
#include "common/process/service_setup.h"
#include "common/process/signals.h"
#include "common/process/startup.h"
#include "common/time/calendar.h"
#include "services/duty/desk.h"
#include "services/duty/embedded.h"
#include "services/duty/scheduler.h"
#include "services/duty/service.h"
#include "services/duty/settings.h"
#include "services/duty/store.h"

namespace {
constexpr char kProgram[] = "ys-duty";
}

int main(int argc, char** argv) {
  ys::BlockTerminationSignals();
  const ys::ServiceSetup setup = ys::LoadServiceSetupOrExit(kProgram, "duty", argc, argv);
  const auto settings = ys::ValueOrExit(kProgram, ys::duty::LoadDutySettings(setup.config));
  const auto calendar = ys::ValueOrExit(kProgram, ys::WorkingDayCalendar::LoadEmbedded());
  ys::ExitIfConfigCheck(kProgram, setup);

  auto runtime = ys::StartServiceRuntimeOrExit(kProgram, "duty", setup, ys::duty::EmbeddedMigrations(),
                                               {{ys::duty::kDutyTopic, 3, false}});
  ys::RealClock clock;
  ys::duty::PgDutyStore store(*runtime->pool);
  ys::duty::DutyDesk desk(store, clock, calendar, settings, setup.auth.units());
  ys::duty::DutyImpl service(desk, setup.auth, *runtime->executor);

  ys::GrpcServer server(setup.grpc, runtime->metrics, &setup.auth);
  server.AddService(&service);
  server.AddService(runtime->outbox_admin.get());
  ys::CheckOrExit(kProgram, server.Start());
  auto readiness = ys::WatchReadiness(server, *runtime);  // NOT_SERVING while PostgreSQL is lost
  readiness->SetReady(true);
  ys::log::Info("duty serving", {{"grpc", server.address()},
                                 {"metrics", absl::StrCat("127.0.0.1:", runtime->exposer->port())}});

  ys::duty::DutyScheduler scheduler(desk, runtime->metrics);
  ys::PeriodicTask sweeper(settings.scheduler_interval, [&] { scheduler.RunOnce(); });
  sweeper.Start();

  ys::WaitForTermination();
  server.Shutdown();
  sweeper.Stop();
  return 0;
}
