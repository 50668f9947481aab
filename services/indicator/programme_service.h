#pragma once

#include "common/grpc/auth.h"
#include "common/grpc/executor.h"
#include "common/pg/pool.h"
#include "common/time/clock.h"
#include "services/indicator/catalog_store.h"
#include "yingshang/indicator/v1/programme.grpc.pb.h"

namespace ys::indicator {

// Checks a report against the catalog and the caller (pure): the item exists (an action, a reform or one
// of the 30 tasks; not an environment, which only heads its tasks), the month is a month
// and not in the future, the unit is known (aliases resolve) and is the caller's own unless the caller
// is the office, 0 <= percent <= 100, DONE means 100. Returns the report with the canonical unit.
absl::StatusOr<pb::ProgressReport> ValidateProgressReport(const Catalog& catalog,
                                                          const Principal& who, absl::Time now,
                                                          pb::ProgressReport report);

class ProgrammeServiceImpl final : public pb::ProgrammeService::CallbackService {
 public:
  // The handlers' PostgreSQL work runs on `executor`, off gRPC's callback threads.
  ProgrammeServiceImpl(PgPool& pool, CatalogStore& catalog, const ApiKeyAuthenticator& auth,
                       const Clock& clock, CallExecutor& executor)
      : pool_(pool), catalog_(catalog), auth_(auth), clock_(clock), executor_(executor) {}

  grpc::ServerUnaryReactor* ReportProgress(grpc::CallbackServerContext* ctx,
                                           const pb::ReportProgressRequest* req,
                                           pb::ProgressReport* resp) override;
  grpc::ServerUnaryReactor* ListProgress(grpc::CallbackServerContext* ctx,
                                         const pb::ListProgressRequest* req,
                                         pb::ListProgressResponse* resp) override;

 private:
  PgPool& pool_;
  CatalogStore& catalog_;
  const ApiKeyAuthenticator& auth_;
  const Clock& clock_;
  CallExecutor& executor_;
};

}  // namespace ys::indicator
