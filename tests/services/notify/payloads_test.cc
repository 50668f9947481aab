// The webhook bodies (payloads.h) and their signatures (signatures.h). Expected signatures were
// computed independently with python3's hmac / hashlib / base64 / urllib.parse, following the
// vendors' own published python samples (DingTalk's 加签: hmac.new(secret, f"{ts}\n{secret}") then
// quote_plus(b64encode(…)); Feishu's 签名校验: hmac.new(f"{ts}\n{secret}", b"")), e.g.
//   python3 -c 'import hmac,hashlib,base64; print(base64.b64encode(hmac.new(
//     b"1665363600\nfeishu-secret", b"", hashlib.sha256).digest()).decode())'

#include <nlohmann/json.hpp>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"
#include "services/notify/payloads.h"
#include "services/notify/signatures.h"

namespace ys::notify {
namespace {

// 2022-10-10 09:00:00 +08:00.
const absl::Time kAt = absl::FromUnixSeconds(1665363600);

TEST(SignaturesTest, HmacSha256MatchesRfc4231TestCase2) {
  EXPECT_EQ(absl::BytesToHexString(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(SignaturesTest, PercentEncodeKeepsOnlyUnreserved) {
  EXPECT_EQ(PercentEncode("a+b/c=d ~_.-"), "a%2Bb%2Fc%3Dd%20~_.-");
  EXPECT_EQ(PercentEncode("上"), "%E4%B8%8A");
}

TEST(SignaturesTest, WebhookSignatureIsStripeShapedOverTimestampDotBody) {
  const absl::StatusOr<std::string> header = WebhookSignature({"whsec_test"}, kAt, R"({"id":"n-1"})");
  ASSERT_TRUE(header.ok()) << header.status();
  EXPECT_EQ(*header, "t=1665363600,v1=0100df9103853b1fec473f41b8e4775e397556ff2a05e8318ac74dfd1b8fdc6e");
}

TEST(SignaturesTest, WebhookSignatureCarriesOneV1PerSecretWhileRotating) {
  const absl::StatusOr<std::string> header =
      WebhookSignature({"whsec_test", "whsec_old"}, kAt + absl::Milliseconds(999), R"({"id":"n-1"})");
  ASSERT_TRUE(header.ok()) << header.status();
  EXPECT_EQ(*header,
            "t=1665363600,v1=0100df9103853b1fec473f41b8e4775e397556ff2a05e8318ac74dfd1b8fdc6e,"
            "v1=0e1ff47c600a3ce2871e08a435a4103e033d61083a4e79fe70cc32b4713fe621");
}

TEST(SignaturesTest, WebhookSignatureRefusesMissingSecrets) {
  EXPECT_EQ(WebhookSignature({}, kAt, "{}").status().message(), "webhook secrets: none given");
  EXPECT_EQ(WebhookSignature({"a", ""}, kAt, "{}").status().message(), "webhook secrets[1]: empty");
}

TEST(SignaturesTest, VerifyAcceptsAnySecretAndRefusesTamperingAndStaleness) {
  const std::string body = R"({"id":"n-1"})";
  const std::string header = *WebhookSignature({"whsec_test"}, kAt, body);
  EXPECT_TRUE(VerifyWebhookSignature(header, body, {"whsec_test"}, kAt + absl::Minutes(5)).ok());
  // The receiver has already moved to a new secret and keeps the old one for the rotation.
  EXPECT_TRUE(VerifyWebhookSignature(header, body, {"whsec_new", "whsec_test"}, kAt).ok());

  const absl::Status tampered = VerifyWebhookSignature(header, R"({"id":"n-2"})", {"whsec_test"}, kAt);
  EXPECT_EQ(tampered.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(tampered.message(), "webhook signature: no v1 matches");

  const absl::Status stale =
      VerifyWebhookSignature(header, body, {"whsec_test"}, kAt + absl::Minutes(5) + absl::Seconds(1));
  EXPECT_EQ(stale.message(), "webhook signature: t=1665363600 is more than 5m from now");
  EXPECT_FALSE(VerifyWebhookSignature(header, body, {"whsec_test"}, kAt - absl::Minutes(6)).ok());

  EXPECT_EQ(VerifyWebhookSignature("v1=00", body, {"whsec_test"}, kAt).message(),
            "webhook signature: no t= timestamp");
  EXPECT_EQ(VerifyWebhookSignature("t=1665363600", body, {"whsec_test"}, kAt).message(),
            "webhook signature: no v1= signature");
  EXPECT_EQ(VerifyWebhookSignature("t=soon,v1=00", body, {"whsec_test"}, kAt).message(),
            "webhook signature: t is not a number: soon");
}

TEST(SignaturesTest, DingTalkSignsMillisecondsAndSecretWithTheSecret) {
  const absl::Time at = absl::FromUnixMillis(1665363600123);
  const DingTalkSignature signature = SignDingTalk("SECtestsecret", at);
  EXPECT_EQ(signature.timestamp_ms, 1665363600123);
  EXPECT_EQ(signature.sign, "Bc2FWQwc65PtLs2EtBYCTEWYDcHTc2vcPqrw91sE/Us=");
  EXPECT_EQ(signature.Query(), "timestamp=1665363600123&sign=Bc2FWQwc65PtLs2EtBYCTEWYDcHTc2vcPqrw91sE%2FUs%3D");
  EXPECT_EQ(SignDingTalkUrl("https://oapi.dingtalk.com/robot/send?access_token=abc", "SECtestsecret", at),
            "https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1665363600123"
            "&sign=Bc2FWQwc65PtLs2EtBYCTEWYDcHTc2vcPqrw91sE%2FUs%3D");
  EXPECT_EQ(SignDingTalkUrl("http://127.0.0.1:8080/robot", "SECtestsecret", at),
            "http://127.0.0.1:8080/robot?timestamp=1665363600123"
            "&sign=Bc2FWQwc65PtLs2EtBYCTEWYDcHTc2vcPqrw91sE%2FUs%3D");
}

TEST(SignaturesTest, FeishuKeysWithTimestampAndSecretOverAnEmptyMessage) {
  const FeishuSignature signature = SignFeishu("feishu-secret", kAt + absl::Milliseconds(500));
  EXPECT_EQ(signature.timestamp_s, 1665363600);
  EXPECT_EQ(signature.sign, "23a3YFxAgWcuvJkejkylos3ownxaaUTGXe+H0d2Ypks=");
}

Message OverdueMessage() {
  Message message;
  message.title = "【督办】市市场监管局：开办企业逾期未报（RC-000123）";
  message.markdown = "整改事项 RC-000123 逾期未报。\n领班：王某某\n";
  message.severity = "critical";
  message.labels = {{"event_type", "case_overdue"}, {"unit", "市市场监管局"}};
  message.links = {{"查看案件", "https://ys.example/cases/RC-000123"}};
  return message;
}

TEST(PayloadsTest, GenericWebhookBodyHasEveryFieldInOrder) {
  EXPECT_EQ(GenericWebhookBody(OverdueMessage(), {"ntf-42", "case_overdue", kAt}),
            R"({"id":"ntf-42","event_type":"case_overdue","severity":"critical",)"
            R"("title":"【督办】市市场监管局：开办企业逾期未报（RC-000123）",)"
            R"("text":"整改事项 RC-000123 逾期未报。\n领班：王某某\n",)"
            R"("labels":{"event_type":"case_overdue","unit":"市市场监管局"},)"
            R"("links":[{"title":"查看案件","url":"https://ys.example/cases/RC-000123"}],)"
            R"("at":"2022-10-10T09:00:00.000+08:00"})");
}

TEST(PayloadsTest, GenericWebhookBodyReplacesInvalidUtf8) {
  Message message = OverdueMessage();
  message.title = "bad\xFF";
  message.links.clear();
  message.labels.clear();
  const std::string body = GenericWebhookBody(message, {"ntf-1", "case_overdue", kAt});
  EXPECT_NE(body.find(R"("title":"bad)" "\xEF\xBF\xBD" R"(")"), std::string::npos) << body;
  EXPECT_NE(body.find(R"("labels":{},"links":[])"), std::string::npos) << body;
}

TEST(PayloadsTest, WeComMarkdownBody) {
  EXPECT_EQ(WeComMarkdownBody(OverdueMessage()),
            R"({"msgtype":"markdown","markdown":{"content":)"
            R"("**【督办】市市场监管局：开办企业逾期未报（RC-000123）**\n\n)"
            R"(整改事项 RC-000123 逾期未报。\n领班：王某某\n\n)"
            R"j([查看案件](https://ys.example/cases/RC-000123)"}})j");
}

TEST(PayloadsTest, WeComContentIsCutOnACharacterBoundaryKeepingTitleAndLinks) {
  Message message = OverdueMessage();
  message.title = "T";
  message.markdown.clear();
  for (int i = 0; i < 2000; ++i) message.markdown += "上";  // 6000 bytes
  const nlohmann::json body = nlohmann::json::parse(WeComMarkdownBody(message));
  const std::string content = body["markdown"]["content"];

  const std::string head = "**T**\n\n";
  const std::string tail = "\n\n[查看案件](https://ys.example/cases/RC-000123)";
  const size_t room = kWeComMarkdownMaxBytes - head.size() - tail.size() - std::string(kTruncatedMarker).size();
  std::string expected = head;
  for (size_t i = 0; i < room / 3; ++i) expected += "上";
  expected += kTruncatedMarker;
  expected += tail;
  EXPECT_EQ(content, expected);
  EXPECT_LE(content.size(), kWeComMarkdownMaxBytes);
  EXPECT_GT(content.size(), kWeComMarkdownMaxBytes - 3);
}

TEST(PayloadsTest, TruncateUtf8) {
  EXPECT_EQ(TruncateUtf8("ab上c", 6, "…"), "ab上c");
  EXPECT_EQ(TruncateUtf8("ab上c", 5, ""), "ab上");
  EXPECT_EQ(TruncateUtf8("ab上c", 4, ""), "ab");  // never half of 上
  EXPECT_EQ(TruncateUtf8("ab上cd", 5, "…"), "ab…");
  EXPECT_EQ(TruncateUtf8("abcdef", 2, "…"), "ab");  // the marker alone does not fit
}

TEST(PayloadsTest, DingTalkMarkdownBodyWithHardLineBreaksAndMentions) {
  EXPECT_EQ(DingTalkMarkdownBody(OverdueMessage(), {{"13800000000", "13900000000"}, false}),
            R"({"msgtype":"markdown","markdown":{)"
            R"("title":"【督办】市市场监管局：开办企业逾期未报（RC-000123）",)"
            R"("text":"**【督办】市市场监管局：开办企业逾期未报（RC-000123）**  \n  \n)"
            R"(整改事项 RC-000123 逾期未报。  \n领班：王某某  \n  \n)"
            R"([查看案件](https://ys.example/cases/RC-000123)  \n  \n@13800000000 @13900000000"},)"
            R"("at":{"atMobiles":["13800000000","13900000000"],"isAtAll":false}})");
}

TEST(PayloadsTest, DingTalkMarkdownBodyWithoutMentionsHasNoAt) {
  Message message = OverdueMessage();
  message.links.clear();
  EXPECT_EQ(DingTalkMarkdownBody(message),
            R"({"msgtype":"markdown","markdown":{)"
            R"("title":"【督办】市市场监管局：开办企业逾期未报（RC-000123）",)"
            R"("text":"**【督办】市市场监管局：开办企业逾期未报（RC-000123）**  \n  \n)"
            R"(整改事项 RC-000123 逾期未报。  \n领班：王某某"}})");
  EXPECT_EQ(nlohmann::json::parse(DingTalkMarkdownBody(message, {{}, true}))["at"],
            nlohmann::json::parse(R"({"atMobiles":[],"isAtAll":true})"));
}

TEST(PayloadsTest, FeishuCardBodySignedWithSeverityColour) {
  EXPECT_EQ(FeishuCardBody(OverdueMessage(), SignFeishu("feishu-secret", kAt)),
            R"({"timestamp":"1665363600","sign":"23a3YFxAgWcuvJkejkylos3ownxaaUTGXe+H0d2Ypks=",)"
            R"("msg_type":"interactive","card":{"header":{"title":{"tag":"plain_text",)"
            R"("content":"【督办】市市场监管局：开办企业逾期未报（RC-000123）"},"template":"red"},)"
            R"("elements":[{"tag":"markdown","content":"整改事项 RC-000123 逾期未报。\n领班：王某某\n\n)"
            R"j([查看案件](https://ys.example/cases/RC-000123)"}]}})j");
}

TEST(PayloadsTest, FeishuCardBodyUnsignedAndColours) {
  Message message = OverdueMessage();
  message.links.clear();
  message.severity = "warning";
  EXPECT_EQ(FeishuCardBody(message, std::nullopt),
            R"({"msg_type":"interactive","card":{"header":{"title":{"tag":"plain_text",)"
            R"("content":"【督办】市市场监管局：开办企业逾期未报（RC-000123）"},"template":"orange"},)"
            R"("elements":[{"tag":"markdown","content":"整改事项 RC-000123 逾期未报。\n领班：王某某"}]}})");
  message.severity = "info";
  EXPECT_EQ(nlohmann::json::parse(FeishuCardBody(message, std::nullopt))["card"]["header"]["template"], "blue");
}

TEST(PayloadsTest, FeishuBodyStaysWithin20KiBEvenWhenEscapingGrowsIt) {
  Message message = OverdueMessage();
  message.markdown.clear();
  // Quotes and newlines double in JSON: 30,000 raw bytes would escape to 45,000.
  for (int i = 0; i < 5000; ++i) message.markdown += "\"上\"\n";
  const std::string body = FeishuCardBody(message, SignFeishu("feishu-secret", kAt));
  EXPECT_LE(body.size(), kFeishuBodyMaxBytes);
  EXPECT_GT(body.size(), kFeishuBodyMaxBytes - 16);  // cut no more than needed
  const nlohmann::json parsed = nlohmann::json::parse(body);
  const std::string content = parsed["card"]["elements"][0]["content"];
  const std::string tail = std::string(kTruncatedMarker) + "\n\n[查看案件](https://ys.example/cases/RC-000123)";
  ASSERT_GE(content.size(), tail.size());
  EXPECT_EQ(content.substr(content.size() - tail.size()), tail);
}

}  // namespace
}  // namespace ys::notify
