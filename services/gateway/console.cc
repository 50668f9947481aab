#include "services/gateway/console.h"

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "common/grpc/auth.h"
#include "common/status/macros.h"
#include "common/time/proto_time.h"

namespace ys::gateway {

pb::User UserToProto(const UserRecord& user) {
  pb::User out;
  out.set_login(user.login);
  out.set_display_name(user.display_name);
  out.set_role(user.role);
  out.set_disabled(user.disabled);
  *out.mutable_created_at() = ToProtoTime(user.created_at);
  if (user.last_login_at.has_value()) *out.mutable_last_login_at() = ToProtoTime(*user.last_login_at);
  out.set_failed_logins(user.failed_logins);
  if (user.locked_until.has_value()) *out.mutable_locked_until() = ToProtoTime(*user.locked_until);
  return out;
}

Console::Console(UserStore& users, SessionStore& sessions, LoginRateLimiter& rate, AttachmentStore& files,
                 const MethodAllowList& allowlist, const Clock& clock, ConsolePolicy policy,
                 Metrics& metrics)
    : users_(users),
      sessions_(sessions),
      rate_(rate),
      files_(files),
      allowlist_(allowlist),
      clock_(clock),
      policy_(policy),
      // Made once with the office's parameters (a fixed string would keep the defaults' cost).
      decoy_hash_(HashPassword("decoy password", policy.passwords, RandomBytes).value_or("")),
      logins_(prometheus::BuildCounter()
                  .Name("ys_gateway_logins_total")
                  .Help("Console login attempts by outcome (ok, wrong_password, unknown_login, disabled, "
                        "locked, rate_limited)")
                  .Register(metrics.registry())) {}

void Console::Audit(const std::string& login, const ClientInfo& client, absl::string_view outcome) {
  logins_.Add({{"outcome", std::string(outcome)}}).Increment();
  // An audit row that cannot be written does not block a login; the counter still counts it.
  (void)users_.AppendAudit({clock_.Now(), login, client.address, std::string(outcome), client.user_agent});
}

absl::StatusOr<LoginResult> Console::Login(const pb::LoginRequest& request, const ClientInfo& client) {
  ASSIGN_OR_RETURN(bool allowed, rate_.Allow(client.address));
  if (!allowed) {
    Audit(request.login(), client, OutcomeName(LoginOutcome::kRateLimited));
    return StatusFor(LoginOutcome::kRateLimited, {});
  }
  // The record is read, the password checked (argon2: tens of milliseconds), the login state written
  // back only if the record is still as read. An office's disable or password reset made meanwhile,
  // or another wrong password counted meanwhile, makes the write miss: decide again from the new record.
  for (int attempt = 0; attempt < 5; ++attempt) {
    const absl::Time now = clock_.Now();
    auto found = users_.Find(request.login());
    if (absl::IsNotFound(found.status())) {
      // Hash anyway, with the configured cost, so an unknown login takes as long as a wrong password
      // (no enumeration by timing).
      (void)VerifyPassword(request.password(), decoy_hash_);
      Audit(request.login(), client, OutcomeName(LoginOutcome::kUnknownLogin));
      return StatusFor(LoginOutcome::kUnknownLogin, {});
    }
    if (!found.ok()) return found.status();
    const UserRecord read = *std::move(found);
    UserRecord user = read;
    AccountState state{user.disabled, user.failed_logins, user.locked_until};
    if (auto refused = RefuseBeforePassword(state, now); refused.has_value()) {
      Audit(user.login, client, OutcomeName(*refused));
      return StatusFor(*refused, state);
    }
    const bool right = VerifyPassword(request.password(), user.password_hash);
    state = right ? AfterSuccess(state) : AfterWrongPassword(state, policy_.lockout, now);
    user.failed_logins = state.failed_logins;
    user.locked_until = state.locked_until;
    if (right) user.last_login_at = now;
    ASSIGN_OR_RETURN(bool written, users_.UpdateIf(read, user));
    if (!written) continue;
    if (!right) {
      Audit(user.login, client, OutcomeName(LoginOutcome::kWrongPassword));
      return StatusFor(LoginOutcome::kWrongPassword, state);
    }
    ASSIGN_OR_RETURN(std::string token,
                     sessions_.Create({user.login, user.display_name, user.role, now,
                                       now + policy_.sessions.absolute}));
    // A disable or reset between the write and the session's creation revoked the sessions before
    // this one existed: look once more, and end it if the account changed.
    ASSIGN_OR_RETURN(UserRecord after, users_.Find(user.login));
    if (after.disabled || after.password_hash != user.password_hash) {
      RETURN_IF_ERROR(sessions_.Revoke(token));
      continue;
    }
    Audit(user.login, client, OutcomeName(LoginOutcome::kOk));
    LoginResult out;
    *out.response.mutable_user() = UserToProto(user);
    out.token = std::move(token);
    return out;
  }
  return absl::AbortedError("the account changed while logging in; try again");
}

absl::Status Console::Logout(const std::string& token, const std::optional<Session>& session,
                             const ClientInfo& client) {
  RETURN_IF_ERROR(sessions_.Revoke(token));
  if (session.has_value()) Audit(session->login, client, "logout");
  return absl::OkStatus();
}

absl::StatusOr<pb::WhoAmIResponse> Console::WhoAmI(const Session& session) const {
  pb::WhoAmIResponse out;
  pb::User* user = out.mutable_user();
  user->set_login(session.login);
  user->set_display_name(session.display_name);
  user->set_role(session.role);
  for (std::string& m : allowlist_.MethodsFor(session.role)) out.add_allowed_methods(std::move(m));
  absl::string_view role = session.role;
  if (absl::ConsumePrefix(&role, "unit:")) out.set_unit(std::string(role));
  if (absl::ConsumePrefix(&role, "county:")) out.set_county_code(std::string(role));
  if (absl::ConsumePrefix(&role, "leader:")) out.set_leader(std::string(role));
  return out;
}

absl::StatusOr<pb::Attachment> Console::Upload(const Session& session,
                                               const pb::UploadAttachmentRequest& request) {
  if (!RoleMatches(session.role, "unit:*") && !RoleMatches(session.role, "county:*") && session.role != "office") {
    return absl::PermissionDeniedError(absl::StrFormat(
        "role '%s' may not attach files: case reports are the units', the counties' and the office's",
        session.role));
  }
  ASSIGN_OR_RETURN(std::string content_type,
                   CheckAttachment(request.filename(), request.content(), policy_.attachments));
  AttachmentRecord record;
  record.sha256 = Sha256Hex(request.content());
  record.filename = SafeFilename(request.filename());
  record.content_type = content_type;
  record.size = static_cast<int64_t>(request.content().size());
  record.content = request.content();
  record.uploaded_at = clock_.Now();
  record.uploaded_by = session.login;
  record.uploader_role = session.role;
  ASSIGN_OR_RETURN(AttachmentRecord stored, files_.Put(record));
  pb::Attachment out;
  out.set_sha256(stored.sha256);
  // The name this person gave, even when the same content was stored before under another.
  out.set_filename(record.filename);
  out.set_content_type(stored.content_type);
  out.set_size(stored.size);
  out.set_reference(AttachmentReference(stored.sha256, record.filename));
  *out.mutable_uploaded_at() = ToProtoTime(stored.uploaded_at);
  out.set_uploaded_by(stored.uploaded_by);
  return out;
}

absl::StatusOr<AttachmentRecord> Console::Download(const Session& session, const std::string& sha256) {
  if (sha256.size() != 64 || sha256.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return absl::InvalidArgumentError("path: an attachment is named by its SHA-256, 64 lower-case hex digits");
  }
  ASSIGN_OR_RETURN(AttachmentRecord file, files_.Get(sha256));
  const bool reads_all = session.role == "office" || session.role == "viewer" ||
                         RoleMatches(session.role, "leader:*") || RoleMatches(session.role, "county:*");
  if (!reads_all && file.uploader_role != session.role) {
    return absl::PermissionDeniedError("this file belongs to another unit's report");
  }
  return file;
}

}  // namespace ys::gateway
