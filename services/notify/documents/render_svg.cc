#include "services/notify/documents/render_svg.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace ys::notify::documents {
namespace {

// The viewBox is 620 units wide and drawn at the A4 text width (210 − 28 − 26 = 156 mm), so one
// unit is about 0.25 mm; 14 units is about 10 pt on paper.
constexpr double kWidth = 620;
constexpr double kFont = 14;
constexpr double kSmallFont = 12;
constexpr char kFontFamily[] = "'Noto Sans CJK SC', 'Noto Serif CJK SC', sans-serif";

// Series colours, each with a dash pattern so that colour is never the only signal.
constexpr const char* kSeriesColours[] = {"#C00000", "#1F4E79", "#548235", "#BF8F00", "#7030A0", "#2E75B6"};
constexpr const char* kSeriesDashes[] = {"", "6 3", "2 3", "8 3 2 3", "4 4", "1 2"};
constexpr size_t kPalette = std::size(kSeriesColours);

// Heat map bands, best to worst, then "no rank"; pale enough for black numbers on each.
constexpr const char* kBandColours[] = {"#63BE7B", "#C6E0B4", "#FFD966", "#F4B183"};
constexpr char kNoRankColour[] = "#D9D9D9";

std::string Num(double v) { return absl::StrFormat("%.1f", v); }

// A value as printed on a chart: integers bare, else up to two decimals.
std::string Label(double v) {
  if (std::fabs(v - std::round(v)) < 1e-9) return absl::StrFormat("%.0f", v);
  std::string s = absl::StrFormat("%.2f", v);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

std::vector<std::string_view> Glyphs(std::string_view text) {
  std::vector<std::string_view> out;
  for (size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    len = std::min(len, text.size() - i);
    out.push_back(text.substr(i, len));
    i += len;
  }
  return out;
}

// Estimated drawn width: a CJK glyph is one em, Latin and digits about half.
double TextWidth(std::string_view text, double font) {
  double w = 0;
  for (std::string_view g : Glyphs(text)) w += g.size() >= 3 ? font : font * 0.55;
  return w;
}

std::string Text(double x, double y, absl::string_view text, absl::string_view cls, absl::string_view anchor,
                 double font = kSmallFont, absl::string_view extra = "") {
  return absl::StrCat("<text class=\"", cls, "\" x=\"", Num(x), "\" y=\"", Num(y), "\" font-size=\"", Num(font),
                      "\" text-anchor=\"", anchor, "\"", extra, ">",
                      EscapeMarkup(std::string_view(text.data(), text.size())), "</text>");
}

std::string Open(const pb::Chart& chart, double height) {
  const std::string kind = chart.kind() == pb::CHART_KIND_RANK_TREND ? "rank-trend"
                           : chart.kind() == pb::CHART_KIND_HEATMAP  ? "heatmap"
                           : chart.kind() == pb::CHART_KIND_BAR      ? "bar"
                                                                     : "unknown";
  return absl::StrCat("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart chart-", kind, "\" viewBox=\"0 0 ",
                      Num(kWidth), " ", Num(height), "\" width=\"100%\" font-family=\"", kFontFamily,
                      "\" role=\"img\"><title>", EscapeMarkup(chart.title()), "</title>");
}

std::string NoData(const pb::Chart& chart) {
  return absl::StrCat(Open(chart, 40),
                      "<rect x=\"0.5\" y=\"0.5\" width=\"619\" height=\"39\" fill=\"none\" stroke=\"#999\"/>",
                      Text(kWidth / 2, 25, "无数据", "empty", "middle", kFont), "</svg>");
}

// A row of legend entries starting at `y`, wrapped to the width; returns the y below it.
struct LegendEntry {
  std::string swatch;  // drawn with its left edge at x, centred on y: filled in by the caller's kind
  std::string text;
};

double Legend(std::string& out, double y, const std::vector<LegendEntry>& entries, double swatch_width) {
  double x = 10;
  for (const LegendEntry& e : entries) {
    const double w = swatch_width + 6 + TextWidth(e.text, kSmallFont) + 16;
    if (x + w > kWidth && x > 10) {
      x = 10;
      y += 18;
    }
    absl::StrAppend(&out, "<g class=\"legend\" transform=\"translate(", Num(x), " ", Num(y), ")\">", e.swatch,
                    Text(swatch_width + 6, 4, e.text, "legend-text", "start"), "</g>");
    x += w;
  }
  return y + 18;
}

// 1, 2, 2.5 or 5 times a power of ten, at least v.
double NiceCeil(double v) {
  if (v <= 0) return 1;
  const double p = std::pow(10, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * p >= v - 1e-9) return m * p;
  }
  return 10 * p;
}

double Value(const pb::Series& s, int i) {
  return i < s.values_size() ? s.values(i) : std::nan("");
}

// --- rank trend ------------------------------------------------------------------------------

std::string RankTrend(const pb::Chart& chart) {
  const int n = chart.x_labels_size();
  if (n == 0 || chart.series().empty()) return NoData(chart);
  double scale = chart.scale_max();
  if (scale < 2) {
    scale = std::max({2.0, chart.band_floor(), chart.band_target()});
    for (const pb::Series& s : chart.series()) {
      for (double v : s.values()) {
        if (!std::isnan(v)) scale = std::max(scale, std::ceil(v));
      }
    }
  }
  constexpr double kLeft = 44, kRight = 80, kTop = 24, kPlot = 240;
  const double plot_w = kWidth - kLeft - kRight;
  const double step = plot_w / n;
  auto x_of = [&](int i) { return kLeft + (i + 0.5) * step; };
  auto y_of = [&](double rank) { return kTop + (std::clamp(rank, 1.0, scale) - 1) / (scale - 1) * kPlot; };

  std::string body;
  // Ranks run downwards: first place on top.
  absl::StrAppend(&body, Text(kLeft - 8, kTop - 10, "名次", "axis-title", "end"));
  const double tick = scale <= 20 ? 1 : NiceCeil(scale / 10);
  std::vector<double> ticks = {1};
  for (double t = tick; t <= scale + 1e-9; t += tick) {
    if (t > 1) ticks.push_back(t);
  }
  for (double t : ticks) {
    absl::StrAppend(&body, "<line class=\"grid\" x1=\"", Num(kLeft), "\" x2=\"", Num(kLeft + plot_w), "\" y1=\"",
                    Num(y_of(t)), "\" y2=\"", Num(y_of(t)), "\" stroke=\"#E0E0E0\" stroke-width=\"0.8\"/>",
                    Text(kLeft - 6, y_of(t) + 4, Label(t), "tick", "end"));
  }
  // 目标 and 底线: the band the unit must stay in (§四(四) ranks; the numbers come with the chart).
  const double target = chart.band_target(), floor = chart.band_floor();
  if (target > 0 && floor > 0) {
    const double y1 = y_of(std::min(target, floor)), y2 = y_of(std::max(target, floor));
    absl::StrAppend(&body, "<rect class=\"band\" x=\"", Num(kLeft), "\" y=\"", Num(y1), "\" width=\"", Num(plot_w),
                    "\" height=\"", Num(std::max(y2 - y1, 1.0)), "\" fill=\"#E2EFDA\" fill-opacity=\"0.8\"/>");
  }
  if (target > 0) {
    absl::StrAppend(&body, "<line class=\"band-line\" x1=\"", Num(kLeft), "\" x2=\"", Num(kLeft + plot_w),
                    "\" y1=\"", Num(y_of(target)), "\" y2=\"", Num(y_of(target)),
                    "\" stroke=\"#548235\" stroke-dasharray=\"5 3\"/>",
                    Text(kLeft + plot_w + 4, y_of(target) + 4, absl::StrCat("目标 前", Label(target)), "band-label",
                         "start"));
  }
  if (floor > 0) {
    absl::StrAppend(&body, "<line class=\"band-line\" x1=\"", Num(kLeft), "\" x2=\"", Num(kLeft + plot_w),
                    "\" y1=\"", Num(y_of(floor)), "\" y2=\"", Num(y_of(floor)),
                    "\" stroke=\"#C00000\" stroke-dasharray=\"5 3\"/>",
                    Text(kLeft + plot_w + 4, y_of(floor) + 4, absl::StrCat("底线 第", Label(floor)), "band-label",
                         "start"));
  }
  absl::StrAppend(&body, "<rect class=\"frame\" x=\"", Num(kLeft), "\" y=\"", Num(kTop), "\" width=\"", Num(plot_w),
                  "\" height=\"", Num(kPlot), "\" fill=\"none\" stroke=\"#999\" stroke-width=\"0.8\"/>");
  for (int i = 0; i < n; ++i) {
    absl::StrAppend(&body, Text(x_of(i), kTop + kPlot + 16, chart.x_labels(i), "x-label", "middle"));
  }
  std::vector<LegendEntry> legend;
  for (int s = 0; s < chart.series_size(); ++s) {
    const pb::Series& series = chart.series(s);
    const char* colour = kSeriesColours[s % kPalette];
    const std::string dash = kSeriesDashes[s % kPalette];
    const std::string dash_attr = dash.empty() ? "" : absl::StrCat(" stroke-dasharray=\"", dash, "\"");
    // One path per series; a missing value (NaN) lifts the pen, so a gap shows as a gap.
    std::string d, points;
    bool pen_down = false;
    for (int i = 0; i < n; ++i) {
      const double v = Value(series, i);
      if (std::isnan(v)) {
        pen_down = false;
        continue;
      }
      absl::StrAppend(&d, d.empty() ? "" : " ", pen_down ? "L" : "M", Num(x_of(i)), " ", Num(y_of(v)));
      pen_down = true;
      absl::StrAppend(&points, "<circle class=\"point\" cx=\"", Num(x_of(i)), "\" cy=\"", Num(y_of(v)),
                      "\" r=\"3.5\" fill=\"", colour, "\"/>",
                      Text(x_of(i), y_of(v) - 7, Label(v), "value", "middle", kSmallFont,
                           absl::StrCat(" fill=\"", colour, "\"")));
    }
    absl::StrAppend(&body, "<g class=\"series\">");
    if (!d.empty()) {
      absl::StrAppend(&body, "<path class=\"series-line\" d=\"", d, "\" fill=\"none\" stroke=\"", colour,
                      "\" stroke-width=\"2\"", dash_attr, "/>");
    }
    absl::StrAppend(&body, points, "</g>");
    legend.push_back({absl::StrCat("<line x1=\"0\" x2=\"22\" y1=\"0\" y2=\"0\" stroke=\"", colour,
                                   "\" stroke-width=\"2\"", dash_attr, "/><circle cx=\"11\" cy=\"0\" r=\"3\" fill=\"",
                                   colour, "\"/>"),
                      series.name()});
  }
  std::string legend_svg;
  const double height = Legend(legend_svg, kTop + kPlot + 38, legend, 22);
  return absl::StrCat(Open(chart, height), body, legend_svg, "</svg>");
}

// --- heat map --------------------------------------------------------------------------------

std::string Heatmap(const pb::Chart& chart) {
  const int nx = chart.x_labels_size(), ny = chart.y_labels_size();
  if (nx == 0 || ny == 0 || chart.series().empty()) return NoData(chart);
  const pb::Series& values = chart.series(0);
  double label_w = 0;
  for (const std::string& y : chart.y_labels()) label_w = std::max(label_w, TextWidth(y, kSmallFont));
  label_w = std::min(label_w, 110.0) + 8;
  const double cell_w = (kWidth - label_w - 2) / nx;
  constexpr double kCellH = 20;
  // Column heads across when they fit, else one glyph under another (as Chinese tables do).
  bool across = true;
  size_t longest = 0;
  for (const std::string& x : chart.x_labels()) {
    across = across && TextWidth(x, kSmallFont) <= cell_w - 2;
    longest = std::max(longest, Glyphs(x).size());
  }
  constexpr size_t kMaxStacked = 8;
  const double head_h = across ? 20 : std::min(longest, kMaxStacked) * (kSmallFont + 1) + 8;
  const double top = head_h + 2;

  std::string body;
  for (int x = 0; x < nx; ++x) {
    const double cx = label_w + (x + 0.5) * cell_w;
    if (across) {
      absl::StrAppend(&body, Text(cx, head_h - 6, chart.x_labels(x), "x-label", "middle"));
      continue;
    }
    std::vector<std::string_view> glyphs = Glyphs(chart.x_labels(x));
    if (glyphs.size() > kMaxStacked) {
      glyphs.resize(kMaxStacked);
      glyphs.back() = "…";
    }
    absl::StrAppend(&body, "<text class=\"x-label\" font-size=\"", Num(kSmallFont), "\" text-anchor=\"middle\">");
    // Bottom-aligned: every head ends just above its column.
    const double first = head_h - 6 - (glyphs.size() - 1) * (kSmallFont + 1);
    for (size_t g = 0; g < glyphs.size(); ++g) {
      absl::StrAppend(&body, "<tspan x=\"", Num(cx), "\" y=\"", Num(first + g * (kSmallFont + 1)), "\">",
                      EscapeMarkup(glyphs[g]), "</tspan>");
    }
    absl::StrAppend(&body, "</text>");
  }
  for (int y = 0; y < ny; ++y) {
    const double ry = top + y * kCellH;
    absl::StrAppend(&body, Text(label_w - 6, ry + kCellH / 2 + 4, chart.y_labels(y), "y-label", "end"));
    for (int x = 0; x < nx; ++x) {
      const double v = Value(values, y * nx + x);
      const int band = RankBand(v, chart.scale_max());
      absl::StrAppend(&body, "<rect class=\"cell\" x=\"", Num(label_w + x * cell_w), "\" y=\"", Num(ry),
                      "\" width=\"", Num(cell_w), "\" height=\"", Num(kCellH), "\" fill=\"",
                      band < 0 ? kNoRankColour : kBandColours[band], "\" stroke=\"#FFFFFF\" stroke-width=\"1\"/>",
                      Text(label_w + (x + 0.5) * cell_w, ry + kCellH / 2 + 4, band < 0 ? "—" : Label(v), "rank",
                           "middle", cell_w < 22 ? 10 : kSmallFont));
    }
  }
  const bool cities = chart.scale_max() <= 20;
  const std::vector<std::string> band_names =
      cities ? std::vector<std::string>{"第1–3名", "第4–6名", "第7–9名", "第10名及以后"}
             : std::vector<std::string>{"第1–30名", "第31–50名", "第51–70名", "第71名及以后"};
  std::vector<LegendEntry> legend;
  for (size_t b = 0; b < band_names.size(); ++b) {
    legend.push_back({absl::StrCat("<rect x=\"0\" y=\"-6\" width=\"16\" height=\"12\" fill=\"", kBandColours[b],
                                   "\"/>"),
                      band_names[b]});
  }
  legend.push_back({absl::StrCat("<rect x=\"0\" y=\"-6\" width=\"16\" height=\"12\" fill=\"", kNoRankColour, "\"/>"),
                    "无排名（—）"});
  legend.push_back({"", "分档为本地口径"});
  std::string legend_svg;
  const double height = Legend(legend_svg, top + ny * kCellH + 16, legend, 16);
  return absl::StrCat(Open(chart, height), body, legend_svg, "</svg>");
}

// --- bars ------------------------------------------------------------------------------------

std::string Bars(const pb::Chart& chart) {
  const int n = chart.x_labels_size(), k = chart.series_size();
  if (n == 0 || k == 0) return NoData(chart);
  double lo = 0, hi = 0;
  for (const pb::Series& s : chart.series()) {
    for (int i = 0; i < n; ++i) {
      const double v = Value(s, i);
      if (std::isnan(v)) continue;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  hi = hi > 0 ? NiceCeil(hi) : (lo < 0 ? 0 : 1);
  lo = lo < 0 ? -NiceCeil(-lo) : 0;
  constexpr double kLeft = 56, kRight = 12, kTop = 28, kPlot = 200;
  const double plot_w = kWidth - kLeft - kRight;
  const double step = plot_w / n;
  const double bar_w = std::min(40.0, step * 0.7 / k);
  auto y_of = [&](double v) { return kTop + (hi - v) / (hi - lo) * kPlot; };

  std::string body;
  if (!chart.unit_label().empty()) {
    absl::StrAppend(&body, Text(kLeft - 8, kTop - 12, absl::StrCat("单位：", chart.unit_label()), "unit", "start"));
  }
  for (int t = 0; t <= 5; ++t) {
    const double v = lo + (hi - lo) * t / 5;
    absl::StrAppend(&body, "<line class=\"grid\" x1=\"", Num(kLeft), "\" x2=\"", Num(kLeft + plot_w), "\" y1=\"",
                    Num(y_of(v)), "\" y2=\"", Num(y_of(v)), "\" stroke=\"#E0E0E0\" stroke-width=\"0.8\"/>",
                    Text(kLeft - 6, y_of(v) + 4, Label(v), "tick", "end"));
  }
  std::vector<LegendEntry> legend;
  for (int s = 0; s < k; ++s) {
    const char* colour = kSeriesColours[s % kPalette];
    for (int i = 0; i < n; ++i) {
      const double v = Value(chart.series(s), i);
      if (std::isnan(v)) continue;
      const double x = kLeft + i * step + (step - bar_w * k) / 2 + s * bar_w;
      const double y = y_of(std::max(v, 0.0)), h = std::fabs(y_of(v) - y_of(0));
      absl::StrAppend(&body, "<rect class=\"bar\" x=\"", Num(x), "\" y=\"", Num(y), "\" width=\"", Num(bar_w * 0.92),
                      "\" height=\"", Num(h), "\" fill=\"", colour, "\"/>",
                      Text(x + bar_w * 0.46, v >= 0 ? y - 4 : y + h + 13, Label(v), "value", "middle"));
    }
    legend.push_back({absl::StrCat("<rect x=\"0\" y=\"-6\" width=\"16\" height=\"12\" fill=\"", colour, "\"/>"),
                      chart.series(s).name()});
  }
  absl::StrAppend(&body, "<line class=\"axis\" x1=\"", Num(kLeft), "\" x2=\"", Num(kLeft + plot_w), "\" y1=\"",
                  Num(y_of(0)), "\" y2=\"", Num(y_of(0)), "\" stroke=\"#666\"/>");
  for (int i = 0; i < n; ++i) {
    absl::StrAppend(&body, Text(kLeft + (i + 0.5) * step, kTop + kPlot + 16, chart.x_labels(i), "x-label", "middle"));
  }
  double height = kTop + kPlot + 28;
  std::string legend_svg;
  if (k > 1) height = Legend(legend_svg, height + 6, legend, 16);
  return absl::StrCat(Open(chart, height), body, legend_svg, "</svg>");
}

}  // namespace

std::string EscapeMarkup(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

int RankBand(double rank, double scale_max) {
  if (std::isnan(rank) || rank < 1) return -1;
  // Local policy (本地口径), shown on the chart as such: the plan names no bands.
  const double limits[3] = {scale_max <= 20 ? 3.0 : 30.0, scale_max <= 20 ? 6.0 : 50.0,
                            scale_max <= 20 ? 9.0 : 70.0};
  for (int b = 0; b < 3; ++b) {
    if (rank <= limits[b]) return b;
  }
  return 3;
}

std::string ChartSvg(const pb::Chart& chart) {
  switch (chart.kind()) {
    case pb::CHART_KIND_RANK_TREND:
      return RankTrend(chart);
    case pb::CHART_KIND_HEATMAP:
      return Heatmap(chart);
    case pb::CHART_KIND_BAR:
      return Bars(chart);
    default:
      return NoData(chart);
  }
}

}  // namespace ys::notify::documents
