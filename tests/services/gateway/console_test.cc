// The console's own calls (Console: login, logout, who-am-I, attachments) on the in-memory stores and
// a clock the test moves.
#include "services/gateway/console.h"

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "common/grpc/auth.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_gateway_stores.h"

namespace ys::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Cheap hashes: the cost is not what these tests are about (passwords_test.cc checks it).
constexpr PasswordParams kCheap{.memory_kib = 1024, .iterations = 1, .parallelism = 1};
constexpr char kPassword[] = "Zhangsan-2022!";

// 2022-10-08 14:20 in Asia/Shanghai.
absl::Time Start() { return absl::FromCivil(absl::CivilMinute(2022, 10, 8, 14, 20), Shanghai()); }

constexpr char kAllowList[] = R"yaml(
methods:
  yingshang.ranking.v1.RankingQuery/GetScorecard: [office, viewer, "unit:*", "county:*", "leader:*"]
  yingshang.rectification.v1.RectificationService/ListCases: [office, "unit:*"]
  yingshang.duty.v1.DutyQuery/GetRoster: [public]
)yaml";

MethodAllowList ParseAllowList() {
  auto list = MethodAllowList::Parse(kAllowList, [](const std::string&) { return true; });
  EXPECT_TRUE(list.ok()) << list.status();
  return *list;
}

// A PDF's first bytes, then something that varies the hash.
std::string Pdf(const std::string& body) { return "%PDF-1.7\n" + body + "\n%%EOF\n"; }
std::string Png() { return std::string("\x89PNG\r\n\x1a\n", 8) + "IHDR rest of the image"; }

class ConsoleTest : public ::testing::Test {
 protected:
  ConsoleTest() {
    policy_.passwords = kCheap;
    console_ = std::make_unique<Console>(users_, sessions_, rate_, files_, allowlist_, clock_, policy_, metrics_);
  }

  void SetUp() override { AddUser("zhangsan", "张三", "unit:市商务局", kPassword); }

  void AddUser(const std::string& login, const std::string& name, const std::string& role,
               const std::string& password, bool disabled = false) {
    auto hash = HashPassword(password, kCheap, RandomBytes);
    ASSERT_TRUE(hash.ok()) << hash.status();
    UserRecord u;
    u.login = login;
    u.display_name = name;
    u.role = role;
    u.password_hash = *hash;
    u.disabled = disabled;
    u.created_at = Start() - absl::Hours(24);
    ASSERT_TRUE(users_.Insert(u).ok());
  }

  absl::StatusOr<LoginResult> Login(const std::string& login, const std::string& password) {
    pb::LoginRequest req;
    req.set_login(login);
    req.set_password(password);
    return console_->Login(req, client_);
  }

  UserRecord Stored(const std::string& login) {
    auto u = users_.Find(login);
    EXPECT_TRUE(u.ok()) << u.status();
    return u.ok() ? *u : UserRecord{};
  }

  Session SessionOf(const std::string& login, const std::string& role) {
    return Session{login, login, role, clock_.Now(), clock_.Now() + absl::Hours(12)};
  }

  absl::StatusOr<pb::Attachment> Upload(const Session& s, const std::string& filename,
                                        const std::string& content) {
    pb::UploadAttachmentRequest req;
    req.set_filename(filename);
    req.set_content(content);
    return console_->Upload(s, req);
  }

  std::string Metric(const std::string& outcome) {
    const std::string text = metrics_.Serialize();
    const std::string series = "ys_gateway_logins_total{outcome=\"" + outcome + "\"} ";
    const size_t at = text.find(series);
    if (at == std::string::npos) return "absent";
    return text.substr(at + series.size(), text.find('\n', at) - at - series.size());
  }

  ys::testing::FakeClock clock_{Start()};
  ys::testing::FakeUserStore users_;
  ys::testing::FakeSessionStore sessions_;
  ys::testing::FakeLoginRateLimiter rate_;
  ys::testing::FakeAttachmentStore files_;
  MethodAllowList allowlist_ = ParseAllowList();
  Metrics metrics_{"gateway_console_test"};
  ConsolePolicy policy_;
  ClientInfo client_{"203.0.113.7", "Mozilla/5.0 (X11; Linux) Chromium"};
  std::unique_ptr<Console> console_;
};

TEST_F(ConsoleTest, LoginCreatesASessionAndAuditsOk) {
  auto r = Login("zhangsan", kPassword);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->token, "t1");
  EXPECT_EQ(r->response.user().login(), "zhangsan");
  EXPECT_EQ(r->response.user().display_name(), "张三");
  EXPECT_EQ(r->response.user().role(), "unit:市商务局");
  EXPECT_EQ(r->response.user().failed_logins(), 0);
  EXPECT_FALSE(r->response.user().has_locked_until());

  auto s = sessions_.Find("t1");
  ASSERT_TRUE(s.ok() && s->has_value());
  EXPECT_EQ((*s)->login, "zhangsan");
  EXPECT_EQ((*s)->display_name, "张三");
  EXPECT_EQ((*s)->role, "unit:市商务局");
  EXPECT_EQ((*s)->created_at, Start());
  EXPECT_EQ((*s)->expires_at, Start() + policy_.sessions.absolute);
  EXPECT_EQ(Stored("zhangsan").last_login_at, Start());

  const auto audit = users_.audit();
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].at, Start());
  EXPECT_EQ(audit[0].login, "zhangsan");
  EXPECT_EQ(audit[0].address, "203.0.113.7");
  EXPECT_EQ(audit[0].outcome, "ok");
  EXPECT_EQ(audit[0].user_agent, "Mozilla/5.0 (X11; Linux) Chromium");
  EXPECT_THAT(rate_.asked(), ElementsAre("203.0.113.7"));
}

// Issue #15: "five wrong passwords lock the account" (lockout policy: login_policy.h).
TEST_F(ConsoleTest, FiveWrongPasswordsLockUntilLockForPasses) {
  for (int i = 1; i <= 5; ++i) {
    auto r = Login("zhangsan", "wrong-password-" + std::to_string(i));
    ASSERT_FALSE(r.ok());
    // The attempt itself answers like any wrong password: the lock shows on the next one.
    EXPECT_EQ(r.status().code(), absl::StatusCode::kUnauthenticated) << i;
    EXPECT_EQ(Stored("zhangsan").failed_logins, i);
    EXPECT_EQ(Stored("zhangsan").locked_until.has_value(), i == 5) << i;
  }
  EXPECT_EQ(Stored("zhangsan").locked_until, Start() + absl::Minutes(15));

  clock_.Advance(absl::Minutes(1));
  auto wrong = Login("zhangsan", "wrong-password-6");
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(wrong.status().message(), HasSubstr("locked until 14:35"));

  // The right password while locked: refused the same way, without checking or counting it.
  auto right = Login("zhangsan", kPassword);
  EXPECT_EQ(right.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(right.status().message(), HasSubstr("locked"));
  EXPECT_EQ(sessions_.size(), 0u);
  EXPECT_EQ(Stored("zhangsan").failed_logins, 5);
  EXPECT_THAT(users_.outcomes(), ElementsAre("wrong_password", "wrong_password", "wrong_password",
                                             "wrong_password", "wrong_password", "locked", "locked"));

  clock_.Set(Start() + absl::Minutes(15));  // lock_for has passed
  auto after = Login("zhangsan", kPassword);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->response.user().failed_logins(), 0);
  EXPECT_FALSE(after->response.user().has_locked_until());
  EXPECT_EQ(Stored("zhangsan").failed_logins, 0);
  EXPECT_FALSE(Stored("zhangsan").locked_until.has_value());
  EXPECT_EQ(users_.outcomes().back(), "ok");
}

TEST_F(ConsoleTest, SuccessClearsEarlierFailures) {
  ASSERT_FALSE(Login("zhangsan", "wrong-password").ok());
  ASSERT_FALSE(Login("zhangsan", "wrong-password").ok());
  EXPECT_EQ(Stored("zhangsan").failed_logins, 2);
  ASSERT_TRUE(Login("zhangsan", kPassword).ok());
  EXPECT_EQ(Stored("zhangsan").failed_logins, 0);
  // Four more wrong ones do not lock: the count started again.
  for (int i = 0; i < 4; ++i) ASSERT_FALSE(Login("zhangsan", "wrong-password").ok());
  EXPECT_FALSE(Stored("zhangsan").locked_until.has_value());
}

TEST_F(ConsoleTest, UnknownLoginAndWrongPasswordAnswerAlike) {
  auto unknown = Login("nobody", kPassword);
  auto wrong = Login("zhangsan", "not-the-password");
  ASSERT_FALSE(unknown.ok());
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(unknown.status(), wrong.status());
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(users_.outcomes(), ElementsAre("unknown_login", "wrong_password"));
  EXPECT_EQ(users_.audit()[0].login, "nobody");  // what was typed, for the office to see
  EXPECT_EQ(sessions_.size(), 0u);
}

TEST_F(ConsoleTest, DisabledUserRefused) {
  AddUser("lisi", "李四", "viewer", "Lisi-password-1", /*disabled=*/true);
  auto r = Login("lisi", "Lisi-password-1");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(r.status().message(), HasSubstr("disabled"));
  EXPECT_EQ(sessions_.size(), 0u);
  EXPECT_THAT(users_.outcomes(), ElementsAre("disabled"));
}

TEST_F(ConsoleTest, RateLimitedBeforeAnythingElse) {
  rate_.set_allow(false);
  auto r = Login("zhangsan", "wrong-password");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
  auto right = Login("zhangsan", kPassword);
  EXPECT_EQ(right.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(Stored("zhangsan").failed_logins, 0);  // not counted against the account
  EXPECT_EQ(sessions_.size(), 0u);
  EXPECT_THAT(users_.outcomes(), ElementsAre("rate_limited", "rate_limited"));
  rate_.set_allow(true);
  EXPECT_TRUE(Login("zhangsan", kPassword).ok());
}

TEST_F(ConsoleTest, LoginsCountedByOutcome) {
  ASSERT_TRUE(Login("zhangsan", kPassword).ok());
  ASSERT_FALSE(Login("zhangsan", "wrong-password").ok());
  ASSERT_FALSE(Login("zhangsan", "wrong-password").ok());
  ASSERT_FALSE(Login("nobody", "wrong-password").ok());
  rate_.set_allow(false);
  ASSERT_FALSE(Login("zhangsan", kPassword).ok());
  EXPECT_EQ(Metric("ok"), "1");
  EXPECT_EQ(Metric("wrong_password"), "2");
  EXPECT_EQ(Metric("unknown_login"), "1");
  EXPECT_EQ(Metric("rate_limited"), "1");
  EXPECT_EQ(Metric("locked"), "absent");
}

TEST_F(ConsoleTest, LogoutRevokesTheSession) {
  auto first = Login("zhangsan", kPassword);
  auto second = Login("zhangsan", kPassword);  // another browser
  ASSERT_TRUE(first.ok() && second.ok());
  auto session = sessions_.Find(first->token);
  ASSERT_TRUE(session.ok() && session->has_value());
  ASSERT_TRUE(console_->Logout(first->token, *session, client_).ok());
  EXPECT_FALSE(sessions_.Find(first->token)->has_value());
  EXPECT_TRUE(sessions_.Find(second->token)->has_value());  // only this browser's
  EXPECT_EQ(users_.outcomes().back(), "logout");
  EXPECT_EQ(users_.audit().back().login, "zhangsan");

  // A cookie without a live session: nothing to audit, still fine.
  const size_t lines = users_.audit().size();
  EXPECT_TRUE(console_->Logout("stale", std::nullopt, client_).ok());
  EXPECT_EQ(users_.audit().size(), lines);
}

TEST_F(ConsoleTest, WhoAmISaysTheRolesPartsAndMethods) {
  auto unit = console_->WhoAmI(SessionOf("zhangsan", "unit:市商务局"));
  ASSERT_TRUE(unit.ok());
  EXPECT_EQ(unit->user().login(), "zhangsan");
  EXPECT_EQ(unit->user().role(), "unit:市商务局");
  EXPECT_EQ(unit->unit(), "市商务局");
  EXPECT_EQ(unit->county_code(), "");
  EXPECT_EQ(unit->leader(), "");
  EXPECT_THAT(unit->allowed_methods(),
              ElementsAre("yingshang.duty.v1.DutyQuery/GetRoster", "yingshang.ranking.v1.RankingQuery/GetScorecard",
                          "yingshang.rectification.v1.RectificationService/ListCases"));

  auto county = console_->WhoAmI(SessionOf("wuyuan", "county:361130"));
  ASSERT_TRUE(county.ok());
  EXPECT_EQ(county->county_code(), "361130");
  EXPECT_EQ(county->unit(), "");
  EXPECT_THAT(county->allowed_methods(),
              ElementsAre("yingshang.duty.v1.DutyQuery/GetRoster", "yingshang.ranking.v1.RankingQuery/GetScorecard"));

  auto leader = console_->WhoAmI(SessionOf("lingban", "leader:王五"));
  ASSERT_TRUE(leader.ok());
  EXPECT_EQ(leader->leader(), "王五");
  EXPECT_EQ(leader->unit(), "");

  auto centre = console_->WhoAmI(SessionOf("centre", "centre"));
  ASSERT_TRUE(centre.ok());
  EXPECT_THAT(centre->allowed_methods(), ElementsAre("yingshang.duty.v1.DutyQuery/GetRoster"));
  EXPECT_EQ(centre->unit() + centre->county_code() + centre->leader(), "");
}

TEST_F(ConsoleTest, UnitUploadsAPdfAndGetsItsReference) {
  const std::string content = Pdf("整改报告 第一版");
  auto a = Upload(SessionOf("zhangsan", "unit:市商务局"), "整改报告.pdf", content);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->sha256(), Sha256Hex(content));
  EXPECT_EQ(a->reference(), "attachment:" + Sha256Hex(content) + ":整改报告.pdf");
  EXPECT_EQ(a->filename(), "整改报告.pdf");
  EXPECT_EQ(a->content_type(), "application/pdf");
  EXPECT_EQ(a->size(), static_cast<int64_t>(content.size()));
  EXPECT_EQ(a->uploaded_by(), "zhangsan");
  auto stored = files_.Get(a->sha256());
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->content, content);
  EXPECT_EQ(stored->uploader_role, "unit:市商务局");

  // The same content again, under another name and by the office: one file, this caller's name.
  auto again = Upload(SessionOf("office", "office"), "C:\\报告\\副本.pdf", content);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(files_.size(), 1u);
  EXPECT_EQ(again->sha256(), a->sha256());
  EXPECT_EQ(again->reference(), "attachment:" + Sha256Hex(content) + ":副本.pdf");
  EXPECT_EQ(again->uploaded_by(), "zhangsan");  // the first upload's
}

// Who reports on cases attaches files: units, counties (their county's cases) and the office.
TEST_F(ConsoleTest, OnlyUnitsCountiesAndTheOfficeUpload) {
  for (const char* role : {"viewer", "centre", "leader:王五"}) {
    auto r = Upload(SessionOf("someone", role), "a.pdf", Pdf("x"));
    EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied) << role;
  }
  EXPECT_EQ(files_.puts(), 0);
  EXPECT_TRUE(Upload(SessionOf("office", "office"), "a.pdf", Pdf("x")).ok());
  EXPECT_TRUE(Upload(SessionOf("county", "county:361130"), "b.pdf", Pdf("y")).ok());
}

TEST_F(ConsoleTest, ContentMustBeWhatItsNameSays) {
  auto png_as_pdf = Upload(SessionOf("zhangsan", "unit:市商务局"), "report.pdf", Png());
  EXPECT_EQ(png_as_pdf.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(png_as_pdf.status().message(), HasSubstr("content"));
  auto exe = Upload(SessionOf("zhangsan", "unit:市商务局"), "setup.exe", "MZ\x90");
  EXPECT_EQ(exe.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(files_.puts(), 0);
  auto png = Upload(SessionOf("zhangsan", "unit:市商务局"), "现场.PNG", Png());
  ASSERT_TRUE(png.ok()) << png.status();
  EXPECT_EQ(png->content_type(), "image/png");
}

TEST_F(ConsoleTest, DownloadFollowsTheUploadersRole) {
  const std::string content = Pdf("市商务局 整改报告");
  auto a = Upload(SessionOf("zhangsan", "unit:市商务局"), "整改报告.pdf", content);
  ASSERT_TRUE(a.ok()) << a.status();
  const std::string sha = a->sha256();

  // The unit (any of its people), the office, and the roles that read everything.
  for (const char* role : {"unit:市商务局", "office", "viewer", "leader:王五", "county:361130"}) {
    auto file = console_->Download(SessionOf("reader", role), sha);
    ASSERT_TRUE(file.ok()) << role << ": " << file.status();
    EXPECT_EQ(file->content, content) << role;
    EXPECT_EQ(file->filename, "整改报告.pdf");
    EXPECT_EQ(file->content_type, "application/pdf");
  }
  // Another unit, and the centre.
  for (const char* role : {"unit:市住房和城乡建设局", "centre"}) {
    auto file = console_->Download(SessionOf("other", role), sha);
    EXPECT_EQ(file.status().code(), absl::StatusCode::kPermissionDenied) << role;
  }

  const Session unit = SessionOf("zhangsan", "unit:市商务局");
  for (const std::string& bad : {std::string("abc"), std::string(64, 'A'), std::string(63, 'a'),
                                 std::string(65, 'a'), std::string(63, 'a') + "g", std::string("../") + sha}) {
    EXPECT_EQ(console_->Download(unit, bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(console_->Download(unit, std::string(64, 'a')).status().code(), absl::StatusCode::kNotFound);
}

// A store that lets the office act between a login's read and its write (what a concurrent
// `ysctl users disable` or `reset-password` does while argon2 checks the password).
class InterleavingUserStore final : public UserStore {
 public:
  explicit InterleavingUserStore(UserStore& inner) : inner_(inner) {}
  std::function<void()> before_next_update;

  absl::StatusOr<UserRecord> Find(const std::string& login) override { return inner_.Find(login); }
  absl::Status Insert(const UserRecord& user) override { return inner_.Insert(user); }
  absl::Status Update(const UserRecord& user) override {
    if (auto f = std::exchange(before_next_update, nullptr)) f();
    return inner_.Update(user);
  }
  absl::StatusOr<bool> UpdateIf(const UserRecord& expected, const UserRecord& next) override {
    if (auto f = std::exchange(before_next_update, nullptr)) f();
    return inner_.UpdateIf(expected, next);
  }
  absl::StatusOr<std::vector<UserRecord>> List() override { return inner_.List(); }
  absl::Status AppendAudit(const LoginAuditRecord& e) override { return inner_.AppendAudit(e); }
  absl::StatusOr<std::vector<LoginAuditRecord>> ListAudit(const std::string& l, int n) override {
    return inner_.ListAudit(l, n);
  }

 private:
  UserStore& inner_;
};

// A login read the record, then argon2 took its time: the office's disable or reset made meanwhile
// wins (the login's write is a compare-and-set), and no session survives it.
TEST_F(ConsoleTest, LoginDoesNotUndoADisableMadeMeanwhile) {
  InterleavingUserStore racy(users_);
  Console console(racy, sessions_, rate_, files_, allowlist_, clock_, policy_, metrics_);
  racy.before_next_update = [&] {
    UserRecord u = Stored("zhangsan");
    u.disabled = true;
    ASSERT_TRUE(users_.Update(u).ok());
    ASSERT_TRUE(sessions_.RevokeAll("zhangsan").ok());
  };
  pb::LoginRequest req;
  req.set_login("zhangsan");
  req.set_password(kPassword);
  (void)console.Login(req, client_);
  EXPECT_TRUE(Stored("zhangsan").disabled);
  EXPECT_EQ(sessions_.CountFor("zhangsan"), 0);
}

TEST_F(ConsoleTest, LoginDoesNotUndoAPasswordResetMeanwhile) {
  InterleavingUserStore racy(users_);
  Console console(racy, sessions_, rate_, files_, allowlist_, clock_, policy_, metrics_);
  racy.before_next_update = [&] {
    UserRecord u = Stored("zhangsan");
    u.password_hash = *HashPassword("Brand-new-pw-1", kCheap, RandomBytes);
    ASSERT_TRUE(users_.Update(u).ok());
  };
  pb::LoginRequest req;
  req.set_login("zhangsan");
  req.set_password(kPassword);
  (void)console.Login(req, client_);
  EXPECT_TRUE(VerifyPassword("Brand-new-pw-1", Stored("zhangsan").password_hash));
}

}  // namespace
}  // namespace ys::gateway
