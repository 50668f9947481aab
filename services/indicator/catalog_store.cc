#include "services/indicator/catalog_store.h"

#include "services/indicator/audit.h"

#include <pqxx/pqxx>

#include "absl/strings/str_format.h"
#include "common/kafka/cloud_event.h"
#include "common/pg/outbox.h"
#include "common/time/proto_time.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"

namespace ys::indicator {
absl::StatusOr<StoredCatalog> PgCatalogStore::Load() {
  StoredCatalog out;
  absl::Status s = pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
    for (const auto& row : tx.exec("SELECT body, version FROM catalog_entities")) {
      pb::CatalogEntity e;
      const pqxx::binarystring body(row[0]);
      if (!e.ParseFromString(body.str())) {
        return absl::DataLossError("catalog_entities holds a body that is not a CatalogEntity");
      }
      out.versions[EntityKey(e)] = row[1].as<int64_t>();
      e.clear_updated_at();
      e.clear_version();
      out.entities.push_back(std::move(e));
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::Status PgCatalogStore::Apply(const std::vector<pb::CatalogEntity>& writes,
                                   const std::map<std::string, int64_t>& read_versions,
                                   const Principal& who, absl::Time now) {
  return pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
    const std::string at = SqlTime(now);
    for (const pb::CatalogEntity& write : writes) {
      const std::string key = EntityKey(write);
      const std::string type = EntityType(write);
      const std::string id = key.substr(key.find('/') + 1);
      const pqxx::result current = tx.exec_params(
          "SELECT version, body FROM catalog_entities WHERE entity_type = $1 AND entity_id = $2 "
          "FOR UPDATE",
          type, id);
      const int64_t version = current.empty() ? 0 : current[0][0].as<int64_t>();
      auto expected = read_versions.find(key);
      if (version != (expected == read_versions.end() ? 0 : expected->second)) {
        return absl::AbortedError(
            absl::StrFormat("%s changed while the import was being prepared; run it again", key));
      }
      pb::CatalogEntity stored = write;
      stored.set_version(version + 1);
      *stored.mutable_updated_at() =
          ToProtoTime(now);
      const std::string body = stored.SerializeAsString();
      tx.exec_params(
          "INSERT INTO catalog_entities (entity_type, entity_id, body, retired, version, updated_at) "
          "VALUES ($1, $2, $3, $4, $5, $6::timestamptz) ON CONFLICT (entity_type, entity_id) DO "
          "UPDATE SET body = EXCLUDED.body, retired = EXCLUDED.retired, version = EXCLUDED.version, "
          "updated_at = EXCLUDED.updated_at",
          type, id, pqxx::binarystring(body), IsRetired(write),
          stored.version(), at);
      std::optional<std::string> before;
      if (!current.empty()) {
        pb::CatalogEntity old;
        old.ParseFromString(pqxx::binarystring(current[0][1]).str());
        before = AuditJson(old);
      }
      WriteAudit(tx, now, who, current.empty() ? "catalog.add" : "catalog.update", type, id, before,
                 AuditJson(stored));
      OutgoingEvent e;
      e.topic = kCatalogTopic;
      e.event.id = NewEventId();
      e.event.source = "/yingshang/indicator";
      e.event.type = "yingshang.indicator.v1.CatalogEntity";
      e.event.subject = key;
      e.event.time = now;
      e.event.key = key;
      e.event.data = body;
      EnqueueOutbox(tx, e);
    }
    return absl::OkStatus();
  });
}

}  // namespace ys::indicator
