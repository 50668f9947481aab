#include "services/duty/registration_rules.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/input/text_rules.h"
#include "common/status/macros.h"
#include "services/duty/directory.h"

namespace ys::duty {
namespace {

// Debian's abseil has its own string_view, not std's.
absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// 细则 二: who sits. The 行政审批科长 is posted at the window every day (二3), which is not a sitting.
constexpr char kPlanSitters[] = "“坐班”制的人员为市政务服务中心进驻单位的主要领导、分管领导";

struct LeaderMatch {
  const pb::ResidentUnit* unit;
  const pb::Leader* leader;
};

// Every leader named `leader` by id, else by name, in `unit` (every unit when empty).
std::vector<LeaderMatch> MatchLeaders(const pb::Directory& directory, std::string_view leader,
                                      std::string_view unit) {
  std::vector<LeaderMatch> by_name;
  for (const pb::ResidentUnit& u : directory.units()) {
    if (!unit.empty() && u.name() != unit) continue;
    for (const pb::Leader& l : u.leaders()) {
      // Ids are unique in the directory (the import refuses a repeated one): an id match is the one.
      if (l.id() == leader) return {{&u, &l}};
      if (l.name() == leader) by_name.push_back({&u, &l});
    }
  }
  return by_name;
}

std::string LeaderLabel(const pb::Leader& leader) {
  return absl::StrFormat("%s (%s)", leader.name(), leader.id());
}

bool SessionsOverlap(pb::Session a, pb::Session b) {
  return a == b || a == pb::SESSION_WHOLE_DAY || b == pb::SESSION_WHOLE_DAY;
}

absl::StatusOr<absl::CivilDay> ParseDateField(std::string_view field, std::string_view text) {
  if (text.empty()) return absl::InvalidArgumentError(absl::StrFormat("field '%s' is required", field));
  auto day = ParseIsoDate(Absl(text));
  if (!day.ok()) {
    return absl::InvalidArgumentError(absl::StrFormat("field '%s': %s is not a date (YYYY-MM-DD)",
                                                      field, input::QuoteInput(Absl(text))));
  }
  return *day;
}

// A unit key acts for its own unit only; the centre (and the office acting as it) for any.
absl::Status CheckActsFor(const Actor& actor, std::string_view unit, std::string_view what) {
  if (actor.centre) return absl::OkStatus();
  if (!actor.unit.has_value()) {
    return absl::PermissionDeniedError(
        absl::StrFormat("only the centre or a resident unit's key may %s", what));
  }
  if (*actor.unit != unit) {
    return absl::PermissionDeniedError(absl::StrFormat(
        "the key of %s may %s for its own unit only, not for %s", *actor.unit, what, unit));
  }
  return absl::OkStatus();
}

absl::Status CheckSits(const pb::Leader& leader) {
  if (leader.role() == pb::LEADER_ROLE_MAIN || leader.role() == pb::LEADER_ROLE_DEPUTY) {
    return absl::OkStatus();
  }
  if (leader.role() == pb::LEADER_ROLE_APPROVAL_CHIEF) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "leader %s is a 行政审批科长, posted at the window every day, not a sitting leader (细则 二 %s)",
        LeaderLabel(leader), kPlanSitters));
  }
  return absl::InvalidArgumentError(absl::StrFormat(
      "leader %s has no role in the directory (细则 二 %s)", LeaderLabel(leader), kPlanSitters));
}

// The window `code` of `unit`, or its only window when `code` is empty.
absl::StatusOr<const pb::Window*> ResolveWindow(const pb::ResidentUnit& unit, std::string_view code) {
  std::vector<std::string> codes;
  for (const pb::Window& w : unit.windows()) {
    if (!code.empty() && w.code() == code) return &w;
    codes.push_back(w.code());
  }
  if (unit.windows().empty()) {
    return absl::FailedPreconditionError(
        absl::StrFormat("unit %s has no window in the directory", unit.name()));
  }
  if (code.empty()) {
    if (unit.windows_size() == 1) return &unit.windows(0);
    return absl::InvalidArgumentError(absl::StrFormat(
        "field 'window' is required: %s has %d windows (%s)", unit.name(), unit.windows_size(),
        absl::StrJoin(codes, ", ")));
  }
  return absl::InvalidArgumentError(absl::StrFormat("field 'window': %s is not a window of %s (%s)",
                                                    input::QuoteInput(Absl(code)), unit.name(),
                                                    absl::StrJoin(codes, ", ")));
}

absl::string_view Blank(std::string_view text) { return absl::StripAsciiWhitespace(Absl(text)); }

absl::StatusOr<const pb::ResidentUnit*> ResolveUnit(const pb::Directory& directory,
                                                    std::string_view unit) {
  if (const pb::ResidentUnit* u = FindUnit(directory, unit)) return u;
  return absl::NotFoundError(absl::StrFormat(
      "field 'unit': %s is not resident at the centre (not in the directory)",
      input::QuoteInput(Absl(unit))));
}

// 表1 and 表2 are about a working day of the centre: a weekend or an official holiday is named.
absl::Status CheckWorkingDay(const WorkingDayCalendar& calendar, absl::CivilDay date) {
  ASSIGN_OR_RETURN(const bool working, calendar.IsWorkingDay(date));
  if (working) return absl::OkStatus();
  const WorkingDayCalendar::DayOverride* o = calendar.Override(date);
  std::string why = o != nullptr ? o->name : "";
  if (why.empty()) why = absl::GetWeekday(date) == absl::Weekday::sunday ? "星期日" : "星期六";
  return absl::InvalidArgumentError(
      absl::StrFormat("date %s is not a working day (%s)", FormatIsoDate(date), why));
}

// The leader a form names and its unit. The unit is the request's, else a unit key's own; the
// leader is found by id or by name within it (across units when no unit is known, which only the
// centre may leave open). A unit key naming another unit, or its own unit and a leader of another,
// is refused as acting for another unit (PERMISSION_DENIED naming both), not taken for a typo.
absl::StatusOr<LeaderMatch> ResolveFormLeader(const pb::Directory& directory, std::string_view requested_unit,
                                              std::string_view leader, const Actor& actor,
                                              std::string_view what) {
  if (!actor.centre && !actor.unit.has_value()) return CheckActsFor(actor, "", what);
  std::string unit_name(requested_unit);
  if (unit_name.empty() && !actor.centre) unit_name = *actor.unit;
  if (!unit_name.empty()) {
    RETURN_IF_ERROR(ResolveUnit(directory, unit_name).status());
    RETURN_IF_ERROR(CheckActsFor(actor, unit_name, what));
    if (!actor.centre && !leader.empty() && MatchLeaders(directory, leader, unit_name).empty()) {
      std::vector<std::string> elsewhere;
      for (const LeaderMatch& m : MatchLeaders(directory, leader, "")) {
        elsewhere.push_back(absl::StrFormat("%s of %s", LeaderLabel(*m.leader), m.unit->name()));
      }
      if (!elsewhere.empty()) {
        return absl::PermissionDeniedError(absl::StrFormat(
            "the key of %s may %s for its own unit only: %s is a leader of another unit (%s)", unit_name,
            what, input::QuoteInput(Absl(leader)), absl::StrJoin(elsewhere, ", ")));
      }
    }
  }
  ASSIGN_OR_RETURN(auto found, FindLeader(directory, leader, unit_name));
  RETURN_IF_ERROR(CheckActsFor(actor, found.first->name(), what));
  return LeaderMatch{found.first, found.second};
}

}  // namespace

const pb::ResidentUnit* FindUnit(const pb::Directory& directory, std::string_view unit) {
  for (const pb::ResidentUnit& u : directory.units()) {
    if (u.name() == unit) return &u;
  }
  return nullptr;
}

absl::StatusOr<std::pair<const pb::ResidentUnit*, const pb::Leader*>> FindLeader(
    const pb::Directory& directory, std::string_view leader, std::string_view unit) {
  if (leader.empty()) return absl::InvalidArgumentError("field 'leader' is required (an id or a name)");
  if (!unit.empty()) RETURN_IF_ERROR(ResolveUnit(directory, unit).status());
  std::vector<LeaderMatch> matches = MatchLeaders(directory, leader, unit);
  if (matches.size() == 1) return std::make_pair(matches[0].unit, matches[0].leader);
  if (matches.size() > 1) {
    std::vector<std::string> ids;
    for (const LeaderMatch& m : matches) ids.push_back(absl::StrFormat("%s of %s", m.leader->id(), m.unit->name()));
    return absl::InvalidArgumentError(absl::StrFormat(
        "field 'leader': %d leaders are named %s (%s): give the leader's id", matches.size(),
        input::QuoteInput(Absl(leader)), absl::StrJoin(ids, ", ")));
  }
  if (!unit.empty()) {
    std::vector<LeaderMatch> elsewhere = MatchLeaders(directory, leader, "");
    if (elsewhere.size() == 1) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "field 'leader': %s is a leader of %s, not of %s", LeaderLabel(*elsewhere[0].leader),
          elsewhere[0].unit->name(), unit));
    }
    return absl::NotFoundError(absl::StrFormat("field 'leader': %s is not a leader of %s in the directory",
                                               input::QuoteInput(Absl(leader)), unit));
  }
  return absl::NotFoundError(
      absl::StrFormat("field 'leader': %s is not a leader in the directory", input::QuoteInput(Absl(leader))));
}

absl::StatusOr<pb::Registration> DecideRegistration(const pb::RegisterRequest& request,
                                                    const pb::Directory& directory,
                                                    const WorkingDayCalendar& calendar,
                                                    const std::vector<pb::Registration>& same_day,
                                                    const Actor& actor, absl::CivilDay today,
                                                    const RegistrationPolicy& policy) {
  // 纸质或电子版: paper forms reach the centre's 管理科, which enters them.
  if (request.paper() && !actor.centre) {
    return absl::PermissionDeniedError("field 'paper': only the centre's 管理科 enters paper forms");
  }
  ASSIGN_OR_RETURN(const absl::CivilDay date, ParseDateField("date", request.date()));
  // A paper form counts from the day the centre received it, not the day 管理科 types it in.
  absl::CivilDay counted_from = today;
  const bool received = !request.received_on().empty();
  if (received) {
    if (!request.paper()) {
      return absl::InvalidArgumentError(
          "field 'received_on' goes with a paper form only (paper): an electronic form counts from "
          "the day it is registered");
    }
    ASSIGN_OR_RETURN(counted_from, ParseDateField("received_on", request.received_on()));
    if (counted_from > today) {
      return absl::InvalidArgumentError(absl::StrFormat("field 'received_on': %s is after today (%s)",
                                                        FormatIsoDate(counted_from), FormatIsoDate(today)));
    }
  }
  if (request.session() == pb::SESSION_UNSPECIFIED || !pb::Session_IsValid(request.session())) {
    return absl::InvalidArgumentError("field 'session' is required: 上午, 下午 or 全天");
  }

  ASSIGN_OR_RETURN(const LeaderMatch found,
                   ResolveFormLeader(directory, request.unit(), request.leader(), actor, "register leaders"));
  const pb::ResidentUnit& unit = *found.unit;
  const pb::Leader& leader = *found.leader;
  RETURN_IF_ERROR(CheckSits(leader));
  ASSIGN_OR_RETURN(const pb::Window* window, ResolveWindow(unit, request.window()));

  const std::string date_text = FormatIsoDate(date);
  if (date < counted_from) {
    if (received) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "date %s is before received_on %s: a form is registered before its sitting", date_text,
          FormatIsoDate(counted_from)));
    }
    return absl::InvalidArgumentError(absl::StrFormat("date %s is in the past (today is %s)", date_text,
                                                      FormatIsoDate(today)));
  }
  RETURN_IF_ERROR(CheckWorkingDay(calendar, date));

  // No double booking: a leader sits once per half day; 全天 holds both halves.
  for (const pb::Registration& other : same_day) {
    if (other.cancelled() || other.leader_id() != leader.id() || other.date() != date_text) continue;
    if (SessionsOverlap(other.session(), request.session())) {
      return absl::AlreadyExistsError(absl::StrFormat(
          "leader %s is already registered on %s %s (%s): %s overlaps it", LeaderLabel(leader),
          date_text, SessionName(other.session()), other.id(), SessionName(request.session())));
    }
  }

  pb::Registration r;
  r.set_date(date_text);
  r.set_unit(unit.name());
  r.set_window(window->code());
  r.set_window_name(window->name());
  r.set_leader_id(leader.id());
  r.set_leader_name(leader.name());
  r.set_title(leader.title());
  r.set_role(leader.role());
  r.set_session(request.session());
  r.set_paper(request.paper());
  if (received) r.set_received_on(FormatIsoDate(counted_from));
  // 细则 四1 "提前一周": a later registration is accepted and flagged, not refused.
  const int days_ahead = static_cast<int>(date - counted_from);
  r.set_days_ahead(days_ahead);
  r.set_late(days_ahead < policy.days_ahead);
  auto due = RecordDueDay(date, calendar, policy);
  if (due.ok()) {
    r.set_record_due_date(FormatIsoDate(*due));
  } else if (!absl::IsFailedPrecondition(due.status())) {
    return due.status();
  }
  // else: the due day falls in a year whose arrangement is not published yet (a sitting in the last
  // days of December); the date itself is a working day, so the registration stands without a due
  // day rather than with a guessed one, and is never flagged overdue.
  return r;
}

absl::Status CheckCancellation(const pb::Registration& registration, std::string_view reason,
                               const Actor& actor, absl::CivilDay today) {
  RETURN_IF_ERROR(CheckActsFor(actor, registration.unit(), "cancel registrations"));
  if (registration.cancelled()) {
    return absl::FailedPreconditionError(
        absl::StrFormat("registration %s is already cancelled", registration.id()));
  }
  if (!registration.record_id().empty()) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "registration %s has record %s: a sitting that took place cannot be cancelled", registration.id(),
        registration.record_id()));
  }
  // Local policy (the plan says nothing of cancelling): the week's roster has gone out with the
  // sitting on it, so from its day on a unit no longer takes it back by itself; the centre, which
  // publishes the roster, still may, with its reason.
  if (!actor.centre) {
    ASSIGN_OR_RETURN(const absl::CivilDay date, ParseDateField("date", registration.date()));
    if (today >= date) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "registration %s is for %s (today is %s): a unit's key cancels before the sitting's day; "
          "from that day on the centre cancels it, with its reason",
          registration.id(), registration.date(), FormatIsoDate(today)));
    }
  }
  if (Blank(reason).empty()) {
    return absl::InvalidArgumentError("field 'reason' is required to cancel a registration");
  }
  return input::CheckText("reason", Absl(reason), input::TextKind::kFreeText, input::InputLimits{});
}

absl::StatusOr<absl::CivilDay> RecordDueDay(absl::CivilDay date, const WorkingDayCalendar& calendar,
                                            const RegistrationPolicy& policy) {
  if (policy.record_due_working_days < 0) {
    return absl::InvalidArgumentError("record_due_working_days must not be negative");
  }
  // 细则 四1 "坐班结束后…及时总结": "及时" is record_due_working_days working days (local policy).
  return calendar.AddWorkingDays(date, policy.record_due_working_days);
}

bool RecordOverdue(const pb::Registration& registration, absl::CivilDay today) {
  if (registration.cancelled() || !registration.record_id().empty()) return false;
  auto due = ParseIsoDate(registration.record_due_date());
  return due.ok() && today > *due;
}

absl::StatusOr<pb::DutyRecord> DecideRecord(const pb::FileRecordRequest& request,
                                            const std::optional<pb::Registration>& registration,
                                            const pb::Directory& directory, const DutyHours& hours,
                                            const WorkingDayCalendar& calendar,
                                            const std::vector<pb::DutyRecord>& same_day_records,
                                            const Actor& actor, absl::CivilDay today) {
  if (request.paper() && !actor.centre) {
    return absl::PermissionDeniedError("field 'paper': only the centre's 管理科 enters paper forms");
  }
  pb::DutyRecord record;
  absl::CivilDay date;
  Span sitting;
  if (registration.has_value()) {
    const pb::Registration& r = *registration;
    RETURN_IF_ERROR(CheckActsFor(actor, r.unit(), "file records"));
    if (!request.registration_id().empty() && request.registration_id() != r.id()) {
      return absl::InvalidArgumentError(absl::StrFormat("field 'registration_id': %s is not registration %s",
                                                        input::QuoteInput(request.registration_id()), r.id()));
    }
    if (r.cancelled()) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "registration %s was cancelled: file the sitting without a registration if it took place", r.id()));
    }
    if (!r.record_id().empty()) {
      return absl::AlreadyExistsError(
          absl::StrFormat("registration %s already has record %s", r.id(), r.record_id()));
    }
    auto contradicts = [&](std::string_view field, std::string_view given, std::string_view registered) {
      return absl::InvalidArgumentError(absl::StrFormat("field '%s': %s does not match registration %s (%s)",
                                                        field, input::QuoteInput(Absl(given)), r.id(), registered));
    };
    if (!request.date().empty() && request.date() != r.date()) return contradicts("date", request.date(), r.date());
    if (!request.unit().empty() && request.unit() != r.unit()) return contradicts("unit", request.unit(), r.unit());
    if (!request.leader().empty() && request.leader() != r.leader_id() && request.leader() != r.leader_name()) {
      return contradicts("leader", request.leader(),
                         absl::StrFormat("%s (%s)", r.leader_name(), r.leader_id()));
    }
    if (!request.window().empty() && request.window() != r.window()) {
      return contradicts("window", request.window(), r.window());
    }
    ASSIGN_OR_RETURN(date, ParseDateField("date", r.date()));
    record.set_registration_id(r.id());
    record.set_unit(r.unit());
    record.set_leader_id(r.leader_id());
    record.set_leader_name(r.leader_name());
    record.set_title(r.title());
    record.set_window(r.window());
    record.set_window_name(r.window_name());
    sitting = hours.Of(r.session());
    // 补报: filed after the day it was due (record_due_working_days, local policy). Counted all the
    // same (it says what happened) and shown. No due day (an unpublished year's): never late.
    auto due = ParseIsoDate(r.record_due_date());
    record.set_filed_late(due.ok() && today > *due);
  } else {
    // An unregistered sitting: the record stands on its own (registration_id stays empty).
    ASSIGN_OR_RETURN(const LeaderMatch found,
                     ResolveFormLeader(directory, request.unit(), request.leader(), actor, "file records"));
    RETURN_IF_ERROR(CheckSits(*found.leader));
    ASSIGN_OR_RETURN(const pb::Window* window, ResolveWindow(*found.unit, request.window()));
    ASSIGN_OR_RETURN(date, ParseDateField("date", request.date()));
    if (request.start_time().empty() || request.end_time().empty()) {
      return absl::InvalidArgumentError(
          "fields 'start_time' and 'end_time' are required without a registration (坐班时间)");
    }
    record.set_unit(found.unit->name());
    record.set_leader_id(found.leader->id());
    record.set_leader_name(found.leader->name());
    record.set_title(found.leader->title());
    record.set_window(window->code());
    record.set_window_name(window->name());
  }

  // 细则 四1 "坐班结束后…填写…情况记录单": a record follows the sitting.
  if (date > today) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "date %s is after today (%s): a record is filed after the sitting (%s)", FormatIsoDate(date),
        FormatIsoDate(today), kPlanRecordAfter));
  }
  RETURN_IF_ERROR(CheckWorkingDay(calendar, date));
  if (!request.start_time().empty()) {
    ASSIGN_OR_RETURN(sitting.start, ParseClockTime(request.start_time(), "start_time"));
  }
  if (!request.end_time().empty()) {
    ASSIGN_OR_RETURN(sitting.end, ParseClockTime(request.end_time(), "end_time"));
  }
  if (sitting.end <= sitting.start) {
    return absl::InvalidArgumentError(absl::StrFormat("field 'end_time': %s is not after start_time %s",
                                                      FormatClockTime(sitting.end),
                                                      FormatClockTime(sitting.start)));
  }

  // A leader sits at one window at a time: a second record over the same hours is the same sitting
  // filed twice (or a slip of the hours), whether or not either was registered.
  const std::string date_text = FormatIsoDate(date);
  for (const pb::DutyRecord& other : same_day_records) {
    if (other.leader_id() != record.leader_id() || other.date() != date_text) continue;
    auto start = ParseClockTime(other.start_time(), "start_time");
    auto end = ParseClockTime(other.end_time(), "end_time");
    if (!start.ok() || !end.ok()) {
      return absl::DataLossError(absl::StrFormat("stored record %s has unreadable hours %s–%s", other.id(),
                                                 other.start_time(), other.end_time()));
    }
    if (sitting.start < *end && *start < sitting.end) {
      return absl::AlreadyExistsError(absl::StrFormat(
          "leader %s (%s) already has record %s on %s %s–%s: %s–%s overlaps it", record.leader_name(),
          record.leader_id(), other.id(), date_text, other.start_time(), other.end_time(),
          FormatClockTime(sitting.start), FormatClockTime(sitting.end)));
    }
  }

  // 表2's text boxes: prose, within the input rules (no control characters, valid UTF-8, bounded).
  const input::InputLimits limits;
  if (Blank(request.summary()).empty()) {
    return absl::InvalidArgumentError("field 'summary' (坐班基本情况) is required");
  }
  RETURN_IF_ERROR(input::CheckText("summary", request.summary(), input::TextKind::kFreeText, limits));
  RETURN_IF_ERROR(input::CheckText("problems", request.problems(), input::TextKind::kFreeText, limits));
  RETURN_IF_ERROR(input::CheckText("suggestions", request.suggestions(), input::TextKind::kFreeText, limits));
  RETURN_IF_ERROR(input::CheckText("other", request.other(), input::TextKind::kFreeText, limits));

  record.set_date(date_text);
  record.set_start_time(FormatClockTime(sitting.start));
  record.set_end_time(FormatClockTime(sitting.end));
  record.set_summary(request.summary());
  record.set_problems(request.problems());
  record.set_suggestions(request.suggestions());
  record.set_other(request.other());
  record.set_paper(request.paper());
  record.set_coverage(CoverageOf(hours, sitting));
  return record;
}

}  // namespace ys::duty
