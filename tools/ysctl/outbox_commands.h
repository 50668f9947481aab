#pragma once

#include <ostream>

#include "CLI/CLI.hpp"

namespace ys::ysctl {

// Every service's outbox rows Kafka refused for good (yingshang.admin.v1.OutboxAdmin):
//   outbox parked  --service NAME | --address HOST:PORT
//   outbox requeue ID... | --all  --service NAME | --address HOST:PORT
void AddOutboxCommands(CLI::App& app, std::ostream& out, std::ostream& err, int* exit_code);

}  // namespace ys::ysctl
