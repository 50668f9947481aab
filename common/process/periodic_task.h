#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "absl/time/time.h"

namespace ys {

// Runs `run` on its own thread every `every` (first at Start) until Stop, which wakes a waiting
// task at once and waits for a running one to finish.
class PeriodicTask {
 public:
  PeriodicTask(absl::Duration every, std::function<void()> run) : every_(every), run_(std::move(run)) {}
  ~PeriodicTask() { Stop(); }

  void Start();
  void Stop();

 private:
  absl::Duration every_;
  std::function<void()> run_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace ys
