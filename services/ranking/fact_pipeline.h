#pragma once

#include <atomic>
#include <functional>
#include <vector>

#include "common/pg/inbox.h"
#include "common/pg/pool.h"
#include "services/ranking/cache.h"
#include "services/ranking/ingest.h"

namespace ys::ranking {

// The way of submitted facts through the service: applied in the inbox's transaction (FactIngest),
// then, once that transaction committed and only then, what became current is written to Redis.
// A failed Redis write marks the cache dirty; KeepCache rebuilds it from PostgreSQL.
class FactPipeline {
 public:
  FactPipeline(FactIngest& ingest, RankingCache& cache, PgPool& pool)
      : ingest_(ingest), cache_(cache), pool_(pool) {}

  // The inbox's handler for ys.rankings.submitted.v1.
  absl::StatusOr<InboxProcessor::AfterCommit> Apply(pqxx::transaction_base& tx,
                                                    const std::vector<const CloudEvent*>& events,
                                                    std::vector<absl::Status>* results);
  // Told what each committed batch changed, after the cache write (the bench counts alerts).
  void SetObserver(std::function<void(const FactChanges&)> observer) { observer_ = std::move(observer); }

  // Rebuilds the cache when it is not built (Redis flushed or restarted, or the process just
  // started) or a write failed since the last rebuild (RankingCache::TakeStale). A periodic task
  // on one thread; true when it rebuilt.
  bool KeepCache();
  // Time spent writing Redis after commits, in total (the bench reports its share).
  double cache_write_seconds() const { return cache_write_seconds_.load(); }

 private:
  void AfterCommit(const FactChanges& changes);

  FactIngest& ingest_;
  RankingCache& cache_;
  PgPool& pool_;
  bool started_ = false;  // the cache is rebuilt from PostgreSQL once at start
  std::function<void(const FactChanges&)> observer_;
  std::atomic<double> cache_write_seconds_{0};
};

}  // namespace ys::ranking
