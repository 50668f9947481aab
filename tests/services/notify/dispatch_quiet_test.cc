// Quiet hours through the pipeline (dispatch_fixture.h): what arrives outside working hours waits
// for the next working morning and goes as one digest per recipient and channel; critical goes at
// once; the official calendar (common/time/calendar.h, 2022: 国庆 10-01..10-07 off, 10-08 and 10-09
// 调休上班) decides what a working day is, not Monday–Friday.

#include <nlohmann/json.hpp>

#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/services/notify/dispatch_fixture.h"

namespace ys::notify::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

using DispatchQuietTest = DispatchTest;

AlertSpec Warning(const std::string& period) {
  AlertSpec s;
  s.rule = rpb::ALERT_RULE_BOTTOM_THREE;
  s.severity = rpb::SEVERITY_WARNING;
  s.rank = 9;
  s.period = period;
  return s;
}

TEST_F(DispatchQuietTest, WarningsOnSaturdayNightAreHeldAndGoAsOneDigestOnMondayMorning) {
  // Saturday 2022-10-15, 23:00, 23:10, 23:20: three periods' alerts, three groups for the unit.
  clock_.Set(Local(2022, 10, 15, 23, 0));
  int i = 0;
  for (const char* period : {"2022-07", "2022-08", "2022-09"}) {
    ApplyAlert(Warning(period), absl::StrCat("alert-ce-", i++));
    AdvanceAndPump(absl::Seconds(30));
    clock_.Advance(absl::Minutes(10) - absl::Seconds(30));
  }

  const absl::Time monday = Local(2022, 10, 17, 8, 30);
  const std::vector<pb::Notification> told = NotificationsOf(kUnitId);
  ASSERT_THAT(told, SizeIs(3));
  for (const pb::Notification& n : told) {
    EXPECT_EQ(FromProtoTime(n.hold_until()), monday) << n.id();
    EXPECT_THAT(n.reason(), HasSubstr("周末")) << n.reason();
  }
  const std::vector<pb::Delivery> held = DeliveriesOn(kUnitId, pb::CHANNEL_KIND_WEBHOOK);
  ASSERT_THAT(held, SizeIs(3));
  for (const pb::Delivery& d : held) EXPECT_EQ(d.state(), pb::DELIVERY_STATE_HELD) << d.id();
  EXPECT_THAT(InboxOf(kUnitId), SizeIs(3));  // the inbox has them at once
  EXPECT_THAT(http_.sent(), IsEmpty());

  // Sunday, and Monday a moment before opening: still held.
  clock_.Set(Local(2022, 10, 16, 12, 0));
  Pump();
  clock_.Set(monday - absl::Seconds(1));
  Pump();
  EXPECT_THAT(http_.sent(), IsEmpty());

  // Monday 08:30: one digest to the unit's webhook, one to the office's robot.
  clock_.Set(monday);
  Pump();
  const std::vector<SentMessage> to_unit = http_.SentTo(kUnitHook);
  ASSERT_THAT(to_unit, SizeIs(1));
  const nlohmann::json body = nlohmann::json::parse(to_unit[0].message.body);
  EXPECT_THAT(body["title"].get<std::string>(), HasSubstr("排名预警 3 条"));
  EXPECT_THAT(body["text"].get<std::string>(), HasSubstr("2022-07"));
  EXPECT_THAT(body["text"].get<std::string>(), HasSubstr("2022-09"));
  EXPECT_THAT(http_.SentTo(kOfficeRobotUrl), SizeIs(1));
  for (const pb::Delivery& d : DeliveriesOn(kUnitId, pb::CHANNEL_KIND_WEBHOOK)) {
    EXPECT_EQ(d.state(), pb::DELIVERY_STATE_DELIVERED) << d.id();
  }
  // Sent, it is not sent again.
  clock_.Advance(absl::Hours(1));
  Pump();
  EXPECT_THAT(http_.SentTo(kUnitHook), SizeIs(1));
}

// Three warnings held over the weekend for the unit (and the office), released Monday 08:30.
class DispatchDigestTest : public DispatchTest {
 protected:
  void HoldThreeOverTheWeekend() {
    clock_.Set(Local(2022, 10, 15, 23, 0));
    int i = 0;
    for (const char* period : {"2022-07", "2022-08", "2022-09"}) {
      ApplyAlert(Warning(period), absl::StrCat("alert-ce-", i++));
      AdvanceAndPump(absl::Minutes(10));
    }
    ASSERT_THAT(http_.sent(), IsEmpty());
    clock_.Set(monday_);
  }
  void ExpectAllDelivered() {
    const std::vector<pb::Delivery> hook = DeliveriesOn(kUnitId, pb::CHANNEL_KIND_WEBHOOK);
    ASSERT_THAT(hook, SizeIs(3));
    for (const pb::Delivery& d : hook) EXPECT_EQ(d.state(), pb::DELIVERY_STATE_DELIVERED) << d.id();
  }
  const absl::Time monday_ = Local(2022, 10, 17, 8, 30);
};

TEST_F(DispatchDigestTest, ADigestThatFailsIsRetriedAsOneMessageUnderItsKey) {
  HoldThreeOverTheWeekend();
  http_.AnswerFor(kUnitHook, FakeSender::Http(500));
  Pump();
  ASSERT_THAT(http_.SentTo(kUnitHook), SizeIs(1));
  // The three wait for one retry time, and go again together.
  std::set<absl::Time> retry_at;
  for (const pb::Delivery& d : DeliveriesOn(kUnitId, pb::CHANNEL_KIND_WEBHOOK)) {
    ASSERT_EQ(d.state(), pb::DELIVERY_STATE_FAILED) << d.id();
    retry_at.insert(FromProtoTime(d.attempts(0).next_at()));
  }
  ASSERT_THAT(retry_at, SizeIs(1));
  clock_.Set(*retry_at.begin());
  Pump();

  const std::vector<SentMessage> sent = http_.SentTo(kUnitHook);
  ASSERT_THAT(sent, SizeIs(2));
  EXPECT_EQ(sent[0].message.idempotency_key, sent[1].message.idempotency_key);
  EXPECT_THAT(nlohmann::json::parse(sent[1].message.body)["title"].get<std::string>(), HasSubstr("排名预警 3 条"));
  ExpectAllDelivered();
}

TEST_F(DispatchDigestTest, ADigestWhoseWorkerDiedIsSentAgainAsOneMessageUnderItsKey) {
  HoldThreeOverTheWeekend();
  http_.OnSend([&](const OutgoingMessage& m, int) {
    if (m.url == kUnitHook) store_.FailWith(absl::UnavailableError("the worker died"));
  });
  EXPECT_FALSE(worker_->RunOnce().ok());
  store_.FailWith(absl::OkStatus());
  http_.OnSend(nullptr);
  AdvanceAndPump(settings_.dispatch.lease);

  const std::vector<SentMessage> sent = http_.SentTo(kUnitHook);
  ASSERT_THAT(sent, SizeIs(2));
  EXPECT_EQ(sent[0].message.idempotency_key, sent[1].message.idempotency_key);
  ExpectAllDelivered();
}

TEST_F(DispatchQuietTest, ACriticalAlertOnSaturdayNightGoesAtOnce) {
  clock_.Set(Local(2022, 10, 15, 23, 0));
  ApplyAlert({}, "alert-ce-1");  // 全省倒数第一: critical
  AdvanceAndPump(absl::Seconds(30));
  ASSERT_THAT(http_.SentTo(kUnitHook), SizeIs(1));
  EXPECT_EQ(http_.SentTo(kUnitHook)[0].at, Local(2022, 10, 15, 23, 0, 30));
  const std::vector<pb::Notification> told = NotificationsOf(kUnitId);
  ASSERT_THAT(told, SizeIs(1));
  EXPECT_FALSE(told[0].has_hold_until());
}

TEST_F(DispatchQuietTest, AWarningOnANationalDayHolidayWaitsForTheNextWorkingDay) {
  // Monday 2022-10-03 is 国庆; the next working day is the 调休 Saturday 2022-10-08.
  clock_.Set(Local(2022, 10, 3, 10, 0));
  ApplyAlert(Warning("2022-09"), "alert-ce-1");
  AdvanceAndPump(absl::Seconds(30));
  const std::vector<pb::Notification> told = NotificationsOf(kUnitId);
  ASSERT_THAT(told, SizeIs(1));
  EXPECT_EQ(FromProtoTime(told[0].hold_until()), Local(2022, 10, 8, 8, 30));
  EXPECT_THAT(told[0].reason(), HasSubstr("国庆"));
  EXPECT_THAT(http_.sent(), IsEmpty());

  clock_.Set(Local(2022, 10, 7, 17, 0));  // still the holiday
  Pump();
  EXPECT_THAT(http_.sent(), IsEmpty());
  clock_.Set(Local(2022, 10, 8, 8, 30));
  Pump();
  EXPECT_THAT(http_.SentTo(kUnitHook), SizeIs(1));
}

TEST_F(DispatchQuietTest, AWarningOnAMakeUpWorkingSaturdayGoesAtOnce) {
  clock_.Set(Local(2022, 10, 8, 10, 0));  // 调休上班
  ApplyAlert(Warning("2022-09"), "alert-ce-1");
  AdvanceAndPump(absl::Seconds(30));
  ASSERT_THAT(http_.SentTo(kUnitHook), SizeIs(1));
  const std::vector<pb::Notification> told = NotificationsOf(kUnitId);
  ASSERT_THAT(told, SizeIs(1));
  EXPECT_FALSE(told[0].has_hold_until());
  EXPECT_THAT(told[0].reason(), HasSubstr("调休上班"));
}

TEST_F(DispatchQuietTest, ARecipientsDailyDigestCollectsItsWarnings) {
  SetChannels(kUnitId,
              {{ChannelKind::kWebhook, kUnitHook, kUnitHookSecretRef, 1}, {ChannelKind::kInbox, "", "", 2}},
              DigestPreference{DigestCadence::kDaily, absl::Hours(9)});
  // Monday 10:00 and 11:00, office hours: the unit takes one digest the next working day at 09:00.
  ApplyAlert(Warning("2022-08"), "alert-ce-1");
  AdvanceAndPump(absl::Hours(1));
  ApplyAlert(Warning("2022-09"), "alert-ce-2");
  AdvanceAndPump(absl::Hours(1));
  EXPECT_THAT(http_.SentTo(kUnitHook), IsEmpty());
  EXPECT_THAT(http_.SentTo(kOfficeRobotUrl), SizeIs(2));  // the office takes each as it comes

  clock_.Set(Local(2022, 10, 18, 9, 0));
  Pump();
  const std::vector<SentMessage> digest = http_.SentTo(kUnitHook);
  ASSERT_THAT(digest, SizeIs(1));
  EXPECT_THAT(nlohmann::json::parse(digest[0].message.body)["title"].get<std::string>(),
              HasSubstr("今日汇总：排名预警 2 条"));
}

}  // namespace
}  // namespace ys::notify::testing
