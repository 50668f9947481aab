#include "common/grpc/auth.h"

#include "gtest/gtest.h"

namespace ys {
namespace {

TEST(AuthTest, Sha256OfKnownInput) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(AuthTest, RolesAndPatterns) {
  EXPECT_TRUE(ValidateRole("office").ok());
  EXPECT_TRUE(ValidateRole("unit:市住建局").ok());
  EXPECT_TRUE(ValidateRole("platform:jxzwfw").ok());
  EXPECT_FALSE(ValidateRole("unit:").ok());
  EXPECT_FALSE(ValidateRole("admin").ok());
  EXPECT_TRUE(RoleMatches("unit:市住建局", "unit:*"));
  EXPECT_TRUE(RoleMatches("unit:市住建局", "unit:市住建局"));
  EXPECT_FALSE(RoleMatches("unit:市住建局", "unit:市人社局"));
  EXPECT_FALSE(RoleMatches("office", "unit:*"));
  EXPECT_TRUE(RoleMatches("office", "office"));
  Principal p{"k", "unit:市住建局"};
  EXPECT_EQ(p.Unit(), "市住建局");
  EXPECT_FALSE(p.PlatformSource().has_value());
}

TEST(AuthTest, AuthenticatesBearerKeysByHash) {
  auto config = Config::FromString(
      "auth:\n  api_keys:\n    office-dev: {role: office, sha256: " + Sha256Hex("s3cret") + "}\n",
      nullptr);
  ASSERT_TRUE(config.ok());
  auto auth = ApiKeyAuthenticator::FromConfig(*config);
  ASSERT_TRUE(auth.ok()) << auth.status();
  auto p = auth->Authenticate("Bearer s3cret");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->name, "office-dev");
  EXPECT_TRUE(p->IsOffice());
  EXPECT_EQ(auth->Authenticate("Bearer wrong").status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(auth->Authenticate("").status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(auth->Authenticate("s3cret").status().code(), absl::StatusCode::kUnauthenticated);
}

TEST(AuthTest, ConfigErrorsNameTheKey) {
  auto plaintext = Config::FromString(
      "auth:\n  api_keys:\n    k: {role: office, sha256: not-a-hash}\n", nullptr);
  auto a = ApiKeyAuthenticator::FromConfig(*plaintext);
  EXPECT_EQ(a.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(a.status().message().find("auth.api_keys.k.sha256"), std::string::npos);
  auto bad_role = Config::FromString(
      "auth:\n  api_keys:\n    k: {role: boss, sha256: " + Sha256Hex("x") + "}\n", nullptr);
  auto b = ApiKeyAuthenticator::FromConfig(*bad_role);
  EXPECT_NE(b.status().message().find("auth.api_keys.k.role"), std::string::npos);
  auto missing_file = Config::FromString("auth:\n  api_keys_file: /nonexistent.yaml\n", nullptr);
  EXPECT_NE(ApiKeyAuthenticator::FromConfig(*missing_file).status().message().find(
                "auth.api_keys_file"),
            std::string::npos);
}

}  // namespace
}  // namespace ys
