#include "services/notify/payloads.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "common/time/clock.h"

namespace ys::notify {
namespace {

using Json = nlohmann::ordered_json;

std::string Dump(const Json& json) {
  return json.dump(-1, ' ', /*ensure_ascii=*/false, Json::error_handler_t::replace);
}

// The size of `text` as a JSON string's contents, once escaped.
size_t EscapedSize(std::string_view text) { return Dump(Json(std::string(text))).size() - 2; }

std::string_view TrimTrailingSpace(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' ||
                           text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

std::string LinksMarkdown(const std::vector<Link>& links) {
  std::string out;
  for (const Link& link : links) {
    if (!out.empty()) out += "\n";
    absl::StrAppend(&out, "[", link.title, "](", link.url, ")");
  }
  return out;
}

// head + body (cut to fit) + tail, within max_bytes; body is what gets cut.
std::string Assemble(std::string_view head, std::string_view body, std::string_view tail,
                     size_t max_bytes) {
  const size_t fixed = head.size() + tail.size();
  const std::string cut = TruncateUtf8(body, fixed < max_bytes ? max_bytes - fixed : 0);
  std::string out = absl::StrCat(absl::string_view(head.data(), head.size()), cut,
                                 absl::string_view(tail.data(), tail.size()));
  // Only when title + links alone exceed the limit: cut the whole.
  if (out.size() > max_bytes) out = TruncateUtf8(out, max_bytes);
  return out;
}

// The robots' text: "**title**\n\n" + body + "\n\n" + links.
std::string RobotMarkdown(const Message& message, size_t max_bytes) {
  const std::string head = absl::StrCat("**", message.title, "**\n\n");
  const std::string links = LinksMarkdown(message.links);
  const std::string tail = links.empty() ? "" : absl::StrCat("\n\n", links);
  const std::string_view body = TrimTrailingSpace(message.markdown);
  return Assemble(head, body, tail, max_bytes);
}

const char* FeishuTemplate(std::string_view severity) {
  if (severity == "critical") return "red";
  if (severity == "warning") return "orange";
  return "blue";
}

}  // namespace

std::string TruncateUtf8(std::string_view text, size_t max_bytes, std::string_view marker) {
  if (text.size() <= max_bytes) return std::string(text);
  const bool with_marker = marker.size() <= max_bytes;
  size_t end = with_marker ? max_bytes - marker.size() : max_bytes;
  // Back up over continuation bytes (10xxxxxx) so the cut falls before a character's first byte.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  std::string out(text.substr(0, end));
  if (with_marker) out += marker;
  return out;
}

std::string GenericWebhookBody(const Message& message, const WebhookEnvelope& envelope) {
  Json labels = Json::object();
  for (const auto& [name, value] : message.labels) labels[name] = value;
  Json links = Json::array();
  for (const Link& link : message.links) links.push_back({{"title", link.title}, {"url", link.url}});
  Json body;
  body["id"] = envelope.id;
  body["event_type"] = envelope.event_type;
  body["severity"] = message.severity;
  body["title"] = message.title;
  body["text"] = message.markdown;
  body["labels"] = std::move(labels);
  body["links"] = std::move(links);
  body["at"] = absl::FormatTime("%Y-%m-%dT%H:%M:%E3S%Ez", envelope.at, Shanghai());
  return Dump(body);
}

std::string WeComMarkdownBody(const Message& message) {
  Json body;
  body["msgtype"] = "markdown";
  body["markdown"] = {{"content", RobotMarkdown(message, kWeComMarkdownMaxBytes)}};
  return Dump(body);
}

std::string DingTalkMarkdownBody(const Message& message, const DingTalkAt& at) {
  std::string mentions;
  for (const std::string& mobile : at.mobiles) {
    absl::StrAppend(&mentions, mentions.empty() ? "" : " ", "@", mobile);
  }
  const std::string tail = mentions.empty() ? "" : absl::StrCat("\n\n", mentions);
  std::string text = RobotMarkdown(message, kDingTalkMarkdownMaxBytes - tail.size());
  text = absl::StrReplaceAll(absl::StrCat(text, tail), {{"\n", "  \n"}});
  Json body;
  body["msgtype"] = "markdown";
  body["markdown"] = {{"title", message.title}, {"text", text}};
  if (!at.mobiles.empty() || at.all) {
    body["at"] = {{"atMobiles", at.mobiles}, {"isAtAll", at.all}};
  }
  return Dump(body);
}

std::string FeishuCardBody(const Message& message, const std::optional<FeishuSignature>& signature) {
  const std::string links = LinksMarkdown(message.links);
  const std::string tail = links.empty() ? "" : absl::StrCat("\n\n", links);
  const std::string_view text = TrimTrailingSpace(message.markdown);
  const auto build = [&](const std::string& content) {
    Json body;
    if (signature.has_value()) {
      body["timestamp"] = absl::StrCat(signature->timestamp_s);
      body["sign"] = signature->sign;
    }
    body["msg_type"] = "interactive";
    body["card"] = {
        {"header",
         {{"title", {{"tag", "plain_text"}, {"content", message.title}}},
          {"template", FeishuTemplate(message.severity)}}},
        {"elements", Json::array({{{"tag", "markdown"}, {"content", content}}})},
    };
    return Dump(body);
  };
  // The limit is on the escaped body: the longest cut of the content whose escaped form fits in
  // what the rest of the body leaves (escaping only grows with the cut, so a binary search finds it).
  const std::string empty_body = build("");
  if (empty_body.size() >= kFeishuBodyMaxBytes) return empty_body;
  const size_t room = kFeishuBodyMaxBytes - empty_body.size();
  std::string content = Assemble("", text, tail, room);
  if (EscapedSize(content) > room) {
    size_t low = 0;      // fits
    size_t high = room;  // does not fit
    while (high - low > 1) {
      const size_t middle = low + (high - low) / 2;
      (EscapedSize(Assemble("", text, tail, middle)) <= room ? low : high) = middle;
    }
    content = Assemble("", text, tail, low);
  }
  return build(content);
}

}  // namespace ys::notify
