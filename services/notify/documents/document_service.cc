#include "services/notify/documents/document_service.h"

#include "common/grpc/unary.h"
#include "common/status/macros.h"
#include "services/notify/service.h"

namespace ys::notify::documents {
namespace {

constexpr std::initializer_list<absl::string_view> kOffice = {"office"};
constexpr std::initializer_list<absl::string_view> kReaders = {"office", "viewer", "leader:*", "unit:*", "county:*"};

}  // namespace

template <typename Req, typename Resp>
grpc::ServerUnaryReactor* DocumentServiceImpl::Call(grpc::CallbackServerContext* ctx, const Req* req, Resp* resp,
                                                    std::initializer_list<absl::string_view> roles,
                                                    absl::StatusOr<Resp> (DocumentDesk::*method)(const Actor&,
                                                                                                 const Req&)) {
  return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
    ASSIGN_OR_RETURN(Principal who, auth_.Require(*ctx, roles));
    ASSIGN_OR_RETURN(*resp, (desk_.*method)(ActorOf(who), *req));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DocumentServiceImpl::DraftDocument(grpc::CallbackServerContext* ctx,
                                                             const pb::DraftDocumentRequest* req, pb::Document* resp) {
  return Call(ctx, req, resp, kOffice, &DocumentDesk::Draft);
}

grpc::ServerUnaryReactor* DocumentServiceImpl::GetDocument(grpc::CallbackServerContext* ctx,
                                                           const pb::GetDocumentRequest* req, pb::Document* resp) {
  return Call(ctx, req, resp, kReaders, &DocumentDesk::Get);
}

grpc::ServerUnaryReactor* DocumentServiceImpl::ListDocuments(grpc::CallbackServerContext* ctx,
                                                             const pb::ListDocumentsRequest* req,
                                                             pb::ListDocumentsResponse* resp) {
  return Call(ctx, req, resp, kReaders, &DocumentDesk::List);
}

grpc::ServerUnaryReactor* DocumentServiceImpl::SetCommentary(grpc::CallbackServerContext* ctx,
                                                             const pb::SetCommentaryRequest* req, pb::Document* resp) {
  return Call(ctx, req, resp, kOffice, &DocumentDesk::SetCommentary);
}

grpc::ServerUnaryReactor* DocumentServiceImpl::SetItems(grpc::CallbackServerContext* ctx,
                                                        const pb::SetItemsRequest* req, pb::Document* resp) {
  return Call(ctx, req, resp, kOffice, &DocumentDesk::SetItems);
}

grpc::ServerUnaryReactor* DocumentServiceImpl::IssueDocument(grpc::CallbackServerContext* ctx,
                                                             const pb::IssueDocumentRequest* req, pb::Document* resp) {
  return Call(ctx, req, resp, kOffice, &DocumentDesk::Issue);
}

grpc::ServerUnaryReactor* DocumentServiceImpl::CorrectDocument(grpc::CallbackServerContext* ctx,
                                                               const pb::CorrectDocumentRequest* req,
                                                               pb::Document* resp) {
  return Call(ctx, req, resp, kOffice, &DocumentDesk::Correct);
}

grpc::ServerUnaryReactor* DocumentServiceImpl::RenderDocument(grpc::CallbackServerContext* ctx,
                                                              const pb::RenderDocumentRequest* req,
                                                              pb::RenderDocumentResponse* resp) {
  return Call(ctx, req, resp, kReaders, &DocumentDesk::Render);
}

grpc::ServerUnaryReactor* DocumentServiceImpl::ListItems(grpc::CallbackServerContext* ctx,
                                                         const pb::ListItemsRequest* req, pb::ListItemsResponse* resp) {
  return Call(ctx, req, resp, kReaders, &DocumentDesk::ListItems);
}

}  // namespace ys::notify::documents
