#include "services/duty/scheduler.h"

#include <string>

#include "common/log/log.h"

namespace ys::duty {

DutyScheduler::DutyScheduler(DutyDesk& desk, Metrics& metrics)
    : desk_(desk),
      events_(prometheus::BuildCounter()
                  .Name("ys_duty_scheduled_events_total")
                  .Help("Events the duty scheduler emitted, by kind (roster, reminder, record_overdue, "
                        "compliance_report, violation, replacement_overdue).")
                  .Register(metrics.registry())),
      rosters_(events_.Add({{"kind", "roster"}})),
      reminders_(events_.Add({{"kind", "reminder"}})),
      records_overdue_(events_.Add({{"kind", "record_overdue"}})),
      reports_(events_.Add({{"kind", "compliance_report"}})),
      violations_(events_.Add({{"kind", "violation"}})),
      replacements_overdue_(events_.Add({{"kind", "replacement_overdue"}})),
      failures_(prometheus::BuildCounter()
                    .Name("ys_duty_sweep_failures_total")
                    .Help("Scheduler sweeps that failed (the next one retries).")
                    .Register(metrics.registry())
                    .Add({})) {}

void DutyScheduler::RunOnce() {
  absl::StatusOr<DutyDesk::SweepResult> swept = desk_.Sweep();
  if (!swept.ok()) {
    failures_.Increment();
    log::Warn("duty sweep failed", {{"error", std::string(swept.status().message())}});
    return;
  }
  rosters_.Increment(swept->rosters_published);
  reminders_.Increment(swept->reminders);
  records_overdue_.Increment(swept->records_overdue);
  reports_.Increment(swept->reports_issued);
  violations_.Increment(swept->violations);
  replacements_overdue_.Increment(swept->replacements_overdue);
  const int total = swept->rosters_published + swept->reminders + swept->records_overdue + swept->reports_issued +
                    swept->violations + swept->replacements_overdue;
  if (total > 0) {
    log::Info("duty sweep", {{"rosters", std::to_string(swept->rosters_published)},
                             {"reminders", std::to_string(swept->reminders)},
                             {"records_overdue", std::to_string(swept->records_overdue)},
                             {"reports", std::to_string(swept->reports_issued)},
                             {"violations", std::to_string(swept->violations)},
                             {"replacements_overdue", std::to_string(swept->replacements_overdue)}});
  }
}

}  // namespace ys::duty
