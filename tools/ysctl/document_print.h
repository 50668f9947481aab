#pragma once

// How the document commands print notify's documents (the monthly dispatch pack and the quarterly
// bulletin, issue #16): the summary an operator checks before and after issuing, the sections, the
// 督办事项 with their cases. Domain words in Chinese, times in Asia/Shanghai.

#include <ostream>
#include <string>

#include "yingshang/notify/v1/documents.pb.h"
#include "yingshang/rectification/v1/rectification.pb.h"

namespace ys::ysctl::document_print {

namespace pb = ::yingshang::notify::v1;
namespace rpb = ::yingshang::rectification::v1;

std::string StateName(pb::DocumentState s);   // 草稿, 已签发
std::string KindName(pb::DocumentKind k);     // 调度会材料, 通报
std::string CaseStateName(rpb::State s);      // the console's words: 待整改, 整改中 …

// The document: id and title, 版本, 状态, 编号, 更正 and its reason, drafted/issued by and at, the
// hashes, how many recipients the issue addressed, one warning line per missing source, the notes,
// then the sections and the 督办事项. `all_sections`: every summary line, the tables with their row
// counts, the charts and the office's commentary; otherwise one summary line per section.
void PrintDocument(std::ostream& out, const pb::Document& d, bool all_sections);
inline void PrintSummary(std::ostream& out, const pb::Document& d) { PrintDocument(out, d, false); }

// One line of a list: id, period, version, state, number, issued at.
std::string ListLine(const pb::Document& d);

// "3  市商务局（361102）  I05  title  → RC-000123"; an item without a case yet: "待立案" and the last
// refusal from rectification, if any.
std::string ItemLine(const pb::SupervisionItem& item);
// The item's case as rectification has it now ("RC-000123 整改中  截止 2022-11-10（逾期 3 天）"), or
// why it could not be read (`lookup_error`, when `c` is null).
std::string CaseLine(const rpb::Case* c, const std::string& lookup_error);

}  // namespace ys::ysctl::document_print
