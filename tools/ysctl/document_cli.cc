// The document commands' pure helpers (declared in document_commands.h): flag checks and where a
// rendering is written.
#include <algorithm>
#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "common/grpc/auth.h"
#include "common/time/clock.h"
#include "common/time/period.h"
#include "tools/ysctl/document_commands.h"

namespace ys::ysctl::document_cli {

namespace {

absl::StatusOr<std::string> ParsePeriod(const char* flag, const std::string& text, Period::Kind kind,
                                        const char* example) {
  absl::StatusOr<Period> p = Period::Parse(text);
  if (p.ok() && p->kind() == kind) return p->ToString();
  return absl::InvalidArgumentError(absl::StrFormat("%s %s is not a %s (e.g. %s)", flag, text,
                                                    kind == Period::Kind::kQuarter ? "quarter" : "month", example));
}

}  // namespace

absl::StatusOr<std::string> ParseQuarter(const std::string& text) {
  return ParsePeriod("--quarter", text, Period::Kind::kQuarter, "2022Q3");
}

absl::StatusOr<std::string> ParseMonth(const std::string& text) {
  return ParsePeriod("--month", text, Period::Kind::kMonth, "2022-09");
}

absl::StatusOr<absl::Time> ParseCutOff(const std::string& text) {
  absl::Time t;
  std::string ignored;
  if (absl::ParseTime(absl::RFC3339_full, text, &t, &ignored)) return t;
  if (absl::ParseTime("%Y-%m-%d %H:%M", text, Shanghai(), &t, &ignored)) return t;
  return absl::InvalidArgumentError(absl::StrFormat(
      "--cut-off %s is not a time (RFC 3339, e.g. 2022-10-08T18:00:00+08:00, or \"2022-10-08 18:00\" in "
      "Asia/Shanghai)", text));
}

absl::StatusOr<std::string> ParseExtractFor(const std::string& text) {
  if (text.empty()) return text;
  absl::string_view rest = text;
  if (absl::ConsumePrefix(&rest, "unit:") && !absl::StripAsciiWhitespace(rest).empty()) return text;
  rest = text;
  if (absl::ConsumePrefix(&rest, "county:") && !rest.empty() &&
      std::all_of(rest.begin(), rest.end(), [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); })) {
    return text;
  }
  return absl::InvalidArgumentError(absl::StrFormat(
      "--for %s is not unit:<name> (e.g. unit:市商务局) or county:<region code> (e.g. county:361102)", text));
}

absl::StatusOr<pb::RenderFormat> ParseFormat(const std::string& text) {
  const std::string f = absl::AsciiStrToLower(text);
  if (f == "pdf") return pb::RENDER_FORMAT_PDF;
  if (f == "xlsx") return pb::RENDER_FORMAT_XLSX;
  if (f == "html") return pb::RENDER_FORMAT_HTML;
  return absl::InvalidArgumentError(absl::StrFormat("--format %s is not one of pdf, xlsx, html", text));
}

std::string FormatExtension(pb::RenderFormat f) {
  switch (f) {
    case pb::RENDER_FORMAT_XLSX: return "xlsx";
    case pb::RENDER_FORMAT_HTML: return "html";
    default: return "pdf";
  }
}

std::string OutputPath(const std::string& out_flag, const std::string& server_file_name,
                       const std::string& document_id, const std::string& extract_for, pb::RenderFormat f) {
  if (!out_flag.empty()) return out_flag;
  const size_t slash = server_file_name.find_last_of("/\\");
  const std::string base = slash == std::string::npos ? server_file_name : server_file_name.substr(slash + 1);
  // A name that would be hidden, or is no name at all, is not the server's to choose.
  if (!base.empty() && base[0] != '.') return base;
  std::string name = document_id.empty() ? "document" : document_id;
  if (!extract_for.empty()) name += "-" + absl::StrReplaceAll(extract_for, {{":", "-"}, {"/", "-"}});
  return absl::StrFormat("%s.%s", name, FormatExtension(f));
}

absl::StatusOr<std::string> WriteRendered(const pb::RenderDocumentResponse& r, const std::string& path) {
  const std::string sha = Sha256Hex(r.data());
  if (!r.sha256().empty() && absl::AsciiStrToLower(r.sha256()) != sha) {
    return absl::DataLossError(absl::StrFormat("the rendered bytes' sha256 %s is not the server's %s: %s not written",
                                               sha.substr(0, 12), r.sha256(), path));
  }
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(r.data().data(), static_cast<std::streamsize>(r.data().size()));
  file.close();
  if (!file) return absl::UnavailableError(absl::StrFormat("cannot write %s", path));
  return absl::StrFormat("wrote %s (%d bytes, sha256 %s)", path, r.data().size(), sha.substr(0, 12));
}

}  // namespace ys::ysctl::document_cli
