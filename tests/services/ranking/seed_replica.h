#pragma once

#include <pqxx/pqxx>

#include "gtest/gtest.h"
#include "services/indicator/catalog.h"
#include "services/ranking/ingest.h"
#include "tests/services/indicator/catalog_data.h"

namespace ys::ranking::testing {

// Fills a ranking replica with the seed catalog, as the indicator service publishes it on
// ys.catalog.v1 (units, regions, catalog).
inline void LoadSeedReplica(PgPool& pool, CatalogReplicaStore& replica) {
  indicator::Catalog c;
  for (const char* f : {"units.yaml", "regions.yaml", "catalog.yaml"}) {
    auto parsed = indicator::ParseCatalogFile(indicator::testing::ReadCatalogData(f), c);
    ASSERT_TRUE(parsed.ok());
    c = parsed->catalog;
  }
  std::vector<CloudEvent> events;
  for (auto& [key, entity] : c.Entities()) {
    entity.set_version(1);
    CloudEvent e;
    e.key = key;
    e.data = entity.SerializeAsString();
    events.push_back(e);
  }
  std::vector<const CloudEvent*> ptrs;
  for (const auto& e : events) ptrs.push_back(&e);
  std::vector<absl::Status> results(ptrs.size());
  ASSERT_TRUE(pool.WithTransaction([&](pqxx::work& tx) {
                    return replica.ApplyBatch(tx, ptrs, &results);
                  }).ok());
  replica.Invalidate();
}

}  // namespace ys::ranking::testing
