#pragma once

#include <ostream>

#include "CLI/CLI.hpp"

namespace ys::ysctl {

// rankings scorecard --region CODE --period P; rankings alerts --period P;
// rankings show --indicator CODE --scope city|county --period P.
void AddRankingCommands(CLI::App& app, std::ostream& out, std::ostream& err, int* exit_code);

}  // namespace ys::ysctl
