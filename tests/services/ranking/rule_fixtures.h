#pragma once

// A small catalog replica (I03 办理建筑许可 with 市住房和城乡建设局, the composite, 上饶市, 南昌市, one county of
// each, the 2022Q3 target) and a fact builder, for the ranking rules' unit tests.

#include <string>

#include "services/ranking/domain.h"

namespace ys::ranking::rule_fixtures {

inline ipb::Indicator& AddIndicator(CatalogReplica& c, const std::string& code, const std::string& name,
                                    ipb::IndicatorLevel level = ipb::INDICATOR_LEVEL_UNSPECIFIED) {
  ipb::Indicator& i = c.indicators[code];
  i.set_code(code);
  i.set_name(name);
  if (level != ipb::INDICATOR_LEVEL_UNSPECIFIED) i.set_level(level);
  return i;
}

inline void AddRegion(CatalogReplica& c, const std::string& code, const std::string& name,
                      ipb::RegionKind kind, const std::string& parent) {
  ipb::Region& r = c.regions[code];
  r.set_code(code);
  r.set_name(name);
  r.set_kind(kind);
  r.set_parent_code(parent);
}

inline CatalogReplica Replica() {
  CatalogReplica c;
  ipb::Indicator& i03 = AddIndicator(c, "I03", "办理建筑许可");
  i03.set_lead("李茂荣");
  auto* u = i03.add_units();
  u->set_unit("市住房和城乡建设局");
  u->set_head("陈锋");
  AddIndicator(c, "C00", "综合排名");
  AddIndicator(c, "I99", "已停用指标").set_retired(true);
  AddIndicator(c, "I20", "新指标").set_valid_from("2023-01-01");
  AddRegion(c, "3611", "上饶市", ipb::REGION_KIND_CITY, "36");
  AddRegion(c, "3601", "南昌市", ipb::REGION_KIND_CITY, "36");
  AddRegion(c, "361102", "信州区", ipb::REGION_KIND_COUNTY, "3611");
  AddRegion(c, "360102", "东湖区", ipb::REGION_KIND_COUNTY, "3601");
  ipb::Target& t = c.targets["2022Q3/city_composite"];
  t.set_period("2022Q3");
  t.set_scope("city_composite");
  t.set_target_rank_at_most(3);
  t.set_floor_rank_at_most(6);
  return c;
}

inline pb::RankingFact Fact(const std::string& indicator = "I03", pb::Scope scope = pb::SCOPE_CITY,
                            const std::string& region = "3611", int rank = 5, int total = 11,
                            const std::string& period = "2022-09") {
  pb::RankingFact f;
  f.set_source("jxyshj");
  f.set_evaluation(pb::EVALUATION_OFFICIAL);
  f.set_indicator_code(indicator);
  f.set_scope(scope);
  f.set_region_code(region);
  f.set_period(period);
  f.set_rank(rank);
  f.set_total(total);
  f.set_revision(1);
  return f;
}

// A fact of a city (a 4-digit code: of 11) or of a county (of 100) in `period`.
inline pb::RankingFact FactOf(const std::string& indicator, const std::string& region, int rank,
                              const std::string& period) {
  const bool city = region.size() == 4;
  return Fact(indicator, city ? pb::SCOPE_CITY : pb::SCOPE_COUNTY, region, rank, city ? 11 : 100, period);
}

}  // namespace ys::ranking::rule_fixtures
