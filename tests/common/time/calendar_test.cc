#include "common/time/calendar.h"

#include "gtest/gtest.h"

namespace ys {
namespace {

class CalendarTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = WorkingDayCalendar::LoadEmbedded();
    ASSERT_TRUE(c.ok()) << c.status();
    calendar_ = std::move(*c);
  }
  bool Working(int y, int m, int d) {
    auto w = calendar_.IsWorkingDay(absl::CivilDay(y, m, d));
    EXPECT_TRUE(w.ok()) << w.status();
    return w.value_or(false);
  }
  WorkingDayCalendar calendar_;
};

TEST_F(CalendarTest, NationalDayWeek2022) {
  EXPECT_TRUE(Working(2022, 10, 8));   // Saturday, 调休 make-up working day
  EXPECT_TRUE(Working(2022, 10, 9));   // Sunday, 调休 make-up working day
  EXPECT_FALSE(Working(2022, 10, 3));  // Monday, 国庆节
  EXPECT_FALSE(Working(2022, 10, 7));  // Friday, 国庆节
  EXPECT_TRUE(Working(2022, 10, 10));  // ordinary Monday
  EXPECT_FALSE(Working(2022, 10, 15)); // ordinary Saturday
  auto first = calendar_.FirstWorkingDayOfWeek(absl::CivilDay(2022, 10, 3));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, absl::CivilDay(2022, 10, 8));
  // Any day of that week gives the same answer, including the Sunday that ends it.
  EXPECT_EQ(*calendar_.FirstWorkingDayOfWeek(absl::CivilDay(2022, 10, 9)), absl::CivilDay(2022, 10, 8));
  EXPECT_EQ(*calendar_.FirstWorkingDayOfWeek(absl::CivilDay(2022, 10, 12)),
            absl::CivilDay(2022, 10, 10));
}

TEST_F(CalendarTest, OverrideNamesTheHoliday) {
  const auto* o = calendar_.Override(absl::CivilDay(2022, 10, 3));
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->name, "国庆节");
  EXPECT_TRUE(o->off);
  EXPECT_EQ(calendar_.Override(absl::CivilDay(2022, 10, 12)), nullptr);
}

TEST_F(CalendarTest, SpringFestival2023StartsTheWeekOnSaturday) {
  // 2023-01-21..27 off; 2023-01-28 (Sat) and 29 (Sun) are make-up working days.
  EXPECT_FALSE(Working(2023, 1, 23));
  EXPECT_TRUE(Working(2023, 1, 28));
  EXPECT_EQ(*calendar_.FirstWorkingDayOfWeek(absl::CivilDay(2023, 1, 25)), absl::CivilDay(2023, 1, 28));
}

TEST_F(CalendarTest, AddWorkingDaysSkipsHolidaysAndCountsMakeUpDays) {
  // From Friday 2022-09-30: 10-01..10-07 off, 10-08 is the first working day after it.
  EXPECT_EQ(*calendar_.AddWorkingDays(absl::CivilDay(2022, 9, 30), 1), absl::CivilDay(2022, 10, 8));
  EXPECT_EQ(*calendar_.AddWorkingDays(absl::CivilDay(2022, 9, 30), 2), absl::CivilDay(2022, 10, 9));
  EXPECT_EQ(*calendar_.AddWorkingDays(absl::CivilDay(2022, 9, 30), 3), absl::CivilDay(2022, 10, 10));
  EXPECT_EQ(*calendar_.AddWorkingDays(absl::CivilDay(2022, 10, 3), 0), absl::CivilDay(2022, 10, 8));
  EXPECT_EQ(*calendar_.AddWorkingDays(absl::CivilDay(2022, 10, 10), 0), absl::CivilDay(2022, 10, 10));
  EXPECT_EQ(calendar_.AddWorkingDays(absl::CivilDay(2022, 10, 10), -1).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(CalendarTest, UnpublishedYearIsReportedNotGuessed) {
  EXPECT_TRUE(calendar_.IsPublished(2026));
  EXPECT_FALSE(calendar_.IsPublished(2027));  // placeholder file with no days
  auto w = calendar_.IsWorkingDay(absl::CivilDay(2027, 3, 1));
  EXPECT_EQ(w.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(w.status().message().find("2027"), std::string::npos);
  // A walk that runs into the unpublished year stops with the same error.
  auto add = calendar_.AddWorkingDays(absl::CivilDay(2026, 12, 30), 5);
  EXPECT_EQ(add.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(CalendarParseTest, LateDecemberDaysInNextYearsFileApply) {
  auto c = WorkingDayCalendar::FromJsonDocuments({
      R"({"year": 2030, "papers": ["x"], "days": [{"name": "元旦", "date": "2030-01-01", "isOffDay": true}]})",
      R"({"year": 2031, "papers": ["y"], "days": [{"name": "元旦", "date": "2030-12-31", "isOffDay": true}]})",
  });
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_FALSE(*c->IsWorkingDay(absl::CivilDay(2030, 12, 31)));  // a Tuesday, off by the 2031 notice
}

TEST(CalendarParseTest, BadDocumentsAreErrors) {
  EXPECT_FALSE(WorkingDayCalendar::FromJsonDocuments({"not json"}).ok());
  EXPECT_FALSE(WorkingDayCalendar::FromJsonDocuments({R"({"days": []})"}).ok());
  EXPECT_FALSE(WorkingDayCalendar::FromJsonDocuments(
                   {R"({"year": 2030, "days": [{"date": "2030-13-01", "isOffDay": true}]})"})
                   .ok());
  EXPECT_FALSE(WorkingDayCalendar::FromJsonDocuments(
                   {R"({"year": 2030, "days": [{"date": "2030-01-01"}]})"})
                   .ok());
}

TEST(CalendarParseTest, IsoDates) {
  EXPECT_EQ(*ParseIsoDate("2022-10-08"), absl::CivilDay(2022, 10, 8));
  EXPECT_FALSE(ParseIsoDate("2022-10-8").ok());
  EXPECT_FALSE(ParseIsoDate("2022-02-30").ok());
  EXPECT_FALSE(ParseIsoDate("tomorrow").ok());
  EXPECT_EQ(FormatIsoDate(absl::CivilDay(2022, 10, 8)), "2022-10-08");
}

}  // namespace
}  // namespace ys
