#pragma once

#include "common/metrics/metrics.h"
#include "services/duty/desk.h"

namespace ys::duty {

// Runs the desk's sweep (roster, reminders, overdue records, the monthly report and violations,
// overdue replacements) every duty.scheduler_interval and counts what it sent, by kind, in
// ys_duty_scheduled_events_total; failures in ys_duty_sweep_failures_total.
class DutyScheduler {
 public:
  DutyScheduler(DutyDesk& desk, Metrics& metrics);
  void RunOnce();

 private:
  DutyDesk& desk_;
  prometheus::Family<prometheus::Counter>& events_;
  prometheus::Counter& rosters_;
  prometheus::Counter& reminders_;
  prometheus::Counter& records_overdue_;
  prometheus::Counter& reports_;
  prometheus::Counter& violations_;
  prometheus::Counter& replacements_overdue_;
  prometheus::Counter& failures_;
};

}  // namespace ys::duty
