#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "yaml-cpp/yaml.h"

namespace ys {

// Reads an environment variable; injected so tests do not depend on the process environment.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup ProcessEnvironment();

// A service's configuration: a YAML file, with every scalar overridable by an environment variable
// (12-factor). Key "kafka.brokers" is overridden by YS_KAFKA_BROKERS; "grpc.listen" by YS_GRPC_LISTEN.
// Every error names the key, so startup can fail with one clear line.
class Config {
 public:
  static absl::StatusOr<Config> LoadFile(const std::string& path, EnvLookup env);
  static absl::StatusOr<Config> FromString(absl::string_view yaml, EnvLookup env,
                                           std::string source = "<inline>");

  // The environment variable that overrides `key`.
  static std::string EnvName(absl::string_view key);

  bool Has(absl::string_view key) const;

  absl::StatusOr<std::string> GetString(absl::string_view key) const;
  std::string GetString(absl::string_view key, absl::string_view fallback) const;
  absl::StatusOr<int64_t> GetInt(absl::string_view key) const;
  absl::StatusOr<int64_t> GetInt(absl::string_view key, int64_t fallback) const;
  // An integer within [min, max]: "config key 'k' must be between min and max, got v" otherwise.
  absl::StatusOr<int64_t> GetIntIn(absl::string_view key, int64_t fallback, int64_t min, int64_t max) const;
  absl::StatusOr<bool> GetBool(absl::string_view key, bool fallback) const;
  // "500ms", "5s", "2m", "1h" (absl::ParseDuration).
  absl::StatusOr<absl::Duration> GetDuration(absl::string_view key) const;
  absl::StatusOr<absl::Duration> GetDuration(absl::string_view key, absl::Duration fallback) const;
  // A YAML sequence of scalars, or a comma-separated string (from the environment).
  absl::StatusOr<std::vector<std::string>> GetStringList(absl::string_view key) const;
  // The keys of a mapping (e.g. the entries of "auth.api_keys").
  std::vector<std::string> Keys(absl::string_view key) const;

  const std::string& source() const { return source_; }

 private:
  Config(YAML::Node root, EnvLookup env, std::string source)
      : root_(std::move(root)), env_(std::move(env)), source_(std::move(source)) {}

  // The raw scalar for a key, from the environment first; nullopt when absent.
  absl::StatusOr<std::optional<std::string>> Scalar(absl::string_view key) const;
  YAML::Node Find(absl::string_view key) const;
  absl::Status Missing(absl::string_view key) const;
  absl::Status Bad(absl::string_view key, absl::string_view value, absl::string_view want) const;

  YAML::Node root_;
  EnvLookup env_;
  std::string source_;
};

// The secret in the file config key `key` names (a password kept out of the YAML and the
// environment, as Kubernetes mounts a Secret). Trailing "\r" and "\n" are dropped: `echo` and
// editors add them, they are no part of the secret. An error names the key (and the path) when the
// key is unset or empty, or the file cannot be read or holds nothing but line ends.
absl::StatusOr<std::string> ReadSecretFile(const Config& config, absl::string_view key);

// A file that a library will open later (a PEM CA, certificate or key), checked now so that a wrong
// path stops startup with the key's name instead of failing at the first connection. OK when `path`
// is readable; otherwise an error naming `key` and `path`.
absl::Status CheckReadableFile(absl::string_view key, const std::string& path);

// The whole text of the file at `path`, which config key `key` names (a routing tree, a PEM
// certificate, a units list). An error names the key and the path when it is a directory or cannot
// be read. Every service reads its configured files through this one.
absl::StatusOr<std::string> ReadConfigFile(absl::string_view key, const std::string& path);

}  // namespace ys
