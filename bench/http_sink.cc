#include "bench/http_sink.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace ys::bench {
namespace {

constexpr std::string_view kAnswer =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"ok\":true}";

// The Content-Length of a header block (0 when absent: a GET), -1 when it is not a number.
long ContentLength(std::string_view head) {
  for (absl::string_view line : absl::StrSplit(absl::string_view(head.data(), head.size()), "\r\n")) {
    const size_t colon = line.find(':');
    if (colon == absl::string_view::npos) continue;
    if (!absl::EqualsIgnoreCase(line.substr(0, colon), "content-length")) continue;
    long n = 0;
    return absl::SimpleAtoi(absl::StripAsciiWhitespace(line.substr(colon + 1)), &n) && n >= 0 ? n : -1;
  }
  return 0;
}

// Waits up to 100 ms for `fd` to be readable, so a stopping sink is noticed.
bool Readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, 100) > 0;
}

}  // namespace

absl::StatusOr<std::unique_ptr<LocalHttpSink>> LocalHttpSink::Start() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::UnavailableError(absl::StrCat("sink: socket: ", std::strerror(errno)));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0 || listen(fd, 64) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    const std::string why = std::strerror(errno);
    close(fd);
    return absl::UnavailableError(absl::StrCat("sink: bind/listen: ", why));
  }
  auto sink = std::unique_ptr<LocalHttpSink>(new LocalHttpSink(fd, ntohs(address.sin_port)));
  sink->acceptor_ = std::thread([s = sink.get()] { s->Accept(); });
  return sink;
}

LocalHttpSink::~LocalHttpSink() {
  stop_ = true;
  acceptor_.join();
  close(listener_);
  std::lock_guard lock(mu_);
  for (std::thread& t : connections_) t.join();
}

void LocalHttpSink::Accept() {
  while (!stop_) {
    if (!Readable(listener_)) continue;
    const int fd = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::lock_guard lock(mu_);
    connections_.emplace_back([this, fd] { Serve(fd); });
  }
}

void LocalHttpSink::Serve(int fd) {
  std::string buffer;
  char chunk[16384];
  while (!stop_) {
    // Answer every complete request in the buffer, then read more.
    const size_t end = buffer.find("\r\n\r\n");
    if (end != std::string::npos) {
      const long body = ContentLength(std::string_view(buffer).substr(0, end));
      if (body < 0) break;
      const size_t whole = end + 4 + static_cast<size_t>(body);
      if (buffer.size() >= whole) {
        if (send(fd, kAnswer.data(), kAnswer.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(kAnswer.size())) break;
        ++requests_;
        buffer.erase(0, whole);
        continue;
      }
    }
    if (!Readable(fd)) continue;
    const ssize_t n = recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) break;  // the client closed it
    buffer.append(chunk, static_cast<size_t>(n));
  }
  close(fd);
}

}  // namespace ys::bench
