#pragma once

// The notify pipeline on fakes, for the dispatch tests: events in through Intake::Apply (in a
// FakeNotifyStore unit of work), groups out through Flusher::FlushDue, deliveries through
// DeliveryWorker::RunOnce to FakeSenders, all on a FakeClock. The recipients are a small catalog's
// with the office's channels laid over them (RecipientBook::Rebuild), the secrets a MapSecrets, the
// templates and the holiday calendar the shipped ones, the routes the shipped routing.yaml unless a
// test gives its own tree.

#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/status/macros.h"
#include "common/time/calendar.h"
#include "common/time/clock.h"
#include "common/time/proto_time.h"
#include "gtest/gtest.h"
#include "services/notify/delivery_worker.h"
#include "services/notify/flush.h"
#include "services/notify/intake.h"
#include "services/notify/outgoing.h"
#include "services/notify/recipient_book.h"
#include "services/notify/recipients_proto.h"
#include "services/notify/settings.h"
#include "services/notify/templates.h"
#include "tests/fakes/fake_clock.h"
#include "tests/services/notify/event_builders.h"
#include "tests/services/notify/fake_notify_store.h"
#include "tests/services/notify/fake_sender.h"

namespace ys::notify::testing {

inline constexpr char kUnit[] = "市市场监管局";
inline constexpr char kUnitId[] = "unit:市市场监管局";
inline constexpr char kHeadId[] = "head:市市场监管局";
inline constexpr char kLeadId[] = "lead:张某某";
inline constexpr char kOtherUnitId[] = "unit:市行政审批局";
inline constexpr char kScreenId[] = "publication:大厅显示屏";

// The unit's own webhook (its HMAC key by name), then its mailbox.
inline constexpr char kUnitHook[] = "https://hooks.scjg.example/yingshang";
inline constexpr char kUnitHookSecretRef[] = "notify/webhook/scjg";
inline constexpr char kUnitMail[] = "scjg@example.invalid";
// The office's WeCom group robot; its key goes into the URL at send time.
inline constexpr char kOfficeRobot[] = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send";
inline constexpr char kOfficeRobotKeyRef[] = "notify/wecom/office";
inline constexpr char kOfficeRobotKey[] = "sample-office-robot-key";
inline constexpr char kOfficeRobotUrl[] =
    "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=sample-office-robot-key";
inline constexpr char kScreenHook[] = "https://screen.zwfw.example/roster";
inline constexpr char kScreenHookSecretRef[] = "notify/webhook/screen";

inline std::string ReadSourceFile(const std::string& relative) {
  std::ifstream in(std::string(YS_SOURCE_DIR) + "/" + relative, std::ios::binary);
  EXPECT_TRUE(in.good()) << relative;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Two units answer for 开办企业 (I05, 领班 张某某), each with its 带班领导; the office is a unit too.
inline CatalogView DispatchCatalog() {
  CatalogView v;
  v.units = {{"市市场监管局", {"市场监管局"}}, {"市行政审批局", {}}, {"市营商办", {}}, {"市政务服务管理局", {}}};
  v.indicators = {{"I05", "张某某", {{"市市场监管局", "王某某"}, {"市行政审批局", "李某某"}}}};
  v.counties = {{"361102", "信州区"}};
  return v;
}

inline absl::Time Local(int y, int mo, int d, int h, int mi, int s = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s), Shanghai());
}

class DispatchTest : public ::testing::Test {
 protected:
  DispatchTest() : clock_(Local(2022, 10, 17, 10, 0)) {}  // a Monday, office hours

  void SetUp() override {
    absl::StatusOr<TemplateSet> templates =
        TemplateSet::LoadDirectory(std::string(YS_SOURCE_DIR) + "/services/notify/templates");
    ASSERT_TRUE(templates.ok()) << templates.status();
    templates_ = *std::move(templates);
    absl::StatusOr<WorkingDayCalendar> calendar = WorkingDayCalendar::LoadEmbedded();
    ASSERT_TRUE(calendar.ok()) << calendar.status();
    calendar_ = *std::move(calendar);

    UseRoutes(ReadSourceFile("services/notify/routing.yaml"));
    settings_.retry = RetryPolicy{};  // base 2s, cap 10m, 8 attempts per channel, floor 1s
    settings_.rate_limits = DefaultRateLimitPolicy();
    settings_.dispatch.lease = absl::Seconds(60);
    absl::StatusOr<RateLimiter> limiter = RateLimiter::Create(settings_.rate_limits);
    ASSERT_TRUE(limiter.ok()) << limiter.status();
    limiter_ = std::make_unique<SharedRateLimiter>(*std::move(limiter));

    SetChannels(kUnitId, {{ChannelKind::kWebhook, kUnitHook, kUnitHookSecretRef, 1},
                          {ChannelKind::kEmail, kUnitMail, "", 2},
                          {ChannelKind::kInbox, "", "", 3}});
    SetChannels("office", {{ChannelKind::kWeCom, kOfficeRobot, kOfficeRobotKeyRef, 1},
                           {ChannelKind::kInbox, "", "", 2}});
    SetChannels(kScreenId, {{ChannelKind::kWebhook, kScreenHook, kScreenHookSecretRef, 1},
                            {ChannelKind::kInbox, "", "", 2}});
    intake_ = std::make_unique<Intake>(settings_, templates_, book_);
    flusher_ = std::make_unique<Flusher>(settings_, book_, calendar_);
    worker_ = NewWorker(/*seed=*/20221017);
  }

  // Routes and inhibit rules from one routing document.
  void UseRoutes(const std::string& yaml) {
    absl::StatusOr<RouteTree> routes = ParseRouteTree(yaml);
    ASSERT_TRUE(routes.ok()) << routes.status();
    settings_.routes = *std::move(routes);
    absl::StatusOr<std::vector<InhibitRule>> rules = ParseInhibitRules(yaml);
    ASSERT_TRUE(rules.ok()) << rules.status();
    settings_.inhibit_rules = *std::move(rules);
  }

  // The office's configuration for one recipient (its channels replace the derived inbox-only
  // ones), laid over the catalog's recipients.
  void SetChannels(const std::string& id, std::vector<Channel> channels, DigestPreference digest = {}) {
    absl::StatusOr<Recipients> derived = DeriveRecipients(DispatchCatalog());
    ASSERT_TRUE(derived.ok()) << derived.status();
    auto it = derived->by_id.find(id);
    ASSERT_NE(it, derived->by_id.end()) << id;
    Recipient r = it->second;
    r.channels = std::move(channels);
    r.digest = digest;
    stored_[id] = RecipientToProto(r);
    RecipientsVersion version{static_cast<int64_t>(stored_.size()), {}};
    for (const auto& [key, p] : stored_) version.recipients.push_back(p);
    ASSERT_TRUE(book_.Rebuild(DispatchCatalog(), version).ok());
    ASSERT_TRUE(book_.skipped().empty());
  }

  std::unique_ptr<DeliveryWorker> NewWorker(uint64_t seed) {
    return std::make_unique<DeliveryWorker>(store_, settings_, book_, Senders{&http_, &smtp_}, secrets_, *limiter_,
                                            clock_, nullptr, seed);
  }

  // One consumed event in its own unit of work, at the clock's time.
  IntakeResult Apply(std::string_view topic, const CloudEvent& event) {
    IntakeResult result;
    const absl::Status s = store_.Write([&](NotifyTx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(result, intake_->Apply(tx, topic, event, clock_.Now()));
      return absl::OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s;
    return result;
  }
  IntakeResult ApplyAlert(const AlertSpec& spec, const std::string& ce_id) {
    return Apply(kRankingAlertsTopic, AlertCloudEvent(CityAlert(spec), ce_id, clock_.Now()));
  }

  FlushResult Flush() {
    FlushResult result;
    const absl::Status s = store_.Write([&](NotifyTx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(result, flusher_->FlushDue(tx, clock_.Now()));
      return absl::OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s;
    return result;
  }

  SendStats Send() { return Send(*worker_); }
  SendStats Send(DeliveryWorker& worker) {
    absl::StatusOr<SendStats> stats = worker.RunOnce();
    EXPECT_TRUE(stats.ok()) << stats.status();
    return stats.ok() ? *stats : SendStats{};
  }

  // Sends until no delivery is due at the clock's time.
  void SendAll() {
    for (int i = 0; i < 100; ++i) {
      if (Send().taken == 0) return;
    }
    ADD_FAILURE() << "deliveries still due after 100 turns";
  }
  // Flushes what is due, then sends it.
  void Pump() {
    Flush();
    SendAll();
  }
  void AdvanceAndPump(absl::Duration d) {
    clock_.Advance(d);
    Pump();
  }

  std::vector<pb::Notification> NotificationsOf(const std::string& recipient) {
    std::vector<pb::Notification> out;
    EXPECT_TRUE(store_.Read([&](NotifyTx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(out, tx.Notifications({.recipient_id = recipient}));
      return absl::OkStatus();
    }).ok());
    return out;
  }
  std::vector<pb::Notification> AllNotifications() { return NotificationsOf(""); }
  std::vector<pb::Delivery> DeliveriesOf(const std::string& recipient,
                                         pb::DeliveryState state = pb::DELIVERY_STATE_UNSPECIFIED) {
    std::vector<pb::Delivery> out;
    EXPECT_TRUE(store_.Read([&](NotifyTx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(out, tx.Deliveries({.recipient_id = recipient, .state = state}));
      return absl::OkStatus();
    }).ok());
    return out;
  }
  // The recipient's deliveries over `channel`, oldest first.
  std::vector<pb::Delivery> DeliveriesOn(const std::string& recipient, pb::ChannelKind channel) {
    std::vector<pb::Delivery> out;
    for (pb::Delivery& d : DeliveriesOf(recipient)) {
      if (d.channel() == channel) out.insert(out.begin(), std::move(d));
    }
    return out;
  }
  std::vector<pb::InboxItem> InboxOf(const std::string& recipient) {
    std::vector<pb::InboxItem> out;
    EXPECT_TRUE(store_.Read([&](NotifyTx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(out, tx.Inbox({.recipient_id = recipient}));
      return absl::OkStatus();
    }).ok());
    return out;
  }
  std::optional<pb::Delivery> DeliveryById(const std::string& id) {
    std::optional<pb::Delivery> out;
    EXPECT_TRUE(store_.Read([&](NotifyTx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(out, tx.Delivery(id));
      return absl::OkStatus();
    }).ok());
    return out;
  }

  FakeNotifyStore store_;
  ys::testing::FakeClock clock_;
  NotifySettings settings_;
  TemplateSet templates_;
  WorkingDayCalendar calendar_;
  RecipientBook book_;
  std::map<std::string, pb::Recipient> stored_;
  MapSecrets secrets_{{{kUnitHookSecretRef, {"sample-hmac-key-scjg"}},
                       {kOfficeRobotKeyRef, {kOfficeRobotKey}},
                       {kScreenHookSecretRef, {"sample-hmac-key-screen"}}}};
  FakeSender http_{Transport::kWebhook, clock_};
  FakeSender smtp_{Transport::kEmail, clock_};
  std::unique_ptr<SharedRateLimiter> limiter_;
  std::unique_ptr<Intake> intake_;
  std::unique_ptr<Flusher> flusher_;
  std::unique_ptr<DeliveryWorker> worker_;
};

}  // namespace ys::notify::testing
