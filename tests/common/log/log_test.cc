#include "common/log/log.h"

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace ys::log {
namespace {

TEST(LogTest, FormatsOneJsonObjectPerLine) {
  const std::string line = FormatLine("2022-09-30T00:00:00.000Z", Level::kWarn, "ranking",
                                      "排名下降 \"quoted\"\nnext", {{"ce_id", "abc"}});
  EXPECT_EQ(line.find('\n'), std::string::npos);
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["level"], "warn");
  EXPECT_EQ(j["service"], "ranking");
  EXPECT_EQ(j["msg"], "排名下降 \"quoted\"\nnext");
  EXPECT_EQ(j["ce_id"], "abc");
}

TEST(LogTest, InvalidUtf8DoesNotThrow) {
  const std::string line = FormatLine("t", Level::kInfo, "s", std::string("bad \xff byte"), {});
  EXPECT_NO_THROW(nlohmann::json::parse(line));
}

TEST(LogTest, ParsesLevels) {
  Level l;
  EXPECT_TRUE(ParseLevel("debug", &l));
  EXPECT_EQ(l, Level::kDebug);
  EXPECT_TRUE(ParseLevel("error", &l));
  EXPECT_EQ(l, Level::kError);
  EXPECT_FALSE(ParseLevel("loud", &l));
}

}  // namespace
}  // namespace ys::log
