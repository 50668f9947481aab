#pragma once

#include "common/grpc/auth.h"
#include "common/grpc/executor.h"
#include "services/duty/desk.h"
#include "yingshang/duty/v1/duty.grpc.pb.h"

namespace ys::duty {

// The gRPC face of the duty desk. Roles: centre (市政务服务中心 and its 管理科: everything, paper forms
// included); unit:<name> (its own leaders' 表1/表2, its own window staff); every role reads, 市营商办
// (office) included (the roster is public). Handlers translate: the desk and the domain decide.
class DutyImpl final : public pb::DutyService::CallbackService {
 public:
  DutyImpl(DutyDesk& desk, const ApiKeyAuthenticator& auth, CallExecutor& executor)
      : desk_(desk), auth_(auth), executor_(executor) {}

  grpc::ServerUnaryReactor* ImportDirectory(grpc::CallbackServerContext* ctx, const pb::ImportDirectoryRequest* req,
                                            pb::ImportDirectoryResponse* resp) override;
  grpc::ServerUnaryReactor* GetDirectory(grpc::CallbackServerContext* ctx, const pb::GetDirectoryRequest* req,
                                         pb::Directory* resp) override;
  grpc::ServerUnaryReactor* Register(grpc::CallbackServerContext* ctx, const pb::RegisterRequest* req,
                                     pb::Registration* resp) override;
  grpc::ServerUnaryReactor* CancelRegistration(grpc::CallbackServerContext* ctx, const pb::CancelRegistrationRequest* req,
                                               pb::Registration* resp) override;
  grpc::ServerUnaryReactor* ListRegistrations(grpc::CallbackServerContext* ctx, const pb::ListRegistrationsRequest* req,
                                              pb::ListRegistrationsResponse* resp) override;
  grpc::ServerUnaryReactor* FileRecord(grpc::CallbackServerContext* ctx, const pb::FileRecordRequest* req,
                                       pb::DutyRecord* resp) override;
  grpc::ServerUnaryReactor* ListRecords(grpc::CallbackServerContext* ctx, const pb::ListRecordsRequest* req,
                                        pb::ListRecordsResponse* resp) override;
  grpc::ServerUnaryReactor* GrantExemption(grpc::CallbackServerContext* ctx, const pb::GrantExemptionRequest* req,
                                           pb::Exemption* resp) override;
  grpc::ServerUnaryReactor* GetCompliance(grpc::CallbackServerContext* ctx, const pb::GetComplianceRequest* req,
                                          pb::ComplianceReport* resp) override;
  grpc::ServerUnaryReactor* GetRoster(grpc::CallbackServerContext* ctx, const pb::GetRosterRequest* req,
                                      pb::Roster* resp) override;
  grpc::ServerUnaryReactor* PublishRoster(grpc::CallbackServerContext* ctx, const pb::PublishRosterRequest* req,
                                          pb::Roster* resp) override;
  grpc::ServerUnaryReactor* GetCalendar(grpc::CallbackServerContext* ctx, const pb::GetCalendarRequest* req,
                                        pb::Calendar* resp) override;
  grpc::ServerUnaryReactor* Export(grpc::CallbackServerContext* ctx, const pb::ExportRequest* req,
                                   pb::ExportResponse* resp) override;
  grpc::ServerUnaryReactor* AddStaff(grpc::CallbackServerContext* ctx, const pb::AddStaffRequest* req,
                                     pb::StaffMember* resp) override;
  grpc::ServerUnaryReactor* RotateStaff(grpc::CallbackServerContext* ctx, const pb::RotateStaffRequest* req,
                                        pb::StaffMember* resp) override;
  grpc::ServerUnaryReactor* ListStaff(grpc::CallbackServerContext* ctx, const pb::ListStaffRequest* req,
                                      pb::ListStaffResponse* resp) override;
  grpc::ServerUnaryReactor* CheckStaff(grpc::CallbackServerContext* ctx, const pb::StaffCheckRequest* req,
                                       pb::StaffCheckReport* resp) override;
  grpc::ServerUnaryReactor* ImportAttendance(grpc::CallbackServerContext* ctx, const pb::ImportAttendanceRequest* req,
                                             pb::ImportAttendanceResponse* resp) override;
  grpc::ServerUnaryReactor* GetAttendance(grpc::CallbackServerContext* ctx, const pb::AttendanceReportRequest* req,
                                          pb::AttendanceReportResponse* resp) override;
  grpc::ServerUnaryReactor* Dismiss(grpc::CallbackServerContext* ctx, const pb::DismissRequest* req,
                                    pb::Dismissal* resp) override;
  grpc::ServerUnaryReactor* RecordReplacement(grpc::CallbackServerContext* ctx, const pb::ReplaceRequest* req,
                                              pb::Dismissal* resp) override;
  grpc::ServerUnaryReactor* ListDismissals(grpc::CallbackServerContext* ctx, const pb::ListDismissalsRequest* req,
                                           pb::ListDismissalsResponse* resp) override;
  grpc::ServerUnaryReactor* ListAudit(grpc::CallbackServerContext* ctx, const pb::ListAuditRequest* req,
                                      pb::ListAuditResponse* resp) override;

 private:
  // A read any role may make.
  template <typename Req, typename Resp>
  grpc::ServerUnaryReactor* Read(grpc::CallbackServerContext* ctx, const Req* req, Resp* resp,
                                 absl::StatusOr<Resp> (DutyDesk::*read)(const Req&));
  // A change by one of `roles` (the desk checks a unit key acts for its own unit).
  template <typename Req, typename Resp>
  grpc::ServerUnaryReactor* Change(grpc::CallbackServerContext* ctx, const Req* req, Resp* resp,
                                   std::initializer_list<absl::string_view> roles,
                                   absl::StatusOr<Resp> (DutyDesk::*change)(const Actor&, const Req&));

  DutyDesk& desk_;
  const ApiKeyAuthenticator& auth_;
  CallExecutor& executor_;
};

}  // namespace ys::duty
