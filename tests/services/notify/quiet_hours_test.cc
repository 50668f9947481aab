#include "services/notify/quiet_hours.h"

#include "absl/time/civil_time.h"
#include "common/time/calendar.h"
#include "common/time/clock.h"
#include "gtest/gtest.h"

namespace ys::notify {
namespace {

const WorkingDayCalendar& Calendar() {
  static const WorkingDayCalendar* c = new WorkingDayCalendar(*WorkingDayCalendar::LoadEmbedded());
  return *c;
}

absl::Time At(int y, int m, int d, int hh, int mm, int ss = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss), Shanghai());
}

Timing DecideOk(Severity severity, absl::Time at, const QuietPolicy& policy = {}) {
  absl::StatusOr<Timing> t = Decide(severity, at, Calendar(), policy);
  EXPECT_TRUE(t.ok()) << t.status();
  return t.ok() ? *t : Timing{};
}

// The "must be shown": a warning on Saturday 23:00 arrives in Monday's morning digest.
TEST(QuietHours, WarningOnSaturdayNightIsHeldForMondayMorningDigest) {
  const Timing t = DecideOk(Severity::kWarning, At(2022, 10, 15, 23, 0));  // an ordinary Saturday
  EXPECT_EQ(t.action, Timing::Action::kHold);
  EXPECT_EQ(t.hold_until, At(2022, 10, 17, 8, 30));
  EXPECT_EQ(t.reason, "非工作时间（周六 23:00，周末），并入下一个工作日 2022-10-17（周一）08:30 的汇总");
}

TEST(QuietHours, CriticalOnSaturdayNightGoesAtOnce) {
  const Timing t = DecideOk(Severity::kCritical, At(2022, 10, 15, 23, 0));
  EXPECT_TRUE(t.send_now());
  EXPECT_EQ(t.reason, "紧急级别，不受免打扰时段限制，立即发送（周六 23:00）");
}

// Nothing on a holiday: a Monday of the National Day break is not a working day.
TEST(QuietHours, NothingOnAHolidayHeldToTheMakeUpSaturday) {
  const Timing t = DecideOk(Severity::kWarning, At(2022, 10, 3, 10, 0));
  EXPECT_EQ(t.action, Timing::Action::kHold);
  EXPECT_EQ(t.hold_until, At(2022, 10, 8, 8, 30));  // 调休 Saturday
  EXPECT_EQ(t.reason,
            "非工作时间（周一 10:00，国庆节假期），并入下一个工作日 2022-10-08（周六）08:30 的汇总");
}

// Something on a 调休 Saturday: it is a working day.
TEST(QuietHours, MakeUpSaturdayIsAWorkingDay) {
  const Timing t = DecideOk(Severity::kWarning, At(2022, 10, 8, 10, 0));
  EXPECT_TRUE(t.send_now());
  EXPECT_EQ(t.reason, "工作时间（周六 10:00，国庆节调休上班日），立即发送");
  // The Sunday after it is a make-up day too.
  EXPECT_TRUE(DecideOk(Severity::kInfo, At(2022, 10, 9, 17, 0)).send_now());
}

TEST(QuietHours, NightBeforeAWorkingDayWaitsForTheMorning) {
  const Timing t = DecideOk(Severity::kWarning, At(2022, 10, 18, 22, 0));  // Tuesday
  EXPECT_EQ(t.action, Timing::Action::kHold);
  EXPECT_EQ(t.hold_until, At(2022, 10, 19, 8, 30));
  EXPECT_EQ(t.reason, "非工作时间（周二 22:00），并入下一个工作日 2022-10-19（周三）08:30 的汇总");
}

TEST(QuietHours, EarlyMorningOfAWorkingDayWaitsForThatDaysDigest) {
  const Timing t = DecideOk(Severity::kWarning, At(2022, 10, 19, 7, 15));  // Wednesday
  EXPECT_EQ(t.hold_until, At(2022, 10, 19, 8, 30));
  EXPECT_EQ(t.reason, "非工作时间（周三 07:15），并入当天 08:30 的汇总");
}

TEST(QuietHours, SpringFestival2023) {
  // 除夕 (Saturday 2023-01-21) to 初六 (Friday 01-27) off; Saturday 01-28 and Sunday 01-29 are
  // make-up working days.
  const Timing eve = DecideOk(Severity::kWarning, At(2023, 1, 21, 10, 0));
  EXPECT_EQ(eve.hold_until, At(2023, 1, 28, 8, 30));
  EXPECT_EQ(eve.reason,
            "非工作时间（周六 10:00，春节假期），并入下一个工作日 2023-01-28（周六）08:30 的汇总");
  // The Friday evening before the break waits the whole break.
  EXPECT_EQ(DecideOk(Severity::kInfo, At(2023, 1, 20, 19, 0)).hold_until, At(2023, 1, 28, 8, 30));
  // A weekday of the break.
  EXPECT_EQ(DecideOk(Severity::kWarning, At(2023, 1, 25, 9, 0)).hold_until, At(2023, 1, 28, 8, 30));
  EXPECT_TRUE(DecideOk(Severity::kWarning, At(2023, 1, 28, 9, 0)).send_now());
  // The make-up Sunday's evening: Monday morning.
  EXPECT_EQ(DecideOk(Severity::kWarning, At(2023, 1, 29, 18, 30)).hold_until,
            At(2023, 1, 30, 8, 30));
  EXPECT_TRUE(DecideOk(Severity::kCritical, At(2023, 1, 22, 3, 0)).send_now());
}

TEST(QuietHours, OfficeHoursAreHalfOpen) {
  EXPECT_FALSE(DecideOk(Severity::kWarning, At(2022, 10, 19, 8, 29, 59)).send_now());
  EXPECT_TRUE(DecideOk(Severity::kWarning, At(2022, 10, 19, 8, 30, 0)).send_now());
  EXPECT_TRUE(DecideOk(Severity::kWarning, At(2022, 10, 19, 17, 59, 59)).send_now());
  const Timing closing = DecideOk(Severity::kWarning, At(2022, 10, 19, 18, 0, 0));
  EXPECT_EQ(closing.hold_until, At(2022, 10, 20, 8, 30));
}

TEST(QuietHours, InfoIsHeldLikeWarning) {
  EXPECT_EQ(DecideOk(Severity::kInfo, At(2022, 10, 16, 12, 0)).hold_until, At(2022, 10, 17, 8, 30));
}

TEST(QuietHours, UnpublishedYearIsRefusedNotGuessed) {
  absl::StatusOr<Timing> t = Decide(Severity::kWarning, At(2027, 3, 10, 10, 0), Calendar(), {});
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(t.status().message().find("2027"), absl::string_view::npos) << t.status();
  // The next working day of a published year's last evening lies in the unpublished one.
  t = Decide(Severity::kWarning, At(2026, 12, 31, 20, 0), Calendar(), {});
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), absl::StatusCode::kFailedPrecondition);
  // Critical never needs the calendar.
  t = Decide(Severity::kCritical, At(2027, 3, 10, 23, 0), Calendar(), {});
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_TRUE(t->send_now());
}

TEST(QuietHours, ConfiguredPolicy) {
  QuietPolicy p;
  p.work_start = absl::Hours(9);
  p.work_end = absl::Hours(17) + absl::Minutes(30);
  p.digest_time = absl::Hours(9) + absl::Minutes(15);
  EXPECT_FALSE(DecideOk(Severity::kWarning, At(2022, 10, 19, 8, 45), p).send_now());
  EXPECT_EQ(DecideOk(Severity::kWarning, At(2022, 10, 19, 8, 45), p).hold_until,
            At(2022, 10, 19, 9, 15));
  EXPECT_TRUE(DecideOk(Severity::kWarning, At(2022, 10, 19, 9, 5), p).send_now());
  EXPECT_EQ(DecideOk(Severity::kWarning, At(2022, 10, 19, 17, 30), p).hold_until,
            At(2022, 10, 20, 9, 15));
  p.send_at_once_from = Severity::kWarning;
  EXPECT_TRUE(DecideOk(Severity::kWarning, At(2022, 10, 15, 23, 0), p).send_now());
  EXPECT_FALSE(DecideOk(Severity::kInfo, At(2022, 10, 15, 23, 0), p).send_now());
}

TEST(QuietHours, BadPolicyIsRefusedNamingTheField) {
  QuietPolicy p;
  p.digest_time = absl::Hours(7);  // before the office opens
  absl::StatusOr<Timing> t = Decide(Severity::kWarning, At(2022, 10, 19, 10, 0), Calendar(), p);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(t.status().message().find("digest_time"), absl::string_view::npos) << t.status();

  p = QuietPolicy{};
  p.work_end = absl::Hours(8);
  EXPECT_NE(ValidateQuietPolicy(p).message().find("work_end"), absl::string_view::npos);
  p = QuietPolicy{};
  p.work_start = absl::Hours(-1);
  EXPECT_NE(ValidateQuietPolicy(p).message().find("work_start"), absl::string_view::npos);
  EXPECT_TRUE(ValidateQuietPolicy(QuietPolicy{}).ok());
}

TEST(QuietHours, SeverityNames) {
  for (Severity s : {Severity::kInfo, Severity::kWarning, Severity::kCritical}) {
    absl::StatusOr<Severity> parsed = ParseSeverity(SeverityName(s));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, s);
  }
  EXPECT_EQ(SeverityName(Severity::kCritical), "critical");
  EXPECT_EQ(SeverityTitle(Severity::kWarning), "预警");
  EXPECT_EQ(ParseSeverity("fatal").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseSeverity("Critical").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ys::notify
