#pragma once

// A document's life, as pure functions on plain values (the desk loads, asks these, writes):
//
//   draft ──(re-assembled on demand; the office comments per section and picks the 督办事项)──►
//   issued (an immutable snapshot: a number, its content hash, who and when) ──► delivered (notify's
//   deliveries: the seven bodies get the PDF, each unit and county its extract) ──► each 督办事项 one
//   rectification case (origin 通报督办, due a calendar month after issue).
//   A correction is a new version marked 更正 (CorrectionOf), never an edit; both stay retrievable.
//
// The plan's words behind it:
//   §四(三) "每月召开优化营商环境工作调度会" — the monthly dispatch pack;
//   §四(四) "每季度定期通报……报送市委、市人大、市政府、市政协、市纪委监委、市委组织部、市委宣传部" — the bulletin
//     and its seven addressees (recipients_derive.cc kBulletinBodies);
//   §四(五) "以一个月为时限，全市各地各单位对通报督办事项……进行整改，并在一个月内将整改落实情况报市营商办" —
//     each 督办事项 a case due a calendar month later (rectification's deadline rule);
//   §四(六) "一是督办通报事项整改落实情况" — the office follows those cases up.
// Local policy (the plan gives none of it; docs/documents.md): the numbering "2022年第3期" (a
// bulletin by its quarter) and "2022年9月" (a dispatch pack by its month); 督办事项 only on bulletins;
// a document with a source that did not answer is not issued.

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "yingshang/notify/v1/documents.pb.h"
#include "yingshang/rectification/v1/rectification.pb.h"

namespace ys::notify::documents {

namespace pb = ::yingshang::notify::v1;

// INVALID_ARGUMENT naming 'kind' or 'period': a dispatch pack is a month ("2022-09"), a bulletin a
// quarter ("2022Q3").
absl::Status ValidateKindPeriod(pb::DocumentKind kind, std::string_view period);

// "BUL-2022Q3-v1", "DSP-2022-09-v2".
std::string DocumentId(pb::DocumentKind kind, std::string_view period, int version);

// The number an issue gets when the office gives none (local policy): "2022年第3期", "2022年9月".
absl::StatusOr<std::string> DefaultNumber(pb::DocumentKind kind, std::string_view period);

// "通报" / "调度会材料", for messages.
std::string KindName(pb::DocumentKind kind);

// SHA-256 (hex) of what was issued: the content with the office's commentary, the 督办事项 as picked
// (not the case ids they get later), the number, the version and the correction. The same document
// gives the same hash; any change to what a reader reads changes it.
std::string ContentHash(const pb::Document& doc);

// FAILED_PRECONDITION unless `doc` is a draft: an issued document is never edited.
absl::Status CheckDraft(const pb::Document& doc);

// A new assembly of a draft: `content` replaces the old one, keeping the commentary of each section
// whose key is still there; the items stay. `previous` may be empty (the first draft).
pb::Document Redraft(const pb::Document& previous, pb::DocumentContent content, std::string_view by,
                     absl::Time at);

// The first draft of kind/period, version 1.
pb::Document FirstDraft(pb::DocumentKind kind, std::string_view period);

// The office's commentary on one section: NOT_FOUND naming 'section_key' when there is no such
// section; INVALID_ARGUMENT for text over 4,000 characters.
absl::Status ApplyCommentary(pb::Document& doc, std::string_view section_key, std::string_view text);

// The 督办事项 as picked: seq 1..n in order; each needs a unit and a title (INVALID_ARGUMENT naming
// 'items[i].unit'); case ids already opened are kept for the same (unit, indicator, title); a
// dispatch pack has none (FAILED_PRECONDITION: §四(五) speaks of 通报督办事项).
absl::StatusOr<std::vector<pb::SupervisionItem>> PickItems(const pb::Document& doc,
                                                           const std::vector<pb::SupervisionItem>& items);

// Whether `doc` may be issued as `number` given the issued documents of its kind holding that number
// (`same_number`): FAILED_PRECONDITION when not a draft or a source is missing; ALREADY_EXISTS when
// another document holds the number (a correction holds the number of what it corrects); the
// message names the holder and when it was issued.
absl::Status CheckIssue(const pb::Document& doc, std::string_view number,
                        const std::vector<pb::Document>& same_number);

// `doc` issued: state, number, who, when, hash.
pb::Document Issue(pb::Document doc, std::string_view number, std::string_view by, absl::Time at);

// The next version of an issued document, a draft marked 更正 with `reason` (INVALID_ARGUMENT naming
// 'reason' when empty; FAILED_PRECONDITION when `issued` is not issued or a later version exists,
// `latest_version` being the highest version of its period).
absl::StatusOr<pb::Document> CorrectionOf(const pb::Document& issued, std::string_view reason,
                                          int latest_version, std::string_view by, absl::Time at);

// The case a 督办事项 opens: origin BULLETIN, origin_ref "<number>#<seq>" (so a retry opens nothing
// new: rectification answers the same case), the item's unit, region, indicator, the document's
// period, a title naming the bulletin, the plan's words in the description.
yingshang::rectification::v1::OpenCaseRequest CaseRequest(const pb::Document& doc, const pb::SupervisionItem& item);

// The recipients of an issued document. A bulletin: the seven bodies of §四(四) (the whole document,
// the PDF attached) and the office; a dispatch pack (local policy: the plan names no addressees for
// the meeting's material): the office and the leading group (body:市优化营商环境工作领导小组). Then
// each unit and county with an extract (`extract_recipients`, from extract.h), without repeats.
struct Addressees {
  std::vector<std::string> whole;     // "body:市委" …
  std::vector<std::string> extracts;  // "unit:市商务局", "county:361102" …
};
Addressees AddresseesOf(pb::DocumentKind kind, const std::vector<std::string>& extract_recipients);

}  // namespace ys::notify::documents
