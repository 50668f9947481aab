// The notify desk on the in-memory store: who reads which inbox and history, silences, recipient
// imports, route tests. The recipient rule chosen (desk.h): a unit or centre key always reads its
// OWN inbox and history, whatever recipient_id it sends (notify.proto "reads its own whatever it
// asks") — never another's, and never an error the web console would have to avoid.
#include "services/notify/desk.h"

#include "services/notify/service.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/time/proto_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/fakes/fake_clock.h"
#include "tests/services/notify/fake_notify_store.h"

namespace ys::notify {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::StartsWith;

constexpr char kRoutes[] = R"yaml(route:
  receivers: [office]
  routes:
    - matchers: ["event_type=ranking_alert"]
      receivers: ["unit:{{unit}}", "head:{{unit}}", "lead:{{lead}}", "unit:市营商办"]
)yaml";

CatalogView SmallCatalog() {
  CatalogView v;
  v.units = {{"市住房和城乡建设局", {"市住建局"}}, {"市商务局", {}}, {"市营商办", {}}, {"市政务服务管理局", {}}};
  v.indicators = {{"I12", "郭峰", {{"市商务局", "陈文宏"}}}, {"I03", "李茂荣", {{"市住建局", "陈锋"}}}};
  v.counties = {{"361102", "信州区"}};
  return v;
}

Actor Office() { return {.name = "office-dev", .office = true}; }
Actor Viewer() { return {.name = "viewer-dev", .viewer = true}; }
Actor Centre() { return {.name = "centre-dev", .centre = true}; }
Actor Unit(std::string unit) { return {.name = "unit-key", .unit = std::move(unit)}; }
Actor Leader(std::string name) { return {.name = "leader-key", .lead = std::move(name)}; }
Actor County(std::string code) { return {.name = "county-key", .county = std::move(code)}; }

class NotifyDeskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto routes = ParseRouteTree(kRoutes);
    ASSERT_TRUE(routes.ok()) << routes.status();
    settings_.routes = *std::move(routes);
    ASSERT_TRUE(book_.Rebuild(SmallCatalog(), RecipientsVersion{}).ok());
  }

  void AddInbox(const std::string& id, const std::string& recipient, int minutes_ago) {
    pb::InboxItem item;
    item.set_id(id);
    item.set_recipient_id(recipient);
    item.set_notification_id("N-" + id);
    item.set_title("标题 " + id);
    *item.mutable_created_at() = ToProtoTime(clock_.Now() - absl::Minutes(minutes_ago));
    ASSERT_TRUE(store_.Write([&](NotifyTx& tx) { return tx.AddInboxItem(item).status(); }).ok());
  }

  void AddDelivery(const std::string& notification, const std::string& recipient) {
    pb::Delivery d;
    d.set_id(DeliveryId(notification, recipient, pb::CHANNEL_KIND_INBOX, 1));
    d.set_notification_id(notification);
    d.set_recipient_id(recipient);
    d.set_channel(pb::CHANNEL_KIND_INBOX);
    d.set_channel_order(1);
    d.set_state(pb::DELIVERY_STATE_DELIVERED);
    d.set_event_id("ce-" + notification);
    *d.mutable_created_at() = ToProtoTime(clock_.Now());
    ASSERT_TRUE(store_.Write([&](NotifyTx& tx) { return tx.PutDelivery(d, std::nullopt); }).ok());
  }

  std::vector<std::string> InboxIds(const Actor& actor, const std::string& asked) {
    pb::ListInboxRequest req;
    req.set_recipient_id(asked);
    auto resp = desk_.ListInbox(actor, req);
    EXPECT_TRUE(resp.ok()) << resp.status();
    std::vector<std::string> out;
    if (!resp.ok()) return out;
    for (const pb::InboxItem& item : resp->items()) out.push_back(item.recipient_id() + " " + item.id());
    return out;
  }

  absl::StatusOr<pb::Silence> AddSilence(std::vector<std::string> matchers, absl::Duration lasts,
                                      std::string comment = "维护中（示例）") {
    pb::CreateSilenceRequest req;
    for (std::string& m : matchers) req.add_matchers(std::move(m));
    *req.mutable_ends_at() = ToProtoTime(clock_.Now() + lasts);
    req.set_comment(std::move(comment));
    return desk_.CreateSilence(Office(), req);
  }

  int64_t StoredVersion() {
    int64_t version = -1;
    EXPECT_TRUE(store_.Read([&](NotifyTx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(RecipientsVersion v, tx.Recipients());
      version = v.version;
      return absl::OkStatus();
    }).ok());
    return version;
  }

  testing::FakeNotifyStore store_;
  RecipientBook book_;
  NotifySettings settings_;
  ys::testing::FakeClock clock_{absl::FromCivil(absl::CivilSecond(2022, 10, 17, 10, 0, 0), Shanghai())};
  NotifyDesk desk_{store_, book_, settings_, clock_};
};

// --- the inbox ---------------------------------------------------------------------------------

TEST_F(NotifyDeskTest, AUnitKeyReadsItsOwnInboxWhateverItAsks) {
  AddInbox("i1", "unit:市商务局", 2);
  AddInbox("i2", "unit:市商务局", 1);
  AddInbox("i3", "office", 1);
  AddInbox("i4", "unit:市住房和城乡建设局", 1);

  EXPECT_THAT(InboxIds(Unit("市商务局"), "office"), ElementsAre("unit:市商务局 i2", "unit:市商务局 i1"));
  EXPECT_THAT(InboxIds(Unit("市商务局"), ""), ElementsAre("unit:市商务局 i2", "unit:市商务局 i1"));
  // The office names whose inbox it reads (an alias resolves); its own when it names none.
  EXPECT_THAT(InboxIds(Office(), "unit:市住建局"), ElementsAre("unit:市住房和城乡建设局 i4"));
  EXPECT_THAT(InboxIds(Office(), ""), ElementsAre("office i3"));
  // 市营商办 is a unit of the catalog and the office: one organisation, one inbox.
  EXPECT_THAT(InboxIds(Unit("市营商办"), ""), ElementsAre("office i3"));
  EXPECT_THAT(InboxIds(Centre(), "office"), IsEmpty());

  pb::UnreadCountRequest count;
  count.set_recipient_id("office");
  auto unread = desk_.UnreadCount(Unit("市商务局"), count);
  ASSERT_TRUE(unread.ok()) << unread.status();
  EXPECT_EQ(unread->unread(), 2);

  // A viewer reads the history, not inboxes.
  EXPECT_EQ(desk_.ListInbox(Viewer(), {}).status().code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(NotifyDeskTest, MarkingTwiceMarksNothingAndAnotherInboxIsLeftAlone) {
  AddInbox("i1", "unit:市商务局", 2);
  AddInbox("i2", "unit:市商务局", 1);
  AddInbox("i3", "office", 1);

  pb::MarkReadRequest one;
  one.add_ids("i1");
  one.add_ids("i3");  // the office's: not this key's to mark
  EXPECT_EQ(desk_.MarkRead(Unit("市商务局"), one)->marked(), 1);
  EXPECT_EQ(desk_.MarkRead(Unit("市商务局"), one)->marked(), 0);

  pb::MarkReadRequest all;
  all.set_all(true);
  EXPECT_EQ(desk_.MarkRead(Unit("市商务局"), all)->marked(), 1);
  EXPECT_EQ(desk_.MarkRead(Unit("市商务局"), all)->marked(), 0);

  auto office = desk_.ListInbox(Office(), {});
  ASSERT_TRUE(office.ok()) << office.status();
  EXPECT_EQ(office->unread(), 1);
  pb::ListInboxRequest unread_only;
  unread_only.set_unread_only(true);
  EXPECT_EQ(desk_.ListInbox(Unit("市商务局"), unread_only)->items_size(), 0);

  auto neither = desk_.MarkRead(Unit("市商务局"), pb::MarkReadRequest());
  EXPECT_EQ(neither.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(neither.status().message()), StartsWith("ids: "));
}

TEST_F(NotifyDeskTest, TheInboxPagesNewestFirst) {
  for (int i = 0; i < 5; ++i) AddInbox(absl::StrCat("i", i), "office", 10 - i);
  pb::ListInboxRequest req;
  req.mutable_page()->set_page_size(2);
  std::vector<std::string> ids;
  int pages = 0;
  do {
    auto resp = desk_.ListInbox(Office(), req);
    ASSERT_TRUE(resp.ok()) << resp.status();
    for (const auto& item : resp->items()) ids.push_back(item.id());
    req.mutable_page()->set_page_token(resp->page().next_page_token());
    ++pages;
  } while (!req.page().page_token().empty());
  EXPECT_EQ(pages, 3);
  EXPECT_THAT(ids, ElementsAre("i4", "i3", "i2", "i1", "i0"));
}

// Issue #15's people: a 领班's inbox is lead:<name> (routing's lead:{{lead}}), a county's
// county:<code> (county:{{county}}); each reads and marks its own only, whatever it asks.
TEST_F(NotifyDeskTest, Issue15_ALeaderAndACountyReadAndMarkTheirOwnInboxOnly) {
  AddInbox("i1", "lead:李茂荣", 3);
  AddInbox("i2", "lead:郭峰", 2);
  AddInbox("i3", "county:361102", 1);
  AddInbox("i4", "unit:市商务局", 1);
  AddInbox("i5", "office", 1);

  EXPECT_THAT(InboxIds(Leader("李茂荣"), "lead:郭峰"), ElementsAre("lead:李茂荣 i1"));
  EXPECT_THAT(InboxIds(Leader("郭峰"), ""), ElementsAre("lead:郭峰 i2"));
  EXPECT_THAT(InboxIds(County("361102"), "office"), ElementsAre("county:361102 i3"));
  // The county's unit key reads the same inbox, as before (unit:信州区 is county:361102).
  EXPECT_THAT(InboxIds(Unit("信州区"), ""), ElementsAre("county:361102 i3"));
  // A 领班 the recipients in force do not hold (of no indicator yet) reads an empty inbox, not another's.
  EXPECT_THAT(InboxIds(Leader("王五"), "lead:李茂荣"), IsEmpty());
  EXPECT_THAT(InboxIds(County("361103"), "county:361102"), IsEmpty());

  pb::UnreadCountRequest count;
  count.set_recipient_id("office");
  EXPECT_EQ(desk_.UnreadCount(Leader("李茂荣"), count)->unread(), 1);
  EXPECT_EQ(desk_.UnreadCount(County("361102"), count)->unread(), 1);

  pb::MarkReadRequest mark;
  mark.add_ids("i3");
  mark.add_ids("i1");  // 李茂荣's: not the county's to mark
  EXPECT_EQ(desk_.MarkRead(County("361102"), mark)->marked(), 1);
  EXPECT_EQ(desk_.UnreadCount(County("361102"), count)->unread(), 0);
  EXPECT_EQ(desk_.UnreadCount(Leader("李茂荣"), count)->unread(), 1);
  pb::MarkReadRequest all;
  all.set_all(true);
  EXPECT_EQ(desk_.MarkRead(Leader("李茂荣"), all)->marked(), 1);
  EXPECT_EQ(desk_.UnreadCount(Leader("郭峰"), count)->unread(), 1);
  auto office = desk_.ListInbox(Office(), {});
  ASSERT_TRUE(office.ok()) << office.status();
  EXPECT_EQ(office->unread(), 1);
}

TEST_F(NotifyDeskTest, Issue15_TheActorOfALeaderOrACountyNamesItsOwnRecipient) {
  const Actor leader = ActorOf(Principal{.name = "张三 (leader:李茂荣) via console", .role = "leader:李茂荣"});
  EXPECT_EQ(leader.lead, "李茂荣");
  EXPECT_FALSE(leader.county.has_value());
  EXPECT_FALSE(leader.unit.has_value());
  EXPECT_FALSE(leader.office || leader.viewer || leader.centre);
  EXPECT_EQ(leader.name, "张三 (leader:李茂荣) via console");
  const Actor county = ActorOf(Principal{.name = "李四 (county:361102) via console", .role = "county:361102"});
  EXPECT_EQ(county.county, "361102");
  EXPECT_FALSE(county.lead.has_value());
  EXPECT_FALSE(county.unit.has_value());
  // The other roles as before.
  const Actor unit = ActorOf(Principal{.name = "shangwu", .role = "unit:市商务局"});
  EXPECT_EQ(unit.unit, "市商务局");
  EXPECT_FALSE(unit.lead.has_value() || unit.county.has_value());
  EXPECT_TRUE(ActorOf(Principal{.name = "v", .role = "viewer"}).viewer);
  EXPECT_TRUE(ActorOf(Principal{.name = "o", .role = "office"}).office);
}

// --- the history -------------------------------------------------------------------------------

TEST_F(NotifyDeskTest, ARecipientKeyReadsOnlyItsOwnDeliveries) {
  AddDelivery("N-1", "unit:市商务局");
  AddDelivery("N-1", "office");
  AddDelivery("N-2", "centre");

  pb::ListDeliveriesRequest by_notification;
  by_notification.set_notification_id("N-1");
  auto unit = desk_.ListDeliveries(Unit("市商务局"), by_notification);
  ASSERT_TRUE(unit.ok()) << unit.status();
  ASSERT_EQ(unit->deliveries_size(), 1);
  EXPECT_EQ(unit->deliveries(0).recipient_id(), "unit:市商务局");

  auto office = desk_.ListDeliveries(Office(), by_notification);
  ASSERT_TRUE(office.ok()) << office.status();
  EXPECT_EQ(office->deliveries_size(), 2);
  auto viewer = desk_.ListDeliveries(Viewer(), by_notification);
  ASSERT_TRUE(viewer.ok()) << viewer.status();
  EXPECT_EQ(viewer->deliveries_size(), 2);

  pb::ListDeliveriesRequest asks_another;
  asks_another.set_recipient_id("office");
  auto centre = desk_.ListDeliveries(Centre(), asks_another);
  ASSERT_TRUE(centre.ok()) << centre.status();
  ASSERT_EQ(centre->deliveries_size(), 1);
  EXPECT_EQ(centre->deliveries(0).recipient_id(), "centre");

  // The office must say what it looks for.
  auto everything = desk_.ListDeliveries(Office(), {});
  EXPECT_EQ(everything.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(NotifyDeskTest, Issue15_ALeaderAndACountyReadOnlyTheirOwnDeliveries) {
  AddDelivery("N-1", "lead:李茂荣");
  AddDelivery("N-1", "county:361102");
  AddDelivery("N-1", "office");
  AddDelivery("N-2", "lead:郭峰");

  pb::ListDeliveriesRequest by_notification;
  by_notification.set_notification_id("N-1");
  auto leader = desk_.ListDeliveries(Leader("李茂荣"), by_notification);
  ASSERT_TRUE(leader.ok()) << leader.status();
  ASSERT_EQ(leader->deliveries_size(), 1);
  EXPECT_EQ(leader->deliveries(0).recipient_id(), "lead:李茂荣");
  auto county = desk_.ListDeliveries(County("361102"), by_notification);
  ASSERT_TRUE(county.ok()) << county.status();
  ASSERT_EQ(county->deliveries_size(), 1);
  EXPECT_EQ(county->deliveries(0).recipient_id(), "county:361102");
  EXPECT_EQ(desk_.ListDeliveries(Office(), by_notification)->deliveries_size(), 3);

  // Asking for another's is answered with its own.
  pb::ListDeliveriesRequest asks_another;
  asks_another.set_recipient_id("lead:郭峰");
  auto own = desk_.ListDeliveries(Leader("李茂荣"), asks_another);
  ASSERT_TRUE(own.ok()) << own.status();
  ASSERT_EQ(own->deliveries_size(), 1);
  EXPECT_EQ(own->deliveries(0).notification_id(), "N-1");
  EXPECT_EQ(own->deliveries(0).recipient_id(), "lead:李茂荣");
}

TEST_F(NotifyDeskTest, ListNotificationsRefusesAnEmptyWindow) {
  pb::ListNotificationsRequest req;
  *req.mutable_from() = ToProtoTime(clock_.Now());
  *req.mutable_to() = ToProtoTime(clock_.Now());
  auto resp = desk_.ListNotifications(Office(), req);
  EXPECT_EQ(resp.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(resp.status().message()), StartsWith("to: "));
}

// --- silences ----------------------------------------------------------------------------------

TEST_F(NotifyDeskTest, ASilenceThatBreaksARuleNamesTheField) {
  auto bad_matcher = AddSilence({"unit=市商务局", "indicator=~I0["}, absl::Hours(2));
  EXPECT_EQ(bad_matcher.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad_matcher.status().message()), StartsWith("matchers[1]: "));

  auto everything = AddSilence({"unit=~.*"}, absl::Hours(2));
  EXPECT_THAT(std::string(everything.status().message()), StartsWith("matchers: "));

  auto too_long = AddSilence({"unit=市商务局"}, absl::Hours(24 * 31));
  EXPECT_THAT(std::string(too_long.status().message()), StartsWith("ends_at: "));

  auto past = AddSilence({"unit=市商务局"}, -absl::Hours(1));
  EXPECT_THAT(std::string(past.status().message()), StartsWith("ends_at: "));

  auto no_reason = AddSilence({"unit=市商务局"}, absl::Hours(2), "  ");
  EXPECT_THAT(std::string(no_reason.status().message()), StartsWith("comment: "));

  pb::CreateSilenceRequest no_end;
  no_end.add_matchers("unit=市商务局");
  no_end.set_comment("x");
  EXPECT_THAT(std::string(desk_.CreateSilence(Office(), no_end).status().message()), StartsWith("ends_at: "));

  EXPECT_EQ(desk_.CreateSilence(Unit("市商务局"), no_end).status().code(), absl::StatusCode::kPermissionDenied);

  // Nothing was stored.
  auto listed = desk_.ListSilences(Office(), pb::ListSilencesRequest());
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->silences_size(), 0);
}

TEST_F(NotifyDeskTest, ASilenceIsCreatedAndExpiredByTheOffice) {
  auto first = AddSilence({"unit=市商务局"}, absl::Hours(2));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->id(), "S-1");
  EXPECT_EQ(first->created_by(), "office-dev");
  EXPECT_EQ(FromProtoTime(first->starts_at()), clock_.Now());  // unset: now
  auto second = AddSilence({"event_type=duty_reminder"}, absl::Hours(1));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->id(), "S-2");

  clock_.Advance(absl::Minutes(10));
  pb::ExpireSilenceRequest expire;
  expire.set_id("S-1");
  auto expired = desk_.ExpireSilence(Office(), expire);
  ASSERT_TRUE(expired.ok()) << expired.status();
  EXPECT_EQ(FromProtoTime(expired->ends_at()), clock_.Now());
  EXPECT_EQ(expired->expired_by(), "office-dev");

  auto active = desk_.ListSilences(Office(), pb::ListSilencesRequest());
  ASSERT_TRUE(active.ok()) << active.status();
  ASSERT_EQ(active->silences_size(), 1);
  EXPECT_EQ(active->silences(0).id(), "S-2");
  pb::ListSilencesRequest all;
  all.set_include_expired(true);
  auto every = desk_.ListSilences(Office(), all);
  ASSERT_TRUE(every.ok()) << every.status();
  ASSERT_EQ(every->silences_size(), 2);
  EXPECT_EQ(every->silences(0).id(), "S-2");  // in force first
  EXPECT_EQ(every->silences(1).id(), "S-1");

  // An id after an expired one is still new.
  auto third = AddSilence({"unit=市住房和城乡建设局"}, absl::Hours(1));
  ASSERT_TRUE(third.ok()) << third.status();
  EXPECT_EQ(third->id(), "S-3");

  expire.set_id("S-9");
  EXPECT_EQ(desk_.ExpireSilence(Office(), expire).status().code(), absl::StatusCode::kNotFound);
}

// --- recipients --------------------------------------------------------------------------------

constexpr char kRecipientsFile[] = R"yaml(recipients:
  - id: unit:市商务局
    channels: [{kind: email, target: shangwu@example.invalid}]
  - id: body:市优化营商环境工作领导小组
    name: 市优化营商环境工作领导小组
)yaml";

TEST_F(NotifyDeskTest, ADryRunImportShowsTheDiffAndWritesNothing) {
  pb::ImportRecipientsRequest req;
  req.set_yaml(kRecipientsFile);
  req.set_file_name("recipients.yaml");
  req.set_validate_only(true);
  auto resp = desk_.ImportRecipients(Office(), req);
  ASSERT_TRUE(resp.ok()) << resp.status();
  EXPECT_FALSE(resp->applied());
  ASSERT_EQ(resp->changes_size(), 2);
  EXPECT_THAT(resp->changes(0), StartsWith("+ body:市优化营商环境工作领导小组: "));
  EXPECT_THAT(resp->changes(1), StartsWith("~ unit:市商务局: channels: "));
  EXPECT_EQ(resp->recipients(), static_cast<int>(book_.Current()->by_id.size()) + 1);
  EXPECT_EQ(StoredVersion(), 0);
  EXPECT_EQ(book_.version(), 0);
  EXPECT_FALSE(book_.Current()->by_id.contains("body:市优化营商环境工作领导小组"));
}

TEST_F(NotifyDeskTest, AnImportAppliesAndMovesTheBooksVersion) {
  pb::ImportRecipientsRequest req;
  req.set_yaml(kRecipientsFile);
  req.set_file_name("recipients.yaml");
  auto resp = desk_.ImportRecipients(Office(), req);
  ASSERT_TRUE(resp.ok()) << resp.status();
  EXPECT_TRUE(resp->applied());
  EXPECT_EQ(resp->changes_size(), 2);
  EXPECT_EQ(StoredVersion(), 1);
  EXPECT_EQ(book_.version(), 1);
  const Recipient& shangwu = book_.Current()->by_id.at("unit:市商务局");
  ASSERT_EQ(shangwu.channels.size(), 2u);
  EXPECT_EQ(shangwu.channels[0].kind, ChannelKind::kEmail);

  // The same file again changes nothing and writes no version.
  auto again = desk_.ImportRecipients(Office(), req);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE(again->applied());
  EXPECT_THAT(again->changes(), IsEmpty());
  EXPECT_EQ(StoredVersion(), 1);

  pb::ListRecipientsRequest list;
  list.set_kind(pb::RECIPIENT_KIND_GOVERNMENT_BODY);
  auto bodies = desk_.ListRecipients(Centre(), list);
  ASSERT_TRUE(bodies.ok()) << bodies.status();
  bool found = false;
  for (const pb::Recipient& r : bodies->recipients()) {
    EXPECT_EQ(r.kind(), pb::RECIPIENT_KIND_GOVERNMENT_BODY);
    if (r.id() != "body:市优化营商环境工作领导小组") continue;
    found = true;
    EXPECT_EQ(r.version(), 1);
    EXPECT_EQ(r.updated_by(), "office-dev");
  }
  EXPECT_TRUE(found);

  EXPECT_EQ(desk_.ImportRecipients(Centre(), req).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(desk_.ListRecipients(Unit("市商务局"), list).status().code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(NotifyDeskTest, ABadFileIsRefusedNamingTheLine) {
  pb::ImportRecipientsRequest req;
  req.set_yaml("recipients:\n  - id: unit:市不存在局\n");
  req.set_file_name("recipients.yaml");
  auto resp = desk_.ImportRecipients(Office(), req);
  EXPECT_EQ(resp.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(resp.status().message()), StartsWith("recipients.yaml:2: "));
  EXPECT_EQ(StoredVersion(), 0);
}

// --- route tests -------------------------------------------------------------------------------

TEST_F(NotifyDeskTest, TestRouteShowsDroppedAndUnknownReceiversAndTheSilence) {
  pb::TestRouteRequest req;
  (*req.mutable_labels())["event_type"] = "ranking_alert";
  (*req.mutable_labels())["unit"] = "市商务局";
  auto resp = desk_.TestRoute(Office(), req);
  ASSERT_TRUE(resp.ok()) << resp.status();
  ASSERT_EQ(resp->routes_size(), 1);
  const pb::RouteDecision& d = resp->routes(0);
  EXPECT_EQ(d.path(), "route.routes[0]");
  EXPECT_THAT(d.receivers(), ElementsAre("unit:市商务局", "head:市商务局", "office"));
  EXPECT_THAT(d.dropped(), ElementsAre("lead:{{lead}} (label lead is missing or empty)"));
  EXPECT_THAT(d.unknown_receivers(), IsEmpty());
  EXPECT_THAT(d.description(), StartsWith("route.routes[0] -> "));
  EXPECT_EQ(resp->silenced_by(), "");

  ASSERT_TRUE(AddSilence({"unit=市商务局"}, absl::Hours(1)).ok());
  (*req.mutable_labels())["lead"] = "郭峰";
  resp = desk_.TestRoute(Office(), req);
  ASSERT_TRUE(resp.ok()) << resp.status();
  EXPECT_THAT(resp->routes(0).receivers(), ElementsAre("unit:市商务局", "head:市商务局", "lead:郭峰", "office"));
  EXPECT_EQ(resp->silenced_by(), "S-1");

  (*req.mutable_labels())["unit"] = "市不存在局";
  (*req.mutable_labels())["lead"] = "张三";
  resp = desk_.TestRoute(Office(), req);
  ASSERT_TRUE(resp.ok()) << resp.status();
  EXPECT_THAT(resp->routes(0).unknown_receivers(),
              ElementsAre("unit:市不存在局", "head:市不存在局", "lead:张三"));
  EXPECT_THAT(resp->routes(0).receivers(), ElementsAre("office"));
  EXPECT_EQ(resp->silenced_by(), "");

  // The root matches whatever else comes.
  pb::TestRouteRequest other;
  (*other.mutable_labels())["event_type"] = "case_opened";
  resp = desk_.TestRoute(Office(), other);
  ASSERT_TRUE(resp.ok()) << resp.status();
  ASSERT_EQ(resp->routes_size(), 1);
  EXPECT_EQ(resp->routes(0).path(), "route");
  EXPECT_THAT(resp->routes(0).receivers(), ElementsAre("office"));

  (*other.mutable_labels())["bad-name"] = "x";
  EXPECT_THAT(std::string(desk_.TestRoute(Office(), other).status().message()), StartsWith("labels["));
  EXPECT_EQ(desk_.TestRoute(Viewer(), req).status().code(), absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace ys::notify
