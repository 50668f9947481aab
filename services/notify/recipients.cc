#include "services/notify/recipients.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/input/text_rules.h"
#include "services/notify/recipients_internal.h"

namespace ys::notify {
namespace recipients_internal {
namespace {

std::vector<Channel> InboxOnly() { return {Channel{ChannelKind::kInbox, "", "", 1}}; }

bool IsBareNamed(RecipientKind kind) {
  return kind == RecipientKind::kOffice || kind == RecipientKind::kCentre ||
         kind == RecipientKind::kGovernmentBody || kind == RecipientKind::kPublication;
}

}  // namespace

Recipient Make(std::string id, std::string name, RecipientKind kind, std::string stands_for) {
  Recipient r;
  r.id = std::move(id);
  r.name = std::move(name);
  r.kind = kind;
  r.stands_for = std::move(stands_for);
  r.channels = InboxOnly();
  return r;
}

// "unit:市商务局" -> {"unit", "市商务局"}; "office" -> {"", "office"}.
std::pair<std::string, std::string> SplitId(absl::string_view id) {
  const size_t colon = id.find(':');
  if (colon == absl::string_view::npos) return {"", std::string(id)};
  return {std::string(id.substr(0, colon)), std::string(id.substr(colon + 1))};
}

// The body, publication, office or centre a bare name ("政务网站", "市委") means.
const Recipient* FindBare(const Recipients& recipients, absl::string_view bare) {
  for (const auto& [id, r] : recipients.by_id) {
    if (!IsBareNamed(r.kind)) continue;
    if (r.name == bare || SplitId(id).second == bare) return &r;
  }
  return nullptr;
}

const Recipient* FindCounty(const Recipients& recipients, absl::string_view code_or_name) {
  for (const auto& [id, r] : recipients.by_id) {
    if (r.kind == RecipientKind::kCounty && (r.stands_for == code_or_name || r.name == code_or_name)) return &r;
  }
  return nullptr;
}

// An id or another name of one (same_as).
const Recipient* Find(const Recipients& recipients, absl::string_view id) {
  if (auto it = recipients.by_id.find(id); it != recipients.by_id.end()) return &it->second;
  if (auto alias = recipients.same_as.find(id); alias != recipients.same_as.end()) {
    if (auto it = recipients.by_id.find(alias->second); it != recipients.by_id.end()) return &it->second;
  }
  return nullptr;
}

std::string Quote(absl::string_view value) { return input::QuoteInput(value); }

// --- secrets, URLs and addresses --------------------------------------------------------------

namespace {

bool IsHex(char c) { return absl::ascii_isxdigit(static_cast<unsigned char>(c)); }

// Why `value` looks like a secret rather than a name of one; nullopt when it does not.
std::optional<std::string> LooksLikeSecret(absl::string_view value) {
  // A UUID: WeCom's robot keys have this shape.
  for (size_t i = 0; i + 36 <= value.size(); ++i) {
    bool uuid = true;
    for (size_t k = 0; k < 36 && uuid; ++k) {
      const bool dash = k == 8 || k == 13 || k == 18 || k == 23;
      uuid = dash ? value[i + k] == '-' : IsHex(value[i + k]);
    }
    if (uuid) return "a UUID";
  }
  // Long hex runs: HMAC keys, DingTalk's SEC… secrets and access tokens.
  size_t run = 0;
  for (size_t i = 0; i <= value.size(); ++i) {
    if (i < value.size() && IsHex(value[i])) {
      ++run;
      continue;
    }
    if (run >= 32) return absl::StrCat("a run of ", run, " hex digits");
    run = 0;
  }
  // Base64 that mixes digits and both cases: Feishu's signing secrets, most API tokens. Names are
  // words between separators (_ . - /), which this does not count.
  size_t start = 0;
  for (size_t i = 0; i <= value.size(); ++i) {
    const bool b64 = i < value.size() && (absl::ascii_isalnum(static_cast<unsigned char>(value[i])) ||
                                          value[i] == '+' || value[i] == '=');
    if (b64) continue;
    const absl::string_view piece = value.substr(start, i - start);
    start = i + 1;
    if (piece.size() < 20) continue;
    const bool digit = std::any_of(piece.begin(), piece.end(), [](char c) { return absl::ascii_isdigit(c); });
    const bool upper = std::any_of(piece.begin(), piece.end(), [](char c) { return absl::ascii_isupper(c); });
    const bool lower = std::any_of(piece.begin(), piece.end(), [](char c) { return absl::ascii_islower(c); });
    if (digit && upper && lower) return absl::StrCat(piece.size(), " base64 characters mixing digits and both cases");
  }
  return std::nullopt;
}

std::optional<std::string> CheckSecretRef(absl::string_view ref) {
  if (auto why = LooksLikeSecret(ref)) {
    return absl::StrCat("looks like a secret itself (", *why,
                        "), not the name of one: put the secret in the secret store and give its name "
                        "here, since this value is printed by ysctl and the delivery history");
  }
  const bool well_formed =
      !ref.empty() && ref.size() <= 128 && absl::ascii_isalpha(static_cast<unsigned char>(ref[0])) &&
      std::all_of(ref.begin(), ref.end(), [](char c) {
        return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-' || c == '/';
      });
  if (!well_formed) {
    return absl::StrCat("not a secret name: ", Quote(ref),
                        " (a letter, then letters, digits, _ . - /; at most 128; e.g. notify/wecom/office)");
  }
  return std::nullopt;
}

std::optional<std::string> CheckUrl(absl::string_view url) {
  if (url.empty()) return std::string("is required: the http(s) URL to POST to");
  for (size_t i = 0; i < url.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(url[i]);
    if (c <= 0x20 || c >= 0x7f) {
      return absl::StrCat("holds a space, a control character or a non-ASCII byte at byte ", i + 1,
                          ": a URL is ASCII (percent-encode the rest)");
    }
  }
  const size_t sep = url.find("://");
  const std::string scheme = absl::AsciiStrToLower(url.substr(0, sep == absl::string_view::npos ? 0 : sep));
  if (sep == absl::string_view::npos || (scheme != "http" && scheme != "https")) {
    return absl::StrCat("not an http(s) URL: ", Quote(url));
  }
  const absl::string_view rest = url.substr(sep + 3);
  if (rest.find('#') != absl::string_view::npos) {
    return std::string("has a fragment (#…), which is never sent to the server");
  }
  const size_t authority_end = std::min(rest.find_first_of("/?"), rest.size());
  const absl::string_view authority = rest.substr(0, authority_end);
  if (authority.find('@') != absl::string_view::npos) {
    return std::string("carries a user name or password: name the secret in secret_ref instead");
  }
  absl::string_view host = authority;
  absl::string_view port;
  if (absl::StartsWith(authority, "[")) {  // an IPv6 literal
    const size_t close = authority.find(']');
    if (close == absl::string_view::npos) return absl::StrCat("has a malformed host: ", Quote(authority));
    host = authority.substr(1, close - 1);
    const absl::string_view after = authority.substr(close + 1);
    if (!after.empty() && after[0] != ':') return absl::StrCat("has a malformed host: ", Quote(authority));
    if (!after.empty()) port = after.substr(1);
    const bool literal =
        !host.empty() && std::all_of(host.begin(), host.end(), [](char c) { return IsHex(c) || c == ':' || c == '.'; });
    if (!literal) {
      return absl::StrCat("has a malformed host: ", Quote(authority));
    }
  } else {
    if (const size_t colon = authority.rfind(':'); colon != absl::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
      if (port.empty()) return absl::StrCat("has an empty port: ", Quote(authority));
    }
    if (host.empty()) return std::string("has no host");
    for (absl::string_view label : absl::StrSplit(host, '.')) {
      const bool ok = !label.empty() && std::all_of(label.begin(), label.end(), [](char c) {
        return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-';
      });
      if (!ok) return absl::StrCat("has a malformed host: ", Quote(host));
    }
  }
  if (!port.empty()) {
    int number = 0;
    if (!std::all_of(port.begin(), port.end(), [](char c) { return absl::ascii_isdigit(c); }) ||
        !absl::SimpleAtoi(port, &number) || number < 1 || number > 65535) {
      return absl::StrCat("has a port that is not 1..65535: ", Quote(port));
    }
  }
  // A robot URL with its key in it is a secret in the configuration: refuse it, name the secret.
  const absl::string_view path_and_query = rest.substr(authority_end);
  for (absl::string_view piece : absl::StrSplit(path_and_query, absl::ByAnyChar("/?&="))) {
    if (auto why = LooksLikeSecret(piece)) {
      return absl::StrCat("holds what looks like a secret (", *why,
                          "): give the URL without it and name the secret in secret_ref; the dispatcher "
                          "adds it when it sends");
    }
  }
  return std::nullopt;
}

bool IsAtext(char c) {  // RFC 5322 atext
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
         absl::string_view("!#$%&'*+/=?^_`{|}~-").find(c) != absl::string_view::npos;
}

std::optional<std::string> CheckEmail(absl::string_view address) {
  if (address.empty()) return std::string("is required: one e-mail address");
  if (address.find_first_of(",;") != absl::string_view::npos) {
    return std::string("holds more than one address: give each address its own channel");
  }
  if (address.find_first_of("<>\"()") != absl::string_view::npos) {
    return absl::StrCat("give the address alone (local@domain), without a display name: ", Quote(address));
  }
  for (const char ch : address) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7f) {
      return absl::StrCat("not one address (local@domain, ASCII, no spaces): ", Quote(address));
    }
  }
  const std::vector<absl::string_view> parts = absl::StrSplit(address, '@');
  if (parts.size() != 2 || address.size() > 254) {
    return absl::StrCat("not one address (local@domain): ", Quote(address));
  }
  const absl::string_view local = parts[0];
  const absl::string_view domain = parts[1];
  const bool local_ok = !local.empty() && local.size() <= 64 && local.front() != '.' && local.back() != '.' &&
                        local.find("..") == absl::string_view::npos &&
                        std::all_of(local.begin(), local.end(), [](char c) { return IsAtext(c) || c == '.'; });
  if (!local_ok) return absl::StrCat("has a malformed local part (before @): ", Quote(address));
  const std::vector<absl::string_view> labels = absl::StrSplit(domain, '.');
  bool domain_ok = labels.size() >= 2 && domain.size() <= 253;
  for (absl::string_view label : labels) {
    domain_ok = domain_ok && !label.empty() && label.size() <= 63 && label.front() != '-' && label.back() != '-' &&
                std::all_of(label.begin(), label.end(), [](char c) {
                  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-';
                });
  }
  if (!domain_ok) return absl::StrCat("has a malformed domain (after @, e.g. example.gov.cn): ", Quote(address));
  return std::nullopt;
}

// What the secret of a robot or webhook channel is for, for the "is required" message.
absl::string_view SecretPurpose(ChannelKind kind) {
  switch (kind) {
    case ChannelKind::kWebhook: return "the HMAC key that signs the body";
    case ChannelKind::kWeCom: return "the robot key";
    case ChannelKind::kDingTalk: return "the access token and 加签 secret";
    case ChannelKind::kFeishu: return "the hook token and signing secret";
    default: return "";
  }
}

}  // namespace

std::optional<ChannelProblem> CheckChannel(const Channel& channel) {
  switch (channel.kind) {
    case ChannelKind::kWebhook:
    case ChannelKind::kWeCom:
    case ChannelKind::kDingTalk:
    case ChannelKind::kFeishu:
      if (auto why = CheckUrl(channel.target)) return ChannelProblem{"target", *why};
      if (channel.secret_ref.empty()) {
        return ChannelProblem{"secret_ref", absl::StrCat("is required for ", ChannelKindName(channel.kind),
                                                         ": the name of ", SecretPurpose(channel.kind))};
      }
      if (auto why = CheckSecretRef(channel.secret_ref)) return ChannelProblem{"secret_ref", *why};
      return std::nullopt;
    case ChannelKind::kEmail:
      if (auto why = CheckEmail(channel.target)) return ChannelProblem{"target", *why};
      if (!channel.secret_ref.empty()) {
        return ChannelProblem{"secret_ref",
                              "an e-mail channel has no secret (the SMTP login is the service's configuration)"};
      }
      return std::nullopt;
    case ChannelKind::kInbox:
      if (!channel.target.empty()) {
        return ChannelProblem{"target", "the inbox has no target: it is the recipient's own"};
      }
      if (!channel.secret_ref.empty()) return ChannelProblem{"secret_ref", "the inbox has no secret"};
      return std::nullopt;
  }
  return ChannelProblem{"kind", "unknown channel kind"};
}

}  // namespace recipients_internal

namespace {

using recipients_internal::CheckChannel;
using recipients_internal::Find;
using recipients_internal::FindBare;
using recipients_internal::FindCounty;
using recipients_internal::kIdHelp;
using recipients_internal::Quote;
using recipients_internal::SplitId;

std::string DigestText(const DigestPreference& digest) {
  switch (digest.cadence) {
    case DigestCadence::kNone: return "none";
    case DigestCadence::kDaily:
    case DigestCadence::kWeekly: {
      const int64_t minutes = absl::ToInt64Minutes(digest.time_of_day);
      return absl::StrFormat("%s %02d:%02d", digest.cadence == DigestCadence::kDaily ? "daily" : "weekly",
                             minutes / 60, minutes % 60);
    }
  }
  return "?";
}

std::string ChannelText(const Channel& c) {
  std::string out(ChannelKindName(c.kind));
  if (!c.target.empty()) absl::StrAppend(&out, " ", c.target);
  if (!c.secret_ref.empty()) absl::StrAppend(&out, " (secret ", c.secret_ref, ")");
  return out;
}

std::string ChannelsText(const std::vector<Channel>& channels) {
  return absl::StrJoin(channels, ", ", [](std::string* out, const Channel& c) { out->append(ChannelText(c)); });
}

}  // namespace

absl::string_view RecipientKindName(RecipientKind kind) {
  switch (kind) {
    case RecipientKind::kUnit: return "unit";
    case RecipientKind::kHead: return "head";
    case RecipientKind::kLead: return "lead";
    case RecipientKind::kCounty: return "county";
    case RecipientKind::kOffice: return "office";
    case RecipientKind::kCentre: return "centre";
    case RecipientKind::kGovernmentBody: return "government_body";
    case RecipientKind::kPublication: return "publication";
  }
  return "?";
}

absl::string_view ChannelKindName(ChannelKind kind) {
  switch (kind) {
    case ChannelKind::kWebhook: return "webhook";
    case ChannelKind::kWeCom: return "wecom";
    case ChannelKind::kDingTalk: return "dingtalk";
    case ChannelKind::kFeishu: return "feishu";
    case ChannelKind::kEmail: return "email";
    case ChannelKind::kInbox: return "inbox";
  }
  return "?";
}

absl::StatusOr<ChannelKind> ParseChannelKind(absl::string_view name) {
  for (ChannelKind kind : {ChannelKind::kWebhook, ChannelKind::kWeCom, ChannelKind::kDingTalk, ChannelKind::kFeishu,
                           ChannelKind::kEmail, ChannelKind::kInbox}) {
    if (ChannelKindName(kind) == name) return kind;
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown channel kind ", Quote(name),
                                                 " (known: webhook, wecom, dingtalk, feishu, email, inbox)"));
}

bool SameRecipient(const Recipient& a, const Recipient& b) {
  return a.id == b.id && a.name == b.name && a.kind == b.kind && a.stands_for == b.stands_for &&
         a.channels == b.channels && a.digest.cadence == b.digest.cadence &&
         a.digest.time_of_day == b.digest.time_of_day;
}

absl::Status ValidateChannel(const Channel& channel) {
  if (auto problem = CheckChannel(channel)) {
    return absl::InvalidArgumentError(absl::StrCat(problem->field, ": ", problem->message));
  }
  return absl::OkStatus();
}

absl::Status ValidateRecipient(const Recipient& recipient) {
  auto error = [&](absl::string_view field, absl::string_view message) {
    return absl::InvalidArgumentError(absl::StrCat("recipient ", recipient.id, ": ", field, ": ", message));
  };
  if (recipient.id.empty()) return absl::InvalidArgumentError("a recipient needs an id");
  std::map<int, size_t> orders;
  std::set<std::pair<ChannelKind, std::string>> seen;
  int inboxes = 0;
  for (size_t j = 0; j < recipient.channels.size(); ++j) {
    const Channel& c = recipient.channels[j];
    const std::string at = absl::StrCat("channels[", j, "]");
    if (auto problem = CheckChannel(c)) return error(absl::StrCat(at, ".", problem->field), problem->message);
    if (c.order < 1) return error(at + ".order", absl::StrCat("must be at least 1, not ", c.order));
    if (auto [it, fresh] = orders.try_emplace(c.order, j); !fresh) {
      return error(at + ".order", absl::StrCat("order ", c.order, " is channels[", it->second, "]'s too"));
    }
    if (!seen.emplace(c.kind, c.target).second) return error(at, "the same channel twice");
    if (c.kind == ChannelKind::kInbox) ++inboxes;
  }
  if (inboxes == 0) return error("channels", "the inbox is missing: a person can always read their inbox");
  if (recipient.digest.time_of_day < absl::ZeroDuration() || recipient.digest.time_of_day >= absl::Hours(24)) {
    return error("digest_time", "must lie within the day (00:00 to 23:59)");
  }
  if (recipient.kind == RecipientKind::kPublication && recipient.digest.cadence != DigestCadence::kNone) {
    return error("digest", "a publication takes no digest: the roster appears on the day it is published");
  }
  return absl::OkStatus();
}

std::vector<RecipientChange> DiffRecipients(const Recipients& before, const Recipients& after) {
  std::vector<RecipientChange> out;
  auto b = before.by_id.begin();
  auto a = after.by_id.begin();
  while (b != before.by_id.end() || a != after.by_id.end()) {
    if (a == after.by_id.end() || (b != before.by_id.end() && b->first < a->first)) {
      out.push_back({RecipientChange::Kind::kRemoved, b->first, b->second.name});
      ++b;
      continue;
    }
    if (b == before.by_id.end() || a->first < b->first) {
      const Recipient& r = a->second;
      std::string summary =
          absl::StrCat(r.name, " (", RecipientKindName(r.kind), "); channels ", ChannelsText(r.channels));
      if (r.digest.cadence != DigestCadence::kNone) absl::StrAppend(&summary, "; digest ", DigestText(r.digest));
      out.push_back({RecipientChange::Kind::kAdded, a->first, std::move(summary)});
      ++a;
      continue;
    }
    const Recipient& x = b->second;
    const Recipient& y = a->second;
    std::vector<std::string> parts;
    auto field = [&](absl::string_view name, const std::string& from, const std::string& to) {
      if (from != to) parts.push_back(absl::StrCat(name, ": ", from, " → ", to));
    };
    field("name", x.name, y.name);
    field("kind", std::string(RecipientKindName(x.kind)), std::string(RecipientKindName(y.kind)));
    field("stands_for", x.stands_for, y.stands_for);
    field("channels", ChannelsText(x.channels), ChannelsText(y.channels));
    field("digest", DigestText(x.digest), DigestText(y.digest));
    if (parts.empty() && x.channels != y.channels) parts.push_back("channels: order changed");
    if (!parts.empty()) out.push_back({RecipientChange::Kind::kChanged, a->first, absl::StrJoin(parts, "; ")});
    ++a;
    ++b;
  }
  return out;
}

absl::StatusOr<const Recipient*> ResolveReceiver(const std::string& receiver, const Recipients& recipients) {
  if (const Recipient* r = Find(recipients, receiver)) return r;
  const auto [prefix, rest] = SplitId(receiver);
  if (prefix == "unit" || prefix == "head") {
    const std::optional<std::string> unit = recipients.units.Resolve(rest);
    if (unit) {
      if (const Recipient* r = Find(recipients, absl::StrCat(prefix, ":", *unit))) return r;
    }
    // A county case's unit is the county (rectification names it so): unit:信州区 is the county.
    if (prefix == "unit") {
      if (const Recipient* county = FindCounty(recipients, unit.value_or(rest))) return county;
    }
    if (unit && prefix == "head") {
      return absl::NotFoundError(
          absl::StrCat("receiver ", receiver, ": the catalog names no 带班领导 for ", *unit));
    }
    return absl::NotFoundError(absl::StrCat("receiver ", receiver, ": no unit ", rest, " in the catalog"));
  }
  if (prefix == "county") {
    if (const Recipient* county = FindCounty(recipients, rest)) return county;
    return absl::NotFoundError(absl::StrCat("receiver ", receiver, ": ", rest, " is not one of Shangrao's counties"));
  }
  if (prefix == "lead") {
    return absl::NotFoundError(absl::StrCat("receiver ", receiver, ": ", rest, " is not the 领班 of any indicator"));
  }
  if (prefix.empty() || prefix == "body" || prefix == "publication") {
    if (const Recipient* r = FindBare(recipients, prefix.empty() ? receiver : rest)) {
      if (prefix.empty() || RecipientKindName(r->kind) == prefix ||
          (prefix == "body" && r->kind == RecipientKind::kGovernmentBody)) {
        return r;
      }
    }
  }
  return absl::NotFoundError(absl::StrCat("receiver ", Quote(receiver), " names no recipient (", kIdHelp, ")"));
}

}  // namespace ys::notify
