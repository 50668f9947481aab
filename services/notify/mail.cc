#include "services/notify/mail.h"

#include <openssl/evp.h>

#include <algorithm>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "common/status/macros.h"
#include "common/time/clock.h"

namespace ys::notify {
namespace {

constexpr size_t kMaxLine = 76;        // header and body lines, CRLF not counted
constexpr size_t kEncodedWordMax = 75;  // RFC 2047 §2

absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), length));
}

// Length of the UTF-8 character starting with `lead`; 1 for a stray byte.
size_t Utf8Length(unsigned char lead) {
  if (lead >= 0xF0 && lead <= 0xF7) return 4;
  if (lead >= 0xE0) return lead <= 0xEF ? 3 : 1;
  if (lead >= 0xC0) return 2;
  return 1;
}

// Splits `text` into its characters (stray bytes alone).
std::vector<std::string_view> Utf8Characters(std::string_view text) {
  std::vector<std::string_view> out;
  for (size_t i = 0; i < text.size();) {
    size_t n = std::min(Utf8Length(static_cast<unsigned char>(text[i])), text.size() - i);
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) {
        n = k;
        break;
      }
    }
    out.push_back(text.substr(i, n));
    i += n;
  }
  return out;
}

bool IsPrintableAscii(std::string_view text) {
  for (const unsigned char c : text) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

bool HasLineBreak(std::string_view text) { return text.find_first_of("\r\n") != std::string_view::npos; }

// A header value as lines of at most kMaxLine characters: tokens joined by a space, folded (CRLF
// and a space) before a token that would overflow the line.
class FoldedHeader {
 public:
  explicit FoldedHeader(std::string_view name) : out_(absl::StrCat(Absl(name), ":")), line_(out_.size()) {}

  void Add(std::string_view token) {
    if (line_ > 0 && line_ + 1 + token.size() > kMaxLine && !first_token_) {
      out_ += "\r\n";
      line_ = 0;
    }
    out_ += ' ';
    out_.append(token);
    line_ += 1 + token.size();
    first_token_ = false;
  }

  std::string Finish() && { return std::move(out_) + "\r\n"; }

 private:
  std::string out_;
  size_t line_;
  bool first_token_ = true;
};

std::string QuotedString(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// "encoded-word"s at most `first_max` characters, then at most `rest_max`.
std::vector<std::string> EncodeWordsWithin(std::string_view text, size_t first_max, size_t rest_max) {
  constexpr size_t kOverhead = 12;  // "=?UTF-8?B?" + "?="
  std::vector<std::string> words;
  std::string chunk;
  size_t max_bytes = (first_max - kOverhead) / 4 * 3;
  for (const std::string_view character : Utf8Characters(text)) {
    if (!chunk.empty() && chunk.size() + character.size() > max_bytes) {
      words.push_back(absl::StrCat("=?UTF-8?B?", absl::Base64Escape(chunk), "?="));
      chunk.clear();
      max_bytes = (rest_max - kOverhead) / 4 * 3;
    }
    chunk.append(character);
  }
  if (!chunk.empty()) words.push_back(absl::StrCat("=?UTF-8?B?", absl::Base64Escape(chunk), "?="));
  return words;
}

bool IsAddressByte(unsigned char c) {
  if (c <= 0x20 || c >= 0x7F) return false;
  return std::string_view("<>()[],;:\"\\").find(static_cast<char>(c)) == std::string_view::npos;
}

absl::Status CheckAddress(const MailAddress& address, std::string_view field) {
  const std::string& a = address.address;
  const size_t at = a.find('@');
  bool ok = at != std::string::npos && at > 0 && at + 1 < a.size() &&
            a.find('@', at + 1) == std::string::npos;
  for (const unsigned char c : a) ok = ok && IsAddressByte(c);
  if (!ok) {
    return absl::InvalidArgumentError(absl::StrCat(Absl(field), ".address: not local@domain: ", a));
  }
  if (HasLineBreak(address.name)) {
    return absl::InvalidArgumentError(absl::StrCat(Absl(field), ".name: contains a line break"));
  }
  return absl::OkStatus();
}

// An address as tokens: the display name (quoted, or encoded-words when not ASCII), then <address>.
std::vector<std::string> AddressTokens(const MailAddress& address) {
  std::vector<std::string> tokens;
  if (!address.name.empty()) {
    if (IsPrintableAscii(address.name)) {
      tokens.push_back(QuotedString(address.name));
    } else {
      tokens = EncodeWordsWithin(address.name, kEncodedWordMax, kEncodedWordMax);
    }
  }
  tokens.push_back(absl::StrCat("<", address.address, ">"));
  return tokens;
}

std::string AddressHeader(std::string_view name, const std::vector<MailAddress>& addresses) {
  FoldedHeader header(name);
  for (size_t i = 0; i < addresses.size(); ++i) {
    std::vector<std::string> tokens = AddressTokens(addresses[i]);
    if (i + 1 < addresses.size()) tokens.back() += ",";
    for (const std::string& token : tokens) header.Add(token);
  }
  return std::move(header).Finish();
}

std::string SubjectHeader(std::string_view subject) {
  constexpr std::string_view kName = "Subject";
  FoldedHeader header(kName);
  if (IsPrintableAscii(subject) && kName.size() + 2 + subject.size() <= kMaxLine) {
    header.Add(subject);
  } else {
    // "Subject: " takes 9 of the first line's 76.
    for (const std::string& word : EncodeWordsWithin(subject, kMaxLine - kName.size() - 2, kEncodedWordMax)) {
      header.Add(word);
    }
  }
  return std::move(header).Finish();
}

std::string DateHeader(absl::Time date) {
  static constexpr const char* kWeekdays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const absl::TimeZone::CivilInfo info = Shanghai().At(date);
  const absl::CivilSecond cs = info.cs;
  const int weekday = static_cast<int>(absl::GetWeekday(absl::CivilDay(cs)));  // Monday = 0
  const int offset_minutes = info.offset / 60;
  const int magnitude = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  return absl::StrFormat("Date: %s, %d %s %d %02d:%02d:%02d %c%02d%02d\r\n", kWeekdays[weekday], cs.day(),
                         kMonths[cs.month() - 1], cs.year(), cs.hour(), cs.minute(), cs.second(),
                         offset_minutes < 0 ? '-' : '+', magnitude / 60, magnitude % 60);
}

// Text in canonical form (RFC 2046 §4.1.1): every line break CRLF.
std::string ToCrlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (text[i] == '\n') {
      out += "\r\n";
    } else {
      out += text[i];
    }
  }
  return out;
}

// Base64 in lines of 76, joined by CRLF (no CRLF after the last line).
std::string Base64Body(std::string_view bytes) {
  const std::string encoded = absl::Base64Escape(Absl(bytes));
  std::string out;
  for (size_t i = 0; i < encoded.size(); i += kMaxLine) {
    if (i > 0) out += "\r\n";
    out.append(encoded, i, kMaxLine);
  }
  return out;
}

std::string TextPart(std::string_view subtype, std::string_view text) {
  return absl::StrCat("Content-Type: text/", Absl(subtype), "; charset=UTF-8\r\n",
                      "Content-Transfer-Encoding: base64\r\n\r\n", Base64Body(ToCrlf(text)));
}

std::string BoundaryParameter(std::string_view boundary) {
  return absl::StrCat("boundary=\"", Absl(boundary), "\"");
}

// A multipart body: each part's headers and body between delimiters, no CRLF after the close.
std::string Multipart(std::string_view subtype, std::string_view boundary,
                      const std::vector<std::string>& parts, bool with_headers) {
  std::string out;
  if (with_headers) {
    FoldedHeader header("Content-Type");
    header.Add(absl::StrCat("multipart/", Absl(subtype), ";"));
    header.Add(BoundaryParameter(boundary));
    out = std::move(header).Finish() + "\r\n";
  }
  for (const std::string& part : parts) absl::StrAppend(&out, "--", Absl(boundary), "\r\n", part, "\r\n");
  absl::StrAppend(&out, "--", Absl(boundary), "--");
  return out;
}

bool IsTokenByte(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$&^_.+-").find(static_cast<char>(c)) != std::string_view::npos;
}

bool IsContentType(std::string_view type) {
  const size_t slash = type.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == type.size()) return false;
  for (size_t i = 0; i < type.size(); ++i) {
    if (i != slash && !IsTokenByte(static_cast<unsigned char>(type[i]))) return false;
  }
  return true;
}

// RFC 2231 attr-char: what may stand unencoded in an extended parameter value.
std::string Rfc2231Encode(std::string_view character) {
  std::string out;
  for (const unsigned char c : character) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_') {
      out += static_cast<char>(c);
    } else {
      absl::StrAppendFormat(&out, "%%%02X", c);
    }
  }
  return out;
}

// The filename parameter(s) as tokens: filename="…" for a plain ASCII name, else RFC 2231's
// filename*=UTF-8''… or, when that does not fit a line, filename*0*=UTF-8''…; filename*1*=…; ….
std::vector<std::string> FilenameTokens(std::string_view name) {
  const bool plain = IsPrintableAscii(name) && name.find_first_of("\"\\") == std::string_view::npos;
  if (plain && name.size() + 12 <= kEncodedWordMax) return {absl::StrCat("filename=", QuotedString(name))};
  std::string whole = "UTF-8''";
  for (const std::string_view character : Utf8Characters(name)) whole += Rfc2231Encode(character);
  if (whole.size() + 11 <= kEncodedWordMax) return {absl::StrCat("filename*=", whole)};
  std::vector<std::string> tokens;
  std::string section = "UTF-8''";
  for (const std::string_view character : Utf8Characters(name)) {
    const std::string encoded = Rfc2231Encode(character);
    // " filename*NN*=" + section + ";" within a line.
    if (section.size() + encoded.size() + 16 > kMaxLine && section != "UTF-8''") {
      tokens.push_back(absl::StrCat("filename*", tokens.size(), "*=", section, ";"));
      section.clear();
    }
    section += encoded;
  }
  tokens.push_back(absl::StrCat("filename*", tokens.size(), "*=", section));
  return tokens;
}

absl::StatusOr<std::string> AttachmentPart(const MailAttachment& attachment, size_t index) {
  const std::string field = absl::StrCat("attachments[", index, "]");
  if (attachment.file_name.empty()) return absl::InvalidArgumentError(field + ".file_name: empty");
  for (const unsigned char c : attachment.file_name) {
    if (c < 0x20 || c == 0x7F) {
      return absl::InvalidArgumentError(field + ".file_name: contains a control character");
    }
  }
  if (!IsContentType(attachment.content_type)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".content_type: not type/subtype: ", attachment.content_type));
  }
  FoldedHeader type("Content-Type");
  type.Add(absl::StrCat(attachment.content_type, ";"));
  if (IsPrintableAscii(attachment.file_name)) {
    type.Add(absl::StrCat("name=", QuotedString(attachment.file_name)));
  } else {
    // name="=?UTF-8?B?…?= =?UTF-8?B?…?=": 'name="' before the first word, '"' after the last.
    std::vector<std::string> words = EncodeWordsWithin(attachment.file_name, kMaxLine - 8, kMaxLine - 2);
    words.front() = absl::StrCat("name=\"", words.front());
    words.back() += "\"";
    for (const std::string& word : words) type.Add(word);
  }
  FoldedHeader disposition("Content-Disposition");
  disposition.Add("attachment;");
  for (const std::string& token : FilenameTokens(attachment.file_name)) disposition.Add(token);
  return absl::StrCat(std::move(type).Finish(), std::move(disposition).Finish(),
                      "Content-Transfer-Encoding: base64\r\n\r\n", Base64Body(attachment.content));
}

}  // namespace

std::vector<std::string> EncodeWords(std::string_view text, size_t first_max) {
  return EncodeWordsWithin(text, first_max, kEncodedWordMax);
}

absl::StatusOr<std::string> BuildMail(const MailMessage& mail) {
  RETURN_IF_ERROR(CheckAddress(mail.from, "from"));
  if (mail.to.empty()) return absl::InvalidArgumentError("to: no recipient");
  for (size_t i = 0; i < mail.to.size(); ++i) {
    RETURN_IF_ERROR(CheckAddress(mail.to[i], absl::StrCat("to[", i, "]")));
  }
  for (size_t i = 0; i < mail.cc.size(); ++i) {
    RETURN_IF_ERROR(CheckAddress(mail.cc[i], absl::StrCat("cc[", i, "]")));
  }
  if (mail.subject.empty()) return absl::InvalidArgumentError("subject: empty");
  if (HasLineBreak(mail.subject)) return absl::InvalidArgumentError("subject: contains a line break");
  if (mail.text.empty()) return absl::InvalidArgumentError("text: empty");
  if (mail.idempotency_key.empty()) return absl::InvalidArgumentError("idempotency_key: empty");

  const std::string hash = Sha256Hex(mail.idempotency_key);
  const std::string domain = mail.from.address.substr(mail.from.address.find('@') + 1);
  std::string out = DateHeader(mail.date);
  out += AddressHeader("From", {mail.from});
  out += AddressHeader("To", mail.to);
  if (!mail.cc.empty()) out += AddressHeader("Cc", mail.cc);
  out += SubjectHeader(mail.subject);
  absl::StrAppend(&out, "Message-ID: <", hash.substr(0, 32), "@", domain, ">\r\n", "MIME-Version: 1.0\r\n",
                  "Auto-Submitted: auto-generated\r\n", "X-Auto-Response-Suppress: All\r\n");

  const std::string body = mail.html.empty()
                               ? TextPart("plain", mail.text)
                               : Multipart("alternative", absl::StrCat("=_ys_", hash.substr(0, 24), "_alt"),
                                           {TextPart("plain", mail.text), TextPart("html", mail.html)},
                                           /*with_headers=*/true);
  if (mail.attachments.empty()) {
    absl::StrAppend(&out, body, "\r\n");
    return out;
  }
  std::vector<std::string> parts = {body};
  for (size_t i = 0; i < mail.attachments.size(); ++i) {
    ASSIGN_OR_RETURN(std::string part, AttachmentPart(mail.attachments[i], i));
    parts.push_back(std::move(part));
  }
  absl::StrAppend(&out,
                  Multipart("mixed", absl::StrCat("=_ys_", hash.substr(0, 24), "_mix"), parts,
                            /*with_headers=*/true),
                  "\r\n");
  return out;
}

}  // namespace ys::notify
