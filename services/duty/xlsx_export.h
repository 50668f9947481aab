#pragma once

// The centre's forms as .xlsx (libxlsxwriter), in its own column layout, to print and file:
// 表1 登记表 (日期, 进驻部门, 窗口, 姓名, 职务, then 时段 and 登记情况), 表2 情况记录单 (one sheet per record,
// laid out like the paper form), the week's roster, the compliance report, the staff check.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "yingshang/duty/v1/duty.pb.h"

namespace ys::duty {

namespace pb = ::yingshang::duty::v1;

// The 表1 column headings, in the form's order (then the two the system adds).
inline constexpr const char* kForm1Columns[] = {"日期", "进驻部门", "窗口", "姓名", "职务", "时段", "登记情况"};

absl::StatusOr<std::string> RegistrationsXlsx(const std::string& title,
                                              const std::vector<pb::Registration>& registrations);
absl::StatusOr<std::string> RecordsXlsx(const std::vector<pb::DutyRecord>& records);
absl::StatusOr<std::string> RosterXlsx(const pb::Roster& roster);
absl::StatusOr<std::string> ComplianceXlsx(const pb::ComplianceReport& report);
absl::StatusOr<std::string> StaffXlsx(const std::vector<pb::StaffMember>& staff,
                                      const pb::StaffCheckReport& check);

}  // namespace ys::duty
