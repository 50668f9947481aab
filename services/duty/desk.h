#pragma once

// What the service centre's desk does with each form: load what the decision needs, ask the domain,
// write the result with its audit line and its events in one unit of work. The gRPC service and the
// scheduler both go through here; neither decides.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/grpc/unit_directory.h"
#include "common/time/calendar.h"
#include "common/time/clock.h"
#include "common/time/period.h"
#include "services/duty/registration_rules.h"
#include "services/duty/settings.h"
#include "services/duty/store.h"
#include "yingshang/duty/v1/duty.pb.h"

namespace ys::duty {

class DutyDesk {
 public:
  DutyDesk(DutyStore& store, const Clock& clock, const WorkingDayCalendar& calendar,
           const DutySettings& settings, const UnitDirectory& units)
      : store_(store), clock_(clock), calendar_(calendar), settings_(settings), units_(units) {}

  // --- the directory (centre) ---
  absl::StatusOr<pb::ImportDirectoryResponse> ImportDirectory(const Actor& actor,
                                                              const pb::ImportDirectoryRequest& request);
  absl::StatusOr<pb::Directory> GetDirectory(const pb::GetDirectoryRequest& request);

  // --- 表1 and 表2 (units for their own leaders; the centre for any, paper forms too) ---
  absl::StatusOr<pb::Registration> Register(const Actor& actor, const pb::RegisterRequest& request);
  absl::StatusOr<pb::Registration> Cancel(const Actor& actor, const pb::CancelRegistrationRequest& request);
  absl::StatusOr<pb::ListRegistrationsResponse> ListRegistrations(const pb::ListRegistrationsRequest& request);
  absl::StatusOr<pb::DutyRecord> FileRecord(const Actor& actor, const pb::FileRecordRequest& request);
  absl::StatusOr<pb::ListRecordsResponse> ListRecords(const pb::ListRecordsRequest& request);
  absl::StatusOr<pb::Exemption> GrantExemption(const Actor& actor, const pb::GrantExemptionRequest& request);

  // --- what the centre reports ---
  absl::StatusOr<pb::ComplianceReport> Compliance(const pb::GetComplianceRequest& request);
  absl::StatusOr<pb::Roster> Roster(const pb::GetRosterRequest& request);
  // Publishes week W's roster (again, when it was): stores it and emits RosterPublished.
  absl::StatusOr<pb::Roster> PublishRoster(const Actor& actor, const pb::PublishRosterRequest& request);
  absl::StatusOr<pb::Calendar> Calendar(const pb::GetCalendarRequest& request);
  absl::StatusOr<pb::ExportResponse> Export(const pb::ExportRequest& request);
  absl::StatusOr<pb::ListAuditResponse> ListAudit(const pb::ListAuditRequest& request);

  // --- window staff (办法) ---
  absl::StatusOr<pb::StaffMember> AddStaff(const Actor& actor, const pb::AddStaffRequest& request);
  absl::StatusOr<pb::StaffMember> RotateStaff(const Actor& actor, const pb::RotateStaffRequest& request);
  absl::StatusOr<pb::ListStaffResponse> ListStaff(const pb::ListStaffRequest& request);
  absl::StatusOr<pb::StaffCheckReport> CheckStaff(const pb::StaffCheckRequest& request);
  absl::StatusOr<pb::ImportAttendanceResponse> ImportAttendance(const Actor& actor,
                                                                const pb::ImportAttendanceRequest& request);
  absl::StatusOr<pb::AttendanceReportResponse> Attendance(const pb::AttendanceReportRequest& request);
  absl::StatusOr<pb::Dismissal> Dismiss(const Actor& actor, const pb::DismissRequest& request);
  absl::StatusOr<pb::Dismissal> RecordReplacement(const Actor& actor, const pb::ReplaceRequest& request);
  absl::StatusOr<pb::ListDismissalsResponse> ListDismissals(const pb::ListDismissalsRequest& request);

  // --- what the scheduler runs (each once: a restart or a second replica sends nothing twice) ---
  struct SweepResult {
    int rosters_published = 0;
    int reminders = 0;
    int records_overdue = 0;
    int reports_issued = 0;
    int violations = 0;
    int replacements_overdue = 0;
  };
  absl::StatusOr<SweepResult> Sweep();

  // A unit name as a request wrote it, resolved through the catalog's aliases; INVALID_ARGUMENT
  // naming `field` when unknown. "" stays "".
  absl::StatusOr<std::string> ResolveUnit(absl::string_view name, absl::string_view field) const;

 private:
  absl::CivilDay Today() const;
  // The day a month's compliance report goes out: every period it judges decided (local policy timing).
  absl::StatusOr<absl::CivilDay> ReportDay(const Period& month) const;
  pb::AuditEntry AuditLine(const Actor& actor, std::string action, std::string subject,
                           const google::protobuf::Message* before, const google::protobuf::Message* after) const;
  pb::DutyEvent NewEvent(std::string id, std::string message) const;
  absl::StatusOr<pb::ComplianceReport> ComplianceIn(DutyTx& tx, const std::string& month, const std::string& unit);
  // The week's roster: as published when it was (with changed_since_published), else as it stands.
  absl::StatusOr<pb::Roster> RosterIn(DutyTx& tx, absl::CivilDay any_day);
  // The week's roster from its registrations now, for publishing.
  absl::StatusOr<pb::Roster> FreshRoster(DutyTx& tx, absl::CivilDay any_day);

  DutyStore& store_;
  const Clock& clock_;
  const WorkingDayCalendar& calendar_;
  const DutySettings& settings_;
  const UnitDirectory& units_;
};

}  // namespace ys::duty
