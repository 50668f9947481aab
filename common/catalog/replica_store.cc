#include "common/catalog/replica_store.h"

#include <map>
#include <string>

#include <pqxx/pqxx>

#include "common/input/message_rules.h"
#include "common/pg/pool.h"
#include "common/status/macros.h"
#include "common/status/rejection.h"

namespace ys {

namespace {

// The input rules (common/input) for a catalog record, before it is stored: every string (codes
// and names alike, at most a name's length: a target id joins three codes) and updated_at.
absl::Status CheckCatalogEntity(const ipb::CatalogEntity& e, const input::InputLimits& limits) {
  RETURN_IF_ERROR(input::CheckMessageText(e, limits));
  if (!e.has_updated_at()) return absl::OkStatus();
  return input::CheckTimestamp("updated_at", e.updated_at().seconds(), e.updated_at().nanos());
}

}  // namespace

absl::Status CatalogReplicaStore::ApplyBatch(pqxx::transaction_base& tx,
                                             const std::vector<const CloudEvent*>& events,
                                             std::vector<absl::Status>* results) {
  std::map<std::string, ipb::CatalogEntity> latest;  // one row per key: the highest version
  for (size_t i = 0; i < events.size(); ++i) {
    ipb::CatalogEntity e;
    if (!e.ParseFromString(events[i]->data) || events[i]->key.empty()) {
      (*results)[i] = WithRejectionReason(absl::InvalidArgumentError("body is not a CatalogEntity"), "malformed");
      continue;
    }
    if (auto s = CheckCatalogEntity(e, limits_); !s.ok()) {
      (*results)[i] = std::move(s);
      continue;
    }
    auto [it, fresh] = latest.emplace(events[i]->key, e);
    if (!fresh && it->second.version() < e.version()) it->second = e;
  }
  if (latest.empty()) return absl::OkStatus();
  std::vector<std::string> keys, versions, bodies;
  for (const auto& [k, e] : latest) {
    keys.push_back(k);
    versions.push_back(std::to_string(e.version()));
    bodies.push_back(PgHexBytes(e.SerializeAsString()));
  }
  tx.exec_params(
      "INSERT INTO catalog_replica SELECT * FROM unnest($1::text[], $2::bigint[], $3::bytea[]) "
      "ON CONFLICT (entity_key) DO UPDATE SET version = EXCLUDED.version, body = EXCLUDED.body "
      "WHERE catalog_replica.version < EXCLUDED.version",
      PgArray(keys), PgArray(versions), PgArray(bodies));
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const CatalogReplica>> CatalogReplicaStore::Current() {
  return CurrentVia([this](const std::function<void(pqxx::transaction_base&)>& load) {
    return pool_.WithTransaction([&](pqxx::work& tx) {
      load(tx);
      return absl::OkStatus();
    });
  });
}

absl::StatusOr<std::shared_ptr<const CatalogReplica>> CatalogReplicaStore::Current(pqxx::transaction_base& tx) {
  return CurrentVia([&tx](const std::function<void(pqxx::transaction_base&)>& load) {
    try {
      load(tx);
    } catch (const std::exception& e) {
      return PgErrorStatus(e);
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::shared_ptr<const CatalogReplica>> CatalogReplicaStore::CurrentVia(
    const std::function<absl::Status(const std::function<void(pqxx::transaction_base&)>&)>& run) {
  std::lock_guard lock(mu_);
  const int64_t generation = generation_.load();
  if (replica_ != nullptr && loaded_generation_ == generation) return replica_;
  auto replica = std::make_shared<CatalogReplica>();
  absl::Status s = run([&](pqxx::transaction_base& tx) {
    for (const auto& row : tx.exec("SELECT body FROM catalog_replica")) {
      ipb::CatalogEntity e;
      if (!e.ParseFromString(pqxx::binarystring(row[0]).str())) continue;
      if (e.has_indicator()) replica->indicators[e.indicator().code()] = e.indicator();
      if (e.has_region()) replica->regions[e.region().code()] = e.region();
      if (e.has_target()) replica->targets[e.target().id()] = e.target();
      if (e.has_unit()) replica->units[e.unit().name()] = e.unit();
      if (e.has_leader()) replica->leaders[e.leader().name()] = e.leader();
    }
  });
  if (!s.ok()) return s;
  replica_ = replica;
  loaded_generation_ = generation;
  return replica_;
}

}  // namespace ys
