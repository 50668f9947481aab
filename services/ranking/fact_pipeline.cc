#include "services/ranking/fact_pipeline.h"

#include <memory>

#include "common/log/log.h"
#include "common/status/macros.h"

namespace ys::ranking {

absl::StatusOr<InboxProcessor::AfterCommit> FactPipeline::Apply(pqxx::transaction_base& tx,
                                                                const std::vector<const CloudEvent*>& events,
                                                                std::vector<absl::Status>* results) {
  ASSIGN_OR_RETURN(FactChanges changes, ingest_.ApplyBatch(tx, events, results));
  auto committed = std::make_shared<FactChanges>(std::move(changes));
  return InboxProcessor::AfterCommit([this, committed] { AfterCommit(*committed); });
}

void FactPipeline::AfterCommit(const FactChanges& changes) {
  if (!changes.current.empty()) {
    const absl::Time start = absl::Now();
    const absl::Status written = cache_.Write(changes.current);
    cache_write_seconds_.fetch_add(absl::ToDoubleSeconds(absl::Now() - start));
    if (!written.ok()) {
      // PostgreSQL has the facts; the cache marked itself stale and KeepCache rebuilds it.
      log::Warn("ranking cache write failed; rebuilding", {{"error", std::string(written.message())}});
    }
  }
  if (observer_) observer_(changes);
}

bool FactPipeline::KeepCache() {
  auto built = cache_.IsBuilt();
  if (!built.ok()) return false;
  const bool stale = cache_.TakeStale() || !started_;
  started_ = true;
  if (!stale && *built) return false;
  auto n = cache_.Rebuild(pool_);
  if (!n.ok()) {
    cache_.MarkStale();
    log::Warn("ranking cache rebuild failed", {{"error", std::string(n.status().message())}});
    return false;
  }
  log::Info("ranking cache rebuilt from postgresql", {{"facts", std::to_string(*n)}});
  return true;
}

}  // namespace ys::ranking
