#include "common/time/calendar.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_format.h"
#include "common/time/embedded_holidays.h"
#include "nlohmann/json.hpp"

namespace ys {

absl::StatusOr<absl::CivilDay> ParseIsoDate(absl::string_view text) {
  absl::CivilDay day;
  if (text.size() != 10 || !absl::ParseCivilTime(text, &day)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("date '%s' is not an ISO date (YYYY-MM-DD)", text));
  }
  return day;
}

std::string FormatIsoDate(absl::CivilDay day) { return absl::FormatCivilTime(day); }

absl::StatusOr<WorkingDayCalendar> WorkingDayCalendar::FromJsonDocuments(
    const std::vector<std::string>& documents) {
  WorkingDayCalendar calendar;
  for (const std::string& text : documents) {
    nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("year") ||
        !doc["year"].is_number_integer()) {
      return absl::InvalidArgumentError("holiday document is not JSON with an integer 'year'");
    }
    const int year = doc["year"].get<int>();
    const auto days = doc.value("days", nlohmann::json::array());
    if (!days.is_array()) {
      return absl::InvalidArgumentError(absl::StrFormat("holidays %d: 'days' is not a list", year));
    }
    if (!days.empty()) calendar.published_years_.insert(year);
    for (const auto& d : days) {
      if (!d.is_object() || !d.contains("date") || !d["date"].is_string() ||
          !d.contains("isOffDay") || !d["isOffDay"].is_boolean()) {
        return absl::InvalidArgumentError(
            absl::StrFormat("holidays %d: a day needs a string 'date' and a boolean 'isOffDay'", year));
      }
      auto date = ParseIsoDate(d["date"].get<std::string>());
      if (!date.ok()) {
        return absl::InvalidArgumentError(
            absl::StrFormat("holidays %d: %s", year, date.status().message()));
      }
      // Files are keyed by the notice's year; late-December days may sit in next year's file.
      calendar.overrides_[*date] = DayOverride{d.value("name", ""), d["isOffDay"].get<bool>()};
    }
  }
  return calendar;
}

absl::StatusOr<WorkingDayCalendar> WorkingDayCalendar::LoadDirectory(const std::string& dir) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  if (ec) {
    return absl::NotFoundError(
        absl::StrFormat("holiday directory '%s' cannot be read: %s", dir, ec.message()));
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> documents;
  for (const auto& f : files) {
    std::ifstream in(f);
    std::stringstream buf;
    buf << in.rdbuf();
    documents.push_back(buf.str());
  }
  return FromJsonDocuments(documents);
}

absl::StatusOr<WorkingDayCalendar> WorkingDayCalendar::LoadEmbedded() {
  return FromJsonDocuments(EmbeddedHolidayDocuments());
}

std::vector<int> WorkingDayCalendar::PublishedYears() const {
  return {published_years_.begin(), published_years_.end()};
}

absl::Status WorkingDayCalendar::CheckPublished(absl::CivilDay day) const {
  const int year = static_cast<int>(day.year());
  if (IsPublished(year)) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrFormat(
      "no official holiday arrangement is loaded for %d (needed for %s); plain Monday–Friday "
      "would be a guess",
      year, FormatIsoDate(day)));
}

const WorkingDayCalendar::DayOverride* WorkingDayCalendar::Override(absl::CivilDay day) const {
  auto it = overrides_.find(day);
  return it == overrides_.end() ? nullptr : &it->second;
}

absl::StatusOr<bool> WorkingDayCalendar::IsWorkingDay(absl::CivilDay day) const {
  if (auto s = CheckPublished(day); !s.ok()) return s;
  if (const DayOverride* o = Override(day)) return !o->off;
  const absl::Weekday wd = absl::GetWeekday(day);
  return wd != absl::Weekday::saturday && wd != absl::Weekday::sunday;
}

absl::StatusOr<absl::CivilDay> WorkingDayCalendar::FirstWorkingDayOfWeek(absl::CivilDay day) const {
  const absl::CivilDay monday = absl::PrevWeekday(day + 1, absl::Weekday::monday);
  for (absl::CivilDay d = monday; d < monday + 7; ++d) {
    auto working = IsWorkingDay(d);
    if (!working.ok()) return working.status();
    if (*working) return d;
  }
  return absl::NotFoundError(
      absl::StrFormat("the week of %s has no working day", FormatIsoDate(monday)));
}

absl::StatusOr<absl::CivilDay> WorkingDayCalendar::AddWorkingDays(absl::CivilDay day, int n) const {
  if (n < 0) return absl::InvalidArgumentError("working days to add must not be negative");
  // n == 0: the day itself when it is a working day, else the next one; n >= 1: the n-th working
  // day strictly after `day`.
  absl::CivilDay d = n == 0 ? day : day + 1;
  int remaining = n == 0 ? 1 : n;
  // The longest official break is well under a month: bound the walk to catch bad data.
  for (int guard = 0; guard < 366 * 10; ++guard, ++d) {
    auto working = IsWorkingDay(d);
    if (!working.ok()) return working.status();
    if (*working && --remaining == 0) return d;
  }
  return absl::InternalError("working-day walk did not terminate");
}

}  // namespace ys
