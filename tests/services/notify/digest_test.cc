#include "services/notify/digest.h"

#include <string>
#include <vector>

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

absl::Time At(int y, int m, int d, int hh, int mm) {
  return absl::FromCivil(absl::CivilMinute(y, m, d, hh, mm), Shanghai());
}

absl::Time Next(DigestCadence cadence, absl::Time after,
                absl::Duration time_of_day = absl::Hours(8) + absl::Minutes(30)) {
  absl::StatusOr<absl::Time> t = NextDigestAt({cadence, time_of_day}, after, Calendar());
  EXPECT_TRUE(t.ok()) << t.status();
  return t.ok() ? *t : absl::InfinitePast();
}

const EventTypeTitles& Titles() {
  static const EventTypeTitles* t = new EventTypeTitles{
      {"ranking_alert", "排名预警"}, {"rectification_overdue", "整改督办"},
      {"duty_reminder", "值班提醒"}};
  return *t;
}

DigestItem Item(std::string id, std::string type, Severity severity, absl::Time at) {
  return DigestItem{id, type, severity, at, "标题 " + id, "正文 " + id};
}

std::vector<std::string> Ids(const Digest& d) {
  std::vector<std::string> ids;
  for (const DigestItem& i : d.items) ids.push_back(i.notification_id);
  return ids;
}

TEST(NextDigestAt, DailyOnTheNextWorkingDay) {
  EXPECT_EQ(Next(DigestCadence::kDaily, At(2022, 10, 15, 23, 0)), At(2022, 10, 17, 8, 30));
  EXPECT_EQ(Next(DigestCadence::kDaily, At(2022, 10, 17, 7, 0)), At(2022, 10, 17, 8, 30));
  // A digest due exactly at `after` is the one being sent: the next is tomorrow's.
  EXPECT_EQ(Next(DigestCadence::kDaily, At(2022, 10, 17, 8, 30)), At(2022, 10, 18, 8, 30));
  // Across the National Day break to the 调休 Saturday.
  EXPECT_EQ(Next(DigestCadence::kDaily, At(2022, 9, 30, 9, 0)), At(2022, 10, 8, 8, 30));
  EXPECT_EQ(Next(DigestCadence::kDaily, At(2022, 10, 8, 9, 0)), At(2022, 10, 9, 8, 30));
  // At the recipient's own time.
  EXPECT_EQ(Next(DigestCadence::kDaily, At(2022, 10, 17, 9, 0), absl::Hours(17)),
            At(2022, 10, 17, 17, 0));
}

TEST(NextDigestAt, WeeklyOnTheWeeksFirstWorkingDay) {
  EXPECT_EQ(Next(DigestCadence::kWeekly, At(2022, 10, 18, 10, 0)), At(2022, 10, 24, 8, 30));
  EXPECT_EQ(Next(DigestCadence::kWeekly, At(2022, 10, 17, 8, 0)), At(2022, 10, 17, 8, 30));
  EXPECT_EQ(Next(DigestCadence::kWeekly, At(2022, 10, 17, 8, 30)), At(2022, 10, 24, 8, 30));
  // The National Day week's first working day is its 调休 Saturday.
  EXPECT_EQ(Next(DigestCadence::kWeekly, At(2022, 9, 26, 9, 0)), At(2022, 10, 8, 8, 30));
  // Spring Festival 2023: Monday 01-23 to Friday 01-27 off, Saturday 01-28 works.
  EXPECT_EQ(Next(DigestCadence::kWeekly, At(2023, 1, 16, 9, 0)), At(2023, 1, 28, 8, 30));
  // Labour Day 2023: Monday 05-01 to Wednesday 05-03 off; that week starts on Thursday.
  EXPECT_EQ(Next(DigestCadence::kWeekly, At(2023, 4, 24, 9, 0)), At(2023, 5, 4, 8, 30));
}

TEST(NextDigestAt, RefusesNoneBadTimeAndUnpublishedYears) {
  absl::StatusOr<absl::Time> t =
      NextDigestAt({DigestCadence::kNone, absl::Hours(9)}, At(2022, 10, 17, 9, 0), Calendar());
  EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  t = NextDigestAt({DigestCadence::kDaily, absl::Hours(24)}, At(2022, 10, 17, 9, 0), Calendar());
  EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(t.status().message().find("time_of_day"), absl::string_view::npos);
  t = NextDigestAt({DigestCadence::kDaily, absl::Hours(9)}, At(2026, 12, 31, 10, 0), Calendar());
  EXPECT_EQ(t.status().code(), absl::StatusCode::kFailedPrecondition) << t.status();
  t = NextDigestAt({DigestCadence::kWeekly, absl::Hours(9)}, At(2027, 3, 1, 10, 0), Calendar());
  EXPECT_EQ(t.status().code(), absl::StatusCode::kFailedPrecondition) << t.status();
}

TEST(BuildDigest, NeverAnEmptyOne) {
  EXPECT_FALSE(BuildDigest("市商务局", {}).has_value());
}

TEST(BuildDigest, SortedCountedAndSummarised) {
  std::vector<DigestItem> items = {
      Item("n1", "ranking_alert", Severity::kWarning, At(2022, 10, 15, 23, 0)),
      Item("n2", "rectification_overdue", Severity::kInfo, At(2022, 10, 15, 9, 0)),
      Item("n3", "ranking_alert", Severity::kCritical, At(2022, 10, 16, 1, 0)),
      Item("n4", "ranking_alert", Severity::kWarning, At(2022, 10, 14, 20, 0)),
  };
  std::optional<Digest> d = BuildDigest("市商务局", items, DigestCadence::kDaily, Titles());
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->recipient, "市商务局");
  // Critical first; then the warnings oldest first; then the info.
  EXPECT_EQ(Ids(*d), (std::vector<std::string>{"n3", "n4", "n1", "n2"}));
  ASSERT_EQ(d->counts.size(), 2u);
  EXPECT_EQ(d->counts[0].event_type, "ranking_alert");
  EXPECT_EQ(d->counts[0].count, 3);
  EXPECT_EQ(d->counts[1].title, "整改督办");
  EXPECT_EQ(d->counts[1].count, 1);
  EXPECT_EQ(d->summary, "今日汇总：排名预警 3 条、整改督办 1 条");
  EXPECT_EQ(d->first_at, At(2022, 10, 14, 20, 0));
  EXPECT_EQ(d->last_at, At(2022, 10, 16, 1, 0));
  EXPECT_EQ(d->items[0].title, "标题 n3");
  EXPECT_EQ(d->items[0].body, "正文 n3");
}

TEST(BuildDigest, EqualCountsKeepTheOrderOfTheMostSevere) {
  std::vector<DigestItem> items = {
      Item("a", "duty_reminder", Severity::kInfo, At(2022, 10, 17, 7, 0)),
      Item("b", "rectification_overdue", Severity::kWarning, At(2022, 10, 17, 8, 0)),
  };
  std::optional<Digest> d = BuildDigest("市商务局", items, DigestCadence::kWeekly, Titles());
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->summary, "本周汇总：整改督办 1 条、值班提醒 1 条");
}

TEST(BuildDigest, SameTimeAndSeverityOrderedById) {
  const absl::Time t = At(2022, 10, 17, 7, 0);
  std::optional<Digest> d = BuildDigest(
      "u", {Item("z", "x", Severity::kWarning, t), Item("m", "x", Severity::kWarning, t)});
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(Ids(*d), (std::vector<std::string>{"m", "z"}));
}

TEST(BuildDigest, RedeliveredNotificationCountedOnce) {
  std::vector<DigestItem> items = {
      Item("n1", "ranking_alert", Severity::kWarning, At(2022, 10, 15, 23, 0)),
      Item("n1", "ranking_alert", Severity::kWarning, At(2022, 10, 15, 23, 0)),
      Item("n2", "ranking_alert", Severity::kWarning, At(2022, 10, 15, 23, 5)),
  };
  std::optional<Digest> d = BuildDigest("市商务局", items, DigestCadence::kDaily, Titles());
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(Ids(*d), (std::vector<std::string>{"n1", "n2"}));
  EXPECT_EQ(d->summary, "今日汇总：排名预警 2 条");
}

TEST(BuildDigest, UnknownEventTypeShownAsItIs) {
  std::optional<Digest> d = BuildDigest(
      "u", {Item("n1", "bulletin_published", Severity::kInfo, At(2022, 10, 17, 7, 0))},
      DigestCadence::kNone, Titles());
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->summary, "汇总：bulletin_published 1 条");
}

}  // namespace
}  // namespace ys::notify
