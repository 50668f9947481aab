#pragma once

#include <string>
#include <utility>
#include <vector>

namespace ys::duty {

// services/duty/migrations/*.sql, compiled in.
const std::vector<std::pair<std::string, std::string>>& EmbeddedMigrations();

}  // namespace ys::duty
