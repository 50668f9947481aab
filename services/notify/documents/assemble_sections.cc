// The plan's five parts from the sources' answers (assemble.h), with no I/O: the ranks (§四(三) 一是,
// §四(四) 一是), the programme items' progress (八大行动, 30项具体任务, “一件事”改革) and 惠企通. The
// annexes are built in assemble.cc.

#include <algorithm>
#include <limits>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "services/notify/documents/assemble.h"

namespace ys::notify::documents {
namespace {

constexpr char kNone[] = "—";
constexpr double kNoRank = std::numeric_limits<double>::quiet_NaN();

// The catalog's indicators by code (empty when the catalog did not answer).
struct IndicatorBook {
  std::map<std::string, ipb::Indicator> by_code;
  std::string composite = "C00";  // 综合
};

IndicatorBook BookOf(const Answer<ipb::ListIndicatorsResponse>& answer) {
  IndicatorBook book;
  if (!answer.ok()) return book;
  for (const ipb::Indicator& i : answer->indicators()) {
    if (i.retired()) continue;
    book.by_code[i.code()] = i;
    if (i.level() == ipb::INDICATOR_LEVEL_COMPOSITE) book.composite = i.code();
  }
  return book;
}

// The catalog's level; without the catalog, by the code's shape ("I01-01" second, "I01" first).
ipb::IndicatorLevel LevelOf(const IndicatorBook& book, const std::string& code) {
  if (auto it = book.by_code.find(code); it != book.by_code.end()) return it->second.level();
  if (code == book.composite) return ipb::INDICATOR_LEVEL_COMPOSITE;
  return code.find('-') == std::string::npos ? ipb::INDICATOR_LEVEL_FIRST : ipb::INDICATOR_LEVEL_SECOND;
}

using CardIndex = std::map<std::string, const rpb::ScorecardRow*>;

CardIndex IndexOf(const Answer<rpb::Scorecard>& card) {
  CardIndex out;
  if (card.ok()) {
    for (const rpb::ScorecardRow& r : card->rows()) out[r.indicator_code()] = &r;
  }
  return out;
}

const rpb::ScorecardRow* Find(const CardIndex& index, const std::string& code) {
  auto it = index.find(code);
  return it == index.end() ? nullptr : it->second;
}

// The codes of the given levels in the catalog or in any card; the composite first, then by code.
std::vector<std::string> CodesOf(const IndicatorBook& book, const std::vector<CardIndex>& cards,
                                 const std::set<ipb::IndicatorLevel>& levels) {
  std::set<std::string> codes;
  for (const auto& [code, _] : book.by_code) {
    if (levels.contains(LevelOf(book, code))) codes.insert(code);
  }
  for (const CardIndex& card : cards) {
    for (const auto& [code, _] : card) {
      if (levels.contains(LevelOf(book, code))) codes.insert(code);
    }
  }
  std::vector<std::string> out;
  if (codes.erase(book.composite) > 0) out.push_back(book.composite);
  out.insert(out.end(), codes.begin(), codes.end());
  return out;
}

// Whom an indicator's row concerns: the catalog's units, a second-level one's parent's when it has
// none, else the scorecard's (the same catalog, as ranking replicates it).
std::vector<std::string> UnitsOf(const IndicatorBook& book, const std::string& code, const rpb::ScorecardRow* row) {
  std::vector<std::string> out;
  auto it = book.by_code.find(code);
  if (it != book.by_code.end()) {
    for (const auto& u : it->second.units()) out.push_back(u.unit());
    if (out.empty() && !it->second.parent_code().empty()) return UnitsOf(book, it->second.parent_code(), nullptr);
  }
  if (out.empty() && row != nullptr) {
    for (const auto& u : row->units()) out.push_back(u.unit());
  }
  return out;
}

std::string NameOf(const IndicatorBook& book, const std::string& code, const rpb::ScorecardRow* row) {
  if (auto it = book.by_code.find(code); it != book.by_code.end()) return it->second.name();
  return row != nullptr && !row->indicator_name().empty() ? row->indicator_name() : code;
}

// 领班: the catalog's, a second-level one's parent's when it has none, else the scorecard's.
std::string LeadOf(const IndicatorBook& book, const std::string& code, const rpb::ScorecardRow* row) {
  if (auto it = book.by_code.find(code); it != book.by_code.end()) {
    if (!it->second.lead().empty()) return it->second.lead();
    if (!it->second.parent_code().empty()) return LeadOf(book, it->second.parent_code(), row);
  }
  return row != nullptr && !row->lead().empty() ? row->lead() : kNone;
}

// --- ranks ---

bool Bulletin(const SourceAnswers& a) { return a.kind == pb::DOCUMENT_KIND_BULLETIN; }

std::vector<std::string> RankColumns(const SourceAnswers& a) {
  std::vector<std::string> cols = {"代码", "指标", "领班", "牵头单位"};
  if (!Bulletin(a)) {
    cols.insert(cols.end(), {"本月排名", "上月", "变动"});
    return cols;
  }
  for (const MonthAnswers& m : a.months) cols.push_back(MonthLabel(m.month) + "排名");
  cols.push_back("季度变动");
  return cols;
}

// A month's rank, the previous month's and the movement (dispatch pack); each month's and the
// movement from the quarter's first month with a rank to its last (bulletin).
void AddRankCells(const SourceAnswers& a, const std::vector<const rpb::ScorecardRow*>& rows, pb::Row& out) {
  auto add = [&out](pb::Cell c) { *out.add_cells() = std::move(c); };
  if (!Bulletin(a)) {
    const rpb::ScorecardRow* r = rows.front();
    add(r ? RankCell(r->rank(), r->total()) : NoneCell());
    add(r && r->has_previous() ? RankCell(r->previous_rank(), 0) : NoneCell());
    add(TextCell(r ? MovementText(r->has_previous(), r->change()) : kNone));
    return;
  }
  const rpb::ScorecardRow *first = nullptr, *last = nullptr;
  for (const rpb::ScorecardRow* r : rows) {
    add(r ? RankCell(r->rank(), r->total()) : NoneCell());
    if (r == nullptr) continue;
    if (first == nullptr) first = r;
    last = r;
  }
  add(TextCell(first != last ? MovementText(true, first->rank() - last->rank()) : kNone));
}

void AddRankTable(pb::Section& s, const SourceAnswers& a, const IndicatorBook& book,
                  const std::vector<CardIndex>& cards, const std::string& key, const std::string& title,
                  const std::vector<std::string>& codes) {
  pb::Table& t = AddTable(s, key, title, RankColumns(a));
  t.set_note(Bulletin(a) ? "排名为上饶市在全省设区市中的名次；“—”为该月无排名；季度变动为季度内首末两个有排名月份之间的变化"
                         : "排名为上饶市在全省设区市中的名次；变动为较上月上升（↑）或下降（↓）的位次");
  for (const std::string& code : codes) {
    std::vector<const rpb::ScorecardRow*> rows;
    const rpb::ScorecardRow* any = nullptr;
    for (const CardIndex& card : cards) {
      rows.push_back(Find(card, code));
      if (any == nullptr) any = rows.back();
    }
    const std::vector<std::string> units = UnitsOf(book, code, any);
    pb::Row& row = AddRow(t, {TextCell(code), TextCell(NameOf(book, code, any)), TextCell(LeadOf(book, code, any)),
                              TextCell(units.empty() ? kNone : absl::StrJoin(units, "、"))});
    AddRankCells(a, rows, row);
    for (const std::string& u : units) row.add_units(u);
    row.add_region_codes(a.city_code);
  }
}

std::string MovementPhrase(const rpb::ScorecardRow& r) {
  if (!r.has_previous()) return "上月无排名";
  if (r.change() > 0) return absl::StrFormat("较上月上升%d位", r.change());
  if (r.change() < 0) return absl::StrFormat("较上月下降%d位", -r.change());
  return "与上月持平";
}

// The month's sentences: the composite, the first-level indicators' places, the largest falls.
std::vector<std::string> RankSentences(const IndicatorBook& book, const CardIndex& now, const std::string& month) {
  std::vector<std::string> out;
  const std::string when = PeriodHeading(month);
  if (const rpb::ScorecardRow* c = Find(now, book.composite)) {
    out.push_back(absl::StrFormat("%s全市营商环境综合排名全省第%d名（共%d个），%s。", when, c->rank(), c->total(),
                                  MovementPhrase(*c)));
  } else {
    out.push_back(when + "暂无全市综合排名。");
  }
  int ranked = 0, top = 0, bottom = 0, compared = 0;
  std::vector<std::string> last;
  std::vector<const rpb::ScorecardRow*> falls;
  for (const auto& [code, r] : now) {
    if (LevelOf(book, code) != ipb::INDICATOR_LEVEL_FIRST) continue;
    ++ranked;
    top += r->rank() <= 3 ? 1 : 0;
    bottom += InBottomThree(r->rank(), r->total()) ? 1 : 0;
    if (r->rank() == r->total()) last.push_back(NameOf(book, code, r));
    compared += r->has_previous() ? 1 : 0;
    if (r->has_previous() && r->change() < 0) falls.push_back(r);
  }
  if (ranked == 0) return out;
  out.push_back(absl::StrFormat("一级指标有排名的%d项中，全省前三%d项，后三位%d项%s。", ranked, top, bottom,
                                last.empty() ? "" : absl::StrFormat("，其中倒数第一%d项（%s）", last.size(),
                                                                    absl::StrJoin(last, "、"))));
  std::stable_sort(falls.begin(), falls.end(), [](auto* x, auto* y) { return x->change() < y->change(); });
  if (falls.empty()) {
    out.push_back(compared == 0 ? "一级指标上月无排名，未比较升降。" : "一级指标排名均未较上月下降。");
    return out;
  }
  std::vector<std::string> named;
  for (size_t i = 0; i < falls.size() && i < 3; ++i) {
    named.push_back(absl::StrCat(NameOf(book, falls[i]->indicator_code(), falls[i]), "（",
                                 MovementText(true, falls[i]->change()), "）"));
  }
  out.push_back(absl::StrFormat("较上月下降的一级指标%d项，降幅较大的有：%s。", falls.size(), absl::StrJoin(named, "、")));
  return out;
}

// The counties × (综合 + first-level indicators) of the heat map's month: a chart and a table whose
// rows each county's extract keeps.
void AddCountyRanks(pb::Section& s, const SourceAnswers& a, const IndicatorBook& book) {
  if (!a.counties.ok()) {
    s.add_summary("各县（市、区）排名：" + GapText(kIndicatorService, a.counties.status()));
    return;
  }
  std::map<std::string, std::string> names;
  for (const ipb::Region& r : a.counties->regions()) names[r.code()] = r.name();
  std::vector<CardIndex> cards;
  for (const auto& [code, card] : a.county_cards) {
    cards.push_back(IndexOf(card));
    if (!card.ok()) s.add_summary(names[code] + "排名：" + GapText(kRankingService, card.status()));
  }
  const std::vector<std::string> codes =
      CodesOf(book, cards, {ipb::INDICATOR_LEVEL_COMPOSITE, ipb::INDICATOR_LEVEL_FIRST});
  const std::string when = PeriodHeading(a.heat_month);
  pb::Chart& chart = *s.add_charts();
  chart.set_key("county_heatmap");
  chart.set_kind(pb::CHART_KIND_HEATMAP);
  chart.set_title(absl::StrFormat("各县（市、区）综合及一级指标全省排名（%s）", when));
  chart.set_scale_max(100);  // the province's 100 county-level divisions
  std::vector<std::string> columns = {"县（市、区）"};
  for (const std::string& code : codes) {
    const std::string name = code == book.composite ? "综合" : NameOf(book, code, nullptr);
    chart.add_x_labels(name);
    columns.push_back(name);
  }
  pb::Series& values = *chart.add_series();
  values.set_name("排名");
  pb::Table& t = AddTable(s, "county_ranks", absl::StrFormat("各县（市、区）综合及一级指标全省排名（%s）", when), columns);
  t.set_note("数字为在全省县（市、区）中的名次；“—”为无排名");
  for (size_t i = 0; i < a.county_cards.size(); ++i) {
    const std::string& county = a.county_cards[i].first;
    chart.add_y_labels(names[county]);
    pb::Row& row = AddRow(t, {TextCell(names[county])});
    row.add_region_codes(county);
    for (const std::string& code : codes) {
      const rpb::ScorecardRow* r = Find(cards[i], code);
      values.add_values(r ? r->rank() : kNoRank);
      *row.add_cells() = r ? CountCell(r->rank()) : NoneCell();
    }
  }
}

// The composite over the quarter's months, with the quarter's target band (§四).
void AddTrend(pb::Section& s, const SourceAnswers& a, const IndicatorBook& book, const std::vector<CardIndex>& cards) {
  pb::Chart& chart = *s.add_charts();
  chart.set_key("composite_trend");
  chart.set_kind(pb::CHART_KIND_RANK_TREND);
  chart.set_title(absl::StrFormat("%s全市营商环境综合排名走势（全省11个设区市）", PeriodHeading(a.period)));
  chart.set_scale_max(11);  // Jiangxi's 11 cities
  pb::Series& series = *chart.add_series();
  series.set_name("综合排名");
  std::vector<std::string> said;
  for (size_t i = 0; i < a.months.size(); ++i) {
    chart.add_x_labels(MonthLabel(a.months[i].month));
    const rpb::ScorecardRow* r = Find(cards[i], book.composite);
    series.add_values(r ? r->rank() : kNoRank);
    said.push_back(MonthLabel(a.months[i].month) + RankText(r ? r->rank() : 0, 0));
  }
  s.add_summary(absl::StrCat("本季度各月全市综合排名：", absl::StrJoin(said, "、"), "。"));
  const QuarterTarget target = PlanQuarterTarget(a.period);
  if (target.target_at_most > 0) {
    chart.set_band_target(target.target_at_most);
    chart.set_band_floor(target.floor_at_most);
    s.add_summary(absl::StrCat("季度目标：", target.plan_words, "。"));
  }
}

// --- programme items ---

struct ProgrammeKind {
  const char* key;
  const char* item_column;
  const char* label;
  const char* loaded;  // how many the catalog holds, against the plan's count where it gives one
};

ProgrammeKind KindOf(ipb::ProgrammeItemKind kind) {
  switch (kind) {
    case ipb::PROGRAMME_ITEM_KIND_ACTION:
      return {"actions", "行动", "八大行动", "工作方案列八大行动8项（§四(三)），目录已载入%d项。"};
    case ipb::PROGRAMME_ITEM_KIND_ENVIRONMENT_TASK:
      return {"tasks", "任务", "五大环境30项具体任务", "工作方案列五大环境30项具体任务，目录已载入%d项。"};
    default:
      return {"reforms", "改革事项", "“一件事”改革", "目录已载入全生命周期“一件事”改革%d项。"};
  }
}

const Answer<ipb::ListProgrammeItemsResponse>& ItemsOf(const SourceAnswers& a, ipb::ProgrammeItemKind kind) {
  if (kind == ipb::PROGRAMME_ITEM_KIND_ACTION) return a.actions;
  if (kind == ipb::PROGRAMME_ITEM_KIND_ENVIRONMENT_TASK) return a.tasks;
  return a.reforms;
}

std::string StatusLabel(ipb::ProgressStatus s) {
  switch (s) {
    case ipb::PROGRESS_STATUS_NOT_STARTED: return "未开始";
    case ipb::PROGRESS_STATUS_IN_PROGRESS: return "推进中";
    case ipb::PROGRESS_STATUS_DONE: return "已完成";
    case ipb::PROGRESS_STATUS_BLOCKED: return "受阻";
    default: return kNone;
  }
}

// The month's reports by item code, each item's by unit.
std::map<std::string, std::vector<const ipb::ProgressReport*>> ReportsByItem(const SourceAnswers& a) {
  std::map<std::string, std::vector<const ipb::ProgressReport*>> out;
  if (!a.progress.ok()) return out;
  for (const ipb::ProgressReport& r : a.progress->reports()) out[r.item_code()].push_back(&r);
  for (auto& [_, reports] : out) {
    std::stable_sort(reports.begin(), reports.end(), [](auto* x, auto* y) { return x->unit() < y->unit(); });
  }
  return out;
}

std::map<std::string, std::string> EnvironmentNames(const SourceAnswers& a) {
  std::map<std::string, std::string> out;
  if (a.environments.ok()) {
    for (const ipb::ProgrammeItem& e : a.environments->items()) out[e.code()] = e.name();
  }
  return out;
}

// --- 惠企通 ---

// One region's or department's figures, summed over the months (each month's own counts).
struct MoneyLine {
  std::string name;
  int64_t applications = 0, approvals = 0, payments = 0, paid_fen = 0;
  int64_t unpaid_over_30 = 0;  // the last month's: a stock at the month's end, not summed
};

void AddMoney(MoneyLine& line, const ipb::RedemptionSummaryRow& r, bool last_month) {
  line.applications += r.applications();
  line.approvals += r.approvals();
  line.payments += r.payments();
  line.paid_fen += r.amount_paid_fen();
  if (last_month) line.unpaid_over_30 += r.unpaid_over_30_days();
}

std::vector<pb::Cell> MoneyCells(const MoneyLine& l) {
  return {TextCell(l.name), CountCell(l.applications), CountCell(l.approvals), CountCell(l.payments),
          YuanCell(l.paid_fen), CountCell(l.unpaid_over_30)};
}

std::vector<std::string> MoneyColumns(const std::string& first) {
  return {first, "申请（件）", "审核通过（件）", "兑付（件）", "兑付金额（元）", "超30天未兑付（件）"};
}

// Canonical unit names by name and alias: a 兑现部门 that is a unit is tagged with it.
std::map<std::string, std::string> UnitNames(const SourceAnswers& a) {
  std::map<std::string, std::string> out;
  if (!a.units.ok()) return out;
  for (const ipb::Unit& u : a.units->units()) {
    out[u.name()] = u.name();
    for (const std::string& alias : u.aliases()) out.emplace(alias, u.name());
  }
  return out;
}

// What a programme table counted.
struct Tally {
  int reported = 0, silent = 0;  // reports; items without any
  std::map<ipb::ProgressStatus, int> by_status = {{ipb::PROGRESS_STATUS_NOT_STARTED, 0},
                                                  {ipb::PROGRESS_STATUS_IN_PROGRESS, 0},
                                                  {ipb::PROGRESS_STATUS_DONE, 0},
                                                  {ipb::PROGRESS_STATUS_BLOCKED, 0}};
};

// One row per item and reporting unit; an item without a report, one row "未报送" tagged with its
// lead units (the 30 tasks have them).
Tally AddProgressRows(pb::Table& t, const SourceAnswers& a, const ipb::ListProgrammeItemsResponse& items, bool tasks) {
  const auto reports = ReportsByItem(a);
  const auto environments = EnvironmentNames(a);
  Tally n;
  for (const ipb::ProgrammeItem& item : items.items()) {
    auto cells = [&](std::vector<pb::Cell> rest) {
      std::vector<pb::Cell> out = {TextCell(item.code())};
      auto env = environments.find(item.environment());
      if (tasks) out.push_back(TextCell(OrNone(env != environments.end() ? env->second : item.environment())));
      out.push_back(TextCell(item.name()));
      for (pb::Cell& c : rest) out.push_back(std::move(c));
      return out;
    };
    auto it = reports.find(item.code());
    if (it == reports.end()) {
      ++n.silent;
      const std::string leads = absl::StrJoin(item.lead_units(), "、");
      pb::Row& row = AddRow(t, cells({TextCell(OrNone(leads)), TextCell(a.progress.ok() ? "未报送" : kNone),
                                      NoneCell(), NoneCell()}));
      for (const std::string& u : item.lead_units()) row.add_units(u);
      continue;
    }
    for (const ipb::ProgressReport* r : it->second) {
      ++n.reported;
      ++n.by_status[r->status()];
      pb::Cell percent = CountCell(r->percent());
      percent.set_text(absl::StrCat(r->percent(), "%"));
      AddRow(t, cells({TextCell(r->unit()), TextCell(StatusLabel(r->status())), percent, TextCell(OrNone(r->text()))}))
          .add_units(r->unit());
    }
  }
  return n;
}

// 惠企通 summed over the months that answered, by region and by department.
struct MoneyTotals {
  std::map<std::string, MoneyLine> regions, departments;  // by region code, by department
  MoneyLine total{.name = "合计"};
  size_t last = 0;  // the last month that answered; months.size() when none did
};

MoneyTotals SumMoney(const SourceAnswers& a, pb::Section& s) {
  MoneyTotals m;
  m.last = a.months.size();
  for (size_t i = 0; i < a.months.size(); ++i) {
    if (a.months[i].redemptions.ok()) m.last = i;
  }
  for (size_t i = 0; i < a.months.size(); ++i) {
    const MonthAnswers& month = a.months[i];
    if (!month.redemptions.ok()) {
      s.add_summary(PeriodHeading(month.month) + "：" + GapText(kIndicatorService, month.redemptions.status()));
      continue;
    }
    for (const ipb::RedemptionSummaryRow& r : month.redemptions->rows()) {
      MoneyLine& region = m.regions[r.county_code()];
      region.name = OrNone(r.county_name().empty() ? r.county_code() : r.county_name());
      AddMoney(region, r, i == m.last);
      MoneyLine& dept = m.departments[r.department()];
      dept.name = r.department().empty() ? "（未填兑现部门）" : r.department();
      AddMoney(dept, r, i == m.last);
    }
    AddMoney(m.total, month.redemptions->total(), i == m.last);
  }
  return m;
}

// By region (rows tagged with the region, a bar chart in 万元) and by department (tagged with the
// unit when the department is one), each with the total.
void AddMoneyTables(pb::Section& s, const MoneyTotals& m, const std::string& when, const std::string& note,
                    const std::map<std::string, std::string>& units) {
  pb::Table& by_region = AddTable(s, "redemptions_by_region", when + "各地区惠企政策兑现情况", MoneyColumns("地区"));
  by_region.set_note(note);
  pb::Chart& chart = *s.add_charts();
  chart.set_key("redemptions_by_county");
  chart.set_kind(pb::CHART_KIND_BAR);
  chart.set_title(when + "各地区惠企政策兑付金额");
  chart.set_unit_label("万元");
  pb::Series& paid = *chart.add_series();
  paid.set_name("兑付金额");
  for (const auto& [code, line] : m.regions) {
    AddRow(by_region, MoneyCells(line)).add_region_codes(code);
    chart.add_x_labels(line.name);
    paid.add_values(FenToWan(line.paid_fen));
  }
  AddRow(by_region, MoneyCells(m.total));
  pb::Table& by_dept = AddTable(s, "redemptions_by_department", when + "各部门惠企政策兑现情况", MoneyColumns("兑现部门"));
  by_dept.set_note(note);
  for (const auto& [dept, line] : m.departments) {
    pb::Row& row = AddRow(by_dept, MoneyCells(line));
    if (auto it = units.find(dept); it != units.end()) row.add_units(it->second);
  }
  AddRow(by_dept, MoneyCells(m.total));
}

}  // namespace

pb::Section ProgrammeSection(const SourceAnswers& a, ipb::ProgrammeItemKind kind) {
  const ProgrammeKind k = KindOf(kind);
  pb::Section s = SectionFrame(a.kind, k.key);
  const Answer<ipb::ListProgrammeItemsResponse>& items = ItemsOf(a, kind);
  if (!items.ok()) {
    s.add_summary(GapText(kIndicatorService, items.status()));
    return s;
  }
  s.add_summary(absl::StrFormat(k.loaded, items->items_size()));
  const std::string when = PeriodHeading(a.progress_month);
  if (!a.progress.ok()) s.add_summary(when + "进展：" + GapText(kIndicatorService, a.progress.status()));
  const bool tasks = kind == ipb::PROGRAMME_ITEM_KIND_ENVIRONMENT_TASK;
  std::vector<std::string> columns = {"编号", k.item_column, "单位", "状态", "进度", "情况"};
  if (tasks) columns.insert(columns.begin() + 1, "环境");
  pb::Table& t = AddTable(s, absl::StrCat(k.key, "_progress"), absl::StrFormat("%s推进情况（%s）", k.label, when), columns);
  if (Bulletin(a)) t.set_note(absl::StrFormat("进展为本季度最后有报送的月份（%s）的报送", when));
  const Tally n = AddProgressRows(t, a, *items, tasks);
  if (a.progress.ok()) {
    s.add_summary(absl::StrFormat("%s报送进展%d条：已完成%d条、推进中%d条、未开始%d条、受阻%d条；%d项未报送进展。", when,
                                  n.reported, n.by_status.at(ipb::PROGRESS_STATUS_DONE),
                                  n.by_status.at(ipb::PROGRESS_STATUS_IN_PROGRESS),
                                  n.by_status.at(ipb::PROGRESS_STATUS_NOT_STARTED),
                                  n.by_status.at(ipb::PROGRESS_STATUS_BLOCKED), n.silent));
  }
  return s;
}

pb::Section RedemptionsSection(const SourceAnswers& a) {
  pb::Section s = SectionFrame(a.kind, "redemptions");
  const MoneyTotals m = SumMoney(a, s);
  if (m.last == a.months.size()) return s;  // no month answered
  const std::string when = PeriodHeading(Bulletin(a) ? a.period : a.months.front().month);
  std::string sentence = absl::StrFormat("%s通过“惠企通”平台申请%d件，审核通过%d件，兑付%d件，兑付金额%s元", when,
                                         m.total.applications, m.total.approvals, m.total.payments,
                                         FenToYuanText(m.total.paid_fen));
  // A median is the month's own: said for a dispatch pack, not summed over a quarter.
  if (!Bulletin(a) && a.months.front().redemptions->total().has_median()) {
    absl::StrAppend(&sentence, "，兑付用时中位数", a.months.front().redemptions->total().median_days_to_payment(), "天");
  }
  s.add_summary(sentence + "。");
  const std::string note = absl::StrFormat("超30天未兑付为%s末的件数", PeriodHeading(a.months[m.last].month));
  AddMoneyTables(s, m, when, note, UnitNames(a));
  return s;
}

pb::Section RanksSection(const SourceAnswers& a) {
  pb::Section s = SectionFrame(a.kind, "ranks");
  const IndicatorBook book = BookOf(a.indicators);
  if (!a.indicators.ok()) s.add_summary("指标目录：" + GapText(kIndicatorService, a.indicators.status()));
  std::vector<CardIndex> cards;
  size_t now = 0;
  for (size_t i = 0; i < a.months.size(); ++i) {
    cards.push_back(IndexOf(a.months[i].city));
    if (a.months[i].month == a.heat_month) now = i;
    if (!a.months[i].city.ok()) {
      s.add_summary(PeriodHeading(a.months[i].month) + "排名：" + GapText(kRankingService, a.months[i].city.status()));
    }
  }
  for (std::string& line : RankSentences(book, cards[now], a.heat_month)) s.add_summary(std::move(line));
  if (Bulletin(a)) {
    AddTrend(s, a, book, cards);
    if (!a.goals.ok()) s.add_summary("年度目标：" + GapText(kRankingService, a.goals.status()));
    for (const rpb::GoalStanding& g : a.goals.ok() ? a.goals->goals() : rpb::Goals::default_instance().goals()) {
      if (!g.summary().empty()) s.add_summary(absl::StrCat("年度目标（", g.citation(), "）：", g.summary()));
    }
  }
  const std::string when = PeriodHeading(Bulletin(a) ? a.period : a.months.front().month);
  AddRankTable(s, a, book, cards, "l1_ranks", when + "综合及一级指标全省排名",
               CodesOf(book, cards, {ipb::INDICATOR_LEVEL_COMPOSITE, ipb::INDICATOR_LEVEL_FIRST}));
  AddRankTable(s, a, book, cards, "l2_ranks", when + "二级指标全省排名",
               CodesOf(book, cards, {ipb::INDICATOR_LEVEL_SECOND}));
  AddCountyRanks(s, a, book);
  return s;
}

}  // namespace ys::notify::documents
