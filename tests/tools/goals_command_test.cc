// Issue #12 point 10: what `ysctl goals` prints (the plan's words, the office's thresholds marked as
// its own, the status, the items that miss).
#include "tools/ysctl/goals_command.h"

#include "gtest/gtest.h"
#include "tests/support/ysctl_run.h"

namespace ys::ysctl {
namespace {

namespace pb = ::yingshang::ranking::v1;

pb::Goals Sample() {
  pb::Goals goals;
  goals.set_year(2022);
  goals.set_period("2022Q3");
  auto add = [&](const char* key, const char* plan, const char* reading, const char* config_key,
                 pb::GoalStanding::Status status, int count, int required) -> pb::GoalStanding& {
    pb::GoalStanding& g = *goals.add_goals();
    g.set_key(key);
    g.set_plan_text(plan);
    g.set_citation("§一 工作目标（力争到2022年底）");
    g.set_reading(reading);
    g.set_local_policy(config_key != nullptr);
    if (config_key != nullptr) g.set_config_key(config_key);
    g.set_status(status);
    g.set_count(count);
    g.set_required(required);
    return g;
  };
  auto item = [](pb::GoalStanding& g, const char* code, const char* name, int rank, int total, bool met) {
    pb::GoalItem* i = g.add_items();
    i->set_code(code);
    i->set_name(name);
    i->set_rank(rank);
    i->set_total(total);
    i->set_met(met);
  };
  pb::GoalStanding& first =
      add("composite_first_tier", "我市营商环境进入全省第一方阵",
          "第一方阵按上饶市综合排名全省前3名计（本办设定，非工作方案规定）", "goals.first_tier_rank_at_most",
          pb::GoalStanding::STATUS_NOT_MET, 0, 1);
  item(first, "C00", "综合", 4, 11, false);
  pb::GoalStanding& top = add("top_indicators", "5-6项评价指标居全省前茅",
                              "前茅按排名全省前3名计（本办设定，非工作方案规定）", "goals.top_rank_at_most",
                              pb::GoalStanding::STATUS_NOT_MET, 1, 5);
  item(top, "I01", "开办企业", 1, 11, true);
  item(top, "I03", "办理建筑许可", 5, 11, false);
  add("typical_experiences", "2-3个典型经验创新举措在全省推广", "不是排名", nullptr,
      pb::GoalStanding::STATUS_NOT_MEASURED, 0, 2);
  pb::GoalStanding& counties =
      add("counties_front", "12个县（市、区）全部进入全省前列",
          "前列按县（市、区）综合排名全省前30名计（本办设定，非工作方案规定）", "goals.county_front_rank_at_most",
          pb::GoalStanding::STATUS_NOT_MET, 1, 2);
  item(counties, "361102", "信州区", 12, 100, true);
  item(counties, "361103", "广丰区", 0, 0, false);
  return goals;
}

TEST(YsctlGoalsTest, Point12_10_PrintsThePlansWordsTheOfficesThresholdsAndWhatMisses) {
  EXPECT_EQ(FormatGoals(Sample()),
            "Work plan §一 goals for 2022, read on 2022Q3\n"
            "1. 我市营商环境进入全省第一方阵 (§一 工作目标（力争到2022年底）)\n"
            "   reading: 第一方阵按上饶市综合排名全省前3名计（本办设定，非工作方案规定）\n"
            "            threshold: local policy (本办设定), config goals.first_tier_rank_at_most\n"
            "   status:  not met, 0 of 1\n"
            "   misses: C00 综合 4/11\n"
            "2. 5-6项评价指标居全省前茅 (§一 工作目标（力争到2022年底）)\n"
            "   reading: 前茅按排名全省前3名计（本办设定，非工作方案规定）\n"
            "            threshold: local policy (本办设定), config goals.top_rank_at_most\n"
            "   status:  not met, 1 of 5\n"
            "   at the top: I01 开办企业 1/11\n"
            "   short by 4\n"
            "3. 2-3个典型经验创新举措在全省推广 (§一 工作目标（力争到2022年底）)\n"
            "   reading: 不是排名\n"
            "   status:  not measured (not a ranking: the office records it)\n"
            "4. 12个县（市、区）全部进入全省前列 (§一 工作目标（力争到2022年底）)\n"
            "   reading: 前列按县（市、区）综合排名全省前30名计（本办设定，非工作方案规定）\n"
            "            threshold: local policy (本办设定), config goals.county_front_rank_at_most\n"
            "   status:  not met, 1 of 2\n"
            "   misses: 361103 广丰区 no fact\n");
  pb::Goals empty;
  empty.set_year(2022);
  EXPECT_EQ(FormatGoals(empty), "Work plan §一 goals for 2022: no facts in 2022, nothing to read\n");
}

TEST(YsctlGoalsTest, Point12_10_YearIsRequired) {
  testing::CliRun r = testing::RunYsctl(
      [](CLI::App& app, std::ostream& out, std::ostream& err, int* code) { AddGoalsCommand(app, out, err, code); },
      {"goals", "--address", "127.0.0.1:1", "--key", "unused"});
  EXPECT_NE(r.code, 0);
  EXPECT_EQ(r.out, "");
}

}  // namespace
}  // namespace ys::ysctl
