#include "common/grpc/unit_directory.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_format.h"
#include "common/input/text_rules.h"
#include "yaml-cpp/yaml.h"

namespace ys {
namespace {

absl::StatusOr<YAML::Node> Parse(std::string_view text, std::string_view what) {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrFormat("%s is not valid YAML: %s", what, e.what()));
  }
}

absl::StatusOr<std::string> ReadFile(const std::string& key, const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrFormat("config key '%s': file '%s' cannot be read", key, path));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// yaml-cpp answers a missing key with an invalid node, whose type it throws on: ask IsDefined first.
bool Is(const YAML::Node& n, YAML::NodeType::value type) { return n.IsDefined() && n.Type() == type; }
std::string Text(const YAML::Node& n) { return Is(n, YAML::NodeType::Scalar) ? n.Scalar() : ""; }

}  // namespace

absl::Status UnitDirectory::Add(const std::string& name, const std::vector<std::string>& aliases) {
  if (name.empty()) return absl::InvalidArgumentError("a unit needs a name");
  if (auto [it, fresh] = canonical_.try_emplace(name, name); !fresh && it->second != name) {
    return absl::InvalidArgumentError(absl::StrFormat("unit %s is already an alias of %s", name, it->second));
  }
  for (const std::string& a : aliases) {
    auto [it, fresh] = canonical_.try_emplace(a, name);
    if (!fresh && it->second != name) {
      return absl::InvalidArgumentError(absl::StrFormat("alias %s of %s already names %s", a, name, it->second));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<UnitDirectory> UnitDirectory::FromYaml(std::string_view units_yaml, std::string_view regions_yaml) {
  try {
    return FromNodes(units_yaml, regions_yaml);
  } catch (const YAML::Exception& e) {  // a list where a mapping belongs, and the like
    return absl::InvalidArgumentError(absl::StrFormat("a unit entry has the wrong shape: %s", e.what()));
  }
}

absl::StatusOr<UnitDirectory> UnitDirectory::FromNodes(std::string_view units_yaml, std::string_view regions_yaml) {
  UnitDirectory out;
  absl::StatusOr<YAML::Node> units = Parse(units_yaml, "the units file");
  if (!units.ok()) return units.status();
  const YAML::Node list = (*units)["units"];
  if (!Is(list, YAML::NodeType::Sequence)) return absl::InvalidArgumentError("the units file has no list 'units'");
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string name = Text(list[i]["name"]);
    std::vector<std::string> aliases;
    if (const YAML::Node a = list[i]["aliases"]; Is(a, YAML::NodeType::Sequence)) {
      for (const auto& alias : a) aliases.push_back(Text(alias));
    }
    if (auto s = out.Add(name, aliases); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrFormat("units[%d]: %s", i, s.message()));
    }
  }
  if (regions_yaml.empty()) return out;
  absl::StatusOr<YAML::Node> regions = Parse(regions_yaml, "the regions file");
  if (!regions.ok()) return regions.status();
  // The counties and zones answer for their county-scope alerts under their own names.
  const YAML::Node counties = (*regions)["shangrao_counties"];
  for (size_t i = 0; Is(counties, YAML::NodeType::Sequence) && i < counties.size(); ++i) {
    if (auto s = out.Add(Text(counties[i]["name"])); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrFormat("shangrao_counties[%d]: %s", i, s.message()));
    }
  }
  const YAML::Node zones = (*regions)["shangrao_functional_zones"];
  for (size_t i = 0; Is(zones, YAML::NodeType::Sequence) && i < zones.size(); ++i) {
    if (auto s = out.Add(Text(zones[i])); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrFormat("shangrao_functional_zones[%d]: %s", i, s.message()));
    }
  }
  return out;
}

absl::StatusOr<UnitDirectory> UnitDirectory::FromConfig(const Config& config) {
  const std::string units_file = config.GetString("auth.units_file", "");
  const std::string regions_file = config.GetString("auth.regions_file", "");
  if (units_file.empty()) {
    if (!regions_file.empty()) {
      return absl::InvalidArgumentError(
          "config key 'auth.regions_file' needs auth.units_file (the units and their aliases) beside it");
    }
    return UnitDirectory();
  }
  absl::StatusOr<std::string> units = ReadFile("auth.units_file", units_file);
  if (!units.ok()) return units.status();
  std::string regions;
  if (!regions_file.empty()) {
    absl::StatusOr<std::string> text = ReadFile("auth.regions_file", regions_file);
    if (!text.ok()) return text.status();
    regions = *std::move(text);
  }
  absl::StatusOr<UnitDirectory> out = FromYaml(*units, regions);
  if (!out.ok()) {
    return absl::InvalidArgumentError(absl::StrFormat("config key 'auth.units_file' (%s%s%s): %s", units_file,
                                                      regions_file.empty() ? "" : ", auth.regions_file ",
                                                      regions_file, out.status().message()));
  }
  return out;
}

std::optional<std::string> UnitDirectory::Canonical(std::string_view name) const {
  auto it = canonical_.find(name);
  if (it == canonical_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> UnitDirectory::Resolve(std::string_view name) const {
  if (empty()) return std::string(name);
  return Canonical(name);
}

absl::StatusOr<std::string> UnitDirectory::ResolveField(std::string_view name, std::string_view field) const {
  std::optional<std::string> unit = Resolve(name);
  if (!unit.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("field '%s': %s is not a unit of the catalog (nor an alias of one)",
                        absl::string_view(field.data(), field.size()),
                        input::QuoteInput(absl::string_view(name.data(), name.size()))));
  }
  return *unit;
}

}  // namespace ys
