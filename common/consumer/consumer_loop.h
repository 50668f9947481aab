#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/consumer/event_source.h"
#include "common/consumer/record_sink.h"
#include "common/metrics/metrics.h"
#include "common/time/clock.h"

namespace ys {

// Counts failed batches per consumer and kind: ys_consumer_batch_failures_total{consumer,kind}.
class BatchFailureCounter {
 public:
  BatchFailureCounter(Metrics& metrics, const std::string& consumer);
  void Count(FailureKind kind);

 private:
  BatchFailureCounter(prometheus::Family<prometheus::Counter>& family, const std::string& consumer);
  prometheus::Counter& data_;
  prometheus::Counter& dependency_;
};

// One round: poll up to `max` records, apply them through `sink`, commit their offsets.
// A batch that fails on data is split in halves until the offending record is alone; that record
// is dead-lettered and every other one applied, in order. A batch that fails on a dependency is
// rewound (read again next round) and the error returned: nothing is dead-lettered. When even the
// rewind fails, the batch is left in *unrewound (if given) for the caller to rewind before it polls
// again: polling on would read past records never applied, and the next commit would skip them.
absl::StatusOr<InboxBatch> ConsumeRound(EventSource& source, RecordSink& sink, size_t max,
                                        absl::Duration poll_timeout, BatchFailureCounter* failures,
                                        std::vector<KafkaMessage>* unrewound = nullptr);

struct ConsumerLoopOptions {
  size_t batch_size = 500;
  absl::Duration poll_timeout = absl::Milliseconds(200);
  // Backoff after a failed round: doubles from `first_backoff` up to `max_backoff`, each wait a
  // random time between half and all of it (so replicas that failed together do not retry together).
  absl::Duration first_backoff = absl::Milliseconds(200);
  absl::Duration max_backoff = absl::Seconds(30);
  // Processed event ids are forgotten after `inbox_keep` (twice the topics' 7-day retention: no
  // redelivery can be older), checked every `purge_every`, first `first_purge_after` after start.
  absl::Duration inbox_keep = absl::Hours(24 * 14);
  absl::Duration purge_every = absl::Hours(1);
  absl::Duration first_purge_after = absl::Minutes(5);
  // While it returns false the loop does not poll (ranking's facts wait for the catalog replica).
  std::function<bool()> ready;
  // Called after each successful round, idle ones included (readiness checks, replica reloads).
  std::function<void(const InboxBatch&)> after_round;
  // Periodic work beside the consumer on the same thread (gauges): every `every`, first at start.
  struct Periodic {
    absl::Duration every;
    std::function<void()> run;
  };
  std::vector<Periodic> periodic;
  uint64_t seed = std::random_device{}();
};

// The consumer loop of every service: rounds of ConsumeRound, backoff with jitter after a failure,
// the inbox purge and other periodic work, and a clean stop. Step() is one turn of the loop and
// says how long to wait before the next, so tests drive it with a fake clock and no thread.
// Metrics: ys_consumer_batch_failures_total{consumer,kind}, and
// ys_consumer_last_progress_timestamp_seconds{consumer}: the last round that committed a batch or
// found nothing to read (the ConsumerStalled alert fires when it is 5 minutes old).
class ConsumerLoop {
 public:
  ConsumerLoop(EventSource& source, RecordSink& sink, Metrics& metrics, const Clock& clock,
               ConsumerLoopOptions options);
  ~ConsumerLoop();

  // One turn: the due periodic work, then one round. Returns the wait before the next turn:
  // zero after records were read, the poll itself being the wait when idle, a backoff after a failure.
  absl::Duration Step();
  // The last round's outcome (for tests and logs).
  const absl::Status& last_error() const { return last_error_; }
  int consecutive_failures() const { return failures_in_a_row_; }

  void Start();
  // Finishes the round in progress, then returns (its offsets commit after its transaction).
  void Stop();

 private:
  absl::Duration Backoff();
  absl::Duration Failed(const absl::Status& status);

  EventSource& source_;
  RecordSink& sink_;
  const Clock& clock_;
  ConsumerLoopOptions options_;
  BatchFailureCounter failures_;
  prometheus::Gauge& last_progress_;
  std::mt19937_64 random_;
  absl::Status last_error_;
  int failures_in_a_row_ = 0;
  absl::Time next_purge_;
  std::vector<KafkaMessage> unrewound_;  // a failed batch whose rewind failed: rewound before polling
  std::vector<absl::Time> next_periodic_;

  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::condition_variable wake_;
  std::thread thread_;
};

}  // namespace ys
