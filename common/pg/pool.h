#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/config/config.h"


namespace ys {

// How the server is authenticated and the link encrypted (libpq's sslmode and certificate files).
struct PgTlsOptions {
  std::string mode;  // disable|allow|prefer|require|verify-ca|verify-full; empty = libpq's default
  std::string ca_file;
  std::string cert_file;  // client certificate (optional, with key_file)
  std::string key_file;
};

struct PgOptions {
  std::string uri = "postgresql://postgres@127.0.0.1:15432/yingshang";
  std::string schema;  // the service's schema; becomes the search_path of every connection
  int pool_size = 4;
  absl::Duration acquire_timeout = absl::Seconds(10);
  // From pg.password_file, read at startup; empty = whatever the URI or libpq's environment gives.
  std::string password;
  PgTlsOptions tls;
  // Set on every session: a statement or a lock wait that outlives them fails (DEADLINE_EXCEEDED)
  // instead of holding a connection of the pool and the caller's thread. Zero = no limit.
  absl::Duration statement_timeout = absl::Seconds(60);
  absl::Duration lock_timeout = absl::Seconds(10);
  absl::Duration connect_timeout = absl::Seconds(5);  // libpq counts whole seconds
  // TCP keepalives, so a connection whose peer vanished (a failover, a dropped NAT entry) is found
  // dead in idle + interval * count rather than after the kernel's two hours.
  absl::Duration keepalives_idle = absl::Seconds(30);
  absl::Duration keepalives_interval = absl::Seconds(10);
  int keepalives_count = 3;
  // Data sent and not acknowledged by the server's TCP for this long closes the connection (libpq
  // tcp_user_timeout): a query sent into a network partition fails then, where keepalives do not
  // help (they only probe idle connections) and the kernel would retransmit for about 15 minutes.
  // Zero leaves the kernel's default. Found by the fault test's PostgreSQL blackhole.
  absl::Duration tcp_user_timeout = absl::Seconds(30);
  // How long a replica waits for another one's migration run before it gives up.
  absl::Duration migration_lock_timeout = absl::Seconds(60);
};

// pg.uri, pg.schema, pg.pool_size, pg.password_file, pg.tls.{mode,ca_file,cert_file,key_file},
// pg.statement_timeout, pg.lock_timeout, pg.connect_timeout,
// pg.keepalives.{idle,interval,count}, pg.tcp_user_timeout, pg.migration_lock_timeout. Errors name the key.
absl::StatusOr<PgOptions> PgOptionsFromConfig(const Config& config);

// The connection string libpq is given: options.uri (a postgresql:// URI, with or without a query
// string, or a key=value string) with the connection parameters of the options appended, which
// take precedence over the same parameters in the URI. Holds the password: never log it.
std::string PgConnectionString(const PgOptions& options);

// The SET statements that give a session the options' statement and lock timeouts.
std::string PgSessionTimeoutsSql(const PgOptions& options);

// Maps a libpqxx exception to a status: UNAVAILABLE for a lost connection, ABORTED for a
// serialization failure or deadlock (retry the transaction), ALREADY_EXISTS for a unique violation,
// INVALID_ARGUMENT for data errors, DEADLINE_EXCEEDED for a statement cancelled by
// statement_timeout or a lock not obtained within lock_timeout, INTERNAL otherwise.
absl::Status PgErrorStatus(const std::exception& e);

// A small pool of libpqxx connections, each with the service's schema as search_path. Broken
// connections are replaced on the next use, so a PostgreSQL restart costs failed calls, not a
// process restart.
class PgPool {
 public:
  // Opens one connection to check the server answers; the others open on demand.
  static absl::StatusOr<std::unique_ptr<PgPool>> Connect(const PgOptions& options);
  ~PgPool();

  using TxFn = std::function<absl::Status(pqxx::work&)>;
  // Runs `fn` in one transaction and commits when it returns OK (rolls back otherwise). Exceptions
  // from libpqxx are caught and mapped; serialization failures are retried a few times.
  absl::Status WithTransaction(const TxFn& fn);
  // Runs `fn` without BEGIN and COMMIT (pqxx::nontransaction: each statement commits by itself and
  // sees its own snapshot), saving two of a one-statement read's three round trips. For reads of a
  // single statement only: two statements here may see two different states. Errors are mapped and
  // ABORTED retried as WithTransaction's.
  absl::Status WithSingleStatement(const std::function<absl::Status(pqxx::transaction_base&)>& fn);
  // Runs `fn` with a connection outside any transaction (advisory session locks, DDL helpers).
  absl::Status WithConnection(const std::function<absl::Status(pqxx::connection&)>& fn);

  const PgOptions& options() const { return options_; }

 private:
  explicit PgPool(PgOptions options) : options_(std::move(options)) {}
  absl::StatusOr<std::unique_ptr<pqxx::connection>> Open() const;
  absl::StatusOr<std::unique_ptr<pqxx::connection>> Acquire();
  // Runs `fn` on a new Tx (pqxx::work, pqxx::nontransaction) over a pooled connection, committing
  // when it returns OK; ABORTED (serialization failure, deadlock) is retried a few times.
  template <typename Tx>
  absl::Status Retrying(const std::function<absl::Status(Tx&)>& fn);
  void Release(std::unique_ptr<pqxx::connection> c);

  PgOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
  int open_ = 0;
};

// Quotes an SQL identifier (schema or table name).
std::string QuoteIdent(absl::string_view name);

// A PostgreSQL array literal ("{\"a\",NULL}") for one $n parameter of type text[], bigint[],
// timestamptz[]…: one round trip for a whole batch (with unnest or = ANY).
std::string PgArray(const std::vector<std::optional<std::string>>& values);
std::string PgArray(const std::vector<std::string>& values);

// One element of an array literal, quoted, with '"' and '\\' escaped.
void AppendPgArrayElement(std::string* out, absl::string_view value);
// The literal of n values without copying them: `at(i)` gives the i-th as a const std::string*
// (nullptr for NULL). Built in one allocation: batches pass arrays of thousands of bodies.
template <typename At>
std::string PgArrayOf(size_t n, At at) {
  size_t size = 2;
  for (size_t i = 0; i < n; ++i) {
    const std::string* v = at(i);
    size += v == nullptr ? 5 : v->size() + 3;
  }
  std::string out;
  out.reserve(size + size / 16);
  out += '{';
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) out += ',';
    const std::string* v = at(i);
    if (v == nullptr) {
      out += "NULL";
    } else {
      AppendPgArrayElement(&out, *v);
    }
  }
  out += '}';
  return out;
}
// The elements of a one-dimensional text[] column (NULL elements as "").
std::vector<std::string> PgTextArray(const pqxx::field& field);
// Bytes as a bytea hex literal ("\\x0a1b…") for an element of such an array.
std::string PgHexBytes(absl::string_view bytes);
// Appends the bytes as lower-case hex digits (the part of a bytea hex literal after "\\x").
void AppendHexDigits(std::string* out, absl::string_view bytes);
// RFC 3339 in UTC with microseconds, for timestamptz parameters.
std::string PgTime(absl::Time t);

}  // namespace ys
