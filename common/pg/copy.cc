#include "common/pg/copy.h"

#include <cstring>

// pqxx 6 offers raw COPY lines only through tablewriter (deprecated for stream_to, whose rows are
// tuples escaped one field at a time into fresh strings).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <pqxx/pqxx>
#include <pqxx/tablewriter>

#include "absl/strings/str_cat.h"
#include "common/pg/pool.h"

namespace ys {

void AppendCopyField(std::string* out, absl::string_view v) {
  const char* p = v.data();
  const char* const end = p + v.size();
  while (p < end) {
    // Most values have nothing to escape: copy runs between the special bytes.
    const char* special = p;
    while (special < end && *special != '\\' && *special != '\t' && *special != '\n' && *special != '\r') {
      ++special;
    }
    out->append(p, special - p);
    if (special == end) break;
    *out += '\\';
    switch (*special) {
      case '\t': *out += 't'; break;
      case '\n': *out += 'n'; break;
      case '\r': *out += 'r'; break;
      default: *out += '\\'; break;
    }
    p = special + 1;
  }
}

void PgCopyRows::Separate() {
  if (row_started_) data_ += '\t';
  row_started_ = true;
}

PgCopyRows& PgCopyRows::Text(absl::string_view value) {
  Separate();
  AppendCopyField(&data_, value);
  return *this;
}

PgCopyRows& PgCopyRows::Int(int64_t value) {
  Separate();
  absl::StrAppend(&data_, value);
  return *this;
}

PgCopyRows& PgCopyRows::Null() {
  Separate();
  data_ += "\\N";
  return *this;
}

PgCopyRows& PgCopyRows::Bytes(absl::string_view bytes) {
  Separate();
  data_ += "\\\\x";  // bytea's "\x" prefix, its backslash escaped for COPY
  AppendHexDigits(&data_, bytes);
  return *this;
}

void PgCopyRows::EndRow() {
  data_ += '\n';
  ++rows_;
  row_started_ = false;
}

void PgCopyRows::CopyInto(pqxx::transaction_base& tx, const std::string& table,
                          const std::vector<std::string>& columns) const {
  if (rows_ == 0) return;
  pqxx::tablewriter writer(tx, table, columns.begin(), columns.end());
  // One write for every row. The writer takes one trailing newline off and ends the line itself
  // (taking ours off first would lose a last row of one empty field).
  writer.write_raw_line(data_);
  writer.complete();
}

}  // namespace ys

#pragma GCC diagnostic pop
