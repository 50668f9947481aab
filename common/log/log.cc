#include "common/log/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace ys::log {
namespace {

struct LoggerState {
  std::mutex mu;
  std::string service = "ys";
  std::atomic<int> min_level{static_cast<int>(Level::kInfo)};
};

LoggerState& State() {
  static LoggerState* const state = new LoggerState;
  return *state;
}

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
  }
  return "info";
}

}  // namespace

void Init(std::string service, Level min_level) {
  LoggerState& s = State();
  std::lock_guard lock(s.mu);
  s.service = std::move(service);
  s.min_level = static_cast<int>(min_level);
}

bool ParseLevel(absl::string_view text, Level* out) {
  for (Level l : {Level::kDebug, Level::kInfo, Level::kWarn, Level::kError}) {
    if (text == LevelName(l)) {
      *out = l;
      return true;
    }
  }
  return false;
}

std::string FormatLine(absl::string_view ts, Level level, absl::string_view service,
                       absl::string_view msg, std::initializer_list<Field> fields) {
  nlohmann::ordered_json line;
  line["ts"] = std::string(ts);
  line["level"] = LevelName(level);
  line["service"] = std::string(service);
  line["msg"] = std::string(msg);
  for (const auto& [k, v] : fields) line[std::string(k)] = v;
  // Replace rather than throw on invalid UTF-8: a log line must never take the process down.
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void Write(Level level, absl::string_view msg, std::initializer_list<Field> fields) {
  LoggerState& s = State();
  if (static_cast<int>(level) < s.min_level.load(std::memory_order_relaxed)) return;
  const std::string ts =
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
  std::lock_guard lock(s.mu);
  const std::string line = FormatLine(ts, level, s.service, msg, fields);
  std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
}

}  // namespace ys::log
