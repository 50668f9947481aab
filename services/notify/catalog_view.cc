#include "services/notify/catalog_view.h"

#include <utility>

namespace ys::notify {

namespace {

bool IsShangraoCounty(const ipb::Region& r) {
  return (r.kind() == ipb::REGION_KIND_COUNTY || r.kind() == ipb::REGION_KIND_FUNCTIONAL_ZONE) &&
         r.parent_code() == kShangraoCityCode;
}

}  // namespace

CatalogView CatalogViewFrom(const CatalogReplica& replica) {
  CatalogView view;
  for (const auto& [_, u] : replica.units) {
    view.units.push_back({u.name(), {u.aliases().begin(), u.aliases().end()}, u.retired()});
  }
  for (const auto& [_, i] : replica.indicators) {
    CatalogView::Indicator indicator{i.code(), i.lead(), {}, i.retired()};
    for (const auto& ru : i.units()) indicator.units.push_back({ru.unit(), ru.head()});
    view.indicators.push_back(std::move(indicator));
  }
  for (const auto& [_, r] : replica.regions) {
    if (IsShangraoCounty(r)) view.counties.push_back({r.code(), r.name(), r.retired()});
  }
  return view;
}

std::map<std::string, std::string, std::less<>> IndicatorNames(const CatalogReplica& replica) {
  std::map<std::string, std::string, std::less<>> names;
  for (const auto& [code, i] : replica.indicators) names.emplace(code, i.name());
  return names;
}

}  // namespace ys::notify
