#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace ys {

// A handler may attach a short, bounded reason ("bad_credit_code") to a rejection with
// WithRejectionReason; it becomes the dead-letter record's ys_dlq_reason_code header and the
// `reason` label of ys_dlq_records_total.
inline constexpr char kInboxReasonPayload[] = "type.yingshang.cn/inbox.reason";
// The reason attached to `s`, or its code in lower case ("invalid_argument").
std::string RejectionReason(const absl::Status& s);
// `s` with `reason` attached as its kInboxReasonPayload.
absl::Status WithRejectionReason(absl::Status s, absl::string_view reason);

}  // namespace ys
