#pragma once

// The 考核奖惩 ledger's rules, with no I/O (work plan §四(七) 压实考核奖惩; docs/rules.md): which lines
// an alert writes, whether a line is incurred or only at risk, which alerts a corrected fact
// withdraws, and what the office's "finalise year" step confirms.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "yingshang/ranking/v1/query.pb.h"
#include "yingshang/ranking/v1/ranking.pb.h"

namespace ys::ranking {

namespace pb = ::yingshang::ranking::v1;

// §四(七), second paragraph, as the plan words it: "年终营商环境考核与综合考核、单位评优评先考核挂钩。在全省
// 营商环境考核中……". The consequences follow the year's assessment, so a line is incurred only from a
// year-period fact (the year's assessment result) after the office confirms it; a month or a
// quarter shows what the year would cost if it ended so (at risk).
pb::Standing StandingOf(absl::string_view period);

// The ledger lines an alert adds, in the plan's words (§四(七)):
// - last in the province on an indicator (city scope, "18项一级指标、86项二级指标排名倒数第一的牵头市直单位
//   和责任单位"): 扣发其年终绩效奖金的5% and 取消其单位主要领导、分管领导及班子评优评先资格; last is also in
//   the bottom three, so it owes the 表态发言 and the 检讨发言 as well;
// - the bottom three (city scope, "排名在全省后三位的单位主要负责同志进行表态发言"): 表态发言; and
//   ("全年营商环境考核指标排名后三位的单位主要负责同志在全市营商环境会议上进行检讨发言") the 检讨发言, read as:
//   a unit whose indicator's year rank is in the province's bottom three (docs/rules.md, "The year's
//   bottom three");
// - a county last on an indicator, or its composite beyond 70th: "党政领导正职、分管领导及班子不得评为优秀".
// Other rules cost a rectification only. Each line carries the alert's standing (StandingOf).
std::vector<pb::Consequence> ConsequencesOf(const pb::RankingAlert& alert);

// A line's text: the plan's words for its kind (plan_text.h). Lines are shown with it whatever
// text an earlier version stored (which put the 表态发言 at the city meeting).
const char* LineText(pb::ConsequenceKind kind);

// The alerts a superseding revision withdraws: those still standing (`raised`, not withdrawn) that
// the new current fact of the same key no longer raises (`still_raised` holds its alert ids). A
// correction that keeps a unit in last place withdraws nothing (§四(七) still applies to it).
std::vector<pb::RankingAlert> AlertsToWithdraw(const std::vector<pb::RankingAlert>& raised,
                                               const std::set<std::string>& still_raised);

// The lines the office's "finalise year" confirms: the year's pending lines (from the year's
// assessment), not withdrawn. At-risk lines never become incurred: they were warnings.
std::vector<pb::Consequence> LinesToFinalise(const std::vector<pb::Consequence>& year_lines);

// The year's ledger per subject: each subject's lines, and per standing what they add up to.
// Withdrawn lines are listed (when asked for) but counted in no summary.
pb::ListConsequencesResponse SummarizeConsequences(int year, const std::vector<pb::Consequence>& entries);

}  // namespace ys::ranking
