#include "services/indicator/catalog_import.h"

#include <algorithm>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/input/text_rules.h"

namespace ys::indicator {
namespace catalog_import {

// Where an entry was: its 1-based line, 0 when the node is absent.
int LineOf(const YAML::Node& n) {
  if (!n.IsDefined()) return 0;
  const YAML::Mark m = n.Mark();
  return m.is_null() ? 0 : m.line + 1;
}

ParsedImport Parser::Run(const YAML::Node& file) {
  if (!file.IsMap()) {
    Problem("", "the file must be a mapping of sections (first_level, regions, units, ...)");
    return std::move(out_);
  }
  const YAML::Node root = AllowedSections(file);
  // Units first, so indicators can resolve names and aliases.
  if (root["units"]) Units(root["units"], "units");
  if (root["high_frequency_units"]) HighFrequency(root["high_frequency_units"]);
  if (root["province"]) Province(root["province"]);
  if (root["cities"]) Cities(root["cities"]);
  if (root["shangrao_counties"]) SimpleCounties(root["shangrao_counties"], "shangrao_counties");
  if (root["jiangxi_counties"]) JiangxiCounties(root["jiangxi_counties"]);
  if (root["functional_zones"]) FunctionalZones(root["functional_zones"]);
  if (root["shangrao_functional_zones"]) Zones(root["shangrao_functional_zones"]);
  if (root["regions"]) Regions(root["regions"]);
  if (root["composite"]) IndicatorList(root["composite"], "composite", pb::INDICATOR_LEVEL_COMPOSITE);
  if (root["first_level"]) IndicatorList(root["first_level"], "first_level", pb::INDICATOR_LEVEL_FIRST);
  if (root["second_level_draft"]) SecondLevelDraft(root["second_level_draft"]);
  if (root["second_level"]) IndicatorList(root["second_level"], "second_level", pb::INDICATOR_LEVEL_SECOND);
  if (root["programme_items"]) ProgrammeItems(root["programme_items"]);
  if (root["environments"]) Environments(root["environments"]);
  if (root["environment_tasks"]) EnvironmentTasks(root["environment_tasks"]);
  if (root["programme"] && root["programme"]["quarter_targets"]) {
    Targets(root["programme"]["quarter_targets"], "programme.quarter_targets");
  }
  RetireAbsent();
  CheckTasks();
  CountProgramme();
  // In the file's order; what concerns the whole file (no line) last.
  constexpr int kNoLine = std::numeric_limits<int>::max();
  auto by_line = [](const pb::ImportProblem& a, const pb::ImportProblem& b) {
    return (a.line() == 0 ? kNoLine : a.line()) < (b.line() == 0 ? kNoLine : b.line());
  };
  std::stable_sort(out_.problems.begin(), out_.problems.end(), by_line);
  std::stable_sort(out_.warnings.begin(), out_.warnings.end(), by_line);
  return std::move(out_);
}

pb::ImportProblem Parser::MakeProblem(const std::string& path, const std::string& message, int line) {
  pb::ImportProblem p;
  p.set_path(path);
  p.set_message(message);
  p.set_line(line);
  return p;
}
void Parser::Problem(const std::string& path, const std::string& message, int line) {
  out_.problems.push_back(MakeProblem(path, message, line));
}
void Parser::Warning(const std::string& path, const std::string& message, int line) {
  out_.warnings.push_back(MakeProblem(path, message, line));
}

// The file's sections that the options allow; each other one is a problem.
YAML::Node Parser::AllowedSections(const YAML::Node& file) {
  if (options_.sections.empty()) return file;
  YAML::Node allowed(YAML::NodeType::Map);
  for (const auto& kv : file) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
    if (options_.sections.contains(key)) {
      allowed[key] = kv.second;
      continue;
    }
    Problem(key, absl::StrFormat("this import takes only the sections %s (the catalog's other "
                                 "sections go through `ysctl catalog import`)",
                                 absl::StrJoin(options_.sections, ", ")),
            LineOf(kv.first));
  }
  return allowed;
}

// Records that the file mentions an entity; false (with a problem) when it did already.
bool Parser::See(const std::string& key, const std::string& path, int line) {
  auto [it, fresh] = seen_.emplace(key, path);
  if (!fresh) Problem(path, absl::StrFormat("duplicate %s (first at %s)", key, it->second), line);
  else ++out_.counts[key.substr(0, key.find('/'))];
  return fresh;
}

std::string Parser::Str(const YAML::Node& n, const std::string& key, const std::string& path,
                        bool required) {
  const YAML::Node v = n[key];
  if (!v || v.IsNull()) {
    if (required) Problem(path + "." + key, "is required", LineOf(n));
    return "";
  }
  if (!v.IsScalar()) {
    Problem(path + "." + key, "must be a single value", LineOf(v));
    return "";
  }
  std::string s = v.Scalar();
  if (required && s.empty()) Problem(path + "." + key, "must not be empty", LineOf(v));
  if (!Text(path + "." + key, s, LineOf(v))) return "";
  return s;
}

// The input rules every service applies to this text (common/input), as names: what the ranking
// service's replica would refuse after the import is refused by the import.
bool Parser::Text(const std::string& path, const std::string& value, int line) {
  static const input::InputLimits kLimits;
  if (auto s = input::CheckText(path, value, input::TextKind::kName, kLimits); !s.ok()) {
    Problem(path, std::string(s.message()), line);
    return false;
  }
  return true;
}

bool Parser::Bool(const YAML::Node& n, const std::string& key, const std::string& path) {
  const YAML::Node v = n[key];
  if (!v || v.IsNull()) return false;
  const std::string s = absl::AsciiStrToLower(v.IsScalar() ? v.Scalar() : "");
  if (s == "true" || s == "yes") return true;
  if (s != "false" && s != "no") Problem(path + "." + key, "must be true or false");
  return false;
}

int Parser::Int(const YAML::Node& n, const std::string& key, const std::string& path) {
  const std::string s = Str(n, key, path, true);
  int v = 0;
  if (!s.empty() && !absl::SimpleAtoi(s, &v)) Problem(path + "." + key, "must be a whole number");
  return v;
}

std::vector<std::string> Parser::StrList(const YAML::Node& n, const std::string& path) {
  std::vector<std::string> out;
  if (!n || n.IsNull()) return out;
  if (!n.IsSequence()) {
    Problem(path, "must be a list", LineOf(n));
    return out;
  }
  for (size_t i = 0; i < n.size(); ++i) {
    if (!n[i].IsScalar() || n[i].Scalar().empty()) {
      Problem(absl::StrFormat("%s[%d]", path, i), "must be a non-empty name", LineOf(n[i]));
      continue;
    }
    if (!Text(absl::StrFormat("%s[%d]", path, i), n[i].Scalar(), LineOf(n[i]))) continue;
    out.push_back(n[i].Scalar());
  }
  return out;
}

// Entities of a kind the file describes completely, but that it does not mention, retire.
void Parser::RetireAbsent() {
  const auto& complete = out_.scope.complete;
  auto retire = [&](auto& map, const std::string& type, auto kind_of) {
    for (auto& [id, e] : map) {
      if (seen_.contains(type + "/" + id)) continue;
      if (complete.contains(kind_of(e))) e.set_retired(true);
    }
  };
  retire(out_.catalog.indicators, "indicator",
         [](const pb::Indicator& i) { return absl::StrCat("indicator:", static_cast<int>(i.level())); });
  retire(out_.catalog.regions, "region",
         [](const pb::Region& r) { return absl::StrCat("region:", static_cast<int>(r.kind())); });
  retire(out_.catalog.units, "unit", [](const pb::Unit&) { return std::string("unit"); });
  retire(out_.catalog.programme_items, "programme_item", [](const pb::ProgrammeItem& p) {
    return absl::StrCat("programme_item:", static_cast<int>(p.kind()));
  });
  retire(out_.catalog.targets, "target", [](const pb::Target&) { return std::string("target"); });
}

// --- units ---------------------------------------------------------------------------------
void Parser::Units(const YAML::Node& list, const std::string& path) {
  if (!list.IsSequence()) return Problem(path, "must be a list of {name, aliases, high_frequency}");
  out_.scope.complete.insert("unit");
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string p = absl::StrFormat("%s[%d]", path, i);
    const std::string name = Str(list[i], "name", p, true);
    if (name.empty() || !See("unit/" + name, p + ".name")) continue;
    pb::Unit u;
    u.set_name(name);
    u.set_high_frequency(Bool(list[i], "high_frequency", p));
    u.set_retired(Bool(list[i], "retired", p));
    const YAML::Node aliases = list[i]["aliases"];
    for (const std::string& a : StrList(aliases, p + ".aliases")) {
      if (a == name) continue;
      // Only a live unit's alias names it (Catalog::ResolveUnit passes over retired units): a
      // retired unit keeps its aliases as a record, and the live unit that replaces it (a renamed
      // 局) may take them over. Two live units sharing one would make the name ambiguous.
      if (!u.retired()) {
        if (auto it = alias_owner_.find(a); it != alias_owner_.end() && it->second != name) {
          Problem(p + ".aliases", absl::StrFormat("alias %s already names %s", a, it->second), LineOf(aliases));
          continue;
        }
        alias_owner_[a] = name;
      }
      u.add_aliases(a);
    }
    out_.catalog.units[name] = u;
  }
  for (const auto& [alias, owner] : alias_owner_) {
    if (out_.catalog.units.contains(alias)) {
      Problem(path, absl::StrFormat("%s is both a unit and an alias of %s", alias, owner));
    }
  }
}

// The canonical unit for a name, adding it when `define` (indicators' units define them).
std::string Parser::UnitRef(const std::string& name, const std::string& path, bool define, int line) {
  if (const pb::Unit* u = ResolveFresh(name)) return u->name();
  if (!define) {
    Problem(path, absl::StrFormat("unknown unit %s (not in the catalog, not an alias)", name), line);
    return name;
  }
  pb::Unit u;
  u.set_name(name);
  out_.catalog.units[name] = u;
  if (!seen_.contains("unit/" + name)) {
    seen_.emplace("unit/" + name, path);
    ++out_.counts["unit"];
  }
  return name;
}

const pb::Unit* Parser::ResolveFresh(const std::string& name) {
  if (auto it = out_.catalog.units.find(name); it != out_.catalog.units.end()) return &it->second;
  if (auto it = alias_owner_.find(name); it != alias_owner_.end()) {
    return &out_.catalog.units[it->second];
  }
  return out_.catalog.ResolveUnit(name);
}

void Parser::HighFrequency(const YAML::Node& list) {
  const auto names = StrList(list, "high_frequency_units");
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string canonical =
        UnitRef(names[i], absl::StrFormat("high_frequency_units[%d]", i), /*define=*/true);
    out_.catalog.units[canonical].set_high_frequency(true);
  }
}

}  // namespace catalog_import

absl::StatusOr<ParsedImport> ParseCatalogFile(const std::string& yaml, const Catalog& existing,
                                              const ImportOptions& options) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrFormat("field 'yaml': not valid YAML: %s", e.what()));
  }
  try {
    return catalog_import::Parser(existing, options).Run(root);
  } catch (const YAML::Exception& e) {
    // A single value where a section wants a mapping ("cities: [3611]"): yaml-cpp throws when the
    // parser looks a key up in it. A problem of the file, not an error of the call.
    ParsedImport parsed;
    parsed.catalog = existing;
    pb::ImportProblem& p = parsed.problems.emplace_back();
    if (!e.mark.is_null()) p.set_path(absl::StrFormat("line %d, column %d", e.mark.line + 1, e.mark.column + 1));
    p.set_message(absl::StrFormat("not the shape this section takes: %s", e.msg));
    if (!e.mark.is_null()) p.set_line(e.mark.line + 1);
    return parsed;
  }
}

}  // namespace ys::indicator
