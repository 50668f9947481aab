// A recipient's extract (issue #16): a unit keeps the rows tagged with it, a county the rows of its
// region code (its heat-map row included); charts and city-wide rows go; the sentences become the
// recipient's; who has an extract; the extract as the e-mail's text.

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/civil_time.h"
#include "common/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/notify/documents/assemble.h"
#include "services/notify/documents/extract.h"
#include "tests/fakes/fake_document_sources.h"

namespace ys::notify::documents {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

pb::DocumentContent Sample() {
  ys::testing::FakeDocumentSources sources;
  ys::testing::LoadSample2022Q3(sources);
  absl::StatusOr<pb::DocumentContent> c = Assemble(
      {.kind = pb::DOCUMENT_KIND_BULLETIN,
       .period = "2022Q3",
       .cut_off = absl::FromCivil(absl::CivilMinute(2022, 10, 8, 18, 0), Shanghai())},
      sources);
  EXPECT_TRUE(c.ok()) << c.status();
  return c.ok() ? *c : pb::DocumentContent();
}

const pb::Section& SectionOf(const pb::DocumentContent& c, const std::string& key) {
  for (const pb::Section& s : c.sections()) {
    if (s.key() == key) return s;
  }
  ADD_FAILURE() << "no section " << key;
  static const pb::Section kNone;
  return kNone;
}

// Each kept table's key and its rows' first cells.
std::vector<std::string> RowsOf(const pb::DocumentContent& c) {
  std::vector<std::string> out;
  for (const pb::Section& s : c.sections()) {
    for (const pb::Table& t : s.tables()) {
      for (const pb::Row& r : t.rows()) out.push_back(t.key() + ":" + r.cells(0).text());
    }
  }
  return out;
}

TEST(ExtractTest, AUnitKeepsOnlyItsRowsAndNoCharts) {
  const pb::DocumentContent whole = Sample();
  absl::StatusOr<pb::DocumentContent> e = ExtractFor(whole, "unit:市市场监管局");
  ASSERT_TRUE(e.ok()) << e.status();
  ASSERT_EQ(e->sections_size(), whole.sections_size());
  for (int i = 0; i < e->sections_size(); ++i) {
    EXPECT_EQ(e->sections(i).key(), whole.sections(i).key());
    EXPECT_EQ(e->sections(i).plan_basis(), whole.sections(i).plan_basis());
    EXPECT_EQ(e->sections(i).charts_size(), 0) << e->sections(i).key();
    for (const pb::Table& t : e->sections(i).tables()) {
      for (const pb::Row& r : t.rows()) EXPECT_THAT(r.units(), Contains("市市场监管局")) << t.key();
    }
  }
  EXPECT_THAT(RowsOf(*e), ElementsAre("l1_ranks:I01", "l2_ranks:I01-01", "tasks_progress:T01", "cases_open:RC-000004",
                                      "cases_overdue:RC-000004", "cases_on_time:信州区"));
  const pb::Section& ranks = SectionOf(*e, "ranks");
  EXPECT_THAT(ranks.summary(), ElementsAre("本单位牵头的一级指标1项，其中排名全省后三位0项；二级指标1项，其中排名全省后三位0项。"));
  EXPECT_THAT(SectionOf(*e, "duty").summary(), ElementsAre("本部分无涉及本单位的内容。"));
}

TEST(ExtractTest, AUnitsBottomThreeAreCountedFromItsLatestRank) {
  absl::StatusOr<pb::DocumentContent> e = ExtractFor(Sample(), "unit:市中级人民法院");
  ASSERT_TRUE(e.ok());
  EXPECT_THAT(SectionOf(*e, "ranks").summary(),
              ElementsAre("本单位牵头的一级指标1项，其中排名全省后三位1项；二级指标0项，其中排名全省后三位0项。"));
  EXPECT_THAT(RowsOf(*e), Contains("consequences:市中级人民法院"));
  EXPECT_THAT(RowsOf(*e), Not(Contains("consequences:广丰区")));
}

TEST(ExtractTest, ACountyKeepsItsHeatMapRowAndItsCases) {
  absl::StatusOr<pb::DocumentContent> e = ExtractFor(Sample(), "county:361102");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_THAT(RowsOf(*e), ElementsAre("county_ranks:信州区", "redemptions_by_region:信州区", "alerts:2022年9月",
                                      "cases_open:RC-000004", "cases_overdue:RC-000004", "cases_on_time:信州区"));
  EXPECT_THAT(SectionOf(*e, "ranks").summary(), ElementsAre("本县（市、区）综合排名全省第37名。"));
  EXPECT_EQ(SectionOf(*e, "ranks").charts_size(), 0);
}

TEST(ExtractTest, CityWideRowsAndDataGapsInAnExtract) {
  pb::DocumentContent c;
  pb::Section& s = *c.add_sections();
  s.set_key("redemptions");
  s.add_summary("全市兑付100.00元。");
  s.add_summary("2022年8月：数据暂缺（indicator：UNAVAILABLE）");
  pb::Table& t = *s.add_tables();
  t.add_columns("地区");
  t.add_rows()->add_cells()->set_text("合计");  // city-wide: no one's
  pb::Row& own = *t.add_rows();
  own.add_cells()->set_text("信州区");
  own.add_region_codes("361102");
  absl::StatusOr<pb::DocumentContent> e = ExtractFor(c, "county:361102");
  ASSERT_TRUE(e.ok());
  ASSERT_EQ(e->sections(0).tables(0).rows_size(), 1);
  EXPECT_EQ(e->sections(0).tables(0).rows(0).cells(0).text(), "信州区");
  EXPECT_THAT(e->sections(0).summary(), ElementsAre("本部分涉及本县（市、区）的内容1条。",
                                                    "2022年8月：数据暂缺（indicator：UNAVAILABLE）"));
  EXPECT_TRUE(ExtractFor(c, "unit:市商务局")->sections(0).tables().empty());
}

TEST(ExtractTest, ARecipientIsAUnitOrACounty) {
  const pb::DocumentContent c = Sample();
  for (const char* bad : {"", "unit:", "unit: ", "county:", "county:36 11", "leader:饶清华", "none:", "市商务局"}) {
    absl::StatusOr<pb::DocumentContent> e = ExtractFor(c, bad);
    EXPECT_EQ(e.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(ExtractTest, RecipientsAreTheUnitsAndCountiesOfTheRows) {
  // Not county:3611 (the city) nor county:3611Z1 (a zone): an extract goes to a county of 6 digits.
  EXPECT_THAT(ExtractRecipients(Sample()),
              ElementsAre("county:361102", "county:361103", "unit:市中级人民法院", "unit:市住房和城乡建设局",
                          "unit:市商务局", "unit:市市场监管局"));
}

TEST(ExtractTest, TextHasTheRecipientsRowsOnly) {
  const std::string text = ExtractText(*ExtractFor(Sample(), "unit:市市场监管局"));
  EXPECT_THAT(text, HasSubstr("上饶市优化营商环境工作通报\n2022年第三季度\n"));
  EXPECT_THAT(text, HasSubstr("一、18项一级指标、86项二级指标全省排名情况\n"));
  EXPECT_THAT(text, HasSubstr("代码: I01；指标: 开办企业；领班: 帕塔尔·胡加买提；牵头单位: 市市场监管局；7月排名: 第2名/共11；"
                              "8月排名: —；9月排名: 第1名/共11；季度变动: ↑1\n"));
  EXPECT_THAT(text, HasSubstr("编号: T01；环境: 政务环境；任务: 企业开办全程网办"));
  EXPECT_THAT(text, Not(HasSubstr("办理破产")));
  EXPECT_THAT(text, Not(HasSubstr("市商务局")));
}

}  // namespace
}  // namespace ys::notify::documents
