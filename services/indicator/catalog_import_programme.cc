#include "services/indicator/catalog_import.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/time/period.h"
#include "services/indicator/catalog_format.h"

namespace ys::indicator::catalog_import {
namespace {

// Where a programme item came from (ProgrammeItem.provenance).
constexpr const char* kProvenances[] = {"SEED", "SRC", "DRAFT", "OFFICIAL", "SAMPLE"};
// How a made-up name is marked wherever it is shown.
constexpr char kSampleMark[] = "【样例】";

}  // namespace

// --- programme items and targets -----------------------------------------------------------
void Parser::ItemNames(const YAML::Node& n, const std::string& path, pb::ProgrammeItemKind kind,
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

void Parser::ProgrammeItems(const YAML::Node& n) {
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
void Parser::Environments(const YAML::Node& list) {
  if (!list.IsSequence()) return Problem("environments", "must be a list of {code, name}", LineOf(list));
  touched_programme_ = true;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string p = absl::StrFormat("environments[%d]", i);
    pb::ProgrammeItem item;
    if (!ItemHead(list[i], p, pb::PROGRAMME_ITEM_KIND_ENVIRONMENT, &item)) continue;
    out_.catalog.programme_items[item.code()] = item;
  }
}

void Parser::EnvironmentTasks(const YAML::Node& list) {
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
bool Parser::ItemHead(const YAML::Node& n, const std::string& p, pb::ProgrammeItemKind kind, pb::ProgrammeItem* item) {
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
bool Parser::CheckProvenance(const pb::ProgrammeItem& item, const std::string& p, int line) {
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
void Parser::CheckTasks() {
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
void Parser::CountProgramme() {
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

void Parser::Targets(const YAML::Node& list, const std::string& path) {
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

}  // namespace ys::indicator::catalog_import
