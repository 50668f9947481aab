#pragma once

// The rectification service's domain, with no I/O (work plan 四(五) 限期整改): deadlines, the state
// machine, the escalation ladder, which alerts open cases.

#include <map>
#include <optional>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/input/text_rules.h"
#include "common/time/calendar.h"
#include "yingshang/ranking/v1/ranking.pb.h"
#include "yingshang/rectification/v1/rectification.pb.h"

namespace ys::rectification {

namespace pb = ::yingshang::rectification::v1;
namespace rpb = ::yingshang::ranking::v1;

// --- deadlines ---------------------------------------------------------------------------------

struct DeadlinePolicy {
  enum class Kind { kCalendarMonths, kWorkingDays };
  Kind kind = Kind::kCalendarMonths;
  int amount = 1;  // one calendar month by default (work plan: 一个月内整改)
};

struct DeadlinePolicies {
  DeadlinePolicy fallback;                   // one calendar month
  std::map<pb::Origin, DeadlinePolicy> by_origin;
  const DeadlinePolicy& For(pb::Origin origin) const;
};

// The due day for a case opened at `opened` (Asia/Shanghai): the same day `amount` months later,
// clamped to the month's end (2022-09-30 -> 2022-10-30, 2022-01-31 -> 2022-02-28, 2024-01-31 ->
// 2024-02-29); or the `amount`-th working day after the opening day by the holiday calendar.
absl::StatusOr<absl::CivilDay> DueDay(absl::Time opened, const DeadlinePolicy& policy,
                                      const WorkingDayCalendar& calendar);
// The end of a due day: the first instant of the next day in Asia/Shanghai. A case is overdue from
// then on unless it was reported/closed.
absl::Time EndOfDay(absl::CivilDay day);

// --- states --------------------------------------------------------------------------------------

enum class Action { kStart, kReportFinal, kVerifyPass, kVerifyFail, kClose, kReopen };

// The state after `action`, or FAILED_PRECONDITION naming both.
absl::StatusOr<pb::State> Transition(pb::State from, Action action);
// OPEN, IN_PROGRESS, REJECTED, REOPENED: the unit still owes the rectification (can be overdue).
bool Outstanding(pb::State s);

// --- escalation ------------------------------------------------------------------------------------

struct EscalationPolicy {
  absl::Duration reminder_after = absl::ZeroDuration();  // 督办 at the due time
  absl::Duration raise_after = absl::Hours(7 * 24);      // 提级办理
  absl::Duration refer_after = absl::Hours(14 * 24);     // 移送市纪委监委
};

// The ladder step due for a case owing its report at `now` with due time `due`.
pb::Escalation LevelAt(absl::Time due, absl::Time now, const EscalationPolicy& policy);
// Whole days past due (0 when not overdue).
int DaysOverdue(absl::Time due, absl::Time now);

// --- cases from alerts ---------------------------------------------------------------------------

// The alerts that open a case. §四(五): "以一个月为时限，全市各地各单位对通报督办事项、排名靠后的工作
// 进行整改" — every place rectifies what ranks low, a county last on one indicator included.
struct AlertCasePolicy {
  std::set<rpb::AlertRule> rules = {rpb::ALERT_RULE_LAST_IN_PROVINCE, rpb::ALERT_RULE_BOTTOM_THREE,
                                    rpb::ALERT_RULE_QUARTER_FLOOR_BREACHED,
                                    rpb::ALERT_RULE_COUNTY_INDICATOR_LAST,
                                    rpb::ALERT_RULE_COUNTY_COMPOSITE_BEYOND};
  std::string fallback_unit = "市营商办";  // when the indicator names no unit (e.g. 综合)
};

// One case to open (or link) per responsible unit: a city-scope alert goes to each unit of the
// indicator; a county-scope alert to the county.
struct CaseDraft {
  std::string unit;
  std::string region_code;  // for a county
  std::string title;
  std::string description;
};
std::vector<CaseDraft> DraftsFor(const rpb::RankingAlert& alert, const AlertCasePolicy& policy);

// The input rules (common/input) for a decoded alert, before any of it is stored: every string
// field (message and consequence are free text, the rest names) and the fact's published_at.
// INVALID_ARGUMENT naming the field, with the rule's rejection reason (bad_text, too_long, bad_time).
absl::Status ValidateAlertInput(const rpb::RankingAlert& alert, const input::InputLimits& limits);

// --- events --------------------------------------------------------------------------------------

// How much of a case its events on ys.rectification.v1 carry. A case gains a report or a
// verification with every text a unit or the office writes; the event must stay far below what
// Kafka takes (1 MB), so it carries the last few, cut. The whole case stays in PostgreSQL (GetCase).
struct EventSnapshotLimits {
  int reports = 3;           // the last progress reports
  int verifications = 3;     // the last verifications
  size_t text_bytes = 1000;  // each report text, verification comment and the description
};

// The case as an event carries it: no history; the last `reports` reports and `verifications`
// verifications, in order; every text longer than `text_bytes` cut at a character boundary and
// marked "… [cut from N bytes]". (CaseEvent.reports_total and verifications_total say how many the
// case has.)
pb::Case EventSnapshot(const pb::Case& c, const EventSnapshotLimits& limits = {});

}  // namespace ys::rectification
