#include "services/duty/hours.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace ys::duty {
namespace {

TEST(HoursTest, ParseClockTimeAcceptsHHMMAndH_MM) {
  struct Case {
    std::string text;
    int want;
  };
  const std::vector<Case> cases = {
      {"09:00", 540}, {"9:00", 540}, {"00:00", 0}, {"23:59", 23 * 60 + 59}, {"17:30", 17 * 60 + 30},
  };
  for (const Case& c : cases) {
    auto got = ParseClockTime(c.text, "start_time");
    ASSERT_TRUE(got.ok()) << c.text << ": " << got.status();
    EXPECT_EQ(*got, c.want) << c.text;
  }
}

TEST(HoursTest, ParseClockTimeRefusesAnythingElseNamingTheField) {
  for (std::string text : {"", "9", "9.00", "09:0", "09:000", "24:00", "12:60", "-1:00", "0a:00", ":900",
                           "123:00", "09：00"}) {
    auto got = ParseClockTime(text, "end_time");
    ASSERT_FALSE(got.ok()) << text;
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_NE(got.status().message().find("end_time"), std::string_view::npos) << got.status();
  }
}

TEST(HoursTest, FormatClockTimePadsToHHMM) {
  EXPECT_EQ(FormatClockTime(540), "09:00");
  EXPECT_EQ(FormatClockTime(17 * 60 + 5), "17:05");
  EXPECT_EQ(FormatClockTime(0), "00:00");
}

TEST(HoursTest, DescribeNamesTheHoursAsLocalPolicy) {
  EXPECT_EQ(DutyHours{}.Describe(), "上午 09:00–12:00，下午 14:00–17:30（中心确定的坐班时段，本地规定）");
  const DutyHours other{{8 * 60 + 30, 12 * 60}, {14 * 60 + 30, 18 * 60}};
  EXPECT_EQ(other.Describe(), "上午 08:30–12:00，下午 14:30–18:00（中心确定的坐班时段，本地规定）");
}

TEST(HoursTest, SessionsStandForTheirHalfDaysAndWholeDayForBoth) {
  const DutyHours hours;
  EXPECT_EQ(hours.Of(pb::SESSION_MORNING).start, 540);
  EXPECT_EQ(hours.Of(pb::SESSION_MORNING).end, 720);
  EXPECT_EQ(hours.Of(pb::SESSION_AFTERNOON).start, 840);
  EXPECT_EQ(hours.Of(pb::SESSION_AFTERNOON).end, 1050);
  EXPECT_EQ(hours.Of(pb::SESSION_WHOLE_DAY).start, 540);
  EXPECT_EQ(hours.Of(pb::SESSION_WHOLE_DAY).end, 1050);
  EXPECT_EQ(CoverageOf(hours, hours.Of(pb::SESSION_UNSPECIFIED)), pb::COVERAGE_UNSPECIFIED);
}

TEST(HoursTest, CoverageOfSpans) {
  const DutyHours hours;  // 09:00–12:00, 14:00–17:30
  struct Case {
    int start, end;
    pb::Coverage want;
  };
  const std::vector<Case> cases = {
      {9 * 60, 17 * 60 + 30, pb::COVERAGE_WHOLE_DAY},       // exactly both halves
      {8 * 60, 18 * 60, pb::COVERAGE_WHOLE_DAY},            // more than both
      {9 * 60 + 1, 17 * 60 + 30, pb::COVERAGE_HALF_DAY},    // a minute late: the afternoon only
      {9 * 60, 17 * 60 + 29, pb::COVERAGE_HALF_DAY},        // a minute early: the morning only
      {9 * 60, 12 * 60, pb::COVERAGE_HALF_DAY},             // the morning
      {14 * 60, 17 * 60 + 30, pb::COVERAGE_HALF_DAY},       // the afternoon
      {8 * 60 + 30, 12 * 60 + 30, pb::COVERAGE_HALF_DAY},
      {9 * 60, 11 * 60 + 59, pb::COVERAGE_UNSPECIFIED},     // short of the morning
      {10 * 60, 16 * 60, pb::COVERAGE_UNSPECIFIED},         // the middle of the day covers no half
      {14 * 60 + 1, 17 * 60 + 30, pb::COVERAGE_UNSPECIFIED},
      {12 * 60, 9 * 60, pb::COVERAGE_UNSPECIFIED},          // backwards
  };
  for (const Case& c : cases) {
    EXPECT_EQ(CoverageOf(hours, Span{c.start, c.end}), c.want)
        << FormatClockTime(c.start) << "–" << FormatClockTime(c.end);
  }
  // The centre's own hours decide: 08:30–17:00 is a whole day under 08:30–11:30 / 13:30–17:00.
  const DutyHours early{{8 * 60 + 30, 11 * 60 + 30}, {13 * 60 + 30, 17 * 60}};
  EXPECT_EQ(CoverageOf(early, Span{8 * 60 + 30, 17 * 60}), pb::COVERAGE_WHOLE_DAY);
  EXPECT_EQ(CoverageOf(hours, Span{8 * 60 + 30, 17 * 60}), pb::COVERAGE_HALF_DAY);
}

}  // namespace
}  // namespace ys::duty
