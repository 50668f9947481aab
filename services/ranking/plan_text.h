#pragma once

// What a ranking costs, as alerts and ledger lines word it (docs/rules.md). The constants under
// "quoted" are the work plan's own words, verbatim (the plan sets some numbers apart with spaces,
// "的 5%": those spaces are typesetting and left out); tests/deploy/check_docs.py checks each is in
// the plan (docs/work-plan.zh.txt). The others are ours and say so.

namespace ys::ranking::plan_text {

// --- quoted -------------------------------------------------------------------------------------

// §四(七) ¶3: "…排名倒数第一的牵头市直单位和责任单位，扣发其年终绩效奖金的 5%，取消其单位主要领导、分管领导
// 及班子评优评先资格"
inline constexpr char kLast[] = "扣发其年终绩效奖金的5%，取消其单位主要领导、分管领导及班子评优评先资格";
inline constexpr char kBonusWithheld[] = "扣发其年终绩效奖金的5%";
inline constexpr char kNoExcellence[] = "取消其单位主要领导、分管领导及班子评优评先资格";
// §四(七) ¶3: "排名在全省后三位的单位主要负责同志进行表态发言" (no venue is named for it).
inline constexpr char kStatement[] = "单位主要负责同志进行表态发言";
// §四(七) ¶2: "全年营商环境考核指标排名后三位的单位主要负责同志在全市营商环境会议上进行检讨发言"
inline constexpr char kSelfCriticism[] = "单位主要负责同志在全市营商环境会议上进行检讨发言";
// §四(七) ¶3: "…的县（市、区）党政领导正职、分管领导及班子不得评为优秀"
inline constexpr char kCountyNotExcellent[] = "县（市、区）党政领导正职、分管领导及班子不得评为优秀";
// §四(五): "以一个月为时限，全市各地各单位对通报督办事项、排名靠后的工作进行整改，并在一个月内将整改落实情况报市营商办"
inline constexpr char kRectify[] = "以一个月为时限，全市各地各单位对通报督办事项、排名靠后的工作进行整改";

// --- ours ---------------------------------------------------------------------------------------

// Both speeches a city unit in the bottom three owes (§四(七) ¶2 and ¶3), in one line.
inline constexpr char kBottomThree[] =
    "表态发言（§四(七)：排名在全省后三位的单位）；全年排名后三位的，在全市营商环境会议上进行检讨发言";
// A rule with no consequence in the plan (a fall of N places, a missed target short of the floor):
// a warning for the office, costing nothing.
inline constexpr char kWarningOnly[] = "预警：工作方案未规定考核后果";
// How an alert from a month or a quarter words its consequence: a warning of the year's result.
inline constexpr char kAtRiskPrefix[] = "【预警】若全年考核结果如此：";
// And one from the year's assessment, until the office finalises the year.
inline constexpr char kPendingPrefix[] = "【全年考核，待市营商办确认】";

}  // namespace ys::ranking::plan_text
