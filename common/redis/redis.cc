#include "common/redis/redis.h"

#include <hiredis/hiredis.h>

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"

namespace ys {
namespace {

RedisReply Convert(const redisReply* r) {
  RedisReply out;
  switch (r->type) {
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::kInteger;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::kString;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::kStatus;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = RedisReply::Type::kError;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::kArray;
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(Convert(r->element[i]));
      break;
    default:
      out.type = RedisReply::Type::kNil;
  }
  return out;
}

}  // namespace

absl::StatusOr<RedisOptions> RedisOptionsFromConfig(const Config& config) {
  RedisOptions options;
  auto address = config.GetString("redis.address");
  if (!address.ok()) return address.status();
  const size_t colon = address->rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(address->substr(colon + 1), &port) ||
      port <= 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "config key 'redis.address' must be host:port, got '%s'", *address));
  }
  options.host = address->substr(0, colon);
  options.port = port;
  auto ct = config.GetDuration("redis.connect_timeout", options.connect_timeout);
  if (!ct.ok()) return ct.status();
  options.connect_timeout = *ct;
  auto cmd = config.GetDuration("redis.command_timeout", options.command_timeout);
  if (!cmd.ok()) return cmd.status();
  options.command_timeout = *cmd;
  auto connections = config.GetIntIn("redis.connections", options.connections, 1, 64);
  if (!connections.ok()) return connections.status();
  options.connections = static_cast<int>(*connections);
  options.username = config.GetString("redis.username", "");
  if (!config.GetString("redis.password_file", "").empty()) {
    auto password = ReadSecretFile(config, "redis.password_file");
    if (!password.ok()) return password.status();
    options.password = *password;
  }
  if (!options.username.empty() && options.password.empty()) {
    return absl::InvalidArgumentError(
        "config key 'redis.password_file' must be set when redis.username is (AUTH needs a password)");
  }
  // hiredis 0.14 (Debian 12) cannot speak TLS: refuse rather than connect in plaintext to a
  // deployment that asked for TLS.
  for (const char* key : {"redis.tls.ca_file", "redis.tls.cert_file", "redis.tls.key_file"}) {
    if (!config.GetString(key, "").empty()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "config key '%s' is set, but this build's hiredis (Debian 12: 0.14) has no TLS; "
          "reach Redis over a trusted network or a local TLS tunnel",
          key));
    }
  }
  return options;
}

RedisClient::RedisClient(RedisOptions options) : options_(std::move(options)) {
  for (int i = 0; i < std::max(1, options_.connections); ++i) connections_.push_back(std::make_unique<Connection>());
}

RedisClient::~RedisClient() = default;

void RedisClient::Connection::Close() {
  if (ctx != nullptr) redisFree(ctx);
  ctx = nullptr;
}

std::unique_lock<std::mutex> RedisClient::Take(Connection*& out) {
  // The first free one from the start: a client that is never busy keeps to one connection, and
  // the others open only when calls overlap.
  for (auto& c : connections_) {
    std::unique_lock lock(c->mu, std::try_to_lock);
    if (lock.owns_lock()) {
      out = c.get();
      return lock;
    }
  }
  out = connections_[turn_.fetch_add(1, std::memory_order_relaxed) % connections_.size()].get();
  return std::unique_lock(out->mu);
}

absl::Status RedisClient::Fail(Connection& c, absl::string_view what) {
  std::string detail = c.ctx != nullptr && c.ctx->err != 0 ? c.ctx->errstr : "no reply";
  return Drop(c, absl::UnavailableError(absl::StrFormat("redis %s:%d unavailable: %s (%s)", options_.host,
                                                        options_.port, what, detail)));
}

absl::Status RedisClient::Drop(Connection& c, absl::Status status) {
  c.Close();
  failures_.fetch_add(1);
  std::lock_guard lock(failure_mu_);
  retry_after_ = absl::Now() + options_.reconnect_backoff;
  last_failure_ = std::string(status.message());
  return status;
}

absl::Status RedisClient::EnsureConnected(Connection& c) {
  if (c.ctx != nullptr && c.generation == failures_.load()) return absl::OkStatus();
  c.Close();  // none yet, or made before a failure on another connection: made again
  {
    std::lock_guard lock(failure_mu_);
    if (absl::Now() < retry_after_) {
      return absl::UnavailableError(absl::StrFormat("%s (retrying in at most %s)", last_failure_,
                                                    absl::FormatDuration(options_.reconnect_backoff)));
    }
  }
  c.generation = failures_.load();
  c.ctx = redisConnectWithTimeout(options_.host.c_str(), options_.port, absl::ToTimeval(options_.connect_timeout));
  if (c.ctx == nullptr || c.ctx->err != 0) return Fail(c, "connect");
  if (redisSetTimeout(c.ctx, absl::ToTimeval(options_.command_timeout)) != REDIS_OK) {
    return Fail(c, "set timeout");
  }
  return Authenticate(c);
}

absl::Status RedisClient::Authenticate(Connection& c) {
  if (options_.password.empty()) return absl::OkStatus();
  std::vector<const char*> argv = {"AUTH"};
  std::vector<size_t> lens = {4};
  if (!options_.username.empty()) {
    argv.push_back(options_.username.data());
    lens.push_back(options_.username.size());
  }
  argv.push_back(options_.password.data());
  lens.push_back(options_.password.size());
  auto* reply = static_cast<redisReply*>(
      redisCommandArgv(c.ctx, static_cast<int>(argv.size()), argv.data(), lens.data()));
  if (reply == nullptr) return Fail(c, "AUTH");
  const RedisReply answer = Convert(reply);
  freeReplyObject(reply);
  if (answer.type == RedisReply::Type::kError) {
    // WRONGPASS (bad user or password, or a disabled user), or ERR when the server has no ACL
    // users (Redis < 6) or no password: a configuration error that a retry will not mend.
    return Drop(c, absl::UnavailableError(absl::StrFormat(
        "redis %s:%d refused AUTH as %s (redis.username, redis.password_file): %s", options_.host,
        options_.port, options_.username.empty() ? "the default user" : "'" + options_.username + "'",
        answer.str)));
  }
  return absl::OkStatus();
}

absl::StatusOr<RedisReply> RedisClient::Command(const std::vector<std::string>& args) {
  auto replies = Pipeline({args});
  if (!replies.ok()) return replies.status();
  return std::move(replies->front());
}

absl::StatusOr<std::vector<RedisReply>> RedisClient::Pipeline(
    const std::vector<std::vector<std::string>>& commands) {
  Connection* c = nullptr;
  std::unique_lock lock = Take(c);
  if (auto s = EnsureConnected(*c); !s.ok()) return s;
  for (const auto& args : commands) {
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (const auto& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    if (redisAppendCommandArgv(c->ctx, static_cast<int>(argv.size()), argv.data(), lens.data()) !=
        REDIS_OK) {
      return Fail(*c, "send");
    }
  }
  std::vector<RedisReply> out;
  out.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(c->ctx, &raw) != REDIS_OK || raw == nullptr) return Fail(*c, "read");
    auto* reply = static_cast<redisReply*>(raw);
    out.push_back(Convert(reply));
    freeReplyObject(reply);
  }
  return out;
}

absl::Status RedisClient::Ping() {
  auto r = Command({"PING"});
  if (!r.ok()) return r.status();
  if (r->type != RedisReply::Type::kStatus || r->str != "PONG") {
    return absl::UnavailableError("redis answered PING with " + r->str);
  }
  return absl::OkStatus();
}

}  // namespace ys
