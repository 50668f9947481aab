#pragma once

#include <ostream>

#include "CLI/CLI.hpp"

namespace ys::ysctl {

// catalog import FILE [--dry-run], catalog export [--include-retired], indicators list [--level],
// indicator show CODE: against the indicator service.
void AddCatalogCommands(CLI::App& app, std::ostream& out, std::ostream& err, int* exit_code);

}  // namespace ys::ysctl
