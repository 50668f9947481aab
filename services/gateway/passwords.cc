#include "services/gateway/passwords.h"

#include <argon2.h>
#include <openssl/rand.h>

#include <cstdlib>
#include <optional>
#include <set>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "common/input/text_rules.h"

namespace ys::gateway {

namespace {

constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;
constexpr char kPrefix[] = "$argon2id$v=19$";

absl::Status CheckParams(const PasswordParams& p) {
  if (p.parallelism < 1 || p.parallelism > kMaxPasswordParallelism) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "config key 'gateway.passwords.parallelism': %d is not in 1..%d", p.parallelism,
        kMaxPasswordParallelism));
  }
  if (p.iterations < 1 || p.iterations > kMaxPasswordIterations) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "config key 'gateway.passwords.iterations': %d is not in 1..%d", p.iterations, kMaxPasswordIterations));
  }
  // argon2 needs 8 KiB (two blocks per sync point) for each lane.
  const uint64_t min_kib = uint64_t{8} * p.parallelism;
  if (p.memory_kib < min_kib || p.memory_kib > kMaxPasswordMemoryKib) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "config key 'gateway.passwords.memory_kib': %d is not in %d..%d (8 KiB per lane at least)",
        p.memory_kib, min_kib, kMaxPasswordMemoryKib));
  }
  return absl::OkStatus();
}

// Reads "m=<n>,t=<n>,p=<n>$" after the prefix; nullopt when it is not exactly that.
std::optional<PasswordParams> ParseCost(absl::string_view rest) {
  PasswordParams p;
  for (auto [name, out] : {std::pair<absl::string_view, uint32_t*>{"m=", &p.memory_kib},
                           std::pair<absl::string_view, uint32_t*>{"t=", &p.iterations},
                           std::pair<absl::string_view, uint32_t*>{"p=", &p.parallelism}}) {
    if (!absl::ConsumePrefix(&rest, name)) return std::nullopt;
    size_t n = 0;
    while (n < rest.size() && absl::ascii_isdigit(static_cast<unsigned char>(rest[n]))) ++n;
    if (n == 0 || n > 10 || !absl::SimpleAtoi(rest.substr(0, n), out)) return std::nullopt;
    rest.remove_prefix(n);
    if (!absl::ConsumePrefix(&rest, name == "p=" ? "$" : ",")) return std::nullopt;
  }
  return p;
}

// The code points of valid UTF-8.
std::vector<uint32_t> CodePoints(absl::string_view s) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const int len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += len;
  }
  return out;
}

}  // namespace

absl::StatusOr<std::string> HashPassword(absl::string_view password, const PasswordParams& params,
                                         const std::function<std::string(size_t)>& random_bytes) {
  if (absl::Status s = CheckParams(params); !s.ok()) return s;
  const std::string salt = random_bytes(kSaltBytes);
  if (salt.size() != kSaltBytes) {
    return absl::InternalError(
        absl::StrFormat("password salt: got %d random bytes, wanted %d", salt.size(), kSaltBytes));
  }
  std::string encoded(argon2_encodedlen(params.iterations, params.memory_kib, params.parallelism,
                                        kSaltBytes, kHashBytes, Argon2_id),
                      '\0');
  const int rc = argon2id_hash_encoded(params.iterations, params.memory_kib, params.parallelism,
                                       password.data(), password.size(), salt.data(), salt.size(),
                                       kHashBytes, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) {
    return absl::InternalError(absl::StrFormat("argon2id: %s", argon2_error_message(rc)));
  }
  encoded.resize(encoded.find('\0'));  // argon2_encodedlen counts the terminator, and rounds up
  return encoded;
}

bool VerifyPassword(absl::string_view password, const std::string& encoded) {
  absl::string_view rest = encoded;
  if (!absl::ConsumePrefix(&rest, kPrefix) || absl::StrContains(encoded, '\0')) return false;
  const std::optional<PasswordParams> cost = ParseCost(rest);
  if (!cost || !CheckParams(*cost).ok()) return false;
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

absl::Status CheckPasswordRules(absl::string_view password, absl::string_view login, int min_length) {
  if (!input::IsValidUtf8(password)) {
    return absl::InvalidArgumentError("field 'password': is not valid UTF-8");
  }
  const std::vector<uint32_t> chars = CodePoints(password);
  if (static_cast<int64_t>(chars.size()) < min_length) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "field 'password': has %d characters, at least %d are needed", chars.size(), min_length));
  }
  if (!chars.empty() && std::set<uint32_t>(chars.begin(), chars.end()).size() == 1) {
    return absl::InvalidArgumentError("field 'password': is one character repeated");
  }
  if (!login.empty() && absl::EqualsIgnoreCase(password, login)) {
    return absl::InvalidArgumentError("field 'password': may not be the login");
  }
  return absl::OkStatus();
}

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    // Only an OpenSSL that cannot seed itself gets here; a predictable salt or session id is worse
    // than stopping.
    std::abort();
  }
  return out;
}

}  // namespace ys::gateway
