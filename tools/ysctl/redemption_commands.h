#pragma once

#include <ostream>

#include "CLI/CLI.hpp"

namespace ys::ysctl {

// redemptions summary --month YYYY-MM [--region CODE]: 惠企通 redemption figures of a month, per
// region of 上饶市 (county, functional zone, 市本级) and department.
void AddRedemptionCommands(CLI::App& app, std::ostream& out, std::ostream& err, int* exit_code);

}  // namespace ys::ysctl
