#include "common/pg/json_rows.h"

namespace ys {

absl::StatusOr<std::string> ToJson(const google::protobuf::Message& m) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string out;
  auto status = google::protobuf::util::MessageToJsonString(m, &out, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s cannot be written as JSON: %s", m.GetTypeName(), status.ToString()));
  }
  return out;
}

}  // namespace ys
