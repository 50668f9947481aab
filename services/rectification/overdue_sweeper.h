#pragma once

#include "common/metrics/metrics.h"
#include "services/rectification/store.h"

namespace ys::rectification {

// The overdue ladder's sweep (督办 at the due time; the office's local steps after it, none by
// default; a referral suggestion if the local policy asks) with its metrics: escalation steps taken,
// outstanding cases per level (ESCALATION_NONE, _REMINDER, _LOCAL_STEP, _REFERRED), open and overdue,
// and cases awaiting an office decision. Idempotent and safe beside other replicas (SKIP LOCKED,
// steps keyed per deadline); run every cases.sweep_interval.
class OverdueSweeper {
 public:
  OverdueSweeper(CaseStore& store, Metrics& metrics);
  void Run();

 private:
  CaseStore& store_;
  prometheus::Family<prometheus::Gauge>& cases_;
  prometheus::Counter& steps_;
  prometheus::Family<prometheus::Gauge>& awaiting_;
  prometheus::Gauge& referral_suggested_;
  prometheus::Gauge& alert_withdrawn_;
};

}  // namespace ys::rectification
