#include "services/gateway/user_admin.h"

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "common/grpc/unary.h"
#include "common/status/macros.h"
#include "common/time/proto_time.h"
#include "services/gateway/passwords.h"

namespace ys::gateway {
namespace {

absl::Status CheckLogin(const std::string& login) {
  if (login.size() < 2 || login.size() > 32 ||
      login.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789._-") != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "field 'login': '%s' must be 2 to 32 of a-z, 0-9, '.', '_' and '-'", login));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<UserRecord> UserAdminImpl::NewUser(const pb::AddUserRequest& req) const {
  RETURN_IF_ERROR(CheckLogin(req.login()));
  // Characters, not bytes: 张三 is two.
  size_t characters = 0;
  for (unsigned char c : req.display_name()) characters += (c & 0xC0) != 0x80;
  if (characters == 0 || characters > 40) {
    return absl::InvalidArgumentError(
        "field 'display_name': the person's name, as audit trails show it (1..40 characters)");
  }
  if (auto s = ValidatePersonRole(req.role()); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("field 'role': ", s.message()));
  }
  std::string role = req.role();
  if (absl::StartsWith(role, "unit:")) {
    ASSIGN_OR_RETURN(std::string unit, auth_.units().ResolveField(role.substr(5), "role"));
    role = "unit:" + unit;
  }
  RETURN_IF_ERROR(CheckPasswordRules(req.password(), req.login(), policy_.password_min_length));
  ASSIGN_OR_RETURN(std::string hash, HashPassword(req.password(), policy_.passwords, RandomBytes));
  UserRecord user;
  user.login = req.login();
  user.display_name = req.display_name();
  user.role = role;
  user.password_hash = std::move(hash);
  user.created_at = clock_.Now();
  return user;
}

grpc::ServerUnaryReactor* UserAdminImpl::AddUser(grpc::CallbackServerContext* ctx, const pb::AddUserRequest* req,
                                                 pb::User* resp) {
  return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
    RETURN_IF_ERROR(auth_.Require(*ctx, {"office"}).status());
    ASSIGN_OR_RETURN(UserRecord user, NewUser(*req));
    RETURN_IF_ERROR(users_.Insert(user));
    *resp = UserToProto(user);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* UserAdminImpl::ListUsers(grpc::CallbackServerContext* ctx, const pb::ListUsersRequest*,
                                                   pb::ListUsersResponse* resp) {
  return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
    RETURN_IF_ERROR(auth_.Require(*ctx, {"office"}).status());
    ASSIGN_OR_RETURN(std::vector<UserRecord> users, users_.List());
    for (const UserRecord& u : users) *resp->add_users() = UserToProto(u);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* UserAdminImpl::DisableUser(grpc::CallbackServerContext* ctx,
                                                     const pb::DisableUserRequest* req, pb::User* resp) {
  return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
    RETURN_IF_ERROR(auth_.Require(*ctx, {"office"}).status());
    ASSIGN_OR_RETURN(UserRecord user, users_.Find(req->login()));
    user.disabled = true;
    RETURN_IF_ERROR(users_.Update(user));
    RETURN_IF_ERROR(sessions_.RevokeAll(user.login));
    *resp = UserToProto(user);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* UserAdminImpl::ResetPassword(grpc::CallbackServerContext* ctx,
                                                       const pb::ResetPasswordRequest* req, pb::User* resp) {
  return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
    RETURN_IF_ERROR(auth_.Require(*ctx, {"office"}).status());
    ASSIGN_OR_RETURN(UserRecord user, users_.Find(req->login()));
    RETURN_IF_ERROR(CheckPasswordRules(req->password(), user.login, policy_.password_min_length));
    ASSIGN_OR_RETURN(user.password_hash, HashPassword(req->password(), policy_.passwords, RandomBytes));
    user.failed_logins = 0;
    user.locked_until.reset();
    RETURN_IF_ERROR(users_.Update(user));
    RETURN_IF_ERROR(sessions_.RevokeAll(user.login));
    *resp = UserToProto(user);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* UserAdminImpl::ListLoginAudit(grpc::CallbackServerContext* ctx,
                                                        const pb::ListLoginAuditRequest* req,
                                                        pb::ListLoginAuditResponse* resp) {
  return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
    RETURN_IF_ERROR(auth_.Require(*ctx, {"office"}).status());
    if (req->limit() < 0 || req->limit() > 500) {
      return absl::InvalidArgumentError("field 'limit': 1..500 (0 for the default 50)");
    }
    ASSIGN_OR_RETURN(auto entries, users_.ListAudit(req->login(), req->limit() == 0 ? 50 : req->limit()));
    for (const LoginAuditRecord& e : entries) {
      pb::LoginAuditEntry* out = resp->add_entries();
      *out->mutable_at() = ToProtoTime(e.at);
      out->set_login(e.login);
      out->set_address(e.address);
      out->set_outcome(e.outcome);
      out->set_user_agent(e.user_agent);
    }
    return absl::OkStatus();
  });
}

}  // namespace ys::gateway
