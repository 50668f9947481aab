// One attempt's bytes per channel kind (outgoing.h), built from plain values: no network. Each kind
// is checked for its URL, headers and body shape, and each signature against the vendor's scheme
// (signatures.h) at the attempt's time; the secret sources for missing, rotated and unsafe refs.

#include "services/notify/outgoing.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/notify/signatures.h"

namespace ys::notify {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using Json = nlohmann::json;

// 2022-10-10 09:00:00 +08:00, a Monday.
const absl::Time kNow = absl::FromUnixSeconds(1665363600);

constexpr char kWebhookKeyNew[] = "whsec-new-value-1";
constexpr char kWebhookKeyOld[] = "whsec-old-value-0";
constexpr char kWeComKey[] = "7f3e1c2a-0b4d-4e5f-8a9b-0c1d2e3f4a5b";
constexpr char kDingTalkToken[] = "dt-token-value-9";
constexpr char kDingTalkSecret[] = "SEC-dingtalk-signing-value";
constexpr char kFeishuToken[] = "fs-hook-token-value";
constexpr char kFeishuSecret[] = "fs-signing-value";

MapSecrets Secrets() {
  return MapSecrets({
      {"notify/webhook/office", {kWebhookKeyNew, kWebhookKeyOld}},
      {"notify/wecom/office", {kWeComKey}},
      {"notify/dingtalk/office", {kDingTalkToken, kDingTalkSecret}},
      {"notify/dingtalk/plain", {kDingTalkToken}},
      {"notify/feishu/office", {kFeishuToken, kFeishuSecret}},
      {"notify/feishu/plain", {kFeishuToken}},
      {"notify/dingtalk/blank", {kDingTalkToken, ""}},
  });
}

// Every secret value Secrets() holds: none may appear in an error message.
const std::vector<std::string>& SecretValues() {
  static const std::vector<std::string> values = {kWebhookKeyNew, kWebhookKeyOld, kWeComKey, kDingTalkToken,
                                                  kDingTalkSecret, kFeishuToken,   kFeishuSecret};
  return values;
}

Message TestMessage() {
  Message m;
  m.title = "【督办】案件即将超期";
  m.markdown = "**案件** R-1 将于明日到期。";
  m.severity = "warning";
  m.labels = {{"event_type", "case_due"}, {"unit", "市商务局"}};
  m.links = {{"查看案件", "https://ys.example.invalid/cases/R-1"}};
  return m;
}

OutgoingContext Context() {
  OutgoingContext c;
  c.idempotency_key = "dlv-0001";
  c.now = kNow;
  c.deadline = kNow + absl::Minutes(2);
  c.envelope = WebhookEnvelope{"ntf-1", "case_due", kNow - absl::Minutes(1)};
  c.from = MailAddress{"市营商办", "notify@ys.example.invalid"};
  c.recipient_name = "市商务局";
  c.mail_text = "请于今日处理。";
  return c;
}

OutgoingMessage Build(const Channel& channel, const OutgoingContext& context = Context()) {
  auto out = BuildOutgoing(channel, TestMessage(), context, Secrets());
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? *std::move(out) : OutgoingMessage{};
}

// The values `source` holds for `ref`; none (and a failure) when it has none.
std::vector<std::string> Values(const SecretSource& source, const std::string& ref) {
  auto got = source.Get(ref);
  EXPECT_TRUE(got.ok()) << got.status();
  return got.ok() ? *std::move(got) : std::vector<std::string>{};
}

std::string HeaderValue(const OutgoingMessage& m, const std::string& name) {
  for (const auto& [key, value] : m.headers) {
    if (key == name) return value;
  }
  return "";
}

// --- webhook ------------------------------------------------------------------------------------

TEST(BuildOutgoingTest, WebhookPostsTheGenericBodySignedWithEveryKey) {
  const Channel channel{ChannelKind::kWebhook, "https://hooks.example.invalid/ys", "notify/webhook/office", 1};
  const OutgoingMessage m = Build(channel);
  EXPECT_EQ(m.channel, Transport::kWebhook);
  EXPECT_EQ(m.url, "https://hooks.example.invalid/ys");
  EXPECT_EQ(m.idempotency_key, "dlv-0001");
  EXPECT_EQ(m.deadline, kNow + absl::Minutes(2));
  EXPECT_EQ(m.content_type, "application/json");
  EXPECT_EQ(m.body, GenericWebhookBody(TestMessage(), Context().envelope));
  const Json body = Json::parse(m.body);
  EXPECT_EQ(body["id"], "ntf-1");
  EXPECT_EQ(body["event_type"], "case_due");
  EXPECT_EQ(body["title"], "【督办】案件即将超期");

  ASSERT_EQ(m.headers.size(), 1u);
  const std::string signature = HeaderValue(m, kWebhookSignatureHeader);
  EXPECT_THAT(signature, ::testing::StartsWith("t=1665363600,v1="));
  // During a rotation a receiver holding either key verifies; one holding neither does not.
  EXPECT_TRUE(VerifyWebhookSignature(signature, m.body, {kWebhookKeyNew}, kNow).ok());
  EXPECT_TRUE(VerifyWebhookSignature(signature, m.body, {kWebhookKeyOld}, kNow).ok());
  EXPECT_FALSE(VerifyWebhookSignature(signature, m.body, {"whsec-someone-else"}, kNow).ok());
}

TEST(BuildOutgoingTest, WebhookSignsAtTheAttemptsTime) {
  const Channel channel{ChannelKind::kWebhook, "https://hooks.example.invalid/ys", "notify/webhook/office", 1};
  OutgoingContext later = Context();
  later.now = kNow + absl::Hours(3);  // a retry after an outage signs afresh
  const OutgoingMessage m = Build(channel, later);
  const std::string signature = HeaderValue(m, kWebhookSignatureHeader);
  EXPECT_TRUE(VerifyWebhookSignature(signature, m.body, {kWebhookKeyNew}, later.now).ok());
  EXPECT_FALSE(VerifyWebhookSignature(signature, m.body, {kWebhookKeyNew}, kNow).ok());
}

// --- robots ---------------------------------------------------------------------------------------

TEST(BuildOutgoingTest, WeComPutsTheRobotKeyInTheQuery) {
  const Channel channel{ChannelKind::kWeCom, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send",
                        "notify/wecom/office", 1};
  const OutgoingMessage m = Build(channel);
  EXPECT_EQ(m.channel, Transport::kWebhook);
  EXPECT_EQ(m.url, absl::StrCat("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=", kWeComKey));
  EXPECT_THAT(m.headers, IsEmpty());
  EXPECT_EQ(m.body, WeComMarkdownBody(TestMessage()));
  EXPECT_EQ(Json::parse(m.body)["msgtype"], "markdown");

  // A target that already has a query gets the key after "&".
  const OutgoingMessage q = Build(Channel{ChannelKind::kWeCom, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?debug=1",
                                          "notify/wecom/office", 1});
  EXPECT_EQ(q.url, absl::StrCat("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?debug=1&key=", kWeComKey));
}

TEST(BuildOutgoingTest, DingTalkAddsTheTokenAndSignsWithTheSecond) {
  const std::string target = "https://oapi.dingtalk.com/robot/send";
  const OutgoingMessage m = Build(Channel{ChannelKind::kDingTalk, target, "notify/dingtalk/office", 1});
  const std::string with_token = absl::StrCat(target, "?access_token=", kDingTalkToken);
  EXPECT_EQ(m.url, SignDingTalkUrl(with_token, kDingTalkSecret, kNow));
  EXPECT_THAT(m.url, HasSubstr(absl::StrCat("?access_token=", kDingTalkToken, "&timestamp=1665363600000&sign=")));
  EXPECT_THAT(m.url, Not(HasSubstr(kDingTalkSecret)));  // the secret signs; it is never sent
  EXPECT_EQ(m.body, DingTalkMarkdownBody(TestMessage()));
  const Json body = Json::parse(m.body);
  EXPECT_EQ(body["msgtype"], "markdown");
  EXPECT_EQ(body["markdown"]["title"], "【督办】案件即将超期");
}

TEST(BuildOutgoingTest, DingTalkWithOneSecretIsTheTokenUnsigned) {
  const OutgoingMessage m =
      Build(Channel{ChannelKind::kDingTalk, "https://oapi.dingtalk.com/robot/send", "notify/dingtalk/plain", 1});
  EXPECT_EQ(m.url, absl::StrCat("https://oapi.dingtalk.com/robot/send?access_token=", kDingTalkToken));
}

TEST(BuildOutgoingTest, FeishuPutsTheTokenInThePathAndSignsTheBody) {
  const OutgoingMessage m = Build(
      Channel{ChannelKind::kFeishu, "https://open.feishu.cn/open-apis/bot/v2/hook", "notify/feishu/office", 1});
  EXPECT_EQ(m.url, absl::StrCat("https://open.feishu.cn/open-apis/bot/v2/hook/", kFeishuToken));
  EXPECT_THAT(m.headers, IsEmpty());
  const FeishuSignature expected = SignFeishu(kFeishuSecret, kNow);
  EXPECT_EQ(m.body, FeishuCardBody(TestMessage(), expected));
  const Json body = Json::parse(m.body);
  EXPECT_EQ(body["timestamp"], "1665363600");
  EXPECT_EQ(body["sign"], expected.sign);
  EXPECT_EQ(body["msg_type"], "interactive");
  EXPECT_THAT(m.body, Not(HasSubstr(kFeishuSecret)));

  // A trailing slash on the target does not double.
  const OutgoingMessage slash = Build(
      Channel{ChannelKind::kFeishu, "https://open.feishu.cn/open-apis/bot/v2/hook/", "notify/feishu/office", 1});
  EXPECT_EQ(slash.url, m.url);
}

TEST(BuildOutgoingTest, FeishuWithOneSecretIsUnsigned) {
  const OutgoingMessage m = Build(
      Channel{ChannelKind::kFeishu, "https://open.feishu.cn/open-apis/bot/v2/hook", "notify/feishu/plain", 1});
  EXPECT_EQ(m.url, absl::StrCat("https://open.feishu.cn/open-apis/bot/v2/hook/", kFeishuToken));
  const Json body = Json::parse(m.body);
  EXPECT_FALSE(body.contains("timestamp"));
  EXPECT_FALSE(body.contains("sign"));
}

// --- e-mail and the inbox -------------------------------------------------------------------------

TEST(BuildOutgoingTest, EmailIsTheMailToTheRecipientByName) {
  const OutgoingMessage m = Build(Channel{ChannelKind::kEmail, "shangwu@ys.example.invalid", "", 2});
  EXPECT_EQ(m.channel, Transport::kEmail);
  EXPECT_THAT(m.recipients, ElementsAre("shangwu@ys.example.invalid"));
  EXPECT_EQ(m.idempotency_key, "dlv-0001");
  EXPECT_THAT(m.headers, IsEmpty());
  // RFC 2047 subject and display name; Date at the attempt, in +0800.
  EXPECT_THAT(m.body, HasSubstr(absl::StrCat("Subject: =?UTF-8?B?", absl::Base64Escape("【督办】案件即将超期"), "?=")));
  EXPECT_THAT(m.body, HasSubstr(absl::StrCat("To: =?UTF-8?B?", absl::Base64Escape("市商务局"),
                                             "?= <shangwu@ys.example.invalid>")));
  EXPECT_THAT(m.body, HasSubstr("Date: Mon, 10 Oct 2022 09:00:00 +0800\r\n"));
  EXPECT_THAT(m.body, HasSubstr(absl::Base64Escape("请于今日处理。")));  // the context's mail text

  // Without a mail text the message's markdown is the text.
  OutgoingContext plain = Context();
  plain.mail_text.clear();
  const OutgoingMessage fallback = Build(Channel{ChannelKind::kEmail, "shangwu@ys.example.invalid", "", 2}, plain);
  EXPECT_THAT(fallback.body, HasSubstr(absl::Base64Escape("**案件** R-1 将于明日到期。")));
}

TEST(BuildOutgoingTest, EmailTheMailCodeRefusesIsInvalidArgument) {
  Message untitled = TestMessage();
  untitled.title.clear();
  auto out = BuildOutgoing(Channel{ChannelKind::kEmail, "shangwu@ys.example.invalid", "", 2}, untitled, Context(),
                           Secrets());
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(out.status().message(), HasSubstr("subject"));
}

TEST(BuildOutgoingTest, TheInboxIsNotSentOverTheWire) {
  auto out = BuildOutgoing(Channel{ChannelKind::kInbox, "", "", 3}, TestMessage(), Context(), Secrets());
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
}

// --- missing secrets ------------------------------------------------------------------------------

TEST(BuildOutgoingTest, AMissingSecretIsFailedPreconditionNamingTheRefOnly) {
  const std::vector<Channel> channels = {
      {ChannelKind::kWebhook, "https://hooks.example.invalid/ys", "notify/webhook/gone", 1},
      {ChannelKind::kWeCom, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send", "notify/wecom/gone", 1},
      {ChannelKind::kDingTalk, "https://oapi.dingtalk.com/robot/send", "notify/dingtalk/gone", 1},
      {ChannelKind::kFeishu, "https://open.feishu.cn/open-apis/bot/v2/hook", "notify/feishu/gone", 1},
      // A ref holding an empty value is as unusable as a missing one.
      {ChannelKind::kDingTalk, "https://oapi.dingtalk.com/robot/send", "notify/dingtalk/blank", 1},
  };
  for (const Channel& channel : channels) {
    auto out = BuildOutgoing(channel, TestMessage(), Context(), Secrets());
    ASSERT_FALSE(out.ok()) << channel.secret_ref;
    EXPECT_EQ(out.status().code(), absl::StatusCode::kFailedPrecondition) << out.status();
    EXPECT_THAT(out.status().message(), HasSubstr(channel.secret_ref));
    for (const std::string& secret : SecretValues()) {
      EXPECT_THAT(out.status().message(), Not(HasSubstr(secret))) << out.status();
    }
  }
}

TEST(SecretsTest, MapSecretsHasNoneForAnUnknownRefOrAnEmptyList) {
  const MapSecrets secrets({{"a/one", {"x"}}, {"a/none", {}}});
  EXPECT_THAT(Values(secrets, "a/one"), ElementsAre("x"));
  for (const char* ref : {"a/two", "a/none"}) {
    auto got = secrets.Get(ref);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.status().code(), absl::StatusCode::kNotFound);
    EXPECT_THAT(got.status().message(), HasSubstr(ref));
  }
}

// --- DirectorySecrets -----------------------------------------------------------------------------

class DirectorySecretsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::path(::testing::TempDir()) /
            absl::StrCat("outgoing_test_", ::testing::UnitTest::GetInstance()->current_test_info()->name(), "_",
                         ::getpid());
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_ / "secrets");
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  void Write(const std::filesystem::path& relative, const std::string& content) {
    const std::filesystem::path path = root_ / relative;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
  }
  std::string Dir() const { return (root_ / "secrets").string(); }

  std::filesystem::path root_;
};

TEST_F(DirectorySecretsTest, ReadsOneSecretPerLineCurrentFirst) {
  Write("secrets/notify/webhook/office", "new-key  \r\n\r\nold-key\n");
  const DirectorySecrets secrets(Dir());
  auto got = secrets.Get("notify/webhook/office");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_THAT(*got, ElementsAre("new-key", "old-key"));
}

TEST_F(DirectorySecretsTest, ARotationTakesEffectAtTheNextGet) {
  Write("secrets/notify/webhook/office", "old-key\n");
  const DirectorySecrets secrets(Dir());
  EXPECT_THAT(Values(secrets, "notify/webhook/office"), ElementsAre("old-key"));
  Write("secrets/notify/webhook/office", "new-key\nold-key\n");
  EXPECT_THAT(Values(secrets, "notify/webhook/office"), ElementsAre("new-key", "old-key"));

  // And a webhook built from it carries one v1 per key, each verifying.
  auto m = BuildOutgoing(Channel{ChannelKind::kWebhook, "https://hooks.example.invalid/ys", "notify/webhook/office", 1},
                         TestMessage(), Context(), secrets);
  ASSERT_TRUE(m.ok()) << m.status();
  const std::string signature = HeaderValue(*m, kWebhookSignatureHeader);
  EXPECT_TRUE(VerifyWebhookSignature(signature, m->body, {"new-key"}, kNow).ok());
  EXPECT_TRUE(VerifyWebhookSignature(signature, m->body, {"old-key"}, kNow).ok());
}

TEST_F(DirectorySecretsTest, AMissingOrEmptyFileIsNotFoundNamingTheRef) {
  Write("secrets/notify/blank", " \n\r\n");
  const DirectorySecrets secrets(Dir());
  for (const char* ref : {"notify/absent", "notify/blank"}) {
    auto got = secrets.Get(ref);
    ASSERT_FALSE(got.ok()) << ref;
    EXPECT_EQ(got.status().code(), absl::StatusCode::kNotFound);
    EXPECT_THAT(got.status().message(), HasSubstr(ref));
  }
  // Through BuildOutgoing, the dispatcher's failover code.
  auto m = BuildOutgoing(Channel{ChannelKind::kWeCom, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send",
                                 "notify/absent", 1},
                         TestMessage(), Context(), secrets);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(m.status().message(), HasSubstr("notify/absent"));
}

TEST_F(DirectorySecretsTest, ARefThatCouldLeaveTheDirectoryIsRefused) {
  Write("outside", "not-for-notify\n");  // what "../outside" would read
  Write("secrets/notify/ok", "v\n");
  const DirectorySecrets secrets(Dir());
  for (const char* ref : {"../outside", "notify/../../outside", "/etc/passwd", "notify/ok id", "notify\\ok", ""}) {
    auto got = secrets.Get(ref);
    ASSERT_FALSE(got.ok()) << ref;
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument) << ref << ": " << got.status();
    EXPECT_THAT(got.status().message(), Not(HasSubstr("not-for-notify")));
  }
  EXPECT_THAT(Values(secrets, "notify/ok"), ElementsAre("v"));
}

TEST(TransportOfTest, EmailIsSmtpTheRestHttp) {
  EXPECT_EQ(TransportOf(ChannelKind::kEmail), Transport::kEmail);
  for (ChannelKind kind : {ChannelKind::kWebhook, ChannelKind::kWeCom, ChannelKind::kDingTalk, ChannelKind::kFeishu}) {
    EXPECT_EQ(TransportOf(kind), Transport::kWebhook) << ChannelKindName(kind);
  }
}

}  // namespace
}  // namespace ys::notify
