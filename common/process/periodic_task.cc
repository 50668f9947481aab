#include "common/process/periodic_task.h"

namespace ys {

void PeriodicTask::Start() {
  stop_ = false;
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stop_) {
      lock.unlock();
      run_();
      lock.lock();
      wake_.wait_for(lock, absl::ToChronoNanoseconds(every_), [this] { return stop_; });
    }
  });
}

void PeriodicTask::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace ys
