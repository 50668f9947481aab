#include "services/gateway/allowlist.h"

#include <algorithm>
#include <array>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/grpc/auth.h"
#include "common/input/text_rules.h"
#include "yaml-cpp/yaml.h"

namespace ys::gateway {

namespace {

constexpr std::array<absl::string_view, 7> kRolePatterns = {"office",   "unit:*", "leader:*", "county:*",
                                                            "centre",   "viewer", "public"};
constexpr absl::string_view kPublic = "public";

int LineOf(const YAML::Node& n) { return n.IsDefined() ? n.Mark().line + 1 : 0; }

absl::Status Error(absl::string_view key, absl::string_view message, int line) {
  return absl::InvalidArgumentError(line > 0 ? absl::StrFormat("%s: %s (line %d)", key, message, line)
                                             : absl::StrFormat("%s: %s", key, message));
}

}  // namespace

absl::StatusOr<MethodAllowList> MethodAllowList::Parse(
    const std::string& yaml_text, const std::function<bool(const std::string&)>& method_exists) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(
        absl::StrFormat("method allow-list: not valid YAML: %s (line %d)", e.msg, e.mark.line + 1));
  }
  if (!root.IsMap()) return Error("methods", "missing: the document must be a mapping with `methods`", 0);
  for (const auto& kv : root) {
    const std::string key = kv.first.as<std::string>("");
    if (key != "methods") return Error(key, "unknown key (known: methods)", LineOf(kv.first));
  }
  const YAML::Node methods = root["methods"];
  if (!methods.IsDefined() || !methods.IsMap()) {
    return Error("methods", "must be a mapping of method to roles", LineOf(methods));
  }

  MethodAllowList list;
  try {
    for (const auto& kv : methods) {
      const std::string method = kv.first.IsScalar() ? kv.first.Scalar() : "";
      const std::string key = absl::StrCat("methods.", method);
      const int line = LineOf(kv.first);
      if (method.empty() || !method_exists(method)) return Error(key, "no such method", line);
      if (list.roles_by_method_.contains(method)) return Error(key, "listed twice", line);
      if (!kv.second.IsSequence() || kv.second.size() == 0) {
        return Error(key, "must be a non-empty list of roles", line);
      }
      std::vector<std::string> roles;
      for (size_t i = 0; i < kv.second.size(); ++i) {
        const YAML::Node r = kv.second[i];
        const std::string role = r.IsScalar() ? r.Scalar() : "";
        if (std::find(kRolePatterns.begin(), kRolePatterns.end(), role) == kRolePatterns.end()) {
          return Error(absl::StrFormat("%s[%d]", key, i),
                       absl::StrFormat("role %s is not one of %s", input::QuoteInput(role),
                                       absl::StrJoin(kRolePatterns, ", ")),
                       LineOf(r));
        }
        roles.push_back(role);
      }
      list.roles_by_method_.emplace(method, std::move(roles));
    }
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(
        absl::StrFormat("methods: %s (line %d)", e.msg, e.mark.line + 1));
  }
  return list;
}

bool MethodAllowList::Allows(absl::string_view role, absl::string_view full_method) const {
  auto it = roles_by_method_.find(full_method);
  if (it == roles_by_method_.end()) return false;
  for (const std::string& pattern : it->second) {
    if (pattern == kPublic) return true;
    if (!role.empty() && RoleMatches(role, pattern)) return true;
  }
  return false;
}

std::vector<std::string> MethodAllowList::MethodsFor(absl::string_view role) const {
  std::vector<std::string> out;
  for (const auto& [method, roles] : roles_by_method_) {
    if (Allows(role, method)) out.push_back(method);
  }
  return out;  // the map keeps them sorted
}

}  // namespace ys::gateway
