// Issue #12 points 10 and 11 through the API: RankingQuery.GetGoals and GetCompleteness behind an
// in-process channel, on the real PostgreSQL (facts in through RankingIngest.Submit), and what
// `ysctl goals` / `ysctl rankings completeness` print from them.
#include <pqxx/pqxx>

#include "gtest/gtest.h"
#include "tests/services/ranking/ranking_server_fixture.h"
#include "tests/services/ranking/rule_fixtures.h"
#include "tests/support/ysctl_run.h"
#include "tools/ysctl/goals_command.h"
#include "tools/ysctl/ranking_commands.h"

namespace ys::ranking {
namespace {

class GoalsServiceTest : public RankingServerTest {
 protected:
  void SetUp() override {
    goals_.county_front_rank_at_most = 50;  // the office's setting reaches the readings
    RankingServerTest::SetUp();
  }

  void Submit(const std::vector<pb::RankingFact>& facts) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer platform");
    pb::SubmitResponse resp;
    auto writer = stub_->Submit(&ctx, &resp);
    for (const auto& f : facts) {
      pb::SubmitRequest req;
      *req.mutable_fact() = f;
      ASSERT_TRUE(writer->Write(req));
    }
    writer->WritesDone();
    ASSERT_TRUE(writer->Finish().ok());
    ASSERT_EQ(resp.accepted(), static_cast<int>(facts.size())) << resp.ShortDebugString();
  }

  static pb::RankingFact Fact(const std::string& indicator, const std::string& region, int rank,
                              const std::string& period) {
    return rule_fixtures::FactOf(indicator, region, rank, period);
  }

  grpc::Status GetGoals(const std::string& key, int year, const std::string& period, pb::Goals* goals) {
    grpc::ClientContext ctx;
    if (!key.empty()) ctx.AddMetadata("authorization", "Bearer " + key);
    pb::GetGoalsRequest req;
    req.set_year(year);
    req.set_period(period);
    return query_stub_->GetGoals(&ctx, req, goals);
  }

  static const pb::GoalStanding& GoalOf(const pb::Goals& goals, const std::string& key) {
    for (const auto& g : goals.goals()) {
      if (g.key() == key) return g;
    }
    ADD_FAILURE() << "no goal " << key;
    return pb::GoalStanding::default_instance();
  }

  ys::testing::CliRun Ysctl(std::vector<std::string> args) {
    args.insert(args.end(), {"--address", server_->address(), "--key", "viewer"});
    return ys::testing::RunYsctl(
        [](CLI::App& app, std::ostream& out, std::ostream& err, int* code) {
          ysctl::AddGoalsCommand(app, out, err, code);
          ysctl::AddRankingCommands(app, out, err, code);
        },
        std::move(args));
  }
};

TEST_F(GoalsServiceTest, Point12_10_GetGoalsReadsTheYearOrItsLatestPeriodAndSaysWhich) {
  pb::Goals goals;
  ASSERT_TRUE(GetGoals("viewer", 2022, "", &goals).ok());
  EXPECT_EQ(goals.period(), "");  // no facts yet
  EXPECT_EQ(GoalOf(goals, "composite_first_tier").status(), pb::GoalStanding::STATUS_NO_DATA);
  EXPECT_EQ(GoalOf(goals, "typical_experiences").status(), pb::GoalStanding::STATUS_NOT_MEASURED);

  // 2022-09 5th, 2022Q3 2nd; 信州区 40th and 广丰区 70th in Q3; I01 1st in Q3; another city beside.
  Submit({Fact("C00", "3611", 5, "2022-09"), Fact("C00", "3611", 2, "2022Q3"), Fact("C00", "3601", 1, "2022Q3"),
          Fact("C00", "361102", 40, "2022Q3"), Fact("C00", "361103", 70, "2022Q3"),
          Fact("I01", "3611", 1, "2022Q3")});
  ASSERT_TRUE(GetGoals("viewer", 2022, "", &goals).ok());
  EXPECT_EQ(goals.year(), 2022);
  EXPECT_EQ(goals.period(), "2022Q3");  // the quarter, not its last month
  const pb::GoalStanding& first = GoalOf(goals, "composite_first_tier");
  EXPECT_EQ(first.status(), pb::GoalStanding::STATUS_MET);
  ASSERT_EQ(first.items_size(), 1);
  EXPECT_EQ(first.items(0).rank(), 2);
  const pb::GoalStanding& upper = GoalOf(goals, "l1_upper_tier");
  EXPECT_EQ(upper.required(), 18);  // the seed catalog's first-level indicators
  EXPECT_EQ(upper.count(), 1);
  EXPECT_EQ(upper.status(), pb::GoalStanding::STATUS_NOT_MET);
  const pb::GoalStanding& counties = GoalOf(goals, "counties_front");
  EXPECT_EQ(counties.required(), 12);
  EXPECT_EQ(counties.count(), 1);  // 信州区 within the office's 50; 广丰区 not; ten without a fact
  EXPECT_NE(counties.reading().find("前50名计（本办设定，非工作方案规定）"), std::string::npos)
      << counties.reading();

  ASSERT_TRUE(GetGoals("viewer", 2022, "2022-09", &goals).ok());
  EXPECT_EQ(goals.period(), "2022-09");
  EXPECT_EQ(GoalOf(goals, "composite_first_tier").status(), pb::GoalStanding::STATUS_NOT_MET);
  EXPECT_EQ(GoalOf(goals, "counties_front").status(), pb::GoalStanding::STATUS_NO_DATA);

  // The year's assessment, once it is in, is what the year's goals are read on.
  Submit({Fact("C00", "3611", 4, "2022")});
  ASSERT_TRUE(GetGoals("viewer", 2022, "", &goals).ok());
  EXPECT_EQ(goals.period(), "2022");
  EXPECT_EQ(GoalOf(goals, "composite_first_tier").status(), pb::GoalStanding::STATUS_NOT_MET);

  const ys::testing::CliRun r = Ysctl({"goals", "--year", "2022"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("Work plan §一 goals for 2022, read on 2022\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("我市营商环境进入全省第一方阵"), std::string::npos);
  EXPECT_NE(r.out.find("第一方阵按上饶市综合排名全省前3名计（本办设定，非工作方案规定）"), std::string::npos);
  EXPECT_NE(r.out.find("threshold: local policy (本办设定), config goals.first_tier_rank_at_most"),
            std::string::npos);
  EXPECT_NE(r.out.find("misses: C00 综合排名 4/11"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("not measured (not a ranking: the office records it)"), std::string::npos);
  const ys::testing::CliRun q3 = Ysctl({"goals", "--year", "2022", "--period", "2022Q3"});
  EXPECT_NE(q3.out.find("read on 2022Q3"), std::string::npos) << q3.out;
}

TEST_F(GoalsServiceTest, Point12_10_GetGoalsNamesTheBadFieldAndAnyRoleMayRead) {
  pb::Goals goals;
  grpc::Status s = GetGoals("viewer", 2023, "", &goals);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("'year'"), std::string::npos) << s.error_message();
  s = GetGoals("viewer", 2022, "2021Q3", &goals);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("'period'"), std::string::npos) << s.error_message();
  EXPECT_EQ(GetGoals("viewer", 2022, "Q3", &goals).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(GetGoals("", 2022, "", &goals).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(GetGoals("platform", 2022, "", &goals).ok());
  const ys::testing::CliRun r = Ysctl({"goals", "--year", "2023"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("year"), std::string::npos) << r.err;
}

TEST_F(GoalsServiceTest, Point12_11_CompletenessCountsTheCatalogsSecondLevelIndicators) {
  Submit({Fact("I01-01", "3611", 3, "2022-09"), Fact("I01", "3611", 3, "2022-09")});
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer viewer");
  pb::GetCompletenessRequest req;
  req.set_period("2022-09");
  pb::Completeness c;
  ASSERT_TRUE(query_stub_->GetCompleteness(&ctx, req, &c).ok());
  // 上饶市 and its 12 counties × (综合 + 18 L1 + the seed's 40 draft L2).
  EXPECT_EQ(c.expected(), 59 * 13);
  EXPECT_EQ(c.expected_second_level(), 40 * 13);
  EXPECT_EQ(c.arrived(), 2);
  EXPECT_EQ(c.arrived_second_level(), 1);
  int second = 0;
  for (const auto& m : c.missing()) {
    second += m.level() == 2;
    EXPECT_FALSE(m.indicator_code() == "I01-01" && m.region_code() == "3611");
    if (m.indicator_code() == "C00") {
      EXPECT_EQ(m.level(), 0);
    } else if (m.indicator_code() == "I02") {
      EXPECT_EQ(m.level(), 1);
    }
  }
  EXPECT_EQ(second, 40 * 13 - 1);
  const ys::testing::CliRun r = Ysctl({"rankings", "completeness", "--period", "2022-09"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("2022-09: 2 of 767 expected facts arrived\n  综合 and L1: 1 of 247; L2: 1 of 520\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("  missing C00 3611 (综合)\n"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace ys::ranking
