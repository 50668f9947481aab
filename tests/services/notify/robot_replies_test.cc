#include "services/notify/robot_replies.h"

#include <gtest/gtest.h>

namespace ys::notify {
namespace {

TEST(RobotRepliesTest, ARobotsZeroCodeIsADelivery) {
  EXPECT_FALSE(ReadRobotReply(ChannelKind::kWeCom, R"({"errcode":0,"errmsg":"ok"})"));
  EXPECT_FALSE(ReadRobotReply(ChannelKind::kDingTalk, R"({"errcode":0,"errmsg":"ok"})"));
  EXPECT_FALSE(ReadRobotReply(ChannelKind::kFeishu, R"({"code":0,"msg":"success","data":{}})"));
  EXPECT_FALSE(ReadRobotReply(ChannelKind::kFeishu, R"({"StatusCode":0,"StatusMessage":"success"})"));
}

TEST(RobotRepliesTest, TheirRateLimitCodesReadAsThrottled) {
  const auto wecom = ReadRobotReply(ChannelKind::kWeCom, R"({"errcode":45009,"errmsg":"api freq out of limit"})");
  ASSERT_TRUE(wecom);
  EXPECT_EQ(wecom->http_status, 429);
  EXPECT_EQ(wecom->error, "errcode 45009: api freq out of limit");
  EXPECT_EQ(ReadRobotReply(ChannelKind::kDingTalk, R"({"errcode":130101,"errmsg":"send too fast"})")->http_status, 429);
  EXPECT_EQ(ReadRobotReply(ChannelKind::kFeishu, R"({"code":11232,"msg":"frequency limited"})")->http_status, 429);
}

TEST(RobotRepliesTest, OtherCodesAreTheRobotRefusingTheRequest) {
  const auto bad_key = ReadRobotReply(ChannelKind::kWeCom, R"({"errcode":93000,"errmsg":"invalid webhook url"})");
  ASSERT_TRUE(bad_key);
  EXPECT_EQ(bad_key->http_status, 400);
  EXPECT_EQ(ReadRobotReply(ChannelKind::kDingTalk, R"({"errcode":310000,"errmsg":"sign not match"})")->http_status, 400);
  const auto feishu = ReadRobotReply(ChannelKind::kFeishu, R"({"code":19021,"msg":"sign match fail"})");
  ASSERT_TRUE(feishu);
  EXPECT_EQ(feishu->error, "code 19021: sign match fail");
}

TEST(RobotRepliesTest, NotJsonNoCodeOrNotARobotKeepsTheHttpStatus) {
  EXPECT_FALSE(ReadRobotReply(ChannelKind::kWeCom, "ok"));
  EXPECT_FALSE(ReadRobotReply(ChannelKind::kWeCom, R"({"ok":true})"));
  EXPECT_FALSE(ReadRobotReply(ChannelKind::kWeCom, R"({"errcode":"45009"})"));  // not a number
  EXPECT_FALSE(ReadRobotReply(ChannelKind::kWebhook, R"({"errcode":45009})"));
  EXPECT_FALSE(ReadRobotReply(ChannelKind::kEmail, R"({"errcode":45009})"));
}

}  // namespace
}  // namespace ys::notify
