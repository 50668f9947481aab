#pragma once

#include <ostream>

#include "CLI/CLI.hpp"

namespace ys::ysctl {

// cases list [--unit U] [--state S] [--overdue]; cases overdue --as-of DATE; cases stats --quarter Q;
// case show ID; case report ID --text … [--final]; case verify ID --pass|--fail; case open …;
// case close ID; case reopen ID --reason …; case extend ID --to DATE --reason …; case refer ID
// --reason …; case withdrawal ID --keep|--close --comment ….
void AddCaseCommands(CLI::App& app, std::ostream& out, std::ostream& err, int* exit_code);

}  // namespace ys::ysctl
