#include "services/ranking/query_service.h"

#include <pqxx/pqxx>

#include "absl/strings/str_format.h"
#include "common/grpc/paging.h"
#include "common/grpc/status.h"
#include "common/status/macros.h"
#include "common/time/period.h"

namespace ys::ranking {
namespace {

constexpr std::initializer_list<absl::string_view> kReaders = {"office", "unit:*", "platform:*",
                                                               "huiqitong", "viewer"};

pb::Evaluation OrOfficial(pb::Evaluation e) {
  return e == pb::EVALUATION_UNSPECIFIED ? pb::EVALUATION_OFFICIAL : e;
}

absl::Status CheckPeriod(const std::string& period) {
  if (!Period::Parse(period).ok()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("field 'period': '%s' is not a period (2022-09, 2022Q3, 2022)", period));
  }
  return absl::OkStatus();
}

template <typename Fn>
grpc::ServerUnaryReactor* Unary(grpc::CallbackServerContext* ctx, Fn&& fn) {
  auto* reactor = ctx->DefaultReactor();
  reactor->Finish(ToGrpcStatus(fn()));
  return reactor;
}

}  // namespace

pb::Scorecard BuildScorecard(const std::string& region, const std::string& period,
                             const std::vector<pb::RankingFact>& facts,
                             const std::vector<pb::RankingFact>& previous,
                             const CatalogReplica& catalog) {
  pb::Scorecard card;
  card.set_region_code(region);
  card.set_period(period);
  card.set_previous_period(PreviousPeriod(period));
  if (auto it = catalog.regions.find(region); it != catalog.regions.end()) {
    card.set_region_name(it->second.name());
  }
  std::map<std::string, const pb::RankingFact*> before;
  for (const auto& f : previous) before[f.indicator_code()] = &f;
  std::map<std::string, pb::ScorecardRow> rows;
  for (const auto& f : facts) {
    pb::ScorecardRow& row = rows[f.indicator_code()];
    row.set_indicator_code(f.indicator_code());
    row.set_rank(f.rank());
    row.set_total(f.total());
    if (auto it = catalog.indicators.find(f.indicator_code()); it != catalog.indicators.end()) {
      row.set_indicator_name(it->second.name());
      row.set_lead(it->second.lead());
      for (const auto& u : it->second.units()) {
        auto* ru = row.add_units();
        ru->set_unit(u.unit());
        ru->set_head(u.head());
      }
    }
    if (auto it = before.find(f.indicator_code()); it != before.end()) {
      row.set_has_previous(true);
      row.set_previous_rank(it->second->rank());
      row.set_change(it->second->rank() - f.rank());
    }
  }
  for (auto& [_, row] : rows) *card.add_rows() = std::move(row);
  return card;
}

grpc::ServerUnaryReactor* RankingQueryImpl::GetIndicatorRanking(
    grpc::CallbackServerContext* ctx, const pb::GetIndicatorRankingRequest* req,
    pb::IndicatorRanking* resp) {
  return Unary(ctx, [&]() -> absl::Status {
    RETURN_IF_ERROR(auth_.Require(*ctx, kReaders).status());
    if (req->indicator_code().empty()) return absl::InvalidArgumentError("field 'indicator_code' is required");
    if (req->scope() == pb::SCOPE_UNSPECIFIED) return absl::InvalidArgumentError("field 'scope' is required");
    RETURN_IF_ERROR(CheckPeriod(req->period()));
    ASSIGN_OR_RETURN(auto catalog, catalog_.Current());
    auto ind = catalog->indicators.find(req->indicator_code());
    if (ind == catalog->indicators.end()) {
      return absl::NotFoundError(absl::StrFormat("indicator %s is not in the catalog", req->indicator_code()));
    }
    ASSIGN_OR_RETURN(auto facts, reader_.ForIndicator(OrOfficial(req->evaluation()), req->indicator_code(),
                                                      req->scope(), req->period()));
    resp->set_from_cache(CachedFactReader::LastFromCache());
    std::sort(facts.begin(), facts.end(), [](const auto& a, const auto& b) {
      return a.rank() != b.rank() ? a.rank() < b.rank() : a.region_code() < b.region_code();
    });
    resp->set_indicator_code(req->indicator_code());
    resp->set_indicator_name(ind->second.name());
    resp->set_scope(req->scope());
    resp->set_period(req->period());
    for (const auto& f : facts) {
      auto* r = resp->add_regions();
      r->set_region_code(f.region_code());
      if (auto it = catalog->regions.find(f.region_code()); it != catalog->regions.end()) {
        r->set_region_name(it->second.name());
      }
      r->set_rank(f.rank());
      r->set_total(f.total());
      if (f.has_score()) r->set_score(f.score());
      r->set_revision(f.revision());
      r->set_source(f.source());
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RankingQueryImpl::GetScorecard(grpc::CallbackServerContext* ctx,
                                                         const pb::GetScorecardRequest* req,
                                                         pb::Scorecard* resp) {
  return Unary(ctx, [&]() -> absl::Status {
    RETURN_IF_ERROR(auth_.Require(*ctx, kReaders).status());
    if (req->region_code().empty()) return absl::InvalidArgumentError("field 'region_code' is required");
    RETURN_IF_ERROR(CheckPeriod(req->period()));
    ASSIGN_OR_RETURN(auto catalog, catalog_.Current());
    if (!catalog->regions.contains(req->region_code())) {
      return absl::NotFoundError(absl::StrFormat("region %s is not in the catalog", req->region_code()));
    }
    const pb::Evaluation evaluation = OrOfficial(req->evaluation());
    ASSIGN_OR_RETURN(auto facts, reader_.ForRegion(evaluation, req->region_code(), req->period()));
    const bool from_cache = CachedFactReader::LastFromCache();
    ASSIGN_OR_RETURN(auto previous, reader_.ForRegion(evaluation, req->region_code(),
                                                      PreviousPeriod(req->period())));
    *resp = BuildScorecard(req->region_code(), req->period(), facts, previous, *catalog);
    resp->set_from_cache(from_cache);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RankingQueryImpl::ListAlerts(grpc::CallbackServerContext* ctx,
                                                       const pb::ListAlertsRequest* req,
                                                       pb::ListAlertsResponse* resp) {
  return Unary(ctx, [&]() -> absl::Status {
    RETURN_IF_ERROR(auth_.Require(*ctx, kReaders).status());
    RETURN_IF_ERROR(CheckPeriod(req->period()));
    ASSIGN_OR_RETURN(PageWindow page, ParsePage(req->page()));
    return pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
      const pqxx::result rows = tx.exec_params(
          "SELECT body, count(*) OVER () FROM alerts WHERE period = $1 "
          "ORDER BY severity = 'SEVERITY_CRITICAL' DESC, indicator_code, region_code, rule LIMIT $2 OFFSET $3",
          req->period(), static_cast<int64_t>(page.size), static_cast<int64_t>(page.offset));
      for (const auto& row : rows) resp->add_alerts()->ParseFromString(pqxx::binarystring(row[0]).str());
      resp->mutable_page()->set_next_page_token(
          NextPageToken(page, rows.empty() ? 0 : rows[0][1].as<size_t>()));
      return absl::OkStatus();
    });
  });
}

}  // namespace ys::ranking
