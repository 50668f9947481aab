// The document renderers (issue #16): the HTML page (公文 layout, escaping, draft and correction
// marks, extracts), the inline SVG charts, file names, and the .xlsx read back by a reader we did not
// write (Debian's python3-openpyxl).

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/run_process.h"
#include "services/notify/documents/render_html.h"
#include "services/notify/documents/render_svg.h"
#include "services/notify/documents/render_xlsx.h"
#include "tests/services/notify/documents/sample_document.h"

namespace ys::notify::documents {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using ::ys::testing::ProcessOutput;
using ::ys::testing::RunProcess;

int Count(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

// --- HTML ------------------------------------------------------------------------------------

TEST(RenderHtmlTest, SectionsInOrderAnnexesOnTheirOwnPages) {
  const std::string html = RenderHtml(sample::Bulletin());
  size_t last = 0;
  for (const std::string& title : sample::SectionTitles()) {
    const size_t at = html.find(EscapeMarkup(title));
    ASSERT_NE(at, std::string::npos) << title;
    EXPECT_GT(at, last) << title << " out of order";
    last = at;
  }
  EXPECT_EQ(Count(html, "<section class=\"section annex\""), 2);
  EXPECT_EQ(Count(html, "<section class=\"section\""), 5);
  const size_t annex1 = html.find("<div class=\"annex-no\">附件1</div>");
  const size_t annex2 = html.find("<div class=\"annex-no\">附件2</div>");
  ASSERT_NE(annex1, std::string::npos);
  ASSERT_NE(annex2, std::string::npos);
  EXPECT_LT(annex1, html.find("预警指标清单"));
  EXPECT_LT(html.find("预警指标清单"), annex2);
  EXPECT_LT(annex2, html.find("督办事项清单"));
  EXPECT_THAT(html, HasSubstr("section.annex { break-before: page; }"));
  // 说明 closes the body, before the annexes.
  const size_t notes = html.find("<h2>说明</h2>");
  ASSERT_NE(notes, std::string::npos);
  EXPECT_GT(notes, html.find(sample::SectionTitles()[4]));
  EXPECT_LT(notes, annex1);
  EXPECT_THAT(html, HasSubstr("<li>惠企通：兑现数据截至2022年9月30日。</li>"));
}

TEST(RenderHtmlTest, MastheadNumberTitleCutOff) {
  const std::string html = RenderHtml(sample::Bulletin());
  EXPECT_THAT(html, StartsWith("<!DOCTYPE html>"));
  EXPECT_THAT(html, HasSubstr("<html lang=\"zh-CN\">"));
  EXPECT_THAT(html, HasSubstr(">上饶市优化营商环境工作领导小组办公室</div>"));
  EXPECT_THAT(html, HasSubstr("<div class=\"number\">2022年第3期</div>\n<hr class=\"red-rule\">"));
  EXPECT_THAT(html, HasSubstr("<h1 class=\"title\">上饶市优化营商环境工作通报</h1>"));
  EXPECT_THAT(html, HasSubstr("<p class=\"subtitle\">2022年第三季度</p>"));
  EXPECT_THAT(html, HasSubstr("<p class=\"cutoff\">数据截至 2022年10月8日 18:00</p>"));
  EXPECT_THAT(html, HasSubstr("<p class=\"basis\">§四(四) 一是对全市各地各单位"));
  EXPECT_THAT(html, HasSubstr("<span class=\"label\">市营商办意见：</span>请排名靠后指标的牵头单位"));
  EXPECT_THAT(html, HasSubstr("<p>各县（市、区）同步抓好落实。</p>"));  // the commentary's second line
  EXPECT_THAT(html, HasSubstr("上饶市优化营商环境工作领导小组办公室<br>2022年10月10日"));
  // 18 glyphs in about 430 pt: 23 pt, one line.
  EXPECT_THAT(html, HasSubstr("<div class=\"issuer\" style=\"font-size: 23pt\">"));
  EXPECT_THAT(html, Not(HasSubstr("草稿")));
  EXPECT_THAT(html, Not(HasSubstr("watermark")));
  EXPECT_THAT(html, Not(HasSubstr("摘录")));
  EXPECT_THAT(html, Not(HasSubstr("更正")));
}

TEST(RenderHtmlTest, DraftSaysSoAndCarriesTheWatermark) {
  const std::string html = RenderHtml(sample::Bulletin(pb::DOCUMENT_STATE_DRAFT));
  EXPECT_THAT(html, HasSubstr("<div class=\"number\">草稿</div>"));
  EXPECT_EQ(Count(html, "<div class=\"watermark\" aria-hidden=\"true\">草稿</div>"), 1);
  EXPECT_THAT(html, HasSubstr("position: fixed;"));
  EXPECT_THAT(html, Not(HasSubstr("2022年第3期")));
  EXPECT_THAT(html, Not(HasSubstr("class=\"signature\"")));  // no 成文日期 before issue
}

TEST(RenderHtmlTest, CorrectionKeepsTheNumberAndGivesTheReason) {
  pb::Document doc = sample::Bulletin();
  doc.set_version(2);
  doc.set_correction(true);
  doc.set_correction_reason("附件2第3项责任单位有误");
  const std::string html = RenderHtml(doc);
  EXPECT_THAT(html, HasSubstr("<div class=\"number\">2022年第3期<span class=\"correction\">（更正）</span></div>"));
  EXPECT_THAT(html, HasSubstr("<p class=\"correction-reason\">更正说明：附件2第3项责任单位有误</p>"));
}

TEST(RenderHtmlTest, EscapesEveryText) {
  pb::Document doc = sample::Bulletin();
  doc.mutable_content()->set_title("通报<script>alert('x')</script>");
  doc.mutable_content()->mutable_sections(0)->set_commentary("A & B \"引号\"");
  const std::string html = RenderHtml(doc);
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, HasSubstr("通报&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
  EXPECT_THAT(html, HasSubstr("A &amp; B &quot;引号&quot;"));
  // A table cell.
  EXPECT_THAT(html, HasSubstr("<td>市场监管（“双随机&lt;&amp;&gt;信用”）</td>"));
  EXPECT_THAT(html, Not(HasSubstr("<&>")));
}

TEST(RenderHtmlTest, PrintCssPagesNumbersTables) {
  const std::string html = RenderHtml(sample::Bulletin());
  EXPECT_THAT(html, HasSubstr("size: A4;"));
  EXPECT_THAT(html, HasSubstr("margin: 37mm 26mm 35mm 28mm;"));
  EXPECT_THAT(html, HasSubstr("@bottom-center {\n    content: \"— \" counter(page) \" —\";"));
  EXPECT_THAT(html, HasSubstr("thead { display: table-header-group; }"));
  EXPECT_THAT(html, HasSubstr("tr { break-inside: avoid; }"));
  EXPECT_THAT(html, HasSubstr("font-family: \"Noto Serif CJK SC\", serif;"));
  EXPECT_THAT(html, HasSubstr("print-color-adjust: exact"));
  // Numbers right-aligned, text not.
  EXPECT_THAT(html, HasSubstr("<td>办理建筑许可</td><td>市住房和城乡建设局</td><td class=\"num\">第9名</td>"));
  EXPECT_THAT(html, HasSubstr("<thead><tr><th>指标</th><th>牵头单位</th><th>本期排名</th>"));
  EXPECT_THAT(html, HasSubstr("<p class=\"table-note\">注：上游：第1–3名（本地口径）</p>"));
  // Short tables stay on one page; the 40 督办事项 run on, their head repeated.
  EXPECT_THAT(html, HasSubstr("<table class=\"data short\" data-key=\"l1_ranks\">"));
  EXPECT_THAT(html, HasSubstr("<table class=\"data\" data-key=\"items\">"));
  // An empty table still shows its header and says so.
  EXPECT_THAT(html, HasSubstr("<tbody>\n<tr><td class=\"empty\" colspan=\"3\">无</td></tr>"));
}

TEST(RenderHtmlTest, StandaloneNoScriptNoExternalResources) {
  const std::string html = RenderHtml(sample::Bulletin(pb::DOCUMENT_STATE_DRAFT));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("url(")));
  EXPECT_THAT(html, Not(HasSubstr("<link")));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  // The only "http" is the SVG namespace, once per chart.
  EXPECT_EQ(Count(html, "http"), 3);
  EXPECT_EQ(Count(html, "xmlns=\"http://www.w3.org/2000/svg\""), 3);
  EXPECT_EQ(Count(html, "<svg "), 3);
}

TEST(RenderHtmlTest, ExtractLabelInTheTitleBlock) {
  const std::string html = RenderHtml(sample::Bulletin(), {.extract_label = "市商务局"});
  const size_t extract = html.find("<p class=\"extract\">（市商务局摘录）</p>");
  ASSERT_NE(extract, std::string::npos);
  EXPECT_GT(extract, html.find("<h1 class=\"title\">"));
  EXPECT_LT(extract, html.find("<section"));
}

TEST(RenderHtmlTest, MissingSourcesAreListed) {
  pb::Document doc = sample::Bulletin(pb::DOCUMENT_STATE_DRAFT);
  doc.mutable_content()->add_missing("ranking: UNAVAILABLE 连接被拒绝");
  EXPECT_THAT(RenderHtml(doc), HasSubstr("<li class=\"missing\">数据缺失：ranking: UNAVAILABLE 连接被拒绝</li>"));
}

// --- SVG -------------------------------------------------------------------------------------

TEST(ChartSvgTest, RankTrendPointsGapsAndBand) {
  const std::string svg = ChartSvg(sample::RankTrend());
  EXPECT_THAT(svg, StartsWith("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart chart-rank-trend\""));
  EXPECT_THAT(svg, HasSubstr("font-family=\"'Noto Sans CJK SC'"));
  EXPECT_EQ(Count(svg, "<path class=\"series-line\""), 2);  // one line per series
  EXPECT_EQ(Count(svg, "<circle class=\"point\""), 7);      // 8 values, one NaN
  EXPECT_EQ(Count(svg, "<text class=\"value\""), 7);
  // The NaN in 2022Q2 lifts the pen: the first series is drawn in two pieces, the second in one.
  const size_t first = svg.find("<path class=\"series-line\" d=\"");
  const size_t second = svg.find("<path class=\"series-line\" d=\"", first + 1);
  const std::string d1 = svg.substr(first, svg.find('"', first + 30) - first);
  const std::string d2 = svg.substr(second, svg.find('"', second + 30) - second);
  EXPECT_EQ(Count(d1, "M"), 2) << d1;
  EXPECT_EQ(Count(d1, "L"), 1) << d1;
  EXPECT_EQ(Count(d2, "M"), 1) << d2;
  EXPECT_EQ(Count(d2, "L"), 3) << d2;
  EXPECT_EQ(Count(svg, "<rect class=\"band\""), 1);
  EXPECT_THAT(svg, HasSubstr(">目标 前3</text>"));
  EXPECT_THAT(svg, HasSubstr(">底线 第6</text>"));
  // Ranks 1..11 on the axis, first place on top: rank 1 at y=24, rank 11 at y=264.
  EXPECT_THAT(svg, HasSubstr("y1=\"24.0\" y2=\"24.0\""));
  EXPECT_THAT(svg, HasSubstr("y1=\"264.0\" y2=\"264.0\""));
  for (const char* p : {">2021Q4<", ">2022Q1<", ">2022Q2<", ">2022Q3<", ">综合排名<", ">开办企业<"}) {
    EXPECT_THAT(svg, HasSubstr(p));
  }
}

TEST(ChartSvgTest, RankTrendWithoutBandHasNone) {
  pb::Chart chart = sample::RankTrend();
  chart.set_band_target(0);
  chart.set_band_floor(0);
  const std::string svg = ChartSvg(chart);
  EXPECT_THAT(svg, Not(HasSubstr("class=\"band")));
  EXPECT_THAT(svg, Not(HasSubstr("目标")));
  EXPECT_THAT(svg, Not(HasSubstr("底线")));
}

TEST(ChartSvgTest, HeatmapOneCellPerIndicatorAndCounty) {
  const std::string svg = ChartSvg(sample::Heatmap());
  EXPECT_EQ(Count(svg, "<rect class=\"cell\""), 19 * 12);
  EXPECT_EQ(Count(svg, "<text class=\"rank\""), 19 * 12);
  ASSERT_GT(sample::HeatNaNs(), 0);
  EXPECT_EQ(Count(svg, "fill=\"#D9D9D9\" stroke"), sample::HeatNaNs());
  EXPECT_EQ(Count(svg, ">—</text>"), sample::HeatNaNs());
  EXPECT_EQ(Count(svg, "<text class=\"y-label\""), 12);
  EXPECT_THAT(svg, HasSubstr(">分档为本地口径</text>"));
  EXPECT_THAT(svg, HasSubstr(">第1–30名</text>"));
  // Row 0, column 0 is rank 1: the best band, its number printed.
  EXPECT_THAT(svg, HasSubstr("fill=\"#63BE7B\" stroke=\"#FFFFFF\" stroke-width=\"1\"/><text class=\"rank\""));
  // Long indicator names do not fit across 19 columns: one glyph under another.
  EXPECT_THAT(svg, HasSubstr("<tspan"));
}

TEST(ChartSvgTest, RankBandsAreTheLocalPolicy) {
  EXPECT_EQ(RankBand(1, 11), 0);
  EXPECT_EQ(RankBand(3, 11), 0);
  EXPECT_EQ(RankBand(4, 11), 1);
  EXPECT_EQ(RankBand(6, 11), 1);
  EXPECT_EQ(RankBand(7, 11), 2);
  EXPECT_EQ(RankBand(9, 11), 2);
  EXPECT_EQ(RankBand(10, 11), 3);
  EXPECT_EQ(RankBand(30, 100), 0);
  EXPECT_EQ(RankBand(31, 100), 1);
  EXPECT_EQ(RankBand(50, 100), 1);
  EXPECT_EQ(RankBand(51, 100), 2);
  EXPECT_EQ(RankBand(70, 100), 2);
  EXPECT_EQ(RankBand(71, 100), 3);
  EXPECT_EQ(RankBand(std::nan(""), 100), -1);
  EXPECT_EQ(RankBand(0, 11), -1);
}

TEST(ChartSvgTest, BarsWithValuesAndUnit) {
  const std::string svg = ChartSvg(sample::Bars());
  EXPECT_EQ(Count(svg, "<rect class=\"bar\""), 5);
  EXPECT_THAT(svg, HasSubstr(">单位：万元</text>"));
  EXPECT_THAT(svg, HasSubstr(">1234.5</text>"));
  EXPECT_THAT(svg, HasSubstr(">760.25</text>"));
  EXPECT_THAT(svg, HasSubstr(">1502</text>"));
  EXPECT_THAT(svg, HasSubstr(">2000</text>"));  // the axis' top, a round number above 1502
}

TEST(ChartSvgTest, DeterministicEscapedAndEmptyCharts) {
  EXPECT_EQ(ChartSvg(sample::Heatmap()), ChartSvg(sample::Heatmap()));
  pb::Chart chart = sample::Bars();
  chart.set_title("金额<&>");
  chart.set_x_labels(0, "A&B");
  const std::string svg = ChartSvg(chart);
  EXPECT_THAT(svg, HasSubstr("<title>金额&lt;&amp;&gt;</title>"));
  EXPECT_THAT(svg, HasSubstr(">A&amp;B</text>"));
  pb::Chart empty;
  empty.set_kind(pb::CHART_KIND_HEATMAP);
  EXPECT_THAT(ChartSvg(empty), HasSubstr(">无数据</text>"));
}

// --- file names ------------------------------------------------------------------------------

TEST(FileNameTest, IssuedDraftExtractCorrection) {
  const pb::Document issued = sample::Bulletin();
  EXPECT_EQ(FileName(issued, pb::RENDER_FORMAT_PDF), "上饶市优化营商环境工作通报-2022年第3期.pdf");
  EXPECT_EQ(FileName(issued, pb::RENDER_FORMAT_HTML), "上饶市优化营商环境工作通报-2022年第3期.html");
  EXPECT_EQ(FileName(issued, pb::RENDER_FORMAT_PDF, "市商务局"), "上饶市优化营商环境工作通报-2022年第3期-市商务局.pdf");
  EXPECT_EQ(FileName(sample::Bulletin(pb::DOCUMENT_STATE_DRAFT), pb::RENDER_FORMAT_XLSX),
            "上饶市优化营商环境工作通报-2022Q3-草稿.xlsx");
  pb::Document corrected = issued;
  corrected.set_correction(true);
  EXPECT_EQ(FileName(corrected, pb::RENDER_FORMAT_PDF, "广丰区"), "上饶市优化营商环境工作通报-2022年第3期-更正-广丰区.pdf");
  pb::Document pack;
  pack.set_kind(pb::DOCUMENT_KIND_DISPATCH_PACK);
  pack.set_period("2022-09");
  pack.set_state(pb::DOCUMENT_STATE_ISSUED);
  pack.set_number("2022年9月");
  EXPECT_EQ(FileName(pack, pb::RENDER_FORMAT_PDF), "上饶市优化营商环境工作调度会材料-2022年9月.pdf");
  pack.set_number("第1/2期");  // never a path
  EXPECT_EQ(FileName(pack, pb::RENDER_FORMAT_PDF), "上饶市优化营商环境工作调度会材料-第1_2期.pdf");
}

TEST(FileNameTest, ContentTypes) {
  EXPECT_EQ(ContentType(pb::RENDER_FORMAT_HTML), "text/html; charset=utf-8");
  EXPECT_EQ(ContentType(pb::RENDER_FORMAT_PDF), "application/pdf");
  EXPECT_EQ(ContentType(pb::RENDER_FORMAT_XLSX), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
}

// --- .xlsx through openpyxl ------------------------------------------------------------------

constexpr char kPython[] = "/usr/bin/python3";

// Each sheet: "#sheet<TAB>name", "#freeze<TAB>cell", then each row as type:value cells.
constexpr char kDumpXlsx[] = R"(import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
for ws in wb.worksheets:
    print("#sheet\t" + ws.title)
    print("#freeze\t%s\t%s" % (ws.freeze_panes, ws.cell(row=1, column=1).font.b))
    for row in ws.iter_rows(values_only=True):
        print("\t".join("" if v is None else "%s:%s" % (type(v).__name__, str(v).replace("\n", "\\n")) for v in row))
)";

struct SheetDump {
  std::string name;
  std::string freeze;
  std::string a1_bold;
  std::vector<std::vector<std::string>> rows;
};

std::vector<SheetDump> ReadXlsx(const std::string& bytes) {
  std::string path = (std::filesystem::temp_directory_path() / "ys-documents-test-XXXXXX.xlsx").string();
  const int fd = mkstemps(path.data(), 5);
  EXPECT_GE(fd, 0);
  if (fd >= 0) close(fd);
  std::ofstream(path, std::ios::binary) << bytes;
  const ProcessOutput out = RunProcess({kPython, "-c", kDumpXlsx, path});
  std::filesystem::remove(path);
  EXPECT_EQ(out.exit_code, 0) << out.text;
  std::vector<SheetDump> sheets;
  for (absl::string_view line : absl::StrSplit(out.text, '\n', absl::SkipEmpty())) {
    std::vector<std::string> cells = absl::StrSplit(line, '\t');
    if (cells[0] == "#sheet") {
      sheets.push_back({cells[1], "", "", {}});
    } else if (sheets.empty()) {
      ADD_FAILURE() << line;
    } else if (cells[0] == "#freeze") {
      sheets.back().freeze = cells[1];
      sheets.back().a1_bold = cells[2];
    } else {
      sheets.back().rows.push_back(std::move(cells));
    }
  }
  return sheets;
}

bool HasOpenpyxl(std::string& why) {
  if (access(kPython, X_OK) != 0) {
    why = "/usr/bin/python3 is missing";
    return false;
  }
  const ProcessOutput out = RunProcess({kPython, "-c", "import openpyxl"});
  if (out.exit_code != 0) {
    why = "/usr/bin/python3 cannot import openpyxl (Debian python3-openpyxl): " + out.text;
    return false;
  }
  return true;
}

TEST(RenderXlsxTest, IsAZip) {
  absl::StatusOr<std::string> xlsx = RenderXlsx(sample::Bulletin());
  ASSERT_TRUE(xlsx.ok()) << xlsx.status();
  EXPECT_THAT(*xlsx, StartsWith("PK"));
}

TEST(RenderXlsxTest, SheetsHeadersNumbersChineseReadByOpenpyxl) {
  std::string why;
  if (!HasOpenpyxl(why)) GTEST_SKIP() << why;
  absl::StatusOr<std::string> xlsx = RenderXlsx(sample::Bulletin());
  ASSERT_TRUE(xlsx.ok()) << xlsx.status();
  const std::vector<SheetDump> sheets = ReadXlsx(*xlsx);
  std::vector<std::string> names;
  for (const SheetDump& s : sheets) names.push_back(s.name);
  // The summary, then one sheet per table: cut to 31 characters, '/' replaced, duplicates numbered.
  EXPECT_THAT(names, ElementsAre("概要", "18项一级指标全省排名", "八大行动推进情况：按行动统计_截至本季度末（含已销号、推进中和",
                                 "排名情况", "排名情况(2)", "惠企政策兑现情况", "预警指标", "督办事项"));
  ASSERT_EQ(sheets.size(), 8u);

  const SheetDump& summary = sheets[0];
  ASSERT_GE(summary.rows.size(), 6u);
  EXPECT_EQ(summary.rows[0][0], "str:上饶市优化营商环境工作通报");
  auto has_row = [&](const SheetDump& s, const std::vector<std::string>& want) {
    for (const auto& row : s.rows) {
      if (row.size() >= want.size() && std::equal(want.begin(), want.end(), row.begin())) return true;
    }
    return false;
  };
  EXPECT_TRUE(has_row(summary, {"str:编号", "str:2022年第3期"}));
  EXPECT_TRUE(has_row(summary, {"str:期间", "str:2022Q3"}));
  EXPECT_TRUE(has_row(summary, {"str:数据截至", "str:2022年10月8日 18:00"}));
  EXPECT_TRUE(has_row(summary, {"str:内容SHA-256", "str:" + sample::Bulletin().content_sha256()}));
  EXPECT_TRUE(has_row(summary, {"str:情况", "str:第三季度全市营商环境综合排名全省第3名，较上季度上升1位，达到进入全省前三的目标。"}));
  EXPECT_TRUE(has_row(summary, {"str:市营商办意见",
                                "str:请排名靠后指标的牵头单位对照短板，一个月内报送整改措施。\\n各县（市、区）同步抓好落实。"}));
  EXPECT_TRUE(has_row(summary, {"str:附件2　督办事项清单"}));

  const SheetDump& ranks = sheets[1];
  EXPECT_EQ(ranks.freeze, "A2");
  EXPECT_EQ(ranks.a1_bold, "True");
  ASSERT_GE(ranks.rows.size(), 5u);
  EXPECT_THAT(ranks.rows[0], ElementsAre("str:指标", "str:牵头单位", "str:本期排名", "str:上期排名", "str:变化"));
  EXPECT_THAT(ranks.rows[2], ElementsAre("str:办理建筑许可", "str:市住房和城乡建设局", "int:9", "int:8", "str:↓1"));
  EXPECT_EQ(ranks.rows[4][0], "str:市场监管（“双随机<&>信用”）");
  EXPECT_TRUE(has_row(ranks, {"str:注：上游：第1–3名（本地口径）"}));

  const SheetDump& money = sheets[5];
  ASSERT_GE(money.rows.size(), 2u);
  EXPECT_THAT(money.rows[1], ElementsAre("str:信州区", "float:1234.5", "int:312"));

  // An empty table keeps its header.
  const SheetDump& empty = sheets[4];
  ASSERT_GE(empty.rows.size(), 1u);
  EXPECT_THAT(empty.rows[0], ElementsAre("str:任务", "str:责任单位", "str:状态"));
  EXPECT_EQ(empty.freeze, "A2");

  EXPECT_EQ(sheets[7].rows.size(), 1u + 40u + 2u);  // header, 40 items, a blank row, the title
}

TEST(RenderXlsxTest, DraftSaysSo) {
  std::string why;
  if (!HasOpenpyxl(why)) GTEST_SKIP() << why;
  pb::Document doc = sample::Bulletin(pb::DOCUMENT_STATE_DRAFT);
  doc.set_correction(true);
  absl::StatusOr<std::string> xlsx = RenderXlsx(doc);
  ASSERT_TRUE(xlsx.ok()) << xlsx.status();
  const std::vector<SheetDump> sheets = ReadXlsx(*xlsx);
  ASSERT_FALSE(sheets.empty());
  bool found = false;
  for (const auto& row : sheets[0].rows) found = found || (row.size() >= 2 && row[0] == "str:编号" && row[1] == "str:草稿（更正）");
  EXPECT_TRUE(found);
}

TEST(RenderXlsxTest, TextLongerThanACellIsRefused) {
  pb::Document doc = sample::Bulletin();
  doc.mutable_content()->mutable_sections(0)->set_commentary(std::string(40000, 'x'));
  absl::StatusOr<std::string> xlsx = RenderXlsx(doc);
  EXPECT_EQ(xlsx.status().code(), absl::StatusCode::kInvalidArgument) << xlsx.status();
}

}  // namespace
}  // namespace ys::notify::documents
