#pragma once

// Calls every RPC of a running service under every role's key (tests/authz/matrix.yaml): one
// generic call per method and caller, its request the method's input type left empty, built from the
// method's descriptor, so no RPC needs code of its own here.

#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/grpc/auth.h"
#include "common/grpc/server.h"
#include "common/metrics/metrics.h"
#include "google/protobuf/dynamic_message.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "tests/authz/matrix_table.h"

namespace ys::authz {

// One caller: a key of one role, the gateway's key naming a person of one role, the gateway's key
// alone, or no key.
struct Caller {
  std::string label;        // as the failures and the docs name it
  std::string key;          // the bearer key; empty: none
  std::string role;         // the role the row is matched against; empty: none
  std::string person_role;  // set: the gateway's key naming a person of this role
};

inline constexpr char kGatewayKey[] = "authz-gateway";

// The role each pattern of the table is probed with.
inline const std::vector<std::pair<std::string, std::string>>& ProbeRoles() {
  static const std::vector<std::pair<std::string, std::string>> roles = {
      {"office", "office"},
      {"unit:*", "unit:市住房和城乡建设局"},
      {"platform:*", "platform:jxyshj"},
      {"huiqitong", "huiqitong"},
      {"centre", "centre"},
      {"viewer", "viewer"},
      {"leader:*", "leader:李茂荣"},
      {"county:*", "county:361102"}};
  return roles;
}

// A key is header text, so ASCII: "authz-unit" for unit:*.
inline std::string KeyFor(const std::string& pattern) {
  return "authz-" + pattern.substr(0, pattern.find(':'));
}

// Every caller: a key per role; a person of each role the console has, named by the gateway's key;
// the gateway's key alone; no key.
inline std::vector<Caller> Callers() {
  std::vector<Caller> out;
  for (const auto& [pattern, role] : ProbeRoles()) out.push_back({role, KeyFor(pattern), role, ""});
  for (const auto& [pattern, role] : ProbeRoles()) {
    if (ValidatePersonRole(role).ok()) out.push_back({"person " + role, kGatewayKey, role, role});
  }
  out.push_back({"gateway key alone", kGatewayKey, "", ""});
  out.push_back({"no key", "", "", ""});
  return out;
}

// The callers' keys, added to the authenticator a fixture's server checks with.
inline void AddCallerKeys(ApiKeyAuthenticator& auth) {
  for (const auto& [pattern, role] : ProbeRoles()) {
    auth.Add(Sha256Hex(KeyFor(pattern)), Principal{KeyFor(pattern), role});
  }
  auth.Add(Sha256Hex(kGatewayKey), Principal{"authz-console", "gateway"});
}

enum class Expected { kAllowed, kAllowedOwn, kDenied, kUnauthenticated };

inline Expected ExpectedFor(const Caller& caller, const std::vector<std::string>& row) {
  if (caller.key.empty()) return Expected::kUnauthenticated;
  if (caller.role.empty()) return Expected::kDenied;  // the gateway's key holds no role of its own
  for (const std::string& entry : row) {
    if (RoleMatches(caller.role, PatternOf(entry))) return IsOwn(entry) ? Expected::kAllowedOwn : Expected::kAllowed;
  }
  return Expected::kDenied;
}

// ApiKeyAuthenticator::Require's refusal (common/grpc/auth.cc): "role 'viewer' may not do this; it
// needs one of: office". Every kDenied answer must be one, so a change of the wording fails loudly
// instead of letting an "own" role's refusal pass for the service's own narrowing.
inline bool IsRoleCheckRefusal(const grpc::Status& s) {
  return s.error_code() == grpc::StatusCode::PERMISSION_DENIED &&
         s.error_message().find("may not do this; it needs one of: ") != std::string::npos;
}

// Whether `status` is what `expected` allows; UNIMPLEMENTED never is (the method is not served
// there, so nothing was checked).
inline bool Matches(Expected expected, const grpc::Status& status) {
  const grpc::StatusCode code = status.error_code();
  if (code == grpc::StatusCode::UNIMPLEMENTED) return false;
  switch (expected) {
    case Expected::kAllowed:
      return code != grpc::StatusCode::PERMISSION_DENIED && code != grpc::StatusCode::UNAUTHENTICATED;
    case Expected::kAllowedOwn:
      return code != grpc::StatusCode::UNAUTHENTICATED && !IsRoleCheckRefusal(status);
    case Expected::kDenied:
      return IsRoleCheckRefusal(status);
    case Expected::kUnauthenticated:
      return code == grpc::StatusCode::UNAUTHENTICATED;
  }
  return false;
}

inline const char* ExpectedName(Expected e) {
  switch (e) {
    case Expected::kAllowed:
      return "let through (not PERMISSION_DENIED/UNAUTHENTICATED)";
    case Expected::kAllowedOwn:
      return "let through the role check (held to its own after it)";
    case Expected::kDenied:
      return "PERMISSION_DENIED by the role check";
    case Expected::kUnauthenticated:
      return "UNAUTHENTICATED";
  }
  return "?";
}

// `method` with its input type's empty message, as `caller`. A client-streaming method (Submit) is
// the same on the wire: one message, then the end of the stream.
inline grpc::Status CallEmpty(grpc::GenericStub& stub, const google::protobuf::MethodDescriptor* method,
                              const Caller& caller) {
  google::protobuf::DynamicMessageFactory factory;
  const std::string bytes = factory.GetPrototype(method->input_type())->SerializeAsString();
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  if (!caller.key.empty()) ctx.AddMetadata("authorization", "Bearer " + caller.key);
  if (!caller.person_role.empty()) {
    ctx.AddMetadata(kPersonLoginMetadata, "authz-person");
    ctx.AddMetadata(kPersonNameMetadata, "矩阵测试");
    ctx.AddMetadata(kPersonRoleMetadata, caller.person_role);
  }
  std::mutex mu;
  std::condition_variable done;
  bool finished = false;
  grpc::Status status;
  stub.UnaryCall(&ctx, absl::StrCat("/", method->service()->full_name(), "/", method->name()), grpc::StubOptions(),
                 &request, &response, [&](grpc::Status s) {
                   std::lock_guard<std::mutex> lock(mu);
                   status = std::move(s);
                   finished = true;
                   done.notify_one();
                 });
  std::unique_lock<std::mutex> lock(mu);
  done.wait(lock, [&] { return finished; });
  return status;
}

// Calls every method of `services` on the server at `address` as every caller and checks each answer
// against `table`; a failure names the method, the caller, the answer and the row. Returns the calls
// made. The caller keys must be in the server's authenticator (AddCallerKeys).
inline int ProbeServices(const std::string& address, const std::vector<std::string>& services,
                         const MatrixTable& table) {
  const DeclaredRpcs declared = DeclaredInProtos(ProtoRoot());
  grpc::GenericStub stub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  const std::vector<Caller> callers = Callers();
  int calls = 0;
  for (const std::string& service : services) {
    int methods = 0;
    for (const google::protobuf::MethodDescriptor* method : declared.methods) {
      if (method->service()->full_name() != service) continue;
      ++methods;
      const std::string name = RowName(method);
      auto row = table.grpc.find(name);
      if (row == table.grpc.end()) {
        ADD_FAILURE() << name << " has no row under 'grpc' in tests/authz/matrix.yaml";
        continue;
      }
      for (const Caller& caller : callers) {
        const Expected expected = ExpectedFor(caller, row->second);
        const grpc::Status status = CallEmpty(stub, method, caller);
        ++calls;
        EXPECT_TRUE(Matches(expected, status))
            << name << " as " << caller.label << ": answered " << status.error_code() << " ("
            << status.error_message() << "), the row [" << absl::StrJoin(row->second, ", ") << "] says "
            << ExpectedName(expected);
      }
    }
    EXPECT_GT(methods, 0) << service << " declares no method in the protos this binary links";
    std::cout << "authz matrix: " << service << ": " << methods << " RPCs x " << callers.size()
              << " callers\n";
  }
  return calls;
}

// A gRPC server over `services`, checking keys with `auth` (which gets the callers' keys).
class MatrixServer {
 public:
  MatrixServer(ApiKeyAuthenticator& auth, std::vector<grpc::Service*> services) {
    AddCallerKeys(auth);
    server_ = std::make_unique<GrpcServer>(GrpcServerOptions{}, metrics_, &auth);
    for (grpc::Service* s : services) server_->AddService(s);
    started_ = server_->Start();
  }
  ~MatrixServer() { server_->Shutdown(); }
  const absl::Status& started() const { return started_; }
  std::string address() const { return server_->address(); }

 private:
  Metrics metrics_{"authz_matrix"};
  std::unique_ptr<GrpcServer> server_;
  absl::Status started_;
};

// tests/authz/matrix.yaml, or an empty table after a failure that names the reason.
inline MatrixTable MustLoadMatrix() {
  auto table = LoadMatrix(MatrixPath());
  EXPECT_TRUE(table.ok()) << table.status();
  return table.ok() ? *std::move(table) : MatrixTable{};
}

// This binary's suites named in kServiceHosts exist (`binary` is "unit" or "integration"): a service
// listed there but probed by no test would otherwise pass unseen.
inline void ExpectHostSuitesExist(const std::string& binary) {
  std::set<std::string> suites;
  const ::testing::UnitTest& unit = *::testing::UnitTest::GetInstance();
  for (int i = 0; i < unit.total_test_suite_count(); ++i) suites.insert(unit.GetTestSuite(i)->name());
  for (const ServiceHost& host : kServiceHosts) {
    if (host.binary != binary) continue;
    EXPECT_TRUE(suites.contains(host.suite))
        << host.service << " is probed by suite " << host.suite << " (kServiceHosts), which this binary lacks";
  }
}

}  // namespace ys::authz
