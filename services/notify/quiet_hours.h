#pragma once

// When a notification may go out: at once, or held for the next working morning's digest.
//
// The rule (local policy of 市营商办, every value configurable in QuietPolicy):
// - critical goes at once, always — at night, on a weekend, on a holiday, and even in a year whose
//   holiday arrangement is not yet published (the calendar is not consulted for it);
// - anything else goes at once during working hours (08:30–18:00) on a working day of the official
//   calendar: Monday–Friday unless declared off (法定节假日), plus the declared make-up days
//   (调休上班, often a Saturday or Sunday);
// - outside them it is held until the digest time (08:30) of the next working day — the same
//   working day when it arrives before the office opens.
// A moment in a year the calendar has not published is refused (FAILED_PRECONDITION, the
// calendar's message): plain Monday–Friday would be a guess, and the caller decides what to do.
//
// Compared with the anchors:
// - Alertmanager's time_intervals (mute_time_intervals / active_time_intervals) know weekdays and
//   clock ranges only: a 国庆 Tuesday would ring and a 调休 Saturday would stay silent. Here the
//   official calendar decides, and a held message is not dropped (a mute interval drops it) but
//   released at a known time that is written to the delivery history.
// - Novu's digest has a critical bypass; so does this, by severity (`send_at_once_from`).
//
// Every answer carries a reason in Chinese for the delivery history, e.g.
//   "非工作时间（周六 23:00，周末），并入下一个工作日 2022-10-17（周一）08:30 的汇总".
//
// Pure: the clock is passed in, business time is Asia/Shanghai (common/time/clock.h Shanghai()).

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/time/calendar.h"

namespace ys::notify {

// How urgent a notification is. Ranking alerts carry warning or critical (ranking.proto Severity);
// case and duty events that only inform are info. Ordered: a higher value is more urgent.
enum class Severity { kInfo = 0, kWarning = 1, kCritical = 2 };

// The label value: "info", "warning", "critical".
absl::string_view SeverityName(Severity severity);
// Parses the `severity` label; INVALID_ARGUMENT naming the value for anything else.
absl::StatusOr<Severity> ParseSeverity(absl::string_view text);
// For people: 提示, 预警, 紧急.
absl::string_view SeverityTitle(Severity severity);

struct QuietPolicy {
  // Office hours, as offsets from local midnight: [work_start, work_end).
  absl::Duration work_start = absl::Hours(8) + absl::Minutes(30);
  absl::Duration work_end = absl::Hours(18);
  // When held notifications are released on a working day. Must lie within office hours, so that
  // nothing arriving between work_start and digest_time is held past a moment it could have gone.
  absl::Duration digest_time = absl::Hours(8) + absl::Minutes(30);
  // Severities at or above this one ignore quiet hours.
  Severity send_at_once_from = Severity::kCritical;
};

// INVALID_ARGUMENT naming the field: times outside [0, 24h), work_start >= work_end, or a digest
// time outside office hours.
absl::Status ValidateQuietPolicy(const QuietPolicy& policy);

struct Timing {
  enum class Action { kSendNow, kHold };
  Action action = Action::kSendNow;
  absl::Time hold_until = absl::InfinitePast();  // kHold only: when the digest releases it
  std::string reason;                            // Chinese, for the delivery history

  bool send_now() const { return action == Action::kSendNow; }
};

// Decides for one notification arriving at `at`. INVALID_ARGUMENT for a bad policy;
// FAILED_PRECONDITION when `at` or the next working day lies in a year the calendar has not
// published (not for critical, which never consults it).
absl::StatusOr<Timing> Decide(Severity severity, absl::Time at, const WorkingDayCalendar& calendar,
                              const QuietPolicy& policy);

// "周一" … "周日".
absl::string_view WeekdayTitle(absl::Weekday weekday);

}  // namespace ys::notify
