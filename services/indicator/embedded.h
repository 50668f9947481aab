#pragma once

#include <string>
#include <utility>
#include <vector>

namespace ys::indicator {

// services/indicator/migrations/*.sql, compiled in.
const std::vector<std::pair<std::string, std::string>>& EmbeddedMigrations();

}  // namespace ys::indicator
