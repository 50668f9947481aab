#pragma once

// The helpers recipients.cc (the model: validation, DiffRecipients, ResolveReceiver),
// recipients_derive.cc (DeriveRecipients) and recipients_import.cc (ParseRecipientsYaml) share.
// Internal to notify's recipients: not part of their API (see recipients.h).

#include <optional>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "services/notify/recipients.h"

namespace ys::notify::recipients_internal {

inline constexpr char kIdHelp[] =
    "ids are office, centre, unit:<单位>, head:<单位>, lead:<领班>, county:<区划代码>, body:<机关>, "
    "publication:<平台>";

// A recipient with the inbox channel only and no digest.
Recipient Make(std::string id, std::string name, RecipientKind kind, std::string stands_for);

// "unit:市商务局" -> {"unit", "市商务局"}; "office" -> {"", "office"}.
std::pair<std::string, std::string> SplitId(absl::string_view id);

// The body, publication, office or centre a bare name ("政务网站", "市委") means.
const Recipient* FindBare(const Recipients& recipients, absl::string_view bare);

// The county a code or name means.
const Recipient* FindCounty(const Recipients& recipients, absl::string_view code_or_name);

// An id or another name of one (same_as).
const Recipient* Find(const Recipients& recipients, absl::string_view id);

std::string Quote(absl::string_view value);

struct ChannelProblem {
  std::string field;  // "target" or "secret_ref"
  std::string message;
};

// What is wrong with a channel's target or secret_ref; nullopt when nothing is.
std::optional<ChannelProblem> CheckChannel(const Channel& channel);

}  // namespace ys::notify::recipients_internal
