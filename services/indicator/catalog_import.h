#pragma once

// Internal to the catalog import (ParseCatalogFile in catalog.h): the parser class, whose sections
// are defined across catalog_import*.cc. Not for use outside those files.

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "services/indicator/catalog.h"
#include "yaml-cpp/yaml.h"

namespace ys::indicator::catalog_import {

int LineOf(const YAML::Node& n);

// Reads one catalog file into a copy of the existing catalog, collecting problems with paths.
class Parser {
 public:
  Parser(const Catalog& existing, const ImportOptions& options) : options_(options) {
    out_.catalog = existing;
  }

  ParsedImport Run(const YAML::Node& file);

 private:
  // --- the file and its fields (catalog_import.cc) ----------------------------------------------
  static pb::ImportProblem MakeProblem(const std::string& path, const std::string& message, int line);
  void Problem(const std::string& path, const std::string& message, int line = 0);
  void Warning(const std::string& path, const std::string& message, int line = 0);
  YAML::Node AllowedSections(const YAML::Node& file);
  bool See(const std::string& key, const std::string& path, int line = 0);
  std::string Str(const YAML::Node& n, const std::string& key, const std::string& path,
                  bool required);
  bool Text(const std::string& path, const std::string& value, int line = 0);
  bool Bool(const YAML::Node& n, const std::string& key, const std::string& path);
  int Int(const YAML::Node& n, const std::string& key, const std::string& path);
  std::vector<std::string> StrList(const YAML::Node& n, const std::string& path);
  void RetireAbsent();

  // --- units (catalog_import.cc) ----------------------------------------------------------------
  void Units(const YAML::Node& list, const std::string& path);
  std::string UnitRef(const std::string& name, const std::string& path, bool define, int line = 0);
  const pb::Unit* ResolveFresh(const std::string& name);
  void HighFrequency(const YAML::Node& list);

  // --- regions (catalog_import_regions.cc) ------------------------------------------------------
  void AddRegion(const std::string& code, const std::string& name, pb::RegionKind kind,
                 const std::string& parent, const std::string& path, bool retired = false);
  void Province(const YAML::Node& n);
  void Cities(const YAML::Node& list);
  void SimpleCounties(const YAML::Node& list, const std::string& path);
  void JiangxiCounties(const YAML::Node& n);
  void Zones(const YAML::Node& list);
  void FunctionalZones(const YAML::Node& list);
  void Regions(const YAML::Node& list);

  // --- indicators (catalog_import_indicators.cc) ------------------------------------------------
  void CheckDates(pb::Indicator& ind, const YAML::Node& n, const std::string& p);
  void Leader(const std::string& name, const std::string& role);
  void IndicatorUnits(pb::Indicator& ind, const YAML::Node& units, const std::string& p,
                      bool define);
  void IndicatorList(const YAML::Node& list, const std::string& path, pb::IndicatorLevel level);
  void SecondLevelDraft(const YAML::Node& map);
  void ResolveParents();

  // --- programme items and targets (catalog_import_programme.cc) --------------------------------
  void ItemNames(const YAML::Node& n, const std::string& path, pb::ProgrammeItemKind kind,
                 const char* prefix, int width);
  void ProgrammeItems(const YAML::Node& n);
  void Environments(const YAML::Node& list);
  void EnvironmentTasks(const YAML::Node& list);
  bool ItemHead(const YAML::Node& n, const std::string& p, pb::ProgrammeItemKind kind, pb::ProgrammeItem* item);
  bool CheckProvenance(const pb::ProgrammeItem& item, const std::string& p, int line);
  void CheckTasks();
  void CountProgramme();
  void Targets(const YAML::Node& list, const std::string& path);

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

}  // namespace ys::indicator::catalog_import
