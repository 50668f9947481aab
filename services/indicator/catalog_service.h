#pragma once

#include "common/grpc/auth.h"
#include "common/grpc/executor.h"
#include "common/time/clock.h"
#include "services/indicator/catalog_store.h"
#include "yingshang/indicator/v1/catalog.grpc.pb.h"

namespace ys::indicator {

// gRPC handlers for the catalog: translate, call the domain (catalog.h), store, answer.
class CatalogServiceImpl final : public pb::CatalogService::CallbackService {
 public:
  // The handlers read and write the store (PostgreSQL) on `executor`, off gRPC's callback threads.
  CatalogServiceImpl(CatalogStore& store, const ApiKeyAuthenticator& auth, const Clock& clock,
                     CallExecutor& executor)
      : store_(store), auth_(auth), clock_(clock), executor_(executor) {}

  grpc::ServerUnaryReactor* ImportCatalog(grpc::CallbackServerContext* ctx,
                                          const pb::ImportCatalogRequest* req,
                                          pb::ImportCatalogResponse* resp) override;
  grpc::ServerUnaryReactor* ExportCatalog(grpc::CallbackServerContext* ctx,
                                          const pb::ExportCatalogRequest* req,
                                          pb::ExportCatalogResponse* resp) override;
  grpc::ServerUnaryReactor* ListIndicators(grpc::CallbackServerContext* ctx,
                                           const pb::ListIndicatorsRequest* req,
                                           pb::ListIndicatorsResponse* resp) override;
  grpc::ServerUnaryReactor* GetIndicator(grpc::CallbackServerContext* ctx,
                                         const pb::GetIndicatorRequest* req,
                                         pb::Indicator* resp) override;
  grpc::ServerUnaryReactor* ListRegions(grpc::CallbackServerContext* ctx,
                                        const pb::ListRegionsRequest* req,
                                        pb::ListRegionsResponse* resp) override;
  grpc::ServerUnaryReactor* ListUnits(grpc::CallbackServerContext* ctx,
                                      const pb::ListUnitsRequest* req,
                                      pb::ListUnitsResponse* resp) override;
  grpc::ServerUnaryReactor* ListProgrammeItems(grpc::CallbackServerContext* ctx,
                                               const pb::ListProgrammeItemsRequest* req,
                                               pb::ListProgrammeItemsResponse* resp) override;
  grpc::ServerUnaryReactor* ResolveUnit(grpc::CallbackServerContext* ctx,
                                        const pb::ResolveUnitRequest* req,
                                        pb::Unit* resp) override;

  // The handlers' logic, as plain calls (the reactors above wrap them).
  absl::Status DoImport(const Principal& who, const pb::ImportCatalogRequest& req,
                        pb::ImportCatalogResponse* resp);
  absl::StatusOr<Catalog> Current();

 private:
  CatalogStore& store_;
  const ApiKeyAuthenticator& auth_;
  const Clock& clock_;
  CallExecutor& executor_;
};

}  // namespace ys::indicator
