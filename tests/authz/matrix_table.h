#pragma once

// The authorization matrix (issue #17): tests/authz/matrix.yaml read into rows, the RPCs the protos
// declare read from the compiled-in descriptors, and which test suite probes which service. Shared by
// the unit half (services on fakes) and the PostgreSQL half of the matrix test.
//
// The table is YAML rather than a C++ header: it has the shape of the gateway's allow-list
// (services/gateway/allowlist.yaml, "pkg.Service/Method: [roles]"), so the two read side by side,
// and someone who changes who may call what edits a list, not code.

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"

namespace ys::authz {

// The role patterns a row may name, as services/gateway/allowlist.yaml writes them.
inline const std::set<std::string>& KnownRoles() {
  static const std::set<std::string> roles = {"office",    "unit:*", "platform:*", "huiqitong",
                                              "centre",    "viewer", "leader:*",   "county:*"};
  return roles;
}

// A row's entry is a pattern, or a pattern and " own": the role passes the role check, and the
// service then holds it to its own (a unit's cases, a recipient's inbox, a platform's source), so an
// empty request may be refused for naming nobody's. The office is never held so.
inline constexpr char kOwnSuffix[] = " own";
inline bool IsOwn(const std::string& entry) { return absl::EndsWith(entry, kOwnSuffix); }
inline std::string PatternOf(const std::string& entry) {
  return IsOwn(entry) ? entry.substr(0, entry.size() - sizeof(kOwnSuffix) + 1) : entry;
}

struct MatrixTable {
  // "yingshang.duty.v1.DutyService/Register" -> the role patterns the service lets through (gRPC,
  // API keys).
  std::map<std::string, std::vector<std::string>> grpc;
  // The same for ConsoleService (HTTP, a person's session); "public" needs no session.
  std::map<std::string, std::vector<std::string>> console;
  // Methods no program serves -> why.
  std::map<std::string, std::string> unserved;
};

// The table, each row checked: a known role, no role twice, no method in two sections.
inline absl::StatusOr<MatrixTable> LoadMatrix(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", e.what()));
  }
  MatrixTable out;
  std::set<std::string> seen;
  auto rows = [&](const char* section, bool console,
                  std::map<std::string, std::vector<std::string>>* into) -> absl::Status {
    const YAML::Node node = root[section];
    if (!node.IsMap()) return absl::InvalidArgumentError(absl::StrCat(path, ": '", section, "' is not a map"));
    for (const auto& row : node) {
      const std::string method = row.first.as<std::string>();
      const std::string key = absl::StrCat(section, ".", method);
      if (!seen.insert(method).second) return absl::InvalidArgumentError(absl::StrCat(key, ": listed twice"));
      if (!row.second.IsSequence() || row.second.size() == 0) {
        return absl::InvalidArgumentError(absl::StrCat(key, ": give a list of roles"));
      }
      std::vector<std::string>& roles = (*into)[method];
      for (const auto& r : row.second) {
        const std::string role = r.as<std::string>();
        const std::string pattern = PatternOf(role);
        const bool known = KnownRoles().contains(pattern) || (console && role == "public");
        if (!known) {
          return absl::InvalidArgumentError(absl::StrCat(
              key, ": role '", role, "' is not one of office, unit:*, platform:*, huiqitong, centre, viewer, ",
              "leader:*, county:*", console ? ", public" : " (each may end in ' own')"));
        }
        if (IsOwn(role) && (console || pattern == "office")) {
          return absl::InvalidArgumentError(
              absl::StrCat(key, ": role '", role, "': 'own' is for gRPC rows, and the office is held to nothing"));
        }
        for (const std::string& other : roles) {
          if (PatternOf(other) == pattern) {
            return absl::InvalidArgumentError(absl::StrCat(key, ": role '", pattern, "' listed twice"));
          }
        }
        roles.push_back(role);
      }
    }
    return absl::OkStatus();
  };
  if (absl::Status s = rows("grpc", false, &out.grpc); !s.ok()) return s;
  if (absl::Status s = rows("console", true, &out.console); !s.ok()) return s;
  const YAML::Node unserved = root["unserved"];
  if (unserved.IsDefined()) {
    for (const auto& row : unserved) {
      const std::string method = row.first.as<std::string>();
      if (!seen.insert(method).second) return absl::InvalidArgumentError(absl::StrCat("unserved.", method, ": listed twice"));
      out.unserved[method] = row.second.as<std::string>();
    }
  }
  for (const auto& entry : root) {
    const std::string top = entry.first.as<std::string>();
    if (top != "grpc" && top != "console" && top != "unserved") {
      return absl::InvalidArgumentError(absl::StrCat(path, ": unknown section '", top, "'"));
    }
  }
  return out;
}

// "yingshang.duty.v1.DutyService/Register", as the table and the gateway's allow-list name methods.
inline std::string RowName(const google::protobuf::MethodDescriptor* m) {
  return absl::StrCat(m->service()->full_name(), "/", m->name());
}

struct DeclaredRpcs {
  std::vector<const google::protobuf::MethodDescriptor*> methods;  // of every service, in file order
  std::vector<std::string> unlinked;  // .proto files under proto/yingshang the binary holds no descriptor of
};

// Every method of every service declared in the .proto files under `proto_root`/yingshang, from the
// generated pool. The files on disk say which descriptors must be there: one the binary does not link
// is reported, not silently missed.
inline DeclaredRpcs DeclaredInProtos(const std::string& proto_root) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(fs::path(proto_root) / "yingshang")) {
    if (entry.is_regular_file() && entry.path().extension() == ".proto") {
      files.push_back(fs::relative(entry.path(), proto_root).generic_string());
    }
  }
  std::sort(files.begin(), files.end());
  DeclaredRpcs out;
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const std::string& name : files) {
    const google::protobuf::FileDescriptor* file = pool->FindFileByName(name);
    if (file == nullptr) {
      out.unlinked.push_back(name);
      continue;
    }
    for (int s = 0; s < file->service_count(); ++s) {
      for (int m = 0; m < file->service(s)->method_count(); ++m) out.methods.push_back(file->service(s)->method(m));
    }
  }
  return out;
}

// Which test suite starts which service and probes it, and in which binary: "unit" (fakes,
// authz_matrix_test) or "integration" (the local stack's PostgreSQL and Redis,
// authz_matrix_integration_test). Each binary checks its suites exist; the unit binary checks every
// served service has its line here.
struct ServiceHost {
  const char* service;
  const char* suite;
  const char* binary;
};
inline constexpr ServiceHost kServiceHosts[] = {
    {"yingshang.indicator.v1.CatalogService", "CatalogMatrix", "unit"},
    {"yingshang.duty.v1.DutyService", "DutyMatrix", "unit"},
    {"yingshang.notify.v1.NotifyService", "NotifyMatrix", "unit"},
    {"yingshang.notify.v1.DocumentService", "NotifyMatrix", "unit"},
    {"yingshang.gateway.v1.UserAdmin", "GatewayMatrix", "unit"},
    {"yingshang.gateway.v1.ConsoleService", "GatewayMatrix", "unit"},
    {"yingshang.rectification.v1.RectificationService", "RectificationMatrix", "integration"},
    {"yingshang.admin.v1.OutboxAdmin", "RectificationMatrix", "integration"},
    {"yingshang.ranking.v1.RankingIngest", "RankingMatrix", "integration"},
    {"yingshang.ranking.v1.RankingQuery", "RankingMatrix", "integration"},
    {"yingshang.indicator.v1.ProgrammeService", "IndicatorPgMatrix", "integration"},
    {"yingshang.indicator.v1.RedemptionService", "IndicatorPgMatrix", "integration"},
};

inline std::string MatrixPath() { return std::string(YS_SOURCE_DIR) + "/tests/authz/matrix.yaml"; }
inline std::string ProtoRoot() { return std::string(YS_SOURCE_DIR) + "/proto"; }

}  // namespace ys::authz
