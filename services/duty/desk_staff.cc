// Window staff (办法): the list each unit keeps, the checks, clock-in data, 一票清退.
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/input/text_rules.h"
#include "common/status/macros.h"
#include "common/time/period.h"
#include "common/time/proto_time.h"
#include "services/duty/desk.h"
#include "services/duty/staff_rules.h"

namespace ys::duty {
namespace {

// A unit key keeps its own unit's list; the centre keeps every unit's.
absl::Status CheckOwnUnit(const Actor& actor, const std::string& unit) {
  if (actor.centre) return absl::OkStatus();
  if (actor.unit.has_value() && *actor.unit == unit) return absl::OkStatus();
  if (actor.unit.has_value()) {
    return absl::PermissionDeniedError(
        absl::StrFormat("unit %s keeps its own window staff, not %s's", *actor.unit, unit));
  }
  return absl::PermissionDeniedError("window staff are kept by the service centre or the unit itself");
}

std::string DayText(absl::CivilDay d) { return FormatIsoDate(d); }

// The member `id` names, still at the window: NOT_FOUND naming `field`, FAILED_PRECONDITION when
// they already left.
absl::StatusOr<pb::StaffMember> ActiveMember(DutyTx& tx, const std::string& id, absl::string_view field) {
  ASSIGN_OR_RETURN(std::optional<pb::StaffMember> member, tx.StaffMember(id));
  if (!member.has_value()) {
    return absl::NotFoundError(absl::StrFormat("field '%s': no window staff %s", field, input::QuoteInput(id)));
  }
  if (!member->active()) {
    return absl::FailedPreconditionError(absl::StrFormat("%s already left on %s", member->id(), member->left_date()));
  }
  return *member;
}

}  // namespace

absl::StatusOr<pb::StaffMember> DutyDesk::AddStaff(const Actor& actor, const pb::AddStaffRequest& request) {
  pb::StaffMember member = request.member();
  ASSIGN_OR_RETURN(*member.mutable_unit(), ResolveUnit(member.unit(), "member.unit"));
  RETURN_IF_ERROR(CheckOwnUnit(actor, member.unit()));
  member.set_active(true);
  member.clear_left_date();
  member.clear_leave_letter();
  member.clear_leave_reason();
  RETURN_IF_ERROR(store_.Write([&](DutyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(pb::Directory directory, tx.Directory());
    RETURN_IF_ERROR(CheckNewStaff(member, directory));
    if (!member.clock_id().empty()) {
      ASSIGN_OR_RETURN(std::vector<pb::StaffMember> active, tx.Staff("", false));
      for (const pb::StaffMember& other : active) {
        if (other.clock_id() == member.clock_id()) {
          return absl::AlreadyExistsError(absl::StrFormat("field 'member.clock_id': %s is %s's (%s)",
                                                          member.clock_id(), other.name(), other.id()));
        }
      }
    }
    ASSIGN_OR_RETURN(*member.mutable_id(), tx.NextId("WS"));
    RETURN_IF_ERROR(tx.PutStaff(member));
    return tx.Audit(AuditLine(actor, "staff_added", member.id(), nullptr, &member));
  }));
  return member;
}

absl::StatusOr<pb::StaffMember> DutyDesk::RotateStaff(const Actor& actor, const pb::RotateStaffRequest& request) {
  pb::StaffMember out;
  RETURN_IF_ERROR(store_.Write([&](DutyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(pb::StaffMember member, ActiveMember(tx, request.id(), "id"));
    RETURN_IF_ERROR(CheckOwnUnit(actor, member.unit()));
    absl::CivilDay date = Today();
    if (!request.date().empty()) {
      absl::StatusOr<absl::CivilDay> d = ParseIsoDate(request.date());
      if (!d.ok()) return absl::InvalidArgumentError("field 'date': not a date YYYY-MM-DD");
      date = *d;
    }
    ASSIGN_OR_RETURN(out, DecideRotation(member, date, request.letter(), request.reason(), settings_.staff));
    RETURN_IF_ERROR(tx.PutStaff(out));
    return tx.Audit(AuditLine(actor, "staff_rotated", out.id(), &member, &out));
  }));
  return out;
}

absl::StatusOr<pb::ListStaffResponse> DutyDesk::ListStaff(const pb::ListStaffRequest& request) {
  ASSIGN_OR_RETURN(std::string unit, ResolveUnit(request.unit(), "unit"));
  pb::ListStaffResponse out;
  RETURN_IF_ERROR(store_.Read([&](DutyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<pb::StaffMember> staff, tx.Staff(unit, request.include_inactive()));
    for (pb::StaffMember& m : staff) *out.add_staff() = std::move(m);
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<pb::StaffCheckReport> DutyDesk::CheckStaff(const pb::StaffCheckRequest& request) {
  ASSIGN_OR_RETURN(std::string unit, ResolveUnit(request.unit(), "unit"));
  absl::CivilDay as_of = Today();
  if (!request.as_of().empty()) {
    absl::StatusOr<absl::CivilDay> d = ParseIsoDate(request.as_of());
    if (!d.ok()) return absl::InvalidArgumentError("field 'as_of': not a date YYYY-MM-DD");
    as_of = *d;
  }
  pb::StaffCheckReport out;
  RETURN_IF_ERROR(store_.Read([&](DutyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(pb::Directory directory, tx.Directory());
    ASSIGN_OR_RETURN(std::vector<pb::StaffMember> staff, tx.Staff(unit, /*include_inactive=*/true));
    ASSIGN_OR_RETURN(std::vector<pb::Dismissal> dismissals, tx.Dismissals(unit));
    out = duty::CheckStaff(directory, staff, dismissals, unit, as_of, settings_.staff);
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<pb::ImportAttendanceResponse> DutyDesk::ImportAttendance(const Actor& actor,
                                                                        const pb::ImportAttendanceRequest& request) {
  if (!actor.centre) return absl::PermissionDeniedError("clock-in data is imported by the service centre (role centre)");
  ParsedAttendance parsed = ParseAttendanceCsv(request.csv());
  pb::ImportAttendanceResponse out;
  for (std::string& e : parsed.errors) out.add_errors(std::move(e));
  RETURN_IF_ERROR(store_.Write([&](DutyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<pb::StaffMember> staff, tx.Staff("", /*include_inactive=*/true));
    // A clock id names whoever was at the window on the day (ids are reused after someone leaves).
    auto at_window = [&](const std::string& clock_id, const std::string& day) -> const pb::StaffMember* {
      for (const pb::StaffMember& m : staff) {
        if (m.clock_id() == clock_id && m.posted_date() <= day && (m.left_date().empty() || m.left_date() > day)) {
          return &m;
        }
      }
      return nullptr;
    };
    std::vector<AttendanceRow> rows;
    auto add_exception = [&](const AttendanceRow& row, const pb::StaffMember& m) {
      pb::AttendanceLine* line = out.add_exceptions();
      line->set_staff_id(row.staff_id);
      line->set_name(m.name());
      line->set_unit(m.unit());
      line->set_date(row.date);
      line->set_clock_in(row.clock_in);
      line->set_clock_out(row.clock_out);
      line->set_mark(row.mark);
    };
    for (const ClockDay& day : parsed.days) {
      const std::string date = DayText(day.date);
      const pb::StaffMember* member = at_window(day.clock_id, date);
      if (member == nullptr) {
        out.add_errors(absl::StrFormat("line %d: clock_id %s is not on a window's staff list on %s", day.line,
                                       input::QuoteInput(day.clock_id), date));
        continue;
      }
      absl::StatusOr<bool> working = calendar_.IsWorkingDay(day.date);
      if (!working.ok()) {
        out.add_errors(absl::StrFormat("line %d: %s", day.line, working.status().message()));
        continue;
      }
      if (!*working) continue;  // a day off: nothing to mark
      AttendanceRow row;
      row.staff_id = member->id();
      row.date = date;
      row.clock_in = day.clock_in.has_value() ? FormatClockTime(*day.clock_in) : "";
      row.clock_out = day.clock_out.has_value() ? FormatClockTime(*day.clock_out) : "";
      row.mark = MarkAttendance(day, settings_.staff);
      if (row.mark != pb::ATTENDANCE_MARK_ON_TIME) add_exception(row, *member);
      rows.push_back(std::move(row));
    }
    // 旷工: a working day of the file's range on which someone at a window has no row at all.
    for (const pb::AttendanceLine& absent : AbsentWithoutRow(staff, parsed.days, calendar_)) {
      AttendanceRow row;
      row.staff_id = absent.staff_id();
      row.date = absent.date();
      row.mark = pb::ATTENDANCE_MARK_ABSENT;
      *out.add_exceptions() = absent;
      rows.push_back(std::move(row));
    }
    out.set_rows(static_cast<int>(rows.size()));
    // All or nothing: a file with errors is reported, not half applied.
    if (request.validate_only() || out.errors_size() > 0) return absl::OkStatus();
    RETURN_IF_ERROR(tx.PutAttendance(rows));
    pb::AuditEntry audit = AuditLine(actor, "attendance_imported", "attendance", nullptr, nullptr);
    audit.set_after(absl::StrFormat("%d rows, %d exceptions", out.rows(), out.exceptions_size()));
    RETURN_IF_ERROR(tx.Audit(audit));
    out.set_applied(true);
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<pb::AttendanceReportResponse> DutyDesk::Attendance(const pb::AttendanceReportRequest& request) {
  ASSIGN_OR_RETURN(std::string unit, ResolveUnit(request.unit(), "unit"));
  absl::StatusOr<Period> month = Period::Parse(request.month());
  if (!month.ok() || month->kind() != Period::Kind::kMonth) {
    return absl::InvalidArgumentError("field 'month': not a month YYYY-MM");
  }
  pb::AttendanceReportResponse out;
  RETURN_IF_ERROR(store_.Read([&](DutyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<pb::StaffMember> staff, tx.Staff(unit, /*include_inactive=*/true));
    std::map<std::string, const pb::StaffMember*> by_id;
    for (const pb::StaffMember& m : staff) by_id[m.id()] = &m;
    ASSIGN_OR_RETURN(std::vector<AttendanceRow> rows,
                     tx.Attendance(FormatIsoDate(month->FirstDay()), FormatIsoDate(month->LastDay())));
    for (const AttendanceRow& row : rows) {
      auto it = by_id.find(row.staff_id);
      if (it == by_id.end()) continue;  // another unit's
      out.set_days_checked(out.days_checked() + 1);
      if (row.mark == pb::ATTENDANCE_MARK_ON_TIME) continue;
      pb::AttendanceLine* line = out.add_exceptions();
      line->set_staff_id(row.staff_id);
      line->set_name(it->second->name());
      line->set_unit(it->second->unit());
      line->set_date(row.date);
      line->set_clock_in(row.clock_in);
      line->set_clock_out(row.clock_out);
      line->set_mark(row.mark);
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<pb::Dismissal> DutyDesk::Dismiss(const Actor& actor, const pb::DismissRequest& request) {
  if (!actor.centre) return absl::PermissionDeniedError("一票清退 is the service centre's decision (办法 12; role centre)");
  pb::Dismissal out;
  RETURN_IF_ERROR(store_.Write([&](DutyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(pb::StaffMember member, ActiveMember(tx, request.staff_id(), "staff_id"));
    ASSIGN_OR_RETURN(out, DecideDismissal(request, member, calendar_, settings_.staff));
    ASSIGN_OR_RETURN(*out.mutable_id(), tx.NextId("QT"));
    *out.mutable_recorded_at() = ToProtoTime(clock_.Now());
    out.set_recorded_by(actor.name);
    pb::StaffMember left = member;
    left.set_active(false);
    left.set_left_date(out.date());
    left.set_leave_reason(kLeaveReasonDismissal);
    left.set_leave_letter(out.letter());
    RETURN_IF_ERROR(tx.PutStaff(left));
    RETURN_IF_ERROR(tx.PutDismissal(out));
    RETURN_IF_ERROR(tx.Audit(AuditLine(actor, "staff_dismissed", left.id(), &member, &left)));
    return tx.Audit(AuditLine(actor, "dismissal_recorded", out.id(), nullptr, &out));
  }));
  return out;
}

absl::StatusOr<pb::Dismissal> DutyDesk::RecordReplacement(const Actor& actor, const pb::ReplaceRequest& request) {
  pb::Dismissal out;
  RETURN_IF_ERROR(store_.Write([&](DutyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<pb::Dismissal> dismissal, tx.Dismissal(request.dismissal_id()));
    if (!dismissal.has_value()) {
      return absl::NotFoundError(absl::StrFormat("field 'dismissal_id': no dismissal %s",
                                                 input::QuoteInput(request.dismissal_id())));
    }
    RETURN_IF_ERROR(CheckOwnUnit(actor, dismissal->unit()));
    ASSIGN_OR_RETURN(std::optional<pb::StaffMember> replacement, tx.StaffMember(request.replacement_id()));
    if (!replacement.has_value() || !replacement->active() || replacement->unit() != dismissal->unit()) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "field 'replacement_id': %s is not an active window staff member of %s (add them with AddStaff first)",
          input::QuoteInput(request.replacement_id()), dismissal->unit()));
    }
    if (!dismissal->replacement_id().empty()) {
      return absl::FailedPreconditionError(absl::StrFormat("%s was already replaced by %s", dismissal->id(),
                                                           dismissal->replacement_id()));
    }
    out = *dismissal;
    out.set_replacement_id(replacement->id());
    out.set_replacement_overdue(false);
    RETURN_IF_ERROR(tx.PutDismissal(out));
    return tx.Audit(AuditLine(actor, "replacement_recorded", out.id(), &*dismissal, &out));
  }));
  return out;
}

absl::StatusOr<pb::ListDismissalsResponse> DutyDesk::ListDismissals(const pb::ListDismissalsRequest& request) {
  ASSIGN_OR_RETURN(std::string unit, ResolveUnit(request.unit(), "unit"));
  pb::ListDismissalsResponse out;
  const absl::CivilDay today = Today();
  RETURN_IF_ERROR(store_.Read([&](DutyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<pb::Dismissal> dismissals, tx.Dismissals(unit));
    for (pb::Dismissal& d : dismissals) {
      d.set_replacement_overdue(ReplacementOverdue(d, today));
      *out.add_dismissals() = std::move(d);
    }
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace ys::duty
