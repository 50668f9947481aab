#pragma once

#include <ostream>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "yingshang/notify/v1/documents.pb.h"

namespace ys::ysctl {

// The monthly dispatch pack (调度会材料, §四(三)) and the quarterly bulletin (通报, §四(四)): notify's
// DocumentService (127.0.0.1:7105 or $YS_NOTIFY_ADDRESS, as `ysctl notify`):
// dispatch draft --month 2022-09 [--cut-off TIME];
// dispatch render --month M [--format pdf|xlsx|html] [--out FILE] [--for unit:X|county:C];
// bulletin draft --quarter 2022Q3 [--cut-off TIME]; bulletin show --quarter Q [--version N] [--sections];
// bulletin list [--quarter Q]; bulletin comment --quarter Q --section KEY --text TEXT;
// bulletin pick --quarter Q --unit U --title T [--indicator I] [--region R] [--description D]
//   [--head H] [--lead L]; bulletin unpick --quarter Q --seq N;
// bulletin issue --quarter Q [--number 2022年第3期]; bulletin correct --quarter Q --reason TEXT;
// bulletin pdf|xlsx|html --quarter Q [--version N] [--out FILE] [--for unit:X|county:C];
// bulletin items --quarter Q (their cases from rectification, 127.0.0.1:7103 or
//   $YS_RECTIFICATION_ADDRESS, as `ysctl cases`).
void AddDocumentCommands(CLI::App& app, std::ostream& out, std::ostream& err, int* exit_code);

// The checks of the flags, made before any call; each error is one line naming the flag
// (INVALID_ARGUMENT, so exit code 2).
namespace document_cli {

namespace pb = ::yingshang::notify::v1;

// --quarter "2022Q3" (or "2022q3"), as the service's period "2022Q3".
absl::StatusOr<std::string> ParseQuarter(const std::string& text);
// --month "2022-09".
absl::StatusOr<std::string> ParseMonth(const std::string& text);
// --cut-off: RFC 3339 ("2022-10-08T18:00:00+08:00") or "2022-10-08 18:00" in Asia/Shanghai.
absl::StatusOr<absl::Time> ParseCutOff(const std::string& text);
// --for: "" (the whole document), "unit:<name>" or "county:<region code, digits>".
absl::StatusOr<std::string> ParseExtractFor(const std::string& text);
// --format: pdf, xlsx or html.
absl::StatusOr<pb::RenderFormat> ParseFormat(const std::string& text);
std::string FormatExtension(pb::RenderFormat f);  // "pdf", "xlsx", "html"

// Where a rendering goes: --out as given; else the server's file name in the current directory (its
// last path component only: a name never climbs out of the directory); else, when the server gave
// none usable, "<document id>[-unit-X].<ext>".
std::string OutputPath(const std::string& out_flag, const std::string& server_file_name,
                       const std::string& document_id, const std::string& extract_for, pb::RenderFormat f);
// Writes the rendered bytes to `path` after checking them against the server's sha256 (when given:
// nothing is written on a mismatch); answers "wrote <path> (<n> bytes, sha256 <first 12>)".
absl::StatusOr<std::string> WriteRendered(const pb::RenderDocumentResponse& r, const std::string& path);

}  // namespace document_cli

}  // namespace ys::ysctl
