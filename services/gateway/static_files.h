#pragma once

#include <map>
#include <string>

#include "absl/status/statusor.h"

namespace ys::gateway {

struct StaticFile {
  std::string content;
  std::string content_type;
  std::string cache_control;
};

// The built web app (web/dist), read once at start. Vite's hashed files under /assets/ are cached
// for a year (their name changes with their content); index.html is never cached, so a new build is
// picked up at the next navigation. A path that is no file and has no extension is a page of the
// app: index.html (the router draws it).
class StaticSite {
 public:
  // An empty site when `dir` has no index.html (the web app not built): pages say so.
  static absl::StatusOr<StaticSite> Load(const std::string& dir);
  const StaticFile* Find(const std::string& path) const;
  bool empty() const { return files_.empty(); }
  size_t size() const { return files_.size(); }

 private:
  std::map<std::string, StaticFile> files_;  // by URL path ("/assets/index-3f2a.js")
};

}  // namespace ys::gateway
