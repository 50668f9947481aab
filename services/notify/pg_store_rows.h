#pragma once

// The row conversions PgNotifyTx uses (pg_store.cc, pg_store_deliveries.cc): timestamptz
// parameters, labels as JSON, and the checks of keys and pages. Internal to notify's store.

#include <pqxx/pqxx>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "common/status/macros.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/json_util.h"
#include "services/notify/labels.h"
#include "services/notify/store.h"

namespace ys::notify::pg_store_internal {

// A timestamptz parameter: "" (with NULLIF($n, '')) for an unset Timestamp or time.
std::string TimeParam(bool set, const google::protobuf::Timestamp& t);
std::string TimeParam(const std::optional<absl::Time>& t);

// Labels as a JSON object of strings ({"unit":"市商务局"}), and back: DATA_LOSS naming `field` for
// anything else.
std::string LabelsJson(const Labels& labels);
absl::StatusOr<Labels> LabelsFromJson(std::string_view json, std::string_view field);

// An empty key is refused, naming `field`.
absl::Status CheckKey(std::string_view value, std::string_view field);

// A negative offset or limit is refused.
absl::Status CheckPage(int offset, int limit);

// A delivery state as a query parameter: "" for DELIVERY_STATE_UNSPECIFIED (any state).
std::string StateParam(pb::DeliveryState state);

}  // namespace ys::notify::pg_store_internal
