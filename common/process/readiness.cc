#include "common/process/readiness.h"

#include <algorithm>

#include "common/log/log.h"

namespace ys {
namespace {

prometheus::Family<prometheus::Gauge>& DependencyUp(Metrics& metrics) {
  return prometheus::BuildGauge()
      .Name("ys_dependency_up")
      .Help("Whether the readiness check of a dependency passed last time (1) or failed (0).")
      .Register(metrics.registry());
}

}  // namespace

Readiness::Readiness(Metrics& metrics, Report report)
    : metrics_(metrics),
      report_(std::move(report)),
      ready_gauge_(prometheus::BuildGauge()
                       .Name("ys_ready")
                       .Help("Whether the service answers SERVING: it is ready and its dependencies answer.")
                       .Register(metrics.registry())
                       .Add({})) {}

Readiness::~Readiness() { Stop(); }

void Readiness::AddCheck(std::string dependency, Check check) {
  prometheus::Gauge* up = &DependencyUp(metrics_).Add({{"dependency", dependency}});
  up->Set(1);
  dependencies_.push_back({std::move(dependency), std::move(check), up});
}

void Readiness::SetReady(bool ready) {
  std::lock_guard lock(mu_);
  self_ready_ = ready;
  const bool serving = self_ready_ && deps_up_;
  ready_gauge_.Set(serving ? 1 : 0);
  report_(serving);
}

absl::Status Readiness::Evaluate() {
  absl::Status first;
  bool all_up = true;
  // The checks run without the lock: a slow one must not hold SetReady.
  for (Dependency& d : dependencies_) {
    {
      std::lock_guard lock(mu_);
      running_ = &d;
      running_since_ = absl::Now();
    }
    const absl::Status s = d.check();
    {
      std::lock_guard lock(mu_);
      running_ = nullptr;
    }
    d.up->Set(s.ok() ? 1 : 0);
    if (!s.ok()) {
      all_up = false;
      if (first.ok()) first = s;
      if (d.was_up) log::Warn("dependency down: not serving", {{"dependency", d.name}, {"error", std::string(s.message())}});
    } else if (!d.was_up) {
      log::Info("dependency back", {{"dependency", d.name}});
    }
    d.was_up = s.ok();
  }
  std::lock_guard lock(mu_);
  if (hung_ && all_up) log::Info("dependency checks answer again");
  hung_ = false;
  deps_up_ = all_up;
  const bool serving = self_ready_ && deps_up_;
  ready_gauge_.Set(serving ? 1 : 0);
  report_(serving);
  return first;
}

void Readiness::Watch(absl::Time now) {
  std::lock_guard lock(mu_);
  if (running_ == nullptr || hung_ || now - running_since_ < check_timeout_) return;
  hung_ = true;
  deps_up_ = false;
  running_->up->Set(0);
  log::Warn("dependency check does not answer: not serving",
            {{"dependency", running_->name}, {"after", absl::FormatDuration(now - running_since_)}});
  ready_gauge_.Set(0);
  report_(false);
}

void Readiness::Start(absl::Duration every, absl::Duration check_timeout) {
  check_timeout_ = check_timeout;
  task_ = std::make_unique<PeriodicTask>(every, [this] { Evaluate().IgnoreError(); });
  task_->Start();
  watchdog_ = std::make_unique<PeriodicTask>(std::min(every, absl::Seconds(1)),
                                             [this] { Watch(absl::Now()); });
  watchdog_->Start();
}

void Readiness::Stop() {
  if (watchdog_) watchdog_->Stop();
  if (task_) task_->Stop();
}

}  // namespace ys
