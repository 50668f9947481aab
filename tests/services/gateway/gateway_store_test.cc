// The gateway's stores on the local stack: PgGatewayStore in a fresh PostgreSQL schema per test
// (migrated with the gateway's embedded migrations), RedisSessionStore and RedisLoginRateLimiter on
// the local Redis with a clock the test moves (keys unique per run: logins and addresses carry an id).

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/grpc/auth.h"
#include "common/kafka/cloud_event.h"
#include "common/pg/migrations.h"
#include "common/redis/redis.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/gateway/embedded.h"
#include "services/gateway/passwords.h"
#include "services/gateway/pg_store.h"
#include "services/gateway/sessions.h"
#include "tests/fakes/fake_clock.h"
#include "tests/support/outbox_fixture.h"
#include "tests/support/test_env.h"

namespace ys::gateway {
namespace {

using ::testing::ElementsAre;
using namespace std::string_literals;

constexpr int64_t kT0 = 1665210000123456;  // 2022-10-08 14:20:00.123456 +08:00
absl::Time T(int64_t seconds_after) { return absl::FromUnixMicros(kT0) + absl::Seconds(seconds_after); }

UserRecord User(const std::string& login, const std::string& role) {
  UserRecord u;
  u.login = login;
  u.display_name = "张三";
  u.role = role;
  u.password_hash = "$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";
  u.created_at = T(0);
  return u;
}

void ExpectSameUser(const UserRecord& a, const UserRecord& b) {
  EXPECT_EQ(a.login, b.login);
  EXPECT_EQ(a.display_name, b.display_name);
  EXPECT_EQ(a.role, b.role);
  EXPECT_EQ(a.password_hash, b.password_hash);
  EXPECT_EQ(a.disabled, b.disabled);
  EXPECT_EQ(a.failed_logins, b.failed_logins);
  EXPECT_EQ(a.locked_until, b.locked_until);
  EXPECT_EQ(a.created_at, b.created_at);
  EXPECT_EQ(a.last_login_at, b.last_login_at);
}

class PgGatewayStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto migrations = MigrationsFromFiles(EmbeddedMigrations());
    ASSERT_TRUE(migrations.ok()) << migrations.status();
    pool_ = ys::testing::MigratedPool(ys::testing::UniqueName("t_gateway"), *migrations);
    ASSERT_NE(pool_, nullptr);
    store_ = std::make_unique<PgGatewayStore>(*pool_);
  }

  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<PgGatewayStore> store_;
};

TEST_F(PgGatewayStoreTest, UsersInsertFindUpdateList) {
  const UserRecord zhang = User("zhangsan", "unit:市住房和城乡建设局");
  ASSERT_TRUE(store_->Insert(zhang).ok());
  auto found = store_->Find("zhangsan");
  ASSERT_TRUE(found.ok()) << found.status();
  ExpectSameUser(*found, zhang);
  EXPECT_FALSE(found->locked_until.has_value());
  EXPECT_FALSE(found->last_login_at.has_value());

  UserRecord changed = zhang;
  changed.display_name = "张三丰";
  changed.role = "leader:张三丰";
  changed.password_hash = "$argon2id$v=19$m=1024,t=1,p=1$other";
  changed.disabled = true;
  changed.failed_logins = 5;
  changed.locked_until = T(900);
  changed.last_login_at = T(-60);
  changed.created_at = T(12345);  // not rewritten: when the person was added stays
  ASSERT_TRUE(store_->Update(changed).ok());
  found = store_->Find("zhangsan");
  ASSERT_TRUE(found.ok());
  changed.created_at = T(0);
  ExpectSameUser(*found, changed);

  changed.locked_until.reset();  // cleared again (a success, a reset password)
  changed.failed_logins = 0;
  ASSERT_TRUE(store_->Update(changed).ok());
  EXPECT_FALSE(store_->Find("zhangsan")->locked_until.has_value());
  EXPECT_EQ(store_->Find("zhangsan")->failed_logins, 0);

  ASSERT_TRUE(store_->Insert(User("admin", "office")).ok());
  ASSERT_TRUE(store_->Insert(User("li.si", "county:361130")).ok());
  auto list = store_->List();
  ASSERT_TRUE(list.ok());
  std::vector<std::string> logins;
  for (const UserRecord& u : *list) logins.push_back(u.login);
  EXPECT_THAT(logins, ElementsAre("admin", "li.si", "zhangsan"));

  EXPECT_EQ(store_->Find("nobody").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->Update(User("nobody", "viewer")).code(), absl::StatusCode::kNotFound);
}

// A login's write applies only to the record it read (Console::Login): a lock read back from the
// database compares equal to the one written, and any change meanwhile makes the write miss.
TEST_F(PgGatewayStoreTest, UpdateIfAppliesOnlyToTheRecordAsRead) {
  UserRecord read = User("lisi", "viewer");
  read.failed_logins = 4;
  read.locked_until = T(300);
  ASSERT_TRUE(store_->Insert(read).ok());
  read = *store_->Find("lisi");
  UserRecord next = read;
  next.failed_logins = 5;
  next.locked_until = T(900);
  auto applied = store_->UpdateIf(read, next);
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_TRUE(*applied);
  EXPECT_EQ(store_->Find("lisi")->failed_logins, 5);

  // `read` is stale now: a second write from it misses and changes nothing.
  UserRecord stale = read;
  stale.failed_logins = 0;
  stale.locked_until.reset();
  EXPECT_FALSE(*store_->UpdateIf(read, stale));
  EXPECT_EQ(store_->Find("lisi")->failed_logins, 5);

  // The office disabled the account meanwhile: the login's write misses.
  UserRecord current = *store_->Find("lisi");
  UserRecord disabled = current;
  disabled.disabled = true;
  ASSERT_TRUE(store_->Update(disabled).ok());
  UserRecord login = current;
  login.failed_logins = 0;
  EXPECT_FALSE(*store_->UpdateIf(current, login));
  EXPECT_TRUE(store_->Find("lisi")->disabled);
  EXPECT_EQ(store_->UpdateIf(User("nobody", "viewer"), User("nobody", "viewer")).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(PgGatewayStoreTest, DuplicateLoginAlreadyExists) {
  ASSERT_TRUE(store_->Insert(User("zhangsan", "viewer")).ok());
  absl::Status again = store_->Insert(User("zhangsan", "office"));
  EXPECT_EQ(again.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(again.message()), ::testing::HasSubstr("zhangsan"));
  EXPECT_EQ(store_->Find("zhangsan")->role, "viewer");
}

TEST_F(PgGatewayStoreTest, AuditNewestFirstWithLimitAndLogin) {
  const std::vector<std::pair<std::string, std::string>> lines = {
      {"zhangsan", "wrong_password"}, {"lisi", "ok"}, {"zhangsan", "locked"}, {"nobody", "unknown_login"},
      {"zhangsan", "logout"}};
  for (size_t i = 0; i < lines.size(); ++i) {
    ASSERT_TRUE(store_
                    ->AppendAudit({T(static_cast<int64_t>(i)), lines[i].first, "203.0.113.7",
                                   lines[i].second, "Mozilla/5.0 中文"})
                    .ok());
  }
  auto all = store_->ListAudit("", 3);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].outcome, "logout");
  EXPECT_EQ((*all)[0].at, T(4));
  EXPECT_EQ((*all)[0].address, "203.0.113.7");
  EXPECT_EQ((*all)[0].user_agent, "Mozilla/5.0 中文");
  EXPECT_EQ((*all)[1].outcome, "unknown_login");
  EXPECT_EQ((*all)[2].outcome, "locked");

  auto zhang = store_->ListAudit("zhangsan", 10);
  ASSERT_TRUE(zhang.ok());
  std::vector<std::string> outcomes;
  for (const auto& e : *zhang) outcomes.push_back(e.outcome);
  EXPECT_THAT(outcomes, ElementsAre("logout", "locked", "wrong_password"));
  EXPECT_EQ(store_->ListAudit("", 100)->size(), 5u);
  EXPECT_TRUE(store_->ListAudit("wangwu", 10)->empty());
}

TEST_F(PgGatewayStoreTest, AttachmentsByContentFirstNameStays) {
  // A NUL, bytes that are not UTF-8, and a backslash: bytea must carry them untouched.
  const std::string content = "%PDF-1.7\n\0\xff\xfe\x80\\x00 end"s;
  AttachmentRecord a;
  a.sha256 = Sha256Hex(content);
  a.filename = "整改报告.pdf";
  a.content_type = "application/pdf";
  a.size = static_cast<int64_t>(content.size());
  a.content = content;
  a.uploaded_at = T(0);
  a.uploaded_by = "zhangsan";
  a.uploader_role = "unit:市商务局";
  auto put = store_->Put(a);
  ASSERT_TRUE(put.ok()) << put.status();
  EXPECT_EQ(put->sha256, a.sha256);
  EXPECT_EQ(put->filename, "整改报告.pdf");
  EXPECT_EQ(put->content, "");  // answered without content
  EXPECT_EQ(put->uploaded_at, T(0));

  AttachmentRecord again = a;
  again.filename = "副本.pdf";
  again.uploaded_at = T(60);
  again.uploaded_by = "office";
  again.uploader_role = "office";
  auto second = store_->Put(again);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->filename, "整改报告.pdf");
  EXPECT_EQ(second->uploaded_by, "zhangsan");
  EXPECT_EQ(second->uploader_role, "unit:市商务局");
  EXPECT_EQ(second->uploaded_at, T(0));

  auto got = store_->Get(a.sha256);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->content.size(), content.size());
  EXPECT_EQ(got->content, content);
  EXPECT_EQ(got->size, a.size);
  EXPECT_EQ(got->content_type, "application/pdf");
  EXPECT_EQ(got->filename, "整改报告.pdf");
  EXPECT_EQ(got->uploader_role, "unit:市商务局");

  EXPECT_EQ(store_->Get(std::string(64, 'a')).status().code(), absl::StatusCode::kNotFound);
}

// --- Redis -----------------------------------------------------------------------------------

class RedisGatewayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    redis_ = std::make_unique<RedisClient>(RedisOptions{.host = ys::testing::RedisHost(), .port = ys::testing::RedisPort()});
    ASSERT_TRUE(redis_->Ping().ok()) << "the local Redis (make stack-up)";
    sessions_ = std::make_unique<RedisSessionStore>(*redis_, clock_, policy_, RandomBytes);
  }

  Session NewSession(const std::string& login) {
    return Session{login, "张三", "unit:市商务局", clock_.Now(), clock_.Now() + policy_.absolute};
  }
  std::optional<Session> Find(const std::string& token) {
    auto s = sessions_->Find(token);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? *s : std::nullopt;
  }
  // The key's remaining time to live in Redis (-2 when gone).
  int64_t PttlOf(const std::string& token) {
    auto r = redis_->Command({"PTTL", "ys:v1:gw:session:" + Sha256Hex(token)});
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->integer : -100;
  }

  const std::string id_ = NewEventId().substr(0, 8);
  ys::testing::FakeClock clock_{absl::FromUnixMicros(kT0)};
  SessionPolicy policy_{.idle = absl::Hours(1), .absolute = absl::Hours(12)};
  std::unique_ptr<RedisClient> redis_;
  std::unique_ptr<RedisSessionStore> sessions_;
};

TEST_F(RedisGatewayTest, SessionCreateFindExtendRevoke) {
  const std::string login = "zhangsan-" + id_;
  auto token = sessions_->Create(NewSession(login));
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(token->size(), 64u);  // 32 random bytes, hex
  auto s = Find(*token);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->login, login);
  EXPECT_EQ(s->display_name, "张三");
  EXPECT_EQ(s->role, "unit:市商务局");
  EXPECT_EQ(s->created_at, clock_.Now());
  EXPECT_EQ(s->expires_at, clock_.Now() + absl::Hours(12));
  // Idle expiry, not the absolute one: an hour.
  EXPECT_GT(PttlOf(*token), absl::ToInt64Milliseconds(absl::Minutes(59)));
  EXPECT_LE(PttlOf(*token), absl::ToInt64Milliseconds(absl::Hours(1)));

  // A call extends the idle expiry again.
  ASSERT_TRUE(redis_->Command({"PEXPIRE", "ys:v1:gw:session:" + Sha256Hex(*token), "5000"}).ok());
  ASSERT_TRUE(Find(*token).has_value());
  EXPECT_GT(PttlOf(*token), absl::ToInt64Milliseconds(absl::Minutes(59)));

  // Close to the absolute end the idle extension is cut to what is left.
  clock_.Advance(absl::Hours(11) + absl::Minutes(30));
  ASSERT_TRUE(Find(*token).has_value());
  EXPECT_LE(PttlOf(*token), absl::ToInt64Milliseconds(absl::Minutes(30)));
  EXPECT_GT(PttlOf(*token), absl::ToInt64Milliseconds(absl::Minutes(29)));

  ASSERT_TRUE(sessions_->Revoke(*token).ok());
  EXPECT_FALSE(Find(*token).has_value());
  EXPECT_TRUE(sessions_->Revoke("").ok());
  EXPECT_FALSE(Find("").has_value());
  EXPECT_FALSE(Find("no-such-token").has_value());
}

TEST_F(RedisGatewayTest, PastTheAbsoluteEndTheSessionIsGone) {
  auto token = sessions_->Create(NewSession("lisi-" + id_));
  ASSERT_TRUE(token.ok()) << token.status();
  clock_.Advance(absl::Hours(12));
  EXPECT_FALSE(Find(*token).has_value());
  EXPECT_EQ(PttlOf(*token), -2);  // and deleted
  // A session that would already be over is not started.
  Session over = NewSession("lisi-" + id_);
  over.expires_at = clock_.Now() - absl::Seconds(1);
  EXPECT_EQ(sessions_->Create(over).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(RedisGatewayTest, RevokeAllEndsEveryBrowserOfThePerson) {
  const std::string wang = "wangwu-" + id_;
  const std::string li = "lisi-" + id_;
  auto a = sessions_->Create(NewSession(wang));
  auto b = sessions_->Create(NewSession(wang));
  auto c = sessions_->Create(NewSession(li));
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_NE(*a, *b);
  ASSERT_TRUE(sessions_->RevokeAll(wang).ok());
  EXPECT_FALSE(Find(*a).has_value());
  EXPECT_FALSE(Find(*b).has_value());
  EXPECT_TRUE(Find(*c).has_value());
  EXPECT_TRUE(sessions_->RevokeAll(wang).ok());  // nothing left: still fine
  ASSERT_TRUE(sessions_->RevokeAll(li).ok());
  EXPECT_FALSE(Find(*c).has_value());
}

TEST_F(RedisGatewayTest, RateLimitPerAddressAndMinute) {
  clock_.Set(absl::FromUnixSeconds(1665210000));  // a minute's start (1665210000 = 27753500 * 60)
  RedisLoginRateLimiter limiter(*redis_, clock_, 3);
  const std::string address = "198.51.100." + id_;
  const std::string other = "198.51.100.other-" + id_;
  for (int i = 0; i < 3; ++i) {
    auto ok = limiter.Allow(address);
    ASSERT_TRUE(ok.ok()) << ok.status();
    EXPECT_TRUE(*ok) << i;
  }
  clock_.Advance(absl::Seconds(59));  // the same minute
  EXPECT_FALSE(*limiter.Allow(address));
  EXPECT_FALSE(*limiter.Allow(address));
  EXPECT_TRUE(*limiter.Allow(other));  // another address has its own count
  clock_.Advance(absl::Seconds(1));    // the next minute
  EXPECT_TRUE(*limiter.Allow(address));
}

}  // namespace
}  // namespace ys::gateway
