#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/input/text_rules.h"
#include "common/kafka/cloud_event.h"
#include "yingshang/indicator/v1/redemption.pb.h"

namespace ys::indicator {

namespace rpb = ::yingshang::indicator::v1;

inline constexpr char kRedemptionTopic[] = "ys.policy.redemptions.v1";
inline constexpr char kRedemptionDlqTopic[] = "ys.policy.dlq.v1";

// Why an event was refused: a short reason for the metric label and the dead-letter record's code,
// and the status whose message names the field.
struct RedemptionRejection {
  std::string reason;  // malformed, bad_content_type, missing_field, bad_credit_code,
                       // negative_amount, unknown_county, illegal_status_move; and the input rules'
                       // bad_text, too_long, amount_out_of_range, bad_time (common/input)
  absl::Status status;
};

// The event body as a PolicyRedemption: application/protobuf, or application/json in the proto3
// JSON mapping (external producers).
absl::StatusOr<rpb::PolicyRedemption> DecodeRedemption(const CloudEvent& event,
                                                       RedemptionRejection* why);

// Field checks that need nothing but the event (the county is checked against the catalog). The
// input rules come first, for every field: the ids and codes are codes, policy_name and department
// names; the amount within 0 .. limits.max_amount_fen; status_time within 1970-2100.
std::optional<RedemptionRejection> ValidateRedemption(const rpb::PolicyRedemption& r,
                                                      const input::InputLimits& limits = {});

enum class StatusMove {
  kAdvance,      // a newer, legal status: it becomes the current one
  kRecordOlder,  // an older status arriving late: its time is recorded, the current one stays
  kSame,         // the current status again (another event id): nothing changes
};

// APPLIED → APPROVED → PAID, with REJECTED from APPLIED or APPROVED; PAID and REJECTED are final.
// Events may arrive out of order: an older status never overwrites a newer one.
// FAILED_PRECONDITION when the move is illegal in either order.
absl::StatusOr<StatusMove> DecideStatusMove(rpb::RedemptionStatus current, absl::Time current_time,
                                            rpb::RedemptionStatus incoming, absl::Time incoming_time);

const char* StatusName(rpb::RedemptionStatus s);

}  // namespace ys::indicator
