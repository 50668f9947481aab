#include "services/indicator/catalog_import.h"

#include <algorithm>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/time/calendar.h"
#include "common/time/period.h"

namespace ys::indicator::catalog_import {

// --- indicators ----------------------------------------------------------------------------
void Parser::CheckDates(pb::Indicator& ind, const YAML::Node& n, const std::string& p) {
  std::optional<absl::CivilDay> from, to;
  for (const char* key : {"valid_from", "valid_to"}) {
    const std::string s = Str(n, key, p, false);
    if (s.empty()) continue;
    const int line = LineOf(n[key]);
    auto d = ParseIsoDate(s);
    if (!d.ok()) {
      Problem(p + "." + key, std::string(d.status().message()), line);
      continue;
    }
    // The ranking compares these dates with its periods, so a date in a year no period can have
    // bounds nothing: "0022-07-01" is a slip for 2022, not a date to keep (stored, it would also
    // read back as "22-07-01", which is no ISO date).
    if (!Period::Year(static_cast<int>(d->year())).ok()) {
      Problem(p + "." + key,
              absl::StrFormat("date '%s': year %d is not a date of the programme (no reporting period "
                              "falls in it); write the year in full (YYYY-MM-DD)",
                              s, d->year()),
              line);
      continue;
    }
    (std::string(key) == "valid_from" ? from : to) = *d;
  }
  if (from && to && *to < *from) Problem(p + ".valid_to", "is before valid_from", LineOf(n["valid_to"]));
  if (from) ind.set_valid_from(FormatIsoDate(*from));
  if (to) ind.set_valid_to(FormatIsoDate(*to));
}

void Parser::Leader(const std::string& name, const std::string& role) {
  if (name.empty()) return;
  pb::Leader& l = out_.catalog.leaders[name];
  l.set_name(name);
  if (std::find(l.roles().begin(), l.roles().end(), role) == l.roles().end()) l.add_roles(role);
  if (!seen_.contains("leader/" + name)) {
    seen_.emplace("leader/" + name, "");
    ++out_.counts["leader"];
  }
}

void Parser::IndicatorUnits(pb::Indicator& ind, const YAML::Node& units, const std::string& p,
                            bool define) {
  if (!units || units.IsNull()) return;
  if (!units.IsSequence()) return Problem(p + ".units", "must be a list of {unit, head}");
  for (size_t j = 0; j < units.size(); ++j) {
    const std::string up = absl::StrFormat("%s.units[%d]", p, j);
    const std::string name = Str(units[j], "unit", up, true);
    if (name.empty()) continue;
    pb::ResponsibleUnit* ru = ind.add_units();
    ru->set_unit(UnitRef(name, up + ".unit", define));
    ru->set_head(Str(units[j], "head", up, false));
    Leader(ru->head(), "head");
  }
}

void Parser::IndicatorList(const YAML::Node& list, const std::string& path, pb::IndicatorLevel level) {
  if (!list.IsSequence()) return Problem(path, "must be a list of indicators");
  out_.scope.complete.insert(absl::StrCat("indicator:", static_cast<int>(level)));
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string p = absl::StrFormat("%s[%d]", path, i);
    const YAML::Node& n = list[i];
    pb::Indicator ind;
    ind.set_code(Str(n, "code", p, true));
    ind.set_name(Str(n, "name", p, true));
    ind.set_level(level);
    if (ind.code().empty() || !See("indicator/" + ind.code(), p + ".code")) continue;
    ind.set_lead(Str(n, "lead", p, false));
    Leader(ind.lead(), "lead");
    ind.set_provenance(Str(n, "provenance", p, false));
    ind.set_retired(Bool(n, "retired", p));
    CheckDates(ind, n, p);
    if (level == pb::INDICATOR_LEVEL_SECOND) {
      ind.set_parent_code(Str(n, "parent", p, true));
      if (ind.provenance().empty()) ind.set_provenance("OFFICIAL");
      // Second-level units must already be known: a typo must not create a unit.
      IndicatorUnits(ind, n["units"], p, /*define=*/false);
      pending_parents_.push_back({ind.code(), p + ".parent"});
    } else {
      if (ind.provenance().empty()) ind.set_provenance("SEED");
      IndicatorUnits(ind, n["units"], p, /*define=*/true);
    }
    out_.catalog.indicators[ind.code()] = ind;
  }
  if (level == pb::INDICATOR_LEVEL_SECOND) ResolveParents();
}

// second_level_draft: {I01: [办理环节, ...]}: codes I01-01.. in order, units from the parent.
void Parser::SecondLevelDraft(const YAML::Node& map) {
  if (!map.IsMap()) return Problem("second_level_draft", "must map a first-level code to names");
  out_.scope.complete.insert("indicator:2");
  for (const auto& kv : map) {
    const std::string parent = kv.first.Scalar();
    const std::string p = "second_level_draft." + parent;
    const auto names = StrList(kv.second, p);
    for (size_t i = 0; i < names.size(); ++i) {
      pb::Indicator ind;
      ind.set_code(absl::StrFormat("%s-%02d", parent, i + 1));
      ind.set_name(names[i]);
      ind.set_level(pb::INDICATOR_LEVEL_SECOND);
      ind.set_parent_code(parent);
      ind.set_provenance("DRAFT");
      if (!See("indicator/" + ind.code(), absl::StrFormat("%s[%d]", p, i))) continue;
      out_.catalog.indicators[ind.code()] = ind;
      pending_parents_.push_back({ind.code(), p});
    }
  }
  ResolveParents();
}

void Parser::ResolveParents() {
  for (const auto& [code, path] : pending_parents_) {
    pb::Indicator& ind = out_.catalog.indicators[code];
    auto parent = out_.catalog.indicators.find(ind.parent_code());
    if (ind.parent_code().empty()) continue;  // already reported as required
    if (parent == out_.catalog.indicators.end() ||
        parent->second.level() != pb::INDICATOR_LEVEL_FIRST || parent->second.retired()) {
      Problem(path, absl::StrFormat("second-level indicator %s has no first-level parent %s",
                                    code, ind.parent_code()));
      continue;
    }
    // Lead and units follow the parent unless the entry names its own.
    if (ind.lead().empty()) ind.set_lead(parent->second.lead());
    if (ind.units().empty()) *ind.mutable_units() = parent->second.units();
  }
  pending_parents_.clear();
}

}  // namespace ys::indicator::catalog_import
