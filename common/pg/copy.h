// Bulk inserts with COPY … FROM STDIN (text format). COPY fills heap pages many rows at a time
// (one heap WAL record a page, not one a row; index entries are still one a row) and skips the
// array literals and unnest of an INSERT … SELECT: a batch of thousands of rows costs less.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace pqxx {
class transaction_base;
}

namespace ys {

// The rows of one COPY, built in one buffer: each field is escaped as it is appended.
//   PgCopyRows rows;
//   rows.Text(key).Int(rank).Null().Bytes(body).EndRow();
//   rows.CopyInto(tx, "current_facts", {"fact_key", "rank", "score", "body"});
class PgCopyRows {
 public:
  PgCopyRows& Text(absl::string_view value);
  PgCopyRows& Int(int64_t value);
  PgCopyRows& Null();
  // Raw bytes for a bytea column (hex input format).
  PgCopyRows& Bytes(absl::string_view bytes);
  void EndRow();

  size_t rows() const { return rows_; }
  bool empty() const { return rows_ == 0; }

  // Sends the rows into table(columns) in the caller's transaction. A constraint violation
  // throws like the same INSERT would (pqxx::unique_violation…) and the statement is undone.
  void CopyInto(pqxx::transaction_base& tx, const std::string& table,
                const std::vector<std::string>& columns) const;

 private:
  void Separate();

  std::string data_;
  size_t rows_ = 0;
  bool row_started_ = false;
};

// A value escaped for a COPY text-format field (backslash, tab, newline, carriage return).
void AppendCopyField(std::string* out, absl::string_view value);

}  // namespace ys
