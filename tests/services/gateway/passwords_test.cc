#include "services/gateway/passwords.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ys::gateway {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// Cheap enough for tests that only exercise the logic (argon2 needs 8 KiB per lane at least).
constexpr PasswordParams kCheap{.memory_kib = 1024, .iterations = 1, .parallelism = 1};

std::string FixedBytes(size_t n) { return std::string(n, '\x2a'); }

TEST(HashPassword, RoundTrips) {
  auto encoded = HashPassword("correct horse 电池 staple", kCheap, RandomBytes);
  ASSERT_TRUE(encoded.ok()) << encoded.status();
  EXPECT_TRUE(VerifyPassword("correct horse 电池 staple", *encoded));
  EXPECT_FALSE(VerifyPassword("correct horse 电池 stapler", *encoded));
  EXPECT_FALSE(VerifyPassword("", *encoded));
}

TEST(HashPassword, DefaultParamsGiveOwaspPhcString) {
  auto encoded = HashPassword("zhangsan-2022!", PasswordParams{}, FixedBytes);
  ASSERT_TRUE(encoded.ok()) << encoded.status();
  EXPECT_THAT(*encoded, StartsWith("$argon2id$v=19$m=19456,t=2,p=1$"));
  // 16 bytes of 0x2a as unpadded base64, then a 32-byte hash (43 characters).
  const std::vector<std::string> parts = absl::StrSplit(*encoded, '$');
  ASSERT_EQ(parts.size(), 6u);
  EXPECT_EQ(parts[4], "KioqKioqKioqKioqKioqKg");
  EXPECT_EQ(parts[5].size(), 43u);
  EXPECT_FALSE(absl::StrContains(*encoded, std::string(1, '\0')));
  EXPECT_TRUE(VerifyPassword("zhangsan-2022!", *encoded));
}

TEST(HashPassword, SameSaltSameHashOtherSaltOther) {
  auto a = HashPassword("pw-1234567890", kCheap, FixedBytes);
  auto b = HashPassword("pw-1234567890", kCheap, FixedBytes);
  auto c = HashPassword("pw-1234567890", kCheap, RandomBytes);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_NE(*a, *c);
  EXPECT_TRUE(VerifyPassword("pw-1234567890", *c));
}

TEST(HashPassword, RefusesBadParamsAndShortSalt) {
  auto low = HashPassword("x", PasswordParams{.memory_kib = 4, .iterations = 1, .parallelism = 1}, FixedBytes);
  EXPECT_EQ(low.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(low.status().message(), HasSubstr("gateway.passwords.memory_kib"));
  auto lanes = HashPassword("x", PasswordParams{.memory_kib = 1024, .iterations = 1, .parallelism = 0}, FixedBytes);
  EXPECT_THAT(lanes.status().message(), HasSubstr("gateway.passwords.parallelism"));
  auto passes = HashPassword("x", PasswordParams{.memory_kib = 1024, .iterations = 0, .parallelism = 1}, FixedBytes);
  EXPECT_THAT(passes.status().message(), HasSubstr("gateway.passwords.iterations"));
  auto salt = HashPassword("x", kCheap, [](size_t) { return std::string("short"); });
  EXPECT_EQ(salt.status().code(), absl::StatusCode::kInternal);
}

TEST(VerifyPassword, FalseForMalformed) {
  auto good = HashPassword("pw-1234567890", kCheap, FixedBytes);
  ASSERT_TRUE(good.ok());
  std::string other_type = *good;
  other_type.replace(0, 9, "$argon2i");  // "$argon2id" -> "$argon2i"
  std::string cut = good->substr(0, good->size() - 10);
  std::string huge = *good;
  huge.replace(huge.find("m=1024"), 6, "m=99999999");  // beyond the bound: never computed
  for (const std::string& encoded :
       {std::string(""), std::string("pw-1234567890"), std::string("$argon2id$"),
        std::string("$argon2id$v=19$m=1024,t=1,p=1$"), std::string("$argon2id$v=16$m=1024,t=1,p=1$a$b"),
        std::string("$2b$12$abcdefghijklmnopqrstuv"), other_type, cut, huge,
        *good + std::string(1, '\0')}) {
    EXPECT_FALSE(VerifyPassword("pw-1234567890", encoded)) << encoded;
  }
}

TEST(CheckPasswordRules, CountsCodePoints) {
  // 10 Chinese characters are 30 bytes but 10 characters: enough for 10, not for 11.
  EXPECT_TRUE(CheckPasswordRules("上饶市营商环境评价好", "zhangsan", 10).ok());
  const absl::Status s = CheckPasswordRules("上饶市营商环境评价好", "zhangsan", 11);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("field 'password'"));
  EXPECT_THAT(s.message(), HasSubstr("10 characters"));
  EXPECT_THAT(s.message(), HasSubstr("at least 11"));
  EXPECT_FALSE(CheckPasswordRules("short", "zhangsan", 10).ok());
}

TEST(CheckPasswordRules, RefusesOneRepeatedCharacter) {
  const absl::Status s = CheckPasswordRules("aaaaaaaaaaaa", "zhangsan", 10);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("field 'password': is one character repeated"));
  EXPECT_FALSE(CheckPasswordRules("好好好好好好好好好好", "zhangsan", 10).ok());
  EXPECT_TRUE(CheckPasswordRules("aaaaaaaaaab", "zhangsan", 10).ok());
}

TEST(CheckPasswordRules, RefusesTheLogin) {
  const absl::Status s = CheckPasswordRules("zhangsan2022", "zhangsan2022", 10);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("field 'password': may not be the login"));
  EXPECT_FALSE(CheckPasswordRules("ZhangSan2022", "zhangsan2022", 10).ok());
  EXPECT_TRUE(CheckPasswordRules("zhangsan2022!", "zhangsan2022", 10).ok());
}

TEST(CheckPasswordRules, RefusesInvalidUtf8) {
  const absl::Status s = CheckPasswordRules(std::string("abcdefghij\xff"), "zhangsan", 10);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("field 'password'"));
}

TEST(RandomBytes, GivesTheLengthAskedAndDiffers) {
  EXPECT_EQ(RandomBytes(16).size(), 16u);
  EXPECT_EQ(RandomBytes(0).size(), 0u);
  EXPECT_NE(RandomBytes(32), RandomBytes(32));
}

}  // namespace
}  // namespace ys::gateway
