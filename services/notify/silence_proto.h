#pragma once

// Silences between notify.proto (what the store and the API carry) and inhibition.h's domain type.

#include <vector>

#include "absl/status/statusor.h"
#include "services/notify/inhibition.h"
#include "yingshang/notify/v1/notify.pb.h"

namespace ys::notify {

// INVALID_ARGUMENT naming the matcher ("matchers[1]: …") for one that does not parse.
absl::StatusOr<Silence> SilenceFromProto(const ::yingshang::notify::v1::Silence& silence);
::yingshang::notify::v1::Silence SilenceToProto(const Silence& silence);
// The stored silences that convert (a stored one that no longer parses — a matcher syntax changed —
// is left out: it silences nothing, rather than everything).
std::vector<Silence> SilencesFromProto(const std::vector<::yingshang::notify::v1::Silence>& silences);

}  // namespace ys::notify
