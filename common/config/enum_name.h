#pragma once

// Protobuf enum values by the short names people write in YAML and on the command line:
// ("ALERT_RULE_", "fell_places") -> ALERT_RULE_FELL_PLACES, through the enum's generated Parse.

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace ys {

// False for an unknown name and for the enum's zero (_UNSPECIFIED) value.
template <typename E>
bool ParseEnumShortName(absl::string_view prefix, absl::string_view name,
                        bool (*parse)(const std::string&, E*), E* out) {
  return parse(absl::StrCat(prefix, absl::AsciiStrToUpper(name)), out) && static_cast<int>(*out) != 0;
}

}  // namespace ys
