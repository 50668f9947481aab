#pragma once

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "yingshang/ranking/v1/ranking.pb.h"

namespace ys::ranking {

namespace pb = ::yingshang::ranking::v1;

// A RankingFact from its proto3 JSON form (unknown fields ignored), as other provincial platforms
// send it on ys.rankings.submitted.v1.
//
// protobuf's JSON parser costs about 15 µs a fact (it rebuilds type information on every call), a
// third of the service's own time at 20,000 facts/s. The common shape — one flat object of ASCII
// strings, integers and enum names — is decoded directly; anything else (escapes, non-ASCII text,
// nested values, numbers written as strings, unknown enum names, duplicate keys, errors) goes to
// protobuf's parser, so the result and every error message are protobuf's own.
absl::StatusOr<pb::RankingFact> DecodeFactJson(absl::string_view json);

// The direct decoder alone: false when it leaves the input to protobuf's parser. For tests.
bool DecodeFactJsonFast(absl::string_view json, pb::RankingFact* fact);

}  // namespace ys::ranking
