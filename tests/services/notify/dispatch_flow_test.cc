// The notify pipeline end to end on fakes (dispatch_fixture.h): who is told of what, once, and in
// how many messages — the issue's must-shows for routing, grouping, silences, inhibition and
// withdrawal, with the shipped routing.yaml unless a test says otherwise.

#include <nlohmann/json.hpp>

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/notify/signatures.h"
#include "tests/services/notify/dispatch_fixture.h"

namespace ys::notify::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Pair;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAre;

using DispatchFlowTest = DispatchTest;

nlohmann::json Body(const SentMessage& s) { return nlohmann::json::parse(s.message.body); }

std::string Header(const OutgoingMessage& m, const std::string& name) {
  for (const auto& [k, v] : m.headers) {
    if (k == name) return v;
  }
  return "";
}

// --- 1. a last-place alert, to the unit's webhook exactly once --------------------------------

TEST_F(DispatchFlowTest, ALastPlaceAlertReachesTheUnitsWebhookOnceAndTheOfficeAndHeadTheirs) {
  const IntakeResult placed = ApplyAlert({}, "alert-ce-1");
  EXPECT_EQ(placed.notify_events, 1);  // one responsible unit
  EXPECT_THAT(placed.unknown, IsEmpty());

  // The group gathers for group_wait (30 s) before it speaks.
  clock_.Advance(absl::Seconds(29));
  EXPECT_EQ(Flush().notifications, 0);
  EXPECT_THAT(http_.sent(), IsEmpty());
  AdvanceAndPump(absl::Seconds(1));

  const std::vector<SentMessage> to_unit = http_.SentTo(kUnitHook);
  ASSERT_THAT(to_unit, SizeIs(1));
  const std::vector<pb::Delivery> hook = DeliveriesOn(kUnitId, pb::CHANNEL_KIND_WEBHOOK);
  ASSERT_THAT(hook, SizeIs(1));
  EXPECT_EQ(hook[0].state(), pb::DELIVERY_STATE_DELIVERED);
  EXPECT_EQ(to_unit[0].message.idempotency_key, hook[0].id());
  // Signed with the unit's key, as its receiver checks it.
  EXPECT_TRUE(VerifyWebhookSignature(Header(to_unit[0].message, kWebhookSignatureHeader), to_unit[0].message.body,
                                     {"sample-hmac-key-scjg"}, clock_.Now())
                  .ok());
  const nlohmann::json body = Body(to_unit[0]);
  EXPECT_EQ(body["title"], "【排名预警】上饶市开办企业 2022-09 全省第11名（共11名）");
  EXPECT_EQ(body["severity"], "critical");
  EXPECT_EQ(body["labels"]["period"], "2022-09");
  EXPECT_THAT(body["text"].get<std::string>(), HasSubstr("全省倒数第一"));
  // Nothing went to the unit's mailbox: the webhook took it.
  EXPECT_THAT(smtp_.sent(), IsEmpty());
  // The delivery ended, and said so once on ys.notify.v1.
  int emitted = 0;
  for (const EmittedDelivery& e : store_.events()) emitted += e.delivery.id() == hook[0].id() ? 1 : 0;
  EXPECT_EQ(emitted, 1);

  // The office's robot, the 带班领导's and the 领班's inboxes (critical: the 领班 is told too).
  EXPECT_THAT(http_.SentTo(kOfficeRobotUrl), SizeIs(1));
  for (const char* who : {"office", kUnitId, kHeadId, kLeadId}) {
    EXPECT_THAT(NotificationsOf(who), SizeIs(1)) << who;
    EXPECT_THAT(InboxOf(who), SizeIs(1)) << who;
  }
  EXPECT_EQ(InboxOf(kHeadId)[0].title(), "【排名预警】上饶市开办企业 2022-09 全省第11名（共11名）");
  EXPECT_THAT(NotificationsOf(kOtherUnitId), IsEmpty());

  // The same event again — redelivered by Kafka after the flush — is not news: no second message,
  // not after group_interval, not after a day.
  const std::vector<pb::Notification> before = AllNotifications();
  ApplyAlert({}, "alert-ce-1");
  AdvanceAndPump(absl::Minutes(6));
  AdvanceAndPump(absl::Hours(24));
  EXPECT_THAT(http_.SentTo(kUnitHook), SizeIs(1));
  EXPECT_THAT(http_.SentTo(kOfficeRobotUrl), SizeIs(1));
  EXPECT_EQ(AllNotifications().size(), before.size());
}

TEST_F(DispatchFlowTest, TheSameEventTwiceBeforeTheFlushIsOneMessage) {
  ApplyAlert({}, "alert-ce-1");
  clock_.Advance(absl::Seconds(5));
  ApplyAlert({}, "alert-ce-1");
  AdvanceAndPump(absl::Seconds(30));
  EXPECT_THAT(http_.SentTo(kUnitHook), SizeIs(1));
  ASSERT_THAT(NotificationsOf(kUnitId), SizeIs(1));
  EXPECT_EQ(NotificationsOf(kUnitId)[0].members(), 1);
}

TEST_F(DispatchFlowTest, AnAlertOfTwoUnitsIsToldToEachUnitAndOnceToTheOffice) {
  rpb::RankingAlert a = CityAlert({});
  rpb::ResponsibleUnit* second = a.add_units();
  second->set_unit("市行政审批局");
  second->set_head("李某某");
  const IntakeResult placed = Apply(kRankingAlertsTopic, AlertCloudEvent(a, "alert-ce-1", clock_.Now()));
  EXPECT_EQ(placed.notify_events, 2);
  AdvanceAndPump(absl::Seconds(30));

  for (const char* who : {kUnitId, kHeadId, kOtherUnitId, "head:市行政审批局", "office", kLeadId}) {
    const std::vector<pb::Notification> told = NotificationsOf(who);
    ASSERT_THAT(told, SizeIs(1)) << who;
    EXPECT_EQ(told[0].members(), 1) << who;
  }
  EXPECT_THAT(http_.CountBySink(), UnorderedElementsAre(Pair(kUnitHook, 1), Pair(kOfficeRobotUrl, 1)));
}

TEST_F(DispatchFlowTest, AStandingAlertIsRepeatedWeeklyUntilItsTimeToLiveRunsOut) {
  ApplyAlert({}, "alert-ce-1");
  const absl::Time arrived = clock_.Now();
  AdvanceAndPump(absl::Seconds(30));
  for (int day = 1; day <= 70; ++day) AdvanceAndPump(absl::Hours(24));

  // repeat_interval 168h (routing.yaml), active_event_ttl 45 days: told on day 0, then on days 7,
  // 14, … 42 — never after the 45 days it stands for.
  const std::vector<SentMessage> sent = http_.SentTo(kUnitHook);
  ASSERT_THAT(sent, SizeIs(7));
  for (const SentMessage& s : sent) EXPECT_LT(s.at, arrived + settings_.active_event_ttl);
  EXPECT_EQ(Body(sent[1])["title"], "（再次提醒）【排名预警】上饶市开办企业 2022-09 全省第11名（共11名）");
  EXPECT_THAT(NotificationsOf(kUnitId), SizeIs(7));
}

// --- 2. a burst: one message per receiver and group -------------------------------------------

TEST_F(DispatchFlowTest, AThousandAlertsInOneBurstAreOneMessagePerReceiverAndGroup) {
  // As the consumer takes them: batches of 100 in one unit of work each, a second apart.
  for (int batch = 0; batch < 10; ++batch) {
    std::vector<CloudEvent> events;
    for (int i = batch * 100; i < batch * 100 + 100; ++i) {
      AlertSpec s;
      s.indicator = absl::StrFormat("X%03d", i);  // a distinct alert id each, one period
      events.push_back(AlertCloudEvent(CityAlert(s), absl::StrCat("alert-ce-", i), clock_.Now()));
    }
    std::vector<const CloudEvent*> pointers;
    for (const CloudEvent& e : events) pointers.push_back(&e);
    std::vector<absl::Status> results(events.size());
    ASSERT_TRUE(store_.Write([&](NotifyTx& tx) -> absl::Status {
      return intake_->ApplyBatch(tx, kRankingAlertsTopic, pointers, &results, clock_.Now()).status();
    }).ok());
    for (const absl::Status& r : results) ASSERT_TRUE(r.ok()) << r;
    clock_.Advance(absl::Seconds(1));
  }
  AdvanceAndPump(absl::Seconds(30));

  for (const char* who : {"office", kUnitId, kHeadId, kLeadId}) {
    const std::vector<pb::Notification> told = NotificationsOf(who);
    ASSERT_THAT(told, SizeIs(1)) << who;
    EXPECT_EQ(told[0].members(), 1000) << who;
    EXPECT_EQ(told[0].title(), "【汇总】排名预警 1000 条（新增 1000）") << who;
  }
  EXPECT_THAT(http_.CountBySink(), UnorderedElementsAre(Pair(kUnitHook, 1), Pair(kOfficeRobotUrl, 1)));
  // The webhook carries the list; the robot's own limit cuts it (payloads.h), still one message.
  EXPECT_THAT(Body(http_.SentTo(kUnitHook)[0])["text"].get<std::string>(), HasSubstr("共 1000 条"));
}

// --- 5. cases and duty ---------------------------------------------------------------------------

TEST_F(DispatchFlowTest, AnOverdueCaseReachesTheUnitItsHeadAndTheLead) {
  Apply(kRectificationTopic, OverdueCaseCloudEvent(CityCase(), clock_.Now()));
  AdvanceAndPump(absl::Seconds(10));  // the case routes' group_wait

  for (const char* who : {"office", kUnitId, kHeadId, kLeadId}) {
    const std::vector<pb::Notification> told = NotificationsOf(who);
    ASSERT_THAT(told, SizeIs(1)) << who;
    EXPECT_EQ(told[0].event_type(), "case_overdue") << who;
    EXPECT_THAT(told[0].title(), HasSubstr("【督办】市市场监管局")) << who;
  }
  EXPECT_THAT(NotificationsOf(kOtherUnitId), IsEmpty());
  ASSERT_THAT(http_.SentTo(kUnitHook), SizeIs(1));
  EXPECT_THAT(Body(http_.SentTo(kUnitHook)[0])["title"].get<std::string>(), HasSubstr("RC-000123"));
}

TEST_F(DispatchFlowTest, EachOverdueCaseOfOneUnitIsItsOwnMessage) {
  Apply(kRectificationTopic, OverdueCaseCloudEvent(CityCase("RC-000123"), clock_.Now()));
  AdvanceAndPump(absl::Seconds(10));
  // A week later another of the unit's cases is overdue: the group of case_overdue for the unit
  // emptied after the first message (a case event is news once); the second is news too.
  clock_.Advance(absl::Hours(24 * 7));
  Apply(kRectificationTopic, OverdueCaseCloudEvent(CityCase("RC-000200"), clock_.Now()));
  AdvanceAndPump(absl::Seconds(10));

  const std::vector<pb::Notification> told = NotificationsOf(kUnitId);
  ASSERT_THAT(told, SizeIs(2));
  EXPECT_NE(told[0].id(), told[1].id());
  EXPECT_THAT(told[0].title(), HasSubstr("RC-000200"));  // newest first
  EXPECT_THAT(told[1].title(), HasSubstr("RC-000123"));
  EXPECT_THAT(InboxOf(kUnitId), SizeIs(2));
  const std::vector<SentMessage> sent = http_.SentTo(kUnitHook);
  ASSERT_THAT(sent, SizeIs(2));
  // Two messages, two keys: a sink that dedupes on the key must not drop the second case.
  EXPECT_NE(sent[0].message.idempotency_key, sent[1].message.idempotency_key);
  EXPECT_THAT(Body(sent[1])["title"].get<std::string>(), HasSubstr("RC-000200"));
  EXPECT_THAT(DeliveriesOn(kUnitId, pb::CHANNEL_KIND_WEBHOOK), SizeIs(2));
}

TEST_F(DispatchFlowTest, APublishedRosterReachesTheHallScreen) {
  Apply(kDutyTopic, DutyCloudEvent(RosterEvent(), clock_.Now()));
  Pump();  // group_wait 0s: the roster goes on the day it is published

  const std::vector<SentMessage> screen = http_.SentTo(kScreenHook);
  ASSERT_THAT(screen, SizeIs(1));
  EXPECT_EQ(Body(screen[0])["event_type"], "duty_roster_published");
  EXPECT_THAT(Body(screen[0])["text"].get<std::string>(), HasSubstr("市市场监管局"));
  for (const char* who : {kScreenId, "publication:政务网站", "publication:微信公众号", "centre"}) {
    EXPECT_THAT(NotificationsOf(who), SizeIs(1)) << who;
  }
  EXPECT_THAT(NotificationsOf(kUnitId), IsEmpty());
}

// --- 7. silences and inhibition ------------------------------------------------------------------

TEST_F(DispatchFlowTest, ASilencedMemberIsLeftOutAndAGroupOfOnlyItSendsNothing) {
  pb::Silence silence;
  silence.set_id("S-1");
  silence.add_matchers(absl::StrCat("unit=", kUnit));
  *silence.mutable_starts_at() = ToProtoTime(clock_.Now() - absl::Hours(1));
  *silence.mutable_ends_at() = ToProtoTime(clock_.Now() + absl::Hours(24));
  silence.set_created_by("office-dev");
  silence.set_comment("系统维护（示例）");
  ASSERT_TRUE(store_.Write([&](NotifyTx& tx) { return tx.PutSilence(silence); }).ok());

  ApplyAlert({}, "alert-ce-1");  // 市市场监管局's: silenced
  AlertSpec other;
  other.indicator = "I06";
  other.unit = "市行政审批局";
  other.head = "李某某";
  ApplyAlert(other, "alert-ce-2");
  clock_.Advance(absl::Seconds(30));
  const FlushResult flushed = Flush();
  EXPECT_GE(flushed.suppressed, 3);  // the unit's, its head's, and its line in the office's
  SendAll();

  EXPECT_THAT(NotificationsOf(kUnitId), IsEmpty());
  EXPECT_THAT(NotificationsOf(kHeadId), IsEmpty());
  EXPECT_THAT(InboxOf(kUnitId), IsEmpty());
  EXPECT_THAT(http_.SentTo(kUnitHook), IsEmpty());
  // The other unit is told, and the office of the other unit's alert only.
  EXPECT_THAT(NotificationsOf(kOtherUnitId), SizeIs(1));
  const std::vector<pb::Notification> office = NotificationsOf("office");
  ASSERT_THAT(office, SizeIs(1));
  EXPECT_EQ(office[0].members(), 1);
  EXPECT_THAT(office[0].markdown(), HasSubstr("市行政审批局"));
  EXPECT_THAT(office[0].markdown(), Not(HasSubstr("（带班领导：王某某）")));

  // Told while silenced, it is not replayed when the silence ends: the next repeat tells it.
  clock_.Advance(absl::Hours(25));
  Pump();
  EXPECT_THAT(NotificationsOf(kUnitId), IsEmpty());
}

TEST_F(DispatchFlowTest, ABottomThreeAlertIsInhibitedByTheLastPlaceOfTheSameIndicatorAndUnit) {
  AlertSpec last;  // 全省倒数第一
  AlertSpec bottom;
  bottom.rule = rpb::ALERT_RULE_BOTTOM_THREE;
  bottom.severity = rpb::SEVERITY_WARNING;
  bottom.rank = 9;
  ApplyAlert(last, "alert-ce-last");
  ApplyAlert(bottom, "alert-ce-bottom");
  clock_.Advance(absl::Seconds(30));
  const int reads_before = store_.active_event_reads();
  const FlushResult flushed = Flush();
  // Suppressed in each receiver's group, with one read of the events sharing its key for the flush.
  EXPECT_GE(flushed.suppressed, 2);
  EXPECT_EQ(store_.active_event_reads() - reads_before, 1);
  Pump();

  const std::vector<pb::Notification> unit = NotificationsOf(kUnitId);
  ASSERT_THAT(unit, SizeIs(1));
  EXPECT_EQ(unit[0].members(), 1);
  EXPECT_EQ(unit[0].title(), "【排名预警】上饶市开办企业 2022-09 全省第11名（共11名）");
  EXPECT_THAT(unit[0].markdown(), Not(HasSubstr("全省后三位")));
  ASSERT_THAT(http_.SentTo(kUnitHook), SizeIs(1));
  EXPECT_THAT(http_.SentTo(kUnitHook)[0].message.body, Not(HasSubstr("全省后三位")));

  // Another indicator's bottom three is not inhibited by this last place.
  AlertSpec elsewhere = bottom;
  elsewhere.indicator = "I07";
  elsewhere.indicator_name = "获得电力";
  ApplyAlert(elsewhere, "alert-ce-bottom-i07");
  AdvanceAndPump(absl::Minutes(5));
  const std::vector<pb::Notification> again = NotificationsOf(kUnitId);
  ASSERT_THAT(again, SizeIs(2));
  EXPECT_THAT(again[0].markdown(), HasSubstr("获得电力"));
  EXPECT_THAT(again[0].markdown(), Not(HasSubstr("上饶市开办企业 2022-09 全省第9名")));
}

// --- 8. withdrawal ------------------------------------------------------------------------------

TEST_F(DispatchFlowTest, AnAlertToldAndThenWithdrawnIsToldAgainAsWithdrawn) {
  ApplyAlert({}, "alert-ce-1");
  AdvanceAndPump(absl::Seconds(30));
  ASSERT_THAT(http_.SentTo(kUnitHook), SizeIs(1));

  AlertSpec withdrawn;
  withdrawn.withdrawn = true;
  clock_.Advance(absl::Hours(2));
  ApplyAlert(withdrawn, "alert-ce-1-withdrawn");
  AdvanceAndPump(absl::Seconds(30));

  const std::vector<SentMessage> sent = http_.SentTo(kUnitHook);
  ASSERT_THAT(sent, SizeIs(2));
  const std::string title = Body(sent[1])["title"];
  const std::string text = Body(sent[1])["text"];
  EXPECT_TRUE(title.find("【预警撤回】") != std::string::npos || text.find("【预警撤回】") != std::string::npos)
      << title << "\n" << text;
  EXPECT_NE(sent[0].message.idempotency_key, sent[1].message.idempotency_key);
  const std::vector<pb::Notification> told = NotificationsOf(kUnitId);
  ASSERT_THAT(told, SizeIs(2));
  EXPECT_TRUE(told[0].withdrawn());
  EXPECT_FALSE(told[1].withdrawn());
  EXPECT_THAT(NotificationsOf("office"), SizeIs(2));

  // Withdrawn, it has left the group: nothing is repeated any more.
  AdvanceAndPump(absl::Hours(24 * 8));
  EXPECT_THAT(http_.SentTo(kUnitHook), SizeIs(2));
}

TEST_F(DispatchFlowTest, AnAlertWithdrawnBeforeAnyoneWasToldSendsNothing) {
  ApplyAlert({}, "alert-ce-1");
  clock_.Advance(absl::Seconds(10));
  AlertSpec withdrawn;
  withdrawn.withdrawn = true;
  ApplyAlert(withdrawn, "alert-ce-1-withdrawn");
  AdvanceAndPump(absl::Minutes(10));
  EXPECT_THAT(http_.sent(), IsEmpty());
  EXPECT_THAT(AllNotifications(), IsEmpty());
}

// --- a small inline tree ---------------------------------------------------------------------------

TEST_F(DispatchFlowTest, AReceiverWithNoRecipientIsCountedAndTheOthersAreStillTold) {
  UseRoutes(R"yaml(route:
  receivers: [office]
  group_by: [event_type]
  group_wait: 5s
  routes:
    - matchers: ["event_type=ranking_alert"]
      receivers: ["unit:{{unit}}", "body:不存在的机关"]
)yaml");
  const IntakeResult r = ApplyAlert({}, "alert-ce-1");
  EXPECT_THAT(r.unknown, ElementsAre(HasSubstr("body:不存在的机关")));
  AdvanceAndPump(absl::Seconds(5));
  EXPECT_THAT(http_.SentTo(kUnitHook), SizeIs(1));
  EXPECT_THAT(NotificationsOf("office"), IsEmpty());  // the child route matched: not the root's
}

}  // namespace
}  // namespace ys::notify::testing
