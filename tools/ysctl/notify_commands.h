#pragma once

#include <ostream>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace ys::ysctl {

// Notifications (the notify service, 127.0.0.1:7105 or $YS_NOTIFY_ADDRESS):
// notify history [--notification ID] [--recipient ID] [--event CE_ID] [--state S];
// notify notifications [--recipient ID] [--type T] [--event CE_ID];
// notify inbox [--recipient ID] [--unread]; notify read (--all | ID...) [--recipient ID];
// notify silence add --matcher M... (--ends-in 2h | --until TIME) --comment TEXT;
// notify silence list [--all]; notify silence expire ID;
// notify test key=value...; notify recipients import FILE [--dry-run];
// notify recipients show [--kind K] [--retired].
void AddNotifyCommands(CLI::App& app, std::ostream& out, std::ostream& err, int* exit_code);

namespace notify_cli {

inline constexpr char kService[] = "notify";
inline constexpr char kDefaultAddress[] = "127.0.0.1:7105";

// --ends-in: absl's durations ("2h", "90m", "1h30m") and whole days ("7d").
absl::StatusOr<absl::Duration> ParseEndsIn(const std::string& text);
// --until: RFC 3339 ("2022-10-17T18:00:00+08:00") or "2022-10-17 18:00" in Asia/Shanghai.
absl::StatusOr<absl::Time> ParseUntil(const std::string& text);

}  // namespace notify_cli

}  // namespace ys::ysctl
