#include "services/ranking/ledger.h"

#include <algorithm>
#include <tuple>

#include "common/time/period.h"
#include "services/ranking/plan_text.h"

namespace ys::ranking {

pb::Standing StandingOf(absl::string_view period) {
  auto p = Period::Parse(period);
  if (p.ok() && p->kind() == Period::Kind::kYear) return pb::STANDING_PENDING;
  return pb::STANDING_AT_RISK;
}

const char* LineText(pb::ConsequenceKind kind) {
  switch (kind) {
    case pb::CONSEQUENCE_KIND_BONUS_WITHHELD: return plan_text::kBonusWithheld;
    case pb::CONSEQUENCE_KIND_NO_EXCELLENCE: return plan_text::kNoExcellence;
    case pb::CONSEQUENCE_KIND_STATEMENT: return plan_text::kStatement;
    case pb::CONSEQUENCE_KIND_SELF_CRITICISM: return plan_text::kSelfCriticism;
    case pb::CONSEQUENCE_KIND_COUNTY_NOT_EXCELLENT: return plan_text::kCountyNotExcellent;
    default: return "";
  }
}

std::vector<pb::Consequence> ConsequencesOf(const pb::RankingAlert& alert) {
  std::vector<pb::Consequence> out;
  const auto period = Period::Parse(alert.fact().period());
  if (!period.ok()) return out;
  const pb::Standing standing = StandingOf(alert.fact().period());
  auto add = [&](const std::string& subject, const std::string& name, bool county, pb::ConsequenceKind kind) {
    pb::Consequence c;
    c.set_year(period->year());
    c.set_subject(subject);
    c.set_subject_name(name);
    c.set_county(county);
    c.set_kind(kind);
    c.set_alert_id(alert.id());
    c.set_indicator_code(alert.fact().indicator_code());
    c.set_period(alert.fact().period());
    c.set_text(LineText(kind));
    c.set_standing(standing);
    c.set_fact_revision(alert.fact().revision());
    out.push_back(std::move(c));
  };
  auto each_unit = [&](pb::ConsequenceKind kind) {
    for (const auto& u : alert.units()) add(u.unit(), u.unit(), false, kind);
  };
  const bool city = alert.fact().scope() == pb::SCOPE_CITY;
  switch (alert.rule()) {
    case pb::ALERT_RULE_LAST_IN_PROVINCE:
      each_unit(pb::CONSEQUENCE_KIND_BONUS_WITHHELD);
      each_unit(pb::CONSEQUENCE_KIND_NO_EXCELLENCE);
      // Last is also in the bottom three: it owes both speeches.
      each_unit(pb::CONSEQUENCE_KIND_STATEMENT);
      each_unit(pb::CONSEQUENCE_KIND_SELF_CRITICISM);
      break;
    case pb::ALERT_RULE_BOTTOM_THREE:
      if (city) {
        each_unit(pb::CONSEQUENCE_KIND_STATEMENT);
        each_unit(pb::CONSEQUENCE_KIND_SELF_CRITICISM);
      }
      break;
    case pb::ALERT_RULE_YEAR_BOTTOM_THREE:  // raised by earlier versions; kept for their alerts
      each_unit(pb::CONSEQUENCE_KIND_SELF_CRITICISM);
      break;
    case pb::ALERT_RULE_COUNTY_INDICATOR_LAST:
    case pb::ALERT_RULE_COUNTY_COMPOSITE_BEYOND:
      add(alert.fact().region_code(), alert.region_name(), true, pb::CONSEQUENCE_KIND_COUNTY_NOT_EXCELLENT);
      break;
    default:
      break;  // a rectification within a month, no assessment consequence of its own
  }
  return out;
}

std::vector<pb::RankingAlert> AlertsToWithdraw(const std::vector<pb::RankingAlert>& raised,
                                               const std::set<std::string>& still_raised) {
  std::vector<pb::RankingAlert> out;
  for (const pb::RankingAlert& a : raised) {
    if (a.withdrawn() || still_raised.contains(a.id())) continue;
    // Earlier versions raised YEAR_BOTTOM_THREE for a year's fact where this one raises
    // BOTTOM_THREE or LAST_IN_PROVINCE: such an alert stands while either still does.
    if (a.rule() == pb::ALERT_RULE_YEAR_BOTTOM_THREE) {
      const std::string rest = a.id().substr(a.id().find('/'));
      if (still_raised.contains(pb::AlertRule_Name(pb::ALERT_RULE_BOTTOM_THREE) + rest) ||
          still_raised.contains(pb::AlertRule_Name(pb::ALERT_RULE_LAST_IN_PROVINCE) + rest)) {
        continue;
      }
    }
    out.push_back(a);
  }
  return out;
}

std::vector<pb::Consequence> LinesToFinalise(const std::vector<pb::Consequence>& year_lines) {
  std::vector<pb::Consequence> out;
  for (const pb::Consequence& c : year_lines) {
    if (c.standing() == pb::STANDING_PENDING && !c.withdrawn()) out.push_back(c);
  }
  return out;
}

namespace {

void Count(const pb::Consequence& c, pb::LedgerSummary* s) {
  s->set_lines(s->lines() + 1);
  switch (c.kind()) {
    case pb::CONSEQUENCE_KIND_BONUS_WITHHELD: s->set_bonus_withheld(true); break;
    case pb::CONSEQUENCE_KIND_NO_EXCELLENCE:
    case pb::CONSEQUENCE_KIND_COUNTY_NOT_EXCELLENT: s->set_excellence_barred(true); break;
    case pb::CONSEQUENCE_KIND_STATEMENT: s->set_statements(s->statements() + 1); break;
    case pb::CONSEQUENCE_KIND_SELF_CRITICISM: s->set_self_criticism(true); break;
    default: break;
  }
}

}  // namespace

pb::ListConsequencesResponse SummarizeConsequences(int year, const std::vector<pb::Consequence>& entries) {
  std::map<std::pair<bool, std::string>, pb::SubjectConsequences> by_subject;
  for (const pb::Consequence& c : entries) {
    pb::SubjectConsequences& s = by_subject[{c.county(), c.subject()}];
    s.set_subject(c.subject());
    s.set_subject_name(c.subject_name());
    s.set_county(c.county());
    if (!c.withdrawn()) {
      switch (c.standing()) {
        case pb::STANDING_INCURRED: Count(c, s.mutable_incurred()); break;
        case pb::STANDING_PENDING: Count(c, s.mutable_pending()); break;
        default: Count(c, s.mutable_at_risk()); break;
      }
    }
    *s.add_entries() = c;
  }
  pb::ListConsequencesResponse out;
  out.set_year(year);
  for (auto& [_, s] : by_subject) {
    std::sort(s.mutable_entries()->begin(), s.mutable_entries()->end(),
              [](const pb::Consequence& a, const pb::Consequence& b) {
                return std::make_tuple(a.period(), a.indicator_code(), a.kind()) <
                       std::make_tuple(b.period(), b.indicator_code(), b.kind());
              });
    *out.add_subjects() = std::move(s);
  }
  return out;
}

}  // namespace ys::ranking
