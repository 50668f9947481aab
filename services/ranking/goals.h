#pragma once

// The 2022 goals of work plan §一 (工作目标), with no I/O: "力争到2022年底，我市营商环境进入全省第一方阵，
// 18项一级指标在全省排位列入上游，5-6项评价指标居全省前茅，2-3个典型经验创新举措在全省推广，12个县（市、区）
// 全部进入全省前列". The plan gives no number for its tiers (第一方阵, 上游, 前茅, 前列): the office sets
// them (GoalPolicy, config goals.*), and every reading that uses one says it is the office's.

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/time/period.h"
#include "services/ranking/domain.h"
#include "yingshang/ranking/v1/query.pb.h"

namespace ys::ranking {

// §一's goals are for the end of 2022 ("力争到2022年底"); its 2023 and 2025 goals are national
// (全国标杆城市, 比肩浙江), not read from the province's rankings.
inline constexpr int kGoalYear = 2022;

// The plan's words, one per goal (§一).
inline constexpr char kGoalCitation[] = "§一 工作目标（力争到2022年底）";
inline constexpr char kPlanFirstTier[] = "我市营商环境进入全省第一方阵";
inline constexpr char kPlanUpperTier[] = "18项一级指标在全省排位列入上游";
inline constexpr char kPlanTopIndicators[] = "5-6项评价指标居全省前茅";
inline constexpr char kPlanTypicalExperiences[] = "2-3个典型经验创新举措在全省推广";
inline constexpr char kPlanCountiesFront[] = "12个县（市、区）全部进入全省前列";
// Said of every threshold the office set.
inline constexpr char kLocalPolicyNote[] = "（本办设定，非工作方案规定）";

// The office's reading of the plan's tiers (local policy, config goals.*). Ranks are "at most":
// 1 is the best.
struct GoalPolicy {
  int first_tier_rank_at_most = 3;   // 第一方阵: 上饶市's composite among the 11 cities
  int upper_tier_rank_at_most = 4;   // 上游: each first-level indicator among the 11 cities
  int top_rank_at_most = 3;          // 前茅: an indicator among the 11 cities
  int top_indicators_required = 5;   // the plan's "5-6项": 5 (its lower end) or 6
  bool top_counts_second_level = false;  // 评价指标: the first-level ones only, or the second too
  int county_front_rank_at_most = 30;    // 前列: a county's composite among the 100 counties
};

// The goal keys (GoalStanding.key).
inline constexpr char kGoalCompositeFirstTier[] = "composite_first_tier";
inline constexpr char kGoalL1UpperTier[] = "l1_upper_tier";
inline constexpr char kGoalTopIndicators[] = "top_indicators";
inline constexpr char kGoalCountiesFront[] = "counties_front";
inline constexpr char kGoalTypicalExperiences[] = "typical_experiences";

// Whether an indicator counts in `period`: not retired, and valid_from..valid_to (when set) meet it.
bool IndicatorValidIn(const ipb::Indicator& indicator, const Period& period);

// The periods of `year` GetGoals may read, in order: the year, its quarters, its months.
std::vector<std::string> GoalPeriods(int year);

// The period to read when none is asked for, among those with facts (`with_facts`): the year's own
// (the year's assessment) if present, else the one ending last, a quarter before its last month
// (the quarter is the province's result for it). nullopt: no facts in the year.
std::optional<std::string> ChooseGoalPeriod(int year, const std::set<std::string>& with_facts);

// Where each goal of §一 stands on `facts` (the current facts of `period` for the city and its
// counties, of one evaluation). The indicators are those of the catalog valid in the period and
// not retired; the counties those of rules.city_code. Status: NO_DATA when no fact bears on the
// goal; MET when `count` reaches `required`; NOT_MET otherwise (an item without a fact does not
// meet its tier). 典型经验 is not a ranking: NOT_MEASURED, the office records it.
pb::Goals EvaluateGoals(int year, const std::string& period, const std::vector<pb::RankingFact>& facts,
                        const CatalogReplica& catalog, const GoalPolicy& policy, const RuleConfig& rules);

}  // namespace ys::ranking
