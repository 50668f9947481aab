// yingshang.gateway.v1.UserAdmin (`ysctl users …`) behind an in-process gRPC server, on the in-memory
// stores. Keys: "office" (role office), "zhujian" (unit:市住建局, an alias of 市住房和城乡建设局).
#include "services/gateway/user_admin.h"

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "common/grpc/server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_gateway_stores.h"

namespace ys::gateway {
namespace {

using ::testing::HasSubstr;

constexpr PasswordParams kCheap{.memory_kib = 1024, .iterations = 1, .parallelism = 1};

std::string ReadSourceFile(const std::string& relative) {
  std::ifstream in(std::string(YS_SOURCE_DIR) + "/" + relative, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

pb::AddUserRequest NewUser(const std::string& login, const std::string& role,
                           const std::string& password = "Wangwu-2022-pw", const std::string& name = "王五") {
  pb::AddUserRequest req;
  req.set_login(login);
  req.set_display_name(name);
  req.set_role(role);
  req.set_password(password);
  return req;
}

class UserAdminTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto units = UnitDirectory::FromYaml(ReadSourceFile("data/catalog/units.yaml"));
    ASSERT_TRUE(units.ok()) << units.status();
    auth_ = ApiKeyAuthenticator(*units);
    auth_.Add(Sha256Hex("office"), {"office-dev", "office"});
    auth_.Add(Sha256Hex("zhujian"), {"unit-zhujian", "unit:市住建局"});
    policy_.passwords = kCheap;
    service_ = std::make_unique<UserAdminImpl>(users_, sessions_, clock_, auth_, executor_, policy_);
    server_ = std::make_unique<GrpcServer>(GrpcServerOptions{}, metrics_, &auth_);
    server_->AddService(service_.get());
    ASSERT_TRUE(server_->Start().ok());
    stub_ = pb::UserAdmin::NewStub(grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
  }
  void TearDown() override { server_->Shutdown(); }

  std::unique_ptr<grpc::ClientContext> Ctx(const std::string& key = "office") {
    auto ctx = std::make_unique<grpc::ClientContext>();
    if (!key.empty()) ctx->AddMetadata("authorization", "Bearer " + key);
    return ctx;
  }

  grpc::Status Add(const pb::AddUserRequest& req, pb::User* out = nullptr, const std::string& key = "office") {
    pb::User ignored;
    return stub_->AddUser(Ctx(key).get(), req, out != nullptr ? out : &ignored);
  }

  void StartSession(const std::string& login) {
    ASSERT_TRUE(sessions_.Create({login, login, "viewer", clock_.Now(), clock_.Now() + absl::Hours(12)}).ok());
  }

  Metrics metrics_{"gateway_user_admin_test"};
  CallExecutor executor_{CallExecutorOptions{}, metrics_};
  ys::testing::FakeClock clock_{absl::FromUnixSeconds(1665210000)};
  ApiKeyAuthenticator auth_;
  ConsolePolicy policy_;
  ys::testing::FakeUserStore users_;
  ys::testing::FakeSessionStore sessions_;
  std::unique_ptr<UserAdminImpl> service_;
  std::unique_ptr<GrpcServer> server_;
  std::unique_ptr<pb::UserAdmin::Stub> stub_;
};

TEST_F(UserAdminTest, OfficeAddsAUserUnderTheUnitsCanonicalName) {
  pb::User user;
  grpc::Status s = Add(NewUser("wangwu", "unit:市住建局"), &user);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(user.login(), "wangwu");
  EXPECT_EQ(user.display_name(), "王五");
  EXPECT_EQ(user.role(), "unit:市住房和城乡建设局");
  EXPECT_FALSE(user.disabled());
  EXPECT_EQ(user.created_at().seconds(), 1665210000);

  auto stored = users_.Find("wangwu");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->role, "unit:市住房和城乡建设局");
  EXPECT_EQ(stored->created_at, clock_.Now());
  EXPECT_THAT(stored->password_hash, ::testing::StartsWith("$argon2id$v=19$m=1024,t=1,p=1$"));
  EXPECT_TRUE(VerifyPassword("Wangwu-2022-pw", stored->password_hash));
  EXPECT_FALSE(VerifyPassword("Wangwu-2022-pX", stored->password_hash));

  ASSERT_TRUE(Add(NewUser("chen", "county:361130", "Chen-county-pw", "陈")).ok());
  pb::ListUsersResponse list;
  ASSERT_TRUE(stub_->ListUsers(Ctx().get(), {}, &list).ok());
  ASSERT_EQ(list.users_size(), 2);
  EXPECT_EQ(list.users(0).login(), "chen");
  EXPECT_EQ(list.users(1).login(), "wangwu");
  EXPECT_EQ(list.users(1).role(), "unit:市住房和城乡建设局");
}

TEST_F(UserAdminTest, BadFieldsAreNamed) {
  struct Case {
    pb::AddUserRequest req;
    std::string field;
  };
  const Case cases[] = {
      {NewUser("Wang Wu", "viewer"), "field 'login'"},
      {NewUser("w", "viewer"), "field 'login'"},
      {NewUser(std::string(33, 'w'), "viewer"), "field 'login'"},
      {NewUser("王五", "viewer"), "field 'login'"},
      {NewUser("wangwu", "admin"), "field 'role'"},
      {NewUser("wangwu", "gateway"), "field 'role'"},
      {NewUser("wangwu", "platform:市商务局"), "field 'role'"},
      {NewUser("wangwu", "unit:"), "field 'role'"},
      {NewUser("wangwu", "unit:市不存在局"), "field 'role'"},
      {NewUser("wangwu", "viewer", "short"), "field 'password'"},
      {NewUser("wangwu", "viewer", "aaaaaaaaaaaa"), "field 'password'"},
      {NewUser("wangwu1234", "viewer", "WANGWU1234"), "field 'password'"},
      {NewUser("wangwu", "viewer", "Wangwu-2022-pw", ""), "field 'display_name'"},
  };
  for (const Case& c : cases) {
    grpc::Status s = Add(c.req);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.req.ShortDebugString();
    EXPECT_THAT(s.error_message(), HasSubstr(c.field)) << c.req.ShortDebugString();
    // The password is never quoted back.
    EXPECT_THAT(s.error_message(), ::testing::Not(HasSubstr(c.req.password())));
  }
  EXPECT_EQ(users_.size(), 0u);
}

TEST_F(UserAdminTest, DuplicateLoginAlreadyExists) {
  ASSERT_TRUE(Add(NewUser("wangwu", "viewer")).ok());
  grpc::Status again = Add(NewUser("wangwu", "office", "Another-pw-2022", "另一个王五"));
  EXPECT_EQ(again.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(again.error_message(), HasSubstr("wangwu"));
  EXPECT_EQ(users_.Find("wangwu")->role, "viewer");  // the first one stays
}

TEST_F(UserAdminTest, OnlyTheOfficeManagesPeople) {
  ASSERT_TRUE(Add(NewUser("wangwu", "viewer")).ok());
  pb::User user;
  EXPECT_EQ(Add(NewUser("lisi", "viewer"), &user, "zhujian").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Add(NewUser("lisi", "viewer"), &user, "").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  pb::ListUsersResponse list;
  EXPECT_EQ(stub_->ListUsers(Ctx("zhujian").get(), {}, &list).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  pb::DisableUserRequest disable;
  disable.set_login("wangwu");
  EXPECT_EQ(stub_->DisableUser(Ctx("zhujian").get(), disable, &user).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  pb::ResetPasswordRequest reset;
  reset.set_login("wangwu");
  reset.set_password("Brand-new-pw-1");
  EXPECT_EQ(stub_->ResetPassword(Ctx("zhujian").get(), reset, &user).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  pb::ListLoginAuditResponse audit;
  EXPECT_EQ(stub_->ListLoginAudit(Ctx("zhujian").get(), {}, &audit).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(users_.size(), 1u);
  EXPECT_FALSE(users_.Find("wangwu")->disabled);
}

TEST_F(UserAdminTest, DisableEndsThePersonsSessions) {
  ASSERT_TRUE(Add(NewUser("wangwu", "viewer")).ok());
  ASSERT_TRUE(Add(NewUser("lisi", "viewer", "Lisi-password-1", "李四")).ok());
  StartSession("wangwu");
  StartSession("wangwu");
  StartSession("lisi");
  pb::DisableUserRequest req;
  req.set_login("wangwu");
  pb::User user;
  grpc::Status s = stub_->DisableUser(Ctx().get(), req, &user);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(user.disabled());
  EXPECT_TRUE(users_.Find("wangwu")->disabled);
  EXPECT_EQ(sessions_.CountFor("wangwu"), 0);
  EXPECT_EQ(sessions_.CountFor("lisi"), 1);
  EXPECT_FALSE(users_.Find("lisi")->disabled);

  req.set_login("nobody");
  EXPECT_EQ(stub_->DisableUser(Ctx().get(), req, &user).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(UserAdminTest, ResetPasswordClearsTheLockAndEndsSessions) {
  ASSERT_TRUE(Add(NewUser("wangwu", "viewer")).ok());
  UserRecord locked = *users_.Find("wangwu");
  locked.failed_logins = 5;
  locked.locked_until = clock_.Now() + absl::Minutes(15);
  ASSERT_TRUE(users_.Update(locked).ok());
  StartSession("wangwu");

  pb::ResetPasswordRequest req;
  req.set_login("wangwu");
  req.set_password("short");
  pb::User user;
  grpc::Status bad = stub_->ResetPassword(Ctx().get(), req, &user);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(bad.error_message(), HasSubstr("field 'password'"));
  EXPECT_EQ(users_.Find("wangwu")->failed_logins, 5);  // nothing changed
  EXPECT_EQ(sessions_.CountFor("wangwu"), 1);

  req.set_password("Brand-new-pw-1");
  grpc::Status s = stub_->ResetPassword(Ctx().get(), req, &user);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(user.failed_logins(), 0);
  EXPECT_FALSE(user.has_locked_until());
  auto stored = users_.Find("wangwu");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->failed_logins, 0);
  EXPECT_FALSE(stored->locked_until.has_value());
  EXPECT_TRUE(VerifyPassword("Brand-new-pw-1", stored->password_hash));
  EXPECT_FALSE(VerifyPassword("Wangwu-2022-pw", stored->password_hash));
  EXPECT_EQ(sessions_.CountFor("wangwu"), 0);

  req.set_login("nobody");
  EXPECT_EQ(stub_->ResetPassword(Ctx().get(), req, &user).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(UserAdminTest, LoginAuditNewestFirstWithinItsLimit) {
  for (int i = 0; i < 60; ++i) {
    ASSERT_TRUE(users_
                    .AppendAudit({clock_.Now() + absl::Seconds(i), i % 3 == 0 ? "wangwu" : "lisi", "10.0.0.1",
                                  i % 2 == 0 ? "ok" : "wrong_password", "curl/7.88"})
                    .ok());
  }
  pb::ListLoginAuditRequest req;
  pb::ListLoginAuditResponse resp;
  ASSERT_TRUE(stub_->ListLoginAudit(Ctx().get(), req, &resp).ok());
  EXPECT_EQ(resp.entries_size(), 50);  // the default
  EXPECT_EQ(resp.entries(0).at().seconds(), absl::ToUnixSeconds(clock_.Now()) + 59);
  EXPECT_EQ(resp.entries(0).login(), "lisi");  // i = 59
  EXPECT_EQ(resp.entries(0).outcome(), "wrong_password");
  EXPECT_EQ(resp.entries(0).address(), "10.0.0.1");
  EXPECT_EQ(resp.entries(0).user_agent(), "curl/7.88");

  req.set_limit(3);
  resp.Clear();
  ASSERT_TRUE(stub_->ListLoginAudit(Ctx().get(), req, &resp).ok());
  ASSERT_EQ(resp.entries_size(), 3);
  EXPECT_EQ(resp.entries(2).at().seconds(), absl::ToUnixSeconds(clock_.Now()) + 57);

  req.set_limit(500);
  resp.Clear();
  ASSERT_TRUE(stub_->ListLoginAudit(Ctx().get(), req, &resp).ok());
  EXPECT_EQ(resp.entries_size(), 60);

  req.set_login("wangwu");
  resp.Clear();
  ASSERT_TRUE(stub_->ListLoginAudit(Ctx().get(), req, &resp).ok());
  EXPECT_EQ(resp.entries_size(), 20);
  for (const auto& e : resp.entries()) EXPECT_EQ(e.login(), "wangwu");

  for (int bad : {-1, 501}) {
    req.set_limit(bad);
    grpc::Status s = stub_->ListLoginAudit(Ctx().get(), req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad;
    EXPECT_THAT(s.error_message(), HasSubstr("field 'limit'"));
  }
}

}  // namespace
}  // namespace ys::gateway
