// The transactional outbox and the inbox against real PostgreSQL and Kafka (docs/architecture.md, "Event contract").
#include <limits>
#include <map>
#include <optional>
#include <thread>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "common/grpc/server.h"
#include "common/pg/outbox_admin.h"
#include "common/status/macros.h"
#include "tests/fakes/fake_event_source.h"
#include "tests/fakes/fake_publisher.h"
#include "tests/support/ysctl_run.h"
#include "tests/support/outbox_fixture.h"
#include "tools/ysctl/outbox_commands.h"

namespace ys {
namespace {

using testing::QueryInt;

class OutboxInboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    kafka_.brokers = testing::KafkaBrokers();
    topic_ = testing::UniqueName("test.outbox");
    dlq_ = topic_ + ".dlq";
    ASSERT_TRUE(EnsureTopics(kafka_, {{topic_, 3, false}, {dlq_, 1, false}}).ok());
    producer_db_ = testing::MigratedPool(testing::UniqueName("t_prod"));
    consumer_db_ = testing::MigratedPool(testing::UniqueName("t_cons"), testing::AppliedTable());
    ASSERT_NE(producer_db_, nullptr);
    ASSERT_NE(consumer_db_, nullptr);
    auto p = KafkaProducer::Create(kafka_, &kafka_metrics_);
    ASSERT_TRUE(p.ok());
    producer_ = std::move(*p);
  }

  void RelayAll(OutboxRelay& relay) {
    for (int i = 0; i < 200; ++i) {
      auto n = relay.RunOnce();
      ASSERT_TRUE(n.ok()) << n.status();
      if (*n == 0 && *relay.Pending() == 0) return;
    }
    FAIL() << "outbox did not drain";
  }

  // Consumes until `want` events were applied or rejected (or 30 s passed); returns the totals.
  InboxBatch Consume(InboxProcessor& inbox, size_t want_seen) {
    InboxBatch total;
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (total.applied + total.duplicates + total.rejected < want_seen && absl::Now() < deadline) {
      auto b = inbox.RunOnce();
      EXPECT_TRUE(b.ok()) << b.status();
      if (!b.ok()) break;
      total.applied += b->applied;
      total.duplicates += b->duplicates;
      total.rejected += b->rejected;
    }
    return total;
  }

  Metrics metrics_{"outbox_test"};
  KafkaMetrics kafka_metrics_{metrics_};
  KafkaOptions kafka_;
  std::string topic_;
  std::string dlq_;
  std::unique_ptr<PgPool> producer_db_;
  std::unique_ptr<PgPool> consumer_db_;
  std::unique_ptr<KafkaProducer> producer_;
};

TEST_F(OutboxInboxTest, PublishesCommittedRowsOnlyAndAppliesEachOnce) {
  testing::EnqueueSamples(*producer_db_, topic_, 300);
  // A transaction that fails leaves nothing in the outbox.
  absl::Status rolled_back = producer_db_->WithTransaction([&](pqxx::work& tx) {
    EnqueueOutbox(tx, testing::SampleEvent(topic_, 999, "never"));
    return absl::InternalError("business rule failed");
  });
  EXPECT_FALSE(rolled_back.ok());
  OutboxRelay relay(*producer_db_, *producer_, metrics_, {.batch_size = 64});
  EXPECT_EQ(*relay.Pending(), 300);
  RelayAll(relay);
  EXPECT_EQ(QueryInt(*producer_db_, "SELECT count(*) FROM outbox"), 0);
  EXPECT_EQ(QueryInt(*producer_db_, "SELECT count(*) FROM outbox_log WHERE sent_at IS NOT NULL"), 300);

  auto consumer = KafkaConsumer::Create(kafka_, {testing::UniqueName("g"), {topic_}}, &kafka_metrics_);
  ASSERT_TRUE(consumer.ok());
  InboxProcessor inbox(**consumer, *consumer_db_, metrics_,
                       {.consumer = "test.applier", .dlq_topic = dlq_, .source = "/yingshang/test"},
                       testing::ApplyOnce);
  auto first = Consume(inbox, 300);
  EXPECT_EQ(first.applied, 300u);
  EXPECT_EQ(first.duplicates, 0u);

  // The same events again (a relay that crashed before marking them sent): all deduplicated.
  absl::Status s = producer_db_->WithTransaction([&](pqxx::work& tx) {
    EXPECT_EQ(RequeueSentEvents(tx, ""), 300);
    return absl::OkStatus();
  });
  ASSERT_TRUE(s.ok());
  RelayAll(relay);
  auto again = Consume(inbox, 300);
  EXPECT_EQ(again.applied, 0u);
  EXPECT_EQ(again.duplicates, 300u);
  EXPECT_EQ(QueryInt(*consumer_db_, "SELECT count(*) FROM applied"), 300);
  EXPECT_EQ(QueryInt(*consumer_db_, "SELECT max(times) FROM applied"), 1);
  EXPECT_EQ(QueryInt(*consumer_db_, "SELECT count(*) FROM applied WHERE data = 'never'"), 0);

  // Retention: only rows older than the window go.
  EXPECT_EQ(*relay.PurgeSent(), 0);
  ASSERT_TRUE(producer_db_->WithTransaction([](pqxx::work& tx) {
                tx.exec("UPDATE outbox_sent SET sent_at = now() - interval '8 days' WHERE id % 2 = 0");
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(*relay.PurgeSent(), 150);
  EXPECT_EQ(*inbox.PurgeOlderThan(absl::Hours(1)), 0);
  ASSERT_TRUE(consumer_db_->WithTransaction([](pqxx::work& tx) {
                tx.exec("UPDATE inbox SET processed_at = now() - interval '2 hours'");
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(*inbox.PurgeOlderThan(absl::Hours(1)), 300);
}

TEST_F(OutboxInboxTest, BadRecordsGoToTheDeadLetterTopicWithTheReason) {
  // Handler: "bad" bodies are the record's fault, after a partial write that must not survive.
  auto handler = [](pqxx::transaction_base& tx, const CloudEvent& e) -> absl::Status {
    RETURN_IF_ERROR(testing::ApplyOnce(tx, e));
    if (e.data == "bad") return absl::InvalidArgumentError("field 'rank': 12 is greater than total 11");
    return absl::OkStatus();
  };
  auto consumer = KafkaConsumer::Create(kafka_, {testing::UniqueName("g"), {topic_}}, &kafka_metrics_);
  ASSERT_TRUE(consumer.ok());
  InboxProcessor inbox(**consumer, *consumer_db_, metrics_,
                       {.consumer = "test.dlq", .dlq_topic = dlq_, .source = "/yingshang/test"},
                       handler);
  std::vector<OutgoingEvent> events = {testing::SampleEvent(topic_, 1, "good"),
                                       testing::SampleEvent(topic_, 2, "bad")};
  ASSERT_EQ(*producer_->PublishBatch(events, absl::Seconds(10)), 2u);
  ASSERT_TRUE(producer_->ProduceRaw(topic_, "raw", "not a cloudevent").ok());
  ASSERT_TRUE(producer_->Flush(absl::Seconds(10)).ok());

  auto seen = Consume(inbox, 3);
  EXPECT_EQ(seen.applied, 1u);
  EXPECT_EQ(seen.rejected, 2u);
  EXPECT_EQ(QueryInt(*consumer_db_, "SELECT count(*) FROM applied"), 1);  // "bad" rolled back

  // The dead letters leave through the consumer's own outbox.
  OutboxRelay relay(*consumer_db_, *producer_, metrics_);
  RelayAll(relay);
  auto dlq = KafkaConsumer::Create(kafka_, {testing::UniqueName("g"), {dlq_}}, &kafka_metrics_);
  ASSERT_TRUE(dlq.ok());
  std::map<std::string, std::string> reasons;  // body -> reason
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (reasons.size() < 2 && absl::Now() < deadline) {
    auto batch = (*dlq)->Poll(10, absl::Milliseconds(500));
    ASSERT_TRUE(batch.ok());
    for (const KafkaMessage& m : *batch) {
      auto e = ParseCloudEvent(m);
      ASSERT_TRUE(e.ok()) << e.status();
      EXPECT_EQ(e->Extension("ys_dlq_topic"), topic_);
      reasons[m.value] = e->Extension("ys_dlq_reason").value_or("");
    }
  }
  ASSERT_EQ(reasons.size(), 2u);
  EXPECT_EQ(reasons["bad"], "field 'rank': 12 is greater than total 11");
  EXPECT_EQ(reasons["not a cloudevent"], "header ce_specversion is missing");
  const std::string text = metrics_.Serialize();
  EXPECT_NE(text.find("ys_dlq_records_total{code=\"INVALID_ARGUMENT\",reason=\"invalid_argument\",topic=\"" +
                      dlq_ + "\"} 2"),
            std::string::npos)
      << text;
}

TEST_F(OutboxInboxTest, ARecordThatIsNotTextIsDeadLetteredNotAPoisonPill) {
  // A key and a header that are not UTF-8 text would fail every statement of the batch; the record
  // is refused on its own (with its bytes kept as hex) and the good one next to it is applied.
  auto consumer = KafkaConsumer::Create(kafka_, {testing::UniqueName("g"), {topic_}}, &kafka_metrics_);
  ASSERT_TRUE(consumer.ok());
  InboxProcessor inbox(**consumer, *consumer_db_, metrics_,
                       {.consumer = "test.text", .dlq_topic = dlq_, .source = "/yingshang/test"},
                       [](pqxx::transaction_base& tx, const CloudEvent& e) { return testing::ApplyOnce(tx, e); });
  OutgoingEvent bad = testing::SampleEvent(topic_, 1, "v");
  bad.event.key = std::string("k\xff\x00", 3);
  bad.event.extensions.emplace_back("ys_note", "\xc0\xaf");
  const std::vector<OutgoingEvent> events = {bad, testing::SampleEvent(topic_, 2, "v")};
  ASSERT_EQ(*producer_->PublishBatch(events, absl::Seconds(10)), 2u);
  auto seen = Consume(inbox, 2);
  EXPECT_EQ(seen.applied, 1u);
  EXPECT_EQ(seen.rejected, 1u);
  EXPECT_EQ(QueryInt(*consumer_db_, "SELECT count(*) FROM outbox WHERE msg_key = 'hex:6bff00'"), 1);

  // The same from inside a structured-mode body, where JSON can spell a NUL in the id or source.
  std::vector<OutgoingEvent> structured;
  for (const char* attributes : {R"("id":"a\u0000b","source":"/platform/a")", R"("id":"1","source":"/p\u0000")",
                                 R"("id":"2","source":"/platform/a")"}) {
    OutgoingEvent e = testing::SampleEvent(topic_, 3, "");
    e.event.content_type = "application/cloudevents+json";
    e.event.data = absl::StrCat(R"({"specversion":"1.0",)", attributes, R"(,"type":"t","data":"v"})");
    structured.push_back(e);
  }
  ASSERT_EQ(*producer_->PublishBatch(structured, absl::Seconds(10)), 3u);
  auto more = Consume(inbox, 3);
  EXPECT_EQ(more.applied, 1u);
  EXPECT_EQ(more.rejected, 2u);
  EXPECT_EQ(QueryInt(*consumer_db_, "SELECT count(*) FROM applied WHERE ce_id = '2'"), 1);
}

// Trust of events (issue #17): a topic's consumer takes events only from the sources it names; a
// forged one (any producer on the cluster can write) is a dead letter naming its source.
TEST_F(OutboxInboxTest, AnEventFromAnUntrustedSourceIsADeadLetterNamingIt) {
  std::vector<std::string> seen_data;
  auto consumer = KafkaConsumer::Create(kafka_, {testing::UniqueName("g"), {topic_}}, &kafka_metrics_);
  ASSERT_TRUE(consumer.ok());
  InboxProcessor inbox(**consumer, *consumer_db_, metrics_,
                       {.consumer = "test.trust", .dlq_topic = dlq_, .source = "/yingshang/test",
                        .trusted_sources = {"/yingshang/ranking", "/platform/*"}},
                       [&](pqxx::transaction_base&, const CloudEvent& e) {
                         seen_data.push_back(e.data);
                         return absl::OkStatus();
                       });
  std::vector<OutgoingEvent> events;
  for (const auto& [source, data] : std::vector<std::pair<std::string, std::string>>{
           {"/yingshang/ranking", "alert"}, {"/evil", "forged"}, {"/platform/jxyshj", "fact"},
           {"/platform/", "no platform"}, {"/yingshang/ranking/x", "near miss"}}) {
    OutgoingEvent e = testing::SampleEvent(topic_, 1, data);
    e.event.id = data;
    e.event.source = source;
    events.push_back(e);
  }
  ASSERT_EQ(*producer_->PublishBatch(events, absl::Seconds(10)), 5u);
  auto seen = Consume(inbox, 5);
  EXPECT_EQ(seen.applied, 2u);
  EXPECT_EQ(seen.rejected, 3u);
  EXPECT_EQ(seen_data, (std::vector<std::string>{"alert", "fact"}));

  OutboxRelay relay(*consumer_db_, *producer_, metrics_);
  RelayAll(relay);
  auto dlq = KafkaConsumer::Create(kafka_, {testing::UniqueName("d"), {dlq_}}, &kafka_metrics_);
  ASSERT_TRUE(dlq.ok());
  std::vector<std::string> reasons;
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (reasons.size() < 3 && absl::Now() < deadline) {
    auto batch = (*dlq)->Poll(10, absl::Milliseconds(500));
    ASSERT_TRUE(batch.ok());
    for (const KafkaMessage& m : *batch) {
      auto e = ParseCloudEvent(m);
      ASSERT_TRUE(e.ok()) << e.status();
      reasons.push_back(e->Extension("ys_dlq_reason").value_or(""));
      EXPECT_EQ(e->Extension("ys_dlq_reason_code"), "untrusted_source");
    }
  }
  ASSERT_EQ(reasons.size(), 3u);
  std::sort(reasons.begin(), reasons.end());
  EXPECT_NE(reasons[0].find("ce_source '/evil' may not publish to " + topic_), std::string::npos) << reasons[0];
  EXPECT_NE(reasons[0].find("accepted: /yingshang/ranking, /platform/*"), std::string::npos) << reasons[0];
}

TEST_F(OutboxInboxTest, TheSameIdFromTwoSourcesIsTwoEvents) {
  // CloudEvents makes source + id unique: two platforms both numbering their events from 1 must
  // not lose each other's events; the same source and id twice is one event.
  std::vector<std::string> seen_data;
  auto consumer = KafkaConsumer::Create(kafka_, {testing::UniqueName("g"), {topic_}}, &kafka_metrics_);
  ASSERT_TRUE(consumer.ok());
  InboxProcessor inbox(**consumer, *consumer_db_, metrics_,
                       {.consumer = "test.sources", .dlq_topic = dlq_, .source = "/yingshang/test"},
                       [&](pqxx::transaction_base&, const CloudEvent& e) {
                         seen_data.push_back(e.data);
                         return absl::OkStatus();
                       });
  // A row from before sources were recorded (migration 0004) still counts for its id.
  ASSERT_TRUE(consumer_db_->WithTransaction([](pqxx::work& tx) {
                tx.exec("INSERT INTO inbox (consumer, ce_source, ce_id) VALUES ('test.sources', '', 'legacy-1')");
                return absl::OkStatus();
              }).ok());
  std::vector<OutgoingEvent> events;
  for (const auto& [source, data] : std::vector<std::pair<std::string, std::string>>{
           {"/platform/a", "a"}, {"/platform/b", "b"}, {"/platform/a", "a again"}, {"/platform/a", "legacy"}}) {
    OutgoingEvent e = testing::SampleEvent(topic_, 1, data);
    e.event.id = data == "legacy" ? "legacy-1" : "1";
    e.event.source = source;
    events.push_back(e);
  }
  ASSERT_EQ(*producer_->PublishBatch(events, absl::Seconds(10)), 4u);
  auto seen = Consume(inbox, 4);
  EXPECT_EQ(seen.applied, 2u);
  EXPECT_EQ(seen.duplicates, 2u);
  EXPECT_EQ(seen_data, (std::vector<std::string>{"a", "b"}));  // one key: in order
  EXPECT_EQ(QueryInt(*consumer_db_, "SELECT count(DISTINCT ce_source) FROM inbox WHERE ce_id = '1'"), 2);
}

TEST_F(OutboxInboxTest, AFailedBatchIsReadAgainNotSkipped) {
  // The handler's dependency times out for the first two batches: nothing of them may
  // be committed, and the records must come back, not be skipped by the next batch's commit.
  int failures_left = 2;
  auto handler = [&](pqxx::transaction_base& tx, const CloudEvent& e) -> absl::Status {
    if (failures_left > 0) {
      --failures_left;
      return absl::DeadlineExceededError("dependency did not answer in time");
    }
    return testing::ApplyOnce(tx, e);
  };
  auto consumer = KafkaConsumer::Create(kafka_, {testing::UniqueName("g"), {topic_}}, &kafka_metrics_);
  ASSERT_TRUE(consumer.ok());
  InboxProcessor inbox(**consumer, *consumer_db_, metrics_,
                       {.consumer = "test.rewind", .dlq_topic = dlq_, .source = "/yingshang/test",
                        .batch_size = 7},
                       handler);
  std::vector<OutgoingEvent> events;
  for (int i = 0; i < 40; ++i) events.push_back(testing::SampleEvent(topic_, i, "v"));
  ASSERT_EQ(*producer_->PublishBatch(events, absl::Seconds(10)), 40u);
  int failed_batches = 0;
  size_t applied = 0;
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (applied < 40 && absl::Now() < deadline) {
    auto b = inbox.RunOnce();
    if (!b.ok()) {
      ++failed_batches;
      continue;
    }
    applied += b->applied;
  }
  EXPECT_GE(failed_batches, 1);  // (WithTransaction may retry inside one RunOnce)
  EXPECT_EQ(applied, 40u);
  EXPECT_EQ(QueryInt(*consumer_db_, "SELECT count(*) FROM applied"), 40);
}

TEST_F(OutboxInboxTest, ADeadLetterIsWrittenWhateverTheRecordsTimestamp) {
  // A producer sets any timestamp it likes; year 292 million is not a timestamptz. The dead letter
  // must still be written (with the time it was refused), or the partition would stop on it.
  testing::FakeEventSource source(topic_);
  source.Append("not a cloudevent");
  auto polled = source.Poll(1, absl::ZeroDuration());
  ASSERT_TRUE(polled.ok());
  KafkaMessage m = polled->front();
  m.timestamp = absl::FromUnixMillis(std::numeric_limits<int64_t>::max());
  InboxProcessor inbox(source, *consumer_db_, metrics_,
                       {.consumer = "test.timestamp", .dlq_topic = dlq_, .source = "/yingshang/test"},
                       InboxProcessor::Handler(testing::ApplyOnce));
  auto refused = inbox.Apply(std::vector<KafkaMessage>{m});
  ASSERT_TRUE(refused.ok()) << refused.status();
  EXPECT_EQ(refused->rejected, 1u);
  m.offset = 1;
  auto alone = inbox.DeadLetter(m, absl::InvalidArgumentError("postgresql: ERROR: malformed array literal"));
  ASSERT_TRUE(alone.ok()) << alone.status();
  EXPECT_EQ(alone->rejected, 1u);
  EXPECT_EQ(QueryInt(*consumer_db_, "SELECT count(*) FROM outbox"), 2);
}

TEST_F(OutboxInboxTest, ARecordThatFailsItsBatchInPostgreSQLIsDeadLetteredAndTheRestApplied) {
  // A batch handler that writes every body in one statement, as the services do: a NUL in a body
  // makes PostgreSQL refuse the array literal, invalid UTF-8 the encoding, so the whole
  // transaction fails and no handler result names the record. Before the consumer split such
  // batches, the partition stopped here for ever.
  auto handler = [](pqxx::transaction_base& tx, const std::vector<const CloudEvent*>& events,
                    std::vector<absl::Status>*) -> absl::Status {
    std::vector<std::string> ids, data;
    for (const CloudEvent* e : events) {
      ids.push_back(e->id);
      data.push_back(e->data);
    }
    tx.exec_params("INSERT INTO applied (ce_id, data, times) SELECT i, d, 1 FROM unnest($1::text[], $2::text[]) "
                   "AS u(i, d)",
                   PgArray(ids), PgArray(data));
    return absl::OkStatus();
  };
  auto consumer = KafkaConsumer::Create(kafka_, {testing::UniqueName("g"), {topic_}}, &kafka_metrics_);
  ASSERT_TRUE(consumer.ok());
  InboxProcessor inbox(**consumer, *consumer_db_, metrics_,
                       {.consumer = "test.poison", .dlq_topic = dlq_, .source = "/yingshang/test"},
                       InboxProcessor::BatchHandler(handler));
  std::vector<OutgoingEvent> events;
  for (int i = 0; i < 20; ++i) events.push_back(testing::SampleEvent(topic_, i, "good"));
  events[7].event.data = std::string("a\0b", 3);
  events[13].event.data = "\xff\xfe not UTF-8";
  ASSERT_EQ(*producer_->PublishBatch(events, absl::Seconds(10)), 20u);

  auto seen = Consume(inbox, 20);
  EXPECT_EQ(seen.applied, 18u);
  EXPECT_EQ(seen.rejected, 2u);
  EXPECT_EQ(QueryInt(*consumer_db_, "SELECT count(*) FROM applied"), 18);
  EXPECT_EQ(QueryInt(*consumer_db_, "SELECT count(*) FROM outbox"), 2);  // the two dead letters
  const std::string text = metrics_.Serialize();
  EXPECT_NE(text.find("ys_consumer_batch_failures_total{consumer=\"test.poison\",kind=\"data\"}"), std::string::npos)
      << text;
  EXPECT_NE(text.find("reason=\"unprocessable\""), std::string::npos);
}

// Runs `ysctl ARGS...` in-process (its outbox commands only); exit code, stdout and stderr.
using YsctlRun = testing::CliRun;
YsctlRun Ysctl(std::vector<std::string> args) { return testing::RunYsctl(ysctl::AddOutboxCommands, std::move(args)); }

// Reads `topic` from the beginning until `want` records came (or 30 s passed): their values, in order.
std::vector<std::string> ReadValues(const KafkaOptions& kafka, KafkaMetrics& metrics, const std::string& topic,
                                    size_t want) {
  auto consumer = KafkaConsumer::Create(kafka, {testing::UniqueName("g"), {topic}}, &metrics);
  EXPECT_TRUE(consumer.ok());
  std::vector<std::string> values;
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (consumer.ok() && values.size() < want && absl::Now() < deadline) {
    auto batch = (*consumer)->Poll(10, absl::Milliseconds(500));
    EXPECT_TRUE(batch.ok()) << batch.status();
    if (!batch.ok()) break;
    for (const KafkaMessage& m : *batch) values.push_back(m.value);
  }
  return values;
}

TEST_F(OutboxInboxTest, ARowKafkaRefusesIsParkedAndTheRowsAfterItAreStillPublished) {
  // Issue #11: a 1.1 MB event (Kafka takes 1 MB) used to stop the relay at that row for good, and
  // every event the service emitted after it with it.
  constexpr size_t kLarge = 1'153'434;  // 1.1 MiB
  ASSERT_TRUE(producer_db_->WithTransaction([&](pqxx::work& tx) {
                for (const std::string& data : {std::string("before"), std::string(kLarge, 'x'), std::string("after")}) {
                  OutgoingEvent e = testing::SampleEvent(topic_, 0, data);  // one key: one partition, in order
                  EnqueueOutbox(tx, e);
                }
                return absl::OkStatus();
              }).ok());
  OutboxRelay relay(*producer_db_, *producer_, metrics_);
  RelayAll(relay);

  EXPECT_EQ(QueryInt(*producer_db_, "SELECT count(*) FROM outbox_sent"), 2);
  ASSERT_EQ(QueryInt(*producer_db_, "SELECT count(*) FROM outbox_parked"), 1);
  const int64_t parked_id = QueryInt(*producer_db_, "SELECT id FROM outbox_parked");
  EXPECT_EQ(QueryInt(*producer_db_, "SELECT octet_length(payload) FROM outbox_parked"), static_cast<int64_t>(kLarge));
  EXPECT_EQ(QueryInt(*producer_db_, "SELECT error_code FROM outbox_parked"), 10);  // MSG_SIZE_TOO_LARGE
  std::string error;
  ASSERT_TRUE(producer_db_->WithTransaction([&](pqxx::work& tx) {
                error = tx.exec1("SELECT error FROM outbox_parked")[0].as<std::string>();
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(error, "Broker: Message size too large");
  EXPECT_EQ(ReadValues(kafka_, kafka_metrics_, topic_, 2), (std::vector<std::string>{"before", "after"}));
  ASSERT_TRUE(relay.Pending().ok());
  const std::string text = metrics_.Serialize();
  EXPECT_NE(text.find(absl::StrFormat("ys_outbox_parked_total{reason=\"message_too_large\",topic=\"%s\"} 1", topic_)),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("ys_outbox_parked_records 1"), std::string::npos) << text;

  // Listed and requeued with ysctl, through the OutboxAdmin service every service serves; office only.
  ApiKeyAuthenticator auth;
  auth.Add(Sha256Hex("office"), {"office-dev", "office"});
  auth.Add(Sha256Hex("viewer"), {"viewer-dev", "viewer"});
  CallExecutor executor({.workers = 1, .max_queued_calls = 8}, metrics_);
  OutboxAdminImpl admin(*producer_db_, auth, executor);
  GrpcServer server(GrpcServerOptions{}, metrics_, &auth);
  server.AddService(&admin);
  ASSERT_TRUE(server.Start().ok());
  const std::string address = server.address();
  EXPECT_EQ(Ysctl({"outbox", "parked", "--key", "office"}).code, 2);  // which service?
  YsctlRun denied = Ysctl({"outbox", "parked", "--address", address, "--key", "viewer"});
  EXPECT_EQ(denied.code, 1);
  EXPECT_NE(denied.err.find("office"), std::string::npos) << denied.err;
  YsctlRun listed = Ysctl({"outbox", "parked", "--address", address, "--key", "office"});
  ASSERT_EQ(listed.code, 0) << listed.err;
  const std::vector<std::string> lines = absl::StrSplit(listed.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 4u) << listed.out;  // the header, the row (two lines), the count
  EXPECT_TRUE(absl::StartsWith(lines[1], std::to_string(parked_id) + " ")) << lines[1];
  EXPECT_NE(lines[1].find(absl::StrFormat("%10d  Broker: Message size too large (10)", kLarge)), std::string::npos)
      << lines[1];
  EXPECT_EQ(lines[3], "1 parked row(s)");
  absl::PrintF("parked %d row (%d bytes: %s); published %d small rows after it\n",
               QueryInt(*producer_db_, "SELECT count(*) FROM outbox_parked"),
               QueryInt(*producer_db_, "SELECT octet_length(payload) FROM outbox_parked"), error,
               QueryInt(*producer_db_, "SELECT count(*) FROM outbox_sent"));

  YsctlRun none = Ysctl({"outbox", "requeue", "--address", address, "--key", "office"});
  EXPECT_EQ(none.code, 2);  // neither ids nor --all
  YsctlRun requeued =
      Ysctl({"outbox", "requeue", std::to_string(parked_id), "999999", "--address", address, "--key", "office"});
  EXPECT_EQ(requeued.out, absl::StrFormat("requeued 1 row(s): %d\n", parked_id));
  EXPECT_EQ(requeued.err, "ysctl: not parked: 999999\n");
  EXPECT_EQ(requeued.code, 1);
  server.Shutdown();
  // Back in the outbox with its id, ahead of anything emitted after it.
  EXPECT_EQ(QueryInt(*producer_db_, "SELECT count(*) FROM outbox_parked"), 0);
  EXPECT_EQ(QueryInt(*producer_db_, "SELECT id FROM outbox"), parked_id);

  // With the client's limit raised it goes (the broker checks the compressed batch: lz4 makes
  // these 1.1 MB of one byte a few KB).
  KafkaOptions raised = kafka_;
  raised.extra["message.max.bytes"] = "2000000";
  auto larger = KafkaProducer::Create(raised, &kafka_metrics_);
  ASSERT_TRUE(larger.ok());
  OutboxRelay second(*producer_db_, **larger, metrics_);
  RelayAll(second);
  EXPECT_EQ(QueryInt(*producer_db_, "SELECT count(*) FROM outbox_parked"), 0);
  EXPECT_EQ(QueryInt(*producer_db_, "SELECT count(*) FROM outbox_sent"), 3);
  const std::vector<std::string> all = ReadValues(kafka_, kafka_metrics_, topic_, 3);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[2].size(), kLarge);
}

TEST_F(OutboxInboxTest, AnInvalidTopicNameIsParkedAMissingTopicIsWaitedFor) {
  // A name Kafka refuses ('!' and ' ' are not allowed) cannot become valid: parked, the rest goes.
  ASSERT_TRUE(producer_db_->WithTransaction([&](pqxx::work& tx) {
                EnqueueOutbox(tx, testing::SampleEvent(topic_, 0, "a"));
                EnqueueOutbox(tx, testing::SampleEvent("bad topic!", 0, "x"));
                EnqueueOutbox(tx, testing::SampleEvent(topic_, 0, "b"));
                return absl::OkStatus();
              }).ok());
  OutboxRelay relay(*producer_db_, *producer_, metrics_, {.publish_timeout = absl::Seconds(3)});
  RelayAll(relay);
  EXPECT_EQ(QueryInt(*producer_db_, "SELECT count(*) FROM outbox_parked WHERE topic = 'bad topic!' AND error_code = 17"), 1);
  EXPECT_EQ(ReadValues(kafka_, kafka_metrics_, topic_, 2), (std::vector<std::string>{"a", "b"}));
  EXPECT_NE(metrics_.Serialize().find("ys_outbox_parked_total{reason=\"invalid_topic\",topic=\"bad topic!\"} 1"),
            std::string::npos);

  // A topic that does not exist (auto-create is off) is the deployment's fault, not the row's: the
  // relay waits at that row, in order, and parks nothing.
  ASSERT_TRUE(producer_db_->WithTransaction([&](pqxx::work& tx) {
                EnqueueOutbox(tx, testing::SampleEvent(testing::UniqueName("test.missing"), 0, "m"));
                EnqueueOutbox(tx, testing::SampleEvent(topic_, 0, "c"));
                return absl::OkStatus();
              }).ok());
  KafkaOptions quick = kafka_;  // records time out in 2 s, so the producer also closes quickly
  quick.extra["message.timeout.ms"] = "2000";
  auto producer = KafkaProducer::Create(quick, &kafka_metrics_);
  ASSERT_TRUE(producer.ok());
  OutboxRelay waiting(*producer_db_, **producer, metrics_, {.publish_timeout = absl::Seconds(10)});
  auto n = waiting.RunOnce();
  EXPECT_EQ(n.status().code(), absl::StatusCode::kUnavailable) << n.status();
  EXPECT_EQ(*waiting.Pending(), 2);
  EXPECT_EQ(QueryInt(*producer_db_, "SELECT count(*) FROM outbox_parked"), 1);
}

TEST_F(OutboxInboxTest, OnlyARowRefusedWhenSentAloneIsParked) {
  // A broker refuses a whole produce request that is too large: the small rows sent with a large
  // one get its error. Each refused row is sent again alone; only the large one stays refused.
  testing::FakePublisher publisher([](const OutgoingEvent&, std::span<const OutgoingEvent> call) {
    size_t bytes = 0;  // the request's
    for (const OutgoingEvent& e : call) bytes += e.event.data.size();
    if (bytes <= 100) return Delivery{.outcome = Delivery::Outcome::kDelivered};
    return Delivery{.outcome = Delivery::Outcome::kRefused, .error_code = 10,
                    .error = "Broker: Message size too large", .reason = "message_too_large"};
  });
  ASSERT_TRUE(producer_db_->WithTransaction([&](pqxx::work& tx) {
                for (const std::string& data : {std::string("small-1"), std::string(200, 'x'), std::string("small-2")}) {
                  EnqueueOutbox(tx, testing::SampleEvent(topic_, 0, data));
                }
                return absl::OkStatus();
              }).ok());
  OutboxRelay relay(*producer_db_, publisher, metrics_);
  EXPECT_EQ(*relay.RunOnce(), 2u);
  EXPECT_EQ(publisher.delivered(), (std::vector<std::string>{"small-1", "small-2"}));
  EXPECT_EQ(QueryInt(*producer_db_, "SELECT count(*) FROM outbox_sent"), 2);
  EXPECT_EQ(QueryInt(*producer_db_, "SELECT octet_length(payload) FROM outbox_parked"), 200);
}

TEST_F(OutboxInboxTest, ATransientFailureStopsTheRoundAtThatRow) {
  // Broker down for one row: it and the rows after it go again next round, in order, even those
  // already delivered (consumers dedup them); nothing is parked.
  bool down = true;
  testing::FakePublisher publisher([&](const OutgoingEvent& e, std::span<const OutgoingEvent>) {
    if (e.event.data == "b" && down) {
      down = false;
      return Delivery{.outcome = Delivery::Outcome::kNotDelivered, .error_code = -195,
                      .error = "Local: Broker transport failure"};
    }
    return Delivery{.outcome = Delivery::Outcome::kDelivered};
  });
  ASSERT_TRUE(producer_db_->WithTransaction([&](pqxx::work& tx) {
                for (const char* data : {"a", "b", "c"}) EnqueueOutbox(tx, testing::SampleEvent(topic_, 0, data));
                return absl::OkStatus();
              }).ok());
  OutboxRelay relay(*producer_db_, publisher, metrics_);
  EXPECT_EQ(*relay.RunOnce(), 1u);
  EXPECT_EQ(*relay.Pending(), 2);
  EXPECT_EQ(*relay.RunOnce(), 2u);
  EXPECT_EQ(publisher.delivered(), (std::vector<std::string>{"a", "c", "b", "c"}));
  EXPECT_EQ(QueryInt(*producer_db_, "SELECT count(*) FROM outbox_sent"), 3);
  EXPECT_EQ(QueryInt(*producer_db_, "SELECT count(*) FROM outbox_parked"), 0);
}


TEST_F(OutboxInboxTest, TwoRelaysOnOneSchemaPublishEachRowOnce) {
  // Two replicas of a service share its schema, so its outbox: one relay at a time may take rows
  // (the transaction-scoped advisory lock), else both would publish the same batch.
  constexpr int kRows = 400;
  testing::EnqueueSamples(*producer_db_, topic_, kRows);
  std::string schema;
  ASSERT_TRUE(producer_db_->WithTransaction([&](pqxx::work& tx) {
                schema = tx.exec1("SELECT current_schema()")[0].as<std::string>();
                return absl::OkStatus();
              }).ok());
  std::unique_ptr<PgPool> other_db = testing::MigratedPool(schema);  // the other replica's pool
  ASSERT_NE(other_db, nullptr);
  testing::FakePublisher publisher[2];
  // While a holds the lock (between publishing a batch and marking it sent), b's round finds it
  // taken and publishes nothing; later rounds race freely.
  OutboxRelay* b_relay = nullptr;
  std::optional<absl::StatusOr<size_t>> b_inside;
  auto slow = [] { absl::SleepFor(absl::Milliseconds(30)); };
  OutboxRelay a(*producer_db_, publisher[0], metrics_, {.batch_size = 50, .after_publish = [&] {
                                                          if (!b_inside) b_inside = b_relay->RunOnce();
                                                          slow();
                                                        }});
  OutboxRelay b(*other_db, publisher[1], metrics_, {.batch_size = 50, .after_publish = slow});
  b_relay = &b;
  ASSERT_TRUE(a.RunOnce().ok());
  ASSERT_TRUE(b_inside.has_value() && b_inside->ok());
  EXPECT_EQ(**b_inside, 0u);
  EXPECT_TRUE(publisher[1].delivered().empty());
  auto run = [&](OutboxRelay& relay) {
    for (int i = 0; i < 400; ++i) {
      auto n = relay.RunOnce();
      ASSERT_TRUE(n.ok()) << n.status();
      if (*n > 0) continue;
      if (*relay.Pending() == 0) return;
      absl::SleepFor(absl::Milliseconds(5));  // the other holds the lock
    }
  };
  std::thread ta([&] { run(a); });
  std::thread tb([&] { run(b); });
  ta.join();
  tb.join();
  std::map<std::string, int> times;
  for (const auto& p : publisher) {
    for (const std::string& data : p.delivered()) ++times[data];
  }
  EXPECT_EQ(times.size(), static_cast<size_t>(kRows));
  for (const auto& [data, n] : times) EXPECT_EQ(n, 1) << data << " published " << n << " times";
  EXPECT_EQ(QueryInt(*producer_db_, "SELECT count(*) FROM outbox_sent"), kRows);
  absl::PrintF("two relays on one schema: %d and %d rows published, %d rows twice\n",
               publisher[0].delivered().size(), publisher[1].delivered().size(),
               publisher[0].delivered().size() + publisher[1].delivered().size() - times.size());
}

}  // namespace
}  // namespace ys
