#pragma once

// The gRPC face of the documents (documents.proto's roles): the office drafts, comments, picks,
// issues and corrects; everyone with a console role reads, units and counties their own extract of
// what is issued (the desk holds them to it). Handlers translate: the desk decides.

#include "common/grpc/auth.h"
#include "common/grpc/executor.h"
#include "services/notify/documents/document_desk.h"
#include "yingshang/notify/v1/documents.grpc.pb.h"

namespace ys::notify::documents {

class DocumentServiceImpl final : public pb::DocumentService::CallbackService {
 public:
  DocumentServiceImpl(DocumentDesk& desk, const ApiKeyAuthenticator& auth, CallExecutor& executor)
      : desk_(desk), auth_(auth), executor_(executor) {}

  grpc::ServerUnaryReactor* DraftDocument(grpc::CallbackServerContext* ctx, const pb::DraftDocumentRequest* req,
                                          pb::Document* resp) override;
  grpc::ServerUnaryReactor* GetDocument(grpc::CallbackServerContext* ctx, const pb::GetDocumentRequest* req,
                                        pb::Document* resp) override;
  grpc::ServerUnaryReactor* ListDocuments(grpc::CallbackServerContext* ctx, const pb::ListDocumentsRequest* req,
                                          pb::ListDocumentsResponse* resp) override;
  grpc::ServerUnaryReactor* SetCommentary(grpc::CallbackServerContext* ctx, const pb::SetCommentaryRequest* req,
                                          pb::Document* resp) override;
  grpc::ServerUnaryReactor* SetItems(grpc::CallbackServerContext* ctx, const pb::SetItemsRequest* req,
                                     pb::Document* resp) override;
  grpc::ServerUnaryReactor* IssueDocument(grpc::CallbackServerContext* ctx, const pb::IssueDocumentRequest* req,
                                          pb::Document* resp) override;
  grpc::ServerUnaryReactor* CorrectDocument(grpc::CallbackServerContext* ctx, const pb::CorrectDocumentRequest* req,
                                            pb::Document* resp) override;
  grpc::ServerUnaryReactor* RenderDocument(grpc::CallbackServerContext* ctx, const pb::RenderDocumentRequest* req,
                                           pb::RenderDocumentResponse* resp) override;
  grpc::ServerUnaryReactor* ListItems(grpc::CallbackServerContext* ctx, const pb::ListItemsRequest* req,
                                      pb::ListItemsResponse* resp) override;

 private:
  template <typename Req, typename Resp>
  grpc::ServerUnaryReactor* Call(grpc::CallbackServerContext* ctx, const Req* req, Resp* resp,
                                 std::initializer_list<absl::string_view> roles,
                                 absl::StatusOr<Resp> (DocumentDesk::*method)(const Actor&, const Req&));

  DocumentDesk& desk_;
  const ApiKeyAuthenticator& auth_;
  CallExecutor& executor_;
};

}  // namespace ys::notify::documents
