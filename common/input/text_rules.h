#pragma once

// The rules every field from outside (Kafka records, gRPC requests, imported files) passes before it
// reaches PostgreSQL, jsonb or Redis (issue #11): PostgreSQL text refuses NUL bytes and invalid
// UTF-8, and a statement that fails on one record fails the whole batch with it. A field that breaks
// a rule is the record's fault: INVALID_ARGUMENT naming the field, with a short rejection reason
// (common/status/rejection.h) for the dead-letter record and the metric label:
//
//   bad_text             not UTF-8 (an overlong form, a surrogate, beyond U+10FFFF, cut short) or
//                        holds a control character
//   too_long             more bytes than the field's kind allows
//   negative_amount      an amount below zero
//   amount_out_of_range  an amount above InputLimits::max_amount_fen
//   bad_time             a time outside 1970-01-01 .. 2100-01-01
//
// Pure functions: no I/O, no clock.

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ys {
class Config;
}

namespace ys::input {

enum class TextKind {
  kCode,      // an identifier or code that ends up in keys: "I01-01", "361102", a credit code
  kName,      // a name or a compound id: "市住房和城乡建设局", an alert id
  kFreeText,  // prose (a note, a reason): may hold tab, line feed and carriage return
};

// 10^12 fen = 100亿元: above any single redemption, and a million records at the bound sum to
// 10^18, below INT64_MAX (9.2 × 10^18), so no total of a batch or a month can overflow.
inline constexpr int64_t kAmountFenCeiling = 1'000'000'000'000;

struct InputLimits {
  size_t code_bytes = 64;
  size_t name_bytes = 512;
  size_t free_text_bytes = 64 * 1024;
  size_t event_bytes = 256 * 1024;  // a whole Kafka record: key, headers and value
  int64_t max_amount_fen = kAmountFenCeiling;

  size_t BytesFor(TextKind kind) const;
};

// input.max_code_bytes, input.max_name_bytes, input.max_text_bytes, input.max_event_bytes,
// input.max_amount_fen; each optional (the defaults above). INVALID_ARGUMENT naming the key for a
// value out of its range (the amount at most kAmountFenCeiling).
absl::StatusOr<InputLimits> InputLimitsFromConfig(const Config& config);

// Whether `value` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing beyond
// U+10FFFF).
bool IsValidUtf8(absl::string_view value);

// The length cap of `kind`; then valid UTF-8; then no control character: C0 (U+0000..U+001F), DEL
// (U+007F) and C1 (U+0080..U+009F) — the last two print as nothing or garble a terminal, and no
// code or name of ours holds one. kFreeText keeps tab, line feed and carriage return.
// "field 'policy_name': holds a control character U+0000 at byte 3" (bad_text), "field
// 'policy_name': is 600 bytes, at most 512" (too_long). Byte positions count from 1; the message
// quotes nothing of the value (the dead letter keeps the record).
absl::Status CheckText(absl::string_view field, absl::string_view value, TextKind kind,
                       const InputLimits& limits);

// 0 .. limits.max_amount_fen (negative_amount, amount_out_of_range).
absl::Status CheckAmountFen(absl::string_view field, int64_t fen, const InputLimits& limits = {});

// From 1970-01-01T00:00:00Z (inclusive) to 2100-01-01T00:00:00Z (exclusive) (bad_time).
absl::Status CheckTime(absl::string_view field, absl::Time t);
// The same for a google.protobuf.Timestamp's fields, before anything converts them (converting an
// out-of-range one to microseconds overflows); nanos must be 0 .. 999,999,999.
absl::Status CheckTimestamp(absl::string_view field, int64_t seconds, int32_t nanos);

// `value` as a printable, valid-UTF-8 string in single quotes, for messages and logs: an invalid
// byte as \xnn, a control character (C0, DEL, C1) as \u00nn, a character that reorders or breaks
// lines (U+200E/F, U+2028/9, U+202A..E, U+2066..9) as \unnnn, ' and \ after a backslash. Longer
// than `max_bytes` bytes of input: cut at a character boundary, then "'… (N bytes)". Every reason
// that quotes input uses it.
std::string QuoteInput(absl::string_view value, size_t max_bytes = 80);

}  // namespace ys::input
