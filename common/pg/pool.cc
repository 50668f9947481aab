#include "common/pg/pool.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <random>

#include <pqxx/pqxx>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "common/log/log.h"
#include "common/status/macros.h"

namespace ys {

namespace {

absl::Status BadKey(absl::string_view key, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrFormat("config key '%s' %s", key, why));
}

// A duration key within [min, max] (PostgreSQL keeps timeouts in int milliseconds, TCP its
// keepalive settings in int seconds).
absl::StatusOr<absl::Duration> DurationKey(const Config& config, absl::string_view key,
                                           absl::Duration fallback, absl::Duration min,
                                           absl::Duration max) {
  auto d = config.GetDuration(key, fallback);
  if (!d.ok()) return d.status();
  if (*d < min || *d > max) {
    return BadKey(key, absl::StrFormat("must be between %s and %s, got %s", absl::FormatDuration(min),
                                       absl::FormatDuration(max), absl::FormatDuration(*d)));
  }
  return *d;
}

// An optional key naming a file libpq opens (libpq would only say it is missing at the first
// connection, without the key): its path, or "" when unset.
absl::StatusOr<std::string> ReadableFileKey(const Config& config, absl::string_view key) {
  const std::string path = config.GetString(key, "");
  if (path.empty()) return path;
  RETURN_IF_ERROR(CheckReadableFile(key, path));
  return path;
}

constexpr absl::string_view kTlsModes[] = {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"};

absl::Status ReadTls(const Config& config, PgTlsOptions* tls) {
  tls->mode = config.GetString("pg.tls.mode", "");
  if (!tls->mode.empty() && std::find(std::begin(kTlsModes), std::end(kTlsModes), tls->mode) == std::end(kTlsModes)) {
    return BadKey("pg.tls.mode", absl::StrFormat(
        "must be disable, allow, prefer, require, verify-ca or verify-full, got '%s'", tls->mode));
  }
  ASSIGN_OR_RETURN(tls->ca_file, ReadableFileKey(config, "pg.tls.ca_file"));
  ASSIGN_OR_RETURN(tls->cert_file, ReadableFileKey(config, "pg.tls.cert_file"));
  ASSIGN_OR_RETURN(tls->key_file, ReadableFileKey(config, "pg.tls.key_file"));
  // Without a CA file libpq would look for ~/.postgresql/root.crt, which a service account
  // rarely has: say which key is missing instead of failing at the first connection.
  if ((tls->mode == "verify-ca" || tls->mode == "verify-full") && tls->ca_file.empty()) {
    return BadKey("pg.tls.ca_file", absl::StrFormat("must be set when pg.tls.mode is %s", tls->mode));
  }
  if (tls->cert_file.empty() != tls->key_file.empty()) {
    return BadKey(tls->cert_file.empty() ? "pg.tls.cert_file" : "pg.tls.key_file",
                  "must be set together with the other of pg.tls.cert_file and pg.tls.key_file");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<PgOptions> PgOptionsFromConfig(const Config& config) {
  PgOptions options;
  auto uri = config.GetString("pg.uri");
  if (!uri.ok()) return uri.status();
  options.uri = *uri;
  auto schema = config.GetString("pg.schema");
  if (!schema.ok()) return schema.status();
  options.schema = *schema;
  auto size = config.GetIntIn("pg.pool_size", 4, 1, 64);
  if (!size.ok()) return size.status();
  options.pool_size = static_cast<int>(*size);
  if (!config.GetString("pg.password_file", "").empty()) {
    ASSIGN_OR_RETURN(options.password, ReadSecretFile(config, "pg.password_file"));
  }
  RETURN_IF_ERROR(ReadTls(config, &options.tls));
  const absl::Duration max_ms = absl::Milliseconds(INT_MAX);
  const absl::Duration max_s = absl::Seconds(32767);  // TCP_KEEPIDLE's and TCP_KEEPINTVL's limit
  ASSIGN_OR_RETURN(options.statement_timeout, DurationKey(config, "pg.statement_timeout",
                                                          options.statement_timeout, absl::ZeroDuration(), max_ms));
  ASSIGN_OR_RETURN(options.lock_timeout,
                   DurationKey(config, "pg.lock_timeout", options.lock_timeout, absl::ZeroDuration(), max_ms));
  ASSIGN_OR_RETURN(options.connect_timeout, DurationKey(config, "pg.connect_timeout", options.connect_timeout,
                                                        absl::Seconds(1), absl::Hours(1)));
  ASSIGN_OR_RETURN(options.keepalives_idle, DurationKey(config, "pg.keepalives.idle", options.keepalives_idle,
                                                        absl::Seconds(1), max_s));
  ASSIGN_OR_RETURN(options.keepalives_interval, DurationKey(config, "pg.keepalives.interval",
                                                            options.keepalives_interval, absl::Seconds(1), max_s));
  auto count = config.GetIntIn("pg.keepalives.count", options.keepalives_count, 1, 127);  // TCP_KEEPCNT's limit
  if (!count.ok()) return count.status();
  options.keepalives_count = static_cast<int>(*count);
  ASSIGN_OR_RETURN(options.tcp_user_timeout, DurationKey(config, "pg.tcp_user_timeout", options.tcp_user_timeout,
                                                         absl::ZeroDuration(), max_ms));
  // Zero would mean "wait for ever" to PostgreSQL's lock_timeout, which this bound is there to avoid.
  ASSIGN_OR_RETURN(options.migration_lock_timeout,
                   DurationKey(config, "pg.migration_lock_timeout", options.migration_lock_timeout,
                               absl::Milliseconds(1), max_ms));
  return options;
}

namespace {

int64_t CeilSeconds(absl::Duration d) { return absl::ToInt64Seconds(absl::Ceil(d, absl::Seconds(1))); }
int64_t CeilMilliseconds(absl::Duration d) {
  return absl::ToInt64Milliseconds(absl::Ceil(d, absl::Milliseconds(1)));
}

// RFC 3986 unreserved characters pass; everything else is %XX, which libpq decodes in a URI's
// query string ('+' included: libpq does not read it as a space).
void AppendPercentEncoded(std::string* out, absl::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : value) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      *out += static_cast<char>(c);
    } else {
      *out += '%';
      *out += kHex[c >> 4];
      *out += kHex[c & 15];
    }
  }
}

}  // namespace

std::string PgConnectionString(const PgOptions& o) {
  std::vector<std::pair<std::string, std::string>> params;
  if (!o.password.empty()) params.emplace_back("password", o.password);
  if (!o.tls.mode.empty()) params.emplace_back("sslmode", o.tls.mode);
  if (!o.tls.ca_file.empty()) params.emplace_back("sslrootcert", o.tls.ca_file);
  if (!o.tls.cert_file.empty()) params.emplace_back("sslcert", o.tls.cert_file);
  if (!o.tls.key_file.empty()) params.emplace_back("sslkey", o.tls.key_file);
  params.emplace_back("connect_timeout", absl::StrCat(CeilSeconds(o.connect_timeout)));
  params.emplace_back("keepalives", "1");
  params.emplace_back("keepalives_idle", absl::StrCat(CeilSeconds(o.keepalives_idle)));
  params.emplace_back("keepalives_interval", absl::StrCat(CeilSeconds(o.keepalives_interval)));
  params.emplace_back("keepalives_count", absl::StrCat(o.keepalives_count));
  params.emplace_back("tcp_user_timeout", absl::StrCat(absl::ToInt64Milliseconds(o.tcp_user_timeout)));

  // libpq takes the last of a parameter given twice, in both forms: ours, appended, win.
  std::string out = o.uri;
  if (absl::StartsWith(out, "postgresql://") || absl::StartsWith(out, "postgres://")) {
    char separator = out.find('?') == std::string::npos ? '?' : '&';
    if (!out.empty() && (out.back() == '?' || out.back() == '&')) separator = '\0';
    for (const auto& [key, value] : params) {
      if (separator != '\0') out += separator;
      separator = '&';
      absl::StrAppend(&out, key, "=");
      AppendPercentEncoded(&out, value);
    }
    return out;
  }
  // key=value form: values single-quoted, with '\\' and '\'' escaped.
  for (const auto& [key, value] : params) {
    if (!out.empty() && !absl::ascii_isspace(static_cast<unsigned char>(out.back()))) out += ' ';
    absl::StrAppend(&out, key, "='", absl::StrReplaceAll(value, {{"\\", "\\\\"}, {"'", "\\'"}}), "'");
  }
  return out;
}

std::string PgSessionTimeoutsSql(const PgOptions& o) {
  return absl::StrFormat("SET statement_timeout = %d; SET lock_timeout = %d",
                         CeilMilliseconds(o.statement_timeout), CeilMilliseconds(o.lock_timeout));
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
    // query_canceled is also what pg_cancel_backend gives; the server's text says which.
    if (state == "57014") {
      return absl::DeadlineExceededError(absl::StrFormat(
          "postgresql: statement cancelled (pg.statement_timeout or a cancel request): %s", e.what()));
    }
    if (state == "55P03") {
      return absl::DeadlineExceededError(absl::StrFormat(
          "postgresql: lock not obtained in time (pg.lock_timeout, or NOWAIT): %s", e.what()));
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
    auto c = std::make_unique<pqxx::connection>(PgConnectionString(options_));
    // SET after connecting rather than `options=-c ...` in the connection string: that would
    // replace any `options` the operator put in pg.uri, and the search_path costs this round trip
    // anyway (one simple query carries all three).
    std::string session = PgSessionTimeoutsSql(options_);
    if (!options_.schema.empty()) {
      absl::StrAppend(&session, "; ", absl::StrFormat("SET search_path TO %s, public", QuoteIdent(options_.schema)));
    }
    pqxx::nontransaction n(*c);
    n.exec(session);
    return c;
  } catch (const std::exception& e) {
    // Never echo the URI: it may hold a password.
    // libpq's message spans lines ("...refused\n\tIs the server running...", and one line per
    // address tried: "localhost" may be ::1 refused, then 127.0.0.1 failing TLS): one line of all.
    std::string detail;
    for (absl::string_view line : absl::StrSplit(e.what(), '\n', absl::SkipWhitespace())) {
      absl::StrAppend(&detail, detail.empty() ? "" : "; ", absl::StripAsciiWhitespace(line));
    }
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

template <typename Tx>
absl::Status PgPool::Retrying(const std::function<absl::Status(Tx&)>& fn) {
  constexpr int kAttempts = 5;
  absl::Status last;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    auto conn = Acquire();
    if (!conn.ok()) return conn.status();
    absl::Status status;
    try {
      Tx tx(**conn);
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

absl::Status PgPool::WithTransaction(const TxFn& fn) { return Retrying<pqxx::work>(fn); }

absl::Status PgPool::WithSingleStatement(const std::function<absl::Status(pqxx::transaction_base&)>& fn) {
  return Retrying<pqxx::nontransaction>([&](pqxx::nontransaction& tx) { return fn(tx); });
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
