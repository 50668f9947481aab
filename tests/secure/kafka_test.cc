// issue #17: Kafka over SASL/SCRAM-SHA-512 and TLS, against the broker tests/secure/kafka.sh starts
// (its only client listener is SASL_SSL). Every client is built the way a service builds it: a config
// with the kafka.* keys -> KafkaOptionsFromConfig -> EnsureTopics / KafkaProducer / KafkaConsumer.
// The same three calls that carry an event with the right settings must get nothing through with a
// PLAINTEXT client, a wrong password, or a CA that did not sign the broker.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/config/config.h"
#include "common/kafka/kafka.h"
#include "common/metrics/metrics.h"
#include "gtest/gtest.h"

namespace ys {
namespace {

// What kafka.sh hands over: the broker's address, the CA that signed it, a CA that did not, the SCRAM
// user and the file holding its password.
struct Broker {
  std::string address;
  std::string ca_file;
  std::string other_ca_file;
  std::string username;
  std::string password_file;
};

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

Broker FromEnvironment() {
  return {Env("YS_SECURE_KAFKA_BROKERS"), Env("YS_SECURE_KAFKA_CA_FILE"), Env("YS_SECURE_KAFKA_OTHER_CA_FILE"),
          Env("YS_SECURE_KAFKA_USERNAME"), Env("YS_SECURE_KAFKA_PASSWORD_FILE")};
}

// The client's side of the kafka.* config keys; empty fields are left out of the YAML.
struct Client {
  std::string protocol = "SASL_SSL";
  std::string username;
  std::string password_file;
  std::string ca_file;
};

// The refused clients fail within this; a whole refusal test stays a few seconds.
constexpr absl::Duration kRefusalTimeout = absl::Seconds(3);

class SecureKafkaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    broker_ = FromEnvironment();
    // Run outside kafka.sh there is no broker: fail, not skip, so a broken script cannot pass.
    ASSERT_FALSE(broker_.address.empty() || broker_.ca_file.empty() || broker_.other_ca_file.empty() ||
                 broker_.username.empty() || broker_.password_file.empty())
        << "run through tests/secure/kafka.sh (it starts the SASL_SSL broker and sets YS_SECURE_KAFKA_*)";
  }

  ~SecureKafkaTest() override {
    for (const std::string& path : files_) std::remove(path.c_str());
  }

  Client Good() const { return {"SASL_SSL", broker_.username, broker_.password_file, broker_.ca_file}; }

  // KafkaOptions the way a service gets them: from a config with the contract's keys.
  KafkaOptions Options(const Client& c) {
    std::string yaml = absl::StrCat("kafka:\n  brokers: ", broker_.address,
                                    "\n  client_id: secure_kafka_test\n  security_protocol: ", c.protocol, "\n");
    if (!c.username.empty()) {
      absl::StrAppend(&yaml, "  sasl:\n    mechanism: SCRAM-SHA-512\n    username: ", c.username,
                      "\n    password_file: ", c.password_file, "\n");
    }
    if (!c.ca_file.empty()) absl::StrAppend(&yaml, "  tls:\n    ca_file: ", c.ca_file, "\n");
    // No process environment: a YS_KAFKA_* variable of the developer's shell must not change the client.
    auto config = Config::FromString(yaml, [](const std::string&) { return std::nullopt; });
    EXPECT_TRUE(config.ok()) << config.status();
    if (!config.ok()) return {};
    auto options = KafkaOptionsFromConfig(*config);
    EXPECT_TRUE(options.ok()) << options.status();
    return options.ok() ? *options : KafkaOptions{};
  }

  std::string TempFile(const std::string& text) {
    const std::string path = absl::StrCat(::testing::TempDir(), "secure_kafka_test_", NewEventId());
    std::ofstream(path) << text;
    files_.push_back(path);
    return path;
  }

  static std::string UniqueName(const std::string& prefix) {
    return absl::StrCat(prefix, "_", NewEventId().substr(0, 8));
  }

  static OutgoingEvent Sample(const std::string& topic) {
    OutgoingEvent e;
    e.topic = topic;
    e.event.id = NewEventId();
    e.event.source = "/yingshang/test";
    e.event.type = "yingshang.testing.v1.Secure";
    e.event.time = absl::FromUnixSeconds(1664467200);
    e.event.content_type = "application/json";
    e.event.key = "I01";
    e.event.data = R"({"指标":"开办企业","通道":"SASL_SSL"})";
    return e;
  }

  // Reads `topic` from the beginning, in a new group, until `want` records or `timeout`. A Poll
  // error ends the read (a refused client may see one; it has then read nothing).
  std::vector<KafkaMessage> ReadBack(const KafkaOptions& options, const std::string& topic, size_t want,
                                     absl::Duration timeout, bool commit) {
    std::vector<KafkaMessage> got;
    auto consumer = KafkaConsumer::Create(options, {UniqueName("g"), {topic}}, &kafka_metrics_);
    EXPECT_TRUE(consumer.ok()) << consumer.status();  // creating it does not connect yet
    if (!consumer.ok()) return got;
    const absl::Time deadline = absl::Now() + timeout;
    while (got.size() < want && absl::Now() < deadline) {
      auto batch = (*consumer)->Poll(10, absl::Milliseconds(500));
      if (!batch.ok()) break;
      if (commit && !batch->empty()) {
        EXPECT_TRUE((*consumer)->Commit(*batch).ok());
      }
      got.insert(got.end(), batch->begin(), batch->end());
    }
    (*consumer)->Close();
    return got;
  }

  // A topic holding one event, created and written by the good client.
  std::string TopicWithOneEvent() {
    const std::string topic = UniqueName("secure.kafka");
    const KafkaOptions good = Options(Good());
    EXPECT_TRUE(EnsureTopics(good, {{topic, 1, false}}, absl::Seconds(20)).ok());
    auto producer = KafkaProducer::Create(good, &kafka_metrics_);
    EXPECT_TRUE(producer.ok()) << producer.status();
    if (producer.ok()) {
      const OutgoingEvent e = Sample(topic);
      auto delivered = (*producer)->PublishBatch({&e, 1}, absl::Seconds(20));
      EXPECT_TRUE(delivered.ok() && *delivered == 1) << delivered.status();
    }
    return topic;
  }

  // The refused client creates no topic, delivers no event and reads none of `topic`'s, each within
  // about kRefusalTimeout.
  void ExpectRefused(KafkaOptions bad, const std::string& topic) {
    // Records not delivered by then are failed, so the producer's close does not wait 30 s for them.
    bad.extra["message.timeout.ms"] = std::to_string(absl::ToInt64Milliseconds(kRefusalTimeout));
    absl::Time start = absl::Now();
    absl::Status created = EnsureTopics(bad, {{UniqueName("secure.refused"), 1, false}}, kRefusalTimeout);
    EXPECT_EQ(created.code(), absl::StatusCode::kUnavailable) << created;
    EXPECT_LT(absl::Now() - start, kRefusalTimeout + absl::Seconds(3));

    auto producer = KafkaProducer::Create(bad, &kafka_metrics_);
    ASSERT_TRUE(producer.ok()) << producer.status();
    const OutgoingEvent e = Sample(topic);
    start = absl::Now();
    auto delivered = (*producer)->PublishBatch({&e, 1}, kRefusalTimeout);
    EXPECT_EQ(delivered.status().code(), absl::StatusCode::kUnavailable) << delivered.status();
    EXPECT_LT(absl::Now() - start, kRefusalTimeout + absl::Seconds(3));
    producer->reset();

    EXPECT_TRUE(ReadBack(bad, topic, 1, kRefusalTimeout, false).empty());
    // The good client still reads exactly the one event: the refused producer added nothing.
    EXPECT_EQ(ReadBack(Options(Good()), topic, 2, absl::Seconds(4), false).size(), 1u);
  }

  Broker broker_;
  std::vector<std::string> files_;
  Metrics metrics_{"secure_kafka_test"};
  KafkaMetrics kafka_metrics_{metrics_};
};

TEST_F(SecureKafkaTest, CloudEventGoesThroughSaslSsl) {
  const KafkaOptions options = Options(Good());
  EXPECT_EQ(options.extra.at("security.protocol"), "SASL_SSL");
  const std::string topic = UniqueName("secure.kafka");
  ASSERT_TRUE(EnsureTopics(options, {{topic, 3, false}}, absl::Seconds(20)).ok());
  // Created means there: a second call finds it and is fine too.
  ASSERT_TRUE(EnsureTopics(options, {{topic, 3, false}}, absl::Seconds(20)).ok());

  auto producer = KafkaProducer::Create(options, &kafka_metrics_);
  ASSERT_TRUE(producer.ok()) << producer.status();
  const OutgoingEvent sent = Sample(topic);
  auto delivered = (*producer)->PublishBatch({&sent, 1}, absl::Seconds(20));
  ASSERT_TRUE(delivered.ok()) << delivered.status();
  EXPECT_EQ(*delivered, 1u);

  const std::vector<KafkaMessage> got = ReadBack(options, topic, 1, absl::Seconds(30), /*commit=*/true);
  ASSERT_EQ(got.size(), 1u);
  auto event = ParseCloudEvent(got[0]);
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->id, sent.event.id);
  EXPECT_EQ(event->type, sent.event.type);
  EXPECT_EQ(event->key, sent.event.key);
  EXPECT_EQ(event->data, sent.event.data);
}

TEST_F(SecureKafkaTest, PlaintextClientIsRefused) {
  const std::string topic = TopicWithOneEvent();
  Client plaintext;
  plaintext.protocol = "PLAINTEXT";
  const KafkaOptions bad = Options(plaintext);
  EXPECT_TRUE(bad.extra.empty());
  ExpectRefused(bad, topic);
}

TEST_F(SecureKafkaTest, WrongPasswordIsRefused) {
  const std::string topic = TopicWithOneEvent();
  Client wrong = Good();
  wrong.password_file = TempFile("not-the-password\n");
  ExpectRefused(Options(wrong), topic);
}

TEST_F(SecureKafkaTest, UnknownUserIsRefused) {
  const std::string topic = TopicWithOneEvent();
  Client stranger = Good();
  stranger.username = "ys-nobody";
  ExpectRefused(Options(stranger), topic);
}

TEST_F(SecureKafkaTest, BrokerSignedByAnotherCaIsRefused) {
  const std::string topic = TopicWithOneEvent();
  Client other = Good();
  other.ca_file = broker_.other_ca_file;
  ExpectRefused(Options(other), topic);
}

}  // namespace
}  // namespace ys
