// The document's assembly (issue #16) from a fake of the other services: the plan's five parts in its
// order then the annexes, figures exactly the sources' (ranks, fen), a missing month, the quarter's
// target band, a source that fails, a bad period; and the pure rules behind the cells.

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/civil_time.h"
#include "common/time/clock.h"
#include "common/time/proto_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/notify/documents/assemble.h"
#include "tests/fakes/fake_document_sources.h"

namespace ys::notify::documents {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::ys::testing::FakeDocumentSources;

const pb::Section& SectionOf(const pb::DocumentContent& c, const std::string& key) {
  for (const pb::Section& s : c.sections()) {
    if (s.key() == key) return s;
  }
  ADD_FAILURE() << "no section " << key;
  static const pb::Section kNone;
  return kNone;
}

const pb::Table& TableOf(const pb::Section& s, const std::string& key) {
  for (const pb::Table& t : s.tables()) {
    if (t.key() == key) return t;
  }
  ADD_FAILURE() << "no table " << key << " in " << s.key();
  static const pb::Table kNone;
  return kNone;
}

const pb::Chart& ChartOf(const pb::Section& s, const std::string& key) {
  for (const pb::Chart& c : s.charts()) {
    if (c.key() == key) return c;
  }
  ADD_FAILURE() << "no chart " << key << " in " << s.key();
  static const pb::Chart kNone;
  return kNone;
}

// The row whose first cell is `first`.
const pb::Row& RowOf(const pb::Table& t, const std::string& first) {
  for (const pb::Row& r : t.rows()) {
    if (r.cells_size() > 0 && r.cells(0).text() == first) return r;
  }
  ADD_FAILURE() << "no row " << first << " in " << t.key();
  static const pb::Row kNone;
  return kNone;
}

std::vector<std::string> Texts(const pb::Row& r) {
  std::vector<std::string> out;
  for (const pb::Cell& c : r.cells()) out.push_back(c.text());
  return out;
}

std::vector<std::string> Strings(const google::protobuf::RepeatedPtrField<std::string>& field) {
  return {field.begin(), field.end()};
}

bool AnyContains(const google::protobuf::RepeatedPtrField<std::string>& lines, const std::string& part) {
  for (const std::string& l : lines) {
    if (absl::StrContains(l, part)) return true;
  }
  return false;
}

absl::Time CutOff() { return absl::FromCivil(absl::CivilMinute(2022, 10, 8, 18, 0), Shanghai()); }

class AssembleTest : public ::testing::Test {
 protected:
  void SetUp() override { ys::testing::LoadSample2022Q3(sources_); }

  pb::DocumentContent Bulletin() {
    absl::StatusOr<pb::DocumentContent> c =
        Assemble({.kind = pb::DOCUMENT_KIND_BULLETIN, .period = "2022Q3", .cut_off = CutOff()}, sources_);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? *c : pb::DocumentContent();
  }

  pb::DocumentContent Dispatch(const std::string& month) {
    absl::StatusOr<pb::DocumentContent> c =
        Assemble({.kind = pb::DOCUMENT_KIND_DISPATCH_PACK, .period = month, .cut_off = CutOff()}, sources_);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? *c : pb::DocumentContent();
  }

  FakeDocumentSources sources_;
};

TEST_F(AssembleTest, BulletinHasThePlanPartsInItsOrderThenTheAnnexes) {
  const pb::DocumentContent c = Bulletin();
  std::vector<std::string> keys;
  std::vector<bool> annex;
  for (const pb::Section& s : c.sections()) {
    keys.push_back(s.key());
    annex.push_back(s.annex());
  }
  // §四(四): 一是 ranks, 二是 the 30 tasks, 三是 the eight actions, 四是 reforms, 五是 惠企通.
  EXPECT_THAT(keys, ElementsAre("ranks", "tasks", "actions", "reforms", "redemptions", "alerts", "consequences",
                                "cases", "duty"));
  EXPECT_THAT(annex, ElementsAre(false, false, false, false, false, true, true, true, true));
  EXPECT_EQ(c.sections(1).title(), "二、五大环境30项具体工作任务完成情况");
  EXPECT_THAT(c.sections(1).plan_basis(), HasSubstr("§四(四) 二是"));
  EXPECT_THAT(SectionOf(c, "consequences").plan_basis(), HasSubstr("§四(七)"));
  EXPECT_EQ(c.title(), "上饶市优化营商环境工作通报");
  EXPECT_EQ(c.subtitle(), "2022年第三季度");
  EXPECT_EQ(c.issuer(), "上饶市优化营商环境工作领导小组办公室");
  EXPECT_EQ(FromProtoTime(c.cut_off()), CutOff());
  EXPECT_TRUE(c.missing().empty());
}

TEST_F(AssembleTest, DispatchPackFollowsSectionFourThree) {
  const pb::DocumentContent c = Dispatch("2022-09");
  std::vector<std::string> keys;
  for (const pb::Section& s : c.sections()) keys.push_back(s.key());
  EXPECT_THAT(keys, ElementsAre("ranks", "actions", "tasks", "reforms", "redemptions", "alerts", "consequences",
                                "cases", "duty"));
  EXPECT_EQ(c.title(), "上饶市优化营商环境工作调度会材料");
  EXPECT_EQ(c.subtitle(), "2022年9月");
  EXPECT_EQ(c.sections(1).title(), "二、“一号改革工程”八大行动落实推进情况");
  EXPECT_THAT(c.sections(0).plan_basis(), HasSubstr("§四(三) 一是调度18项"));
}

TEST_F(AssembleTest, BulletinRankCellsAreTheSourcesRanksWithAMissingMonthAsDash) {
  const pb::DocumentContent doc = Bulletin();
  const pb::Section& ranks = SectionOf(doc, "ranks");
  const pb::Table& l1 = TableOf(ranks, "l1_ranks");
  EXPECT_THAT(Strings(l1.columns()),
              ElementsAre("代码", "指标", "领班", "牵头单位", "7月排名", "8月排名", "9月排名", "季度变动"));
  ASSERT_EQ(l1.rows_size(), 4);  // 综合 first, then the first-level indicators
  EXPECT_EQ(l1.rows(0).cells(0).text(), "C00");
  const pb::Row& start = RowOf(l1, "I01");
  EXPECT_THAT(Texts(start), ElementsAre("I01", "开办企业", "帕塔尔·胡加买提", "市市场监管局", "第2名/共11", "—",
                                        "第1名/共11", "↑1"));
  EXPECT_TRUE(start.cells(4).numeric());
  EXPECT_EQ(start.cells(4).number(), 2);
  EXPECT_FALSE(start.cells(5).numeric());
  EXPECT_THAT(Strings(start.units()), ElementsAre("市市场监管局"));
  EXPECT_THAT(Strings(start.region_codes()), ElementsAre("3611"));
  EXPECT_THAT(Texts(RowOf(l1, "I03")), ElementsAre("I03", "办理建筑许可", "李茂荣", "市住房和城乡建设局",
                                                   "第9名/共11", "—", "第10名/共11", "↓1"));
  for (const pb::Row& r : l1.rows()) EXPECT_EQ(r.cells(5).text(), "—") << r.cells(0).text();
  // A second-level indicator without units of its own is its parent's.
  const pb::Row& l2 = RowOf(TableOf(ranks, "l2_ranks"), "I01-01");
  EXPECT_THAT(Strings(l2.units()), ElementsAre("市市场监管局"));
  EXPECT_EQ(l2.cells(2).text(), "帕塔尔·胡加买提");  // and its 领班
  EXPECT_EQ(l2.cells(6).text(), "第4名/共11");
}

TEST_F(AssembleTest, DispatchPackShowsTheMonthThePreviousAndTheMovement) {
  const pb::DocumentContent doc = Dispatch("2022-07");
  const pb::Table& l1 = TableOf(SectionOf(doc, "ranks"), "l1_ranks");
  EXPECT_THAT(Strings(l1.columns()), ElementsAre("代码", "指标", "领班", "牵头单位", "本月排名", "上月", "变动"));
  EXPECT_THAT(Texts(RowOf(l1, "I01")),
              ElementsAre("I01", "开办企业", "帕塔尔·胡加买提", "市市场监管局", "第2名/共11", "第4名", "↑2"));
  EXPECT_THAT(Texts(RowOf(l1, "I15")),
              ElementsAre("I15", "办理破产", "蔡宜萍", "市中级人民法院", "第11名/共11", "第11名", "—"));
  const pb::Section& ranks = SectionOf(doc, "ranks");
  EXPECT_TRUE(AnyContains(ranks.summary(), "2022年7月全市营商环境综合排名全省第5名（共11个），较上月上升1位。"));
  EXPECT_TRUE(AnyContains(ranks.summary(), "全省前三1项，后三位2项，其中倒数第一1项（办理破产）"));
  EXPECT_TRUE(AnyContains(ranks.summary(), "降幅较大的有：办理建筑许可（↓1）"));
  EXPECT_EQ(ranks.charts_size(), 1);  // the heat map; the trend is the bulletin's
}

TEST_F(AssembleTest, TrendCarriesTheQuarterTargetBand) {
  const pb::DocumentContent doc = Bulletin();
  const pb::Section& ranks = SectionOf(doc, "ranks");
  const pb::Chart& trend = ChartOf(ranks, "composite_trend");
  EXPECT_EQ(trend.kind(), pb::CHART_KIND_RANK_TREND);
  EXPECT_THAT(Strings(trend.x_labels()), ElementsAre("7月", "8月", "9月"));
  ASSERT_EQ(trend.series_size(), 1);
  ASSERT_EQ(trend.series(0).values_size(), 3);
  EXPECT_EQ(trend.series(0).values(0), 5);
  EXPECT_TRUE(std::isnan(trend.series(0).values(1)));
  EXPECT_EQ(trend.series(0).values(2), 3);
  EXPECT_EQ(trend.band_target(), 3);  // §四 第三季度目标是整体排名进全省前三
  EXPECT_EQ(trend.band_floor(), 6);   // 不得掉出前六
  EXPECT_EQ(trend.scale_max(), 11);
  EXPECT_TRUE(AnyContains(ranks.summary(), "本季度各月全市综合排名：7月第5名、8月—、9月第3名。"));
  EXPECT_TRUE(AnyContains(ranks.summary(), "一级指标上月无排名，未比较升降。"));  // August has none
  EXPECT_TRUE(AnyContains(ranks.summary(), "年度目标（§一 工作目标（力争到2022年底））：2022Q3 上饶市综合排名全省第3名"));
}

TEST_F(AssembleTest, CountyHeatMapIsTheLastMonthWithRanks) {
  const pb::DocumentContent doc = Bulletin();
  const pb::Section& ranks = SectionOf(doc, "ranks");
  const pb::Chart& heat = ChartOf(ranks, "county_heatmap");
  EXPECT_THAT(Strings(heat.y_labels()), ElementsAre("信州区", "广丰区"));
  EXPECT_THAT(Strings(heat.x_labels()), ElementsAre("综合", "开办企业", "办理建筑许可", "办理破产"));
  ASSERT_EQ(heat.series(0).values_size(), 8);
  EXPECT_EQ(heat.series(0).values(0), 37);
  EXPECT_TRUE(std::isnan(heat.series(0).values(2)));  // 信州区 has no 办理建筑许可 rank
  EXPECT_EQ(heat.series(0).values(6), 55);
  EXPECT_EQ(heat.scale_max(), 100);
  const pb::Row& xinzhou = RowOf(TableOf(ranks, "county_ranks"), "信州区");
  EXPECT_THAT(Texts(xinzhou), ElementsAre("信州区", "37", "12", "—", "100"));
  EXPECT_THAT(Strings(xinzhou.region_codes()), ElementsAre("361102"));
  EXPECT_TRUE(xinzhou.units().empty());
}

TEST_F(AssembleTest, RedemptionsAreSummedOverTheQuarterInYuan) {
  const pb::DocumentContent doc = Bulletin();
  const pb::Section& money = SectionOf(doc, "redemptions");
  const pb::Table& regions = TableOf(money, "redemptions_by_region");
  const pb::Row& xinzhou = RowOf(regions, "信州区");
  // July 123456 fen + September 100000 fen; the stock of unpaid is September's.
  EXPECT_THAT(Texts(xinzhou), ElementsAre("信州区", "5", "4", "3", "2,234.56", "0"));
  EXPECT_DOUBLE_EQ(xinzhou.cells(4).number(), 2234.56);
  EXPECT_THAT(Strings(xinzhou.region_codes()), ElementsAre("361102"));
  EXPECT_THAT(Texts(RowOf(regions, "合计")), ElementsAre("合计", "6", "5", "4", "2,235.06", "2"));
  const pb::Table& departments = TableOf(money, "redemptions_by_department");
  EXPECT_THAT(Strings(RowOf(departments, "市商务局").units()), ElementsAre("市商务局"));
  EXPECT_TRUE(RowOf(departments, "市工信局").units().empty());  // not a unit of the catalog
  const pb::Chart& bars = ChartOf(money, "redemptions_by_county");
  EXPECT_EQ(bars.unit_label(), "万元");
  EXPECT_THAT(Strings(bars.x_labels()), ElementsAre("信州区", "上饶经济技术开发区"));
  EXPECT_DOUBLE_EQ(bars.series(0).values(0), 0.223456);
  EXPECT_TRUE(AnyContains(money.summary(), "兑付金额2,235.06元"));
}

TEST_F(AssembleTest, DispatchPackRedemptionsAreTheMonthsOwn) {
  const pb::DocumentContent doc = Dispatch("2022-07");
  const pb::Table& regions = TableOf(SectionOf(doc, "redemptions"), "redemptions_by_region");
  EXPECT_THAT(Texts(RowOf(regions, "信州区")), ElementsAre("信州区", "3", "2", "1", "1,234.56", "1"));
}

TEST_F(AssembleTest, ProgrammeTakesTheQuartersLastMonthWithReports) {
  const pb::DocumentContent c = Bulletin();
  const pb::Table& actions = TableOf(SectionOf(c, "actions"), "actions_progress");
  EXPECT_THAT(Texts(RowOf(actions, "A1")), ElementsAre("A1", "营商环境对标提升行动", "市商务局", "已完成", "100%",
                                                       "对标方案已印发"));
  EXPECT_THAT(Strings(RowOf(actions, "A1").units()), ElementsAre("市商务局"));
  EXPECT_EQ(RowOf(actions, "A2").cells(3).text(), "未报送");
  const pb::Section& tasks = SectionOf(c, "tasks");
  EXPECT_TRUE(AnyContains(tasks.summary(), "工作方案列五大环境30项具体任务，目录已载入1项"));
  EXPECT_THAT(Texts(RowOf(TableOf(tasks, "tasks_progress"), "T01")),
              ElementsAre("T01", "政务环境", "企业开办全程网办", "市市场监管局", "推进中", "60%", "全程网办率85%"));
}

TEST_F(AssembleTest, AnnexesListAlertsConsequencesCasesAndDuty) {
  const pb::DocumentContent c = Bulletin();
  const pb::Table& alerts = TableOf(SectionOf(c, "alerts"), "alerts");
  ASSERT_EQ(alerts.rows_size(), 2);  // the withdrawn one is not listed
  EXPECT_THAT(Strings(alerts.rows(0).units()), ElementsAre("市中级人民法院"));
  EXPECT_EQ(alerts.rows(0).cells(5).text(), "第11名/共11");
  EXPECT_TRUE(AnyContains(SectionOf(c, "alerts").summary(), "另有已撤回1条"));

  const pb::Table& ledger = TableOf(SectionOf(c, "consequences"), "consequences");
  EXPECT_THAT(Texts(RowOf(ledger, "市中级人民法院")),
              ElementsAre("市中级人民法院", "2022年9月", "办理破产", "扣发年终绩效奖金的5%", "有风险"));
  EXPECT_EQ(RowOf(ledger, "广丰区").cells(4).text(), "已发生");
  EXPECT_THAT(Strings(RowOf(ledger, "广丰区").region_codes()), ElementsAre("361103"));

  const pb::Section& cases = SectionOf(c, "cases");
  const pb::Table& open = TableOf(cases, "cases_open");
  EXPECT_EQ(open.rows_size(), 2);
  EXPECT_EQ(RowOf(open, "RC-000004").cells(6).text(), "逾期8天");
  EXPECT_THAT(Strings(RowOf(open, "RC-000004").region_codes()), ElementsAre("361102"));
  EXPECT_THAT(Strings(RowOf(open, "RC-000004").units()), ElementsAre("市市场监管局"));  // follows it
  EXPECT_EQ(RowOf(TableOf(cases, "cases_overdue"), "RC-000004").cells(5).text(), "督办");
  // Due in the quarter: RC-000002 (reported on time), RC-000003 (late), RC-000004 (open).
  EXPECT_THAT(Texts(RowOf(TableOf(cases, "cases_on_time"), "市中级人民法院")),
              ElementsAre("市中级人民法院", "2", "2", "1", "0", "50.0%"));
  EXPECT_THAT(Texts(RowOf(TableOf(cases, "cases_on_time"), "合计")), ElementsAre("合计", "3", "2", "1", "1", "50.0%"));

  const pb::Section& duty = SectionOf(c, "duty");
  EXPECT_THAT(Strings(RowOf(TableOf(duty, "duty"), "2022年9月").units()), ElementsAre("市商务局"));
  EXPECT_TRUE(AnyContains(duty.summary(), "2022年9月：达标1，未达标0"));
}

TEST_F(AssembleTest, AFailingSourceIsNamedAndItsSectionSaysDataIsMissing) {
  sources_.failing.insert("rectification");
  const pb::DocumentContent c = Bulletin();
  ASSERT_EQ(c.missing_size(), 1);
  EXPECT_THAT(c.missing(0), HasSubstr("rectification: UNAVAILABLE"));
  const pb::Section& cases = SectionOf(c, "cases");
  EXPECT_TRUE(AnyContains(cases.summary(), "数据暂缺（rectification：UNAVAILABLE）"));
  EXPECT_EQ(cases.tables_size(), 0);
  EXPECT_EQ(TableOf(SectionOf(c, "ranks"), "l1_ranks").rows_size(), 4);  // the others are whole
}

TEST_F(AssembleTest, AFailingRankingLeavesRankTablesWithoutRanks) {
  sources_.failing.insert("ranking");
  const pb::DocumentContent c = Bulletin();
  EXPECT_THAT(c.missing(0), HasSubstr("ranking: UNAVAILABLE"));
  const pb::Section& ranks = SectionOf(c, "ranks");
  EXPECT_TRUE(AnyContains(ranks.summary(), "2022年7月排名：数据暂缺（ranking：UNAVAILABLE）"));
  EXPECT_EQ(RowOf(TableOf(ranks, "l1_ranks"), "I01").cells(4).text(), "—");
  EXPECT_TRUE(AnyContains(SectionOf(c, "consequences").summary(), "数据暂缺"));
}

TEST_F(AssembleTest, BadPeriodOrKindIsRefusedNamingTheField) {
  for (const auto& [kind, period] : std::vector<std::pair<pb::DocumentKind, std::string>>{
           {pb::DOCUMENT_KIND_BULLETIN, "2022-09"},
           {pb::DOCUMENT_KIND_BULLETIN, "2022q3"},
           {pb::DOCUMENT_KIND_DISPATCH_PACK, "2022Q3"},
           {pb::DOCUMENT_KIND_DISPATCH_PACK, "2022-9"},
           {pb::DOCUMENT_KIND_DISPATCH_PACK, "2022-13"},
           {pb::DOCUMENT_KIND_DISPATCH_PACK, ""}}) {
    absl::StatusOr<pb::DocumentContent> c = Assemble({.kind = kind, .period = period, .cut_off = CutOff()}, sources_);
    EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument) << period;
    EXPECT_THAT(c.status().message(), HasSubstr("'period'")) << period;
  }
  absl::StatusOr<pb::DocumentContent> c = Assemble({.period = "2022Q3", .cut_off = CutOff()}, sources_);
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(c.status().message(), HasSubstr("'kind'"));
  EXPECT_TRUE(sources_.calls.empty());  // refused before asking anyone
}

// --- the rules ---

TEST(AssembleRulesTest, MovementText) {
  EXPECT_EQ(MovementText(true, 2), "↑2");
  EXPECT_EQ(MovementText(true, -1), "↓1");
  EXPECT_EQ(MovementText(true, 0), "—");
  EXPECT_EQ(MovementText(false, 3), "—");
}

TEST(AssembleRulesTest, RankTextAndBack) {
  EXPECT_EQ(RankText(6, 11), "第6名/共11");
  EXPECT_EQ(RankText(6, 0), "第6名");
  EXPECT_EQ(RankText(0, 11), "—");
  EXPECT_EQ(ParseRankText("第6名/共11"), std::make_pair(6, 11));
  EXPECT_EQ(ParseRankText("第6名"), std::make_pair(6, 0));
  EXPECT_EQ(ParseRankText("—"), std::make_pair(0, 0));
  EXPECT_EQ(ParseRankText("第x名/共11"), std::make_pair(0, 0));
  const pb::Cell none = RankCell(0, 11);
  EXPECT_FALSE(none.numeric());
  EXPECT_EQ(RankCell(9, 11).number(), 9);
}

TEST(AssembleRulesTest, BottomThree) {
  EXPECT_TRUE(InBottomThree(9, 11));
  EXPECT_TRUE(InBottomThree(11, 11));
  EXPECT_FALSE(InBottomThree(8, 11));
  EXPECT_FALSE(InBottomThree(1, 0));
}

TEST(AssembleRulesTest, FenToYuanIsExact) {
  EXPECT_EQ(FenToYuanText(123456), "1,234.56");
  EXPECT_EQ(FenToYuanText(0), "0.00");
  EXPECT_EQ(FenToYuanText(5), "0.05");
  EXPECT_EQ(FenToYuanText(-5), "-0.05");
  EXPECT_EQ(FenToYuanText(100000), "1,000.00");
  EXPECT_EQ(FenToYuanText(99999999), "999,999.99");
  EXPECT_EQ(FenToYuanText(123456789012345), "1,234,567,890,123.45");
  EXPECT_EQ(FenToYuanText(std::numeric_limits<int64_t>::min()), "-92,233,720,368,547,758.08");
  const pb::Cell c = YuanCell(123456);
  EXPECT_TRUE(c.numeric());
  EXPECT_DOUBLE_EQ(c.number(), 1234.56);
  EXPECT_DOUBLE_EQ(FenToWan(12345678), 12.345678);
}

TEST(AssembleRulesTest, PercentAndLabels) {
  EXPECT_EQ(PercentText(1, 3), "33.3%");
  EXPECT_EQ(PercentText(2, 2), "100.0%");
  EXPECT_EQ(PercentText(0, 0), "—");
  EXPECT_EQ(StandingLabel(rpb::STANDING_INCURRED), "已发生");
  EXPECT_EQ(StandingLabel(rpb::STANDING_AT_RISK), "有风险");
  EXPECT_EQ(StandingLabel(rpb::STANDING_PENDING), "待确认");
  EXPECT_EQ(GapText("duty", absl::UnavailableError("down")), "数据暂缺（duty：UNAVAILABLE）");
}

TEST(AssembleRulesTest, PeriodsAndHeadings) {
  EXPECT_THAT(*DocumentMonths(pb::DOCUMENT_KIND_BULLETIN, "2022Q3"), ElementsAre("2022-07", "2022-08", "2022-09"));
  EXPECT_THAT(*DocumentMonths(pb::DOCUMENT_KIND_DISPATCH_PACK, "2022-09"), ElementsAre("2022-09"));
  EXPECT_EQ(PeriodHeading("2022Q3"), "2022年第三季度");
  EXPECT_EQ(PeriodHeading("2022-09"), "2022年9月");
  EXPECT_EQ(MonthLabel("2022-10"), "10月");
  EXPECT_EQ(PlanQuarterTarget("2022Q3").target_at_most, 3);
  EXPECT_EQ(PlanQuarterTarget("2022Q3").floor_at_most, 6);
  EXPECT_EQ(PlanQuarterTarget("2022Q4").target_at_most, 0);
}

}  // namespace
}  // namespace ys::notify::documents
