#pragma once

#include <string>
#include <utility>
#include <vector>

namespace ys::gateway {

// services/gateway/migrations/*.sql, compiled in.
const std::vector<std::pair<std::string, std::string>>& EmbeddedMigrations();

}  // namespace ys::gateway
