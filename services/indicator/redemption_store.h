#pragma once

#include <map>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/metrics/metrics.h"
#include "common/pg/pool.h"
#include "services/indicator/redemption.h"

namespace ys::indicator {

// Applies one redemption event inside the consumer's transaction (the inbox has already claimed its
// ce_id). Record faults come back as INVALID_ARGUMENT / FAILED_PRECONDITION with the field named, and
// their reason in `why` (for the dead-letter count by reason).
// It checks everything before it writes, so a rejected event leaves nothing behind (the inbox needs
// no savepoint). `counties` are the catalog's county codes (LoadCountyCodes, once per batch).
absl::Status ApplyRedemption(pqxx::transaction_base& tx, const CloudEvent& event,
                             const std::set<std::string>& counties, RedemptionRejection* why);

absl::StatusOr<std::set<std::string>> LoadCountyCodes(PgPool& pool);

struct SummaryQuery {
  absl::Time from;   // the month's start in Asia/Shanghai
  absl::Time to;     // the month's end
  absl::Time as_of;  // for "unpaid over 30 days": min(month end, now)
  std::string county_code;
};

// Per county and department, and the grand total (county_code and department empty).
absl::StatusOr<std::vector<rpb::RedemptionSummaryRow>> QueryRedemptionSummary(PgPool& pool,
                                                                             const SummaryQuery& q);

}  // namespace ys::indicator
