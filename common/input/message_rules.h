#pragma once

// The text rules (text_rules.h) over every string field of a decoded protobuf message, for records
// that are stored whole or copied into rows (catalog entities, ranking alerts): a new field is
// checked without anyone remembering to add it.

#include <functional>

#include "absl/status/status.h"
#include "common/input/text_rules.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace ys::input {

// The kind of a string field; kName for every field it does not single out.
using FieldKinds = std::function<TextKind(const google::protobuf::FieldDescriptor& field)>;

// Every set string field of `message`, of its nested messages and of repeated fields, in field
// order; the first one that breaks a rule, named by its path: "fact.indicator_code",
// "units[2].unit". Bytes fields are not text and are skipped.
absl::Status CheckMessageText(const google::protobuf::Message& message, const InputLimits& limits,
                              const FieldKinds& kinds = nullptr);

}  // namespace ys::input
