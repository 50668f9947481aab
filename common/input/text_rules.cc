#include "common/input/text_rules.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/config/config.h"
#include "common/status/macros.h"
#include "common/status/rejection.h"

namespace ys::input {
namespace {

// The length (1..4) of the well-formed UTF-8 sequence at s[i], with its code point; 0 when the
// bytes there are not one (RFC 3629 table 3-7: the second byte's range excludes overlong forms,
// surrogates and code points beyond U+10FFFF).
size_t DecodeAt(absl::string_view s, size_t i, char32_t* cp) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  size_t n = 0;
  char32_t c = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
    c = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    c = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;  // overlong
    if (b0 == 0xED) hi = 0x9F;  // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    c = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;  // overlong
    if (b0 == 0xF4) hi = 0x8F;  // beyond U+10FFFF
  } else {
    return 0;
  }
  if (s.size() - i < n) return 0;
  for (size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return 0;
    c = (c << 6) | (b & 0x3F);
  }
  *cp = c;
  return n;
}

bool IsControl(char32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

// Characters that reorder the text around them or break a line where a reader does not expect one.
bool IsLayoutControl(char32_t cp) {
  return cp == 0x200E || cp == 0x200F || cp == 0x2028 || cp == 0x2029 || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

absl::Status Invalid(std::string message, absl::string_view reason) {
  return WithRejectionReason(absl::InvalidArgumentError(std::move(message)), reason);
}

constexpr absl::string_view kTimeFormat = "%Y-%m-%dT%H:%M:%E*SZ";

}  // namespace

size_t InputLimits::BytesFor(TextKind kind) const {
  switch (kind) {
    case TextKind::kCode: return code_bytes;
    case TextKind::kName: return name_bytes;
    case TextKind::kFreeText: return free_text_bytes;
  }
  return code_bytes;
}

absl::StatusOr<InputLimits> InputLimitsFromConfig(const Config& config) {
  InputLimits limits;
  auto get = [&](const char* key, int64_t fallback, int64_t min, int64_t max) {
    return config.GetIntIn(key, fallback, min, max);
  };
  ASSIGN_OR_RETURN(limits.code_bytes, get("input.max_code_bytes", limits.code_bytes, 1, 4096));
  ASSIGN_OR_RETURN(limits.name_bytes, get("input.max_name_bytes", limits.name_bytes, 1, 64 * 1024));
  ASSIGN_OR_RETURN(limits.free_text_bytes,
                   get("input.max_text_bytes", limits.free_text_bytes, 1, 16 * 1024 * 1024));
  ASSIGN_OR_RETURN(limits.event_bytes,
                   get("input.max_event_bytes", limits.event_bytes, 1024, 64 * 1024 * 1024));
  ASSIGN_OR_RETURN(limits.max_amount_fen,
                   get("input.max_amount_fen", limits.max_amount_fen, 1, kAmountFenCeiling));
  return limits;
}

bool IsValidUtf8(absl::string_view value) {
  for (size_t i = 0; i < value.size();) {
    if (static_cast<unsigned char>(value[i]) < 0x80) {
      ++i;
      continue;
    }
    char32_t cp = 0;
    const size_t n = DecodeAt(value, i, &cp);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

absl::Status CheckText(absl::string_view field, absl::string_view value, TextKind kind,
                       const InputLimits& limits) {
  // The length first: a value of megabytes is refused without reading it.
  if (const size_t cap = limits.BytesFor(kind); value.size() > cap) {
    return Invalid(absl::StrFormat("field '%s': is %d bytes, at most %d", field, value.size(), cap),
                   "too_long");
  }
  for (size_t i = 0; i < value.size();) {
    const auto b = static_cast<unsigned char>(value[i]);
    if (b >= 0x20 && b < 0x7F) {  // printable ASCII: nearly every byte of a code
      ++i;
      continue;
    }
    char32_t cp = 0;
    const size_t n = DecodeAt(value, i, &cp);
    if (n == 0) {
      return Invalid(absl::StrFormat("field '%s': is not valid UTF-8 at byte %d", field, i + 1), "bad_text");
    }
    const bool layout = cp == '\t' || cp == '\n' || cp == '\r';
    if (IsControl(cp) && !(kind == TextKind::kFreeText && layout)) {
      return Invalid(absl::StrFormat("field '%s': holds a control character U+%04X at byte %d", field,
                                     static_cast<uint32_t>(cp), i + 1),
                     "bad_text");
    }
    i += n;
  }
  return absl::OkStatus();
}

absl::Status CheckAmountFen(absl::string_view field, int64_t fen, const InputLimits& limits) {
  if (fen < 0) {
    return Invalid(absl::StrFormat("field '%s': %d is negative", field, fen), "negative_amount");
  }
  if (fen > limits.max_amount_fen) {
    return Invalid(absl::StrFormat("field '%s': %d fen is more than %d", field, fen, limits.max_amount_fen),
                   "amount_out_of_range");
  }
  return absl::OkStatus();
}

absl::Status CheckTime(absl::string_view field, absl::Time t) {
  static const absl::Time kFirst = absl::UnixEpoch();
  static const absl::Time kEnd = absl::FromCivil(absl::CivilSecond(2100, 1, 1, 0, 0, 0), absl::UTCTimeZone());
  if (t < kFirst || t >= kEnd) {
    return Invalid(absl::StrFormat("field '%s': %s is not between 1970-01-01 and 2100-01-01", field,
                                   absl::FormatTime(kTimeFormat, t, absl::UTCTimeZone())),
                   "bad_time");
  }
  return absl::OkStatus();
}

absl::Status CheckTimestamp(absl::string_view field, int64_t seconds, int32_t nanos) {
  if (nanos < 0 || nanos > 999'999'999) {
    return Invalid(absl::StrFormat("field '%s': nanos %d is not between 0 and 999999999", field, nanos),
                   "bad_time");
  }
  // absl::Time holds any int64 of seconds: the conversion cannot overflow.
  return CheckTime(field, absl::FromUnixSeconds(seconds) + absl::Nanoseconds(nanos));
}

std::string QuoteInput(absl::string_view value, size_t max_bytes) {
  std::string out = "'";
  size_t i = 0;
  while (i < value.size()) {
    const auto b = static_cast<unsigned char>(value[i]);
    char32_t cp = b;
    size_t n = b >= 0x20 && b < 0x7F ? 1 : DecodeAt(value, i, &cp);
    if (i + (n == 0 ? 1 : n) > max_bytes) break;
    if (n == 0) {
      absl::StrAppendFormat(&out, "\\x%02x", b);
      n = 1;
    } else if (IsControl(cp) || IsLayoutControl(cp)) {
      absl::StrAppendFormat(&out, "\\u%04x", static_cast<uint32_t>(cp));
    } else {
      if (cp == '\'' || cp == '\\') out += '\\';
      out.append(value.data() + i, n);
    }
    i += n;
  }
  out += '\'';
  if (i < value.size()) absl::StrAppend(&out, "… (", value.size(), " bytes)");
  return out;
}

}  // namespace ys::input
