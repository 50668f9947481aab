#include "common/time/clock.h"

namespace ys {

const absl::TimeZone& Shanghai() {
  static const absl::TimeZone* const tz = [] {
    auto* zone = new absl::TimeZone;
    if (!absl::LoadTimeZone("Asia/Shanghai", zone)) *zone = absl::FixedTimeZone(8 * 60 * 60);
    return zone;
  }();
  return *tz;
}

}  // namespace ys
