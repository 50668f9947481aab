#pragma once

#include "common/grpc/auth.h"
#include "common/grpc/executor.h"
#include "common/pg/pool.h"
#include "yingshang/admin/v1/outbox.grpc.pb.h"

namespace ys {

// yingshang.admin.v1.OutboxAdmin, which every service serves on its gRPC port: the outbox rows Kafka
// refused for good (outbox_parked), listed and put back in the outbox. Office role only.
class OutboxAdminImpl final : public yingshang::admin::v1::OutboxAdmin::CallbackService {
 public:
  // The handlers' PostgreSQL work runs on `executor`, not on gRPC's threads.
  OutboxAdminImpl(PgPool& pool, const ApiKeyAuthenticator& auth, CallExecutor& executor)
      : pool_(pool), auth_(auth), executor_(executor) {}

  grpc::ServerUnaryReactor* ListParked(grpc::CallbackServerContext* ctx,
                                       const yingshang::admin::v1::ListParkedRequest* req,
                                       yingshang::admin::v1::ListParkedResponse* resp) override;
  grpc::ServerUnaryReactor* RequeueParked(grpc::CallbackServerContext* ctx,
                                          const yingshang::admin::v1::RequeueParkedRequest* req,
                                          yingshang::admin::v1::RequeueParkedResponse* resp) override;

 private:
  PgPool& pool_;
  const ApiKeyAuthenticator& auth_;
  CallExecutor& executor_;
};

}  // namespace ys
