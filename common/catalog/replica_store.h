#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/status/statusor.h"
#include "common/catalog/replica.h"
#include "common/consumer/record_sink.h"
#include "common/input/text_rules.h"
#include "common/kafka/cloud_event.h"
#include "common/pg/pool.h"

namespace pqxx {
class transaction_base;
}

namespace ys {

// The catalog replica: applies ys.catalog.v1 records (latest version per key wins) and serves the
// current replica to the service (ranking's ingest, notify's recipients), reloading it from
// PostgreSQL only after it changed. Each service's schema holds its own table catalog_replica
// (entity_key, version, body), created by the service's migrations.
class CatalogReplicaStore {
 public:
  // `limits`: the input rules' caps for the catalog's strings (config input.*).
  explicit CatalogReplicaStore(PgPool& pool, input::InputLimits limits = {}) : pool_(pool), limits_(limits) {}
  // The inbox batch handler for ys.catalog.v1.
  absl::Status ApplyBatch(pqxx::transaction_base& tx, const std::vector<const CloudEvent*>& events,
                          std::vector<absl::Status>* results);
  // Marks the replica changed (call after the transaction that applied a batch committed).
  void Invalidate() { generation_.fetch_add(1); }
  // Whether a round of the catalog consumer may have changed the replica table. Every replica of a
  // service reads every catalog record (ConsumerOptions::every_partition) into the one table of its
  // schema; the inbox lets one replica apply a record and the others find it a duplicate. A duplicate
  // may thus be another replica's fresh change this one has not loaded yet: it counts too.
  static bool MayHaveChanged(const InboxBatch& round) { return round.applied + round.duplicates > 0; }
  absl::StatusOr<std::shared_ptr<const CatalogReplica>> Current();
  // The same, reloading (when it changed) through the caller's transaction.
  absl::StatusOr<std::shared_ptr<const CatalogReplica>> Current(pqxx::transaction_base& tx);

 private:
  absl::StatusOr<std::shared_ptr<const CatalogReplica>> CurrentVia(
      const std::function<absl::Status(const std::function<void(pqxx::transaction_base&)>&)>& run);

  PgPool& pool_;
  input::InputLimits limits_;
  std::atomic<int64_t> generation_{1};
  std::mutex mu_;
  int64_t loaded_generation_ = 0;
  std::shared_ptr<const CatalogReplica> replica_;
};

}  // namespace ys
