#pragma once

// A document's figures as a workbook (libxlsxwriter): a "概要" sheet with the title, number, period,
// cut-off and each section's sentences and commentary, then one sheet per table with its numbers
// written as numbers, for the offices that work the figures further.

#include <string>

#include "absl/status/statusor.h"
#include "yingshang/notify/v1/documents.pb.h"

namespace ys::notify::documents {

namespace pb = ::yingshang::notify::v1;

// The .xlsx bytes. INVALID_ARGUMENT when a text is longer than a cell holds (32767 characters);
// INTERNAL when the temporary file cannot be written or read back.
absl::StatusOr<std::string> RenderXlsx(const pb::Document& doc);

}  // namespace ys::notify::documents
