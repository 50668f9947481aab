#include "services/notify/documents/case_opener.h"

#include <utility>

#include "common/grpc/status.h"

namespace ys::notify::documents {

GrpcCaseOpener::GrpcCaseOpener(std::shared_ptr<grpc::Channel> channel, std::string api_key, absl::Duration deadline)
    : stub_(yingshang::rectification::v1::RectificationService::NewStub(std::move(channel))),
      api_key_(std::move(api_key)),
      deadline_(deadline) {}

absl::StatusOr<std::string> GrpcCaseOpener::Open(const yingshang::rectification::v1::OpenCaseRequest& request) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
  context.AddMetadata("authorization", "Bearer " + api_key_);
  yingshang::rectification::v1::Case opened;
  const grpc::Status status = stub_->OpenCase(&context, request, &opened);
  if (!status.ok()) return FromGrpcStatus(status);
  return opened.id();
}

}  // namespace ys::notify::documents
