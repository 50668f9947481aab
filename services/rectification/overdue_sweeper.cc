#include "services/rectification/overdue_sweeper.h"

#include "common/log/log.h"

namespace ys::rectification {

OverdueSweeper::OverdueSweeper(CaseStore& store, Metrics& metrics)
    : store_(store),
      cases_(prometheus::BuildGauge()
                 .Name("ys_rectification_cases")
                 .Help("Outstanding cases (open, in progress, rejected, reopened) by escalation level, "
                       "and those of them past due.")
                 .Register(metrics.registry())),
      steps_(prometheus::BuildCounter()
                 .Name("ys_rectification_escalations_total")
                 .Help("Escalation steps taken by the overdue sweeper.")
                 .Register(metrics.registry())
                 .Add({})),
      awaiting_(prometheus::BuildGauge()
                    .Name("ys_rectification_awaiting_office_decision")
                    .Help("Cases awaiting the office's decision: a referral suggested by the local policy, "
                          "or a case whose ranking alert was withdrawn.")
                    .Register(metrics.registry())),
      referral_suggested_(awaiting_.Add({{"decision", "referral_suggested"}})),
      alert_withdrawn_(awaiting_.Add({{"decision", "alert_withdrawn"}})) {}

void OverdueSweeper::Run() {
  auto swept = store_.Sweep();
  if (!swept.ok()) {
    log::Warn("overdue sweep failed", {{"error", std::string(swept.status().message())}});
  } else if (swept->steps > 0 || swept->suggestions > 0) {
    steps_.Increment(static_cast<double>(swept->steps));
    log::Info("overdue sweep", {{"cases", std::to_string(swept->cases)}, {"steps", std::to_string(swept->steps)},
                                {"referral_suggestions", std::to_string(swept->suggestions)}});
  }
  if (auto counts = store_.CountByLevel(); counts.ok()) {
    referral_suggested_.Set(static_cast<double>(counts->referral_suggested));
    alert_withdrawn_.Set(static_cast<double>(counts->alert_withdrawn));
    for (int level = pb::Escalation_MIN; level <= pb::Escalation_MAX; ++level) {
      const auto e = static_cast<pb::Escalation>(level);
      const std::string name = pb::Escalation_Name(e);
      cases_.Add({{"escalation", name}, {"status", "open"}}).Set(static_cast<double>(counts->open[e]));
      cases_.Add({{"escalation", name}, {"status", "overdue"}}).Set(static_cast<double>(counts->overdue[e]));
    }
  }
}

}  // namespace ys::rectification
