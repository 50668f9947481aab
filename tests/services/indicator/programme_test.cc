#include "services/indicator/programme_service.h"

#include "gtest/gtest.h"
#include "tests/services/indicator/catalog_data.h"

namespace ys::indicator {
namespace {

class ProgressValidationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* f : {"units.yaml", "catalog.yaml"}) {
      auto parsed = ParseCatalogFile(testing::ReadCatalogData(f), catalog_);
      ASSERT_TRUE(parsed.ok());
      catalog_ = parsed->catalog;
    }
  }
  pb::ProgressReport Report() {
    pb::ProgressReport r;
    r.set_item_code("A1");
    r.set_month("2022-09");
    r.set_unit("市发改委");  // alias of 市发展和改革委员会
    r.set_status(pb::PROGRESS_STATUS_IN_PROGRESS);
    r.set_percent(60);
    r.set_text("对标提升方案已印发");
    return r;
  }
  Catalog catalog_;
  const absl::Time now_ = absl::FromUnixSeconds(1664467200);  // 2022-09-30
  const Principal office_{"office-dev", "office"};
};

TEST_F(ProgressValidationTest, AcceptsAndCanonicalisesTheUnit) {
  auto ok = ValidateProgressReport(catalog_, office_, now_, Report());
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->unit(), "市发展和改革委员会");
  // A unit reports for itself, under either of its names.
  auto own = ValidateProgressReport(catalog_, {"u", "unit:市发展和改革委员会"}, now_, Report());
  EXPECT_TRUE(own.ok()) << own.status();
}

TEST_F(ProgressValidationTest, Rules) {
  struct Case {
    std::function<void(pb::ProgressReport&)> spoil;
    Principal who;
    absl::StatusCode code;
    const char* field;
  };
  const Principal other{"u", "unit:市财政局"};
  const std::vector<Case> cases = {
      {[](auto& r) { r.set_item_code("A9"); }, office_, absl::StatusCode::kNotFound, "report.item_code"},
      {[](auto& r) { r.clear_item_code(); }, office_, absl::StatusCode::kInvalidArgument, "report.item_code"},
      {[](auto& r) { r.set_month("2022Q3"); }, office_, absl::StatusCode::kInvalidArgument, "report.month"},
      {[](auto& r) { r.set_month("2022-10"); }, office_, absl::StatusCode::kInvalidArgument, "report.month"},
      {[](auto& r) { r.set_unit("市不存在局"); }, office_, absl::StatusCode::kInvalidArgument, "report.unit"},
      {[](auto& r) { r.clear_status(); }, office_, absl::StatusCode::kInvalidArgument, "report.status"},
      {[](auto& r) { r.set_percent(101); }, office_, absl::StatusCode::kInvalidArgument, "report.percent"},
      {[](auto& r) { r.set_status(pb::PROGRESS_STATUS_DONE); }, office_,
       absl::StatusCode::kInvalidArgument, "report.percent"},
      {[](auto&) {}, other, absl::StatusCode::kPermissionDenied, "own unit"},
  };
  for (const Case& c : cases) {
    pb::ProgressReport r = Report();
    c.spoil(r);
    auto got = ValidateProgressReport(catalog_, c.who, now_, r);
    EXPECT_EQ(got.status().code(), c.code) << c.field << ": " << got.status();
    EXPECT_NE(got.status().message().find(c.field), std::string::npos) << got.status();
  }
}

TEST_F(ProgressValidationTest, Point12_11_ProgressOnATaskIsReportedLikeOnAnyItem) {
  auto tasks = ParseCatalogFile(testing::ReadSampleTasks(), catalog_);
  ASSERT_TRUE(tasks.ok());
  ASSERT_TRUE(tasks->problems.empty());
  catalog_ = tasks->catalog;
  pb::ProgressReport r = Report();
  r.set_item_code("T08");  // 【样例】规范招标投标市场秩序, led by 市发改委
  auto ok = ValidateProgressReport(catalog_, office_, now_, r);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->unit(), "市发展和改革委员会");
  // The same rules as for an action: the unit's own key, a known task.
  EXPECT_TRUE(ValidateProgressReport(catalog_, {"u", "unit:市发改委"}, now_, r).ok());
  EXPECT_EQ(ValidateProgressReport(catalog_, {"u", "unit:市财政局"}, now_, r).status().code(),
            absl::StatusCode::kPermissionDenied);
  r.set_item_code("T31");
  EXPECT_EQ(ValidateProgressReport(catalog_, office_, now_, r).status().code(), absl::StatusCode::kNotFound);
  // Before the office loads the tasks there is none to report on.
  r.set_item_code("T08");
  Catalog without;
  for (const char* f : {"units.yaml", "catalog.yaml"}) without = ParseCatalogFile(testing::ReadCatalogData(f), without)->catalog;
  EXPECT_EQ(ValidateProgressReport(without, office_, now_, r).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(ProgressValidationTest, Point12_11_AnEnvironmentOnlyHeadsItsTasks) {
  catalog_ = ParseCatalogFile(testing::ReadSampleTasks(), catalog_)->catalog;
  pb::ProgressReport r = Report();
  r.set_item_code("E1");
  auto got = ValidateProgressReport(catalog_, office_, now_, r);
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(got.status().message().find("field 'report.item_code': E1 is one of the five environments"),
            std::string::npos)
      << got.status();
}

}  // namespace
}  // namespace ys::indicator
