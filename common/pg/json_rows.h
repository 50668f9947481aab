#pragma once

// A store's messages kept as JSON in PostgreSQL (protobuf's JSON mapping, the proto field names):
// written with ToJson, read back with FromJson (unknown fields ignored: a newer release may have
// written fields this one lacks), a DATA_LOSS status naming the type when a stored body cannot be read.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "common/status/macros.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/json_util.h"

namespace ys {

absl::StatusOr<std::string> ToJson(const google::protobuf::Message& m);

template <typename M>
absl::StatusOr<M> FromJson(const pqxx::field& body) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;  // a newer release may have written fields this one lacks
  M m;
  auto status = google::protobuf::util::JsonStringToMessage(body.c_str(), &m, options);
  if (!status.ok()) {
    return absl::DataLossError(
        absl::StrFormat("a stored %s is not readable: %s", m.GetTypeName(), status.ToString()));
  }
  return m;
}

template <typename M>
absl::StatusOr<std::vector<M>> AllFromJson(const pqxx::result& rows) {
  std::vector<M> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    ASSIGN_OR_RETURN(M m, FromJson<M>(row[0]));
    out.push_back(std::move(m));
  }
  return out;
}

template <typename M>
absl::StatusOr<std::optional<M>> OneFromJson(const pqxx::result& rows) {
  if (rows.empty()) return std::nullopt;
  ASSIGN_OR_RETURN(M m, FromJson<M>(rows[0][0]));
  return std::optional<M>(std::move(m));
}

}  // namespace ys
