#pragma once

#include <ostream>

#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "tools/ysctl/client.h"
#include "yingshang/indicator/v1/catalog.pb.h"

namespace ys::ysctl {

// Prints what an import found: counts, changes, warnings and problems, each problem as
// "problem: FILE:LINE: path: message"; sets *exit_code to 1 when there are problems.
void PrintImportResult(std::ostream& out, const std::string& file,
                       const ::yingshang::indicator::v1::ImportCatalogResponse& resp, int* exit_code);

// Sends FILE to the indicator service's ImportCatalog (only `sections` when any are named) and prints
// the result; a file that cannot be read is exit code 2. `client` is resolved here.
void ImportCatalogFile(ClientOptions* client, const std::string& file, bool dry_run,
                       const std::vector<std::string>& sections, std::ostream& out, std::ostream& err,
                       int* exit_code);

// catalog import FILE [--dry-run], catalog export [--include-retired], indicators list [--level],
// indicator show CODE: against the indicator service.
void AddCatalogCommands(CLI::App& app, std::ostream& out, std::ostream& err, int* exit_code);

}  // namespace ys::ysctl
