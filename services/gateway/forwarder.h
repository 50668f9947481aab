#pragma once

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "grpcpp/channel.h"
#include "grpcpp/security/credentials.h"
#include "services/gateway/connect_protocol.h"

namespace ys::gateway {

// Who a forwarded call is for: the logged-in person, or the hall screen's public identity.
struct Person {
  std::string login;
  std::string display_name;
  std::string role;
};

// The message types of every compiled-in service (protobuf's generated pool: the gateway links all
// of proto/): what makes the gateway generic — no handler is written per method.
class MethodCatalog {
 public:
  // "yingshang.ranking.v1.RankingQuery/GetScorecard" -> its descriptor, or nullptr.
  static const google::protobuf::MethodDescriptor* Find(absl::string_view full_method);
  static bool Exists(const std::string& full_method) { return Find(full_method) != nullptr; }
  // A body in `codec` as a message of `type`: INVALID_ARGUMENT with protobuf's reason (naming the
  // field for JSON) when it does not parse.
  static absl::StatusOr<std::unique_ptr<google::protobuf::Message>> Decode(
      const google::protobuf::Descriptor* type, Codec codec, const std::string& body);
  // proto3's JSON mapping (lowerCamelCase names, as the Connect clients expect) or the binary form.
  static absl::StatusOr<std::string> Encode(const google::protobuf::Message& message, Codec codec);
};

// The services behind the gateway, by proto package: gateway.backends
// {"yingshang.ranking.v1": "127.0.0.1:7102", …}; one channel each, with `credentials` (TLS when
// grpc.client.tls.* is set) and `server_name` as the name checked in their certificates when not empty.
class Backends {
 public:
  Backends(const std::map<std::string, std::string>& addresses,
           std::shared_ptr<grpc::ChannelCredentials> credentials, const std::string& server_name = "");
  // The channel of the service's package ("yingshang.ranking.v1.RankingQuery" -> yingshang.ranking.v1);
  // nullptr when no backend serves it.
  std::shared_ptr<grpc::Channel> ChannelFor(absl::string_view service) const;
  const std::map<std::string, std::string>& addresses() const { return addresses_; }

 private:
  std::map<std::string, std::string> addresses_;
  std::map<std::string, std::shared_ptr<grpc::Channel>, std::less<>> channels_;
};

// Forwards a Connect unary call to the service that owns the method, over gRPC, calling with the
// gateway's own key (role `gateway`) and naming the person (common/grpc/auth.h kPerson*Metadata), so
// the service applies the person's role and writes the person into its audit trail.
class Forwarder {
 public:
  Forwarder(const Backends& backends, std::string service_key, absl::Duration default_timeout)
      : backends_(backends), service_key_(std::move(service_key)), default_timeout_(default_timeout) {}

  // The answer in the request's codec, or the service's status (UNIMPLEMENTED for a method no
  // backend serves or that is not unary).
  absl::StatusOr<std::string> Forward(const ConnectCall& call, const Person& person,
                                      const std::string& body) const;

 private:
  const Backends& backends_;
  std::string service_key_;
  absl::Duration default_timeout_;
};

}  // namespace ys::gateway
