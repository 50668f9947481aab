#include "services/notify/dispatcher.h"

#include <string>

#include "common/log/log.h"
#include "common/status/macros.h"

namespace ys::notify {
namespace {

constexpr absl::Duration kSampleEvery = absl::Seconds(15);

}  // namespace

Dispatcher::Dispatcher(NotifyStore& store, const NotifySettings& settings, const RecipientBook& book,
                       const WorkingDayCalendar& calendar, Senders senders, const SecretSource& secrets,
                       SharedRateLimiter& limiter, const Clock& clock, NotifyMetrics& metrics)
    : store_(store), settings_(settings), clock_(clock), metrics_(metrics), flusher_(settings, book, calendar) {
  for (int i = 0; i < settings.dispatch.workers; ++i) {
    workers_.push_back(std::make_unique<DeliveryWorker>(store, settings, book, senders, secrets, limiter, clock,
                                                        &metrics));
  }
}

Dispatcher::~Dispatcher() { Stop(); }

absl::StatusOr<FlushResult> Dispatcher::FlushOnce() {
  FlushResult result;
  const absl::Time now = clock_.Now();
  RETURN_IF_ERROR(store_.Write([&](NotifyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(result, flusher_.FlushDue(tx, now));
    return absl::OkStatus();
  }));
  metrics_.Flushed(result.notifications, result.suppressed);
  return result;
}

absl::StatusOr<SendStats> Dispatcher::SendOnce(int i) { return workers_.at(i)->RunOnce(); }

absl::Status Dispatcher::SampleQueue() {
  QueueStats stats;
  RETURN_IF_ERROR(store_.Read([&](NotifyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(stats, tx.Queue());
    return absl::OkStatus();
  }));
  metrics_.Queue(stats, clock_.Now());
  return absl::OkStatus();
}

bool Dispatcher::Wait(absl::Duration d) {
  std::unique_lock lock(mu_);
  const uint64_t seen = wakes_;
  wake_.wait_for(lock, absl::ToChronoMilliseconds(d), [&] { return stop_ || wakes_ != seen; });
  return !stop_;
}

void Dispatcher::Wake() {
  {
    std::lock_guard lock(mu_);
    ++wakes_;
  }
  wake_.notify_all();
}

void Dispatcher::Loop(const std::function<bool()>& step) {
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
    }
    if (step()) continue;  // there was work: look again at once
    if (!Wait(settings_.dispatch.tick)) return;
  }
}

void Dispatcher::Start() {
  threads_.emplace_back([this] {
    Loop([this] {
      absl::StatusOr<FlushResult> r = FlushOnce();
      if (!r.ok()) {
        metrics_.LoopError("flush");
        log::Warn("notify flush failed", {{"error", std::string(r.status().message())}});
        return false;
      }
      if (r->notifications > 0) Wake();  // the workers have deliveries now
      return r->groups >= settings_.dispatch.group_batch;
    });
  });
  for (int i = 0; i < static_cast<int>(workers_.size()); ++i) {
    threads_.emplace_back([this, i] {
      Loop([this, i] {
        absl::StatusOr<SendStats> r = SendOnce(i);
        if (!r.ok()) {
          metrics_.LoopError("send");
          log::Warn("notify send failed", {{"error", std::string(r.status().message())}});
          return false;
        }
        return r->taken > 0 && r->waited < r->taken;
      });
    });
  }
  threads_.emplace_back([this] {
    while (true) {
      if (absl::Status s = SampleQueue(); !s.ok()) {
        metrics_.LoopError("sample");
        log::Warn("notify queue sample failed", {{"error", std::string(s.message())}});
      }
      if (!Wait(kSampleEvery)) return;
    }
  });
}

void Dispatcher::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

}  // namespace ys::notify
