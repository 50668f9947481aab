// Withdrawn ranking alerts (issue #12 point 3, the rectification side): the ranking service
// publishes the same alert again with `withdrawn` set when a later revision of its fact no longer
// raises it. The cases it opened or joined are flagged, stay open, and the office keeps or closes them.
#include "tests/services/rectification/case_fixture.h"

namespace ys::rectification {
namespace {

using ys::testing::QueryInt;

TEST_F(CaseStoreTest, Point12_3_AWithdrawnAlertFlagsItsCasesAndOpensNothing) {
  const rpb::RankingAlert last = Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I03", "2022-09");
  // Another rule on the same fall joins the case the first opened (alert_keys maps it there too).
  const rpb::RankingAlert bottom = Alert(rpb::ALERT_RULE_BOTTOM_THREE, "I04", "2022-09", {"市财政局"});
  const rpb::RankingAlert joined = Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I04", "2022-09", {"市财政局"});
  Apply({last, bottom, joined});
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM cases"), 3);
  const std::string zjj = CaseOf("市住建局"), zrzy = CaseOf("市自然资源局"), cz = CaseOf("市财政局");

  // Withdrawn: no case opened, both of its cases flagged (open still), with a history line and an event.
  clock_.Set(At(2022, 10, 8));
  std::vector<absl::Status> results = Apply({Withdrawn(last)});
  ASSERT_TRUE(results[0].ok()) << results[0];
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM cases"), 3);
  for (const std::string& id : {zjj, zrzy}) {
    auto c = store_->Get(id);
    EXPECT_TRUE(c->alert_withdrawn()) << id;
    EXPECT_EQ(c->state(), pb::STATE_OPEN) << id;
    EXPECT_EQ(c->history().rbegin()->action(), "alert_withdrawn") << id;
  }
  EXPECT_FALSE(store_->Get(cz)->alert_withdrawn());
  ASSERT_EQ(Events(pb::CaseEvent::KIND_ALERT_WITHDRAWN).size(), 2u);
  EXPECT_EQ(store_->CountByLevel()->alert_withdrawn, 2);
  // The same withdrawal again (another delivery): nothing new.
  const int64_t history = QueryInt(*pool_, "SELECT count(*) FROM case_history");
  Apply({Withdrawn(last)});
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM case_history"), history);

  // A withdrawn rule that joined a case does not flag it while the rule that opened it stands: a
  // history line says so, nothing for anyone to do.
  Apply({Withdrawn(joined)});
  auto still = store_->Get(cz);
  EXPECT_FALSE(still->alert_withdrawn());
  EXPECT_EQ(still->history().rbegin()->action(), "alert_withdrawn");
  EXPECT_NE(still->history().rbegin()->note().find("stands on " + bottom.id()), std::string::npos)
      << still->history().rbegin()->note();
  ASSERT_EQ(Events(pb::CaseEvent::KIND_ALERT_WITHDRAWN).size(), 2u);
  // A withdrawal of an alert that never opened a case: a no-op, not a dead letter.
  results = Apply({Withdrawn(Alert(rpb::ALERT_RULE_FELL_PLACES, "I05", "2022-09")),
                   Withdrawn(Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I09", "2022-09"))});
  EXPECT_TRUE(results[0].ok()) << results[0];
  EXPECT_TRUE(results[1].ok()) << results[1];
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM cases"), 3);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM case_history"), history + 1);

  // The alert raised again by a later revision: the flag is cleared, with a history line.
  Apply({last});
  EXPECT_FALSE(store_->Get(zjj)->alert_withdrawn());
  EXPECT_EQ(Actions(zjj), (std::vector<std::string>{"opened", "alert_withdrawn", "alert_reinstated"}));
  EXPECT_EQ(Events(pb::CaseEvent::KIND_ALERT_REINSTATED).size(), 2u);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM cases"), 3);  // still no new case
}

TEST_F(CaseStoreTest, Point12_3_KeysStoredBeforeAlertIdsWereRecordedAreFoundByTheirKey) {
  const rpb::RankingAlert last = Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I03", "2022-09", {"市住建局"});
  const rpb::RankingAlert county = CountyAlert("I03", "2022-09");
  Apply({last, county});
  // As migration 0003 leaves the keys of earlier alerts.
  ASSERT_TRUE(pool_->WithTransaction([&](pqxx::work& tx) {
                tx.exec("UPDATE alert_keys SET alert_id = ''");
                return absl::OkStatus();
              }).ok());
  Apply({Withdrawn(last), Withdrawn(county)});
  EXPECT_TRUE(store_->Get(CaseOf("市住建局"))->alert_withdrawn());
  EXPECT_TRUE(store_->Get(CaseOf("信州区"))->alert_withdrawn());
  Apply({county});
  EXPECT_FALSE(store_->Get(CaseOf("信州区"))->alert_withdrawn());
  EXPECT_TRUE(store_->Get(CaseOf("市住建局"))->alert_withdrawn());
}

TEST_F(CaseStoreTest, Point12_3_TheOfficeKeepsOrClosesACaseWhoseAlertWasWithdrawn) {
  const rpb::RankingAlert last = Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I03", "2022-09");
  Apply({last});
  const std::string zjj = CaseOf("市住建局"), zrzy = CaseOf("市自然资源局");
  const Principal office{"office-key", "office"};
  pb::ReviewWithdrawalRequest review;
  review.set_id(zjj);
  review.set_keep(true);
  review.set_comment("问题客观存在，继续整改");
  // Nothing to review before a withdrawal.
  EXPECT_EQ(store_->ReviewWithdrawal(office, review).status().code(), absl::StatusCode::kFailedPrecondition);
  Apply({Withdrawn(last)});
  pb::ReviewWithdrawalRequest silent = review;
  silent.clear_comment();
  auto refused = store_->ReviewWithdrawal(office, silent);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("field 'comment'"), std::string::npos) << refused.status();

  // Kept: the flag goes, the case continues, audited.
  auto kept = store_->ReviewWithdrawal(office, review);
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_FALSE(kept->alert_withdrawn());
  EXPECT_EQ(kept->state(), pb::STATE_OPEN);
  EXPECT_EQ(kept->history().rbegin()->action(), "withdrawal_kept");
  EXPECT_EQ(kept->history().rbegin()->actor(), "office-key");
  EXPECT_EQ(Events(pb::CaseEvent::KIND_WITHDRAWAL_KEPT).size(), 1u);

  // Closed as withdrawn: CLOSED with the resolution, audited, KIND_CLOSED carrying it; not in the
  // statistics (the fall did not stand).
  review.set_id(zrzy);
  review.set_keep(false);
  review.set_comment("省里更正数据，不再排名靠后");
  auto closed = store_->ReviewWithdrawal(office, review);
  ASSERT_TRUE(closed.ok()) << closed.status();
  EXPECT_EQ(closed->state(), pb::STATE_CLOSED);
  EXPECT_EQ(closed->resolution(), "withdrawn");
  EXPECT_FALSE(closed->alert_withdrawn());
  EXPECT_EQ(closed->history().rbegin()->action(), "closed");
  auto closed_events = Events(pb::CaseEvent::KIND_CLOSED);
  ASSERT_EQ(closed_events.size(), 1u);
  EXPECT_EQ(closed_events[0].snapshot().resolution(), "withdrawn");
  auto stats = store_->Stats("2022Q3");
  ASSERT_TRUE(stats.ok()) << stats.status();
  ASSERT_EQ(stats->units_size(), 1);
  EXPECT_EQ(stats->units(0).unit(), "市住建局");
  EXPECT_EQ(store_->ReviewWithdrawal(office, review).status().code(), absl::StatusCode::kFailedPrecondition);

  // A later revision raises the alert again: the closed case stays closed; its unit gets a new case.
  Apply({last});
  EXPECT_EQ(store_->Get(zrzy)->state(), pb::STATE_CLOSED);
  auto listed = store_->List({.unit = "市自然资源局", .as_of = clock_.Now()});
  ASSERT_EQ(listed->second, 2u);
  EXPECT_NE(listed->first[1].id(), zrzy);
  EXPECT_EQ(listed->first[1].state(), pb::STATE_OPEN);
  EXPECT_EQ(store_->List({.unit = "市住建局", .as_of = clock_.Now()})->second, 1u);  // kept: no second
}

// The reviewer's case: a correction moves 上饶市 from 11th to 10th of 11 on I03. LAST_IN_PROVINCE is
// withdrawn and BOTTOM_THREE raised; it joins the same period's case, which stands on it.
TEST_F(CaseStoreTest, Point12_3_ACorrectionsNewAlertJoiningTheCaseClearsTheFlagInEitherOrder) {
  auto tenth = [](rpb::RankingAlert a) {
    a.mutable_fact()->set_rank(10);
    a.mutable_fact()->set_revision(2);
    a.set_message(a.fact().period() + " 上饶市 办理建筑许可：全省第10名/共11，位列全省后三位");
    return a;
  };
  const Principal office{"office-key", "office"};
  // In three batches: the withdrawal flags the case, the new alert joining clears it.
  {
    const rpb::RankingAlert last = Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I03", "2022-09", {"市住建局"});
    const rpb::RankingAlert bottom = tenth(Alert(rpb::ALERT_RULE_BOTTOM_THREE, "I03", "2022-09", {"市住建局"}));
    Apply({last});
    const std::string id = CaseOf("市住建局");
    Apply({Withdrawn(last)});
    ASSERT_TRUE(store_->Get(id)->alert_withdrawn());
    Apply({bottom});
    auto c = store_->Get(id);
    EXPECT_FALSE(c->alert_withdrawn());
    EXPECT_EQ(Actions(id), (std::vector<std::string>{"opened", "alert_withdrawn", "linked", "alert_reinstated"}));
    EXPECT_NE(c->history().rbegin()->note().find("stands on " + bottom.id()), std::string::npos)
        << c->history().rbegin()->note();
    auto reinstated = Events(pb::CaseEvent::KIND_ALERT_REINSTATED);
    ASSERT_EQ(reinstated.size(), 1u);
    EXPECT_NE(reinstated[0].message().find("全省第10名"), std::string::npos) << reinstated[0].message();
    EXPECT_EQ(store_->CountByLevel()->alert_withdrawn, 0);
    // Nothing for the office to review; the bottom-three key stays with the case.
    pb::ReviewWithdrawalRequest close;
    close.set_id(id);
    close.set_comment("数据更正");
    EXPECT_EQ(store_->ReviewWithdrawal(office, close).status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM alert_keys WHERE unit = '市住建局' AND NOT withdrawn"), 1);
    EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM alert_keys WHERE unit = '市住建局' AND withdrawn"), 1);
  }
  // In one batch, as the ranking service publishes a correction (withdrawals first), and the other
  // way round: never flagged, no withdrawal event; the withdrawal is in the history.
  const size_t withdrawn_events = Events(pb::CaseEvent::KIND_ALERT_WITHDRAWN).size();
  for (const bool withdrawal_first : {true, false}) {
    const std::string unit = withdrawal_first ? "市自然资源局" : "市财政局";
    const rpb::RankingAlert last = Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I03", "2022-09", {unit});
    const rpb::RankingAlert bottom = tenth(Alert(rpb::ALERT_RULE_BOTTOM_THREE, "I03", "2022-09", {unit}));
    Apply({last});
    const std::string id = CaseOf(unit);
    if (withdrawal_first) {
      Apply({Withdrawn(last), bottom});
    } else {
      Apply({bottom, Withdrawn(last)});
    }
    auto c = store_->Get(id);
    EXPECT_FALSE(c->alert_withdrawn()) << unit;
    EXPECT_EQ(c->state(), pb::STATE_OPEN) << unit;
    const std::vector<std::string> actions = Actions(id);
    EXPECT_NE(std::find(actions.begin(), actions.end(), "alert_withdrawn"), actions.end()) << unit;
    EXPECT_EQ(store_->List({.unit = unit, .as_of = clock_.Now()})->second, 1u) << unit;  // one case
    EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM alert_keys WHERE unit = '" + unit + "' AND NOT withdrawn"), 1);
  }
  EXPECT_EQ(Events(pb::CaseEvent::KIND_ALERT_WITHDRAWN).size(), withdrawn_events);
}

TEST_F(CaseStoreTest, Point12_3_ACaseAnAlertStillStandsOnIsNotClosedAsWithdrawn) {
  const rpb::RankingAlert last = Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I03", "2022-09", {"市住建局"});
  const rpb::RankingAlert bottom = Alert(rpb::ALERT_RULE_BOTTOM_THREE, "I03", "2022-09", {"市住建局"});
  Apply({last, bottom});
  const std::string id = CaseOf("市住建局");
  Apply({Withdrawn(last), Withdrawn(bottom)});
  ASSERT_TRUE(store_->Get(id)->alert_withdrawn());
  // As migration 0004 leaves a flagged case whose history does not say which alert was withdrawn.
  ASSERT_TRUE(pool_->WithTransaction([&](pqxx::work& tx) {
                tx.exec("UPDATE alert_keys SET withdrawn = false WHERE rule = 'ALERT_RULE_BOTTOM_THREE'");
                return absl::OkStatus();
              }).ok());
  const Principal office{"office-key", "office"};
  pb::ReviewWithdrawalRequest close;
  close.set_id(id);
  close.set_comment("数据更正");
  auto refused = store_->ReviewWithdrawal(office, close);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find(bottom.id()), std::string::npos) << refused.status();
  EXPECT_EQ(refused.status().message().find(last.id()), std::string::npos) << refused.status();
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM alert_keys"), 2);  // nothing released
  EXPECT_EQ(store_->Get(id)->state(), pb::STATE_OPEN);
  // Withdrawn again (the ranking service republishes): closed, the keys released.
  Apply({Withdrawn(bottom, 3)});
  auto closed = store_->ReviewWithdrawal(office, close);
  ASSERT_TRUE(closed.ok()) << closed.status();
  EXPECT_EQ(closed->resolution(), "withdrawn");
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM alert_keys"), 0);
}

TEST_F(RectificationServiceTest, Point12_3_OnlyTheOfficeReviewsAWithdrawal) {
  const rpb::RankingAlert last = Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I03", "2022-09", {"市住房和城乡建设局"});
  Apply({last, Withdrawn(last)});
  const std::string id = CaseOf("市住房和城乡建设局");
  pb::ReviewWithdrawalRequest review;
  review.set_id(id);
  review.set_comment("继续整改");
  review.set_keep(true);
  pb::Case c;
  EXPECT_EQ(Call("zjj", &pb::RectificationService::Stub::ReviewWithdrawal, review, &c).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Flagged cases are marked in the list: `ysctl cases list` shows them.
  pb::ListCasesResponse listed;
  ASSERT_TRUE(Call("zjj", &pb::RectificationService::Stub::ListCases, pb::ListCasesRequest{}, &listed).ok());
  ASSERT_EQ(listed.cases_size(), 1);
  EXPECT_TRUE(listed.cases(0).alert_withdrawn());
  auto list = Ysctl({"cases", "list"});
  EXPECT_EQ(list.code, 0) << list.err;
  EXPECT_NE(list.out.find("[alert withdrawn: office to keep or close]"), std::string::npos) << list.out;
  auto closed = Ysctl({"case", "withdrawal", id, "--close", "--comment", "数据更正"});
  EXPECT_EQ(closed.code, 0) << closed.err;
  EXPECT_NE(closed.out.find("closed (withdrawn)"), std::string::npos) << closed.out;
  EXPECT_EQ(store_->Get(id)->resolution(), "withdrawn");
  auto neither = Ysctl({"case", "withdrawal", id, "--comment", "x"});
  EXPECT_NE(neither.code, 0);  // --keep or --close
}

}  // namespace
}  // namespace ys::rectification
