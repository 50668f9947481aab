#pragma once

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/metrics/metrics.h"
#include "common/pg/pool.h"
#include "common/kafka/cloud_event.h"
#include "services/indicator/redemption.h"

namespace ys::indicator {

// Applies a batch of redemption events inside the consumer's transaction (the inbox has claimed
// their ce_ids): one query reads the redemptions they touch, the events are decided in order in
// memory, one statement writes every changed redemption. (*results)[i] is OK or the fault of
// events[i] (INVALID_ARGUMENT / FAILED_PRECONDITION naming the field, with its short reason as the
// kInboxReasonPayload); a rejected event writes nothing. `regions` are the catalog's, by code
// (CheckRedemptionRegion decides which an event may name); `limits` those of the input rules
// (ValidateRedemption).
absl::Status ApplyRedemptionBatch(pqxx::transaction_base& tx,
                                  const std::vector<const CloudEvent*>& events,
                                  const std::map<std::string, rpb::Region>& regions,
                                  std::vector<absl::Status>* results, const input::InputLimits& limits = {});

// The catalog's regions by code, retired ones included.
absl::StatusOr<std::map<std::string, rpb::Region>> LoadRegions(PgPool& pool);

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
