#pragma once

#include <ostream>
#include <string>

#include "CLI/CLI.hpp"
#include "yingshang/ranking/v1/query.pb.h"

namespace ys::ysctl {

// `ysctl goals --year 2022 [--period P] [--evaluation official]`: work plan §一's goals and where each
// stands (RankingQuery.GetGoals), any role.
void AddGoalsCommand(CLI::App& app, std::ostream& out, std::ostream& err, int* exit_code);

// What `ysctl goals` prints: the period read, then per goal the plan's words, the reading (the
// office's thresholds marked 本办设定), the status with count/required, and the items that miss.
std::string FormatGoals(const ::yingshang::ranking::v1::Goals& goals);

}  // namespace ys::ysctl
