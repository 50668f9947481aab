#include "services/indicator/redemption.h"

#include <tuple>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "common/status/rejection.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "services/indicator/credit_code.h"

namespace ys::indicator {
namespace {

// Whether `to` can follow `from` (possibly skipping steps whose events were lost).
bool CanFollow(rpb::RedemptionStatus from, rpb::RedemptionStatus to) {
  switch (to) {
    case rpb::APPROVED: return from == rpb::APPLIED;
    case rpb::PAID:
    case rpb::REJECTED: return from == rpb::APPLIED || from == rpb::APPROVED;
    default: return false;
  }
}

RedemptionRejection Reject(std::string reason, absl::Status status) {
  return {std::move(reason), std::move(status)};
}

// A rule of common/input broken: its status carries the reason.
RedemptionRejection Reject(absl::Status status) { return {RejectionReason(status), std::move(status)}; }

bool IsShangraos(const rpb::Region& r) {
  if (r.retired()) return false;
  switch (r.kind()) {
    case rpb::REGION_KIND_CITY: return r.code() == kShangraoCityCode;  // 市本级
    case rpb::REGION_KIND_COUNTY:
    case rpb::REGION_KIND_FUNCTIONAL_ZONE: return r.parent_code() == kShangraoCityCode;
    default: return false;
  }
}

const char* KindWord(rpb::RegionKind k) {
  switch (k) {
    case rpb::REGION_KIND_PROVINCE: return "a province";
    case rpb::REGION_KIND_CITY: return "a city";
    case rpb::REGION_KIND_COUNTY: return "a county";
    case rpb::REGION_KIND_FUNCTIONAL_ZONE: return "a functional zone";
    default: return "a region";
  }
}

// "the 12 counties, 3 functional zones and 3611 (市本级) of 上饶市", counted from the catalog.
std::string AcceptedRegions(const std::map<std::string, rpb::Region>& regions) {
  int counties = 0, zones = 0;
  for (const auto& [_, r] : regions) {
    if (!IsShangraos(r)) continue;
    counties += r.kind() == rpb::REGION_KIND_COUNTY;
    zones += r.kind() == rpb::REGION_KIND_FUNCTIONAL_ZONE;
  }
  return absl::StrFormat("the %d counties, %d functional zones and %s (%s) of 上饶市", counties, zones,
                         kShangraoCityCode, kCityLevelName);
}

}  // namespace

std::optional<RedemptionRejection> CheckRedemptionRegion(const std::map<std::string, rpb::Region>& regions,
                                                         const std::string& code) {
  auto it = regions.find(code);
  if (it == regions.end() || it->second.retired()) {
    return Reject("unknown_county",
                  absl::InvalidArgumentError(absl::StrFormat(
                      "field 'county_code': %s is not a region of the catalog%s; 惠企通 redemptions "
                      "are those of %s",
                      input::QuoteInput(code), it == regions.end() ? "" : " (retired)",
                      AcceptedRegions(regions))));
  }
  const rpb::Region& r = it->second;
  if (IsShangraos(r)) return std::nullopt;
  std::string where;
  if (auto parent = regions.find(r.parent_code()); parent != regions.end()) {
    where = absl::StrFormat(" of %s (%s)", parent->second.name(), parent->second.code());
  }
  return Reject("region_outside_shangrao",
                absl::InvalidArgumentError(absl::StrFormat(
                    "field 'county_code': %s is %s (%s)%s, not one of 上饶市's: 惠企通 redemptions "
                    "are those of %s",
                    input::QuoteInput(code), KindWord(r.kind()), r.name(), where,
                    AcceptedRegions(regions))));
}

std::string RedemptionRegionName(const rpb::Region& region) {
  if (region.kind() == rpb::REGION_KIND_CITY && region.code() == kShangraoCityCode) return kCityLevelName;
  return region.name();
}

const char* StatusName(rpb::RedemptionStatus s) {
  switch (s) {
    case rpb::APPLIED: return "APPLIED";
    case rpb::APPROVED: return "APPROVED";
    case rpb::PAID: return "PAID";
    case rpb::REJECTED: return "REJECTED";
    default: return "UNSPECIFIED";
  }
}

absl::StatusOr<rpb::PolicyRedemption> DecodeRedemption(const CloudEvent& event,
                                                       RedemptionRejection* why) {
  rpb::PolicyRedemption r;
  if (absl::StartsWith(event.content_type, "application/protobuf") ||
      absl::StartsWith(event.content_type, "application/x-protobuf")) {
    if (!r.ParseFromString(event.data)) {
      *why = Reject("malformed", absl::InvalidArgumentError("body is not a PolicyRedemption protobuf"));
      return why->status;
    }
    return r;
  }
  if (absl::StartsWith(event.content_type, "application/json")) {
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;  // newer producers may add fields
    auto s = google::protobuf::util::JsonStringToMessage(event.data, &r, options);
    if (!s.ok()) {
      // protobuf's message quotes the input around the error.
      *why = Reject("malformed", absl::InvalidArgumentError(absl::StrFormat(
                                     "body is not a PolicyRedemption in proto3 JSON: %s",
                                     input::QuoteInput(std::string(s.message()), 200))));
      return why->status;
    }
    return r;
  }
  *why = Reject("bad_content_type",
                absl::InvalidArgumentError(absl::StrFormat(
                    "content-type %s is not application/protobuf or application/json",
                    input::QuoteInput(event.content_type))));
  return why->status;
}

std::optional<RedemptionRejection> ValidateRedemption(const rpb::PolicyRedemption& r,
                                                      const input::InputLimits& limits) {
  using input::TextKind;
  using TextField = std::tuple<const char*, const std::string*, TextKind>;
  for (const auto& [name, value, kind] : std::initializer_list<TextField>{
           {"redemption_id", &r.redemption_id(), TextKind::kCode},
           {"policy_id", &r.policy_id(), TextKind::kCode},
           {"policy_name", &r.policy_name(), TextKind::kName},
           {"enterprise_credit_code", &r.enterprise_credit_code(), TextKind::kCode},
           {"county_code", &r.county_code(), TextKind::kCode},
           {"department", &r.department(), TextKind::kName}}) {
    if (auto s = input::CheckText(name, *value, kind, limits); !s.ok()) return Reject(std::move(s));
  }
  for (const auto& [name, value] : std::initializer_list<std::pair<const char*, const std::string*>>{
           {"redemption_id", &r.redemption_id()},
           {"policy_id", &r.policy_id()},
           {"county_code", &r.county_code()},
           {"department", &r.department()}}) {
    if (value->empty()) {
      return Reject("missing_field",
                    absl::InvalidArgumentError(absl::StrFormat("field '%s' is required", name)));
    }
  }
  if (auto s = ValidateCreditCode(r.enterprise_credit_code()); !s.ok()) {
    return Reject("bad_credit_code", s);
  }
  if (auto s = input::CheckAmountFen("amount_fen", r.amount_fen(), limits); !s.ok()) {
    return Reject(std::move(s));  // negative_amount, amount_out_of_range
  }
  if (r.status() == rpb::REDEMPTION_STATUS_UNSPECIFIED || !rpb::RedemptionStatus_IsValid(r.status())) {
    return Reject("missing_field",
                  absl::InvalidArgumentError("field 'status' must be APPLIED, APPROVED, PAID or REJECTED"));
  }
  if (!r.has_status_time()) {
    return Reject("missing_field", absl::InvalidArgumentError("field 'status_time' is required"));
  }
  if (auto s = input::CheckTimestamp("status_time", r.status_time().seconds(), r.status_time().nanos());
      !s.ok()) {
    return Reject(std::move(s));
  }
  return std::nullopt;
}

absl::StatusOr<StatusMove> DecideStatusMove(rpb::RedemptionStatus current, absl::Time current_time,
                                            rpb::RedemptionStatus incoming,
                                            absl::Time incoming_time) {
  if (incoming == current) return StatusMove::kSame;
  if (incoming_time >= current_time) {
    if (CanFollow(current, incoming)) return StatusMove::kAdvance;
    return absl::FailedPreconditionError(absl::StrFormat(
        "field 'status': %s cannot follow %s", StatusName(incoming), StatusName(current)));
  }
  if (CanFollow(incoming, current)) return StatusMove::kRecordOlder;
  return absl::FailedPreconditionError(
      absl::StrFormat("field 'status': %s (older) cannot precede the current %s",
                      StatusName(incoming), StatusName(current)));
}

}  // namespace ys::indicator
