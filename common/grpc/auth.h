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
// 中心: the duty directory, forms, roster and window staff), "viewer", "leader:<name>" (a 领班) and
// "county:<code>" (a county: people of the web console), and "gateway" (the web console's own key: it
// names the person it calls for, see kPersonMetadata).
struct Principal {
  // For audit: the key's name ("office-dev"), or for a person the gateway names,
  // "张三 (unit:市商务局) via console".
  std::string name;
  std::string role;
  std::string via;  // the gateway key's name when a person is named; empty otherwise

  bool IsOffice() const { return role == "office"; }
  // "市住房和城乡建设局" for "unit:市住房和城乡建设局"; nullopt for other roles. A key loaded by
  // ApiKeyAuthenticator holds the unit's canonical name, whatever alias its configuration wrote.
  std::optional<std::string> Unit() const;
  std::optional<std::string> PlatformSource() const;
};

// Checks a role string is one the system knows ("office", "unit:X", "platform:X", "huiqitong", "centre",
// "viewer", "leader:X", "county:X", "gateway").
absl::Status ValidateRole(absl::string_view role);
// A role a person of the web console may hold: office, unit:X, leader:X, county:X, centre, viewer.
absl::Status ValidatePersonRole(absl::string_view role);

// The person a `gateway` key calls for (binary metadata: gRPC base64s it on the wire, so names and
// unit names travel as UTF-8): the display name, the login and the person's role. Services accept
// them from the gateway's key only; any other key naming a person is refused (PERMISSION_DENIED).
inline constexpr char kPersonNameMetadata[] = "ys-person-name-bin";
inline constexpr char kPersonLoginMetadata[] = "ys-person-login-bin";
inline constexpr char kPersonRoleMetadata[] = "ys-person-role-bin";
// What audit trails show for a person the gateway named: "张三 (unit:市商务局) via console".
std::string PersonAuditName(absl::string_view display_name, absl::string_view role);
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
  // The key's principal; for the gateway's key naming a person (kPerson*Metadata), that person:
  // their role (a unit canonicalised like a key's) and PersonAuditName, `via` the gateway key.
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
// A 领班 (leader:*) and a county (county:*) read the rankings and the catalog as a viewer does; the
// services narrow what is theirs: rectification cases (a leader's are those it leads, a county's those
// of its region) and notify inboxes (lead:<name>, county:<code>).
inline constexpr std::initializer_list<absl::string_view> kAnyRole = {
    "office", "unit:*", "platform:*", "huiqitong", "centre", "viewer", "leader:*", "county:*"};

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
