#include "services/indicator/credit_code.h"

#include "absl/strings/str_format.h"
#include "common/input/text_rules.h"

namespace ys::indicator {
namespace {

// GB 32100-2015 character set: digits and capitals without I, O, Z, S, V (31 characters).
constexpr absl::string_view kCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr int kWeights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

int ValueOf(char c) {
  const size_t pos = kCharset.find(c);
  return pos == absl::string_view::npos ? -1 : static_cast<int>(pos);
}

}  // namespace

char CreditCodeCheckCharacter(absl::string_view first17) {
  if (first17.size() != 17) return '\0';
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    const int v = ValueOf(first17[i]);
    if (v < 0) return '\0';
    sum += v * kWeights[i];
  }
  const int check = (31 - sum % 31) % 31;
  return kCharset[check];
}

absl::Status ValidateCreditCode(absl::string_view code) {
  if (code.size() != 18) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "field 'enterprise_credit_code': %s has %d characters, a unified social credit code has 18",
        input::QuoteInput(code), code.size()));
  }
  for (size_t i = 0; i < code.size(); ++i) {
    if (ValueOf(code[i]) < 0) {
      size_t n = 1;  // the whole UTF-8 sequence of a non-ASCII character
      while (i + n < code.size() && (static_cast<unsigned char>(code[i + n]) & 0xC0) == 0x80) ++n;
      return absl::InvalidArgumentError(absl::StrFormat(
          "field 'enterprise_credit_code': character %d (%s) is not allowed (0-9, A-Z without I O Z S V)",
          i + 1, input::QuoteInput(code.substr(i, n))));
    }
  }
  const char want = CreditCodeCheckCharacter(code.substr(0, 17));
  if (code[17] != want) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "field 'enterprise_credit_code': check character is '%c', GB 32100-2015 gives '%c'",
        code[17], want));
  }
  return absl::OkStatus();
}

}  // namespace ys::indicator
