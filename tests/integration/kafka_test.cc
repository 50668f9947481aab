// Real broker: CloudEvents headers through Kafka and back, manual commits, topic creation.
#include "common/kafka/kafka.h"

#include <map>
#include <set>

#include "gtest/gtest.h"
#include "tests/support/test_env.h"

namespace ys {
namespace {

class KafkaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.brokers = testing::KafkaBrokers();
    options_.client_id = "kafka_test";
    topic_ = testing::UniqueName("test.kafka");
    ASSERT_TRUE(EnsureTopics(options_, {{topic_, 3, false}}).ok());
  }

  std::vector<KafkaMessage> ReadAll(KafkaConsumer& c, size_t want) {
    std::vector<KafkaMessage> got;
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (got.size() < want && absl::Now() < deadline) {
      auto batch = c.Poll(100, absl::Milliseconds(500));
      EXPECT_TRUE(batch.ok()) << batch.status();
      if (!batch.ok()) break;
      got.insert(got.end(), batch->begin(), batch->end());
    }
    return got;
  }

  Metrics metrics_{"kafka_test"};
  KafkaMetrics kafka_metrics_{metrics_};
  KafkaOptions options_;
  std::string topic_;
};

TEST_F(KafkaTest, CloudEventsSurviveTheBrokerWithHeadersAndKeys) {
  auto producer = KafkaProducer::Create(options_, &kafka_metrics_);
  ASSERT_TRUE(producer.ok()) << producer.status();
  std::vector<OutgoingEvent> events;
  for (int i = 0; i < 50; ++i) {
    OutgoingEvent e;
    e.topic = topic_;
    e.event.id = NewEventId();
    e.event.source = "/yingshang/test";
    e.event.type = "yingshang.testing.v1.Sample";
    e.event.time = absl::FromUnixSeconds(1664467200 + i);
    e.event.content_type = "application/json";
    e.event.key = "key-" + std::to_string(i % 5);
    e.event.data = R"({"指标":"开办企业","n":)" + std::to_string(i) + "}";
    e.event.extensions = {{"ys_seq", std::to_string(i)}};
    events.push_back(e);
  }
  auto delivered = (*producer)->PublishBatch(events, absl::Seconds(20));
  ASSERT_TRUE(delivered.ok()) << delivered.status();
  EXPECT_EQ(*delivered, events.size());

  auto consumer =
      KafkaConsumer::Create(options_, {testing::UniqueName("g"), {topic_}}, &kafka_metrics_);
  ASSERT_TRUE(consumer.ok()) << consumer.status();
  auto got = ReadAll(**consumer, events.size());
  ASSERT_EQ(got.size(), events.size());

  std::map<std::string, const OutgoingEvent*> by_id;
  for (const auto& e : events) by_id[e.event.id] = &e;
  std::map<std::string, std::pair<int32_t, int>> last_seq_per_key;  // key -> partition, seq
  for (const KafkaMessage& m : got) {
    auto ce = ParseCloudEvent(m);
    ASSERT_TRUE(ce.ok()) << ce.status();
    ASSERT_TRUE(by_id.contains(ce->id));
    const CloudEvent& sent = by_id[ce->id]->event;
    EXPECT_EQ(ce->source, sent.source);
    EXPECT_EQ(ce->type, sent.type);
    EXPECT_EQ(ce->time, sent.time);
    EXPECT_EQ(ce->content_type, "application/json");
    EXPECT_EQ(ce->key, sent.key);
    EXPECT_EQ(ce->data, sent.data);
    // One key, one partition, in order.
    const int seq = std::stoi(*ce->Extension("ys_seq"));
    auto [it, fresh] = last_seq_per_key.try_emplace(ce->key, m.partition, seq);
    if (!fresh) {
      EXPECT_EQ(it->second.first, m.partition);
      EXPECT_LT(it->second.second, seq);
      it->second.second = seq;
    }
  }
  const std::string text = metrics_.Serialize();
  EXPECT_NE(text.find("ys_kafka_produced_total{topic=\"" + topic_ + "\"} 50"), std::string::npos);
  EXPECT_NE(text.find("ys_kafka_consumed_total{topic=\"" + topic_ + "\"} 50"), std::string::npos);
}

// The catalog replica's reader (issue #17): every replica reads every partition, however many
// replicas there are (more than partitions included), from the beginning at each start.
TEST_F(KafkaTest, EveryPartitionReadersEachReadTheWholeTopic) {
  auto producer = KafkaProducer::Create(options_, &kafka_metrics_);
  ASSERT_TRUE(producer.ok());
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE((*producer)->ProduceRaw(topic_, "k" + std::to_string(i), "v" + std::to_string(i)).ok());
  }
  ASSERT_TRUE((*producer)->Flush(absl::Seconds(10)).ok());
  // Four readers on a topic of three partitions, sharing a name: none is left without records.
  const std::string name = testing::UniqueName("replica");
  std::vector<std::unique_ptr<KafkaConsumer>> readers;
  for (int r = 0; r < 4; ++r) {
    auto c = KafkaConsumer::Create(options_, {.group_id = name, .topics = {topic_}, .every_partition = true},
                                   &kafka_metrics_);
    ASSERT_TRUE(c.ok()) << c.status();
    readers.push_back(std::move(*c));
  }
  std::set<int32_t> partitions;
  for (auto& reader : readers) {
    auto all = ReadAll(*reader, 30);
    ASSERT_EQ(all.size(), 30u);
    std::set<std::string> values;
    for (const auto& m : all) {
      values.insert(m.value);
      partitions.insert(m.partition);
    }
    EXPECT_EQ(values.size(), 30u);
    ASSERT_TRUE(reader->Commit(all).ok());  // keeps nothing: the next start reads all again
    auto caught_up = reader->CaughtUp();
    ASSERT_TRUE(caught_up.ok()) << caught_up.status();
    EXPECT_TRUE(*caught_up);
  }
  EXPECT_EQ(partitions.size(), 3u);
  // A record published now reaches every reader.
  ASSERT_TRUE((*producer)->ProduceRaw(topic_, "late", "late").ok());
  ASSERT_TRUE((*producer)->Flush(absl::Seconds(10)).ok());
  for (auto& reader : readers) {
    auto late = ReadAll(*reader, 1);
    ASSERT_EQ(late.size(), 1u);
    EXPECT_EQ(late[0].value, "late");
    reader->Close();
  }
  auto again = KafkaConsumer::Create(options_, {.group_id = name, .topics = {topic_}, .every_partition = true},
                                     &kafka_metrics_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(ReadAll(**again, 31).size(), 31u);
}

TEST_F(KafkaTest, CommittedPositionIsWhereTheNextMemberStarts) {
  auto producer = KafkaProducer::Create(options_, &kafka_metrics_);
  ASSERT_TRUE(producer.ok());
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE((*producer)->ProduceRaw(topic_, "k", "v" + std::to_string(i)).ok());
  }
  ASSERT_TRUE((*producer)->Flush(absl::Seconds(10)).ok());
  const std::string group = testing::UniqueName("g");
  {
    auto c = KafkaConsumer::Create(options_, {group, {topic_}}, &kafka_metrics_);
    ASSERT_TRUE(c.ok());
    auto all = ReadAll(**c, 10);
    ASSERT_EQ(all.size(), 10u);
    // Commit only the first four (one key, one partition: offsets 0..9).
    std::vector<KafkaMessage> first(all.begin(), all.begin() + 4);
    ASSERT_TRUE((*c)->Commit(first).ok());
    (*c)->Close();
  }
  auto c = KafkaConsumer::Create(options_, {group, {topic_}}, &kafka_metrics_);
  ASSERT_TRUE(c.ok());
  auto rest = ReadAll(**c, 6);
  ASSERT_EQ(rest.size(), 6u);
  EXPECT_EQ(rest.front().value, "v4");
  auto extra = (*c)->Poll(10, absl::Seconds(1));
  ASSERT_TRUE(extra.ok());
  EXPECT_TRUE(extra->empty());
}

TEST_F(KafkaTest, EnsureTopicsIsIdempotentAndSupportsCompaction) {
  const std::string compacted = testing::UniqueName("test.catalog");
  EXPECT_TRUE(EnsureTopics(options_, {{compacted, 1, true}, {topic_, 3, false}}).ok());
  EXPECT_TRUE(EnsureTopics(options_, {{compacted, 1, true}}).ok());
}

TEST_F(KafkaTest, UnreachableBrokerIsUnavailableNotAHang) {
  KafkaOptions nowhere;
  nowhere.brokers = "127.0.0.1:1";  // nothing listens on port 1
  absl::Status s = EnsureTopics(nowhere, {{"x", 1, false}}, absl::Seconds(2));
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  auto producer = KafkaProducer::Create(nowhere, nullptr);
  ASSERT_TRUE(producer.ok());
  OutgoingEvent e;
  e.topic = "x";
  e.event.id = NewEventId();
  e.event.source = "/t";
  e.event.type = "t";
  auto r = (*producer)->PublishBatch({&e, 1}, absl::Seconds(2));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable) << r.status();
}

}  // namespace
}  // namespace ys
