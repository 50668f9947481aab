// What a browser (or anyone on the network) sends the console's gateway: the request head through
// AcceptConnectRequest (our CSRF rules), the body through the JSON and binary codecs of the methods
// the console calls most (a scorecard read, a case report, an upload), and an upload's name and bytes
// through the attachment rules. Properties: a refusal has an HTTP error status and a body naming why;
// an accepted call names a service and a method; a decoded message encodes again; a stored file name
// is one SafeFilename leaves unchanged.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "services/gateway/attachment_rules.h"
#include "services/gateway/connect_protocol.h"
#include "services/gateway/forwarder.h"
#include "yingshang/gateway/v1/gateway.pb.h"
#include "yingshang/ranking/v1/query.pb.h"
#include "yingshang/rectification/v1/rectification.pb.h"

namespace ys::gateway {
namespace {

// Splits the input on NUL bytes into the head's fields.
std::vector<std::string> Fields(absl::string_view data, size_t n) {
  std::vector<std::string> out(n);
  size_t i = 0;
  for (char c : data) {
    if (c == '\0' && i + 1 < n) {
      ++i;
      continue;
    }
    out[i].push_back(c);
  }
  return out;
}

void CheckHead(absl::string_view data) {
  const std::vector<std::string> f = Fields(data, 7);
  const HttpRequestHead head{f[0], f[1], f[2], f[3], f[4], f[5], f[6]};
  const auto decision = AcceptConnectRequest(head, {"http://127.0.0.1:8080"});
  if (const auto* refusal = std::get_if<Refusal>(&decision)) {
    fuzz::Require(refusal->http_status >= 400 && refusal->http_status < 600, "a refusal is an HTTP error");
    fuzz::Require(!refusal->message.empty() && !RefusalBody(*refusal).empty(), "a refusal says why");
    return;
  }
  const ConnectCall& call = std::get<ConnectCall>(decision);
  fuzz::Require(!call.service.empty() && !call.method.empty(), "an accepted call names its method");
  fuzz::Require(head.http_method == "POST", "only POST is accepted");
}

void CheckBody(const google::protobuf::Descriptor* type, absl::string_view body) {
  for (const Codec codec : {Codec::kJson, Codec::kProto}) {
    auto message = MethodCatalog::Decode(type, codec, std::string(body));
    if (!message.ok()) {
      fuzz::Require(message.status().code() == absl::StatusCode::kInvalidArgument, "a bad body is invalid_argument");
      continue;
    }
    fuzz::Require(MethodCatalog::Encode(**message, Codec::kJson).ok(), "a decoded message encodes as JSON");
    fuzz::Require(MethodCatalog::Encode(**message, Codec::kProto).ok(), "a decoded message encodes as binary");
  }
}

void CheckUpload(absl::string_view data) {
  const size_t cut = data.find('\0');
  const absl::string_view name = data.substr(0, cut);
  const absl::string_view content = cut == absl::string_view::npos ? "" : data.substr(cut + 1);
  (void)CheckAttachment(name, content, AttachmentLimits{.max_bytes = 1 << 16});
  const std::string safe = SafeFilename(name);
  fuzz::Require(!safe.empty() && SafeFilename(safe) == safe, "SafeFilename is idempotent and never empty");
  const auto ref = ParseAttachmentReference(AttachmentReference(std::string(64, 'a'), name));
  fuzz::Require(ref.has_value() && ref->filename == safe, "a reference reads back with the safe name");
}

}  // namespace
}  // namespace ys::gateway

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  ys::gateway::CheckHead(input);
  ys::gateway::CheckBody(yingshang::ranking::v1::GetScorecardRequest::descriptor(), input);
  ys::gateway::CheckBody(yingshang::rectification::v1::ReportProgressRequest::descriptor(), input);
  ys::gateway::CheckBody(yingshang::gateway::v1::UploadAttachmentRequest::descriptor(), input);
  ys::gateway::CheckUpload(input);
  return 0;
}
