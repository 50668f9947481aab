#pragma once

#include <string>
#include <utility>
#include <vector>

namespace ys::rectification {

// services/rectification/migrations/*.sql, compiled in.
const std::vector<std::pair<std::string, std::string>>& EmbeddedMigrations();

}  // namespace ys::rectification
