#pragma once

#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/input/text_rules.h"
#include "common/kafka/cloud_event.h"
#include "yingshang/indicator/v1/catalog.pb.h"
#include "yingshang/indicator/v1/redemption.pb.h"

namespace ys::indicator {

namespace rpb = ::yingshang::indicator::v1;

inline constexpr char kRedemptionTopic[] = "ys.policy.redemptions.v1";
inline constexpr char kRedemptionDlqTopic[] = "ys.policy.dlq.v1";

// Why an event was refused: a short reason for the metric label and the dead-letter record's code,
// and the status whose message names the field.
struct RedemptionRejection {
  std::string reason;  // malformed, bad_content_type, missing_field, bad_credit_code,
                       // negative_amount, unknown_county, region_outside_shangrao,
                       // illegal_status_move; and the input rules' bad_text, too_long,
                       // amount_out_of_range, bad_time (common/input)
  absl::Status status;
};

// The event body as a PolicyRedemption: application/protobuf, or application/json in the proto3
// JSON mapping (external producers).
absl::StatusOr<rpb::PolicyRedemption> DecodeRedemption(const CloudEvent& event,
                                                       RedemptionRejection* why);

// Field checks that need nothing but the event (the region is checked against the catalog). The
// input rules come first, for every field: the ids and codes are codes, policy_name and department
// names; the amount within 0 .. limits.max_amount_fen; status_time within 1970-2100.
std::optional<RedemptionRejection> ValidateRedemption(const rpb::PolicyRedemption& r,
                                                      const input::InputLimits& limits = {});

// 上饶市, whose office runs this platform (饶营商〔2022〕1号).
inline constexpr char kShangraoCityCode[] = "3611";
// What a summary calls the city's own level.
inline constexpr char kCityLevelName[] = "市本级";

// Whether a redemption may carry `code` (its county_code) as its region, given the catalog's regions
// by code. The plan has the office dispatch and report the redemptions of "各地各部门" (§四(三) 五
// "调度惠企政策通过“惠企通”平台兑现情况"; §四(四) 五 "对各地各部门惠企政策通过'惠企通'平台兑现落实情况
// 进行通报"), and the 各地 of a Shangrao plan are Shangrao's: its counties (县（市、区）), the functional
// zones the plan is addressed to (上饶经济技术开发区, 三清山风景名胜区, 上饶高铁经济试验区; their "Z"
// codes are the office's own, local: NBS codes do not cover them) and the city's own level, where the
// 市直 departments (各部门) redeem (市本级, the plan's word in §三 领班职责②; code 3611). Accepted: a
// county or functional zone of the catalog whose parent is 3611, and 3611 itself, none retired. Refused (INVALID_ARGUMENT naming field 'county_code'):
// a code the catalog does not hold or has retired (unknown_county); any other region, a county of
// another city above all (region_outside_shangrao).
std::optional<RedemptionRejection> CheckRedemptionRegion(const std::map<std::string, rpb::Region>& regions,
                                                         const std::string& code);

// The name a summary shows for an accepted region: kCityLevelName for 3611, else the catalog's.
std::string RedemptionRegionName(const rpb::Region& region);

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
