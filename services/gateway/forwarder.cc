#include "services/gateway/forwarder.h"

#include <future>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/grpc/auth.h"
#include "common/grpc/channel.h"
#include "common/grpc/status.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"

namespace ys::gateway {

namespace gp = ::google::protobuf;

const gp::MethodDescriptor* MethodCatalog::Find(absl::string_view full_method) {
  const size_t slash = full_method.find('/');
  if (slash == absl::string_view::npos) return nullptr;
  const gp::ServiceDescriptor* service =
      gp::DescriptorPool::generated_pool()->FindServiceByName(std::string(full_method.substr(0, slash)));
  if (service == nullptr) return nullptr;
  return service->FindMethodByName(std::string(full_method.substr(slash + 1)));
}

absl::StatusOr<std::unique_ptr<gp::Message>> MethodCatalog::Decode(const gp::Descriptor* type, Codec codec,
                                                                   const std::string& body) {
  const gp::Message* prototype = gp::MessageFactory::generated_factory()->GetPrototype(type);
  if (prototype == nullptr) return absl::InternalError(absl::StrCat("no generated type ", type->full_name()));
  std::unique_ptr<gp::Message> message(prototype->New());
  if (codec == Codec::kProto) {
    if (!message->ParseFromString(body)) {
      return absl::InvalidArgumentError(absl::StrCat("body: not a binary ", type->full_name()));
    }
    return message;
  }
  gp::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = gp::util::JsonStringToMessage(body.empty() ? "{}" : body, message.get(), options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("body: not a JSON ", type->full_name(), ": ", std::string(status.message())));
  }
  return message;
}

absl::StatusOr<std::string> MethodCatalog::Encode(const gp::Message& message, Codec codec) {
  std::string out;
  if (codec == Codec::kProto) {
    if (!message.SerializeToString(&out)) return absl::InternalError("answer does not serialise");
    return out;
  }
  gp::util::JsonPrintOptions options;
  const auto status = gp::util::MessageToJsonString(message, &out, options);
  if (!status.ok()) return absl::InternalError(std::string(status.message()));
  return out;
}

Backends::Backends(const std::map<std::string, std::string>& addresses,
                   std::shared_ptr<grpc::ChannelCredentials> credentials, const std::string& server_name)
    : addresses_(addresses) {
  for (const auto& [package, address] : addresses) {
    channels_[package] = MakeChannel(address, credentials, server_name);
  }
}

std::shared_ptr<grpc::Channel> Backends::ChannelFor(absl::string_view service) const {
  const size_t dot = service.rfind('.');
  if (dot == absl::string_view::npos) return nullptr;
  auto it = channels_.find(service.substr(0, dot));
  return it == channels_.end() ? nullptr : it->second;
}

absl::StatusOr<std::string> Forwarder::Forward(const ConnectCall& call, const Person& person,
                                               const std::string& body) const {
  const gp::MethodDescriptor* method = MethodCatalog::Find(call.FullMethod());
  if (method == nullptr || method->client_streaming() || method->server_streaming()) {
    return absl::UnimplementedError(absl::StrFormat("no unary method %s", call.FullMethod()));
  }
  std::shared_ptr<grpc::Channel> channel = backends_.ChannelFor(call.service);
  if (channel == nullptr) {
    return absl::UnimplementedError(absl::StrFormat("no backend serves %s", call.service));
  }
  // Binary bodies go through as they are; JSON is converted both ways with the method's types.
  std::string request = body;
  if (call.codec == Codec::kJson) {
    auto message = MethodCatalog::Decode(method->input_type(), Codec::kJson, body);
    if (!message.ok()) return message.status();
    request = (*message)->SerializeAsString();
  }
  grpc::Slice slice(request);
  grpc::ByteBuffer request_buffer(&slice, 1);
  grpc::ByteBuffer response_buffer;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + call.timeout.value_or(default_timeout_)));
  context.AddMetadata("authorization", "Bearer " + service_key_);
  context.AddMetadata(kPersonLoginMetadata, person.login);
  context.AddMetadata(kPersonNameMetadata, person.display_name);
  context.AddMetadata(kPersonRoleMetadata, person.role);

  grpc::GenericStub stub(channel);
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, call.GrpcPath(), grpc::StubOptions(), &request_buffer, &response_buffer,
                 [&done](grpc::Status status) { done.set_value(std::move(status)); });
  const grpc::Status status = done.get_future().get();
  if (!status.ok()) return FromGrpcStatus(status);

  std::vector<grpc::Slice> slices;
  if (!response_buffer.Dump(&slices).ok()) return absl::InternalError("unreadable answer");
  std::string response;
  for (const grpc::Slice& s : slices) response.append(reinterpret_cast<const char*>(s.begin()), s.size());
  if (call.codec == Codec::kProto) return response;
  auto message = MethodCatalog::Decode(method->output_type(), Codec::kProto, response);
  if (!message.ok()) return absl::InternalError(absl::StrCat("answer: ", message.status().message()));
  return MethodCatalog::Encode(**message, Codec::kJson);
}

}  // namespace ys::gateway
