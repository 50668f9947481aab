#pragma once

#include <ostream>
#include <string>

#include "CLI/CLI.hpp"
#include "common/time/calendar.h"

namespace ys::ysctl {

// `ysctl calendar is-working-day DATE` and `ysctl calendar first-working-day --week-of DATE`.
// Output goes to `out`; errors to `err` with exit code 1 (2 for a usage error).
void AddCalendarCommands(CLI::App& app, std::ostream& out, std::ostream& err, int* exit_code);

}  // namespace ys::ysctl
