#pragma once

// The recipients between the domain (recipients.h) and what the store and the API carry
// (notify.proto Recipient), and the recipients in force: the catalog's derived ones with the office's
// last imported version laid over them.
//
// Why an overlay and not the stored version alone: the catalog changes (a unit renamed, a new
// 带班领导) between two imports of the office's file. The derived recipients always follow the
// catalog; the stored version only adds what the office configured — channels and digest per id,
// and the government bodies and publications it added. A stored recipient the catalog no longer
// has (a unit retired since) is left out and reported, never resurrected.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/notify/recipients.h"
#include "yingshang/notify/v1/notify.pb.h"

namespace ys::notify {

namespace pb = ::yingshang::notify::v1;

// Every field across: kind, channels (kind, target, secret_ref, order), digest cadence and time
// ("08:30"), stands_for; `unit` for unit and head recipients (the id's name), `region_code` for a
// county (stands_for). version, updated_at, updated_by and retired are the store's: left unset.
pb::Recipient RecipientToProto(const Recipient& recipient);
// INVALID_ARGUMENT naming the field ("recipient office: channels[1].kind: unspecified") for a kind
// or channel kind unspecified, a digest time that is not HH:MM; then ValidateRecipient's rules.
absl::StatusOr<Recipient> RecipientFromProto(const pb::Recipient& recipient);
std::vector<pb::Recipient> RecipientsToProto(const Recipients& recipients);  // by id

struct Overlay {
  Recipients recipients;
  // Stored ids left out, each "unit:市某局: not in the catalog any more" — for the log and
  // `ysctl notify recipients show`.
  std::vector<std::string> skipped;
};

// `derived` (DeriveRecipients) with `stored` laid over it: a stored recipient whose id is derived
// gives it its channels and digest (name, kind and stands_for stay the catalog's); a stored
// government body or publication not derived is added as stored; any other stored id not derived
// is skipped. INVALID_ARGUMENT naming the id for a stored recipient that does not convert.
absl::StatusOr<Overlay> OverlayStored(const Recipients& derived, const std::vector<pb::Recipient>& stored);

}  // namespace ys::notify
