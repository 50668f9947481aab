#include "services/notify/documents/grpc_sources.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/grpc/channel.h"
#include "common/grpc/status.h"
#include "common/status/macros.h"

namespace ys::notify::documents {
namespace {

constexpr int kPageSize = 500;  // the services' cap (common/grpc/paging.h)
constexpr int kMaxPages = 10000;  // a service that never ends its pages is refused, not followed forever

// Every page of a list call in one response: the first page's answer (with its other fields) and the
// later pages' items appended. `items(response)` is the mutable repeated field.
template <typename Response, typename Request, typename Fetch, typename Items>
absl::StatusOr<Response> AllPages(Request request, const Fetch& fetch, const Items& items) {
  Response all;
  request.mutable_page()->set_page_size(kPageSize);
  request.mutable_page()->clear_page_token();
  for (int n = 0; n < kMaxPages; ++n) {
    Response page;
    RETURN_IF_ERROR(fetch(request, &page));
    const std::string next = page.page().next_page_token();
    if (n == 0) {
      all = std::move(page);
    } else {
      for (auto& item : *items(page)) *items(all)->Add() = std::move(item);
    }
    if (next.empty()) {
      all.clear_page();
      return all;
    }
    request.mutable_page()->set_page_token(next);
  }
  return absl::InternalError(absl::StrCat("more than ", kMaxPages, " pages"));
}

}  // namespace

GrpcDocumentSources::GrpcDocumentSources(GrpcSourcesOptions o, std::shared_ptr<grpc::ChannelCredentials> creds)
    : options_(std::move(o)) {
  const std::string& name = options_.server_name;
  auto indicator = MakeChannel(options_.indicator, creds, name);
  ranking_ = rpb::RankingQuery::NewStub(MakeChannel(options_.ranking, creds, name));
  catalog_ = ipb::CatalogService::NewStub(indicator);
  programme_ = ipb::ProgrammeService::NewStub(indicator);
  redemption_ = ipb::RedemptionService::NewStub(indicator);
  rectification_ = cpb::RectificationService::NewStub(MakeChannel(options_.rectification, creds, name));
  duty_ = dpb::DutyService::NewStub(MakeChannel(options_.duty, creds, name));
}

template <typename Call>
absl::Status GrpcDocumentSources::Unary(const Call& call) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + options_.deadline));
  context.AddMetadata("authorization", "Bearer " + options_.api_key);
  return FromGrpcStatus(call(&context));
}

absl::StatusOr<rpb::Scorecard> GrpcDocumentSources::GetScorecard(const rpb::GetScorecardRequest& request) {
  rpb::Scorecard out;
  RETURN_IF_ERROR(Unary([&](grpc::ClientContext* c) { return ranking_->GetScorecard(c, request, &out); }));
  return out;
}

absl::StatusOr<rpb::ListAlertsResponse> GrpcDocumentSources::ListAlerts(const rpb::ListAlertsRequest& request) {
  return AllPages<rpb::ListAlertsResponse>(
      request,
      [&](const rpb::ListAlertsRequest& r, rpb::ListAlertsResponse* out) {
        return Unary([&](grpc::ClientContext* c) { return ranking_->ListAlerts(c, r, out); });
      },
      [](rpb::ListAlertsResponse& r) { return r.mutable_alerts(); });
}

absl::StatusOr<rpb::ListConsequencesResponse> GrpcDocumentSources::ListConsequences(
    const rpb::ListConsequencesRequest& request) {
  rpb::ListConsequencesResponse out;
  RETURN_IF_ERROR(Unary([&](grpc::ClientContext* c) { return ranking_->ListConsequences(c, request, &out); }));
  return out;
}

absl::StatusOr<rpb::Goals> GrpcDocumentSources::GetGoals(const rpb::GetGoalsRequest& request) {
  rpb::Goals out;
  RETURN_IF_ERROR(Unary([&](grpc::ClientContext* c) { return ranking_->GetGoals(c, request, &out); }));
  return out;
}

absl::StatusOr<ipb::ListIndicatorsResponse> GrpcDocumentSources::ListIndicators(
    const ipb::ListIndicatorsRequest& request) {
  return AllPages<ipb::ListIndicatorsResponse>(
      request,
      [&](const ipb::ListIndicatorsRequest& r, ipb::ListIndicatorsResponse* out) {
        return Unary([&](grpc::ClientContext* c) { return catalog_->ListIndicators(c, r, out); });
      },
      [](ipb::ListIndicatorsResponse& r) { return r.mutable_indicators(); });
}

absl::StatusOr<ipb::ListRegionsResponse> GrpcDocumentSources::ListRegions(const ipb::ListRegionsRequest& request) {
  return AllPages<ipb::ListRegionsResponse>(
      request,
      [&](const ipb::ListRegionsRequest& r, ipb::ListRegionsResponse* out) {
        return Unary([&](grpc::ClientContext* c) { return catalog_->ListRegions(c, r, out); });
      },
      [](ipb::ListRegionsResponse& r) { return r.mutable_regions(); });
}

absl::StatusOr<ipb::ListUnitsResponse> GrpcDocumentSources::ListUnits(const ipb::ListUnitsRequest& request) {
  return AllPages<ipb::ListUnitsResponse>(
      request,
      [&](const ipb::ListUnitsRequest& r, ipb::ListUnitsResponse* out) {
        return Unary([&](grpc::ClientContext* c) { return catalog_->ListUnits(c, r, out); });
      },
      [](ipb::ListUnitsResponse& r) { return r.mutable_units(); });
}

absl::StatusOr<ipb::ListProgrammeItemsResponse> GrpcDocumentSources::ListProgrammeItems(
    const ipb::ListProgrammeItemsRequest& request) {
  return AllPages<ipb::ListProgrammeItemsResponse>(
      request,
      [&](const ipb::ListProgrammeItemsRequest& r, ipb::ListProgrammeItemsResponse* out) {
        return Unary([&](grpc::ClientContext* c) { return catalog_->ListProgrammeItems(c, r, out); });
      },
      [](ipb::ListProgrammeItemsResponse& r) { return r.mutable_items(); });
}

absl::StatusOr<ipb::ListProgressResponse> GrpcDocumentSources::ListProgress(const ipb::ListProgressRequest& request) {
  return AllPages<ipb::ListProgressResponse>(
      request,
      [&](const ipb::ListProgressRequest& r, ipb::ListProgressResponse* out) {
        return Unary([&](grpc::ClientContext* c) { return programme_->ListProgress(c, r, out); });
      },
      [](ipb::ListProgressResponse& r) { return r.mutable_reports(); });
}

absl::StatusOr<ipb::RedemptionSummaryResponse> GrpcDocumentSources::GetRedemptionSummary(
    const ipb::RedemptionSummaryRequest& request) {
  ipb::RedemptionSummaryResponse out;
  RETURN_IF_ERROR(
      Unary([&](grpc::ClientContext* c) { return redemption_->GetRedemptionSummary(c, request, &out); }));
  return out;
}

absl::StatusOr<cpb::ListCasesResponse> GrpcDocumentSources::ListCases(const cpb::ListCasesRequest& request) {
  return AllPages<cpb::ListCasesResponse>(
      request,
      [&](const cpb::ListCasesRequest& r, cpb::ListCasesResponse* out) {
        return Unary([&](grpc::ClientContext* c) { return rectification_->ListCases(c, r, out); });
      },
      [](cpb::ListCasesResponse& r) { return r.mutable_cases(); });
}

absl::StatusOr<cpb::OverdueResponse> GrpcDocumentSources::ListOverdue(const cpb::OverdueRequest& request) {
  return AllPages<cpb::OverdueResponse>(
      request,
      [&](const cpb::OverdueRequest& r, cpb::OverdueResponse* out) {
        return Unary([&](grpc::ClientContext* c) { return rectification_->ListOverdue(c, r, out); });
      },
      [](cpb::OverdueResponse& r) { return r.mutable_cases(); });
}

absl::StatusOr<dpb::ComplianceReport> GrpcDocumentSources::GetCompliance(const dpb::GetComplianceRequest& request) {
  dpb::ComplianceReport out;
  RETURN_IF_ERROR(Unary([&](grpc::ClientContext* c) { return duty_->GetCompliance(c, request, &out); }));
  return out;
}

}  // namespace ys::notify::documents
