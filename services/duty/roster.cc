#include "services/duty/roster.h"

#include <algorithm>
#include <functional>
#include <tuple>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "common/status/macros.h"
#include "common/time/clock.h"
#include "services/duty/compliance.h"

namespace ys::duty {

// Declared in compliance.h; defined here, with the roster, which names weeks first.
absl::CivilDay MondayOf(absl::CivilDay day) {
  return absl::PrevWeekday(day + 1, absl::Weekday::monday);
}

std::string IsoWeekName(absl::CivilDay day) {
  // ISO 8601: a week belongs to the year that holds its Thursday, and week 1 holds the year's first
  // Thursday — so 2022-01-02 is in 2021-W52 and 2024-12-30 in 2025-W01.
  const absl::CivilDay thursday = MondayOf(day) + 3;
  const int week = (absl::GetYearDay(thursday) - 1) / 7 + 1;
  return absl::StrFormat("%04d-W%02d", thursday.year(), week);
}

absl::StatusOr<std::optional<absl::CivilDay>> RosterPublishDay(absl::CivilDay any_day_of_week,
                                                               const WorkingDayCalendar& calendar) {
  // 细则 四1 "于每周第一个工作日…公布本周进驻单位领导坐班名单": 调休 aware, so a make-up Saturday counts.
  auto first = calendar.FirstWorkingDayOfWeek(any_day_of_week);
  if (absl::IsNotFound(first.status())) return std::nullopt;  // the whole week is off
  if (!first.ok()) return first.status();
  return std::optional<absl::CivilDay>(*first);
}

absl::StatusOr<bool> RosterDue(absl::CivilDay any_day_of_week, absl::Time now,
                               const WorkingDayCalendar& calendar, const RosterPolicy& policy) {
  ASSIGN_OR_RETURN(const std::optional<absl::CivilDay> publish,
                   RosterPublishDay(any_day_of_week, calendar));
  if (!publish.has_value()) return false;
  const absl::Time due = absl::FromCivil(absl::CivilMinute(*publish) + policy.publish_minutes, Shanghai());
  const absl::Time week_over = absl::FromCivil(MondayOf(any_day_of_week) + 7, Shanghai());
  return due <= now && now < week_over;
}

absl::StatusOr<pb::Roster> BuildRoster(absl::CivilDay any_day_of_week,
                                       const std::vector<pb::Registration>& registrations,
                                       const WorkingDayCalendar& calendar) {
  const absl::CivilDay monday = MondayOf(any_day_of_week);
  ASSIGN_OR_RETURN(const std::optional<absl::CivilDay> publish, RosterPublishDay(monday, calendar));
  pb::Roster roster;
  roster.set_week(IsoWeekName(monday));
  roster.set_week_start(FormatIsoDate(monday));
  if (publish.has_value()) roster.set_publish_date(FormatIsoDate(*publish));
  roster.set_no_working_day(!publish.has_value());
  for (const char* channel : kRosterChannels) roster.add_channels(channel);

  std::vector<const pb::Registration*> live;
  const std::string first = FormatIsoDate(monday);
  const std::string last = FormatIsoDate(monday + 6);
  for (const pb::Registration& r : registrations) {
    // ISO dates compare as strings; a registration of another week is not this week's to show.
    if (r.cancelled() || r.date() < first || r.date() > last) continue;
    live.push_back(&r);
  }
  std::sort(live.begin(), live.end(), [](const pb::Registration* a, const pb::Registration* b) {
    return std::forward_as_tuple(a->date(), a->session(), a->unit(), a->leader_name(), a->id()) <
           std::forward_as_tuple(b->date(), b->session(), b->unit(), b->leader_name(), b->id());
  });
  for (const pb::Registration* r : live) {
    pb::RosterEntry* e = roster.add_entries();
    e->set_date(r->date());
    e->set_unit(r->unit());
    e->set_window(r->window());
    e->set_window_name(r->window_name());
    e->set_leader_name(r->leader_name());
    e->set_title(r->title());
    e->set_session(r->session());
    e->set_registration_id(r->id());
  }
  return roster;
}

std::vector<ReminderDue> RemindersDue(const std::vector<pb::Registration>& registrations,
                                      absl::CivilDay today, const RosterPolicy& policy) {
  // Largest first, each reminder's window running until the next smaller one's day.
  std::vector<int> days;
  for (int d : policy.reminder_days) {
    if (d > 0) days.push_back(d);
  }
  std::sort(days.begin(), days.end(), std::greater<>());
  days.erase(std::unique(days.begin(), days.end()), days.end());

  std::vector<ReminderDue> out;
  for (const pb::Registration& r : registrations) {
    if (r.cancelled()) continue;
    auto date = ParseIsoDate(r.date());
    if (!date.ok() || today >= *date) continue;
    for (size_t i = 0; i < days.size(); ++i) {
      // A reminder whose day had passed when the leader was registered is not sent late: a sitting
      // registered 3 days ahead gets the 1-day reminder, not a "7 days to go" one.
      if (days[i] > r.days_ahead()) continue;
      const absl::CivilDay from = *date - days[i];
      const absl::CivilDay until = i + 1 < days.size() ? *date - days[i + 1] : *date;
      if (from <= today && today < until) out.push_back(ReminderDue{&r, days[i]});
    }
  }
  return out;
}

}  // namespace ys::duty
