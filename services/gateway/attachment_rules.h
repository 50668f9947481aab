#pragma once

// Files attached to case reports (issue #15): which are taken, the name readers see, and the
// reference a report carries. Pure functions; the gateway hashes and stores.

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ys::gateway {

// Local policy: gateway.attachments.max_bytes (10 MiB by default).
struct AttachmentLimits {
  int64_t max_bytes = 10 * 1024 * 1024;
};

// The content type of an attachment, decided by the filename's extension (ASCII case ignored) and
// confirmed by the content's first bytes:
//   .pdf          application/pdf        "%PDF-"
//   .png          image/png              89 50 4E 47 0D 0A 1A 0A
//   .jpg .jpeg    image/jpeg             FF D8 FF
//   .docx .xlsx .pptx  their OOXML types "PK\3\4" (a ZIP; what is inside is not inspected)
//   .doc          application/msword     D0 CF 11 E0 A1 B1 1A E1 (OLE compound file)
//   .xls          application/vnd.ms-excel  the same
// INVALID_ARGUMENT naming field 'content' when the content is empty, over `limits.max_bytes` (the
// limit said in MiB), of a type not in the list (what is allowed said in English), or not starting
// as its extension says.
absl::StatusOr<std::string> CheckAttachment(absl::string_view filename, absl::string_view content,
                                            const AttachmentLimits& limits);

// The name shown to readers: only the last path part (after '/' or '\'); control characters
// (C0, DEL, C1), characters that reorder text (U+200E/F, U+202A..E, U+2066..9: "cod.exe" shown as
// "exe.doc") and invalid UTF-8 bytes removed; surrounding white space trimmed; "." and ".." dropped;
// at most 120 bytes, cut on a character boundary, keeping a short extension; "附件" when nothing is
// left. Chinese names are kept. Applying it twice changes nothing.
std::string SafeFilename(absl::string_view filename);

// "attachment:<sha256>:<name>", the name passed through SafeFilename (it may hold ':').
std::string AttachmentReference(absl::string_view sha256_hex, absl::string_view filename);

struct AttachmentRef {
  std::string sha256;    // 64 lower-case hex digits
  std::string filename;  // as SafeFilename leaves it
};

// The parts of a reference; nullopt unless it is "attachment:", 64 lower-case hex digits, ':' and a
// name that SafeFilename leaves unchanged.
std::optional<AttachmentRef> ParseAttachmentReference(absl::string_view reference);

}  // namespace ys::gateway
