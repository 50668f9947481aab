#include "services/ranking/goals.h"

#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/time/calendar.h"
#include "common/time/period.h"

namespace ys::ranking {
namespace {

using Status = pb::GoalStanding::Status;

// One ranked thing a goal counts: an indicator of the city, or a county's composite.
struct Candidate {
  std::string code;
  std::string name;
  const pb::RankingFact* fact = nullptr;
};

// Fills the goal's items, count and status from its candidates and tier.
void Judge(pb::GoalStanding& goal, const std::vector<Candidate>& candidates, int rank_at_most) {
  bool any_fact = false;
  int count = 0;
  for (const Candidate& c : candidates) {
    pb::GoalItem* item = goal.add_items();
    item->set_code(c.code);
    item->set_name(c.name);
    if (c.fact == nullptr) continue;
    any_fact = true;
    item->set_rank(c.fact->rank());
    item->set_total(c.fact->total());
    item->set_met(c.fact->rank() <= rank_at_most);
    count += item->met() ? 1 : 0;
  }
  goal.set_count(count);
  if (!any_fact) {
    goal.set_status(pb::GoalStanding::STATUS_NO_DATA);
  } else {
    goal.set_status(count >= goal.required() ? pb::GoalStanding::STATUS_MET
                                             : pb::GoalStanding::STATUS_NOT_MET);
  }
}

pb::GoalStanding Goal(const char* key, const char* plan_text, std::string reading, const char* config_key) {
  pb::GoalStanding g;
  g.set_key(key);
  g.set_plan_text(plan_text);
  g.set_citation(kGoalCitation);
  g.set_reading(std::move(reading));
  g.set_local_policy(config_key != nullptr);
  if (config_key != nullptr) g.set_config_key(config_key);
  return g;
}

const char* StatusWord(Status s) {
  switch (s) {
    case pb::GoalStanding::STATUS_MET: return "达到";
    case pb::GoalStanding::STATUS_NOT_MET: return "未达到";
    default: return "无数据";
  }
}

}  // namespace

bool IndicatorValidIn(const ipb::Indicator& indicator, const Period& period) {
  if (indicator.retired()) return false;
  if (auto from = ParseIsoDate(indicator.valid_from()); from.ok() && *from > period.LastDay()) return false;
  if (auto to = ParseIsoDate(indicator.valid_to()); to.ok() && *to < period.FirstDay()) return false;
  return true;
}

std::vector<std::string> GoalPeriods(int year) {
  std::vector<std::string> out;
  auto y = Period::Year(year);
  if (!y.ok()) return out;
  out.push_back(y->ToString());
  for (int q = 1; q <= 4; ++q) out.push_back(Period::Quarter(year, q)->ToString());
  for (const Period& m : y->Months()) out.push_back(m.ToString());
  return out;
}

std::optional<std::string> ChooseGoalPeriod(int year, const std::set<std::string>& with_facts) {
  std::optional<Period> best;
  for (const std::string& text : GoalPeriods(year)) {
    if (!with_facts.contains(text)) continue;
    const Period p = *Period::Parse(text);
    if (p.kind() == Period::Kind::kYear) return text;  // the year's assessment
    // The one ending last; of a quarter and its last month, the quarter.
    if (!best.has_value() || p.LastDay() > best->LastDay() ||
        (p.LastDay() == best->LastDay() && p.kind() > best->kind())) {
      best = p;
    }
  }
  if (!best.has_value()) return std::nullopt;
  return best->ToString();
}

pb::Goals EvaluateGoals(int year, const std::string& period, const std::vector<pb::RankingFact>& facts,
                        const CatalogReplica& catalog, const GoalPolicy& policy, const RuleConfig& rules) {
  pb::Goals out;
  out.set_year(year);
  out.set_period(period);
  const auto parsed = Period::Parse(period);
  std::map<std::pair<std::string, std::string>, const pb::RankingFact*> by_key;  // (indicator, region)
  for (const pb::RankingFact& f : facts) by_key.emplace(std::pair(f.indicator_code(), f.region_code()), &f);
  auto fact_of = [&](const std::string& indicator, const std::string& region) -> const pb::RankingFact* {
    auto it = by_key.find({indicator, region});
    return it == by_key.end() ? nullptr : it->second;
  };
  std::string city_name = rules.city_code;
  if (auto it = catalog.regions.find(rules.city_code); it != catalog.regions.end()) {
    city_name = it->second.name();
  }
  // The indicators of the period (the catalog's, valid then and not retired), by code.
  std::vector<Candidate> first_level, evaluated;
  for (const auto& [code, ind] : catalog.indicators) {
    // Without a period read (no facts in the year), the catalog's indicators not retired.
    if (ind.retired() || (parsed.ok() && !IndicatorValidIn(ind, *parsed))) continue;
    const Candidate c{code, ind.name(), fact_of(code, rules.city_code)};
    if (ind.level() == ipb::INDICATOR_LEVEL_FIRST) first_level.push_back(c);
    if (ind.level() == ipb::INDICATOR_LEVEL_FIRST ||
        (policy.top_counts_second_level && ind.level() == ipb::INDICATOR_LEVEL_SECOND)) {
      evaluated.push_back(c);
    }
  }
  std::vector<Candidate> counties;
  for (const auto& [code, r] : catalog.regions) {
    if (!r.retired() && r.kind() == ipb::REGION_KIND_COUNTY && r.parent_code() == rules.city_code) {
      counties.push_back({code, r.name(), fact_of(rules.composite_code, code)});
    }
  }
  // What the summaries say of the period read, and of a goal no fact bears on.
  const std::string when = period.empty() ? absl::StrCat(year, "年") : period;
  auto no_data = [&](const pb::GoalStanding& g, const std::string& what) {
    return g.status() == pb::GoalStanding::STATUS_NO_DATA ? absl::StrFormat("%s 无%s", when, what)
                                                          : std::string();
  };
  std::string composite_name = rules.composite_code;
  if (auto it = catalog.indicators.find(rules.composite_code); it != catalog.indicators.end()) {
    composite_name = it->second.name();
  }

  // 进入全省第一方阵: the city's composite.
  {
    pb::GoalStanding g = Goal(
        kGoalCompositeFirstTier, kPlanFirstTier,
        absl::StrFormat("第一方阵按%s综合排名全省前%d名计%s", city_name, policy.first_tier_rank_at_most,
                        kLocalPolicyNote),
        "goals.first_tier_rank_at_most");
    g.set_required(1);
    Judge(g, {{rules.composite_code, composite_name, fact_of(rules.composite_code, rules.city_code)}},
          policy.first_tier_rank_at_most);
    const pb::GoalItem& item = g.items(0);
    g.set_summary(g.status() == pb::GoalStanding::STATUS_NO_DATA
                      ? no_data(g, absl::StrCat(city_name, "综合排名"))
                      : absl::StrFormat("%s %s综合排名全省第%d名/共%d：%s前%d名", when, city_name,
                                        item.rank(), item.total(), item.met() ? "在" : "不在",
                                        policy.first_tier_rank_at_most));
    *out.add_goals() = std::move(g);
  }
  // 18项一级指标在全省排位列入上游: every first-level indicator of the period.
  {
    pb::GoalStanding g = Goal(
        kGoalL1UpperTier, kPlanUpperTier,
        absl::StrFormat("上游按%s每项一级指标排名全省前%d名计%s；目录中本期有效的%d项一级指标须全部达到",
                        city_name, policy.upper_tier_rank_at_most, kLocalPolicyNote, first_level.size()),
        "goals.upper_tier_rank_at_most");
    g.set_required(static_cast<int>(first_level.size()));
    Judge(g, first_level, policy.upper_tier_rank_at_most);
    g.set_summary(g.status() == pb::GoalStanding::STATUS_NO_DATA
                      ? no_data(g, absl::StrCat(city_name, "一级指标排名"))
                      : absl::StrFormat("%s %d项一级指标中%d项在全省前%d名：%s", when, first_level.size(),
                                        g.count(), policy.upper_tier_rank_at_most, StatusWord(g.status())));
    *out.add_goals() = std::move(g);
  }
  // 5-6项评价指标居全省前茅.
  {
    pb::GoalStanding g = Goal(
        kGoalTopIndicators, kPlanTopIndicators,
        absl::StrFormat("前茅按排名全省前%d名计%s；计%s；须至少%d项（工作方案“5-6项”）",
                        policy.top_rank_at_most, kLocalPolicyNote,
                        policy.top_counts_second_level ? "一级和二级指标（本办设定）" : "一级指标（本办设定）",
                        policy.top_indicators_required),
        "goals.top_rank_at_most");
    g.set_required(policy.top_indicators_required);
    Judge(g, evaluated, policy.top_rank_at_most);
    g.set_summary(g.status() == pb::GoalStanding::STATUS_NO_DATA
                      ? no_data(g, absl::StrCat(city_name, "指标排名"))
                      : absl::StrFormat("%s %d项指标在全省前%d名，须至少%d项：%s", when, g.count(),
                                        policy.top_rank_at_most, policy.top_indicators_required,
                                        StatusWord(g.status())));
    *out.add_goals() = std::move(g);
  }
  // 2-3个典型经验创新举措在全省推广: not a ranking.
  {
    pb::GoalStanding g = Goal(kGoalTypicalExperiences, kPlanTypicalExperiences,
                              "不是排名：典型经验创新举措在全省推广的情况由市营商办记录，本系统不计量",
                              nullptr);
    g.set_required(2);  // the plan's "2-3个": at least its lower end
    g.set_status(pb::GoalStanding::STATUS_NOT_MEASURED);
    g.set_summary("不计量：由市营商办记录");
    *out.add_goals() = std::move(g);
  }
  // 12个县（市、区）全部进入全省前列: each county's composite.
  {
    pb::GoalStanding g = Goal(
        kGoalCountiesFront, kPlanCountiesFront,
        absl::StrFormat("前列按县（市、区）综合排名全省前%d名计%s；%s的%d个县（市、区）须全部达到",
                        policy.county_front_rank_at_most, kLocalPolicyNote, city_name, counties.size()),
        "goals.county_front_rank_at_most");
    g.set_required(static_cast<int>(counties.size()));
    Judge(g, counties, policy.county_front_rank_at_most);
    g.set_summary(g.status() == pb::GoalStanding::STATUS_NO_DATA
                      ? no_data(g, "县（市、区）综合排名")
                      : absl::StrFormat("%s %d个县（市、区）中%d个综合排名在全省前%d名：%s", when,
                                        counties.size(), g.count(), policy.county_front_rank_at_most,
                                        StatusWord(g.status())));
    *out.add_goals() = std::move(g);
  }
  return out;
}

}  // namespace ys::ranking
