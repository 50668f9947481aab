// ys-notify: alerts, cases and duty events in; the right people told once, over their channels,
// with a history of every attempt. Wiring only.
#include "absl/strings/str_cat.h"
#include "common/catalog/replica_store.h"
#include "common/grpc/channel.h"
#include "common/grpc/server.h"
#include "common/log/log.h"
#include "common/metrics/metrics.h"
#include "common/pg/outbox.h"
#include "common/process/service_setup.h"
#include "common/process/signals.h"
#include "common/process/startup.h"
#include "common/time/calendar.h"
#include "services/notify/consumers.h"
#include "common/process/periodic_task.h"
#include "services/notify/desk.h"
#include "services/notify/documents/case_opener.h"
#include "services/notify/documents/document_deliveries.h"
#include "services/notify/documents/document_desk.h"
#include "services/notify/documents/document_service.h"
#include "services/notify/documents/documents_settings.h"
#include "services/notify/documents/grpc_sources.h"
#include "services/notify/documents/pdf_printer.h"
#include "services/notify/dispatcher.h"
#include "services/notify/embedded.h"
#include "services/notify/recipients_keeper.h"
#include "services/notify/service.h"
#include "services/notify/settings.h"
#include "services/notify/templates.h"

namespace {
constexpr char kProgram[] = "ys-notify";
}

int main(int argc, char** argv) {
  ys::BlockTerminationSignals();
  const ys::ServiceSetup setup = ys::LoadServiceSetupOrExit(kProgram, "notify", argc, argv);
  const ys::Config& config = setup.config;
  const auto settings = ys::ValueOrExit(kProgram, ys::notify::LoadNotifySettings(config));
  const auto templates = ys::ValueOrExit(kProgram, ys::notify::TemplateSet::LoadDirectory(settings.templates_dir));
  const auto calendar = ys::ValueOrExit(kProgram, ys::WorkingDayCalendar::LoadEmbedded());
  ys::RealClock clock;
  auto http = ys::ValueOrExit(kProgram, ys::notify::HttpSender::Create(settings.http, clock));
  std::unique_ptr<ys::notify::SmtpSender> smtp;
  if (settings.smtp_enabled) smtp = ys::ValueOrExit(kProgram, ys::notify::SmtpSender::Create(settings.smtp, clock));
  const auto documents = ys::ValueOrExit(kProgram, ys::notify::documents::LoadDocumentSettings(config));
  const std::string group = config.GetString("kafka.group_id", "ys-notify");
  const auto client_tls = ys::ValueOrExit(kProgram, ys::ClientTlsOptionsFromConfig(config));  // grpc.client.tls.*
  ys::ExitIfConfigCheck(kProgram, setup);

  auto runtime = ys::StartServiceRuntimeOrExit(kProgram, "notify", setup, ys::notify::EmbeddedMigrations(),
                                               // What it reads too, so its consumers find the topics at
                                               // start rather than at a metadata refresh later.
                                               {{ys::notify::kNotifyTopic, 3, false},
                                                {ys::notify::kDlqTopic, 1, false},
                                                {ys::notify::kCatalogTopic, 3, true},
                                                {ys::notify::kRankingAlertsTopic, 3, false},
                                                {ys::notify::kRectificationTopic, 3, false},
                                                {ys::notify::kDutyTopic, 3, false}});
  ys::Metrics& metrics = runtime->metrics;
  ys::notify::NotifyMetrics notify_metrics(metrics);
  ys::notify::PgNotifyStore store(*runtime->pool);
  ys::CatalogReplicaStore replica(*runtime->pool);
  ys::notify::RecipientBook book;
  ys::notify::Intake intake(settings, templates, book);
  ys::notify::RecipientsKeeper keeper(replica, store, book, intake, settings);

  ys::notify::DirectorySecrets secrets(settings.secrets_dir);
  auto limiter = ys::ValueOrExit(kProgram, ys::notify::LoadRateLimiter(store, settings.rate_limits));
  ys::notify::documents::DocumentAttachments attachments(store);
  ys::notify::Dispatcher dispatcher(store, settings, book, calendar, {http.get(), smtp.get(), &attachments}, secrets,
                                    *limiter, clock, notify_metrics);

  // The dispatch pack and the bulletin (documents/): read from the other services, printed by Chromium.
  namespace docs = ys::notify::documents;
  const auto grpc_credentials = ys::ValueOrExit(kProgram, ys::ChannelCredentialsFor(client_tls));
  const std::string server_name = client_tls ? client_tls->server_name : "";
  docs::GrpcDocumentSources sources({.ranking = documents.ranking, .indicator = documents.indicator,
                                     .rectification = documents.rectification, .duty = documents.duty,
                                     .api_key = documents.service_key, .deadline = documents.deadline,
                                     .server_name = server_name},
                                    grpc_credentials);
  docs::ChromiumPrinter printer({.binary = documents.chromium, .work_dir = documents.work_dir,
                                 .timeout = documents.print_timeout});
  docs::GrpcCaseOpener cases(ys::MakeChannel(documents.rectification, grpc_credentials, server_name),
                             documents.service_key, documents.deadline);
  docs::DocumentDesk document_desk(store, sources, printer, cases, book, clock, {.city_code = documents.city_code});
  docs::DocumentServiceImpl document_service(document_desk, setup.auth, *runtime->executor);
  ys::PeriodicTask case_sweep(documents.cases_every, [&document_desk] {
    if (auto opened = document_desk.OpenPendingCases(); !opened.ok()) {
      ys::log::Warn("documents: 督办事项 cases not opened yet", {{"error", opened.status().ToString()}});
    }
  });

  ys::notify::NotifyDesk desk(store, book, settings, clock);
  ys::notify::NotifyImpl service(desk, setup.auth, *runtime->executor);
  ys::GrpcServer server(setup.grpc, metrics, &setup.auth);
  server.AddService(&service);
  if (documents.enabled) server.AddService(&document_service);
  server.AddService(runtime->outbox_admin.get());
  ys::CheckOrExit(kProgram, server.Start());

  auto consumers = ys::ValueOrExit(
      kProgram, ys::notify::NotifyConsumers::Create(setup.kafka, &runtime->kafka_metrics, *runtime->pool, store,
                                                    metrics, notify_metrics, clock, replica, keeper, book, intake,
                                                    settings, {.group_id = group, .on_applied = [&dispatcher] { dispatcher.Wake(); }}));
  consumers->Start();
  dispatcher.Start();
  if (documents.enabled) case_sweep.Start();
  auto readiness = ys::WatchReadiness(server, *runtime);  // NOT_SERVING while PostgreSQL is lost
  readiness->SetReady(true);
  ys::log::Info("notify serving", {{"grpc", server.address()},
                                   {"metrics", absl::StrCat("127.0.0.1:", runtime->exposer->port())}});

  ys::WaitForTermination();
  server.Shutdown();
  consumers->Stop();
  case_sweep.Stop();
  dispatcher.Stop();
  return 0;
}
