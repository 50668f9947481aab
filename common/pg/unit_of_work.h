#pragma once

// What a service's store needs around libpqxx for a unit of work (the duty and notify stores): a
// statement runner that keeps libpqxx's exceptions inside the store and remembers the first failure
// (after a refused statement PostgreSQL ignores the rest of the transaction), and one run of the
// work in a transaction, where PgPool retries what PostgreSQL itself aborted (serialization failure,
// deadlock) and the work's own refusal comes back as it is, after one run.

#include <functional>
#include <utility>

#include "absl/status/status.h"
#include <pqxx/pqxx>

#include "common/pg/pool.h"

namespace ys {

// The base of a store's transaction adapter: Run(fn) maps an exception to a status, and every call
// after a failure answers that failure.
class PgStatements {
 public:
  explicit PgStatements(pqxx::transaction_base& tx) : tx_(tx) {}
  const absl::Status& failure() const { return failure_; }

 protected:
  template <typename F>
  auto Run(F&& fn) -> decltype(fn()) {
    if (!failure_.ok()) return failure_;
    try {
      return fn();
    } catch (const std::exception& e) {
      failure_ = PgErrorStatus(e);
      return failure_;
    }
  }

  pqxx::transaction_base& tx_;

 private:
  absl::Status failure_;
};

// "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY": a Read's consistent snapshot.
void BeginReadOnlySnapshot(pqxx::work& w);

// Runs `work` on an `Adapter` (a PgStatements over the transaction) in one transaction of `pool`,
// `begin` first: it commits when `work` returns OK and nothing failed, else nothing is kept.
template <typename Adapter, typename Tx>
absl::Status RunUnitOfWork(PgPool& pool, const std::function<void(pqxx::work&)>& begin,
                           const std::function<absl::Status(Tx&)>& work) {
  absl::Status refused;
  absl::Status status = pool.WithTransaction([&](pqxx::work& w) -> absl::Status {
    refused = absl::OkStatus();
    begin(w);
    Adapter tx(w);
    absl::Status outcome = work(tx);
    if (!tx.failure().ok()) return tx.failure();
    if (!outcome.ok()) {
      refused = std::move(outcome);
      return absl::CancelledError("the unit of work refused");  // rolls back; not retried
    }
    return absl::OkStatus();
  });
  return refused.ok() ? status : refused;
}

}  // namespace ys
