// ysctl's CSV reader (ReadCsv) with its default limits and with small ones, and the ranking import
// on top of it (ParseRankingCsv).
//
// Beyond not crashing: records read without a problem, written back as CSV with every field in
// quotes, read back as the same fields.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_replace.h"
#include "fuzz/fuzz_check.h"
#include "tools/ysctl/csv.h"
#include "tools/ysctl/ranking_import.h"

namespace ys::ysctl {
namespace {

std::string Quoted(const std::vector<CsvRecord>& records) {
  std::string out;
  for (const CsvRecord& r : records) {
    for (size_t i = 0; i < r.fields.size(); ++i) {
      if (i > 0) out += ',';
      out += '"' + absl::StrReplaceAll(r.fields[i], {{"\"", "\"\""}}) + '"';
    }
    out += "\r\n";
  }
  return out;
}

void Check(absl::string_view text, const CsvOptions& options) {
  const CsvFile file = ReadCsv(text, options);
  int line = 0;
  for (const CsvRecord& r : file.records) {
    fuzz::Require(r.line > line, "records are in file order, each on a line of its own");
    line = r.line;
  }
  for (const CsvProblem& p : file.problems) fuzz::Require(p.line >= 1, "a problem names a line");
  if (!file.problems.empty()) return;
  CsvOptions again_options = options;
  again_options.max_file_bytes = 1 << 30;  // quoting makes the text longer
  const CsvFile again = ReadCsv(Quoted(file.records), again_options);
  fuzz::Require(again.problems.empty(), "records written back as CSV read without a problem");
  fuzz::Require(again.records.size() == file.records.size(), "records written back read as many records");
  for (size_t i = 0; i < again.records.size(); ++i) {
    fuzz::Require(again.records[i].fields == file.records[i].fields, "records written back read the same fields");
  }
}

}  // namespace
}  // namespace ys::ysctl

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ys::ysctl;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  Check(text, CsvOptions{});
  Check(text, CsvOptions{.fields = 0, .max_file_bytes = 256, .max_field_bytes = 16, .max_records = 8, .max_problems = 4});
  (void)ParseRankingCsv(text);
  return 0;
}
