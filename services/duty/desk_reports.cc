// What the centre reports: compliance, the weekly roster, iCalendar feeds, the .xlsx forms, the audit.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/grpc/paging.h"
#include "common/input/text_rules.h"
#include "common/status/macros.h"
#include "common/time/period.h"
#include "common/time/proto_time.h"
#include "services/duty/calendar_feed.h"
#include "services/duty/compliance.h"
#include "services/duty/desk.h"
#include "services/duty/roster.h"
#include "services/duty/staff_rules.h"
#include "services/duty/xlsx_export.h"

namespace ys::duty {
namespace {

absl::StatusOr<Period> ParseMonth(absl::string_view text, absl::string_view field) {
  absl::StatusOr<Period> p = Period::Parse(text);
  if (!p.ok() || p->kind() != Period::Kind::kMonth) {
    return absl::InvalidArgumentError(
        absl::StrFormat("field '%s': %s is not a month YYYY-MM", field, input::QuoteInput(text)));
  }
  return *p;
}

absl::StatusOr<absl::CivilDay> ParseDay(absl::string_view text, absl::string_view field) {
  absl::StatusOr<absl::CivilDay> d = ParseIsoDate(text);
  if (!d.ok()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("field '%s': %s is not a date YYYY-MM-DD", field, input::QuoteInput(text)));
  }
  return *d;
}

}  // namespace

absl::StatusOr<pb::ComplianceReport> DutyDesk::ComplianceIn(DutyTx& tx, const std::string& month,
                                                            const std::string& unit) {
  ASSIGN_OR_RETURN(Period period, ParseMonth(month, "month"));
  // Every record of the weeks the month may judge; no calendar needed to know the range.
  const auto [from, to] = RecordRangeForMonth(period.year(), period.index());
  RecordFilter f;
  f.from = FormatIsoDate(from);
  f.to = FormatIsoDate(to);
  ASSIGN_OR_RETURN(pb::Directory directory, tx.Directory());
  ASSIGN_OR_RETURN(std::vector<pb::DutyRecord> records, tx.Records(f));
  // What a record's hours count as under the hours in force now, for every record alike.
  for (pb::DutyRecord& r : records) {
    absl::StatusOr<int> start = ParseClockTime(r.start_time(), "start_time");
    absl::StatusOr<int> end = ParseClockTime(r.end_time(), "end_time");
    if (start.ok() && end.ok()) r.set_coverage(CoverageOf(settings_.hours, Span{*start, *end}));
  }
  ASSIGN_OR_RETURN(std::vector<pb::Exemption> exemptions, tx.Exemptions(month));
  // Everyone who was ever at a window: the domain decides who was there during the month.
  ASSIGN_OR_RETURN(std::vector<pb::StaffMember> staff, tx.Staff("", /*include_inactive=*/true));
  ComplianceInput input;
  input.directory = &directory;
  input.month = month;
  input.unit = unit;
  input.records = &records;
  input.exemptions = &exemptions;
  input.staff = &staff;
  input.today = Today();
  input.grace_working_days = settings_.registration.record_due_working_days;
  ASSIGN_OR_RETURN(pb::ComplianceReport report, ComputeCompliance(input, calendar_, settings_.hours));
  *report.mutable_as_of() = ToProtoTime(clock_.Now());
  return report;
}

absl::StatusOr<pb::ComplianceReport> DutyDesk::Compliance(const pb::GetComplianceRequest& request) {
  ASSIGN_OR_RETURN(std::string unit, ResolveUnit(request.unit(), "unit"));
  pb::ComplianceReport out;
  RETURN_IF_ERROR(store_.Read([&](DutyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(out, ComplianceIn(tx, request.month(), unit));
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<pb::Roster> DutyDesk::FreshRoster(DutyTx& tx, absl::CivilDay any_day) {
  const absl::CivilDay monday = MondayOf(any_day);
  RegistrationFilter f;
  f.from = FormatIsoDate(monday);
  f.to = FormatIsoDate(monday + 6);
  ASSIGN_OR_RETURN(std::vector<pb::Registration> registrations, tx.Registrations(f));
  return BuildRoster(any_day, registrations, calendar_);
}

absl::StatusOr<pb::Roster> DutyDesk::RosterIn(DutyTx& tx, absl::CivilDay any_day) {
  ASSIGN_OR_RETURN(pb::Roster roster, FreshRoster(tx, any_day));
  ASSIGN_OR_RETURN(std::optional<pb::Roster> published, tx.PublishedRoster(roster.week()));
  if (!published.has_value()) return roster;
  // What went out is what the week's roster is; a change since is said, not silently shown.
  auto entries = [](const pb::Roster& r) {
    std::string out;
    for (const pb::RosterEntry& e : r.entries()) out += e.SerializeAsString() + "\n";
    return out;
  };
  published->set_published(true);
  published->set_changed_since_published(entries(*published) != entries(roster));
  return *published;
}

absl::StatusOr<pb::Roster> DutyDesk::Roster(const pb::GetRosterRequest& request) {
  absl::CivilDay day = Today();
  if (!request.week_of().empty()) {
    ASSIGN_OR_RETURN(day, ParseDay(request.week_of(), "week_of"));
  }
  pb::Roster out;
  RETURN_IF_ERROR(store_.Read([&](DutyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(out, RosterIn(tx, day));
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<pb::Roster> DutyDesk::PublishRoster(const Actor& actor, const pb::PublishRosterRequest& request) {
  if (!actor.centre) return absl::PermissionDeniedError("the roster is published by the service centre (role centre)");
  ASSIGN_OR_RETURN(absl::CivilDay day, ParseDay(request.week_of(), "week_of"));
  pb::Roster out;
  RETURN_IF_ERROR(store_.Write([&](DutyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<pb::Roster> before, tx.PublishedRoster(IsoWeekName(day)));
    ASSIGN_OR_RETURN(out, FreshRoster(tx, day));
    if (out.no_working_day()) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "week %s has no working day: there is no 每周第一个工作日 to publish on", out.week()));
    }
    const bool again = before.has_value();
    out.set_published(true);
    *out.mutable_published_at() = ToProtoTime(clock_.Now());
    RETURN_IF_ERROR(tx.PutPublishedRoster(out));
    pb::DutyEvent event = NewEvent(
        absl::StrCat("duty-roster-", out.week(), "-", absl::ToUnixMillis(clock_.Now())),
        absl::StrFormat("%s 进驻单位领导坐班名单（%d 人次）%s", out.week(), out.entries_size(),
                        again ? "（更新）" : ""));
    *event.mutable_roster_published()->mutable_roster() = out;
    RETURN_IF_ERROR(tx.Emit(event, out.week()));
    return tx.Audit(AuditLine(actor, "roster_published", out.week(), nullptr, &out));
  }));
  return out;
}

absl::StatusOr<pb::Calendar> DutyDesk::Calendar(const pb::GetCalendarRequest& request) {
  if (request.leader().empty() == request.unit().empty()) {
    return absl::InvalidArgumentError("give one of fields 'leader' and 'unit'");
  }
  ASSIGN_OR_RETURN(std::string unit, ResolveUnit(request.unit(), "unit"));
  for (const auto& [field, value] : {std::pair{"from", request.from()}, std::pair{"to", request.to()}}) {
    if (!value.empty()) RETURN_IF_ERROR(ParseDay(value, field).status());
  }
  pb::Calendar out;
  RETURN_IF_ERROR(store_.Read([&](DutyTx& tx) -> absl::Status {
    RegistrationFilter f;
    f.from = request.from();
    f.to = request.to();
    f.include_cancelled = true;  // a cancelled sitting stays in the feed, STATUS:CANCELLED
    std::string title;
    if (!request.leader().empty()) {
      ASSIGN_OR_RETURN(pb::Directory directory, tx.Directory());
      ASSIGN_OR_RETURN(auto found, FindLeader(directory, request.leader(), ""));
      f.leader_id = found.second->id();
      title = absl::StrCat(found.second->name(), "（", found.first->name(), "）坐班安排");
      out.set_file_name(absl::StrCat("duty-", found.second->id(), ".ics"));
    } else {
      f.unit = unit;
      title = absl::StrCat(unit, " 领导窗口坐班安排");
      out.set_file_name("duty-unit.ics");
    }
    ASSIGN_OR_RETURN(std::vector<pb::Registration> registrations, tx.Registrations(f));
    ASSIGN_OR_RETURN(*out.mutable_ics(), RenderCalendar(title, registrations, settings_.hours, clock_.Now()));
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<pb::ExportResponse> DutyDesk::Export(const pb::ExportRequest& request) {
  ASSIGN_OR_RETURN(std::string unit, ResolveUnit(request.unit(), "unit"));
  pb::ExportResponse out;
  RETURN_IF_ERROR(store_.Read([&](DutyTx& tx) -> absl::Status {
    switch (request.form()) {
      case pb::FORM_REGISTRATIONS: {
        ASSIGN_OR_RETURN(Period month, ParseMonth(request.month(), "month"));
        RegistrationFilter f;
        f.unit = unit;
        f.from = FormatIsoDate(month.FirstDay());
        f.to = FormatIsoDate(month.LastDay());
        f.include_cancelled = true;
        ASSIGN_OR_RETURN(std::vector<pb::Registration> rows, tx.Registrations(f));
        ASSIGN_OR_RETURN(*out.mutable_xlsx(), RegistrationsXlsx(request.month(), rows));
        out.set_rows(static_cast<int>(rows.size()));
        out.set_file_name(absl::StrCat("表1-坐班登记表-", request.month(), ".xlsx"));
        return absl::OkStatus();
      }
      case pb::FORM_RECORDS: {
        ASSIGN_OR_RETURN(Period month, ParseMonth(request.month(), "month"));
        RecordFilter f;
        f.unit = unit;
        f.from = FormatIsoDate(month.FirstDay());
        f.to = FormatIsoDate(month.LastDay());
        ASSIGN_OR_RETURN(std::vector<pb::DutyRecord> rows, tx.Records(f));
        ASSIGN_OR_RETURN(*out.mutable_xlsx(), RecordsXlsx(rows));
        out.set_rows(static_cast<int>(rows.size()));
        out.set_file_name(absl::StrCat("表2-坐班情况记录单-", request.month(), ".xlsx"));
        return absl::OkStatus();
      }
      case pb::FORM_ROSTER: {
        absl::CivilDay day = Today();
        if (!request.week_of().empty()) {
    ASSIGN_OR_RETURN(day, ParseDay(request.week_of(), "week_of"));
  }
        ASSIGN_OR_RETURN(pb::Roster roster, RosterIn(tx, day));
        ASSIGN_OR_RETURN(*out.mutable_xlsx(), RosterXlsx(roster));
        out.set_rows(roster.entries_size());
        out.set_file_name(absl::StrCat("坐班名单-", roster.week(), ".xlsx"));
        return absl::OkStatus();
      }
      case pb::FORM_COMPLIANCE: {
        ASSIGN_OR_RETURN(pb::ComplianceReport report, ComplianceIn(tx, request.month(), unit));
        ASSIGN_OR_RETURN(*out.mutable_xlsx(), ComplianceXlsx(report));
        out.set_rows(report.lines_size());
        out.set_file_name(absl::StrCat("坐班落实情况-", request.month(), ".xlsx"));
        return absl::OkStatus();
      }
      case pb::FORM_STAFF: {
        ASSIGN_OR_RETURN(pb::Directory directory, tx.Directory());
        ASSIGN_OR_RETURN(std::vector<pb::StaffMember> staff, tx.Staff(unit, /*include_inactive=*/true));
        ASSIGN_OR_RETURN(std::vector<pb::Dismissal> dismissals, tx.Dismissals(unit));
        pb::StaffCheckReport check = duty::CheckStaff(directory, staff, dismissals, unit, Today(), settings_.staff);
        ASSIGN_OR_RETURN(*out.mutable_xlsx(), StaffXlsx(staff, check));
        out.set_rows(static_cast<int>(staff.size()));
        out.set_file_name(absl::StrCat("窗口工作人员-", FormatIsoDate(Today()), ".xlsx"));
        return absl::OkStatus();
      }
      default:
        return absl::InvalidArgumentError(
            "field 'form': one of FORM_REGISTRATIONS, FORM_RECORDS, FORM_ROSTER, FORM_COMPLIANCE, FORM_STAFF");
    }
  }));
  return out;
}

absl::StatusOr<pb::ListAuditResponse> DutyDesk::ListAudit(const pb::ListAuditRequest& request) {
  ASSIGN_OR_RETURN(PageWindow window, ParsePage(request.page()));
  pb::ListAuditResponse out;
  RETURN_IF_ERROR(store_.Read([&](DutyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<pb::AuditEntry> entries,
                     tx.AuditEntries(request.subject(), 0, static_cast<int>(window.offset + window.size + 1)));
    for (size_t i = window.offset; i < entries.size() && i < window.offset + window.size; ++i) {
      *out.add_entries() = entries[i];
    }
    out.mutable_page()->set_next_page_token(NextPageToken(window, entries.size()));
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace ys::duty
