#include "common/config/config.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace ys {

EnvLookup ProcessEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

absl::StatusOr<Config> Config::LoadFile(const std::string& path, EnvLookup env) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    return absl::NotFoundError(absl::StrFormat("config file '%s' cannot be read", path));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(
        absl::StrFormat("config file '%s' is not valid YAML: %s", path, e.what()));
  }
  return Config(std::move(root), std::move(env), path);
}

absl::StatusOr<Config> Config::FromString(absl::string_view yaml, EnvLookup env,
                                          std::string source) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(
        absl::StrFormat("config %s is not valid YAML: %s", source, e.what()));
  }
  return Config(std::move(root), std::move(env), std::move(source));
}

std::string Config::EnvName(absl::string_view key) {
  std::string name = "YS_";
  for (char c : key) name.push_back(c == '.' || c == '-' ? '_' : absl::ascii_toupper(c));
  return name;
}

YAML::Node Config::Find(absl::string_view key) const {
  // yaml-cpp's operator[] on a const node never inserts; Clone keeps root_ untouched.
  YAML::Node node = YAML::Clone(root_);
  for (absl::string_view part : absl::StrSplit(key, '.')) {
    if (!node.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
    YAML::Node child = node[std::string(part)];
    if (!child.IsDefined()) return YAML::Node(YAML::NodeType::Undefined);
    node = child;
  }
  return node;
}

bool Config::Has(absl::string_view key) const {
  if (env_ && env_(EnvName(key)).has_value()) return true;
  YAML::Node n = Find(key);
  return n.IsDefined() && !n.IsNull();
}

absl::Status Config::Missing(absl::string_view key) const {
  return absl::InvalidArgumentError(absl::StrFormat(
      "config key '%s' is required: set it in %s or in the environment as %s", key, source_,
      EnvName(key)));
}

absl::Status Config::Bad(absl::string_view key, absl::string_view value,
                         absl::string_view want) const {
  return absl::InvalidArgumentError(
      absl::StrFormat("config key '%s' must be %s, got '%s'", key, want, value));
}

absl::StatusOr<std::optional<std::string>> Config::Scalar(absl::string_view key) const {
  if (env_) {
    if (auto v = env_(EnvName(key)); v.has_value()) return v;
  }
  YAML::Node n = Find(key);
  if (!n.IsDefined() || n.IsNull()) return std::optional<std::string>();
  if (!n.IsScalar()) return Bad(key, "a list or mapping", "a single value");
  return std::optional<std::string>(n.Scalar());
}

absl::StatusOr<std::string> Config::GetString(absl::string_view key) const {
  auto v = Scalar(key);
  if (!v.ok()) return v.status();
  if (!v->has_value() || (*v)->empty()) return Missing(key);
  return **v;
}

std::string Config::GetString(absl::string_view key, absl::string_view fallback) const {
  auto v = Scalar(key);
  if (!v.ok() || !v->has_value()) return std::string(fallback);
  return **v;
}

absl::StatusOr<int64_t> Config::GetInt(absl::string_view key) const {
  auto v = Scalar(key);
  if (!v.ok()) return v.status();
  if (!v->has_value()) return Missing(key);
  int64_t out = 0;
  if (!absl::SimpleAtoi(**v, &out)) return Bad(key, **v, "an integer");
  return out;
}

absl::StatusOr<int64_t> Config::GetInt(absl::string_view key, int64_t fallback) const {
  if (!Has(key)) return fallback;
  return GetInt(key);
}

absl::StatusOr<int64_t> Config::GetIntIn(absl::string_view key, int64_t fallback, int64_t min,
                                          int64_t max) const {
  auto v = GetInt(key, fallback);
  if (!v.ok()) return v.status();
  if (*v < min || *v > max) {
    return absl::InvalidArgumentError(
        absl::StrFormat("config key '%s' must be between %d and %d, got %d", key, min, max, *v));
  }
  return *v;
}

absl::StatusOr<bool> Config::GetBool(absl::string_view key, bool fallback) const {
  auto v = Scalar(key);
  if (!v.ok()) return v.status();
  if (!v->has_value()) return fallback;
  const std::string s = absl::AsciiStrToLower(**v);
  if (s == "true" || s == "yes" || s == "on" || s == "1") return true;
  if (s == "false" || s == "no" || s == "off" || s == "0") return false;
  return Bad(key, **v, "true or false");
}

absl::StatusOr<absl::Duration> Config::GetDuration(absl::string_view key) const {
  auto v = Scalar(key);
  if (!v.ok()) return v.status();
  if (!v->has_value()) return Missing(key);
  absl::Duration d;
  if (!absl::ParseDuration(**v, &d) || d < absl::ZeroDuration()) {
    return Bad(key, **v, "a duration such as 500ms, 5s or 2m");
  }
  return d;
}

absl::StatusOr<absl::Duration> Config::GetDuration(absl::string_view key,
                                                   absl::Duration fallback) const {
  if (!Has(key)) return fallback;
  return GetDuration(key);
}

absl::StatusOr<std::vector<std::string>> Config::GetStringList(absl::string_view key) const {
  if (env_) {
    if (auto v = env_(EnvName(key)); v.has_value()) {
      std::vector<std::string> out;
      for (absl::string_view part : absl::StrSplit(*v, ',', absl::SkipWhitespace())) {
        out.emplace_back(absl::StripAsciiWhitespace(part));
      }
      return out;
    }
  }
  YAML::Node n = Find(key);
  if (!n.IsDefined() || n.IsNull()) return std::vector<std::string>();
  if (n.IsScalar()) return std::vector<std::string>{n.Scalar()};
  if (!n.IsSequence()) return Bad(key, "a mapping", "a list of values");
  std::vector<std::string> out;
  for (const auto& item : n) {
    if (!item.IsScalar()) return Bad(key, "a nested list or mapping", "a list of values");
    out.push_back(item.Scalar());
  }
  return out;
}

std::vector<std::string> Config::Keys(absl::string_view key) const {
  std::vector<std::string> out;
  YAML::Node n = Find(key);
  if (!n.IsMap()) return out;
  for (const auto& kv : n) out.push_back(kv.first.as<std::string>());
  return out;
}

absl::Status CheckReadableFile(absl::string_view key, const std::string& path) {
  // A directory opens like a file and reads as nothing: say what it is.
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("config key '%s' names '%s', which is a directory, not a file", key, path));
  }
  if (!std::ifstream(path).good()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("config key '%s' names '%s', which cannot be read", key, path));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadConfigFile(absl::string_view key, const std::string& path) {
  if (absl::Status s = CheckReadableFile(key, path); !s.ok()) return s;
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("config key '%s' names '%s', which cannot be read", key, path));
  }
  return text.str();
}

absl::StatusOr<std::string> ReadSecretFile(const Config& config, absl::string_view key) {
  auto path = config.GetString(key);
  if (!path.ok()) return path.status();
  if (path->empty()) {
    return absl::InvalidArgumentError(absl::StrFormat("config key '%s' is empty: it must name a file", key));
  }
  auto read = ReadConfigFile(key, *path);
  if (!read.ok()) return read.status();
  std::string secret = *std::move(read);
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  if (secret.empty()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "config key '%s' names '%s', which holds no secret (empty, or only a line end)", key, *path));
  }
  return secret;
}

}  // namespace ys
