#include "services/indicator/catalog_import.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "services/indicator/catalog_format.h"

namespace ys::indicator::catalog_import {
namespace {

bool IsDigits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

// --- regions -------------------------------------------------------------------------------
void Parser::AddRegion(const std::string& code, const std::string& name, pb::RegionKind kind,
                       const std::string& parent, const std::string& path, bool retired) {
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

void Parser::Province(const YAML::Node& n) {
  out_.scope.complete.insert("region:1");
  province_ = Str(n, "code", "province", true);
  AddRegion(province_, Str(n, "name", "province", true), pb::REGION_KIND_PROVINCE, "", "province");
}

void Parser::Cities(const YAML::Node& list) {
  if (!list.IsSequence()) return Problem("cities", "must be a list of {code, name}");
  out_.scope.complete.insert("region:2");
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string p = absl::StrFormat("cities[%d]", i);
    const std::string code = Str(list[i], "code", p, true);
    AddRegion(code, Str(list[i], "name", p, true), pb::REGION_KIND_CITY, code.substr(0, 2), p);
  }
}

void Parser::SimpleCounties(const YAML::Node& list, const std::string& path) {
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
void Parser::JiangxiCounties(const YAML::Node& n) {
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
void Parser::Zones(const YAML::Node& list) {
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
void Parser::FunctionalZones(const YAML::Node& list) {
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

void Parser::Regions(const YAML::Node& list) {
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

}  // namespace ys::indicator::catalog_import
