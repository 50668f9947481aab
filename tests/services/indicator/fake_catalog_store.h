#pragma once

#include <mutex>

#include "services/indicator/catalog_store.h"

namespace ys::indicator::testing {

// In-memory CatalogStore for service tests: versions and the events it would publish.
class FakeCatalogStore final : public CatalogStore {
 public:
  absl::StatusOr<StoredCatalog> Load() override {
    std::lock_guard lock(mu_);
    if (!fail_.ok()) return fail_;
    StoredCatalog out;
    for (const auto& [key, e] : entities_) {
      out.entities.push_back(e.first);
      out.versions[key] = e.second;
    }
    return out;
  }
  absl::Status Apply(const std::vector<pb::CatalogEntity>& writes,
                     const std::map<std::string, int64_t>& read_versions, const Principal& who,
                     absl::Time now) override {
    std::lock_guard lock(mu_);
    if (!fail_.ok()) return fail_;
    for (const auto& w : writes) {
      const std::string key = EntityKey(w);
      auto it = read_versions.find(key);
      const int64_t expected = it == read_versions.end() ? 0 : it->second;
      const int64_t current = entities_.contains(key) ? entities_[key].second : 0;
      if (current != expected) return absl::AbortedError(key + " changed");
    }
    for (const auto& w : writes) {
      const std::string key = EntityKey(w);
      const int64_t v = entities_.contains(key) ? entities_[key].second + 1 : 1;
      entities_[key] = {w, v};
      published.push_back(key);
    }
    last_principal = who;
    return absl::OkStatus();
  }
  void FailWith(absl::Status s) {
    std::lock_guard lock(mu_);
    fail_ = std::move(s);
  }

  std::vector<std::string> published;
  Principal last_principal;

 private:
  std::mutex mu_;
  std::map<std::string, std::pair<pb::CatalogEntity, int64_t>> entities_;
  absl::Status fail_;
};

}  // namespace ys::indicator::testing
