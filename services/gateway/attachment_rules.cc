#include "services/gateway/attachment_rules.h"

#include <algorithm>
#include <array>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"

namespace ys::gateway {

namespace {

constexpr size_t kMaxFilenameBytes = 120;
constexpr size_t kMaxKeptExtensionBytes = 16;  // ".pdf", ".xlsx": kept whole when a name is cut
constexpr char kDefaultFilename[] = "附件";
constexpr int64_t kMiB = 1024 * 1024;

constexpr absl::string_view kPdfMagic("%PDF-", 5);
constexpr absl::string_view kPngMagic("\x89PNG\r\n\x1a\n", 8);
constexpr absl::string_view kJpegMagic("\xff\xd8\xff", 3);
constexpr absl::string_view kZipMagic("PK\x03\x04", 4);
constexpr absl::string_view kOleMagic("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8);

struct FileType {
  absl::string_view extension;  // lower case, without the dot
  absl::string_view content_type;
  absl::string_view magic;
  absl::string_view what;  // for messages
};

constexpr std::array<FileType, 9> kFileTypes = {{
    {"pdf", "application/pdf", kPdfMagic, "a PDF document"},
    {"png", "image/png", kPngMagic, "a PNG image"},
    {"jpg", "image/jpeg", kJpegMagic, "a JPEG image"},
    {"jpeg", "image/jpeg", kJpegMagic, "a JPEG image"},
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", kZipMagic,
     "a ZIP (Office 2007+) file"},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", kZipMagic,
     "a ZIP (Office 2007+) file"},
    {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", kZipMagic,
     "a ZIP (Office 2007+) file"},
    {"doc", "application/msword", kOleMagic, "an OLE (Office 97-2003) file"},
    {"xls", "application/vnd.ms-excel", kOleMagic, "an OLE (Office 97-2003) file"},
}};

constexpr char kAllowed[] =
    "allowed: PDF (.pdf), images (.png, .jpg, .jpeg), Word (.doc, .docx), Excel (.xls, .xlsx), "
    "PowerPoint (.pptx)";

// "10 MiB", "1.5 MiB": a limit in MiB without trailing zeros; in bytes when under 0.1 MiB (a test
// configuration), where MiB would round to nothing.
std::string SizeLimit(int64_t bytes) {
  if (bytes < kMiB / 10) return absl::StrFormat("%d bytes", bytes);
  std::string s = absl::StrFormat("%.2f", static_cast<double>(bytes) / kMiB);
  while (absl::EndsWith(s, "0")) s.pop_back();
  if (absl::EndsWith(s, ".")) s.pop_back();
  return absl::StrCat(s, " MiB");
}

// Decodes one UTF-8 character at s[i] (RFC 3629: no overlong forms, no surrogates, at most
// U+10FFFF); its length, or 0 when the byte there does not start a valid character.
size_t DecodeUtf8(absl::string_view s, size_t i, uint32_t* cp) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  size_t len = 0;
  uint32_t min = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2, min = 0x80, *cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3, min = 0x800, *cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4, min = 0x10000, *cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    *cp = (*cp << 6) | (byte(i + k) & 0x3F);
  }
  if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF)) return 0;
  return len;
}

// Control characters and those that reorder or break the text around them.
bool IsRemoved(uint32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x200E || cp == 0x200F ||
         (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

// The longest prefix of valid UTF-8 `s` of at most `max` bytes that ends on a character boundary.
absl::string_view CutUtf8(absl::string_view s, size_t max) {
  if (s.size() <= max) return s;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

// The lower-case extension without the dot; "" when there is none.
std::string ExtensionOf(absl::string_view name) {
  const size_t dot = name.rfind('.');
  if (dot == absl::string_view::npos || dot == 0) return "";
  return absl::AsciiStrToLower(name.substr(dot + 1));
}

bool IsLowerHex(absl::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

absl::StatusOr<std::string> CheckAttachment(absl::string_view filename, absl::string_view content,
                                            const AttachmentLimits& limits) {
  if (content.empty()) return absl::InvalidArgumentError("field 'content': is empty");
  if (static_cast<int64_t>(content.size()) > limits.max_bytes) {
    return absl::InvalidArgumentError(absl::StrFormat("field 'content': is %d bytes, at most %s",
                                                      content.size(), SizeLimit(limits.max_bytes)));
  }
  const std::string extension = ExtensionOf(SafeFilename(filename));
  const auto type = std::find_if(kFileTypes.begin(), kFileTypes.end(),
                                 [&](const FileType& t) { return t.extension == extension; });
  if (type == kFileTypes.end()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "field 'content': %s is not allowed; %s",
        extension.empty() ? std::string("a file without an extension") : absl::StrCat("a .", extension, " file"),
        kAllowed));
  }
  if (!absl::StartsWith(content, type->magic)) {
    const auto seen = std::find_if(kFileTypes.begin(), kFileTypes.end(),
                                   [&](const FileType& t) { return absl::StartsWith(content, t.magic); });
    return absl::InvalidArgumentError(absl::StrFormat(
        "field 'content': is not a .%s file: it starts like %s", extension,
        seen == kFileTypes.end() ? absl::string_view("none of the allowed types") : seen->what));
  }
  return std::string(type->content_type);
}

std::string SafeFilename(absl::string_view filename) {
  const size_t slash = filename.find_last_of("/\\");
  if (slash != absl::string_view::npos) filename.remove_prefix(slash + 1);

  std::string kept;
  for (size_t i = 0; i < filename.size();) {
    uint32_t cp = 0;
    const size_t len = DecodeUtf8(filename, i, &cp);
    if (len == 0) {
      ++i;  // an invalid byte
      continue;
    }
    if (!IsRemoved(cp)) kept.append(filename.data() + i, len);
    i += len;
  }

  absl::string_view name = absl::StripAsciiWhitespace(kept);
  std::string out;
  if (name.size() <= kMaxFilenameBytes) {
    out = std::string(name);
  } else {
    const size_t dot = name.rfind('.');
    const bool keep_extension =
        dot != absl::string_view::npos && dot > 0 && name.size() - dot <= kMaxKeptExtensionBytes;
    const absl::string_view extension = keep_extension ? name.substr(dot) : absl::string_view();
    const absl::string_view stem = keep_extension ? name.substr(0, dot) : name;
    out = absl::StrCat(absl::StripTrailingAsciiWhitespace(CutUtf8(stem, kMaxFilenameBytes - extension.size())),
                       extension);
  }
  if (out.empty() || out == "." || out == "..") return kDefaultFilename;
  return out;
}

std::string AttachmentReference(absl::string_view sha256_hex, absl::string_view filename) {
  return absl::StrCat("attachment:", sha256_hex, ":", SafeFilename(filename));
}

std::optional<AttachmentRef> ParseAttachmentReference(absl::string_view reference) {
  if (!absl::ConsumePrefix(&reference, "attachment:")) return std::nullopt;
  if (reference.size() < 66 || reference[64] != ':') return std::nullopt;
  const absl::string_view sha = reference.substr(0, 64);
  const absl::string_view name = reference.substr(65);
  if (!IsLowerHex(sha) || SafeFilename(name) != name) return std::nullopt;
  return AttachmentRef{.sha256 = std::string(sha), .filename = std::string(name)};
}

}  // namespace ys::gateway
