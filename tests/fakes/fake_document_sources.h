#pragma once

// DocumentSources as a table of canned answers (services/notify/documents/sources.h). A request whose
// key has no answer gets an empty response, as the services answer a period without data; a service
// named in `failing` answers UNAVAILABLE on every call. `calls` lists what was asked, in order.

#include <array>
#include <map>
#include <tuple>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/status/macros.h"
#include "common/time/proto_time.h"
#include "services/notify/documents/sources.h"

namespace ys::testing {

namespace docs = ::ys::notify::documents;

class FakeDocumentSources final : public docs::DocumentSources {
 public:
  // ranking
  std::map<std::pair<std::string, std::string>, docs::rpb::Scorecard> scorecards;  // (region, period)
  std::map<std::string, std::vector<docs::rpb::RankingAlert>> alerts;              // by period
  std::map<int, docs::rpb::ListConsequencesResponse> consequences;                 // by year
  std::map<std::pair<int, std::string>, docs::rpb::Goals> goals;                   // (year, period)
  // indicator
  std::vector<docs::ipb::Indicator> indicators;
  std::vector<docs::ipb::Region> regions;                 // filtered by kind and parent, as the catalog does
  std::vector<docs::ipb::Unit> units;
  std::vector<docs::ipb::ProgrammeItem> programme_items;  // filtered by kind
  std::map<std::string, std::vector<docs::ipb::ProgressReport>> progress;       // by month
  std::map<std::string, docs::ipb::RedemptionSummaryResponse> redemptions;      // by month
  // rectification
  std::vector<docs::cpb::Case> cases;
  std::map<std::string, docs::cpb::OverdueResponse> overdue;  // by as_of date
  // duty
  std::map<std::string, docs::dpb::ComplianceReport> compliance;  // by month

  std::set<std::string> failing;  // "ranking", "indicator", "rectification", "duty"
  std::vector<std::string> calls;  // "GetScorecard 3611 2022-09"

  absl::StatusOr<docs::rpb::Scorecard> GetScorecard(const docs::rpb::GetScorecardRequest& r) override {
    RETURN_IF_ERROR(Ask(docs::kRankingService, "GetScorecard ", r.region_code(), " ", r.period()));
    if (auto it = scorecards.find({r.region_code(), r.period()}); it != scorecards.end()) return it->second;
    docs::rpb::Scorecard out;
    out.set_region_code(r.region_code());
    out.set_period(r.period());
    return out;
  }
  absl::StatusOr<docs::rpb::ListAlertsResponse> ListAlerts(const docs::rpb::ListAlertsRequest& r) override {
    RETURN_IF_ERROR(Ask(docs::kRankingService, "ListAlerts ", r.period()));
    docs::rpb::ListAlertsResponse out;
    for (const auto& a : alerts[r.period()]) *out.add_alerts() = a;
    return out;
  }
  absl::StatusOr<docs::rpb::ListConsequencesResponse> ListConsequences(
      const docs::rpb::ListConsequencesRequest& r) override {
    RETURN_IF_ERROR(Ask(docs::kRankingService, "ListConsequences ", r.year()));
    docs::rpb::ListConsequencesResponse out = consequences[r.year()];
    out.set_year(r.year());
    return out;
  }
  absl::StatusOr<docs::rpb::Goals> GetGoals(const docs::rpb::GetGoalsRequest& r) override {
    RETURN_IF_ERROR(Ask(docs::kRankingService, "GetGoals ", r.year(), " ", r.period()));
    return goals[{r.year(), r.period()}];
  }

  absl::StatusOr<docs::ipb::ListIndicatorsResponse> ListIndicators(const docs::ipb::ListIndicatorsRequest& r) override {
    RETURN_IF_ERROR(Ask(docs::kIndicatorService, "ListIndicators"));
    docs::ipb::ListIndicatorsResponse out;
    for (const auto& i : indicators) {
      if (r.level() == docs::ipb::INDICATOR_LEVEL_UNSPECIFIED || r.level() == i.level()) *out.add_indicators() = i;
    }
    return out;
  }
  absl::StatusOr<docs::ipb::ListRegionsResponse> ListRegions(const docs::ipb::ListRegionsRequest& r) override {
    RETURN_IF_ERROR(Ask(docs::kIndicatorService, "ListRegions ", r.kind(), " ", r.parent_code()));
    docs::ipb::ListRegionsResponse out;
    for (const auto& g : regions) {
      if ((r.kind() == docs::ipb::REGION_KIND_UNSPECIFIED || r.kind() == g.kind()) &&
          (r.parent_code().empty() || r.parent_code() == g.parent_code())) {
        *out.add_regions() = g;
      }
    }
    return out;
  }
  absl::StatusOr<docs::ipb::ListUnitsResponse> ListUnits(const docs::ipb::ListUnitsRequest&) override {
    RETURN_IF_ERROR(Ask(docs::kIndicatorService, "ListUnits"));
    docs::ipb::ListUnitsResponse out;
    for (const auto& u : units) *out.add_units() = u;
    return out;
  }
  absl::StatusOr<docs::ipb::ListProgrammeItemsResponse> ListProgrammeItems(
      const docs::ipb::ListProgrammeItemsRequest& r) override {
    RETURN_IF_ERROR(Ask(docs::kIndicatorService, "ListProgrammeItems ", r.kind()));
    docs::ipb::ListProgrammeItemsResponse out;
    for (const auto& i : programme_items) {
      if (r.kind() == docs::ipb::PROGRAMME_ITEM_KIND_UNSPECIFIED || r.kind() == i.kind()) *out.add_items() = i;
    }
    return out;
  }
  absl::StatusOr<docs::ipb::ListProgressResponse> ListProgress(const docs::ipb::ListProgressRequest& r) override {
    RETURN_IF_ERROR(Ask(docs::kIndicatorService, "ListProgress ", r.month()));
    docs::ipb::ListProgressResponse out;
    for (const auto& p : progress[r.month()]) *out.add_reports() = p;
    return out;
  }
  absl::StatusOr<docs::ipb::RedemptionSummaryResponse> GetRedemptionSummary(
      const docs::ipb::RedemptionSummaryRequest& r) override {
    RETURN_IF_ERROR(Ask(docs::kIndicatorService, "GetRedemptionSummary ", r.month()));
    docs::ipb::RedemptionSummaryResponse out = redemptions[r.month()];
    out.set_month(r.month());
    return out;
  }

  absl::StatusOr<docs::cpb::ListCasesResponse> ListCases(const docs::cpb::ListCasesRequest&) override {
    RETURN_IF_ERROR(Ask(docs::kRectificationService, "ListCases"));
    docs::cpb::ListCasesResponse out;
    for (const auto& c : cases) *out.add_cases() = c;
    out.set_total(out.cases_size());
    return out;
  }
  absl::StatusOr<docs::cpb::OverdueResponse> ListOverdue(const docs::cpb::OverdueRequest& r) override {
    RETURN_IF_ERROR(Ask(docs::kRectificationService, "ListOverdue ", r.as_of()));
    docs::cpb::OverdueResponse out = overdue[r.as_of()];
    out.set_as_of(r.as_of());
    return out;
  }

  absl::StatusOr<docs::dpb::ComplianceReport> GetCompliance(const docs::dpb::GetComplianceRequest& r) override {
    RETURN_IF_ERROR(Ask(docs::kDutyService, "GetCompliance ", r.month()));
    docs::dpb::ComplianceReport out = compliance[r.month()];
    out.set_month(r.month());
    return out;
  }

 private:
  // Records the call; UNAVAILABLE when its service is failing.
  template <typename... Parts>
  absl::Status Ask(const std::string& service, const Parts&... parts) {
    calls.push_back(absl::StrCat(parts...));
    if (failing.contains(service)) return absl::UnavailableError(absl::StrCat(service, " is down (fake)"));
    return absl::OkStatus();
  }
};

// A small 上饶市 for the documents' tests, 2022Q3 with July and September ranked and August not: three
// first-level indicators and one second-level, two counties, one action reported and one not, one
// task, 惠企通 in July and September, alerts, 考核奖惩 lines, cases and one duty line. Figures made up.
inline void LoadSample2022Q3(FakeDocumentSources& f) {
  namespace rpb = docs::rpb;
  namespace ipb = docs::ipb;
  namespace cpb = docs::cpb;
  auto indicator = [&f](const std::string& code, const std::string& name, ipb::IndicatorLevel level,
                        const std::string& parent, const std::string& lead, const std::string& unit) {
    ipb::Indicator& i = f.indicators.emplace_back();
    i.set_code(code);
    i.set_name(name);
    i.set_level(level);
    i.set_parent_code(parent);
    i.set_lead(lead);
    if (!unit.empty()) i.add_units()->set_unit(unit);
  };
  indicator("C00", "综合排名", ipb::INDICATOR_LEVEL_COMPOSITE, "", "", "");
  indicator("I01", "开办企业", ipb::INDICATOR_LEVEL_FIRST, "", "帕塔尔·胡加买提", "市市场监管局");
  indicator("I03", "办理建筑许可", ipb::INDICATOR_LEVEL_FIRST, "", "李茂荣", "市住房和城乡建设局");
  indicator("I15", "办理破产", ipb::INDICATOR_LEVEL_FIRST, "", "蔡宜萍", "市中级人民法院");
  indicator("I01-01", "办理环节", ipb::INDICATOR_LEVEL_SECOND, "I01", "", "");  // the parent's unit

  auto region = [&f](const std::string& code, const std::string& name, ipb::RegionKind kind) {
    ipb::Region& r = f.regions.emplace_back();
    r.set_code(code);
    r.set_name(name);
    r.set_kind(kind);
    r.set_parent_code(kind == ipb::REGION_KIND_CITY ? "36" : "3611");
  };
  region("3611", "上饶市", ipb::REGION_KIND_CITY);
  region("361102", "信州区", ipb::REGION_KIND_COUNTY);
  region("361103", "广丰区", ipb::REGION_KIND_COUNTY);
  region("3611Z1", "上饶经济技术开发区", ipb::REGION_KIND_FUNCTIONAL_ZONE);
  for (const char* name : {"市市场监管局", "市住房和城乡建设局", "市中级人民法院", "市商务局"}) {
    f.units.emplace_back().set_name(name);
  }
  f.units[1].add_aliases("市住建局");

  // rank, total, has previous, previous rank
  auto card = [&f](const std::string& region, const std::string& period,
                   const std::vector<std::tuple<std::string, int, int, bool, int>>& rows) {
    rpb::Scorecard& c = f.scorecards[{region, period}];
    c.set_region_code(region);
    c.set_period(period);
    for (const auto& [code, rank, total, has_previous, previous] : rows) {
      rpb::ScorecardRow& r = *c.add_rows();
      r.set_indicator_code(code);
      r.set_rank(rank);
      r.set_total(total);
      r.set_has_previous(has_previous);
      r.set_previous_rank(previous);
      r.set_change(has_previous ? previous - rank : 0);
    }
  };
  card("3611", "2022-07", {{"C00", 5, 11, true, 6}, {"I01", 2, 11, true, 4}, {"I03", 9, 11, true, 8},
                           {"I15", 11, 11, true, 11}, {"I01-01", 3, 11, false, 0}});
  card("3611", "2022-09", {{"C00", 3, 11, false, 0}, {"I01", 1, 11, false, 0}, {"I03", 10, 11, false, 0},
                           {"I15", 11, 11, false, 0}, {"I01-01", 4, 11, false, 0}});
  card("361102", "2022-09", {{"C00", 37, 100, false, 0}, {"I01", 12, 100, false, 0}, {"I15", 100, 100, false, 0}});
  card("361103", "2022-09", {{"C00", 80, 100, false, 0}, {"I03", 55, 100, false, 0}});

  rpb::GoalStanding& goal = *f.goals[{2022, "2022Q3"}].add_goals();
  goal.set_key("composite_first_tier");
  goal.set_citation("§一 工作目标（力争到2022年底）");
  goal.set_summary("2022Q3 上饶市综合排名全省第3名/共11：在前3名");

  auto item = [&f](const std::string& code, const std::string& name, ipb::ProgrammeItemKind kind,
                   const std::string& environment, const std::string& lead_unit) {
    ipb::ProgrammeItem& i = f.programme_items.emplace_back();
    i.set_code(code);
    i.set_name(name);
    i.set_kind(kind);
    i.set_environment(environment);
    if (!lead_unit.empty()) i.add_lead_units(lead_unit);
  };
  item("A1", "营商环境对标提升行动", ipb::PROGRAMME_ITEM_KIND_ACTION, "", "");
  item("A2", "降成本升级行动", ipb::PROGRAMME_ITEM_KIND_ACTION, "", "");
  item("E1", "政务环境", ipb::PROGRAMME_ITEM_KIND_ENVIRONMENT, "", "");
  item("T01", "企业开办全程网办", ipb::PROGRAMME_ITEM_KIND_ENVIRONMENT_TASK, "E1", "市市场监管局");
  item("R1", "自然人全生命周期一件事集成改革", ipb::PROGRAMME_ITEM_KIND_ONE_THING_REFORM, "", "");
  auto report = [&f](const std::string& month, const std::string& code, const std::string& unit,
                     ipb::ProgressStatus status, int percent, const std::string& text) {
    ipb::ProgressReport& r = f.progress[month].emplace_back();
    r.set_item_code(code);
    r.set_month(month);
    r.set_unit(unit);
    r.set_status(status);
    r.set_percent(percent);
    r.set_text(text);
  };
  report("2022-08", "A1", "市商务局", ipb::PROGRESS_STATUS_IN_PROGRESS, 40, "对标方案起草中");
  report("2022-09", "A1", "市商务局", ipb::PROGRESS_STATUS_DONE, 100, "对标方案已印发");
  report("2022-09", "T01", "市市场监管局", ipb::PROGRESS_STATUS_IN_PROGRESS, 60, "全程网办率85%");

  // applications, approvals, payments, paid fen, unpaid over 30 days
  auto money = [](ipb::RedemptionSummaryRow& r, const std::string& code, const std::string& name,
                  const std::string& department, std::array<int64_t, 5> n) {
    r.set_county_code(code);
    r.set_county_name(name);
    r.set_department(department);
    r.set_applications(n[0]);
    r.set_approvals(n[1]);
    r.set_payments(n[2]);
    r.set_amount_paid_fen(n[3]);
    r.set_unpaid_over_30_days(n[4]);
  };
  ipb::RedemptionSummaryResponse& july = f.redemptions["2022-07"];
  money(*july.add_rows(), "361102", "信州区", "市商务局", {3, 2, 1, 123456, 1});
  money(*july.mutable_total(), "", "", "", {3, 2, 1, 123456, 1});
  ipb::RedemptionSummaryResponse& september = f.redemptions["2022-09"];
  money(*september.add_rows(), "361102", "信州区", "市商务局", {2, 2, 2, 100000, 0});
  money(*september.add_rows(), "3611Z1", "上饶经济技术开发区", "市工信局", {1, 1, 1, 50, 2});
  money(*september.mutable_total(), "", "", "", {3, 3, 3, 100050, 2});

  auto alert = [&f](const std::string& id, rpb::AlertRule rule, rpb::Severity severity, const std::string& code,
                    const std::string& name, const std::string& region, int rank, int total, const std::string& unit,
                    bool withdrawn) {
    rpb::RankingAlert& a = f.alerts["2022-09"].emplace_back();
    a.set_id(id);
    a.set_rule(rule);
    a.set_severity(severity);
    a.mutable_fact()->set_indicator_code(code);
    a.mutable_fact()->set_region_code(region);
    a.mutable_fact()->set_period("2022-09");
    a.mutable_fact()->set_rank(rank);
    a.mutable_fact()->set_total(total);
    a.set_indicator_name(name);
    a.set_region_name(region == "3611" ? "上饶市" : "信州区");
    if (!unit.empty()) a.add_units()->set_unit(unit);
    a.set_standing(rpb::STANDING_AT_RISK);
    a.set_message(name + "排名全省倒数第一");
    a.set_withdrawn(withdrawn);
  };
  alert("a1", rpb::ALERT_RULE_LAST_IN_PROVINCE, rpb::SEVERITY_CRITICAL, "I15", "办理破产", "3611", 11, 11,
        "市中级人民法院", false);
  alert("a2", rpb::ALERT_RULE_COUNTY_INDICATOR_LAST, rpb::SEVERITY_WARNING, "I15", "办理破产", "361102", 100, 100,
        "", false);
  alert("a3", rpb::ALERT_RULE_BOTTOM_THREE, rpb::SEVERITY_WARNING, "I03", "办理建筑许可", "3611", 10, 11,
        "市住房和城乡建设局", true);

  rpb::ListConsequencesResponse& ledger = f.consequences[2022];
  rpb::SubjectConsequences& court = *ledger.add_subjects();
  court.set_subject("市中级人民法院");
  court.set_subject_name("市中级人民法院");
  rpb::Consequence& bonus = *court.add_entries();
  bonus.set_subject("市中级人民法院");
  bonus.set_indicator_code("I15");
  bonus.set_period("2022-09");
  bonus.set_text("扣发年终绩效奖金的5%");
  bonus.set_standing(rpb::STANDING_AT_RISK);
  rpb::SubjectConsequences& county = *ledger.add_subjects();
  county.set_subject("361103");
  county.set_subject_name("广丰区");
  county.set_county(true);
  rpb::Consequence& excellent = *county.add_entries();
  excellent.set_subject("361103");
  excellent.set_county(true);
  excellent.set_indicator_code("C00");
  excellent.set_period("2021");
  excellent.set_text("县（市、区）党政领导正职、分管领导及班子不得评为优秀");
  excellent.set_standing(rpb::STANDING_INCURRED);

  const absl::TimeZone zone = absl::FixedTimeZone(8 * 3600);
  auto at = [&zone](int m, int d) {
    return ToProtoTime(absl::FromCivil(absl::CivilSecond(2022, m, d, 12, 0, 0), zone));
  };
  auto a_case = [&](const std::string& id, const std::string& unit, cpb::State state, int due_m,
                    int due_d) -> cpb::Case& {
    cpb::Case& c = f.cases.emplace_back();
    c.set_id(id);
    c.set_unit(unit);
    c.set_title(unit + "整改");
    c.set_period("2022-08");
    c.set_state(state);
    *c.mutable_opened_at() = at(8, 20);
    c.set_due_date(absl::StrFormat("2022-%02d-%02d", due_m, due_d));
    *c.mutable_due_at() = ToProtoTime(absl::FromCivil(absl::CivilSecond(2022, due_m, due_d, 23, 59, 59), zone));
    return c;
  };
  a_case("RC-000001", "市住房和城乡建设局", cpb::STATE_IN_PROGRESS, 10, 30);
  *a_case("RC-000002", "市中级人民法院", cpb::STATE_CLOSED, 9, 20).mutable_reported_at() = at(9, 18);
  *a_case("RC-000003", "市中级人民法院", cpb::STATE_CLOSED, 9, 25).mutable_reported_at() = at(9, 28);
  cpb::Case& xinzhou = a_case("RC-000004", "信州区", cpb::STATE_OPEN, 9, 30);
  xinzhou.set_region_code("361102");
  xinzhou.add_followers()->set_unit("市市场监管局");
  xinzhou.set_overdue(true);
  xinzhou.set_days_overdue(8);
  cpb::OverdueCase& late = *f.overdue["2022-10-08"].add_cases();
  *late.mutable_case_() = xinzhou;
  late.set_step_at("督办");

  docs::dpb::ComplianceLine& line = *f.compliance["2022-09"].add_lines();
  line.set_unit("市商务局");
  line.set_leader_name("陈文宏");
  line.set_title("局长");
  line.set_rule(docs::dpb::DUTY_RULE_MAIN_MONTHLY);
  line.set_period("2022-09");
  line.set_verdict(docs::dpb::VERDICT_KEPT);
  line.set_reason("9月16日上午坐班半天");
  f.compliance["2022-09"].set_kept(1);
}

}  // namespace ys::testing
