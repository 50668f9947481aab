#pragma once

// Internal to the renderers: a document's charts as inline SVG (the HTML page embeds them; Chromium
// prints them into the PDF), and the markup escaping both use.

#include <string>
#include <string_view>

#include "yingshang/notify/v1/documents.pb.h"

namespace ys::notify::documents {

namespace pb = ::yingshang::notify::v1;

// `text` with & < > " ' replaced by their entities: safe in element text and in quoted attributes.
std::string EscapeMarkup(std::string_view text);

// One <svg> element, deterministic (the same chart gives the same bytes), sized for the A4 text
// width (about 156 mm). An unknown kind or a chart without data gives a small "无数据" box.
std::string ChartSvg(const pb::Chart& chart);

// The heat map's colour band of a rank (0 best .. 3 worst), -1 for no rank. Local policy, not the
// plan's: with up to 20 ranked (the 11 cities) 1–3 / 4–6 / 7–9 / 10+; with more (the 100 counties)
// 1–30 / 31–50 / 51–70 / 71+.
int RankBand(double rank, double scale_max);

}  // namespace ys::notify::documents
