#include "common/grpc/auth.h"

#include <openssl/evp.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"

namespace ys {

std::optional<std::string> Principal::Unit() const {
  if (absl::StartsWith(role, "unit:")) return role.substr(5);
  return std::nullopt;
}

std::optional<std::string> Principal::PlatformSource() const {
  if (absl::StartsWith(role, "platform:")) return role.substr(9);
  return std::nullopt;
}

absl::Status ValidateRole(absl::string_view role) {
  if (role == "huiqitong" || role == "gateway") return absl::OkStatus();
  if (absl::StartsWith(role, "platform:") && role.size() > 9) return absl::OkStatus();
  if (ValidatePersonRole(role).ok()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrFormat(
      "role '%s' is not one of office, unit:<unit>, platform:<source>, huiqitong, centre, viewer, "
      "leader:<name>, county:<code>, gateway",
      role));
}

absl::Status ValidatePersonRole(absl::string_view role) {
  if (role == "office" || role == "viewer" || role == "centre") return absl::OkStatus();
  for (absl::string_view prefix : {"unit:", "leader:", "county:"}) {
    if (absl::StartsWith(role, prefix) && role.size() > prefix.size()) return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrFormat(
      "role '%s' is not one of office, unit:<unit>, leader:<name>, county:<code>, centre, viewer", role));
}

std::string PersonAuditName(absl::string_view display_name, absl::string_view role) {
  return absl::StrFormat("%s (%s) via console", display_name, role);
}

std::string Sha256Hex(absl::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  std::string hex;
  hex.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) absl::StrAppendFormat(&hex, "%02x", digest[i]);
  return hex;
}

bool RoleMatches(absl::string_view role, absl::string_view pattern) {
  if (absl::EndsWith(pattern, ":*")) {
    return absl::StartsWith(role, pattern.substr(0, pattern.size() - 1)) &&
           role.size() > pattern.size() - 1;
  }
  return role == pattern;
}

namespace {

absl::Status AddKeysFrom(const Config& config, absl::string_view prefix,
                         ApiKeyAuthenticator* out) {
  for (const std::string& name : config.Keys(prefix)) {
    const std::string base = absl::StrFormat("%s.%s", prefix, name);
    auto role = config.GetString(base + ".role");
    if (!role.ok()) return role.status();
    if (auto s = ValidateRole(*role); !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("config key '%s.role': %s", base, s.message()));
    }
    auto hash = config.GetString(base + ".sha256");
    if (!hash.ok()) return hash.status();
    std::string h = absl::AsciiStrToLower(*hash);
    if (h.size() != 64 || h.find_first_not_of("0123456789abcdef") != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "config key '%s.sha256' must be 64 hex digits (the SHA-256 of the key, never the key)",
          base));
    }
    Principal principal{name, *role};
    if (auto unit = principal.Unit(); unit.has_value()) {
      // Every unit comparison (a case's unit, a duty's) is by canonical name: 市住建局 would see
      // none of 市住房和城乡建设局's cases.
      if (out->units().empty()) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "config key 'auth.units_file' is not set: key '%s' has role unit:%s, and unit names resolve "
            "through the units file",
            name, *unit));
      }
      auto canonical = out->units().Canonical(*unit);
      if (!canonical.has_value()) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "config key '%s.role': unit '%s' of key '%s' is not a unit of auth.units_file (nor a county "
            "of auth.regions_file)",
            base, *unit, name));
      }
      principal.role = "unit:" + *canonical;
    }
    out->Add(std::move(h), std::move(principal));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ApiKeyAuthenticator> ApiKeyAuthenticator::FromConfig(const Config& config) {
  auto units = UnitDirectory::FromConfig(config);
  if (!units.ok()) return units.status();
  ApiKeyAuthenticator auth(*std::move(units));
  if (auto s = AddKeysFrom(config, "auth.api_keys", &auth); !s.ok()) return s;
  const std::string file = config.GetString("auth.api_keys_file", "");
  if (!file.empty()) {
    auto keys = Config::LoadFile(file, nullptr);
    if (!keys.ok()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("config key 'auth.api_keys_file': %s", keys.status().message()));
    }
    if (auto s = AddKeysFrom(*keys, "api_keys", &auth); !s.ok()) return s;
  }
  return auth;
}

void ApiKeyAuthenticator::Add(std::string sha256_hex, Principal principal) {
  if (auto unit = principal.Unit(); unit.has_value()) {
    if (auto canonical = units_.Canonical(*unit); canonical.has_value()) principal.role = "unit:" + *canonical;
  }
  keys_[std::move(sha256_hex)] = std::move(principal);
}

absl::StatusOr<Principal> ApiKeyAuthenticator::Authenticate(absl::string_view authorization) const {
  if (authorization.empty()) {
    return absl::UnauthenticatedError(
        "missing API key: send metadata 'authorization: Bearer <key>'");
  }
  absl::string_view key = authorization;
  if (!absl::ConsumePrefix(&key, "Bearer ") && !absl::ConsumePrefix(&key, "bearer ")) {
    return absl::UnauthenticatedError("authorization metadata must be 'Bearer <key>'");
  }
  key = absl::StripAsciiWhitespace(key);
  auto it = keys_.find(Sha256Hex(key));
  if (it == keys_.end()) return absl::UnauthenticatedError("unknown API key");
  return it->second;
}

absl::StatusOr<Principal> ApiKeyAuthenticator::Authenticate(
    const grpc::ServerContextBase& context) const {
  const auto& md = context.client_metadata();
  auto value = [&md](absl::string_view key) -> std::optional<std::string> {
    auto it = md.find(grpc::string_ref(key.data(), key.size()));
    if (it == md.end()) return std::nullopt;
    return std::string(it->second.data(), it->second.size());
  };
  auto key = Authenticate(value("authorization").value_or(""));
  if (!key.ok()) return key.status();
  const std::optional<std::string> role = value(kPersonRoleMetadata);
  if (!role.has_value()) return key;
  if (key->role != "gateway") {
    return absl::PermissionDeniedError(absl::StrFormat(
        "key '%s' (role %s) may not name a person: only the gateway's key may", key->name, key->role));
  }
  const std::string login = value(kPersonLoginMetadata).value_or("");
  const std::string display = value(kPersonNameMetadata).value_or(login);
  if (login.empty()) return absl::InvalidArgumentError("metadata 'ys-person-login-bin' is empty");
  if (auto s = ValidatePersonRole(*role); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("metadata 'ys-person-role-bin': ", s.message()));
  }
  Principal person{"", *role, key->name};
  if (auto unit = person.Unit(); unit.has_value()) {
    // As for keys: canonical by the units file; as given when no units file is configured.
    auto canonical = units_.Resolve(*unit);
    if (!canonical.has_value()) {
      return absl::PermissionDeniedError(absl::StrFormat(
          "metadata 'ys-person-role-bin': unit '%s' is not a unit of the catalog", *unit));
    }
    person.role = "unit:" + *canonical;
  }
  person.name = PersonAuditName(display.empty() ? login : display, person.role);
  return person;
}

absl::StatusOr<Principal> ApiKeyAuthenticator::Require(
    const grpc::ServerContextBase& context, std::initializer_list<absl::string_view> roles) const {
  auto principal = Authenticate(context);
  if (!principal.ok()) return principal.status();
  for (absl::string_view r : roles) {
    if (RoleMatches(principal->role, r)) return principal;
  }
  std::string wanted;
  for (absl::string_view r : roles) absl::StrAppend(&wanted, wanted.empty() ? "" : ", ", r);
  return absl::PermissionDeniedError(absl::StrFormat(
      "role '%s' may not do this; it needs one of: %s", principal->role, wanted));
}

namespace {

class AuthInterceptor final : public grpc::experimental::Interceptor {
 public:
  AuthInterceptor(const ApiKeyAuthenticator* authenticator, bool open)
      : authenticator_(authenticator), open_(open) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    using grpc::experimental::InterceptionHookPoints;
    if (!open_ &&
        methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      auto* md = methods->GetRecvInitialMetadata();
      absl::string_view value;
      if (auto it = md->find("authorization"); it != md->end()) {
        value = absl::string_view(it->second.data(), it->second.size());
      }
      auto principal = authenticator_->Authenticate(value);
      if (!principal.ok()) rejection_ = principal.status();
    }
    if (!rejection_.ok() &&
        methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      methods->ModifySendStatus(
          grpc::Status(grpc::StatusCode::UNAUTHENTICATED, std::string(rejection_.message())));
    }
    methods->Proceed();
  }

 private:
  const ApiKeyAuthenticator* authenticator_;
  const bool open_;
  absl::Status rejection_;
};

}  // namespace

bool AuthInterceptorFactory::IsOpenMethod(absl::string_view method) {
  return absl::StartsWith(method, "/grpc.health.v1.") ||
         absl::StartsWith(method, "/grpc.reflection.");
}

grpc::experimental::Interceptor* AuthInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new AuthInterceptor(authenticator_, IsOpenMethod(info->method()));
}

}  // namespace ys
