#pragma once

// Where a document's figures come from (issue #16): the other services' read calls, one method per
// RPC, request in and response out, so the gRPC implementation (grpc_sources.h) is mechanical and
// the fake (tests/fakes/fake_document_sources.h) is a table of answers. A list call returns every
// page in one response (the request's page is ignored): the assembly never pages.
//
// Which service each method asks, as content.missing names it when it does not answer:
//   ranking        GetScorecard, ListAlerts, ListConsequences, GetGoals
//   indicator      ListIndicators, ListRegions, ListUnits, ListProgrammeItems, ListProgress,
//                  GetRedemptionSummary
//   rectification  ListCases, ListOverdue
//   duty           GetCompliance

#include "absl/status/statusor.h"
#include "yingshang/duty/v1/duty.pb.h"
#include "yingshang/indicator/v1/catalog.pb.h"
#include "yingshang/indicator/v1/programme.pb.h"
#include "yingshang/indicator/v1/redemption.pb.h"
#include "yingshang/ranking/v1/query.pb.h"
#include "yingshang/rectification/v1/rectification.pb.h"

namespace ys::notify::documents {

namespace rpb = ::yingshang::ranking::v1;
namespace ipb = ::yingshang::indicator::v1;
namespace cpb = ::yingshang::rectification::v1;
namespace dpb = ::yingshang::duty::v1;

inline constexpr char kRankingService[] = "ranking";
inline constexpr char kIndicatorService[] = "indicator";
inline constexpr char kRectificationService[] = "rectification";
inline constexpr char kDutyService[] = "duty";

class DocumentSources {
 public:
  virtual ~DocumentSources() = default;

  // ranking (RankingQuery)
  virtual absl::StatusOr<rpb::Scorecard> GetScorecard(const rpb::GetScorecardRequest& request) = 0;
  virtual absl::StatusOr<rpb::ListAlertsResponse> ListAlerts(const rpb::ListAlertsRequest& request) = 0;
  virtual absl::StatusOr<rpb::ListConsequencesResponse> ListConsequences(
      const rpb::ListConsequencesRequest& request) = 0;
  virtual absl::StatusOr<rpb::Goals> GetGoals(const rpb::GetGoalsRequest& request) = 0;

  // indicator (CatalogService, ProgrammeService, RedemptionService)
  virtual absl::StatusOr<ipb::ListIndicatorsResponse> ListIndicators(const ipb::ListIndicatorsRequest& request) = 0;
  virtual absl::StatusOr<ipb::ListRegionsResponse> ListRegions(const ipb::ListRegionsRequest& request) = 0;
  virtual absl::StatusOr<ipb::ListUnitsResponse> ListUnits(const ipb::ListUnitsRequest& request) = 0;
  virtual absl::StatusOr<ipb::ListProgrammeItemsResponse> ListProgrammeItems(
      const ipb::ListProgrammeItemsRequest& request) = 0;
  virtual absl::StatusOr<ipb::ListProgressResponse> ListProgress(const ipb::ListProgressRequest& request) = 0;
  virtual absl::StatusOr<ipb::RedemptionSummaryResponse> GetRedemptionSummary(
      const ipb::RedemptionSummaryRequest& request) = 0;

  // rectification (RectificationService)
  virtual absl::StatusOr<cpb::ListCasesResponse> ListCases(const cpb::ListCasesRequest& request) = 0;
  virtual absl::StatusOr<cpb::OverdueResponse> ListOverdue(const cpb::OverdueRequest& request) = 0;

  // duty (DutyService)
  virtual absl::StatusOr<dpb::ComplianceReport> GetCompliance(const dpb::GetComplianceRequest& request) = 0;
};

}  // namespace ys::notify::documents
