#pragma once

// The environment a Config reads its YS_* overrides from, as a map: a test states every variable the
// code under test may see, and the process environment of the machine running it plays no part.

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "common/config/config.h"

namespace ys::testing {

inline EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

}  // namespace ys::testing
