#include "services/notify/documents/assemble.h"

#include <algorithm>
#include <array>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/input/text_rules.h"
#include "common/status/macros.h"
#include "common/time/clock.h"
#include "common/time/period.h"
#include "common/time/proto_time.h"

namespace ys::notify::documents {
namespace {

constexpr char kIssuer[] = "上饶市优化营商环境工作领导小组办公室";
constexpr char kDispatchTitle[] = "上饶市优化营商环境工作调度会材料";
constexpr char kBulletinTitle[] = "上饶市优化营商环境工作通报";
constexpr char kNone[] = "—";

constexpr std::array<const char*, 4> kChineseQuarters = {"一", "二", "三", "四"};
constexpr std::array<const char*, 5> kChineseOrdinals = {"一", "二", "三", "四", "五"};

// One part of the document: its title and the plan's words for each kind (§四(三) the dispatch
// meeting, §四(四) the bulletin); annexes have one basis for both.
struct Frame {
  const char* key;
  const char* title;
  const char* dispatch_basis;
  const char* bulletin_basis;
  bool annex;
};

constexpr Frame kFrames[] = {
    {"ranks", "18项一级指标、86项二级指标全省排名情况",
     "§四(三) 一是调度18项、一级指标86项二级指标每月在全省的排名情况",
     "§四(四) 一是对全市各地各单位优化营商环境18项一级指标、86项二级指标情况进行通报", false},
    {"actions", "“一号改革工程”八大行动落实推进情况",
     "§四(三) 二是调度八大行动（营商环境对标提升行动、政务服务满意度一等设区市建设行动、降成本升级行动、"
     "新官不理旧账问题专项治理行动、行政审批中介服务规范治理行动、招投标领域专项治理行动、"
     "公职人员不作为乱作为专项治理行动、营商环境综合评估体检行动）工作进展情况及各单位落实情况",
     "§四(四) 三是对《上饶市深入推进营商环境优化升级“一号改革工程”的实施意见》中八大行动落实推进情况进行通报",
     false},
    {"tasks", "五大环境30项具体工作任务完成情况", "§四(三) 三是调度“五大环境30项具体任务”工作推进情况",
     "§四(四) 二是对《上饶市深入推进营商环境优化升级“一号改革工程”的实施意见》中五大环境30项具体工作任务"
     "完成情况进行通报",
     false},
    {"reforms", "自然人和法人全生命周期“一件事”改革推进情况",
     "§四(三) 四是调度自然人和法人全生命周期“一件事”改革推进情况",
     "§四(四) 四是对自然人和法人全生命周期“一件事”改革推进落实情况进行通报", false},
    {"redemptions", "惠企政策通过“惠企通”平台兑现落实情况", "§四(三) 五是调度惠企政策通过“惠企通”平台兑现情况",
     "§四(四) 五是对各地各部门惠企政策通过“惠企通”平台兑现落实情况进行通报", false},
    {"alerts", "预警指标清单",
     "§四(二) 严格对标提升，坚持问题导向，对弱势指标和突出问题仔细研究、深入分析，拿出切实举措，快速彻底整改", nullptr,
     true},
    {"consequences", "考核奖惩情况",
     "§四(七) 全年营商环境考核排名情况与年底考核挂钩、与单位绩效挂钩、与单位干部使用挂钩……在全省营商环境考核中"
     "18项一级指标、86项二级指标排名倒数第一的牵头市直单位和责任单位，扣发其年终绩效奖金的5%，取消其单位主要领导、"
     "分管领导及班子评优评先资格；排名在全省后三位的单位主要负责同志进行表态发言",
     nullptr, true},
    {"cases", "整改案件办理情况",
     "§四(五) 以一个月为时限，全市各地各单位对通报督办事项、排名靠后的工作进行整改，并在一个月内将整改落实情况报市营商办；"
     "§四(六) 一是督办通报事项整改落实情况",
     nullptr, true},
    {"duty", "领导窗口坐班落实情况",
     "《关于上饶市政务服务中心进驻单位领导窗口“坐班”的实施细则》四2 定期通报各单位领导窗口坐班落实情况，"
     "并报送市政务服务管理局及市政府分管领导",
     nullptr, true},
};

// The plan's five in each kind's order: §四(四) puts the 30 tasks (二) before the eight actions (三).
std::vector<std::string> PartOrder(pb::DocumentKind kind) {
  if (kind == pb::DOCUMENT_KIND_BULLETIN) return {"ranks", "tasks", "actions", "reforms", "redemptions"};
  return {"ranks", "actions", "tasks", "reforms", "redemptions"};
}

absl::Status BadPeriod(pb::DocumentKind kind, const std::string& period) {
  return absl::InvalidArgumentError(absl::StrFormat(
      "field 'period': %s is not %s", input::QuoteInput(period),
      kind == pb::DOCUMENT_KIND_BULLETIN ? "a quarter such as 2022Q3 (a bulletin is quarterly)"
                                         : "a month such as 2022-09 (a dispatch pack is monthly)"));
}

// Records each source's failure once as "<service>: <status>" (content.missing).
class Missing {
 public:
  template <typename T>
  Answer<T> Note(const char* service, Answer<T> answer) {
    if (!answer.ok()) {
      std::string line = absl::StrCat(service, ": ", answer.status().ToString());
      if (std::find(lines_.begin(), lines_.end(), line) == lines_.end()) lines_.push_back(std::move(line));
    }
    return answer;
  }
  const std::vector<std::string>& lines() const { return lines_; }

 private:
  std::vector<std::string> lines_;
};

Answer<ipb::ListProgrammeItemsResponse> Items(DocumentSources& s, Missing& m, ipb::ProgrammeItemKind kind) {
  ipb::ListProgrammeItemsRequest r;
  r.set_kind(kind);
  return m.Note(kIndicatorService, s.ListProgrammeItems(r));
}

void GatherMonths(SourceAnswers& a, const std::vector<std::string>& months, DocumentSources& s, Missing& m) {
  for (const std::string& month : months) {
    rpb::GetScorecardRequest card;
    card.set_region_code(a.city_code);
    card.set_period(month);
    ipb::RedemptionSummaryRequest money;
    money.set_month(month);
    dpb::GetComplianceRequest duty;
    duty.set_month(month);
    a.months.push_back({.month = month,
                        .city = m.Note(kRankingService, s.GetScorecard(card)),
                        .redemptions = m.Note(kIndicatorService, s.GetRedemptionSummary(money)),
                        .compliance = m.Note(kDutyService, s.GetCompliance(duty))});
  }
}

// The counties' scorecards for the last month with the city's ranks (the last month when none has).
void GatherCounties(SourceAnswers& a, DocumentSources& s, Missing& m) {
  a.heat_month = a.months.back().month;
  for (auto it = a.months.rbegin(); it != a.months.rend(); ++it) {
    if (it->city.ok() && !it->city->rows().empty()) {
      a.heat_month = it->month;
      break;
    }
  }
  if (!a.counties.ok()) return;
  for (const ipb::Region& county : a.counties->regions()) {
    if (county.retired()) continue;
    rpb::GetScorecardRequest r;
    r.set_region_code(county.code());
    r.set_period(a.heat_month);
    a.county_cards.emplace_back(county.code(), m.Note(kRankingService, s.GetScorecard(r)));
  }
}

// Progress reports of the last month that has any (a dispatch pack: its month).
void GatherProgress(SourceAnswers& a, const std::vector<std::string>& months, DocumentSources& s, Missing& m) {
  for (auto it = months.rbegin(); it != months.rend(); ++it) {
    ipb::ListProgressRequest r;
    r.set_month(*it);
    a.progress_month = *it;
    a.progress = m.Note(kIndicatorService, s.ListProgress(r));
    if (!a.progress.ok() || !a.progress->reports().empty()) return;
  }
  a.progress_month = months.back();
}

SourceAnswers Gather(const AssembleRequest& request, const std::vector<std::string>& months, DocumentSources& s,
                     Missing& m) {
  SourceAnswers a;
  a.kind = request.kind;
  a.period = request.period;
  a.city_code = request.city_code;
  a.cut_off = request.cut_off;
  a.indicators = m.Note(kIndicatorService, s.ListIndicators({}));
  ipb::ListRegionsRequest counties;
  counties.set_kind(ipb::REGION_KIND_COUNTY);
  counties.set_parent_code(request.city_code);
  a.counties = m.Note(kIndicatorService, s.ListRegions(counties));
  a.units = m.Note(kIndicatorService, s.ListUnits({}));
  GatherMonths(a, months, s, m);
  GatherCounties(a, s, m);
  const Period first = *Period::Parse(months.front());
  a.goals = rpb::Goals();
  if (request.kind == pb::DOCUMENT_KIND_BULLETIN) {
    rpb::GetGoalsRequest goals;
    goals.set_year(first.year());
    goals.set_period(request.period);
    a.goals = m.Note(kRankingService, s.GetGoals(goals));
  }
  a.actions = Items(s, m, ipb::PROGRAMME_ITEM_KIND_ACTION);
  a.environments = Items(s, m, ipb::PROGRAMME_ITEM_KIND_ENVIRONMENT);
  a.tasks = Items(s, m, ipb::PROGRAMME_ITEM_KIND_ENVIRONMENT_TASK);
  a.reforms = Items(s, m, ipb::PROGRAMME_ITEM_KIND_ONE_THING_REFORM);
  GatherProgress(a, months, s, m);
  std::vector<std::string> alert_periods = months;
  if (request.kind == pb::DOCUMENT_KIND_BULLETIN) alert_periods.push_back(request.period);  // the quarter's own
  for (const std::string& p : alert_periods) {
    rpb::ListAlertsRequest r;
    r.set_period(p);
    a.alerts.emplace_back(p, m.Note(kRankingService, s.ListAlerts(r)));
  }
  rpb::ListConsequencesRequest ledger;
  ledger.set_year(first.year());
  a.consequences = m.Note(kRankingService, s.ListConsequences(ledger));
  cpb::ListCasesRequest cases;
  *cases.mutable_as_of() = ToProtoTime(request.cut_off);
  a.cases = m.Note(kRectificationService, s.ListCases(cases));
  cpb::OverdueRequest overdue;
  overdue.set_as_of(absl::FormatTime("%Y-%m-%d", request.cut_off, Shanghai()));
  a.overdue = m.Note(kRectificationService, s.ListOverdue(overdue));
  return a;
}


}  // namespace

absl::StatusOr<std::vector<std::string>> DocumentMonths(pb::DocumentKind kind, const std::string& period) {
  if (kind != pb::DOCUMENT_KIND_DISPATCH_PACK && kind != pb::DOCUMENT_KIND_BULLETIN) {
    return absl::InvalidArgumentError(
        "field 'kind': a document is DOCUMENT_KIND_DISPATCH_PACK (monthly) or DOCUMENT_KIND_BULLETIN (quarterly)");
  }
  const auto parsed = Period::Parse(period);
  const Period::Kind want = kind == pb::DOCUMENT_KIND_BULLETIN ? Period::Kind::kQuarter : Period::Kind::kMonth;
  // The canonical spelling only: "2022-9" or "2022q3" would name the same period under another key.
  if (!parsed.ok() || parsed->kind() != want || parsed->ToString() != period) return BadPeriod(kind, period);
  std::vector<std::string> months;
  if (want == Period::Kind::kMonth) return std::vector<std::string>{period};
  for (const Period& m : parsed->Months()) months.push_back(m.ToString());
  return months;
}

std::string PeriodHeading(const std::string& period) {
  const auto p = Period::Parse(period);
  if (!p.ok()) return period;
  switch (p->kind()) {
    case Period::Kind::kMonth: return absl::StrFormat("%d年%d月", p->year(), p->index());
    case Period::Kind::kQuarter:
      return absl::StrFormat("%d年第%s季度", p->year(), kChineseQuarters[static_cast<size_t>(p->index() - 1)]);
    case Period::Kind::kYear: break;
  }
  return absl::StrFormat("%d年", p->year());
}

std::string MonthLabel(const std::string& month) {
  const auto p = Period::Parse(month);
  if (!p.ok() || p->kind() != Period::Kind::kMonth) return month;
  return absl::StrFormat("%d月", p->index());
}

std::string MovementText(bool has_previous, int change) {
  if (!has_previous || change == 0) return kNone;
  return change > 0 ? absl::StrCat("↑", change) : absl::StrCat("↓", -change);
}

std::string RankText(int rank, int total) {
  if (rank <= 0) return kNone;
  if (total <= 0) return absl::StrFormat("第%d名", rank);
  return absl::StrFormat("第%d名/共%d", rank, total);
}

pb::Cell RankCell(int rank, int total) {
  pb::Cell c = TextCell(RankText(rank, total));
  if (rank > 0) {
    c.set_numeric(true);
    c.set_number(rank);
  }
  return c;
}

std::pair<int, int> ParseRankText(std::string_view text) {
  std::string_view rest = text;
  constexpr std::string_view kHead = "第", kRank = "名", kTotal = "/共";
  if (rest.substr(0, kHead.size()) != kHead) return {0, 0};
  rest.remove_prefix(kHead.size());
  const size_t at = rest.find(kRank);
  int rank = 0, total = 0;
  if (at == std::string_view::npos || !absl::SimpleAtoi(std::string(rest.substr(0, at)), &rank)) return {0, 0};
  rest.remove_prefix(at + kRank.size());
  if (rest.empty()) return {rank, 0};
  if (rest.substr(0, kTotal.size()) != kTotal || !absl::SimpleAtoi(std::string(rest.substr(kTotal.size())), &total)) {
    return {0, 0};
  }
  return {rank, total};
}

bool InBottomThree(int rank, int total) { return total > 0 && rank > 0 && rank > total - 3; }

std::string FenToYuanText(int64_t fen) {
  // Unsigned, so the most negative fen has a magnitude too.
  const uint64_t magnitude = fen < 0 ? 0 - static_cast<uint64_t>(fen) : static_cast<uint64_t>(fen);
  std::string digits = absl::StrCat(magnitude / 100);
  std::string grouped;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped.push_back(',');
    grouped.push_back(digits[i]);
  }
  return absl::StrFormat("%s%s.%02d", fen < 0 ? "-" : "", grouped, static_cast<int>(magnitude % 100));
}

pb::Cell YuanCell(int64_t fen) {
  pb::Cell c = TextCell(FenToYuanText(fen));
  c.set_numeric(true);
  c.set_number(static_cast<double>(fen) / 100.0);
  return c;
}

double FenToWan(int64_t fen) { return static_cast<double>(fen) / 1e6; }

std::string PercentText(int64_t numerator, int64_t denominator) {
  if (denominator == 0) return kNone;
  return absl::StrFormat("%.1f%%", 100.0 * static_cast<double>(numerator) / static_cast<double>(denominator));
}

pb::Cell TextCell(std::string text) {
  pb::Cell c;
  c.set_text(std::move(text));
  return c;
}

pb::Cell CountCell(int64_t n) {
  pb::Cell c = TextCell(absl::StrCat(n));
  c.set_numeric(true);
  c.set_number(static_cast<double>(n));
  return c;
}

pb::Cell NoneCell() { return TextCell(kNone); }

std::string OrNone(const std::string& text) { return text.empty() ? kNone : text; }

pb::Row& AddRow(pb::Table& t, std::vector<pb::Cell> cells) {
  pb::Row& r = *t.add_rows();
  for (pb::Cell& c : cells) *r.add_cells() = std::move(c);
  return r;
}

pb::Table& AddTable(pb::Section& s, const std::string& key, const std::string& title,
                    const std::vector<std::string>& columns) {
  pb::Table& t = *s.add_tables();
  t.set_key(key);
  t.set_title(title);
  for (const std::string& c : columns) t.add_columns(c);
  return t;
}

std::string StandingLabel(rpb::Standing standing) {
  switch (standing) {
    case rpb::STANDING_AT_RISK: return "有风险";
    case rpb::STANDING_PENDING: return "待确认";
    case rpb::STANDING_INCURRED: return "已发生";
    default: return kNone;
  }
}

std::string GapText(std::string_view service, const absl::Status& status) {
  return absl::StrCat("数据暂缺（", std::string(service), "：", absl::StatusCodeToString(status.code()), "）");
}

QuarterTarget PlanQuarterTarget(const std::string& quarter) {
  // §四: "努力实现第三季度奋勇拼搏……第三季度目标是整体排名进全省前三，不得掉出前六" (the plan of 2022).
  if (quarter == "2022Q3") return {3, 6, "§四 第三季度目标是整体排名进全省前三，不得掉出前六"};
  return {};
}

pb::Section SectionFrame(pb::DocumentKind kind, std::string_view key) {
  pb::Section s;
  s.set_key(std::string(key));
  const std::vector<std::string> order = PartOrder(kind);
  for (const Frame& f : kFrames) {
    if (key != f.key) continue;
    s.set_annex(f.annex);
    s.set_plan_basis(f.annex || kind != pb::DOCUMENT_KIND_BULLETIN ? f.dispatch_basis : f.bulletin_basis);
    const auto at = std::find(order.begin(), order.end(), f.key);
    s.set_title(at == order.end() ? f.title
                                  : absl::StrCat(kChineseOrdinals[static_cast<size_t>(at - order.begin())], "、",
                                                 f.title));
  }
  return s;
}

absl::StatusOr<pb::DocumentContent> Assemble(const AssembleRequest& request, DocumentSources& sources) {
  ASSIGN_OR_RETURN(const std::vector<std::string> months, DocumentMonths(request.kind, request.period));
  Missing missing;
  const SourceAnswers a = Gather(request, months, sources, missing);
  pb::DocumentContent c;
  c.set_title(request.kind == pb::DOCUMENT_KIND_BULLETIN ? kBulletinTitle : kDispatchTitle);
  c.set_subtitle(PeriodHeading(request.period));
  c.set_period(request.period);
  *c.mutable_cut_off() = ToProtoTime(request.cut_off);
  c.set_issuer(kIssuer);
  for (const std::string& key : PartOrder(request.kind)) {
    if (key == "ranks") *c.add_sections() = RanksSection(a);
    if (key == "actions") *c.add_sections() = ProgrammeSection(a, ipb::PROGRAMME_ITEM_KIND_ACTION);
    if (key == "tasks") *c.add_sections() = ProgrammeSection(a, ipb::PROGRAMME_ITEM_KIND_ENVIRONMENT_TASK);
    if (key == "reforms") *c.add_sections() = ProgrammeSection(a, ipb::PROGRAMME_ITEM_KIND_ONE_THING_REFORM);
    if (key == "redemptions") *c.add_sections() = RedemptionsSection(a);
  }
  *c.add_sections() = AlertsSection(a);
  *c.add_sections() = ConsequencesSection(a);
  *c.add_sections() = CasesSection(a);
  *c.add_sections() = DutySection(a);
  c.add_notes(
      "数据来源：排名、预警与考核奖惩——ranking 服务（官方考核）；指标目录、八大行动等进展与“惠企通”兑现——indicator "
      "服务；整改案件——rectification 服务；领导窗口坐班——duty 服务。");
  for (const std::string& line : missing.lines()) c.add_missing(line);
  return c;
}

// ===== The annexes (alerts, 考核奖惩, cases, duty): self-contained from here to the end of the file. =====

namespace {

constexpr char kDash[] = "—";

// Words for the services' enums, as the console says them (web/src/messages.ts).
std::string RuleLabel(rpb::AlertRule rule) {
  switch (rule) {
    case rpb::ALERT_RULE_LAST_IN_PROVINCE: return "全省倒数第一";
    case rpb::ALERT_RULE_BOTTOM_THREE: return "全省后三位";
    case rpb::ALERT_RULE_FELL_PLACES: return "排名下降";
    case rpb::ALERT_RULE_QUARTER_TARGET_MISSED: return "季度目标未达成";
    case rpb::ALERT_RULE_QUARTER_FLOOR_BREACHED: return "跌破季度底线";
    case rpb::ALERT_RULE_COUNTY_INDICATOR_LAST: return "县区指标末位";
    case rpb::ALERT_RULE_COUNTY_COMPOSITE_BEYOND: return "县区综合排名靠后";
    case rpb::ALERT_RULE_YEAR_BOTTOM_THREE: return "年度后三位";
    default: return kDash;
  }
}

std::string CaseStateLabel(cpb::State state) {
  switch (state) {
    case cpb::STATE_OPEN: return "待整改";
    case cpb::STATE_IN_PROGRESS: return "整改中";
    case cpb::STATE_REPORTED: return "已报结";
    case cpb::STATE_VERIFIED: return "已核验";
    case cpb::STATE_CLOSED: return "已办结";
    case cpb::STATE_REJECTED: return "核验未通过";
    case cpb::STATE_REOPENED: return "已重开";
    default: return kDash;
  }
}

std::string DutyRuleLabel(dpb::DutyRule rule) {
  switch (rule) {
    case dpb::DUTY_RULE_MAIN_MONTHLY: return "主要领导每月不少于1次";
    case dpb::DUTY_RULE_DEPUTY_WEEKLY: return "高频事项分管领导每周不少于一天";
    case dpb::DUTY_RULE_CHIEF_POSTED: return "行政审批科长进驻窗口";
    default: return kDash;
  }
}

std::string VerdictLabel(dpb::Verdict verdict) {
  switch (verdict) {
    case dpb::VERDICT_KEPT: return "达标";
    case dpb::VERDICT_BROKEN: return "未达标";
    case dpb::VERDICT_EXEMPT: return "免于本月坐班";
    case dpb::VERDICT_NOT_OVER: return "期间未结束";
    default: return kDash;
  }
}

std::string DayHeading(absl::Time t) {
  const absl::CivilDay d = absl::ToCivilDay(t, Shanghai());
  return absl::StrFormat("%d年%d月%d日", d.year(), d.month(), d.day());
}

// The period the document reports on, in words: its month, or its quarter.
std::string DocumentHeading(const SourceAnswers& a) { return PeriodHeading(a.period); }

// A case concerns its unit; a county's case its county (Case.unit is then the county's name) and the
// city units that follow it.
void TagCase(pb::Row& row, const cpb::Case& c) {
  if (c.region_code().empty()) {
    row.add_units(c.unit());
    return;
  }
  row.add_region_codes(c.region_code());
  for (const cpb::Follower& f : c.followers()) row.add_units(f.unit());
}

// 按期办结 as rectification counts it (UnitStats.closed_on_time): closed, the verified final report
// made by the due time.
bool ClosedOnTime(const cpb::Case& c) {
  return c.state() == cpb::STATE_CLOSED && c.has_reported_at() &&
         FromProtoTime(c.reported_at()) <= FromProtoTime(c.due_at());
}

struct OnTimeLine {
  const cpb::Case* first = nullptr;  // for the row's tags
  int64_t due = 0, closed = 0, on_time = 0;
};

std::vector<pb::Cell> OnTimeCells(const std::string& name, const OnTimeLine& l) {
  return {TextCell(name), CountCell(l.due), CountCell(l.closed), CountCell(l.on_time), CountCell(l.due - l.closed),
          TextCell(PercentText(l.on_time, l.closed))};
}

// Per unit, the cases due in the document's period (not those closed as withdrawn).
void AddOnTime(pb::Section& s, const SourceAnswers& a, const cpb::ListCasesResponse& cases) {
  const Period period = *Period::Parse(a.period);
  const std::string from = absl::FormatCivilTime(period.FirstDay()), to = absl::FormatCivilTime(period.LastDay());
  std::map<std::string, OnTimeLine> by_unit;
  OnTimeLine total;
  for (const cpb::Case& c : cases.cases()) {
    if (c.due_date() < from || c.due_date() > to || c.resolution() == "withdrawn") continue;
    for (OnTimeLine* l : {&by_unit[c.unit()], &total}) {
      if (l->first == nullptr) l->first = &c;
      ++l->due;
      l->closed += c.state() == cpb::STATE_CLOSED ? 1 : 0;
      l->on_time += ClosedOnTime(c) ? 1 : 0;
    }
  }
  const std::string when = DocumentHeading(a);
  s.add_summary(absl::StrFormat("%s到期案件%d件，已办结%d件，其中按期办结%d件，按期办结率%s。", when, total.due,
                                total.closed, total.on_time, PercentText(total.on_time, total.closed)));
  pb::Table& t = AddTable(s, "cases_on_time", when + "到期案件按期办结情况",
                          {"责任单位", "到期案件", "已办结", "按期办结", "未办结", "按期办结率"});
  t.set_note(absl::StrCat("统计整改期限在", when,
                          "内的案件（由案件逐件计算，不含因预警撤回而办结的）；按期办结率＝按期办结÷已办结；"
                          "按期办结指经核验的最终整改报告不晚于整改期限（与整改服务的统计口径一致）"));
  for (const auto& [unit, line] : by_unit) TagCase(AddRow(t, OnTimeCells(unit, line)), *line.first);
  AddRow(t, OnTimeCells("合计", total));
}

void AddOpenCases(pb::Section& s, const SourceAnswers& a, const cpb::ListCasesResponse& cases) {
  pb::Table& t = AddTable(s, "cases_open", "在办整改案件",
                          {"编号", "责任单位", "事项", "期次", "整改期限", "状态", "逾期"});
  t.set_note("截至数据截止时间尚未办结（含已报结待核验）的案件，按整改期限排列");
  int open = 0, overdue = 0;
  for (const cpb::Case& c : cases.cases()) {
    if (c.state() == cpb::STATE_CLOSED || c.state() == cpb::STATE_VERIFIED) continue;
    if (c.has_opened_at() && FromProtoTime(c.opened_at()) > a.cut_off) continue;
    ++open;
    overdue += c.overdue() ? 1 : 0;
    TagCase(AddRow(t, {TextCell(c.id()), TextCell(c.unit()), TextCell(OrNone(c.title())), TextCell(OrNone(c.period())),
                       TextCell(OrNone(c.due_date())), TextCell(CaseStateLabel(c.state())),
                       TextCell(c.overdue() ? absl::StrFormat("逾期%d天", c.days_overdue()) : kDash)}),
            c);
  }
  s.add_summary(absl::StrFormat("截至%s，在办整改案件%d件，其中已逾期%d件。", DayHeading(a.cut_off), open, overdue));
}

void AddOverdue(pb::Section& s, const cpb::OverdueResponse& overdue) {
  pb::Table& t = AddTable(s, "cases_overdue", absl::StrFormat("逾期未办结案件（截至%s）", overdue.as_of()),
                          {"编号", "责任单位", "事项", "整改期限", "逾期天数", "督办步骤"});
  for (const cpb::OverdueCase& o : overdue.cases()) {
    const cpb::Case& c = o.case_();
    TagCase(AddRow(t, {TextCell(c.id()), TextCell(c.unit()), TextCell(OrNone(c.title())),
                       TextCell(OrNone(c.due_date())), CountCell(c.days_overdue()), TextCell(OrNone(o.step_at()))}),
            c);
  }
}

}  // namespace

pb::Section AlertsSection(const SourceAnswers& a) {
  pb::Section s = SectionFrame(a.kind, "alerts");
  pb::Table& t = AddTable(s, "alerts", DocumentHeading(a) + "预警指标",
                          {"期次", "级别", "规则", "指标", "地区", "排名", "性质", "说明"});
  int critical = 0, warning = 0, withdrawn = 0;
  for (const auto& [period, answer] : a.alerts) {
    if (!answer.ok()) {
      s.add_summary(PeriodHeading(period) + "预警：" + GapText(kRankingService, answer.status()));
      continue;
    }
    for (const rpb::RankingAlert& al : answer->alerts()) {
      if (al.withdrawn()) {  // a later revision of the fact no longer raises it
        ++withdrawn;
        continue;
      }
      const bool severe = al.severity() == rpb::SEVERITY_CRITICAL;
      (severe ? critical : warning) += 1;
      pb::Row& row = AddRow(t, {TextCell(PeriodHeading(al.fact().period())), TextCell(severe ? "严重" : "警告"),
                                TextCell(RuleLabel(al.rule())), TextCell(OrNone(al.indicator_name())),
                                TextCell(OrNone(al.region_name())), RankCell(al.fact().rank(), al.fact().total()),
                                TextCell(StandingLabel(al.standing())), TextCell(OrNone(al.message()))});
      for (const rpb::ResponsibleUnit& u : al.units()) row.add_units(u.unit());
      if (!al.fact().region_code().empty()) row.add_region_codes(al.fact().region_code());
    }
  }
  s.add_summary(absl::StrFormat("%s预警%d条：严重%d条、警告%d条%s。", DocumentHeading(a), critical + warning, critical,
                                warning, withdrawn > 0 ? absl::StrFormat("；另有已撤回%d条，未列入", withdrawn) : ""));
  return s;
}

pb::Section ConsequencesSection(const SourceAnswers& a) {
  pb::Section s = SectionFrame(a.kind, "consequences");
  if (!a.consequences.ok()) {
    s.add_summary(GapText(kRankingService, a.consequences.status()));
    return s;
  }
  std::map<std::string, std::string> indicator_names;
  if (a.indicators.ok()) {
    for (const ipb::Indicator& i : a.indicators->indicators()) indicator_names[i.code()] = i.name();
  }
  const int year = Period::Parse(a.period)->year();
  pb::Table& t = AddTable(s, "consequences", absl::StrFormat("%d年考核奖惩情况", year),
                          {"对象", "期次", "指标", "考核奖惩", "性质"});
  // The ranking service's words for each standing (docs/rules.md, "Incurred and at risk").
  t.set_note("已发生：年度考核结果经市营商办确认；待确认：年度结果未确认；有风险：按月度、季度排名推算，若为年度结果将承担");
  std::map<rpb::Standing, int> counted;
  int lines = 0;
  for (const rpb::SubjectConsequences& subject : a.consequences->subjects()) {
    for (const rpb::Consequence& e : subject.entries()) {
      if (e.withdrawn()) continue;  // kept by the ledger, never counted
      ++lines;
      ++counted[e.standing()];
      const std::string code = e.indicator_code();
      const std::string& who = subject.subject_name().empty() ? subject.subject() : subject.subject_name();
      pb::Row& row = AddRow(t, {TextCell(OrNone(who)),
                                TextCell(OrNone(PeriodHeading(e.period()))),
                                TextCell(indicator_names.contains(code) ? indicator_names[code] : OrNone(code)),
                                TextCell(OrNone(e.text())), TextCell(StandingLabel(e.standing()))});
      subject.county() ? row.add_region_codes(subject.subject()) : row.add_units(subject.subject());
    }
  }
  s.add_summary(absl::StrFormat("%d年考核奖惩记录%d条：已发生%d条、待确认%d条、有风险%d条。", year, lines,
                                counted[rpb::STANDING_INCURRED], counted[rpb::STANDING_PENDING],
                                counted[rpb::STANDING_AT_RISK]));
  for (const rpb::Finalisation& f : a.consequences->finalisations()) {
    s.add_summary(absl::StrFormat("%d年度考核结果已于%s由%s确认（%d条）。", f.year(),
                                  DayHeading(FromProtoTime(f.finalised_at())), f.finalised_by(), f.lines()));
  }
  return s;
}

pb::Section CasesSection(const SourceAnswers& a) {
  pb::Section s = SectionFrame(a.kind, "cases");
  if (a.cases.ok()) {
    AddOpenCases(s, a, *a.cases);
  } else {
    s.add_summary("整改案件：" + GapText(kRectificationService, a.cases.status()));
  }
  if (a.overdue.ok()) {
    AddOverdue(s, *a.overdue);
  } else {
    s.add_summary("逾期案件：" + GapText(kRectificationService, a.overdue.status()));
  }
  if (a.cases.ok()) AddOnTime(s, a, *a.cases);
  return s;
}

pb::Section DutySection(const SourceAnswers& a) {
  pb::Section s = SectionFrame(a.kind, "duty");
  pb::Table& t = AddTable(s, "duty", DocumentHeading(a) + "领导窗口坐班落实情况",
                          {"月份", "单位", "坐班领导", "职务", "规则", "期间", "结论", "依据"});
  for (const MonthAnswers& m : a.months) {
    const std::string when = PeriodHeading(m.month);
    if (!m.compliance.ok()) {
      s.add_summary(when + "：" + GapText(kDutyService, m.compliance.status()));
      continue;
    }
    const dpb::ComplianceReport& r = *m.compliance;
    s.add_summary(absl::StrFormat("%s：达标%d，未达标%d，免于坐班%d，期间未结束%d。", when, r.kept(), r.broken(),
                                  r.exempt(), r.not_over()));
    for (const dpb::ComplianceLine& l : r.lines()) {
      AddRow(t, {TextCell(when), TextCell(l.unit()), TextCell(OrNone(l.leader_name())), TextCell(OrNone(l.title())),
                 TextCell(DutyRuleLabel(l.rule())), TextCell(OrNone(l.period())), TextCell(VerdictLabel(l.verdict())),
                 TextCell(OrNone(l.reason()))})
          .add_units(l.unit());
    }
  }
  return s;
}

}  // namespace ys::notify::documents
