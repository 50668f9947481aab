#include "services/notify/signatures.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdlib>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace ys::notify {
namespace {

absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

std::string Hex(std::string_view bytes) { return absl::BytesToHexString(Absl(bytes)); }

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string WebhookMac(std::string_view secret, int64_t t, std::string_view body) {
  return Hex(HmacSha256(secret, absl::StrCat(t, ".", Absl(body))));
}

}  // namespace

std::string HmacSha256(std::string_view key, std::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // A null data pointer with length 0 is fine for HMAC, but an empty key needs a valid pointer.
  static const unsigned char kEmpty = 0;
  const unsigned char* key_bytes =
      key.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(key.data());
  const unsigned char* message_bytes =
      message.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(message.data());
  if (HMAC(EVP_sha256(), key_bytes, static_cast<int>(key.size()), message_bytes, message.size(),
           digest, &length) == nullptr) {
    // Only an allocation failure inside OpenSSL gets here.
    std::abort();
  }
  return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string PercentEncode(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 3);
  for (const unsigned char c : bytes) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                            c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0F]);
    }
  }
  return out;
}

absl::StatusOr<std::string> WebhookSignature(const std::vector<std::string>& secrets, absl::Time at,
                                             std::string_view body) {
  if (secrets.empty()) return absl::InvalidArgumentError("webhook secrets: none given");
  const int64_t t = absl::ToUnixSeconds(at);
  std::string header = absl::StrCat("t=", t);
  for (size_t i = 0; i < secrets.size(); ++i) {
    if (secrets[i].empty()) {
      return absl::InvalidArgumentError(absl::StrCat("webhook secrets[", i, "]: empty"));
    }
    absl::StrAppend(&header, ",v1=", WebhookMac(secrets[i], t, body));
  }
  return header;
}

absl::Status VerifyWebhookSignature(std::string_view header, std::string_view body,
                                    const std::vector<std::string>& secrets, absl::Time now,
                                    absl::Duration tolerance) {
  bool has_t = false;
  int64_t t = 0;
  std::vector<std::string> candidates;
  for (absl::string_view item : absl::StrSplit(Absl(header), ',')) {
    const size_t eq = item.find('=');
    if (eq == absl::string_view::npos) continue;
    const absl::string_view key = item.substr(0, eq);
    const absl::string_view value = item.substr(eq + 1);
    if (key == "t") {
      if (!absl::SimpleAtoi(value, &t)) {
        return absl::UnauthenticatedError(absl::StrCat("webhook signature: t is not a number: ", value));
      }
      has_t = true;
    } else if (key == "v1") {
      candidates.emplace_back(value);
    }
  }
  if (!has_t) return absl::UnauthenticatedError("webhook signature: no t= timestamp");
  if (candidates.empty()) return absl::UnauthenticatedError("webhook signature: no v1= signature");
  if (absl::AbsDuration(now - absl::FromUnixSeconds(t)) > tolerance) {
    return absl::UnauthenticatedError(absl::StrCat("webhook signature: t=", t, " is more than ",
                                                   absl::FormatDuration(tolerance), " from now"));
  }
  for (const std::string& secret : secrets) {
    if (secret.empty()) continue;
    const std::string expected = WebhookMac(secret, t, body);
    for (const std::string& candidate : candidates) {
      if (ConstantTimeEqual(expected, candidate)) return absl::OkStatus();
    }
  }
  return absl::UnauthenticatedError("webhook signature: no v1 matches");
}

std::string DingTalkSignature::Query() const {
  return absl::StrCat("timestamp=", timestamp_ms, "&sign=", PercentEncode(sign));
}

DingTalkSignature SignDingTalk(std::string_view secret, absl::Time at) {
  DingTalkSignature signature;
  signature.timestamp_ms = absl::ToUnixMillis(at);
  const std::string string_to_sign = absl::StrCat(signature.timestamp_ms, "\n", Absl(secret));
  signature.sign = absl::Base64Escape(HmacSha256(secret, string_to_sign));
  return signature;
}

std::string SignDingTalkUrl(std::string_view webhook_url, std::string_view secret, absl::Time at) {
  const char separator = webhook_url.find('?') == std::string_view::npos ? '?' : '&';
  return absl::StrCat(Absl(webhook_url), std::string(1, separator), SignDingTalk(secret, at).Query());
}

FeishuSignature SignFeishu(std::string_view secret, absl::Time at) {
  FeishuSignature signature;
  signature.timestamp_s = absl::ToUnixSeconds(at);
  const std::string key = absl::StrCat(signature.timestamp_s, "\n", Absl(secret));
  signature.sign = absl::Base64Escape(HmacSha256(key, ""));
  return signature;
}

}  // namespace ys::notify
