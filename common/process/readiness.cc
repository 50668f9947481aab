#include "common/process/readiness.h"

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
    const absl::Status s = d.check();
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
  deps_up_ = all_up;
  const bool serving = self_ready_ && deps_up_;
  ready_gauge_.Set(serving ? 1 : 0);
  report_(serving);
  return first;
}

void Readiness::Start(absl::Duration every) {
  task_ = std::make_unique<PeriodicTask>(every, [this] { Evaluate().IgnoreError(); });
  task_->Start();
}

void Readiness::Stop() {
  if (task_) task_->Stop();
}

}  // namespace ys
