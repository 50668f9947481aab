#pragma once

#include <string>
#include <vector>

#include "common/grpc/auth.h"
#include "common/kafka/kafka.h"
#include "common/metrics/metrics.h"
#include "common/pg/pool.h"
#include "common/time/clock.h"
#include "services/rectification/case_list.h"
#include "services/rectification/case_list_cache.h"
#include "services/rectification/domain.h"

namespace pqxx {
class transaction_base;
}

namespace ys::rectification {

inline constexpr char kAlertsTopic[] = "ys.rankings.alerts.v1";
inline constexpr char kEventsTopic[] = "ys.rectification.v1";

struct CasePolicies {
  DeadlinePolicies deadlines;
  EscalationPolicy escalation;
  AlertCasePolicy alerts;
  input::InputLimits input;  // the input rules for decoded alerts
};

struct SweepResult {
  size_t cases = 0;        // cases that moved up the ladder (or were marked for a referral)
  size_t steps = 0;        // escalation events emitted
  size_t suggestions = 0;  // referral suggestions (local policy)
};

// Cases in PostgreSQL: every change in one transaction with its history rows and its event on
// ys.rectification.v1 (outbox). Role checks are the service's; this class enforces the state
// machine, deadlines and the ladder. Its parts: store_alerts.cc (ranking alerts in, withdrawals),
// store_office.cc (opening by hand and every change to a case), store_sweep.cc (the overdue ladder),
// store_queries.cc (reading, statistics); store_rows.* what they share.
class CaseStore {
 public:
  CaseStore(PgPool& pool, const Clock& clock, const WorkingDayCalendar& calendar, CasePolicies policies)
      : pool_(pool), clock_(clock), calendar_(calendar), policies_(std::move(policies)), list_cache_(pool) {}

  // The inbox batch handler for ys.rankings.alerts.v1. Per (unit, indicator, period, rule) once: a
  // unit's open case of the same indicator and period takes it; otherwise it opens its own case,
  // naming the unit's open case of an earlier period as previous (PlaceAlert). A withdrawn alert opens
  // nothing: its keys are marked withdrawn, and a case it opened or joined is flagged for the office
  // once every alert linked to it is withdrawn (DecideAlertFlag); the same alert raised again, or a
  // standing alert joining the case, clears the flag. Flags are decided after the whole batch, so a
  // correction's withdrawals and new alerts may come in either order.
  absl::Status ApplyAlerts(pqxx::transaction_base& tx, const std::vector<const CloudEvent*>& events,
                           std::vector<absl::Status>* results);

  // `req.unit` is the canonical name (the service resolves aliases).
  absl::StatusOr<pb::Case> Open(const Principal& who, const pb::OpenCaseRequest& req);
  // With its history; NOT_FOUND naming the id.
  absl::StatusOr<pb::Case> Get(const std::string& id);
  absl::StatusOr<pb::Case> Report(const Principal& who, const pb::ReportProgressRequest& req);
  absl::StatusOr<pb::Case> Verify(const Principal& who, const pb::VerifyCaseRequest& req);
  absl::StatusOr<pb::Case> Close(const Principal& who, const pb::CloseCaseRequest& req);
  absl::StatusOr<pb::Case> Reopen(const Principal& who, const pb::ReopenCaseRequest& req);
  absl::StatusOr<pb::Case> Extend(const Principal& who, const pb::ExtendDeadlineRequest& req);
  // The office's referral to 市纪委监委: audited, KIND_REFERRED; reason required.
  absl::StatusOr<pb::Case> Refer(const Principal& who, const pb::ReferCaseRequest& req);
  // Keep (clears alert_withdrawn) or close as withdrawn (CLOSED, resolution "withdrawn", KIND_CLOSED;
  // its withdrawn alerts' keys are released, so such an alert raised again by a later revision opens a
  // new case). Closing is FAILED_PRECONDITION naming the alerts that still stand, if any.
  absl::StatusOr<pb::Case> ReviewWithdrawal(const Principal& who, const pb::ReviewWithdrawalRequest& req);

  // The page of the cases `q` lists (ListMatches, in due order) and how many match; from every case
  // held in memory, read again when another change committed (CaseListCache).
  using ListQuery = CaseListQuery;
  absl::StatusOr<std::pair<std::vector<pb::Case>, size_t>> List(const ListQuery& q);
  // Every case `q`'s unit, state and overdue filters match, in due order (offset and limit are not
  // applied): for a reader whose cases the domain picks in memory (PickedInMemory, VisibleTo: a 领班,
  // a county). Only loads; it decides nothing about who reads. Case counts are hundreds a year.
  absl::StatusOr<std::vector<pb::Case>> ListAll(const ListQuery& q);

  // Moves every outstanding case past due up the ladder (督办, then the local steps), one event per
  // step, each step once; marks a referral suggestion when the local policy asks for one. Reads the
  // outstanding cases past due `limit` at a time; the domain decides what each is owed (SweepDue), and
  // a case owed nothing new is left as it is. Safe to run concurrently (rows are claimed with SKIP
  // LOCKED) and again (steps are keyed).
  absl::StatusOr<SweepResult> Sweep(size_t limit = 1000);
  // Open and overdue outstanding cases per escalation level, now (for the gauges), and the cases
  // awaiting an office decision.
  struct LevelCounts {
    std::map<pb::Escalation, int64_t> open, overdue;
    int64_t referral_suggested = 0, alert_withdrawn = 0;
  };
  absl::StatusOr<LevelCounts> CountByLevel();

  // For every unit, or only `unit`.
  absl::StatusOr<pb::StatsResponse> Stats(const std::string& period, const std::string& unit = "");
  // Every case opened in `period` (INVALID_ARGUMENT as Stats), for StatsOf over the cases a reader
  // picked in memory reads. Only loads (withdrawn ones too: CountsInStats decides).
  absl::StatusOr<std::vector<pb::Case>> OpenedIn(const std::string& period);

  const CasePolicies& policies() const { return policies_; }

 private:
  // Loads a case FOR UPDATE, applies `change`, saves it, appends history and emits `kind`.
  template <typename Fn>
  absl::StatusOr<pb::Case> Change(const std::string& id, Fn&& change);

  PgPool& pool_;
  const Clock& clock_;
  const WorkingDayCalendar& calendar_;
  CasePolicies policies_;
  CaseListCache list_cache_;
};

}  // namespace ys::rectification
