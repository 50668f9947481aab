#include "services/ranking/consumers.h"

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/status/macros.h"

namespace ys::ranking {

absl::StatusOr<std::unique_ptr<RankingConsumers>> RankingConsumers::Create(
    const KafkaOptions& kafka, KafkaMetrics* kafka_metrics, PgPool& pool, Metrics& metrics, const Clock& clock,
    CatalogReplicaStore& replica, RankingCache& cache, const RankingSettings& settings, ConsumersOptions options,
    std::function<void()> on_ready) {
  std::unique_ptr<RankingConsumers> c(new RankingConsumers(pool, clock, replica, cache, settings));
  RankingConsumers* self = c.get();

  ASSIGN_OR_RETURN(c->catalog_.consumer,
                   KafkaConsumer::Create(kafka,
                                         {.group_id = options.group_id + ".catalog-replica",
                                          .topics = {kCatalogTopic},
                                          .every_partition = true},
                                         kafka_metrics));
  c->catalog_.inbox = std::make_unique<InboxProcessor>(
      *c->catalog_.consumer, pool, metrics,
      InboxOptions{.consumer = "ranking.catalog", .dlq_topic = kDlqTopic, .source = "/yingshang/ranking",
                   .trusted_sources = {kCatalogSource},
                   .limits = settings.validation.input, .poll_timeout = absl::Milliseconds(20)},
      InboxProcessor::BatchHandler([&replica](pqxx::transaction_base& tx, const std::vector<const CloudEvent*>& events,
                                              std::vector<absl::Status>* results) {
        return replica.ApplyBatch(tx, events, results);
      }));
  c->catalog_.loop = c->catalog_.inbox->MakeLoop(
      clock, {.after_round =
                  [self, on_ready = std::move(on_ready)](const InboxBatch& round) {
                    if (CatalogReplicaStore::MayHaveChanged(round)) self->replica_.Invalidate();
                    if (self->catalog_ready_.load()) return;
                    auto caught_up = self->catalog_.consumer->CaughtUp();
                    if (!caught_up.ok() || !*caught_up) return;
                    self->catalog_ready_ = true;
                    if (on_ready) on_ready();
                  },
              // The cache keeper shares the catalog's thread: it rebuilds seldom, and the catalog
              // is a trickle.
              .periodic = {{absl::Seconds(2), [self] { self->pipeline_.KeepCache(); }}}});

  c->facts_.resize(std::max<size_t>(1, options.consumers));
  for (Member& m : c->facts_) {
    ASSIGN_OR_RETURN(m.consumer, KafkaConsumer::Create(kafka, {options.group_id, {kSubmittedTopic}}, kafka_metrics));
    m.inbox = std::make_unique<InboxProcessor>(
        *m.consumer, pool, metrics,
        InboxOptions{.consumer = "ranking.submissions",
                     .dlq_topic = kDlqTopic,
                     .source = "/yingshang/ranking",
                     .trusted_sources = SubmissionSources(settings.validation),
                     .limits = settings.validation.input,
                     .batch_size = options.batch_size,
                     .dry_run = IsValidateOnly,
                     .on_reject =
                         [&clock](pqxx::transaction_base& tx, const KafkaMessage& record, const std::string& id,
                                  const absl::Status& reason) {
                           FactIngest::RecordRejected(tx, record, id, reason, clock.Now());
                         }},
        InboxProcessor::Pipeline{[self](pqxx::transaction_base& tx, const std::vector<const CloudEvent*>& events,
                                        std::vector<absl::Status>* results) {
          return self->pipeline_.Apply(tx, events, results);
        }});
    // Processed ids are purged by the first member only: they share the inbox name.
    ConsumerLoopOptions loop{.ready = [self] { return self->catalog_ready_.load(); }};
    if (&m != &c->facts_.front()) loop.purge_every = loop.first_purge_after = absl::InfiniteDuration();
    m.loop = m.inbox->MakeLoop(clock, std::move(loop));
  }
  return c;
}

RankingConsumers::~RankingConsumers() { Stop(); }

void RankingConsumers::Start() {
  catalog_.loop->Start();
  for (Member& m : facts_) m.loop->Start();
}

void RankingConsumers::Stop() {
  if (catalog_.loop) catalog_.loop->Stop();
  for (Member& m : facts_) {
    if (m.loop) m.loop->Stop();
  }
  if (catalog_.consumer) catalog_.consumer->Close();
  for (Member& m : facts_) {
    if (m.consumer) m.consumer->Close();
  }
}

}  // namespace ys::ranking
