// A policy redemption event body in proto3 JSON (content type application/json, as external
// producers send it on ys.policy.redemptions.v1) through DecodeRedemption and ValidateRedemption;
// a valid one through the status move against each current status. The same bytes as an
// application/protobuf body reach the validation with values JSON cannot spell.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "fuzz/fuzz_check.h"
#include "services/indicator/redemption.h"

namespace ys::indicator {
namespace {

void Check(const char* content_type, absl::string_view body) {
  CloudEvent event;
  event.id = "e-1";
  event.source = "/platform/jxzwfw";
  event.type = "yingshang.indicator.v1.PolicyRedemption";
  event.content_type = content_type;
  event.data = std::string(body);
  RedemptionRejection why;
  const auto r = DecodeRedemption(event, &why);
  if (!r.ok()) {
    fuzz::Require(!why.reason.empty() && why.status == r.status(), "a refused body says why");
    return;
  }
  if (auto rejection = ValidateRedemption(*r); rejection.has_value()) {
    fuzz::Require(!rejection->reason.empty() && !rejection->status.ok(), "a rejection says why");
    return;
  }
  const absl::Time t = absl::FromUnixSeconds(r->status_time().seconds()) + absl::Nanoseconds(r->status_time().nanos());
  for (const auto current : {rpb::APPLIED, rpb::APPROVED, rpb::PAID, rpb::REJECTED}) {
    (void)DecideStatusMove(current, absl::FromUnixSeconds(1664524800), r->status(), t);
  }
}

}  // namespace
}  // namespace ys::indicator

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view body(reinterpret_cast<const char*>(data), size);
  ys::indicator::Check("application/json", body);
  ys::indicator::Check("application/protobuf", body);
  return 0;
}
