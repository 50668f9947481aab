#include "services/notify/documents/extract.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "services/notify/documents/assemble.h"

namespace ys::notify::documents {
namespace {

struct Recipient {
  bool unit = false;  // else a county
  std::string id;     // the unit's name or the county's code
};

absl::StatusOr<Recipient> ParseRecipient(std::string_view text) {
  const absl::string_view t(text.data(), text.size());
  if (absl::StartsWith(t, "unit:") && !absl::StripAsciiWhitespace(t.substr(5)).empty()) {
    return Recipient{true, std::string(t.substr(5))};
  }
  const absl::string_view code = absl::StartsWith(t, "county:") ? t.substr(7) : absl::string_view();
  // Region codes are 统计用区划代码 digits, or the office's "Z" codes of functional zones (3611Z1).
  if (!code.empty() && std::all_of(code.begin(), code.end(), [](char c) { return absl::ascii_isalnum(c); })) {
    return Recipient{false, std::string(code)};
  }
  return absl::InvalidArgumentError(absl::StrFormat(
      "recipient '%s' is not unit:<name> (unit:市商务局) or county:<region code> (county:361102)", t));
}

bool Concerns(const pb::Row& row, const Recipient& r) {
  const auto& ids = r.unit ? row.units() : row.region_codes();
  return std::find(ids.begin(), ids.end(), r.id) != ids.end();
}

bool CountyCode(const std::string& code) {
  return code.size() == 6 && std::all_of(code.begin(), code.end(), [](char c) { return absl::ascii_isdigit(c); });
}

const pb::Table* TableOf(const pb::Section& s, std::string_view key) {
  for (const pb::Table& t : s.tables()) {
    if (t.key() == key) return &t;
  }
  return nullptr;
}

// A rank row's latest rank with a total ("第9名/共11"): the current month's, or a quarter's last.
std::pair<int, int> LatestRank(const pb::Row& row) {
  std::pair<int, int> latest{0, 0};
  for (const pb::Cell& c : row.cells()) {
    if (auto r = ParseRankText(c.text()); r.second > 0) latest = r;
  }
  return latest;
}

// "本单位牵头的一级指标3项，其中排名全省后三位1项" (no table: none kept).
std::string IndicatorSentence(const pb::Table* t, const char* level) {
  int n = 0, bottom = 0;
  for (int i = 0; t != nullptr && i < t->rows_size(); ++i) {
    ++n;
    const auto [rank, total] = LatestRank(t->rows(i));
    bottom += InBottomThree(rank, total) ? 1 : 0;
  }
  return absl::StrFormat("%s%d项，其中排名全省后三位%d项", level, n, bottom);
}

// What the ranks say of a county: its composite in the county table.
std::string CountySentence(const pb::Table* t) {
  if (t == nullptr || t->rows().empty()) return "本县（市、区）暂无排名。";
  const pb::Row& row = t->rows(0);
  const int n = std::min(t->columns_size(), row.cells_size());
  for (int i = 1; i < n; ++i) {
    if (t->columns(i) == "综合" && row.cells(i).numeric()) {
      return absl::StrFormat("本县（市、区）综合排名全省第%s名。", row.cells(i).text());
    }
  }
  return "本县（市、区）暂无综合排名。";
}

// The recipient's sentences for an extracted section, and the assembly's gaps (kept: a reader must
// know what is missing).
void Summarise(const pb::Section& whole, const Recipient& r, pb::Section& out) {
  if (whole.key() == "ranks") {
    out.add_summary(r.unit ? absl::StrCat(IndicatorSentence(TableOf(out, "l1_ranks"), "本单位牵头的一级指标"), "；",
                                          IndicatorSentence(TableOf(out, "l2_ranks"), "二级指标"), "。")
                           : CountySentence(TableOf(out, "county_ranks")));
  } else {
    int rows = 0;
    for (const pb::Table& t : out.tables()) rows += t.rows_size();
    const char* who = r.unit ? "本单位" : "本县（市、区）";
    out.add_summary(rows > 0 ? absl::StrFormat("本部分涉及%s的内容%d条。", who, rows)
                             : absl::StrFormat("本部分无涉及%s的内容。", who));
  }
  for (const std::string& line : whole.summary()) {
    if (absl::StrContains(line, "数据暂缺")) out.add_summary(line);
  }
}

pb::Section ExtractSection(const pb::Section& whole, const Recipient& r) {
  pb::Section out;
  out.set_key(whole.key());
  out.set_title(whole.title());
  out.set_plan_basis(whole.plan_basis());
  out.set_commentary(whole.commentary());  // the office's words to every reader
  out.set_annex(whole.annex());
  for (const pb::Table& t : whole.tables()) {
    pb::Table kept = t;
    kept.clear_rows();
    for (const pb::Row& row : t.rows()) {
      if (Concerns(row, r)) *kept.add_rows() = row;
    }
    if (!kept.rows().empty()) *out.add_tables() = std::move(kept);
  }
  Summarise(whole, r, out);
  return out;
}

}  // namespace

absl::StatusOr<pb::DocumentContent> ExtractFor(const pb::DocumentContent& content, std::string_view recipient) {
  absl::StatusOr<Recipient> r = ParseRecipient(recipient);
  if (!r.ok()) return r.status();
  pb::DocumentContent out = content;
  out.clear_sections();
  for (const pb::Section& s : content.sections()) *out.add_sections() = ExtractSection(s, *r);
  return out;
}

std::vector<std::string> ExtractRecipients(const pb::DocumentContent& content) {
  std::set<std::string> out;
  for (const pb::Section& s : content.sections()) {
    for (const pb::Table& t : s.tables()) {
      for (const pb::Row& row : t.rows()) {
        for (const std::string& u : row.units()) {
          if (!u.empty()) out.insert("unit:" + u);
        }
        for (const std::string& code : row.region_codes()) {
          if (CountyCode(code)) out.insert("county:" + code);
        }
      }
    }
  }
  return {out.begin(), out.end()};
}

std::string ExtractText(const pb::DocumentContent& extract) {
  std::string out = extract.title();
  if (!extract.subtitle().empty()) absl::StrAppend(&out, "\n", extract.subtitle());
  absl::StrAppend(&out, "\n");
  for (const pb::Section& s : extract.sections()) {
    absl::StrAppend(&out, "\n", s.title(), "\n");
    for (const std::string& line : s.summary()) absl::StrAppend(&out, line, "\n");
    if (!s.commentary().empty()) absl::StrAppend(&out, s.commentary(), "\n");
    for (const pb::Table& t : s.tables()) {
      absl::StrAppend(&out, "【", t.title(), "】\n");
      for (const pb::Row& row : t.rows()) {
        std::vector<std::string> pairs;
        for (int i = 0; i < row.cells_size(); ++i) {
          const std::string column = i < t.columns_size() ? t.columns(i) : "";
          pairs.push_back(absl::StrCat(column, ": ", row.cells(i).text()));
        }
        absl::StrAppend(&out, absl::StrJoin(pairs, "；"), "\n");
      }
    }
  }
  for (const std::string& m : extract.missing()) absl::StrAppend(&out, "\n数据缺失：", m);
  return out;
}

}  // namespace ys::notify::documents
