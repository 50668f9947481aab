#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/pg/pool.h"

namespace ys {

struct Migration {
  int version = 0;
  std::string name;  // "0001_create_cases"
  std::string sql;
};

// Reads NNNN_name.sql files of a directory, in version order; duplicate versions are an error.
absl::StatusOr<std::vector<Migration>> LoadMigrations(const std::string& dir);

// Migrations from {file name, SQL} pairs (files compiled into a service binary), like LoadMigrations.
absl::StatusOr<std::vector<Migration>> MigrationsFromFiles(
    const std::vector<std::pair<std::string, std::string>>& files);

// The tables every service has: the transactional outbox and the consumer inbox (docs/architecture.md, "Event contract").
const std::vector<Migration>& CommonMigrations();

// Applies, in the pool's schema (created if missing), the migrations of `component` that are not
// applied yet, each in its own transaction, recording them in schema_migrations with a checksum.
// Holds an advisory lock so replicas starting together apply each migration once. An applied
// migration whose text changed is an error: migrations are never edited, only added.
absl::Status ApplyMigrations(PgPool& pool, const std::string& component,
                             const std::vector<Migration>& migrations);

// CommonMigrations() as component "ys_common", then the service's own as component `service`.
absl::Status MigrateService(PgPool& pool, const std::string& service,
                            const std::vector<Migration>& migrations);

}  // namespace ys
