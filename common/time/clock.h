#pragma once

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace ys {

// Where "now" comes from. Business code never reads the system clock directly, so tests control time.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

class RealClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

// The time zone every business rule runs in (months, weeks, deadlines).
// China has kept UTC+8 without daylight saving since 1991; when the zoneinfo database is missing
// the fixed offset gives the same answers for every date the programme deals with.
const absl::TimeZone& Shanghai();

}  // namespace ys
