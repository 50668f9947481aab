#include "services/indicator/catalog_service.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/grpc/paging.h"
#include "common/grpc/status.h"
#include "common/grpc/unary.h"
#include "common/input/text_rules.h"
#include "common/status/macros.h"

namespace ys::indicator {
namespace {

template <typename T, typename Keep>
std::vector<const T*> Select(const std::map<std::string, T>& all, Keep keep) {
  std::vector<const T*> out;
  for (const auto& [_, v] : all) {
    if (keep(v)) out.push_back(&v);
  }
  return out;
}

template <typename T, typename Out>
absl::Status PageInto(const std::vector<const T*>& items,
                      const yingshang::common::v1::PageRequest& page, Out* out,
                      yingshang::common::v1::PageResponse* page_out) {
  ASSIGN_OR_RETURN(PageWindow w, ParsePage(page));
  for (size_t i = w.offset; i < items.size() && i < w.offset + w.size; ++i) *out->Add() = *items[i];
  page_out->set_next_page_token(NextPageToken(w, items.size()));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Catalog> CatalogServiceImpl::Current() {
  ASSIGN_OR_RETURN(StoredCatalog stored, store_.Load());
  return Catalog::FromEntities(stored.entities);
}

absl::Status CatalogServiceImpl::DoImport(const Principal& who, const pb::ImportCatalogRequest& req,
                                          pb::ImportCatalogResponse* resp) {
  if (req.yaml().empty()) return absl::InvalidArgumentError("field 'yaml' is empty");
  // Optimistic: read, diff, write with version checks; a concurrent import makes us start over.
  for (int attempt = 0;; ++attempt) {
    resp->Clear();
    ASSIGN_OR_RETURN(StoredCatalog stored, store_.Load());
    const Catalog existing = Catalog::FromEntities(stored.entities);
    ImportOptions options;
    options.sections.insert(req.sections().begin(), req.sections().end());
    ASSIGN_OR_RETURN(ParsedImport parsed, ParseCatalogFile(req.yaml(), existing, options));
    for (auto& p : parsed.problems) *resp->add_problems() = p;
    for (auto& w : parsed.warnings) *resp->add_warnings() = w;
    for (const auto& [type, n] : parsed.counts) (*resp->mutable_counts())[type] = n;
    CatalogDiff diff = DiffCatalog(existing, parsed);
    for (auto& c : diff.changes) *resp->add_changes() = c;
    if (req.validate_only()) return absl::OkStatus();
    if (!parsed.problems.empty()) {
      std::vector<std::string> lines;
      for (size_t i = 0; i < parsed.problems.size() && i < 5; ++i) {
        const auto& p = parsed.problems[i];
        lines.push_back(p.line() > 0 ? absl::StrFormat("line %d: %s: %s", p.line(), p.path(), p.message())
                                     : absl::StrFormat("%s: %s", p.path(), p.message()));
      }
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s has %d problem(s), nothing was applied: %s%s",
          req.file_name().empty() ? "the catalog file" : req.file_name(), parsed.problems.size(),
          absl::StrJoin(lines, "; "), parsed.problems.size() > 5 ? "; …" : ""));
    }
    absl::Status applied = store_.Apply(diff.writes, stored.versions, who, clock_.Now());
    if (applied.code() == absl::StatusCode::kAborted && attempt < 3) continue;
    RETURN_IF_ERROR(applied);
    resp->set_applied(true);
    return absl::OkStatus();
  }
}

grpc::ServerUnaryReactor* CatalogServiceImpl::ImportCatalog(grpc::CallbackServerContext* ctx,
                                                            const pb::ImportCatalogRequest* req,
                                                            pb::ImportCatalogResponse* resp) {
  return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
    // A dry run changes nothing, so anyone who may read the catalog may validate a file.
    ASSIGN_OR_RETURN(Principal who, req->validate_only() ? auth_.Require(*ctx, kAnyRole)
                                                         : auth_.Require(*ctx, {"office"}));
    return DoImport(who, *req, resp);
  });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::ExportCatalog(grpc::CallbackServerContext* ctx,
                                                            const pb::ExportCatalogRequest* req,
                                                            pb::ExportCatalogResponse* resp) {
  return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
    RETURN_IF_ERROR(auth_.Require(*ctx, kAnyRole).status());
    ASSIGN_OR_RETURN(Catalog c, Current());
    resp->set_yaml(ExportCatalogYaml(c, req->include_retired()));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::ListIndicators(grpc::CallbackServerContext* ctx,
                                                             const pb::ListIndicatorsRequest* req,
                                                             pb::ListIndicatorsResponse* resp) {
  return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
    RETURN_IF_ERROR(auth_.Require(*ctx, kAnyRole).status());
    if (!pb::IndicatorLevel_IsValid(req->level())) {
      return absl::InvalidArgumentError("field 'level' is not a known indicator level");
    }
    ASSIGN_OR_RETURN(Catalog c, Current());
    auto items = Select(c.indicators, [&](const pb::Indicator& i) {
      return (req->level() == pb::INDICATOR_LEVEL_UNSPECIFIED || i.level() == req->level()) &&
             (req->parent_code().empty() || i.parent_code() == req->parent_code()) &&
             (req->include_retired() || !i.retired());
    });
    return PageInto(items, req->page(), resp->mutable_indicators(), resp->mutable_page());
  });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::GetIndicator(grpc::CallbackServerContext* ctx,
                                                           const pb::GetIndicatorRequest* req,
                                                           pb::Indicator* resp) {
  return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
    RETURN_IF_ERROR(auth_.Require(*ctx, kAnyRole).status());
    if (req->code().empty()) return absl::InvalidArgumentError("field 'code' is required");
    ASSIGN_OR_RETURN(Catalog c, Current());
    auto it = c.indicators.find(req->code());
    if (it == c.indicators.end()) {
      return absl::NotFoundError(absl::StrFormat("indicator %s is not in the catalog", input::QuoteInput(req->code())));
    }
    *resp = it->second;
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::ListRegions(grpc::CallbackServerContext* ctx,
                                                          const pb::ListRegionsRequest* req,
                                                          pb::ListRegionsResponse* resp) {
  return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
    RETURN_IF_ERROR(auth_.Require(*ctx, kAnyRole).status());
    ASSIGN_OR_RETURN(Catalog c, Current());
    auto items = Select(c.regions, [&](const pb::Region& r) {
      return !r.retired() &&
             (req->kind() == pb::REGION_KIND_UNSPECIFIED || r.kind() == req->kind()) &&
             (req->parent_code().empty() || r.parent_code() == req->parent_code());
    });
    return PageInto(items, req->page(), resp->mutable_regions(), resp->mutable_page());
  });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::ListUnits(grpc::CallbackServerContext* ctx,
                                                        const pb::ListUnitsRequest* req,
                                                        pb::ListUnitsResponse* resp) {
  return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
    RETURN_IF_ERROR(auth_.Require(*ctx, kAnyRole).status());
    ASSIGN_OR_RETURN(Catalog c, Current());
    auto items = Select(c.units, [](const pb::Unit& u) { return !u.retired(); });
    return PageInto(items, req->page(), resp->mutable_units(), resp->mutable_page());
  });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::ListProgrammeItems(grpc::CallbackServerContext* ctx,
                                                                 const pb::ListProgrammeItemsRequest* req,
                                                                 pb::ListProgrammeItemsResponse* resp) {
  return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
    RETURN_IF_ERROR(auth_.Require(*ctx, kAnyRole).status());
    if (!pb::ProgrammeItemKind_IsValid(req->kind())) {
      return absl::InvalidArgumentError("field 'kind' is not a known programme item kind");
    }
    ASSIGN_OR_RETURN(Catalog c, Current());
    auto items = Select(c.programme_items, [&](const pb::ProgrammeItem& i) {
      return (req->kind() == pb::PROGRAMME_ITEM_KIND_UNSPECIFIED || i.kind() == req->kind()) &&
             (req->environment().empty() || i.environment() == req->environment()) &&
             (req->include_retired() || !i.retired());
    });
    return PageInto(items, req->page(), resp->mutable_items(), resp->mutable_page());
  });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::ResolveUnit(grpc::CallbackServerContext* ctx,
                                                          const pb::ResolveUnitRequest* req,
                                                          pb::Unit* resp) {
  return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
    RETURN_IF_ERROR(auth_.Require(*ctx, kAnyRole).status());
    if (req->name().empty()) return absl::InvalidArgumentError("field 'name' is required");
    ASSIGN_OR_RETURN(Catalog c, Current());
    const pb::Unit* u = c.ResolveUnit(req->name());
    if (u == nullptr) {
      return absl::NotFoundError(absl::StrFormat("no unit is named or aliased %s", input::QuoteInput(req->name())));
    }
    *resp = *u;
    return absl::OkStatus();
  });
}

}  // namespace ys::indicator
