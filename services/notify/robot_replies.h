#pragma once

// What a group robot's answer says beyond its HTTP status. The robots answer HTTP 200 for their own
// errors and put the error in the JSON body (their documentation):
//   WeCom (企业微信)   {"errcode":0,"errmsg":"ok"}; 45009 "api freq out of limit" (over 20 a minute)
//   DingTalk (钉钉)    {"errcode":0,"errmsg":"ok"}; 130101 "send too fast" (over 20 a minute);
//                      310000 a bad signature, keyword or IP: configuration
//   Feishu (飞书)      {"code":0,"msg":"success"} (older bots: "StatusCode":0); 11232 frequency
//                      limited; 19021 a bad signature: configuration
// A 200 with a non-zero code is not a delivery: the rate-limit codes read as HTTP 429 (retry.h:
// throttled, retried later), every other code as HTTP 400 (permanent: the robot refuses the
// request; the next channel takes over). The generic webhook and a body that is not JSON or has no
// code keep the HTTP status (a sink is not required to answer JSON).

#include <optional>
#include <string>
#include <string_view>

#include "services/notify/recipients.h"

namespace ys::notify {

struct RobotReply {
  int http_status = 0;  // 429 or 400, as retry.h classifies
  std::string error;    // "errcode 45009: api freq out of limit"
};

// nullopt when the body says nothing against a delivery (code 0, no code, not JSON, not a robot).
std::optional<RobotReply> ReadRobotReply(ChannelKind kind, std::string_view body);

}  // namespace ys::notify
