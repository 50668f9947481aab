#pragma once

#include <ostream>

#include "CLI/CLI.hpp"

namespace ys::ysctl {

// `ysctl health --address HOST:PORT [--service NAME]`: prints the grpc.health.v1 status; exit 0
// only when SERVING.
void AddHealthCommand(CLI::App& app, std::ostream& out, std::ostream& err, int* exit_code);

}  // namespace ys::ysctl
