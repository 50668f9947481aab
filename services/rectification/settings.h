#pragma once

// The rectification policies from the service's YAML config (and YS_* overrides). Every key is
// optional; a missing one keeps the built-in default. Only some defaults are the work plan's (one
// calendar month, §四(五) "以一个月为时限"; 督办 at the due time, §四(六)); open_on_rules is our reading of
// §四(五)'s "排名靠后的工作" (the plan lists no rules); the rest is the office's local policy or an
// operating setting, marked so below. The removed cases.escalation_days stops startup with a line
// saying what replaced it.
//
//   cases:
//     deadline: {months: 1}                     # default: one calendar month (work plan §四(五))
//     deadlines:                                # local policy, none by default: per origin, e.g.
//       inspection: {working_days: 15}          #   a 督查 finding in 15 working days (an example)
//     escalation:                               # 督办 at the due time is the plan's only step; the
//       local_steps:                            #   rest is local policy, off by default, e.g.
//         报领班: {after_days: 7}               #   a step 7 days past due (never the plan's terms)
//       suggest_referral_after_days: 0          #   local policy: suggest the office consider a
//                                               #   referral to 市纪委监委 (0: off); it never refers
//     open_on_rules: [last_in_province, bottom_three, quarter_floor_breached, county_indicator_last,
//                     county_composite_beyond]  # default: the ranks §四 and §四(七) single out, read
//                                               #   as §四(五)'s 排名靠后 (a county's bottom places:
//                                               #   the ranking service's local policy)
//     fallback_unit: 市营商办                   # local policy: when an indicator names no unit
//     sweep_interval: 60s                       # operating setting
//   input: {max_name_bytes: 512, max_text_bytes: 65536}   # operating caps of the input rules for alerts

#include "absl/status/statusor.h"
#include "common/config/config.h"
#include "services/rectification/store.h"

namespace ys::rectification {

struct RectificationSettings {
  CasePolicies policies;
  absl::Duration sweep_interval = absl::Seconds(60);
};

// INVALID_ARGUMENT naming the key for a bad value.
absl::StatusOr<RectificationSettings> LoadRectificationSettings(const Config& config);

}  // namespace ys::rectification
