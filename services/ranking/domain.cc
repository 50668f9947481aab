#include "services/ranking/domain.h"

#include <cmath>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/time/calendar.h"
#include "common/time/period.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/ranking/ledger.h"
#include "services/ranking/plan_text.h"
#include "services/ranking/targets.h"

namespace ys::ranking {
namespace {

const char* ScopeName(pb::Scope s) { return s == pb::SCOPE_CITY ? "city" : "county"; }

int MonthIndex(const Period& p) { return p.year() * 12 + p.LastDay().month() - 1; }

}  // namespace

std::vector<std::string> SubmissionSources(const ValidationPolicy& policy) {
  std::set<std::string> names;
  for (int e = pb::Evaluation_MIN; e <= pb::Evaluation_MAX; ++e) {
    if (e == pb::EVALUATION_UNSPECIFIED || !pb::Evaluation_IsValid(e)) continue;
    auto it = policy.allowed_sources.find(static_cast<pb::Evaluation>(e));
    if (it == policy.allowed_sources.end()) return {"/platform/*"};
    names.insert(it->second.begin(), it->second.end());
  }
  std::vector<std::string> out;
  for (const std::string& name : names) out.push_back("/platform/" + name);
  return out;
}

std::vector<Violation> ValidateFact(const pb::RankingFact& f, const CatalogReplica& catalog,
                                    const ValidationPolicy& policy, absl::Time now) {
  std::vector<Violation> out;
  auto add = [&](const char* code, const char* field, std::string message) {
    out.push_back({code, field, std::move(message)});
  };
  using input::QuoteInput;
  using input::TextKind;
  using TextField = std::tuple<const char*, const std::string*, TextKind>;
  for (const auto& [field, value, kind] : std::initializer_list<TextField>{
           {"source", &f.source(), TextKind::kCode},
           {"indicator_code", &f.indicator_code(), TextKind::kCode},
           {"region_code", &f.region_code(), TextKind::kCode},
           {"period", &f.period(), TextKind::kCode},
           {"total_reason", &f.total_reason(), TextKind::kName}}) {
    if (auto s = input::CheckText(field, *value, kind, policy.input); !s.ok()) {
      // The message without CheckText's "field '<name>': ", which ViolationsStatus adds.
      add("RV12", field,
          std::string(absl::StripPrefix(s.message(), absl::StrCat("field '", field, "': "))));
    }
  }
  if (!out.empty()) return out;
  if (f.has_published_at()) {
    if (auto s = input::CheckTimestamp("published_at", f.published_at().seconds(), f.published_at().nanos());
        !s.ok()) {
      add("RV13", "published_at", std::string(absl::StripPrefix(s.message(), "field 'published_at': ")));
    }
  }
  if (f.has_score() && !std::isfinite(f.score())) {
    add("RV13", "score", absl::StrFormat("%f is not a finite number", f.score()));
  }
  for (const auto& [field, value] : std::initializer_list<std::pair<const char*, const std::string*>>{
           {"source", &f.source()},
           {"indicator_code", &f.indicator_code()},
           {"region_code", &f.region_code()},
           {"period", &f.period()}}) {
    if (value->empty()) add("RV01", field, "is required");
  }
  if (f.evaluation() == pb::EVALUATION_UNSPECIFIED || !pb::Evaluation_IsValid(f.evaluation())) {
    add("RV01", "evaluation", "must be official, third_party, enterprise or department");
  }
  if (f.scope() == pb::SCOPE_UNSPECIFIED || !pb::Scope_IsValid(f.scope())) {
    add("RV01", "scope", "must be city or county");
  }
  if (auto it = policy.allowed_sources.find(f.evaluation());
      it != policy.allowed_sources.end() && !f.source().empty() && !it->second.contains(f.source())) {
    add("RV02", "source", absl::StrFormat("platform %s may not publish %s rankings",
                                          QuoteInput(f.source()), pb::Evaluation_Name(f.evaluation())));
  }
  std::optional<Period> period;
  if (!f.period().empty()) {
    auto p = Period::Parse(f.period());
    if (!p.ok()) {
      add("RV03", "period", std::string(p.status().message()));
    } else if (p->Start() > now) {
      add("RV04", "period", absl::StrFormat("%s is in the future", QuoteInput(f.period())));
    } else {
      period = *p;
    }
  }
  if (!f.indicator_code().empty()) {
    auto it = catalog.indicators.find(f.indicator_code());
    if (it == catalog.indicators.end()) {
      add("RV05", "indicator_code", absl::StrFormat("unknown indicator %s", QuoteInput(f.indicator_code())));
    } else if (period.has_value()) {
      const ipb::Indicator& ind = it->second;
      bool outside = ind.retired();
      if (auto from = ParseIsoDate(ind.valid_from()); from.ok() && *from > period->LastDay()) {
        outside = true;
      }
      if (auto to = ParseIsoDate(ind.valid_to()); to.ok() && *to < period->FirstDay()) {
        outside = true;
      }
      if (outside) {
        add("RV06", "indicator_code",
            absl::StrFormat("indicator %s is not valid in %s", QuoteInput(f.indicator_code()),
                            QuoteInput(f.period())));
      }
    }
  }
  if (!f.region_code().empty()) {
    auto it = catalog.regions.find(f.region_code());
    if (it == catalog.regions.end() || it->second.retired()) {
      add("RV07", "region_code", absl::StrFormat("unknown region %s", QuoteInput(f.region_code())));
    } else if ((f.scope() == pb::SCOPE_CITY && it->second.kind() != ipb::REGION_KIND_CITY) ||
               (f.scope() == pb::SCOPE_COUNTY && it->second.kind() != ipb::REGION_KIND_COUNTY)) {
      add("RV08", "region_code",
          absl::StrFormat("%s %s is not a %s", QuoteInput(f.region_code()), it->second.name(),
                          ScopeName(f.scope())));
    }
  }
  if (f.total() < 1) {
    add("RV09", "total", absl::StrFormat("%d is not a number of ranked regions", f.total()));
  } else if (f.rank() < 1 || f.rank() > f.total()) {
    add("RV09", "rank", absl::StrFormat("%d is not between 1 and total %d", f.rank(), f.total()));
  }
  const int size = f.scope() == pb::SCOPE_CITY ? policy.city_scope_size : policy.county_scope_size;
  if (f.scope() != pb::SCOPE_UNSPECIFIED && f.total() >= 1 && f.total() != size &&
      f.total_reason().empty()) {
    add("RV10", "total",
        absl::StrFormat("%d differs from the %d regions of the %s scope; say why in total_reason",
                        f.total(), size, ScopeName(f.scope())));
  }
  if (f.revision() < 1) add("RV11", "revision", "must be 1 or more");
  return out;
}

absl::Status ViolationsStatus(const std::vector<Violation>& violations) {
  if (violations.empty()) return absl::OkStatus();
  std::vector<std::string> parts;
  for (const Violation& v : violations) {
    parts.push_back(absl::StrFormat("field '%s': %s [%s]", v.field, v.message, v.code));
  }
  return absl::InvalidArgumentError(absl::StrJoin(parts, "; "));
}

std::string FactKey(const pb::RankingFact& f) { return FactKey(f, f.period()); }

std::string FactKey(const pb::RankingFact& f, absl::string_view period) {
  return absl::StrCat(f.source(), "/", pb::Evaluation_Name(f.evaluation()), "/", f.indicator_code(), "/",
                      ScopeName(f.scope()), "/", f.region_code(), "/", period);
}

absl::StatusOr<RevisionOutcome> DecideRevision(const std::optional<pb::RankingFact>& current,
                                               const pb::RankingFact& incoming,
                                               const LockPolicy& lock, absl::Time now,
                                               bool correction) {
  auto period = Period::Parse(incoming.period());
  if (!period.ok()) return period.status();
  const int age = MonthIndex(Period::Containing(now, Period::Kind::kMonth)) - MonthIndex(*period);
  if (age > lock.lock_after_months && !correction) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "period %s is locked (older than %d months, the office's local policy): a correction needs "
        "the office role and the correction flag",
        incoming.period(), lock.lock_after_months));
  }
  if (!current.has_value()) return RevisionOutcome::kNew;
  if (incoming.revision() > current->revision()) return RevisionOutcome::kSupersedes;
  if (incoming.revision() < current->revision()) return RevisionOutcome::kOlder;
  const bool same = incoming.rank() == current->rank() && incoming.total() == current->total() &&
                    incoming.has_score() == current->has_score() &&
                    (!incoming.has_score() || incoming.score() == current->score()) &&
                    incoming.total_reason() == current->total_reason();
  if (same) return RevisionOutcome::kSame;
  return absl::AlreadyExistsError(absl::StrFormat(
      "revision %d of %s already exists with different content (rank %d/%d); send a higher revision",
      incoming.revision(), FactKey(incoming), current->rank(), current->total()));
}

pb::RankingAlert NewAlert(pb::AlertRule rule, pb::Severity severity, const pb::RankingFact& fact,
                          const ipb::Indicator* indicator, const std::string& region_name) {
  pb::RankingAlert a;
  a.set_rule(rule);
  a.set_severity(severity);
  *a.mutable_fact() = fact;
  a.set_id(absl::StrCat(pb::AlertRule_Name(rule), "/", pb::Evaluation_Name(fact.evaluation()), "/",
                        fact.indicator_code(), "/", ScopeName(fact.scope()), "/", fact.region_code(), "/",
                        fact.period()));
  a.set_indicator_name(indicator != nullptr ? indicator->name() : fact.indicator_code());
  a.set_region_name(region_name);
  if (indicator != nullptr) {
    a.set_lead(indicator->lead());
    for (const auto& u : indicator->units()) {
      auto* ru = a.add_units();
      ru->set_unit(u.unit());
      ru->set_head(u.head());
    }
  }
  return a;
}

std::vector<pb::RankingAlert> EvaluateRules(const pb::RankingFact& fact,
                                            const std::optional<pb::RankingFact>& previous,
                                            const CatalogReplica& catalog, const RuleConfig& config) {
  std::vector<pb::RankingAlert> out;
  if (!config.evaluations.contains(fact.evaluation())) return out;
  const ipb::Indicator* indicator = nullptr;
  if (auto it = catalog.indicators.find(fact.indicator_code()); it != catalog.indicators.end()) {
    indicator = &it->second;
  }
  auto region = catalog.regions.find(fact.region_code());
  if (region == catalog.regions.end() ||
      (region->second.code() != config.city_code && region->second.parent_code() != config.city_code)) {
    return out;
  }
  const std::string region_name = region->second.name();
  const std::string indicator_name = indicator != nullptr ? indicator->name() : fact.indicator_code();
  const pb::Standing standing = StandingOf(fact.period());
  const char* consequence_prefix =
      standing == pb::STANDING_PENDING ? plan_text::kPendingPrefix : plan_text::kAtRiskPrefix;
  // `assessment`: the consequence is a 考核奖惩 one, owed by the year's result (worded at risk or
  // pending); otherwise it is owed now (a rectification) or nothing (a warning).
  auto alert = [&](pb::AlertRule rule, pb::Severity severity, const char* consequence, bool assessment,
                   const std::string& what) -> pb::RankingAlert* {
    if (config.disabled.contains(rule)) return nullptr;
    pb::RankingAlert a = NewAlert(rule, severity, fact, indicator, region_name);
    a.set_standing(standing);
    a.set_consequence(assessment ? absl::StrCat(consequence_prefix, consequence) : std::string(consequence));
    a.set_message(absl::StrFormat("%s %s %s：全省第%d名/共%d，%s", fact.period(), region_name,
                                  indicator_name, fact.rank(), fact.total(), what));
    out.push_back(std::move(a));
    return &out.back();
  };

  const bool composite = fact.indicator_code() == config.composite_code;
  const bool last = fact.rank() == fact.total();
  const bool bottom = fact.rank() > fact.total() - config.bottom_n;
  if (fact.scope() == pb::SCOPE_CITY && !composite) {
    // §四(七): last in the province costs the bonus and the excellence rating, and (being in the
    // bottom three) both speeches; the bottom three owe the 表态发言, and by the year's assessment
    // the 检讨发言 (ConsequencesOf). A month or quarter raises the same alerts, at risk.
    if (last) {
      alert(pb::ALERT_RULE_LAST_IN_PROVINCE, pb::SEVERITY_CRITICAL, plan_text::kLast, true, "全省倒数第一");
    } else if (bottom) {
      alert(pb::ALERT_RULE_BOTTOM_THREE, pb::SEVERITY_WARNING, plan_text::kBottomThree, true, "位列全省后三位");
    }
  }
  if (fact.scope() == pb::SCOPE_COUNTY) {
    if (last && !composite) {
      alert(pb::ALERT_RULE_COUNTY_INDICATOR_LAST, pb::SEVERITY_CRITICAL, plan_text::kCountyNotExcellent, true,
            "单项指标全省倒数第一");
    } else if (!last && !composite && fact.rank() > fact.total() - config.county_bottom_n) {
      // §四(五) "排名靠后的工作": a rectification; the plan names no assessment consequence for a
      // county short of last, and no number for 靠后 (county_bottom_n is local policy).
      alert(pb::ALERT_RULE_BOTTOM_THREE, pb::SEVERITY_WARNING, plan_text::kRectify, false, "位列全省后三位");
    }
    if (composite && fact.rank() > config.county_composite_beyond) {
      alert(pb::ALERT_RULE_COUNTY_COMPOSITE_BEYOND, pb::SEVERITY_WARNING, plan_text::kCountyNotExcellent, true,
            absl::StrFormat("综合排名全省%d名以后", config.county_composite_beyond));
    }
  }
  if (previous.has_value() && fact.rank() - previous->rank() >= config.fall_places) {
    // Local policy (rankings.rules.fall_places): the plan names no fall, so no consequence either.
    if (pb::RankingAlert* a = alert(pb::ALERT_RULE_FELL_PLACES, pb::SEVERITY_WARNING, plan_text::kWarningOnly, false,
                                    absl::StrFormat("较%s（第%d名）下降%d位（本办设定）", previous->period(),
                                                    previous->rank(), fact.rank() - previous->rank()))) {
      a->set_previous_rank(previous->rank());
      a->set_previous_period(previous->period());
    }
  }
  // 第三季度目标是整体排名进全省前三，不得掉出前六 (§四): each catalog target on its own scope and
  // indicator, judged on its period's facts, a month inside it only a warning (targets.h).
  for (auto& a : EvaluateTargets(fact, catalog, config)) out.push_back(std::move(a));
  return out;
}

}  // namespace ys::ranking
