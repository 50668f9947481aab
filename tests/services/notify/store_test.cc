// The notify store's behaviour, checked once and run against both stores: PgNotifyStore on the
// running PostgreSQL (a fresh schema per test) and the FakeNotifyStore the service tests use. Then
// what only PostgreSQL has: two replicas taking due deliveries at once, the outbox row.

#include <pqxx/pqxx>

#include <algorithm>
#include <cmath>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/pg/migrations.h"
#include "common/status/macros.h"
#include "common/time/proto_time.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "services/notify/embedded.h"
#include "services/notify/store.h"
#include "tests/services/notify/fake_notify_store.h"
#include "tests/support/outbox_fixture.h"
#include "tests/support/test_env.h"

namespace ys::notify {
namespace {

using testing::EmittedDelivery;
using testing::FakeNotifyStore;

class FakeBackend {
 public:
  static constexpr char kName[] = "Fake";
  void SetUp() {}
  NotifyStore& store() { return store_; }
  std::vector<EmittedDelivery> Emitted() { return store_.events(); }

 private:
  FakeNotifyStore store_;
};

class PgBackend {
 public:
  static constexpr char kName[] = "Postgres";
  void SetUp() {
    auto migrations = MigrationsFromFiles(EmbeddedMigrations());
    ASSERT_TRUE(migrations.ok()) << migrations.status();
    pool_ = ys::testing::MigratedPool(ys::testing::UniqueName("t_notify"), *migrations);
    ASSERT_NE(pool_, nullptr);
    store_ = std::make_unique<PgNotifyStore>(*pool_);
  }
  NotifyStore& store() { return *store_; }
  PgPool& pool() { return *pool_; }
  std::vector<EmittedDelivery> Emitted() {
    std::vector<EmittedDelivery> out;
    absl::Status s = pool_->WithTransaction([&](pqxx::work& tx) {
      for (const auto& row : tx.exec("SELECT msg_key, payload FROM outbox ORDER BY id")) {
        EmittedDelivery& e = out.emplace_back();
        e.key = row[0].as<std::string>();
        EXPECT_TRUE(e.delivery.ParseFromString(pqxx::binarystring(row[1]).str()));
      }
      return absl::OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s;
    return out;
  }

 private:
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<PgNotifyStore> store_;
};

::testing::AssertionResult Same(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  if (google::protobuf::util::MessageDifferencer::Equals(a, b)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\n" << a.DebugString() << "differs from\n" << b.DebugString();
}

constexpr int64_t kT0 = 1665964800123456;  // 2022-10-17 08:00:00.123456 +08:00
absl::Time T(int64_t seconds_after) { return absl::FromUnixMicros(kT0) + absl::Seconds(seconds_after); }
google::protobuf::Timestamp Ts(int64_t seconds_after) { return ToProtoTime(T(seconds_after)); }

pb::Recipient Rcpt(const std::string& id, const std::string& name) {
  pb::Recipient r;
  r.set_id(id);
  r.set_name(name);
  r.set_kind(pb::RECIPIENT_KIND_UNIT);
  r.set_unit(name);
  pb::Channel* c = r.add_channels();
  c->set_kind(pb::CHANNEL_KIND_WECOM);
  c->set_target("https://qyapi.weixin.qq.com/cgi-bin/webhook/send");
  c->set_secret_ref("notify/wecom/x");
  c->set_order(1);
  r.add_channels()->set_kind(pb::CHANNEL_KIND_INBOX);
  r.mutable_channels(1)->set_order(2);
  r.mutable_preferences()->set_digest(pb::DIGEST_CADENCE_DAILY);
  *r.mutable_updated_at() = Ts(0);
  return r;
}

pb::Notification Note(const std::string& id, const std::string& event_id, const std::string& type,
                      std::vector<std::string> receivers, int64_t at) {
  pb::Notification n;
  n.set_id(id);
  n.set_event_id(event_id);
  n.set_event_source("/yingshang/ranking");
  n.set_event_type(type);
  n.set_severity(pb::SEVERITY_WARNING);
  (*n.mutable_labels())["unit"] = "市商务局";
  n.set_title("指标预警");
  for (auto& r : receivers) n.add_receivers(r);
  n.set_group_key("{}|unit:市商务局|{}");
  n.set_sequence(1);
  *n.mutable_created_at() = Ts(at);
  n.set_reason("非工作时间");
  n.set_markdown("**指标预警**\n市商务局 I01 低于目标");
  n.set_mail_text("指标预警\n市商务局 I01 低于目标");
  n.set_members(2);
  return n;
}

pb::Delivery Deliv(const std::string& notification, const std::string& recipient, pb::DeliveryState state,
                   int64_t created, const std::string& event = "evt-1") {
  pb::Delivery d;
  d.set_id(DeliveryId(notification, recipient, pb::CHANNEL_KIND_WECOM, 1));
  d.set_notification_id(notification);
  d.set_recipient_id(recipient);
  d.set_channel(pb::CHANNEL_KIND_WECOM);
  d.set_channel_order(1);
  d.set_state(state);
  d.set_event_id(event);
  *d.mutable_created_at() = Ts(created);
  *d.mutable_updated_at() = Ts(created);
  return d;
}

pb::InboxItem Item(const std::string& id, const std::string& recipient, int64_t at) {
  pb::InboxItem i;
  i.set_id(id);
  i.set_recipient_id(recipient);
  i.set_notification_id("N-" + id);
  i.set_title("标题");
  i.set_markdown("**内容**");
  i.set_severity(pb::SEVERITY_INFO);
  i.set_event_type("case_opened");
  *i.mutable_created_at() = Ts(at);
  return i;
}

pb::Silence Sil(const std::string& id, int64_t starts, int64_t ends) {
  pb::Silence s;
  s.set_id(id);
  s.add_matchers("unit=市商务局");
  *s.mutable_starts_at() = Ts(starts);
  *s.mutable_ends_at() = Ts(ends);
  s.set_created_by("office");
  s.set_comment("维护");
  *s.mutable_created_at() = Ts(starts);
  return s;
}

pb::SupervisionItem Supervise(int seq, const std::string& unit, const std::string& case_id) {
  pb::SupervisionItem i;
  i.set_seq(seq);
  i.set_unit(unit);
  i.set_region_code("361102");
  i.set_indicator_code("I07");
  i.set_title("开办企业指标连续两季度排名下滑");
  i.set_description("请于一个月内完成整改并报送情况");
  i.set_head("王副市长");
  i.set_lead("市市场监管局");
  i.set_case_id(case_id);
  return i;
}

// A document as the lifecycle keeps it; issued ones carry their number.
pb::Document Doc(const std::string& id, pb::DocumentKind kind, const std::string& period, int version,
                 pb::DocumentState state, const std::string& number = "") {
  pb::Document d;
  d.set_id(id);
  d.set_kind(kind);
  d.set_period(period);
  d.set_version(version);
  d.set_state(state);
  d.set_number(number);
  d.mutable_content()->set_title(kind == pb::DOCUMENT_KIND_BULLETIN ? "上饶市优化营商环境工作通报"
                                                                    : "上饶市优化营商环境调度会材料");
  d.mutable_content()->set_period(period);
  d.set_drafted_by("office");
  *d.mutable_drafted_at() = Ts(0);
  return d;
}

pb::Document IssuedBulletin() {
  pb::Document d = Doc("BUL-2022Q3-v1", pb::DOCUMENT_KIND_BULLETIN, "2022Q3", 1, pb::DOCUMENT_STATE_ISSUED,
                       "2022年第3期");
  pb::DocumentContent& c = *d.mutable_content();
  c.set_subtitle("2022年第三季度");
  c.mutable_cut_off()->set_seconds(1664553599);  // 2022-09-30 23:59:59 +08:00
  c.mutable_cut_off()->set_nanos(123456789);     // kept to the nanosecond
  c.set_issuer("上饶市优化营商环境工作领导小组办公室");
  c.add_notes("惠企通：indicator 服务不可用");
  pb::Section& s = *c.add_sections();
  s.set_key("ranks");
  s.set_title("一、18项一级指标、86项二级指标全省排名情况");
  s.set_plan_basis("§四(三) 一是调度18项一级指标、86项二级指标在全省的排名情况");
  s.add_summary("全市8项一级指标进入全省前三。");
  s.set_commentary("请各地对照\"短板\"指标\\逐项整改。\n第二段");
  pb::Table& t = *s.add_tables();
  t.set_key("l1_ranks");
  t.set_title("一级指标排名");
  t.add_columns("指标");
  t.add_columns("排名");
  t.add_columns("得分");
  t.set_note("上游：第1–3名（本地口径）");
  pb::Row& r = *t.add_rows();
  r.add_cells()->set_text("开办企业");
  pb::Cell* rank = r.add_cells();
  rank->set_text("第6名");
  rank->set_numeric(true);
  rank->set_number(6);
  pb::Cell* score = r.add_cells();
  score->set_text("1,234.50");
  score->set_numeric(true);
  score->set_number(0.1 + 0.2);  // 0.30000000000000004: every bit of a double survives jsonb
  r.add_units("市市场监管局");
  r.add_region_codes("361102");
  pb::Chart& ch = *s.add_charts();
  ch.set_key("rank_trend");
  ch.set_kind(pb::CHART_KIND_RANK_TREND);
  ch.set_title("排名走势");
  ch.add_x_labels("2022Q1");
  ch.add_x_labels("2022Q2");
  ch.add_x_labels("2022Q3");
  pb::Series& series = *ch.add_series();
  series.set_name("开办企业");
  series.add_values(4);
  series.add_values(std::nan(""));  // no rank that quarter
  series.add_values(6);
  ch.set_band_target(3);
  ch.set_band_floor(6);
  ch.set_scale_max(11);
  *d.add_items() = Supervise(1, "市市场监管局", "C-2022-0001");
  *d.add_items() = Supervise(2, "信州区", "");
  d.set_content_sha256(std::string(64, 'a'));
  d.set_issued_by("office");
  d.mutable_issued_at()->set_seconds(1665964800);
  d.mutable_issued_at()->set_nanos(1);
  d.set_pdf_sha256(std::string(64, 'b'));
  d.set_pdf_bytes(int64_t{5} << 33);  // past 32 bits
  d.add_delivered_to("unit:市市场监管局");
  d.add_delivered_to("county:361102");
  return d;
}

// Bytes like a PDF's: every byte value, NULs included, `size` of them.
std::string BinaryFile(size_t size, int seed) {
  std::string out = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";
  out.push_back('\0');
  while (out.size() < size) out.push_back(static_cast<char>((out.size() * 131 + seed) & 0xff));
  return out;
}

template <typename M>
std::vector<std::string> Ids(const std::vector<M>& messages) {
  std::vector<std::string> out;
  for (const M& m : messages) out.push_back(m.id());
  return out;
}

using V = std::vector<std::string>;

template <typename Backend>
class NotifyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { backend_.SetUp(); }
  NotifyStore& store() { return backend_.store(); }

  template <typename F>
  auto Reading(F fn) -> decltype(fn(std::declval<NotifyTx&>())) {
    decltype(fn(std::declval<NotifyTx&>())) out = absl::UnknownError("not run");
    absl::Status s = store().Read([&](NotifyTx& tx) {
      out = fn(tx);
      return out.status();
    });
    if (!s.ok()) return s;
    return out;
  }
  template <typename F>
  auto Writing(F fn) -> decltype(fn(std::declval<NotifyTx&>())) {
    decltype(fn(std::declval<NotifyTx&>())) out = absl::UnknownError("not run");
    absl::Status s = store().Write([&](NotifyTx& tx) {
      out = fn(tx);
      return out.status();
    });
    if (!s.ok()) return s;
    return out;
  }
  void Write(const std::function<absl::Status(NotifyTx&)>& work) {
    absl::Status s = store().Write(work);
    ASSERT_TRUE(s.ok()) << s;
  }

  Backend backend_;
};

struct BackendNames {
  template <typename T>
  static std::string GetName(int) {
    return T::kName;
  }
};

using Backends = ::testing::Types<FakeBackend, PgBackend>;
TYPED_TEST_SUITE(NotifyStoreTest, Backends, BackendNames);

TYPED_TEST(NotifyStoreTest, RecipientsAreVersionedAndOnlyTheNextVersionIsWritten) {
  auto none = this->Reading([](NotifyTx& tx) { return tx.Recipients(); });
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(none->version, 0);
  EXPECT_TRUE(none->recipients.empty());

  auto v1 = this->Writing([](NotifyTx& tx) {
    return tx.PutRecipients(0, {Rcpt("unit:市税务局", "市税务局"), Rcpt("unit:市商务局", "市商务局")});
  });
  ASSERT_TRUE(v1.ok()) << v1.status();
  EXPECT_EQ(*v1, 1);
  auto got = this->Reading([](NotifyTx& tx) { return tx.Recipients(); });
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->version, 1);
  ASSERT_EQ(Ids(got->recipients), (V{"unit:市商务局", "unit:市税务局"}));  // by id, bytewise
  pb::Recipient expected = Rcpt("unit:市商务局", "市商务局");
  expected.set_version(1);
  EXPECT_TRUE(Same(got->recipients[0], expected));

  pb::Recipient retired = Rcpt("unit:市税务局", "市税务局");
  retired.set_retired(true);
  ASSERT_TRUE(this->Writing([&](NotifyTx& tx) { return tx.PutRecipients(2, {retired}); }).ok());
  got = this->Reading([](NotifyTx& tx) { return tx.Recipients(); });
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->version, 2);
  ASSERT_EQ(Ids(got->recipients), V{"unit:市税务局"});
  EXPECT_TRUE(got->recipients[0].retired());
  EXPECT_EQ(got->recipients[0].version(), 2);

  auto stale = this->Writing([&](NotifyTx& tx) { return tx.PutRecipients(2, {retired}); });
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kFailedPrecondition) << stale.status();
  auto no_id = this->Writing([](NotifyTx& tx) { return tx.PutRecipients(0, {Rcpt("", "x")}); });
  EXPECT_EQ(no_id.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(no_id.status().message().find("recipients[0].id"), std::string::npos) << no_id.status();
  EXPECT_EQ(this->Reading([](NotifyTx& tx) { return tx.Recipients(); })->version, 2);
}

TYPED_TEST(NotifyStoreTest, NotificationsRoundTripFilterNewestFirstAndPageWithCounts) {
  const pb::Notification a = Note("N-1", "evt-1", "ranking_alert", {"unit:a", "office"}, 10);
  this->Write([&](NotifyTx& tx) {
    RETURN_IF_ERROR(tx.PutNotification(a));
    RETURN_IF_ERROR(tx.PutNotification(Note("N-2", "evt-2", "case_opened", {"unit:b"}, 30)));
    RETURN_IF_ERROR(tx.PutNotification(Note("N-3", "evt-1", "ranking_alert", {"unit:b", "office"}, 20)));
    RETURN_IF_ERROR(tx.PutNotification(Note("N-4", "evt-3", "ranking_alert", {"unit:a"}, 20)));
    return tx.PutNotification(Note("N-5", "evt-4", "duty_reminder", {"centre"}, 40));
  });
  auto got = this->Reading([](NotifyTx& tx) { return tx.Notification("N-1"); });
  ASSERT_TRUE(got.ok() && got->has_value()) << got.status();
  EXPECT_TRUE(Same(**got, a));
  EXPECT_FALSE(this->Reading([](NotifyTx& tx) { return tx.Notification("N-9"); })->has_value());

  auto ids = [&](const NotificationFilter& f) {
    auto list = this->Reading([&](NotifyTx& tx) { return tx.Notifications(f); });
    EXPECT_TRUE(list.ok()) << list.status();
    return list.ok() ? Ids(*list) : V{"error"};
  };
  auto count = [&](const NotificationFilter& f) {
    auto n = this->Reading([&](NotifyTx& tx) { return tx.CountNotifications(f); });
    EXPECT_TRUE(n.ok()) << n.status();
    return n.value_or(-1);
  };
  EXPECT_EQ(ids({}), (V{"N-5", "N-2", "N-4", "N-3", "N-1"}));  // same time: id descending
  EXPECT_EQ(ids({.event_id = "evt-1"}), (V{"N-3", "N-1"}));
  EXPECT_EQ(ids({.event_type = "ranking_alert"}), (V{"N-4", "N-3", "N-1"}));
  EXPECT_EQ(ids({.recipient_id = "office"}), (V{"N-3", "N-1"}));
  EXPECT_EQ(ids({.from = T(20), .to = T(40)}), (V{"N-2", "N-4", "N-3"}));  // from inclusive, to exclusive
  EXPECT_EQ(ids({.offset = 1, .limit = 2}), (V{"N-2", "N-4"}));
  EXPECT_EQ(ids({.offset = 4, .limit = 2}), V{"N-1"});
  EXPECT_EQ(ids({.offset = 5}), V{});
  EXPECT_EQ(count({}), 5);
  EXPECT_EQ(count({.offset = 4, .limit = 1}), 5);
  EXPECT_EQ(count({.recipient_id = "unit:a"}), 2);
  EXPECT_EQ(count({.event_type = "ranking_alert", .recipient_id = "unit:b"}), 1);
  EXPECT_EQ(count({.from = T(21)}), 2);
  auto bad = this->Reading([](NotifyTx& tx) { return tx.Notifications({.limit = -1}); });
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
}

TYPED_TEST(NotifyStoreTest, GroupStateRoundTripsExactlyToTheMicrosecond) {
  GroupState g;
  g.first_seen = T(0);
  g.last_flush = T(30) + absl::Nanoseconds(789);  // below a microsecond: dropped
  g.last_flush_fingerprint = "0123456789abcdef";
  g.flushes = 3;
  g.members["alert-1"] = {.labels = {{"unit", "市商务局"}, {"indicator", "I01"}},
                          .first_seen = T(1),
                          .last_changed = T(2),
                          .withdrawn = false,
                          .last_sent_fingerprint = "aa"};
  g.members["alert-\"2\""] = {.labels = {}, .first_seen = T(3), .last_changed = T(4), .withdrawn = true};
  GroupState empty;  // first_seen InfinitePast, no flush, no members
  this->Write([&](NotifyTx& tx) {
    RETURN_IF_ERROR(tx.PutGroup("k1", g, T(60)));
    RETURN_IF_ERROR(tx.PutGroup("k2", empty, std::nullopt));
    return tx.PutGroup("k3", g, T(50));
  });
  auto got = this->Reading([](NotifyTx& tx) { return tx.Group("k1"); });
  ASSERT_TRUE(got.ok() && got->has_value()) << got.status();
  const GroupState& r = **got;
  EXPECT_EQ(r.first_seen, g.first_seen);
  ASSERT_TRUE(r.last_flush.has_value());
  EXPECT_EQ(*r.last_flush, T(30));
  EXPECT_EQ(r.last_flush_fingerprint, g.last_flush_fingerprint);
  EXPECT_EQ(r.flushes, 3);
  ASSERT_EQ(r.members.size(), 2u);
  const AlertEntry& e1 = r.members.at("alert-1");
  EXPECT_EQ(e1.labels, g.members["alert-1"].labels);
  EXPECT_EQ(e1.first_seen, T(1));
  EXPECT_EQ(e1.last_changed, T(2));
  EXPECT_FALSE(e1.withdrawn);
  EXPECT_EQ(e1.last_sent_fingerprint, "aa");
  EXPECT_TRUE(r.members.at("alert-\"2\"").withdrawn);
  EXPECT_EQ(r.members.at("alert-\"2\"").last_changed, T(4));

  auto e = this->Reading([](NotifyTx& tx) { return tx.Group("k2"); });
  ASSERT_TRUE(e.ok() && e->has_value());
  EXPECT_EQ((*e)->first_seen, absl::InfinitePast());
  EXPECT_FALSE((*e)->last_flush.has_value());
  EXPECT_TRUE((*e)->members.empty());

  auto due = this->Writing([](NotifyTx& tx) { return tx.DueGroups(T(60), 0); });
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_EQ(*due, (V{"k3", "k1"}));
  EXPECT_EQ(*this->Writing([](NotifyTx& tx) { return tx.DueGroups(T(55), 0); }), V{"k3"});
  this->Write([](NotifyTx& tx) { return tx.DeleteGroup("k1"); });
  EXPECT_FALSE(this->Reading([](NotifyTx& tx) { return tx.Group("k1"); })->has_value());
  EXPECT_FALSE(DecodeGroupState("{\"flushes\":\"x\"}").ok());
}

TYPED_TEST(NotifyStoreTest, GroupStateKeepsWhereItCameFromAndWhatItsMembersSay) {
  GroupState g;
  g.first_seen = T(0);
  g.route_path = "route.routes[1]";
  g.receiver = "unit:市商务局";
  g.timings = {.wait = absl::Seconds(30),
               .interval = absl::Minutes(5),
               .repeat = absl::Hours(4) + absl::Microseconds(7)};
  g.group_labels = {{"event_type", "ranking_alert"}, {"unit", "市商务局"}};
  g.members["alert-1"] = {.labels = {{"unit", "市商务局"}},
                          .first_seen = T(1),
                          .last_changed = T(1),
                          .content = {.event_id = "evt-1",
                                      .event_source = "/yingshang/ranking",
                                      .event_type = "ranking_alert",
                                      .severity = "warning",
                                      .title = "指标预警：I01",
                                      .markdown = "**I01** 低于目标\n> \"引用\"",
                                      .mail_text = "I01 低于目标",
                                      .occurred_at = T(-3600) + absl::Nanoseconds(500)}};
  g.members["alert-2"] = {.labels = {}, .first_seen = T(2), .last_changed = T(2)};  // content left default
  this->Write([&](NotifyTx& tx) { return tx.PutGroup("k", g, T(30)); });
  auto got = this->Reading([](NotifyTx& tx) { return tx.Group("k"); });
  ASSERT_TRUE(got.ok() && got->has_value()) << got.status();
  const GroupState& r = **got;
  EXPECT_EQ(r.route_path, "route.routes[1]");
  EXPECT_EQ(r.receiver, "unit:市商务局");
  EXPECT_EQ(r.timings.wait, absl::Seconds(30));
  EXPECT_EQ(r.timings.interval, absl::Minutes(5));
  EXPECT_EQ(r.timings.repeat, absl::Hours(4) + absl::Microseconds(7));
  EXPECT_EQ(r.group_labels, g.group_labels);
  ASSERT_EQ(r.members.size(), 2u);
  const MemberContent& c = r.members.at("alert-1").content;
  const MemberContent& want = g.members["alert-1"].content;
  EXPECT_EQ(c.event_id, want.event_id);
  EXPECT_EQ(c.event_source, want.event_source);
  EXPECT_EQ(c.event_type, want.event_type);
  EXPECT_EQ(c.severity, want.severity);
  EXPECT_EQ(c.title, want.title);
  EXPECT_EQ(c.markdown, want.markdown);
  EXPECT_EQ(c.mail_text, want.mail_text);
  EXPECT_EQ(c.occurred_at, T(-3600));  // to the microsecond
  EXPECT_EQ(r.members.at("alert-2").content.title, "");
  EXPECT_EQ(r.members.at("alert-2").content.occurred_at, absl::UnixEpoch());
}

TEST(GroupStateJsonTest, StateWrittenBeforeGroupsKeptTheirOriginDecodesWithDefaults) {
  // What EncodeGroupState wrote before route_path, receiver, timings, group_labels and contents.
  auto old = DecodeGroupState(
      R"({"first_seen":"2022-10-17T00:00:00.123456Z","last_flush":null,"last_flush_fingerprint":"",)"
      R"("flushes":1,"members":{"a":{"labels":{"unit":"市商务局"},"first_seen":"2022-10-17T00:00:00.123456Z",)"
      R"("last_changed":"2022-10-17T00:00:00.123456Z","withdrawn":false,"last_sent_fingerprint":"ff"}}})");
  ASSERT_TRUE(old.ok()) << old.status();
  EXPECT_EQ(old->first_seen, T(0));
  EXPECT_EQ(old->flushes, 1);
  EXPECT_EQ(old->route_path, "");
  EXPECT_EQ(old->receiver, "");
  EXPECT_EQ(old->timings.wait, absl::ZeroDuration());
  EXPECT_EQ(old->timings.repeat, absl::ZeroDuration());
  EXPECT_TRUE(old->group_labels.empty());
  ASSERT_EQ(old->members.size(), 1u);
  const AlertEntry& a = old->members.at("a");
  EXPECT_EQ(a.labels, (Labels{{"unit", "市商务局"}}));
  EXPECT_EQ(a.last_sent_fingerprint, "ff");
  EXPECT_EQ(a.content.event_id, "");
  EXPECT_EQ(a.content.occurred_at, absl::UnixEpoch());

  auto bad = DecodeGroupState(R"({"timings":{"wait_us":"30s"}})");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(bad.status().message().find("group.timings.wait_us"), std::string::npos) << bad.status();
  bad = DecodeGroupState(R"({"members":{"a":{"content":{"title":1}}}})");
  EXPECT_NE(bad.status().message().find("group.members[a].content.title"), std::string::npos) << bad.status();
  bad = DecodeGroupState(R"({"group_labels":{"unit":2}})");
  EXPECT_NE(bad.status().message().find("group.group_labels.unit"), std::string::npos) << bad.status();
}

TYPED_TEST(NotifyStoreTest, DeliveriesRoundTripAppendAttemptsAndListByEachKey) {
  const pb::Delivery d1 = Deliv("N-1", "unit:a", pb::DELIVERY_STATE_PENDING, 10);
  this->Write([&](NotifyTx& tx) {
    RETURN_IF_ERROR(tx.PutDelivery(d1, T(15)));
    RETURN_IF_ERROR(tx.PutDelivery(Deliv("N-1", "unit:b", pb::DELIVERY_STATE_DELIVERED, 11), std::nullopt));
    RETURN_IF_ERROR(tx.PutDelivery(Deliv("N-2", "unit:a", pb::DELIVERY_STATE_DEAD, 12, "evt-2"), std::nullopt));
    return tx.PutDelivery(Deliv("N-3", "unit:a", pb::DELIVERY_STATE_PENDING, 13, "evt-2"), T(14));
  });
  EXPECT_EQ(d1.id(), "N-1/unit:a/1-CHANNEL_KIND_WECOM");
  pb::Attempt a1;
  *a1.mutable_at() = Ts(15);
  a1.set_channel(pb::CHANNEL_KIND_WECOM);
  a1.set_channel_order(1);
  a1.set_outcome(pb::OUTCOME_TRANSIENT);
  a1.set_http_status(502);
  a1.set_error("Bad Gateway");
  *a1.mutable_next_at() = Ts(45);
  a1.set_decision("重试");
  pb::Attempt a2 = a1;
  *a2.mutable_at() = Ts(45);
  a2.set_outcome(pb::OUTCOME_DELIVERED);
  a2.clear_next_at();
  this->Write([&](NotifyTx& tx) { return tx.AppendAttempt(d1.id(), a1); });
  this->Write([&](NotifyTx& tx) { return tx.AppendAttempt(d1.id(), a2); });
  auto got = this->Reading([&](NotifyTx& tx) { return tx.Delivery(d1.id()); });
  ASSERT_TRUE(got.ok() && got->has_value()) << got.status();
  pb::Delivery expected = d1;
  *expected.add_attempts() = a1;
  *expected.add_attempts() = a2;
  EXPECT_TRUE(Same(**got, expected));
  absl::Status missing = this->store().Write([&](NotifyTx& tx) { return tx.AppendAttempt("nope", a1); });
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound) << missing;

  auto ids = [&](const DeliveryFilter& f) {
    auto list = this->Reading([&](NotifyTx& tx) { return tx.Deliveries(f); });
    EXPECT_TRUE(list.ok()) << list.status();
    V out;
    if (list.ok()) {
      for (const auto& d : *list) out.push_back(d.notification_id() + " " + d.recipient_id());
    }
    return out;
  };
  auto count = [&](const DeliveryFilter& f) {
    return this->Reading([&](NotifyTx& tx) { return tx.CountDeliveries(f); }).value_or(-1);
  };
  EXPECT_EQ(ids({.notification_id = "N-1"}), (V{"N-1 unit:b", "N-1 unit:a"}));
  EXPECT_EQ(ids({.recipient_id = "unit:a"}), (V{"N-3 unit:a", "N-2 unit:a", "N-1 unit:a"}));
  EXPECT_EQ(ids({.event_id = "evt-2"}), (V{"N-3 unit:a", "N-2 unit:a"}));
  EXPECT_EQ(ids({.state = pb::DELIVERY_STATE_PENDING}), (V{"N-3 unit:a", "N-1 unit:a"}));
  EXPECT_EQ(ids({.recipient_id = "unit:a", .offset = 1, .limit = 1}), V{"N-2 unit:a"});
  EXPECT_EQ(count({.recipient_id = "unit:a", .limit = 1}), 3);
  EXPECT_EQ(count({.recipient_id = "unit:a", .state = pb::DELIVERY_STATE_DEAD}), 1);
  EXPECT_EQ(count({}), 4);
}

TYPED_TEST(NotifyStoreTest, DueDeliveriesArePendingHeldFailedOrSendingPastItsLeaseUpToNowByNextAt) {
  this->Write([&](NotifyTx& tx) {
    RETURN_IF_ERROR(tx.PutDelivery(Deliv("N-1", "r", pb::DELIVERY_STATE_PENDING, 0), T(30)));
    RETURN_IF_ERROR(tx.PutDelivery(Deliv("N-2", "r", pb::DELIVERY_STATE_HELD, 0), T(10)));
    RETURN_IF_ERROR(tx.PutDelivery(Deliv("N-3", "r", pb::DELIVERY_STATE_FAILED, 0), T(20)));
    RETURN_IF_ERROR(tx.PutDelivery(Deliv("N-4", "r", pb::DELIVERY_STATE_PENDING, 0), T(61)));  // later
    RETURN_IF_ERROR(tx.PutDelivery(Deliv("N-5", "r", pb::DELIVERY_STATE_SENDING, 0), T(5)));  // lease ran out
    RETURN_IF_ERROR(tx.PutDelivery(Deliv("N-6", "r", pb::DELIVERY_STATE_DELIVERED, 0), T(5)));
    RETURN_IF_ERROR(tx.PutDelivery(Deliv("N-7", "r", pb::DELIVERY_STATE_PENDING, 0), std::nullopt));
    RETURN_IF_ERROR(tx.PutDelivery(Deliv("N-8", "r", pb::DELIVERY_STATE_PENDING, 0), T(60)));  // exactly now
    RETURN_IF_ERROR(tx.PutDelivery(Deliv("N-9", "r", pb::DELIVERY_STATE_SENDING, 0), T(70)));  // lease holds
    // Ended ones are never due, whatever next_at they were given.
    RETURN_IF_ERROR(tx.PutDelivery(Deliv("N-10", "r", pb::DELIVERY_STATE_FAILED_OVER, 0), T(5)));
    RETURN_IF_ERROR(tx.PutDelivery(Deliv("N-11", "r", pb::DELIVERY_STATE_DEAD, 0), T(5)));
    return tx.PutDelivery(Deliv("N-12", "r", pb::DELIVERY_STATE_SENDING, 0), std::nullopt);
  });
  auto notes = [](const std::vector<pb::Delivery>& ds) {
    V out;
    for (const auto& d : ds) out.push_back(d.notification_id());
    return out;
  };
  auto due = this->Writing([](NotifyTx& tx) { return tx.DueDeliveries(T(60), 0); });
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_EQ(notes(*due), (V{"N-5", "N-2", "N-3", "N-1", "N-8"}));
  due = this->Writing([](NotifyTx& tx) { return tx.DueDeliveries(T(60), 2); });
  ASSERT_TRUE(due.ok());
  EXPECT_EQ(notes(*due), (V{"N-5", "N-2"}));
  due = this->Writing([](NotifyTx& tx) { return tx.DueDeliveries(T(9), 0); });
  ASSERT_TRUE(due.ok());
  EXPECT_EQ(notes(*due), V{"N-5"});
  EXPECT_TRUE(this->Writing([](NotifyTx& tx) { return tx.DueDeliveries(T(4), 0); })->empty());
  // N-9's lease runs out at T(70), inclusive; N-4 stays pending until T(61).
  due = this->Writing([](NotifyTx& tx) { return tx.DueDeliveries(T(70), 0); });
  ASSERT_TRUE(due.ok());
  EXPECT_EQ(notes(*due), (V{"N-5", "N-2", "N-3", "N-1", "N-8", "N-4", "N-9"}));
  // A delivery that failed over round-trips with its state.
  auto over =
      this->Reading([](NotifyTx& tx) { return tx.Deliveries({.state = pb::DELIVERY_STATE_FAILED_OVER}); });
  ASSERT_TRUE(over.ok()) << over.status();
  ASSERT_EQ(notes(*over), V{"N-10"});
  EXPECT_TRUE(Same((*over)[0], Deliv("N-10", "r", pb::DELIVERY_STATE_FAILED_OVER, 0)));
}

TYPED_TEST(NotifyStoreTest, QueueCountsUnendedDeliveriesByStateAndItsOldestLeavesHeldOut) {
  auto empty = this->Reading([](NotifyTx& tx) { return tx.Queue(); });
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_TRUE(empty->by_state.empty());
  EXPECT_FALSE(empty->oldest_undelivered.has_value());

  this->Write([&](NotifyTx& tx) {
    RETURN_IF_ERROR(tx.PutDelivery(Deliv("N-1", "r", pb::DELIVERY_STATE_HELD, 5), T(900)));  // the oldest
    return tx.PutDelivery(Deliv("N-2", "r", pb::DELIVERY_STATE_DELIVERED, 1), std::nullopt);
  });
  auto held = this->Reading([](NotifyTx& tx) { return tx.Queue(); });
  ASSERT_TRUE(held.ok()) << held.status();
  EXPECT_EQ(held->by_state, (std::map<pb::DeliveryState, int64_t>{{pb::DELIVERY_STATE_HELD, 1}}));
  EXPECT_FALSE(held->oldest_undelivered.has_value());  // a held message is waiting on purpose

  this->Write([&](NotifyTx& tx) {
    RETURN_IF_ERROR(tx.PutDelivery(Deliv("N-3", "r", pb::DELIVERY_STATE_PENDING, 30), T(30)));
    RETURN_IF_ERROR(tx.PutDelivery(Deliv("N-4", "r", pb::DELIVERY_STATE_PENDING, 40), T(40)));
    RETURN_IF_ERROR(tx.PutDelivery(Deliv("N-5", "r", pb::DELIVERY_STATE_SENDING, 20), T(80)));
    RETURN_IF_ERROR(tx.PutDelivery(Deliv("N-6", "r", pb::DELIVERY_STATE_FAILED, 25), T(85)));
    RETURN_IF_ERROR(tx.PutDelivery(Deliv("N-7", "r", pb::DELIVERY_STATE_DEAD, 2), std::nullopt));
    return tx.PutDelivery(Deliv("N-8", "r", pb::DELIVERY_STATE_FAILED_OVER, 3), std::nullopt);
  });
  auto q = this->Reading([](NotifyTx& tx) { return tx.Queue(); });
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(q->by_state, (std::map<pb::DeliveryState, int64_t>{{pb::DELIVERY_STATE_PENDING, 2},
                                                                {pb::DELIVERY_STATE_HELD, 1},
                                                                {pb::DELIVERY_STATE_SENDING, 1},
                                                                {pb::DELIVERY_STATE_FAILED, 1}}));
  ASSERT_TRUE(q->oldest_undelivered.has_value());
  EXPECT_EQ(*q->oldest_undelivered, T(20));  // SENDING counts: it has not arrived yet
}

TYPED_TEST(NotifyStoreTest, ConcurrentWritesTakingDueDeliveriesNeverTakeTheSameOne) {
  constexpr int kDue = 12;
  this->Write([&](NotifyTx& tx) {
    for (int i = 0; i < kDue; ++i) {
      RETURN_IF_ERROR(
          tx.PutDelivery(Deliv(absl::StrCat("N-", i), "r", pb::DELIVERY_STATE_PENDING, 0), T(i)));
    }
    return absl::OkStatus();
  });
  std::vector<std::string> taken[2];
  absl::Status results[2];
  auto replica = [&](int r) {
    for (int round = 0; round < 10; ++round) {
      std::vector<std::string> mine;
      results[r] = this->store().Write([&](NotifyTx& tx) {
        mine.clear();
        ASSIGN_OR_RETURN(std::vector<pb::Delivery> due, tx.DueDeliveries(T(100), 2));
        absl::SleepFor(absl::Milliseconds(20));  // the window in which the other replica looks
        for (pb::Delivery d : due) {
          mine.push_back(d.id());
          d.set_state(pb::DELIVERY_STATE_SENDING);
          RETURN_IF_ERROR(tx.PutDelivery(d, std::nullopt));
        }
        return absl::OkStatus();
      });
      if (!results[r].ok()) return;
      taken[r].insert(taken[r].end(), mine.begin(), mine.end());
    }
  };
  std::thread a(replica, 0), b(replica, 1);
  a.join();
  b.join();
  ASSERT_TRUE(results[0].ok()) << results[0];
  ASSERT_TRUE(results[1].ok()) << results[1];
  std::set<std::string> all(taken[0].begin(), taken[0].end());
  for (const auto& id : taken[1]) EXPECT_TRUE(all.insert(id).second) << id << " taken twice";
  EXPECT_EQ(all.size(), static_cast<size_t>(kDue));
  EXPECT_EQ(taken[0].size() + taken[1].size(), static_cast<size_t>(kDue));
}

TYPED_TEST(NotifyStoreTest, ConcurrentWritesTakingDueGroupsNeverFlushTheSameOne) {
  // Two replicas' dispatchers flush at once: a due group is taken by one (its row locked, skipped
  // by the other), which moves its next flush on before it commits.
  constexpr int kDue = 12;
  this->Write([&](NotifyTx& tx) {
    for (int i = 0; i < kDue; ++i) RETURN_IF_ERROR(tx.PutGroup(absl::StrCat("k", i), GroupState(), T(i)));
    return absl::OkStatus();
  });
  std::vector<std::string> taken[2];
  absl::Status results[2];
  auto replica = [&](int r) {
    for (int round = 0; round < 10; ++round) {
      std::vector<std::string> mine;
      results[r] = this->store().Write([&](NotifyTx& tx) {
        ASSIGN_OR_RETURN(mine, tx.DueGroups(T(100), 2));
        absl::SleepFor(absl::Milliseconds(20));  // the window in which the other replica looks
        for (const std::string& key : mine) RETURN_IF_ERROR(tx.PutGroup(key, GroupState(), T(1000)));
        return absl::OkStatus();
      });
      if (!results[r].ok()) return;
      taken[r].insert(taken[r].end(), mine.begin(), mine.end());
    }
  };
  std::thread a(replica, 0), b(replica, 1);
  a.join();
  b.join();
  ASSERT_TRUE(results[0].ok()) << results[0];
  ASSERT_TRUE(results[1].ok()) << results[1];
  std::set<std::string> all(taken[0].begin(), taken[0].end());
  for (const auto& key : taken[1]) EXPECT_TRUE(all.insert(key).second) << key << " flushed twice";
  EXPECT_EQ(all.size(), static_cast<size_t>(kDue));
}

TYPED_TEST(NotifyStoreTest, InboxCountsUnreadAndMarkReadIsIdempotentAndPerRecipient) {
  this->Write([&](NotifyTx& tx) {
    for (int i = 1; i <= 4; ++i) {
      ASSIGN_OR_RETURN(bool added, tx.AddInboxItem(Item(absl::StrCat("I-", i), "unit:a", i)));
      EXPECT_TRUE(added);
    }
    ASSIGN_OR_RETURN(bool added, tx.AddInboxItem(Item("I-9", "unit:b", 9)));
    EXPECT_TRUE(added);
    return absl::OkStatus();
  });
  auto again = this->Writing([](NotifyTx& tx) { return tx.AddInboxItem(Item("I-1", "unit:a", 1)); });
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);

  auto unread = [&](const std::string& r) {
    return this->Reading([&](NotifyTx& tx) { return tx.UnreadCount(r); }).value_or(-1);
  };
  auto ids = [&](const InboxFilter& f) {
    auto list = this->Reading([&](NotifyTx& tx) { return tx.Inbox(f); });
    EXPECT_TRUE(list.ok()) << list.status();
    return list.ok() ? Ids(*list) : V{"error"};
  };
  EXPECT_EQ(unread("unit:a"), 4);
  EXPECT_EQ(ids({.recipient_id = "unit:a"}), (V{"I-4", "I-3", "I-2", "I-1"}));
  EXPECT_EQ(ids({.recipient_id = "unit:a", .offset = 1, .limit = 2}), (V{"I-3", "I-2"}));

  // I-9 is unit:b's: marking it as unit:a marks nothing of it.
  auto marked = this->Writing([](NotifyTx& tx) { return tx.MarkRead("unit:a", {"I-2", "I-3", "I-9"}, false, T(100)); });
  ASSERT_TRUE(marked.ok()) << marked.status();
  EXPECT_EQ(*marked, 2);
  marked = this->Writing([](NotifyTx& tx) { return tx.MarkRead("unit:a", {"I-2"}, false, T(200)); });
  EXPECT_EQ(*marked, 0);  // twice marks nothing
  EXPECT_EQ(unread("unit:a"), 2);
  EXPECT_EQ(unread("unit:b"), 1);
  EXPECT_EQ(ids({.recipient_id = "unit:a", .unread_only = true}), (V{"I-4", "I-1"}));
  EXPECT_EQ(this->Reading([](NotifyTx& tx) { return tx.CountInbox({.recipient_id = "unit:a"}); }).value_or(-1), 4);
  auto read = this->Reading([](NotifyTx& tx) { return tx.Inbox({.recipient_id = "unit:a", .offset = 2, .limit = 1}); });
  ASSERT_TRUE(read.ok() && read->size() == 1u);
  pb::InboxItem expected = Item("I-2", "unit:a", 2);
  *expected.mutable_read_at() = Ts(100);  // the first marking's time
  EXPECT_TRUE(Same((*read)[0], expected));

  marked = this->Writing([](NotifyTx& tx) { return tx.MarkRead("unit:a", {}, true, T(300)); });
  EXPECT_EQ(*marked, 2);
  EXPECT_EQ(unread("unit:a"), 0);
  EXPECT_EQ(unread("unit:b"), 1);
}

TYPED_TEST(NotifyStoreTest, SilencesActiveAtATimeAndExpire) {
  this->Write([&](NotifyTx& tx) {
    RETURN_IF_ERROR(tx.LockImports());
    RETURN_IF_ERROR(tx.PutSilence(Sil("S-1", 0, 100)));
    RETURN_IF_ERROR(tx.PutSilence(Sil("S-2", 50, 80)));
    return tx.PutSilence(Sil("S-3", 200, 300));  // pending
  });
  auto active = [&](int64_t at) {
    auto list = this->Reading([&](NotifyTx& tx) { return tx.ActiveSilences(T(at)); });
    EXPECT_TRUE(list.ok()) << list.status();
    return list.ok() ? Ids(*list) : V{"error"};
  };
  EXPECT_EQ(active(0), V{"S-1"});  // starts_at inclusive
  EXPECT_EQ(active(60), (V{"S-2", "S-1"}));  // by ends_at
  EXPECT_EQ(active(80), V{"S-1"});  // ends_at exclusive
  EXPECT_EQ(active(150), V{});
  EXPECT_EQ(active(250), V{"S-3"});
  EXPECT_EQ(Ids(*this->Reading([](NotifyTx& tx) { return tx.Silences(T(90), false); })), (V{"S-1", "S-3"}));
  EXPECT_EQ(Ids(*this->Reading([](NotifyTx& tx) { return tx.Silences(T(90), true); })), (V{"S-2", "S-1", "S-3"}));

  auto expired = this->Writing([](NotifyTx& tx) { return tx.ExpireSilence("S-1", T(70), "office"); });
  ASSERT_TRUE(expired.ok()) << expired.status();
  pb::Silence expected = Sil("S-1", 0, 70);
  expected.set_expired_by("office");
  EXPECT_TRUE(Same(*expired, expected));
  EXPECT_EQ(active(75), V{"S-2"});
  // An ended silence stays as it ended.
  auto again = this->Writing([](NotifyTx& tx) { return tx.ExpireSilence("S-1", T(90), "other"); });
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(Same(*again, expected));
  EXPECT_EQ(this->Writing([](NotifyTx& tx) { return tx.ExpireSilence("S-9", T(90), "x"); }).status().code(),
            absl::StatusCode::kNotFound);
}

TYPED_TEST(NotifyStoreTest, ActiveEventsAreReplacedByKeyDeletedAndExpireWhenAWriteForgetsThem) {
  const Labels a = {{"event_type", "ranking_alert"}, {"unit", "市商务局"}};
  const Labels b = {{"event_type", "duty_missed"}, {"unit", "市税务局"}};
  const Labels c = {{"severity", "critical"}};
  this->Write([&](NotifyTx& tx) {
    RETURN_IF_ERROR(tx.PutActiveEvent("a", {{"unit", "旧"}}, T(10)));
    RETURN_IF_ERROR(tx.PutActiveEvent("a", a, T(100)));  // replaces
    RETURN_IF_ERROR(tx.PutActiveEvent("B", b, T(50)));   // "B" < "a" bytewise
    RETURN_IF_ERROR(tx.PutActiveEvent("c", c, T(200)));
    RETURN_IF_ERROR(tx.DeleteActiveEvent("c"));
    return tx.DeleteActiveEvent("absent");  // nothing to do
  });
  auto reading = [&](int64_t at) {
    auto got = this->Reading([&](NotifyTx& tx) { return tx.ActiveEvents(T(at), {}); });
    EXPECT_TRUE(got.ok()) << got.status();
    return got.ok() ? *got : std::vector<Labels>{Labels{{"error", "error"}}};
  };
  EXPECT_EQ(reading(0), (std::vector<Labels>{b, a}));  // by key
  EXPECT_EQ(reading(49), (std::vector<Labels>{b, a}));
  EXPECT_EQ(reading(50), std::vector<Labels>{a});  // expires_at exclusive
  EXPECT_EQ(reading(0), (std::vector<Labels>{b, a}));  // reading deletes nothing

  EXPECT_FALSE(this->store().Read([](NotifyTx& tx) { return tx.ForgetExpiredEvents(T(60)); }).ok());
  EXPECT_EQ(reading(0), (std::vector<Labels>{b, a}));
  this->Write([](NotifyTx& tx) { return tx.ForgetExpiredEvents(T(50)); });  // expires_at 50 <= 50
  EXPECT_EQ(reading(0), std::vector<Labels>{a});  // the Write forgot B
  EXPECT_EQ(reading(100), std::vector<Labels>{});

  EXPECT_EQ(this->store().Write([](NotifyTx& tx) { return tx.PutActiveEvent("", {}, T(1)); }).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(this->store().Read([&](NotifyTx& tx) { return tx.PutActiveEvent("d", c, T(300)); }).ok());
  EXPECT_EQ(reading(0), std::vector<Labels>{a});
}

TYPED_TEST(NotifyStoreTest, ActiveEventsContainingALabelSetAreThoseCarryingEveryOneOfItsValues) {
  const Labels last = {{"rule", "last_in_province"}, {"unit", "市商务局"}, {"period", "2026-10"}};
  const Labels other_period = {{"rule", "last_in_province"}, {"unit", "市商务局"}, {"period", "2026-09"}};
  const Labels other_unit = {{"rule", "last_in_province"}, {"unit", "市税务局"}, {"period", "2026-10"}};
  const Labels no_period = {{"rule", "last_in_province"}, {"unit", "市商务局"}};
  this->Write([&](NotifyTx& tx) {
    RETURN_IF_ERROR(tx.PutActiveEvent("1", last, T(100)));
    RETURN_IF_ERROR(tx.PutActiveEvent("2", other_period, T(100)));
    RETURN_IF_ERROR(tx.PutActiveEvent("3", other_unit, T(100)));
    RETURN_IF_ERROR(tx.PutActiveEvent("4", no_period, T(100)));
    return tx.PutActiveEvent("5", {{"unit", "市商务局"}, {"period", "2026-10"}, {"rule", "bottom_three"}}, T(10));
  });
  auto containing = [&](const Labels& key, int64_t at) {
    auto got = this->Reading([&](NotifyTx& tx) { return tx.ActiveEvents(T(at), key); });
    EXPECT_TRUE(got.ok()) << got.status();
    return got.ok() ? *got : std::vector<Labels>{Labels{{"error", "error"}}};
  };
  EXPECT_EQ(containing({{"unit", "市商务局"}, {"period", "2026-10"}}, 20), std::vector<Labels>{last});
  EXPECT_EQ(containing({{"unit", "市商务局"}}, 20), (std::vector<Labels>{last, other_period, no_period}));
  EXPECT_EQ(containing({{"unit", "市商务局"}, {"period", "2026-10"}, {"rule", "bottom_three"}}, 5).size(), 1u);
  EXPECT_EQ(containing({{"unit", "市商务局"}, {"period", "2026-10"}, {"rule", "bottom_three"}}, 20),
            std::vector<Labels>{});  // expired
  EXPECT_EQ(containing({{"unit", "市"}}, 20), std::vector<Labels>{});  // a value is matched whole
  EXPECT_EQ(containing({{"region", "上饶市"}}, 20), std::vector<Labels>{});
}

TYPED_TEST(NotifyStoreTest, RateLimitStateRoundTripsPerSinkAndSavingReplacesIt) {
  RateLimiterState state;
  state.sinks[{"wecom", "unit:市商务局"}] = {.recent_sends = {T(1), T(2) + absl::Nanoseconds(5), T(3)},
                                             .day = absl::CivilDay(2022, 10, 17),
                                             .sent_on_day = 3};
  state.sinks[{"email", "a@example.invalid"}] = {.recent_sends = {}, .day = absl::CivilDay(2022, 10, 16),
                                                 .sent_on_day = 0};
  this->Write([&](NotifyTx& tx) { return tx.SaveRateLimits(state); });
  auto got = this->Reading([](NotifyTx& tx) { return tx.RateLimits(); });
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->sinks.size(), 2u);
  const SinkState& w = got->sinks.at({"wecom", "unit:市商务局"});
  EXPECT_EQ(w.recent_sends, (std::vector<absl::Time>{T(1), T(2), T(3)}));  // to the microsecond
  EXPECT_EQ(w.day, absl::CivilDay(2022, 10, 17));
  EXPECT_EQ(w.sent_on_day, 3);
  EXPECT_EQ(got->sinks.at({"email", "a@example.invalid"}).day, absl::CivilDay(2022, 10, 16));

  state.sinks.erase({"email", "a@example.invalid"});
  this->Write([&](NotifyTx& tx) { return tx.SaveRateLimits(state); });
  got = this->Reading([](NotifyTx& tx) { return tx.RateLimits(); });
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->sinks.size(), 1u);
}

TYPED_TEST(NotifyStoreTest, MarkOnceIsTrueOnlyTheFirstTime) {
  EXPECT_TRUE(*this->Writing([](NotifyTx& tx) { return tx.MarkOnce("digest:unit:a:2022-10-17", T(0)); }));
  EXPECT_FALSE(*this->Writing([](NotifyTx& tx) { return tx.MarkOnce("digest:unit:a:2022-10-17", T(1)); }));
  EXPECT_TRUE(*this->Writing([](NotifyTx& tx) { return tx.MarkOnce("digest:unit:a:2022-10-18", T(1)); }));
  // A mark in a Write that fails is not kept.
  absl::Status s = this->store().Write([](NotifyTx& tx) {
    EXPECT_TRUE(*tx.MarkOnce("k", T(0)));
    return absl::AbortedError("later");
  });
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(*this->Writing([](NotifyTx& tx) { return tx.MarkOnce("k", T(0)); }));
}

TYPED_TEST(NotifyStoreTest, AFailedWriteKeepsAndEmitsNothing) {
  pb::Delivery ended = Deliv("N-1", "unit:a", pb::DELIVERY_STATE_DELIVERED, 0);
  absl::Status s = this->store().Write([&](NotifyTx& tx) {
    RETURN_IF_ERROR(tx.PutRecipients(0, {Rcpt("unit:a", "a")}).status());
    RETURN_IF_ERROR(tx.PutNotification(Note("N-1", "evt-1", "t", {"unit:a"}, 0)));
    RETURN_IF_ERROR(tx.PutGroup("k", GroupState(), T(0)));
    RETURN_IF_ERROR(tx.PutDelivery(ended, T(0)));
    RETURN_IF_ERROR(tx.AddInboxItem(Item("I-1", "unit:a", 0)).status());
    RETURN_IF_ERROR(tx.PutSilence(Sil("S-1", 0, 10)));
    RETURN_IF_ERROR(tx.SaveRateLimits({.sinks = {{{"wecom", "x"}, SinkState()}}}));
    RETURN_IF_ERROR(tx.PutActiveEvent("evt-1", {{"unit", "a"}}, T(10)));
    RETURN_IF_ERROR(tx.Emit(ended, "unit:a"));
    EXPECT_EQ(tx.CountNotifications({}).value_or(-1), 1);  // its own writes are seen
    return absl::FailedPreconditionError("refused");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  absl::Status read = this->store().Read([&](NotifyTx& tx) {
    EXPECT_EQ(tx.Recipients()->version, 0);
    EXPECT_EQ(*tx.CountNotifications({}), 0);
    EXPECT_FALSE(tx.Group("k")->has_value());
    EXPECT_EQ(*tx.CountDeliveries({}), 0);
    EXPECT_EQ(*tx.UnreadCount("unit:a"), 0);
    EXPECT_TRUE(tx.Silences(T(0), true)->empty());
    EXPECT_TRUE(tx.RateLimits()->sinks.empty());
    EXPECT_TRUE(tx.ActiveEvents(T(0), {})->empty());
    return absl::OkStatus();
  });
  EXPECT_TRUE(read.ok()) << read;
  EXPECT_TRUE(this->backend_.Emitted().empty());
  // A Read cannot write.
  EXPECT_FALSE(this->store().Read([](NotifyTx& tx) { return tx.PutNotification(Note("N-2", "e", "t", {}, 0)); }).ok());
  EXPECT_EQ(this->Reading([](NotifyTx& tx) { return tx.CountNotifications({}); }).value_or(-1), 0);
}

TYPED_TEST(NotifyStoreTest, AnEndedDeliveryIsEmittedWithItsKeyWhenTheWriteCommits) {
  pb::Delivery ended = Deliv("N-1", "unit:a", pb::DELIVERY_STATE_DEAD, 0);
  this->Write([&](NotifyTx& tx) { return tx.Emit(ended, "unit:a"); });
  pb::Delivery no_time = ended;
  no_time.clear_updated_at();
  EXPECT_EQ(this->store().Write([&](NotifyTx& tx) { return tx.Emit(no_time, "k"); }).code(),
            absl::StatusCode::kInvalidArgument);
  const auto emitted = this->backend_.Emitted();
  ASSERT_EQ(emitted.size(), 1u);
  EXPECT_EQ(emitted[0].key, "unit:a");
  EXPECT_TRUE(Same(emitted[0].delivery, ended));
}

TYPED_TEST(NotifyStoreTest, DocumentsRoundTripWholeAndAreReplacedById) {
  const pb::Document bulletin = IssuedBulletin();
  // A dispatch pack of about a megabyte of JSON: many rows of Chinese text.
  pb::Document pack = Doc("DSP-2022-09-v1", pb::DOCUMENT_KIND_DISPATCH_PACK, "2022-09", 1, pb::DOCUMENT_STATE_DRAFT);
  pb::Table& big = *pack.mutable_content()->add_sections()->add_tables();
  big.set_key("cases_open");
  for (int i = 0; i < 6000; ++i) {
    pb::Row& r = *big.add_rows();
    for (int j = 0; j < 4; ++j) r.add_cells()->set_text(absl::StrCat("上饶市第", i, "行第", j, "列：整改中"));
  }
  ASSERT_GT(pack.ByteSizeLong(), 500000u);
  this->Write([&](NotifyTx& tx) {
    RETURN_IF_ERROR(tx.PutDocument(bulletin));
    return tx.PutDocument(pack);
  });

  auto got = this->Reading([](NotifyTx& tx) { return tx.Document("BUL-2022Q3-v1"); });
  ASSERT_TRUE(got.ok() && got->has_value()) << got.status();
  pb::Document read = **got;
  // NaN is no value and equals nothing, itself included: checked alone, then compared as zero.
  ASSERT_EQ(read.content().sections(0).charts(0).series(0).values_size(), 3);
  EXPECT_TRUE(std::isnan(read.content().sections(0).charts(0).series(0).values(1)));
  read.mutable_content()->mutable_sections(0)->mutable_charts(0)->mutable_series(0)->set_values(1, 0);
  pb::Document expected = bulletin;
  expected.mutable_content()->mutable_sections(0)->mutable_charts(0)->mutable_series(0)->set_values(1, 0);
  EXPECT_TRUE(Same(read, expected));
  EXPECT_EQ(read.content().sections(0).tables(0).rows(0).cells(2).number(), 0.1 + 0.2);

  auto big_read = this->Reading([](NotifyTx& tx) { return tx.Document("DSP-2022-09-v1"); });
  ASSERT_TRUE(big_read.ok() && big_read->has_value()) << big_read.status();
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(**big_read, pack));
  EXPECT_FALSE(this->Reading([](NotifyTx& tx) { return tx.Document("BUL-2022Q2-v1"); })->has_value());

  // Replaced by id: the draft becomes the issued pack, one row still.
  pb::Document issued = pack;
  issued.set_state(pb::DOCUMENT_STATE_ISSUED);
  issued.set_number("2022年9月");
  issued.mutable_content()->clear_sections();
  this->Write([&](NotifyTx& tx) { return tx.PutDocument(issued); });
  got = this->Reading([](NotifyTx& tx) { return tx.Document("DSP-2022-09-v1"); });
  ASSERT_TRUE(got.ok() && got->has_value()) << got.status();
  EXPECT_TRUE(Same(**got, issued));
  auto all = this->Reading([](NotifyTx& tx) { return tx.Documents({}); });
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(Ids(*all), (V{"BUL-2022Q3-v1", "DSP-2022-09-v1"}));
  EXPECT_EQ(this->store().Write([](NotifyTx& tx) { return tx.PutDocument(pb::Document()); }).code(),
            absl::StatusCode::kInvalidArgument);
}

TYPED_TEST(NotifyStoreTest, DocumentsFilterByEachFieldNewestFirstAndPage) {
  using K = pb::DocumentKind;
  constexpr K kPack = pb::DOCUMENT_KIND_DISPATCH_PACK;
  constexpr K kBulletin = pb::DOCUMENT_KIND_BULLETIN;
  constexpr pb::DocumentState kDraft = pb::DOCUMENT_STATE_DRAFT;
  constexpr pb::DocumentState kIssued = pb::DOCUMENT_STATE_ISSUED;
  pb::Document aug = Doc("DSP-2022-08-v1", kPack, "2022-08", 1, kIssued, "2022年8月");
  *aug.add_items() = Supervise(1, "市商务局", "C-1");  // opened
  pb::Document sep = Doc("DSP-2022-09-v1", kPack, "2022-09", 1, kIssued, "2022年9月");
  *sep.add_items() = Supervise(1, "市商务局", "C-2");
  *sep.add_items() = Supervise(2, "市税务局", "");  // not opened yet
  // The correction's draft keeps the number; a draft's items are not pending.
  pb::Document sep2 = Doc("DSP-2022-09-v2", kPack, "2022-09", 2, kDraft, "2022年9月");
  sep2.set_correction(true);
  sep2.set_corrects_id("DSP-2022-09-v1");
  *sep2.add_items() = Supervise(1, "市商务局", "");
  pb::Document q3 = Doc("BUL-2022Q3-v1", kBulletin, "2022Q3", 1, kIssued, "2022年第3期");
  *q3.add_items() = Supervise(1, "信州区", "");
  pb::Document q2 = Doc("BUL-2022Q2-v1", kBulletin, "2022Q2", 1, kIssued, "2022年第2期");
  // The store does not read periods: one both kinds share orders the two by id.
  pb::Document shared = Doc("BUL-2022-09-v1", kBulletin, "2022-09", 1, kDraft);
  this->Write([&](NotifyTx& tx) {
    for (const pb::Document* d : {&aug, &sep, &sep2, &q3, &q2, &shared}) RETURN_IF_ERROR(tx.PutDocument(*d));
    return absl::OkStatus();
  });

  auto ids = [&](const DocumentFilter& f) {
    auto list = this->Reading([&](NotifyTx& tx) { return tx.Documents(f); });
    EXPECT_TRUE(list.ok()) << list.status();
    return list.ok() ? Ids(*list) : V{"error"};
  };
  // Period descending bytewise ("2022Q" after "2022-"), version descending, then id.
  EXPECT_EQ(ids({}), (V{"BUL-2022Q3-v1", "BUL-2022Q2-v1", "DSP-2022-09-v2", "BUL-2022-09-v1", "DSP-2022-09-v1",
                        "DSP-2022-08-v1"}));
  EXPECT_EQ(ids({.kind = kPack}), (V{"DSP-2022-09-v2", "DSP-2022-09-v1", "DSP-2022-08-v1"}));
  EXPECT_EQ(ids({.kind = kBulletin, .period = "2022Q3"}), V{"BUL-2022Q3-v1"});
  EXPECT_EQ(ids({.period = "2022-09"}), (V{"DSP-2022-09-v2", "BUL-2022-09-v1", "DSP-2022-09-v1"}));
  EXPECT_EQ(ids({.state = kDraft}), (V{"DSP-2022-09-v2", "BUL-2022-09-v1"}));
  EXPECT_EQ(ids({.state = kIssued}), (V{"BUL-2022Q3-v1", "BUL-2022Q2-v1", "DSP-2022-09-v1", "DSP-2022-08-v1"}));
  EXPECT_EQ(ids({.number = "2022年9月"}), (V{"DSP-2022-09-v2", "DSP-2022-09-v1"}));  // any state
  EXPECT_EQ(ids({.number = "2022年9月", .state = kIssued}), V{"DSP-2022-09-v1"});
  EXPECT_EQ(ids({.number = "2022年9"}), V{});  // exact
  EXPECT_EQ(ids({.items_pending = true}), (V{"BUL-2022Q3-v1", "DSP-2022-09-v1"}));
  EXPECT_EQ(ids({.kind = kBulletin, .items_pending = true}), V{"BUL-2022Q3-v1"});
  EXPECT_EQ(ids({.offset = 1, .limit = 2}), (V{"BUL-2022Q2-v1", "DSP-2022-09-v2"}));
  EXPECT_EQ(ids({.offset = 5, .limit = 2}), V{"DSP-2022-08-v1"});
  EXPECT_EQ(ids({.offset = 6}), V{});
  EXPECT_EQ(this->Reading([](NotifyTx& tx) { return tx.Documents({.offset = -1}); }).status().code(),
            absl::StatusCode::kInvalidArgument);

  // Once its case is opened, the September pack has nothing pending: recomputed on each write.
  sep.mutable_items(1)->set_case_id("C-3");
  this->Write([&](NotifyTx& tx) { return tx.PutDocument(sep); });
  EXPECT_EQ(ids({.items_pending = true}), V{"BUL-2022Q3-v1"});
}

TYPED_TEST(NotifyStoreTest, AnIssuedNumberIsTakenOncePerKindAndVersion) {
  constexpr pb::DocumentKind kBulletin = pb::DOCUMENT_KIND_BULLETIN;
  constexpr pb::DocumentState kIssued = pb::DOCUMENT_STATE_ISSUED;
  this->Write([&](NotifyTx& tx) {
    return tx.PutDocument(Doc("BUL-2022Q3-v1", kBulletin, "2022Q3", 1, kIssued, "2022年第3期"));
  });
  auto put = [&](const pb::Document& d) {
    return this->store().Write([&](NotifyTx& tx) { return tx.PutDocument(d); });
  };
  absl::Status taken = put(Doc("BUL-2022Q4-v1", kBulletin, "2022Q4", 1, kIssued, "2022年第3期"));
  EXPECT_EQ(taken.code(), absl::StatusCode::kAlreadyExists) << taken;
  EXPECT_FALSE(this->Reading([](NotifyTx& tx) { return tx.Document("BUL-2022Q4-v1"); })->has_value());

  // A correction keeps its number under the next version; another kind has numbers of its own; a
  // draft takes none yet.
  pb::Document correction = Doc("BUL-2022Q3-v2", kBulletin, "2022Q3", 2, kIssued, "2022年第3期");
  correction.set_correction(true);
  correction.set_corrects_id("BUL-2022Q3-v1");
  correction.set_correction_reason("第二节数据更正");
  EXPECT_TRUE(put(correction).ok());
  EXPECT_TRUE(put(Doc("DSP-2022-09-v1", pb::DOCUMENT_KIND_DISPATCH_PACK, "2022-09", 1, kIssued, "2022年第3期")).ok());
  pb::Document draft = Doc("BUL-2022Q4-v1", kBulletin, "2022Q4", 1, pb::DOCUMENT_STATE_DRAFT, "2022年第3期");
  EXPECT_TRUE(put(draft).ok());
  // Issuing that draft with the number would take it twice.
  draft.set_state(kIssued);
  EXPECT_EQ(put(draft).code(), absl::StatusCode::kAlreadyExists);
  draft.set_number("2022年第4期");
  EXPECT_TRUE(put(draft).ok());
  // Kind, period and version name one document.
  EXPECT_EQ(put(Doc("BUL-2022Q3-v1-bis", kBulletin, "2022Q3", 1, pb::DOCUMENT_STATE_DRAFT)).code(),
            absl::StatusCode::kAlreadyExists);

  auto issued = this->Reading([](NotifyTx& tx) {
    return tx.Documents({.kind = pb::DOCUMENT_KIND_BULLETIN, .state = pb::DOCUMENT_STATE_ISSUED});
  });
  ASSERT_TRUE(issued.ok()) << issued.status();
  EXPECT_EQ(Ids(*issued), (V{"BUL-2022Q4-v1", "BUL-2022Q3-v2", "BUL-2022Q3-v1"}));
  EXPECT_EQ((*issued)[0].number(), "2022年第4期");
}

TYPED_TEST(NotifyStoreTest, DocumentFilesRoundTripTheirBytesByFormat) {
  const std::string pdf = BinaryFile(300 * 1024, 7);
  ASSERT_NE(pdf.find('\0'), std::string::npos);
  this->Write([&](NotifyTx& tx) {
    RETURN_IF_ERROR(tx.PutDocument(IssuedBulletin()));
    RETURN_IF_ERROR(tx.PutDocumentFile("BUL-2022Q3-v1", pb::RENDER_FORMAT_PDF, pdf));
    return tx.PutDocumentFile("BUL-2022Q3-v1", pb::RENDER_FORMAT_HTML, "");  // empty is a file too
  });
  auto file = [&](const std::string& id, pb::RenderFormat format) {
    return this->Reading([&](NotifyTx& tx) { return tx.DocumentFile(id, format); });
  };
  auto got = file("BUL-2022Q3-v1", pb::RENDER_FORMAT_PDF);
  ASSERT_TRUE(got.ok() && got->has_value()) << got.status();
  EXPECT_EQ((*got)->size(), pdf.size());
  EXPECT_TRUE(**got == pdf);  // not EXPECT_EQ: a failure would print 300 KB
  got = file("BUL-2022Q3-v1", pb::RENDER_FORMAT_HTML);
  ASSERT_TRUE(got.ok() && got->has_value()) << got.status();
  EXPECT_EQ(**got, "");
  EXPECT_FALSE(file("BUL-2022Q3-v1", pb::RENDER_FORMAT_XLSX)->has_value());
  EXPECT_FALSE(file("BUL-2022Q2-v1", pb::RENDER_FORMAT_PDF)->has_value());

  // Replaced by (id, format); replacing the document keeps its files.
  const std::string again = BinaryFile(1000, 99);
  this->Write([&](NotifyTx& tx) {
    RETURN_IF_ERROR(tx.PutDocumentFile("BUL-2022Q3-v1", pb::RENDER_FORMAT_PDF, again));
    return tx.PutDocument(IssuedBulletin());
  });
  got = file("BUL-2022Q3-v1", pb::RENDER_FORMAT_PDF);
  ASSERT_TRUE(got.ok() && got->has_value()) << got.status();
  EXPECT_TRUE(**got == again);

  absl::Status absent = this->store().Write(
      [](NotifyTx& tx) { return tx.PutDocumentFile("BUL-2022Q2-v1", pb::RENDER_FORMAT_PDF, "x"); });
  EXPECT_EQ(absent.code(), absl::StatusCode::kNotFound) << absent;
  absl::Status no_format = this->store().Write(
      [](NotifyTx& tx) { return tx.PutDocumentFile("BUL-2022Q3-v1", pb::RENDER_FORMAT_UNSPECIFIED, "x"); });
  EXPECT_EQ(no_format.code(), absl::StatusCode::kInvalidArgument) << no_format;
}

TYPED_TEST(NotifyStoreTest, AFailedDocumentWriteKeepsNothing) {
  const pb::Document draft =
      Doc("BUL-2022Q3-v1", pb::DOCUMENT_KIND_BULLETIN, "2022Q3", 1, pb::DOCUMENT_STATE_DRAFT);
  this->Write([&](NotifyTx& tx) {
    RETURN_IF_ERROR(tx.PutDocument(draft));
    return tx.PutDocumentFile(draft.id(), pb::RENDER_FORMAT_PDF, "v1");
  });

  // The work refuses after writing.
  absl::Status s = this->store().Write([&](NotifyTx& tx) {
    RETURN_IF_ERROR(tx.LockDocuments());
    RETURN_IF_ERROR(tx.LockDocuments());  // again: a no-op
    RETURN_IF_ERROR(tx.PutDocument(IssuedBulletin()));
    RETURN_IF_ERROR(tx.PutDocumentFile(draft.id(), pb::RENDER_FORMAT_PDF, "v2"));
    RETURN_IF_ERROR(
        tx.PutDocument(Doc("DSP-2022-09-v1", pb::DOCUMENT_KIND_DISPATCH_PACK, "2022-09", 1, pb::DOCUMENT_STATE_DRAFT)));
    EXPECT_EQ(tx.Documents({}).value_or(std::vector<pb::Document>()).size(), 2u);  // its own writes are seen
    EXPECT_EQ(tx.DocumentFile(draft.id(), pb::RENDER_FORMAT_PDF).value_or(std::nullopt), "v2");
    return absl::FailedPreconditionError("refused");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;

  // A refused statement fails the whole unit of work, whatever the work returns after it.
  s = this->store().Write([&](NotifyTx& tx) {
    EXPECT_TRUE(tx.PutDocument(Doc("DSP-2022-09-v1", pb::DOCUMENT_KIND_DISPATCH_PACK, "2022-09", 1,
                                   pb::DOCUMENT_STATE_DRAFT))
                    .ok());
    EXPECT_EQ(tx.PutDocument(Doc("BUL-2022Q3-v1-bis", pb::DOCUMENT_KIND_BULLETIN, "2022Q3", 1,
                                 pb::DOCUMENT_STATE_DRAFT))
                  .code(),
              absl::StatusCode::kAlreadyExists);
    EXPECT_FALSE(tx.PutDocumentFile(draft.id(), pb::RENDER_FORMAT_PDF, "v3").ok());
    return absl::OkStatus();
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists) << s;

  auto all = this->Reading([](NotifyTx& tx) { return tx.Documents({}); });
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(Ids(*all), V{"BUL-2022Q3-v1"});
  EXPECT_TRUE(Same((*all)[0], draft));
  EXPECT_EQ(this->Reading([&](NotifyTx& tx) { return tx.DocumentFile(draft.id(), pb::RENDER_FORMAT_PDF); })
                .value_or(std::nullopt),
            "v1");
  // A Read cannot write.
  EXPECT_FALSE(this->store().Read([](NotifyTx& tx) { return tx.PutDocument(IssuedBulletin()); }).ok());
  EXPECT_FALSE(this->store()
                   .Read([](NotifyTx& tx) { return tx.PutDocumentFile("BUL-2022Q3-v1", pb::RENDER_FORMAT_PDF, "x"); })
                   .ok());
  EXPECT_TRUE(this->store().Read([](NotifyTx& tx) { return tx.LockDocuments(); }).ok());
}

// --- what only PostgreSQL has ---

class PgNotifyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { backend_.SetUp(); }
  PgBackend backend_;
};

TEST_F(PgNotifyStoreTest, AnEmittedDeliveryIsAnOutboxRowOnTheNotifyTopicAsACloudEvent) {
  pb::Delivery ended = Deliv("N-1", "unit:a", pb::DELIVERY_STATE_DELIVERED, 7);
  ASSERT_TRUE(backend_.store().Write([&](NotifyTx& tx) { return tx.Emit(ended, "unit:a"); }).ok());
  const int64_t n = ys::testing::QueryInt(
      backend_.pool(),
      absl::StrCat("SELECT count(*) FROM outbox WHERE topic = 'ys.notify.v1' AND msg_key = 'unit:a' AND "
                   "ce_type = 'yingshang.notify.v1.Delivery' AND ce_source = '/yingshang/notify' AND "
                   "ce_id = 'N-1/unit:a/1-CHANNEL_KIND_WECOM/DELIVERY_STATE_DELIVERED' AND "
                   "(extract(epoch FROM ce_time) * 1000000)::bigint = ",
                   absl::ToUnixMicros(T(7))));
  EXPECT_EQ(n, 1);
}

TEST_F(PgNotifyStoreTest, ADueDeliveryLockedByOneUnitOfWorkIsSkippedByAnother) {
  ASSERT_TRUE(backend_.store()
                  .Write([](NotifyTx& tx) {
                    RETURN_IF_ERROR(tx.PutDelivery(Deliv("N-1", "r", pb::DELIVERY_STATE_PENDING, 0), T(1)));
                    return tx.PutDelivery(Deliv("N-2", "r", pb::DELIVERY_STATE_PENDING, 0), T(2));
                  })
                  .ok());
  std::vector<std::string> inner;
  absl::Status s = backend_.store().Write([&](NotifyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto first, tx.DueDeliveries(T(10), 1));
    EXPECT_EQ(Ids(first), V{"N-1/r/1-CHANNEL_KIND_WECOM"});
    // Another replica, while N-1's row is held: it gets N-2, without waiting.
    std::thread other([&] {
      absl::Status o = backend_.store().Write([&](NotifyTx& tx2) -> absl::Status {
        ASSIGN_OR_RETURN(auto due, tx2.DueDeliveries(T(10), 0));
        inner = Ids(due);
        return absl::OkStatus();
      });
      EXPECT_TRUE(o.ok()) << o;
    });
    other.join();
    return absl::OkStatus();
  });
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(inner, V{"N-2/r/1-CHANNEL_KIND_WECOM"});
}

TEST_F(PgNotifyStoreTest, AGroupRowWrittenBeforeTheDispatchMigrationStillReads) {
  absl::Status s = backend_.pool().WithTransaction([](pqxx::work& tx) {
    tx.exec(R"(INSERT INTO groups (key, next_flush_at, state) VALUES ('k', NULL, '{"first_seen":null,)"
            R"("last_flush":null,"last_flush_fingerprint":"","flushes":0,"members":{}}'))");
    return absl::OkStatus();
  });
  ASSERT_TRUE(s.ok()) << s;
  absl::StatusOr<std::optional<GroupState>> got = absl::UnknownError("not run");
  ASSERT_TRUE(backend_.store().Read([&](NotifyTx& tx) {
    got = tx.Group("k");
    return got.status();
  }).ok()) << got.status();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->first_seen, absl::InfinitePast());
  EXPECT_EQ((*got)->receiver, "");
  EXPECT_TRUE((*got)->group_labels.empty());
}

TEST_F(PgNotifyStoreTest, BodiesAreJsonWithTheProtoFieldNames) {
  ASSERT_TRUE(backend_.store()
                  .Write([](NotifyTx& tx) {
                    return tx.PutDelivery(Deliv("N-1", "unit:a", pb::DELIVERY_STATE_HELD, 0), T(5));
                  })
                  .ok());
  EXPECT_EQ(ys::testing::QueryInt(backend_.pool(),
                                  "SELECT count(*) FROM deliveries WHERE body->>'notification_id' = 'N-1' AND "
                                  "body->>'state' = 'DELIVERY_STATE_HELD' AND state = 'DELIVERY_STATE_HELD'"),
            1);
}

TEST_F(PgNotifyStoreTest, DocumentRowsKeepTheColumnsTheirFiltersAndConstraintsUse) {
  ASSERT_TRUE(backend_.store()
                  .Write([](NotifyTx& tx) {
                    RETURN_IF_ERROR(tx.PutDocument(IssuedBulletin()));
                    RETURN_IF_ERROR(tx.PutDocument(Doc("DSP-2022-09-v2", pb::DOCUMENT_KIND_DISPATCH_PACK,
                                                       "2022-09", 2, pb::DOCUMENT_STATE_DRAFT, "2022年9月")));
                    return tx.PutDocumentFile("BUL-2022Q3-v1", pb::RENDER_FORMAT_PDF, "abc");
                  })
                  .ok());
  EXPECT_EQ(ys::testing::QueryInt(backend_.pool(),
                                  "SELECT count(*) FROM documents WHERE id = 'BUL-2022Q3-v1' AND "
                                  "kind = 'DOCUMENT_KIND_BULLETIN' AND period = '2022Q3' AND version = 1 AND "
                                  "state = 'DOCUMENT_STATE_ISSUED' AND number = '2022年第3期' AND items_pending "
                                  "AND body->>'number' = '2022年第3期' AND updated_at <= now()"),
            1);
  // A draft has taken no number, and has nothing pending.
  EXPECT_EQ(ys::testing::QueryInt(backend_.pool(),
                                  "SELECT count(*) FROM documents WHERE id = 'DSP-2022-09-v2' AND number IS NULL "
                                  "AND NOT items_pending AND body->>'number' = '2022年9月'"),
            1);
  EXPECT_EQ(ys::testing::QueryInt(
                backend_.pool(),
                "SELECT count(*) FROM document_files WHERE document_id = 'BUL-2022Q3-v1' AND "
                "format = 'RENDER_FORMAT_PDF' AND data = 'abc'::bytea AND "
                "sha256 = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'"),
            1);
}

TEST_F(PgNotifyStoreTest, LockDocumentsIsATransactionScopedLockOfItsOwn) {
  PgNotifyStore& store = static_cast<PgNotifyStore&>(backend_.store());
  int64_t documents_only = -1, with_imports = -1;
  absl::Status s = backend_.pool().WithTransaction([&](pqxx::work& w) -> absl::Status {
    const char* held = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()";
    RETURN_IF_ERROR(store.Within(w, [](NotifyTx& tx) {
      RETURN_IF_ERROR(tx.LockDocuments());
      return tx.LockDocuments();
    }));
    documents_only = w.exec1(held)[0].as<int64_t>();
    RETURN_IF_ERROR(store.Within(w, [](NotifyTx& tx) { return tx.LockImports(); }));
    with_imports = w.exec1(held)[0].as<int64_t>();
    return absl::OkStatus();
  });
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(documents_only, 1);
  EXPECT_EQ(with_imports, 2);  // another key: issuing and imports do not wait on each other
  EXPECT_EQ(ys::testing::QueryInt(backend_.pool(),
                                  "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND "
                                  "pid = pg_backend_pid()"),
            0);  // released with the transaction
}

TEST_F(PgNotifyStoreTest, AUnitOfWorkTakingLockDocumentsWaitsForTheOneHoldingIt) {
  std::promise<void> locked;
  std::future<void> first_locked = locked.get_future();
  bool signalled = false;
  std::thread first([&] {
    absl::Status s = backend_.store().Write([&](NotifyTx& tx) -> absl::Status {
      RETURN_IF_ERROR(tx.LockDocuments());
      RETURN_IF_ERROR(tx.PutDocument(IssuedBulletin()));
      if (!signalled) {
        signalled = true;
        locked.set_value();
      }
      absl::SleepFor(absl::Milliseconds(300));  // the second is waiting meanwhile
      return absl::OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s;
  });
  first_locked.wait();
  V seen{"not run"};
  absl::Status s = backend_.store().Write([&](NotifyTx& tx) -> absl::Status {
    RETURN_IF_ERROR(tx.LockDocuments());
    ASSIGN_OR_RETURN(std::vector<pb::Document> docs, tx.Documents({}));  // after the first committed
    seen = Ids(docs);
    return absl::OkStatus();
  });
  first.join();
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(seen, V{"BUL-2022Q3-v1"});
}

}  // namespace
}  // namespace ys::notify
