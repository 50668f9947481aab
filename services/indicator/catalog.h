#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "yingshang/indicator/v1/catalog.pb.h"

namespace ys::indicator {

namespace pb = ::yingshang::indicator::v1;

// The whole catalog as values, keyed by id. Pure data: parsing, validation, diffing and export are
// functions of it, with no I/O.
struct Catalog {
  std::map<std::string, pb::Indicator> indicators;  // by code
  std::map<std::string, pb::Region> regions;        // by code
  std::map<std::string, pb::Unit> units;            // by canonical name
  std::map<std::string, pb::Leader> leaders;        // by name
  std::map<std::string, pb::ProgrammeItem> programme_items;  // by code
  std::map<std::string, pb::Target> targets;                 // by id

  // Canonical unit for a name or an alias; nullptr when unknown or retired.
  const pb::Unit* ResolveUnit(const std::string& name_or_alias) const;
  // The catalog record of an entity: "indicator/I01" -> CatalogEntity.
  std::map<std::string, pb::CatalogEntity> Entities() const;
  static Catalog FromEntities(const std::vector<pb::CatalogEntity>& entities);
};

// The entity kinds an import file describes completely: an entity of such a kind that the file does
// not mention is retired. Kinds a file only touches (units named by an indicator) are never retired
// by absence.
struct ImportScope {
  std::set<std::string> complete;  // "indicator:1", "indicator:2", "region:2", "unit", ...
};

struct ParsedImport {
  Catalog catalog;  // what the file says, merged over the existing catalog
  ImportScope scope;
  std::vector<pb::ImportProblem> problems;
  std::vector<pb::ImportProblem> warnings;  // reported, but do not stop the import
  std::map<std::string, int> counts;  // entity type -> entities the file holds
};

struct ImportOptions {
  // When not empty, the only top-level sections the file may hold; any other is a problem.
  std::set<std::string> sections;
};

// The plan's counts (§三 领班职责①, §四(三) 三, §四(四) 二: "五大环境30项具体任务").
inline constexpr int kEnvironmentCount = 5;
inline constexpr int kEnvironmentTaskCount = 30;

// Parses a catalog file in the seed format (first_level, second_level_draft, second_level,
// province/cities/shangrao_counties/jiangxi_counties/shangrao_functional_zones, functional_zones,
// regions, units, high_frequency_units, programme.quarter_targets, programme_items, environments,
// environment_tasks) against the current catalog. INVALID_ARGUMENT only when the text is not YAML;
// every other problem is listed with its path and, where known, its line.
//
// environments and environment_tasks hold the 五大环境 and their 30 tasks and may come in parts: an
// entry adds or changes its item, an absent one stays (retire one with `retired: true`). A task names
// its 环境 (the code of an environment of the catalog or the file) and its lead units (names or
// aliases of the catalog's units). The catalog then holding more than the plan's five environments
// is a problem; fewer, or other than 30 tasks, a warning.
absl::StatusOr<ParsedImport> ParseCatalogFile(const std::string& yaml, const Catalog& existing,
                                              const ImportOptions& options = {});

struct CatalogDiff {
  std::vector<pb::EntityChange> changes;
  std::vector<pb::CatalogEntity> writes;  // the new state of every added, changed or retired entity
};

// What applying `parsed` to `existing` changes, per entity.
CatalogDiff DiffCatalog(const Catalog& existing, const ParsedImport& parsed);

// The catalog in the import format (import of the export changes nothing).
std::string ExportCatalogYaml(const Catalog& catalog, bool include_retired);

// "indicator/I01": the Kafka key and store id of an entity.
std::string EntityKey(const pb::CatalogEntity& entity);
std::string EntityType(const pb::CatalogEntity& entity);
bool IsRetired(const pb::CatalogEntity& entity);

}  // namespace ys::indicator
