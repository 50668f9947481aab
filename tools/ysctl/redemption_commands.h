#pragma once

#include <ostream>

#include "CLI/CLI.hpp"

namespace ys::ysctl {

// redemptions summary --month YYYY-MM [--county CODE]: 惠企通 redemption figures of a month.
void AddRedemptionCommands(CLI::App& app, std::ostream& out, std::ostream& err, int* exit_code);

}  // namespace ys::ysctl
