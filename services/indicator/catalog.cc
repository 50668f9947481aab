#include "services/indicator/catalog.h"

#include <algorithm>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/input/text_rules.h"
#include "common/time/calendar.h"
#include "common/time/period.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/message_differencer.h"
#include "yaml-cpp/yaml.h"

namespace ys::indicator {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

bool IsDigits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

const char* KindName(pb::RegionKind k) {
  switch (k) {
    case pb::REGION_KIND_PROVINCE: return "province";
    case pb::REGION_KIND_CITY: return "city";
    case pb::REGION_KIND_COUNTY: return "county";
    case pb::REGION_KIND_FUNCTIONAL_ZONE: return "functional_zone";
    default: return "unspecified";
  }
}

std::optional<pb::RegionKind> ParseRegionKind(const std::string& s) {
  for (pb::RegionKind k : {pb::REGION_KIND_PROVINCE, pb::REGION_KIND_CITY, pb::REGION_KIND_COUNTY,
                           pb::REGION_KIND_FUNCTIONAL_ZONE}) {
    if (s == KindName(k)) return k;
  }
  return std::nullopt;
}

const char* ItemKindName(pb::ProgrammeItemKind k) {
  switch (k) {
    case pb::PROGRAMME_ITEM_KIND_ENVIRONMENT_TASK: return "environment_task";
    case pb::PROGRAMME_ITEM_KIND_ACTION: return "action";
    case pb::PROGRAMME_ITEM_KIND_ONE_THING_REFORM: return "one_thing_reform";
    case pb::PROGRAMME_ITEM_KIND_ENVIRONMENT: return "environment";
    default: return "unspecified";
  }
}

std::optional<pb::ProgrammeItemKind> ParseItemKind(const std::string& s) {
  for (pb::ProgrammeItemKind k :
       {pb::PROGRAMME_ITEM_KIND_ENVIRONMENT_TASK, pb::PROGRAMME_ITEM_KIND_ACTION,
        pb::PROGRAMME_ITEM_KIND_ONE_THING_REFORM, pb::PROGRAMME_ITEM_KIND_ENVIRONMENT}) {
    if (s == ItemKindName(k)) return k;
  }
  return std::nullopt;
}

// Where an entry was: its 1-based line, 0 when the node is absent.
int LineOf(const YAML::Node& n) {
  if (!n.IsDefined()) return 0;
  const YAML::Mark m = n.Mark();
  return m.is_null() ? 0 : m.line + 1;
}

// Where a programme item came from (ProgrammeItem.provenance).
constexpr const char* kProvenances[] = {"SEED", "SRC", "DRAFT", "OFFICIAL", "SAMPLE"};
// How a made-up name is marked wherever it is shown.
constexpr char kSampleMark[] = "【样例】";

// Reads one catalog file into a copy of the existing catalog, collecting problems with paths.
class Parser {
 public:
  Parser(const Catalog& existing, const ImportOptions& options) : options_(options) {
    out_.catalog = existing;
  }

  ParsedImport Run(const YAML::Node& file) {
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

 private:
  static pb::ImportProblem MakeProblem(const std::string& path, const std::string& message, int line) {
    pb::ImportProblem p;
    p.set_path(path);
    p.set_message(message);
    p.set_line(line);
    return p;
  }
  void Problem(const std::string& path, const std::string& message, int line = 0) {
    out_.problems.push_back(MakeProblem(path, message, line));
  }
  void Warning(const std::string& path, const std::string& message, int line = 0) {
    out_.warnings.push_back(MakeProblem(path, message, line));
  }

  // The file's sections that the options allow; each other one is a problem.
  YAML::Node AllowedSections(const YAML::Node& file) {
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
  bool See(const std::string& key, const std::string& path, int line = 0) {
    auto [it, fresh] = seen_.emplace(key, path);
    if (!fresh) Problem(path, absl::StrFormat("duplicate %s (first at %s)", key, it->second), line);
    else ++out_.counts[key.substr(0, key.find('/'))];
    return fresh;
  }

  std::string Str(const YAML::Node& n, const std::string& key, const std::string& path,
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
  bool Text(const std::string& path, const std::string& value, int line = 0) {
    static const input::InputLimits kLimits;
    if (auto s = input::CheckText(path, value, input::TextKind::kName, kLimits); !s.ok()) {
      Problem(path, std::string(s.message()), line);
      return false;
    }
    return true;
  }

  bool Bool(const YAML::Node& n, const std::string& key, const std::string& path) {
    const YAML::Node v = n[key];
    if (!v || v.IsNull()) return false;
    const std::string s = absl::AsciiStrToLower(v.IsScalar() ? v.Scalar() : "");
    if (s == "true" || s == "yes") return true;
    if (s != "false" && s != "no") Problem(path + "." + key, "must be true or false");
    return false;
  }

  int Int(const YAML::Node& n, const std::string& key, const std::string& path) {
    const std::string s = Str(n, key, path, true);
    int v = 0;
    if (!s.empty() && !absl::SimpleAtoi(s, &v)) Problem(path + "." + key, "must be a whole number");
    return v;
  }

  std::vector<std::string> StrList(const YAML::Node& n, const std::string& path) {
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

  // --- units ---------------------------------------------------------------------------------
  void Units(const YAML::Node& list, const std::string& path) {
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
  std::string UnitRef(const std::string& name, const std::string& path, bool define, int line = 0) {
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

  const pb::Unit* ResolveFresh(const std::string& name) {
    if (auto it = out_.catalog.units.find(name); it != out_.catalog.units.end()) return &it->second;
    if (auto it = alias_owner_.find(name); it != alias_owner_.end()) {
      return &out_.catalog.units[it->second];
    }
    return out_.catalog.ResolveUnit(name);
  }

  void HighFrequency(const YAML::Node& list) {
    const auto names = StrList(list, "high_frequency_units");
    for (size_t i = 0; i < names.size(); ++i) {
      const std::string canonical =
          UnitRef(names[i], absl::StrFormat("high_frequency_units[%d]", i), /*define=*/true);
      out_.catalog.units[canonical].set_high_frequency(true);
    }
  }

  // --- regions -------------------------------------------------------------------------------
  void AddRegion(const std::string& code, const std::string& name, pb::RegionKind kind,
                 const std::string& parent, const std::string& path, bool retired = false) {
    if (!IsDigits(code) && kind != pb::REGION_KIND_FUNCTIONAL_ZONE) {
      return Problem(path, absl::StrFormat("region code '%s' must be digits (统计用区划代码)", code));
    }
    const size_t want = kind == pb::REGION_KIND_PROVINCE ? 2 : kind == pb::REGION_KIND_CITY ? 4 : 6;
    if (kind != pb::REGION_KIND_FUNCTIONAL_ZONE && code.size() != want) {
      return Problem(path, absl::StrFormat("a %s code has %d digits, '%s' has %d", KindName(kind),
                                           want, code, code.size()));
    }
    if (name.empty()) return Problem(path, "region name is required");
    if (!Text(path + ".name", name) || !Text(path + ".code", code)) return;
    if (!See("region/" + code, path)) return;
    pb::Region r;
    r.set_code(code);
    r.set_name(name);
    r.set_kind(kind);
    r.set_parent_code(parent);
    r.set_retired(retired);
    out_.catalog.regions[code] = r;
  }

  void Province(const YAML::Node& n) {
    out_.scope.complete.insert("region:1");
    province_ = Str(n, "code", "province", true);
    AddRegion(province_, Str(n, "name", "province", true), pb::REGION_KIND_PROVINCE, "", "province");
  }

  void Cities(const YAML::Node& list) {
    if (!list.IsSequence()) return Problem("cities", "must be a list of {code, name}");
    out_.scope.complete.insert("region:2");
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string p = absl::StrFormat("cities[%d]", i);
      const std::string code = Str(list[i], "code", p, true);
      AddRegion(code, Str(list[i], "name", p, true), pb::REGION_KIND_CITY, code.substr(0, 2), p);
    }
  }

  void SimpleCounties(const YAML::Node& list, const std::string& path) {
    if (!list.IsSequence()) return Problem(path, "must be a list of {code, name}");
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string p = absl::StrFormat("%s[%d]", path, i);
      const std::string code = Str(list[i], "code", p, true);
      // The same county may also appear in jiangxi_counties: that is a repeat, not a conflict.
      if (seen_.contains("region/" + code)) continue;
      AddRegion(code, Str(list[i], "name", p, true), pb::REGION_KIND_COUNTY, code.substr(0, 4), p);
    }
  }

  // "3601 360102 东湖区 360103 西湖区 ..." one line per city.
  void JiangxiCounties(const YAML::Node& n) {
    if (!n.IsScalar()) return Problem("jiangxi_counties", "must be text, one line per city");
    out_.scope.complete.insert("region:3");
    int line_no = 0;
    for (absl::string_view line : absl::StrSplit(n.Scalar(), '\n', absl::SkipWhitespace())) {
      ++line_no;
      std::vector<std::string> tokens = absl::StrSplit(line, ' ', absl::SkipWhitespace());
      const std::string p = absl::StrFormat("jiangxi_counties line %d", line_no);
      if (tokens.size() < 3 || tokens.size() % 2 == 0) {
        Problem(p, "expected: CITY_CODE COUNTY_CODE NAME [COUNTY_CODE NAME ...]");
        continue;
      }
      const std::string& city = tokens[0];
      for (size_t i = 1; i + 1 < tokens.size(); i += 2) {
        const std::string code = tokens[i];
        if (code.substr(0, 4) != city) {
          Problem(p, absl::StrFormat("county %s is not in city %s", code, city));
          continue;
        }
        if (seen_.contains("region/" + code)) {
          if (out_.catalog.regions[code].name() != tokens[i + 1]) {
            Problem(p, absl::StrFormat("county %s is named %s here and %s elsewhere", code,
                                       tokens[i + 1], out_.catalog.regions[code].name()));
          }
          continue;
        }
        AddRegion(code, tokens[i + 1], pb::REGION_KIND_COUNTY, city, p);
      }
    }
  }

  // The seed's list of names (regions.yaml). Functional zones have no statistical code: their codes
  // are the office's own (local) "Z" codes under the city. A zone the catalog (or this file's
  // functional_zones) already holds keeps its code, so the seed list may be reordered; a new one
  // takes the next code never used (3611Z1, 3611Z2, … on a fresh catalog, in file order).
  void Zones(const YAML::Node& list) {
    out_.scope.complete.insert("region:4");
    const auto names = StrList(list, "shangrao_functional_zones");
    std::set<std::string> listed;
    for (size_t i = 0; i < names.size(); ++i) {
      const std::string p = absl::StrFormat("shangrao_functional_zones[%d]", i);
      if (!listed.insert(names[i]).second) {
        Problem(p, absl::StrFormat("duplicate functional zone %s", names[i]));
        continue;
      }
      std::string code;
      for (const auto& [c, r] : out_.catalog.regions) {
        if (r.kind() == pb::REGION_KIND_FUNCTIONAL_ZONE && r.parent_code() == "3611" && r.name() == names[i]) {
          code = c;
        }
      }
      if (!code.empty() && seen_.contains("region/" + code)) continue;  // functional_zones named it
      for (int n = 1; code.empty(); ++n) {
        if (!out_.catalog.regions.contains(absl::StrFormat("3611Z%d", n))) code = absl::StrFormat("3611Z%d", n);
      }
      AddRegion(code, names[i], pb::REGION_KIND_FUNCTIONAL_ZONE, "3611", p);
    }
  }

  // functional_zones: [{code, name, parent}]: the zones with the codes the office gives them
  // (NBS codes do not cover functional zones): "<parent>Z<n>".
  void FunctionalZones(const YAML::Node& list) {
    if (!list.IsSequence()) return Problem("functional_zones", "must be a list of {code, name, parent}", LineOf(list));
    out_.scope.complete.insert("region:4");
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string p = absl::StrFormat("functional_zones[%d]", i);
      const std::string code = Str(list[i], "code", p, true);
      const std::string parent = Str(list[i], "parent", p, true);
      const std::string name = Str(list[i], "name", p, true);
      if (code.empty() || parent.empty() || name.empty()) continue;
      const std::string number = absl::StartsWith(code, parent + "Z") ? code.substr(parent.size() + 1) : "";
      if (!IsDigits(number)) {
        Problem(p + ".code",
                absl::StrFormat("a functional zone's code is its parent's code, Z and a number (%sZ1), not '%s'",
                                parent, code),
                LineOf(list[i]["code"]));
        continue;
      }
      AddRegion(code, name, pb::REGION_KIND_FUNCTIONAL_ZONE, parent, p, Bool(list[i], "retired", p));
    }
  }

  void Regions(const YAML::Node& list) {
    if (!list.IsSequence()) return Problem("regions", "must be a list of {code, name, kind, parent}");
    for (const char* k : {"region:1", "region:2", "region:3", "region:4"}) out_.scope.complete.insert(k);
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string p = absl::StrFormat("regions[%d]", i);
      const std::string kind_text = Str(list[i], "kind", p, true);
      auto kind = ParseRegionKind(kind_text);
      if (!kind) {
        Problem(p + ".kind", "must be province, city, county or functional_zone");
        continue;
      }
      AddRegion(Str(list[i], "code", p, true), Str(list[i], "name", p, true), *kind,
                Str(list[i], "parent", p, false), p, Bool(list[i], "retired", p));
    }
  }

  // --- indicators ----------------------------------------------------------------------------
  void CheckDates(pb::Indicator& ind, const YAML::Node& n, const std::string& p) {
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

  void Leader(const std::string& name, const std::string& role) {
    if (name.empty()) return;
    pb::Leader& l = out_.catalog.leaders[name];
    l.set_name(name);
    if (std::find(l.roles().begin(), l.roles().end(), role) == l.roles().end()) l.add_roles(role);
    if (!seen_.contains("leader/" + name)) {
      seen_.emplace("leader/" + name, "");
      ++out_.counts["leader"];
    }
  }

  void IndicatorUnits(pb::Indicator& ind, const YAML::Node& units, const std::string& p,
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

  void IndicatorList(const YAML::Node& list, const std::string& path, pb::IndicatorLevel level) {
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
  void SecondLevelDraft(const YAML::Node& map) {
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

  void ResolveParents() {
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

  // --- programme items and targets -----------------------------------------------------------
  void ItemNames(const YAML::Node& n, const std::string& path, pb::ProgrammeItemKind kind,
                 const char* prefix, int width) {
    out_.scope.complete.insert(absl::StrCat("programme_item:", static_cast<int>(kind)));
    touched_programme_ |= kind == pb::PROGRAMME_ITEM_KIND_ENVIRONMENT_TASK;
    const auto names = StrList(n, path);
    for (size_t i = 0; i < names.size(); ++i) {
      pb::ProgrammeItem item;
      item.set_code(absl::StrFormat("%s%0*d", prefix, width, i + 1));
      item.set_name(names[i]);
      item.set_kind(kind);
      if (!See("programme_item/" + item.code(), absl::StrFormat("%s[%d]", path, i))) continue;
      out_.catalog.programme_items[item.code()] = item;
    }
  }

  void ProgrammeItems(const YAML::Node& n) {
    if (!n.IsMap()) return Problem("programme_items", "must be a mapping");
    if (n["eight_actions"]) {
      ItemNames(n["eight_actions"], "programme_items.eight_actions", pb::PROGRAMME_ITEM_KIND_ACTION, "A", 1);
    }
    if (n["one_thing_reforms"]) {
      ItemNames(n["one_thing_reforms"], "programme_items.one_thing_reforms",
                pb::PROGRAMME_ITEM_KIND_ONE_THING_REFORM, "R", 1);
    }
    if (n["environment_tasks"]) {
      ItemNames(n["environment_tasks"], "programme_items.environment_tasks",
                pb::PROGRAMME_ITEM_KIND_ENVIRONMENT_TASK, "T", 2);
    }
    if (const YAML::Node items = n["items"]) {
      if (!items.IsSequence()) return Problem("programme_items.items", "must be a list");
      for (size_t i = 0; i < items.size(); ++i) {
        const std::string p = absl::StrFormat("programme_items.items[%d]", i);
        auto kind = ParseItemKind(Str(items[i], "kind", p, true));
        if (!kind) {
          Problem(p + ".kind", "must be environment_task, action, one_thing_reform or environment",
                  LineOf(items[i]));
          continue;
        }
        out_.scope.complete.insert(absl::StrCat("programme_item:", static_cast<int>(*kind)));
        pb::ProgrammeItem item;
        item.set_code(Str(items[i], "code", p, true));
        item.set_name(Str(items[i], "name", p, true));
        item.set_kind(*kind);
        item.set_retired(Bool(items[i], "retired", p));
        item.set_environment(Str(items[i], "environment", p, false));
        item.set_provenance(Str(items[i], "provenance", p, false));
        for (const std::string& u : StrList(items[i]["lead_units"], p + ".lead_units")) {
          item.add_lead_units(UnitRef(u, p + ".lead_units", /*define=*/false, LineOf(items[i]["lead_units"])));
        }
        if (item.code().empty() || !See("programme_item/" + item.code(), p + ".code", LineOf(items[i]))) continue;
        if (*kind == pb::PROGRAMME_ITEM_KIND_ENVIRONMENT || *kind == pb::PROGRAMME_ITEM_KIND_ENVIRONMENT_TASK) {
          touched_programme_ = true;
          if (!item.provenance().empty()) CheckProvenance(item, p, LineOf(items[i]));
        }
        if (*kind == pb::PROGRAMME_ITEM_KIND_ENVIRONMENT_TASK && !item.environment().empty()) {
          pending_tasks_.push_back({item.code(), p, LineOf(items[i])});
        }
        out_.catalog.programme_items[item.code()] = item;
      }
    }
  }

  // The 五大环境 and their 30 tasks (data/programme/README.md). Loadable in parts: nothing is retired
  // by absence.
  void Environments(const YAML::Node& list) {
    if (!list.IsSequence()) return Problem("environments", "must be a list of {code, name}", LineOf(list));
    touched_programme_ = true;
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string p = absl::StrFormat("environments[%d]", i);
      pb::ProgrammeItem item;
      if (!ItemHead(list[i], p, pb::PROGRAMME_ITEM_KIND_ENVIRONMENT, &item)) continue;
      out_.catalog.programme_items[item.code()] = item;
    }
  }

  void EnvironmentTasks(const YAML::Node& list) {
    if (!list.IsSequence()) {
      return Problem("environment_tasks", "must be a list of {code, name, environment, lead_units}", LineOf(list));
    }
    touched_programme_ = true;
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string p = absl::StrFormat("environment_tasks[%d]", i);
      const YAML::Node& n = list[i];
      pb::ProgrammeItem item;
      if (!ItemHead(n, p, pb::PROGRAMME_ITEM_KIND_ENVIRONMENT_TASK, &item)) continue;
      item.set_environment(Str(n, "environment", p, true));
      const YAML::Node units = n["lead_units"];
      for (const std::string& u : StrList(units, p + ".lead_units")) {
        const std::string canonical = UnitRef(u, p + ".lead_units", /*define=*/false, LineOf(units));
        if (std::find(item.lead_units().begin(), item.lead_units().end(), canonical) == item.lead_units().end()) {
          item.add_lead_units(canonical);
        }
      }
      if (item.lead_units().empty() && (!units || units.IsNull() || (units.IsSequence() && units.size() == 0))) {
        Problem(p + ".lead_units", "is required: the task's 牵头单位, one or more units of the catalog", LineOf(n));
      }
      if (!item.environment().empty()) pending_tasks_.push_back({item.code(), p, LineOf(n["environment"])});
      out_.catalog.programme_items[item.code()] = item;
    }
  }

  // code, name, provenance and retired of an environment or a task; false (with a problem) when the
  // entry cannot be kept.
  bool ItemHead(const YAML::Node& n, const std::string& p, pb::ProgrammeItemKind kind, pb::ProgrammeItem* item) {
    const int line = LineOf(n);
    if (!n.IsMap()) {
      Problem(p, "must be a mapping {code, name, ...}", line);
      return false;
    }
    item->set_code(Str(n, "code", p, true));
    item->set_name(Str(n, "name", p, true));
    item->set_kind(kind);
    item->set_retired(Bool(n, "retired", p));
    item->set_provenance(Str(n, "provenance", p, false));
    if (item->provenance().empty()) item->set_provenance("OFFICIAL");
    if (item->code().empty() || item->name().empty()) return false;
    if (!See("programme_item/" + item->code(), p + ".code", line)) return false;
    if (auto it = out_.catalog.programme_items.find(item->code());
        it != out_.catalog.programme_items.end() && it->second.kind() != kind) {
      Problem(p + ".code",
              absl::StrFormat("%s is already the %s %s of the catalog; give this %s another code",
                              item->code(), ItemKindName(it->second.kind()), it->second.name(), ItemKindName(kind)),
              line);
      return false;
    }
    return CheckProvenance(*item, p, line);
  }

  // A made-up item says so wherever it is shown: SAMPLE and the 【样例】 mark go together.
  bool CheckProvenance(const pb::ProgrammeItem& item, const std::string& p, int line) {
    if (std::find(std::begin(kProvenances), std::end(kProvenances), item.provenance()) == std::end(kProvenances)) {
      Problem(p + ".provenance",
              absl::StrFormat("'%s' is not one of %s", item.provenance(), absl::StrJoin(kProvenances, ", ")), line);
      return false;
    }
    const bool marked = absl::StrContains(item.name(), kSampleMark);
    if (marked != (item.provenance() == "SAMPLE")) {
      Problem(p + ".provenance",
              marked ? absl::StrFormat("a name marked %s is made up: its provenance is SAMPLE, not %s",
                                       kSampleMark, item.provenance())
                     : absl::StrFormat("a SAMPLE item's name is marked %s", kSampleMark),
              line);
      return false;
    }
    return true;
  }

  // Each live task's 环境 is a live environment of the catalog, once the whole file is read: a task
  // of this file is told so at its line; an environment this file retires while tasks of the
  // catalog still name it, at the environments.
  void CheckTasks() {
    std::map<std::string, const PendingTask*> touched;
    for (const PendingTask& t : pending_tasks_) touched[t.code] = &t;
    std::vector<std::string> known;
    for (const auto& [c, item] : out_.catalog.programme_items) {
      if (item.kind() == pb::PROGRAMME_ITEM_KIND_ENVIRONMENT && !item.retired()) {
        known.push_back(absl::StrCat(c, " ", item.name()));
      }
    }
    for (const auto& [code, task] : out_.catalog.programme_items) {
      if (task.kind() != pb::PROGRAMME_ITEM_KIND_ENVIRONMENT_TASK || task.retired() || task.environment().empty()) {
        continue;
      }
      auto env = out_.catalog.programme_items.find(task.environment());
      if (env != out_.catalog.programme_items.end() && env->second.kind() == pb::PROGRAMME_ITEM_KIND_ENVIRONMENT &&
          !env->second.retired()) {
        continue;
      }
      if (auto t = touched.find(code); t != touched.end()) {
        Problem(t->second->path + ".environment",
                absl::StrFormat("%s is not one of the environments (五大环境) of the catalog or this file: %s",
                                task.environment(), known.empty() ? "there are none yet" : absl::StrJoin(known, ", ")),
                t->second->line);
      } else {
        Problem("environments", absl::StrFormat("%s is retired, but task %s of the catalog is still under it: "
                                                "retire the task or give it another 环境 first",
                                                task.environment(), code));
      }
    }
    pending_tasks_.clear();
  }

  // Against the plan's numbers, once the file is merged: more than five environments is a problem;
  // fewer, or other than 30 tasks, is a warning, since the office may load them in parts.
  void CountProgramme() {
    if (!touched_programme_) return;
    int environments = 0, tasks = 0;
    for (const auto& [_, item] : out_.catalog.programme_items) {
      if (item.retired()) continue;
      environments += item.kind() == pb::PROGRAMME_ITEM_KIND_ENVIRONMENT;
      tasks += item.kind() == pb::PROGRAMME_ITEM_KIND_ENVIRONMENT_TASK;
    }
    if (environments > kEnvironmentCount) {
      Problem("environments", absl::StrFormat("the catalog would hold %d environments; the plan has %d "
                                              "(五大环境): retire the others (retired: true)",
                                              environments, kEnvironmentCount));
    } else if (environments < kEnvironmentCount) {
      Warning("environments", absl::StrFormat("the catalog would hold %d of the plan's %d environments (五大环境)",
                                              environments, kEnvironmentCount));
    }
    if (tasks != kEnvironmentTaskCount) {
      Warning("environment_tasks",
              absl::StrFormat("the catalog would hold %d tasks; the plan has %d (五大环境30项具体任务)%s", tasks,
                              kEnvironmentTaskCount,
                              tasks < kEnvironmentTaskCount ? ": load the others when ready" : ""));
    }
  }

  void Targets(const YAML::Node& list, const std::string& path) {
    if (!list.IsSequence()) return Problem(path, "must be a list");
    out_.scope.complete.insert("target");
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string p = absl::StrFormat("%s[%d]", path, i);
      pb::Target t;
      t.set_period(Str(list[i], "period", p, true));
      t.set_scope(Str(list[i], "scope", p, true));
      t.set_indicator_code(Str(list[i], "indicator", p, false));
      t.set_target_rank_at_most(Int(list[i], "target_rank_at_most", p));
      t.set_floor_rank_at_most(Int(list[i], "floor_rank_at_most", p));
      t.set_retired(Bool(list[i], "retired", p));
      if (!t.period().empty() && !Period::Parse(t.period()).ok()) {
        Problem(p + ".period", absl::StrFormat("'%s' is not a period (2022Q3, 2022-09, 2022)", t.period()));
      }
      if (t.target_rank_at_most() < 1 || t.floor_rank_at_most() < t.target_rank_at_most()) {
        Problem(p, "need 1 <= target_rank_at_most <= floor_rank_at_most");
      }
      if (!t.indicator_code().empty() && !out_.catalog.indicators.contains(t.indicator_code())) {
        Problem(p + ".indicator", absl::StrFormat("unknown indicator %s", t.indicator_code()));
      }
      t.set_id(absl::StrCat(t.period(), "/", t.scope(),
                            t.indicator_code().empty() ? "" : "/" + t.indicator_code()));
      if (!See("target/" + t.id(), p)) continue;
      out_.catalog.targets[t.id()] = t;
    }
  }

  // Entities of a kind the file describes completely, but that it does not mention, retire.
  void RetireAbsent() {
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

  struct PendingTask {
    std::string code;
    std::string path;
    int line = 0;
  };

  const ImportOptions& options_;
  ParsedImport out_;
  std::vector<PendingTask> pending_tasks_;  // tasks whose 环境 is checked once the file is read
  bool touched_programme_ = false;          // the file holds environments or tasks
  std::map<std::string, std::string> seen_;         // "indicator/I01" -> where
  std::map<std::string, std::string> alias_owner_;  // alias -> canonical unit (this file)
  std::vector<std::pair<std::string, std::string>> pending_parents_;
  std::string province_;
};

// One field of a message as text, for change summaries.
std::string FieldText(const Message& m, const FieldDescriptor* f) {
  const Reflection* r = m.GetReflection();
  if (!f->is_repeated()) {
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING: return r->GetString(m, f);
      case FieldDescriptor::CPPTYPE_BOOL: return r->GetBool(m, f) ? "true" : "false";
      case FieldDescriptor::CPPTYPE_INT32: return std::to_string(r->GetInt32(m, f));
      case FieldDescriptor::CPPTYPE_INT64: return std::to_string(r->GetInt64(m, f));
      case FieldDescriptor::CPPTYPE_ENUM: return r->GetEnum(m, f)->name();
      default: break;
    }
  }
  std::unique_ptr<Message> only(m.New());
  only->CopyFrom(m);
  const auto* d = m.GetDescriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    if (d->field(i) != f) only->GetReflection()->ClearField(only.get(), d->field(i));
  }
  return only->SerializeAsString();
}

// "name: 开办企业 → 企业开办; units changed": the fields that differ.
std::string ChangeSummary(const Message& before, const Message& after) {
  std::vector<std::string> parts;
  const auto* d = before.GetDescriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    const std::string a = FieldText(before, f);
    const std::string b = FieldText(after, f);
    if (a == b) continue;
    if (f->is_repeated() || f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      parts.push_back(f->name() + " changed");
    } else {
      parts.push_back(absl::StrFormat("%s: %s → %s", f->name(), a.empty() ? "\"\"" : a,
                                      b.empty() ? "\"\"" : b));
    }
  }
  return absl::StrJoin(parts, "; ");
}

// The entity inside a CatalogEntity, for reflection.
const Message& Inner(const pb::CatalogEntity& e) {
  switch (e.entity_case()) {
    case pb::CatalogEntity::kIndicator: return e.indicator();
    case pb::CatalogEntity::kRegion: return e.region();
    case pb::CatalogEntity::kUnit: return e.unit();
    case pb::CatalogEntity::kLeader: return e.leader();
    case pb::CatalogEntity::kProgrammeItem: return e.programme_item();
    case pb::CatalogEntity::kTarget: return e.target();
    default: break;
  }
  return e;
}

bool RetiredFlag(const pb::CatalogEntity& e) {
  const Message& m = Inner(e);
  const FieldDescriptor* f = m.GetDescriptor()->FindFieldByName("retired");
  return f != nullptr && m.GetReflection()->GetBool(m, f);
}

void EmitUnits(YAML::Emitter& y, const pb::Indicator& ind) {
  if (ind.units().empty()) return;
  y << YAML::Key << "units" << YAML::Value << YAML::Flow << YAML::BeginSeq;
  for (const auto& u : ind.units()) {
    y << YAML::BeginMap << YAML::Key << "unit" << YAML::Value << u.unit();
    if (!u.head().empty()) y << YAML::Key << "head" << YAML::Value << u.head();
    y << YAML::EndMap;
  }
  y << YAML::EndSeq;
}

}  // namespace

bool IsRetired(const pb::CatalogEntity& e) { return RetiredFlag(e); }

std::string EntityType(const pb::CatalogEntity& e) {
  switch (e.entity_case()) {
    case pb::CatalogEntity::kIndicator: return "indicator";
    case pb::CatalogEntity::kRegion: return "region";
    case pb::CatalogEntity::kUnit: return "unit";
    case pb::CatalogEntity::kLeader: return "leader";
    case pb::CatalogEntity::kProgrammeItem: return "programme_item";
    case pb::CatalogEntity::kTarget: return "target";
    default: break;
  }
  return "unknown";
}

std::string EntityKey(const pb::CatalogEntity& e) {
  switch (e.entity_case()) {
    case pb::CatalogEntity::kIndicator: return "indicator/" + e.indicator().code();
    case pb::CatalogEntity::kRegion: return "region/" + e.region().code();
    case pb::CatalogEntity::kUnit: return "unit/" + e.unit().name();
    case pb::CatalogEntity::kLeader: return "leader/" + e.leader().name();
    case pb::CatalogEntity::kProgrammeItem: return "programme_item/" + e.programme_item().code();
    case pb::CatalogEntity::kTarget: return "target/" + e.target().id();
    default: break;
  }
  return "unknown/";
}

const pb::Unit* Catalog::ResolveUnit(const std::string& name) const {
  if (auto it = units.find(name); it != units.end()) {
    return it->second.retired() ? nullptr : &it->second;
  }
  for (const auto& [_, u] : units) {
    if (u.retired()) continue;
    if (std::find(u.aliases().begin(), u.aliases().end(), name) != u.aliases().end()) return &u;
  }
  return nullptr;
}

std::map<std::string, pb::CatalogEntity> Catalog::Entities() const {
  std::map<std::string, pb::CatalogEntity> out;
  auto add = [&](auto setter) {
    pb::CatalogEntity e;
    setter(e);
    out[EntityKey(e)] = std::move(e);
  };
  // Pairs, not structured bindings: clang 14 (the fuzz build) cannot capture a binding in a lambda.
  for (const auto& kv : indicators) add([&](pb::CatalogEntity& e) { *e.mutable_indicator() = kv.second; });
  for (const auto& kv : regions) add([&](pb::CatalogEntity& e) { *e.mutable_region() = kv.second; });
  for (const auto& kv : units) add([&](pb::CatalogEntity& e) { *e.mutable_unit() = kv.second; });
  for (const auto& kv : leaders) add([&](pb::CatalogEntity& e) { *e.mutable_leader() = kv.second; });
  for (const auto& kv : programme_items) {
    add([&](pb::CatalogEntity& e) { *e.mutable_programme_item() = kv.second; });
  }
  for (const auto& kv : targets) add([&](pb::CatalogEntity& e) { *e.mutable_target() = kv.second; });
  return out;
}

Catalog Catalog::FromEntities(const std::vector<pb::CatalogEntity>& entities) {
  Catalog c;
  for (const auto& e : entities) {
    switch (e.entity_case()) {
      case pb::CatalogEntity::kIndicator: c.indicators[e.indicator().code()] = e.indicator(); break;
      case pb::CatalogEntity::kRegion: c.regions[e.region().code()] = e.region(); break;
      case pb::CatalogEntity::kUnit: c.units[e.unit().name()] = e.unit(); break;
      case pb::CatalogEntity::kLeader: c.leaders[e.leader().name()] = e.leader(); break;
      case pb::CatalogEntity::kProgrammeItem:
        c.programme_items[e.programme_item().code()] = e.programme_item();
        break;
      case pb::CatalogEntity::kTarget: c.targets[e.target().id()] = e.target(); break;
      default: break;
    }
  }
  return c;
}

absl::StatusOr<ParsedImport> ParseCatalogFile(const std::string& yaml, const Catalog& existing,
                                              const ImportOptions& options) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrFormat("field 'yaml': not valid YAML: %s", e.what()));
  }
  try {
    return Parser(existing, options).Run(root);
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

CatalogDiff DiffCatalog(const Catalog& existing, const ParsedImport& parsed) {
  CatalogDiff diff;
  const auto before = existing.Entities();
  for (const auto& [key, after] : parsed.catalog.Entities()) {
    pb::EntityChange change;
    change.set_entity_type(EntityType(after));
    change.set_id(key.substr(key.find('/') + 1));
    auto it = before.find(key);
    if (it == before.end()) {
      change.set_kind(pb::EntityChange::KIND_ADDED);
      const Message& m = Inner(after);
      const FieldDescriptor* name = m.GetDescriptor()->FindFieldByName("name");
      std::string what = name == nullptr ? "" : m.GetReflection()->GetString(m, name);
      if (RetiredFlag(after)) what += " (retired)";
      change.set_summary(what);
    } else if (google::protobuf::util::MessageDifferencer::Equals(it->second, after)) {
      continue;
    } else if (RetiredFlag(after) && !RetiredFlag(it->second)) {
      change.set_kind(pb::EntityChange::KIND_RETIRED);
      const Message& m = Inner(after);
      const FieldDescriptor* name = m.GetDescriptor()->FindFieldByName("name");
      if (name != nullptr) change.set_summary(m.GetReflection()->GetString(m, name));
    } else {
      change.set_kind(pb::EntityChange::KIND_CHANGED);
      change.set_summary(ChangeSummary(Inner(it->second), Inner(after)));
    }
    diff.changes.push_back(std::move(change));
    diff.writes.push_back(after);
  }
  return diff;
}

std::string ExportCatalogYaml(const Catalog& c, bool include_retired) {
  YAML::Emitter y;
  y.SetOutputCharset(YAML::EmitNonAscii);
  y << YAML::Comment("Yingshang catalog export: import it back with `ysctl catalog import`");
  y << YAML::BeginMap;
  auto keep = [&](bool retired) { return include_retired || !retired; };

  auto indicators = [&](const char* section, pb::IndicatorLevel level) {
    bool any = false;
    for (const auto& [code, ind] : c.indicators) {
      if (ind.level() != level || !keep(ind.retired())) continue;
      if (!any) y << YAML::Key << section << YAML::Value << YAML::BeginSeq;
      any = true;
      y << YAML::Flow << YAML::BeginMap;
      y << YAML::Key << "code" << YAML::Value << ind.code();
      y << YAML::Key << "name" << YAML::Value << ind.name();
      if (!ind.parent_code().empty()) y << YAML::Key << "parent" << YAML::Value << ind.parent_code();
      if (!ind.lead().empty()) y << YAML::Key << "lead" << YAML::Value << ind.lead();
      EmitUnits(y, ind);
      if (!ind.valid_from().empty()) y << YAML::Key << "valid_from" << YAML::Value << ind.valid_from();
      if (!ind.valid_to().empty()) y << YAML::Key << "valid_to" << YAML::Value << ind.valid_to();
      if (!ind.provenance().empty()) y << YAML::Key << "provenance" << YAML::Value << ind.provenance();
      if (ind.retired()) y << YAML::Key << "retired" << YAML::Value << true;
      y << YAML::EndMap;
    }
    if (any) y << YAML::EndSeq;
  };
  // Units before indicators, so a reader sees the aliases the indicators resolve through.
  bool any_unit = false;
  for (const auto& [name, u] : c.units) {
    if (!keep(u.retired())) continue;
    if (!any_unit) y << YAML::Key << "units" << YAML::Value << YAML::BeginSeq;
    any_unit = true;
    y << YAML::Flow << YAML::BeginMap << YAML::Key << "name" << YAML::Value << u.name();
    if (!u.aliases().empty()) {
      y << YAML::Key << "aliases" << YAML::Value << YAML::Flow << YAML::BeginSeq;
      for (const auto& a : u.aliases()) y << a;
      y << YAML::EndSeq;
    }
    if (u.high_frequency()) y << YAML::Key << "high_frequency" << YAML::Value << true;
    if (u.retired()) y << YAML::Key << "retired" << YAML::Value << true;
    y << YAML::EndMap;
  }
  if (any_unit) y << YAML::EndSeq;
  indicators("composite", pb::INDICATOR_LEVEL_COMPOSITE);
  indicators("first_level", pb::INDICATOR_LEVEL_FIRST);
  indicators("second_level", pb::INDICATOR_LEVEL_SECOND);

  bool any_region = false;
  for (const auto& [code, r] : c.regions) {
    if (!keep(r.retired())) continue;
    if (!any_region) y << YAML::Key << "regions" << YAML::Value << YAML::BeginSeq;
    any_region = true;
    y << YAML::Flow << YAML::BeginMap << YAML::Key << "code" << YAML::Value << YAML::DoubleQuoted
      << r.code() << YAML::Key << "name" << YAML::Value << r.name() << YAML::Key << "kind"
      << YAML::Value << KindName(r.kind());
    if (!r.parent_code().empty()) {
      y << YAML::Key << "parent" << YAML::Value << YAML::DoubleQuoted << r.parent_code();
    }
    if (r.retired()) y << YAML::Key << "retired" << YAML::Value << true;
    y << YAML::EndMap;
  }
  if (any_region) y << YAML::EndSeq;

  bool any_item = false;
  for (const auto& [code, item] : c.programme_items) {
    if (!keep(item.retired())) continue;
    if (!any_item) {
      y << YAML::Key << "programme_items" << YAML::Value << YAML::BeginMap << YAML::Key << "items"
        << YAML::Value << YAML::BeginSeq;
    }
    any_item = true;
    y << YAML::Flow << YAML::BeginMap << YAML::Key << "code" << YAML::Value << item.code()
      << YAML::Key << "name" << YAML::Value << item.name() << YAML::Key << "kind" << YAML::Value
      << ItemKindName(item.kind());
    if (!item.environment().empty()) y << YAML::Key << "environment" << YAML::Value << item.environment();
    if (!item.lead_units().empty()) {
      y << YAML::Key << "lead_units" << YAML::Value << YAML::Flow << YAML::BeginSeq;
      for (const auto& u : item.lead_units()) y << u;
      y << YAML::EndSeq;
    }
    if (!item.provenance().empty()) y << YAML::Key << "provenance" << YAML::Value << item.provenance();
    if (item.retired()) y << YAML::Key << "retired" << YAML::Value << true;
    y << YAML::EndMap;
  }
  if (any_item) y << YAML::EndSeq << YAML::EndMap;

  bool any_target = false;
  for (const auto& [id, t] : c.targets) {
    if (!keep(t.retired())) continue;
    if (!any_target) {
      y << YAML::Key << "programme" << YAML::Value << YAML::BeginMap << YAML::Key
        << "quarter_targets" << YAML::Value << YAML::BeginSeq;
    }
    any_target = true;
    y << YAML::Flow << YAML::BeginMap << YAML::Key << "period" << YAML::Value << t.period()
      << YAML::Key << "scope" << YAML::Value << t.scope();
    if (!t.indicator_code().empty()) y << YAML::Key << "indicator" << YAML::Value << t.indicator_code();
    y << YAML::Key << "target_rank_at_most" << YAML::Value << t.target_rank_at_most() << YAML::Key
      << "floor_rank_at_most" << YAML::Value << t.floor_rank_at_most();
    if (t.retired()) y << YAML::Key << "retired" << YAML::Value << true;
    y << YAML::EndMap;
  }
  if (any_target) y << YAML::EndSeq << YAML::EndMap;
  y << YAML::EndMap;
  return std::string(y.c_str()) + "\n";
}

}  // namespace ys::indicator
