// What happens on time: the week's roster on its first working day, reminders before a sitting, a
// missing 表2 flagged, the monthly compliance report and its violations, an overdue replacement after
// 一票清退. Each is marked once in the same unit of work as its event, so a restart or a second
// replica never sends it twice.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status/macros.h"
#include "common/time/period.h"
#include "common/time/proto_time.h"
#include "services/duty/compliance.h"
#include "services/duty/desk.h"
#include "services/duty/directory.h"
#include "services/duty/roster.h"
#include "services/duty/staff_rules.h"

namespace ys::duty {
namespace {

// How far back a missing record is still chased: older ones were flagged when they fell due.
constexpr int kRecordLookbackDays = 62;

std::string DutyRuleKey(pb::DutyRule rule) { return pb::DutyRule_Name(rule); }

}  // namespace

absl::StatusOr<absl::CivilDay> DutyDesk::ReportDay(const Period& month) const {
  // The last week a month can judge ends on the Sunday of the week holding its last day; its 表2 may
  // still arrive for record_due_working_days; the report goes out the working day after.
  const absl::CivilDay last = RecordRangeForMonth(month.year(), month.index()).second;
  return calendar_.AddWorkingDays(last, settings_.registration.record_due_working_days + 1);
}

namespace {

// The centre reports on whole months after the directory's first import: before it the service did not
// know the units, and every leader would show as broken.
bool Reported(const pb::Directory& directory, const Period& month) {
  if (directory.units_size() == 0 || !directory.has_first_imported_at()) return false;
  const absl::CivilDay first = absl::ToCivilDay(FromProtoTime(directory.first_imported_at()), Shanghai());
  return month.FirstDay() > first;
}

}  // namespace

absl::StatusOr<DutyDesk::SweepResult> DutyDesk::Sweep() {
  SweepResult result;
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = Today();
  absl::Status first_error;
  auto keep = [&](absl::Status s) {
    if (!s.ok() && first_error.ok()) first_error = std::move(s);
  };

  // The week's roster (细则 四1 "于每周第一个工作日…公布本周进驻单位领导坐班名单").
  keep(store_.Write([&](DutyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(bool due, RosterDue(today, now, calendar_, settings_.roster));
    if (!due) return absl::OkStatus();
    ASSIGN_OR_RETURN(bool first, tx.MarkOnce(absl::StrCat("roster:", IsoWeekName(today)), now));
    if (!first) return absl::OkStatus();
    ASSIGN_OR_RETURN(std::optional<pb::Roster> by_hand, tx.PublishedRoster(IsoWeekName(today)));
    if (by_hand.has_value()) return absl::OkStatus();  // the centre published it already (PublishRoster)
    ASSIGN_OR_RETURN(pb::Roster roster, FreshRoster(tx, today));
    roster.set_published(true);
    *roster.mutable_published_at() = ToProtoTime(now);
    RETURN_IF_ERROR(tx.PutPublishedRoster(roster));
    pb::DutyEvent event = NewEvent(absl::StrCat("duty-roster-", roster.week()),
                                   absl::StrFormat("本周（%s）进驻单位领导坐班名单：%d 人次", roster.week(),
                                                   roster.entries_size()));
    *event.mutable_roster_published()->mutable_roster() = roster;
    RETURN_IF_ERROR(tx.Emit(event, roster.week()));
    ++result.rosters_published;
    return absl::OkStatus();
  }));

  // Reminders before a sitting, and registrations whose 表2 is overdue.
  keep(store_.Write([&](DutyTx& tx) -> absl::Status {
    const int ahead = settings_.roster.reminder_days.empty()
                          ? 0
                          : *std::max_element(settings_.roster.reminder_days.begin(),
                                              settings_.roster.reminder_days.end());
    RegistrationFilter f;
    f.from = FormatIsoDate(today - kRecordLookbackDays);
    f.to = FormatIsoDate(today + ahead);
    ASSIGN_OR_RETURN(std::vector<pb::Registration> registrations, tx.Registrations(f));
    for (const ReminderDue& due : RemindersDue(registrations, today, settings_.roster)) {
      const pb::Registration& r = *due.registration;
      ASSIGN_OR_RETURN(bool first, tx.MarkOnce(absl::StrCat("reminder:", r.id(), ":", due.days_before), now));
      if (!first) continue;
      pb::DutyEvent event = NewEvent(
          absl::StrCat("duty-reminder-", r.id(), "-", due.days_before),
          absl::StrFormat("%s %s：%s%s在市政务服务中心 %s %s坐班（%d 天后）", r.unit(), r.leader_name(), r.date(),
                          SessionName(r.session()), r.window(), r.window_name(), due.days_before));
      *event.mutable_reminder()->mutable_registration() = r;
      event.mutable_reminder()->set_days_before(due.days_before);
      RETURN_IF_ERROR(tx.Emit(event, r.unit()));
      ++result.reminders;
    }
    for (pb::Registration r : registrations) {
      if (!RecordOverdue(r, today)) continue;
      ASSIGN_OR_RETURN(bool first, tx.MarkOnce(absl::StrCat("record_overdue:", r.id()), now));
      if (!first) continue;
      r.set_record_overdue(true);
      pb::DutyEvent event = NewEvent(
          absl::StrCat("duty-record-overdue-", r.id()),
          absl::StrFormat("%s %s %s 坐班后未报送情况记录单（表2，报送期限截至 %s（含））", r.unit(), r.leader_name(),
                          r.date(), r.record_due_date()));
      *event.mutable_record_overdue()->mutable_registration() = r;
      RETURN_IF_ERROR(tx.Emit(event, r.unit()));
      ++result.records_overdue;
    }
    return absl::OkStatus();
  }));

  // The monthly report (细则 四2 "定期通报…并报送市政务服务管理局及市政府分管领导"): a month's report goes out
  // once every period it judges is decided — its last week over and the 表2 grace
  // (duty.record_due_working_days) passed — at duty.compliance_report.publish_at (local policy). Each
  // month in its own unit of work, so one month the calendar cannot judge stops no other.
  const Period this_month = Period::Containing(today, Period::Kind::kMonth);
  for (const Period& month : {this_month.Previous().Previous(), this_month.Previous()}) {
    keep(store_.Write([&](DutyTx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(pb::Directory directory, tx.Directory());
      if (!Reported(directory, month)) return absl::OkStatus();
      ASSIGN_OR_RETURN(absl::CivilDay report_day, ReportDay(month));
      const absl::Time report_at =
          absl::FromCivil(absl::CivilMinute(report_day) + settings_.compliance_report_minutes, Shanghai());
      if (now < report_at) return absl::OkStatus();
      ASSIGN_OR_RETURN(bool first, tx.MarkOnce(absl::StrCat("compliance_report:", month.ToString()), now));
      if (!first) return absl::OkStatus();
      ASSIGN_OR_RETURN(pb::ComplianceReport report, ComplianceIn(tx, month.ToString(), ""));
      pb::DutyEvent event = NewEvent(
          absl::StrCat("duty-compliance-", month.ToString()),
          absl::StrFormat("%s 领导窗口坐班落实情况：达标 %d，未达标 %d，免于坐班 %d，未到期 %d", month.ToString(),
                          report.kept(), report.broken(), report.exempt(), report.not_over()));
      pb::ComplianceReportIssued* issued = event.mutable_compliance_report();
      *issued->mutable_report() = report;
      for (const char* to : kReportRecipients) issued->add_recipients(to);
      RETURN_IF_ERROR(tx.Emit(event, month.ToString()));
      ++result.reports_issued;
      return absl::OkStatus();
    }));
  }

  // Each broken rule, once, when its period is decided (the domain keeps it NOT_OVER until then).
  for (const Period& month : {this_month.Previous(), this_month}) {
    keep(store_.Write([&](DutyTx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(pb::Directory directory, tx.Directory());
      if (!Reported(directory, month)) return absl::OkStatus();
      ASSIGN_OR_RETURN(pb::ComplianceReport report, ComplianceIn(tx, month.ToString(), ""));
      for (const pb::ComplianceLine& line : report.lines()) {
        if (line.verdict() != pb::VERDICT_BROKEN) continue;
        const std::string key = absl::StrCat(line.leader_id(), ":", DutyRuleKey(line.rule()), ":", line.period());
        ASSIGN_OR_RETURN(bool first, tx.MarkOnce(absl::StrCat("violation:", key), now));
        if (!first) continue;
        pb::DutyEvent event = NewEvent(absl::StrCat("duty-violation-", key),
                                       absl::StrFormat("%s %s（%s）%s：%s", line.unit(), line.leader_name(), line.title(),
                                                       line.period(), line.reason()));
        *event.mutable_violation()->mutable_line() = line;
        RETURN_IF_ERROR(tx.Emit(event, line.unit()));
        ++result.violations;
      }
      return absl::OkStatus();
    }));
  }

  // 办法 12 "原单位接函后须及时调整人员": a replacement not made by its due day (local policy).
  keep(store_.Write([&](DutyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<pb::Dismissal> dismissals, tx.Dismissals(""));
    for (pb::Dismissal d : dismissals) {
      if (!ReplacementOverdue(d, today)) continue;
      ASSIGN_OR_RETURN(bool first, tx.MarkOnce(absl::StrCat("replacement_overdue:", d.id()), now));
      if (!first) continue;
      d.set_replacement_overdue(true);
      pb::DutyEvent event = NewEvent(absl::StrCat("duty-replacement-overdue-", d.id()),
                                     absl::StrFormat("%s 清退 %s 后未按期调整人员（期限截至 %s（含））", d.unit(),
                                                     d.name(), d.replacement_due_date()));
      *event.mutable_replacement_overdue()->mutable_dismissal() = d;
      RETURN_IF_ERROR(tx.Emit(event, d.unit()));
      ++result.replacements_overdue;
    }
    return absl::OkStatus();
  }));

  if (!first_error.ok()) return first_error;
  return result;
}

}  // namespace ys::duty
