// Cases on the real PostgreSQL with a fake clock: alerts open one case per unit, again is a no-op,
// a later fall links; the state machine and its audit; the overdue ladder once per step across
// restarts; statistics; and the gRPC roles (a unit reports on its own cases only).
#include "services/rectification/store.h"

#include <pqxx/pqxx>

#include "common/grpc/server.h"
#include "common/pg/migrations.h"
#include "common/time/proto_time.h"
#include "gtest/gtest.h"
#include "services/rectification/embedded.h"
#include "services/rectification/service.h"
#include "tests/fakes/fake_clock.h"
#include "tests/support/outbox_fixture.h"

namespace ys::rectification {
namespace {

using ys::testing::QueryInt;

absl::Time At(int y, int m, int d, int hh = 10) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, 0, 0), Shanghai());
}

class CaseStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto migrations = MigrationsFromFiles(EmbeddedMigrations());
    ASSERT_TRUE(migrations.ok());
    pool_ = ys::testing::MigratedPool(ys::testing::UniqueName("t_rect"), *migrations);
    ASSERT_NE(pool_, nullptr);
    calendar_ = std::make_unique<WorkingDayCalendar>(*WorkingDayCalendar::LoadEmbedded());
    store_ = std::make_unique<CaseStore>(*pool_, clock_, *calendar_, CasePolicies{});
  }

  static rpb::RankingAlert Alert(rpb::AlertRule rule, const std::string& indicator, const std::string& period,
                                 std::vector<std::string> units = {"市住建局", "市自然资源局"}) {
    rpb::RankingAlert a;
    a.set_rule(rule);
    a.mutable_fact()->set_scope(rpb::SCOPE_CITY);
    a.mutable_fact()->set_region_code("3611");
    a.mutable_fact()->set_indicator_code(indicator);
    a.mutable_fact()->set_period(period);
    a.mutable_fact()->set_rank(11);
    a.mutable_fact()->set_total(11);
    a.set_id(absl::StrCat(rpb::AlertRule_Name(rule), "/", indicator, "/", period));
    a.set_region_name("上饶市");
    a.set_indicator_name("办理建筑许可");
    a.set_lead("李茂荣");
    a.set_message(period + " 上饶市 办理建筑许可：全省倒数第一");
    for (const auto& u : units) a.add_units()->set_unit(u);
    return a;
  }

  std::vector<absl::Status> Apply(const std::vector<rpb::RankingAlert>& alerts) {
    std::vector<CloudEvent> events;
    for (const auto& a : alerts) {
      CloudEvent e;
      e.id = NewEventId();
      e.data = a.SerializeAsString();
      events.push_back(e);
    }
    std::vector<const CloudEvent*> ptrs;
    for (const auto& e : events) ptrs.push_back(&e);
    std::vector<absl::Status> results(ptrs.size());
    EXPECT_TRUE(pool_->WithTransaction([&](pqxx::work& tx) {
                  return store_->ApplyAlerts(tx, ptrs, &results);
                }).ok());
    return results;
  }

  std::string CaseOf(const std::string& unit) {
    auto listed = store_->List({.unit = unit, .as_of = clock_.Now()});
    EXPECT_TRUE(listed.ok());
    return listed.ok() && !listed->first.empty() ? listed->first[0].id() : "";
  }

  ys::testing::FakeClock clock_{At(2022, 9, 30)};
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<WorkingDayCalendar> calendar_;
  std::unique_ptr<CaseStore> store_;
};

TEST_F(CaseStoreTest, AlertsOpenOneCasePerUnitAndLaterFallsLink) {
  Apply({Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I03", "2022-09"),
         Alert(rpb::ALERT_RULE_FELL_PLACES, "I03", "2022-09")});  // fell: no case by default
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM cases"), 2);
  auto c = store_->Get(CaseOf("市住建局"));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->due_date(), "2022-10-30");  // one calendar month
  EXPECT_EQ(c->state(), pb::STATE_OPEN);
  EXPECT_EQ(c->origin(), pb::ORIGIN_RANKING_ALERT);
  EXPECT_EQ(c->lead(), "李茂荣");
  ASSERT_EQ(c->history_size(), 1);
  EXPECT_EQ(c->history(0).action(), "opened");

  // The same alert again: nothing new (no case, no event, no history).
  const int64_t events = QueryInt(*pool_, "SELECT count(*) FROM outbox");
  Apply({Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I03", "2022-09")});
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM cases"), 2);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM outbox"), events);

  // October: I03 fails again while the cases are open: linked and counted, not new cases.
  clock_.Set(At(2022, 11, 10));
  Apply({Alert(rpb::ALERT_RULE_BOTTOM_THREE, "I03", "2022-10")});
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM cases"), 2);
  c = store_->Get(CaseOf("市住建局"));
  EXPECT_EQ(c->consecutive_periods(), 2);
  ASSERT_EQ(c->linked_periods_size(), 1);
  EXPECT_EQ(c->linked_periods(0), "2022-10");
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM outbox WHERE payload IS NOT NULL AND "
                             "ce_id LIKE '%KIND_LINKED%'"),
            2);
  // Another indicator is another case.
  Apply({Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I04", "2022-10", {"市财政局"})});
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM cases"), 3);
  // A body that is not an alert is the record's fault.
  std::vector<absl::Status> bad;
  {
    CloudEvent e;
    e.data = "garbage";
    std::vector<const CloudEvent*> ptrs = {&e};
    bad.resize(1);
    ASSERT_TRUE(pool_->WithTransaction([&](pqxx::work& tx) { return store_->ApplyAlerts(tx, ptrs, &bad); }).ok());
  }
  EXPECT_EQ(bad[0].code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(CaseStoreTest, ACaseOpenedFromAReferenceIsOpenedOnce) {
  const Principal office{"office-dev", "office"};
  pb::OpenCaseRequest req;
  req.set_origin(pb::ORIGIN_BULLETIN);
  req.set_origin_ref("2022年第3期通报 第2项");
  req.set_unit("市住建局");
  req.set_indicator_code("I03");
  req.set_period("2022-09");
  req.set_title("施工许可办理超时");
  auto first = store_->Open(office, req);
  ASSERT_TRUE(first.ok()) << first.status();
  // The same request again (a retry after a lost answer): the same case, nothing new.
  auto again = store_->Open(office, req);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->id(), first->id());
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM cases"), 1);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM case_history WHERE action = 'opened'"), 1);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM outbox WHERE ce_id LIKE '%KIND_OPENED%'"), 1);
  // Other details under the same reference: refused, naming the case.
  pb::OpenCaseRequest other = req;
  other.set_title("另一个问题");
  auto refused = store_->Open(office, other);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_NE(refused.status().message().find("field 'origin_ref'"), std::string::npos) << refused.status();
  EXPECT_NE(refused.status().message().find(first->id()), std::string::npos) << refused.status();
  // The same reference for another unit, or no reference at all, opens a case each time.
  pb::OpenCaseRequest unit = req;
  unit.set_unit("市自然资源局");
  ASSERT_TRUE(store_->Open(office, unit).ok());
  pb::OpenCaseRequest unkeyed = req;
  unkeyed.clear_origin_ref();
  ASSERT_TRUE(store_->Open(office, unkeyed).ok());
  ASSERT_TRUE(store_->Open(office, unkeyed).ok());
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM cases"), 4);
}

TEST_F(CaseStoreTest, StatesAreCheckedAndEveryChangeIsAudited) {
  Apply({Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I03", "2022-09", {"市住建局"})});
  const std::string id = CaseOf("市住建局");
  const Principal unit{"zjj-key", "unit:市住建局"};
  const Principal office{"office-key", "office"};
  pb::VerifyCaseRequest verify;
  verify.set_id(id);
  verify.set_passed(true);
  auto early = store_->Verify(office, verify);
  EXPECT_EQ(early.status().code(), absl::StatusCode::kFailedPrecondition);  // nothing reported yet

  pb::ReportProgressRequest progress;
  progress.set_id(id);
  progress.set_text("已制定整改方案");
  ASSERT_EQ(store_->Report(unit, progress)->state(), pb::STATE_IN_PROGRESS);
  progress.set_text("整改完成，附验收材料");
  progress.set_final(true);
  progress.add_attachments("file:zjj-2022-10-20.pdf");
  clock_.Set(At(2022, 10, 20));
  ASSERT_EQ(store_->Report(unit, progress)->state(), pb::STATE_REPORTED);
  verify.set_passed(false);
  verify.set_comment("材料不全");
  EXPECT_EQ(store_->Verify(office, verify)->state(), pb::STATE_REJECTED);
  clock_.Set(At(2022, 10, 25));
  ASSERT_EQ(store_->Report(unit, progress)->state(), pb::STATE_REPORTED);
  verify.set_passed(true);
  EXPECT_EQ(store_->Verify(office, verify)->state(), pb::STATE_VERIFIED);
  pb::CloseCaseRequest close;
  close.set_id(id);
  auto closed = store_->Close(office, close);
  ASSERT_TRUE(closed.ok()) << closed.status();
  EXPECT_EQ(closed->state(), pb::STATE_CLOSED);
  EXPECT_EQ(closed->reports_size(), 3);
  EXPECT_EQ(closed->verifications_size(), 2);
  std::vector<std::string> actions;
  for (const auto& h : closed->history()) actions.push_back(h.action() + ":" + h.actor());
  EXPECT_EQ(actions, (std::vector<std::string>{"opened:rectification", "progress:zjj-key", "reported:zjj-key",
                                               "rejected:office-key", "reported:zjj-key",
                                               "verified:office-key", "closed:office-key"}));
  EXPECT_EQ(store_->Report(unit, progress).status().code(), absl::StatusCode::kFailedPrecondition);

  // Stats are taken before the reopen below: closed on time.
  auto closed_stats = store_->Stats("2022Q3");
  ASSERT_TRUE(closed_stats.ok()) << closed_stats.status();
  EXPECT_EQ(closed_stats->units(0).closed_on_time(), 1);

  // Reopened on 11-10: a new deadline a month from then, and the ladder starts again.
  clock_.Set(At(2022, 11, 10));
  pb::ReopenCaseRequest reopen;
  reopen.set_id(id);
  reopen.set_reason("复查发现问题反弹");
  auto reopened = store_->Reopen(office, reopen);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ(reopened->state(), pb::STATE_REOPENED);
  EXPECT_EQ(reopened->due_date(), "2022-12-10");
  EXPECT_FALSE(reopened->overdue());
  pb::ExtendDeadlineRequest extend;
  extend.set_id(id);
  extend.set_due_date("2022-12-01");
  extend.set_reason("x");
  EXPECT_EQ(store_->Extend(office, extend).status().code(), absl::StatusCode::kInvalidArgument);  // earlier
  extend.set_due_date("2022-9-05 ");  // not a date, whatever its string order
  EXPECT_EQ(store_->Extend(office, extend).status().code(), absl::StatusCode::kInvalidArgument);

  // Reopened, it counts as open again.
  auto stats = store_->Stats("2022Q3");
  ASSERT_TRUE(stats.ok()) << stats.status();
  ASSERT_EQ(stats->units_size(), 1);
  EXPECT_EQ(stats->units(0).opened(), 1);
  EXPECT_EQ(stats->units(0).open(), 1);
  EXPECT_EQ(store_->Stats("2022Q4")->units_size(), 0);
  EXPECT_EQ(store_->Stats("Q3").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(CaseStoreTest, OverdueLadderTakesEachStepOnceAcrossRestarts) {
  Apply({Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I03", "2022-09", {"市住建局"})});
  const std::string id = CaseOf("市住建局");
  auto steps = [&] { return QueryInt(*pool_, "SELECT count(*) FROM outbox WHERE ce_id LIKE '%KIND_ESCALATED%'"); };
  clock_.Set(At(2022, 10, 30, 23));  // the due day itself: not overdue
  ASSERT_EQ(store_->Sweep()->steps, 0u);
  clock_.Set(At(2022, 10, 31, 0));  // the end of the due day: 督办
  EXPECT_EQ(store_->Sweep()->steps, 1u);
  EXPECT_EQ(store_->Sweep()->steps, 0u);  // again: nothing
  EXPECT_EQ(store_->Get(id)->escalation(), pb::ESCALATION_REMINDER);
  EXPECT_TRUE(store_->Get(id)->overdue());

  // A new process (restart) a week later: 提级办理, once.
  CaseStore restarted(*pool_, clock_, *calendar_, CasePolicies{});
  clock_.Set(At(2022, 11, 7, 1));
  EXPECT_EQ(restarted.Sweep()->steps, 1u);
  EXPECT_EQ(store_->Sweep()->steps, 0u);
  // The sweeper was down past 14 days and more: the missing step is taken once.
  clock_.Set(At(2022, 12, 20));
  EXPECT_EQ(restarted.Sweep()->steps, 1u);
  EXPECT_EQ(restarted.Sweep()->steps, 0u);
  EXPECT_EQ(steps(), 3);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM escalations"), 3);
  int64_t steps_before_second = 0;
  auto c = store_->Get(id);
  EXPECT_EQ(c->escalation(), pb::ESCALATION_REFERRED);
  auto counts = store_->CountByLevel();
  EXPECT_EQ(counts->overdue[pb::ESCALATION_REFERRED], 1);

  // Extending the deadline starts the ladder again: the new due time brings its own 督办, once.
  pb::ExtendDeadlineRequest extend;
  extend.set_id(id);
  extend.set_due_date("2022-12-31");
  extend.set_reason("省里调整考核口径");
  auto extended = store_->Extend({"office-key", "office"}, extend);
  ASSERT_TRUE(extended.ok()) << extended.status();
  EXPECT_EQ(extended->escalation(), pb::ESCALATION_NONE);
  EXPECT_FALSE(extended->overdue());
  clock_.Set(At(2023, 1, 2));
  EXPECT_EQ(store_->Sweep()->steps, 1u);
  EXPECT_EQ(store_->Sweep()->steps, 0u);
  EXPECT_EQ(store_->Get(id)->escalation(), pb::ESCALATION_REMINDER);

  // A case that skipped straight past two steps gets both events, each once.
  steps_before_second = steps();
  clock_.Set(At(2022, 9, 30));
  Apply({Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I05", "2022-09", {"市税务局"})});
  clock_.Set(At(2022, 11, 10));  // 10 days past due
  EXPECT_EQ(store_->Sweep()->steps, 2u);  // reminder and raised
  EXPECT_EQ(steps() - steps_before_second, 2);

  // Planning: what is overdue at a date, without changing anything.
  auto overdue = store_->List({.overdue_only = true, .as_of = At(2022, 10, 31, 0)});
  EXPECT_EQ(overdue->second, 1u);  // the first case's deadline was extended to 12-31
  EXPECT_EQ(store_->List({.overdue_only = true, .as_of = At(2022, 10, 30, 12)})->second, 0u);
}

// --- the gRPC face ------------------------------------------------------------------------------

class RectificationServiceTest : public CaseStoreTest {
 protected:
  void SetUp() override {
    CaseStoreTest::SetUp();
    auth_.Add(Sha256Hex("office"), {"office-dev", "office"});
    auth_.Add(Sha256Hex("zjj"), {"zjj", "unit:市住建局"});
    auth_.Add(Sha256Hex("zrzy"), {"zrzy", "unit:市自然资源局"});
    service_ = std::make_unique<RectificationImpl>(*store_, clock_, auth_, executor_);
    server_ = std::make_unique<GrpcServer>(GrpcServerOptions{}, metrics_, &auth_);
    server_->AddService(service_.get());
    ASSERT_TRUE(server_->Start().ok());
    stub_ = pb::RectificationService::NewStub(
        grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
  }
  void TearDown() override { server_->Shutdown(); }

  template <typename Req, typename Resp, typename Method>
  grpc::Status Call(const std::string& key, Method method, const Req& req, Resp* resp) {
    grpc::ClientContext ctx;
    if (!key.empty()) ctx.AddMetadata("authorization", "Bearer " + key);
    return ((*stub_).*method)(&ctx, req, resp);
  }

  Metrics metrics_{"rect_test"};
  CallExecutor executor_{CallExecutorOptions{}, metrics_};
  ApiKeyAuthenticator auth_;
  std::unique_ptr<RectificationImpl> service_;
  std::unique_ptr<GrpcServer> server_;
  std::unique_ptr<pb::RectificationService::Stub> stub_;
};

TEST_F(RectificationServiceTest, AUnitReportsOnItsOwnCasesOnly) {
  Apply({Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I03", "2022-09")});
  const std::string mine = CaseOf("市住建局"), theirs = CaseOf("市自然资源局");
  pb::ReportProgressRequest report;
  report.set_id(mine);
  report.set_text("整改中");
  pb::Case c;
  EXPECT_TRUE(Call("zjj", &pb::RectificationService::Stub::ReportProgress, report, &c).ok());
  report.set_id(theirs);
  grpc::Status denied = Call("zjj", &pb::RectificationService::Stub::ReportProgress, report, &c);
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(denied.error_message().find("市自然资源局"), std::string::npos);
  pb::GetCaseRequest get;
  get.set_id(theirs);
  EXPECT_EQ(Call("zjj", &pb::RectificationService::Stub::GetCase, get, &c).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Listing: a unit sees its own, whatever it asks for.
  pb::ListCasesRequest list;
  list.set_unit("市自然资源局");
  pb::ListCasesResponse listed;
  ASSERT_TRUE(Call("zjj", &pb::RectificationService::Stub::ListCases, list, &listed).ok());
  ASSERT_EQ(listed.cases_size(), 1);
  EXPECT_EQ(listed.cases(0).unit(), "市住建局");
  ASSERT_TRUE(Call("office", &pb::RectificationService::Stub::ListCases, pb::ListCasesRequest{}, &listed).ok());
  EXPECT_EQ(listed.total(), 2);
  // Only the office verifies, opens by hand, extends.
  pb::VerifyCaseRequest verify;
  verify.set_id(mine);
  verify.set_passed(true);
  EXPECT_EQ(Call("zjj", &pb::RectificationService::Stub::VerifyCase, verify, &c).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call("office", &pb::RectificationService::Stub::VerifyCase, verify, &c).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);  // in progress, not reported
  pb::OpenCaseRequest open;
  open.set_origin(pb::ORIGIN_INSPECTION);
  open.set_unit("市城管局");
  open.set_title("督查发现：窗口办件超时");
  ASSERT_TRUE(Call("office", &pb::RectificationService::Stub::OpenCase, open, &c).ok());
  EXPECT_EQ(c.due_date(), "2022-10-30");  // the default policy: one calendar month
  pb::OpenCaseRequest bad = open;
  bad.clear_title();
  grpc::Status missing = Call("office", &pb::RectificationService::Stub::OpenCase, bad, &c);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(missing.error_message().find("title"), std::string::npos);
  bad = open;
  bad.set_origin(pb::ORIGIN_RANKING_ALERT);
  EXPECT_EQ(Call("office", &pb::RectificationService::Stub::OpenCase, bad, &c).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  pb::ExtendDeadlineRequest extend;
  extend.set_id(mine);
  extend.set_due_date("2022-10-01");
  extend.set_reason("春节");
  grpc::Status earlier = Call("office", &pb::RectificationService::Stub::ExtendDeadline, extend, &c);
  EXPECT_EQ(earlier.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(earlier.error_message().find("due_date"), std::string::npos);
  extend.set_due_date("2022-11-15");
  ASSERT_TRUE(Call("office", &pb::RectificationService::Stub::ExtendDeadline, extend, &c).ok());
  EXPECT_EQ(c.due_date(), "2022-11-15");
  EXPECT_EQ(c.history().rbegin()->action(), "extended");
  EXPECT_EQ(c.history().rbegin()->before(), "2022-10-30");
  get.set_id("RC-999999");
  EXPECT_EQ(Call("office", &pb::RectificationService::Stub::GetCase, get, &c).error_code(),
            grpc::StatusCode::NOT_FOUND);
  pb::OverdueRequest overdue;
  overdue.set_as_of("2022-10-31");
  pb::OverdueResponse due;
  ASSERT_TRUE(Call("office", &pb::RectificationService::Stub::ListOverdue, overdue, &due).ok());
  ASSERT_EQ(due.cases_size(), 2);  // 市自然资源局's and the inspection's; 市住建局's was extended
  EXPECT_EQ(due.cases(0).case_().unit(), "市自然资源局");
  EXPECT_EQ(due.cases(1).case_().unit(), "市城管局");
  EXPECT_EQ(due.cases(0).level_at(), pb::ESCALATION_REMINDER);
  overdue.set_as_of("yesterday");
  EXPECT_EQ(Call("office", &pb::RectificationService::Stub::ListOverdue, overdue, &due).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Call("", &pb::RectificationService::Stub::GetCase, get, &c).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  // Statistics: the office sees every unit, a unit its own line.
  pb::StatsRequest stats;
  stats.set_period("2022Q3");
  pb::StatsResponse all, own;
  ASSERT_TRUE(Call("office", &pb::RectificationService::Stub::GetStats, stats, &all).ok());
  EXPECT_EQ(all.units_size(), 3);
  ASSERT_TRUE(Call("zjj", &pb::RectificationService::Stub::GetStats, stats, &own).ok());
  ASSERT_EQ(own.units_size(), 1);
  EXPECT_EQ(own.units(0).unit(), "市住建局");
}

TEST_F(CaseStoreTest, EventsCarryTheLastReportsAndGetCaseKeepsThemAll) {
  Apply({Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I03", "2022-09", {"市住建局"})});
  const std::string id = CaseOf("市住建局");
  const Principal unit{"zjj-key", "unit:市住建局"};
  pb::ReportProgressRequest progress;
  progress.set_id(id);
  for (int i = 0; i < 30; ++i) {
    progress.set_text(absl::StrCat("第", i, "次进展：", std::string(60'000, 'x')));
    progress.set_final(i == 29);  // the final report emits KIND_REPORTED
    ASSERT_TRUE(store_->Report(unit, progress).ok());
  }
  // Its event: bounded, with the count of what it leaves out.
  std::string payload;
  ASSERT_TRUE(pool_->WithTransaction([&](pqxx::work& tx) {
                payload = pqxx::binarystring(tx.exec1("SELECT payload FROM outbox ORDER BY id DESC LIMIT 1")[0]).str();
                return absl::OkStatus();
              }).ok());
  EXPECT_LT(payload.size(), 8u * 1024);
  pb::CaseEvent event;
  ASSERT_TRUE(event.ParseFromString(payload));
  ASSERT_EQ(event.kind(), pb::CaseEvent::KIND_REPORTED);
  EXPECT_EQ(event.reports_total(), 30);
  ASSERT_EQ(event.snapshot().reports_size(), 3);
  const std::string last = "第29次进展：";
  EXPECT_EQ(event.snapshot().reports(2).text().substr(0, last.size()), last);
  // The case keeps every text whole.
  auto whole = store_->Get(id);
  ASSERT_TRUE(whole.ok()) << whole.status();
  ASSERT_EQ(whole->reports_size(), 30);
  EXPECT_EQ(whole->reports(0).text().size(), std::string("第0次进展：").size() + 60'000);
}

}  // namespace
}  // namespace ys::rectification
