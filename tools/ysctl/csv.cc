#include "tools/ysctl/csv.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <utility>

#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "common/input/text_rules.h"

namespace ys::ysctl {
namespace {

constexpr absl::string_view kByteOrderMark = "\xEF\xBB\xBF";

// 0 when no line break starts at text[i], else its length: CRLF, LF, or a lone CR (old Mac files).
size_t LineBreakAt(absl::string_view text, size_t i) {
  if (text[i] == '\n') return 1;
  if (text[i] != '\r') return 0;
  return i + 1 < text.size() && text[i + 1] == '\n' ? 2 : 1;
}


class CsvReader {
 public:
  CsvReader(absl::string_view text, const CsvOptions& options)
      : text_(text), options_(options), expected_fields_(options.fields) {}

  CsvFile Read() && {
    const bool too_long = text_.size() > options_.max_file_bytes;
    if (too_long) text_ = text_.substr(0, options_.max_file_bytes);
    absl::ConsumePrefix(&text_, kByteOrderMark);
    size_t i = 0;
    while (i < text_.size() && !stopped_) i = Step(i);
    if (stopped_) return std::move(file_);
    if (too_long) {
      // The record cut at the limit is not read: it would be a wrong one.
      Problem(line_, absl::StrFormat("the file is longer than %d bytes; nothing from this line on was read",
                                     options_.max_file_bytes));
      return std::move(file_);
    }
    switch (state_) {
      case State::kQuoted:
        Problem(record_line_, quote_line_ == record_line_
                                  ? absl::StrFormat("field %d opens a quote that is never closed",
                                                    fields_.size() + 1)
                                  : absl::StrFormat("field %d opens a quote on line %d that is never closed",
                                                    fields_.size() + 1, quote_line_));
        break;
      case State::kFieldStart:
        if (fields_.empty()) break;  // the file ends with its last line break
        [[fallthrough]];
      case State::kUnquoted:
      case State::kAfterQuote:
        EndField();
        EndRecord();
        break;
    }
    return std::move(file_);
  }

 private:
  enum class State {
    kFieldStart,  // nothing of the current field read yet
    kUnquoted,
    kQuoted,
    kAfterQuote,  // a quote inside a quoted field: its end, or the first of a doubled quote
  };

  // Reads from text_[i] on; returns where to go on.
  size_t Step(size_t i) {
    switch (state_) {
      case State::kFieldStart: {
        if (text_[i] == '"') {
          state_ = State::kQuoted;
          quote_line_ = line_;
          return i + 1;
        }
        const size_t line_break = LineBreakAt(text_, i);
        if (line_break > 0 && fields_.empty()) {  // a line with nothing on it
          ++line_;
          record_line_ = line_;
          return i + line_break;
        }
        state_ = State::kUnquoted;  // a comma or line break here ends an empty field
        return i;
      }
      case State::kUnquoted: {
        const size_t stop = std::min(text_.find_first_of(",\"\r\n", i), text_.size());
        Append(text_.substr(i, stop - i));
        if (stop == text_.size()) return stop;
        if (text_[stop] == '"') {
          if (!stray_quote_reported_) {
            Problem(record_line_, absl::StrFormat("field %d has a quote but does not start with one; put "
                                                  "the whole field in quotes and double the quote",
                                                  fields_.size() + 1));
            stray_quote_reported_ = true;
          }
          Append("\"");
          return stop + 1;
        }
        return EndFieldAt(stop);
      }
      case State::kQuoted: {
        const size_t stop = std::min(text_.find_first_of("\"\r\n", i), text_.size());
        Append(text_.substr(i, stop - i));
        if (stop == text_.size()) return stop;
        if (text_[stop] == '"') {
          state_ = State::kAfterQuote;
          return stop + 1;
        }
        const size_t line_break = LineBreakAt(text_, stop);  // part of the field, as written
        Append(text_.substr(stop, line_break));
        ++line_;
        return stop + line_break;
      }
      case State::kAfterQuote: {
        if (text_[i] == '"') {
          Append("\"");
          state_ = State::kQuoted;
          return i + 1;
        }
        if (text_[i] == ',' || LineBreakAt(text_, i) > 0) return EndFieldAt(i);
        Problem(record_line_, absl::StrFormat("field %d has text after its closing quote; double a quote "
                                              "that belongs to the field",
                                              fields_.size() + 1));
        stray_quote_reported_ = true;
        state_ = State::kUnquoted;  // the rest of the field as it stands, to find where it ends
        return i;
      }
    }
    return text_.size();  // cannot happen: every state returns above
  }

  // text_[i] is a comma or a line break, outside quotes.
  size_t EndFieldAt(size_t i) {
    EndField();
    state_ = State::kFieldStart;
    if (text_[i] == ',') return i + 1;
    EndRecord();
    ++line_;
    record_line_ = line_;
    return i + LineBreakAt(text_, i);
  }

  void Append(absl::string_view bytes) {
    if (field_too_long_) return;
    if (field_.size() + bytes.size() > options_.max_field_bytes) {
      field_too_long_ = true;
      field_.clear();
      return;
    }
    field_.append(bytes.data(), bytes.size());
  }

  void EndField() {
    const size_t number = fields_.size() + 1;
    if (field_too_long_) {
      Problem(record_line_, absl::StrFormat("field %d is longer than %d bytes", number, options_.max_field_bytes));
    } else if (field_.find('\0') != std::string::npos) {
      Problem(record_line_, absl::StrFormat("field %d holds a NUL byte", number));
    } else if (!input::IsValidUtf8(field_)) {
      Problem(record_line_, absl::StrFormat("field %d is not UTF-8 text; save the file as \"CSV UTF-8\"", number));
    }
    fields_.push_back(std::move(field_));
    field_.clear();
    field_too_long_ = false;
    stray_quote_reported_ = false;
  }

  void EndRecord() {
    if (expected_fields_ == 0) expected_fields_ = fields_.size();
    if (!record_bad_ && fields_.size() != expected_fields_) {
      Problem(record_line_, absl::StrFormat("has %d field(s), %s %d", fields_.size(),
                                            options_.fields > 0 ? "expected" : "the first line has",
                                            expected_fields_));
    }
    if (!record_bad_) {
      if (file_.records.size() < options_.max_records) {
        file_.records.push_back({record_line_, std::move(fields_)});
      } else {
        Problem(record_line_, absl::StrFormat("more than %d records; split the file", options_.max_records));
        stopped_ = true;
      }
    }
    fields_.clear();
    record_bad_ = false;
  }

  void Problem(int line, std::string message) {
    record_bad_ = true;
    if (stopped_) return;
    file_.problems.push_back({line, std::move(message)});
    if (file_.problems.size() >= options_.max_problems) {
      file_.problems.push_back(
          {line, absl::StrFormat("stopped reading after %d problems", file_.problems.size())});
      stopped_ = true;
    }
  }

  absl::string_view text_;
  const CsvOptions& options_;
  size_t expected_fields_;
  CsvFile file_;
  State state_ = State::kFieldStart;
  int line_ = 1;         // the physical line being read
  int record_line_ = 1;  // the line the current record started on
  int quote_line_ = 1;   // the line the open quoted field started on
  std::vector<std::string> fields_;
  std::string field_;
  bool field_too_long_ = false;
  bool stray_quote_reported_ = false;
  bool record_bad_ = false;  // a problem named it; it is not kept
  bool stopped_ = false;
};

}  // namespace

CsvFile ReadCsv(absl::string_view text, const CsvOptions& options) {
  return CsvReader(text, options).Read();
}

absl::StatusOr<std::string> ReadCsvText(const std::string& path, const CsvOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrFormat("cannot read %s", path));
  std::string text;
  std::array<char, 64 * 1024> chunk;
  while (text.size() <= options.max_file_bytes) {
    in.read(chunk.data(), chunk.size());
    text.append(chunk.data(), static_cast<size_t>(in.gcount()));
    if (!in) break;
  }
  if (in.bad()) return absl::DataLossError(absl::StrFormat("error reading %s", path));
  if (text.size() > options.max_file_bytes + 1) text.resize(options.max_file_bytes + 1);
  return text;
}

}  // namespace ys::ysctl
