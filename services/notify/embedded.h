#pragma once

#include <string>
#include <utility>
#include <vector>

namespace ys::notify {

// services/notify/migrations/*.sql, compiled in.
const std::vector<std::pair<std::string, std::string>>& EmbeddedMigrations();

}  // namespace ys::notify
