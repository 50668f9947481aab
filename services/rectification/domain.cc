#include "services/rectification/domain.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/input/message_rules.h"
#include "common/status/macros.h"
#include "common/time/clock.h"
#include "common/time/proto_time.h"

namespace ys::rectification {

const DeadlinePolicy& DeadlinePolicies::For(pb::Origin origin) const {
  auto it = by_origin.find(origin);
  return it == by_origin.end() ? fallback : it->second;
}

absl::StatusOr<absl::CivilDay> DueDay(absl::Time opened, const DeadlinePolicy& policy,
                                      const WorkingDayCalendar& calendar) {
  const absl::CivilDay day = absl::ToCivilDay(opened, Shanghai());
  if (policy.amount < 1) return absl::InvalidArgumentError("a deadline needs at least 1 month or day");
  if (policy.kind == DeadlinePolicy::Kind::kWorkingDays) return calendar.AddWorkingDays(day, policy.amount);
  const absl::CivilMonth month = absl::CivilMonth(day) + policy.amount;
  const absl::CivilDay last = absl::CivilDay(month + 1) - 1;
  const absl::CivilDay same(month.year(), month.month(), day.day());
  // CivilDay normalises 02-31 into March: clamp to the month's last day instead.
  return absl::CivilMonth(same) == month ? same : last;
}

absl::Time EndOfDay(absl::CivilDay day) { return absl::FromCivil(day + 1, Shanghai()); }

bool Outstanding(pb::State s) {
  return s == pb::STATE_OPEN || s == pb::STATE_IN_PROGRESS || s == pb::STATE_REJECTED ||
         s == pb::STATE_REOPENED;
}

absl::StatusOr<pb::State> Transition(pb::State from, Action action) {
  switch (action) {
    case Action::kStart:
      if (Outstanding(from)) return pb::STATE_IN_PROGRESS;
      break;
    case Action::kReportFinal:
      if (Outstanding(from)) return pb::STATE_REPORTED;
      break;
    case Action::kVerifyPass:
      if (from == pb::STATE_REPORTED) return pb::STATE_VERIFIED;
      break;
    case Action::kVerifyFail:
      if (from == pb::STATE_REPORTED) return pb::STATE_REJECTED;
      break;
    case Action::kClose:
      if (from == pb::STATE_VERIFIED) return pb::STATE_CLOSED;
      break;
    case Action::kReopen:
      if (from == pb::STATE_CLOSED) return pb::STATE_REOPENED;
      break;
    case Action::kCloseWithdrawn:
      if (from != pb::STATE_CLOSED && from != pb::STATE_UNSPECIFIED) return pb::STATE_CLOSED;
      break;
  }
  static constexpr const char* kActions[] = {"start work on", "report", "verify", "reject",
                                             "close", "reopen", "close as withdrawn"};
  return absl::FailedPreconditionError(absl::StrFormat("cannot %s a case in state %s",
                                                       kActions[static_cast<int>(action)],
                                                       pb::State_Name(from)));
}

absl::Status CheckLocalStepName(std::string_view name) {
  if (name.empty()) return absl::InvalidArgumentError("a local step needs a name");
  for (std::string_view term : kPlanTerms) {
    if (name.find(term) != std::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "local step '%s' uses the work plan's term %s: a local-policy step must not pass for the plan's "
          "(督办 is the plan's step; 提级办理 and 移送 belong to the 市纪委监委 and the office's decision)",
          name, term));
    }
  }
  return absl::OkStatus();
}

std::vector<LadderStep> Ladder(const EscalationPolicy& policy) {
  std::vector<LadderStep> out;
  out.push_back({1, pb::ESCALATION_REMINDER, kReminderStep, absl::ZeroDuration(), false});
  for (const LocalStep& s : policy.local_steps) {
    out.push_back({static_cast<int>(out.size()) + 1, pb::ESCALATION_LOCAL_STEP, s.name,
                   absl::Hours(24 * s.after_days), true});
  }
  return out;
}

std::vector<LadderStep> StepsDue(absl::Time due, absl::Time now, int taken, const EscalationPolicy& policy) {
  std::vector<LadderStep> out;
  for (LadderStep& step : Ladder(policy)) {
    if (step.rung > taken && now >= due + step.after) out.push_back(std::move(step));
  }
  return out;
}

LadderStep StepAt(absl::Time due, absl::Time now, const EscalationPolicy& policy) {
  LadderStep at;
  for (LadderStep& step : Ladder(policy)) {
    if (now >= due + step.after) at = std::move(step);
  }
  return at;
}

int DaysOverdue(absl::Time due, absl::Time now) {
  if (now < due) return 0;
  return static_cast<int>(absl::ToInt64Hours(now - due) / 24) + 1;
}

bool ReferralSuggestionDue(const pb::Case& c, absl::Time now, const EscalationPolicy& policy) {
  if (policy.suggest_referral_after_days <= 0 || !Outstanding(c.state())) return false;
  if (c.referral_suggested() || c.has_referral()) return false;
  return now >= FromProtoTime(c.due_at()) + absl::Hours(24 * policy.suggest_referral_after_days);
}

absl::Status CheckReferral(const pb::Case& c) {
  if (c.has_referral()) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "case %s was already referred to 市纪委监委 by %s", c.id(), c.referral().by()));
  }
  if (c.state() == pb::STATE_VERIFIED || c.state() == pb::STATE_CLOSED) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "cannot refer a case in state %s: its rectification was verified", pb::State_Name(c.state())));
  }
  return absl::OkStatus();
}

void RestartLadder(pb::Case* c) {
  c->set_escalation(c->has_referral() ? pb::ESCALATION_REFERRED : pb::ESCALATION_NONE);
  c->set_escalation_step(c->has_referral() ? kReferralStep : "");
  c->set_ladder_steps_taken(0);
  c->set_referral_suggested(false);
}

SweepWork SweepDue(const pb::Case& c, absl::Time now, const EscalationPolicy& policy) {
  SweepWork out;
  if (!Outstanding(c.state())) return out;
  out.steps = StepsDue(FromProtoTime(c.due_at()), now, c.ladder_steps_taken(), policy);
  out.suggest_referral = ReferralSuggestionDue(c, now, policy);
  return out;
}

std::optional<LegacyEscalation> NormaliseLegacyEscalation(pb::Case* c) {
  const pb::Escalation level = c->escalation();
  const bool legacy = (level == pb::ESCALATION_REMINDER && c->escalation_step().empty()) ||
                      (level == pb::ESCALATION_LOCAL_STEP && c->escalation_step().empty()) ||
                      (level == pb::ESCALATION_REFERRED && !c->has_referral());
  if (!legacy) return std::nullopt;
  c->set_escalation(pb::ESCALATION_REMINDER);
  c->set_escalation_step(kReminderStep);
  // The old ladder's levels were its steps taken, 督办 first; their escalations rows hold those rungs.
  c->set_ladder_steps_taken(std::max(c->ladder_steps_taken(), static_cast<int>(level)));
  if (level == pb::ESCALATION_REMINDER) return std::nullopt;  // shown as it was: only named
  LegacyEscalation out;
  out.old_step = level == pb::ESCALATION_LOCAL_STEP ? "提级办理" : kReferralStep;
  out.note = absl::StrFormat(
      "the sweeper before issue #12 stored level %d (%s, automatic, no longer taken): shown and counted as %s, "
      "the work plan's step; %s",
      static_cast<int>(level), out.old_step, kReminderStep,
      level == pb::ESCALATION_REFERRED ? "the case was not referred by the office (ReferCase decides a referral)"
                                       : "no local step was taken");
  return out;
}

std::vector<std::string> AnsweringUnits(const rpb::RankingAlert& alert, const AlertCasePolicy& policy) {
  if (alert.fact().scope() == rpb::SCOPE_COUNTY) {
    return {alert.region_name().empty() ? alert.fact().region_code() : alert.region_name()};
  }
  std::vector<std::string> out;
  for (const auto& u : alert.units()) out.push_back(u.unit());
  if (out.empty()) out.push_back(policy.fallback_unit);
  return out;
}

std::vector<CaseDraft> DraftsFor(const rpb::RankingAlert& alert, const AlertCasePolicy& policy) {
  std::vector<CaseDraft> out;
  if (alert.withdrawn() || !policy.rules.contains(alert.rule())) return out;
  // A target is judged on its own period's fact (§四 "第三季度目标…"): judged on a period inside it
  // (a month of the quarter) the ranking service marks the alert a warning that the target is at
  // risk; it is not the result rectified. The ranking service decides which periods those are.
  if (alert.target_warning()) return out;
  const rpb::RankingFact& f = alert.fact();
  const std::string title =
      absl::StrFormat("%s %s %s 第%d名/共%d：限期整改", f.period(), alert.region_name(),
                      alert.indicator_name(), f.rank(), f.total());
  const bool county = f.scope() == rpb::SCOPE_COUNTY;
  for (const std::string& unit : AnsweringUnits(alert, policy)) {
    CaseDraft& d = out.emplace_back(CaseDraft{unit, "", county ? f.region_code() : "", title, {}});
    for (const auto& u : alert.units()) {
      if (county) {
        pb::Follower& follower = d.followers.emplace_back();
        follower.set_unit(u.unit());
        follower.set_head(u.head());
      } else if (u.unit() == unit) {
        d.head = u.head();
      }
    }
  }
  return out;
}

std::string AlertCaseDescription(const rpb::RankingAlert& alert, const std::string& due_date) {
  std::vector<std::string> sentences;
  auto add = [&](absl::string_view text) {
    text = absl::StripAsciiWhitespace(text);
    while (absl::ConsumeSuffix(&text, "。")) {
    }
    if (!text.empty()) sentences.emplace_back(text);
  };
  add(alert.message());
  // A consequence that is the rectification (§四(五) "以一个月为时限…进行整改") is what the last
  // sentence says, with the case's own due date: not said twice, nor as a month the deadline may not be.
  if (!absl::StrContains(alert.consequence(), "整改")) add(alert.consequence());
  sentences.push_back(absl::StrFormat("请于%s前整改，并在期限内将整改落实情况报市营商办", due_date));
  return absl::StrJoin(sentences, "。") + "。";
}

AlertPlacement PlaceAlert(const std::vector<OpenAlertCase>& open, const std::string& period) {
  for (const OpenAlertCase& c : open) {
    if (c.period == period) return {AlertPlacement::Kind::kLinkSamePeriod, c.id, c.consecutive_periods};
  }
  if (open.empty()) return {AlertPlacement::Kind::kOpenNew, "", 1};
  return {AlertPlacement::Kind::kOpenNew, open.back().id, open.back().consecutive_periods + 1};
}

absl::Status CheckWithdrawalReview(const pb::Case& c) {
  if (c.alert_withdrawn()) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrFormat("case %s has no withdrawn alert to review", c.id()));
}

namespace {

bool EveryAlertWithdrawn(const std::vector<LinkedAlert>& alerts) {
  return !alerts.empty() && std::all_of(alerts.begin(), alerts.end(), [](const LinkedAlert& a) { return a.withdrawn; });
}

}  // namespace

AlertFlag DecideAlertFlag(bool flagged, const std::vector<LinkedAlert>& before,
                          const std::vector<LinkedAlert>& after) {
  AlertFlag out;
  for (const LinkedAlert& a : after) {
    if (!a.withdrawn) out.standing.push_back(a.name);
  }
  if (!out.standing.empty()) return out;  // it stands on them
  if (after.empty()) {
    out.flagged = flagged;  // no alert linked (keys released): nothing new to say
    return out;
  }
  // Every alert withdrawn: flagged if a withdrawal just took the last standing one; a flag the office
  // cleared (kept) stays cleared.
  out.flagged = flagged || !EveryAlertWithdrawn(before);
  return out;
}

absl::Status CheckCloseAsWithdrawn(const pb::Case& c, const std::vector<LinkedAlert>& alerts) {
  std::vector<std::string> standing;
  for (const LinkedAlert& a : alerts) {
    if (!a.withdrawn) standing.push_back(a.name);
  }
  if (standing.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrFormat(
      "case %s still stands on %s (not withdrawn): it cannot be closed as withdrawn; keep it (--keep)", c.id(),
      absl::StrJoin(standing, ", ")));
}

absl::Status ValidateAlertInput(const rpb::RankingAlert& alert, const input::InputLimits& limits) {
  RETURN_IF_ERROR(input::CheckMessageText(alert, limits, [](const google::protobuf::FieldDescriptor& f) {
    const bool prose = f.containing_type() == rpb::RankingAlert::descriptor() &&
                       (f.name() == "message" || f.name() == "consequence");
    return prose ? input::TextKind::kFreeText : input::TextKind::kName;
  }));
  if (alert.fact().has_published_at()) {
    const auto& t = alert.fact().published_at();
    RETURN_IF_ERROR(input::CheckTimestamp("fact.published_at", t.seconds(), t.nanos()));
  }
  return absl::OkStatus();
}

namespace {

// `text` cut to at most `max_bytes` at a UTF-8 character boundary, and marked, when longer.
void CutText(std::string* text, size_t max_bytes) {
  if (text->size() <= max_bytes) return;
  const size_t full = text->size();
  size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>((*text)[end]) & 0xC0) == 0x80) --end;  // a continuation byte
  text->resize(end);
  absl::StrAppendFormat(text, "… [cut from %d bytes]", full);
}

// Keeps the last `n` elements of a repeated field.
template <typename Repeated>
void KeepLast(Repeated* items, int n) {
  const int drop = items->size() - std::max(0, n);
  if (drop > 0) items->DeleteSubrange(0, drop);
}

}  // namespace

pb::Case EventSnapshot(const pb::Case& c, const EventSnapshotLimits& limits) {
  pb::Case out = c;
  out.clear_history();
  KeepLast(out.mutable_reports(), limits.reports);
  KeepLast(out.mutable_verifications(), limits.verifications);
  for (pb::ProgressReport& r : *out.mutable_reports()) CutText(r.mutable_text(), limits.text_bytes);
  for (pb::Verification& v : *out.mutable_verifications()) CutText(v.mutable_comment(), limits.text_bytes);
  CutText(out.mutable_description(), limits.text_bytes);
  return out;
}

std::vector<pb::Addressee> Addressees(const pb::Case& c) {
  std::vector<pb::Addressee> out;
  pb::Addressee& unit = out.emplace_back();
  unit.set_unit(c.unit());
  unit.set_head(c.head());
  for (const pb::Follower& f : c.followers()) {
    pb::Addressee& a = out.emplace_back();
    a.set_unit(f.unit());
    a.set_head(f.head());
    a.set_follower(true);
  }
  return out;
}

}  // namespace ys::rectification
