#pragma once

#include <xlsxwriter.h>

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace ys {

// An .xlsx workbook whose bytes come back in memory. It exists because libxlsxwriter writes to a
// file path while our services answer bytes (gRPC replies, downloads): the workbook goes to a
// private temporary file, is read back by Finish, and the file is removed with the object. The
// first libxlsxwriter error is kept (Note) and reported by Finish, so sheet-writing code can go on
// writing without checking every call. Styles and sheet layout belong to the caller.
// A text's width in a spreadsheet column (and on paper): a CJK character takes two columns, others one.
int DisplayWidth(std::string_view text);

class XlsxWorkbook {
 public:
  XlsxWorkbook(const XlsxWorkbook&) = delete;
  XlsxWorkbook& operator=(const XlsxWorkbook&) = delete;
  ~XlsxWorkbook();

  // A new workbook in a temporary file named "<temp_name_prefix>-XXXXXX.xlsx" in the system's
  // temporary directory (/tmp when it has none). INTERNAL when the file or workbook cannot be made.
  static absl::StatusOr<std::unique_ptr<XlsxWorkbook>> Create(std::string_view temp_name_prefix);

  // The libxlsxwriter workbook, for formats and worksheets; null after Finish.
  lxw_workbook* get() { return workbook_; }

  // A new worksheet, or null (noted as an error) when libxlsxwriter refuses `name`.
  lxw_worksheet* AddSheet(const std::string& name);

  // Keeps `e` (with `what` it concerns) when it is the first error; LXW_NO_ERROR is ignored.
  void Note(lxw_error e, std::string_view what);

  // The workbook's bytes; call once. INVALID_ARGUMENT when the first noted error is a text longer
  // than a cell holds (the data's doing, not ours), INTERNAL for any other error.
  absl::StatusOr<std::string> Finish();

 private:
  explicit XlsxWorkbook(std::string path) : path_(std::move(path)) {}

  std::string path_;
  lxw_workbook* workbook_ = nullptr;
  lxw_error error_ = LXW_NO_ERROR;
  std::string error_what_;
};

}  // namespace ys
