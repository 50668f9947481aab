#pragma once

// SAMPLE ranking alerts (made up, not real data) for the rectification fault test and benchmark:
// alert i is 样例单位<i/18> last in the province on indicator I<i%18+1>, so every alert is its own
// (unit, indicator) and opens exactly one case. With `units` (catalog names, for notify's tests) alert
// i is units[i % n]'s on indicator I<i/n%18+1> in period 2022-09 (then months back past 18), and
// `severity` may be warning.

#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "common/kafka/kafka.h"
#include "yingshang/ranking/v1/ranking.pb.h"

namespace ys::sample {

inline CloudEvent SampleAlert(size_t i, const std::string& run, std::string period = "2022-09",
                              const std::vector<std::string>& units = {}, bool warning = false) {
  namespace rpb = ::yingshang::ranking::v1;
  rpb::RankingAlert a;
  std::string indicator = absl::StrFormat("I%02d", static_cast<int>(i % 18) + 1);
  std::string unit = absl::StrFormat("样例单位%05d", static_cast<int>(i / 18));
  if (!units.empty()) {
    const size_t n = units.size();
    unit = units[i % n];
    indicator = absl::StrFormat("I%02d", static_cast<int>(i / n % 18) + 1);
    const int back = static_cast<int>(i / n / 18);  // months before 2022-09
    const int month = 2022 * 12 + 8 - back;
    period = absl::StrFormat("%04d-%02d", month / 12, month % 12 + 1);
  }
  a.set_rule(rpb::ALERT_RULE_LAST_IN_PROVINCE);
  a.set_severity(warning ? rpb::SEVERITY_WARNING : rpb::SEVERITY_CRITICAL);
  rpb::RankingFact& f = *a.mutable_fact();
  f.set_source("sample");
  f.set_evaluation(rpb::EVALUATION_OFFICIAL);
  f.set_indicator_code(indicator);
  f.set_scope(rpb::SCOPE_CITY);
  f.set_region_code("3611");
  f.set_period(period);
  f.set_rank(11);
  f.set_total(11);
  f.set_revision(1);
  a.set_id(absl::StrFormat("ALERT_RULE_LAST_IN_PROVINCE/%s/%s/%s", unit, indicator, period));
  a.set_region_name("上饶市");
  a.set_indicator_name("【样例】指标" + indicator);
  a.set_lead("【样例】领班");
  a.set_message(absl::StrFormat("%s 上饶市 【样例】指标%s：全省第11名/共11，全省倒数第一", period, indicator));
  a.add_units()->set_unit(unit);
  CloudEvent e;
  e.id = absl::StrFormat("sample-alert-%s-%d", run, i);
  e.source = "/yingshang/ranking";
  e.type = "yingshang.ranking.v1.RankingAlert";
  e.time = absl::Now();
  e.key = a.id();
  e.data = a.SerializeAsString();
  return e;
}

}  // namespace ys::sample
