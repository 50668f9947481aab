#include "services/indicator/catalog.h"

#include <string>

#include "services/indicator/catalog_format.h"
#include "yaml-cpp/yaml.h"

namespace ys::indicator {
namespace {

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
