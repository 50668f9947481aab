// Crash test (docs/architecture.md, "Event contract"): a producer process is SIGKILLed while its outbox has pending rows; after
// a restart every row is published, and a consumer using the inbox applies each exactly once.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include "gtest/gtest.h"
#include "tests/support/outbox_fixture.h"

extern char** environ;

namespace ys {
namespace {

using testing::QueryInt;

pid_t Spawn(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  EXPECT_EQ(posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ), 0);
  return pid;
}

TEST(OutboxCrashTest, KilledRelayLosesNothingAndInboxAppliesEachOnce) {
  constexpr int kEvents = 5000;
  KafkaOptions kafka;
  kafka.brokers = testing::KafkaBrokers();
  const std::string topic = testing::UniqueName("test.crash");
  ASSERT_TRUE(EnsureTopics(kafka, {{topic, 3, false}}).ok());
  const std::string schema = testing::UniqueName("t_crash");
  auto producer_db = testing::MigratedPool(schema);
  ASSERT_NE(producer_db, nullptr);
  testing::EnqueueSamples(*producer_db, topic, kEvents, 500);

  const std::vector<std::string> cmd = {OUTBOX_RELAY_PROC, testing::PgUri(), schema,
                                        kafka.brokers, "25"};
  pid_t pid = Spawn(cmd);
  // Let it publish part of the outbox, then kill it without warning.
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  int64_t sent = 0;
  while (absl::Now() < deadline) {
    sent = QueryInt(*producer_db, "SELECT count(*) FROM outbox_sent");
    if (sent >= kEvents / 5) break;
    absl::SleepFor(absl::Milliseconds(5));
  }
  // A batch was just marked; the next one is being published now (the relay pauses 20 ms between
  // publishing and marking): kill inside that window, so some rows reach Kafka twice.
  absl::SleepFor(absl::Milliseconds(12));
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  const int64_t pending_after_kill =
      QueryInt(*producer_db, "SELECT count(*) FROM outbox");
  ASSERT_GT(pending_after_kill, 0) << "the relay finished before it was killed";
  std::printf("killed relay with %lld of %d rows marked sent, %lld pending\n",
              static_cast<long long>(kEvents - pending_after_kill), kEvents,
              static_cast<long long>(pending_after_kill));

  pid = Spawn(cmd);
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(QueryInt(*producer_db, "SELECT count(*) FROM outbox"), 0);

  // The consumer: every record on the topic through the inbox.
  auto consumer_db = testing::MigratedPool(testing::UniqueName("t_crashc"), testing::AppliedTable());
  Metrics metrics("crash_test");
  KafkaMetrics kafka_metrics(metrics);
  auto consumer = KafkaConsumer::Create(kafka, {testing::UniqueName("g"), {topic}}, &kafka_metrics);
  ASSERT_TRUE(consumer.ok());
  InboxProcessor inbox(**consumer, *consumer_db, metrics,
                       {.consumer = "crash.applier", .dlq_topic = topic + ".dlq", .source = "/t"},
                       testing::ApplyOnce);
  size_t records = 0;
  size_t duplicates = 0;
  size_t quiet_polls = 0;
  const absl::Time consume_deadline = absl::Now() + absl::Seconds(120);
  while (absl::Now() < consume_deadline && quiet_polls < 5) {
    auto b = inbox.RunOnce();
    ASSERT_TRUE(b.ok()) << b.status();
    records += b->polled;
    duplicates += b->duplicates;
    quiet_polls = b->polled == 0 && records >= static_cast<size_t>(kEvents) ? quiet_polls + 1 : 0;
  }
  std::printf("kafka records read: %zu, duplicates dropped by the inbox: %zu\n", records, duplicates);
  EXPECT_GE(records, static_cast<size_t>(kEvents));
  EXPECT_EQ(records - duplicates, static_cast<size_t>(kEvents));
  EXPECT_EQ(QueryInt(*consumer_db, "SELECT count(*) FROM applied"), kEvents);
  EXPECT_EQ(QueryInt(*consumer_db, "SELECT max(times) FROM applied"), 1);
  EXPECT_EQ(QueryInt(*consumer_db, "SELECT count(DISTINCT data) FROM applied"), kEvents);
}

}  // namespace
}  // namespace ys
