#pragma once

// DocumentSources over gRPC (issue #16): the four services notify reads a document from, each call
// with the service's key ("authorization: Bearer <api_key>", an office key: the office assembles)
// and a deadline. List calls are paged here, 500 at a time, until the last page.

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "services/notify/documents/sources.h"
#include "yingshang/duty/v1/duty.grpc.pb.h"
#include "yingshang/indicator/v1/catalog.grpc.pb.h"
#include "yingshang/indicator/v1/programme.grpc.pb.h"
#include "yingshang/indicator/v1/redemption.grpc.pb.h"
#include "yingshang/ranking/v1/query.grpc.pb.h"
#include "yingshang/rectification/v1/rectification.grpc.pb.h"

namespace ys::notify::documents {

struct GrpcSourcesOptions {
  std::string ranking, indicator, rectification, duty;  // host:port
  std::string api_key;
  absl::Duration deadline = absl::Seconds(10);  // each call (each page of a list)
  std::string server_name;  // grpc.client.tls.server_name: the name checked in their certificates
};

class GrpcDocumentSources final : public DocumentSources {
 public:
  // Channels connect lazily: constructing does no I/O. `creds`: TLS when grpc.client.tls.* is set
  // (common/grpc/channel.h ChannelCredentialsFor).
  explicit GrpcDocumentSources(GrpcSourcesOptions o,
                               std::shared_ptr<grpc::ChannelCredentials> creds = grpc::InsecureChannelCredentials());

  absl::StatusOr<rpb::Scorecard> GetScorecard(const rpb::GetScorecardRequest& request) override;
  absl::StatusOr<rpb::ListAlertsResponse> ListAlerts(const rpb::ListAlertsRequest& request) override;
  absl::StatusOr<rpb::ListConsequencesResponse> ListConsequences(const rpb::ListConsequencesRequest& request) override;
  absl::StatusOr<rpb::Goals> GetGoals(const rpb::GetGoalsRequest& request) override;

  absl::StatusOr<ipb::ListIndicatorsResponse> ListIndicators(const ipb::ListIndicatorsRequest& request) override;
  absl::StatusOr<ipb::ListRegionsResponse> ListRegions(const ipb::ListRegionsRequest& request) override;
  absl::StatusOr<ipb::ListUnitsResponse> ListUnits(const ipb::ListUnitsRequest& request) override;
  absl::StatusOr<ipb::ListProgrammeItemsResponse> ListProgrammeItems(
      const ipb::ListProgrammeItemsRequest& request) override;
  absl::StatusOr<ipb::ListProgressResponse> ListProgress(const ipb::ListProgressRequest& request) override;
  absl::StatusOr<ipb::RedemptionSummaryResponse> GetRedemptionSummary(
      const ipb::RedemptionSummaryRequest& request) override;

  absl::StatusOr<cpb::ListCasesResponse> ListCases(const cpb::ListCasesRequest& request) override;
  absl::StatusOr<cpb::OverdueResponse> ListOverdue(const cpb::OverdueRequest& request) override;

  absl::StatusOr<dpb::ComplianceReport> GetCompliance(const dpb::GetComplianceRequest& request) override;

 private:
  // One unary call with the key and the deadline.
  template <typename Call>
  absl::Status Unary(const Call& call);

  GrpcSourcesOptions options_;
  std::unique_ptr<rpb::RankingQuery::Stub> ranking_;
  std::unique_ptr<ipb::CatalogService::Stub> catalog_;
  std::unique_ptr<ipb::ProgrammeService::Stub> programme_;
  std::unique_ptr<ipb::RedemptionService::Stub> redemption_;
  std::unique_ptr<cpb::RectificationService::Stub> rectification_;
  std::unique_ptr<dpb::DutyService::Stub> duty_;
};

}  // namespace ys::notify::documents
