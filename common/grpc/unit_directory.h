#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/config/config.h"

namespace ys {

// The names a unit goes by: every 责任单位 under its canonical name and its aliases (the work plan
// writes 市住建局 for 市住房和城乡建设局), and the counties and functional zones that answer their own
// county cases. Read from the catalog files (data/catalog/units.yaml, data/catalog/regions.yaml), so
// that an API key, a request and a stored case name a unit the same way. Pure data.
class UnitDirectory {
 public:
  // `units_yaml`: `units: [{name, aliases: [...]}, ...]`; `regions_yaml` ("" for none):
  // `shangrao_counties: [{code, name}, ...]` and `shangrao_functional_zones: [name, ...]`.
  // INVALID_ARGUMENT naming the entry for a unit without a name or an alias of two units.
  static absl::StatusOr<UnitDirectory> FromYaml(std::string_view units_yaml, std::string_view regions_yaml = "");
  // From the files named by auth.units_file and auth.regions_file (the errors name the key); empty
  // when neither is set.
  static absl::StatusOr<UnitDirectory> FromConfig(const Config& config);

  // INVALID_ARGUMENT when a name or an alias already names another unit.
  absl::Status Add(const std::string& name, const std::vector<std::string>& aliases = {});
  bool empty() const { return canonical_.empty(); }
  // The canonical name for a name or an alias; nullopt when unknown.
  std::optional<std::string> Canonical(std::string_view name) const;
  // Canonical(name), or `name` as given when the directory is empty (no units file configured).
  std::optional<std::string> Resolve(std::string_view name) const;
  // Resolve(name) for a request's field: INVALID_ARGUMENT "field 'unit': … is not a unit of the
  // catalog (nor an alias of one)" when unknown.
  absl::StatusOr<std::string> ResolveField(std::string_view name, std::string_view field) const;

 private:
  static absl::StatusOr<UnitDirectory> FromNodes(std::string_view units_yaml, std::string_view regions_yaml);

  std::map<std::string, std::string, std::less<>> canonical_;  // name or alias -> canonical name
};

}  // namespace ys
