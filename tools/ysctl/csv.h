#pragma once

// An RFC 4180 reader for the CSV files people export from a spreadsheet and hand to ysctl: fields
// in double quotes may hold commas, line breaks and doubled quotes (""); lines end in CRLF, LF or a
// lone CR; a UTF-8 byte order mark at the start is skipped (Excel's "CSV UTF-8" writes one); the
// last line may lack its line break; a line with nothing on it is skipped. Every record carries the
// line it starts on, and every problem names a line, so a refusal says where to look.
//
// One pass over the bytes, no recursion, no backtracking; the limits bound what one file can make
// ysctl hold.

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ys::ysctl {

struct CsvOptions {
  // Every record must have this many fields; 0: as many as the first record.
  size_t fields = 0;
  size_t max_file_bytes = 16 << 20;
  size_t max_field_bytes = 64 << 10;
  size_t max_records = 250'000;
  // Reading stops after this many problems; the last problem then says so.
  size_t max_problems = 100;
};

struct CsvRecord {
  int line = 0;  // the physical line, from 1, its first field starts on
  std::vector<std::string> fields;
};

struct CsvProblem {
  int line = 0;
  std::string message;
};

struct CsvFile {
  std::vector<CsvRecord> records;    // the well-formed ones, in file order
  std::vector<CsvProblem> problems;  // in file order; a record with a problem is not in `records`
};

// Reads `text` (at most options.max_file_bytes of it). Problems: a quote inside an unquoted field,
// text after a closing quote, a quote never closed, a field longer than max_field_bytes, a field that
// is not UTF-8 or holds a NUL byte, a record with the wrong number of fields, more than max_records
// records, a file longer than max_file_bytes.
CsvFile ReadCsv(absl::string_view text, const CsvOptions& options = {});

// The first options.max_file_bytes + 1 bytes of the file at `path`, so that ReadCsv sees whether it
// is too long without the whole of a huge file in memory. NOT_FOUND when it cannot be opened.
absl::StatusOr<std::string> ReadCsvText(const std::string& path, const CsvOptions& options = {});

}  // namespace ys::ysctl
