#include "common/input/message_rules.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status/macros.h"

namespace ys::input {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

absl::Status CheckFields(const Message& message, const InputLimits& limits, const FieldKinds& kinds,
                         const std::string& prefix) {
  const Reflection& reflection = *message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection.ListFields(message, &fields);  // the set ones, in field number order
  for (const FieldDescriptor* field : fields) {
    const std::string path = prefix + field->name();
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING && field->type() != FieldDescriptor::TYPE_BYTES) {
      const TextKind kind = kinds ? kinds(*field) : TextKind::kName;
      if (!field->is_repeated()) {
        std::string scratch;
        RETURN_IF_ERROR(CheckText(path, reflection.GetStringReference(message, field, &scratch), kind, limits));
        continue;
      }
      for (int i = 0; i < reflection.FieldSize(message, field); ++i) {
        std::string scratch;
        RETURN_IF_ERROR(CheckText(absl::StrCat(path, "[", i, "]"),
                                         reflection.GetRepeatedStringReference(message, field, i, &scratch),
                                         kind, limits));
      }
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (!field->is_repeated()) {
        RETURN_IF_ERROR(CheckFields(reflection.GetMessage(message, field), limits, kinds, path + "."));
        continue;
      }
      for (int i = 0; i < reflection.FieldSize(message, field); ++i) {
        RETURN_IF_ERROR(CheckFields(reflection.GetRepeatedMessage(message, field, i), limits, kinds,
                                           absl::StrCat(path, "[", i, "].")));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckMessageText(const Message& message, const InputLimits& limits, const FieldKinds& kinds) {
  return CheckFields(message, limits, kinds, "");
}

}  // namespace ys::input
