#include "services/gateway/pg_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_format.h"
#include "common/status/macros.h"

namespace ys::gateway {
namespace {

constexpr char kUserColumns[] =
    "login, display_name, role, password_hash, disabled, failed_logins, "
    "(extract(epoch FROM locked_until) * 1e6)::bigint, (extract(epoch FROM created_at) * 1e6)::bigint, "
    "(extract(epoch FROM last_login_at) * 1e6)::bigint";

std::optional<absl::Time> OptionalTime(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return absl::FromUnixMicros(f.as<int64_t>());
}

std::optional<std::string> OptionalPgTime(const std::optional<absl::Time>& t) {
  if (!t.has_value()) return std::nullopt;
  return PgTime(*t);
}

UserRecord UserFromRow(const pqxx::row& row) {
  UserRecord u;
  u.login = row[0].as<std::string>();
  u.display_name = row[1].as<std::string>();
  u.role = row[2].as<std::string>();
  u.password_hash = row[3].as<std::string>();
  u.disabled = row[4].as<bool>();
  u.failed_logins = row[5].as<int>();
  u.locked_until = OptionalTime(row[6]);
  u.created_at = absl::FromUnixMicros(row[7].as<int64_t>());
  u.last_login_at = OptionalTime(row[8]);
  return u;
}

}  // namespace

absl::StatusOr<UserRecord> PgGatewayStore::Find(const std::string& login) {
  std::optional<UserRecord> out;
  RETURN_IF_ERROR(pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
    const pqxx::result r =
        tx.exec_params(absl::StrFormat("SELECT %s FROM users WHERE login = $1", kUserColumns), login);
    out.reset();
    if (!r.empty()) out = UserFromRow(r[0]);
    return absl::OkStatus();
  }));
  if (!out.has_value()) return absl::NotFoundError(absl::StrFormat("no user '%s'", login));
  return *std::move(out);
}

absl::Status PgGatewayStore::Insert(const UserRecord& u) {
  bool inserted = false;
  RETURN_IF_ERROR(pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
    const pqxx::result r = tx.exec_params(
        "INSERT INTO users (login, display_name, role, password_hash, disabled, failed_logins, "
        "locked_until, created_at, last_login_at) VALUES ($1, $2, $3, $4, $5, $6, $7::timestamptz, "
        "$8::timestamptz, $9::timestamptz) ON CONFLICT (login) DO NOTHING",
        u.login, u.display_name, u.role, u.password_hash, u.disabled, u.failed_logins,
        OptionalPgTime(u.locked_until), PgTime(u.created_at), OptionalPgTime(u.last_login_at));
    inserted = r.affected_rows() == 1;
    return absl::OkStatus();
  }));
  if (!inserted) return absl::AlreadyExistsError(absl::StrFormat("field 'login': '%s' is taken", u.login));
  return absl::OkStatus();
}

absl::Status PgGatewayStore::Update(const UserRecord& u) {
  bool updated = false;
  RETURN_IF_ERROR(pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
    const pqxx::result r = tx.exec_params(
        "UPDATE users SET display_name = $2, role = $3, password_hash = $4, disabled = $5, "
        "failed_logins = $6, locked_until = $7::timestamptz, last_login_at = $8::timestamptz "
        "WHERE login = $1",
        u.login, u.display_name, u.role, u.password_hash, u.disabled, u.failed_logins,
        OptionalPgTime(u.locked_until), OptionalPgTime(u.last_login_at));
    updated = r.affected_rows() == 1;
    return absl::OkStatus();
  }));
  if (!updated) return absl::NotFoundError(absl::StrFormat("no user '%s'", u.login));
  return absl::OkStatus();
}

absl::StatusOr<bool> PgGatewayStore::UpdateIf(const UserRecord& expected, const UserRecord& u) {
  std::optional<bool> applied;
  RETURN_IF_ERROR(pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
    const pqxx::result r = tx.exec_params(
        "UPDATE users SET display_name = $2, role = $3, password_hash = $4, disabled = $5, "
        "failed_logins = $6, locked_until = $7::timestamptz, last_login_at = $8::timestamptz "
        "WHERE login = $1 AND password_hash = $9 AND disabled = $10 AND failed_logins = $11 "
        "AND locked_until IS NOT DISTINCT FROM $12::timestamptz",
        u.login, u.display_name, u.role, u.password_hash, u.disabled, u.failed_logins,
        OptionalPgTime(u.locked_until), OptionalPgTime(u.last_login_at), expected.password_hash,
        expected.disabled, expected.failed_logins, OptionalPgTime(expected.locked_until));
    applied = r.affected_rows() == 1;
    if (!*applied && tx.exec_params("SELECT 1 FROM users WHERE login = $1", u.login).empty()) applied.reset();
    return absl::OkStatus();
  }));
  if (!applied.has_value()) return absl::NotFoundError(absl::StrFormat("no user '%s'", u.login));
  return *applied;
}

absl::StatusOr<std::vector<UserRecord>> PgGatewayStore::List() {
  std::vector<UserRecord> out;
  RETURN_IF_ERROR(pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
    out.clear();
    for (const auto& row : tx.exec(absl::StrFormat("SELECT %s FROM users ORDER BY login", kUserColumns))) {
      out.push_back(UserFromRow(row));
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::Status PgGatewayStore::AppendAudit(const LoginAuditRecord& e) {
  return pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
    tx.exec_params(
        "INSERT INTO login_audit (at, login, address, outcome, user_agent) "
        "VALUES ($1::timestamptz, $2, $3, $4, $5)",
        PgTime(e.at), e.login, e.address, e.outcome, e.user_agent);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<LoginAuditRecord>> PgGatewayStore::ListAudit(const std::string& login,
                                                                        int limit) {
  std::vector<LoginAuditRecord> out;
  RETURN_IF_ERROR(pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
    out.clear();
    for (const auto& row : tx.exec_params(
             "SELECT (extract(epoch FROM at) * 1e6)::bigint, login, address, outcome, user_agent "
             "FROM login_audit WHERE ($1 = '' OR login = $1) ORDER BY id DESC LIMIT $2",
             login, limit)) {
      out.push_back({absl::FromUnixMicros(row[0].as<int64_t>()), row[1].as<std::string>(),
                     row[2].as<std::string>(), row[3].as<std::string>(), row[4].as<std::string>()});
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<AttachmentRecord> PgGatewayStore::Put(const AttachmentRecord& a) {
  AttachmentRecord out;
  RETURN_IF_ERROR(pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
    tx.exec_params(
        "INSERT INTO attachments (sha256, filename, content_type, size, content, uploaded_at, uploaded_by, "
        "uploader_role) VALUES ($1, $2, $3, $4, $5::bytea, $6::timestamptz, $7, $8) "
        "ON CONFLICT (sha256) DO NOTHING",
        a.sha256, a.filename, a.content_type, a.size, PgHexBytes(a.content), PgTime(a.uploaded_at),
        a.uploaded_by, a.uploader_role);
    const pqxx::row row = tx.exec_params1(
        "SELECT filename, content_type, size, (extract(epoch FROM uploaded_at) * 1e6)::bigint, uploaded_by, "
        "uploader_role FROM attachments WHERE sha256 = $1",
        a.sha256);
    out = {a.sha256, row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<int64_t>(), "",
           absl::FromUnixMicros(row[3].as<int64_t>()), row[4].as<std::string>(), row[5].as<std::string>()};
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<AttachmentRecord> PgGatewayStore::Get(const std::string& sha256) {
  std::optional<AttachmentRecord> out;
  RETURN_IF_ERROR(pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
    const pqxx::result r = tx.exec_params(
        "SELECT filename, content_type, size, (extract(epoch FROM uploaded_at) * 1e6)::bigint, uploaded_by, "
        "uploader_role, content FROM attachments WHERE sha256 = $1",
        sha256);
    out.reset();
    if (r.empty()) return absl::OkStatus();
    const pqxx::row row = r[0];
    out = AttachmentRecord{sha256, row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<int64_t>(),
                           pqxx::binarystring(row[6]).str(), absl::FromUnixMicros(row[3].as<int64_t>()),
                           row[4].as<std::string>(), row[5].as<std::string>()};
    return absl::OkStatus();
  }));
  if (!out.has_value()) return absl::NotFoundError(absl::StrFormat("no attachment '%s'", sha256));
  return *std::move(out);
}

}  // namespace ys::gateway
