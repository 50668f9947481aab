#pragma once

// A document (the dispatch pack or the bulletin, plan §四(三)/(四)) as one printable HTML page in the
// 公文 manner (GB/T 9704 as far as the fonts allow): A4, a red 发文机关标志 with its red rule, the number,
// the sections in order with their charts and tables, annexes on their own pages. The PDF is this page
// printed by headless Chromium (pdf_printer.h).

#include <string>
#include <string_view>

#include "yingshang/notify/v1/documents.pb.h"

namespace ys::notify::documents {

namespace pb = ::yingshang::notify::v1;

struct HtmlOptions {
  std::string extract_label;  // "" the whole document; else e.g. "市商务局" -> title block says "（市商务局摘录）"
};

// A standalone UTF-8 HTML page (no external resources, no script): A4 print CSS, charts as inline SVG.
std::string RenderHtml(const pb::Document& doc, const HtmlOptions& options = {});

// "上饶市优化营商环境工作通报-2022年第3期.pdf" / "...-2022Q3-草稿.xlsx" / with "-市商务局" before the
// extension for an extract; "-更正" after the number for a correction (it keeps the number).
std::string FileName(const pb::Document& doc, pb::RenderFormat format, std::string_view extract_label = "");

// text/html; charset=utf-8, application/pdf, the xlsx type.
std::string ContentType(pb::RenderFormat format);

}  // namespace ys::notify::documents
