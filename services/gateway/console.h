#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/grpc/unit_directory.h"
#include "common/metrics/metrics.h"
#include "common/time/clock.h"
#include "services/gateway/allowlist.h"
#include "services/gateway/attachment_rules.h"
#include "services/gateway/login_policy.h"
#include "services/gateway/passwords.h"
#include "services/gateway/sessions.h"
#include "services/gateway/store.h"
#include "yingshang/gateway/v1/gateway.pb.h"

namespace ys::gateway {

namespace pb = ::yingshang::gateway::v1;

// The browser's client, for the login audit and the per-address limit.
struct ClientInfo {
  std::string address;
  std::string user_agent;
};

// What the office set (local policy, each a gateway.* key): lockout, passwords, sessions, files.
struct ConsolePolicy {
  LockoutPolicy lockout;
  PasswordParams passwords;
  int password_min_length = 10;
  SessionPolicy sessions;
  AttachmentLimits attachments;
};

struct LoginResult {
  pb::LoginResponse response;
  std::string token;  // for the ys_session cookie
};

pb::User UserToProto(const UserRecord& user);

// The console's own calls (gateway.proto ConsoleService) on plain values: the HTTP layer parses the
// request, passes the session it found and sets or clears the cookie.
class Console {
 public:
  Console(UserStore& users, SessionStore& sessions, LoginRateLimiter& rate, AttachmentStore& files,
          const MethodAllowList& allowlist, const Clock& clock, ConsolePolicy policy, Metrics& metrics);

  // Every attempt is audited with its outcome; a wrong password counts toward the lockout
  // (login_policy.h). The same answer for an unknown login and a wrong password.
  absl::StatusOr<LoginResult> Login(const pb::LoginRequest& request, const ClientInfo& client);
  absl::Status Logout(const std::string& token, const std::optional<Session>& session,
                      const ClientInfo& client);
  absl::StatusOr<pb::WhoAmIResponse> WhoAmI(const Session& session) const;
  absl::StatusOr<pb::Attachment> Upload(const Session& session, const pb::UploadAttachmentRequest& request);
  // GET /attachments/<sha256>: the office, viewers, 领班 and counties read every file; a unit or the
  // centre reads the files its own role uploaded (a unit's report is its own and the office's).
  absl::StatusOr<AttachmentRecord> Download(const Session& session, const std::string& sha256);

  const ConsolePolicy& policy() const { return policy_; }

 private:
  void Audit(const std::string& login, const ClientInfo& client, absl::string_view outcome);

  UserStore& users_;
  SessionStore& sessions_;
  LoginRateLimiter& rate_;
  AttachmentStore& files_;
  const MethodAllowList& allowlist_;
  const Clock& clock_;
  ConsolePolicy policy_;
  std::string decoy_hash_;  // what an unknown login's password is checked against
  prometheus::Family<prometheus::Counter>& logins_;
};

}  // namespace ys::gateway
