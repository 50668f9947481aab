#include "services/duty/directory.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/input/text_rules.h"
#include "common/status/macros.h"
#include "yaml-cpp/yaml.h"

namespace ys::duty {
namespace {

// 表3's title in the work plan ("表 3.市政务服务中心高频事项进驻单位").
constexpr char kPlanTable3[] = "市政务服务中心高频事项进驻单位";

// Where a node was: its 1-based line, 0 when unknown.
int LineOf(const YAML::Node& n) {
  if (!n.IsDefined()) return 0;
  const YAML::Mark m = n.Mark();
  return m.is_null() ? 0 : m.line + 1;
}

std::string YesNo(bool b) { return b ? "是" : "否"; }

// "true"/"false" (and yes/no, as the catalog import reads them); nullopt for anything else.
std::optional<bool> ParseBool(const YAML::Node& n) {
  if (!n.IsScalar()) return std::nullopt;
  const std::string s = absl::AsciiStrToLower(n.Scalar());
  if (s == "true" || s == "yes") return true;
  if (s == "false" || s == "no") return false;
  return std::nullopt;
}

// Reads one directory file; the first problem ends the parse with INVALID_ARGUMENT naming the file,
// its line, the entry and the field.
class DirectoryParser {
 public:
  DirectoryParser(std::string_view file_name, const UnitDirectory& units, const HighFrequencyUnits& high_frequency)
      : file_(file_name.empty() ? "the directory file" : std::string(file_name)),
        units_(units),
        high_frequency_(high_frequency) {}

  absl::StatusOr<pb::Directory> Run(const YAML::Node& root) {
    if (!root.IsMap()) return Error(root, "", "the file must be a mapping with the list 'units'");
    RETURN_IF_ERROR(OnlyKeys(root, "", {"units"}));
    const YAML::Node list = root["units"];
    if (!list.IsSequence()) return Error(list.IsDefined() ? list : root, "units", "must be a list of resident units");
    pb::Directory out;
    for (size_t i = 0; i < list.size(); ++i) {
      ASSIGN_OR_RETURN(pb::ResidentUnit unit, Unit(list[i], absl::StrFormat("units[%d]", i)));
      *out.add_units() = std::move(unit);
    }
    return out;
  }

 private:
  absl::Status Error(const YAML::Node& at, const std::string& path, const std::string& message) const {
    const int line = LineOf(at);
    std::string where = line > 0 ? absl::StrFormat("%s line %d", file_, line) : file_;
    if (!path.empty()) absl::StrAppend(&where, ": ", path);
    return absl::InvalidArgumentError(absl::StrCat(where, ": ", message));
  }

  // A typo in a key ("hight_frequency") would otherwise pass silently and the default apply.
  absl::Status OnlyKeys(const YAML::Node& map, const std::string& path, const std::vector<std::string>& keys) const {
    for (const auto& kv : map) {
      const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
        return Error(kv.first, path, absl::StrFormat("unknown key '%s' (expected %s)", key, absl::StrJoin(keys, ", ")));
      }
    }
    return absl::OkStatus();
  }

  // A required single value, checked by the input rules every service applies to text.
  absl::StatusOr<std::string> Text(const YAML::Node& map, const std::string& key, const std::string& path,
                                   input::TextKind kind) const {
    const YAML::Node v = map[key];
    const std::string field = absl::StrCat(path, ".", key);
    if (!v.IsDefined() || v.IsNull()) return Error(map, field, "is required");
    if (!v.IsScalar()) return Error(v, field, "must be a single value");
    const std::string s(absl::StripAsciiWhitespace(v.Scalar()));
    if (s.empty()) return Error(v, field, "must not be empty");
    static const input::InputLimits kLimits;
    if (absl::Status st = input::CheckText(field, s, kind, kLimits); !st.ok()) {
      return Error(v, "", std::string(st.message()));
    }
    return s;
  }

  absl::StatusOr<pb::ResidentUnit> Unit(const YAML::Node& entry, const std::string& path) {
    if (!entry.IsMap()) return Error(entry, path, "must be a mapping {unit, high_frequency, windows, leaders}");
    RETURN_IF_ERROR(OnlyKeys(entry, path, {"unit", "high_frequency", "windows", "leaders"}));
    pb::ResidentUnit unit;
    ASSIGN_OR_RETURN(const std::string written, Text(entry, "unit", path, input::TextKind::kName));
    std::string name = written;
    if (!units_.empty()) {
      std::optional<std::string> canonical = units_.Canonical(written);
      if (!canonical) {
        return Error(entry["unit"], path + ".unit",
                     absl::StrFormat("unknown unit %s (neither a unit of the catalog nor an alias of one)", written));
      }
      name = *std::move(canonical);
    }
    if (auto [it, fresh] = unit_paths_.emplace(name, path); !fresh) {
      return Error(entry["unit"], path + ".unit",
                   absl::StrFormat("%s is listed twice (first at %s)", name, it->second));
    }
    unit.set_name(name);

    // The catalog's units file is the record of 表3; the directory may state the flag, never
    // contradict it. Without a units file, the directory's word stands.
    const bool listed = high_frequency_.Contains(name);
    bool flag = listed;
    if (const YAML::Node hf = entry["high_frequency"]; hf.IsDefined() && !hf.IsNull()) {
      std::optional<bool> said = ParseBool(hf);
      if (!said) return Error(hf, path + ".high_frequency", "must be true or false");
      if (!high_frequency_.names.empty() && *said != listed) {
        return Error(hf, path + ".high_frequency",
                     *said ? absl::StrFormat("true, but %s is not in 表3 \"%s\"", name, kPlanTable3)
                           : absl::StrFormat("false, but 表3 \"%s\" lists %s", kPlanTable3, name));
      }
      flag = *said;
    }
    unit.set_high_frequency(flag);

    RETURN_IF_ERROR(Windows(entry, path, unit));
    RETURN_IF_ERROR(Leaders(entry, path, unit));
    return unit;
  }

  absl::Status Windows(const YAML::Node& entry, const std::string& path, pb::ResidentUnit& unit) {
    const YAML::Node list = entry["windows"];
    const std::string field = path + ".windows";
    // A resident unit sits at its window: 表1 names one for every sitting.
    if (!list.IsDefined() || list.IsNull()) return Error(entry, field, "is required: a resident unit has a window");
    if (!list.IsSequence() || list.size() == 0) {
      return Error(list, field, "must be a list of at least one window {code, name}");
    }
    for (size_t j = 0; j < list.size(); ++j) {
      const std::string p = absl::StrFormat("%s[%d]", field, j);
      if (!list[j].IsMap()) return Error(list[j], p, "must be a mapping {code, name}");
      RETURN_IF_ERROR(OnlyKeys(list[j], p, {"code", "name"}));
      pb::Window& w = *unit.add_windows();
      ASSIGN_OR_RETURN(*w.mutable_code(), Text(list[j], "code", p, input::TextKind::kCode));
      ASSIGN_OR_RETURN(*w.mutable_name(), Text(list[j], "name", p, input::TextKind::kName));
      // The codes are the centre's window numbers: one hall, one numbering.
      if (auto [it, fresh] = window_paths_.emplace(w.code(), p + " (" + unit.name() + ")"); !fresh) {
        return Error(list[j]["code"], p + ".code",
                     absl::StrFormat("window %s is already %s", w.code(), it->second));
      }
    }
    return absl::OkStatus();
  }

  absl::Status Leaders(const YAML::Node& entry, const std::string& path, pb::ResidentUnit& unit) {
    const YAML::Node list = entry["leaders"];
    const std::string field = path + ".leaders";
    if (!list.IsDefined() || list.IsNull()) return absl::OkStatus();
    if (!list.IsSequence()) return Error(list, field, "must be a list of {id, name, title, role}");
    std::string main_path;
    std::string deputy_id, deputy_path;
    for (size_t j = 0; j < list.size(); ++j) {
      const std::string p = absl::StrFormat("%s[%d]", field, j);
      if (!list[j].IsMap()) return Error(list[j], p, "must be a mapping {id, name, title, role}");
      RETURN_IF_ERROR(OnlyKeys(list[j], p, {"id", "name", "title", "role"}));
      pb::Leader& l = *unit.add_leaders();
      ASSIGN_OR_RETURN(*l.mutable_id(), Text(list[j], "id", p, input::TextKind::kCode));
      ASSIGN_OR_RETURN(*l.mutable_name(), Text(list[j], "name", p, input::TextKind::kName));
      ASSIGN_OR_RETURN(*l.mutable_title(), Text(list[j], "title", p, input::TextKind::kName));
      ASSIGN_OR_RETURN(const std::string role, Text(list[j], "role", p, input::TextKind::kCode));
      if (role == "main") {
        l.set_role(pb::LEADER_ROLE_MAIN);
      } else if (role == "deputy") {
        l.set_role(pb::LEADER_ROLE_DEPUTY);
      } else if (role == "approval_chief") {
        l.set_role(pb::LEADER_ROLE_APPROVAL_CHIEF);
      } else {
        return Error(list[j]["role"], p + ".role",
                     absl::StrFormat("'%s' is not a role: main (主要领导), deputy (分管领导) or approval_chief "
                                     "(行政审批科长)",
                                     role));
      }
      // Leader ids name a person in registrations, records and exemptions, whatever the unit.
      if (auto [it, fresh] = leader_paths_.emplace(l.id(), p + " (" + unit.name() + ")"); !fresh) {
        return Error(list[j]["id"], p + ".id", absl::StrFormat("leader id %s is already %s", l.id(), it->second));
      }
      // 细则 二1 counts "主要领导" per unit, one a month: a unit has one.
      if (l.role() == pb::LEADER_ROLE_MAIN) {
        if (!main_path.empty()) {
          return Error(list[j]["role"], p + ".role",
                       absl::StrFormat("%s already has its main leader (主要领导) at %s", unit.name(), main_path));
        }
        main_path = p;
      }
      // 细则 二2 "高频事项的部门分管领导" is the unit's deputy in charge of its high-frequency matters: one.
      if (l.role() == pb::LEADER_ROLE_DEPUTY) {
        if (!deputy_id.empty()) {
          return Error(list[j]["role"], p + ".role",
                       absl::StrFormat("%s already has its deputy (分管领导) %s at %s; %s would be a second "
                                       "(细则 二2 \"高频事项的部门分管领导\": the unit's deputy in charge, one)",
                                       unit.name(), deputy_id, deputy_path, l.id()));
        }
        deputy_id = l.id();
        deputy_path = p;
      }
    }
    return absl::OkStatus();
  }

  const std::string file_;
  const UnitDirectory& units_;
  const HighFrequencyUnits& high_frequency_;
  std::map<std::string, std::string> unit_paths_;
  std::map<std::string, std::string> window_paths_;
  std::map<std::string, std::string> leader_paths_;
};

}  // namespace

bool HighFrequencyUnits::Contains(std::string_view unit) const {
  return std::find(names.begin(), names.end(), unit) != names.end();
}

absl::StatusOr<HighFrequencyUnits> HighFrequencyFromUnitsYaml(std::string_view units_yaml) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(units_yaml));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrFormat("the units file is not valid YAML: %s", e.what()));
  }
  HighFrequencyUnits out;
  try {
    const YAML::Node list = root.IsMap() ? root["units"] : YAML::Node();
    if (!list.IsSequence()) return absl::InvalidArgumentError("the units file has no list 'units'");
    for (size_t i = 0; i < list.size(); ++i) {
      const YAML::Node entry = list[i];
      if (!entry.IsMap()) {
        return absl::InvalidArgumentError(
            absl::StrFormat("the units file line %d: units[%d]: must be a mapping {name, aliases, high_frequency}",
                            LineOf(entry), i));
      }
      const YAML::Node hf = entry["high_frequency"];
      if (!hf.IsDefined() || hf.IsNull()) continue;
      std::optional<bool> flag = ParseBool(hf);
      if (!flag) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "the units file line %d: units[%d].high_frequency: must be true or false", LineOf(hf), i));
      }
      const YAML::Node name = entry["name"];
      if (!name.IsScalar() || name.Scalar().empty()) {
        return absl::InvalidArgumentError(
            absl::StrFormat("the units file line %d: units[%d].name: is required", LineOf(entry), i));
      }
      if (*flag && !out.Contains(name.Scalar())) out.names.push_back(name.Scalar());
    }
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrFormat("the units file has the wrong shape: %s", e.what()));
  }
  return out;
}

absl::StatusOr<pb::Directory> ParseDirectoryYaml(std::string_view yaml, std::string_view file_name,
                                                 const UnitDirectory& units,
                                                 const HighFrequencyUnits& high_frequency) {
  const std::string file = file_name.empty() ? "the directory file" : std::string(file_name);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    if (e.mark.is_null()) return absl::InvalidArgumentError(absl::StrFormat("%s: not valid YAML: %s", file, e.msg));
    return absl::InvalidArgumentError(
        absl::StrFormat("%s line %d, column %d: not valid YAML: %s", file, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  try {
    return DirectoryParser(file_name, units, high_frequency).Run(root);
  } catch (const YAML::Exception& e) {
    // A shape the checks above did not foresee: yaml-cpp throws when asked for what a node is not.
    if (e.mark.is_null()) return absl::InvalidArgumentError(absl::StrFormat("%s: wrong shape: %s", file, e.msg));
    return absl::InvalidArgumentError(absl::StrFormat("%s line %d: wrong shape: %s", file, e.mark.line + 1, e.msg));
  }
}

namespace {

struct WindowAt {
  std::string unit;
  const pb::Window* window = nullptr;
};
struct LeaderAt {
  std::string unit;
  const pb::Leader* leader = nullptr;
};

std::map<std::string, WindowAt> WindowsByCode(const pb::Directory& d) {
  std::map<std::string, WindowAt> out;
  for (const auto& u : d.units()) {
    for (const auto& w : u.windows()) out.emplace(w.code(), WindowAt{u.name(), &w});
  }
  return out;
}

std::map<std::string, LeaderAt> LeadersById(const pb::Directory& d) {
  std::map<std::string, LeaderAt> out;
  for (const auto& u : d.units()) {
    for (const auto& l : u.leaders()) out.emplace(l.id(), LeaderAt{u.name(), &l});
  }
  return out;
}

void Changed(std::vector<std::string>& out, std::string_view kind, std::string_view key, std::string_view field,
             std::string_view before, std::string_view after) {
  if (before != after) out.push_back(absl::StrFormat("~ %s %s %s %s -> %s", kind, key, field, before, after));
}

}  // namespace

std::vector<std::string> DiffDirectories(const pb::Directory& before, const pb::Directory& after) {
  std::vector<std::string> out;
  std::map<std::string, const pb::ResidentUnit*> old_units;
  std::map<std::string, const pb::ResidentUnit*> new_units;
  for (const auto& u : before.units()) old_units.emplace(u.name(), &u);
  for (const auto& u : after.units()) new_units.emplace(u.name(), &u);

  // In the new file's order, then what it no longer lists in the old file's order.
  for (const auto& u : after.units()) {
    auto it = old_units.find(u.name());
    if (it == old_units.end()) {
      out.push_back(absl::StrCat("+ unit ", u.name()));
      continue;
    }
    Changed(out, "unit", u.name(), "表3", YesNo(it->second->high_frequency()), YesNo(u.high_frequency()));
  }
  for (const auto& u : before.units()) {
    if (!new_units.contains(u.name())) out.push_back(absl::StrCat("- unit ", u.name()));
  }

  const auto old_windows = WindowsByCode(before);
  const auto new_windows = WindowsByCode(after);
  for (const auto& u : after.units()) {
    for (const auto& w : u.windows()) {
      auto it = old_windows.find(w.code());
      if (it == old_windows.end()) {
        out.push_back(absl::StrFormat("+ window %s %s (%s)", w.code(), w.name(), u.name()));
        continue;
      }
      Changed(out, "window", w.code(), "名称", it->second.window->name(), w.name());
      Changed(out, "window", w.code(), "单位", it->second.unit, u.name());
    }
  }
  for (const auto& u : before.units()) {
    for (const auto& w : u.windows()) {
      if (!new_windows.contains(w.code())) {
        out.push_back(absl::StrFormat("- window %s %s (%s)", w.code(), w.name(), u.name()));
      }
    }
  }

  const auto old_leaders = LeadersById(before);
  const auto new_leaders = LeadersById(after);
  for (const auto& u : after.units()) {
    for (const auto& l : u.leaders()) {
      auto it = old_leaders.find(l.id());
      if (it == old_leaders.end()) {
        out.push_back(absl::StrFormat("+ leader %s %s %s %s (%s)", l.id(), l.name(), l.title(),
                                      LeaderRoleName(l.role()), u.name()));
        continue;
      }
      const pb::Leader& was = *it->second.leader;
      Changed(out, "leader", l.id(), "姓名", was.name(), l.name());
      Changed(out, "leader", l.id(), "职务", was.title(), l.title());
      Changed(out, "leader", l.id(), "角色", LeaderRoleName(was.role()), LeaderRoleName(l.role()));
      Changed(out, "leader", l.id(), "单位", it->second.unit, u.name());
    }
  }
  for (const auto& u : before.units()) {
    for (const auto& l : u.leaders()) {
      if (!new_leaders.contains(l.id())) {
        out.push_back(absl::StrFormat("- leader %s %s (%s)", l.id(), l.name(), u.name()));
      }
    }
  }
  return out;
}

std::string_view LeaderRoleName(pb::LeaderRole role) {
  switch (role) {
    case pb::LEADER_ROLE_MAIN:
      return "主要领导";
    case pb::LEADER_ROLE_DEPUTY:
      return "分管领导";
    case pb::LEADER_ROLE_APPROVAL_CHIEF:
      return "行政审批科长";
    default:
      return "未指定";
  }
}

std::string_view SessionName(pb::Session session) {
  switch (session) {
    case pb::SESSION_MORNING:
      return "上午";
    case pb::SESSION_AFTERNOON:
      return "下午";
    case pb::SESSION_WHOLE_DAY:
      return "全天";
    default:
      return "未指定";
  }
}

}  // namespace ys::duty
