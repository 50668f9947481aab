// The transactional outbox and the inbox against real PostgreSQL and Kafka (DESIGN §4).
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "common/status/macros.h"
#include "tests/support/outbox_fixture.h"

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

}  // namespace
}  // namespace ys
