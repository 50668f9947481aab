#pragma once

#include <initializer_list>

#include "common/grpc/auth.h"
#include "common/grpc/executor.h"
#include "services/notify/desk.h"
#include "yingshang/notify/v1/notify.grpc.pb.h"

namespace ys::notify {

// The desk's Actor for a caller: its key's (or person's) name and which role it holds; a unit's
// canonical name, a 领班's name (leader:<name>), a county's code (county:<code>).
Actor ActorOf(const Principal& who);

// The gRPC face of the notify desk. Roles (notify.proto): office (市营商办: everything); unit:<name>,
// leader:<name> (a 领班), county:<code> and centre (市政务服务中心) read and mark their own inbox and
// read their own history, and the centre lists the recipients; viewer reads the history, not
// inboxes; silences, imports and route tests are the office's. Handlers translate: the desk and the
// domain decide.
class NotifyImpl final : public pb::NotifyService::CallbackService {
 public:
  NotifyImpl(NotifyDesk& desk, const ApiKeyAuthenticator& auth, CallExecutor& executor)
      : desk_(desk), auth_(auth), executor_(executor) {}

  grpc::ServerUnaryReactor* ListInbox(grpc::CallbackServerContext* ctx, const pb::ListInboxRequest* req,
                                      pb::ListInboxResponse* resp) override;
  grpc::ServerUnaryReactor* MarkRead(grpc::CallbackServerContext* ctx, const pb::MarkReadRequest* req,
                                     pb::MarkReadResponse* resp) override;
  grpc::ServerUnaryReactor* UnreadCount(grpc::CallbackServerContext* ctx, const pb::UnreadCountRequest* req,
                                        pb::UnreadCountResponse* resp) override;
  grpc::ServerUnaryReactor* ListDeliveries(grpc::CallbackServerContext* ctx, const pb::ListDeliveriesRequest* req,
                                           pb::ListDeliveriesResponse* resp) override;
  grpc::ServerUnaryReactor* ListNotifications(grpc::CallbackServerContext* ctx,
                                              const pb::ListNotificationsRequest* req,
                                              pb::ListNotificationsResponse* resp) override;
  grpc::ServerUnaryReactor* CreateSilence(grpc::CallbackServerContext* ctx, const pb::CreateSilenceRequest* req,
                                          pb::Silence* resp) override;
  grpc::ServerUnaryReactor* ExpireSilence(grpc::CallbackServerContext* ctx, const pb::ExpireSilenceRequest* req,
                                          pb::Silence* resp) override;
  grpc::ServerUnaryReactor* ListSilences(grpc::CallbackServerContext* ctx, const pb::ListSilencesRequest* req,
                                         pb::ListSilencesResponse* resp) override;
  grpc::ServerUnaryReactor* ImportRecipients(grpc::CallbackServerContext* ctx,
                                             const pb::ImportRecipientsRequest* req,
                                             pb::ImportRecipientsResponse* resp) override;
  grpc::ServerUnaryReactor* ListRecipients(grpc::CallbackServerContext* ctx, const pb::ListRecipientsRequest* req,
                                           pb::ListRecipientsResponse* resp) override;
  grpc::ServerUnaryReactor* TestRoute(grpc::CallbackServerContext* ctx, const pb::TestRouteRequest* req,
                                      pb::TestRouteResponse* resp) override;

 private:
  // A call by one of `roles`, on the executor (the desk reads and writes PostgreSQL).
  template <typename Req, typename Resp>
  grpc::ServerUnaryReactor* Call(grpc::CallbackServerContext* ctx, const Req* req, Resp* resp,
                                 std::initializer_list<absl::string_view> roles,
                                 absl::StatusOr<Resp> (NotifyDesk::*method)(const Actor&, const Req&));

  NotifyDesk& desk_;
  const ApiKeyAuthenticator& auth_;
  CallExecutor& executor_;
};

}  // namespace ys::notify
