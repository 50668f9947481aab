#include "services/ranking/query_service.h"

#include <algorithm>

#include <pqxx/pqxx>

#include "absl/strings/str_format.h"
#include "common/grpc/paging.h"
#include "common/grpc/status.h"
#include "common/grpc/unary.h"
#include "common/input/text_rules.h"
#include "common/status/macros.h"
#include "common/time/period.h"

namespace ys::ranking {
namespace {

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

pb::Completeness BuildCompleteness(const std::string& period, const CatalogReplica& catalog,
                                   const std::string& city_code, const std::string& composite_code,
                                   const std::set<std::string>& arrived) {
  pb::Completeness out;
  out.set_period(period);
  std::vector<const ipb::Region*> regions;
  for (const auto& [code, r] : catalog.regions) {
    if (!r.retired() && (code == city_code || (r.parent_code() == city_code && r.kind() == ipb::REGION_KIND_COUNTY))) {
      regions.push_back(&r);
    }
  }
  const auto parsed = Period::Parse(period);
  for (const auto& [code, ind] : catalog.indicators) {
    // MissingFact.level: 0 the composite, 1 first level, 2 second level (the 86 二级指标 the catalog holds).
    int level;
    if (code == composite_code) {
      level = 0;
    } else if (ind.level() == ipb::INDICATOR_LEVEL_FIRST) {
      level = 1;
    } else if (ind.level() == ipb::INDICATOR_LEVEL_SECOND) {
      level = 2;
    } else {
      continue;
    }
    if (ind.retired() || (parsed.ok() && !IndicatorValidIn(ind, *parsed))) continue;
    for (const ipb::Region* r : regions) {
      out.set_expected(out.expected() + 1);
      if (level == 2) out.set_expected_second_level(out.expected_second_level() + 1);
      if (arrived.contains(code + "/" + r->code())) {
        out.set_arrived(out.arrived() + 1);
        if (level == 2) out.set_arrived_second_level(out.arrived_second_level() + 1);
        continue;
      }
      pb::MissingFact* m = out.add_missing();
      m->set_indicator_code(code);
      m->set_region_code(r->code());
      m->set_scope(r->kind() == ipb::REGION_KIND_CITY ? pb::SCOPE_CITY : pb::SCOPE_COUNTY);
      m->set_level(level);
    }
  }
  return out;
}

grpc::ServerUnaryReactor* RankingQueryImpl::GetHistory(grpc::CallbackServerContext* ctx,
                                                       const pb::GetHistoryRequest* req,
                                                       pb::History* resp) {
  return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
    RETURN_IF_ERROR(auth_.Require(*ctx, kAnyRole).status());
    if (req->indicator_code().empty()) return absl::InvalidArgumentError("field 'indicator_code' is required");
    if (req->region_code().empty()) return absl::InvalidArgumentError("field 'region_code' is required");
    auto from = Period::Parse(req->from_period());
    auto to = Period::Parse(req->to_period());
    if (!from.ok()) return absl::InvalidArgumentError("field 'from_period': " + std::string(from.status().message()));
    if (!to.ok()) return absl::InvalidArgumentError("field 'to_period': " + std::string(to.status().message()));
    if (from->kind() != to->kind() || *to < *from) {
      return absl::InvalidArgumentError("field 'to_period' must be of the same kind as from_period and not before it");
    }
    std::vector<Period> periods;
    for (Period p = *from; p <= *to && periods.size() < 600; p = p.Next()) periods.push_back(p);
    std::vector<std::string> names;
    for (const auto& p : periods) names.push_back(p.ToString());
    // Redis first, as every current ranking (one pipeline), PostgreSQL when the cache is cold or down.
    ASSIGN_OR_RETURN(FactsRead read, reader_.ForRegionIndicator(OrOfficial(req->evaluation()), req->region_code(),
                                                                req->indicator_code(), names));
    std::map<std::string, pb::RankingFact> by_period;
    for (pb::RankingFact& f : read.facts) by_period[f.period()] = std::move(f);
    resp->set_indicator_code(req->indicator_code());
    resp->set_region_code(req->region_code());
    for (const auto& p : periods) {
      pb::HistoryPoint* point = resp->add_points();
      point->set_period(p.ToString());
      if (auto it = by_period.find(p.ToString()); it != by_period.end()) {
        point->set_present(true);
        point->set_rank(it->second.rank());
        point->set_total(it->second.total());
        point->set_revision(it->second.revision());
      }
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RankingQueryImpl::GetCompleteness(grpc::CallbackServerContext* ctx,
                                                            const pb::GetCompletenessRequest* req,
                                                            pb::Completeness* resp) {
  return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
    RETURN_IF_ERROR(auth_.Require(*ctx, kAnyRole).status());
    RETURN_IF_ERROR(CheckPeriod(req->period()));
    ASSIGN_OR_RETURN(auto catalog, catalog_.Current());
    std::set<std::string> arrived;
    RETURN_IF_ERROR(pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
      for (const auto& row : tx.exec_params(
               "SELECT DISTINCT indicator_code || '/' || region_code FROM current_facts "
               "WHERE evaluation = $1 AND period = $2",
               pb::Evaluation_Name(OrOfficial(req->evaluation())), req->period())) {
        arrived.insert(row[0].as<std::string>());
      }
      return absl::OkStatus();
    }));
    *resp = BuildCompleteness(req->period(), *catalog, rules_.city_code, rules_.composite_code, arrived);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RankingQueryImpl::GetGoals(grpc::CallbackServerContext* ctx,
                                                     const pb::GetGoalsRequest* req, pb::Goals* resp) {
  return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
    RETURN_IF_ERROR(auth_.Require(*ctx, kAnyRole).status());
    if (req->year() != kGoalYear) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "field 'year': work plan §一 sets goals read from the province's rankings for %d, not %d "
          "(its 2023 and 2025 goals are national)",
          kGoalYear, req->year()));
    }
    const std::vector<std::string> periods = GoalPeriods(req->year());
    if (!req->period().empty() && std::find(periods.begin(), periods.end(), req->period()) == periods.end()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "field 'period': %s is not %d, a quarter or a month of it (2022, 2022Q3, 2022-09)",
          input::QuoteInput(req->period()), req->year()));
    }
    ASSIGN_OR_RETURN(auto catalog, catalog_.Current());
    std::vector<std::string> regions = {rules_.city_code};
    for (const auto& [code, r] : catalog->regions) {
      if (r.kind() == ipb::REGION_KIND_COUNTY && r.parent_code() == rules_.city_code) regions.push_back(code);
    }
    const std::string evaluation = pb::Evaluation_Name(OrOfficial(req->evaluation()));
    std::string period = req->period();
    std::vector<pb::RankingFact> facts;
    RETURN_IF_ERROR(pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
      facts.clear();  // a retried transaction reads again
      if (period.empty()) {
        std::set<std::string> with_facts;
        for (const auto& row : tx.exec_params(
                 "SELECT DISTINCT period FROM current_facts WHERE evaluation = $1 "
                 "AND region_code = ANY($2::text[]) AND period = ANY($3::text[])",
                 evaluation, PgArray(regions), PgArray(periods))) {
          with_facts.insert(row[0].as<std::string>());
        }
        period = ChooseGoalPeriod(req->year(), with_facts).value_or("");
        if (period.empty()) return absl::OkStatus();
      }
      // One fact per indicator and region: of several platforms', the latest stored.
      for (const auto& row : tx.exec_params(
               "SELECT DISTINCT ON (indicator_code, region_code) body FROM current_facts "
               "WHERE evaluation = $1 AND period = $2 AND region_code = ANY($3::text[]) "
               "ORDER BY indicator_code, region_code, updated_at DESC",
               evaluation, period, PgArray(regions))) {
        facts.emplace_back().ParseFromString(pqxx::binarystring(row[0]).str());
      }
      return absl::OkStatus();
    }));
    *resp = EvaluateGoals(req->year(), period, facts, *catalog, goals_, rules_);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RankingQueryImpl::GetIndicatorRanking(
    grpc::CallbackServerContext* ctx, const pb::GetIndicatorRankingRequest* req,
    pb::IndicatorRanking* resp) {
  return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
    RETURN_IF_ERROR(auth_.Require(*ctx, kAnyRole).status());
    if (req->indicator_code().empty()) return absl::InvalidArgumentError("field 'indicator_code' is required");
    if (req->scope() == pb::SCOPE_UNSPECIFIED) return absl::InvalidArgumentError("field 'scope' is required");
    RETURN_IF_ERROR(CheckPeriod(req->period()));
    ASSIGN_OR_RETURN(auto catalog, catalog_.Current());
    auto ind = catalog->indicators.find(req->indicator_code());
    if (ind == catalog->indicators.end()) {
      return absl::NotFoundError(absl::StrFormat("indicator %s is not in the catalog", input::QuoteInput(req->indicator_code())));
    }
    ASSIGN_OR_RETURN(FactsRead read, reader_.ForIndicator(OrOfficial(req->evaluation()), req->indicator_code(),
                                                         req->scope(), req->period()));
    resp->set_from_cache(read.from_cache);
    std::vector<pb::RankingFact>& facts = read.facts;
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
  return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
    RETURN_IF_ERROR(auth_.Require(*ctx, kAnyRole).status());
    if (req->region_code().empty()) return absl::InvalidArgumentError("field 'region_code' is required");
    RETURN_IF_ERROR(CheckPeriod(req->period()));
    ASSIGN_OR_RETURN(auto catalog, catalog_.Current());
    if (!catalog->regions.contains(req->region_code())) {
      return absl::NotFoundError(absl::StrFormat("region %s is not in the catalog", input::QuoteInput(req->region_code())));
    }
    const pb::Evaluation evaluation = OrOfficial(req->evaluation());
    // The month and the one before, in one read (one Redis round trip).
    const std::string previous_period = PreviousPeriod(req->period());
    ASSIGN_OR_RETURN(FactsRead read, reader_.ForRegion(evaluation, req->region_code(), {req->period(), previous_period}));
    std::vector<pb::RankingFact> facts, previous;
    for (pb::RankingFact& f : read.facts) (f.period() == req->period() ? facts : previous).push_back(std::move(f));
    *resp = BuildScorecard(req->region_code(), req->period(), facts, previous, *catalog);
    resp->set_from_cache(read.from_cache);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RankingQueryImpl::ListConsequences(grpc::CallbackServerContext* ctx,
                                                             const pb::ListConsequencesRequest* req,
                                                             pb::ListConsequencesResponse* resp) {
  return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
    // The ledger (扣发绩效奖金, 检讨发言…) is the units' and counties' accountability: not a data
    // platform's, 惠企通's or the centre's (issue #17), as the console's allow-list gives it.
    RETURN_IF_ERROR(auth_.Require(*ctx, {"office", "unit:*", "viewer", "leader:*", "county:*"}).status());
    if (req->year() < 2000 || req->year() > 2100) {
      return absl::InvalidArgumentError(
          absl::StrFormat("field 'year': %d is not a year of the programme", req->year()));
    }
    // A unit by any of its names (市住建局 is 市住房和城乡建设局); a county by its code.
    const std::string subject = auth_.units().Canonical(req->subject()).value_or(req->subject());
    ASSIGN_OR_RETURN(*resp, ledger_.List(req->year(), subject, req->include_withdrawn()));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RankingQueryImpl::ListAlerts(grpc::CallbackServerContext* ctx,
                                                       const pb::ListAlertsRequest* req,
                                                       pb::ListAlertsResponse* resp) {
  return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
    RETURN_IF_ERROR(auth_.Require(*ctx, kAnyRole).status());
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
