// Every case, parsed, in memory for ListCases (issue #18): a list call asked PostgreSQL for each
// listed case's body and parsed it (0.9 ms of the service's CPU and as much of PostgreSQL's for a
// page of 93), where cases change a few times a day. Now a call asks only for case_list_version
// (migration 0005: every committed change to cases moves it, CaseWrites::Flush), and the cases are
// read again when it moved. The number is read after any write a caller saw commit, so a list
// shows every change committed before it was asked, on whichever replica it was made.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/status/statusor.h"
#include "common/pg/pool.h"
#include "services/rectification/domain.h"

namespace ys::rectification {

struct CaseListSnapshot {
  int64_t version = -1;         // case_list_version.n it was read at
  std::vector<pb::Case> cases;  // every case, in list order (due_at, id)
};

class CaseListCache {
 public:
  explicit CaseListCache(PgPool& pool) : pool_(pool) {}

  // The cases as of the current case_list_version: one small statement, and a read of every case
  // when the version moved (one load at a time; callers arriving meanwhile take its result).
  absl::StatusOr<std::shared_ptr<const CaseListSnapshot>> Current();

  int64_t loads() const;  // how many times every case was read (tests, the benchmark's notes)

 private:
  absl::StatusOr<std::shared_ptr<const CaseListSnapshot>> Load();
  std::shared_ptr<const CaseListSnapshot> Cached(int64_t at_least) const;

  PgPool& pool_;
  std::mutex load_mu_;
  mutable std::mutex mu_;
  std::shared_ptr<const CaseListSnapshot> snapshot_;
  int64_t loads_ = 0;
};

}  // namespace ys::rectification
