#pragma once

// The service centre's directory: resident units (named as the catalog names them, with the 表3
// high-frequency flag), their windows and their leaders (主要领导, 分管领导, 行政审批科长). Imported
// from YAML (data/duty/directory.sample.yaml shows the shape), versioned.
//
//   units:
//     - unit: 市自然资源局            # a catalog name or alias; stored under the canonical name
//       high_frequency: true         # optional; must agree with 表3 when the catalog file flags it
//       windows: [{code: A01, name: 自然资源综合窗口}]
//       leaders:
//         - {id: zrzy-main, name: 张某, title: 局长, role: main}        # main | deputy | approval_chief
//         - {id: zrzy-deputy, name: 李某, title: 副局长, role: deputy}
//         - {id: zrzy-chief, name: 王某, title: 行政审批科科长, role: approval_chief}

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/grpc/unit_directory.h"
#include "yingshang/duty/v1/duty.pb.h"

namespace ys::duty {

namespace pb = ::yingshang::duty::v1;

// The 表3 flag per canonical unit, read from the catalog's units file (`high_frequency: true`).
struct HighFrequencyUnits {
  std::vector<std::string> names;
  bool Contains(std::string_view unit) const;
};
absl::StatusOr<HighFrequencyUnits> HighFrequencyFromUnitsYaml(std::string_view units_yaml);

// Parses and validates a directory file. Unit names resolve through `units` (an unknown unit is an
// error naming it when `units` is not empty); a unit listed twice, a window code or leader id used
// twice, a leader without a name, title or known role, a second main leader or a second deputy in one
// unit (细则 二2 "高频事项的部门分管领导" names the unit's deputy in charge): INVALID_ARGUMENT naming
// file, entry and field.
// The high-frequency flag defaults to `high_frequency`'s; a file contradicting it is an error.
absl::StatusOr<pb::Directory> ParseDirectoryYaml(std::string_view yaml, std::string_view file_name,
                                                 const UnitDirectory& units,
                                                 const HighFrequencyUnits& high_frequency);

// What changes from `before` to `after`, one line each ("+ unit …", "- leader …", "~ leader … 职务 …").
std::vector<std::string> DiffDirectories(const pb::Directory& before, const pb::Directory& after);

std::string_view LeaderRoleName(pb::LeaderRole role);  // 主要领导 / 分管领导 / 行政审批科长
std::string_view SessionName(pb::Session session);     // 上午 / 下午 / 全天

}  // namespace ys::duty
