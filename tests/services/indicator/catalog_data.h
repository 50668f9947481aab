#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace ys::indicator::testing {

// A file of data/catalog/ (the seed copies the demo loads).
inline std::string ReadCatalogData(const std::string& name) {
  std::ifstream in(std::string(YS_SOURCE_DIR) + "/data/catalog/" + name);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

}  // namespace ys::indicator::testing
