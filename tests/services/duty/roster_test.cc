#include "services/duty/roster.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/time/clock.h"
#include "gtest/gtest.h"
#include "services/duty/compliance.h"
#include "tests/fakes/fake_clock.h"

namespace ys::duty {
namespace {

const WorkingDayCalendar& Calendar() {
  static const WorkingDayCalendar* c = new WorkingDayCalendar(*WorkingDayCalendar::LoadEmbedded());
  return *c;
}

absl::Time At(absl::CivilDay day, int hh, int mm = 0) {
  return absl::FromCivil(absl::CivilSecond(day.year(), day.month(), day.day(), hh, mm, 0), Shanghai());
}

pb::Registration Reg(std::string id, std::string date, pb::Session session, std::string unit,
                     std::string leader, int days_ahead = 10, bool cancelled = false) {
  pb::Registration r;
  r.set_id(std::move(id));
  r.set_date(std::move(date));
  r.set_session(session);
  r.set_unit(std::move(unit));
  r.set_window("W1");
  r.set_window_name("综合窗口");
  r.set_leader_name(std::move(leader));
  r.set_title("局长");
  r.set_days_ahead(days_ahead);
  r.set_cancelled(cancelled);
  return r;
}

TEST(RosterTest, IsoWeekNamesAndMondays) {
  struct Case {
    absl::CivilDay day;
    std::string week;
    absl::CivilDay monday;
  };
  const std::vector<Case> cases = {
      {absl::CivilDay(2022, 10, 3), "2022-W40", absl::CivilDay(2022, 10, 3)},
      {absl::CivilDay(2022, 10, 9), "2022-W40", absl::CivilDay(2022, 10, 3)},   // Sunday ends the week
      {absl::CivilDay(2022, 1, 2), "2021-W52", absl::CivilDay(2021, 12, 27)},   // a January Sunday of last year's week
      {absl::CivilDay(2022, 1, 3), "2022-W01", absl::CivilDay(2022, 1, 3)},
      {absl::CivilDay(2024, 12, 30), "2025-W01", absl::CivilDay(2024, 12, 30)}, // a December Monday of next year's
      {absl::CivilDay(2020, 12, 31), "2020-W53", absl::CivilDay(2020, 12, 28)},
      {absl::CivilDay(2023, 10, 7), "2023-W40", absl::CivilDay(2023, 10, 2)},
      {absl::CivilDay(2022, 2, 6), "2022-W05", absl::CivilDay(2022, 1, 31)},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(IsoWeekName(c.day), c.week) << c.day;
    EXPECT_EQ(MondayOf(c.day), c.monday) << c.day;
  }
}

TEST(RosterTest, PublishesOnFirstWorkingDay_2022W40_OnSaturday08Oct) {
  // 国庆 2022: 10-01..10-07 off, Saturday 10-08 and Sunday 10-09 worked (调休).
  for (int d = 3; d <= 9; ++d) {
    auto day = RosterPublishDay(absl::CivilDay(2022, 10, d), Calendar());
    ASSERT_TRUE(day.ok()) << day.status();
    ASSERT_TRUE(day->has_value());
    EXPECT_EQ(**day, absl::CivilDay(2022, 10, 8));
  }
  const RosterPolicy policy;  // 08:00
  const absl::CivilDay week(2022, 10, 3);
  EXPECT_FALSE(*RosterDue(week, At(absl::CivilDay(2022, 10, 3), 8), Calendar(), policy));  // a holiday Monday
  EXPECT_FALSE(*RosterDue(week, At(absl::CivilDay(2022, 10, 8), 7, 59), Calendar(), policy));
  EXPECT_TRUE(*RosterDue(week, At(absl::CivilDay(2022, 10, 8), 8), Calendar(), policy));
  EXPECT_TRUE(*RosterDue(week, At(absl::CivilDay(2022, 10, 9), 23, 59), Calendar(), policy));
  EXPECT_FALSE(*RosterDue(week, At(absl::CivilDay(2022, 10, 10), 0), Calendar(), policy));  // next week

  auto roster = BuildRoster(week, {}, Calendar());
  ASSERT_TRUE(roster.ok()) << roster.status();
  EXPECT_EQ(roster->week(), "2022-W40");
  EXPECT_EQ(roster->week_start(), "2022-10-03");
  EXPECT_EQ(roster->publish_date(), "2022-10-08");
  EXPECT_FALSE(roster->no_working_day());
}

TEST(RosterTest, Week2022_01_31_PublishesNothing) {
  // 春节 2022: 01-31..02-06, the whole ISO week 2022-W05, is off.
  auto day = RosterPublishDay(absl::CivilDay(2022, 1, 31), Calendar());
  ASSERT_TRUE(day.ok()) << day.status();
  EXPECT_FALSE(day->has_value());
  for (int d = 0; d < 7; ++d) {
    for (int hh : {0, 8, 12, 23}) {
      const absl::CivilDay when = absl::CivilDay(2022, 1, 31) + d;
      auto due = RosterDue(absl::CivilDay(2022, 1, 31), At(when, hh), Calendar(), RosterPolicy{});
      ASSERT_TRUE(due.ok()) << due.status();
      EXPECT_FALSE(*due) << when << " " << hh;
    }
  }
  auto roster = BuildRoster(absl::CivilDay(2022, 2, 3), {}, Calendar());
  ASSERT_TRUE(roster.ok()) << roster.status();
  EXPECT_EQ(roster->week(), "2022-W05");
  EXPECT_EQ(roster->week_start(), "2022-01-31");
  EXPECT_TRUE(roster->no_working_day());
  EXPECT_TRUE(roster->publish_date().empty());
  EXPECT_TRUE(roster->entries().empty());
}

TEST(RosterTest, UnpublishedYearIsNotGuessed) {
  EXPECT_EQ(RosterPublishDay(absl::CivilDay(2031, 3, 3), Calendar()).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(RosterDue(absl::CivilDay(2031, 3, 3), At(absl::CivilDay(2031, 3, 3), 9), Calendar(), RosterPolicy{})
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(BuildRoster(absl::CivilDay(2031, 3, 3), {}, Calendar()).ok());
}

TEST(RosterTest, DueAtTheConfiguredTimeInShanghai) {
  // 2022-W41: Monday 10-10 is a working day.
  const absl::CivilDay week(2022, 10, 12);
  RosterPolicy half_past_nine;
  half_past_nine.publish_minutes = 9 * 60 + 30;
  EXPECT_FALSE(*RosterDue(week, At(absl::CivilDay(2022, 10, 10), 9, 29), Calendar(), half_past_nine));
  EXPECT_TRUE(*RosterDue(week, At(absl::CivilDay(2022, 10, 10), 9, 30), Calendar(), half_past_nine));
  // 00:30 UTC on Monday is 08:30 in Shanghai: due under the default 08:00.
  const absl::Time utc = absl::FromCivil(absl::CivilSecond(2022, 10, 10, 0, 30, 0), absl::UTCTimeZone());
  EXPECT_TRUE(*RosterDue(week, utc, Calendar(), RosterPolicy{}));
  // 23:30 UTC on Sunday 10-09 is already Monday 07:30 in Shanghai: not yet.
  const absl::Time sunday_utc = absl::FromCivil(absl::CivilSecond(2022, 10, 9, 23, 30, 0), absl::UTCTimeZone());
  EXPECT_FALSE(*RosterDue(week, sunday_utc, Calendar(), RosterPolicy{}));
  // Before the week begins it is not due either.
  EXPECT_FALSE(*RosterDue(week, At(absl::CivilDay(2022, 10, 7), 9), Calendar(), RosterPolicy{}));
}

TEST(RosterTest, FakeClockWalks2022And2023WeekByWeek) {
  // The expectation, computed apart from the roster code: the first day Monday..Sunday the
  // calendar calls a working day.
  std::map<absl::CivilDay, std::optional<absl::CivilDay>> want;  // by Monday
  const absl::CivilDay first_monday(2022, 1, 3);                 // 2022-W01
  const absl::CivilDay end(2024, 1, 1);                          // 2024-W01, not walked
  for (absl::CivilDay monday = first_monday; monday < end; monday += 7) {
    std::optional<absl::CivilDay> first;
    for (absl::CivilDay d = monday; d < monday + 7 && !first; ++d) {
      auto working = Calendar().IsWorkingDay(d);
      ASSERT_TRUE(working.ok()) << working.status();
      if (*working) first = d;
    }
    want[monday] = first;
  }
  ASSERT_EQ(want.size(), 104u);  // 2022 and 2023 have 52 ISO weeks each

  const RosterPolicy policy;  // 08:00
  testing::FakeClock clock(At(first_monday, 0));
  std::map<absl::CivilDay, absl::Time> first_due;
  int steps = 0;
  for (; clock.Now() < At(end, 0); clock.Advance(absl::Hours(1)), ++steps) {
    const absl::Time now = clock.Now();
    const absl::CivilDay today = absl::ToCivilDay(now, Shanghai());
    auto due = RosterDue(today, now, Calendar(), policy);
    ASSERT_TRUE(due.ok()) << today << ": " << due.status();
    if (*due && !first_due.contains(MondayOf(today))) first_due[MondayOf(today)] = now;
    // The week before is over: never due again.
    if (today - 7 >= first_monday) {
      auto last_week = RosterDue(today - 7, now, Calendar(), policy);
      ASSERT_TRUE(last_week.ok());
      EXPECT_FALSE(*last_week) << today;
    }
  }
  EXPECT_EQ(steps, 104 * 7 * 24);

  std::vector<std::string> weeks_without;
  for (const auto& [monday, first] : want) {
    auto it = first_due.find(monday);
    if (!first.has_value()) {
      weeks_without.push_back(IsoWeekName(monday));
      EXPECT_EQ(it, first_due.end()) << IsoWeekName(monday) << " has no working day but became due";
      continue;
    }
    ASSERT_NE(it, first_due.end()) << IsoWeekName(monday) << " never became due";
    EXPECT_EQ(it->second, At(*first, 8)) << IsoWeekName(monday) << " became due at "
                                         << absl::FormatTime(it->second, Shanghai());
  }
  // The only week of the two years with no working day.
  EXPECT_EQ(weeks_without, std::vector<std::string>{"2022-W05"});

  // The known weeks, read from data/holidays/2022.json and 2023.json.
  auto due_day = [&](absl::CivilDay monday) { return absl::ToCivilDay(first_due.at(monday), Shanghai()); };
  EXPECT_EQ(due_day(absl::CivilDay(2022, 1, 3)), absl::CivilDay(2022, 1, 4));    // W01: 元旦 Monday off
  EXPECT_FALSE(first_due.contains(absl::CivilDay(2022, 1, 31)));                 // W05: 春节
  EXPECT_EQ(due_day(absl::CivilDay(2022, 4, 4)), absl::CivilDay(2022, 4, 6));    // W14: 清明 Mon–Tue off
  EXPECT_EQ(due_day(absl::CivilDay(2022, 5, 2)), absl::CivilDay(2022, 5, 5));    // W18: 劳动节 Mon–Wed off
  EXPECT_EQ(due_day(absl::CivilDay(2022, 10, 3)), absl::CivilDay(2022, 10, 8));  // W40: Saturday 调休
  EXPECT_EQ(due_day(absl::CivilDay(2023, 1, 23)), absl::CivilDay(2023, 1, 28));  // 2023-W04: 春节, Saturday 调休
  EXPECT_EQ(due_day(absl::CivilDay(2023, 10, 2)), absl::CivilDay(2023, 10, 7));  // 2023-W40: Saturday 调休
  EXPECT_EQ(absl::GetWeekday(absl::CivilDay(2023, 10, 7)), absl::Weekday::saturday);
  EXPECT_EQ(due_day(absl::CivilDay(2022, 10, 10)), absl::CivilDay(2022, 10, 10));  // an ordinary Monday
}

TEST(RosterTest, BuildRosterSortsLiveEntriesOfTheWeek) {
  const std::vector<pb::Registration> regs = {
      Reg("DR-6", "2022-10-11", pb::SESSION_MORNING, "市自然资源局", "张某"),
      Reg("DR-1", "2022-10-10", pb::SESSION_AFTERNOON, "市公安局", "钱某"),
      Reg("DR-2", "2022-10-10", pb::SESSION_MORNING, "市自然资源局", "张某"),
      Reg("DR-3", "2022-10-10", pb::SESSION_MORNING, "市公安局", "孙某"),
      Reg("DR-4", "2022-10-10", pb::SESSION_WHOLE_DAY, "市水利局", "周某"),
      Reg("DR-5", "2022-10-12", pb::SESSION_MORNING, "市水利局", "吴某", 10, /*cancelled=*/true),
      Reg("DR-7", "2022-10-17", pb::SESSION_MORNING, "市水利局", "郑某"),  // next week
      Reg("DR-8", "2022-10-09", pb::SESSION_MORNING, "市水利局", "冯某"),  // last week (a 调休 Sunday)
  };
  auto roster = BuildRoster(absl::CivilDay(2022, 10, 13), regs, Calendar());
  ASSERT_TRUE(roster.ok()) << roster.status();
  EXPECT_EQ(roster->week(), "2022-W41");
  EXPECT_EQ(roster->week_start(), "2022-10-10");
  EXPECT_EQ(roster->publish_date(), "2022-10-10");
  EXPECT_FALSE(roster->no_working_day());
  EXPECT_FALSE(roster->published());
  std::vector<std::string> ids;
  for (const pb::RosterEntry& e : roster->entries()) ids.push_back(e.registration_id());
  // By date, then 上午 / 下午 / 全天, then unit (byte order of the UTF-8 names).
  std::vector<std::string> want = {"DR-3", "DR-2", "DR-1", "DR-4", "DR-6"};
  ASSERT_EQ(ids, want);
  EXPECT_LT(std::string("市公安局"), std::string("市自然资源局"));
  const pb::RosterEntry& e = roster->entries(0);
  EXPECT_EQ(e.date(), "2022-10-10");
  EXPECT_EQ(e.unit(), "市公安局");
  EXPECT_EQ(e.window(), "W1");
  EXPECT_EQ(e.window_name(), "综合窗口");
  EXPECT_EQ(e.leader_name(), "孙某");
  EXPECT_EQ(e.title(), "局长");
  EXPECT_EQ(e.session(), pb::SESSION_MORNING);
  ASSERT_EQ(roster->channels_size(), 3);
  EXPECT_EQ(roster->channels(0), "政务网站");
  EXPECT_EQ(roster->channels(1), "微信公众号");
  EXPECT_EQ(roster->channels(2), "大厅显示屏");
}

std::vector<int> DaysDue(const std::vector<pb::Registration>& regs, absl::CivilDay today,
                         const RosterPolicy& policy = {}) {
  std::vector<int> out;
  for (const ReminderDue& r : RemindersDue(regs, today, policy)) out.push_back(r.days_before);
  return out;
}

TEST(RosterTest, RemindersSevenAndOneDayBefore) {
  const std::vector<pb::Registration> regs = {Reg("DR-1", "2022-10-20", pb::SESSION_MORNING, "市水利局", "周某", 14)};
  using V = std::vector<int>;
  EXPECT_EQ(DaysDue(regs, absl::CivilDay(2022, 10, 12)), V{});
  EXPECT_EQ(DaysDue(regs, absl::CivilDay(2022, 10, 13)), V{7});  // date − 7
  EXPECT_EQ(DaysDue(regs, absl::CivilDay(2022, 10, 18)), V{7});  // missed days catch up until the next
  EXPECT_EQ(DaysDue(regs, absl::CivilDay(2022, 10, 19)), V{1});  // date − 1
  EXPECT_EQ(DaysDue(regs, absl::CivilDay(2022, 10, 20)), V{});   // the day itself: too late
  EXPECT_EQ(DaysDue(regs, absl::CivilDay(2022, 10, 21)), V{});
  auto due = RemindersDue(regs, absl::CivilDay(2022, 10, 19), RosterPolicy{});
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].registration, &regs[0]);
}

TEST(RosterTest, LateRegistrationGetsOnlyTheRemindersStillAhead) {
  // Registered three days ahead: no "7 days to go" reminder three days before.
  const std::vector<pb::Registration> late = {Reg("DR-2", "2022-10-20", pb::SESSION_MORNING, "市水利局", "周某", 3)};
  EXPECT_EQ(DaysDue(late, absl::CivilDay(2022, 10, 17)), std::vector<int>{});
  EXPECT_EQ(DaysDue(late, absl::CivilDay(2022, 10, 19)), std::vector<int>{1});
  // Registered exactly seven days ahead: the 7-day reminder that day.
  const std::vector<pb::Registration> on_time = {Reg("DR-3", "2022-10-20", pb::SESSION_MORNING, "市水利局", "周某", 7)};
  EXPECT_EQ(DaysDue(on_time, absl::CivilDay(2022, 10, 13)), std::vector<int>{7});
}

TEST(RosterTest, RemindersSkipCancelledAndFollowThePolicy) {
  const std::vector<pb::Registration> regs = {
      Reg("DR-1", "2022-10-20", pb::SESSION_MORNING, "市水利局", "周某", 14, /*cancelled=*/true),
      Reg("DR-2", "2022-10-20", pb::SESSION_AFTERNOON, "市水利局", "吴某", 14)};
  auto due = RemindersDue(regs, absl::CivilDay(2022, 10, 19), RosterPolicy{});
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].registration->id(), "DR-2");
  // Any order in the configuration; 3 and 1 days before.
  RosterPolicy three_one;
  three_one.reminder_days = {1, 3};
  EXPECT_EQ(DaysDue(regs, absl::CivilDay(2022, 10, 16), three_one), std::vector<int>{});
  EXPECT_EQ(DaysDue(regs, absl::CivilDay(2022, 10, 17), three_one), std::vector<int>{3});
  EXPECT_EQ(DaysDue(regs, absl::CivilDay(2022, 10, 19), three_one), std::vector<int>{1});
  RosterPolicy none;
  none.reminder_days = {};
  EXPECT_TRUE(RemindersDue(regs, absl::CivilDay(2022, 10, 19), none).empty());
}

}  // namespace
}  // namespace ys::duty
