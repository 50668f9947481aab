// The recipients across the proto (recipients_proto.h) and the office's stored version laid over the
// catalog's derived recipients, on a small catalog built as recipients_test.cc builds one.

#include "services/notify/recipients_proto.h"

#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ys::notify {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

CatalogView SmallView() {
  CatalogView v;
  v.units = {{"市住房和城乡建设局", {"市住建局"}},
             {"市商务局", {}},
             {"市营商办", {}},
             {"市旧局", {"旧局"}, /*retired=*/true}};
  v.indicators = {
      {"I12", "郭峰", {{"市商务局", "陈文宏"}}},
      {"I03", "李茂荣", {{"市住建局", "陈锋"}}},
      {"I99", "退休者", {{"市旧局", "某人"}}, /*retired=*/true},
  };
  v.counties = {{"361102", "信州区"}};
  return v;
}

Recipients Derived() {
  auto r = DeriveRecipients(SmallView());
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *std::move(r) : Recipients{};
}

const std::string kWeCom = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send";

// What an import of the office's file would hold: channels and digests on derived recipients, and a
// government body of its own.
Recipients Configured() {
  Recipients r = Derived();
  Recipient& zhujian = r.by_id.at("unit:市住房和城乡建设局");
  zhujian.channels = {{ChannelKind::kWeCom, kWeCom, "notify/wecom/zhujian", 1},
                      {ChannelKind::kEmail, "zhujian@ys.example.invalid", "", 2},
                      {ChannelKind::kInbox, "", "", 3}};
  zhujian.digest = {DigestCadence::kDaily, absl::Hours(7) + absl::Minutes(45)};
  r.by_id.at("head:市商务局").digest = {DigestCadence::kWeekly, absl::Hours(9)};
  Recipient body;
  body.id = "body:市优化营商环境工作领导小组";
  body.name = "市优化营商环境工作领导小组";
  body.kind = RecipientKind::kGovernmentBody;
  body.stands_for = body.name;
  body.channels = {{ChannelKind::kInbox, "", "", 1}};
  r.by_id.emplace(body.id, body);
  return r;
}

pb::Recipient ProtoOf(const Recipients& recipients, const std::string& id) {
  return RecipientToProto(recipients.by_id.at(id));
}

std::string ErrorOf(const pb::Recipient& p) {
  auto r = RecipientFromProto(p);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(r.status().message());
}

// --- to and from the proto --------------------------------------------------------------------------

TEST(RecipientProtoTest, EveryDerivedAndConfiguredRecipientRoundTrips) {
  const Recipients configured = Configured();
  const std::vector<pb::Recipient> protos = RecipientsToProto(configured);
  ASSERT_EQ(protos.size(), configured.by_id.size());
  auto expected = configured.by_id.begin();
  for (const pb::Recipient& p : protos) {
    EXPECT_EQ(p.id(), expected->first);  // by id
    auto back = RecipientFromProto(p);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_TRUE(SameRecipient(*back, expected->second)) << p.DebugString();
    ++expected;
  }
}

TEST(RecipientProtoTest, CarriesEveryFieldAndLeavesTheStoresUnset) {
  const Recipients configured = Configured();
  const pb::Recipient unit = ProtoOf(configured, "unit:市住房和城乡建设局");
  EXPECT_EQ(unit.name(), "市住房和城乡建设局");
  EXPECT_EQ(unit.kind(), pb::RECIPIENT_KIND_UNIT);
  EXPECT_EQ(unit.unit(), "市住房和城乡建设局");
  EXPECT_EQ(unit.stands_for(), "市住房和城乡建设局");
  ASSERT_EQ(unit.channels_size(), 3);
  EXPECT_EQ(unit.channels(0).kind(), pb::CHANNEL_KIND_WECOM);
  EXPECT_EQ(unit.channels(0).target(), kWeCom);
  EXPECT_EQ(unit.channels(0).secret_ref(), "notify/wecom/zhujian");
  EXPECT_EQ(unit.channels(0).order(), 1);
  EXPECT_EQ(unit.channels(1).kind(), pb::CHANNEL_KIND_EMAIL);
  EXPECT_EQ(unit.channels(2).kind(), pb::CHANNEL_KIND_INBOX);
  EXPECT_EQ(unit.preferences().digest(), pb::DIGEST_CADENCE_DAILY);
  EXPECT_EQ(unit.preferences().digest_time(), "07:45");
  EXPECT_EQ(unit.version(), 0);
  EXPECT_FALSE(unit.has_updated_at());
  EXPECT_EQ(unit.updated_by(), "");
  EXPECT_FALSE(unit.retired());

  const pb::Recipient head = ProtoOf(configured, "head:市商务局");
  EXPECT_EQ(head.kind(), pb::RECIPIENT_KIND_HEAD);
  EXPECT_EQ(head.unit(), "市商务局");
  EXPECT_EQ(head.stands_for(), "陈文宏");
  EXPECT_EQ(head.preferences().digest(), pb::DIGEST_CADENCE_WEEKLY);
  EXPECT_EQ(head.preferences().digest_time(), "09:00");

  const pb::Recipient county = ProtoOf(configured, "county:361102");
  EXPECT_EQ(county.kind(), pb::RECIPIENT_KIND_COUNTY);
  EXPECT_EQ(county.region_code(), "361102");
  EXPECT_EQ(county.unit(), "");
  EXPECT_EQ(county.name(), "信州区");

  const pb::Recipient office = ProtoOf(configured, "office");
  EXPECT_EQ(office.kind(), pb::RECIPIENT_KIND_OFFICE);
  EXPECT_EQ(office.unit(), "");
  EXPECT_EQ(office.preferences().digest(), pb::DIGEST_CADENCE_NONE);
  EXPECT_EQ(ProtoOf(configured, "publication:大厅显示屏").kind(), pb::RECIPIENT_KIND_PUBLICATION);
  EXPECT_EQ(ProtoOf(configured, "body:市优化营商环境工作领导小组").kind(), pb::RECIPIENT_KIND_GOVERNMENT_BODY);
  EXPECT_EQ(ProtoOf(configured, "lead:郭峰").kind(), pb::RECIPIENT_KIND_LEAD);
  EXPECT_EQ(ProtoOf(configured, "centre").kind(), pb::RECIPIENT_KIND_CENTRE);
}

TEST(RecipientProtoTest, AnUnspecifiedDigestIsNoneAndAnEmptyTimeIs0830) {
  pb::Recipient p = ProtoOf(Derived(), "office");
  p.mutable_preferences()->set_digest(pb::DIGEST_CADENCE_UNSPECIFIED);
  p.mutable_preferences()->clear_digest_time();
  auto r = RecipientFromProto(p);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->digest.cadence, DigestCadence::kNone);
  EXPECT_EQ(r->digest.time_of_day, absl::Hours(8) + absl::Minutes(30));
}

TEST(RecipientProtoTest, ChannelsComeBackInOrder) {
  pb::Recipient p = ProtoOf(Configured(), "unit:市住房和城乡建设局");
  p.mutable_channels()->SwapElements(0, 2);
  auto r = RecipientFromProto(p);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->channels.size(), 3u);
  EXPECT_EQ(r->channels[0].kind, ChannelKind::kWeCom);
  EXPECT_EQ(r->channels[2].kind, ChannelKind::kInbox);
}

TEST(RecipientProtoTest, RefusesWhatDoesNotConvertNamingTheField) {
  const pb::Recipient office = RecipientToProto([] {
    Recipient r = Derived().by_id.at("office");
    r.channels = {{ChannelKind::kEmail, "office@ys.example.invalid", "", 1}, {ChannelKind::kInbox, "", "", 2}};
    return r;
  }());

  pb::Recipient p = office;
  p.set_kind(pb::RECIPIENT_KIND_UNSPECIFIED);
  EXPECT_EQ(ErrorOf(p), "recipient office: kind: unspecified");

  p = office;
  p.set_kind(static_cast<pb::RecipientKind>(42));
  EXPECT_EQ(ErrorOf(p), "recipient office: kind: unknown value 42");

  p = office;
  p.mutable_channels(1)->set_kind(pb::CHANNEL_KIND_UNSPECIFIED);
  EXPECT_EQ(ErrorOf(p), "recipient office: channels[1].kind: unspecified");

  for (const char* time : {"8:30", "24:00", "08:60", "08-30", "08:30:00"}) {
    p = office;
    p.mutable_preferences()->set_digest(pb::DIGEST_CADENCE_DAILY);
    p.mutable_preferences()->set_digest_time(time);
    EXPECT_THAT(ErrorOf(p), HasSubstr("recipient office: preferences.digest_time: not HH:MM")) << time;
  }

  // Then ValidateRecipient's rules: the inbox is always there.
  p = office;
  p.mutable_channels()->RemoveLast();
  EXPECT_THAT(ErrorOf(p), HasSubstr("recipient office: channels: the inbox is missing"));
  // And a channel's: a secret in the target.
  p = office;
  p.mutable_channels(0)->set_kind(pb::CHANNEL_KIND_WECOM);
  p.mutable_channels(0)->set_target(kWeCom + "?key=7f3e1c2a-0b4d-4e5f-8a9b-0c1d2e3f4a5b");
  p.mutable_channels(0)->set_secret_ref("notify/wecom/office");
  EXPECT_THAT(ErrorOf(p), HasSubstr("recipient office: channels[0].target"));
}

// --- OverlayStored --------------------------------------------------------------------------------

TEST(OverlayStoredTest, StoredChannelsAndDigestLieOverTheCatalogsRecipients) {
  std::vector<pb::Recipient> stored = RecipientsToProto(Configured());
  // The catalog renamed nothing, but a stored name or stands_for never wins over it.
  for (pb::Recipient& p : stored) {
    if (p.id() == "unit:市住房和城乡建设局") {
      p.set_name("旧名称");
      p.set_stands_for("旧名称");
    }
  }
  auto overlay = OverlayStored(Derived(), stored);
  ASSERT_TRUE(overlay.ok()) << overlay.status();
  EXPECT_THAT(overlay->skipped, IsEmpty());

  const Recipient& zhujian = overlay->recipients.by_id.at("unit:市住房和城乡建设局");
  EXPECT_EQ(zhujian.name, "市住房和城乡建设局");
  EXPECT_EQ(zhujian.stands_for, "市住房和城乡建设局");
  ASSERT_EQ(zhujian.channels.size(), 3u);
  EXPECT_EQ(zhujian.channels[0].kind, ChannelKind::kWeCom);
  EXPECT_EQ(zhujian.channels[0].secret_ref, "notify/wecom/zhujian");
  EXPECT_EQ(zhujian.digest.cadence, DigestCadence::kDaily);
  EXPECT_EQ(zhujian.digest.time_of_day, absl::Hours(7) + absl::Minutes(45));
  EXPECT_EQ(overlay->recipients.by_id.at("head:市商务局").digest.cadence, DigestCadence::kWeekly);

  // The body the office added is there as stored.
  ASSERT_TRUE(overlay->recipients.by_id.contains("body:市优化营商环境工作领导小组"));
  EXPECT_EQ(overlay->recipients.by_id.at("body:市优化营商环境工作领导小组").kind, RecipientKind::kGovernmentBody);
  EXPECT_EQ(overlay->recipients.by_id.size(), Configured().by_id.size());

  // The catalog's aliases and other names still resolve.
  auto alias = ResolveReceiver("unit:市住建局", overlay->recipients);
  ASSERT_TRUE(alias.ok()) << alias.status();
  EXPECT_EQ((*alias)->id, "unit:市住房和城乡建设局");
  auto office = ResolveReceiver("unit:市营商办", overlay->recipients);
  ASSERT_TRUE(office.ok()) << office.status();
  EXPECT_EQ((*office)->id, "office");
}

TEST(OverlayStoredTest, NothingStoredIsTheDerivedRecipients) {
  const Recipients derived = Derived();
  auto overlay = OverlayStored(derived, {});
  ASSERT_TRUE(overlay.ok()) << overlay.status();
  ASSERT_EQ(overlay->recipients.by_id.size(), derived.by_id.size());
  for (const auto& [id, r] : derived.by_id) {
    EXPECT_TRUE(SameRecipient(overlay->recipients.by_id.at(id), r)) << id;
  }
}

TEST(OverlayStoredTest, AStoredRecipientTheCatalogNoLongerHasIsSkippedAndReported) {
  Recipient retired_unit;
  retired_unit.id = "unit:市旧局";  // retired in the catalog since the import
  retired_unit.name = "市旧局";
  retired_unit.kind = RecipientKind::kUnit;
  retired_unit.stands_for = "市旧局";
  retired_unit.channels = {{ChannelKind::kEmail, "jiuju@ys.example.invalid", "", 1}, {ChannelKind::kInbox, "", "", 2}};
  Recipient old_lead = retired_unit;
  old_lead.id = "lead:退休者";
  old_lead.name = "退休者";
  old_lead.kind = RecipientKind::kLead;
  old_lead.stands_for = "退休者";

  auto overlay = OverlayStored(Derived(), {RecipientToProto(old_lead), RecipientToProto(retired_unit)});
  ASSERT_TRUE(overlay.ok()) << overlay.status();
  EXPECT_FALSE(overlay->recipients.by_id.contains("unit:市旧局"));
  EXPECT_FALSE(overlay->recipients.by_id.contains("lead:退休者"));
  EXPECT_THAT(overlay->skipped, ElementsAre("lead:退休者: not in the catalog any more",
                                            "unit:市旧局: not in the catalog any more"));
  EXPECT_EQ(overlay->recipients.by_id.size(), Derived().by_id.size());
}

TEST(OverlayStoredTest, ARetiredStoredRecordConfiguresNothing) {
  Recipients configured = Derived();
  configured.by_id.at("office").channels = {{ChannelKind::kEmail, "office@ys.example.invalid", "", 1},
                                            {ChannelKind::kInbox, "", "", 2}};
  pb::Recipient p = ProtoOf(configured, "office");
  p.set_retired(true);
  auto overlay = OverlayStored(Derived(), {p});
  ASSERT_TRUE(overlay.ok()) << overlay.status();
  ASSERT_EQ(overlay->recipients.by_id.at("office").channels.size(), 1u);
  EXPECT_EQ(overlay->recipients.by_id.at("office").channels[0].kind, ChannelKind::kInbox);
  EXPECT_THAT(overlay->skipped, IsEmpty());
}

TEST(OverlayStoredTest, AStoredRecordThatDoesNotConvertNamesItsId) {
  std::vector<pb::Recipient> stored = RecipientsToProto(Configured());
  for (pb::Recipient& p : stored) {
    if (p.id() == "unit:市商务局") p.mutable_channels(0)->set_kind(pb::CHANNEL_KIND_UNSPECIFIED);
  }
  auto overlay = OverlayStored(Derived(), stored);
  ASSERT_FALSE(overlay.ok());
  EXPECT_EQ(overlay.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(overlay.status().message(), HasSubstr("recipient unit:市商务局: channels[0].kind: unspecified"));
}

TEST(OverlayStoredTest, AStoredDigestTheCatalogsKindRefusesIsInvalid) {
  // Stored as a government body with a digest, but the catalog has that id as a publication.
  Recipient p = Derived().by_id.at("publication:政务网站");
  p.kind = RecipientKind::kGovernmentBody;
  p.digest = {DigestCadence::kDaily, absl::Hours(8)};
  auto overlay = OverlayStored(Derived(), {RecipientToProto(p)});
  ASSERT_FALSE(overlay.ok());
  EXPECT_EQ(overlay.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(overlay.status().message(), HasSubstr("recipient publication:政务网站: digest"));
}

}  // namespace
}  // namespace ys::notify
