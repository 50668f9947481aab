#pragma once

#include "common/metrics/metrics.h"
#include "services/rectification/store.h"

namespace ys::rectification {

// The overdue ladder's sweep (督办 → 提级办理 → 市纪委监委) with its metrics: escalation steps
// taken, and outstanding cases per level, open and overdue. Idempotent and safe beside other
// replicas (SKIP LOCKED, steps keyed per deadline); run every cases.sweep_interval.
class OverdueSweeper {
 public:
  OverdueSweeper(CaseStore& store, Metrics& metrics);
  void Run();

 private:
  CaseStore& store_;
  prometheus::Family<prometheus::Gauge>& cases_;
  prometheus::Counter& steps_;
};

}  // namespace ys::rectification
