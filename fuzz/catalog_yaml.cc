// A catalog import file (the YAML of `ysctl catalog import`, sent whole in ImportCatalog) through
// ParseCatalogFile, over an empty catalog and over a small one, then DiffCatalog and the export.
//
// Beyond not crashing: a file read without problems, whose text keeps the input rules (common/input:
// what the store takes), exports to YAML that imports back over the same catalog without a problem
// or a change (services/indicator/catalog.h promises that).

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/input/message_rules.h"
#include "fuzz/fuzz_check.h"
#include "services/indicator/catalog.h"

namespace ys::indicator {
namespace {

constexpr char kExisting[] = R"(units:
  - {name: 市市场监督管理局, aliases: [市市场监管局], high_frequency: true}
cities:
  - {code: "3611", name: 上饶市, counties: 12}
shangrao_counties:
  - {code: "361102", name: 信州区}
first_level:
  - {code: I01, name: 开办企业, lead: 帕塔尔·胡加买提, units: [{unit: 市市场监管局, head: 张华}]}
programme:
  quarter_targets:
    - {period: "2022Q3", scope: city_composite, target_rank_at_most: 3, floor_rank_at_most: 6}
)";

void Check(const std::string& yaml, const Catalog& existing) {
  const auto parsed = ParseCatalogFile(yaml, existing);
  if (!parsed.ok()) return;
  (void)DiffCatalog(existing, *parsed);
  if (!parsed->problems.empty()) return;
  for (const auto& [key, entity] : parsed->catalog.Entities()) {
    if (!input::CheckMessageText(entity, input::InputLimits{}).ok()) return;
  }
  const std::string exported = ExportCatalogYaml(parsed->catalog, /*include_retired=*/true);
  const auto again = ParseCatalogFile(exported, parsed->catalog);
  fuzz::Require(again.ok() && again->problems.empty(), "the export of a catalog imports without problems");
  fuzz::Require(DiffCatalog(parsed->catalog, *again).changes.empty(),
                "the export imported over the same catalog changes nothing");
}

}  // namespace
}  // namespace ys::indicator

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ys::indicator;
  static const Catalog empty;
  static const Catalog existing = ParseCatalogFile(kExisting, {})->catalog;
  const std::string yaml(reinterpret_cast<const char*>(data), size);
  Check(yaml, empty);
  Check(yaml, existing);
  return 0;
}
