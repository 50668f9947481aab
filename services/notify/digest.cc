#include "services/notify/digest.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/status/macros.h"
#include "common/time/clock.h"

namespace ys::notify {
namespace {

// A week with no working day at all has never been declared; the walk is bounded anyway so that
// bad calendar data cannot spin forever.
constexpr int kMaxWeeksSearched = 60;

absl::StatusOr<absl::Time> NextDailyDigest(absl::Duration time_of_day, absl::Time after,
                                           const WorkingDayCalendar& calendar) {
  const absl::TimeZone& tz = Shanghai();
  ASSIGN_OR_RETURN(absl::CivilDay day, calendar.AddWorkingDays(absl::ToCivilDay(after, tz), 0));
  if (absl::FromCivil(day, tz) + time_of_day > after) return absl::FromCivil(day, tz) + time_of_day;
  ASSIGN_OR_RETURN(day, calendar.AddWorkingDays(day, 1));
  return absl::FromCivil(day, tz) + time_of_day;
}

absl::StatusOr<absl::Time> NextWeeklyDigest(absl::Duration time_of_day, absl::Time after,
                                            const WorkingDayCalendar& calendar) {
  const absl::TimeZone& tz = Shanghai();
  const absl::CivilDay day = absl::ToCivilDay(after, tz);
  absl::CivilDay monday = absl::PrevWeekday(day + 1, absl::Weekday::monday);
  for (int week = 0; week < kMaxWeeksSearched; ++week, monday += 7) {
    absl::StatusOr<absl::CivilDay> first = calendar.FirstWorkingDayOfWeek(monday);
    if (absl::IsNotFound(first.status())) continue;  // a week entirely off
    if (!first.ok()) return first.status();
    const absl::Time at = absl::FromCivil(*first, tz) + time_of_day;
    if (at > after) return at;
  }
  return absl::InternalError(absl::StrFormat("digest: no working day in %d weeks after %s",
                                             kMaxWeeksSearched, FormatIsoDate(day)));
}

absl::string_view Heading(DigestCadence cadence) {
  switch (cadence) {
    case DigestCadence::kDaily:
      return "今日汇总";
    case DigestCadence::kWeekly:
      return "本周汇总";
    case DigestCadence::kNone:
      break;
  }
  return "汇总";
}

}  // namespace

absl::StatusOr<absl::Time> NextDigestAt(const DigestPreference& preference, absl::Time after,
                                        const WorkingDayCalendar& calendar) {
  if (preference.time_of_day < absl::ZeroDuration() || preference.time_of_day >= absl::Hours(24)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("digest preference: time_of_day %s is not a time of day in [00:00, 24:00)",
                        absl::FormatDuration(preference.time_of_day)));
  }
  switch (preference.cadence) {
    case DigestCadence::kDaily:
      return NextDailyDigest(preference.time_of_day, after, calendar);
    case DigestCadence::kWeekly:
      return NextWeeklyDigest(preference.time_of_day, after, calendar);
    case DigestCadence::kNone:
      break;
  }
  return absl::InvalidArgumentError(
      "digest preference: cadence is none (every event individually), so there is no digest time");
}

std::optional<Digest> BuildDigest(absl::string_view recipient, std::vector<DigestItem> items,
                                  DigestCadence cadence, const EventTypeTitles& titles) {
  if (items.empty()) return std::nullopt;
  std::sort(items.begin(), items.end(), [](const DigestItem& a, const DigestItem& b) {
    return std::tie(b.severity, a.at, a.notification_id) <
           std::tie(a.severity, b.at, b.notification_id);
  });
  std::set<std::string, std::less<>> seen;
  std::erase_if(items, [&seen](const DigestItem& item) {
    return !seen.insert(item.notification_id).second;
  });

  Digest digest;
  digest.recipient = std::string(recipient);
  for (const DigestItem& item : items) {
    auto it = std::find_if(
        digest.counts.begin(), digest.counts.end(),
        [&item](const EventTypeCount& c) { return c.event_type == item.event_type; });
    if (it == digest.counts.end()) {
      auto title = titles.find(item.event_type);
      digest.counts.push_back(EventTypeCount{
          item.event_type, title == titles.end() ? item.event_type : title->second, 0});
      it = digest.counts.end() - 1;
    }
    ++it->count;
  }
  std::stable_sort(
      digest.counts.begin(), digest.counts.end(),
      [](const EventTypeCount& a, const EventTypeCount& b) { return a.count > b.count; });

  auto [oldest, newest] =
      std::minmax_element(items.begin(), items.end(),
                          [](const DigestItem& a, const DigestItem& b) { return a.at < b.at; });
  digest.first_at = oldest->at;
  digest.last_at = newest->at;
  digest.summary = absl::StrFormat(
      "%s：%s", Heading(cadence),
      absl::StrJoin(digest.counts, "、", [](std::string* out, const EventTypeCount& c) {
        absl::StrAppendFormat(out, "%s %d 条", c.title, c.count);
      }));
  digest.items = std::move(items);
  return digest;
}

}  // namespace ys::notify
