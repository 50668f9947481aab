#pragma once

// The work plan's own words for what a ranking costs (§四(七) 压实考核奖惩, §四(五) 限期整改), quoted
// where alerts and ledger lines carry them. docs/rules.md lists each with its reading.

namespace ys::ranking::plan_text {

// §四(七) ¶3: "在全省营商环境考核中18项一级指标、86项二级指标排名倒数第一的牵头市直单位和责任单位，扣发其年终绩效
// 奖金的5%，取消其单位主要领导、分管领导及班子评优评先资格"
inline constexpr char kLast[] =
    "扣发牵头市直单位和责任单位年终绩效奖金的5%，取消其单位主要领导、分管领导及班子评优评先资格";
inline constexpr char kBonusWithheld[] = "扣发其年终绩效奖金的5%";
inline constexpr char kNoExcellence[] = "取消其单位主要领导、分管领导及班子评优评先资格";
// §四(七) ¶3: "排名在全省后三位的单位主要负责同志进行表态发言" (no venue is named for it).
inline constexpr char kStatement[] = "单位主要负责同志进行表态发言";
// Both speeches a city unit in the bottom three owes, as an alert words them.
inline constexpr char kBottomThree[] =
    "单位主要负责同志进行表态发言；全年考核指标排名后三位的，单位主要负责同志在全市营商环境会议上进行检讨发言";
// §四(七) ¶2: "全年营商环境考核指标排名后三位的单位主要负责同志在全市营商环境会议上进行检讨发言"
inline constexpr char kSelfCriticism[] = "单位主要负责同志在全市营商环境会议上进行检讨发言";
// §四(七) ¶3: "有单项考核指标排名倒数第一的县（市、区）、在全省营商环境考核中综合排名全省70名以后的县（市、区）党政
// 领导正职、分管领导及班子不得评为优秀"
inline constexpr char kCountyNotExcellent[] = "县（市、区）党政领导正职、分管领导及班子不得评为优秀";
// §四(五): "以一个月为时限……进行整改，并在一个月内将整改落实情况报市营商办"
inline constexpr char kRectify[] = "一个月内整改，并将整改落实情况报市营商办";

// How an alert from a month or a quarter words its consequence: a warning of the year's result.
inline constexpr char kAtRiskPrefix[] = "【预警】若全年考核结果如此：";
// And one from the year's assessment, until the office finalises the year.
inline constexpr char kPendingPrefix[] = "【全年考核，待市营商办确认】";

}  // namespace ys::ranking::plan_text
