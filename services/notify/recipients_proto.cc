#include "services/notify/recipients_proto.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "services/notify/channel_kinds.h"
#include "services/notify/recipients_internal.h"

namespace ys::notify {
namespace {

using recipients_internal::Quote;
using recipients_internal::SplitId;

pb::RecipientKind ToProto(RecipientKind kind) {
  switch (kind) {
    case RecipientKind::kUnit: return pb::RECIPIENT_KIND_UNIT;
    case RecipientKind::kHead: return pb::RECIPIENT_KIND_HEAD;
    case RecipientKind::kLead: return pb::RECIPIENT_KIND_LEAD;
    case RecipientKind::kCounty: return pb::RECIPIENT_KIND_COUNTY;
    case RecipientKind::kOffice: return pb::RECIPIENT_KIND_OFFICE;
    case RecipientKind::kCentre: return pb::RECIPIENT_KIND_CENTRE;
    case RecipientKind::kGovernmentBody: return pb::RECIPIENT_KIND_GOVERNMENT_BODY;
    case RecipientKind::kPublication: return pb::RECIPIENT_KIND_PUBLICATION;
  }
  return pb::RECIPIENT_KIND_UNSPECIFIED;
}

pb::ChannelKind ToProto(ChannelKind kind) { return ChannelKindToProto(kind); }

pb::DigestCadence ToProto(DigestCadence cadence) {
  switch (cadence) {
    case DigestCadence::kNone: return pb::DIGEST_CADENCE_NONE;
    case DigestCadence::kDaily: return pb::DIGEST_CADENCE_DAILY;
    case DigestCadence::kWeekly: return pb::DIGEST_CADENCE_WEEKLY;
  }
  return pb::DIGEST_CADENCE_UNSPECIFIED;
}

// Proto3 enums are open: a stored number this build does not know is as wrong as UNSPECIFIED.
std::string EnumProblem(int value) {
  return value == 0 ? "unspecified" : absl::StrCat("unknown value ", value);
}

absl::StatusOr<RecipientKind> FromProto(pb::RecipientKind kind) {
  switch (kind) {
    case pb::RECIPIENT_KIND_UNIT: return RecipientKind::kUnit;
    case pb::RECIPIENT_KIND_HEAD: return RecipientKind::kHead;
    case pb::RECIPIENT_KIND_LEAD: return RecipientKind::kLead;
    case pb::RECIPIENT_KIND_COUNTY: return RecipientKind::kCounty;
    case pb::RECIPIENT_KIND_OFFICE: return RecipientKind::kOffice;
    case pb::RECIPIENT_KIND_CENTRE: return RecipientKind::kCentre;
    case pb::RECIPIENT_KIND_GOVERNMENT_BODY: return RecipientKind::kGovernmentBody;
    case pb::RECIPIENT_KIND_PUBLICATION: return RecipientKind::kPublication;
    default: return absl::InvalidArgumentError(EnumProblem(kind));
  }
}

absl::StatusOr<ChannelKind> FromProto(pb::ChannelKind kind) {
  switch (kind) {
    case pb::CHANNEL_KIND_WEBHOOK: return ChannelKind::kWebhook;
    case pb::CHANNEL_KIND_WECOM: return ChannelKind::kWeCom;
    case pb::CHANNEL_KIND_DINGTALK: return ChannelKind::kDingTalk;
    case pb::CHANNEL_KIND_FEISHU: return ChannelKind::kFeishu;
    case pb::CHANNEL_KIND_EMAIL: return ChannelKind::kEmail;
    case pb::CHANNEL_KIND_INBOX: return ChannelKind::kInbox;
    default: return absl::InvalidArgumentError(EnumProblem(kind));
  }
}

absl::StatusOr<DigestCadence> FromProto(pb::DigestCadence cadence) {
  switch (cadence) {
    case pb::DIGEST_CADENCE_UNSPECIFIED:  // the proto says: as NONE
    case pb::DIGEST_CADENCE_NONE: return DigestCadence::kNone;
    case pb::DIGEST_CADENCE_DAILY: return DigestCadence::kDaily;
    case pb::DIGEST_CADENCE_WEEKLY: return DigestCadence::kWeekly;
    default: return absl::InvalidArgumentError(EnumProblem(cadence));
  }
}

std::string ClockText(absl::Duration time_of_day) {
  const int64_t minutes = absl::ToInt64Minutes(time_of_day);
  return absl::StrFormat("%02d:%02d", minutes / 60, minutes % 60);
}

// "08:30" exactly (two digits each, 00:00 to 23:59), as the recipients file takes it.
bool ParseClock(absl::string_view text, absl::Duration* out) {
  if (text.size() != 5 || text[2] != ':') return false;
  for (const char c : {text[0], text[1], text[3], text[4]}) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  int hours = 0;
  int minutes = 0;
  if (!absl::SimpleAtoi(text.substr(0, 2), &hours) || !absl::SimpleAtoi(text.substr(3, 2), &minutes) ||
      hours > 23 || minutes > 59) {
    return false;
  }
  *out = absl::Hours(hours) + absl::Minutes(minutes);
  return true;
}

bool Added(RecipientKind kind) {  // what the office's file may add beyond the catalog
  return kind == RecipientKind::kGovernmentBody || kind == RecipientKind::kPublication;
}

}  // namespace

pb::Recipient RecipientToProto(const Recipient& recipient) {
  pb::Recipient out;
  out.set_id(recipient.id);
  out.set_name(recipient.name);
  out.set_kind(ToProto(recipient.kind));
  out.set_stands_for(recipient.stands_for);
  if (recipient.kind == RecipientKind::kUnit || recipient.kind == RecipientKind::kHead) {
    out.set_unit(SplitId(recipient.id).second);
  }
  if (recipient.kind == RecipientKind::kCounty) out.set_region_code(recipient.stands_for);
  for (const Channel& c : recipient.channels) {
    pb::Channel* channel = out.add_channels();
    channel->set_kind(ToProto(c.kind));
    channel->set_target(c.target);
    channel->set_secret_ref(c.secret_ref);
    channel->set_order(c.order);
  }
  out.mutable_preferences()->set_digest(ToProto(recipient.digest.cadence));
  out.mutable_preferences()->set_digest_time(ClockText(recipient.digest.time_of_day));
  return out;
}

absl::StatusOr<Recipient> RecipientFromProto(const pb::Recipient& recipient) {
  auto error = [&](absl::string_view field, absl::string_view message) {
    return absl::InvalidArgumentError(absl::StrCat("recipient ", recipient.id(), ": ", field, ": ", message));
  };
  Recipient out;
  out.id = recipient.id();
  out.name = recipient.name();
  out.stands_for = recipient.stands_for();
  if (absl::StatusOr<RecipientKind> kind = FromProto(recipient.kind()); kind.ok()) {
    out.kind = *kind;
  } else {
    return error("kind", kind.status().message());
  }
  for (int j = 0; j < recipient.channels_size(); ++j) {
    const pb::Channel& c = recipient.channels(j);
    absl::StatusOr<ChannelKind> kind = FromProto(c.kind());
    if (!kind.ok()) return error(absl::StrCat("channels[", j, "].kind"), kind.status().message());
    out.channels.push_back(Channel{*kind, c.target(), c.secret_ref(), c.order()});
  }
  // Recipient::channels is kept in failover order.
  std::stable_sort(out.channels.begin(), out.channels.end(),
                   [](const Channel& a, const Channel& b) { return a.order < b.order; });
  if (absl::StatusOr<DigestCadence> cadence = FromProto(recipient.preferences().digest()); cadence.ok()) {
    out.digest.cadence = *cadence;
  } else {
    return error("preferences.digest", cadence.status().message());
  }
  const std::string& time = recipient.preferences().digest_time();
  if (!time.empty() && !ParseClock(time, &out.digest.time_of_day)) {
    return error("preferences.digest_time", absl::StrCat("not HH:MM (00:00 to 23:59): ", Quote(time)));
  }
  if (absl::Status valid = ValidateRecipient(out); !valid.ok()) return valid;
  return out;
}

std::vector<pb::Recipient> RecipientsToProto(const Recipients& recipients) {
  std::vector<pb::Recipient> out;
  out.reserve(recipients.by_id.size());
  for (const auto& [id, r] : recipients.by_id) out.push_back(RecipientToProto(r));
  return out;
}

absl::StatusOr<Overlay> OverlayStored(const Recipients& derived, const std::vector<pb::Recipient>& stored) {
  Overlay out;
  out.recipients = derived;
  for (const pb::Recipient& p : stored) {
    // A retired record is history (an import removed it): it configures nothing and was already
    // reported as removed by that import's diff.
    if (p.retired()) continue;
    absl::StatusOr<Recipient> r = RecipientFromProto(p);
    if (!r.ok()) return absl::InvalidArgumentError(absl::StrCat("stored ", r.status().message()));
    if (auto it = out.recipients.by_id.find(r->id); it != out.recipients.by_id.end()) {
      Recipient merged = it->second;  // name, kind and stands_for stay the catalog's
      merged.channels = std::move(r->channels);
      merged.digest = r->digest;
      // The catalog's kind may refuse what was stored (a digest for a publication).
      if (absl::Status valid = ValidateRecipient(merged); !valid.ok()) {
        return absl::InvalidArgumentError(absl::StrCat("stored ", valid.message()));
      }
      it->second = std::move(merged);
    } else if (Added(r->kind)) {
      const std::string id = r->id;
      out.recipients.by_id.emplace(id, *std::move(r));
    } else {
      out.skipped.push_back(absl::StrCat(r->id, ": not in the catalog any more"));
    }
  }
  return out;
}

}  // namespace ys::notify
