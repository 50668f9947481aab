#pragma once

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"
#include "common/config/config.h"
#include "common/grpc/unit_directory.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_interceptor.h"

namespace ys {

// Who is calling. Roles: "office" (营商办, admin), "unit:<unit>" (its own cases and duty),
// "platform:<source>" (submits rankings for its source), "huiqitong" (redemptions), "centre" (市政务服务
// 中心: the duty directory, forms, roster and window staff), "viewer".
struct Principal {
  std::string name;  // the key's name, for audit ("office-dev")
  std::string role;

  bool IsOffice() const { return role == "office"; }
  // "市住房和城乡建设局" for "unit:市住房和城乡建设局"; nullopt for other roles. A key loaded by
  // ApiKeyAuthenticator holds the unit's canonical name, whatever alias its configuration wrote.
  std::optional<std::string> Unit() const;
  std::optional<std::string> PlatformSource() const;
};

// Checks a role string is one the system knows ("office", "unit:X", "platform:X", "huiqitong", "centre",
// "viewer").
absl::Status ValidateRole(absl::string_view role);
// The SHA-256 of a key, lower-case hex: what configuration stores instead of the key.
std::string Sha256Hex(absl::string_view data);

// Maps bearer API keys to principals. Configuration holds only SHA-256 hashes of the keys:
//   auth:
//     api_keys:                 # name -> role and hash
//       office-dev: {role: office, sha256: 9f86d0...}
//     api_keys_file: var/keys/api-keys.yaml   # optional; same shape under a top-level api_keys
//     units_file: data/catalog/units.yaml     # the units and their aliases (UnitDirectory)
//     regions_file: data/catalog/regions.yaml # the counties, which answer their own county cases
// A `unit:<name>` key may name a unit by an alias: it is loaded under the canonical name. A key
// naming a unit the files do not hold (or any unit key without auth.units_file) stops startup.
class ApiKeyAuthenticator {
 public:
  explicit ApiKeyAuthenticator(UnitDirectory units = {}) : units_(std::move(units)) {}
  static absl::StatusOr<ApiKeyAuthenticator> FromConfig(const Config& config);
  // A unit role naming an alias the directory knows is stored under the canonical name.
  void Add(std::string sha256_hex, Principal principal);

  // `authorization` is the metadata value: "Bearer <key>".
  absl::StatusOr<Principal> Authenticate(absl::string_view authorization) const;
  absl::StatusOr<Principal> Authenticate(const grpc::ServerContextBase& context) const;

  // The caller, if it holds one of `roles` ("unit:*" matches any unit, "platform:*" any platform):
  // UNAUTHENTICATED without a valid key, PERMISSION_DENIED with the wrong role.
  absl::StatusOr<Principal> Require(const grpc::ServerContextBase& context,
                                    std::initializer_list<absl::string_view> roles) const;

  size_t size() const { return keys_.size(); }
  // What unit names resolve through: the same for requests that name a unit.
  const UnitDirectory& units() const { return units_; }

 private:
  UnitDirectory units_;
  std::map<std::string, Principal, std::less<>> keys_;  // by SHA-256 hex
};

bool RoleMatches(absl::string_view role, absl::string_view pattern);

// Every role: for what anyone with a valid key may do (read the catalog, the rankings, …).
inline constexpr std::initializer_list<absl::string_view> kAnyRole = {
    "office", "unit:*", "platform:*", "huiqitong", "centre", "viewer"};

// Rejects calls without a known key with UNAUTHENTICATED, whatever the handler answers; health and
// reflection stay open. Handlers still call ApiKeyAuthenticator::Require for the role they need.
class AuthInterceptorFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit AuthInterceptorFactory(const ApiKeyAuthenticator* authenticator)
      : authenticator_(authenticator) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

  static bool IsOpenMethod(absl::string_view method);

 private:
  const ApiKeyAuthenticator* authenticator_;
};

}  // namespace ys
