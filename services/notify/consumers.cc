#include "services/notify/consumers.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/log/log.h"
#include "common/status/macros.h"

namespace ys::notify {

absl::StatusOr<std::unique_ptr<NotifyConsumers>> NotifyConsumers::Create(
    const KafkaOptions& kafka, KafkaMetrics* kafka_metrics, PgPool& pool, PgNotifyStore& store, Metrics& metrics,
    NotifyMetrics& notify_metrics, const Clock& clock, CatalogReplicaStore& replica, RecipientsKeeper& keeper,
    const RecipientBook& book, Intake& intake, const NotifySettings& settings, Options options) {
  std::unique_ptr<NotifyConsumers> c(new NotifyConsumers());
  ASSIGN_OR_RETURN(c->catalog_.consumer,
                   KafkaConsumer::Create(kafka,
                                         {.group_id = options.group_id + ".catalog-replica",
                                          .topics = {kCatalogTopic},
                                          .every_partition = true},
                                         kafka_metrics));
  c->catalog_.inbox = std::make_unique<InboxProcessor>(
      *c->catalog_.consumer, pool, metrics,
      InboxOptions{.consumer = "notify.catalog", .dlq_topic = kDlqTopic, .source = "/yingshang/notify",
                   .trusted_sources = {kCatalogSource},
                   .poll_timeout = absl::Milliseconds(50)},
      InboxProcessor::BatchHandler([&replica](pqxx::transaction_base& tx, const std::vector<const CloudEvent*>& events,
                                              std::vector<absl::Status>* results) {
        return replica.ApplyBatch(tx, events, results);
      }));
  c->catalog_.loop = c->catalog_.inbox->MakeLoop(
      clock, {.after_round =
                  [&replica, &keeper](const InboxBatch& round) {
                    if (CatalogReplicaStore::MayHaveChanged(round)) {
                      replica.Invalidate();
                      keeper.CatalogChanged();
                    }
                  },
              // The stored recipients version moves with `ysctl notify recipients import` (any
              // replica): looked at every few seconds on the catalog's thread.
              .periodic = {{absl::Seconds(3), [&keeper] {
                              if (absl::Status s = keeper.Refresh(); !s.ok()) {
                                log::Warn("notify recipients not rebuilt", {{"error", std::string(s.message())}});
                              }
                            }}}});

  for (const ConsumedTopic& topic : kConsumedTopics) {
    Member m;
    ASSIGN_OR_RETURN(m.consumer, KafkaConsumer::Create(kafka, {options.group_id, {topic.topic}}, kafka_metrics));
    const std::string name = topic.topic;
    m.inbox = std::make_unique<InboxProcessor>(
        *m.consumer, pool, metrics,
        InboxOptions{.consumer = absl::StrCat("notify.", name), .dlq_topic = kDlqTopic, .source = "/yingshang/notify",
                     .trusted_sources = {topic.source},
                     .batch_size = options.batch_size,
                     // The intake decides every refusal before it writes (intake.h).
                     .savepoint_per_record = false},
        InboxProcessor::BatchHandler([name, &store, &intake, &clock, &notify_metrics](
                                         pqxx::transaction_base& tx, const std::vector<const CloudEvent*>& events,
                                         std::vector<absl::Status>* results) {
          return store.Within(tx, [&](NotifyTx& ntx) -> absl::Status {
            ASSIGN_OR_RETURN(IntakeResult r, intake.ApplyBatch(ntx, name, events, results, clock.Now()));
            if (!r.unknown.empty()) {
              notify_metrics.UnknownReceivers(static_cast<int>(r.unknown.size()));
              const size_t shown = std::min<size_t>(r.unknown.size(), 5);
              log::Warn("notify receivers unknown",
                        {{"count", std::to_string(r.unknown.size())},
                         {"first", absl::StrJoin(r.unknown.begin(), r.unknown.begin() + shown, "; ")}});
            }
            return absl::OkStatus();
          });
        }));
    m.loop = m.inbox->MakeLoop(clock, {.batch_size = options.batch_size,
                                       .ready = [&book] { return book.ready(); },
                                       .after_round = [on_applied = options.on_applied](const InboxBatch& round) {
                                         if (round.applied > 0 && on_applied) on_applied();
                                       }});
    c->events_.push_back(std::move(m));
  }
  return c;
}

NotifyConsumers::~NotifyConsumers() { Stop(); }

void NotifyConsumers::Start() {
  catalog_.loop->Start();
  for (Member& m : events_) m.loop->Start();
}

void NotifyConsumers::Stop() {
  if (catalog_.loop) catalog_.loop->Stop();
  for (Member& m : events_) {
    if (m.loop) m.loop->Stop();
  }
  if (catalog_.consumer) catalog_.consumer->Close();
  for (Member& m : events_) {
    if (m.consumer) m.consumer->Close();
  }
}

}  // namespace ys::notify
