#include "common/pg/pool.h"

#include <cstring>
#include <random>

#include <pqxx/pqxx>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "common/log/log.h"

namespace ys {

absl::StatusOr<PgOptions> PgOptionsFromConfig(const Config& config) {
  PgOptions options;
  auto uri = config.GetString("pg.uri");
  if (!uri.ok()) return uri.status();
  options.uri = *uri;
  auto schema = config.GetString("pg.schema");
  if (!schema.ok()) return schema.status();
  options.schema = *schema;
  auto size = config.GetInt("pg.pool_size", 4);
  if (!size.ok()) return size.status();
  if (*size < 1 || *size > 64) {
    return absl::InvalidArgumentError("config key 'pg.pool_size' must be between 1 and 64");
  }
  options.pool_size = static_cast<int>(*size);
  return options;
}

std::string QuoteIdent(absl::string_view name) {
  return absl::StrCat("\"", absl::StrReplaceAll(name, {{"\"", "\"\""}}), "\"");
}

void AppendPgArrayElement(std::string* out, absl::string_view v) {
  *out += '"';
  const char* p = v.data();
  const char* const end = p + v.size();
  // The next '"' is looked for again only once passed: a value of many backslashes stays linear.
  const auto* quote = static_cast<const char*>(std::memchr(p, '"', end - p));
  while (p < end) {
    // The next '"' or '\\' (memchr is vectorised; most values have none, a bytea hex one only its
    // leading "\\x").
    if (quote != nullptr && quote < p) quote = static_cast<const char*>(std::memchr(p, '"', end - p));
    const auto* slash = static_cast<const char*>(std::memchr(p, '\\', (quote != nullptr ? quote : end) - p));
    const char* special = slash != nullptr ? slash : quote;
    if (special == nullptr) {
      out->append(p, end - p);
      break;
    }
    out->append(p, special - p);
    *out += '\\';
    *out += *special;
    p = special + 1;
  }
  *out += '"';
}

std::string PgArray(const std::vector<std::optional<std::string>>& values) {
  return PgArrayOf(values.size(), [&](size_t i) { return values[i].has_value() ? &*values[i] : nullptr; });
}

std::string PgArray(const std::vector<std::string>& values) {
  return PgArrayOf(values.size(), [&](size_t i) { return &values[i]; });
}

std::vector<std::string> PgTextArray(const pqxx::field& field) {
  std::vector<std::string> out;
  pqxx::array_parser parser = field.as_array();
  for (;;) {
    auto [juncture, value] = parser.get_next();
    if (juncture == pqxx::array_parser::juncture::done) break;
    if (juncture == pqxx::array_parser::juncture::string_value) out.push_back(value);
    if (juncture == pqxx::array_parser::juncture::null_value) out.emplace_back();
  }
  return out;
}

void AppendHexDigits(std::string* out, absl::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  const size_t at = out->size();
  out->resize(at + bytes.size() * 2);
  char* d = out->data() + at;
  for (unsigned char c : bytes) {
    *d++ = kHex[c >> 4];
    *d++ = kHex[c & 15];
  }
}

std::string PgHexBytes(absl::string_view bytes) {
  std::string out = "\\x";
  out.reserve(2 + bytes.size() * 2);
  AppendHexDigits(&out, bytes);
  return out;
}

std::string PgTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", t, absl::UTCTimeZone());
}

absl::Status PgErrorStatus(const std::exception& e) {
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr ||
      dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) {
    return absl::UnavailableError(absl::StrFormat("postgresql unavailable: %s", e.what()));
  }
  // libpqxx 6 reports a serialization failure or a deadlock (40001, 40P01) as a
  // transaction_rollback, not an sql_error: the transaction may simply be run again.
  if (dynamic_cast<const pqxx::statement_completion_unknown*>(&e) != nullptr) {
    return absl::UnavailableError(absl::StrFormat("postgresql: the statement's outcome is unknown: %s", e.what()));
  }
  if (dynamic_cast<const pqxx::transaction_rollback*>(&e) != nullptr) {
    return absl::AbortedError(absl::StrFormat("postgresql: %s", e.what()));
  }
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e); sql != nullptr) {
    const std::string state = sql->sqlstate();
    if (state == "40001" || state == "40P01") {
      return absl::AbortedError(absl::StrFormat("postgresql: %s", e.what()));
    }
    if (state == "23505") return absl::AlreadyExistsError(absl::StrFormat("postgresql: %s", e.what()));
    // Data exceptions (22), integrity violations (23) and program limits (54: an index row or a
    // value too large) come from what was written, not from the server's health.
    if (state.rfind("22", 0) == 0 || state.rfind("23", 0) == 0 || state.rfind("54", 0) == 0) {
      return absl::InvalidArgumentError(absl::StrFormat("postgresql: %s", e.what()));
    }
    if (state.rfind("08", 0) == 0 || state == "57P01" || state == "57P03") {
      return absl::UnavailableError(absl::StrFormat("postgresql unavailable: %s", e.what()));
    }
    return absl::InternalError(absl::StrFormat("postgresql [%s]: %s", state, e.what()));
  }
  return absl::InternalError(absl::StrFormat("postgresql: %s", e.what()));
}

absl::StatusOr<std::unique_ptr<PgPool>> PgPool::Connect(const PgOptions& options) {
  std::unique_ptr<PgPool> pool(new PgPool(options));
  auto first = pool->Open();
  if (!first.ok()) return first.status();
  pool->open_ = 1;
  pool->idle_.push_back(std::move(*first));
  return pool;
}

PgPool::~PgPool() = default;

absl::StatusOr<std::unique_ptr<pqxx::connection>> PgPool::Open() const {
  try {
    auto c = std::make_unique<pqxx::connection>(options_.uri);
    if (!options_.schema.empty()) {
      pqxx::nontransaction n(*c);
      n.exec(absl::StrFormat("SET search_path TO %s, public", QuoteIdent(options_.schema)));
    }
    return c;
  } catch (const std::exception& e) {
    // Never echo the URI: it may hold a password.
    // libpq's message spans lines ("...refused\n\tIs the server running..."): keep one line.
    std::string detail(absl::StripTrailingAsciiWhitespace(e.what()));
    detail = detail.substr(0, detail.find('\n'));
    return absl::UnavailableError(
        absl::StrFormat("postgresql unavailable: cannot connect (%s)", detail));
  }
}

absl::StatusOr<std::unique_ptr<pqxx::connection>> PgPool::Acquire() {
  std::unique_lock lock(mu_);
  const auto deadline = absl::ToChronoTime(absl::Now() + options_.acquire_timeout);
  for (;;) {
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      if (c->is_open()) return c;
      --open_;  // broken: drop it and open a fresh one below
    }
    if (open_ < options_.pool_size) {
      ++open_;
      lock.unlock();
      auto c = Open();
      if (!c.ok()) {
        std::lock_guard relock(mu_);
        --open_;
        cv_.notify_one();
      }
      return c;
    }
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty()) {
      return absl::ResourceExhaustedError("postgresql pool: no connection free in time");
    }
  }
}

void PgPool::Release(std::unique_ptr<pqxx::connection> c) {
  std::lock_guard lock(mu_);
  if (c != nullptr && c->is_open()) {
    idle_.push_back(std::move(c));
  } else {
    --open_;
  }
  cv_.notify_one();
}

absl::Status PgPool::WithTransaction(const TxFn& fn) {
  constexpr int kAttempts = 5;
  absl::Status last;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    auto conn = Acquire();
    if (!conn.ok()) return conn.status();
    absl::Status status;
    try {
      pqxx::work tx(**conn);
      status = fn(tx);
      if (status.ok()) tx.commit();
    } catch (const std::exception& e) {
      status = PgErrorStatus(e);
      // libpqxx reports a connection lost in the middle of a COPY as a plain failure.
      if (!(*conn)->is_open() && status.code() != absl::StatusCode::kUnavailable) {
        status = absl::UnavailableError(absl::StrFormat("postgresql unavailable: %s", e.what()));
      }
    }
    Release(std::move(*conn));
    if (status.code() != absl::StatusCode::kAborted) return status;
    last = status;
    // Writers that collided (serialization failure, deadlock, a new key taken first) would collide
    // again if they all retried at once: wait a random time, up to 5, 10, 20, 40 ms.
    if (attempt + 1 < kAttempts) {
      thread_local std::mt19937 random{std::random_device{}()};
      std::uniform_int_distribution<int> wait_us(0, 5000 << attempt);
      absl::SleepFor(absl::Microseconds(wait_us(random)));
    }
  }
  return last;
}

absl::Status PgPool::WithConnection(const std::function<absl::Status(pqxx::connection&)>& fn) {
  auto conn = Acquire();
  if (!conn.ok()) return conn.status();
  absl::Status status;
  try {
    status = fn(**conn);
  } catch (const std::exception& e) {
    status = PgErrorStatus(e);
  }
  Release(std::move(*conn));
  return status;
}

}  // namespace ys
