#pragma once

// The JSON bodies notify POSTs to webhooks: our generic one and the group robots of WeCom (企业微信),
// DingTalk (钉钉) and Feishu (飞书). One Message in (rendered from the templates, templates.h), the
// exact bytes out; signing is separate (signatures.h) and done per attempt. Pure functions.
//
// Decisions:
// - Key order is fixed (the vendors' documented order, then ours), so a body is byte-stable and its
//   idempotency key and signature cover the same bytes on every retry.
// - Invalid UTF-8 in any field is replaced by U+FFFD instead of failing: a message with one bad byte
//   from an upstream text still reaches people (nlohmann's error_handler_t::replace).
// - The robots show `title` in bold (WeCom, DingTalk) or in the card's header (Feishu), then the
//   markdown body, then the links as markdown links, each on its own line. A body too long for the
//   channel is cut on a UTF-8 character boundary and marked 「…（已截断）」; the title and the links are
//   kept whole, since the links lead to the full text.
// - Limits: WeCom markdown content ≤ 4096 bytes (its documentation); Feishu request body ≤ 20 KB
//   (its documentation), so the card's markdown is cut until the whole signed body fits; DingTalk
//   documents no limit for markdown text — we cut it at 20,000 bytes, before the line breaks below
//   are doubled, as for Feishu (our choice).
// - DingTalk's markdown needs two trailing spaces for a line break (its documentation's advice): every
//   "\n" of the body becomes "  \n". Its "at" mobiles are only highlighted when the text names them
//   ("@138…"), so they are appended to the text's last line as DingTalk requires.
// - Feishu: an "interactive" card, not a "post". A post's content is an array of paragraphs of
//   inline elements (text / a / at / img) with no markdown: our templates' markdown would need a
//   converter. A card takes the markdown as one "markdown" element as it is, and its header shows the
//   title with a colour for the severity (red critical, orange warning, blue otherwise); the title's
//   text says the kind as well (【督办】…), so the colour is never the only signal.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "services/notify/labels.h"
#include "services/notify/signatures.h"

namespace ys::notify {

struct Link {
  std::string title;  // 「查看案件」
  std::string url;
};

// What one notification says, the same for every channel.
struct Message {
  std::string title;     // one line: the mail subject, the robot's heading, the inbox's title
  std::string markdown;  // the body (<event_type>.markdown.mustache rendered)
  std::string severity;  // critical | warning | info
  Labels labels;         // the event's labels (routing's), sent to the generic webhook only
  std::vector<Link> links;
};

inline constexpr char kTruncatedMarker[] = "…（已截断）";
inline constexpr size_t kWeComMarkdownMaxBytes = 4096;
inline constexpr size_t kDingTalkMarkdownMaxBytes = 20000;
inline constexpr size_t kFeishuBodyMaxBytes = 20 * 1024;

// `text` when it fits in `max_bytes`; else its longest prefix ending on a UTF-8 character boundary
// such that prefix + `marker` fits (just the cut prefix when even the marker does not fit).
std::string TruncateUtf8(std::string_view text, size_t max_bytes,
                         std::string_view marker = kTruncatedMarker);

// Our generic webhook:
//   {"id":…,"event_type":…,"severity":…,"title":…,"text":<markdown>,"labels":{…},
//    "links":[{"title":…,"url":…}],"at":"2022-10-10T09:00:00.000+08:00"}
// `id` is the notification's id (receivers dedupe on it); `at` when what it tells of happened (the event's
// ce_time; a digest's: when it was made), to the millisecond, in Asia/Shanghai.
struct WebhookEnvelope {
  std::string id;
  std::string event_type;
  absl::Time at;
};
std::string GenericWebhookBody(const Message& message, const WebhookEnvelope& envelope);

// {"msgtype":"markdown","markdown":{"content":…}} with content ≤ 4096 bytes.
std::string WeComMarkdownBody(const Message& message);

struct DingTalkAt {
  std::vector<std::string> mobiles;
  bool all = false;
};
// {"msgtype":"markdown","markdown":{"title":…,"text":…}} plus "at":{"atMobiles":[…],"isAtAll":…}
// when anyone is to be @-ed. "title" is what the chat list previews.
std::string DingTalkMarkdownBody(const Message& message, const DingTalkAt& at = {});

// {"timestamp":"…","sign":"…","msg_type":"interactive","card":{
//  "header":{"title":{"tag":"plain_text","content":…},"template":…},
//  "elements":[{"tag":"markdown","content":…}]}}, ≤ 20 KB; no timestamp/sign when unsigned.
std::string FeishuCardBody(const Message& message, const std::optional<FeishuSignature>& signature);

}  // namespace ys::notify
