#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/config/config.h"
#include "common/consumer/event_source.h"
#include "common/kafka/cloud_event.h"
#include "common/kafka/publisher.h"
#include "common/metrics/metrics.h"

namespace RdKafka {
class KafkaConsumer;
class Producer;
}  // namespace RdKafka

namespace ys {

struct KafkaOptions {
  std::string brokers = "127.0.0.1:19092";
  std::string client_id = "yingshang";
  // Put before every topic name on the wire (producer, consumer, EnsureTopics), so several
  // deployments (a staging copy, a test run) can share one cluster; the code only sees the
  // logical names ("ys.rankings.alerts.v1"). Empty in production.
  std::string topic_prefix;
  std::map<std::string, std::string> extra;  // any librdkafka property
};

// kafka.brokers, kafka.client_id, kafka.topic_prefix, and the transport security, as librdkafka
// properties in `extra` (so the producer, the consumer and EnsureTopics all use it):
//   kafka.security_protocol   PLAINTEXT (default) | SSL | SASL_PLAINTEXT | SASL_SSL
//   kafka.sasl.mechanism      SCRAM-SHA-512 (default) | SCRAM-SHA-256 | PLAIN    (SASL_* only)
//   kafka.sasl.username, kafka.sasl.password_file (the password, trailing newline trimmed, is read
//                             here, once)                                         (SASL_* only)
//   kafka.tls.ca_file (unset: the system CA store), kafka.tls.cert_file + kafka.tls.key_file (a
//                             client certificate)                                 (*SSL only)
// INVALID_ARGUMENT naming the key for an unknown value, a missing username or password file, a file
// that cannot be read, or a SASL/TLS key the chosen protocol would not use.
absl::StatusOr<KafkaOptions> KafkaOptionsFromConfig(const Config& config);

struct TopicSpec {
  std::string name;
  int partitions = 3;
  bool compacted = false;
};

// Creates the topics that do not exist yet (existing ones are left as they are).
absl::Status EnsureTopics(const KafkaOptions& options, const std::vector<TopicSpec>& topics,
                          absl::Duration timeout = absl::Seconds(30));

// Metric families shared by producers and consumers of one process.
struct KafkaMetrics {
  explicit KafkaMetrics(Metrics& metrics);
  prometheus::Family<prometheus::Counter>& produced;
  prometheus::Family<prometheus::Counter>& delivery_failures;
  prometheus::Family<prometheus::Counter>& consumed;
  prometheus::Family<prometheus::Gauge>& lag;
};

// Whether Kafka accepts `name` as a topic name (1 to 249 of [a-zA-Z0-9._-]); INVALID_ARGUMENT
// saying why not.
absl::Status ValidateTopicName(absl::string_view name);

// True for the errors with which Kafka refuses a record for good, whatever is retried: the record
// is too large (for the client's message.max.bytes or the broker's/topic's), the topic name is not
// one Kafka accepts (TOPIC_EXCEPTION; PublishEach checks names with ValidateTopicName, as librdkafka
// may report an invalid name as an unknown topic), the broker's validation fails (a compacted topic
// and no key), or the client refuses the arguments. Not among them: a topic that does not exist or may not be written (the
// deployment's fault, not the record's, and every later record of that topic would be refused the
// same way: fix the deployment and the relay goes on, in order) and a corrupt record (a CRC error on
// the wire is retried).
bool KafkaRefusesForGood(int error_code);
// A short name of such an error for metric labels ("message_too_large"); "other" otherwise.
std::string KafkaRefusalReason(int error_code);

// An idempotent producer (enable.idempotence, acks=all, Java-compatible murmur2 partitioning so
// keys land on the same partitions as with kcat or Java clients). A background thread polls for
// delivery reports; Flush on shutdown.
class KafkaProducer final : public EventPublisher {
 public:
  static absl::StatusOr<std::unique_ptr<KafkaProducer>> Create(const KafkaOptions& options,
                                                               KafkaMetrics* metrics);
  ~KafkaProducer() override;

  std::vector<Delivery> PublishEach(std::span<const OutgoingEvent> events,
                                    absl::Duration timeout) override;
  // PublishEach, answered as how many leading events were delivered; the status of the first
  // event's failure when none was (UNAVAILABLE for a broker down or a timeout).
  absl::StatusOr<size_t> PublishBatch(std::span<const OutgoingEvent> events, absl::Duration timeout);
  // Fire and forget (delivery counted in metrics); for benchmarks and best-effort traffic.
  absl::Status PublishAsync(const std::string& topic, const CloudEvent& event);
  // Raw record without CloudEvents headers (benchmark baseline).
  absl::Status ProduceRaw(const std::string& topic, const std::string& key,
                          const std::string& value);
  absl::Status Flush(absl::Duration timeout);

  struct Impl;

 private:
  explicit KafkaProducer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct ConsumerOptions {
  std::string group_id;
  std::vector<std::string> topics;
  std::string auto_offset_reset = "earliest";
  // A replica reader: every partition of `topics` is assigned to this consumer, read from the
  // beginning, outside any consumer group, and nothing is committed. For state every replica of a
  // service keeps whole (the catalog replica): in a shared group each replica would see only its
  // partitions' records, and a replica beyond the partition count none. `group_id` then only names
  // the client (librdkafka wants one); it never joins.
  bool every_partition = false;
};

// A consumer-group member with manual commits: the caller commits only after the database
// transaction that applied the messages (docs/architecture.md, "Event contract").
class KafkaConsumer final : public EventSource {
 public:
  static absl::StatusOr<std::unique_ptr<KafkaConsumer>> Create(const KafkaOptions& options,
                                                               const ConsumerOptions& consumer,
                                                               KafkaMetrics* metrics);
  ~KafkaConsumer() override;

  // Up to `max` messages, waiting at most `timeout` for the first one. An empty vector is a quiet
  // topic, not an error. UNAVAILABLE when the broker cannot be reached.
  absl::StatusOr<std::vector<KafkaMessage>> Poll(size_t max, absl::Duration timeout) override;
  // Seeks each partition of `messages` back to the first of them, so the next Poll returns them
  // again (after a batch whose transaction failed). A partition no longer assigned is skipped: its
  // new owner starts from the committed offset anyway.
  absl::Status Rewind(const std::vector<KafkaMessage>& messages) override;
  // Commits, synchronously, the positions after the given messages (the highest per partition).
  absl::Status Commit(const std::vector<KafkaMessage>& messages) override;
  // True once every assigned partition has been read up to its end as of now (the position, or the
  // committed offset before the first read, has reached the high watermark). False while the group
  // has not assigned anything yet. For "apply the catalog before the facts that need it".
  absl::StatusOr<bool> CaughtUp(absl::Duration timeout = absl::Seconds(5));
  // Leaves the group cleanly (commits nothing).
  void Close();

 private:
  KafkaConsumer(std::unique_ptr<RdKafka::KafkaConsumer> consumer, KafkaMetrics* metrics,
                std::string topic_prefix);
  // Every partition of `every_partition_topics_` from the beginning (once; retried by the next Poll
  // while the broker does not answer).
  absl::Status AssignEveryPartition();

  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  std::string topic_prefix_;
  KafkaMetrics* metrics_;
  std::vector<std::string> every_partition_topics_;  // full names; empty for a group member
  bool assigned_ = false;
  bool closed_ = false;
};

}  // namespace ys
