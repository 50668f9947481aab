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
  EXPECT_TRUE(ValidateRole("leader:张三").ok());
  EXPECT_TRUE(ValidateRole("county:361102").ok());
  EXPECT_TRUE(ValidateRole("gateway").ok());
  EXPECT_FALSE(ValidateRole("county:").ok());
  EXPECT_TRUE(ValidatePersonRole("unit:市住建局").ok());
  EXPECT_FALSE(ValidatePersonRole("gateway").ok());
  EXPECT_FALSE(ValidatePersonRole("platform:jxzwfw").ok());
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

// --- unit names (issue #12 point 7) ---------------------------------------------------------------

std::string Catalog(const std::string& file) { return std::string(YS_SOURCE_DIR) + "/data/catalog/" + file; }

absl::StatusOr<ApiKeyAuthenticator> FromYaml(const std::string& yaml) {
  auto config = Config::FromString(yaml, nullptr);
  if (!config.ok()) return config.status();
  return ApiKeyAuthenticator::FromConfig(*config);
}

std::string UnitKeys(const std::string& unit) {
  return "auth:\n  units_file: " + Catalog("units.yaml") + "\n  regions_file: " + Catalog("regions.yaml") +
         "\n  api_keys:\n    unit-zhujian: {role: \"unit:" + unit + "\", sha256: " + Sha256Hex("zjj") + "}\n";
}

TEST(Point12_7, TheUnitDirectoryResolvesTheCatalogsAliasesAndCounties) {
  auto config = Config::FromString("auth:\n  units_file: " + Catalog("units.yaml") + "\n  regions_file: " +
                                       Catalog("regions.yaml") + "\n",
                                   nullptr);
  ASSERT_TRUE(config.ok());
  auto units = UnitDirectory::FromConfig(*config);
  ASSERT_TRUE(units.ok()) << units.status();
  EXPECT_EQ(units->Canonical("市住建局"), "市住房和城乡建设局");
  EXPECT_EQ(units->Canonical("市住房和城乡建设局"), "市住房和城乡建设局");
  EXPECT_EQ(units->Canonical("市发改委"), "市发展和改革委员会");
  EXPECT_EQ(units->Canonical("信州区"), "信州区");                      // a county answers its own cases
  EXPECT_EQ(units->Canonical("上饶经济技术开发区"), "上饶经济技术开发区");  // so does a functional zone
  EXPECT_EQ(units->Canonical("市住建委"), std::nullopt);
  EXPECT_EQ(UnitDirectory().Resolve("任何名称"), "任何名称");  // no directory configured: as given
  EXPECT_EQ(units->Resolve("市住建委"), std::nullopt);
  // An alias of two units is the file's error.
  EXPECT_FALSE(UnitDirectory::FromYaml("units: [{name: A, aliases: [X]}, {name: B, aliases: [X]}]").ok());
  auto missing = Config::FromString("auth: {units_file: /nonexistent/units.yaml}", nullptr);
  EXPECT_NE(UnitDirectory::FromConfig(*missing).status().message().find("auth.units_file"), std::string::npos);
}

TEST(Point12_7, AKeyNamingAUnitByAnAliasIsLoadedUnderTheCanonicalName) {
  // deploy/local/services.sh writes unit:市住建局 for var/keys/unit-zhujian.key.
  auto auth = FromYaml(UnitKeys("市住建局"));
  ASSERT_TRUE(auth.ok()) << auth.status();
  auto p = auth->Authenticate("Bearer zjj");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->Unit(), "市住房和城乡建设局");
  EXPECT_EQ(p->name, "unit-zhujian");
  EXPECT_EQ(auth->units().Canonical("市住建局"), "市住房和城乡建设局");
  // Add (tests, tools) resolves the same way.
  ApiKeyAuthenticator added(*std::move(UnitDirectory::FromYaml("units: [{name: 市住房和城乡建设局, aliases: [市住建局]}]")));
  added.Add(Sha256Hex("k"), {"k", "unit:市住建局"});
  EXPECT_EQ(added.Authenticate("Bearer k")->Unit(), "市住房和城乡建设局");
}

TEST(Point12_7, AKeyNamingAnUnknownUnitStopsStartupNamingTheKeyAndTheUnit) {
  auto unknown = FromYaml(UnitKeys("市住建委"));
  ASSERT_FALSE(unknown.ok());
  const std::string message(unknown.status().message());
  EXPECT_NE(message.find("auth.api_keys.unit-zhujian.role"), std::string::npos) << message;
  EXPECT_NE(message.find("市住建委"), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << "one line";
  // A unit key without a units file cannot be resolved: refused too, naming the missing key.
  auto no_file = FromYaml("auth:\n  api_keys:\n    unit-zhujian: {role: \"unit:市住建局\", sha256: " +
                          Sha256Hex("zjj") + "}\n");
  ASSERT_FALSE(no_file.ok());
  EXPECT_NE(no_file.status().message().find("auth.units_file"), std::string::npos) << no_file.status();
  EXPECT_NE(no_file.status().message().find("市住建局"), std::string::npos) << no_file.status();
  // Keys of other roles need no units file.
  EXPECT_TRUE(FromYaml("auth:\n  api_keys:\n    o: {role: office, sha256: " + Sha256Hex("o") + "}\n").ok());
}

}  // namespace
}  // namespace ys
