#pragma once

#include <atomic>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/metrics/metrics.h"
#include "common/pg/pool.h"
#include "common/redis/redis.h"
#include "services/ranking/current_fact.h"
#include "services/ranking/domain.h"

namespace ys::ranking {

// What a read found, and where: facts from several periods come in one answer (each carries its
// period), so a scorecard's two months or a history's months are one round trip.
struct FactsRead {
  std::vector<pb::RankingFact> facts;
  bool from_cache = false;  // answered by Redis (not PostgreSQL)
};

// Reads current facts (the highest revision per key; one per indicator/region/period when several
// sources publish the same ranking, the latest written: the highest current_facts.write_seq).
class FactReader {
 public:
  virtual ~FactReader() = default;
  // A region's facts of each of `periods` (a scorecard: the month and the one before).
  virtual absl::StatusOr<FactsRead> ForRegion(pb::Evaluation evaluation, const std::string& region,
                                              const std::vector<std::string>& periods) = 0;
  // One indicator's facts of every region of `scope` in `period` (an indicator's ranking).
  virtual absl::StatusOr<FactsRead> ForIndicator(pb::Evaluation evaluation, const std::string& indicator,
                                                 pb::Scope scope, const std::string& period) = 0;
  // One indicator of one region in each of `periods` (a history); a period without a fact has none.
  virtual absl::StatusOr<FactsRead> ForRegionIndicator(pb::Evaluation evaluation, const std::string& region,
                                                       const std::string& indicator,
                                                       const std::vector<std::string>& periods) = 0;
};

// PostgreSQL, the store of record.
class PgFactReader final : public FactReader {
 public:
  explicit PgFactReader(PgPool& pool) : pool_(pool) {}
  absl::StatusOr<FactsRead> ForRegion(pb::Evaluation evaluation, const std::string& region,
                                      const std::vector<std::string>& periods) override;
  absl::StatusOr<FactsRead> ForIndicator(pb::Evaluation evaluation, const std::string& indicator,
                                         pb::Scope scope, const std::string& period) override;
  absl::StatusOr<FactsRead> ForRegionIndicator(pb::Evaluation evaluation, const std::string& region,
                                               const std::string& indicator,
                                               const std::vector<std::string>& periods) override;

 private:
  absl::StatusOr<FactsRead> Query(const std::string& where, const std::vector<std::string>& args);
  PgPool& pool_;
};

// The current rankings in Redis (docs/architecture.md, "Storage"), never the only copy. Keys are versioned:
//   ys:v1:rank:<EVALUATION>:<SCOPE>:<indicator>:<period>   sorted set, member region, score rank
//   ys:v1:facts:<EVALUATION>:<region>:<period>             hash, field indicator, value the fact
//   ys:v1:seq:<EVALUATION>:<region>:<period>               hash, field indicator, value its write_seq
//   ys:v1:meta:built                                       set once a full rebuild finished
// each behind an optional prefix (redis.key_prefix), so several deployments can share one Redis.
// Reads answer NOT_FOUND when the cache is not built (the caller falls back to PostgreSQL) and
// UNAVAILABLE when Redis is down. A read is one pipeline with the built check (an indicator's
// ranking two: its sorted set, then the facts).
class RankingCache final : public FactReader {
 public:
  explicit RankingCache(RedisClient& redis, std::string prefix = "")
      : redis_(redis), prefix_(std::move(prefix)) {}

  // Writes each fact unless the cache holds one written later (a higher write_seq) for the same
  // indicator and region: one compare-and-set script per chunk, so writers racing after their
  // commits (the Kafka consumers, Submit, Replay, another replica, a rebuild) leave what PostgreSQL
  // readers see, whatever the order in which they reach Redis. A failed write (Redis down or slow)
  // marks the cache stale until the next Rebuild.
  absl::Status Write(const std::vector<CurrentFact>& facts);
  // True once a write failed since the last rebuild (TakeStale also clears it).
  bool TakeStale() { return stale_.exchange(false); }
  void MarkStale() { stale_ = true; }
  absl::StatusOr<bool> IsBuilt();
  // Writes every current fact from PostgreSQL, then marks the cache built; returns how many.
  absl::StatusOr<size_t> Rebuild(PgPool& pool);

  absl::StatusOr<FactsRead> ForRegion(pb::Evaluation evaluation, const std::string& region,
                                      const std::vector<std::string>& periods) override;
  absl::StatusOr<FactsRead> ForIndicator(pb::Evaluation evaluation, const std::string& indicator,
                                         pb::Scope scope, const std::string& period) override;
  absl::StatusOr<FactsRead> ForRegionIndicator(pb::Evaluation evaluation, const std::string& region,
                                               const std::string& indicator,
                                               const std::vector<std::string>& periods) override;

 private:
  // Runs `commands` after the built check in one pipeline; NOT_FOUND when the cache is not built.
  absl::StatusOr<std::vector<RedisReply>> ReadBuilt(std::vector<std::vector<std::string>> commands);
  std::string RankKey(pb::Evaluation e, pb::Scope s, const std::string& indicator,
                      const std::string& period) const;
  std::string FactsKey(pb::Evaluation e, const std::string& region, const std::string& period) const;
  std::string SeqKey(pb::Evaluation e, const std::string& region, const std::string& period) const;
  std::string BuiltKey() const;
  absl::Status WriteChunk(std::span<const CurrentFact> facts);
  std::atomic<bool> stale_{false};
  std::mutex script_mu_;
  std::string script_sha_;  // of kWriteScript once loaded (SCRIPT LOAD); reloaded after NOSCRIPT
  RedisClient& redis_;
  std::string prefix_;
};

// Redis first, PostgreSQL when the cache is cold or down; counts which answered.
class CachedFactReader final : public FactReader {
 public:
  CachedFactReader(RankingCache& cache, PgFactReader& pg, Metrics& metrics);
  absl::StatusOr<FactsRead> ForRegion(pb::Evaluation evaluation, const std::string& region,
                                      const std::vector<std::string>& periods) override;
  absl::StatusOr<FactsRead> ForIndicator(pb::Evaluation evaluation, const std::string& indicator,
                                         pb::Scope scope, const std::string& period) override;
  absl::StatusOr<FactsRead> ForRegionIndicator(pb::Evaluation evaluation, const std::string& region,
                                               const std::string& indicator,
                                               const std::vector<std::string>& periods) override;

 private:
  template <typename Fn1, typename Fn2>
  absl::StatusOr<FactsRead> Read(Fn1 cached, Fn2 pg);
  RankingCache& cache_;
  PgFactReader& pg_;
  prometheus::Counter& hits_;
  prometheus::Counter& cold_;
  prometheus::Counter& fallback_;
};

}  // namespace ys::ranking
