#include "services/notify/recipients.h"

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "yaml-cpp/yaml.h"

namespace ys::notify {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::StartsWith;

// A small catalog: an alias, a unit with two responsible indicators, a unit without a head, the two
// fixed bodies that are also units, retired entries that must not appear.
CatalogView SmallView() {
  CatalogView v;
  v.units = {{"市住房和城乡建设局", {"市住建局"}},
             {"市商务局", {}},
             {"上饶海关", {}},
             {"市营商办", {}},
             {"市政务服务管理局", {}},
             {"市水利局", {}},
             {"市旧局", {"旧局"}, /*retired=*/true}};
  v.indicators = {
      {"I12", "郭峰", {{"市商务局", "陈文宏"}, {"上饶海关", "陈婷"}}},
      {"I03", "李茂荣", {{"市住建局", "陈锋"}}},
      {"I17", "饶清华", {{"市政务服务管理局", "徐饶花"}}},
      {"C00", "", {{"市营商办", ""}}},
      {"I99", "退休者", {{"市水利局", "某人"}}, /*retired=*/true},
  };
  v.counties = {{"361102", "信州区"}, {"361103", "广丰区"}, {"361199", "旧县", /*retired=*/true}};
  return v;
}

Recipients Derived() {
  auto r = DeriveRecipients(SmallView());
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *std::move(r) : Recipients{};
}

UnitDirectory Directory() {
  UnitDirectory d;
  EXPECT_TRUE(d.Add("市住房和城乡建设局", {"市住建局"}).ok());
  for (const char* u : {"市商务局", "上饶海关", "市营商办", "市政务服务管理局", "市水利局"}) {
    EXPECT_TRUE(d.Add(u).ok());
  }
  return d;
}

std::map<std::string, int> CountByKind(const Recipients& recipients) {
  std::map<std::string, int> out;
  for (const auto& [id, r] : recipients.by_id) ++out[std::string(RecipientKindName(r.kind))];
  return out;
}

std::vector<std::string> ChannelKinds(const Recipient& r) {
  std::vector<std::string> out;
  for (const Channel& c : r.channels) out.push_back(absl::StrCat(ChannelKindName(c.kind), "#", c.order));
  return out;
}

Recipients Parse(const std::string& yaml) {
  auto r = ParseRecipientsYaml(yaml, "r.yaml", Derived(), Directory());
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *std::move(r) : Recipients{};
}

std::string ErrorOf(const std::string& yaml) {
  auto r = ParseRecipientsYaml(yaml, "r.yaml", Derived(), Directory());
  EXPECT_FALSE(r.ok()) << "parsed:\n" << yaml;
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(r.status().message());
}

std::string Msg(absl::string_view message) { return std::string(message); }

std::string ChannelError(const std::string& channel) {
  return ErrorOf("recipients:\n  - id: office\n    channels:\n      - " + channel + "\n");
}

// --- DeriveRecipients --------------------------------------------------------------------------

TEST(DeriveRecipientsTest, DerivesUnitsHeadsLeadsCountiesAndTheFixedBodies) {
  const Recipients r = Derived();
  EXPECT_THAT(CountByKind(r), ElementsAre(Pair("centre", 1), Pair("county", 2), Pair("government_body", 9),
                                          Pair("head", 4), Pair("lead", 3), Pair("office", 1),
                                          Pair("publication", 3), Pair("unit", 4)));
  // Units under their canonical names; the two that are fixed bodies are those bodies.
  EXPECT_TRUE(r.by_id.contains("unit:市住房和城乡建设局"));
  EXPECT_TRUE(r.by_id.contains("unit:市水利局"));  // a unit without any head is still a unit
  EXPECT_FALSE(r.by_id.contains("unit:市住建局"));
  EXPECT_FALSE(r.by_id.contains("unit:市旧局"));
  EXPECT_FALSE(r.by_id.contains("unit:市营商办"));
  EXPECT_THAT(r.same_as, ElementsAre(Pair("unit:市政务服务管理局", "body:市政务服务管理局"),
                                     Pair("unit:市营商办", "office")));

  const Recipient& head = r.by_id.at("head:市住房和城乡建设局");  // named by I03 through the alias
  EXPECT_EQ(head.kind, RecipientKind::kHead);
  EXPECT_EQ(head.name, "市住房和城乡建设局带班领导");
  EXPECT_EQ(head.stands_for, "陈锋");
  EXPECT_EQ(r.by_id.at("head:上饶海关").stands_for, "陈婷");
  EXPECT_EQ(r.by_id.at("head:市政务服务管理局").stands_for, "徐饶花");
  EXPECT_FALSE(r.by_id.contains("head:市营商办"));  // C00 names no head
  EXPECT_FALSE(r.by_id.contains("head:市水利局"));  // only the retired I99 named one

  EXPECT_TRUE(r.by_id.contains("lead:郭峰"));
  EXPECT_TRUE(r.by_id.contains("lead:李茂荣"));
  EXPECT_TRUE(r.by_id.contains("lead:饶清华"));
  EXPECT_FALSE(r.by_id.contains("lead:退休者"));

  const Recipient& county = r.by_id.at("county:361102");
  EXPECT_EQ(county.name, "信州区");
  EXPECT_EQ(county.stands_for, "361102");
  EXPECT_FALSE(r.by_id.contains("county:361199"));

  for (const char* body : {"body:市委", "body:市人大", "body:市政府", "body:市政协", "body:市纪委监委",
                           "body:市委组织部", "body:市委宣传部", "body:市政务服务管理局", "body:市政府分管领导"}) {
    ASSERT_TRUE(r.by_id.contains(body)) << body;
    EXPECT_EQ(r.by_id.at(body).kind, RecipientKind::kGovernmentBody) << body;
  }
  EXPECT_EQ(r.by_id.at("office").name, "市营商办");
  EXPECT_EQ(r.by_id.at("centre").name, "市政务服务中心");
  EXPECT_EQ(r.by_id.at("publication:大厅显示屏").name, "市政务服务中心大厅显示屏");
  EXPECT_EQ(r.by_id.at("publication:大厅显示屏").stands_for, "大厅显示屏");

  for (const auto& [id, recipient] : r.by_id) {
    EXPECT_THAT(ChannelKinds(recipient), ElementsAre("inbox#1")) << id;
    EXPECT_EQ(recipient.digest.cadence, DigestCadence::kNone) << id;
    EXPECT_TRUE(ValidateRecipient(recipient).ok()) << id;
  }
}

TEST(DeriveRecipientsTest, KeepsEveryHeadAUnitIsGivenInCodeOrder) {
  CatalogView v = SmallView();
  v.indicators.push_back({"I02", "饶清华", {{"市商务局", "张三"}}});
  v.indicators.push_back({"I13", "饶清华", {{"市商务局", "陈文宏"}}});  // the same head again
  auto r = DeriveRecipients(v);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->by_id.at("head:市商务局").stands_for, "张三、陈文宏");
}

TEST(DeriveRecipientsTest, RefusesAnIndicatorNamingAUnitTheViewLacks) {
  CatalogView v = SmallView();
  v.indicators.push_back({"I05", "饶清华", {{"市发改委", "张平"}}});
  auto r = DeriveRecipients(v);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("indicator I05 names unit 市发改委"));

  CatalogView retired = SmallView();
  retired.indicators.push_back({"I20", "饶清华", {{"旧局", ""}}});  // the alias of a retired unit
  EXPECT_EQ(DeriveRecipients(retired).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(DeriveRecipientsTest, RefusesAnAliasOfTwoUnits) {
  CatalogView v = SmallView();
  v.units.push_back({"市住房保障局", {"市住建局"}});
  auto r = DeriveRecipients(v);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("catalog unit 市住房保障局: alias 市住建局"));
}

// --- ParseRecipientsYaml -----------------------------------------------------------------------

constexpr char kFile[] = R"yaml(provenance: SAMPLE
recipients:
  - id: unit:市住建局
    channels:
      - {kind: email, target: zhujian@example.invalid, order: 2}
      - {kind: wecom, target: "http://127.0.0.1:18099/wecom/zhujian", secret_ref: sample/wecom-zhujian, order: 1}
    digest: daily
    digest_time: "07:45"
  - id: head:市商务局
    channels:
      - {kind: inbox}
      - {kind: dingtalk, target: "https://oapi.dingtalk.com/robot/send", secret_ref: notify/dingtalk/shangwu}
    digest: weekly
  - id: body:市优化营商环境工作领导小组
    name: 上饶市优化营商环境工作领导小组
    channels:
      - {kind: email, target: xiaozu@example.invalid}
  - id: 政务网站
)yaml";

TEST(ParseRecipientsYamlTest, AddsChannelsAndDigestsByIdAndKeepsTheInbox) {
  const Recipients r = Parse(kFile);
  EXPECT_EQ(r.provenance, "SAMPLE");
  const Recipient& zhujian = r.by_id.at("unit:市住房和城乡建设局");  // the alias resolved
  EXPECT_THAT(ChannelKinds(zhujian), ElementsAre("wecom#1", "email#2", "inbox#3"));
  EXPECT_EQ(zhujian.channels[0].secret_ref, "sample/wecom-zhujian");
  EXPECT_EQ(zhujian.digest.cadence, DigestCadence::kDaily);
  EXPECT_EQ(zhujian.digest.time_of_day, absl::Hours(7) + absl::Minutes(45));
  EXPECT_EQ(zhujian.name, "市住房和城乡建设局");  // the catalog's

  const Recipient& head = r.by_id.at("head:市商务局");
  EXPECT_THAT(ChannelKinds(head), ElementsAre("inbox#1", "dingtalk#2"));  // placed first by the file
  EXPECT_EQ(head.stands_for, "陈文宏");
  EXPECT_EQ(head.digest.cadence, DigestCadence::kWeekly);
  EXPECT_EQ(head.digest.time_of_day, absl::Hours(8) + absl::Minutes(30));  // the default

  const Recipient& added = r.by_id.at("body:市优化营商环境工作领导小组");
  EXPECT_EQ(added.kind, RecipientKind::kGovernmentBody);
  EXPECT_EQ(added.name, "上饶市优化营商环境工作领导小组");
  EXPECT_THAT(ChannelKinds(added), ElementsAre("email#1", "inbox#2"));

  // A bare name is the publication; listed without channels, it keeps its inbox.
  EXPECT_THAT(ChannelKinds(r.by_id.at("publication:政务网站")), ElementsAre("inbox#1"));
  // What the file does not list stays as derived.
  EXPECT_TRUE(SameRecipient(r.by_id.at("unit:市商务局"), Derived().by_id.at("unit:市商务局")));
  EXPECT_EQ(r.by_id.size(), Derived().by_id.size() + 1);
  EXPECT_EQ(r.same_as, Derived().same_as);
}

TEST(ParseRecipientsYamlTest, AFixedBodysUnitNameIsThatBody) {
  const Recipients r = Parse(R"yaml(recipients:
  - id: unit:市营商办
    channels: [{kind: email, target: office@example.invalid}]
)yaml");
  EXPECT_THAT(ChannelKinds(r.by_id.at("office")), ElementsAre("email#1", "inbox#2"));
  EXPECT_FALSE(r.by_id.contains("unit:市营商办"));
}

TEST(ParseRecipientsYamlTest, RefusesWhatContradictsTheCatalog) {
  EXPECT_THAT(ErrorOf("recipients:\n  - id: unit:市不存在局\n"),
              StartsWith("r.yaml:2: recipients[0].id: unit '市不存在局' is not in the catalog"));
  EXPECT_THAT(ErrorOf("recipients:\n  - id: head:市水利局\n"),
              StartsWith("r.yaml:2: recipients[0].id: the catalog names no 带班领导 for 市水利局"));
  EXPECT_THAT(ErrorOf("recipients:\n  - id: lead:张三\n"),
              StartsWith("r.yaml:2: recipients[0].id: '张三' is not the 领班 of any indicator"));
  EXPECT_THAT(ErrorOf("recipients:\n  - id: county:361199\n"),
              StartsWith("r.yaml:2: recipients[0].id: '361199' is not one of Shangrao's counties"));
  EXPECT_THAT(ErrorOf("recipients:\n  - id: unit:信州区\n"),
              StartsWith("r.yaml:2: recipients[0].id: 信州区 is a county: name it county:361102"));
  EXPECT_THAT(ErrorOf("recipients:\n  - id: body:市住建局\n"),
              StartsWith("r.yaml:2: recipients[0].id: 市住建局 is a unit of the catalog: name it "
                         "unit:市住房和城乡建设局"));
  EXPECT_THAT(ErrorOf("recipients:\n  - id: publication:市委\n"),
              StartsWith("r.yaml:2: recipients[0].id: 市委 already names body:市委"));
  EXPECT_THAT(ErrorOf("recipients:\n  - id: group:x\n"),
              StartsWith("r.yaml:2: recipients[0].id: unknown id 'group:x': ids are office"));
  EXPECT_THAT(ErrorOf("recipients:\n  - id: unit:市商务局\n    name: 商务局\n"),
              StartsWith("r.yaml:3: recipients[0].name: the catalog names this recipient (市商务局)"));
  EXPECT_THAT(ErrorOf("recipients:\n  - id: unit:市住房和城乡建设局\n  - id: unit:市住建局\n"),
              StartsWith("r.yaml:3: recipients[1].id: 'unit:市住建局' is the recipient unit:市住房和城乡建设局 already "
                         "listed at recipients[0] (line 2)"));
  EXPECT_THAT(ErrorOf("recipients:\n  - id: office\n  - id: unit:市营商办\n"),
              StartsWith("r.yaml:3: recipients[1].id: 'unit:市营商办' is the recipient office already"));
}

TEST(ParseRecipientsYamlTest, RefusesBadChannelsNamingLineAndField) {
  EXPECT_THAT(ChannelError("{kind: wecom, target: \"ftp://127.0.0.1/x\", secret_ref: a/b}"),
              StartsWith("r.yaml:4: recipients[0].channels[0].target: not an http(s) URL: 'ftp://127.0.0.1/x'"));
  EXPECT_THAT(ChannelError("{kind: webhook, target: \"https://u:p@example.invalid/x\", secret_ref: a/b}"),
              HasSubstr("channels[0].target: carries a user name or password"));
  EXPECT_THAT(
      ChannelError("{kind: wecom, target: \"https://qyapi.weixin.qq.com/cgi-bin/webhook/send"
                   "?key=693a91f6-7e1f-4bc4-97a0-0ec2a1fa5aaa\", secret_ref: a/b}"),
      HasSubstr("channels[0].target: holds what looks like a secret (a UUID)"));
  EXPECT_THAT(ChannelError("{kind: wecom, target: \"http://127.0.0.1:99999/x\", secret_ref: a/b}"),
              HasSubstr("target: has a port that is not 1..65535: '99999'"));
  EXPECT_THAT(ChannelError("{kind: wecom, target: \"http://127.0.0.1/x\"}"),
              StartsWith("r.yaml:4: recipients[0].channels[0].secret_ref: is required for wecom: the name of the "
                         "robot key"));
  // A DingTalk secret: "SEC" and 64 hex digits ("EC" is hex too).
  EXPECT_THAT(ChannelError("{kind: feishu, target: \"http://127.0.0.1/x\", secret_ref: "
                           "\"SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}"),
              HasSubstr("secret_ref: looks like a secret itself (a run of 66 hex digits)"));
  EXPECT_THAT(ChannelError("{kind: feishu, target: \"http://127.0.0.1/x\", secret_ref: eGYxVH7uYmI7ZXBr8vUVhd}"),
              HasSubstr("secret_ref: looks like a secret itself (22 base64 characters mixing digits and both cases)"));
  EXPECT_THAT(ChannelError("{kind: webhook, target: \"http://127.0.0.1/x\", secret_ref: \"my secret\"}"),
              HasSubstr("secret_ref: not a secret name: 'my secret'"));
  EXPECT_THAT(ChannelError("{kind: email, target: \"a@example.invalid, b@example.invalid\"}"),
              HasSubstr("channels[0].target: holds more than one address: give each address its own channel"));
  EXPECT_THAT(ChannelError("{kind: email, target: \"市营商办 <a@example.invalid>\"}"),
              HasSubstr("target: give the address alone (local@domain), without a display name"));
  EXPECT_THAT(ChannelError("{kind: email, target: a@localhost}"), HasSubstr("target: has a malformed domain"));
  EXPECT_THAT(ChannelError("{kind: email, target: a@example.invalid, secret_ref: smtp/login}"),
              HasSubstr("secret_ref: an e-mail channel has no secret"));
  EXPECT_THAT(ChannelError("{kind: inbox, target: x}"), HasSubstr("target: the inbox has no target"));
  EXPECT_THAT(ChannelError("{kind: sms, target: \"138\"}"),
              StartsWith("r.yaml:4: recipients[0].channels[0].kind: unknown channel kind 'sms'"));
  EXPECT_THAT(ChannelError("{kind: email, target: a@example.invalid, priority: 1}"),
              StartsWith("r.yaml:4: recipients[0].channels[0].priority: unknown key"));
  EXPECT_THAT(ChannelError("{kind: email, target: a@example.invalid, order: 0}"),
              HasSubstr("channels[0].order: must be a whole number from 1 to 1000, not '0'"));
}

TEST(ParseRecipientsYamlTest, RefusesTwoChannelsInOnePlaceOrTheSameChannelTwice) {
  EXPECT_THAT(ErrorOf(R"yaml(recipients:
  - id: office
    channels:
      - {kind: email, target: a@example.invalid, order: 2}
      - {kind: email, target: b@example.invalid}
)yaml"),
              StartsWith("r.yaml:5: recipients[0].channels[1].order: order 2 is recipients[0].channels[0]'s too"));
  EXPECT_THAT(ErrorOf(R"yaml(recipients:
  - id: office
    channels:
      - {kind: email, target: a@example.invalid}
      - {kind: email, target: a@example.invalid}
)yaml"),
              StartsWith("r.yaml:5: recipients[0].channels[1]: the same channel as recipients[0].channels[0]"));
  EXPECT_THAT(ErrorOf(R"yaml(recipients:
  - id: office
    channels: [{kind: inbox}, {kind: inbox}]
)yaml"),
              HasSubstr("recipients[0].channels[1]: the same channel as recipients[0].channels[0]"));
}

TEST(ParseRecipientsYamlTest, RefusesBadDigestsAndFileShapes) {
  EXPECT_THAT(ErrorOf("recipients:\n  - id: office\n    digest: hourly\n"),
              StartsWith("r.yaml:3: recipients[0].digest: must be none, daily or weekly, not 'hourly'"));
  EXPECT_THAT(ErrorOf("recipients:\n  - id: office\n    digest_time: \"08:00\"\n"),
              StartsWith("r.yaml:3: recipients[0].digest_time: is only for digest daily or weekly"));
  EXPECT_THAT(ErrorOf("recipients:\n  - id: office\n    digest: daily\n    digest_time: \"24:00\"\n"),
              StartsWith("r.yaml:4: recipients[0].digest_time: must be HH:MM from 00:00 to 23:59, not '24:00'"));
  EXPECT_THAT(ErrorOf("recipients:\n  - id: publication:大厅显示屏\n    digest: daily\n"),
              StartsWith("r.yaml:3: recipients[0].digest: a publication takes no digest"));
  EXPECT_THAT(ErrorOf("recipients:\n  - id: office\n    colour: red\n"),
              StartsWith("r.yaml:3: recipients[0].colour: unknown key (known: channels, digest, digest_time, id, "
                         "name)"));
  EXPECT_THAT(ErrorOf("provenance: REAL\nrecipients: []\n"),
              StartsWith("r.yaml:1: provenance: must be SAMPLE, DRAFT or OFFICIAL, not 'REAL'"));
  EXPECT_THAT(ErrorOf("units: []\n"), StartsWith("r.yaml:1: units: unknown key (known: provenance, recipients)"));
  EXPECT_THAT(ErrorOf("provenance: SAMPLE\n"), StartsWith("r.yaml:1: recipients: is required"));
  EXPECT_THAT(ErrorOf("recipients:\n  - id: office\n    channels: {kind: email}\n"),
              StartsWith("r.yaml:3: recipients[0].channels: must be a list of channels"));
  EXPECT_THAT(ErrorOf("recipients: [\n"), StartsWith("r.yaml:2: not valid YAML"));
  EXPECT_THAT(ErrorOf("recipients:\n  - office\n"),
              StartsWith("r.yaml:2: recipients[0]: must be a mapping with an id"));
}

TEST(ParseRecipientsYamlTest, AnEmptyDirectoryTakesUnitNamesAsGiven) {
  auto r = ParseRecipientsYaml("recipients:\n  - id: unit:市商务局\n  - id: unit:市住建局\n", "r.yaml", Derived(),
                               UnitDirectory());
  EXPECT_FALSE(r.ok());  // as given, 市住建局 is not a unit of the catalog (its alias is not known)
  EXPECT_THAT(std::string(r.status().message()),
              StartsWith("r.yaml:3: recipients[1].id: unit 市住建局 is in the units file but not among"));
}

// --- ValidateChannel / ValidateRecipient ---------------------------------------------------------

TEST(ValidateChannelTest, AcceptsTheShapesSinksUse) {
  for (const Channel& c : {
           Channel{ChannelKind::kWeCom, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send", "notify/wecom/office", 1},
           Channel{ChannelKind::kDingTalk, "https://oapi.dingtalk.com/robot/send", "notify/dingtalk-centre", 1},
           Channel{ChannelKind::kFeishu, "https://open.feishu.cn/open-apis/bot/v2/hook/", "notify.feishu.x", 1},
           Channel{ChannelKind::kWebhook, "http://[::1]:8080/hook?unit=%E5%B8%82", "notify/webhook/a", 1},
           Channel{ChannelKind::kWebhook, "HTTP://127.0.0.1:18099/x", "a", 1},
           Channel{ChannelKind::kEmail, "zhang.san+notify@mail.example.gov.cn", "", 1},
           Channel{ChannelKind::kInbox, "", "", 1},
       }) {
    EXPECT_TRUE(ValidateChannel(c).ok()) << ChannelKindName(c.kind) << " " << c.target << ": " << ValidateChannel(c);
  }
}

TEST(ValidateChannelTest, RefusesTargetsAndSecretsNamingTheField) {
  EXPECT_EQ(ValidateChannel({ChannelKind::kWebhook, "https://example.invalid/x#frag", "a", 1}).message(),
            "target: has a fragment (#…), which is never sent to the server");
  EXPECT_EQ(ValidateChannel({ChannelKind::kWebhook, "https:///x", "a", 1}).message(), "target: has no host");
  EXPECT_THAT(Msg(ValidateChannel({ChannelKind::kWebhook, "https://例子.cn/x", "a", 1}).message()),
              StartsWith("target: holds a space, a control character or a non-ASCII byte at byte 9"));
  EXPECT_THAT(Msg(ValidateChannel({ChannelKind::kFeishu,
                               "https://open.feishu.cn/open-apis/bot/v2/hook/0123abcd0123abcd0123abcd0123abcd", "a", 1})
                  .message()),
              StartsWith("target: holds what looks like a secret (a run of 32 hex digits)"));
  EXPECT_THAT(Msg(ValidateChannel({ChannelKind::kWebhook, "https://example.invalid/x",
                               "notify/693a91f6-7e1f-4bc4-97a0-0ec2a1fa5aaa", 1})
                  .message()),
              StartsWith("secret_ref: looks like a secret itself (a UUID)"));
  EXPECT_THAT(Msg(ValidateChannel({ChannelKind::kEmail, "a@@example.invalid", "", 1}).message()),
              StartsWith("target: not one address"));
  EXPECT_THAT(Msg(ValidateChannel({ChannelKind::kEmail, ".a@example.invalid", "", 1}).message()),
              StartsWith("target: has a malformed local part"));
  // Names made of words are names, however long.
  EXPECT_TRUE(ValidateChannel({ChannelKind::kWebhook, "https://example.invalid/x",
                               "notify/wecom/unit-zhufang-he-chengxiang-jianshe-ju", 1})
                  .ok());
}

TEST(ValidateRecipientTest, NeedsTheInboxAndOneOrderPerChannel) {
  Recipient r = Derived().by_id.at("office");
  EXPECT_TRUE(ValidateRecipient(r).ok());
  r.channels = {{ChannelKind::kEmail, "a@example.invalid", "", 1}};
  EXPECT_EQ(ValidateRecipient(r).message(),
            "recipient office: channels: the inbox is missing: a person can always read their inbox");
  r.channels = {{ChannelKind::kEmail, "a@example.invalid", "", 1}, {ChannelKind::kInbox, "", "", 1}};
  EXPECT_EQ(ValidateRecipient(r).message(), "recipient office: channels[1].order: order 1 is channels[0]'s too");
  r.channels = {{ChannelKind::kInbox, "", "", 0}};
  EXPECT_EQ(ValidateRecipient(r).message(), "recipient office: channels[0].order: must be at least 1, not 0");
  r.channels = {{ChannelKind::kInbox, "", "", 1}};
  r.digest = {DigestCadence::kDaily, absl::Hours(24)};
  EXPECT_EQ(ValidateRecipient(r).message(), "recipient office: digest_time: must lie within the day (00:00 to 23:59)");
  Recipient screen = Derived().by_id.at("publication:大厅显示屏");
  screen.digest.cadence = DigestCadence::kWeekly;
  EXPECT_THAT(std::string(ValidateRecipient(screen).message()), HasSubstr("digest: a publication takes no digest"));
}

// --- DiffRecipients ----------------------------------------------------------------------------

TEST(DiffRecipientsTest, SaysWhatTheFileAndTheCatalogChanged) {
  const Recipients before = Derived();
  EXPECT_THAT(DiffRecipients(before, before), IsEmpty());

  const Recipients after = Parse(R"yaml(recipients:
  - id: unit:市住建局
    channels:
      - {kind: wecom, target: "http://127.0.0.1:18099/wecom/zhujian", secret_ref: sample/wecom-zhujian}
    digest: daily
  - id: body:市优化营商环境工作领导小组
)yaml");
  std::vector<RecipientChange> changes = DiffRecipients(before, after);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].kind, RecipientChange::Kind::kAdded);
  EXPECT_EQ(changes[0].id, "body:市优化营商环境工作领导小组");
  EXPECT_EQ(changes[0].summary, "市优化营商环境工作领导小组 (government_body); channels inbox");
  EXPECT_EQ(changes[1].kind, RecipientChange::Kind::kChanged);
  EXPECT_EQ(changes[1].id, "unit:市住房和城乡建设局");
  EXPECT_EQ(changes[1].summary,
            "channels: inbox → wecom http://127.0.0.1:18099/wecom/zhujian (secret sample/wecom-zhujian), inbox; "
            "digest: none → daily 08:30");

  // The catalog retires a unit and renames a head: the unit's recipients go, the head changes.
  CatalogView v = SmallView();
  v.units[5].retired = true;  // 市水利局
  v.indicators[1].units[0].head = "王五";
  auto later = DeriveRecipients(v);
  ASSERT_TRUE(later.ok()) << later.status();
  changes = DiffRecipients(before, *later);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].kind, RecipientChange::Kind::kChanged);
  EXPECT_EQ(changes[0].id, "head:市住房和城乡建设局");
  EXPECT_EQ(changes[0].summary, "stands_for: 陈锋 → 王五");
  EXPECT_EQ(changes[1].kind, RecipientChange::Kind::kRemoved);
  EXPECT_EQ(changes[1].id, "unit:市水利局");
  EXPECT_EQ(changes[1].summary, "市水利局");
}

TEST(DiffRecipientsTest, SeesAChangeOfFailoverOrder) {
  const Recipients a = Parse(R"yaml(recipients:
  - id: office
    channels: [{kind: email, target: a@example.invalid}, {kind: inbox}]
)yaml");
  const Recipients b = Parse(R"yaml(recipients:
  - id: office
    channels: [{kind: inbox}, {kind: email, target: a@example.invalid}]
)yaml");
  std::vector<RecipientChange> changes = DiffRecipients(a, b);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].summary, "channels: email a@example.invalid, inbox → inbox, email a@example.invalid");
}

// --- ResolveReceiver ---------------------------------------------------------------------------

std::string IdOf(const std::string& receiver, const Recipients& recipients) {
  auto r = ResolveReceiver(receiver, recipients);
  return r.ok() ? (*r)->id : absl::StrCat("error: ", r.status().ToString());
}

TEST(ResolveReceiverTest, ResolvesTheNamesRoutingProduces) {
  const Recipients r = Derived();
  EXPECT_EQ(IdOf("unit:市住房和城乡建设局", r), "unit:市住房和城乡建设局");
  EXPECT_EQ(IdOf("unit:市住建局", r), "unit:市住房和城乡建设局");
  EXPECT_EQ(IdOf("head:市住建局", r), "head:市住房和城乡建设局");
  EXPECT_EQ(IdOf("head:市商务局", r), "head:市商务局");
  EXPECT_EQ(IdOf("lead:郭峰", r), "lead:郭峰");
  EXPECT_EQ(IdOf("office", r), "office");
  EXPECT_EQ(IdOf("unit:市营商办", r), "office");
  EXPECT_EQ(IdOf("unit:市政务服务管理局", r), "body:市政务服务管理局");
  EXPECT_EQ(IdOf("head:市政务服务管理局", r), "head:市政务服务管理局");
  EXPECT_EQ(IdOf("county:361102", r), "county:361102");
  EXPECT_EQ(IdOf("county:信州区", r), "county:361102");
  EXPECT_EQ(IdOf("unit:信州区", r), "county:361102");  // a county case's unit is the county
  EXPECT_EQ(IdOf("政务网站", r), "publication:政务网站");
  EXPECT_EQ(IdOf("大厅显示屏", r), "publication:大厅显示屏");
  EXPECT_EQ(IdOf("市政务服务中心大厅显示屏", r), "publication:大厅显示屏");
  EXPECT_EQ(IdOf("市委", r), "body:市委");
  EXPECT_EQ(IdOf("市营商办", r), "office");
  EXPECT_EQ(IdOf("市政务服务中心", r), "centre");
  EXPECT_EQ(IdOf("市政府分管领导", r), "body:市政府分管领导");
  EXPECT_EQ(IdOf("publication:市政务服务中心大厅显示屏", r), "publication:大厅显示屏");
}

TEST(ResolveReceiverTest, NamesTheReceiverItCannotResolve) {
  const Recipients r = Derived();
  EXPECT_EQ(IdOf("unit:市不存在局", r),
            "error: NOT_FOUND: receiver unit:市不存在局: no unit 市不存在局 in the catalog");
  EXPECT_EQ(IdOf("head:市水利局", r),
            "error: NOT_FOUND: receiver head:市水利局: the catalog names no 带班领导 for 市水利局");
  EXPECT_EQ(IdOf("lead:张三", r), "error: NOT_FOUND: receiver lead:张三: 张三 is not the 领班 of any indicator");
  EXPECT_EQ(IdOf("county:361199", r),
            "error: NOT_FOUND: receiver county:361199: 361199 is not one of Shangrao's counties");
  EXPECT_THAT(IdOf("市商务局", r), StartsWith("error: NOT_FOUND: receiver '市商务局' names no recipient (ids are"));
  EXPECT_THAT(IdOf("body:市营商办", r), StartsWith("error: NOT_FOUND: receiver 'body:市营商办' names no recipient"));
  EXPECT_THAT(IdOf("", r), StartsWith("error: NOT_FOUND: receiver '' names no recipient"));
}

// --- the sample file against data/catalog --------------------------------------------------------

std::string ReadData(const std::string& path) {
  std::ifstream in(std::string(YS_SOURCE_DIR) + "/" + path);
  EXPECT_TRUE(in) << path;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// data/catalog as the catalog replica would hold it: the units of units.yaml, the composite and the
// first-level indicators with their 领班 and 责任单位/带班领导, Shangrao's counties.
CatalogView DataCatalog() {
  CatalogView v;
  const YAML::Node units = YAML::Load(ReadData("data/catalog/units.yaml"));
  for (const YAML::Node& u : units["units"]) {
    CatalogView::Unit unit{u["name"].as<std::string>(), {}};
    if (u["aliases"]) unit.aliases = u["aliases"].as<std::vector<std::string>>();
    v.units.push_back(unit);
  }
  auto indicators = [&](const YAML::Node& list) {
    for (const YAML::Node& i : list) {
      CatalogView::Indicator indicator{i["code"].as<std::string>(), i["lead"] ? i["lead"].as<std::string>() : ""};
      for (const YAML::Node& ru : i["units"]) {
        indicator.units.push_back({ru["unit"].as<std::string>(), ru["head"] ? ru["head"].as<std::string>() : ""});
      }
      v.indicators.push_back(indicator);
    }
  };
  indicators(units["composite"]);
  indicators(YAML::Load(ReadData("data/catalog/catalog.yaml"))["first_level"]);
  for (const YAML::Node& c : YAML::Load(ReadData("data/catalog/regions.yaml"))["shangrao_counties"]) {
    v.counties.push_back({c["code"].as<std::string>(), c["name"].as<std::string>()});
  }
  return v;
}

TEST(RecipientsSampleTest, TheSampleFileLoadsAgainstTheCatalogsUnits) {
  auto derived = DeriveRecipients(DataCatalog());
  ASSERT_TRUE(derived.ok()) << derived.status();
  // 27 units (市营商办 and 市政务服务管理局 are their fixed bodies), 14 units with a 带班领导, 5 领班,
  // 12 counties, office, centre, 2 duty-report and 7 bulletin bodies, 3 publications.
  EXPECT_THAT(CountByKind(*derived), ElementsAre(Pair("centre", 1), Pair("county", 12), Pair("government_body", 9),
                                                 Pair("head", 14), Pair("lead", 5), Pair("office", 1),
                                                 Pair("publication", 3), Pair("unit", 25)));
  EXPECT_EQ(derived->by_id.at("head:市市场监督管理局").stands_for, "张华");  // I01 names 市市场监管局
  EXPECT_EQ(derived->by_id.at("head:国网上饶供电公司").stands_for, "何惠清");
  EXPECT_TRUE(derived->by_id.contains("lead:帕塔尔·胡加买提"));

  auto directory = UnitDirectory::FromYaml(ReadData("data/catalog/units.yaml"), ReadData("data/catalog/regions.yaml"));
  ASSERT_TRUE(directory.ok()) << directory.status();
  auto sample = ParseRecipientsYaml(ReadData("data/notify/recipients.sample.yaml"), "recipients.sample.yaml",
                                    *derived, *directory);
  ASSERT_TRUE(sample.ok()) << sample.status();
  EXPECT_EQ(sample->provenance, "SAMPLE");
  EXPECT_EQ(sample->by_id.size(), derived->by_id.size() + 1);

  std::vector<RecipientChange> changes = DiffRecipients(*derived, *sample);
  std::vector<std::string> ids;
  for (const RecipientChange& c : changes) ids.push_back(c.id);
  EXPECT_THAT(ids, ElementsAre("body:市人大", "body:市优化营商环境工作领导小组", "body:市委", "body:市委宣传部",
                               "body:市委组织部", "body:市政务服务管理局", "body:市政协", "body:市政府",
                               "body:市政府分管领导", "body:市纪委监委", "centre", "county:361102", "head:市商务局", "lead:饶清华",
                               "office", "publication:大厅显示屏", "publication:微信公众号", "publication:政务网站",
                               "unit:市住房和城乡建设局", "unit:市商务局"));

  const Recipient& office = sample->by_id.at("office");
  EXPECT_THAT(ChannelKinds(office), ElementsAre("wecom#1", "email#2", "inbox#3"));
  EXPECT_EQ(office.digest.cadence, DigestCadence::kDaily);
  EXPECT_THAT(ChannelKinds(sample->by_id.at("publication:大厅显示屏")), ElementsAre("webhook#1", "inbox#2"));
  // Invented sinks only: loopback webhooks, example.invalid addresses.
  for (const auto& [id, r] : sample->by_id) {
    for (const Channel& c : r.channels) {
      if (c.kind == ChannelKind::kEmail) {
        EXPECT_THAT(c.target, testing::EndsWith("@example.invalid")) << id;
      } else if (c.kind != ChannelKind::kInbox) {
        EXPECT_THAT(c.target, StartsWith("http://127.0.0.1:")) << id;
      }
    }
  }
  // The routing tree's names reach the sample's channels.
  auto hall = ResolveReceiver("大厅显示屏", *sample);
  ASSERT_TRUE(hall.ok());
  EXPECT_EQ((*hall)->channels[0].target, "http://127.0.0.1:18099/publish/hall-screen");
  auto zhujian = ResolveReceiver("unit:市住建局", *sample);
  ASSERT_TRUE(zhujian.ok());
  EXPECT_EQ((*zhujian)->channels[1].target, "zhujian@example.invalid");
}

}  // namespace
}  // namespace ys::notify
