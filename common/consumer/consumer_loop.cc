#include "common/consumer/consumer_loop.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/status/macros.h"

namespace ys {
namespace {

// Applies `records` through the sink; on a data failure, each half on its own, down to the one
// record to blame. Halves run in order, so a partition's records are applied in its order.
absl::Status ApplySplitting(RecordSink& sink, std::span<const KafkaMessage> records, InboxBatch* total,
                            BatchFailureCounter* failures) {
  auto applied = sink.Apply(records);
  if (applied.ok()) {
    total->Add(*applied);
    return absl::OkStatus();
  }
  const FailureKind kind = ClassifyFailure(applied.status());
  if (failures != nullptr) failures->Count(kind);
  if (kind == FailureKind::kDependency) return applied.status();
  if (records.size() == 1) {
    const KafkaMessage& m = records.front();
    log::Warn("record fails every batch holding it: dead-lettered",
              {{"consumer", sink.name()},
               {"record", absl::StrCat(m.topic, ":", m.partition, ":", m.offset)},
               {"error", std::string(applied.status().message().substr(0, 512))}});
    ASSIGN_OR_RETURN(InboxBatch one, sink.DeadLetter(m, applied.status()));
    total->Add(one);
    return absl::OkStatus();
  }
  const size_t half = records.size() / 2;
  RETURN_IF_ERROR(ApplySplitting(sink, records.first(half), total, failures));
  return ApplySplitting(sink, records.subspan(half), total, failures);
}

}  // namespace

void InboxBatch::Add(const InboxBatch& other) {
  applied += other.applied;
  duplicates += other.duplicates;
  rejected += other.rejected;
  rejections.insert(rejections.end(), other.rejections.begin(), other.rejections.end());
}

FailureKind ClassifyFailure(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kDataLoss:
      return FailureKind::kData;
    default:
      return FailureKind::kDependency;
  }
}

const char* FailureKindName(FailureKind kind) {
  return kind == FailureKind::kData ? "data" : "dependency";
}

BatchFailureCounter::BatchFailureCounter(Metrics& metrics, const std::string& consumer)
    : BatchFailureCounter(prometheus::BuildCounter()
                              .Name("ys_consumer_batch_failures_total")
                              .Help("Consumer batches that failed: kind=data (split until the record to "
                                    "blame is dead-lettered) or kind=dependency (retried whole with backoff).")
                              .Register(metrics.registry()),
                          consumer) {}

BatchFailureCounter::BatchFailureCounter(prometheus::Family<prometheus::Counter>& family,
                                         const std::string& consumer)
    : data_(family.Add({{"consumer", consumer}, {"kind", "data"}})),
      dependency_(family.Add({{"consumer", consumer}, {"kind", "dependency"}})) {}

void BatchFailureCounter::Count(FailureKind kind) {
  (kind == FailureKind::kData ? data_ : dependency_).Increment();
}

absl::StatusOr<InboxBatch> ConsumeRound(EventSource& source, RecordSink& sink, size_t max,
                                        absl::Duration poll_timeout, BatchFailureCounter* failures,
                                        std::vector<KafkaMessage>* unrewound) {
  auto polled = source.Poll(max, poll_timeout);
  if (!polled.ok()) {
    if (failures != nullptr) failures->Count(FailureKind::kDependency);
    return polled.status();
  }
  InboxBatch total;
  total.polled = polled->size();
  if (polled->empty()) return total;
  if (absl::Status s = ApplySplitting(sink, *polled, &total, failures); !s.ok()) {
    // Whatever part of the batch committed is in the inbox and is skipped when read again. Without
    // the rewind the next poll would go on from after the batch and its commit would skip the
    // records that were not applied.
    if (auto r = source.Rewind(*polled); !r.ok()) {
      log::Warn("rewind after a failed batch failed", {{"consumer", sink.name()}, {"error", std::string(r.message())}});
      if (unrewound != nullptr) *unrewound = std::move(*polled);
    }
    return s;
  }
  if (auto c = source.Commit(*polled); !c.ok()) {
    // The transactions are durable; a redelivery after a failed commit is a duplicate in the inbox.
    log::Warn("offset commit failed", {{"consumer", sink.name()}, {"error", std::string(c.message())}});
  }
  return total;
}

ConsumerLoop::ConsumerLoop(EventSource& source, RecordSink& sink, Metrics& metrics, const Clock& clock,
                           ConsumerLoopOptions options)
    : source_(source),
      sink_(sink),
      clock_(clock),
      options_(std::move(options)),
      failures_(metrics, sink.name()),
      last_progress_(prometheus::BuildGauge()
                         .Name("ys_consumer_last_progress_timestamp_seconds")
                         .Help("When the consumer last committed a batch or found nothing to read (Unix "
                               "time); an old value while records wait means it is stuck.")
                         .Register(metrics.registry())
                         .Add({{"consumer", sink.name()}})),
      random_(options_.seed),
      next_purge_(clock.Now() + options_.first_purge_after),
      next_periodic_(options_.periodic.size(), clock.Now()) {
  last_progress_.Set(absl::ToDoubleSeconds(clock.Now() - absl::UnixEpoch()));
}

ConsumerLoop::~ConsumerLoop() { Stop(); }

absl::Duration ConsumerLoop::Backoff() {
  absl::Duration base = options_.first_backoff;
  for (int i = 1; i < failures_in_a_row_ && base < options_.max_backoff; ++i) base *= 2;
  base = std::min(base, options_.max_backoff);
  std::uniform_real_distribution<double> share(0.5, 1.0);
  return base * share(random_);
}

absl::Duration ConsumerLoop::Failed(const absl::Status& status) {
  last_error_ = status;
  ++failures_in_a_row_;
  const absl::Duration wait = Backoff();
  log::Warn("consumer batch failed; retrying",
            {{"consumer", sink_.name()},
             {"error", std::string(status.message().substr(0, 512))},
             {"attempt", std::to_string(failures_in_a_row_)},
             {"retry_in", absl::FormatDuration(wait)}});
  return wait;
}

absl::Duration ConsumerLoop::Step() {
  const absl::Time now = clock_.Now();
  if (now >= next_purge_) {
    next_purge_ = now + options_.purge_every;
    if (auto purged = sink_.PurgeOlderThan(options_.inbox_keep); !purged.ok()) {
      log::Warn("inbox purge failed", {{"consumer", sink_.name()}, {"error", std::string(purged.status().message())}});
    }
  }
  for (size_t i = 0; i < options_.periodic.size(); ++i) {
    if (now < next_periodic_[i]) continue;
    next_periodic_[i] = now + options_.periodic[i].every;
    options_.periodic[i].run();
  }
  if (options_.ready && !options_.ready()) return absl::Milliseconds(50);
  if (!unrewound_.empty()) {
    if (absl::Status r = source_.Rewind(unrewound_); !r.ok()) return Failed(r);
    unrewound_.clear();
  }

  auto round = ConsumeRound(source_, sink_, options_.batch_size, options_.poll_timeout, &failures_, &unrewound_);
  if (!round.ok()) return Failed(round.status());
  last_error_ = absl::OkStatus();
  failures_in_a_row_ = 0;
  last_progress_.Set(absl::ToDoubleSeconds(clock_.Now() - absl::UnixEpoch()));
  if (options_.after_round) options_.after_round(*round);
  return absl::ZeroDuration();
}

void ConsumerLoop::Start() {
  stop_ = false;
  thread_ = std::thread([this] {
    while (!stop_.load()) {
      const absl::Duration wait = Step();
      if (wait <= absl::ZeroDuration()) continue;
      std::unique_lock lock(mu_);
      wake_.wait_for(lock, absl::ToChronoNanoseconds(wait), [this] { return stop_.load(); });
    }
  });
}

void ConsumerLoop::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace ys
