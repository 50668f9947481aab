#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace ys::indicator {

// Validates a unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from
// 0-9 and A-Z without I, O, Z, S, V; the 18th is the check character computed from the first 17
// (weights 3^i mod 31). INVALID_ARGUMENT naming field 'enterprise_credit_code' otherwise.
absl::Status ValidateCreditCode(absl::string_view code);

// The check character for 17 leading characters; '\0' when a character is not allowed.
char CreditCodeCheckCharacter(absl::string_view first17);

}  // namespace ys::indicator
