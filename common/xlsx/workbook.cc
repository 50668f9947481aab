// libxlsxwriter writes to a path; the services answer bytes. See workbook.h.
#include "common/xlsx/workbook.h"

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace ys {

namespace {
constexpr char kSuffix[] = ".xlsx";
constexpr int kSuffixLength = sizeof(kSuffix) - 1;
}  // namespace

absl::StatusOr<std::unique_ptr<XlsxWorkbook>> XlsxWorkbook::Create(std::string_view temp_name_prefix) {
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
  if (ec) dir = "/tmp";
  std::string path = (dir / absl::StrCat(std::string(temp_name_prefix), "-XXXXXX", kSuffix)).string();
  const int fd = mkstemps(path.data(), kSuffixLength);
  if (fd < 0) return absl::InternalError(absl::StrCat("xlsx: cannot create a temporary file in ", dir.string()));
  close(fd);
  std::unique_ptr<XlsxWorkbook> out(new XlsxWorkbook(path));
  out->workbook_ = workbook_new(path.c_str());
  if (out->workbook_ == nullptr) return absl::InternalError("xlsx: libxlsxwriter could not start a workbook");
  return out;
}

XlsxWorkbook::~XlsxWorkbook() {
  if (workbook_ != nullptr) workbook_close(workbook_);  // frees it; the file goes below
  unlink(path_.c_str());
}

lxw_worksheet* XlsxWorkbook::AddSheet(const std::string& name) {
  lxw_worksheet* ws = workbook_add_worksheet(workbook_, name.c_str());
  if (ws == nullptr) Note(LXW_ERROR_SHEETNAME_ALREADY_USED, absl::StrCat("worksheet ", name));
  return ws;
}

void XlsxWorkbook::Note(lxw_error e, std::string_view what) {
  if (e != LXW_NO_ERROR && error_ == LXW_NO_ERROR) {
    error_ = e;
    error_what_ = std::string(what);
  }
}

absl::StatusOr<std::string> XlsxWorkbook::Finish() {
  if (error_ != LXW_NO_ERROR) {
    const std::string message = absl::StrFormat("xlsx %s: %s", error_what_, lxw_strerror(error_));
    // A text longer than a cell holds is the data's doing, not ours.
    if (error_ == LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED) return absl::InvalidArgumentError(message);
    return absl::InternalError(message);
  }
  const lxw_error e = workbook_close(workbook_);
  workbook_ = nullptr;
  if (e != LXW_NO_ERROR) return absl::InternalError(absl::StrCat("xlsx: writing failed: ", lxw_strerror(e)));
  std::ifstream in(path_, std::ios::binary);
  if (!in) return absl::InternalError(absl::StrCat("xlsx: cannot read back ", path_));
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

int DisplayWidth(std::string_view text) {
  int width = 0;
  for (size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    const size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    width += len >= 3 ? 2 : 1;
    i += len;
  }
  return width;
}

}  // namespace ys
