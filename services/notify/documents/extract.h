#pragma once

// A recipient's extract of a document (issue #16): each unit and county gets the rows that concern it
// (Row.units, Row.region_codes), not the whole document — the whole goes to the seven bodies of
// §四(四) "报送市委、市人大、市政府、市政协、市纪委监委、市委组织部、市委宣传部".

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "yingshang/notify/v1/documents.pb.h"

namespace ys::notify::documents {

namespace pb = ::yingshang::notify::v1;

// recipient "unit:<name>" or "county:<code>"; INVALID_ARGUMENT otherwise.
// Keeps every section with its title and plan_basis, the tables' rows that concern the recipient (the
// tables with none are dropped), the content's notes and missing sources; drops the charts, the rows
// concerning others and the city-wide rows (neither units nor region_codes). The summary sentences
// become ones about the recipient ("本单位牵头的一级指标3项，其中排名全省后三位1项"); a "数据暂缺" sentence
// stays, and so does the section's commentary (the office's words to every reader).
absl::StatusOr<pb::DocumentContent> ExtractFor(const pb::DocumentContent& content, std::string_view recipient);

// Everyone who has an extract: "unit:<name>" for each unit in any row's units, "county:<code>" for each
// county's region code (6 digits) in any row; sorted, unique.
std::vector<std::string> ExtractRecipients(const pb::DocumentContent& content);

// The extract as plain text for an e-mail body: the title and subtitle, then each section's title,
// its sentences, and each table's title and rows as "列: 值；列: 值" lines.
std::string ExtractText(const pb::DocumentContent& extract);

}  // namespace ys::notify::documents
