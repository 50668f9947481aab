#pragma once

// What notify knows of an event when it routes it: labels, as Alertmanager has them. Every event the
// service consumes is turned into labels first (event_type, severity, unit, county, indicator, rule,
// period, …); routes, inhibitions and silences match on them. Pure data.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace ys::notify {

using Labels = std::map<std::string, std::string, std::less<>>;

// One condition on a label: `name = value`, `name != value`, `name =~ regex`, `name !~ regex` (RE2,
// anchored to the whole value, as Alertmanager does). A missing label is the empty string.
struct Matcher {
  enum class Op { kEqual, kNotEqual, kRegex, kNotRegex };
  std::string name;
  Op op = Op::kEqual;
  std::string value;

  bool Matches(const Labels& labels) const;
};

// Parses "unit=市商务局", "severity!=info", "indicator=~I0[1-3]", "county!~3611.*". INVALID_ARGUMENT
// naming the text for anything else (an empty name, a regex that does not compile).
absl::StatusOr<Matcher> ParseMatcher(std::string_view text);
// All must match.
bool MatchesAll(const std::vector<Matcher>& matchers, const Labels& labels);
// "{severity=critical, unit=市商务局}" for logs and history.
std::string FormatLabels(const Labels& labels);

}  // namespace ys::notify
