#pragma once

#include <string>
#include <vector>

namespace ys {

// The JSON documents of data/holidays/*.json, compiled in so every binary has the calendar.
const std::vector<std::string>& EmbeddedHolidayDocuments();

}  // namespace ys
