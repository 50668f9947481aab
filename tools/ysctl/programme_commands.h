#pragma once

#include <ostream>

#include "CLI/CLI.hpp"

namespace ys::ysctl {

// programme report --item A1 --month 2022-09 --unit U --status in_progress --percent 60 --text T
// programme progress --month 2022-09 [--item A1] [--unit U]
// programme import FILE [--dry-run]: the 五大环境 and their 30 tasks (data/programme/README.md)
// programme list [--kind task|environment|action|reform|all] [--environment E1] [--include-retired]
void AddProgrammeCommands(CLI::App& app, std::ostream& out, std::ostream& err, int* exit_code);

}  // namespace ys::ysctl
