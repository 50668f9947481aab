#include "services/indicator/catalog.h"

#include <algorithm>
#include <memory>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/message_differencer.h"

namespace ys::indicator {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

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

}  // namespace ys::indicator
