#pragma once

// The ranking service's domain, with no I/O (docs/architecture.md, "Main flows"; work plan §四(七) 考核奖惩): what a
// valid fact is, how revisions supersede each other, and which alerts a fact raises.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/catalog/replica.h"
#include "common/input/text_rules.h"
#include "yingshang/indicator/v1/catalog.pb.h"
#include "yingshang/ranking/v1/ranking.pb.h"

namespace ys::ranking {

namespace pb = ::yingshang::ranking::v1;
namespace ipb = ::yingshang::indicator::v1;

// The catalog replica (fed by ys.catalog.v1), shared with notify: ranking reads its indicators,
// regions and targets.
using CatalogReplica = ::ys::CatalogReplica;

// --- validation ------------------------------------------------------------------------------

struct ValidationPolicy {
  int city_scope_size = 11;     // Jiangxi's 设区市
  int county_scope_size = 100;  // Jiangxi's county-level divisions
  // Platforms allowed to publish each evaluation; an evaluation without an entry accepts any.
  std::map<pb::Evaluation, std::set<std::string>> allowed_sources;
  input::InputLimits input;  // RV12: the input rules' lengths (config input.*)
};

// Who may publish to ys.rankings.submitted.v1 (InboxOptions::trusted_sources): the platforms,
// ce_source "/platform/<name>" — those allowed_sources names when every evaluation has its list,
// any platform otherwise (RV02 still holds each fact to its evaluation's list).
std::vector<std::string> SubmissionSources(const ValidationPolicy& policy);

// One broken rule: a stable code, the field, and a message an operator understands.
struct Violation {
  std::string code;   // RV01..RV13
  std::string field;  // "rank"
  std::string message;
};

// RV01 required fields, RV02 the platform may publish the evaluation, RV03 the period parses, RV04
// not in the future, RV05 a known indicator, RV06 valid in the period, RV07 a known region, RV08 of
// the scope's kind, RV09 1 <= rank <= total, RV10 total is the scope's size or says why, RV11
// revision >= 1; RV12 the input rules for text (common/input: UTF-8 without control characters;
// source, codes and period at most input.code_bytes, total_reason input.name_bytes), RV13 a value
// outside its range (published_at within 1970-2100, a finite score). A fact breaking RV12 is
// refused on that alone: the other rules would only quote the same text.
std::vector<Violation> ValidateFact(const pb::RankingFact& fact, const CatalogReplica& catalog,
                                    const ValidationPolicy& policy, absl::Time now);

// "field 'rank': 12 is greater than total 11 [RV09]; ...": the status a rejection carries.
absl::Status ViolationsStatus(const std::vector<Violation>& violations);

// --- revisions --------------------------------------------------------------------------------

// The key a revision belongs to: (source, evaluation, indicator, scope, region, period).
std::string FactKey(const pb::RankingFact& fact);
// The key of the same fact in another period (the previous one, for movement).
std::string FactKey(const pb::RankingFact& fact, absl::string_view period);

enum class RevisionOutcome {
  kNew,         // the first revision of this key: it becomes current
  kSupersedes,  // a higher revision: it becomes current
  kSame,        // this revision again with the same content: nothing to do
  kOlder,       // a lower revision arriving late: kept in the history, current unchanged
};

// The office's local policy (the work plan sets no lock): facts of old periods change only by an
// office correction. rankings.lock_after_months.
struct LockPolicy {
  int lock_after_months = 3;  // periods whose last month is more than this many months ago
};

// ALREADY_EXISTS for the same revision with different content (a conflict); FAILED_PRECONDITION for
// a locked period unless `correction` (office role and an explicit flag).
absl::StatusOr<RevisionOutcome> DecideRevision(const std::optional<pb::RankingFact>& current,
                                               const pb::RankingFact& incoming,
                                               const LockPolicy& lock, absl::Time now,
                                               bool correction);

// --- rules and alerts ------------------------------------------------------------------------

struct RuleConfig {
  std::set<pb::Evaluation> evaluations = {pb::EVALUATION_OFFICIAL};  // the assessment counts
  int bottom_n = 3;                    // 后三位 (§四(七)), for the city's units
  int county_bottom_n = 3;             // a county's 排名靠后 short of last (local policy: §四(五) gives no number)
  int fall_places = 3;                 // fell by ≥ 3 places (local policy: the plan names no number)
  int county_composite_beyond = 70;    // 综合排名全省70名以后
  std::string composite_code = "C00";  // the composite (综合) indicator
  std::string city_code = "3611";      // 上饶市: alerts are for it and its counties; targets apply to it
  std::set<pb::AlertRule> disabled;    // rules switched off
};

// An alert of `rule` on `fact`, with its id ("<rule>/<evaluation>/<indicator>/<scope>/<region>/<period>"),
// the indicator's name, lead and units (when known) and the region's name; the caller adds the
// consequence, the standing and the message.
pb::RankingAlert NewAlert(pb::AlertRule rule, pb::Severity severity, const pb::RankingFact& fact,
                          const ipb::Indicator* indicator, const std::string& region_name);

// The alerts a current fact raises (only for the city and its counties: the office acts on its own
// falls, not other cities'), given the same key's fact of the previous period (if any).
// A "last" alert suppresses "bottom three" for the same key; a breached floor suppresses the missed
// target. Each alert carries the indicator's lead and responsible units, the consequence in the
// plan's words, and its standing (ledger.h: at risk for a month or quarter, pending for a year).
// The ledger lines an alert writes are ledger.h's ConsequencesOf.
std::vector<pb::RankingAlert> EvaluateRules(const pb::RankingFact& fact,
                                            const std::optional<pb::RankingFact>& previous,
                                            const CatalogReplica& catalog, const RuleConfig& config);

}  // namespace ys::ranking
