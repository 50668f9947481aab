#include "services/rectification/case_list.h"

#include "common/time/proto_time.h"
#include "services/rectification/store_rows.h"

namespace ys::rectification {

bool ListMatches(const pb::Case& c, const CaseListQuery& q) {
  if (!q.unit.empty() && AccessOf(c, q.unit) == UnitAccess::kNone) return false;
  if (q.state != pb::STATE_UNSPECIFIED && c.state() != q.state) return false;
  return !q.overdue_only || (Outstanding(c.state()) && FromProtoTime(c.due_at()) <= q.as_of);
}

pb::Case ListedCopy(const pb::Case& c, const CaseListQuery& q) {
  pb::Case out = c;
  SetOverdue(&out, q.as_of);
  out.set_following(!q.unit.empty() && AccessOf(c, q.unit) == UnitAccess::kFollower);
  return out;
}

std::vector<pb::Case> ListMatching(const std::vector<pb::Case>& ordered, const CaseListQuery& q) {
  std::vector<pb::Case> out;
  for (const pb::Case& c : ordered) {
    if (ListMatches(c, q)) out.push_back(ListedCopy(c, q));
  }
  return out;
}

std::pair<std::vector<pb::Case>, size_t> ListPage(const std::vector<pb::Case>& ordered, const CaseListQuery& q) {
  std::vector<pb::Case> page;
  size_t matched = 0;
  for (const pb::Case& c : ordered) {
    if (!ListMatches(c, q)) continue;
    if (matched >= q.offset && page.size() < q.limit) page.push_back(ListedCopy(c, q));
    ++matched;
  }
  return {std::move(page), matched};
}

}  // namespace ys::rectification
