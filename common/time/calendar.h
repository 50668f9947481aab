#pragma once

#include <map>
#include <set>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"

namespace ys {

// The official working-day calendar (国务院办公厅 holiday notices): a day is a working day when it is
// Monday–Friday and not declared off, or when it is declared a make-up working day (调休上班).
// Dates in a year whose arrangement has not been published are reported as such (FAILED_PRECONDITION),
// never guessed: callers decide whether plain Monday–Friday is good enough for them.
class WorkingDayCalendar {
 public:
  struct DayOverride {
    std::string name;  // the holiday, e.g. 国庆节
    bool off = false;  // true: a day off; false: a make-up working day
  };

  // Parses holiday-cn JSON documents ({year, papers[], days[{name, date, isOffDay}]}), one per year.
  // A document with no days marks its year as not yet published.
  static absl::StatusOr<WorkingDayCalendar> FromJsonDocuments(
      const std::vector<std::string>& documents);
  static absl::StatusOr<WorkingDayCalendar> LoadDirectory(const std::string& dir);
  // The copy of data/holidays compiled into the binary.
  static absl::StatusOr<WorkingDayCalendar> LoadEmbedded();

  bool IsPublished(int year) const { return published_years_.contains(year); }
  std::vector<int> PublishedYears() const;

  absl::StatusOr<bool> IsWorkingDay(absl::CivilDay day) const;
  // What the official arrangement says about a day, if anything (holidays and make-up days only).
  const DayOverride* Override(absl::CivilDay day) const;
  // The first working day of the ISO week (Monday–Sunday) that contains `day`; NOT_FOUND when the
  // whole week is off.
  absl::StatusOr<absl::CivilDay> FirstWorkingDayOfWeek(absl::CivilDay day) const;
  // The n-th working day strictly after `day` (n >= 1); n == 0 gives `day` itself when it is a
  // working day, else the next working day.
  absl::StatusOr<absl::CivilDay> AddWorkingDays(absl::CivilDay day, int n) const;

 private:
  absl::Status CheckPublished(absl::CivilDay day) const;

  std::map<absl::CivilDay, DayOverride> overrides_;
  std::set<int> published_years_;
};

absl::StatusOr<absl::CivilDay> ParseIsoDate(absl::string_view text);
std::string FormatIsoDate(absl::CivilDay day);

}  // namespace ys
