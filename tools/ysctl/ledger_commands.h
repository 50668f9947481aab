#pragma once

#include <ostream>

#include "CLI/CLI.hpp"

namespace ys::ysctl {

// 考核奖惩 (work plan §四(七)): ledger show --year Y [--subject S] [--withdrawn];
// ledger finalise --year Y --reason TEXT [--dry-run] (office).
void AddLedgerCommands(CLI::App& app, std::ostream& out, std::ostream& err, int* exit_code);

}  // namespace ys::ysctl
