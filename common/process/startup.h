#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ys {

// Startup fails fast with one line naming what is wrong (a config key, a server that does not
// answer), never a stack trace: `ranking: config key 'kafka.brokers' is required: ...`.
[[noreturn]] inline void ExitOnStartupError(absl::string_view program, const absl::Status& s) {
  std::fprintf(stderr, "%.*s: %.*s\n", static_cast<int>(program.size()), program.data(),
               static_cast<int>(s.message().size()), s.message().data());
  std::exit(s.code() == absl::StatusCode::kInvalidArgument ? 2 : 1);
}

inline void CheckOrExit(absl::string_view program, const absl::Status& s) {
  if (!s.ok()) ExitOnStartupError(program, s);
}

template <typename T>
T ValueOrExit(absl::string_view program, absl::StatusOr<T> v) {
  if (!v.ok()) ExitOnStartupError(program, v.status());
  return std::move(v).value();
}

}  // namespace ys
