#pragma once

// A document's content from the other services' answers (issue #16; documents.proto): the monthly
// dispatch pack (调度会材料, plan §四(三)) and the quarterly bulletin (通报, §四(四)). The plan's five
// parts in the order its section gives them — §四(三): ranks, actions, tasks, reforms, redemptions;
// §四(四): ranks, tasks ("二是…五大环境30项"), actions ("三是…八大行动"), reforms, redemptions — then
// the annexes: alerts, consequences (考核奖惩, §四(七)), cases, duty.
//
// Every figure is the services' own (ranks, counts, fen); what the assembly adds is arithmetic on them
// (sums over months and regions, counts of rows) and words. A source that fails does not fail the
// assembly: its sections say "数据暂缺（…）" and content.missing gets "<service>: <status>" (a document
// with missing sources cannot be issued: lifecycle.h).
//
// Layout: assemble.cc asks the sources (Gather), frames the document and builds the annexes;
// assemble_sections.cc builds the plan's five parts. Sections are built from the answers with no I/O;
// the rules below are pure and unit-tested.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/notify/documents/sources.h"
#include "yingshang/notify/v1/documents.pb.h"

namespace ys::notify::documents {

namespace pb = ::yingshang::notify::v1;

struct AssembleRequest {
  pb::DocumentKind kind = pb::DOCUMENT_KIND_UNSPECIFIED;
  std::string period;  // "2022-09" for a dispatch pack, "2022Q3" for a bulletin
  absl::Time cut_off;  // data as of
  std::string city_code = "3611";
};

// INVALID_ARGUMENT naming field 'period' when it is not "YYYY-MM" for a dispatch pack or "YYYYQn" for a
// bulletin, 'kind' when unspecified. Otherwise a document, whatever the sources answer.
absl::StatusOr<pb::DocumentContent> Assemble(const AssembleRequest& request, DocumentSources& sources);

// --- Rules (pure) ---

// The months a document covers, in order: a dispatch pack's one, a bulletin's quarter's three.
// INVALID_ARGUMENT naming 'kind' or 'period' (as Assemble).
absl::StatusOr<std::vector<std::string>> DocumentMonths(pb::DocumentKind kind, const std::string& period);
// "2022年9月" for "2022-09", "2022年第三季度" for "2022Q3".
std::string PeriodHeading(const std::string& period);
// "9月" for "2022-09".
std::string MonthLabel(const std::string& month);

// The movement since the previous period, in places gained (ScorecardRow.change): "↑2", "↓1", "—"
// (unchanged, or no previous rank).
std::string MovementText(bool has_previous, int change);
// "第6名/共11"; "第6名" without a total; "—" without a rank (0).
std::string RankText(int rank, int total);
// The rank as text and number; "—" and not numeric without a rank.
pb::Cell RankCell(int rank, int total);
// Reads RankText back: {rank, total}; {0, 0} for anything else (extracts count ranks from cells).
std::pair<int, int> ParseRankText(std::string_view text);
// Within the last three places of `total` (后三位; total 0: never).
bool InBottomThree(int rank, int total);

// Fen as 元 with thousands separators and two decimals: 123456 -> "1,234.56", -5 -> "-0.05".
std::string FenToYuanText(int64_t fen);
// The amount in 元, as text and number.
pb::Cell YuanCell(int64_t fen);
// 万元 for a chart: 1234567 fen -> 1.234567.
double FenToWan(int64_t fen);
// "66.7%" (one decimal); "—" when the denominator is 0.
std::string PercentText(int64_t numerator, int64_t denominator);

// Building blocks.
pb::Cell TextCell(std::string text);
pb::Cell CountCell(int64_t n);  // "12", numeric
pb::Cell NoneCell();            // "—"
std::string OrNone(const std::string& text);  // the text, "—" when empty
pb::Row& AddRow(pb::Table& t, std::vector<pb::Cell> cells);
pb::Table& AddTable(pb::Section& s, const std::string& key, const std::string& title,
                    const std::vector<std::string>& columns);

// How the ranking service says a consequence stands (§四(七)): 已发生, 待确认, 有风险.
std::string StandingLabel(rpb::Standing standing);
// What a section says for a source that did not answer: "数据暂缺（rectification：UNAVAILABLE）".
std::string GapText(std::string_view service, const absl::Status& status);

// A quarter's rank target for the city's composite: §四 "第三季度目标是整体排名进全省前三，不得掉出前六"
// (2022Q3: 3 and 6). The ranking API gives the goals' words (GetGoals), not these numbers, so the one
// target the plan states in numbers is kept here. {0, 0}: none for the quarter.
struct QuarterTarget {
  int target_at_most = 0;
  int floor_at_most = 0;
  std::string plan_words;
};
QuarterTarget PlanQuarterTarget(const std::string& quarter);

// --- The assembly's parts: what was asked (assemble.cc) and the sections built from it ---

template <typename T>
using Answer = absl::StatusOr<T>;

struct MonthAnswers {
  std::string month;
  Answer<rpb::Scorecard> city;  // the city's scorecard
  Answer<ipb::RedemptionSummaryResponse> redemptions;
  Answer<dpb::ComplianceReport> compliance;
};

struct SourceAnswers {
  pb::DocumentKind kind = pb::DOCUMENT_KIND_UNSPECIFIED;
  std::string period;
  std::string city_code;
  absl::Time cut_off;
  std::vector<MonthAnswers> months;
  Answer<ipb::ListIndicatorsResponse> indicators;
  Answer<ipb::ListRegionsResponse> counties;  // the city's counties (REGION_KIND_COUNTY)
  Answer<ipb::ListUnitsResponse> units;
  std::string heat_month;  // the month the county heat map shows: the last with the city's ranks
  std::vector<std::pair<std::string, Answer<rpb::Scorecard>>> county_cards;  // by county code
  Answer<rpb::Goals> goals;  // bulletin: the year's goals read for the quarter
  Answer<ipb::ListProgrammeItemsResponse> actions, environments, tasks, reforms;
  std::string progress_month;  // bulletin: the quarter's last month with reports
  Answer<ipb::ListProgressResponse> progress;
  std::vector<std::pair<std::string, Answer<rpb::ListAlertsResponse>>> alerts;  // by period
  Answer<rpb::ListConsequencesResponse> consequences;  // the year's
  Answer<cpb::ListCasesResponse> cases;               // every case, as of the cut-off
  Answer<cpb::OverdueResponse> overdue;               // as of the cut-off's date
};

// Each with its key, title, plan_basis and annex flag set (SectionFrame).
pb::Section RanksSection(const SourceAnswers& a);
pb::Section ProgrammeSection(const SourceAnswers& a, ipb::ProgrammeItemKind kind);
pb::Section RedemptionsSection(const SourceAnswers& a);
pb::Section AlertsSection(const SourceAnswers& a);
pb::Section ConsequencesSection(const SourceAnswers& a);
pb::Section CasesSection(const SourceAnswers& a);
pb::Section DutySection(const SourceAnswers& a);

// The section's key, title, plan_basis (the plan's words with their section) and annex flag, for the
// document's kind: the plan's parts are numbered in that kind's order.
pb::Section SectionFrame(pb::DocumentKind kind, std::string_view key);

}  // namespace ys::notify::documents
