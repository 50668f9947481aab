// CaseStore: the overdue ladder. 督办 at the due time (the work plan, §四(六)); the office's local
// steps after it; a referral suggestion when the local policy asks for one. Never a referral.
#include <pqxx/pqxx>

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
  SweepResult result;
  const absl::Time now = clock_.Now();
  const EscalationPolicy& p = policies_.escalation;
  std::vector<std::string> offsets;  // each ladder step's seconds past due, in order
  for (const LadderStep& step : Ladder(p)) offsets.push_back(std::to_string(absl::ToInt64Seconds(step.after)));
  RETURN_IF_ERROR(pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
    result = {};
    // Outstanding cases past due with a step not taken yet, or a suggestion due.
    const pqxx::result due = tx.exec_params(
        std::string("SELECT id FROM cases WHERE state IN ") + kOutstandingSql +
            " AND due_at <= $1::timestamptz AND (ladder_rung < (SELECT count(*) FROM unnest($2::bigint[]) AS "
            "o(s) WHERE due_at + o.s * interval '1 second' <= $1::timestamptz) OR ($3::bigint > 0 AND NOT "
            "referral_suggested AND due_at + $3::bigint * interval '1 day' <= $1::timestamptz)) "
            "ORDER BY due_at LIMIT $4 FOR UPDATE SKIP LOCKED",
        PgTime(now), PgArray(offsets), static_cast<int64_t>(p.suggest_referral_after_days),
        static_cast<int64_t>(limit));
    for (const auto& row : due) {
      ASSIGN_OR_RETURN(LoadedCase l, LoadCase(tx, row[0].as<std::string>(), false));
      pb::Case& c = l.c;
      const absl::Time due_at = FromProtoTime(c.due_at());
      const std::vector<LadderStep> steps = StepsDue(due_at, now, c.ladder_steps_taken(), p);
      const bool suggest = ReferralSuggestionDue(c, now, p);
      if (steps.empty() && !suggest) continue;
      CaseWrites writes;
      const int64_t version = ++l.version;
      ++result.cases;
      std::string before = c.escalation_step().empty() ? "无" : c.escalation_step();
      for (const LadderStep& step : steps) {
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
        ++result.steps;
      }
      if (suggest) {
        c.set_referral_suggested(true);
        const std::string message = absl::StrFormat(
            "%s 逾期%d天仍未完成整改（%s，期限%s）：按市营商办本地规定提示，请市营商办决定是否报市纪委监委（仅为提示）",
            c.unit(), DaysOverdue(due_at, now), c.id(), c.due_date());
        writes.Log(c.id(), now, kServiceActor, "referral_suggested", "", "suggested", message);
        writes.Emit(pb::CaseEvent::KIND_REFERRAL_SUGGESTED, c, version, c.escalation(), message, now);
        ++result.suggestions;
      }
      writes.Save(c, version, /*insert=*/false);
      writes.Flush(tx);
    }
    return absl::OkStatus();
  }));
  return result;
}

}  // namespace ys::rectification
