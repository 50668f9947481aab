#pragma once

// A webhook sink for the benches that costs next to nothing: HTTP/1.1 with keep-alive on
// 127.0.0.1, a thread per connection, every request answered 200 {"ok":true}, and a count. It reads
// only what framing needs (the header block and Content-Length): it exists so a bench can tell the
// sender's rate from the sink's (tests/support/notify_sink.py is Python, one GIL).

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"

namespace ys::bench {

class LocalHttpSink {
 public:
  // Listens on a port the system chooses; UNAVAILABLE naming the call that failed.
  static absl::StatusOr<std::unique_ptr<LocalHttpSink>> Start();
  ~LocalHttpSink();  // closes the listener and every connection, joins the threads

  int port() const { return port_; }
  size_t requests() const { return requests_.load(); }
  void Reset() { requests_ = 0; }

 private:
  LocalHttpSink(int listener, int port) : listener_(listener), port_(port) {}
  void Accept();
  void Serve(int fd);

  const int listener_;
  const int port_;
  std::atomic<bool> stop_{false};
  std::atomic<size_t> requests_{0};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<std::thread> connections_;
};

}  // namespace ys::bench
