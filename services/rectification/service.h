#pragma once

#include "common/grpc/auth.h"
#include "common/grpc/executor.h"
#include "services/rectification/store.h"
#include "yingshang/rectification/v1/rectification.grpc.pb.h"

namespace ys::rectification {

// The gRPC face of the cases. Roles: office (everything), unit:<name> (reads and reports on its own
// cases; reads the county cases it follows), leader:<name> (a 领班: reads the cases it leads),
// county:<code> (reads and reports on its county's cases), viewer (reads); platforms, huiqitong and
// the centre read no case (kCaseReaders in service.cc). The domain
// decides who reads and reports what (CaseReader, VisibleTo, CheckMayRead, CheckMayReport). Unit
// names in requests resolve through the authenticator's UnitDirectory (an alias finds the canonical
// unit).
class RectificationImpl final : public pb::RectificationService::CallbackService {
 public:
  // The handlers' PostgreSQL work runs on `executor`, off gRPC's callback threads.
  RectificationImpl(CaseStore& store, const Clock& clock, const ApiKeyAuthenticator& auth,
                    CallExecutor& executor)
      : store_(store), clock_(clock), auth_(auth), executor_(executor) {}

  grpc::ServerUnaryReactor* OpenCase(grpc::CallbackServerContext* ctx, const pb::OpenCaseRequest* req,
                                     pb::Case* resp) override;
  grpc::ServerUnaryReactor* GetCase(grpc::CallbackServerContext* ctx, const pb::GetCaseRequest* req,
                                    pb::Case* resp) override;
  grpc::ServerUnaryReactor* ListCases(grpc::CallbackServerContext* ctx, const pb::ListCasesRequest* req,
                                      pb::ListCasesResponse* resp) override;
  grpc::ServerUnaryReactor* ReportProgress(grpc::CallbackServerContext* ctx,
                                           const pb::ReportProgressRequest* req, pb::Case* resp) override;
  grpc::ServerUnaryReactor* VerifyCase(grpc::CallbackServerContext* ctx, const pb::VerifyCaseRequest* req,
                                       pb::Case* resp) override;
  grpc::ServerUnaryReactor* CloseCase(grpc::CallbackServerContext* ctx, const pb::CloseCaseRequest* req,
                                      pb::Case* resp) override;
  grpc::ServerUnaryReactor* ReopenCase(grpc::CallbackServerContext* ctx, const pb::ReopenCaseRequest* req,
                                       pb::Case* resp) override;
  grpc::ServerUnaryReactor* ExtendDeadline(grpc::CallbackServerContext* ctx,
                                           const pb::ExtendDeadlineRequest* req, pb::Case* resp) override;
  grpc::ServerUnaryReactor* ReferCase(grpc::CallbackServerContext* ctx, const pb::ReferCaseRequest* req,
                                      pb::Case* resp) override;
  grpc::ServerUnaryReactor* ReviewWithdrawal(grpc::CallbackServerContext* ctx,
                                             const pb::ReviewWithdrawalRequest* req, pb::Case* resp) override;
  grpc::ServerUnaryReactor* ListOverdue(grpc::CallbackServerContext* ctx, const pb::OverdueRequest* req,
                                        pb::OverdueResponse* resp) override;
  grpc::ServerUnaryReactor* GetStats(grpc::CallbackServerContext* ctx, const pb::StatsRequest* req,
                                     pb::StatsResponse* resp) override;

 private:
  // The cases `reader` lists for `q`: the store's page for the office, kReadAll and a unit (their
  // scope is the query's unit); for a 领班 and a county (PickedInMemory) every match loaded, picked by
  // VisibleTo and paged here — case counts are hundreds a year. With the total.
  absl::StatusOr<std::pair<std::vector<pb::Case>, size_t>> ListFor(const CaseReader& reader,
                                                                    const CaseStore::ListQuery& q);
  template <typename Req>
  grpc::ServerUnaryReactor* OfficeChange(
      grpc::CallbackServerContext* ctx, const Req* req, pb::Case* resp,
      absl::StatusOr<pb::Case> (CaseStore::*change)(const Principal&, const Req&));

  CaseStore& store_;
  const Clock& clock_;
  const ApiKeyAuthenticator& auth_;
  CallExecutor& executor_;
};

}  // namespace ys::rectification
