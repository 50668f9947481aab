#pragma once

// One attempt's bytes for one recipient channel: the rendered Message (payloads.h) in the shape the
// channel takes, signed with the channel's secret, addressed, with its idempotency key — what a
// Sender (senders.h) sends. Built afresh at every attempt, so a signature's timestamp is the
// attempt's (DingTalk and Feishu refuse a signature older than an hour; our webhook's receivers
// one older than five minutes).
//
// Per channel kind (recipients.h ChannelKind):
//   webhook    POST target, GenericWebhookBody, X-Yingshang-Signature over the body with every
//              secret the ref names (signatures.h WebhookSignature: several during a rotation)
//   wecom      POST target + "?key=<secret>" (the robot's key; appended with "&" when the target
//              already has a query), WeComMarkdownBody
//   dingtalk   POST target + "?access_token=<first secret>" (or "&…"), signed with the second
//              secret (加签: SignDingTalkUrl at `now`), DingTalkMarkdownBody; a ref naming one secret
//              only: the token, unsigned (a robot without 加签)
//   feishu     POST target + "/<first secret>" (the hook token, a path segment), FeishuCardBody
//              signed with the second secret at `now` (SignFeishu); one secret: unsigned
//   email      SMTP to target, BuildMail (mail.h) from the context's sender, the recipient's name
//              as the display name, subject the title, text the message's mail text, Date `now`
//   inbox      not sent over the wire: INVALID_ARGUMENT (the dispatcher writes the inbox itself)
// A secret the channel needs and the source does not have is FAILED_PRECONDITION naming the ref
// (configuration: the dispatcher fails over, as for a permanent answer); never the secret itself
// in any message.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/notify/mail.h"
#include "services/notify/payloads.h"
#include "services/notify/recipients.h"
#include "services/notify/senders.h"

namespace ys::notify {

// Secrets by the name a channel's secret_ref gives (recipients.h): the values, current first.
class SecretSource {
 public:
  virtual ~SecretSource() = default;
  // NOT_FOUND naming the ref when there is none; never an empty list.
  virtual absl::StatusOr<std::vector<std::string>> Get(std::string_view ref) const = 0;
};

// Secrets in files: <directory>/<ref>, one secret per non-empty line (trailing whitespace and CR
// dropped), current first. A ref with "..", a leading "/" or anything outside recipients.h's
// secret_ref characters is INVALID_ARGUMENT; a missing or empty file NOT_FOUND naming the ref.
// Read at each Get (small files; a rotated secret takes effect without a restart).
class DirectorySecrets final : public SecretSource {
 public:
  explicit DirectorySecrets(std::string directory) : directory_(std::move(directory)) {}
  absl::StatusOr<std::vector<std::string>> Get(std::string_view ref) const override;

 private:
  std::string directory_;
};

// In memory (tests, the demo).
class MapSecrets final : public SecretSource {
 public:
  explicit MapSecrets(std::map<std::string, std::vector<std::string>, std::less<>> secrets)
      : secrets_(std::move(secrets)) {}
  absl::StatusOr<std::vector<std::string>> Get(std::string_view ref) const override;

 private:
  std::map<std::string, std::vector<std::string>, std::less<>> secrets_;
};

struct OutgoingContext {
  std::string idempotency_key;  // the delivery's id (store.h DeliveryId) or a digest's key
  absl::Time now;               // signatures' time, the mail's Date
  absl::Time deadline = absl::InfiniteFuture();
  WebhookEnvelope envelope;     // the generic webhook's id, event_type, at
  MailAddress from;             // the e-mail's From (the service's configuration)
  std::string recipient_name;   // the e-mail's display name for the To address
  std::string mail_text;        // the e-mail's text/plain body; empty: the message's markdown
  std::vector<MailAttachment> attachments;  // the e-mail's files (other channels link, not attach)
};

// The bytes of one attempt on `channel` (see the top of this file). INVALID_ARGUMENT for the inbox
// or a message the payload or mail code refuses; FAILED_PRECONDITION naming the secret_ref for a
// missing secret.
absl::StatusOr<OutgoingMessage> BuildOutgoing(const Channel& channel, const Message& message,
                                              const OutgoingContext& context,
                                              const SecretSource& secrets);

// The transport that carries a channel kind: SMTP for e-mail, HTTP for the rest (the inbox has none;
// it answers HTTP, and BuildOutgoing refuses it).
Transport TransportOf(ChannelKind kind);

}  // namespace ys::notify
