#pragma once

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "common/grpc/auth.h"
#include "google/protobuf/message.h"

namespace pqxx {
class transaction_base;
}

namespace ys::indicator {

// A message as JSON with the proto field names, for the audit log's before/after columns.
std::string AuditJson(const google::protobuf::Message& m);

// Appends one row to the append-only audit log in the caller's transaction (who, when, what,
// before/after; `before` empty for a creation).
void WriteAudit(pqxx::transaction_base& tx, absl::Time at, const Principal& who,
                const std::string& action, const std::string& entity_type,
                const std::string& entity_id, const std::optional<std::string>& before_json,
                const std::string& after_json);

// RFC 3339 in UTC with microseconds, for timestamptz parameters.
std::string SqlTime(absl::Time t);

}  // namespace ys::indicator
