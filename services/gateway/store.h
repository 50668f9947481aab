#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace ys::gateway {

// A person of the console, as stored.
struct UserRecord {
  std::string login;
  std::string display_name;
  std::string role;
  std::string password_hash;  // argon2id PHC string (passwords.h)
  bool disabled = false;
  int failed_logins = 0;
  std::optional<absl::Time> locked_until;
  absl::Time created_at;
  std::optional<absl::Time> last_login_at;
};

struct LoginAuditRecord {
  absl::Time at;
  std::string login;
  std::string address;
  std::string outcome;  // login_policy.h OutcomeName, or "logout"
  std::string user_agent;
};

struct AttachmentRecord {
  std::string sha256;
  std::string filename;
  std::string content_type;
  int64_t size = 0;
  std::string content;  // empty when listed without content
  absl::Time uploaded_at;
  std::string uploaded_by;
  std::string uploader_role;
};

// The people, their login state and audit (PostgreSQL; a fake in tests). Loads and writes; the
// decisions (lockout, password rules) are the caller's (login_policy.h, passwords.h).
class UserStore {
 public:
  virtual ~UserStore() = default;
  // NOT_FOUND when there is no such login.
  virtual absl::StatusOr<UserRecord> Find(const std::string& login) = 0;
  // ALREADY_EXISTS when the login is taken.
  virtual absl::Status Insert(const UserRecord& user) = 0;
  // Writes the whole record (login state, password, disabled); NOT_FOUND when missing.
  virtual absl::Status Update(const UserRecord& user) = 0;
  // Writes `next` only if the stored record still has `expected`'s password, disabled flag and login
  // state (a login's compare-and-set: the office's disable or reset made meanwhile wins, and two
  // concurrent wrong passwords both count). False when it changed; NOT_FOUND when missing.
  virtual absl::StatusOr<bool> UpdateIf(const UserRecord& expected, const UserRecord& next) = 0;
  virtual absl::StatusOr<std::vector<UserRecord>> List() = 0;
  virtual absl::Status AppendAudit(const LoginAuditRecord& entry) = 0;
  // Newest first; `login` empty for every person.
  virtual absl::StatusOr<std::vector<LoginAuditRecord>> ListAudit(const std::string& login, int limit) = 0;
};

// Files attached to case reports, by SHA-256.
class AttachmentStore {
 public:
  virtual ~AttachmentStore() = default;
  // Stores the file unless its SHA-256 is already there (the first upload's name and uploader stay);
  // answers the stored record without content.
  virtual absl::StatusOr<AttachmentRecord> Put(const AttachmentRecord& attachment) = 0;
  // With content; NOT_FOUND when missing.
  virtual absl::StatusOr<AttachmentRecord> Get(const std::string& sha256) = 0;
};

}  // namespace ys::gateway
