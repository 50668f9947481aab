#pragma once

// The console's passwords: hashed with argon2id (RFC 9106) through Debian's libargon2, stored as the
// PHC string, and the office's rules for choosing one. No I/O but the random bytes, which come in
// as a function so tests can fix them.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ys::gateway {

// The cost of one hash. Defaults: OWASP's minimum for argon2id (19 MiB, 2 passes, 1 lane); local
// policy, gateway.passwords.memory_kib / iterations / parallelism.
struct PasswordParams {
  uint32_t memory_kib = 19456;
  uint32_t iterations = 2;
  uint32_t parallelism = 1;
};

// Sanity bounds (local policy) on the cost, for both hashing and verifying: a stored hash from a
// tampered row must not make the gateway allocate gigabytes or spin for minutes on one login.
inline constexpr uint32_t kMaxPasswordMemoryKib = 1024 * 1024;  // 1 GiB
inline constexpr uint32_t kMaxPasswordIterations = 100;
inline constexpr uint32_t kMaxPasswordParallelism = 64;

// "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>": a 16-byte salt taken from `random_bytes(16)` and
// a 32-byte hash, both unpadded base64. INVALID_ARGUMENT naming gateway.passwords.* for a cost out
// of bounds (memory below 8 KiB per lane, as argon2 requires, or above the bounds; iterations or
// parallelism 0); INTERNAL when `random_bytes` gives a wrong length or libargon2 fails.
absl::StatusOr<std::string> HashPassword(absl::string_view password, const PasswordParams& params,
                                         const std::function<std::string(size_t)>& random_bytes);

// Whether `password` is the one `encoded` was made from (libargon2 compares in constant time).
// False for anything that is not an argon2id v=19 PHC string within the bounds above.
bool VerifyPassword(absl::string_view password, const std::string& encoded);

// The office's rules (local policy; the work plan gives none): at least `min_length` characters
// counted as UTF-8 code points (gateway.passwords.min_length, 10 by default per gateway.proto), not
// one character repeated, not the login itself (ASCII case ignored). INVALID_ARGUMENT naming field
// 'password'; the message never quotes the password.
absl::Status CheckPasswordRules(absl::string_view password, absl::string_view login, int min_length);

// `n` bytes from OpenSSL's RAND_bytes: the real `random_bytes`. Aborts if OpenSSL cannot seed itself
// (a salt must never be predictable).
std::string RandomBytes(size_t n);

}  // namespace ys::gateway
