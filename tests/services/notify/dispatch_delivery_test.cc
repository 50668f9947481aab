// The delivery workers on fakes (dispatch_fixture.h): retries with growing gaps and failover to the
// next channel, the robots' rate limits, and a worker that dies or stalls mid-send — the same
// idempotency key when another takes the delivery again, and never two records of one attempt.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/notify/dispatcher.h"
#include "services/notify/notify_metrics.h"
#include "tests/services/notify/dispatch_fixture.h"

namespace ys::notify::testing {
namespace {

using ::testing::Each;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

using DispatchDeliveryTest = DispatchTest;

// Only the responsible unit is told: one delivery to watch.
constexpr char kUnitOnly[] = R"yaml(route:
  receivers: ["unit:{{unit}}"]
  group_by: [event_type]
  group_wait: 30s
)yaml";

// Only the office, one group per period: as many messages to its robot as periods.
constexpr char kOfficePerPeriod[] = R"yaml(route:
  receivers: [office]
  group_by: [event_type, period]
  group_wait: 30s
)yaml";

std::vector<std::string> Keys(const std::vector<SentMessage>& sent) {
  std::vector<std::string> out;
  for (const SentMessage& s : sent) out.push_back(s.message.idempotency_key);
  return out;
}

// --- 3. a failing sink ---------------------------------------------------------------------------

TEST_F(DispatchDeliveryTest, AFailingWebhookIsRetriedWithGrowingGapsThenFailsOverToEmail) {
  UseRoutes(kUnitOnly);
  http_.AnswerFor(kUnitHook, FakeSender::Http(500), 100);  // the unit's webhook is down
  ApplyAlert({}, "alert-ce-1");
  clock_.Advance(absl::Seconds(30));
  ASSERT_EQ(Flush().notifications, 1);

  const RetryPolicy& policy = settings_.retry;
  std::vector<absl::Duration> gaps;
  for (int attempt = 1; attempt <= policy.max_attempts; ++attempt) {
    const SendStats stats = Send();
    ASSERT_EQ(stats.taken, 1) << "attempt " << attempt;
    const std::vector<pb::Delivery> hook = DeliveriesOn(kUnitId, pb::CHANNEL_KIND_WEBHOOK);
    ASSERT_THAT(hook, SizeIs(1));
    ASSERT_EQ(hook[0].attempts_size(), attempt);
    const pb::Attempt& a = hook[0].attempts(attempt - 1);
    EXPECT_EQ(a.http_status(), 500);
    EXPECT_EQ(a.outcome(), pb::OUTCOME_TRANSIENT);
    if (attempt < policy.max_attempts) {
      EXPECT_EQ(hook[0].state(), pb::DELIVERY_STATE_FAILED);
      ASSERT_TRUE(a.has_next_at());
      const absl::Duration gap = FromProtoTime(a.next_at()) - FromProtoTime(a.at());
      EXPECT_GE(gap, policy.floor) << "attempt " << attempt;
      EXPECT_LE(gap, BackoffCeiling(policy, attempt)) << "attempt " << attempt;
      gaps.push_back(gap);
      // Not before its time: nothing is due a moment earlier.
      clock_.Set(FromProtoTime(a.next_at()) - absl::Milliseconds(1));
      EXPECT_EQ(Send().taken, 0);
      clock_.Set(FromProtoTime(a.next_at()));
    } else {
      EXPECT_EQ(hook[0].state(), pb::DELIVERY_STATE_FAILED_OVER);
      EXPECT_FALSE(a.has_next_at());
    }
  }
  ASSERT_THAT(gaps, SizeIs(policy.max_attempts - 1));
  // Full jitter: single gaps vary, the later ones are longer on average (fixed seed).
  const absl::Duration early = gaps[0] + gaps[1] + gaps[2];
  const absl::Duration late = gaps[gaps.size() - 3] + gaps[gaps.size() - 2] + gaps[gaps.size() - 1];
  EXPECT_GT(late, early);
  // Every attempt on the webhook carried the same key: the delivery's id.
  const std::vector<SentMessage> to_hook = http_.SentTo(kUnitHook);
  ASSERT_THAT(to_hook, SizeIs(policy.max_attempts));
  EXPECT_THAT(Keys(to_hook), Each(DeliveriesOn(kUnitId, pb::CHANNEL_KIND_WEBHOOK)[0].id()));

  // The next channel, the unit's mailbox, is tried at once.
  const std::vector<pb::Delivery> mail = DeliveriesOn(kUnitId, pb::CHANNEL_KIND_EMAIL);
  ASSERT_THAT(mail, SizeIs(1));
  EXPECT_EQ(mail[0].state(), pb::DELIVERY_STATE_PENDING);
  EXPECT_EQ(mail[0].channel_order(), 2);
  EXPECT_EQ(Send().taken, 1);
  const std::vector<SentMessage> mailed = smtp_.SentTo(kUnitMail);
  ASSERT_THAT(mailed, SizeIs(1));
  EXPECT_EQ(mailed[0].message.idempotency_key, mail[0].id());
  EXPECT_THAT(mailed[0].message.body, HasSubstr("Subject:"));
  const std::optional<pb::Delivery> delivered = DeliveryById(mail[0].id());
  ASSERT_TRUE(delivered.has_value());
  EXPECT_EQ(delivered->state(), pb::DELIVERY_STATE_DELIVERED);
  EXPECT_EQ(delivered->attempts_size(), 1);
  EXPECT_EQ(DeliveriesOn(kUnitId, pb::CHANNEL_KIND_WEBHOOK)[0].state(), pb::DELIVERY_STATE_FAILED_OVER);

  // Nothing more to do.
  clock_.Advance(absl::Hours(1));
  EXPECT_EQ(Send().taken, 0);
  EXPECT_THAT(http_.SentTo(kUnitHook), SizeIs(policy.max_attempts));
}

TEST_F(DispatchDeliveryTest, AThrottledAnswerWaitsForItsRetryAfter) {
  UseRoutes(kUnitOnly);
  ApplyAlert({}, "alert-ce-1");
  clock_.Advance(absl::Seconds(30));
  Flush();
  const absl::Time asked = clock_.Now() + absl::Minutes(3);
  http_.AnswerFor(kUnitHook, FakeSender::Http(429, asked));
  Send();
  std::vector<pb::Delivery> hook = DeliveriesOn(kUnitId, pb::CHANNEL_KIND_WEBHOOK);
  ASSERT_THAT(hook, SizeIs(1));
  EXPECT_EQ(hook[0].state(), pb::DELIVERY_STATE_FAILED);
  EXPECT_EQ(FromProtoTime(hook[0].attempts(0).next_at()), asked);
  clock_.Set(asked - absl::Seconds(1));
  EXPECT_EQ(Send().taken, 0);
  clock_.Set(asked);
  Send();
  EXPECT_EQ(DeliveriesOn(kUnitId, pb::CHANNEL_KIND_WEBHOOK)[0].state(), pb::DELIVERY_STATE_DELIVERED);
  EXPECT_THAT(http_.SentTo(kUnitHook), SizeIs(2));
}

TEST_F(DispatchDeliveryTest, ARobotsTwoHundredWithItsRateLimitCodeIsNotADelivery) {
  UseRoutes(kOfficePerPeriod);
  ApplyAlert({}, "alert-ce-1");
  clock_.Advance(absl::Seconds(30));
  Flush();
  SendResult freq = FakeSender::Http(200);
  freq.response_snippet = R"({"errcode":45009,"errmsg":"api freq out of limit"})";
  http_.AnswerFor(kOfficeRobotUrl, freq);
  Send();
  std::vector<pb::Delivery> robot = DeliveriesOn("office", pb::CHANNEL_KIND_WECOM);
  ASSERT_THAT(robot, SizeIs(1));
  EXPECT_EQ(robot[0].state(), pb::DELIVERY_STATE_FAILED);  // retried, not counted delivered
  EXPECT_EQ(robot[0].attempts(0).outcome(), pb::OUTCOME_THROTTLED);
  EXPECT_EQ(robot[0].attempts(0).http_status(), 429);
  EXPECT_EQ(robot[0].attempts(0).error(), "errcode 45009: api freq out of limit");
  clock_.Set(FromProtoTime(robot[0].attempts(0).next_at()));
  Send();
  EXPECT_EQ(DeliveriesOn("office", pb::CHANNEL_KIND_WECOM)[0].state(), pb::DELIVERY_STATE_DELIVERED);
}

TEST_F(DispatchDeliveryTest, ARestartedServiceSendsNothingUntilItKnowsItsRecipients) {
  UseRoutes(kUnitOnly);
  ApplyAlert({}, "alert-ce-1");
  clock_.Advance(absl::Seconds(30));
  ASSERT_EQ(Flush().notifications, 1);
  // The restarted process: its book is empty until the catalog replica is loaded.
  RecipientBook loading;
  DeliveryWorker worker(store_, settings_, loading, Senders{&http_, &smtp_}, secrets_, *limiter_, clock_);
  Flusher flusher(settings_, loading, calendar_);
  absl::StatusOr<SendStats> sent = worker.RunOnce();
  ASSERT_TRUE(sent.ok()) << sent.status();
  EXPECT_EQ(sent->taken, 0);
  ASSERT_TRUE(store_.Write([&](NotifyTx& tx) { return flusher.FlushDue(tx, clock_.Now()).status(); }).ok());
  std::vector<pb::Delivery> hook = DeliveriesOn(kUnitId, pb::CHANNEL_KIND_WEBHOOK);
  ASSERT_THAT(hook, SizeIs(1));
  EXPECT_EQ(hook[0].state(), pb::DELIVERY_STATE_PENDING);  // not a dead letter "收件人已不在名录中"
  EXPECT_EQ(Send().delivered, 1);                          // once the book is ready
}

// --- 3. the robots' rate limit -----------------------------------------------------------------

TEST_F(DispatchDeliveryTest, ThirtyMessagesToOneWeComRobotGoTwentyAMinute) {
  UseRoutes(kOfficePerPeriod);
  for (int i = 0; i < 30; ++i) {
    AlertSpec s;
    s.period = absl::StrFormat("20%02d-%02d", 20 + i / 12, 1 + i % 12);  // 30 periods: 30 groups
    ApplyAlert(s, absl::StrCat("alert-ce-", i));
  }
  clock_.Advance(absl::Seconds(30));
  ASSERT_EQ(Flush().notifications, 30);
  const absl::Time start = clock_.Now();

  // The workers look every few seconds for ten minutes.
  for (int tick = 0; tick < 120; ++tick) {
    Send();
    clock_.Advance(absl::Seconds(5));
  }
  const std::vector<SentMessage> sent = http_.SentTo(kOfficeRobotUrl);
  ASSERT_THAT(sent, SizeIs(30));
  for (size_t i = 0; i < sent.size(); ++i) {
    int within = 0;
    for (const SentMessage& s : sent) {
      within += s.at >= sent[i].at && s.at < sent[i].at + absl::Seconds(60) ? 1 : 0;
    }
    EXPECT_LE(within, 20) << "window from send " << i;
  }
  int first_minute = 0;
  for (const SentMessage& s : sent) first_minute += s.at < start + absl::Seconds(60) ? 1 : 0;
  EXPECT_EQ(first_minute, 20);  // as many as the robot takes, at once; the rest after
  // Waiting for the robot is not a failed attempt: each delivery went on its first.
  for (const pb::Delivery& d : DeliveriesOn("office", pb::CHANNEL_KIND_WECOM)) {
    EXPECT_EQ(d.state(), pb::DELIVERY_STATE_DELIVERED) << d.id();
    EXPECT_EQ(d.attempts_size(), 1) << d.id();
  }
}

TEST_F(DispatchDeliveryTest, ARestartKeepsTheRobotsWindow) {
  UseRoutes(kOfficePerPeriod);
  for (int i = 0; i < 20; ++i) {
    AlertSpec s;
    s.period = absl::StrFormat("20%02d-%02d", 20 + i / 12, 1 + i % 12);  // 20 periods: 20 messages
    ApplyAlert(s, absl::StrCat("alert-ce-", i));
  }
  clock_.Advance(absl::Seconds(30));
  ASSERT_EQ(Flush().notifications, 20);
  ASSERT_EQ(Send().delivered, 20);

  // The service restarts 10 s later with the limiter the store kept; one more message is due.
  clock_.Advance(absl::Seconds(10));
  absl::StatusOr<std::unique_ptr<SharedRateLimiter>> reloaded = LoadRateLimiter(store_, settings_.rate_limits);
  ASSERT_TRUE(reloaded.ok()) << reloaded.status();
  limiter_ = *std::move(reloaded);
  worker_ = NewWorker(/*seed=*/3);
  AlertSpec late;
  late.period = "2019-12";
  ApplyAlert(late, "alert-ce-late");
  clock_.Advance(absl::Seconds(30));
  ASSERT_EQ(Flush().notifications, 1);
  EXPECT_EQ(Send().waited, 1);  // the robot's minute is not over
  EXPECT_THAT(http_.SentTo(kOfficeRobotUrl), SizeIs(20));
  clock_.Advance(absl::Seconds(20));  // 60 s after the first 20
  EXPECT_EQ(Send().delivered, 1);
  EXPECT_THAT(http_.SentTo(kOfficeRobotUrl), SizeIs(21));
}

TEST_F(DispatchDeliveryTest, ASinksDailyCapFailsOverToTheNextChannel) {
  UseRoutes(kUnitOnly);
  settings_.rate_limits.by_sink[{"webhook", kUnitHook}] = SinkLimits{{}, /*daily_cap=*/2};  // a sink is its URL
  absl::StatusOr<RateLimiter> limiter = RateLimiter::Create(settings_.rate_limits);
  ASSERT_TRUE(limiter.ok()) << limiter.status();
  limiter_ = std::make_unique<SharedRateLimiter>(*std::move(limiter));
  worker_ = NewWorker(/*seed=*/4);
  // Three case events: each is news, each its own message.
  for (const char* id : {"RC-000301", "RC-000302", "RC-000303"}) {
    Apply(kRectificationTopic, OverdueCaseCloudEvent(CityCase(id), clock_.Now()));
    AdvanceAndPump(absl::Minutes(5));  // group_interval: the group's next message
  }
  EXPECT_THAT(http_.SentTo(kUnitHook), SizeIs(2));
  const std::vector<SentMessage> mailed = smtp_.SentTo(kUnitMail);
  ASSERT_THAT(mailed, SizeIs(1));
  int failed_over = 0;
  for (const pb::Delivery& d : DeliveriesOn(kUnitId, pb::CHANNEL_KIND_WEBHOOK)) {
    if (d.state() != pb::DELIVERY_STATE_FAILED_OVER) continue;
    ++failed_over;
    ASSERT_EQ(d.attempts_size(), 1);
    EXPECT_EQ(d.attempts(0).outcome(), pb::OUTCOME_THROTTLED);
    EXPECT_THAT(d.attempts(0).decision(), HasSubstr("当日发送上限"));
  }
  EXPECT_EQ(failed_over, 1);
}

// --- 6. a worker that dies mid-send ----------------------------------------------------------------

TEST_F(DispatchDeliveryTest, ADeliveryWhoseWorkerDiedIsSentAgainUnderTheSameKey) {
  UseRoutes(kUnitOnly);
  ApplyAlert({}, "alert-ce-1");
  clock_.Advance(absl::Seconds(30));
  Flush();

  // Worker A takes the delivery and sends it; the sink acknowledges, but A dies before it records
  // (its store is gone for the rest of the turn).
  http_.OnSend([&](const OutgoingMessage&, int index) {
    if (index == 0) store_.FailWith(absl::UnavailableError("worker A died"));
  });
  EXPECT_FALSE(worker_->RunOnce().ok());
  store_.FailWith(absl::OkStatus());
  http_.OnSend(nullptr);
  std::vector<pb::Delivery> hook = DeliveriesOn(kUnitId, pb::CHANNEL_KIND_WEBHOOK);
  ASSERT_THAT(hook, SizeIs(1));
  EXPECT_EQ(hook[0].state(), pb::DELIVERY_STATE_SENDING);

  // Worker B leaves it while A's lease runs, and takes it once the lease has run out.
  std::unique_ptr<DeliveryWorker> b = NewWorker(/*seed=*/2);
  clock_.Advance(absl::Seconds(59));
  EXPECT_EQ(Send(*b).taken, 0);
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(Send(*b).delivered, 1);

  const std::vector<SentMessage> sent = http_.SentTo(kUnitHook);
  ASSERT_THAT(sent, SizeIs(2));
  EXPECT_EQ(sent[0].message.idempotency_key, hook[0].id());
  EXPECT_EQ(sent[1].message.idempotency_key, hook[0].id());
  hook = DeliveriesOn(kUnitId, pb::CHANNEL_KIND_WEBHOOK);
  EXPECT_EQ(hook[0].state(), pb::DELIVERY_STATE_DELIVERED);
  EXPECT_EQ(hook[0].attempts_size(), 1);

  // Recorded, it is never sent again, by either.
  clock_.Advance(absl::Hours(1));
  EXPECT_EQ(Send(*worker_).taken, 0);
  EXPECT_EQ(Send(*b).taken, 0);
  EXPECT_THAT(http_.SentTo(kUnitHook), SizeIs(2));
  int emitted = 0;
  for (const EmittedDelivery& e : store_.events()) emitted += e.delivery.id() == hook[0].id() ? 1 : 0;
  EXPECT_EQ(emitted, 1);
}

TEST_F(DispatchDeliveryTest, AStalledWorkerDoesNotRecordOverTheWorkerThatTookItAgain) {
  UseRoutes(kUnitOnly);
  ApplyAlert({}, "alert-ce-1");
  clock_.Advance(absl::Seconds(30));
  Flush();
  std::unique_ptr<DeliveryWorker> b = NewWorker(/*seed=*/2);

  // A's attempt stalls past its lease; B takes the delivery again and is on the wire when A's
  // sink finally answers 500 and A records. B's sink answers 200.
  std::mutex mu;
  std::condition_variable cv;
  bool b_sending = false;
  bool a_recorded = false;
  std::thread t;
  http_.AnswerFor(kUnitHook, FakeSender::Http(500));  // A's answer; B's is the default 200
  http_.OnSend([&](const OutgoingMessage&, int index) {
    std::unique_lock lock(mu);
    if (index == 0) {
      clock_.Advance(absl::Seconds(61));
      t = std::thread([&] { Send(*b); });
      cv.wait(lock, [&] { return b_sending; });
    } else {
      b_sending = true;
      cv.notify_all();
      cv.wait(lock, [&] { return a_recorded; });
    }
  });
  Send(*worker_);
  {
    std::lock_guard lock(mu);
    a_recorded = true;
  }
  cv.notify_all();
  t.join();
  http_.OnSend(nullptr);

  // The delivery is B's: delivered on B's attempt; A's late answer is not recorded over it.
  std::vector<pb::Delivery> hook = DeliveriesOn(kUnitId, pb::CHANNEL_KIND_WEBHOOK);
  ASSERT_THAT(hook, SizeIs(1));
  EXPECT_EQ(hook[0].state(), pb::DELIVERY_STATE_DELIVERED);
  ASSERT_EQ(hook[0].attempts_size(), 1);
  EXPECT_EQ(hook[0].attempts(0).http_status(), 200);
  clock_.Advance(absl::Hours(1));
  EXPECT_EQ(Send().taken, 0);
  EXPECT_THAT(http_.SentTo(kUnitHook), SizeIs(2));
  EXPECT_THAT(DeliveriesOn(kUnitId, pb::CHANNEL_KIND_EMAIL), IsEmpty());
}

// --- the dispatcher: its step functions and its threads -----------------------------------------

TEST_F(DispatchDeliveryTest, TheDispatchersStepsFlushSendAndCountInTheMetrics) {
  Metrics metrics("notify_dispatch_test");
  NotifyMetrics notify_metrics(metrics);
  Dispatcher dispatcher(store_, settings_, book_, calendar_, Senders{&http_, &smtp_}, secrets_, *limiter_, clock_,
                        notify_metrics);
  ApplyAlert({}, "alert-ce-1");
  clock_.Advance(absl::Seconds(30));
  const absl::StatusOr<FlushResult> flushed = dispatcher.FlushOnce();
  ASSERT_TRUE(flushed.ok()) << flushed.status();
  EXPECT_EQ(flushed->notifications, 4);  // office, unit, head, lead
  ASSERT_TRUE(dispatcher.SampleQueue().ok());
  EXPECT_THAT(metrics.Serialize(), HasSubstr(R"(ys_notify_queue_depth{state="pending"} 2)"));
  const absl::StatusOr<SendStats> sent = dispatcher.SendOnce(0);
  ASSERT_TRUE(sent.ok()) << sent.status();
  EXPECT_EQ(sent->delivered, 2);  // the unit's webhook, the office's robot
  ASSERT_TRUE(dispatcher.SampleQueue().ok());

  const std::string text = metrics.Serialize();
  EXPECT_THAT(text, HasSubstr("ys_notify_notifications_total 4"));
  EXPECT_THAT(text, HasSubstr(R"(ys_notify_deliveries_total{channel="webhook",state="delivered"} 1)"));
  EXPECT_THAT(text, HasSubstr(R"(ys_notify_deliveries_total{channel="wecom",state="delivered"} 1)"));
  EXPECT_THAT(text, HasSubstr(R"(ys_notify_attempts_total{channel="webhook",outcome="delivered"} 1)"));
  EXPECT_THAT(text, HasSubstr(R"(ys_notify_queue_depth{state="pending"} 0)"));
  EXPECT_THAT(http_.SentTo(kUnitHook), SizeIs(1));
}

TEST_F(DispatchDeliveryTest, TheDispatchersThreadsDeliverOnceAndStop) {
  settings_.dispatch.workers = 3;
  settings_.dispatch.tick = absl::Milliseconds(5);
  Metrics metrics("notify_dispatch_test");
  NotifyMetrics notify_metrics(metrics);
  Dispatcher dispatcher(store_, settings_, book_, calendar_, Senders{&http_, &smtp_}, secrets_, *limiter_, clock_,
                        notify_metrics);
  for (int i = 0; i < 5; ++i) {
    AlertSpec s;
    s.period = absl::StrFormat("2022-0%d", i + 1);  // five groups: five messages to each sink
    ApplyAlert(s, absl::StrCat("alert-ce-", i));
  }
  clock_.Advance(absl::Seconds(30));

  std::mutex mu;
  std::condition_variable cv;
  int to_unit = 0;
  http_.OnSend([&](const OutgoingMessage& m, int) {
    if (m.url != kUnitHook) return;
    std::lock_guard lock(mu);
    ++to_unit;
    cv.notify_all();
  });
  dispatcher.Start();
  {
    std::unique_lock lock(mu);
    // A safety net, not a timing assertion: the threads look every 5 ms.
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(60), [&] { return to_unit >= 5; }));
  }
  // Let the workers record what they sent, then stop them.
  for (int i = 0; i < 6000; ++i) {
    if (DeliveriesOf(kUnitId, pb::DELIVERY_STATE_DELIVERED).size() == 5 + 5) break;  // inbox + webhook
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  dispatcher.Stop();
  http_.OnSend(nullptr);

  EXPECT_THAT(DeliveriesOn(kUnitId, pb::CHANNEL_KIND_WEBHOOK), SizeIs(5));
  for (const pb::Delivery& d : DeliveriesOn(kUnitId, pb::CHANNEL_KIND_WEBHOOK)) {
    EXPECT_EQ(d.state(), pb::DELIVERY_STATE_DELIVERED) << d.id();
    EXPECT_EQ(d.attempts_size(), 1) << d.id();
  }
  // Three workers, and still each message once.
  EXPECT_THAT(http_.SentTo(kUnitHook), SizeIs(5));
  EXPECT_THAT(http_.SentTo(kOfficeRobotUrl), SizeIs(5));
}

}  // namespace
}  // namespace ys::notify::testing
