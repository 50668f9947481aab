#pragma once

// The gateway's stores in memory (services/gateway/store.h, sessions.h), for the console's and
// UserAdmin's tests: people and their audit, attachments by SHA-256, sessions with predictable tokens
// ("t1", "t2", …) and a rate limiter the test opens or closes. Thread-safe: UserAdmin answers on the
// executor's threads.

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/gateway/sessions.h"
#include "services/gateway/store.h"

namespace ys::testing {

class FakeUserStore final : public gateway::UserStore {
 public:
  absl::StatusOr<gateway::UserRecord> Find(const std::string& login) override {
    std::lock_guard lock(mu_);
    auto it = users_.find(login);
    if (it == users_.end()) return absl::NotFoundError(absl::StrFormat("no user '%s'", login));
    return it->second;
  }
  absl::Status Insert(const gateway::UserRecord& user) override {
    std::lock_guard lock(mu_);
    if (!users_.emplace(user.login, user).second) {
      return absl::AlreadyExistsError(absl::StrFormat("field 'login': '%s' is taken", user.login));
    }
    return absl::OkStatus();
  }
  absl::Status Update(const gateway::UserRecord& user) override {
    std::lock_guard lock(mu_);
    auto it = users_.find(user.login);
    if (it == users_.end()) return absl::NotFoundError(absl::StrFormat("no user '%s'", user.login));
    // Like PgGatewayStore: created_at is never rewritten.
    const absl::Time created = it->second.created_at;
    it->second = user;
    it->second.created_at = created;
    return absl::OkStatus();
  }
  absl::StatusOr<bool> UpdateIf(const gateway::UserRecord& expected, const gateway::UserRecord& next) override {
    std::lock_guard lock(mu_);
    auto it = users_.find(next.login);
    if (it == users_.end()) return absl::NotFoundError(absl::StrFormat("no user '%s'", next.login));
    const gateway::UserRecord& now = it->second;
    if (now.password_hash != expected.password_hash || now.disabled != expected.disabled ||
        now.failed_logins != expected.failed_logins || now.locked_until != expected.locked_until) {
      return false;
    }
    const absl::Time created = now.created_at;
    it->second = next;
    it->second.created_at = created;
    return true;
  }
  absl::StatusOr<std::vector<gateway::UserRecord>> List() override {
    std::lock_guard lock(mu_);
    std::vector<gateway::UserRecord> out;
    for (const auto& [login, user] : users_) out.push_back(user);  // by login, as the store sorts
    return out;
  }
  absl::Status AppendAudit(const gateway::LoginAuditRecord& entry) override {
    std::lock_guard lock(mu_);
    audit_.push_back(entry);
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<gateway::LoginAuditRecord>> ListAudit(const std::string& login,
                                                                   int limit) override {
    std::lock_guard lock(mu_);
    std::vector<gateway::LoginAuditRecord> out;
    for (auto it = audit_.rbegin(); it != audit_.rend() && static_cast<int>(out.size()) < limit; ++it) {
      if (login.empty() || it->login == login) out.push_back(*it);
    }
    return out;
  }

  // Every audit line, oldest first.
  std::vector<gateway::LoginAuditRecord> audit() const {
    std::lock_guard lock(mu_);
    return audit_;
  }
  // The outcomes only, oldest first.
  std::vector<std::string> outcomes() const {
    std::lock_guard lock(mu_);
    std::vector<std::string> out;
    for (const auto& e : audit_) out.push_back(e.outcome);
    return out;
  }
  size_t size() const {
    std::lock_guard lock(mu_);
    return users_.size();
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, gateway::UserRecord> users_;
  std::vector<gateway::LoginAuditRecord> audit_;
};

class FakeAttachmentStore final : public gateway::AttachmentStore {
 public:
  absl::StatusOr<gateway::AttachmentRecord> Put(const gateway::AttachmentRecord& attachment) override {
    std::lock_guard lock(mu_);
    ++puts_;
    auto [it, inserted] = files_.emplace(attachment.sha256, attachment);  // the first one stays
    gateway::AttachmentRecord out = it->second;
    out.content.clear();
    return out;
  }
  absl::StatusOr<gateway::AttachmentRecord> Get(const std::string& sha256) override {
    std::lock_guard lock(mu_);
    auto it = files_.find(sha256);
    if (it == files_.end()) return absl::NotFoundError(absl::StrFormat("no attachment '%s'", sha256));
    return it->second;
  }

  size_t size() const {
    std::lock_guard lock(mu_);
    return files_.size();
  }
  int puts() const {
    std::lock_guard lock(mu_);
    return puts_;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, gateway::AttachmentRecord> files_;
  int puts_ = 0;
};

// Sessions by token "t1", "t2", … in creation order. No expiry (the Redis store's is tested on Redis);
// Revoke and RevokeAll remove them.
class FakeSessionStore final : public gateway::SessionStore {
 public:
  absl::StatusOr<std::string> Create(const gateway::Session& session) override {
    std::lock_guard lock(mu_);
    std::string token = absl::StrCat("t", ++created_);
    sessions_[token] = session;
    return token;
  }
  absl::StatusOr<std::optional<gateway::Session>> Find(const std::string& token) override {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(token);
    if (it == sessions_.end()) return std::optional<gateway::Session>();
    return std::optional<gateway::Session>(it->second);
  }
  absl::Status Revoke(const std::string& token) override {
    std::lock_guard lock(mu_);
    sessions_.erase(token);
    return absl::OkStatus();
  }
  absl::Status RevokeAll(const std::string& login) override {
    std::lock_guard lock(mu_);
    std::erase_if(sessions_, [&](const auto& kv) { return kv.second.login == login; });
    return absl::OkStatus();
  }

  // How many live sessions `login` has.
  int CountFor(const std::string& login) const {
    std::lock_guard lock(mu_);
    int n = 0;
    for (const auto& [token, s] : sessions_) n += s.login == login;
    return n;
  }
  size_t size() const {
    std::lock_guard lock(mu_);
    return sessions_.size();
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, gateway::Session> sessions_;
  int created_ = 0;
};

// Allows every attempt while `allow` is true; records the addresses asked about.
class FakeLoginRateLimiter final : public gateway::LoginRateLimiter {
 public:
  explicit FakeLoginRateLimiter(bool allow = true) : allow_(allow) {}
  absl::StatusOr<bool> Allow(const std::string& address) override {
    std::lock_guard lock(mu_);
    asked_.push_back(address);
    return allow_;
  }
  void set_allow(bool allow) {
    std::lock_guard lock(mu_);
    allow_ = allow;
  }
  std::vector<std::string> asked() const {
    std::lock_guard lock(mu_);
    return asked_;
  }

 private:
  mutable std::mutex mu_;
  bool allow_;
  std::vector<std::string> asked_;
};

}  // namespace ys::testing
