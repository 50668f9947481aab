#include "common/time/period.h"

#include "common/time/clock.h"
#include "gtest/gtest.h"
#include "tests/fakes/fake_clock.h"

namespace ys {
namespace {

TEST(PeriodTest, ParsesAndFormatsEachKind) {
  struct Case {
    const char* text;
    Period::Kind kind;
    int year;
    int index;
    const char* formatted;
  };
  for (const Case& c : std::vector<Case>{
           {"2022-09", Period::Kind::kMonth, 2022, 9, "2022-09"},
           {"2022Q3", Period::Kind::kQuarter, 2022, 3, "2022Q3"},
           {"2022q4", Period::Kind::kQuarter, 2022, 4, "2022Q4"},
           {"2022", Period::Kind::kYear, 2022, 0, "2022"},
       }) {
    auto p = Period::Parse(c.text);
    ASSERT_TRUE(p.ok()) << c.text << ": " << p.status();
    EXPECT_EQ(p->kind(), c.kind) << c.text;
    EXPECT_EQ(p->year(), c.year) << c.text;
    EXPECT_EQ(p->index(), c.index) << c.text;
    EXPECT_EQ(p->ToString(), c.formatted) << c.text;
  }
}

TEST(PeriodTest, RejectsMalformedText) {
  for (const char* bad : {"", "2022-13", "2022-00", "2022Q5", "2022Q0", "22-09", "2022-9",
                          "2022/09", "abcd", "2022-09-01", "-2022", "2022Q", "9999Q9"}) {
    auto p = Period::Parse(bad);
    EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument) << "'" << bad << "'";
  }
}

TEST(PeriodTest, NextAndPreviousCrossYearBoundaries) {
  EXPECT_EQ(Period::Parse("2022-12")->Next().ToString(), "2023-01");
  EXPECT_EQ(Period::Parse("2023-01")->Previous().ToString(), "2022-12");
  EXPECT_EQ(Period::Parse("2022Q4")->Next().ToString(), "2023Q1");
  EXPECT_EQ(Period::Parse("2023Q1")->Previous().ToString(), "2022Q4");
  EXPECT_EQ(Period::Parse("2022")->Next().ToString(), "2023");
  EXPECT_EQ(Period::Parse("2022-09")->Next().ToString(), "2022-10");
}

TEST(PeriodTest, ContainingQuarterAndYear) {
  EXPECT_EQ(Period::Parse("2022-09")->ContainingQuarter().ToString(), "2022Q3");
  EXPECT_EQ(Period::Parse("2022-10")->ContainingQuarter().ToString(), "2022Q4");
  EXPECT_EQ(Period::Parse("2022-01")->ContainingQuarter().ToString(), "2022Q1");
  EXPECT_EQ(Period::Parse("2022Q3")->ContainingYear().ToString(), "2022");
  auto months = Period::Parse("2022Q3")->Months();
  ASSERT_EQ(months.size(), 3u);
  EXPECT_EQ(months[0].ToString(), "2022-07");
  EXPECT_EQ(months[2].ToString(), "2022-09");
  EXPECT_EQ(Period::Parse("2022")->Months().size(), 12u);
  EXPECT_TRUE(Period::Parse("2022Q3")->Contains(*Period::Parse("2022-08")));
  EXPECT_FALSE(Period::Parse("2022Q3")->Contains(*Period::Parse("2022-10")));
}

TEST(PeriodTest, DaysAndInstantsAreInShanghai) {
  Period feb = *Period::Parse("2024-02");
  EXPECT_EQ(feb.FirstDay(), absl::CivilDay(2024, 2, 1));
  EXPECT_EQ(feb.LastDay(), absl::CivilDay(2024, 2, 29));  // leap year
  EXPECT_EQ(Period::Parse("2023-02")->LastDay(), absl::CivilDay(2023, 2, 28));
  // 2022-09 starts at 2022-09-01 00:00 +08:00 = 2022-08-31 16:00 UTC.
  EXPECT_EQ(Period::Parse("2022-09")->Start(), absl::FromCivil(absl::CivilSecond(2022, 8, 31, 16, 0, 0),
                                                               absl::UTCTimeZone()));
}

TEST(PeriodTest, ContainingAnInstantUsesShanghaiNotUtc) {
  // 2022-09-30 17:00 UTC is already 2022-10-01 01:00 in Shanghai: October, Q4.
  testing::FakeClock clock(
      absl::FromCivil(absl::CivilSecond(2022, 9, 30, 17, 0, 0), absl::UTCTimeZone()));
  EXPECT_EQ(Period::Containing(clock.Now(), Period::Kind::kMonth).ToString(), "2022-10");
  EXPECT_EQ(Period::Containing(clock.Now(), Period::Kind::kQuarter).ToString(), "2022Q4");
  clock.Advance(absl::Hours(-2));  // 23:00 on the 30th in Shanghai
  EXPECT_EQ(Period::Containing(clock.Now(), Period::Kind::kMonth).ToString(), "2022-09");
}

TEST(PeriodTest, OrdersByStartThenLength) {
  Period m = *Period::Parse("2022-07");
  Period q = *Period::Parse("2022Q3");
  Period y = *Period::Parse("2022");
  EXPECT_LT(*Period::Parse("2022-06"), m);
  EXPECT_LT(m, q);
  EXPECT_LT(y, m);  // the year starts in January
  EXPECT_EQ(m, *Period::Parse("2022-07"));
  EXPECT_NE(m, q);
}

}  // namespace
}  // namespace ys
