#pragma once

// Notify's reading of its catalog replica (common/catalog/replica.h, fed by ys.catalog.v1): the
// CatalogView recipients are derived from (recipients.h) and the indicators' names the event
// messages quote (events.h EventOptions::indicator_names).
//
// Which regions are Shangrao's counties: those of kind REGION_KIND_COUNTY or
// REGION_KIND_FUNCTIONAL_ZONE whose parent_code is 上饶市's code, 3611. parent_code is the field
// that says it, not the code's prefix: the indicator service sets it for every county (the first
// four digits of its 统计用区划代码, 361102 → 3611) and for every functional zone (the city the
// office files it under; zones have no statistical code, their local codes 3611Z1 … only look
// like Shangrao's), and it is the test the indicator service's own redemption rules apply.
// The functional zones are listed: the work plan addresses them as it addresses the counties.
//
// Retired entries are kept with retired set: DeriveRecipients is the one that skips them. The
// replica's Leader records are not read: an indicator names its 领班 and its units' 带班领导 by name
// itself, and that is who is told.

#include <map>
#include <string>

#include "common/catalog/replica.h"
#include "services/notify/recipients.h"

namespace ys::notify {

inline constexpr char kShangraoCityCode[] = "3611";  // 上饶市 (统计用区划代码)

// Units (name, aliases, retired) in name order; indicators (code, 领班, responsible units with
// their 带班领导, retired) in code order; Shangrao's counties and functional zones (above) in code
// order.
CatalogView CatalogViewFrom(const CatalogReplica& replica);

// Indicator code -> name, every indicator of the replica (retired ones too: an old case still
// names its indicator).
std::map<std::string, std::string, std::less<>> IndicatorNames(const CatalogReplica& replica);

}  // namespace ys::notify
