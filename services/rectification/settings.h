#pragma once

// The rectification policies from the service's YAML config (and YS_* overrides). Every key is
// optional; a missing one keeps the work plan's default. The removed cases.escalation_days stops
// startup with a line saying what replaced it.
//
//   cases:
//     deadline: {months: 1}                     # the default: one calendar month (work plan 四(五))
//     deadlines:                                # per origin, e.g.
//       inspection: {working_days: 15}          #   a 督查 finding: 15 working days
//     escalation:                               # 督办 at the due time is the plan's only step; the
//       local_steps:                            #   rest is local policy, off by default, e.g.
//         报领班: {after_days: 7}               #   a step 7 days past due (never the plan's terms)
//       suggest_referral_after_days: 0          #   local policy: suggest the office consider a
//                                               #   referral to 市纪委监委 (0: off); it never refers
//     open_on_rules: [last_in_province, bottom_three, quarter_floor_breached, county_composite_beyond]
//     fallback_unit: 市营商办                   # when an indicator names no unit
//     sweep_interval: 60s
//   input: {max_name_bytes: 512, max_text_bytes: 65536}   # caps of the input rules for alerts

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
