#pragma once

// The duty service's settings from its YAML config (and YS_* overrides). Every key is optional. The
// work plan gives "提前一周" (7 days), "每月不少于 1 次，每次不少于半天", "每周坐班不少于一天", "在编率不得低于
// 50%", "至少两年以上换人"; everything else here is the centre's local policy or an operating setting,
// marked so.
//
//   duty:
//     hours:                                 # local policy: what a half day and a whole day are
//       morning:   {start: "09:00", end: "12:00"}
//       afternoon: {start: "14:00", end: "17:30"}
//     record_due_working_days: 3             # local policy: a 表2 is flagged this many working days after
//     roster: {publish_at: "08:00", reminder_days: [7, 1]}   # local policy
//     compliance_report: {publish_at: "09:00"}  # local policy: the monthly report, first working day after
//     scheduler_interval: 60s                 # operating setting
//   staff:
//     work_hours: {start: "09:00", end: "17:30"}   # local policy: the centre's hours for clock-in
//     grace_minutes: 0                             # local policy
//     replacement_working_days: 10                 # local policy: "及时调整人员" has no number in the plan
//     min_criticisms: 2                            # local policy: our reading of "多次批评教育"
//   directory:
//     units_file: data/catalog/units.yaml    # the 表3 flags (defaults to auth.units_file)

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/config/config.h"
#include "services/duty/directory.h"
#include "services/duty/hours.h"
#include "services/duty/registration_rules.h"
#include "services/duty/roster.h"
#include "services/duty/staff_rules.h"

namespace ys::duty {

struct DutySettings {
  DutyHours hours;
  RegistrationPolicy registration;
  RosterPolicy roster;
  StaffPolicy staff;
  int compliance_report_minutes = 9 * 60;
  absl::Duration scheduler_interval = absl::Seconds(60);
  HighFrequencyUnits high_frequency;  // 表3, from the units file
};

// INVALID_ARGUMENT naming the key for a bad value.
absl::StatusOr<DutySettings> LoadDutySettings(const Config& config);

}  // namespace ys::duty
