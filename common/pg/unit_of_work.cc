#include "common/pg/unit_of_work.h"

#include <pqxx/pqxx>

namespace ys {

void BeginReadOnlySnapshot(pqxx::work& w) {
  // pqxx::work has sent BEGIN; SET TRANSACTION is allowed before the transaction's first query. One
  // snapshot for every read of the unit of work, and no write can slip in.
  w.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
}

}  // namespace ys
