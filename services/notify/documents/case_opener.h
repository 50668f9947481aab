#pragma once

// Where a 督办事项 becomes a case: the rectification service's OpenCase (origin BULLETIN), behind an
// interface so the desk is tested on a fake. OpenCase answers the same case for the same
// (origin, origin_ref, unit, indicator, period): a retry opens nothing new.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "yingshang/rectification/v1/rectification.grpc.pb.h"

namespace ys::notify::documents {

class CaseOpener {
 public:
  virtual ~CaseOpener() = default;
  // The case's id.
  virtual absl::StatusOr<std::string> Open(const yingshang::rectification::v1::OpenCaseRequest& request) = 0;
};

// Over gRPC with the service's key (an office act: the office picked the items and issued them).
class GrpcCaseOpener final : public CaseOpener {
 public:
  GrpcCaseOpener(std::shared_ptr<grpc::Channel> channel, std::string api_key, absl::Duration deadline);
  absl::StatusOr<std::string> Open(const yingshang::rectification::v1::OpenCaseRequest& request) override;

 private:
  std::unique_ptr<yingshang::rectification::v1::RectificationService::Stub> stub_;
  std::string api_key_;
  absl::Duration deadline_;
};

}  // namespace ys::notify::documents
