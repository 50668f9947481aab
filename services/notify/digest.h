#pragma once

// Per-recipient digests: instead of one message per event, a recipient may take one summary a day
// or a week. What it decides:
// - when the next digest is due (NextDigestAt): daily — at the preferred time on the next working
//   day; weekly — at that time on the first working day of a week (Monday, or the 调休 Saturday
//   after a break that swallowed the weekdays: in the Spring Festival week of 2023 that is
//   Saturday 01-28). Working days come from the official calendar, never plain Monday–Friday;
// - what a digest says (BuildDigest): its items, most severe first then oldest first, the count of
//   each event type and one line in Chinese: "今日汇总：排名预警 3 条、整改督办 1 条".
//   No items, no digest: an empty one is never built (nullopt), so never sent.
// A recipient whose preference is `none` is told of every event individually; quiet hours
// (quiet_hours.h) still hold those until the working morning.
//
// Compared with the anchors: Novu digests per subscriber over a fixed window and lets a critical
// step bypass it — here critical bypasses too (quiet_hours.h), and the window follows the official
// working-day calendar with its 调休 days; Alertmanager has no per-recipient digest at all (a
// group's repeat_interval resends the same alerts, it does not summarise).
//
// Pure: times are passed in; business time is Asia/Shanghai.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/time/calendar.h"
#include "services/notify/quiet_hours.h"

namespace ys::notify {

enum class DigestCadence {
  kNone,    // every event individually
  kDaily,   // one digest on each working day
  kWeekly,  // one digest on the first working day of each week
};

struct DigestPreference {
  DigestCadence cadence = DigestCadence::kNone;
  // When the digest goes, as an offset from local midnight (default 08:30, the office's opening).
  absl::Duration time_of_day = absl::Hours(8) + absl::Minutes(30);
};

// The first digest moment strictly after `after` (a digest due exactly at `after` is the one being
// sent). INVALID_ARGUMENT for cadence none or a time of day outside [0, 24h); FAILED_PRECONDITION
// when the answer would lie in a year whose holiday arrangement is not published.
absl::StatusOr<absl::Time> NextDigestAt(const DigestPreference& preference, absl::Time after,
                                        const WorkingDayCalendar& calendar);

// One notification waiting for a recipient's digest.
struct DigestItem {
  std::string notification_id;
  std::string event_type;  // the event_type label, e.g. "ranking_alert"
  Severity severity = Severity::kInfo;
  absl::Time at;           // when the event happened
  std::string title;
  std::string body;
};

struct EventTypeCount {
  std::string event_type;
  std::string title;  // the event type for people: "排名预警"
  int count = 0;
};

struct Digest {
  std::string recipient;
  std::vector<DigestItem> items;       // most severe first, then oldest first, then by id
  std::vector<EventTypeCount> counts;  // most numerous first; ties in the order of `items`
  absl::Time first_at;                 // the oldest item
  absl::Time last_at;                  // the newest item
  std::string summary;                 // "今日汇总：排名预警 3 条、整改督办 1 条"
};

// Event types for people, by event_type label; an event type not in the map is shown as it is.
using EventTypeTitles = std::map<std::string, std::string, std::less<>>;

// Builds a recipient's digest; nullopt when there are no items. The same notification listed twice
// (a redelivered event) is kept once, as its most severe listing. The summary opens with 今日汇总
// (daily), 本周汇总 (weekly) or 汇总 (any other caller).
std::optional<Digest> BuildDigest(absl::string_view recipient, std::vector<DigestItem> items,
                                  DigestCadence cadence = DigestCadence::kDaily,
                                  const EventTypeTitles& titles = {});

}  // namespace ys::notify
