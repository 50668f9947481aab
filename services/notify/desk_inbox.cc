// The in-app inbox and the delivery history: what a recipient (or the office) reads.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/grpc/paging.h"
#include "common/status/macros.h"
#include "common/time/proto_time.h"
#include "services/notify/desk.h"
#include "services/notify/desk_paging.h"

namespace ys::notify {

absl::StatusOr<std::string> NotifyDesk::RecipientFor(const Actor& actor, const std::string& asked, bool inbox) const {
  const std::shared_ptr<const Recipients> current = book_.Current();
  auto resolved = [&](const std::string& name) {
    absl::StatusOr<const Recipient*> r = ResolveReceiver(name, *current);
    return r.ok() ? (*r)->id : name;
  };
  if (actor.centre) return std::string("centre");
  if (actor.unit.has_value()) return resolved(absl::StrCat("unit:", *actor.unit));
  // Issue #15's people: a 领班's inbox is the one routing fills for lead:{{lead}}, a county's the one
  // for county:{{county}} (recipients_derive.cc); taken as given when the recipients in force do not
  // hold it (a 领班 of no indicator yet reads an empty inbox, never another's).
  if (actor.lead.has_value()) return resolved(absl::StrCat("lead:", *actor.lead));
  if (actor.county.has_value()) return resolved(absl::StrCat("county:", *actor.county));
  if (inbox && !actor.office) {
    return absl::PermissionDeniedError(
        "an inbox is read by its recipient (a unit key, the centre, a 领班, a county) or the office");
  }
  if (!actor.office && !actor.viewer) {
    return absl::PermissionDeniedError("the delivery history is read by the office, viewers and its recipients");
  }
  if (asked.empty()) return std::string(inbox ? "office" : "");
  return resolved(asked);
}

absl::StatusOr<pb::ListInboxResponse> NotifyDesk::ListInbox(const Actor& actor, const pb::ListInboxRequest& request) {
  ASSIGN_OR_RETURN(PageWindow window, ParseStorePage(request.page()));
  ASSIGN_OR_RETURN(std::string recipient, RecipientFor(actor, request.recipient_id(), /*inbox=*/true));
  InboxFilter f;
  f.recipient_id = recipient;
  f.unread_only = request.unread_only();
  f.offset = static_cast<int>(window.offset);
  f.limit = static_cast<int>(window.size);
  pb::ListInboxResponse out;
  RETURN_IF_ERROR(store_.Read([&](NotifyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<pb::InboxItem> items, tx.Inbox(f));
    ASSIGN_OR_RETURN(int64_t total, tx.CountInbox(f));
    ASSIGN_OR_RETURN(int64_t unread, tx.UnreadCount(recipient));
    for (pb::InboxItem& item : items) *out.add_items() = std::move(item);
    out.mutable_page()->set_next_page_token(NextPageToken(window, static_cast<size_t>(total)));
    out.set_unread(static_cast<int32_t>(unread));
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<pb::MarkReadResponse> NotifyDesk::MarkRead(const Actor& actor, const pb::MarkReadRequest& request) {
  if (request.all() && request.ids_size() > 0) return absl::InvalidArgumentError("all: give ids or all, not both");
  if (!request.all() && request.ids_size() == 0) {
    return absl::InvalidArgumentError("ids: give the inbox item ids to mark read, or all");
  }
  for (int i = 0; i < request.ids_size(); ++i) {
    if (request.ids(i).empty()) return absl::InvalidArgumentError(absl::StrFormat("ids[%d]: is empty", i));
  }
  ASSIGN_OR_RETURN(std::string recipient, RecipientFor(actor, request.recipient_id(), /*inbox=*/true));
  const std::vector<std::string> ids(request.ids().begin(), request.ids().end());
  pb::MarkReadResponse out;
  RETURN_IF_ERROR(store_.Write([&](NotifyTx& tx) -> absl::Status {
    // Another recipient's ids are left alone by the store: a key marks only its own inbox.
    ASSIGN_OR_RETURN(int64_t marked, tx.MarkRead(recipient, ids, request.all(), clock_.Now()));
    out.set_marked(static_cast<int32_t>(marked));
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<pb::UnreadCountResponse> NotifyDesk::UnreadCount(const Actor& actor,
                                                                const pb::UnreadCountRequest& request) {
  ASSIGN_OR_RETURN(std::string recipient, RecipientFor(actor, request.recipient_id(), /*inbox=*/true));
  pb::UnreadCountResponse out;
  RETURN_IF_ERROR(store_.Read([&](NotifyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(int64_t unread, tx.UnreadCount(recipient));
    out.set_unread(static_cast<int32_t>(unread));
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<pb::ListDeliveriesResponse> NotifyDesk::ListDeliveries(const Actor& actor,
                                                                      const pb::ListDeliveriesRequest& request) {
  ASSIGN_OR_RETURN(PageWindow window, ParseStorePage(request.page()));
  if (!pb::DeliveryState_IsValid(request.state())) {
    return absl::InvalidArgumentError(absl::StrFormat("state: %d is not a delivery state", request.state()));
  }
  ASSIGN_OR_RETURN(std::string recipient, RecipientFor(actor, request.recipient_id(), /*inbox=*/false));
  DeliveryFilter f;
  f.notification_id = request.notification_id();
  f.recipient_id = recipient;
  f.event_id = request.event_id();
  f.state = request.state();
  // notify.proto: at least one filter, so no one pages through every delivery ever made by mistake.
  if (f.notification_id.empty() && f.recipient_id.empty() && f.event_id.empty() &&
      f.state == pb::DELIVERY_STATE_UNSPECIFIED) {
    return absl::InvalidArgumentError("notification_id: give one of notification_id, recipient_id, event_id or state");
  }
  f.offset = static_cast<int>(window.offset);
  f.limit = static_cast<int>(window.size);
  pb::ListDeliveriesResponse out;
  RETURN_IF_ERROR(store_.Read([&](NotifyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<pb::Delivery> deliveries, tx.Deliveries(f));
    ASSIGN_OR_RETURN(int64_t total, tx.CountDeliveries(f));
    for (pb::Delivery& d : deliveries) *out.add_deliveries() = std::move(d);
    out.mutable_page()->set_next_page_token(NextPageToken(window, static_cast<size_t>(total)));
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<pb::ListNotificationsResponse> NotifyDesk::ListNotifications(
    const Actor& actor, const pb::ListNotificationsRequest& request) {
  ASSIGN_OR_RETURN(PageWindow window, ParseStorePage(request.page()));
  ASSIGN_OR_RETURN(std::string recipient, RecipientFor(actor, request.recipient_id(), /*inbox=*/false));
  NotificationFilter f;
  f.event_type = request.event_type();
  f.event_id = request.event_id();
  f.recipient_id = recipient;
  if (request.has_from()) f.from = FromProtoTime(request.from());
  if (request.has_to()) f.to = FromProtoTime(request.to());
  if (f.from.has_value() && f.to.has_value() && *f.to <= *f.from) {
    return absl::InvalidArgumentError("to: must be after from (from is inclusive, to exclusive)");
  }
  f.offset = static_cast<int>(window.offset);
  f.limit = static_cast<int>(window.size);
  pb::ListNotificationsResponse out;
  RETURN_IF_ERROR(store_.Read([&](NotifyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<pb::Notification> notifications, tx.Notifications(f));
    ASSIGN_OR_RETURN(int64_t total, tx.CountNotifications(f));
    for (pb::Notification& n : notifications) *out.add_notifications() = std::move(n);
    out.mutable_page()->set_next_page_token(NextPageToken(window, static_cast<size_t>(total)));
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace ys::notify
