#include "services/notify/recipients.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/notify/recipients_internal.h"

namespace ys::notify {
namespace {

using recipients_internal::Make;
using recipients_internal::SplitId;

struct FixedRecipient {
  const char* id;
  const char* name;
  RecipientKind kind;
};
// The bodies the work plan addresses besides the catalog's (see the header).
constexpr FixedRecipient kFixed[] = {
    {"office", "市营商办", RecipientKind::kOffice},
    {"centre", "市政务服务中心", RecipientKind::kCentre},
    // 坐班细则 四.2: "报送市政务服务管理局及市政府分管领导".
    {"body:市政务服务管理局", "市政务服务管理局", RecipientKind::kGovernmentBody},
    {"body:市政府分管领导", "市政府分管领导", RecipientKind::kGovernmentBody},
    // 坐班细则 四.1: "通过政务网站、微信公众号和市政务服务中心大厅显示屏等平台公布".
    {"publication:政务网站", "政务网站", RecipientKind::kPublication},
    {"publication:微信公众号", "微信公众号", RecipientKind::kPublication},
    {"publication:大厅显示屏", "市政务服务中心大厅显示屏", RecipientKind::kPublication},
};

}  // namespace

absl::StatusOr<Recipients> DeriveRecipients(const CatalogView& catalog) {
  Recipients out;
  for (const CatalogView::Unit& u : catalog.units) {
    if (u.retired) continue;
    if (absl::Status s = out.units.Add(u.name, u.aliases); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("catalog unit ", u.name, ": ", s.message()));
    }
  }
  for (const FixedRecipient& f : kFixed) {
    // A publication stands for its platform ("大厅显示屏"), a body for itself.
    const std::string stands_for = f.kind == RecipientKind::kPublication ? SplitId(f.id).second : f.name;
    out.by_id.emplace(f.id, Make(f.id, f.name, f.kind, stands_for));
  }
  for (const char* body : kBulletinBodies) {
    const std::string id = absl::StrCat("body:", body);
    out.by_id.emplace(id, Make(id, body, RecipientKind::kGovernmentBody, body));
  }
  // A fixed body that is a catalog unit is that unit's recipient (one organisation, one inbox).
  for (const auto& [id, r] : out.by_id) {
    if (r.kind == RecipientKind::kPublication) continue;
    if (std::optional<std::string> unit = out.units.Canonical(r.stands_for)) {
      out.same_as[absl::StrCat("unit:", *unit)] = id;
    }
  }
  auto add_unit = [&](const std::string& name) {
    const std::string id = absl::StrCat("unit:", name);
    if (!out.same_as.contains(id)) out.by_id.try_emplace(id, Make(id, name, RecipientKind::kUnit, name));
  };
  for (const CatalogView::Unit& u : catalog.units) {
    if (!u.retired) add_unit(u.name);
  }

  std::vector<const CatalogView::Indicator*> indicators;
  for (const CatalogView::Indicator& i : catalog.indicators) {
    if (!i.retired) indicators.push_back(&i);
  }
  std::stable_sort(indicators.begin(), indicators.end(),
                   [](const auto* a, const auto* b) { return a->code < b->code; });
  std::map<std::string, std::vector<std::string>> heads;  // canonical unit -> heads, first named first
  for (const CatalogView::Indicator* indicator : indicators) {
    for (const CatalogView::ResponsibleUnit& ru : indicator->units) {
      const std::optional<std::string> unit = out.units.Canonical(ru.unit);
      if (!unit) {
        return absl::FailedPreconditionError(absl::StrCat("indicator ", indicator->code, " names unit ", ru.unit,
                                                          ", which the catalog view does not hold (or holds retired)"));
      }
      if (ru.head.empty()) continue;
      std::vector<std::string>& names = heads[*unit];
      if (std::find(names.begin(), names.end(), ru.head) == names.end()) names.push_back(ru.head);
    }
    if (!indicator->lead.empty()) {
      const std::string id = absl::StrCat("lead:", indicator->lead);
      out.by_id.try_emplace(id, Make(id, indicator->lead, RecipientKind::kLead, indicator->lead));
    }
  }
  for (const auto& [unit, names] : heads) {
    const std::string id = absl::StrCat("head:", unit);
    out.by_id.emplace(id,
                      Make(id, absl::StrCat(unit, "带班领导"), RecipientKind::kHead, absl::StrJoin(names, "、")));
  }
  for (const CatalogView::County& county : catalog.counties) {
    if (county.retired) continue;
    const std::string id = absl::StrCat("county:", county.code);
    out.by_id.try_emplace(id, Make(id, county.name, RecipientKind::kCounty, county.code));
  }
  return out;
}

}  // namespace ys::notify
