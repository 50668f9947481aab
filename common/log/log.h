#pragma once

#include <string>
#include "absl/strings/string_view.h"
#include <utility>
#include <vector>

namespace ys::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// One structured field of a log line: {"ce_id": "..."}. Values are written as JSON strings.
using Field = std::pair<absl::string_view, std::string>;

// Configures the process's logger: JSON lines on stderr, one object per line, e.g.
// {"ts":"2022-09-30T08:00:00.123Z","level":"info","service":"ranking","msg":"...","ce_id":"..."}.
void Init(std::string service, Level min_level = Level::kInfo);
bool ParseLevel(absl::string_view text, Level* out);

void Write(Level level, absl::string_view msg, std::initializer_list<Field> fields = {});
inline void Debug(absl::string_view msg, std::initializer_list<Field> f = {}) { Write(Level::kDebug, msg, f); }
inline void Info(absl::string_view msg, std::initializer_list<Field> f = {}) { Write(Level::kInfo, msg, f); }
inline void Warn(absl::string_view msg, std::initializer_list<Field> f = {}) { Write(Level::kWarn, msg, f); }
inline void Error(absl::string_view msg, std::initializer_list<Field> f = {}) { Write(Level::kError, msg, f); }

// Formats one line without writing it (used by Write, and by tests).
std::string FormatLine(absl::string_view ts, Level level, absl::string_view service,
                       absl::string_view msg, std::initializer_list<Field> fields);

}  // namespace ys::log
