#include "services/gateway/sessions.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/grpc/auth.h"
#include "common/status/macros.h"

namespace ys::gateway {
namespace {

constexpr char kSessionPrefix[] = "ys:v1:gw:session:";
constexpr char kUserSessionsPrefix[] = "ys:v1:gw:user-sessions:";

absl::Status ReplyError(const RedisReply& reply) {
  if (reply.type == RedisReply::Type::kError) return absl::UnavailableError("redis: " + reply.str);
  return absl::OkStatus();
}

}  // namespace

absl::Duration RedisSessionStore::TtlAt(absl::Time expires_at) const {
  return std::min(policy_.idle, expires_at - clock_.Now());
}

absl::StatusOr<std::string> RedisSessionStore::Create(const Session& session) {
  const std::string token = absl::BytesToHexString(random_bytes_(32));
  const std::string key = kSessionPrefix + Sha256Hex(token);
  const std::string set = kUserSessionsPrefix + session.login;
  const int64_t ttl_ms = absl::ToInt64Milliseconds(TtlAt(session.expires_at));
  if (ttl_ms <= 0) return absl::InvalidArgumentError("session already expired");
  ASSIGN_OR_RETURN(auto replies,
                   redis_.Pipeline({{"HSET", key, "login", session.login, "display_name", session.display_name,
                                     "role", session.role, "created_us",
                                     absl::StrCat(absl::ToUnixMicros(session.created_at)), "expires_us",
                                     absl::StrCat(absl::ToUnixMicros(session.expires_at))},
                                    {"PEXPIRE", key, absl::StrCat(ttl_ms)},
                                    {"SADD", set, key},
                                    {"PEXPIRE", set, absl::StrCat(absl::ToInt64Milliseconds(policy_.absolute))}}));
  for (const RedisReply& r : replies) RETURN_IF_ERROR(ReplyError(r));
  return token;
}

absl::StatusOr<std::optional<Session>> RedisSessionStore::Find(const std::string& token) {
  if (token.empty()) return std::optional<Session>();
  const std::string key = kSessionPrefix + Sha256Hex(token);
  // One round trip on every call: read the session and extend it by the idle time. Near its absolute
  // end the extension is cut back below (the answer checks expires_us in any case).
  ASSIGN_OR_RETURN(auto replies,
                   redis_.Pipeline({{"HGETALL", key},
                                    {"PEXPIRE", key, absl::StrCat(absl::ToInt64Milliseconds(policy_.idle))}}));
  for (const RedisReply& r : replies) RETURN_IF_ERROR(ReplyError(r));
  const RedisReply& reply = replies[0];
  if (reply.elements.empty()) return std::optional<Session>();
  Session s;
  int64_t created = 0, expires = 0;
  for (size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
    const std::string& field = reply.elements[i].str;
    const std::string& value = reply.elements[i + 1].str;
    if (field == "login") s.login = value;
    if (field == "display_name") s.display_name = value;
    if (field == "role") s.role = value;
    if (field == "created_us") (void)absl::SimpleAtoi(value, &created);
    if (field == "expires_us") (void)absl::SimpleAtoi(value, &expires);
  }
  s.created_at = absl::FromUnixMicros(created);
  s.expires_at = absl::FromUnixMicros(expires);
  const absl::Duration ttl = TtlAt(s.expires_at);
  if (s.login.empty() || ttl <= absl::ZeroDuration()) {
    (void)redis_.Command({"DEL", key});
    return std::optional<Session>();
  }
  if (ttl < policy_.idle) {
    ASSIGN_OR_RETURN(RedisReply cut, redis_.Command({"PEXPIRE", key, absl::StrCat(absl::ToInt64Milliseconds(ttl))}));
    RETURN_IF_ERROR(ReplyError(cut));
  }
  return std::optional<Session>(std::move(s));
}

absl::Status RedisSessionStore::Revoke(const std::string& token) {
  if (token.empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(RedisReply reply, redis_.Command({"DEL", kSessionPrefix + Sha256Hex(token)}));
  return ReplyError(reply);
}

absl::Status RedisSessionStore::RevokeAll(const std::string& login) {
  const std::string set = kUserSessionsPrefix + login;
  ASSIGN_OR_RETURN(RedisReply members, redis_.Command({"SMEMBERS", set}));
  RETURN_IF_ERROR(ReplyError(members));
  std::vector<std::string> del = {"DEL", set};
  for (const RedisReply& m : members.elements) del.push_back(m.str);
  ASSIGN_OR_RETURN(RedisReply reply, redis_.Command(del));
  return ReplyError(reply);
}

absl::StatusOr<bool> RedisLoginRateLimiter::Allow(const std::string& address) {
  const int64_t minute = absl::ToUnixSeconds(clock_.Now()) / 60;
  const std::string key = absl::StrCat("ys:v1:gw:login-rate:", address, ":", minute);
  ASSIGN_OR_RETURN(auto replies, redis_.Pipeline({{"INCR", key}, {"EXPIRE", key, "120"}}));
  for (const RedisReply& r : replies) RETURN_IF_ERROR(ReplyError(r));
  return replies[0].integer <= per_minute_;
}

}  // namespace ys::gateway
