// ListCases' rules over cases held in memory (CaseListCache): which cases a query lists, in what
// order, and the fields computed for the caller. Pure functions on plain values.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "services/rectification/domain.h"

namespace ys::rectification {

struct CaseListQuery {
  std::string unit;  // its own cases and the county cases it follows (marked `following`); empty: all
  pb::State state = pb::STATE_UNSPECIFIED;
  bool overdue_only = false;  // outstanding and due at or before as_of
  absl::Time as_of;
  size_t offset = 0, limit = 100;
};

// Whether `c` is one `q` lists: the unit's own or followed, in the state asked, overdue when asked.
bool ListMatches(const pb::Case& c, const CaseListQuery& q);

// A listed case: a copy of the stored one, overdue as of q.as_of and `following` for q.unit.
pb::Case ListedCopy(const pb::Case& c, const CaseListQuery& q);

// Every match of `ordered` (the stored cases in list order: due_at, then id), listed.
std::vector<pb::Case> ListMatching(const std::vector<pb::Case>& ordered, const CaseListQuery& q);

// The page [q.offset, q.offset + q.limit) of the matches, listed, and how many match in all.
std::pair<std::vector<pb::Case>, size_t> ListPage(const std::vector<pb::Case>& ordered, const CaseListQuery& q);

}  // namespace ys::rectification
