#include "services/indicator/audit.h"

#include <pqxx/pqxx>

#include "common/pg/pool.h"
#include "google/protobuf/util/json_util.h"

namespace ys::indicator {

std::string AuditJson(const google::protobuf::Message& m) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(m, &out, options);
  return out;
}

std::string SqlTime(absl::Time t) { return PgTime(t); }

void WriteAudit(pqxx::transaction_base& tx, absl::Time at, const Principal& who,
                const std::string& action, const std::string& entity_type,
                const std::string& entity_id, const std::optional<std::string>& before_json,
                const std::string& after_json) {
  tx.exec_params(
      "INSERT INTO audit_log (at, principal, action, entity_type, entity_id, before_json, "
      "after_json) VALUES ($1::timestamptz, $2, $3, $4, $5, $6::jsonb, $7::jsonb)",
      SqlTime(at), who.name + " (" + who.role + ")", action, entity_type, entity_id,
      before_json.value_or("null"), after_json);
}

}  // namespace ys::indicator
