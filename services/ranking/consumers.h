#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/kafka/kafka.h"
#include "common/metrics/metrics.h"
#include "common/pg/inbox.h"
#include "common/pg/pool.h"
#include "common/time/clock.h"
#include "services/ranking/cache.h"
#include "services/ranking/fact_pipeline.h"
#include "services/ranking/ingest.h"
#include "services/ranking/settings.h"

namespace ys::ranking {

struct ConsumersOptions {
  std::string group_id = "ys-ranking";
  // Members of the submissions group in this process, each with its partitions and its own
  // transaction: one leaves the CPU half idle while it waits for PostgreSQL (bench/ranking_ingest).
  size_t consumers = 3;
  // Facts per consumer transaction: larger batches amortise the commit.
  size_t batch_size = 4000;
};

// What the ranking service consumes, each on a ConsumerLoop: the catalog replica (ys.catalog.v1),
// which also keeps the Redis cache, and the submissions (ys.rankings.submitted.v1) through the
// FactPipeline. Facts are validated against the replica, so the submissions wait until the replica
// has caught up with the catalog topic; then `on_ready` is called once (the service turns SERVING).
class RankingConsumers {
 public:
  static absl::StatusOr<std::unique_ptr<RankingConsumers>> Create(
      const KafkaOptions& kafka, KafkaMetrics* kafka_metrics, PgPool& pool, Metrics& metrics,
      const Clock& clock, CatalogReplicaStore& replica, RankingCache& cache, const RankingSettings& settings,
      ConsumersOptions options, std::function<void()> on_ready);
  ~RankingConsumers();

  void Start();
  // Finishes the rounds in progress and leaves the consumer groups.
  void Stop();

 private:
  RankingConsumers(PgPool& pool, const Clock& clock, CatalogReplicaStore& replica, RankingCache& cache,
                   const RankingSettings& settings)
      : replica_(replica),
        ingest_(pool, replica, clock, settings.validation, settings.lock, settings.rules),
        pipeline_(ingest_, cache, pool) {}

  struct Member {
    std::unique_ptr<KafkaConsumer> consumer;
    std::unique_ptr<InboxProcessor> inbox;
    std::unique_ptr<ConsumerLoop> loop;
  };

  CatalogReplicaStore& replica_;
  FactIngest ingest_;
  FactPipeline pipeline_;
  std::atomic<bool> catalog_ready_{false};
  Member catalog_;
  std::vector<Member> facts_;
};

}  // namespace ys::ranking
