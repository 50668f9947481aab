// Cases on the real PostgreSQL with a fake clock: alerts open one case per unit, again is a no-op,
// a later period's failure opens its own case naming the earlier one; withdrawn alerts flag their
// cases; the state machine and its audit; the overdue ladder (督办, the local steps) once per step
// across restarts; statistics. The gRPC face is in service_test.cc.
#include "services/rectification/store.h"

#include <algorithm>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "tests/services/rectification/case_fixture.h"

namespace ys::rectification {
namespace {

using ys::testing::QueryInt;

TEST_F(CaseStoreTest, Point12_6_ALaterPeriodsFailureOpensItsOwnCaseNamingTheEarlierOne) {
  Apply({Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I03", "2022-09"),
         Alert(rpb::ALERT_RULE_FELL_PLACES, "I03", "2022-09")});  // fell: no case by default
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM cases"), 2);
  const std::string september = CaseOf("市住建局");
  auto c = store_->Get(september);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->due_date(), "2022-10-30");  // one calendar month
  EXPECT_EQ(c->state(), pb::STATE_OPEN);
  EXPECT_EQ(c->origin(), pb::ORIGIN_RANKING_ALERT);
  EXPECT_EQ(c->lead(), "李茂荣");
  EXPECT_EQ(c->consecutive_periods(), 1);
  EXPECT_EQ(c->previous_case(), "");
  ASSERT_EQ(c->history_size(), 1);
  EXPECT_EQ(c->history(0).action(), "opened");

  // The same alert again: nothing new (no case, no event, no history).
  const int64_t events = QueryInt(*pool_, "SELECT count(*) FROM outbox");
  Apply({Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I03", "2022-09")});
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM cases"), 2);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM outbox"), events);

  // Another rule on the same period's fall: the period's one case takes it.
  Apply({Alert(rpb::ALERT_RULE_BOTTOM_THREE, "I03", "2022-09")});
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM cases"), 2);
  EXPECT_EQ(Actions(september), (std::vector<std::string>{"opened", "linked"}));
  EXPECT_EQ(store_->Get(september)->consecutive_periods(), 1);

  // The 督办 on the September case (overdue from 10-31) is under way.
  clock_.Set(At(2022, 11, 1));
  ASSERT_EQ(store_->Sweep()->steps, 2u);
  // November 10: I03 failed again in October while the September cases are open. §四(五): the
  // October failure gets its own month; the September deadline (and its overdue) stays.
  clock_.Set(At(2022, 11, 10));
  Apply({Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I03", "2022-10")});
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM cases"), 4);
  auto listed = store_->List({.unit = "市住建局", .as_of = clock_.Now()});
  ASSERT_EQ(listed->second, 2u);
  const pb::Case& earlier = listed->first[0];
  const pb::Case& october = listed->first[1];
  EXPECT_EQ(earlier.id(), september);
  EXPECT_EQ(earlier.due_date(), "2022-10-30");  // kept
  EXPECT_TRUE(earlier.overdue());
  EXPECT_EQ(earlier.escalation(), pb::ESCALATION_REMINDER);
  EXPECT_EQ(earlier.consecutive_periods(), 1);
  ASSERT_EQ(earlier.linked_periods_size(), 1);
  EXPECT_EQ(earlier.linked_periods(0), "2022-10");
  EXPECT_EQ(october.period(), "2022-10");
  EXPECT_EQ(october.due_date(), "2022-12-10");  // its own month from its opening
  EXPECT_EQ(october.previous_case(), september);
  EXPECT_EQ(october.consecutive_periods(), 2);
  EXPECT_EQ(october.escalation(), pb::ESCALATION_NONE);
  EXPECT_FALSE(october.overdue());
  EXPECT_EQ(Actions(september), (std::vector<std::string>{"opened", "linked", "escalated", "linked"}));
  auto history = store_->Get(september)->history();
  EXPECT_EQ(history.rbegin()->after(), october.id());
  // Each earlier case is told (KIND_LINKED), twice for the two units: once for the same-period rule, once now.
  EXPECT_EQ(Events(pb::CaseEvent::KIND_LINKED).size(), 4u);
  EXPECT_EQ(Events(pb::CaseEvent::KIND_OPENED).size(), 4u);
  // November fails too: a third case, naming October's.
  clock_.Set(At(2022, 12, 5));
  Apply({Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I03", "2022-11", {"市住建局"})});
  listed = store_->List({.unit = "市住建局", .as_of = clock_.Now()});
  ASSERT_EQ(listed->second, 3u);
  EXPECT_EQ(listed->first[2].previous_case(), october.id());
  EXPECT_EQ(listed->first[2].consecutive_periods(), 3);

  // Another indicator is another case.
  Apply({Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I04", "2022-10", {"市财政局"})});
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM cases"), 6);
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

TEST_F(CaseStoreTest, Point12_6_ARepeatInOneBatchAndAReopenedPeriodKeepOneCasePerPeriod) {
  // September and October of the same indicator in one batch: two cases, the second naming the first.
  Apply({Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I03", "2022-09", {"市住建局"}),
         Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I03", "2022-10", {"市住建局"}),
         Alert(rpb::ALERT_RULE_BOTTOM_THREE, "I03", "2022-10", {"市住建局"})});
  auto listed = store_->List({.unit = "市住建局", .as_of = clock_.Now()});
  ASSERT_EQ(listed->second, 2u);
  EXPECT_EQ(listed->first[1].previous_case(), listed->first[0].id());
  EXPECT_EQ(Actions(listed->first[1].id()), (std::vector<std::string>{"opened", "linked"}));
  // The September case is done and closed.
  const Principal office{"office-key", "office"}, unit{"zjj-key", "unit:市住建局"};
  const std::string september = listed->first[0].id();
  pb::ReportProgressRequest done;
  done.set_id(september);
  done.set_text("整改完成");
  done.set_final(true);
  ASSERT_TRUE(store_->Report(unit, done).ok());
  pb::VerifyCaseRequest pass;
  pass.set_id(september);
  pass.set_passed(true);
  ASSERT_TRUE(store_->Verify(office, pass).ok());
  pb::CloseCaseRequest close;
  close.set_id(september);
  ASSERT_TRUE(store_->Close(office, close).ok());
  // Reopened while October's case is open: allowed, another period.
  pb::ReopenCaseRequest reopen;
  reopen.set_id(september);
  reopen.set_reason("复查发现问题反弹");
  ASSERT_TRUE(store_->Reopen(office, reopen).ok());
  ASSERT_TRUE(store_->Report(unit, done).ok());
  ASSERT_TRUE(store_->Verify(office, pass).ok());
  ASSERT_TRUE(store_->Close(office, close).ok());
  // A new September rule after it closed opens a September case again; the closed one may then not
  // be reopened beside it (one open case per period).
  Apply({Alert(rpb::ALERT_RULE_BOTTOM_THREE, "I03", "2022-09", {"市住建局"})});
  EXPECT_EQ(store_->List({.unit = "市住建局", .as_of = clock_.Now()})->second, 3u);
  auto refused = store_->Reopen(office, reopen);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition) << refused.status();
  EXPECT_NE(refused.status().message().find("2022-09"), std::string::npos) << refused.status();
}

TEST_F(CaseStoreTest, TheListIsReadAgainOnlyAfterAChangeCommittedOnAnyReplica) {
  Apply({Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I03", "2022-09", {"市住建局"})});
  CaseListCache cache(*pool_);
  auto first = cache.Current();
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ((*first)->cases.size(), 1u);
  auto again = cache.Current();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->get(), first->get());  // nothing changed: the same cases, not read again
  EXPECT_EQ(cache.loads(), 1);

  // Another replica (its own store and pool on the same schema) reports on the case: the next
  // list of this one shows the report, and the state it moved the case to.
  auto other_pool = PgPool::Connect(pool_->options());
  ASSERT_TRUE(other_pool.ok()) << other_pool.status();
  CaseStore other(**other_pool, clock_, *calendar_, CasePolicies{});
  pb::ReportProgressRequest report;
  report.set_id((*first)->cases[0].id());
  report.set_text("正在整改");
  ASSERT_TRUE(other.Report(Principal{"zjj-key", "unit:市住建局"}, report).ok());
  auto after = cache.Current();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(cache.loads(), 2);
  ASSERT_EQ((*after)->cases.size(), 1u);
  EXPECT_EQ((*after)->cases[0].reports_size(), 1);
  EXPECT_EQ((*after)->cases[0].state(), pb::STATE_IN_PROGRESS);
  auto listed = store_->List({.unit = "市住建局", .as_of = clock_.Now()});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->first.size(), 1u);
  EXPECT_EQ(listed->first[0].reports_size(), 1);

  // A case opened afterwards is listed too.
  clock_.Set(At(2022, 11, 10));
  Apply({Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I03", "2022-10", {"市住建局"})});
  EXPECT_EQ((*cache.Current())->cases.size(), 2u);
  EXPECT_EQ(store_->List({.unit = "市住建局", .as_of = clock_.Now()})->second, 2u);
}

TEST_F(CaseStoreTest, AListPageCarriesTheTotalOfEveryMatchEvenPastTheEnd) {
  clock_.Set(At(2022, 10, 8));
  Apply({Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I03", "2022-07", {"市住建局"}),
         Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I03", "2022-08", {"市住建局"}),
         Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I03", "2022-09", {"市住建局"})});
  const size_t all = static_cast<size_t>(QueryInt(*pool_, "SELECT count(*) FROM cases WHERE unit = '市住建局'"));
  ASSERT_GE(all, 3u);
  auto page = [&](size_t offset) { return *store_->List({.unit = "市住建局", .as_of = clock_.Now(), .offset = offset, .limit = 2}); };
  EXPECT_EQ(page(0).first.size(), 2u);
  EXPECT_EQ(page(0).second, all);
  EXPECT_EQ(page(2).first.size(), std::min<size_t>(2, all - 2));
  EXPECT_EQ(page(2).second, all);
  EXPECT_EQ(page(all).first.size(), 0u);  // past the end: no row, still the total
  EXPECT_EQ(page(all).second, all);
  EXPECT_EQ(store_->List({.unit = "市商务局", .as_of = clock_.Now()})->second, 0u);
  // The pages in due order, none twice.
  std::vector<std::string> ids;
  for (size_t at = 0; at < all; at += 2) {
    for (const pb::Case& c : page(at).first) ids.push_back(c.id());
  }
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), all);
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

TEST_F(CaseStoreTest, TwoReplicasOpeningTheSameReferenceAtOnceOpenOneCase) {
  // Two notify replicas' document sweeps may open one 督办事项 at the same moment, through two
  // rectification replicas: the reference's key makes the later one find the first's case.
  std::string schema;
  ASSERT_TRUE(pool_->WithTransaction([&](pqxx::work& tx) {
                schema = tx.exec1("SELECT current_schema()")[0].as<std::string>();
                return absl::OkStatus();
              }).ok());
  auto migrations = MigrationsFromFiles(EmbeddedMigrations());
  ASSERT_TRUE(migrations.ok());
  std::unique_ptr<PgPool> other_pool = ys::testing::MigratedPool(schema, *migrations);
  ASSERT_NE(other_pool, nullptr);
  CaseStore other(*other_pool, clock_, *calendar_, CasePolicies{});
  const Principal office{"office-dev", "office"};
  constexpr int kItems = 8;
  std::vector<std::string> ids[2];
  absl::Status failed[2];
  auto replica = [&](CaseStore& store, int r) {
    for (int i = 0; i < kItems; ++i) {
      pb::OpenCaseRequest req;
      req.set_origin(pb::ORIGIN_BULLETIN);
      req.set_origin_ref(absl::StrFormat("2022年第3期通报 第%d项", i + 1));
      req.set_unit("市住建局");
      req.set_indicator_code("I03");
      req.set_period("2022-09");
      req.set_title("施工许可办理超时");
      auto c = store.Open(office, req);
      if (!c.ok()) {
        failed[r] = c.status();
        return;
      }
      ids[r].push_back(c->id());
    }
  };
  std::thread a(replica, std::ref(*store_), 0), b(replica, std::ref(other), 1);
  a.join();
  b.join();
  ASSERT_TRUE(failed[0].ok()) << failed[0];
  ASSERT_TRUE(failed[1].ok()) << failed[1];
  EXPECT_EQ(ids[0], ids[1]);  // item by item, the same case
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM cases"), kItems);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM case_history WHERE action = 'opened'"), kItems);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM outbox WHERE ce_id LIKE '%KIND_OPENED%'"), kItems);
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

TEST_F(CaseStoreTest, Point12_5_TheDefaultLadderIsTheReminderOnceAcrossRestarts) {
  rpb::RankingAlert alert = Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I03", "2022-09", {"市住建局"});
  alert.mutable_units(0)->set_head("陈锋");
  Apply({alert});
  const std::string id = CaseOf("市住建局");
  auto steps = [&] { return QueryInt(*pool_, "SELECT count(*) FROM outbox WHERE ce_id LIKE '%KIND_ESCALATED%'"); };
  clock_.Set(At(2022, 10, 30, 23));  // the due day itself: not overdue
  ASSERT_EQ(store_->Sweep()->steps, 0u);
  clock_.Set(At(2022, 10, 31, 0));  // the end of the due day: 督办
  EXPECT_EQ(store_->Sweep()->steps, 1u);
  EXPECT_EQ(store_->Sweep()->steps, 0u);  // again: nothing
  auto c = store_->Get(id);
  EXPECT_EQ(c->escalation(), pb::ESCALATION_REMINDER);
  EXPECT_EQ(c->escalation_step(), "督办");
  EXPECT_TRUE(c->overdue());
  // The 督办 is for the unit and its 带班领导: the event names both.
  auto reminders = Events(pb::CaseEvent::KIND_ESCALATED);
  ASSERT_EQ(reminders.size(), 1u);
  EXPECT_EQ(reminders[0].escalation(), pb::ESCALATION_REMINDER);
  ASSERT_GE(reminders[0].addressees_size(), 1);
  EXPECT_EQ(reminders[0].addressees(0).unit(), "市住建局");
  EXPECT_EQ(reminders[0].addressees(0).head(), "陈锋");
  EXPECT_NE(reminders[0].message().find("带班领导 陈锋"), std::string::npos) << reminders[0].message();

  // A new process (restart), weeks and months later: nothing more by default — no raise, no
  // referral (the work plan gives no later step; a referral is the office's decision).
  CaseStore restarted(*pool_, clock_, *calendar_, CasePolicies{});
  for (absl::Time t : {At(2022, 11, 7, 1), At(2022, 11, 14, 1), At(2023, 3, 1)}) {
    clock_.Set(t);
    EXPECT_EQ(restarted.Sweep()->steps, 0u);
    EXPECT_EQ(restarted.Sweep()->suggestions, 0u);
  }
  EXPECT_EQ(steps(), 1);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM escalations"), 1);
  c = store_->Get(id);
  EXPECT_EQ(c->escalation(), pb::ESCALATION_REMINDER);
  EXPECT_FALSE(c->referral_suggested());
  EXPECT_FALSE(c->has_referral());
  auto counts = store_->CountByLevel();
  EXPECT_EQ(counts->overdue[pb::ESCALATION_REMINDER], 1);
  EXPECT_EQ(counts->overdue[pb::ESCALATION_REFERRED], 0);

  // Extending the deadline starts the ladder again: the new due time brings its own 督办, once.
  clock_.Set(At(2022, 12, 20));
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

  // Planning: what is overdue at a date, without changing anything.
  EXPECT_EQ(store_->List({.overdue_only = true, .as_of = At(2023, 1, 1, 0)})->second, 1u);
  EXPECT_EQ(store_->List({.overdue_only = true, .as_of = At(2022, 12, 31, 12)})->second, 0u);
}

TEST_F(CaseStoreTest, Point12_5_LocalStepsAndTheReferralSuggestionAreTakenOnceAndNeverRefer) {
  CasePolicies policies;
  policies.escalation.local_steps = {{"报领班", 7}};
  policies.escalation.suggest_referral_after_days = 10;
  UsePolicies(policies);
  Apply({Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I03", "2022-09", {"市住建局"})});
  const std::string id = CaseOf("市住建局");
  clock_.Set(At(2022, 11, 7, 1));  // 8 days past due: 督办 and 报领班 (the sweeper was down)
  auto swept = store_->Sweep();
  ASSERT_TRUE(swept.ok()) << swept.status();
  EXPECT_EQ(swept->steps, 2u);
  EXPECT_EQ(swept->suggestions, 0u);
  auto c = store_->Get(id);
  EXPECT_EQ(c->escalation(), pb::ESCALATION_LOCAL_STEP);
  EXPECT_EQ(c->escalation_step(), "报领班");
  auto escalated = Events(pb::CaseEvent::KIND_ESCALATED);
  ASSERT_EQ(escalated.size(), 2u);
  EXPECT_EQ(escalated[1].snapshot().escalation_step(), "报领班");
  EXPECT_NE(escalated[1].message().find("本地规定"), std::string::npos) << escalated[1].message();  // local policy
  for (const char* term : {"提级", "移送"}) {
    EXPECT_EQ(escalated[1].message().find(term), std::string::npos) << escalated[1].message();
  }
  // 10 days past due: a suggestion, marked with a history line and an event — no referral.
  clock_.Set(At(2022, 11, 10, 1));
  swept = store_->Sweep();
  EXPECT_EQ(swept->steps, 0u);
  EXPECT_EQ(swept->suggestions, 1u);
  EXPECT_EQ(store_->Sweep()->suggestions, 0u);  // once
  c = store_->Get(id);
  EXPECT_TRUE(c->referral_suggested());
  EXPECT_FALSE(c->has_referral());
  EXPECT_EQ(c->escalation(), pb::ESCALATION_LOCAL_STEP);
  EXPECT_EQ(c->history().rbegin()->action(), "referral_suggested");
  ASSERT_EQ(Events(pb::CaseEvent::KIND_REFERRAL_SUGGESTED).size(), 1u);
  EXPECT_TRUE(Events(pb::CaseEvent::KIND_REFERRED).empty());
  EXPECT_EQ(store_->CountByLevel()->referral_suggested, 1);
  // A year on, still no referral: only the office refers.
  clock_.Set(At(2023, 11, 1));
  EXPECT_EQ(store_->Sweep()->steps, 0u);
  EXPECT_EQ(store_->Get(id)->escalation(), pb::ESCALATION_LOCAL_STEP);
  // The office refers; a later sweep keeps the level.
  pb::ReferCaseRequest refer;
  refer.set_id(id);
  refer.set_reason("逾期一年拒不整改");
  auto referred = store_->Refer({"office-key", "office"}, refer);
  ASSERT_TRUE(referred.ok()) << referred.status();
  EXPECT_EQ(referred->escalation(), pb::ESCALATION_REFERRED);
  EXPECT_FALSE(referred->referral_suggested());
  EXPECT_EQ(store_->CountByLevel()->referral_suggested, 0);
}

TEST_F(CaseStoreTest, Point12_5_TheSweeperTakesCasesPastDueAndTheDomainDecidesWhatEachIsOwed) {
  CasePolicies policies;
  policies.escalation.suggest_referral_after_days = 10;  // local policy, for this test
  UsePolicies(policies);
  Apply({Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I03", "2022-09", {"市住建局"})});  // due 2022-10-30
  clock_.Set(At(2022, 10, 5));
  Apply({Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I04", "2022-09", {"市财政局"})});  // due 2022-11-05
  const std::string referred = CaseOf("市住建局"), later = CaseOf("市财政局");
  clock_.Set(At(2022, 11, 1));
  ASSERT_EQ(store_->Sweep()->steps, 1u);  // 督办 on the first
  pb::ReferCaseRequest refer;
  refer.set_id(referred);
  refer.set_reason("逾期拒不整改");
  ASSERT_TRUE(store_->Refer({"office-key", "office"}, refer).ok());
  const int64_t referred_version = VersionOf(referred);

  // 20 days past due, the referred case is owed nothing (its 督办 taken, and a referral is not
  // suggested for a case the office referred); it comes first by due time but does not take the one
  // place a sweep of limit 1 has: the later case gets its 督办 and its suggestion.
  clock_.Set(At(2022, 11, 20));
  auto swept = store_->Sweep(1);
  ASSERT_TRUE(swept.ok()) << swept.status();
  EXPECT_EQ(swept->steps, 1u);
  EXPECT_EQ(swept->suggestions, 1u);
  EXPECT_EQ(swept->cases, 1u);
  EXPECT_EQ(VersionOf(referred), referred_version);
  EXPECT_EQ(store_->Get(later)->escalation(), pb::ESCALATION_REMINDER);
  EXPECT_TRUE(store_->Get(later)->referral_suggested());

  // A case whose body fell behind its steps (督办 taken, its escalations row there): the step is not
  // taken again, and the case is left as it is — no new version, not counted.
  StoreBody(later, [](pb::Case& c) { c.set_ladder_steps_taken(0); }, "ladder_rung = 0");
  const int64_t later_version = VersionOf(later);
  const int64_t events = QueryInt(*pool_, "SELECT count(*) FROM outbox");
  swept = store_->Sweep();
  ASSERT_TRUE(swept.ok()) << swept.status();
  EXPECT_EQ(swept->steps, 0u);
  EXPECT_EQ(swept->cases, 0u);
  EXPECT_EQ(VersionOf(later), later_version);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM outbox"), events);
}

TEST_F(CaseStoreTest, ARetriedTransactionListsCountsAndTalliesEachCaseOnce) {
  Apply({Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I03", "2022-09", {"市住建局", "市自然资源局"})});
  clock_.Set(At(2022, 11, 1));  // both overdue
  // Every transaction reading `cases` fails once at its commit with a serialization failure, which
  // PgPool::WithTransaction retries (ABORTED): the answer must be the second attempt's alone.
  ASSERT_TRUE(pool_->WithTransaction([&](pqxx::work& tx) {
                tx.exec(R"sql(
CREATE SEQUENCE reads;
CREATE TABLE tripwire (n int);
CREATE FUNCTION trip() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN RAISE EXCEPTION 'test: retry me' USING ERRCODE = '40001'; END $$;
CREATE CONSTRAINT TRIGGER tripwire_at_commit AFTER INSERT ON tripwire DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION trip();
CREATE FUNCTION fail_once() RETURNS boolean LANGUAGE plpgsql VOLATILE AS
  $$ BEGIN IF nextval('reads') = 1 THEN INSERT INTO tripwire VALUES (1); END IF; RETURN true; END $$;
ALTER TABLE cases RENAME TO cases_stored;
CREATE VIEW cases AS SELECT * FROM cases_stored WHERE fail_once();
)sql");
                return absl::OkStatus();
              }).ok());
  auto rearm = [&] {
    ASSERT_TRUE(pool_->WithTransaction([&](pqxx::work& tx) {
                  tx.exec("SELECT setval('reads', 1, false)");
                  return absl::OkStatus();
                }).ok());
  };
  // The pool must retry such a failure for this test to say anything.
  rearm();
  int attempts = 0;
  const absl::Status probe = pool_->WithTransaction([&](pqxx::work& tx) {
    ++attempts;
    tx.exec("SELECT fail_once()");
    return absl::OkStatus();
  });
  ASSERT_TRUE(probe.ok()) << "PgPool did not retry a serialization failure at commit: " << probe;
  ASSERT_EQ(attempts, 2);
  rearm();
  auto listed = store_->List({.as_of = clock_.Now()});
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->first.size(), 2u);
  EXPECT_EQ(listed->second, 2u);
  rearm();
  auto stats = store_->Stats("2022Q3");
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->units_size(), 2);
  EXPECT_EQ(stats->total().opened(), 2);
  rearm();
  auto counts = store_->CountByLevel();
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(counts->overdue[pb::ESCALATION_NONE], 2);
}

TEST_F(CaseStoreTest, Point12_6_ACaseFromAnAlertStatesItsOwnDueDateOnce) {
  CasePolicies policies;
  policies.deadlines.by_origin[pb::ORIGIN_RANKING_ALERT] = {DeadlinePolicy::Kind::kWorkingDays, 15};  // local policy
  UsePolicies(policies);
  rpb::RankingAlert county = CountyAlert("I03", "2022-09");
  county.set_rule(rpb::ALERT_RULE_BOTTOM_THREE);
  county.set_consequence("以一个月为时限，全市各地各单位对通报督办事项、排名靠后的工作进行整改");
  Apply({county});
  auto c = store_->Get(CaseOf("信州区"));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->due_date(), "2022-10-26");  // 15 working days after 09-30 (国庆 off, 10-08 and 10-09 worked)
  const std::string& d = c->description();
  EXPECT_NE(d.find("请于2022-10-26前整改，并在期限内将整改落实情况报市营商办。"), std::string::npos) << d;
  EXPECT_EQ(d.find("一个月"), std::string::npos) << d;
  EXPECT_EQ(d.find("报市营商办"), d.rfind("报市营商办")) << d;  // once
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


TEST_F(CaseStoreTest, TwoReplicasSweepingAtOnceTakeEachStepOnce) {
  // Two replicas share the schema and sweep on their own timers: each step of each case is taken
  // by one of them (rows locked with SKIP LOCKED and decided again, escalations keyed per deadline).
  CasePolicies policies;
  policies.escalation.local_steps = {{"报领班", 7}};
  UsePolicies(policies);
  std::vector<rpb::RankingAlert> alerts;
  for (int i = 1; i <= 18; ++i) {
    alerts.push_back(Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, absl::StrFormat("I%02d", i), "2022-09"));
  }
  Apply(alerts);
  constexpr int64_t kCases = 36;  // 18 indicators, 2 units each
  ASSERT_EQ(QueryInt(*pool_, "SELECT count(*) FROM cases"), kCases);
  std::string schema;
  ASSERT_TRUE(pool_->WithTransaction([&](pqxx::work& tx) {
                schema = tx.exec1("SELECT current_schema()")[0].as<std::string>();
                return absl::OkStatus();
              }).ok());
  auto migrations = MigrationsFromFiles(EmbeddedMigrations());
  ASSERT_TRUE(migrations.ok());
  std::unique_ptr<PgPool> other_pool = ys::testing::MigratedPool(schema, *migrations);
  ASSERT_NE(other_pool, nullptr);
  CaseStore other(*other_pool, clock_, *calendar_, policies);

  clock_.Set(At(2022, 11, 8));  // 8 days past due: 督办 and 报领班 owed to every case
  size_t steps[2] = {0, 0};
  absl::Status failed[2];
  auto sweep = [&](CaseStore& store, int r) {
    for (int round = 0; round < 4; ++round) {
      auto swept = store.Sweep(5);  // small pages: the replicas interleave
      if (!swept.ok()) {
        failed[r] = swept.status();
        return;
      }
      steps[r] += swept->steps;
    }
  };
  std::thread a(sweep, std::ref(*store_), 0), b(sweep, std::ref(other), 1);
  a.join();
  b.join();
  ASSERT_TRUE(failed[0].ok()) << failed[0];
  ASSERT_TRUE(failed[1].ok()) << failed[1];
  EXPECT_EQ(steps[0] + steps[1], static_cast<size_t>(2 * kCases));
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM escalations"), 2 * kCases);
  EXPECT_EQ(static_cast<int64_t>(Events(pb::CaseEvent::KIND_ESCALATED).size()), 2 * kCases);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM case_history WHERE action = 'escalated'"), 2 * kCases);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM (SELECT case_id FROM case_history WHERE action = 'escalated' "
                             "GROUP BY case_id HAVING count(*) <> 2) x"),
            0);
  EXPECT_EQ(other.Sweep()->steps, 0u);  // nothing left owed
  absl::PrintF("two sweepers: %d and %d steps of %d\n", steps[0], steps[1], 2 * kCases);
}

}  // namespace
}  // namespace ys::rectification
