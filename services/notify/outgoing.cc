#include "services/notify/outgoing.h"

#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/status/macros.h"
#include "services/notify/signatures.h"

namespace ys::notify {
namespace {

// Debian's abseil has its own string_view: convert explicitly.
absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// The characters recipients.h allows in a secret_ref (letters, digits, _ . - /); recipients.cc's
// fuller check (a leading letter, no secret-looking value) is private to it and ran at import. Here
// the ref becomes a path, so what matters is that it cannot leave the directory.
absl::Status CheckRefAsPath(std::string_view ref) {
  const std::string quoted = absl::StrCat("'", Absl(ref), "'");
  if (ref.empty()) return absl::InvalidArgumentError("secret_ref: empty");
  if (ref.size() > 128) return absl::InvalidArgumentError(absl::StrCat("secret_ref ", quoted, ": longer than 128"));
  for (const char c : ref) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-' && c != '/') {
      return absl::InvalidArgumentError(
          absl::StrCat("secret_ref ", quoted, ": only letters, digits, _ . - / are allowed"));
    }
  }
  if (ref.front() == '/') {
    return absl::InvalidArgumentError(absl::StrCat("secret_ref ", quoted, ": starts with '/'"));
  }
  if (ref.find("..") != std::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat("secret_ref ", quoted, ": contains '..'"));
  }
  return absl::OkStatus();
}

// '?' or '&': what joins a query parameter to `url`.
absl::string_view QueryJoiner(std::string_view url) { return url.find('?') == std::string_view::npos ? "?" : "&"; }

// `url` with `segment` as its last path segment (before any query), one '/' between.
std::string WithPathSegment(std::string_view url, std::string_view segment) {
  const size_t query = url.find('?');
  std::string_view path = url.substr(0, query);
  const std::string_view rest = query == std::string_view::npos ? std::string_view() : url.substr(query);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  return absl::StrCat(Absl(path), "/", Absl(segment), Absl(rest));
}

// The channel's secrets. A source that has none, or refuses the ref, is the configuration's fault:
// FAILED_PRECONDITION naming the ref, so the dispatcher fails over. An empty value would sign with
// an empty key (or put an empty token in the URL): refused the same way, without printing any value.
absl::StatusOr<std::vector<std::string>> SecretsOf(const Channel& channel, const SecretSource& source) {
  const std::string where = absl::StrCat(ChannelKindName(channel.kind), " channel ", channel.target,
                                         ": secret_ref ", channel.secret_ref);
  absl::StatusOr<std::vector<std::string>> secrets = source.Get(channel.secret_ref);
  if (!secrets.ok()) {
    const absl::StatusCode code = secrets.status().code();
    if (code == absl::StatusCode::kNotFound || code == absl::StatusCode::kInvalidArgument) {
      return absl::FailedPreconditionError(absl::StrCat(where, ": ", secrets.status().message()));
    }
    return absl::Status(code, absl::StrCat(where, ": ", secrets.status().message()));
  }
  if (secrets->empty()) return absl::FailedPreconditionError(absl::StrCat(where, ": no secret"));
  for (size_t i = 0; i < secrets->size(); ++i) {
    if ((*secrets)[i].empty()) {
      return absl::FailedPreconditionError(absl::StrCat(where, ": secret #", i + 1, " is empty"));
    }
  }
  return secrets;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> DirectorySecrets::Get(std::string_view ref) const {
  RETURN_IF_ERROR(CheckRefAsPath(ref));
  const std::string path = absl::StrCat(directory_, "/", Absl(ref));
  std::ifstream file(path, std::ios::binary);
  if (!file) return absl::NotFoundError(absl::StrCat("secret ", Absl(ref), ": no readable file ", path));
  std::ostringstream content;
  content << file.rdbuf();
  std::vector<std::string> secrets;
  for (absl::string_view line : absl::StrSplit(content.str(), '\n')) {
    line = absl::StripTrailingAsciiWhitespace(line);  // also the CR of a CRLF file
    if (!line.empty()) secrets.emplace_back(line);
  }
  if (secrets.empty()) return absl::NotFoundError(absl::StrCat("secret ", Absl(ref), ": file ", path, " is empty"));
  return secrets;
}

absl::StatusOr<std::vector<std::string>> MapSecrets::Get(std::string_view ref) const {
  const auto it = secrets_.find(ref);
  if (it == secrets_.end() || it->second.empty()) {
    return absl::NotFoundError(absl::StrCat("secret ", Absl(ref), ": not in the secret map"));
  }
  return it->second;
}

absl::StatusOr<OutgoingMessage> BuildOutgoing(const Channel& channel, const Message& message,
                                              const OutgoingContext& context, const SecretSource& secrets) {
  OutgoingMessage out;
  out.channel = TransportOf(channel.kind);
  out.idempotency_key = context.idempotency_key;
  out.deadline = context.deadline;
  switch (channel.kind) {
    case ChannelKind::kWebhook: {
      ASSIGN_OR_RETURN(const std::vector<std::string> keys, SecretsOf(channel, secrets));
      out.url = channel.target;
      out.body = GenericWebhookBody(message, context.envelope);
      // Every key the ref holds: during a rotation receivers may still verify with the old one.
      ASSIGN_OR_RETURN(std::string signature, WebhookSignature(keys, context.now, out.body));
      out.headers.emplace_back(kWebhookSignatureHeader, std::move(signature));
      return out;
    }
    case ChannelKind::kWeCom: {
      ASSIGN_OR_RETURN(const std::vector<std::string> keys, SecretsOf(channel, secrets));
      out.url = absl::StrCat(channel.target, QueryJoiner(channel.target), "key=",
                             PercentEncode(keys[0]));
      out.body = WeComMarkdownBody(message);
      return out;
    }
    case ChannelKind::kDingTalk: {
      ASSIGN_OR_RETURN(const std::vector<std::string> keys, SecretsOf(channel, secrets));
      const std::string with_token = absl::StrCat(channel.target, QueryJoiner(channel.target),
                                                  "access_token=", PercentEncode(keys[0]));
      // A robot without 加签 has a token only; with it, the second secret signs at this attempt.
      out.url = keys.size() >= 2 ? SignDingTalkUrl(with_token, keys[1], context.now) : with_token;
      out.body = DingTalkMarkdownBody(message);
      return out;
    }
    case ChannelKind::kFeishu: {
      ASSIGN_OR_RETURN(const std::vector<std::string> keys, SecretsOf(channel, secrets));
      out.url = WithPathSegment(channel.target, PercentEncode(keys[0]));
      std::optional<FeishuSignature> signature;
      if (keys.size() >= 2) signature = SignFeishu(keys[1], context.now);
      out.body = FeishuCardBody(message, signature);
      return out;
    }
    case ChannelKind::kEmail: {
      MailMessage mail;
      mail.from = context.from;
      mail.to = {MailAddress{context.recipient_name, channel.target}};
      mail.subject = message.title;
      mail.text = context.mail_text.empty() ? message.markdown : context.mail_text;
      mail.date = context.now;
      mail.idempotency_key = context.idempotency_key;
      mail.attachments = context.attachments;
      absl::StatusOr<std::string> bytes = BuildMail(mail);
      if (!bytes.ok()) {
        return absl::Status(bytes.status().code(), absl::StrCat("email to ", channel.target, ": ",
                                                                bytes.status().message()));
      }
      out.recipients = {channel.target};
      out.body = *std::move(bytes);
      return out;
    }
    case ChannelKind::kInbox:
      return absl::InvalidArgumentError(
          "channel inbox: not sent over the wire (the dispatcher writes the inbox itself)");
  }
  return absl::InvalidArgumentError("channel: unknown kind");
}

Transport TransportOf(ChannelKind kind) {
  return kind == ChannelKind::kEmail ? Transport::kEmail : Transport::kWebhook;
}

}  // namespace ys::notify
