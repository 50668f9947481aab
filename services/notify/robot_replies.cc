#include "services/notify/robot_replies.h"

#include <set>

#include "absl/strings/str_cat.h"
#include <nlohmann/json.hpp>

namespace ys::notify {
namespace {

// The codes each robot answers when it is sent too much.
const std::set<long long>& ThrottleCodes(ChannelKind kind) {
  static const std::set<long long> wecom = {45009};
  static const std::set<long long> dingtalk = {130101};
  static const std::set<long long> feishu = {11232};
  static const std::set<long long> none;
  switch (kind) {
    case ChannelKind::kWeCom: return wecom;
    case ChannelKind::kDingTalk: return dingtalk;
    case ChannelKind::kFeishu: return feishu;
    default: return none;
  }
}

}  // namespace

std::optional<RobotReply> ReadRobotReply(ChannelKind kind, std::string_view body) {
  if (kind != ChannelKind::kWeCom && kind != ChannelKind::kDingTalk && kind != ChannelKind::kFeishu) {
    return std::nullopt;
  }
  const nlohmann::json reply = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!reply.is_object()) return std::nullopt;
  const char* code_key = kind == ChannelKind::kFeishu ? (reply.contains("code") ? "code" : "StatusCode") : "errcode";
  const char* message_key = kind == ChannelKind::kFeishu ? (reply.contains("msg") ? "msg" : "StatusMessage") : "errmsg";
  auto code = reply.find(code_key);
  if (code == reply.end() || !code->is_number_integer()) return std::nullopt;
  const long long value = code->get<long long>();
  if (value == 0) return std::nullopt;
  std::string message;
  if (auto m = reply.find(message_key); m != reply.end() && m->is_string()) message = m->get<std::string>();
  RobotReply out;
  out.http_status = ThrottleCodes(kind).contains(value) ? 429 : 400;
  out.error = absl::StrCat(code_key, " ", value, message.empty() ? "" : ": ", message);
  return out;
}

}  // namespace ys::notify
