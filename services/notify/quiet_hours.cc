#include "services/notify/quiet_hours.h"

#include "absl/strings/str_format.h"
#include "common/status/macros.h"
#include "common/time/clock.h"

namespace ys::notify {
namespace {

// "08:30" for an offset from midnight.
std::string ClockText(absl::Duration since_midnight) {
  const int64_t minutes = absl::ToInt64Minutes(since_midnight);
  return absl::StrFormat("%02d:%02d", minutes / 60, minutes % 60);
}

// "2022-10-17（周一）".
std::string DayText(absl::CivilDay day) {
  return absl::StrFormat("%s（%s）", FormatIsoDate(day), WeekdayTitle(absl::GetWeekday(day)));
}

bool IsWeekend(absl::CivilDay day) {
  const absl::Weekday wd = absl::GetWeekday(day);
  return wd == absl::Weekday::saturday || wd == absl::Weekday::sunday;
}

absl::Status CheckTimeOfDay(absl::Duration d, absl::string_view field) {
  if (d < absl::ZeroDuration() || d >= absl::Hours(24)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("quiet hours: %s %s is not a time of day in [00:00, 24:00)", field,
                        absl::FormatDuration(d)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::string_view SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kInfo:
      return "info";
    case Severity::kWarning:
      return "warning";
    case Severity::kCritical:
      return "critical";
  }
  return "info";
}

absl::StatusOr<Severity> ParseSeverity(absl::string_view text) {
  for (Severity s : {Severity::kInfo, Severity::kWarning, Severity::kCritical}) {
    if (text == SeverityName(s)) return s;
  }
  return absl::InvalidArgumentError(
      absl::StrFormat("severity '%s' is not one of info, warning, critical", text));
}

absl::string_view SeverityTitle(Severity severity) {
  switch (severity) {
    case Severity::kInfo:
      return "提示";
    case Severity::kWarning:
      return "预警";
    case Severity::kCritical:
      return "紧急";
  }
  return "提示";
}

absl::string_view WeekdayTitle(absl::Weekday weekday) {
  switch (weekday) {
    case absl::Weekday::monday:
      return "周一";
    case absl::Weekday::tuesday:
      return "周二";
    case absl::Weekday::wednesday:
      return "周三";
    case absl::Weekday::thursday:
      return "周四";
    case absl::Weekday::friday:
      return "周五";
    case absl::Weekday::saturday:
      return "周六";
    case absl::Weekday::sunday:
      return "周日";
  }
  return "";
}

absl::Status ValidateQuietPolicy(const QuietPolicy& policy) {
  RETURN_IF_ERROR(CheckTimeOfDay(policy.work_start, "work_start"));
  RETURN_IF_ERROR(CheckTimeOfDay(policy.digest_time, "digest_time"));
  if (policy.work_end <= policy.work_start || policy.work_end > absl::Hours(24)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("quiet hours: work_end %s must be after work_start %s and at most 24:00",
                        ClockText(policy.work_end), ClockText(policy.work_start)));
  }
  if (policy.digest_time < policy.work_start || policy.digest_time >= policy.work_end) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "quiet hours: digest_time %s must lie within office hours [%s, %s)",
        ClockText(policy.digest_time), ClockText(policy.work_start), ClockText(policy.work_end)));
  }
  return absl::OkStatus();
}

absl::StatusOr<Timing> Decide(Severity severity, absl::Time at, const WorkingDayCalendar& calendar,
                              const QuietPolicy& policy) {
  RETURN_IF_ERROR(ValidateQuietPolicy(policy));
  const absl::TimeZone& tz = Shanghai();
  const absl::CivilDay day = absl::ToCivilDay(at, tz);
  const absl::Duration time_of_day = at - absl::FromCivil(day, tz);
  const std::string when =
      absl::StrFormat("%s %s", WeekdayTitle(absl::GetWeekday(day)), ClockText(time_of_day));

  if (severity >= policy.send_at_once_from) {
    return Timing{Timing::Action::kSendNow, absl::InfinitePast(),
                  absl::StrFormat("%s级别，不受免打扰时段限制，立即发送（%s）",
                                  SeverityTitle(severity), when)};
  }

  ASSIGN_OR_RETURN(const bool working_day, calendar.IsWorkingDay(day));
  const WorkingDayCalendar::DayOverride* declared = calendar.Override(day);
  const bool office_hours = time_of_day >= policy.work_start && time_of_day < policy.work_end;
  if (working_day && office_hours) {
    if (declared != nullptr) {  // a make-up working day
      return Timing{Timing::Action::kSendNow, absl::InfinitePast(),
                    absl::StrFormat("工作时间（%s，%s调休上班日），立即发送", when, declared->name)};
    }
    return Timing{Timing::Action::kSendNow, absl::InfinitePast(),
                  absl::StrFormat("工作时间（%s），立即发送", when)};
  }

  // Held: today's digest when the office has not opened yet on a working day, else the next
  // working day's.
  std::string why = when;
  if (!working_day) {
    if (declared != nullptr) {
      why = absl::StrFormat("%s，%s假期", when, declared->name);
    } else if (IsWeekend(day)) {
      why = absl::StrFormat("%s，周末", when);
    }
  }
  if (working_day && time_of_day < policy.digest_time) {
    return Timing{Timing::Action::kHold, absl::FromCivil(day, tz) + policy.digest_time,
                  absl::StrFormat("非工作时间（%s），并入当天 %s 的汇总", why,
                                  ClockText(policy.digest_time))};
  }
  ASSIGN_OR_RETURN(const absl::CivilDay next, calendar.AddWorkingDays(day, 1));
  return Timing{Timing::Action::kHold, absl::FromCivil(next, tz) + policy.digest_time,
                absl::StrFormat("非工作时间（%s），并入下一个工作日 %s%s 的汇总", why,
                                DayText(next), ClockText(policy.digest_time))};
}

}  // namespace ys::notify
