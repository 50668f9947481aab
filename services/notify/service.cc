#include "services/notify/service.h"

#include <optional>
#include <string>
#include <string_view>

#include "common/grpc/unary.h"
#include "common/status/macros.h"

namespace ys::notify {
namespace {

// notify.proto's roles. A recipient key (unit, 领班, county, centre) reads its own inbox and history
// (the desk holds it to its own recipient); the viewer reads the history only.
constexpr std::initializer_list<absl::string_view> kInbox = {"office", "unit:*", "leader:*", "county:*", "centre"};
constexpr std::initializer_list<absl::string_view> kHistory = {"office",   "unit:*", "leader:*",
                                                               "county:*", "centre", "viewer"};
constexpr std::initializer_list<absl::string_view> kRecipients = {"office", "centre"};
constexpr std::initializer_list<absl::string_view> kOffice = {"office"};

// The part of `role` after `prefix` ("leader:" → the 领班's name), when it has one.
std::optional<std::string> RoleNamed(const std::string& role, std::string_view prefix) {
  if (!role.starts_with(prefix) || role.size() == prefix.size()) return std::nullopt;
  return role.substr(prefix.size());
}

}  // namespace

Actor ActorOf(const Principal& who) {
  Actor actor;
  actor.name = who.name;
  actor.office = who.IsOffice();
  actor.viewer = who.role == "viewer";
  actor.centre = who.role == "centre";
  actor.unit = who.Unit();
  actor.lead = RoleNamed(who.role, "leader:");
  actor.county = RoleNamed(who.role, "county:");
  return actor;
}

template <typename Req, typename Resp>
grpc::ServerUnaryReactor* NotifyImpl::Call(grpc::CallbackServerContext* ctx, const Req* req, Resp* resp,
                                           std::initializer_list<absl::string_view> roles,
                                           absl::StatusOr<Resp> (NotifyDesk::*method)(const Actor&, const Req&)) {
  return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
    ASSIGN_OR_RETURN(Principal who, auth_.Require(*ctx, roles));
    ASSIGN_OR_RETURN(*resp, (desk_.*method)(ActorOf(who), *req));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* NotifyImpl::ListInbox(grpc::CallbackServerContext* ctx, const pb::ListInboxRequest* req,
                                                pb::ListInboxResponse* resp) {
  return Call(ctx, req, resp, kInbox, &NotifyDesk::ListInbox);
}

grpc::ServerUnaryReactor* NotifyImpl::MarkRead(grpc::CallbackServerContext* ctx, const pb::MarkReadRequest* req,
                                               pb::MarkReadResponse* resp) {
  return Call(ctx, req, resp, kInbox, &NotifyDesk::MarkRead);
}

grpc::ServerUnaryReactor* NotifyImpl::UnreadCount(grpc::CallbackServerContext* ctx,
                                                  const pb::UnreadCountRequest* req, pb::UnreadCountResponse* resp) {
  return Call(ctx, req, resp, kInbox, &NotifyDesk::UnreadCount);
}

grpc::ServerUnaryReactor* NotifyImpl::ListDeliveries(grpc::CallbackServerContext* ctx,
                                                     const pb::ListDeliveriesRequest* req,
                                                     pb::ListDeliveriesResponse* resp) {
  return Call(ctx, req, resp, kHistory, &NotifyDesk::ListDeliveries);
}

grpc::ServerUnaryReactor* NotifyImpl::ListNotifications(grpc::CallbackServerContext* ctx,
                                                        const pb::ListNotificationsRequest* req,
                                                        pb::ListNotificationsResponse* resp) {
  return Call(ctx, req, resp, kHistory, &NotifyDesk::ListNotifications);
}

grpc::ServerUnaryReactor* NotifyImpl::CreateSilence(grpc::CallbackServerContext* ctx,
                                                    const pb::CreateSilenceRequest* req, pb::Silence* resp) {
  return Call(ctx, req, resp, kOffice, &NotifyDesk::CreateSilence);
}

grpc::ServerUnaryReactor* NotifyImpl::ExpireSilence(grpc::CallbackServerContext* ctx,
                                                    const pb::ExpireSilenceRequest* req, pb::Silence* resp) {
  return Call(ctx, req, resp, kOffice, &NotifyDesk::ExpireSilence);
}

grpc::ServerUnaryReactor* NotifyImpl::ListSilences(grpc::CallbackServerContext* ctx,
                                                   const pb::ListSilencesRequest* req,
                                                   pb::ListSilencesResponse* resp) {
  return Call(ctx, req, resp, kOffice, &NotifyDesk::ListSilences);
}

grpc::ServerUnaryReactor* NotifyImpl::ImportRecipients(grpc::CallbackServerContext* ctx,
                                                       const pb::ImportRecipientsRequest* req,
                                                       pb::ImportRecipientsResponse* resp) {
  return Call(ctx, req, resp, kOffice, &NotifyDesk::ImportRecipients);
}

grpc::ServerUnaryReactor* NotifyImpl::ListRecipients(grpc::CallbackServerContext* ctx,
                                                     const pb::ListRecipientsRequest* req,
                                                     pb::ListRecipientsResponse* resp) {
  return Call(ctx, req, resp, kRecipients, &NotifyDesk::ListRecipients);
}

grpc::ServerUnaryReactor* NotifyImpl::TestRoute(grpc::CallbackServerContext* ctx, const pb::TestRouteRequest* req,
                                                pb::TestRouteResponse* resp) {
  return Call(ctx, req, resp, kOffice, &NotifyDesk::TestRoute);
}

}  // namespace ys::notify
