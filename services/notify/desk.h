#pragma once

// What the notify service's desk does with each request: load what the answer needs, ask the domain
// (recipients.h, routing.h, inhibition.h), write the result in one unit of work. The gRPC service
// goes through here; it does not decide.
//
// Who sees what (notify.proto's roles, as ApiKeyAuthenticator knows them):
// - office (市营商办) does everything, and names the recipient it reads (its own, "office", when it
//   names none);
// - a unit key ("unit:<name>") and the centre (市政务服务中心) are recipients: they read and mark their
//   OWN inbox and read the deliveries and notifications addressed to them. Whatever recipient_id
//   such a key sends, its own is used (notify.proto: "reads its own whatever it asks"), so the web
//   console needs not know a unit's recipient id, and a key can never read another's. A unit key's
//   recipient is unit:<its canonical name> as the recipients in force resolve it: "unit:市营商办" is
//   the office (Recipients::same_as), "unit:信州区" is county:361102.
// - the people of the web console (issue #15: "`leader:<name>` (领班 …), `county:<code>` (…its own
//   ranks and cases)") are recipients the same way: a 领班 ("leader:<name>") reads its own inbox,
//   lead:<name> (the receiver routing's lead:{{lead}} names), and a county ("county:<code>") its
//   county's, county:<code> (county:{{county}}); each reads the deliveries and notifications addressed
//   to it, as a unit does.
// - viewer reads the history (deliveries, notifications), never an inbox (notify.proto).
// The service lets each role call only what it may (service.h); the desk applies the recipient rule.

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/time/clock.h"
#include "services/notify/recipient_book.h"
#include "services/notify/settings.h"
#include "services/notify/store.h"
#include "yingshang/notify/v1/notify.pb.h"

namespace ys::notify {

// Who is asking, as the desk needs it.
struct Actor {
  std::string name;  // the API key's name: a silence's created_by, expired_by; an import's updated_by
  bool office = false;
  bool viewer = false;
  bool centre = false;
  std::optional<std::string> unit;  // a unit key's canonical unit name
  std::optional<std::string> lead;    // a 领班's name (role leader:<name>)
  std::optional<std::string> county;  // a county's region code (role county:<code>)
};

class NotifyDesk {
 public:
  NotifyDesk(NotifyStore& store, RecipientBook& book, const NotifySettings& settings, const Clock& clock)
      : store_(store), book_(book), settings_(settings), clock_(clock) {}

  // --- the in-app inbox (office for anyone; a recipient key its own) ---
  absl::StatusOr<pb::ListInboxResponse> ListInbox(const Actor& actor, const pb::ListInboxRequest& request);
  absl::StatusOr<pb::MarkReadResponse> MarkRead(const Actor& actor, const pb::MarkReadRequest& request);
  absl::StatusOr<pb::UnreadCountResponse> UnreadCount(const Actor& actor, const pb::UnreadCountRequest& request);

  // --- the history (office and viewer for anyone; a recipient key its own) ---
  absl::StatusOr<pb::ListDeliveriesResponse> ListDeliveries(const Actor& actor,
                                                            const pb::ListDeliveriesRequest& request);
  absl::StatusOr<pb::ListNotificationsResponse> ListNotifications(const Actor& actor,
                                                                  const pb::ListNotificationsRequest& request);

  // --- silences (office) ---
  // Id "S-<n>": one more than the highest n stored, taken under the imports lock, so ids are short
  // enough to type in `ysctl notify silence expire S-3` and never reused (silences are kept, expired).
  absl::StatusOr<pb::Silence> CreateSilence(const Actor& actor, const pb::CreateSilenceRequest& request);
  absl::StatusOr<pb::Silence> ExpireSilence(const Actor& actor, const pb::ExpireSilenceRequest& request);
  absl::StatusOr<pb::ListSilencesResponse> ListSilences(const Actor& actor, const pb::ListSilencesRequest& request);

  // --- recipients (import: office; list: office and centre) ---
  absl::StatusOr<pb::ImportRecipientsResponse> ImportRecipients(const Actor& actor,
                                                                const pb::ImportRecipientsRequest& request);
  absl::StatusOr<pb::ListRecipientsResponse> ListRecipients(const Actor& actor,
                                                            const pb::ListRecipientsRequest& request);

  // --- where labels would go (office) ---
  absl::StatusOr<pb::TestRouteResponse> TestRoute(const Actor& actor, const pb::TestRouteRequest& request);

 private:
  // The recipient whose inbox (`inbox`) or history `actor` reads: a recipient key's own (a unit's,
  // the centre's, a 领班's lead:<name>, a county's county:<code>), whatever it asked; for the office
  // (and a viewer's history) `asked`, resolved through the recipients in force when it resolves and
  // taken as given otherwise (a retired recipient's history stays readable);
  // "" asked is the office's own inbox, or no recipient filter for the history. PERMISSION_DENIED
  // for a role that may not read it.
  absl::StatusOr<std::string> RecipientFor(const Actor& actor, const std::string& asked, bool inbox) const;

  NotifyStore& store_;
  RecipientBook& book_;
  const NotifySettings& settings_;
  const Clock& clock_;
};

}  // namespace ys::notify
