#include "services/notify/grouping.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/notify/routing.h"

namespace ys::notify {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;
using ::testing::SizeIs;
using Status = NotifiedAlert::Status;

const GroupTimings kTimings{absl::Seconds(30), absl::Minutes(5), absl::Hours(4)};

// 2022-10-10 09:00 Shanghai, a Monday morning.
absl::Time T0() { return absl::FromCivil(absl::CivilSecond(2022, 10, 10, 9, 0, 0), Shanghai()); }

Labels Alert(const std::string& unit, const std::string& indicator, const std::string& rule = "bottom_three") {
  return {{"event_type", "ranking_alert"}, {"unit", unit}, {"indicator", indicator}, {"rule", rule}};
}

std::vector<std::pair<std::string, Status>> Statuses(const GroupNotification& n) {
  std::vector<std::pair<std::string, Status>> out;
  for (const NotifiedAlert& a : n.alerts) out.emplace_back(a.key, a.status);
  return out;
}

// --- group keys --------------------------------------------------------------------------------

TEST(GroupKeyTest, NamesRouteReceiverAndGroupLabels) {
  const GroupBy by{{"unit", "event_type"}, false};
  EXPECT_EQ(GroupKey("{}/{event_type=\"ranking_alert\"}", "unit:市商务局", by, Alert("市商务局", "I01")),
            R"({}/{event_type="ranking_alert"}|unit:市商务局|{event_type="ranking_alert",unit="市商务局"})");
  // Other labels do not split the group; the group_by order does not matter.
  EXPECT_EQ(GroupKey("{}", "office", by, Alert("市商务局", "I01")),
            GroupKey("{}", "office", GroupBy{{"event_type", "unit"}, false}, Alert("市商务局", "I02", "last_in_province")));
  // Another receiver or another unit is another group.
  EXPECT_NE(GroupKey("{}", "office", by, Alert("市商务局", "I01")), GroupKey("{}", "lead:张三", by, Alert("市商务局", "I01")));
  EXPECT_NE(GroupKey("{}", "office", by, Alert("市商务局", "I01")), GroupKey("{}", "office", by, Alert("市税务局", "I01")));
  // A missing label is the empty value.
  EXPECT_EQ(GroupKey("{}", "office", GroupBy{{"county"}, false}, Alert("市商务局", "I01")), R"({}|office|{county=""})");
  EXPECT_EQ(GroupKey("{}", "office", GroupBy{}, Alert("市商务局", "I01")), "{}|office|{}");
}

TEST(GroupKeyTest, EllipsisGroupsByEveryLabel) {
  const GroupBy all{{}, true};
  EXPECT_EQ(GroupKey("{}", "office", all, {{"unit", "a"}, {"event_type", "x\"y"}}),
            R"({}|office|{event_type="x\"y",unit="a"})");
  EXPECT_NE(GroupKey("{}", "office", all, Alert("市商务局", "I01")), GroupKey("{}", "office", all, Alert("市商务局", "I02")));
}

// --- the state machine -------------------------------------------------------------------------

TEST(GroupStateTest, FirstMessageAfterGroupWaitWithEveryEventNew) {
  GroupState g;
  EXPECT_EQ(NextFlushAt(g, kTimings), std::nullopt);
  EXPECT_TRUE(Add(g, "a1", Alert("市商务局", "I01"), T0()));
  EXPECT_TRUE(Add(g, "a2", Alert("市商务局", "I02"), T0() + absl::Seconds(10)));
  EXPECT_EQ(NextFlushAt(g, kTimings), T0() + absl::Seconds(30));
  EXPECT_EQ(FlushIfDue(g, kTimings, T0() + absl::Seconds(29)), std::nullopt);
  EXPECT_THAT(g.members, SizeIs(2));
  EXPECT_FALSE(g.last_flush.has_value());

  auto n = FlushIfDue(g, kTimings, T0() + absl::Seconds(30));
  ASSERT_TRUE(n.has_value());
  EXPECT_THAT(Statuses(*n), ElementsAre(Pair("a1", Status::kNew), Pair("a2", Status::kNew)));
  EXPECT_EQ(n->new_count, 2);
  EXPECT_FALSE(n->repeat);
  EXPECT_EQ(n->sequence, 1);
  EXPECT_THAT(n->fingerprint, SizeIs(16));
  EXPECT_EQ(g.last_flush, T0() + absl::Seconds(30));
  EXPECT_EQ(g.last_flush_fingerprint, n->fingerprint);
}

TEST(GroupStateTest, NothingChangedMeansTheRepeatAfterRepeatInterval) {
  GroupState g;
  Add(g, "a1", Alert("市商务局", "I01"), T0());
  const GroupNotification first = Flush(g, T0() + absl::Seconds(30));
  EXPECT_EQ(NextFlushAt(g, kTimings), T0() + absl::Seconds(30) + absl::Hours(4));
  auto repeat = FlushIfDue(g, kTimings, T0() + absl::Seconds(30) + absl::Hours(4));
  ASSERT_TRUE(repeat.has_value());
  EXPECT_TRUE(repeat->repeat);
  EXPECT_THAT(Statuses(*repeat), ElementsAre(Pair("a1", Status::kUnchanged)));
  EXPECT_EQ(repeat->fingerprint, first.fingerprint);  // the same content
  EXPECT_EQ(repeat->sequence, 2);                     // but another message
}

TEST(GroupStateTest, AChangeGoesAfterGroupInterval) {
  GroupState g;
  Add(g, "a1", Alert("市商务局", "I01"), T0());
  Add(g, "a2", Alert("市商务局", "I02"), T0());
  const absl::Time flushed = T0() + absl::Seconds(30);
  const GroupNotification first = Flush(g, flushed);
  // The same labels again (Kafka redelivery) change nothing.
  EXPECT_FALSE(Add(g, "a1", Alert("市商务局", "I01"), flushed + absl::Seconds(5)));
  EXPECT_EQ(NextFlushAt(g, kTimings), flushed + absl::Hours(4));
  // a2 is now last in the province: a change.
  EXPECT_TRUE(Add(g, "a2", Alert("市商务局", "I02", "last_in_province"), flushed + absl::Minutes(1)));
  EXPECT_EQ(g.members.at("a2").last_changed, flushed + absl::Minutes(1));
  EXPECT_EQ(NextFlushAt(g, kTimings), flushed + absl::Minutes(5));
  EXPECT_TRUE(Add(g, "a3", Alert("市商务局", "I03"), flushed + absl::Minutes(2)));
  auto n = FlushIfDue(g, kTimings, flushed + absl::Minutes(5));
  ASSERT_TRUE(n.has_value());
  EXPECT_THAT(Statuses(*n), ElementsAre(Pair("a1", Status::kUnchanged), Pair("a2", Status::kChanged),
                                        Pair("a3", Status::kNew)));
  EXPECT_EQ(n->changed_count, 1);
  EXPECT_EQ(n->new_count, 1);
  EXPECT_EQ(n->unchanged_count, 1);
  EXPECT_NE(n->fingerprint, first.fingerprint);
  EXPECT_FALSE(n->repeat);
}

TEST(GroupStateTest, AChangeUndoneBeforeTheNextMessageIsNoChange) {
  GroupState g;
  Add(g, "a1", Alert("市商务局", "I01"), T0());
  const absl::Time flushed = T0() + absl::Seconds(30);
  Flush(g, flushed);
  EXPECT_TRUE(Add(g, "a1", Alert("市商务局", "I01", "last_in_province"), flushed + absl::Minutes(1)));
  EXPECT_TRUE(Add(g, "a1", Alert("市商务局", "I01"), flushed + absl::Minutes(2)));
  EXPECT_EQ(NextFlushAt(g, kTimings), flushed + absl::Hours(4));
}

TEST(GroupStateTest, ASecondBurstAfterAQuietSpellAlsoWaitsGroupWait) {
  GroupState g;
  Add(g, "a1", Alert("市商务局", "I01"), T0());
  Flush(g, T0() + absl::Seconds(30));
  // Two hours later the next month's ranking arrives: group_interval has long passed, but the burst
  // is given group_wait to gather, as a new group would be.
  const absl::Time burst = T0() + absl::Hours(2);
  Add(g, "b1", Alert("市商务局", "I05"), burst);
  EXPECT_EQ(NextFlushAt(g, kTimings), burst + absl::Seconds(30));
  Add(g, "b2", Alert("市商务局", "I06"), burst + absl::Seconds(3));
  EXPECT_EQ(NextFlushAt(g, kTimings), burst + absl::Seconds(30));  // from the first pending change
  auto n = FlushIfDue(g, kTimings, burst + absl::Seconds(30));
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->new_count, 2);
}

TEST(GroupStateTest, WithdrawnUnsentVanishesWithdrawnSentIsReportedOnce) {
  GroupState g;
  Add(g, "a1", Alert("市商务局", "I01"), T0());
  Add(g, "a2", Alert("市商务局", "I02"), T0());
  // a2 withdrawn before anyone heard of it: gone without a word.
  EXPECT_TRUE(Withdraw(g, "a2", T0() + absl::Seconds(5)));
  EXPECT_FALSE(Withdraw(g, "nope", T0() + absl::Seconds(5)));
  const absl::Time flushed = T0() + absl::Seconds(30);
  GroupNotification first = Flush(g, flushed);
  EXPECT_THAT(Statuses(first), ElementsAre(Pair("a1", Status::kNew)));

  EXPECT_TRUE(Withdraw(g, "a1", flushed + absl::Minutes(10)));
  EXPECT_FALSE(Withdraw(g, "a1", flushed + absl::Minutes(11)));  // already withdrawn
  EXPECT_EQ(NextFlushAt(g, kTimings), flushed + absl::Minutes(10) + absl::Seconds(30));
  auto n = FlushIfDue(g, kTimings, flushed + absl::Minutes(11));
  ASSERT_TRUE(n.has_value());
  EXPECT_THAT(Statuses(*n), ElementsAre(Pair("a1", Status::kWithdrawn)));
  EXPECT_EQ(n->withdrawn_count, 1);
  EXPECT_FALSE(n->repeat);
  // It has left the group; an empty group has nothing more to say.
  EXPECT_TRUE(g.members.empty());
  EXPECT_EQ(NextFlushAt(g, kTimings), std::nullopt);
}

TEST(GroupStateTest, AGroupEmptiedBeforeItsFirstMessageStartsAfresh) {
  GroupState g;
  Add(g, "a1", Alert("市商务局", "I01"), T0());
  Withdraw(g, "a1", T0() + absl::Seconds(1));
  EXPECT_EQ(NextFlushAt(g, kTimings), std::nullopt);
  Add(g, "a2", Alert("市商务局", "I02"), T0() + absl::Hours(1));
  EXPECT_EQ(NextFlushAt(g, kTimings), T0() + absl::Hours(1) + absl::Seconds(30));
}

TEST(GroupStateTest, AWithdrawnEventThatComesBackIsAChange) {
  GroupState g;
  Add(g, "a1", Alert("市商务局", "I01"), T0());
  Flush(g, T0() + absl::Seconds(30));
  Withdraw(g, "a1", T0() + absl::Minutes(1));
  // Back with the same labels before the next message: what was sent is true again.
  EXPECT_TRUE(Add(g, "a1", Alert("市商务局", "I01"), T0() + absl::Minutes(2)));
  EXPECT_FALSE(g.members.at("a1").withdrawn);
  EXPECT_EQ(NextFlushAt(g, kTimings), T0() + absl::Seconds(30) + absl::Hours(4));
}

// The "repeat storm after restart": the state is saved after each message (PostgreSQL, later) and
// reloaded by a new process, which then sees the same events again (Kafka from the last commit).
TEST(GroupStateTest, ARestartWithReloadedStateSendsNothingBeforeRepeatInterval) {
  GroupState before;
  for (int i = 0; i < 5; ++i) Add(before, absl::StrCat("a", i), Alert("市商务局", absl::StrCat("I0", i)), T0());
  const absl::Time flushed = T0() + absl::Seconds(30);
  const GroupNotification sent = Flush(before, flushed);

  GroupState reloaded = before;  // what the new process reads back
  const absl::Time restart = flushed + absl::Minutes(7);
  for (int i = 0; i < 5; ++i) {
    EXPECT_FALSE(Add(reloaded, absl::StrCat("a", i), Alert("市商务局", absl::StrCat("I0", i)), restart));
  }
  EXPECT_EQ(NextFlushAt(reloaded, kTimings), flushed + absl::Hours(4));
  // Every minute until then, nothing is due.
  for (absl::Time t = restart; t < flushed + absl::Hours(4); t += absl::Minutes(1)) {
    ASSERT_EQ(FlushIfDue(reloaded, kTimings, t), std::nullopt) << t;
  }
  auto repeat = FlushIfDue(reloaded, kTimings, flushed + absl::Hours(4));
  ASSERT_TRUE(repeat.has_value());
  EXPECT_TRUE(repeat->repeat);
  EXPECT_EQ(repeat->fingerprint, sent.fingerprint);
  EXPECT_EQ(repeat->sequence, 2);
}

TEST(GroupStateTest, FingerprintsAreStableValues) {
  AlertEntry e;
  e.labels = {{"unit", "市商务局"}};
  // A fixed value: a fingerprint stored by one build must be recomputed alike by the next. This is
  // SHA-256 of "2:a1;4:unit;12:市商务局;6:active;" (hashlib), its first 8 bytes in hex.
  const std::string active = EntryFingerprint("a1", e);
  EXPECT_EQ(active, "368533ec9162355b");
  e.withdrawn = true;
  EXPECT_NE(EntryFingerprint("a1", e), active);
  e.withdrawn = false;
  EXPECT_EQ(EntryFingerprint("a1", e), active);
  EXPECT_NE(EntryFingerprint("a2", e), active);
  // Field boundaries count: ("ab","c") and ("a","bc") differ.
  AlertEntry x, y;
  x.labels = {{"ab", "c"}};
  y.labels = {{"a", "bc"}};
  EXPECT_NE(EntryFingerprint("k", x), EntryFingerprint("k", y));
}

// --- the issue's burst -------------------------------------------------------------------------

constexpr char kBurstRoutes[] = R"yaml(route:
  receivers: [office]
  group_by: [event_type]
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 4h
  routes:
    - matchers: ["event_type=ranking_alert"]
      receivers: ["unit:{{unit}}"]
      group_by: [event_type, unit]
      continue: true
    - matchers: ["event_type=ranking_alert"]
      receivers: [office]
)yaml";

// "1,000 alerts in one burst → one grouped message per receiver and group": 10 units × 100
// indicators arrive over 10 seconds; each unit gets one message with its 100, the office one with
// all 1,000, and nothing more is sent in the next hour.
TEST(GroupingBurstTest, AThousandAlertsBecomeOneMessagePerReceiverAndGroup) {
  auto tree = ParseRouteTree(kBurstRoutes);
  ASSERT_TRUE(tree.ok()) << tree.status();
  struct Group {
    std::string receiver;
    GroupTimings timings;
    GroupState state;
  };
  std::map<std::string, Group> groups;
  int n = 0;
  for (int u = 0; u < 10; ++u) {
    for (int i = 0; i < 100; ++i, ++n) {
      const Labels labels = Alert(absl::StrCat("unit", u), absl::StrCat("I", i));
      const absl::Time at = T0() + absl::Milliseconds(10) * n;
      for (const RouteMatch& m : Route(*tree, labels)) {
        for (const std::string& receiver : m.receivers) {
          Group& g = groups[GroupKey(m.key, receiver, m.group_by, labels)];
          g.receiver = receiver;
          g.timings = TimingsOf(m.timings);
          Add(g.state, absl::StrCat("alert-", n), labels, at);
        }
      }
    }
  }
  ASSERT_THAT(groups, SizeIs(11));

  // A dispatcher's loop: wake at the earliest NextFlushAt, flush what is due, until an hour passed.
  std::map<std::string, std::vector<int>> messages;  // receiver -> alerts per message
  std::vector<absl::Time> sent_at;
  const absl::Time horizon = T0() + absl::Hours(1);
  while (true) {
    absl::Time wake = absl::InfiniteFuture();
    for (const auto& [key, g] : groups) {
      if (auto due = NextFlushAt(g.state, g.timings)) wake = std::min(wake, *due);
    }
    if (wake > horizon) break;
    for (auto& [key, g] : groups) {
      if (auto sent = FlushIfDue(g.state, g.timings, wake)) {
        messages[g.receiver].push_back(static_cast<int>(sent->alerts.size()));
        sent_at.push_back(wake);
      }
    }
  }
  ASSERT_THAT(messages, SizeIs(11));
  EXPECT_THAT(messages["office"], ElementsAre(1000));
  for (int u = 0; u < 10; ++u) EXPECT_THAT(messages[absl::StrCat("unit:unit", u)], ElementsAre(100)) << u;
  // Each group's first message went group_wait after its first alert; unit0's first alert was at T0.
  EXPECT_EQ(*std::min_element(sent_at.begin(), sent_at.end()), T0() + absl::Seconds(30));
}

}  // namespace
}  // namespace ys::notify
