#include "services/duty/service.h"

#include "common/grpc/unary.h"
#include "common/status/macros.h"

namespace ys::duty {
namespace {

// The service centre acts for any unit, a unit key for its own (the desk checks). The plan gives the
// forms, the roster, the exemptions and 一票清退 to 市政务服务中心; 市营商办 (office) reads them, as
// "定期通报…并报送" reports to it (细则 四2), with the units and the console's people. Not a data
// platform or 惠企通: the directory, staff, attendance and dismissals are not theirs (issue #17).
constexpr std::initializer_list<absl::string_view> kReaders = {"office", "unit:*", "centre", "viewer", "leader:*", "county:*"};
constexpr std::initializer_list<absl::string_view> kForms = {"centre", "unit:*"};
constexpr std::initializer_list<absl::string_view> kCentre = {"centre"};

}  // namespace

template <typename Req, typename Resp>
grpc::ServerUnaryReactor* DutyImpl::Read(grpc::CallbackServerContext* ctx, const Req* req, Resp* resp,
                                         absl::StatusOr<Resp> (DutyDesk::*read)(const Req&)) {
  return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
    RETURN_IF_ERROR(auth_.Require(*ctx, kReaders).status());
    ASSIGN_OR_RETURN(*resp, (desk_.*read)(*req));
    return absl::OkStatus();
  });
}

template <typename Req, typename Resp>
grpc::ServerUnaryReactor* DutyImpl::Change(grpc::CallbackServerContext* ctx, const Req* req, Resp* resp,
                                           std::initializer_list<absl::string_view> roles,
                                           absl::StatusOr<Resp> (DutyDesk::*change)(const Actor&, const Req&)) {
  return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
    ASSIGN_OR_RETURN(Principal who, auth_.Require(*ctx, roles));
    Actor actor;
    actor.name = who.name;
    actor.centre = who.role == "centre";
    actor.unit = who.Unit();
    ASSIGN_OR_RETURN(*resp, (desk_.*change)(actor, *req));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DutyImpl::ImportDirectory(grpc::CallbackServerContext* ctx, const pb::ImportDirectoryRequest* req,
                                                    pb::ImportDirectoryResponse* resp) {
  return Change(ctx, req, resp, kCentre, &DutyDesk::ImportDirectory);
}

grpc::ServerUnaryReactor* DutyImpl::GetDirectory(grpc::CallbackServerContext* ctx, const pb::GetDirectoryRequest* req,
                                                 pb::Directory* resp) {
  return Read(ctx, req, resp, &DutyDesk::GetDirectory);
}

grpc::ServerUnaryReactor* DutyImpl::Register(grpc::CallbackServerContext* ctx, const pb::RegisterRequest* req,
                                             pb::Registration* resp) {
  return Change(ctx, req, resp, kForms, &DutyDesk::Register);
}

grpc::ServerUnaryReactor* DutyImpl::CancelRegistration(grpc::CallbackServerContext* ctx, const pb::CancelRegistrationRequest* req,
                                                       pb::Registration* resp) {
  return Change(ctx, req, resp, kForms, &DutyDesk::Cancel);
}

grpc::ServerUnaryReactor* DutyImpl::ListRegistrations(grpc::CallbackServerContext* ctx, const pb::ListRegistrationsRequest* req,
                                                      pb::ListRegistrationsResponse* resp) {
  return Read(ctx, req, resp, &DutyDesk::ListRegistrations);
}

grpc::ServerUnaryReactor* DutyImpl::FileRecord(grpc::CallbackServerContext* ctx, const pb::FileRecordRequest* req,
                                               pb::DutyRecord* resp) {
  return Change(ctx, req, resp, kForms, &DutyDesk::FileRecord);
}

grpc::ServerUnaryReactor* DutyImpl::ListRecords(grpc::CallbackServerContext* ctx, const pb::ListRecordsRequest* req,
                                                pb::ListRecordsResponse* resp) {
  return Read(ctx, req, resp, &DutyDesk::ListRecords);
}

grpc::ServerUnaryReactor* DutyImpl::GrantExemption(grpc::CallbackServerContext* ctx, const pb::GrantExemptionRequest* req,
                                                   pb::Exemption* resp) {
  return Change(ctx, req, resp, kCentre, &DutyDesk::GrantExemption);
}

grpc::ServerUnaryReactor* DutyImpl::GetCompliance(grpc::CallbackServerContext* ctx, const pb::GetComplianceRequest* req,
                                                  pb::ComplianceReport* resp) {
  return Read(ctx, req, resp, &DutyDesk::Compliance);
}

grpc::ServerUnaryReactor* DutyImpl::GetRoster(grpc::CallbackServerContext* ctx, const pb::GetRosterRequest* req,
                                              pb::Roster* resp) {
  return Read(ctx, req, resp, &DutyDesk::Roster);
}

grpc::ServerUnaryReactor* DutyImpl::PublishRoster(grpc::CallbackServerContext* ctx, const pb::PublishRosterRequest* req,
                                                  pb::Roster* resp) {
  return Change(ctx, req, resp, kCentre, &DutyDesk::PublishRoster);
}

grpc::ServerUnaryReactor* DutyImpl::GetCalendar(grpc::CallbackServerContext* ctx, const pb::GetCalendarRequest* req,
                                                pb::Calendar* resp) {
  return Read(ctx, req, resp, &DutyDesk::Calendar);
}

grpc::ServerUnaryReactor* DutyImpl::Export(grpc::CallbackServerContext* ctx, const pb::ExportRequest* req,
                                           pb::ExportResponse* resp) {
  return Read(ctx, req, resp, &DutyDesk::Export);
}

grpc::ServerUnaryReactor* DutyImpl::AddStaff(grpc::CallbackServerContext* ctx, const pb::AddStaffRequest* req,
                                             pb::StaffMember* resp) {
  return Change(ctx, req, resp, kForms, &DutyDesk::AddStaff);
}

grpc::ServerUnaryReactor* DutyImpl::RotateStaff(grpc::CallbackServerContext* ctx, const pb::RotateStaffRequest* req,
                                                pb::StaffMember* resp) {
  return Change(ctx, req, resp, kForms, &DutyDesk::RotateStaff);
}

grpc::ServerUnaryReactor* DutyImpl::ListStaff(grpc::CallbackServerContext* ctx, const pb::ListStaffRequest* req,
                                              pb::ListStaffResponse* resp) {
  return Read(ctx, req, resp, &DutyDesk::ListStaff);
}

grpc::ServerUnaryReactor* DutyImpl::CheckStaff(grpc::CallbackServerContext* ctx, const pb::StaffCheckRequest* req,
                                               pb::StaffCheckReport* resp) {
  return Read(ctx, req, resp, &DutyDesk::CheckStaff);
}

grpc::ServerUnaryReactor* DutyImpl::ImportAttendance(grpc::CallbackServerContext* ctx, const pb::ImportAttendanceRequest* req,
                                                     pb::ImportAttendanceResponse* resp) {
  return Change(ctx, req, resp, kCentre, &DutyDesk::ImportAttendance);
}

grpc::ServerUnaryReactor* DutyImpl::GetAttendance(grpc::CallbackServerContext* ctx, const pb::AttendanceReportRequest* req,
                                                  pb::AttendanceReportResponse* resp) {
  return Read(ctx, req, resp, &DutyDesk::Attendance);
}

grpc::ServerUnaryReactor* DutyImpl::Dismiss(grpc::CallbackServerContext* ctx, const pb::DismissRequest* req,
                                            pb::Dismissal* resp) {
  return Change(ctx, req, resp, kCentre, &DutyDesk::Dismiss);
}

grpc::ServerUnaryReactor* DutyImpl::RecordReplacement(grpc::CallbackServerContext* ctx, const pb::ReplaceRequest* req,
                                                      pb::Dismissal* resp) {
  return Change(ctx, req, resp, kForms, &DutyDesk::RecordReplacement);
}

grpc::ServerUnaryReactor* DutyImpl::ListDismissals(grpc::CallbackServerContext* ctx, const pb::ListDismissalsRequest* req,
                                                   pb::ListDismissalsResponse* resp) {
  return Read(ctx, req, resp, &DutyDesk::ListDismissals);
}

grpc::ServerUnaryReactor* DutyImpl::ListAudit(grpc::CallbackServerContext* ctx, const pb::ListAuditRequest* req,
                                              pb::ListAuditResponse* resp) {
  return Read(ctx, req, resp, &DutyDesk::ListAudit);
}

}  // namespace ys::duty
