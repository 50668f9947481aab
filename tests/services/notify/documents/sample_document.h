#pragma once

// The quarterly bulletin (通报, plan §四(四)) the renderer tests draw: the plan's five sections in its
// order, two annexes, a rank trend with its band, the counties' heat map (19 columns × 12 counties), a
// bar chart, tables with numbers and with text that needs escaping. Figures are made up.

#include <cmath>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "common/time/clock.h"
#include "common/time/proto_time.h"
#include "yingshang/notify/v1/documents.pb.h"

namespace ys::notify::documents::sample {

namespace pb = ::yingshang::notify::v1;

inline const std::vector<std::string>& SectionTitles() {
  static const auto* titles = new std::vector<std::string>{
      "一、18项一级指标、86项二级指标全省排名情况",
      "二、“一号改革工程”八大行动落实推进情况",
      "三、五大环境30项具体工作任务完成情况",
      "四、自然人和法人全生命周期“一件事”改革推进情况",
      "五、惠企政策通过“惠企通”平台兑现落实情况",
      "预警指标清单",
      "督办事项清单",
  };
  return *titles;
}

inline const std::vector<std::string>& Counties() {
  static const auto* names = new std::vector<std::string>{"信州区", "广丰区", "广信区", "玉山县", "铅山县", "横峰县",
                                                         "弋阳县", "余干县", "鄱阳县", "万年县", "婺源县", "德兴市"};
  return *names;
}

inline const std::vector<std::string>& Indicators() {
  static const auto* names = new std::vector<std::string>{
      "综合排名", "开办企业", "劳动力市场监管", "办理建筑许可", "政府采购", "招标投标", "获得电力",
      "获得用水用气", "登记财产", "获得信贷", "保护中小投资者", "知识产权创造保护和运用", "跨境贸易",
      "纳税", "执行合同", "办理破产", "市场监管", "政务服务", "包容普惠创新"};
  return *names;
}

inline pb::Cell Text(const std::string& text) {
  pb::Cell c;
  c.set_text(text);
  return c;
}

inline pb::Cell Number(const std::string& text, double number) {
  pb::Cell c;
  c.set_text(text);
  c.set_numeric(true);
  c.set_number(number);
  return c;
}

inline pb::Row& AddRow(pb::Table& t, const std::vector<pb::Cell>& cells) {
  pb::Row& r = *t.add_rows();
  for (const pb::Cell& c : cells) *r.add_cells() = c;
  return r;
}

inline pb::Section& AddSection(pb::DocumentContent& c, const std::string& key, int index, const std::string& basis) {
  pb::Section& s = *c.add_sections();
  s.set_key(key);
  s.set_title(SectionTitles()[static_cast<size_t>(index)]);
  s.set_plan_basis(basis);
  return s;
}

// Heat map values: a deterministic spread over 1..100, with the cells at (row, col) where
// (row + col) % 7 == 3 and row is odd left without a rank.
inline double HeatValue(int row, int col) {
  if ((row + col) % 7 == 3 && row % 2 == 1) return std::nan("");
  return (row * 37 + col * 11) % 100 + 1;
}

inline int HeatNaNs() {
  int n = 0;
  for (int r = 0; r < 12; ++r) {
    for (int c = 0; c < 19; ++c) n += std::isnan(HeatValue(r, c)) ? 1 : 0;
  }
  return n;
}

inline pb::Chart RankTrend() {
  pb::Chart ch;
  ch.set_key("city_trend");
  ch.set_kind(pb::CHART_KIND_RANK_TREND);
  ch.set_title("全市营商环境综合排名走势（全省11个设区市）");
  for (const char* p : {"2021Q4", "2022Q1", "2022Q2", "2022Q3"}) ch.add_x_labels(p);
  pb::Series* total = ch.add_series();
  total->set_name("综合排名");
  for (double v : {5.0, 4.0, std::nan(""), 3.0}) total->add_values(v);
  pb::Series* start = ch.add_series();
  start->set_name("开办企业");
  for (double v : {8.0, 7.0, 6.0, 4.0}) start->add_values(v);
  ch.set_band_target(3);
  ch.set_band_floor(6);
  ch.set_scale_max(11);
  return ch;
}

inline pb::Chart Heatmap() {
  pb::Chart ch;
  ch.set_key("county_heat");
  ch.set_kind(pb::CHART_KIND_HEATMAP);
  ch.set_title("各县（市、区）一级指标全省排名（全省100个县）");
  for (const std::string& x : Indicators()) ch.add_x_labels(x);
  for (const std::string& y : Counties()) ch.add_y_labels(y);
  pb::Series* s = ch.add_series();
  s->set_name("排名");
  for (int r = 0; r < 12; ++r) {
    for (int c = 0; c < 19; ++c) s->add_values(HeatValue(r, c));
  }
  ch.set_scale_max(100);
  return ch;
}

inline pb::Chart Bars() {
  pb::Chart ch;
  ch.set_key("redeemed_by_county");
  ch.set_kind(pb::CHART_KIND_BAR);
  ch.set_title("各县（市、区）惠企政策兑现金额");
  pb::Series* s = ch.add_series();
  s->set_name("兑现金额");
  const double amounts[] = {1234.5, 980, 760.25, 1502, 433};
  for (int i = 0; i < 5; ++i) {
    ch.add_x_labels(Counties()[static_cast<size_t>(i)]);
    s->add_values(amounts[i]);
  }
  ch.set_unit_label("万元");
  return ch;
}

// An issued bulletin, number 2022年第3期; `state` DRAFT gives the draft of the same content.
inline pb::Document Bulletin(pb::DocumentState state = pb::DOCUMENT_STATE_ISSUED) {
  pb::Document doc;
  doc.set_id("BUL-2022Q3-v1");
  doc.set_kind(pb::DOCUMENT_KIND_BULLETIN);
  doc.set_period("2022Q3");
  doc.set_version(1);
  doc.set_state(state);
  if (state == pb::DOCUMENT_STATE_ISSUED) {
    doc.set_number("2022年第3期");
    doc.set_content_sha256("9f2c0e7d4b1a6c3e8d5f7a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d");
    *doc.mutable_issued_at() = ToProtoTime(absl::FromCivil(absl::CivilMinute(2022, 10, 10, 9, 0), Shanghai()));
  }
  pb::DocumentContent& c = *doc.mutable_content();
  c.set_title("上饶市优化营商环境工作通报");
  c.set_subtitle("2022年第三季度");
  c.set_period("2022Q3");
  c.set_issuer("上饶市优化营商环境工作领导小组办公室");
  *c.mutable_cut_off() = ToProtoTime(absl::FromCivil(absl::CivilMinute(2022, 10, 8, 18, 0), Shanghai()));

  pb::Section& ranks = AddSection(c, "ranks", 0, "§四(四) 一是对全市各地各单位优化营商环境18项一级指标、86项二级指标情况进行通报");
  ranks.add_summary("第三季度全市营商环境综合排名全省第3名，较上季度上升1位，达到进入全省前三的目标。");
  ranks.add_summary("18项一级指标中，进入全省前三的有7项，排名第7名及以后的有4项。");
  ranks.set_commentary("请排名靠后指标的牵头单位对照短板，一个月内报送整改措施。\n各县（市、区）同步抓好落实。");
  *ranks.add_charts() = RankTrend();
  *ranks.add_charts() = Heatmap();
  pb::Table& l1 = *ranks.add_tables();
  l1.set_key("l1_ranks");
  l1.set_title("18项一级指标全省排名");
  for (const char* col : {"指标", "牵头单位", "本期排名", "上期排名", "变化"}) l1.add_columns(col);
  AddRow(l1, {Text("开办企业"), Text("市市场监管局"), Number("第2名", 2), Number("第4名", 4), Text("↑2")});
  AddRow(l1, {Text("办理建筑许可"), Text("市住房和城乡建设局"), Number("第9名", 9), Number("第8名", 8), Text("↓1")})
      .add_units("市住房和城乡建设局");
  AddRow(l1, {Text("获得电力"), Text("国网上饶供电公司"), Number("第1名", 1), Number("第1名", 1), Text("—")});
  AddRow(l1, {Text("市场监管（“双随机<&>信用”）"), Text("市市场监管局"), Number("第5名", 5), Number("第6名", 6),
              Text("↑1")});
  l1.set_note("上游：第1–3名（本地口径）");

  pb::Section& actions = AddSection(c, "actions", 1, "§四(四) 三是对八大行动落实推进情况进行通报");
  actions.add_summary("八大行动共127项举措，已完成98项，完成率77.2%。");
  pb::Table& act = *actions.add_tables();
  act.set_key("actions_by_action");
  act.set_title("八大行动推进情况：按行动统计/截至本季度末（含已销号、推进中和滞后举措）");
  for (const char* col : {"行动", "举措数", "已完成", "完成率"}) act.add_columns(col);
  AddRow(act, {Text("政务服务提质增效行动"), Number("18", 18), Number("15", 15), Number("83.3%", 83.3)});
  AddRow(act, {Text("要素保障优化行动"), Number("16", 16), Number("11", 11), Number("68.8%", 68.8)});

  pb::Section& tasks = AddSection(c, "tasks", 2, "§四(四) 二是对五大环境30项具体工作任务完成情况进行通报");
  tasks.add_summary("30项具体工作任务中，已完成21项，推进中7项，滞后2项。");
  pb::Table& t1 = *tasks.add_tables();
  t1.set_key("tasks_lagging");
  t1.set_title("排名情况");
  for (const char* col : {"任务", "责任单位", "状态"}) t1.add_columns(col);
  AddRow(t1, {Text("企业开办全程网办"), Text("市市场监管局"), Text("滞后")});
  pb::Table& t2 = *tasks.add_tables();
  t2.set_key("tasks_empty");
  t2.set_title("排名情况");
  for (const char* col : {"任务", "责任单位", "状态"}) t2.add_columns(col);

  pb::Section& reforms = AddSection(c, "reforms", 3, "§四(四) 四是对全生命周期“一件事”改革推进落实情况进行通报");
  reforms.add_summary("“一件事”改革事项已上线46项，本季度办件1.2万件。");

  pb::Section& redemptions = AddSection(c, "redemptions", 4, "§四(四) 五是对惠企政策通过“惠企通”平台兑现落实情况进行通报");
  redemptions.add_summary("本季度通过“惠企通”平台兑现惠企资金4909.75万元，惠及企业1,216家。");
  *redemptions.add_charts() = Bars();
  pb::Table& money = *redemptions.add_tables();
  money.set_key("redemptions_by_county");
  money.set_title("惠企政策兑现情况");
  for (const char* col : {"县（市、区）", "兑现金额（万元）", "惠及企业（家）"}) money.add_columns(col);
  AddRow(money, {Text("信州区"), Number("1,234.50", 1234.5), Number("312", 312)});
  AddRow(money, {Text("广丰区"), Number("980.00", 980), Number("268", 268)});

  pb::Section& alerts = AddSection(c, "alerts", 5, "§四(六) 督办“四个专项整治”办理落实情况");
  alerts.set_annex(true);
  alerts.add_summary("本季度预警指标5项。");
  pb::Table& al = *alerts.add_tables();
  al.set_key("alerts");
  al.set_title("预警指标");
  for (const char* col : {"指标", "牵头单位", "本期排名", "底线"}) al.add_columns(col);
  AddRow(al, {Text("办理破产"), Text("市中级人民法院"), Number("第10名", 10), Text("第6名")});

  pb::Section& cases = AddSection(c, "cases", 6, "§四(五) 以一个月为时限……对通报督办事项、排名靠后的工作进行整改");
  cases.set_annex(true);
  pb::Table& items = *cases.add_tables();
  items.set_key("items");
  items.set_title("督办事项");
  for (const char* col : {"序号", "责任单位", "事项", "整改时限"}) items.add_columns(col);
  for (int i = 1; i <= 40; ++i) {
    AddRow(items, {Number(std::to_string(i), i), Text(Counties()[static_cast<size_t>(i % 12)] + "人民政府"),
                   Text("针对“" + Indicators()[static_cast<size_t>(i % 19)] + "”排名靠后的问题制定整改方案并落实"),
                   Text("2022年11月10日")});
  }

  c.add_notes("排名数据来源：省营商办季度测评结果（2022年10月8日导入）。");
  c.add_notes("惠企通：兑现数据截至2022年9月30日。");
  return doc;
}

}  // namespace ys::notify::documents::sample
