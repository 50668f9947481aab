// CaseStore: the overdue ladder. 督办 at the due time (the work plan, §四(六)); the office's local
// steps after it; a referral suggestion when the local policy asks for one. Never a referral. The
// database picks outstanding cases past due; what each is owed is the domain's (SweepDue).
#include <pqxx/pqxx>

#include <algorithm>

#include "absl/strings/str_format.h"
#include "common/pg/pool.h"
#include "common/status/macros.h"
#include "common/time/proto_time.h"
#include "services/rectification/store.h"
#include "services/rectification/store_rows.h"

namespace ys::rectification {
namespace {

// The unit and its 带班领导, as a 督办 names them.
std::string UnitAndHead(const pb::Case& c) {
  return c.head().empty() ? c.unit() : absl::StrFormat("%s（带班领导 %s）", c.unit(), c.head());
}

std::string StepMessage(const pb::Case& c, const LadderStep& step, absl::Time now) {
  const int days = DaysOverdue(FromProtoTime(c.due_at()), now);
  if (!step.local_policy) {
    return absl::StrFormat("【%s】%s 整改已到期未报（%s，期限%s），请立即整改并报市营商办", step.name, UnitAndHead(c),
                           c.id(), c.due_date());
  }
  return absl::StrFormat("【%s】%s 逾期%d天未完成整改（%s，期限%s）（市营商办本地规定，非工作方案所定）", step.name,
                         UnitAndHead(c), days, c.id(), c.due_date());
}

}  // namespace

absl::StatusOr<SweepResult> CaseStore::Sweep(size_t limit) {
  SweepResult total;
  limit = std::max<size_t>(limit, 1);
  const absl::Time now = clock_.Now();
  const EscalationPolicy& p = policies_.escalation;
  // Every outstanding case past due, a page of `limit` at a time in (due_at, id) order: a page of
  // cases owed nothing does not keep a later one from its step.
  std::string after_due = "-infinity", after_id;
  for (bool more = true; more;) {
    SweepResult page;
    std::string last_due, last_id;
    RETURN_IF_ERROR(pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
      page = {};  // each attempt from the start (an ABORTED one is retried)
      more = false;
      last_due = after_due;
      last_id = after_id;
      // The candidates by state and due time alone, with what the domain needs to see what each is
      // owed (SweepDue) — the columns, not the bodies, and no lock yet.
      const pqxx::result candidates = tx.exec_params(
          std::string("SELECT id, (extract(epoch FROM due_at) * 1e6)::bigint, state, ladder_rung, "
                      "referral_suggested, referred FROM cases WHERE state IN ") +
              kOutstandingSql +
              " AND due_at <= $1::timestamptz AND (due_at, id) > ($2::timestamptz, $3) ORDER BY due_at, id LIMIT $4",
          PgTime(now), after_due, after_id, static_cast<int64_t>(limit));
      more = candidates.size() == limit;
      std::vector<std::string> owed;
      for (const auto& row : candidates) {
        pb::Case head;
        head.set_id(row[0].as<std::string>());
        *head.mutable_due_at() = ToProtoTime(absl::FromUnixMicros(row[1].as<int64_t>()));
        pb::State state = pb::STATE_UNSPECIFIED;
        pb::State_Parse(row[2].as<std::string>(), &state);
        head.set_state(state);
        head.set_ladder_steps_taken(row[3].as<int>());
        head.set_referral_suggested(row[4].as<bool>());
        if (row[5].as<bool>()) head.mutable_referral();
        if (!SweepDue(head, now, p).empty()) owed.push_back(head.id());
        last_due = PgTime(FromProtoTime(head.due_at()));
        last_id = head.id();
      }
      if (owed.empty()) return absl::OkStatus();
      // Locked (another replica's are skipped) and decided again on the whole case.
      CaseWrites writes;
      for (const auto& row : tx.exec_params(std::string("SELECT body, version FROM cases WHERE id = ANY($1::text[]) "
                                                        "AND state IN ") +
                                                kOutstandingSql + " ORDER BY id FOR UPDATE SKIP LOCKED",
                                            PgArray(owed))) {
        LoadedCase l = ParseCase(pqxx::binarystring(row[0]).str(), row[1].as<int64_t>());
        pb::Case& c = l.c;
        const SweepWork work = SweepDue(c, now, p);
        if (work.empty()) continue;
        const absl::Time due_at = FromProtoTime(c.due_at());
        const int64_t version = l.version + 1;
        size_t taken = 0;
        std::string before = c.escalation_step().empty() ? "无" : c.escalation_step();
        for (const LadderStep& step : work.steps) {
          c.set_ladder_steps_taken(step.rung);
          // A referral the office decided stays the case's level; the steps are still taken and told.
          if (c.escalation() != pb::ESCALATION_REFERRED) {
            c.set_escalation(step.level);
            c.set_escalation_step(step.name);
          }
          if (tx.exec_params("INSERT INTO escalations VALUES ($1, $2::timestamptz, $3, $4::timestamptz) "
                             "ON CONFLICT DO NOTHING",
                             c.id(), PgTime(due_at), step.rung, PgTime(now))
                  .affected_rows() == 0) {
            continue;  // this step was taken before
          }
          const std::string message = StepMessage(c, step, now);
          writes.Log(c.id(), now, kServiceActor, "escalated", before, step.name, message);
          writes.Emit(pb::CaseEvent::KIND_ESCALATED, c, version, step.level, message, now, step.rung);
          before = step.name;
          ++taken;
        }
        if (work.suggest_referral) {
          c.set_referral_suggested(true);
          const std::string message = absl::StrFormat(
              "%s 逾期%d天仍未完成整改（%s，期限%s）：按市营商办本地规定提示，请市营商办决定是否报市纪委监委（仅为提示）",
              c.unit(), DaysOverdue(due_at, now), c.id(), c.due_date());
          writes.Log(c.id(), now, kServiceActor, "referral_suggested", "", "suggested", message);
          writes.Emit(pb::CaseEvent::KIND_REFERRAL_SUGGESTED, c, version, c.escalation(), message, now);
          ++page.suggestions;
        }
        // Steps that were all taken before (their escalations rows exist) change nothing: no new version.
        if (taken == 0 && !work.suggest_referral) continue;
        writes.Update(l, now);
        ++page.cases;
        page.steps += taken;
      }
      writes.Flush(tx);
      return absl::OkStatus();
    }));
    total.cases += page.cases;
    total.steps += page.steps;
    total.suggestions += page.suggestions;
    after_due = last_due;
    after_id = last_id;
  }
  return total;
}

}  // namespace ys::rectification
