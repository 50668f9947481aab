#include "services/indicator/catalog_format.h"

namespace ys::indicator {

const char* KindName(pb::RegionKind k) {
  switch (k) {
    case pb::REGION_KIND_PROVINCE: return "province";
    case pb::REGION_KIND_CITY: return "city";
    case pb::REGION_KIND_COUNTY: return "county";
    case pb::REGION_KIND_FUNCTIONAL_ZONE: return "functional_zone";
    default: return "unspecified";
  }
}

std::optional<pb::RegionKind> ParseRegionKind(const std::string& s) {
  for (pb::RegionKind k : {pb::REGION_KIND_PROVINCE, pb::REGION_KIND_CITY, pb::REGION_KIND_COUNTY,
                           pb::REGION_KIND_FUNCTIONAL_ZONE}) {
    if (s == KindName(k)) return k;
  }
  return std::nullopt;
}

const char* ItemKindName(pb::ProgrammeItemKind k) {
  switch (k) {
    case pb::PROGRAMME_ITEM_KIND_ENVIRONMENT_TASK: return "environment_task";
    case pb::PROGRAMME_ITEM_KIND_ACTION: return "action";
    case pb::PROGRAMME_ITEM_KIND_ONE_THING_REFORM: return "one_thing_reform";
    case pb::PROGRAMME_ITEM_KIND_ENVIRONMENT: return "environment";
    default: return "unspecified";
  }
}

std::optional<pb::ProgrammeItemKind> ParseItemKind(const std::string& s) {
  for (pb::ProgrammeItemKind k :
       {pb::PROGRAMME_ITEM_KIND_ENVIRONMENT_TASK, pb::PROGRAMME_ITEM_KIND_ACTION,
        pb::PROGRAMME_ITEM_KIND_ONE_THING_REFORM, pb::PROGRAMME_ITEM_KIND_ENVIRONMENT}) {
    if (s == ItemKindName(k)) return k;
  }
  return std::nullopt;
}

}  // namespace ys::indicator
