#include "services/notify/rate_limit.h"

#include <algorithm>
#include <vector>

#include "absl/time/civil_time.h"
#include "common/time/clock.h"
#include "gtest/gtest.h"

namespace ys::notify {
namespace {

absl::Time At(int y, int m, int d, int hh, int mm, int ss = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss), Shanghai());
}

const absl::Time kT0 = At(2022, 10, 17, 10, 0);
const RateLimitKey kRobot{"wecom", "unit:市商务局"};

RateLimiter Limiter(RateLimitPolicy policy = DefaultRateLimitPolicy(),
                    RateLimiterState state = {}) {
  absl::StatusOr<RateLimiter> l = RateLimiter::Create(std::move(policy), std::move(state));
  EXPECT_TRUE(l.ok()) << l.status();
  return *std::move(l);
}

// A dispatcher that sends each message as soon as the limiter lets it, in arrival order: returns
// the send times.
std::vector<absl::Time> Dispatch(RateLimiter& limiter, const RateLimitKey& key,
                                 const std::vector<absl::Time>& arrivals) {
  std::vector<absl::Time> sent;
  absl::Time clock = absl::InfinitePast();
  for (absl::Time arrival : arrivals) {
    clock = std::max(clock, arrival);
    Admission a = limiter.Acquire(key, clock);
    for (int guard = 0; !a.granted() && guard < 10; ++guard) {
      EXPECT_EQ(a.kind, Admission::Kind::kWait);
      EXPECT_GT(a.until, clock);
      clock = a.until;
      a = limiter.Acquire(key, clock);
    }
    EXPECT_TRUE(a.granted());
    sent.push_back(clock);
  }
  return sent;
}

// The most sends in any half-open window [t, t + window).
int MostInAnyWindow(const std::vector<absl::Time>& sent, absl::Duration window) {
  int most = 0;
  for (absl::Time start : sent) {
    int n = 0;
    for (absl::Time t : sent) n += (t >= start && t < start + window) ? 1 : 0;
    most = std::max(most, n);
  }
  return most;
}

// A WeCom group robot takes 20 messages a minute: 25 at once give 20 now, the rest a minute later.
TEST(RateLimiter, WeComRobotTakesTwentyAMinute) {
  RateLimiter limiter = Limiter();
  int granted = 0;
  for (int i = 0; i < 25; ++i) {
    const Admission a = limiter.Acquire(kRobot, kT0);
    if (a.granted()) {
      ++granted;
    } else {
      EXPECT_EQ(a.kind, Admission::Kind::kWait) << i;
      EXPECT_EQ(a.until, kT0 + absl::Minutes(1)) << i;
    }
  }
  EXPECT_EQ(granted, 20);
}

// 25 messages over one minute (one every 2 s): 20 go on arrival; each of the other 5 at its
// earliest time, one minute after the send whose place in the window it takes.
TEST(RateLimiter, TwentyFiveInOneMinuteGetTheirEarliestTimes) {
  RateLimiter limiter = Limiter();
  std::vector<absl::Time> arrivals;
  for (int i = 0; i < 25; ++i) arrivals.push_back(kT0 + absl::Seconds(2 * i));
  const std::vector<absl::Time> sent = Dispatch(limiter, kRobot, arrivals);
  ASSERT_EQ(sent.size(), 25u);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(sent[i], arrivals[i]) << i;
  EXPECT_EQ(sent[20], kT0 + absl::Seconds(60));
  EXPECT_EQ(sent[21], kT0 + absl::Seconds(62));
  EXPECT_EQ(sent[22], kT0 + absl::Seconds(64));
  EXPECT_EQ(sent[23], kT0 + absl::Seconds(66));
  EXPECT_EQ(sent[24], kT0 + absl::Seconds(68));
  EXPECT_EQ(MostInAnyWindow(sent, absl::Minutes(1)), 20);
}

// The "no more than 20 a minute to one robot", over a storm: 200 at once take 10 minutes.
TEST(RateLimiter, StormNeverExceedsTwentyInAnyMinute) {
  RateLimiter limiter = Limiter();
  const std::vector<absl::Time> sent =
      Dispatch(limiter, kRobot, std::vector<absl::Time>(200, kT0));
  EXPECT_EQ(MostInAnyWindow(sent, absl::Minutes(1)), 20);
  EXPECT_EQ(sent.back(), kT0 + absl::Minutes(9));
  // Another robot is not held back by this one.
  EXPECT_TRUE(limiter.Acquire({"wecom", "unit:市发改委"}, kT0).granted());
}

// Feishu: 100 a minute and 5 a second — the later of the two decides.
TEST(RateLimiter, FeishuBothLimitsHold) {
  RateLimiter limiter = Limiter();
  const RateLimitKey bot{"feishu", "office"};
  const std::vector<absl::Time> sent = Dispatch(limiter, bot, std::vector<absl::Time>(101, kT0));
  EXPECT_EQ(MostInAnyWindow(sent, absl::Seconds(1)), 5);
  EXPECT_EQ(MostInAnyWindow(sent, absl::Minutes(1)), 100);
  EXPECT_EQ(sent[5], kT0 + absl::Seconds(1));
  EXPECT_EQ(sent[99], kT0 + absl::Seconds(19));
  EXPECT_EQ(sent[100], kT0 + absl::Minutes(1));
}

// The daily cap resets at Asia/Shanghai midnight (16:00 UTC), not at UTC midnight.
TEST(RateLimiter, DailyCapResetsAtShanghaiMidnight) {
  RateLimitPolicy p;
  p.by_channel["email"] = SinkLimits{{}, 3};
  RateLimiter limiter = Limiter(p);
  const RateLimitKey mailbox{"email", "leader@example.gov.cn"};
  const absl::Time evening = At(2022, 10, 17, 23, 59);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Acquire(mailbox, evening).granted()) << i;
  const Admission capped = limiter.Acquire(mailbox, evening + absl::Seconds(30));
  EXPECT_EQ(capped.kind, Admission::Kind::kCapped);
  EXPECT_EQ(capped.until, At(2022, 10, 18, 0, 0));
  EXPECT_EQ(capped.until,
            absl::FromCivil(absl::CivilSecond(2022, 10, 17, 16, 0, 0), absl::UTCTimeZone()));
  EXPECT_EQ(limiter.Acquire(mailbox, At(2022, 10, 18, 0, 0) - absl::Seconds(1)).kind,
            Admission::Kind::kCapped);
  EXPECT_TRUE(limiter.Acquire(mailbox, At(2022, 10, 18, 0, 0)).granted());
  EXPECT_EQ(limiter.state().sinks.at(mailbox).sent_on_day, 1);
}

TEST(RateLimiter, DailyCapOfTheDefaultRobots) {
  RateLimiter limiter = Limiter();
  // 500 in a day at the robot's pace (20 a minute): 25 minutes; the 501st is capped till midnight.
  std::vector<absl::Time> arrivals(500, kT0);
  const std::vector<absl::Time> sent = Dispatch(limiter, kRobot, arrivals);
  const Admission a = limiter.Acquire(kRobot, sent.back() + absl::Minutes(5));
  EXPECT_EQ(a.kind, Admission::Kind::kCapped);
  EXPECT_EQ(a.until, At(2022, 10, 18, 0, 0));
}

// A restart restores the state: the limits go on where they were.
TEST(RateLimiter, SavedStateRestoredAfterRestart) {
  RateLimiter before = Limiter();
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(before.Acquire(kRobot, kT0 + absl::Seconds(i)).granted());
  }
  const RateLimiterState saved = before.state();
  ASSERT_EQ(saved.sinks.at(kRobot).recent_sends.size(), 20u);
  EXPECT_EQ(saved.sinks.at(kRobot).sent_on_day, 20);
  EXPECT_EQ(saved.sinks.at(kRobot).day, absl::CivilDay(2022, 10, 17));

  RateLimiter after = Limiter(DefaultRateLimitPolicy(), saved);
  const Admission a = after.Acquire(kRobot, kT0 + absl::Seconds(30));
  EXPECT_EQ(a.kind, Admission::Kind::kWait);
  EXPECT_EQ(a.until, kT0 + absl::Seconds(60));
  // Without the saved state the robot would be sent a 21st message within the minute.
  EXPECT_TRUE(Limiter().Acquire(kRobot, kT0 + absl::Seconds(30)).granted());
  // And the restored limiter goes on exactly as the first one would have.
  EXPECT_EQ(after.Acquire(kRobot, kT0 + absl::Seconds(60)).kind,
            before.Acquire(kRobot, kT0 + absl::Seconds(60)).kind);
  EXPECT_EQ(after.state().sinks.at(kRobot).recent_sends,
            before.state().sinks.at(kRobot).recent_sends);
  EXPECT_EQ(after.state().sinks.at(kRobot).sent_on_day, 21);
}

TEST(RateLimiter, RestoredStateIsTidiedToThePolicy) {
  RateLimiterState state;
  SinkState& s = state.sinks[kRobot];
  for (int i = 29; i >= 0; --i) s.recent_sends.push_back(kT0 + absl::Seconds(i));  // descending
  s.day = absl::CivilDay(2022, 10, 17);
  s.sent_on_day = 30;
  RateLimiter limiter = Limiter(DefaultRateLimitPolicy(), state);
  const std::vector<absl::Time>& kept = limiter.state().sinks.at(kRobot).recent_sends;
  ASSERT_EQ(kept.size(), 20u);
  EXPECT_EQ(kept.front(), kT0 + absl::Seconds(10));
  EXPECT_EQ(kept.back(), kT0 + absl::Seconds(29));
  EXPECT_EQ(limiter.Acquire(kRobot, kT0 + absl::Seconds(40)).until, kT0 + absl::Seconds(70));
}

// A send time later than `now` (saved by a replica whose clock runs ahead) still counts.
TEST(RateLimiter, SendsAheadOfTheClockStillCount) {
  RateLimitPolicy p;
  p.by_channel["wecom"] = SinkLimits{{{1, absl::Minutes(1)}}, 0};
  RateLimiterState state;
  state.sinks[kRobot].recent_sends = {kT0 + absl::Seconds(5)};
  RateLimiter limiter = Limiter(p, state);
  const Admission a = limiter.Acquire(kRobot, kT0);
  EXPECT_EQ(a.kind, Admission::Kind::kWait);
  EXPECT_EQ(a.until, kT0 + absl::Seconds(65));
}

TEST(RateLimiter, SinkOverrideAndUnlimitedChannels) {
  RateLimitPolicy p = DefaultRateLimitPolicy();
  const RateLimitKey hall{"webhook", "大厅显示屏"};
  p.by_sink[hall] = SinkLimits{{{2, absl::Minutes(1)}}, 0};
  p.by_sink[{"wecom", "quiet-robot"}] = SinkLimits{{{1, absl::Minutes(1)}}, 0};
  RateLimiter limiter = Limiter(p);
  EXPECT_TRUE(limiter.Acquire(hall, kT0).granted());
  EXPECT_TRUE(limiter.Acquire(hall, kT0).granted());
  EXPECT_EQ(limiter.Acquire(hall, kT0).kind, Admission::Kind::kWait);
  EXPECT_TRUE(limiter.Acquire({"wecom", "quiet-robot"}, kT0).granted());
  EXPECT_EQ(limiter.Acquire({"wecom", "quiet-robot"}, kT0).kind, Admission::Kind::kWait);
  // Other webhooks and the inbox have no limit, and leave no state behind.
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(limiter.Acquire({"inbox", "市商务局"}, kT0).granted());
  EXPECT_FALSE(limiter.state().sinks.contains(RateLimitKey{"inbox", "市商务局"}));
}

TEST(RateLimiter, PruneKeepsOnlyWhatStillLimits) {
  RateLimiter limiter = Limiter();
  ASSERT_TRUE(limiter.Acquire(kRobot, kT0).granted());
  limiter.Prune(kT0 + absl::Seconds(30));
  EXPECT_EQ(limiter.state().sinks.at(kRobot).recent_sends.size(), 1u);
  // Out of every window, but today's count still matters for the cap.
  limiter.Prune(kT0 + absl::Minutes(2));
  EXPECT_TRUE(limiter.state().sinks.at(kRobot).recent_sends.empty());
  EXPECT_EQ(limiter.state().sinks.at(kRobot).sent_on_day, 1);
  // The next day nothing is left.
  limiter.Prune(At(2022, 10, 18, 0, 0));
  EXPECT_TRUE(limiter.state().sinks.empty());
}

TEST(RateLimiter, BadPolicyRefusedNamingTheChannel) {
  RateLimitPolicy p;
  p.by_channel["wecom"] = SinkLimits{{{0, absl::Minutes(1)}}, 0};
  absl::StatusOr<RateLimiter> l = RateLimiter::Create(p);
  ASSERT_FALSE(l.ok());
  EXPECT_EQ(l.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(l.status().message(),
            "rate limits: channel wecom: windows[0].max_sends must be positive");
  p.by_channel["wecom"] = SinkLimits{{{20, absl::ZeroDuration()}}, 0};
  EXPECT_NE(ValidateRateLimitPolicy(p).message().find("window"), absl::string_view::npos);
  p.by_channel.clear();
  p.by_sink[{"email", "a@b"}] = SinkLimits{{}, -1};
  EXPECT_NE(ValidateRateLimitPolicy(p).message().find("sink email/a@b: daily_cap"),
            absl::string_view::npos);
  EXPECT_TRUE(ValidateRateLimitPolicy(DefaultRateLimitPolicy()).ok());
}

}  // namespace
}  // namespace ys::notify
