#include "common/input/text_rules.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "common/config/config.h"
#include "common/input/message_rules.h"
#include "common/status/rejection.h"
#include "gtest/gtest.h"
#include "yingshang/ranking/v1/ranking.pb.h"

namespace ys::input {
namespace {

using namespace std::string_literals;  // "a\0b"s keeps the NUL

struct TextCase {
  std::string value;
  TextKind kind;
  const char* reason;  // nullptr: accepted
  const char* message = "";
};

TEST(CheckTextTest, Table) {
  const InputLimits limits{.code_bytes = 8, .name_bytes = 12, .free_text_bytes = 16};
  const std::vector<TextCase> cases = {
      {"I01-01", TextKind::kCode, nullptr},
      {"", TextKind::kCode, nullptr},
      {"上饶市", TextKind::kName, nullptr},                       // 9 bytes
      {"市住房和城乡建设局", TextKind::kName, "too_long", "is 27 bytes, at most 12"},
      {"12345678", TextKind::kCode, nullptr},                     // exactly the cap
      {"123456789", TextKind::kCode, "too_long", "is 9 bytes, at most 8"},
      {"a\0b"s, TextKind::kCode, "bad_text", "holds a control character U+0000 at byte 2"},
      {"\0"s, TextKind::kFreeText, "bad_text", "U+0000 at byte 1"},
      {"a\tb", TextKind::kName, "bad_text", "U+0009 at byte 2"},
      {"a\tb\nc\r\n", TextKind::kFreeText, nullptr},              // free text keeps its layout
      {"a\x1b[2J", TextKind::kFreeText, "bad_text", "U+001B at byte 2"},
      {"a\x7f", TextKind::kName, "bad_text", "U+007F at byte 2"},
      {"a\xc2\x85", TextKind::kFreeText, "bad_text", "U+0085 at byte 2"},  // C1 NEL
      {"\xc3\xa9", TextKind::kCode, nullptr},                     // é
      {"\xf0\x9f\x98\x80", TextKind::kName, nullptr},             // U+1F600
      {"ab\xff", TextKind::kName, "bad_text", "is not valid UTF-8 at byte 3"},
      {"\xc0\xaf", TextKind::kName, "bad_text", "not valid UTF-8 at byte 1"},          // overlong '/'
      {"\xe0\x80\xaf", TextKind::kName, "bad_text", "not valid UTF-8 at byte 1"},      // overlong
      {"\xf0\x80\x80\xaf", TextKind::kName, "bad_text", "not valid UTF-8 at byte 1"},  // overlong
      {"\xed\xa0\x80", TextKind::kName, "bad_text", "not valid UTF-8 at byte 1"},      // U+D800
      {"\xf4\x90\x80\x80", TextKind::kName, "bad_text", "not valid UTF-8 at byte 1"},  // > U+10FFFF
      {"\xf4\x8f\xbf\xbf", TextKind::kName, nullptr},                                  // U+10FFFF
      {"x\xe4\xb8", TextKind::kName, "bad_text", "not valid UTF-8 at byte 2"},         // cut short
      {"\x80", TextKind::kName, "bad_text", "not valid UTF-8 at byte 1"},              // lone continuation
  };
  for (const TextCase& c : cases) {
    const absl::Status s = CheckText("policy_name", c.value, c.kind, limits);
    const std::string label = QuoteInput(c.value);
    if (c.reason == nullptr) {
      EXPECT_TRUE(s.ok()) << label << ": " << s;
      continue;
    }
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << label;
    EXPECT_EQ(RejectionReason(s), c.reason) << label;
    EXPECT_EQ(s.message().rfind("field 'policy_name': ", 0), 0u) << s;
    EXPECT_NE(s.message().find(c.message), std::string::npos) << label << ": " << s;
    EXPECT_TRUE(IsValidUtf8(s.message())) << label;
  }
}

TEST(CheckTextTest, DefaultCapsByKind) {
  const InputLimits limits;
  EXPECT_TRUE(CheckText("f", std::string(64, 'a'), TextKind::kCode, limits).ok());
  EXPECT_FALSE(CheckText("f", std::string(65, 'a'), TextKind::kCode, limits).ok());
  EXPECT_TRUE(CheckText("f", std::string(512, 'a'), TextKind::kName, limits).ok());
  EXPECT_FALSE(CheckText("f", std::string(513, 'a'), TextKind::kName, limits).ok());
  EXPECT_TRUE(CheckText("f", std::string(64 * 1024, 'a'), TextKind::kFreeText, limits).ok());
  EXPECT_EQ(RejectionReason(CheckText("f", std::string(64 * 1024 + 1, 'a'), TextKind::kFreeText, limits)),
            "too_long");
}

TEST(IsValidUtf8Test, Table) {
  for (const auto& [value, valid] : std::vector<std::pair<std::string, bool>>{
           {"", true}, {"abc", true}, {"上饶", true}, {"\0"s, true}, {"\xc2", false},
           {"\xed\x9f\xbf", true}, {"\xed\xa0\x80", false}, {"\xf5\x80\x80\x80", false}}) {
    EXPECT_EQ(IsValidUtf8(value), valid) << QuoteInput(value);
  }
}

TEST(CheckAmountFenTest, Range) {
  struct Case {
    int64_t fen;
    const char* reason;
  };
  for (const Case& c : std::vector<Case>{{0, nullptr},
                                         {1, nullptr},
                                         {kAmountFenCeiling, nullptr},
                                         {kAmountFenCeiling + 1, "amount_out_of_range"},
                                         {std::numeric_limits<int64_t>::max(), "amount_out_of_range"},
                                         {-1, "negative_amount"},
                                         {std::numeric_limits<int64_t>::min(), "negative_amount"}}) {
    const absl::Status s = CheckAmountFen("amount_fen", c.fen);
    if (c.reason == nullptr) {
      EXPECT_TRUE(s.ok()) << c.fen << ": " << s;
    } else {
      EXPECT_EQ(RejectionReason(s), c.reason) << c.fen;
      EXPECT_NE(s.message().find("field 'amount_fen'"), std::string::npos) << s;
    }
  }
  // The bound keeps a million records' sum inside int64.
  EXPECT_LE(kAmountFenCeiling, std::numeric_limits<int64_t>::max() / 1'000'000);
  EXPECT_FALSE(CheckAmountFen("amount_fen", 101, InputLimits{.max_amount_fen = 100}).ok());
}

TEST(CheckTimeTest, Range) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  struct Case {
    absl::Time t;
    bool ok;
  };
  for (const Case& c : std::vector<Case>{
           {absl::UnixEpoch(), true},
           {absl::FromCivil(absl::CivilSecond(2022, 9, 30, 8, 0, 0), utc), true},
           {absl::FromCivil(absl::CivilSecond(2099, 12, 31, 23, 59, 59), utc), true},
           {absl::FromCivil(absl::CivilSecond(2100, 1, 1, 0, 0, 0), utc), false},
           {absl::UnixEpoch() - absl::Nanoseconds(1), false},
           {absl::FromCivil(absl::CivilSecond(1, 1, 1, 0, 0, 0), utc), false},
           {absl::FromCivil(absl::CivilSecond(9999, 12, 31, 0, 0, 0), utc), false},
           {absl::InfinitePast(), false},
           {absl::InfiniteFuture(), false}}) {
    const absl::Status s = CheckTime("status_time", c.t);
    EXPECT_EQ(s.ok(), c.ok) << absl::FormatTime(c.t) << ": " << s;
    if (!c.ok) {
      EXPECT_EQ(RejectionReason(s), "bad_time");
      EXPECT_NE(s.message().find("field 'status_time'"), std::string::npos) << s;
    }
  }
}

TEST(CheckTimestampTest, SecondsAndNanosOfAnyValue) {
  EXPECT_TRUE(CheckTimestamp("t", 1664467200, 0).ok());
  EXPECT_TRUE(CheckTimestamp("t", 1664467200, 999'999'999).ok());
  EXPECT_FALSE(CheckTimestamp("t", 1664467200, -1).ok());
  EXPECT_FALSE(CheckTimestamp("t", 1664467200, 1'000'000'000).ok());
  EXPECT_FALSE(CheckTimestamp("t", -62135596800, 0).ok());  // 0001-01-01
  EXPECT_FALSE(CheckTimestamp("t", 253402300799, 0).ok());  // 9999-12-31T23:59:59
  EXPECT_FALSE(CheckTimestamp("t", std::numeric_limits<int64_t>::max(), 0).ok());
  EXPECT_FALSE(CheckTimestamp("t", std::numeric_limits<int64_t>::min(), 0).ok());
  EXPECT_EQ(RejectionReason(CheckTimestamp("t", -1, 0)), "bad_time");
}

TEST(QuoteInputTest, Table) {
  struct Case {
    std::string value;
    size_t max_bytes;
    std::string want;
  };
  for (const Case& c : std::vector<Case>{
           {"I42", 80, "'I42'"},
           {"", 80, "''"},
           {"上饶市", 80, "'上饶市'"},
           {"it's a\\b", 80, R"('it\'s a\\b')"},
           {"a\0b"s, 80, R"('a\u0000b')"},
           {"a\nb\tc", 80, R"('a\u000ab\u0009c')"},
           {"\x7f\xc2\x85", 80, R"('\u007f\u0085')"},
           {"ab\xff\xfe", 80, R"('ab\xff\xfe')"},
           {"\xc0\xaf", 80, R"('\xc0\xaf')"},
           {"\xed\xa0\x80", 80, R"('\xed\xa0\x80')"},
           {"x\xe2\x80\xaey", 80, R"('x\u202ey')"},  // right-to-left override
           {"a\xe2\x80\xa8" "b", 80, R"('a\u2028b')"},
           {std::string(100, 'a'), 10, "'aaaaaaaaaa'… (100 bytes)"},
           {"上饶市", 4, "'上'… (9 bytes)"},  // not cut inside a character
           {"上饶市", 2, "''… (9 bytes)"},
           {"abc", 3, "'abc'"},
       }) {
    const std::string got = QuoteInput(c.value, c.max_bytes);
    EXPECT_EQ(got, c.want);
    EXPECT_TRUE(IsValidUtf8(got)) << got;
    for (char ch : got) EXPECT_FALSE(static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) << got;
  }
  // Every byte value alone comes out printable and valid.
  for (int b = 0; b < 256; ++b) {
    const std::string got = QuoteInput(std::string(1, static_cast<char>(b)));
    EXPECT_TRUE(IsValidUtf8(got)) << b;
    EXPECT_TRUE(CheckText("q", got, TextKind::kName, InputLimits{}).ok()) << b << ": " << got;
  }
}

TEST(InputLimitsFromConfigTest, DefaultsOverridesAndBadValues) {
  auto no_env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  auto empty = Config::FromString("log: {level: info}", no_env);
  ASSERT_TRUE(empty.ok()) << empty.status();
  auto defaults = InputLimitsFromConfig(*empty);
  ASSERT_TRUE(defaults.ok()) << defaults.status();
  EXPECT_EQ(defaults->code_bytes, 64u);
  EXPECT_EQ(defaults->name_bytes, 512u);
  EXPECT_EQ(defaults->free_text_bytes, 64u * 1024);
  EXPECT_EQ(defaults->event_bytes, 256u * 1024);
  EXPECT_EQ(defaults->max_amount_fen, kAmountFenCeiling);

  auto set = Config::FromString(
      "input: {max_code_bytes: 32, max_name_bytes: 256, max_text_bytes: 4096, max_event_bytes: 65536, "
      "max_amount_fen: 100000}",
      no_env);
  ASSERT_TRUE(set.ok()) << set.status();
  auto limits = InputLimitsFromConfig(*set);
  ASSERT_TRUE(limits.ok()) << limits.status();
  EXPECT_EQ(limits->code_bytes, 32u);
  EXPECT_EQ(limits->name_bytes, 256u);
  EXPECT_EQ(limits->free_text_bytes, 4096u);
  EXPECT_EQ(limits->event_bytes, 65536u);
  EXPECT_EQ(limits->max_amount_fen, 100000);

  for (const auto& [yaml, key] : std::vector<std::pair<std::string, std::string>>{
           {"input: {max_code_bytes: 0}", "input.max_code_bytes"},
           {"input: {max_name_bytes: lots}", "input.max_name_bytes"},
           {"input: {max_text_bytes: -1}", "input.max_text_bytes"},
           {"input: {max_event_bytes: 10}", "input.max_event_bytes"},
           {"input: {max_amount_fen: 1000000000001}", "input.max_amount_fen"}}) {
    auto config = Config::FromString(yaml, no_env);
    ASSERT_TRUE(config.ok()) << config.status();
    auto bad = InputLimitsFromConfig(*config);
    EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument) << yaml;
    EXPECT_NE(bad.status().message().find(key), std::string::npos) << bad.status();
  }
}

TEST(CheckMessageTextTest, NamesTheFieldPathAndTakesKindsFromTheCaller) {
  ::yingshang::ranking::v1::RankingAlert alert;
  alert.set_id("ALERT_RULE_BOTTOM_THREE/EVALUATION_OFFICIAL/I03/SCOPE_CITY/3611/2022-09");
  alert.mutable_fact()->set_indicator_code("I03");
  alert.add_units()->set_unit("市住房和城乡建设局");
  alert.add_units()->set_unit("市自然资源局");
  alert.set_message("第一行\n第二行");
  auto prose = [](const google::protobuf::FieldDescriptor& f) {
    return f.name() == "message" ? TextKind::kFreeText : TextKind::kName;
  };
  EXPECT_TRUE(CheckMessageText(alert, InputLimits{}, prose).ok());
  // Without the caller's kinds every string is a name: the line feed is refused.
  EXPECT_NE(CheckMessageText(alert, InputLimits{}).message().find("field 'message'"), std::string::npos);

  auto bad = alert;
  bad.mutable_units(1)->set_head("陈\0锋"s);
  absl::Status s = CheckMessageText(bad, InputLimits{}, prose);
  EXPECT_EQ(RejectionReason(s), "bad_text");
  EXPECT_NE(s.message().find("field 'units[1].head'"), std::string::npos) << s;

  bad = alert;
  bad.mutable_fact()->set_indicator_code("I03\xff");
  s = CheckMessageText(bad, InputLimits{}, prose);
  EXPECT_NE(s.message().find("field 'fact.indicator_code': is not valid UTF-8"), std::string::npos) << s;

  bad = alert;
  bad.mutable_fact()->set_total_reason(std::string(600, 'x'));
  EXPECT_EQ(RejectionReason(CheckMessageText(bad, InputLimits{}, prose)), "too_long");
}

}  // namespace
}  // namespace ys::input
