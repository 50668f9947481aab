#pragma once

#include <optional>
#include <string>

#include "services/indicator/catalog.h"

namespace ys::indicator {

// The import format's names for the kinds of regions and programme items (catalog import and export).
const char* KindName(pb::RegionKind k);
std::optional<pb::RegionKind> ParseRegionKind(const std::string& s);
const char* ItemKindName(pb::ProgrammeItemKind k);
std::optional<pb::ProgrammeItemKind> ParseItemKind(const std::string& s);

}  // namespace ys::indicator
