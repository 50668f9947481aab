#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/grpc/auth.h"
#include "common/pg/pool.h"
#include "services/indicator/catalog.h"

namespace ys::indicator {

inline constexpr char kCatalogTopic[] = "ys.catalog.v1";

struct StoredCatalog {
  std::vector<pb::CatalogEntity> entities;
  std::map<std::string, int64_t> versions;  // EntityKey -> version it was read at
};

// Where the catalog lives. Writes are all-or-nothing, audited, and published to ys.catalog.v1
// through the outbox in the same transaction.
class CatalogStore {
 public:
  virtual ~CatalogStore() = default;
  virtual absl::StatusOr<StoredCatalog> Load() = 0;
  // Writes the new states. ABORTED when an entity changed since `read_versions` were read (another
  // import won the race): the caller reloads and tries again.
  virtual absl::Status Apply(const std::vector<pb::CatalogEntity>& writes,
                             const std::map<std::string, int64_t>& read_versions,
                             const Principal& who, absl::Time now) = 0;
};

class PgCatalogStore final : public CatalogStore {
 public:
  explicit PgCatalogStore(PgPool& pool) : pool_(pool) {}
  absl::StatusOr<StoredCatalog> Load() override;
  absl::Status Apply(const std::vector<pb::CatalogEntity>& writes,
                     const std::map<std::string, int64_t>& read_versions, const Principal& who,
                     absl::Time now) override;

 private:
  PgPool& pool_;
};

}  // namespace ys::indicator
