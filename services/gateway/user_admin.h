#pragma once

#include "common/grpc/auth.h"
#include "common/grpc/executor.h"
#include "common/time/clock.h"
#include "services/gateway/console.h"
#include "services/gateway/sessions.h"
#include "services/gateway/store.h"
#include "yingshang/gateway/v1/gateway.grpc.pb.h"

namespace ys::gateway {

// yingshang.gateway.v1.UserAdmin: the office manages the console's people (`ysctl users …`).
// Roles name units by the catalog (an alias is stored under the unit's canonical name); a disabled
// account or a reset password ends the person's sessions at once.
class UserAdminImpl final : public pb::UserAdmin::CallbackService {
 public:
  UserAdminImpl(UserStore& users, SessionStore& sessions, const Clock& clock, const ApiKeyAuthenticator& auth,
                CallExecutor& executor, const ConsolePolicy& policy)
      : users_(users), sessions_(sessions), clock_(clock), auth_(auth), executor_(executor), policy_(policy) {}

  grpc::ServerUnaryReactor* AddUser(grpc::CallbackServerContext* ctx, const pb::AddUserRequest* req,
                                    pb::User* resp) override;
  grpc::ServerUnaryReactor* ListUsers(grpc::CallbackServerContext* ctx, const pb::ListUsersRequest* req,
                                      pb::ListUsersResponse* resp) override;
  grpc::ServerUnaryReactor* DisableUser(grpc::CallbackServerContext* ctx, const pb::DisableUserRequest* req,
                                        pb::User* resp) override;
  grpc::ServerUnaryReactor* ResetPassword(grpc::CallbackServerContext* ctx,
                                          const pb::ResetPasswordRequest* req, pb::User* resp) override;
  grpc::ServerUnaryReactor* ListLoginAudit(grpc::CallbackServerContext* ctx,
                                           const pb::ListLoginAuditRequest* req,
                                           pb::ListLoginAuditResponse* resp) override;

  // The new person, checked: login [a-z0-9._-]{2,32}, a display name, a person's role (a unit of the
  // catalog), the password rules. INVALID_ARGUMENT naming the field.
  absl::StatusOr<UserRecord> NewUser(const pb::AddUserRequest& req) const;

 private:
  UserStore& users_;
  SessionStore& sessions_;
  const Clock& clock_;
  const ApiKeyAuthenticator& auth_;
  CallExecutor& executor_;
  const ConsolePolicy& policy_;
};

}  // namespace ys::gateway
