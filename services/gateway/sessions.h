#pragma once

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/redis/redis.h"
#include "common/time/clock.h"

namespace ys::gateway {

// A person's session. The browser holds only the token (cookie ys_session); the server keeps the
// session under the token's SHA-256, so a leaked Redis dump gives no usable cookie.
struct Session {
  std::string login;
  std::string display_name;
  std::string role;
  absl::Time created_at;
  absl::Time expires_at;  // absolute: the session ends then however active it is
};

// Local policy (the plan gives none): a session ends after `idle` without a call, and at the latest
// `absolute` after login (gateway.sessions.idle / gateway.sessions.absolute).
struct SessionPolicy {
  absl::Duration idle = absl::Hours(8);
  absl::Duration absolute = absl::Hours(12);
};

class SessionStore {
 public:
  virtual ~SessionStore() = default;
  // Starts a session; answers the token for the cookie.
  virtual absl::StatusOr<std::string> Create(const Session& session) = 0;
  // The live session of a token (nullopt when unknown, expired or revoked); extends its idle expiry.
  virtual absl::StatusOr<std::optional<Session>> Find(const std::string& token) = 0;
  virtual absl::Status Revoke(const std::string& token) = 0;
  // Every session of a person (a disabled account, a reset password).
  virtual absl::Status RevokeAll(const std::string& login) = 0;
};

// Attempts per client address and minute (local policy: gateway.login.per_address_per_minute).
class LoginRateLimiter {
 public:
  virtual ~LoginRateLimiter() = default;
  // Counts this attempt; false when the address is over its limit this minute.
  virtual absl::StatusOr<bool> Allow(const std::string& address) = 0;
};

// Sessions in Redis: ys:v1:gw:session:<sha256 of token> (a hash, expiring), and the person's set
// ys:v1:gw:user-sessions:<login> for revoking all of them.
class RedisSessionStore final : public SessionStore {
 public:
  RedisSessionStore(RedisClient& redis, const Clock& clock, SessionPolicy policy,
                    std::function<std::string(size_t)> random_bytes)
      : redis_(redis), clock_(clock), policy_(policy), random_bytes_(std::move(random_bytes)) {}

  absl::StatusOr<std::string> Create(const Session& session) override;
  absl::StatusOr<std::optional<Session>> Find(const std::string& token) override;
  absl::Status Revoke(const std::string& token) override;
  absl::Status RevokeAll(const std::string& login) override;

  const SessionPolicy& policy() const { return policy_; }

 private:
  absl::Duration TtlAt(absl::Time expires_at) const;

  RedisClient& redis_;
  const Clock& clock_;
  SessionPolicy policy_;
  std::function<std::string(size_t)> random_bytes_;
};

class RedisLoginRateLimiter final : public LoginRateLimiter {
 public:
  RedisLoginRateLimiter(RedisClient& redis, const Clock& clock, int per_minute)
      : redis_(redis), clock_(clock), per_minute_(per_minute) {}
  absl::StatusOr<bool> Allow(const std::string& address) override;

 private:
  RedisClient& redis_;
  const Clock& clock_;
  int per_minute_;
};

}  // namespace ys::gateway
