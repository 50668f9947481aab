#include "services/rectification/case_list_cache.h"

#include <pqxx/pqxx>

#include "common/status/macros.h"
#include "services/rectification/store_rows.h"

namespace ys::rectification {

std::shared_ptr<const CaseListSnapshot> CaseListCache::Cached(int64_t at_least) const {
  std::lock_guard lock(mu_);
  return snapshot_ != nullptr && snapshot_->version >= at_least ? snapshot_ : nullptr;
}

absl::StatusOr<std::shared_ptr<const CaseListSnapshot>> CaseListCache::Current() {
  int64_t version = 0;
  RETURN_IF_ERROR(pool_.WithSingleStatement([&](pqxx::transaction_base& tx) {
    version = tx.exec("SELECT n FROM case_list_version")[0][0].as<int64_t>();
    return absl::OkStatus();
  }));
  if (auto cached = Cached(version)) return cached;
  std::lock_guard one_load(load_mu_);
  if (auto cached = Cached(version)) return cached;  // loaded by the caller before us
  return Load();
}

absl::StatusOr<std::shared_ptr<const CaseListSnapshot>> CaseListCache::Load() {
  auto loaded = std::make_shared<CaseListSnapshot>();
  // One statement, one snapshot: the version and the cases it counts.
  RETURN_IF_ERROR(pool_.WithSingleStatement([&](pqxx::transaction_base& tx) {
    loaded->cases.clear();  // each attempt from the start (an ABORTED one is retried)
    const pqxx::result rows = tx.exec(
        "SELECT v.n, c.body FROM case_list_version v LEFT JOIN cases c ON true ORDER BY c.due_at, c.id");
    for (const auto& row : rows) {
      loaded->version = row[0].as<int64_t>();
      if (!row[1].is_null()) loaded->cases.push_back(ParseCase(pqxx::binarystring(row[1]).str(), 0).c);
    }
    return absl::OkStatus();
  }));
  std::lock_guard lock(mu_);
  ++loads_;
  if (snapshot_ == nullptr || snapshot_->version < loaded->version) snapshot_ = loaded;
  return snapshot_;
}

int64_t CaseListCache::loads() const {
  std::lock_guard lock(mu_);
  return loads_;
}

}  // namespace ys::rectification
