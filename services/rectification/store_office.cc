// CaseStore: what the office (and a unit, for its progress) does to a case — opening by hand, the
// state machine's moves, deadlines, the referral to 市纪委监委, the review of a withdrawn alert.
#include <pqxx/pqxx>

#include "absl/strings/str_format.h"
#include "common/input/text_rules.h"
#include "common/pg/pool.h"
#include "common/status/macros.h"
#include "common/time/period.h"
#include "common/time/proto_time.h"
#include "services/rectification/store.h"
#include "services/rectification/store_rows.h"

namespace ys::rectification {

absl::StatusOr<pb::Case> CaseStore::Open(const Principal& who, const pb::OpenCaseRequest& req) {
  if (req.origin() == pb::ORIGIN_UNSPECIFIED || req.origin() == pb::ORIGIN_RANKING_ALERT ||
      !pb::Origin_IsValid(req.origin())) {
    return absl::InvalidArgumentError(
        "field 'origin': must be bulletin, inspection, negative_case, special_campaign or manual "
        "(ranking alerts open their cases themselves)");
  }
  if (req.unit().empty()) return absl::InvalidArgumentError("field 'unit': is required");
  if (req.title().empty()) return absl::InvalidArgumentError("field 'title': is required");
  if (!req.period().empty() && !Period::Parse(req.period()).ok()) {
    return absl::InvalidArgumentError(absl::StrFormat("field 'period': %s is not a period", input::QuoteInput(req.period())));
  }
  const absl::Time now = clock_.Now();
  ASSIGN_OR_RETURN(absl::CivilDay due, DueDay(now, policies_.deadlines.For(req.origin()), calendar_));
  pb::Case fresh;
  fresh.set_origin(req.origin());
  fresh.set_origin_ref(req.origin_ref());
  fresh.set_unit(req.unit());
  fresh.set_region_code(req.region_code());
  fresh.set_indicator_code(req.indicator_code());
  fresh.set_period(req.period());
  fresh.set_title(req.title());
  fresh.set_description(req.description());
  fresh.set_assignee(req.assignee());
  // The service has no catalog of 带班领导 and 领班: the office names them, and a 督办 names the head.
  fresh.set_head(req.head());
  fresh.set_lead(req.lead());
  *fresh.mutable_opened_at() = ToProtoTime(now);
  *fresh.mutable_due_at() = ToProtoTime(EndOfDay(due));
  fresh.set_due_date(FormatIsoDate(due));
  fresh.set_state(pb::STATE_OPEN);
  fresh.set_consecutive_periods(1);
  pb::Case c;
  RETURN_IF_ERROR(pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
    c = fresh;  // each attempt from the start (an ABORTED one is retried)
    // Opened from a reference before: the same request is answered with that case (a retry after
    // a lost answer); a different one is refused, naming the case.
    const bool keyed = !req.origin_ref().empty();
    if (keyed) {
      const pqxx::result first = tx.exec_params(
          "SELECT case_id FROM manual_case_refs WHERE origin = $1 AND origin_ref = $2 AND unit = $3 "
          "AND indicator_code = $4 AND period = $5",
          pb::Origin_Name(req.origin()), req.origin_ref(), req.unit(), req.indicator_code(), req.period());
      if (!first.empty()) {
        ASSIGN_OR_RETURN(LoadedCase l, LoadCase(tx, first[0][0].as<std::string>(), false));
        if (l.c.title() != req.title() || l.c.description() != req.description() ||
            l.c.region_code() != req.region_code() || l.c.assignee() != req.assignee() ||
            l.c.head() != req.head() || l.c.lead() != req.lead()) {
          return absl::AlreadyExistsError(absl::StrFormat(
              "field 'origin_ref': case %s was already opened from %s for %s %s %s, with other "
              "details; change that case instead",
              l.c.id(), input::QuoteInput(req.origin_ref()), input::QuoteInput(req.unit()),
              input::QuoteInput(req.indicator_code()), input::QuoteInput(req.period())));
        }
        c = std::move(l.c);
        return absl::OkStatus();
      }
    }
    c.set_id(absl::StrFormat("RC-%06d", tx.exec("SELECT nextval('case_number')")[0][0].as<int64_t>()));
    CaseWrites writes;
    writes.Save(c, 1, /*insert=*/true);
    writes.Log(c.id(), now, who.name, "opened", "", "STATE_OPEN", pb::Origin_Name(c.origin()));
    writes.Emit(pb::CaseEvent::KIND_OPENED, c, 1, pb::ESCALATION_NONE,
                absl::StrFormat("%s：%s，请于%s前整改并报市营商办（%s）", c.unit(), c.title(), c.due_date(),
                                c.id()),
                now);
    writes.Flush(tx);
    if (keyed) {
      try {
        tx.exec_params("INSERT INTO manual_case_refs VALUES ($1, $2, $3, $4, $5, $6)",
                       pb::Origin_Name(req.origin()), req.origin_ref(), req.unit(), req.indicator_code(),
                       req.period(), c.id());
      } catch (const pqxx::unique_violation&) {
        // The same request at the same moment: decided again, it finds the other one's case.
        return absl::AbortedError("the same case was being opened by another request");
      }
    }
    return absl::OkStatus();
  }));
  return Get(c.id());
}

template <typename Fn>
absl::StatusOr<pb::Case> CaseStore::Change(const std::string& id, Fn&& change) {
  const absl::Time now = clock_.Now();
  RETURN_IF_ERROR(pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
    ASSIGN_OR_RETURN(LoadedCase l, LoadCase(tx, id, true));
    ASSIGN_OR_RETURN(CaseEffect effect, change(tx, l.c, now));
    CaseWrites writes;
    writes.Update(l, now);
    writes.Log(id, now, effect.actor.empty() ? kServiceActor : effect.actor, effect.action, effect.before,
               effect.after, effect.message);
    if (effect.kind != pb::CaseEvent::KIND_UNSPECIFIED) {
      writes.Emit(effect.kind, l.c, l.version, l.c.escalation(), effect.message, now);
    }
    writes.Flush(tx);
    return absl::OkStatus();
  }));
  return Get(id);
}

absl::StatusOr<pb::Case> CaseStore::Report(const Principal& who, const pb::ReportProgressRequest& req) {
  if (req.text().empty()) return absl::InvalidArgumentError("field 'text': is required");
  return Change(req.id(), [&](pqxx::transaction_base&, pb::Case& c, absl::Time now) -> absl::StatusOr<CaseEffect> {
    const pb::State before = c.state();
    ASSIGN_OR_RETURN(pb::State after,
                     Transition(before, req.final() ? Action::kReportFinal : Action::kStart));
    pb::ProgressReport* r = c.add_reports();
    *r->mutable_at() = ToProtoTime(now);
    r->set_author(who.name);
    r->set_text(req.text());
    r->mutable_attachments()->CopyFrom(req.attachments());
    r->set_final(req.final());
    c.set_state(after);
    if (req.final()) *c.mutable_reported_at() = ToProtoTime(now);
    CaseEffect e{"reported", pb::State_Name(before), pb::State_Name(after), who.name};
    if (req.final()) {
      e.kind = pb::CaseEvent::KIND_REPORTED;
      e.message = absl::StrFormat("%s 已报送整改情况（%s），待市营商办核查", c.unit(), c.id());
    } else {
      e.action = "progress";
      e.message = req.text();
    }
    return e;
  });
}

absl::StatusOr<pb::Case> CaseStore::Verify(const Principal& who, const pb::VerifyCaseRequest& req) {
  return Change(req.id(), [&](pqxx::transaction_base&, pb::Case& c, absl::Time now) -> absl::StatusOr<CaseEffect> {
    const pb::State before = c.state();
    ASSIGN_OR_RETURN(pb::State after,
                     Transition(before, req.passed() ? Action::kVerifyPass : Action::kVerifyFail));
    pb::Verification* v = c.add_verifications();
    *v->mutable_at() = ToProtoTime(now);
    v->set_by(who.name);
    v->set_passed(req.passed());
    v->set_comment(req.comment());
    c.set_state(after);
    if (!req.passed()) c.clear_reported_at();  // the report did not stand: it must come again
    CaseEffect e{req.passed() ? "verified" : "rejected", pb::State_Name(before), pb::State_Name(after), who.name};
    e.kind = req.passed() ? pb::CaseEvent::KIND_VERIFIED : pb::CaseEvent::KIND_REJECTED;
    e.message = req.passed()
                    ? absl::StrFormat("%s 整改经核查通过（%s）", c.unit(), c.id())
                    : absl::StrFormat("%s 整改未通过核查，退回继续整改（%s）：%s", c.unit(), c.id(), req.comment());
    return e;
  });
}

absl::StatusOr<pb::Case> CaseStore::Close(const Principal& who, const pb::CloseCaseRequest& req) {
  return Change(req.id(), [&](pqxx::transaction_base&, pb::Case& c, absl::Time now) -> absl::StatusOr<CaseEffect> {
    const pb::State before = c.state();
    ASSIGN_OR_RETURN(pb::State after, Transition(before, Action::kClose));
    c.set_state(after);
    *c.mutable_closed_at() = ToProtoTime(now);
    c.set_alert_withdrawn(false);  // closed after verification: nothing left for the office to decide
    CaseEffect e{"closed", pb::State_Name(before), pb::State_Name(after), who.name};
    e.kind = pb::CaseEvent::KIND_CLOSED;
    e.message = absl::StrFormat("整改案件 %s（%s）已销号%s%s", c.id(), c.unit(),
                                req.comment().empty() ? "" : "：", req.comment());
    return e;
  });
}

absl::StatusOr<pb::Case> CaseStore::Reopen(const Principal& who, const pb::ReopenCaseRequest& req) {
  if (req.reason().empty()) return absl::InvalidArgumentError("field 'reason': is required");
  return Change(req.id(), [&](pqxx::transaction_base& tx, pb::Case& c, absl::Time now) -> absl::StatusOr<CaseEffect> {
    const pb::State before = c.state();
    ASSIGN_OR_RETURN(pb::State after, Transition(before, Action::kReopen));
    if (c.origin() == pb::ORIGIN_RANKING_ALERT) {
      // One unfinished alert case per unit, indicator and period: a second would split the period's falls.
      for (const auto& row : tx.exec_params(
               "SELECT body, version FROM cases WHERE origin = 'ORIGIN_RANKING_ALERT' AND unit = $1 AND "
               "indicator_code = $2 AND state NOT IN ('STATE_VERIFIED', 'STATE_CLOSED')",
               c.unit(), c.indicator_code())) {
        const LoadedCase other = ParseCase(pqxx::binarystring(row[0]).str(), row[1].as<int64_t>());
        if (other.c.period() == c.period()) {
          return absl::FailedPreconditionError(absl::StrFormat(
              "%s has an open case for %s %s (%s): continue that one instead", c.unit(), c.indicator_code(),
              c.period(), other.c.id()));
        }
      }
    }
    // A new deadline from today, and the ladder starts again from it.
    ASSIGN_OR_RETURN(absl::CivilDay due, DueDay(now, policies_.deadlines.For(c.origin()), calendar_));
    *c.mutable_due_at() = ToProtoTime(EndOfDay(due));
    c.set_due_date(FormatIsoDate(due));
    RestartLadder(&c);
    c.set_state(after);
    c.clear_closed_at();
    c.clear_reported_at();
    c.clear_resolution();
    CaseEffect e{"reopened", pb::State_Name(before), pb::State_Name(after), who.name};
    e.kind = pb::CaseEvent::KIND_REOPENED;
    e.message = absl::StrFormat("整改案件 %s（%s）重新打开：%s", c.id(), c.unit(), req.reason());
    return e;
  });
}

absl::StatusOr<pb::Case> CaseStore::Extend(const Principal& who, const pb::ExtendDeadlineRequest& req) {
  if (req.reason().empty()) return absl::InvalidArgumentError("field 'reason': is required (it is audited)");
  auto day = ParseIsoDate(req.due_date());
  if (!day.ok()) {
    return absl::InvalidArgumentError(absl::StrFormat("field 'due_date': %s is not a date", input::QuoteInput(req.due_date())));
  }
  return Change(req.id(), [&](pqxx::transaction_base&, pb::Case& c, absl::Time now) -> absl::StatusOr<CaseEffect> {
    if (!Outstanding(c.state())) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "cannot extend the deadline of a case in state %s", pb::State_Name(c.state())));
    }
    auto current = ParseIsoDate(c.due_date());
    if (current.ok() && *day <= *current) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "field 'due_date': %s is not after the current due date %s", req.due_date(), c.due_date()));
    }
    const std::string before = c.due_date();
    c.set_due_date(FormatIsoDate(*day));
    *c.mutable_due_at() = ToProtoTime(EndOfDay(*day));
    RestartLadder(&c);  // the ladder starts again from the new due time
    CaseEffect e{"extended", before, c.due_date(), who.name};
    e.kind = pb::CaseEvent::KIND_DEADLINE_EXTENDED;
    e.message = absl::StrFormat("整改案件 %s（%s）期限由%s延至%s：%s", c.id(), c.unit(), before,
                                c.due_date(), req.reason());
    return e;
  });
}

absl::StatusOr<pb::Case> CaseStore::Refer(const Principal& who, const pb::ReferCaseRequest& req) {
  if (req.reason().empty()) {
    return absl::InvalidArgumentError("field 'reason': is required (a referral is the office's decision, audited)");
  }
  return Change(req.id(), [&](pqxx::transaction_base&, pb::Case& c, absl::Time now) -> absl::StatusOr<CaseEffect> {
    RETURN_IF_ERROR(CheckReferral(c));
    const std::string before = c.escalation_step();
    pb::Referral* r = c.mutable_referral();
    *r->mutable_at() = ToProtoTime(now);
    r->set_by(who.name);
    r->set_reason(req.reason());
    c.set_escalation(pb::ESCALATION_REFERRED);
    c.set_escalation_step(kReferralStep);
    c.set_referral_suggested(false);  // decided
    CaseEffect e{"referred", before, kReferralStep, who.name};
    e.kind = pb::CaseEvent::KIND_REFERRED;
    e.message = absl::StrFormat("【%s】市营商办决定将整改案件 %s（%s，期限%s）移送市纪委监委：%s", kReferralStep, c.id(),
                                c.unit(), c.due_date(), req.reason());
    return e;
  });
}

absl::StatusOr<pb::Case> CaseStore::ReviewWithdrawal(const Principal& who, const pb::ReviewWithdrawalRequest& req) {
  if (req.comment().empty()) {
    return absl::InvalidArgumentError("field 'comment': is required (the office's decision is audited)");
  }
  return Change(req.id(), [&](pqxx::transaction_base& tx, pb::Case& c, absl::Time now) -> absl::StatusOr<CaseEffect> {
    RETURN_IF_ERROR(CheckWithdrawalReview(c));
    c.set_alert_withdrawn(false);
    const pb::State before = c.state();
    if (req.keep()) {
      CaseEffect e{"withdrawal_kept", pb::State_Name(before), pb::State_Name(before), who.name};
      e.kind = pb::CaseEvent::KIND_WITHDRAWAL_KEPT;
      e.message = absl::StrFormat("整改案件 %s（%s）所依据的排名预警虽已撤回，市营商办决定继续整改：%s", c.id(),
                                  c.unit(), req.comment());
      return e;
    }
    ASSIGN_OR_RETURN(pb::State after, Transition(before, Action::kCloseWithdrawn));
    // Only a case no alert stands on (one that joined it after the withdrawal, say) closes as withdrawn.
    std::vector<LinkedAlert> alerts;
    for (const auto& row : tx.exec_params(
             "SELECT alert_id, rule, period, withdrawn FROM alert_keys WHERE case_id = $1 ORDER BY rule", c.id())) {
      const std::string alert_id = row[0].as<std::string>();
      alerts.push_back({alert_id.empty() ? row[1].as<std::string>() + " " + row[2].as<std::string>() : alert_id,
                        row[3].as<bool>()});
    }
    RETURN_IF_ERROR(CheckCloseAsWithdrawn(c, alerts));
    c.set_state(after);
    c.set_resolution(kResolutionWithdrawn);
    *c.mutable_closed_at() = ToProtoTime(now);
    // The withdrawn alerts' keys are released: should a later revision raise one again, it opens a
    // new case.
    tx.exec_params("DELETE FROM alert_keys WHERE case_id = $1 AND withdrawn", c.id());
    CaseEffect e{"closed", pb::State_Name(before), pb::State_Name(after), who.name};
    e.kind = pb::CaseEvent::KIND_CLOSED;
    e.message = absl::StrFormat("整改案件 %s（%s）所依据的排名预警已撤回，市营商办决定关闭（撤回）：%s", c.id(), c.unit(),
                                req.comment());
    return e;
  });
}

}  // namespace ys::rectification
