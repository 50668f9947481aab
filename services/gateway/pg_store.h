#pragma once

#include "common/pg/pool.h"
#include "services/gateway/store.h"

namespace ys::gateway {

// The gateway's store in its PostgreSQL schema (migrations/0001_gateway.sql).
class PgGatewayStore final : public UserStore, public AttachmentStore {
 public:
  explicit PgGatewayStore(PgPool& pool) : pool_(pool) {}

  absl::StatusOr<UserRecord> Find(const std::string& login) override;
  absl::Status Insert(const UserRecord& user) override;
  absl::Status Update(const UserRecord& user) override;
  absl::StatusOr<bool> UpdateIf(const UserRecord& expected, const UserRecord& next) override;
  absl::StatusOr<std::vector<UserRecord>> List() override;
  absl::Status AppendAudit(const LoginAuditRecord& entry) override;
  absl::StatusOr<std::vector<LoginAuditRecord>> ListAudit(const std::string& login, int limit) override;

  absl::StatusOr<AttachmentRecord> Put(const AttachmentRecord& attachment) override;
  absl::StatusOr<AttachmentRecord> Get(const std::string& sha256) override;

 private:
  PgPool& pool_;
};

}  // namespace ys::gateway
