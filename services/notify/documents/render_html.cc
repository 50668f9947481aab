#include "services/notify/documents/render_html.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/time/clock.h"
#include "common/time/proto_time.h"
#include "services/notify/documents/render_svg.h"

namespace ys::notify::documents {
namespace {

// GB/T 9704-2012: A4, 版心 156 mm × 225 mm, top margin 37 mm, left 28 mm; 三号 (16 pt) 仿宋 body,
// 黑体 first-level headings, 二号 (22 pt) 小标宋 title, the page number "— 1 —" under the text.
// Debian's fonts-noto-cjk has no 仿宋 or 小标宋: Noto Serif CJK SC stands in for both, Noto Sans CJK
// SC for 黑体. Chromium prints blocks that use flex or grid across pages badly, so none are used.
constexpr char kStyle[] = R"css(
@page {
  size: A4;
  margin: 37mm 26mm 35mm 28mm;
  @bottom-center {
    content: "— " counter(page) " —";
    font-family: "Noto Serif CJK SC", serif;
    font-size: 14pt;
  }
}
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body {
  margin: 0;
  font-family: "Noto Serif CJK SC", serif;
  font-size: 16pt;
  line-height: 28pt;
  color: #000;
}
.masthead { text-align: center; margin: 0 0 8mm; }
.issuer {
  color: #C00000;
  font-family: "Noto Serif CJK SC", serif;
  font-weight: 700;
  line-height: 1.4;
  white-space: nowrap;
}
.number { margin: 6mm 0 0; line-height: 20pt; }
.number .correction { color: #C00000; }
.red-rule { border: 0; border-top: 2pt solid #C00000; margin: 4mm 0 0; height: 0; }
h1.title {
  font-family: "Noto Serif CJK SC", serif;
  font-weight: 700;
  font-size: 22pt;
  line-height: 34pt;
  text-align: center;
  margin: 0;
}
.subtitle, .extract, .cutoff, .correction-reason { text-align: center; margin: 0; }
.extract { font-weight: 700; }
.correction-reason { color: #C00000; font-size: 14pt; line-height: 22pt; }
.cutoff { font-size: 12pt; line-height: 20pt; color: #444; margin: 2mm 0 6mm; }
h2 {
  font-family: "Noto Sans CJK SC", sans-serif;
  font-weight: 700;
  font-size: 16pt;
  line-height: 28pt;
  margin: 6mm 0 1mm;
  break-after: avoid;
}
.basis {
  font-size: 12pt;
  line-height: 18pt;
  color: #595959;
  border-left: 2pt solid #BFBFBF;
  padding-left: 3mm;
  margin: 0 0 2mm;
}
p.summary, .commentary p { text-indent: 2em; margin: 0; text-align: justify; }
.commentary { margin: 2mm 0; }
.commentary .label { font-family: "Noto Sans CJK SC", sans-serif; font-weight: 700; }
figure.chart { margin: 4mm 0; break-inside: avoid; }
figure.chart svg { display: block; width: 100%; height: auto; }
figcaption {
  font-family: "Noto Sans CJK SC", sans-serif;
  font-size: 12pt;
  line-height: 18pt;
  text-align: center;
  margin: 0 0 1mm;
}
table.data {
  width: 100%;
  border-collapse: collapse;
  font-size: 10.5pt;
  line-height: 15pt;
  margin: 3mm 0;
}
table.data caption {
  font-family: "Noto Sans CJK SC", sans-serif;
  font-weight: 700;
  font-size: 12pt;
  line-height: 18pt;
  padding: 0 0 1mm;
}
table.data th, table.data td { border: 0.5pt solid #000; padding: 0.8mm 1.5mm; vertical-align: middle; }
table.data th {
  background: #EDEDED;
  font-family: "Noto Sans CJK SC", sans-serif;
  font-weight: 700;
  white-space: nowrap;
}
thead { display: table-header-group; }
/* A short table moves whole to the next page rather than leave its caption and head behind. */
table.short { break-inside: avoid; }
tr { break-inside: avoid; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.empty { text-align: center; color: #595959; }
.table-note { font-size: 10.5pt; line-height: 15pt; color: #404040; margin: -1mm 0 3mm; }
section.annex { break-before: page; }
.annex-no { font-family: "Noto Sans CJK SC", sans-serif; font-size: 16pt; line-height: 28pt; }
section.annex h2 {
  font-family: "Noto Serif CJK SC", serif;
  font-size: 18pt;
  line-height: 30pt;
  text-align: center;
  margin: 4mm 0 4mm;
}
.notes h2 { margin-top: 8mm; }
.notes ol { margin: 0; padding-left: 2em; font-size: 12pt; line-height: 20pt; }
.notes li.missing { color: #C00000; }
.signature { text-align: right; margin: 10mm 4em 0 0; }
)css";

// Only drafts carry it: a light diagonal 草稿 on every printed page (fixed elements repeat per page).
constexpr char kWatermarkStyle[] = R"css(
.watermark {
  position: fixed;
  top: 95mm;
  left: 0;
  width: 100%;
  text-align: center;
  font-family: "Noto Sans CJK SC", sans-serif;
  font-size: 120pt;
  line-height: 1;
  color: rgba(192, 0, 0, 0.08);
  transform: rotate(-30deg);
  z-index: 10;
  pointer-events: none;
}
)css";

// Up to this many rows a table is kept on one page (about a third of the 版心 at 10.5 pt).
constexpr int kShortTableRows = 15;

std::string DocumentTitle(const pb::Document& doc) {
  if (!doc.content().title().empty()) return doc.content().title();
  switch (doc.kind()) {
    case pb::DOCUMENT_KIND_BULLETIN:
      return "上饶市优化营商环境工作通报";
    case pb::DOCUMENT_KIND_DISPATCH_PACK:
      return "上饶市优化营商环境工作调度会材料";
    default:
      return doc.id().empty() ? "文档" : doc.id();
  }
}

std::string Period(const pb::Document& doc) {
  return doc.period().empty() ? doc.content().period() : doc.period();
}

bool IsDraft(const pb::Document& doc) { return doc.state() != pb::DOCUMENT_STATE_ISSUED; }

// "2022年10月8日 18:00" in Asia/Shanghai; "" when unset.
std::string ChineseMinute(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() == 0 && ts.nanos() == 0) return "";
  const absl::CivilMinute m = absl::ToCivilMinute(FromProtoTime(ts), Shanghai());
  return absl::StrFormat("%d年%d月%d日 %02d:%02d", m.year(), m.month(), m.day(), m.hour(), m.minute());
}

std::string ChineseDay(const google::protobuf::Timestamp& ts) {
  const absl::CivilDay d = absl::ToCivilDay(FromProtoTime(ts), Shanghai());
  return absl::StrFormat("%d年%d月%d日", d.year(), d.month(), d.day());
}

// Text that may hold line breaks: one escaped paragraph per line.
void Paragraphs(std::string& out, std::string_view text, absl::string_view first_prefix) {
  bool first = true;
  for (absl::string_view line : absl::StrSplit(absl::string_view(text.data(), text.size()), '\n')) {
    absl::StrAppend(&out, "<p>", first ? first_prefix : absl::string_view(), EscapeMarkup(std::string_view(line.data(), line.size())),
                    "</p>\n");
    first = false;
  }
}

void Table(std::string& out, const pb::Table& table) {
  absl::StrAppend(&out, "<table class=\"data", table.rows_size() <= kShortTableRows ? " short" : "",
                  "\" data-key=\"", EscapeMarkup(table.key()), "\">");
  if (!table.title().empty()) absl::StrAppend(&out, "<caption>", EscapeMarkup(table.title()), "</caption>");
  absl::StrAppend(&out, "<thead><tr>");
  for (const std::string& c : table.columns()) absl::StrAppend(&out, "<th>", EscapeMarkup(c), "</th>");
  absl::StrAppend(&out, "</tr></thead>\n<tbody>\n");
  for (const pb::Row& row : table.rows()) {
    absl::StrAppend(&out, "<tr>");
    for (const pb::Cell& cell : row.cells()) {
      absl::StrAppend(&out, cell.numeric() ? "<td class=\"num\">" : "<td>", EscapeMarkup(cell.text()), "</td>");
    }
    absl::StrAppend(&out, "</tr>\n");
  }
  if (table.rows().empty()) {
    absl::StrAppend(&out, "<tr><td class=\"empty\" colspan=\"", std::max(1, table.columns_size()),
                    "\">无</td></tr>\n");
  }
  absl::StrAppend(&out, "</tbody></table>\n");
  if (!table.note().empty()) absl::StrAppend(&out, "<p class=\"table-note\">注：", EscapeMarkup(table.note()), "</p>\n");
}

void Section(std::string& out, const pb::Section& s, int annex_no) {
  absl::StrAppend(&out, "<section class=\"section", annex_no > 0 ? " annex" : "", "\" id=\"sec-",
                  EscapeMarkup(s.key()), "\">\n");
  if (annex_no > 0) absl::StrAppend(&out, "<div class=\"annex-no\">附件", annex_no, "</div>\n");
  absl::StrAppend(&out, "<h2>", EscapeMarkup(s.title()), "</h2>\n");
  if (!s.plan_basis().empty()) absl::StrAppend(&out, "<p class=\"basis\">", EscapeMarkup(s.plan_basis()), "</p>\n");
  for (const std::string& sentence : s.summary()) {
    absl::StrAppend(&out, "<p class=\"summary\">", EscapeMarkup(sentence), "</p>\n");
  }
  if (!s.commentary().empty()) {
    absl::StrAppend(&out, "<div class=\"commentary\">");
    Paragraphs(out, s.commentary(), "<span class=\"label\">市营商办意见：</span>");
    absl::StrAppend(&out, "</div>\n");
  }
  for (const pb::Chart& chart : s.charts()) {
    absl::StrAppend(&out, "<figure class=\"chart\" data-key=\"", EscapeMarkup(chart.key()), "\">");
    if (!chart.title().empty()) absl::StrAppend(&out, "<figcaption>", EscapeMarkup(chart.title()), "</figcaption>");
    absl::StrAppend(&out, ChartSvg(chart), "</figure>\n");
  }
  for (const pb::Table& table : s.tables()) Table(out, table);
  absl::StrAppend(&out, "</section>\n");
}

void Masthead(std::string& out, const pb::Document& doc, const HtmlOptions& options) {
  const pb::DocumentContent& c = doc.content();
  absl::StrAppend(&out, "<header class=\"masthead\">\n");
  if (!c.issuer().empty()) {
    // The 发文机关标志 stays on one line within the 156 mm 版心 (about 440 pt): the longer the name,
    // the smaller the type, from 二号-plus down to 三号.
    size_t n = 0;  // glyphs: UTF-8 lead bytes
    for (unsigned char ch : c.issuer()) n += (ch & 0xC0) != 0x80 ? 1 : 0;
    const int size = std::clamp(static_cast<int>(430 / std::max<size_t>(n, 1)), 16, 36);
    absl::StrAppend(&out, "<div class=\"issuer\" style=\"font-size: ", size, "pt\">", EscapeMarkup(c.issuer()),
                    "</div>\n");
  }
  std::string number = IsDraft(doc) ? "草稿" : EscapeMarkup(doc.number());
  if (doc.correction()) absl::StrAppend(&number, "<span class=\"correction\">（更正）</span>");
  absl::StrAppend(&out, "<div class=\"number\">", number, "</div>\n<hr class=\"red-rule\">\n</header>\n");
  absl::StrAppend(&out, "<h1 class=\"title\">", EscapeMarkup(DocumentTitle(doc)), "</h1>\n");
  if (!c.subtitle().empty()) absl::StrAppend(&out, "<p class=\"subtitle\">", EscapeMarkup(c.subtitle()), "</p>\n");
  if (!options.extract_label.empty()) {
    absl::StrAppend(&out, "<p class=\"extract\">（", EscapeMarkup(options.extract_label), "摘录）</p>\n");
  }
  if (doc.correction() && !doc.correction_reason().empty()) {
    absl::StrAppend(&out, "<p class=\"correction-reason\">更正说明：", EscapeMarkup(doc.correction_reason()),
                    "</p>\n");
  }
  if (const std::string cut_off = ChineseMinute(c.cut_off()); !cut_off.empty()) {
    absl::StrAppend(&out, "<p class=\"cutoff\">数据截至 ", cut_off, "</p>\n");
  }
}

// Where the figures came from and what did not answer: never silent (documents.proto).
void Notes(std::string& out, const pb::DocumentContent& c) {
  if (c.notes().empty() && c.missing().empty()) return;
  absl::StrAppend(&out, "<section class=\"notes\">\n<h2>说明</h2>\n<ol>\n");
  for (const std::string& n : c.notes()) absl::StrAppend(&out, "<li>", EscapeMarkup(n), "</li>\n");
  for (const std::string& m : c.missing()) {
    absl::StrAppend(&out, "<li class=\"missing\">数据缺失：", EscapeMarkup(m), "</li>\n");
  }
  absl::StrAppend(&out, "</ol>\n</section>\n");
}

std::string SafeFilePart(std::string_view s) {
  std::string out(s);
  for (char& ch : out) {
    if (ch == '/' || ch == '\\' || ch == '"' || static_cast<unsigned char>(ch) < 0x20) ch = '_';
  }
  return out;
}

}  // namespace

std::string RenderHtml(const pb::Document& doc, const HtmlOptions& options) {
  const pb::DocumentContent& c = doc.content();
  std::string out = "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n";
  absl::StrAppend(&out, "<title>", EscapeMarkup(DocumentTitle(doc)), " ",
                  IsDraft(doc) ? "草稿" : EscapeMarkup(doc.number()), "</title>\n<style>", kStyle,
                  IsDraft(doc) ? kWatermarkStyle : "", "</style>\n</head>\n<body>\n");
  if (IsDraft(doc)) absl::StrAppend(&out, "<div class=\"watermark\" aria-hidden=\"true\">草稿</div>\n");
  Masthead(out, doc, options);
  // The body's sections in order, then 说明 and the signature, then each annex on its own page
  // (GB/T 9704: 附件 after the 成文日期, "附件N" at the top left of its first page).
  for (const pb::Section& s : c.sections()) {
    if (!s.annex()) Section(out, s, 0);
  }
  Notes(out, c);
  if (!IsDraft(doc) && !c.issuer().empty() && doc.has_issued_at()) {
    absl::StrAppend(&out, "<p class=\"signature\">", EscapeMarkup(c.issuer()), "<br>", ChineseDay(doc.issued_at()),
                    "</p>\n");
  }
  int annex_no = 0;
  for (const pb::Section& s : c.sections()) {
    if (s.annex()) Section(out, s, ++annex_no);
  }
  absl::StrAppend(&out, "</body>\n</html>\n");
  return out;
}

std::string FileName(const pb::Document& doc, pb::RenderFormat format, std::string_view extract_label) {
  std::string name = SafeFilePart(DocumentTitle(doc));
  if (IsDraft(doc) || doc.number().empty()) {
    absl::StrAppend(&name, "-", SafeFilePart(Period(doc)), IsDraft(doc) ? "-草稿" : "");
  } else {
    absl::StrAppend(&name, "-", SafeFilePart(doc.number()));
  }
  if (doc.correction()) absl::StrAppend(&name, "-更正");
  if (!extract_label.empty()) absl::StrAppend(&name, "-", SafeFilePart(extract_label));
  switch (format) {
    case pb::RENDER_FORMAT_HTML:
      return absl::StrCat(name, ".html");
    case pb::RENDER_FORMAT_PDF:
      return absl::StrCat(name, ".pdf");
    case pb::RENDER_FORMAT_XLSX:
      return absl::StrCat(name, ".xlsx");
    default:
      return absl::StrCat(name, ".bin");
  }
}

std::string ContentType(pb::RenderFormat format) {
  switch (format) {
    case pb::RENDER_FORMAT_HTML:
      return "text/html; charset=utf-8";
    case pb::RENDER_FORMAT_PDF:
      return "application/pdf";
    case pb::RENDER_FORMAT_XLSX:
      return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    default:
      return "application/octet-stream";
  }
}

}  // namespace ys::notify::documents
