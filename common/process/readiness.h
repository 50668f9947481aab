#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/metrics/metrics.h"
#include "common/process/periodic_task.h"

namespace ys {

// Readiness apart from liveness (issue #17). The health service answers SERVING only while the
// service has said it is ready (its own condition: ranking's catalog replica caught up) and every
// dependency check passes (PostgreSQL answers). The checks run every `every`; a failure turns the
// service NOT_SERVING at once, the first passing round turns it SERVING again, by itself. The process
// stays alive meanwhile (liveness): its consumers back off and retry, nothing is lost.
// Metrics: ys_dependency_up{dependency} (1/0, per check) and ys_ready (what health answers).
class Readiness {
 public:
  using Check = std::function<absl::Status()>;
  using Report = std::function<void(bool serving)>;

  Readiness(Metrics& metrics, Report report);
  ~Readiness();

  // Before Start.
  void AddCheck(std::string dependency, Check check);
  // The service's own condition (false until it says so).
  void SetReady(bool ready);

  // One round of checks; reports the outcome. Returns the first failing check's status.
  absl::Status Evaluate();
  // A check still running `check_timeout` after it started counts as failed (Watch, on a thread of
  // its own, every second at most): a pooled connection whose server stopped answering, with no reset
  // and no refusal, blocks its check until the connection dies, minutes later or never (the fault
  // test's PostgreSQL blackhole left ys-rectification SERVING for all of its 20 s).
  void Start(absl::Duration every = absl::Seconds(2), absl::Duration check_timeout = absl::Seconds(5));
  // NOT_SERVING when the check in progress started before now - check_timeout (tests call it).
  void Watch(absl::Time now);
  void Stop();

 private:
  struct Dependency {
    std::string name;
    Check check;
    prometheus::Gauge* up;
    bool was_up = true;
  };

  Metrics& metrics_;
  Report report_;
  prometheus::Gauge& ready_gauge_;
  std::mutex mu_;  // Evaluate from the task and SetReady from a consumer thread
  bool self_ready_ = false;
  bool deps_up_ = true;
  std::vector<Dependency> dependencies_;
  absl::Duration check_timeout_ = absl::Seconds(5);
  Dependency* running_ = nullptr;  // the check in progress, since running_since_
  absl::Time running_since_;
  bool hung_ = false;              // Watch found it overdue; the round's end clears it
  std::unique_ptr<PeriodicTask> task_;
  std::unique_ptr<PeriodicTask> watchdog_;
};

}  // namespace ys
