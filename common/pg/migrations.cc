#include "common/pg/migrations.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <pqxx/pqxx>
#include <regex>
#include <sstream>

#include "absl/strings/str_format.h"
#include "common/grpc/auth.h"
#include "common/log/log.h"

namespace ys {

absl::StatusOr<std::vector<Migration>> MigrationsFromFiles(
    const std::vector<std::pair<std::string, std::string>>& files) {
  static const std::regex kName(R"(^(\d{4})_([a-z0-9_]+)\.sql$)");
  std::vector<Migration> out;
  for (const auto& [file, sql] : files) {
    std::smatch m;
    if (!std::regex_match(file, m, kName)) {
      return absl::InvalidArgumentError(
          absl::StrFormat("migration file '%s' is not named NNNN_name.sql", file));
    }
    out.push_back({std::stoi(m[1].str()), file.substr(0, file.size() - 4), sql});
  }
  std::sort(out.begin(), out.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  for (size_t i = 1; i < out.size(); ++i) {
    if (out[i].version == out[i - 1].version) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "migrations %s and %s share version %d", out[i - 1].name, out[i].name, out[i].version));
    }
  }
  return out;
}

absl::StatusOr<std::vector<Migration>> LoadMigrations(const std::string& dir) {
  std::error_code ec;
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".sql") continue;
    std::ifstream in(entry.path());
    std::stringstream buf;
    buf << in.rdbuf();
    files.emplace_back(entry.path().filename().string(), buf.str());
  }
  if (ec) {
    return absl::NotFoundError(
        absl::StrFormat("migrations directory '%s' cannot be read: %s", dir, ec.message()));
  }
  return MigrationsFromFiles(files);
}

const std::vector<Migration>& CommonMigrations() {
  static const std::vector<Migration>* const migrations = new std::vector<Migration>{
      {1, "0001_outbox_inbox", R"sql(
CREATE TABLE outbox (
  id           bigserial PRIMARY KEY,
  topic        text        NOT NULL,
  msg_key      text        NOT NULL,
  ce_id        text        NOT NULL UNIQUE,
  ce_type      text        NOT NULL,
  ce_source    text        NOT NULL,
  ce_time      timestamptz NOT NULL,
  ce_subject   text        NOT NULL DEFAULT '',
  content_type text        NOT NULL,
  payload      bytea       NOT NULL,
  headers      jsonb       NOT NULL DEFAULT '[]',
  created_at   timestamptz NOT NULL DEFAULT now(),
  sent_at      timestamptz
);
CREATE INDEX outbox_pending ON outbox (id) WHERE sent_at IS NULL;

CREATE TABLE inbox (
  consumer     text        NOT NULL,
  ce_id        text        NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, ce_id)
);
)sql"},
      // Identifiers are ASCII compared byte by byte: the database's linguistic collation (even
      // C.UTF-8, which PostgreSQL 15 does not treat as C) made every index comparison a strcoll.
      {2, "0002_identifier_collation", R"sql(
ALTER TABLE inbox ALTER COLUMN consumer TYPE text COLLATE "C", ALTER COLUMN ce_id TYPE text COLLATE "C";
ALTER TABLE outbox ALTER COLUMN ce_id TYPE text COLLATE "C";
)sql"},
      // The outbox holds only what is still to be published; the relay moves what it published to
      // outbox_sent (kept for inspection, then purged). Marking rows sent in place was a non-HOT
      // update through every index, and every insert paid for a partial index of pending rows
      // and a unique index of ids (ids are unique by construction, and consumers dedup by id).
      {3, "0003_outbox_pending_only", R"sql(
CREATE TABLE outbox_sent (LIKE outbox);
ALTER TABLE outbox_sent ALTER COLUMN sent_at SET NOT NULL;
INSERT INTO outbox_sent SELECT * FROM outbox WHERE sent_at IS NOT NULL;
DELETE FROM outbox WHERE sent_at IS NOT NULL;
ALTER TABLE outbox DROP COLUMN sent_at;  -- and the partial index outbox_pending with it
ALTER TABLE outbox DROP CONSTRAINT outbox_ce_id_key;
-- Every event this service emitted and still keeps: pending ones have no sent_at.
CREATE VIEW outbox_log AS
  SELECT id, topic, msg_key, ce_id, ce_type, ce_source, ce_time, ce_subject, content_type, payload,
         headers, created_at, NULL::timestamptz AS sent_at FROM outbox
  UNION ALL
  SELECT id, topic, msg_key, ce_id, ce_type, ce_source, ce_time, ce_subject, content_type, payload,
         headers, created_at, sent_at FROM outbox_sent;
)sql"},
      // CloudEvents ids are unique per source only: two platforms may both send an id "1". Rows from
      // before this have an empty source; until they are purged, an event whose id such a row holds
      // counts as seen (InboxProcessor::ForgetClaimedBeforeSources).
      {4, "0004_inbox_by_source", R"sql(
ALTER TABLE inbox ADD COLUMN ce_source text COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE inbox DROP CONSTRAINT inbox_pkey, ADD PRIMARY KEY (consumer, ce_source, ce_id);
)sql"},
      // Rows Kafka refused for good (too large, a topic name it does not accept …), moved here by
      // the relay with the error so that the rows after them are published; `ysctl outbox requeue`
      // puts them back. LIKE copies the columns, NOT NULL and collations, not the id's default.
      {5, "0005_outbox_parked", R"sql(
CREATE TABLE outbox_parked (LIKE outbox);
ALTER TABLE outbox_parked
  ADD PRIMARY KEY (id),
  ADD COLUMN error_code int         NOT NULL,
  ADD COLUMN error      text        NOT NULL,
  ADD COLUMN parked_at  timestamptz NOT NULL DEFAULT now();
)sql"},
  };
  return *migrations;
}

absl::Status ApplyMigrations(PgPool& pool, const std::string& component,
                             const std::vector<Migration>& migrations) {
  const std::string schema = pool.options().schema;
  if (schema.empty()) return absl::InvalidArgumentError("migrations need a schema (pg.schema)");
  const PgOptions& options = pool.options();
  return pool.WithConnection([&](pqxx::connection& c) -> absl::Status {
    {
      // Session lock: held across the per-migration transactions below, released at the end.
      // The wait is bounded by lock_timeout (which advisory locks obey): in the server's lock queue
      // the waiter wakes as soon as the holder lets go, where polling pg_try_advisory_lock would
      // not. A migration may rewrite a large table: no statement_timeout while migrating.
      pqxx::nontransaction lock(c);
      lock.exec(absl::StrFormat("SET statement_timeout = 0; SET lock_timeout = %d",
                                absl::ToInt64Milliseconds(absl::Ceil(options.migration_lock_timeout,
                                                                     absl::Milliseconds(1)))));
      try {
        lock.exec_params("SELECT pg_advisory_lock(hashtext($1))", "ys_migrate:" + schema);
      } catch (const pqxx::sql_error& e) {
        if (e.sqlstate() != "55P03") throw;
        lock.exec(PgSessionTimeoutsSql(options));
        return absl::DeadlineExceededError(absl::StrFormat(
            "another session held the migration lock of schema '%s' for longer than "
            "pg.migration_lock_timeout (%s); is another replica still migrating?",
            schema, absl::FormatDuration(options.migration_lock_timeout)));
      }
      // The migrations' own DDL waits for its table locks no longer than other statements do:
      // a waiting ALTER TABLE would queue every reader of the table behind it.
      lock.exec(absl::StrFormat("SET lock_timeout = %d",
                                absl::ToInt64Milliseconds(absl::Ceil(options.lock_timeout, absl::Milliseconds(1)))));
    }
    absl::Status status;
    try {
      std::map<int, std::pair<std::string, std::string>> applied;
      {
      pqxx::nontransaction session(c);
      session.exec(absl::StrFormat("CREATE SCHEMA IF NOT EXISTS %s", QuoteIdent(schema)));
      session.exec(absl::StrFormat(
          "CREATE TABLE IF NOT EXISTS %s.schema_migrations ("
          " component text NOT NULL, version int NOT NULL, name text NOT NULL,"
          " checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(),"
          " PRIMARY KEY (component, version))",
          QuoteIdent(schema)));
      for (const auto& row : session.exec_params(
               absl::StrFormat("SELECT version, name, checksum FROM %s.schema_migrations "
                               "WHERE component = $1",
                               QuoteIdent(schema)),
               component)) {
        applied[row[0].as<int>()] = {row[1].as<std::string>(), row[2].as<std::string>()};
      }
      }
      for (const Migration& m : migrations) {
        const std::string sum = Sha256Hex(m.sql);
        if (auto it = applied.find(m.version); it != applied.end()) {
          if (it->second.second != sum) {
            status = absl::FailedPreconditionError(absl::StrFormat(
                "migration %s/%s was changed after it was applied; add a new migration instead",
                component, m.name));
            break;
          }
          continue;
        }
        pqxx::work tx(c);
        tx.exec(absl::StrFormat("SET LOCAL search_path TO %s, public", QuoteIdent(schema)));
        tx.exec(m.sql);
        tx.exec_params(absl::StrFormat("INSERT INTO %s.schema_migrations "
                                       "(component, version, name, checksum) VALUES ($1,$2,$3,$4)",
                                       QuoteIdent(schema)),
                       component, m.version, m.name, sum);
        tx.commit();
        log::Info("migration applied", {{"schema", schema}, {"migration", component + "/" + m.name}});
      }
    } catch (const std::exception& e) {
      status = PgErrorStatus(e);
      if (status.ok()) status = absl::InternalError(e.what());
    }
    pqxx::nontransaction unlock(c);
    unlock.exec_params("SELECT pg_advisory_unlock(hashtext($1))", "ys_migrate:" + schema);
    unlock.exec(PgSessionTimeoutsSql(options));  // the connection goes back to the pool
    return status;
  });
}

absl::Status MigrateService(PgPool& pool, const std::string& service,
                            const std::vector<Migration>& migrations) {
  if (auto s = ApplyMigrations(pool, "ys_common", CommonMigrations()); !s.ok()) return s;
  return ApplyMigrations(pool, service, migrations);
}

}  // namespace ys
