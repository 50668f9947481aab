#include "common/kafka/kafka.h"

#include <librdkafka/rdkafka.h>

#include <map>
#include <set>
#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/input/text_rules.h"
#include "common/log/log.h"
#include "common/status/macros.h"

namespace ys {
namespace {

int ToMillis(absl::Duration d) {
  return static_cast<int>(std::max<int64_t>(0, absl::ToInt64Milliseconds(d)));
}

absl::Status KafkaError(absl::string_view what, RdKafka::ErrorCode err) {
  const std::string msg = absl::StrFormat("kafka %s: %s", what, RdKafka::err2str(err));
  switch (err) {
    case RdKafka::ERR__TRANSPORT:
    case RdKafka::ERR__ALL_BROKERS_DOWN:
    case RdKafka::ERR__TIMED_OUT:
    case RdKafka::ERR__MSG_TIMED_OUT:
    case RdKafka::ERR__QUEUE_FULL:
    case RdKafka::ERR_REQUEST_TIMED_OUT:
    case RdKafka::ERR_NOT_LEADER_FOR_PARTITION:
    case RdKafka::ERR_LEADER_NOT_AVAILABLE:
      return absl::UnavailableError(msg);
    default:
      return absl::InternalError(msg);
  }
}

absl::StatusOr<std::unique_ptr<RdKafka::Conf>> MakeConf(
    const KafkaOptions& options, const std::map<std::string, std::string>& settings) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::map<std::string, std::string> all = {
      {"bootstrap.servers", options.brokers},
      {"client.id", options.client_id},
      {"socket.keepalive.enable", "true"},
  };
  for (const auto& [k, v] : settings) all[k] = v;
  for (const auto& [k, v] : options.extra) all[k] = v;
  for (const auto& [k, v] : all) {
    std::string err;
    if (conf->set(k, v, err) != RdKafka::Conf::CONF_OK) {
      return absl::InvalidArgumentError(
          absl::StrFormat("kafka property '%s'='%s' is invalid: %s", k, v, err));
    }
  }
  return conf;
}

// Logs librdkafka's errors once per kind instead of letting it print to stderr.
class EventLogger final : public RdKafka::EventCb {
 public:
  void event_cb(RdKafka::Event& event) override {
    if (event.type() == RdKafka::Event::EVENT_ERROR) {
      all_brokers_down_ = event.err() == RdKafka::ERR__ALL_BROKERS_DOWN;
      log::Warn("kafka client error", {{"error", RdKafka::err2str(event.err())},
                                       {"detail", event.str()}});
    } else if (event.type() == RdKafka::Event::EVENT_LOG && event.severity() <= 3) {
      log::Warn("kafka client log", {{"facility", event.fac()}, {"detail", event.str()}});
    }
  }
  std::atomic<bool> all_brokers_down_{false};
};

}  // namespace

absl::Status ValidateTopicName(absl::string_view name) {
  // Kafka's own rule (org.apache.kafka.common.internals.Topic): 1..249 of [a-zA-Z0-9._-], not "."
  // or "..". librdkafka does not check it: it asks the broker for the topic's metadata and may
  // then fail the record as an unknown topic, as it does for one not created yet.
  const bool legal = !name.empty() && name.size() <= 249 && name != "." && name != ".." &&
                     std::all_of(name.begin(), name.end(), [](char c) {
                       return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' ||
                              c == '-';
                     });
  if (legal) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrFormat(
      "Invalid topic name %s: Kafka takes 1 to 249 ASCII letters, digits, '.', '_' and '-'",
      input::QuoteInput(name)));
}

bool KafkaRefusesForGood(int error_code) {
  switch (static_cast<RdKafka::ErrorCode>(error_code)) {
    case RdKafka::ERR_MSG_SIZE_TOO_LARGE:     // larger than message.max.bytes (client or broker)
    case RdKafka::ERR_INVALID_MSG_SIZE:       // a size the broker cannot read
    case RdKafka::ERR_RECORD_LIST_TOO_LARGE:  // larger than a log segment
    case RdKafka::ERR_TOPIC_EXCEPTION:        // a topic name Kafka does not accept
    case RdKafka::ERR_INVALID_RECORD:         // the broker's validation: no key on a compacted topic
    case RdKafka::ERR__INVALID_ARG:           // produce() refused the arguments (a topic name over 512 bytes)
      return true;
    default:
      return false;
  }
}

std::string KafkaRefusalReason(int error_code) {
  switch (static_cast<RdKafka::ErrorCode>(error_code)) {
    case RdKafka::ERR_MSG_SIZE_TOO_LARGE: return "message_too_large";
    case RdKafka::ERR_INVALID_MSG_SIZE: return "invalid_message_size";
    case RdKafka::ERR_RECORD_LIST_TOO_LARGE: return "record_list_too_large";
    case RdKafka::ERR_TOPIC_EXCEPTION: return "invalid_topic";
    case RdKafka::ERR_INVALID_RECORD: return "invalid_record";
    case RdKafka::ERR__INVALID_ARG: return "invalid_argument";
    default: return "other";
  }
}

namespace {

absl::Status KafkaKeyError(absl::string_view key, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrFormat("config key '%s' %s", key, why));
}

// An optional key naming a PEM file librdkafka will open: checked here, so a wrong path stops the
// service at startup with the key's name rather than at the first connection with an OpenSSL error.
absl::Status AddPemFile(const Config& config, absl::string_view key, const char* property,
                        KafkaOptions& options) {
  const std::string path = config.GetString(key, "");
  if (path.empty()) return absl::OkStatus();
  RETURN_IF_ERROR(CheckReadableFile(key, path));
  options.extra[property] = path;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<KafkaOptions> KafkaOptionsFromConfig(const Config& config) {
  KafkaOptions options;
  auto brokers = config.GetString("kafka.brokers");
  if (!brokers.ok()) return brokers.status();
  options.brokers = *brokers;
  options.client_id = config.GetString("kafka.client_id", "yingshang");
  options.topic_prefix = config.GetString("kafka.topic_prefix", "");

  const std::string protocol =
      absl::AsciiStrToUpper(config.GetString("kafka.security_protocol", "PLAINTEXT"));
  static const std::set<std::string> kProtocols = {"PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"};
  if (!kProtocols.contains(protocol)) {
    return KafkaKeyError("kafka.security_protocol",
                         absl::StrFormat("must be PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL, got '%s'",
                                         protocol));
  }
  const bool sasl = protocol.starts_with("SASL_");
  const bool tls = protocol.ends_with("SSL");
  // Credentials or certificates that the chosen protocol would silently not use are a
  // misconfiguration (a password meant to be sent, a CA meant to be checked): refuse them.
  for (const char* key : {"kafka.sasl.mechanism", "kafka.sasl.username", "kafka.sasl.password_file"}) {
    if (!sasl && !config.GetString(key, "").empty()) {
      return KafkaKeyError(key, absl::StrFormat("is set but kafka.security_protocol is %s (no SASL)",
                                                protocol));
    }
  }
  for (const char* key : {"kafka.tls.ca_file", "kafka.tls.cert_file", "kafka.tls.key_file"}) {
    if (!tls && !config.GetString(key, "").empty()) {
      return KafkaKeyError(key, absl::StrFormat("is set but kafka.security_protocol is %s (no TLS)",
                                                protocol));
    }
  }
  if (protocol == "PLAINTEXT") return options;
  options.extra["security.protocol"] = protocol;

  if (sasl) {
    const std::string mechanism =
        absl::AsciiStrToUpper(config.GetString("kafka.sasl.mechanism", "SCRAM-SHA-512"));
    static const std::set<std::string> kMechanisms = {"SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"};
    if (!kMechanisms.contains(mechanism)) {
      return KafkaKeyError("kafka.sasl.mechanism",
                           absl::StrFormat("must be SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN, got '%s'",
                                           mechanism));
    }
    const std::string username = config.GetString("kafka.sasl.username", "");
    if (username.empty()) {
      return KafkaKeyError("kafka.sasl.username",
                           absl::StrFormat("is required with kafka.security_protocol %s", protocol));
    }
    if (config.GetString("kafka.sasl.password_file", "").empty()) {
      return KafkaKeyError("kafka.sasl.password_file",
                           absl::StrFormat("is required with kafka.security_protocol %s", protocol));
    }
    ASSIGN_OR_RETURN(std::string password, ReadSecretFile(config, "kafka.sasl.password_file"));
    options.extra["sasl.mechanisms"] = mechanism;
    options.extra["sasl.username"] = username;
    options.extra["sasl.password"] = password;
  }

  if (tls) {
    // No CA file: librdkafka checks the broker against the system's CA store. The broker's name is
    // checked against its certificate either way (librdkafka 2's default
    // ssl.endpoint.identification.algorithm=https).
    RETURN_IF_ERROR(AddPemFile(config, "kafka.tls.ca_file", "ssl.ca.location", options));
    const bool has_cert = !config.GetString("kafka.tls.cert_file", "").empty();
    const bool has_key = !config.GetString("kafka.tls.key_file", "").empty();
    if (has_cert != has_key) {
      return KafkaKeyError(has_cert ? "kafka.tls.key_file" : "kafka.tls.cert_file",
                           absl::StrFormat("is required when %s is set (a client certificate needs both)",
                                           has_cert ? "kafka.tls.cert_file" : "kafka.tls.key_file"));
    }
    RETURN_IF_ERROR(AddPemFile(config, "kafka.tls.cert_file", "ssl.certificate.location", options));
    RETURN_IF_ERROR(AddPemFile(config, "kafka.tls.key_file", "ssl.key.location", options));
  }
  return options;
}

KafkaMetrics::KafkaMetrics(Metrics& metrics)
    : produced(prometheus::BuildCounter()
                   .Name("ys_kafka_produced_total")
                   .Help("Records the broker acknowledged, per topic.")
                   .Register(metrics.registry())),
      delivery_failures(prometheus::BuildCounter()
                            .Name("ys_kafka_delivery_failures_total")
                            .Help("Records whose delivery failed, per topic.")
                            .Register(metrics.registry())),
      consumed(prometheus::BuildCounter()
                   .Name("ys_kafka_consumed_total")
                   .Help("Records read, per topic.")
                   .Register(metrics.registry())),
      lag(prometheus::BuildGauge()
              .Name("ys_kafka_consumer_lag_records")
              .Help("Records between the consumer's position and the partition's high watermark.")
              .Register(metrics.registry())) {}

// ---------------------------------------------------------------------------------------------
// Producer

namespace {

// The outcome of one PublishBatch, shared with delivery callbacks that may fire after a timeout.
struct BatchState {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<RdKafka::ErrorCode> results;  // ERR__IN_PROGRESS until reported
  size_t pending = 0;
};

struct DeliverySlot {
  std::shared_ptr<BatchState> batch;  // null for fire-and-forget records
  size_t index = 0;
};

}  // namespace

struct KafkaProducer::Impl : public RdKafka::DeliveryReportCb {
  std::unique_ptr<RdKafka::Producer> producer;
  std::string topic_prefix;
  EventLogger events;
  KafkaMetrics* metrics = nullptr;
  std::atomic<bool> stop{false};
  std::thread poller;

  void dr_cb(RdKafka::Message& message) override {
    auto* slot = static_cast<DeliverySlot*>(message.msg_opaque());
    if (metrics != nullptr) {
      auto& family = message.err() == RdKafka::ERR_NO_ERROR ? metrics->produced
                                                             : metrics->delivery_failures;
      family.Add({{"topic", message.topic_name()}}).Increment();
    }
    if (slot == nullptr) return;
    if (slot->batch != nullptr) {
      std::lock_guard lock(slot->batch->mu);
      slot->batch->results[slot->index] = message.err();
      if (--slot->batch->pending == 0) slot->batch->cv.notify_all();
    }
    delete slot;
  }

  // Hands one record to librdkafka, waiting for room in its queue until `deadline`. On an error the
  // slot is not taken over (no delivery report will come for it).
  RdKafka::ErrorCode Produce(const std::string& topic, const std::string& key, const std::string& value,
                             const Headers& headers, DeliverySlot* slot, absl::Time deadline) {
    for (;;) {
      RdKafka::Headers* h = nullptr;
      if (!headers.empty()) {
        h = RdKafka::Headers::create();
        for (const auto& [k, v] : headers) h->add(k, v.data(), v.size());
      }
      const RdKafka::ErrorCode err = producer->produce(
          topic_prefix + topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
          const_cast<char*>(value.data()), value.size(), key.empty() ? nullptr : key.data(),
          key.size(), 0, h, slot);
      if (err == RdKafka::ERR_NO_ERROR) return err;
      delete h;  // not taken over on failure
      if (err != RdKafka::ERR__QUEUE_FULL || absl::Now() > deadline) return err;
      // The local queue is full: let the poller drain delivery reports, then try again.
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
};

KafkaProducer::KafkaProducer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

absl::StatusOr<std::unique_ptr<KafkaProducer>> KafkaProducer::Create(const KafkaOptions& options,
                                                                     KafkaMetrics* metrics) {
  auto impl = std::make_unique<Impl>();
  impl->metrics = metrics;
  impl->topic_prefix = options.topic_prefix;
  auto conf = MakeConf(options, {
                                    {"enable.idempotence", "true"},
                                    {"acks", "all"},
                                    {"partitioner", "murmur2_random"},
                                    {"linger.ms", "5"},
                                    {"message.timeout.ms", "30000"},
                                    {"compression.type", "lz4"},
                                });
  if (!conf.ok()) return conf.status();
  std::string err;
  (*conf)->set("dr_cb", static_cast<RdKafka::DeliveryReportCb*>(impl.get()), err);
  (*conf)->set("event_cb", static_cast<RdKafka::EventCb*>(&impl->events), err);
  impl->producer.reset(RdKafka::Producer::create(conf->get(), err));
  if (impl->producer == nullptr) {
    return absl::InternalError(absl::StrFormat("kafka producer cannot be created: %s", err));
  }
  Impl* raw = impl.get();
  impl->poller = std::thread([raw] {
    while (!raw->stop.load()) raw->producer->poll(50);
  });
  return std::unique_ptr<KafkaProducer>(new KafkaProducer(std::move(impl)));
}

KafkaProducer::~KafkaProducer() {
  const RdKafka::ErrorCode err = impl_->producer->flush(10000);
  if (err != RdKafka::ERR_NO_ERROR) {
    log::Warn("kafka producer closed with undelivered records",
              {{"outq", std::to_string(impl_->producer->outq_len())}});
  }
  impl_->stop = true;
  impl_->poller.join();
  impl_->producer->poll(0);
}

std::vector<Delivery> KafkaProducer::PublishEach(std::span<const OutgoingEvent> events,
                                                absl::Duration timeout) {
  std::vector<Delivery> out(events.size());
  if (events.empty()) return out;
  const absl::Time deadline = absl::Now() + timeout;
  auto batch = std::make_shared<BatchState>();
  batch->results.assign(events.size(), RdKafka::ERR__IN_PROGRESS);
  // librdkafka refuses some records at produce() (larger than message.max.bytes), and a topic
  // name Kafka does not accept is refused here: those are answered at once and the next ones still
  // go. Any other refusal (the local queue still full at the deadline) stops the batch: the rest is
  // not sent.
  size_t produced = 0;  // events handed over or answered at produce()
  RdKafka::ErrorCode stopped_by = RdKafka::ERR_NO_ERROR;
  std::vector<std::string> refused_names(events.size());  // the reason, for an invalid topic name
  for (; produced < events.size(); ++produced) {
    const OutgoingEvent& e = events[produced];
    RdKafka::ErrorCode err = RdKafka::ERR_TOPIC_EXCEPTION;
    if (absl::Status name = ValidateTopicName(impl_->topic_prefix + e.topic); !name.ok()) {
      refused_names[produced] = std::string(name.message());
    } else {
      {
        std::lock_guard lock(batch->mu);
        ++batch->pending;
      }
      auto* slot = new DeliverySlot{batch, produced};
      err = impl_->Produce(e.topic, e.event.key, e.event.data, ToKafkaHeaders(e.event), slot, deadline);
      if (err == RdKafka::ERR_NO_ERROR) continue;
      delete slot;
      std::lock_guard lock(batch->mu);
      --batch->pending;
    }
    {
      std::lock_guard lock(batch->mu);
      batch->results[produced] = err;
    }
    if (impl_->metrics != nullptr) {
      impl_->metrics->delivery_failures.Add({{"topic", impl_->topic_prefix + e.topic}}).Increment();
    }
    if (!KafkaRefusesForGood(err)) {
      stopped_by = err;
      ++produced;
      break;
    }
  }
  impl_->producer->flush(0);  // send now rather than after linger.ms
  std::unique_lock lock(batch->mu);
  batch->cv.wait_until(lock, absl::ToChronoTime(deadline), [&] { return batch->pending == 0; });
  for (size_t i = 0; i < events.size(); ++i) {
    RdKafka::ErrorCode err = i < produced ? batch->results[i] : stopped_by;
    if (err == RdKafka::ERR__IN_PROGRESS) err = RdKafka::ERR__TIMED_OUT;  // no report by the deadline
    Delivery& d = out[i];
    if (err == RdKafka::ERR_NO_ERROR) {
      d.outcome = Delivery::Outcome::kDelivered;
      continue;
    }
    d.outcome = KafkaRefusesForGood(err) ? Delivery::Outcome::kRefused : Delivery::Outcome::kNotDelivered;
    d.error_code = static_cast<int>(err);
    d.error = refused_names[i].empty() ? RdKafka::err2str(err) : refused_names[i];
    if (d.outcome == Delivery::Outcome::kRefused) d.reason = KafkaRefusalReason(err);
  }
  return out;
}

absl::StatusOr<size_t> KafkaProducer::PublishBatch(std::span<const OutgoingEvent> events,
                                                   absl::Duration timeout) {
  const std::vector<Delivery> each = PublishEach(events, timeout);
  size_t delivered = 0;
  while (delivered < each.size() && each[delivered].outcome == Delivery::Outcome::kDelivered) ++delivered;
  if (delivered == 0 && !each.empty()) {
    return KafkaError("delivery", static_cast<RdKafka::ErrorCode>(each[0].error_code));
  }
  return delivered;
}

absl::Status KafkaProducer::PublishAsync(const std::string& topic, const CloudEvent& event) {
  const RdKafka::ErrorCode err = impl_->Produce(topic, event.key, event.data, ToKafkaHeaders(event),
                                                nullptr, absl::Now() + absl::Seconds(30));
  if (err != RdKafka::ERR_NO_ERROR) return KafkaError(absl::StrFormat("produce to %s", topic), err);
  return absl::OkStatus();
}

absl::Status KafkaProducer::ProduceRaw(const std::string& topic, const std::string& key,
                                       const std::string& value) {
  const RdKafka::ErrorCode err =
      impl_->Produce(topic, key, value, {}, nullptr, absl::Now() + absl::Seconds(30));
  if (err != RdKafka::ERR_NO_ERROR) return KafkaError(absl::StrFormat("produce to %s", topic), err);
  return absl::OkStatus();
}

absl::Status KafkaProducer::Flush(absl::Duration timeout) {
  const RdKafka::ErrorCode err = impl_->producer->flush(ToMillis(timeout));
  if (err != RdKafka::ERR_NO_ERROR) return KafkaError("flush", err);
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------------
// Consumer

namespace {
EventLogger& ConsumerEvents() {
  static EventLogger* const logger = new EventLogger;
  return *logger;
}
}  // namespace

KafkaConsumer::KafkaConsumer(std::unique_ptr<RdKafka::KafkaConsumer> consumer,
                             KafkaMetrics* metrics, std::string topic_prefix)
    : consumer_(std::move(consumer)), topic_prefix_(std::move(topic_prefix)), metrics_(metrics) {}

KafkaConsumer::~KafkaConsumer() { Close(); }

absl::StatusOr<std::unique_ptr<KafkaConsumer>> KafkaConsumer::Create(
    const KafkaOptions& options, const ConsumerOptions& consumer, KafkaMetrics* metrics) {
  if (consumer.group_id.empty()) return absl::InvalidArgumentError("kafka consumer needs a group id");
  auto conf = MakeConf(options, {
                                    {"group.id", consumer.group_id},
                                    {"enable.auto.commit", "false"},
                                    {"enable.auto.offset.store", "false"},
                                    {"auto.offset.reset", consumer.auto_offset_reset},
                                    {"enable.partition.eof", "false"},
                                    {"session.timeout.ms", "10000"},
                                    {"heartbeat.interval.ms", "1000"},
                                });
  if (!conf.ok()) return conf.status();
  std::string err;
  (*conf)->set("event_cb", static_cast<RdKafka::EventCb*>(&ConsumerEvents()), err);
  std::unique_ptr<RdKafka::KafkaConsumer> c(RdKafka::KafkaConsumer::create(conf->get(), err));
  if (c == nullptr) {
    return absl::InternalError(absl::StrFormat("kafka consumer cannot be created: %s", err));
  }
  std::vector<std::string> topics;
  for (const auto& t : consumer.topics) topics.push_back(options.topic_prefix + t);
  std::unique_ptr<KafkaConsumer> out(new KafkaConsumer(std::move(c), metrics, options.topic_prefix));
  if (consumer.every_partition) {
    out->every_partition_topics_ = std::move(topics);
    return out;
  }
  if (RdKafka::ErrorCode e = out->consumer_->subscribe(topics); e != RdKafka::ERR_NO_ERROR) {
    return KafkaError(absl::StrFormat("subscribe to %s", absl::StrJoin(topics, ",")), e);
  }
  return out;
}

absl::Status KafkaConsumer::AssignEveryPartition() {
  std::vector<RdKafka::TopicPartition*> parts;
  struct Destroy {
    std::vector<RdKafka::TopicPartition*>& p;
    ~Destroy() { RdKafka::TopicPartition::destroy(p); }
  } destroy{parts};
  for (const std::string& topic : every_partition_topics_) {
    std::string err_text;
    std::unique_ptr<RdKafka::Topic> handle(RdKafka::Topic::create(consumer_.get(), topic, nullptr, err_text));
    if (handle == nullptr) return absl::InternalError(absl::StrFormat("kafka topic %s: %s", topic, err_text));
    RdKafka::Metadata* raw = nullptr;
    if (RdKafka::ErrorCode err = consumer_->metadata(false, handle.get(), &raw, 5000); err != RdKafka::ERR_NO_ERROR) {
      return KafkaError(absl::StrFormat("metadata of %s", topic), err);
    }
    std::unique_ptr<RdKafka::Metadata> md(raw);
    for (const RdKafka::TopicMetadata* t : *md->topics()) {
      if (t->err() != RdKafka::ERR_NO_ERROR) return KafkaError(absl::StrFormat("metadata of %s", topic), t->err());
      for (const RdKafka::PartitionMetadata* p : *t->partitions()) {
        parts.push_back(RdKafka::TopicPartition::create(topic, p->id(), RdKafka::Topic::OFFSET_BEGINNING));
      }
    }
  }
  if (parts.empty()) return absl::UnavailableError("kafka: no partitions to assign yet");
  if (RdKafka::ErrorCode err = consumer_->assign(parts); err != RdKafka::ERR_NO_ERROR) {
    return KafkaError("assign", err);
  }
  assigned_ = true;
  return absl::OkStatus();
}

absl::StatusOr<bool> KafkaConsumer::CaughtUp(absl::Duration timeout) {
  std::vector<RdKafka::TopicPartition*> parts;
  if (RdKafka::ErrorCode err = consumer_->assignment(parts); err != RdKafka::ERR_NO_ERROR) {
    return absl::UnavailableError("kafka assignment: " + RdKafka::err2str(err));
  }
  struct Destroy {
    std::vector<RdKafka::TopicPartition*>& p;
    ~Destroy() { RdKafka::TopicPartition::destroy(p); }
  } destroy{parts};
  if (parts.empty()) return false;
  const int ms = ToMillis(timeout);
  consumer_->position(parts);
  std::vector<RdKafka::TopicPartition*> committed;
  for (auto* p : parts) committed.push_back(RdKafka::TopicPartition::create(p->topic(), p->partition()));
  Destroy destroy_committed{committed};
  // A replica reader has no committed offsets: before its first read it stands at the beginning.
  if (RdKafka::ErrorCode err = every_partition_topics_.empty() ? consumer_->committed(committed, ms)
                                                               : RdKafka::ERR_NO_ERROR;
      err != RdKafka::ERR_NO_ERROR) {
    return absl::UnavailableError("kafka committed offsets: " + RdKafka::err2str(err));
  }
  for (size_t i = 0; i < parts.size(); ++i) {
    int64_t low = 0, high = 0;
    if (RdKafka::ErrorCode err = consumer_->query_watermark_offsets(parts[i]->topic(), parts[i]->partition(),
                                                                    &low, &high, ms);
        err != RdKafka::ERR_NO_ERROR) {
      return absl::UnavailableError("kafka watermarks: " + RdKafka::err2str(err));
    }
    int64_t at = parts[i]->offset();
    if (at < 0) at = committed[i]->offset();
    if (at < 0) at = low;
    if (at < high) return false;
  }
  return true;
}

absl::StatusOr<std::vector<KafkaMessage>> KafkaConsumer::Poll(size_t max, absl::Duration timeout) {
  if (!every_partition_topics_.empty() && !assigned_) RETURN_IF_ERROR(AssignEveryPartition());
  std::vector<KafkaMessage> out;
  std::map<std::string, int64_t> consumed;                        // records per topic
  std::map<std::pair<std::string, int32_t>, int64_t> last_offset;  // per partition, for the lag
  int wait_ms = ToMillis(timeout);
  while (out.size() < max) {
    std::unique_ptr<RdKafka::Message> msg(consumer_->consume(out.empty() ? wait_ms : 0));
    const RdKafka::ErrorCode err = msg->err();
    if (err == RdKafka::ERR__TIMED_OUT || err == RdKafka::ERR__PARTITION_EOF) break;
    if (err != RdKafka::ERR_NO_ERROR) {
      // A topic not created yet is a quiet topic; anything else is the caller's to see.
      if (err == RdKafka::ERR_UNKNOWN_TOPIC_OR_PART) break;
      if (!out.empty()) break;
      return KafkaError("consume", err);
    }
    KafkaMessage m;
    m.topic = msg->topic_name().substr(topic_prefix_.size());
    m.partition = msg->partition();
    m.offset = msg->offset();
    if (msg->key() != nullptr) m.key = *msg->key();
    m.value.assign(static_cast<const char*>(msg->payload()), msg->len());
    m.timestamp = absl::FromUnixMillis(msg->timestamp().timestamp);
    // The headers straight from librdkafka's C view (the C++ get_all() copies each one twice).
    rd_kafka_headers_t* headers = nullptr;
    if (rd_kafka_message_headers(msg->c_ptr(), &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      const char* name = nullptr;
      const void* value = nullptr;
      size_t size = 0;
      for (size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
        m.headers.emplace_back(name, value == nullptr ? std::string() : std::string(static_cast<const char*>(value), size));
      }
    }
    if (metrics_ != nullptr) {
      ++consumed[m.topic];
      last_offset[{m.topic, m.partition}] = m.offset;
    }
    out.push_back(std::move(m));
  }
  // Metrics once per topic and partition of the poll, not per record.
  for (const auto& [topic, n] : consumed) metrics_->consumed.Add({{"topic", topic}}).Increment(static_cast<double>(n));
  for (const auto& [where, offset] : last_offset) {
    int64_t low = 0;
    int64_t high = 0;
    if (consumer_->get_watermark_offsets(topic_prefix_ + where.first, where.second, &low, &high) ==
            RdKafka::ERR_NO_ERROR &&
        high >= 0) {
      metrics_->lag.Add({{"topic", where.first}, {"partition", std::to_string(where.second)}})
          .Set(static_cast<double>(std::max<int64_t>(0, high - offset - 1)));
    }
  }
  return out;
}

absl::Status KafkaConsumer::Rewind(const std::vector<KafkaMessage>& messages) {
  std::map<std::pair<std::string, int32_t>, int64_t> first;
  for (const KafkaMessage& m : messages) {
    auto [it, fresh] = first.try_emplace({m.topic, m.partition}, m.offset);
    if (!fresh) it->second = std::min(it->second, m.offset);
  }
  std::vector<RdKafka::TopicPartition*> assigned;
  consumer_->assignment(assigned);
  std::set<std::pair<std::string, int32_t>> mine;
  for (auto* p : assigned) mine.emplace(p->topic(), p->partition());
  RdKafka::TopicPartition::destroy(assigned);
  for (const auto& [tp, offset] : first) {
    if (!mine.contains({topic_prefix_ + tp.first, tp.second})) continue;
    std::unique_ptr<RdKafka::TopicPartition> part(
        RdKafka::TopicPartition::create(topic_prefix_ + tp.first, tp.second, offset));
    if (RdKafka::ErrorCode err = consumer_->seek(*part, 5000); err != RdKafka::ERR_NO_ERROR) {
      return KafkaError(absl::StrFormat("seek %s[%d] to %d", tp.first, tp.second, offset), err);
    }
  }
  return absl::OkStatus();
}

absl::Status KafkaConsumer::Commit(const std::vector<KafkaMessage>& messages) {
  // A replica reader keeps no offsets: it reads its topics from the beginning at every start.
  if (messages.empty() || !every_partition_topics_.empty()) return absl::OkStatus();
  std::map<std::pair<std::string, int32_t>, int64_t> next;
  for (const KafkaMessage& m : messages) {
    int64_t& o = next[{m.topic, m.partition}];
    o = std::max(o, m.offset + 1);
  }
  std::vector<RdKafka::TopicPartition*> parts;
  for (const auto& [tp, offset] : next) {
    parts.push_back(RdKafka::TopicPartition::create(topic_prefix_ + tp.first, tp.second, offset));
  }
  const RdKafka::ErrorCode err = consumer_->commitSync(parts);
  RdKafka::TopicPartition::destroy(parts);
  if (err != RdKafka::ERR_NO_ERROR) return KafkaError("commit", err);
  return absl::OkStatus();
}

void KafkaConsumer::Close() {
  if (closed_) return;
  closed_ = true;
  consumer_->close();
}

// ---------------------------------------------------------------------------------------------
// Admin

absl::Status EnsureTopics(const KafkaOptions& options, const std::vector<TopicSpec>& topics,
                          absl::Duration timeout) {
  if (topics.empty()) return absl::OkStatus();
  // The outcome is returned as a status; the admin client's own connection logs would only repeat it.
  auto conf = MakeConf(options, {{"log_level", "0"}});
  if (!conf.ok()) return conf.status();
  std::string err;
  std::unique_ptr<RdKafka::Producer> admin(RdKafka::Producer::create(conf->get(), err));
  if (admin == nullptr) return absl::InternalError("kafka admin client: " + err);
  rd_kafka_t* rk = admin->c_ptr();

  char errstr[512];
  std::vector<rd_kafka_NewTopic_t*> specs;
  for (const TopicSpec& t : topics) {
    const std::string name = options.topic_prefix + t.name;
    rd_kafka_NewTopic_t* nt =
        rd_kafka_NewTopic_new(name.c_str(), t.partitions, 1, errstr, sizeof errstr);
    if (nt == nullptr) {
      for (auto* s : specs) rd_kafka_NewTopic_destroy(s);
      return absl::InvalidArgumentError(absl::StrFormat("topic %s: %s", t.name, errstr));
    }
    if (t.compacted) rd_kafka_NewTopic_set_config(nt, "cleanup.policy", "compact");
    specs.push_back(nt);
  }
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
  rd_kafka_AdminOptions_t* opts = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_AdminOptions_set_request_timeout(opts, ToMillis(timeout), errstr, sizeof errstr);
  rd_kafka_AdminOptions_set_operation_timeout(opts, ToMillis(timeout), errstr, sizeof errstr);
  rd_kafka_CreateTopics(rk, specs.data(), specs.size(), opts, queue);

  absl::Status status;
  rd_kafka_event_t* ev = rd_kafka_queue_poll(queue, ToMillis(timeout) + 1000);
  if (ev == nullptr) {
    status = absl::UnavailableError(
        absl::StrFormat("kafka at %s did not answer topic creation", options.brokers));
  } else if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    status = absl::UnavailableError(absl::StrFormat("kafka unavailable at %s: topic creation failed: %s",
                                                    options.brokers, rd_kafka_event_error_string(ev)));
  } else {
    size_t n = 0;
    const rd_kafka_topic_result_t** results =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
    for (size_t i = 0; i < n && status.ok(); ++i) {
      const rd_kafka_resp_err_t e = rd_kafka_topic_result_error(results[i]);
      if (e != RD_KAFKA_RESP_ERR_NO_ERROR && e != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        status = absl::InternalError(absl::StrFormat("topic %s: %s",
                                                     rd_kafka_topic_result_name(results[i]),
                                                     rd_kafka_err2str(e)));
      }
    }
  }
  if (ev != nullptr) rd_kafka_event_destroy(ev);
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_queue_destroy(queue);
  for (auto* s : specs) rd_kafka_NewTopic_destroy(s);
  return status;
}

}  // namespace ys
