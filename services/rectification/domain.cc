#include "services/rectification/domain.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "common/input/message_rules.h"
#include "common/status/macros.h"
#include "common/time/clock.h"

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
  }
  static constexpr const char* kActions[] = {"start work on", "report", "verify", "reject",
                                             "close", "reopen"};
  return absl::FailedPreconditionError(absl::StrFormat("cannot %s a case in state %s",
                                                       kActions[static_cast<int>(action)],
                                                       pb::State_Name(from)));
}

pb::Escalation LevelAt(absl::Time due, absl::Time now, const EscalationPolicy& policy) {
  if (now < due + policy.reminder_after) return pb::ESCALATION_NONE;
  if (now < due + policy.raise_after) return pb::ESCALATION_REMINDER;
  if (now < due + policy.refer_after) return pb::ESCALATION_RAISED;
  return pb::ESCALATION_REFERRED;
}

int DaysOverdue(absl::Time due, absl::Time now) {
  if (now < due) return 0;
  return static_cast<int>(absl::ToInt64Hours(now - due) / 24) + 1;
}

std::vector<CaseDraft> DraftsFor(const rpb::RankingAlert& alert, const AlertCasePolicy& policy) {
  std::vector<CaseDraft> out;
  if (!policy.rules.contains(alert.rule())) return out;
  const rpb::RankingFact& f = alert.fact();
  const std::string title =
      absl::StrFormat("%s %s %s 第%d名/共%d：限期整改", f.period(), alert.region_name(),
                      alert.indicator_name(), f.rank(), f.total());
  const std::string description =
      absl::StrFormat("%s。%s。请于一个月内整改，并将整改落实情况报市营商办。", alert.message(),
                      alert.consequence());
  if (f.scope() == rpb::SCOPE_COUNTY) {
    out.push_back({alert.region_name().empty() ? f.region_code() : alert.region_name(), f.region_code(),
                   title, description});
    return out;
  }
  for (const auto& u : alert.units()) out.push_back({u.unit(), "", title, description});
  if (out.empty()) out.push_back({policy.fallback_unit, "", title, description});
  return out;
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

}  // namespace ys::rectification
