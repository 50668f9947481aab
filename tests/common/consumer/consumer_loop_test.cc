// The consumer loop on an in-memory source and sink: poison records, dependency failures, backoff,
// timers and readiness, without a broker or a database.
#include "common/consumer/consumer_loop.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_event_source.h"
#include "tests/fakes/fake_record_sink.h"

namespace ys {
namespace {

using testing::FakeClock;
using testing::FakeEventSource;
using testing::FakeRecordSink;

double CounterValue(Metrics& metrics, const std::string& name, const std::string& kind) {
  for (const auto& family : metrics.registry().Collect()) {
    if (family.name != name) continue;
    for (const auto& m : family.metric) {
      for (const auto& l : m.label) {
        if (l.name == "kind" && l.value == kind) return m.counter.value;
      }
    }
  }
  return -1;
}

std::vector<std::string> Values(int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i < to; ++i) out.push_back(absl::StrCat("r", i));
  return out;
}

class ConsumerLoopTest : public ::testing::Test {
 protected:
  ConsumerLoop MakeLoop(ConsumerLoopOptions options = {}) {
    options.seed = 7;
    return ConsumerLoop(source_, sink_, metrics_, clock_, std::move(options));
  }

  Metrics metrics_{"consumer_loop_test"};
  FakeClock clock_{absl::FromUnixSeconds(1700000000)};
  FakeEventSource source_;
  FakeRecordSink sink_;
};

TEST_F(ConsumerLoopTest, APoisonRecordIsDeadLetteredAloneAndTheRestAppliedInOrder) {
  for (const auto& v : Values(0, 5)) source_.Append(v);
  source_.Append("POISON a\\u0000b");
  for (const auto& v : Values(5, 10)) source_.Append(v);
  BatchFailureCounter failures(metrics_, "fake.inbox");

  auto round = ConsumeRound(source_, sink_, 100, absl::ZeroDuration(), &failures);

  ASSERT_TRUE(round.ok()) << round.status();
  EXPECT_EQ(round->polled, 11u);
  EXPECT_EQ(round->applied, 10u);
  EXPECT_EQ(round->rejected, 1u);
  EXPECT_EQ(sink_.applied, Values(0, 10));
  ASSERT_EQ(sink_.dead_letters.size(), 1u);
  EXPECT_EQ(sink_.dead_letters[0], "POISON a\\u0000b");
  EXPECT_NE(sink_.reasons[0].message().find("malformed array literal"), std::string::npos);
  EXPECT_EQ(source_.committed, 11);  // offsets move past the poison: the partition goes on
  EXPECT_EQ(source_.rewinds, 0);
  // Whole batch, then halves down to the record: 11 -> 5 | 6 -> 3 | 3 -> 1 | 2 -> 1.
  EXPECT_EQ(CounterValue(metrics_, "ys_consumer_batch_failures_total", "data"), 4);
  EXPECT_EQ(CounterValue(metrics_, "ys_consumer_batch_failures_total", "dependency"), 0);
}

TEST_F(ConsumerLoopTest, PoisonAtEitherEndAndSideBySideIsFound) {
  source_.Append("POISON first");
  for (const auto& v : Values(0, 3)) source_.Append(v);
  source_.Append("POISON x");
  source_.Append("POISON y");
  for (const auto& v : Values(3, 6)) source_.Append(v);
  source_.Append("POISON last");

  auto round = ConsumeRound(source_, sink_, 100, absl::ZeroDuration(), nullptr);

  ASSERT_TRUE(round.ok()) << round.status();
  EXPECT_EQ(sink_.applied, Values(0, 6));
  EXPECT_EQ(sink_.dead_letters,
            (std::vector<std::string>{"POISON first", "POISON x", "POISON y", "POISON last"}));
  EXPECT_EQ(source_.committed, 10);
}

TEST_F(ConsumerLoopTest, ADependencyFailureIsRetriedWholeAndNothingIsDeadLettered) {
  for (const auto& v : Values(0, 8)) source_.Append(v);
  sink_.down = true;
  ConsumerLoop loop = MakeLoop();

  for (int i = 0; i < 3; ++i) {
    EXPECT_GT(loop.Step(), absl::ZeroDuration());
    EXPECT_EQ(source_.position(), 0u) << "the failed batch is read again";
  }
  EXPECT_EQ(loop.consecutive_failures(), 3);
  EXPECT_EQ(loop.last_error().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(sink_.dead_letters.empty());
  EXPECT_TRUE(sink_.applied.empty());
  EXPECT_EQ(source_.committed, 0);
  EXPECT_EQ(sink_.transactions, 3) << "not split: a split would not help";
  EXPECT_EQ(CounterValue(metrics_, "ys_consumer_batch_failures_total", "dependency"), 3);

  sink_.down = false;
  EXPECT_EQ(loop.Step(), absl::ZeroDuration());
  EXPECT_EQ(sink_.applied, Values(0, 8));
  EXPECT_EQ(source_.committed, 8);
  EXPECT_EQ(loop.consecutive_failures(), 0);
}

TEST_F(ConsumerLoopTest, ADependencyFailureAfterPartOfASplitCommittedLosesAndRepeatsNothing) {
  for (const auto& v : Values(0, 4)) source_.Append(v);
  source_.Append("POISON");
  for (const auto& v : Values(4, 8)) source_.Append(v);
  // The first half commits; then the database goes away before the second half.
  struct FailAfter final : RecordSink {
    FakeRecordSink& inner;
    int ok_left;
    FailAfter(FakeRecordSink& s, int n) : inner(s), ok_left(n) {}
    const std::string& name() const override { return inner.name(); }
    absl::StatusOr<InboxBatch> Apply(std::span<const KafkaMessage> r) override {
      if (inner.transactions >= ok_left) inner.down = true;
      return inner.Apply(r);
    }
    absl::StatusOr<InboxBatch> DeadLetter(const KafkaMessage& m, const absl::Status& s) override {
      return inner.DeadLetter(m, s);
    }
    absl::StatusOr<int64_t> PurgeOlderThan(absl::Duration d) override { return inner.PurgeOlderThan(d); }
  } flaky(sink_, 2);  // the whole batch fails on data, its first half (r0..r3) commits

  auto failed = ConsumeRound(source_, flaky, 100, absl::ZeroDuration(), nullptr);
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(sink_.applied, Values(0, 4));
  EXPECT_EQ(source_.committed, 0);
  EXPECT_EQ(source_.position(), 0u);

  sink_.down = false;
  auto again = ConsumeRound(source_, sink_, 100, absl::ZeroDuration(), nullptr);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(sink_.applied, Values(0, 8));  // r0..r3 once: the inbox knew them
  EXPECT_EQ(sink_.dead_letters, std::vector<std::string>{"POISON"});
  EXPECT_EQ(source_.committed, 9);
}

TEST_F(ConsumerLoopTest, ABatchWhoseRewindFailedIsRewoundBeforeTheNextPoll) {
  for (const auto& v : Values(0, 6)) source_.Append(v);
  ConsumerLoop loop = MakeLoop({.batch_size = 3});
  sink_.down = true;
  source_.failing_rewinds = 2;
  EXPECT_GT(loop.Step(), absl::ZeroDuration());  // r0..r2 fail; their rewind fails
  EXPECT_EQ(source_.position(), 3u);
  sink_.down = false;
  EXPECT_GT(loop.Step(), absl::ZeroDuration());  // the rewind fails again: no poll past them
  EXPECT_EQ(source_.polls, 1);
  EXPECT_EQ(loop.Step(), absl::ZeroDuration());  // rewound, then r0..r2 applied
  EXPECT_EQ(loop.Step(), absl::ZeroDuration());
  EXPECT_EQ(sink_.applied, Values(0, 6));
  EXPECT_EQ(source_.committed, 6);
}

TEST_F(ConsumerLoopTest, BackoffDoublesWithJitterUpToItsCap) {
  source_.Append("r0");
  sink_.down = true;
  ConsumerLoop loop = MakeLoop({.first_backoff = absl::Milliseconds(100), .max_backoff = absl::Seconds(1)});
  const std::vector<absl::Duration> base = {absl::Milliseconds(100), absl::Milliseconds(200),
                                            absl::Milliseconds(400), absl::Milliseconds(800),
                                            absl::Seconds(1), absl::Seconds(1)};
  for (absl::Duration b : base) {
    const absl::Duration wait = loop.Step();
    EXPECT_GE(wait, b / 2);
    EXPECT_LE(wait, b);
  }
}

TEST_F(ConsumerLoopTest, KafkaDownCountsAsADependencyFailure) {
  source_.failing_polls = 2;
  ConsumerLoop loop = MakeLoop();
  EXPECT_GT(loop.Step(), absl::ZeroDuration());
  EXPECT_GT(loop.Step(), absl::ZeroDuration());
  EXPECT_EQ(loop.Step(), absl::ZeroDuration());
  EXPECT_EQ(CounterValue(metrics_, "ys_consumer_batch_failures_total", "dependency"), 2);
}

TEST_F(ConsumerLoopTest, PurgeAndPeriodicWorkRunOnTheirClock) {
  int gauges = 0;
  ConsumerLoop loop = MakeLoop({.purge_every = absl::Hours(1),
                                .first_purge_after = absl::Minutes(5),
                                .periodic = {{absl::Seconds(30), [&] { ++gauges; }}}});
  loop.Step();
  EXPECT_EQ(gauges, 1);  // periodic work runs at start
  EXPECT_EQ(sink_.purges, 0);
  clock_.Advance(absl::Seconds(29));
  loop.Step();
  EXPECT_EQ(gauges, 1);
  clock_.Advance(absl::Minutes(5));
  loop.Step();
  EXPECT_EQ(gauges, 2);
  EXPECT_EQ(sink_.purges, 1);
  clock_.Advance(absl::Minutes(59));
  loop.Step();
  EXPECT_EQ(sink_.purges, 1);
  clock_.Advance(absl::Minutes(2));
  loop.Step();
  EXPECT_EQ(sink_.purges, 2);
}

TEST_F(ConsumerLoopTest, NothingIsReadUntilReady) {
  source_.Append("r0");
  bool ready = false;
  InboxBatch last;
  ConsumerLoop loop = MakeLoop({.ready = [&] { return ready; }, .after_round = [&](const InboxBatch& b) { last = b; }});
  loop.Step();
  EXPECT_EQ(source_.polls, 0);
  ready = true;
  loop.Step();
  EXPECT_EQ(source_.polls, 1);
  EXPECT_EQ(last.applied, 1u);
}

TEST_F(ConsumerLoopTest, ProgressIsStampedOnlyWhenARoundSucceeds) {
  auto progress = [&] {
    for (const auto& family : metrics_.registry().Collect()) {
      if (family.name == "ys_consumer_last_progress_timestamp_seconds") return family.metric.at(0).gauge.value;
    }
    return -1.0;
  };
  source_.Append("r0");
  sink_.down = true;
  ConsumerLoop loop = MakeLoop();
  const double at_start = progress();
  clock_.Advance(absl::Minutes(10));
  loop.Step();
  EXPECT_EQ(progress(), at_start);
  sink_.down = false;
  loop.Step();
  EXPECT_EQ(progress(), at_start + 600);
}

TEST_F(ConsumerLoopTest, StopReturnsPromptlyFromABackoff) {
  source_.Append("r0");
  sink_.down = true;
  ConsumerLoop loop = MakeLoop({.first_backoff = absl::Seconds(30), .max_backoff = absl::Seconds(30)});
  loop.Start();
  while (sink_.transactions == 0) absl::SleepFor(absl::Milliseconds(5));
  const absl::Time start = absl::Now();
  loop.Stop();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

TEST(ClassifyFailureTest, DataAndDependency) {
  EXPECT_EQ(ClassifyFailure(absl::InvalidArgumentError("22P02")), FailureKind::kData);
  EXPECT_EQ(ClassifyFailure(absl::AlreadyExistsError("23505")), FailureKind::kData);
  EXPECT_EQ(ClassifyFailure(absl::OutOfRangeError("")), FailureKind::kData);
  EXPECT_EQ(ClassifyFailure(absl::UnavailableError("08006")), FailureKind::kDependency);
  EXPECT_EQ(ClassifyFailure(absl::AbortedError("40001")), FailureKind::kDependency);
  EXPECT_EQ(ClassifyFailure(absl::InternalError("42703: a bug is not the data's fault")), FailureKind::kDependency);
  EXPECT_EQ(ClassifyFailure(absl::ResourceExhaustedError("pool")), FailureKind::kDependency);
}

}  // namespace
}  // namespace ys
