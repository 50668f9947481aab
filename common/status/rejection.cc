#include "common/status/rejection.h"

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"

namespace ys {

absl::Status WithRejectionReason(absl::Status s, absl::string_view reason) {
  s.SetPayload(kInboxReasonPayload, absl::Cord(reason));
  return s;
}

std::string RejectionReason(const absl::Status& s) {
  if (auto p = s.GetPayload(kInboxReasonPayload); p.has_value()) return std::string(*p);
  return absl::AsciiStrToLower(absl::StatusCodeToString(s.code()));
}

}  // namespace ys
