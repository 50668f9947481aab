#include "services/gateway/static_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace ys::gateway {
namespace {

std::string ContentTypeOf(const std::string& path) {
  static const std::map<std::string, std::string> kTypes = {
      {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
      {".json", "application/json"}, {".svg", "image/svg+xml"}, {".png", "image/png"},
      {".jpg", "image/jpeg"}, {".ico", "image/x-icon"}, {".woff2", "font/woff2"},
      {".woff", "font/woff"}, {".ttf", "font/ttf"}, {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"}};
  auto it = kTypes.find(std::filesystem::path(path).extension().string());
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

}  // namespace

absl::StatusOr<StaticSite> StaticSite::Load(const std::string& dir) {
  StaticSite site;
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(fs::path(dir) / "index.html", ec)) return site;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    if (!in && !in.eof()) return absl::InternalError(absl::StrCat("cannot read ", it->path().string()));
    const std::string url = "/" + fs::relative(it->path(), dir).generic_string();
    StaticFile file{content.str(), ContentTypeOf(url), "no-cache"};
    if (absl::StartsWith(url, "/assets/")) file.cache_control = "public, max-age=31536000, immutable";
    site.files_[url] = std::move(file);
  }
  if (ec) return absl::InternalError(absl::StrCat("config key 'gateway.http.static_dir': ", ec.message()));
  return site;
}

const StaticFile* StaticSite::Find(const std::string& path) const {
  auto it = files_.find(path == "/" ? "/index.html" : path);
  if (it != files_.end()) return &it->second;
  // A page of the app (/cases/C-1, /hall): no extension in its last part.
  const std::string last = path.substr(path.rfind('/') + 1);
  if (last.find('.') == std::string::npos) {
    auto index = files_.find("/index.html");
    if (index != files_.end()) return &index->second;
  }
  return nullptr;
}

}  // namespace ys::gateway
