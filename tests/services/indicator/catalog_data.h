#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace ys::indicator::testing {

// A file of the repository, by its path from the top: "data/programme/tasks.sample.yaml".
inline std::string ReadRepoFile(const std::string& path) {
  std::ifstream in(std::string(YS_SOURCE_DIR) + "/" + path);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// A file of data/catalog/ (the seed copies the demo loads).
inline std::string ReadCatalogData(const std::string& name) { return ReadRepoFile("data/catalog/" + name); }

// The sample of the 30 tasks (data/programme/tasks.sample.yaml).
inline std::string ReadSampleTasks() { return ReadRepoFile("data/programme/tasks.sample.yaml"); }

}  // namespace ys::indicator::testing
