#pragma once

// The rectification service's domain, with no I/O (work plan 四(五) 限期整改, 四(六) 督办): deadlines,
// the state machine, the escalation ladder, which alerts open cases and where a repeat goes, who may
// read or report on a case and the statistics each reader sees (domain_access.cc), withdrawn alerts.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

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
  int amount = 1;  // one calendar month by default (work plan §四(五): "以一个月为时限")
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

// kCloseWithdrawn: the office closes a case whose alert was withdrawn, from any state but CLOSED.
enum class Action { kStart, kReportFinal, kVerifyPass, kVerifyFail, kClose, kReopen, kCloseWithdrawn };

// The state after `action`, or FAILED_PRECONDITION naming both.
absl::StatusOr<pb::State> Transition(pb::State from, Action action);
// OPEN, IN_PROGRESS, REJECTED, REOPENED: the unit still owes the rectification (can be overdue).
bool Outstanding(pb::State s);

// --- escalation ------------------------------------------------------------------------------------

// The work plan's one step: 督办 when the deadline passes (§四(六) "督办通报事项整改落实情况"; §四(五) gives
// the month, no later timings). The unit and its 带班领导 are told.
inline constexpr char kReminderStep[] = "督办";
// What a referral to 市纪委监委 is called in output: the office's decision (§四(八) is the 市纪委监委's own
// handling of what it finds; the plan gives the office no automatic referral).
inline constexpr char kReferralStep[] = "移送市纪委监委";
// Terms of the work plan a local-policy step may not borrow: its name must not pass for the plan's.
inline constexpr std::string_view kPlanTerms[] = {"督办", "提级", "移送"};

// A step after 督办 that the office adds as local policy (cases.escalation.local_steps).
struct LocalStep {
  std::string name;    // e.g. 报领班; never one of kPlanTerms
  int after_days = 0;  // whole days past the due time, >= 1
};

struct EscalationPolicy {
  // Local policy, in after_days order; none by default: the ladder is 督办 alone.
  std::vector<LocalStep> local_steps;
  // Local policy: days past due after which the sweeper suggests that the office consider a
  // referral to 市纪委监委 (it never refers). 0, the default: no suggestion.
  int suggest_referral_after_days = 0;
};

// INVALID_ARGUMENT unless `name` can name a local step: not empty, none of kPlanTerms.
absl::Status CheckLocalStepName(std::string_view name);

struct LadderStep {
  int rung = 0;  // 0: none; 1: 督办; 2…: the local steps in order
  pb::Escalation level = pb::ESCALATION_NONE;
  std::string name;
  absl::Duration after = absl::ZeroDuration();  // past the due time
  bool local_policy = false;
};
// 督办 at the due time, then the local steps.
std::vector<LadderStep> Ladder(const EscalationPolicy& policy);
// The steps due at `now` for a case due at `due` that has taken `taken` of them, in order.
std::vector<LadderStep> StepsDue(absl::Time due, absl::Time now, int taken, const EscalationPolicy& policy);
// The last step due at `now` (rung 0, ESCALATION_NONE before the due time): for planning.
LadderStep StepAt(absl::Time due, absl::Time now, const EscalationPolicy& policy);
// Whole days past due (0 when not overdue).
int DaysOverdue(absl::Time due, absl::Time now);
// Whether the sweeper suggests a referral for `c` at `now`: the local policy is on, the case is
// outstanding, that many days past due, not suggested before and not referred.
bool ReferralSuggestionDue(const pb::Case& c, absl::Time now, const EscalationPolicy& policy);
// The office may refer a case that is not verified or closed, once: FAILED_PRECONDITION otherwise.
absl::Status CheckReferral(const pb::Case& c);
// The ladder starts again from a new due time (extended, reopened): no step taken, no suggestion;
// a referral stands (the office decided it).
void RestartLadder(pb::Case* c);

// What the sweeper owes a case at `now`: the ladder steps due and not taken (StepsDue) and a referral
// suggestion when one is due (ReferralSuggestionDue). Nothing for a case that is not outstanding.
struct SweepWork {
  std::vector<LadderStep> steps;
  bool suggest_referral = false;
  bool empty() const { return steps.empty() && !suggest_referral; }
};
SweepWork SweepDue(const pb::Case& c, absl::Time now, const EscalationPolicy& policy);

// Before issue #12 the sweeper climbed an automatic ladder of its own: 1 督办, 2 提级办理, 3 移送市纪委监委.
// Level 2 is now ESCALATION_LOCAL_STEP (a step the office names, escalation_step) and 3
// ESCALATION_REFERRED (the office's referral, with its Referral record), so a body that sweeper
// stored reads as a nameless local step or as an office referral. Neither is what happened: such a
// case (LOCAL_STEP without escalation_step, REFERRED without a referral, REMINDER without
// escalation_step) is shown and counted as 督办, the plan's step, which the old ladder took first; the
// old steps count as taken against its due time (its escalations rows hold their rungs). The body is
// written back so on its next change.
struct LegacyEscalation {
  std::string old_step;  // 提级办理 or 移送市纪委监委, as the old sweeper named it
  std::string note;      // for the case's history
};
// Normalises `c` as above. The old step, when what the case shows changed (levels 2 and 3); nullopt
// otherwise (not legacy, or a legacy 督办 only given its name).
std::optional<LegacyEscalation> NormaliseLegacyEscalation(pb::Case* c);

// --- cases from alerts ---------------------------------------------------------------------------

// The alerts that open a case. §四(五): "以一个月为时限，全市各地各单位对通报督办事项、排名靠后的工作
// 进行整改" — every place rectifies what ranks low: a city indicator last or in the bottom three, a
// quarter below its floor, and a county last on one indicator (county_indicator_last) or in its
// bottom places (bottom_three, e.g. 98th or 99th of 100) or beyond 70th overall.
struct AlertCasePolicy {
  std::set<rpb::AlertRule> rules = {rpb::ALERT_RULE_LAST_IN_PROVINCE, rpb::ALERT_RULE_BOTTOM_THREE,
                                    rpb::ALERT_RULE_QUARTER_FLOOR_BREACHED,
                                    rpb::ALERT_RULE_COUNTY_INDICATOR_LAST,
                                    rpb::ALERT_RULE_COUNTY_COMPOSITE_BEYOND};
  std::string fallback_unit = "市营商办";  // when the indicator names no unit (e.g. 综合)
};

// One case to open (or link) per responsible unit: a city-scope alert goes to each unit of the
// indicator; a county-scope alert to the county, with the indicator's city units as followers
// (带班领导职责③: the lead unit's 带班领导 "推进县级指标事项落实改革措施…督促调度县级营商环境各项考核指标在全省
// 排名靠前"). A withdrawn alert opens nothing; nor does a target's warning (`target_warning`: a target
// judged on a period inside its own, e.g. a month of the quarter — the target period's fact is the
// result rectified).
struct CaseDraft {
  std::string unit;
  std::string head;         // the unit's 带班领导, when the alert names one
  std::string region_code;  // for a county
  std::string title;
  std::vector<pb::Follower> followers;  // a county case's city units
};
std::vector<CaseDraft> DraftsFor(const rpb::RankingAlert& alert, const AlertCasePolicy& policy);
// The description of a case opened from `alert` and due on `due_date` (2022-10-30): the alert's
// message; its consequence, unless that is the rectification itself (§四(五)'s "以一个月为时限…进行
// 整改", which the last sentence states with the case's own date); and "请于<due_date>前整改，并在期限内
// 将整改落实情况报市营商办。" — the case's deadline, whatever cases.deadlines sets, said once.
std::string AlertCaseDescription(const rpb::RankingAlert& alert, const std::string& due_date);
// The units that answer for `alert`, whatever its rule and whether withdrawn: the county (its name,
// else its code) for a county-scope alert, else the indicator's units, else the fallback unit.
std::vector<std::string> AnsweringUnits(const rpb::RankingAlert& alert, const AlertCasePolicy& policy);

// A unit's unfinished alert case of one indicator, as PlaceAlert needs it.
struct OpenAlertCase {
  std::string id;
  std::string period;
  int consecutive_periods = 1;
};
// Where an alert's failure goes for a unit and indicator with `open` unfinished cases (oldest first).
//  - A case of the same period takes it (another rule on the same fall): one case per period.
//  - Otherwise it opens its own case, with its own month, naming the latest open case as previous and
//    counting one more consecutive period. §四(五) "以一个月为时限…对…排名靠后的工作进行整改，并在一个月内将
//    整改落实情况报市营商办" gives each 排名靠后 item its month; moving the earlier case's deadline instead
//    would erase the overdue that 督办 is following up.
struct AlertPlacement {
  enum class Kind { kOpenNew, kLinkSamePeriod };
  Kind kind = Kind::kOpenNew;
  std::string case_id;          // kLinkSamePeriod: the case; kOpenNew: the previous case, or ""
  int consecutive_periods = 1;  // kOpenNew: for the new case
};
AlertPlacement PlaceAlert(const std::vector<OpenAlertCase>& open, const std::string& period);

// --- who may do what ----------------------------------------------------------------------------

enum class UnitAccess { kNone, kFollower, kResponsible };
// How `unit` (canonical) stands to `c`.
UnitAccess AccessOf(const pb::Case& c, const std::string& unit);
// A unit reads its own cases and those it follows: PERMISSION_DENIED naming the owner otherwise.
absl::Status CheckUnitMayRead(const pb::Case& c, const std::string& unit);
// Only the responsible unit reports: a follower is PERMISSION_DENIED saying the county reports.
absl::Status CheckUnitMayReport(const pb::Case& c, const std::string& unit);

// The people of the web console (issue #15): "`leader:<name>` (领班, new: reads their indicators,
// units and cases), `county:<code>` (new: its own ranks and cases)".
// A 领班 reads a case iff the case names them as its lead (Case.lead, the indicator's 分管市领导):
// PERMISSION_DENIED naming the case and the role otherwise. A 领班 only reads.
absl::Status CheckLeaderMayRead(const pb::Case& c, const std::string& leader);
// A county reads a case iff the case is its county's (Case.region_code, "set when a county
// answers"): PERMISSION_DENIED naming the case and the role otherwise.
absl::Status CheckCountyMayRead(const pb::Case& c, const std::string& region_code);
// A county reports on its own county's cases: the county answers them (§四(五) "全市各地各单位…进行
// 整改"; a county case's unit is the county, as a `unit:<county name>` key answers it today).
absl::Status CheckCountyMayReport(const pb::Case& c, const std::string& region_code);

// Who reads (and may report on) cases, from the caller's role (ReaderOfRole).
struct CaseReader {
  enum class Kind {
    kOffice,   // office: every case; reports on any
    kReadAll,  // viewer, centre, platform:*, huiqitong: reads every case, reports on none
    kUnit,     // unit:<name>: its own cases and the county cases it follows (AccessOf)
    kLeader,   // leader:<name> (领班): the cases it leads; reads only
    kCounty,   // county:<code>: its county's cases; reports on them
  };
  Kind kind = Kind::kReadAll;
  std::string name;  // kUnit: the canonical unit; kLeader: the 领班's name; kCounty: the region code
  std::string role;  // the role as given, for messages
};
// "office", "unit:X", "leader:X", "county:X"; any other role reads every case (kReadAll). A unit
// role holds the canonical unit already (ApiKeyAuthenticator canonicalises it).
CaseReader ReaderOfRole(std::string_view role);

// Referrals are not for every key (issue #17). A reader of every case that is not the office (a
// viewer) sees that a case was referred to 市纪委监委 (its escalation step), not the office's referral
// itself: Case.referral (who decided, the reason) and the notes of the referral's history lines are
// removed. The office, the case's units, its 领班 and its county read their cases whole.
bool SeesReferralDetails(const CaseReader& reader);
void RemoveReferralDetails(pb::Case& c);
// Whether the reader's cases are picked in memory (VisibleTo) rather than by the store's query: a
// 领班's and a county's. Case counts are hundreds a year, so loading every match and filtering
// here is cheap, and the rule stays in one place (no access decision in SQL).
bool PickedInMemory(const CaseReader& reader);
// Whether `reader` reads `c`: the office and kReadAll every case; a unit by AccessOf; a 领班 by
// CheckLeaderMayRead; a county by CheckCountyMayRead.
bool VisibleTo(const pb::Case& c, const CaseReader& reader);
// The cases of `cases` that `reader` reads, in their order.
std::vector<pb::Case> VisibleOnly(std::vector<pb::Case> cases, const CaseReader& reader);
// VisibleTo, or PERMISSION_DENIED naming the case and the role.
absl::Status CheckMayRead(const pb::Case& c, const CaseReader& reader);
// Who reports progress (ReportProgress): the office on any case, a unit as CheckUnitMayReport, a county
// as CheckCountyMayReport; a 领班 and kReadAll never (PERMISSION_DENIED naming the case and the role).
absl::Status CheckMayReport(const pb::Case& c, const CaseReader& reader);

// --- statistics ------------------------------------------------------------------------------------

// Whether a case counts in the statistics: not one the office closed because its alert was withdrawn
// (its fall did not stand).
bool CountsInStats(const pb::Case& c);
// The statistics of `cases` (those opened in `period`) at `now`, one line per unit in byte order of
// the name, with the total: what CaseStore::Stats computes in SQL, for readers picked in memory.
// closed_on_time: CLOSED with its final report made by the due time; closed_late: CLOSED otherwise;
// open: not CLOSED; overdue: outstanding and past due at `now`; region_code: the greatest of the unit's.
pb::StatsResponse StatsOf(const std::string& period, const std::vector<pb::Case>& cases, absl::Time now);
// Sets the on-time rate of every unit line (closed_on_time / (closed + overdue), 0 when none) and the
// total line ("合计") of `out`.
void AddTotals(pb::StatsResponse* out);

// --- withdrawn alerts ----------------------------------------------------------------------------

// The office reviews only a case whose alert was withdrawn: FAILED_PRECONDITION otherwise.
absl::Status CheckWithdrawalReview(const pb::Case& c);
inline constexpr char kResolutionWithdrawn[] = "withdrawn";

// An alert linked to a case: the one that opened it or one that joined it (an alert_keys row). A
// withdrawal is recorded per alert: a case may stand on another.
struct LinkedAlert {
  std::string name;  // the alert's id (a key stored before ids were recorded: its rule and period)
  bool withdrawn = false;
};
struct AlertFlag {
  bool flagged = false;               // alert_withdrawn: the office is to keep or close the case
  std::vector<std::string> standing;  // the alerts the case stands on
};
// The case's flag after its linked alerts went from `before` to `after` (one batch of alerts, in
// whichever order the ranking service published withdrawals and new alerts). A case is flagged only
// when every alert linked to it is withdrawn:
//  - an alert standing (raised again, or a standing alert that joined) clears the flag;
//  - a withdrawal that leaves none standing sets it (also for a case opened in the same batch);
//  - otherwise it stays as it was (a case the office kept is not put to it again).
AlertFlag DecideAlertFlag(bool flagged, const std::vector<LinkedAlert>& before,
                          const std::vector<LinkedAlert>& after);
// Closing as withdrawn is for a case no alert stands on: FAILED_PRECONDITION naming those that do
// (the office keeps the case instead).
absl::Status CheckCloseAsWithdrawn(const pb::Case& c, const std::vector<LinkedAlert>& alerts);

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
// Whom an event about `c` is for: the unit with its 带班领导, then the followers.
std::vector<pb::Addressee> Addressees(const pb::Case& c);

}  // namespace ys::rectification
