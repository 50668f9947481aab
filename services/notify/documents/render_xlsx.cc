#include "services/notify/documents/render_xlsx.h"

#include <xlsxwriter.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "common/time/clock.h"
#include "common/time/proto_time.h"
#include "common/xlsx/workbook.h"

namespace ys::notify::documents {
namespace {

constexpr uint8_t kPaperA4 = 9;  // libxlsxwriter's paper index
constexpr size_t kMaxSheetName = 31;  // Excel's limit, in characters
constexpr double kSummaryTextColumns = 90;
constexpr double kLinePoints = 15;
constexpr double kMaxRowPoints = 409;  // Excel's tallest row

std::vector<std::string> Glyphs(std::string_view text) {
  std::vector<std::string> out;
  for (size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    const size_t len = std::min<size_t>(b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4, text.size() - i);
    out.emplace_back(text.substr(i, len));
    i += len;
  }
  return out;
}

std::string Join(const std::vector<std::string>& glyphs, size_t n) {
  std::string out;
  for (size_t i = 0; i < std::min(n, glyphs.size()); ++i) out += glyphs[i];
  return out;
}

// A worksheet name Excel accepts: at most 31 characters, none of []:*?/\, no apostrophe at either
// end, unique regardless of ASCII case ("(2)", "(3)" … when taken).
std::string SheetName(std::string_view title, std::set<std::string>& used) {
  std::vector<std::string> glyphs = Glyphs(title);
  for (std::string& g : glyphs) {
    if (g.size() == 1 && std::string_view("[]:*?/\\").find(g[0]) != std::string_view::npos) g = "_";
    if (g.size() == 1 && static_cast<unsigned char>(g[0]) < 0x20) g = " ";
  }
  if (!glyphs.empty() && glyphs.front() == "'") glyphs.front() = "_";
  if (!glyphs.empty() && glyphs.back() == "'") glyphs.back() = "_";
  if (glyphs.empty()) glyphs = {"表"};
  for (int n = 1;; ++n) {
    const std::string suffix = n == 1 ? "" : absl::StrCat("(", n, ")");
    std::string name = Join(glyphs, kMaxSheetName - suffix.size());
    if (name.size() > 0 && name.back() == '\'') name.back() = '_';
    name += suffix;
    if (used.insert(absl::AsciiStrToLower(name)).second) return name;
  }
}

// The decimals a printed number shows ("1,234.50" -> 2), to keep them in the cell's format.
int Decimals(std::string_view text) {
  const size_t dot = text.find('.');
  if (dot == std::string_view::npos) return 0;
  int n = 0;
  for (size_t i = dot + 1; i < text.size() && absl::ascii_isdigit(static_cast<unsigned char>(text[i])); ++i) ++n;
  return std::min(n, 6);
}

std::string ChineseMinute(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() == 0 && ts.nanos() == 0) return "";
  const absl::CivilMinute m = absl::ToCivilMinute(FromProtoTime(ts), Shanghai());
  return absl::StrFormat("%d年%d月%d日 %02d:%02d", m.year(), m.month(), m.day(), m.hour(), m.minute());
}

// The document's workbook, answered as bytes (common/xlsx/workbook.h), with its base format.
class Workbook {
 public:
  Workbook(const Workbook&) = delete;
  Workbook& operator=(const Workbook&) = delete;

  static absl::StatusOr<std::unique_ptr<Workbook>> Create() {
    absl::StatusOr<std::unique_ptr<XlsxWorkbook>> xlsx = XlsxWorkbook::Create("ys-document");
    if (!xlsx.ok()) return xlsx.status();
    return std::unique_ptr<Workbook>(new Workbook(*std::move(xlsx)));
  }

  lxw_workbook* get() { return xlsx_->get(); }
  lxw_worksheet* AddSheet(const std::string& name) { return xlsx_->AddSheet(name); }

  lxw_format* Format() {
    lxw_format* f = workbook_add_format(xlsx_->get());
    format_set_font_name(f, "宋体");
    format_set_font_size(f, 11);
    format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
    return f;
  }

  void Note(lxw_error e, std::string_view what) { xlsx_->Note(e, what); }
  absl::StatusOr<std::string> Finish() { return xlsx_->Finish(); }

 private:
  explicit Workbook(std::unique_ptr<XlsxWorkbook> xlsx) : xlsx_(std::move(xlsx)) {}

  std::unique_ptr<XlsxWorkbook> xlsx_;
};

// The workbook's formats (they belong to it).
struct Styles {
  lxw_format* title;
  lxw_format* heading;
  lxw_format* label;
  lxw_format* text;
  lxw_format* header;
  lxw_format* cell;
  lxw_format* note;
  std::map<std::pair<int, bool>, lxw_format*> numbers;  // (decimals, thousands) -> format
};

Styles MakeStyles(Workbook& wb) {
  Styles s;
  s.title = wb.Format();
  format_set_bold(s.title);
  format_set_font_size(s.title, 16);
  format_set_align(s.title, LXW_ALIGN_CENTER);
  s.heading = wb.Format();
  format_set_bold(s.heading);
  format_set_font_size(s.heading, 12);
  s.label = wb.Format();
  format_set_bold(s.label);
  format_set_align(s.label, LXW_ALIGN_VERTICAL_TOP);
  s.text = wb.Format();
  format_set_text_wrap(s.text);
  format_set_align(s.text, LXW_ALIGN_VERTICAL_TOP);
  s.header = wb.Format();
  format_set_bold(s.header);
  format_set_border(s.header, LXW_BORDER_THIN);
  format_set_align(s.header, LXW_ALIGN_CENTER);
  format_set_text_wrap(s.header);
  format_set_bg_color(s.header, 0xD9D9D9);
  s.cell = wb.Format();
  format_set_border(s.cell, LXW_BORDER_THIN);
  s.note = wb.Format();
  format_set_italic(s.note);
  return s;
}

lxw_format* NumberFormat(Workbook& wb, Styles& st, const std::string& printed) {
  const int decimals = Decimals(printed);
  const bool thousands = printed.find(',') != std::string::npos;
  lxw_format*& f = st.numbers[{decimals, thousands}];
  if (f == nullptr) {
    f = wb.Format();
    format_set_border(f, LXW_BORDER_THIN);
    std::string pattern = thousands ? "#,##0" : "0";
    if (decimals > 0) absl::StrAppend(&pattern, ".", std::string(static_cast<size_t>(decimals), '0'));
    format_set_num_format(f, pattern.c_str());
  }
  return f;
}

class SheetWriter {
 public:
  SheetWriter(Workbook& wb, lxw_worksheet* ws, std::string name) : wb_(wb), ws_(ws), name_(std::move(name)) {}

  void Text(lxw_row_t row, lxw_col_t col, const std::string& text, lxw_format* f) {
    wb_.Note(worksheet_write_string(ws_, row, col, text.c_str(), f), Where(row, col));
  }
  void Number(lxw_row_t row, lxw_col_t col, double v, lxw_format* f) {
    wb_.Note(worksheet_write_number(ws_, row, col, v, f), Where(row, col));
  }
  void Merge(lxw_row_t row, lxw_col_t last, const std::string& text, lxw_format* f) {
    wb_.Note(worksheet_merge_range(ws_, row, 0, row, last, text.c_str(), f), Where(row, 0));
  }
  void Width(lxw_col_t col, double width) {
    wb_.Note(worksheet_set_column(ws_, col, col, width, nullptr), absl::StrCat("sheet ", name_, " widths"));
  }
  void Height(lxw_row_t row, double points) {
    wb_.Note(worksheet_set_row(ws_, row, std::min(points, kMaxRowPoints), nullptr), Where(row, 0));
  }
  lxw_worksheet* get() { return ws_; }

 private:
  std::string Where(lxw_row_t row, lxw_col_t col) const {
    return absl::StrFormat("sheet %s row %d column %d", name_, row + 1, col + 1);
  }

  Workbook& wb_;
  lxw_worksheet* ws_;
  std::string name_;
};

// A wrapped text's height in a column `columns` wide.
double HeightFor(std::string_view text, double columns) {
  int lines = 0;
  for (absl::string_view line : absl::StrSplit(absl::string_view(text.data(), text.size()), '\n')) {
    lines += std::max(1, static_cast<int>(std::ceil(DisplayWidth(std::string_view(line.data(), line.size())) / columns)));
  }
  return lines * kLinePoints + 4;
}

void WriteTable(Workbook& wb, Styles& st, SheetWriter& s, const pb::Table& table) {
  std::vector<int> widths(static_cast<size_t>(table.columns_size()), 0);
  auto widen = [&](size_t col, const std::string& text) {
    if (widths.size() <= col) widths.resize(col + 1, 0);
    widths[col] = std::max(widths[col], DisplayWidth(text));
  };
  for (int c = 0; c < table.columns_size(); ++c) {
    s.Text(0, static_cast<lxw_col_t>(c), table.columns(c), st.header);
    widen(static_cast<size_t>(c), table.columns(c));
  }
  lxw_row_t row = 1;
  for (const pb::Row& r : table.rows()) {
    for (int c = 0; c < r.cells_size(); ++c) {
      const pb::Cell& cell = r.cells(c);
      const auto col = static_cast<lxw_col_t>(c);
      if (cell.numeric() && std::isfinite(cell.number())) {
        s.Number(row, col, cell.number(), NumberFormat(wb, st, cell.text()));
      } else {
        s.Text(row, col, cell.text(), st.cell);
      }
      widen(static_cast<size_t>(c), cell.text());
    }
    ++row;
  }
  for (size_t c = 0; c < widths.size(); ++c) {
    s.Width(static_cast<lxw_col_t>(c), std::clamp(widths[c] + 2, 8, 60));
  }
  const lxw_row_t last_row = row - 1;
  if (table.columns_size() > 0) {
    worksheet_freeze_panes(s.get(), 1, 0);
    wb.Note(worksheet_autofilter(s.get(), 0, 0, last_row, static_cast<lxw_col_t>(table.columns_size() - 1)),
            "autofilter");
  }
  // The full title (the sheet name may be cut to 31 characters) and the table's note, under the data.
  ++row;
  s.Text(row++, 0, absl::StrCat("表：", table.title()), st.note);
  if (!table.note().empty()) s.Text(row, 0, absl::StrCat("注：", table.note()), st.note);
  worksheet_set_paper(s.get(), kPaperA4);
  worksheet_set_landscape(s.get());
  worksheet_fit_to_pages(s.get(), 1, 0);
  wb.Note(worksheet_repeat_rows(s.get(), 0, 0), "print titles");
}

}  // namespace

absl::StatusOr<std::string> RenderXlsx(const pb::Document& doc) {
  absl::StatusOr<std::unique_ptr<Workbook>> created = Workbook::Create();
  if (!created.ok()) return created.status();
  Workbook& wb = **created;
  Styles st = MakeStyles(wb);
  const pb::DocumentContent& c = doc.content();

  // Names first: the summary says which sheet each table went to.
  std::set<std::string> used;
  const std::string summary_name = SheetName("概要", used);
  std::map<const pb::Table*, std::string> table_sheets;
  for (const pb::Section& section : c.sections()) {
    for (const pb::Table& table : section.tables()) {
      table_sheets[&table] = SheetName(table.title().empty() ? table.key() : table.title(), used);
    }
  }

  SheetWriter s(wb, workbook_add_worksheet(wb.get(), summary_name.c_str()), summary_name);
  s.Width(0, 18);
  s.Width(1, kSummaryTextColumns);
  lxw_row_t row = 0;
  s.Merge(row++, 1, c.title(), st.title);
  if (!c.subtitle().empty()) s.Merge(row++, 1, c.subtitle(), st.heading);
  auto line = [&](const std::string& label, const std::string& text) {
    s.Text(row, 0, label, st.label);
    s.Text(row, 1, text, st.text);
    if (DisplayWidth(text) > kSummaryTextColumns || text.find('\n') != std::string::npos) {
      s.Height(row, HeightFor(text, kSummaryTextColumns));
    }
    ++row;
  };
  const bool draft = doc.state() != pb::DOCUMENT_STATE_ISSUED;
  line("编号", absl::StrCat(draft ? "草稿" : doc.number(), doc.correction() ? "（更正）" : ""));
  if (doc.correction() && !doc.correction_reason().empty()) line("更正说明", doc.correction_reason());
  line("期间", doc.period().empty() ? c.period() : doc.period());
  if (const std::string cut_off = ChineseMinute(c.cut_off()); !cut_off.empty()) line("数据截至", cut_off);
  if (!c.issuer().empty()) line("发文机关", c.issuer());
  if (!doc.content_sha256().empty()) line("内容SHA-256", doc.content_sha256());
  int annex_no = 0;
  for (const pb::Section& section : c.sections()) {
    ++row;
    const std::string prefix = section.annex() ? absl::StrCat("附件", ++annex_no, "　") : "";
    s.Merge(row++, 1, absl::StrCat(prefix, section.title()), st.heading);
    if (!section.plan_basis().empty()) line("依据", section.plan_basis());
    for (int i = 0; i < section.summary_size(); ++i) line(i == 0 ? "情况" : "", section.summary(i));
    if (!section.commentary().empty()) line("市营商办意见", section.commentary());
    for (const pb::Table& table : section.tables()) {
      line("表格", absl::StrCat("见工作表「", table_sheets[&table], "」：", table.title()));
    }
  }
  if (!c.notes().empty() || !c.missing().empty()) {
    ++row;
    s.Merge(row++, 1, "说明", st.heading);
    for (const std::string& n : c.notes()) line("", n);
    for (const std::string& m : c.missing()) line("数据缺失", m);
  }
  worksheet_set_paper(s.get(), kPaperA4);
  worksheet_fit_to_pages(s.get(), 1, 0);

  for (const pb::Section& section : c.sections()) {
    for (const pb::Table& table : section.tables()) {
      const std::string& name = table_sheets[&table];
      SheetWriter t(wb, wb.AddSheet(name), name);  // a refused name is noted
      if (t.get() == nullptr) continue;
      WriteTable(wb, st, t, table);
    }
  }
  return wb.Finish();
}

}  // namespace ys::notify::documents
