#include "services/notify/documents/lifecycle.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "absl/strings/str_format.h"
#include "common/grpc/auth.h"
#include "common/status/macros.h"
#include "common/time/clock.h"
#include "common/time/period.h"
#include "common/time/proto_time.h"
#include "services/notify/recipients.h"

namespace ys::notify::documents {
namespace {

namespace rpb = ::yingshang::rectification::v1;

constexpr size_t kMaxCommentary = 4000;  // characters (UTF-8 code points), local policy

size_t CodePoints(std::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string Describe(const pb::Document& doc) {
  return doc.number().empty() ? doc.id() : absl::StrCat(doc.id(), "（", doc.number(), "）");
}

}  // namespace

absl::Status ValidateKindPeriod(pb::DocumentKind kind, std::string_view period) {
  if (kind != pb::DOCUMENT_KIND_BULLETIN && kind != pb::DOCUMENT_KIND_DISPATCH_PACK) {
    return absl::InvalidArgumentError("field 'kind': must be bulletin or dispatch_pack");
  }
  absl::StatusOr<Period> parsed = Period::Parse(std::string(period));
  const Period::Kind want = kind == pb::DOCUMENT_KIND_BULLETIN ? Period::Kind::kQuarter : Period::Kind::kMonth;
  if (!parsed.ok() || parsed->kind() != want) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "field 'period': %s is not a %s", std::string(period),
        kind == pb::DOCUMENT_KIND_BULLETIN ? "quarter such as 2022Q3" : "month such as 2022-09"));
  }
  return absl::OkStatus();
}

std::string DocumentId(pb::DocumentKind kind, std::string_view period, int version) {
  return absl::StrCat(kind == pb::DOCUMENT_KIND_BULLETIN ? "BUL-" : "DSP-", std::string(period), "-v", version);
}

absl::StatusOr<std::string> DefaultNumber(pb::DocumentKind kind, std::string_view period) {
  RETURN_IF_ERROR(ValidateKindPeriod(kind, period));
  ASSIGN_OR_RETURN(Period p, Period::Parse(std::string(period)));
  if (kind == pb::DOCUMENT_KIND_BULLETIN) return absl::StrFormat("%d年第%d期", p.year(), p.index());
  return absl::StrFormat("%d年%d月", p.year(), p.index());
}

std::string KindName(pb::DocumentKind kind) {
  return kind == pb::DOCUMENT_KIND_BULLETIN ? "通报" : "调度会材料";
}

std::string ContentHash(const pb::Document& doc) {
  pb::Document hashed;
  hashed.set_kind(doc.kind());
  hashed.set_period(doc.period());
  hashed.set_version(doc.version());
  hashed.set_number(doc.number());
  hashed.set_correction(doc.correction());
  hashed.set_corrects_id(doc.corrects_id());
  hashed.set_correction_reason(doc.correction_reason());
  *hashed.mutable_content() = doc.content();
  for (pb::SupervisionItem item : doc.items()) {
    item.clear_case_id();
    item.clear_case_error();
    *hashed.add_items() = std::move(item);
  }
  std::string bytes;
  // Deterministic: the same message gives the same bytes (maps sorted; there are none here).
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    hashed.SerializeToCodedStream(&coded);
  }
  return Sha256Hex(bytes);
}

absl::Status CheckDraft(const pb::Document& doc) {
  if (doc.state() == pb::DOCUMENT_STATE_DRAFT) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrFormat(
      "document %s is issued: an issued document is never edited; a correction (CorrectDocument) makes "
      "a new version",
      Describe(doc)));
}

pb::Document FirstDraft(pb::DocumentKind kind, std::string_view period) {
  pb::Document doc;
  doc.set_id(DocumentId(kind, period, 1));
  doc.set_kind(kind);
  doc.set_period(std::string(period));
  doc.set_version(1);
  doc.set_state(pb::DOCUMENT_STATE_DRAFT);
  return doc;
}

pb::Document Redraft(const pb::Document& previous, pb::DocumentContent content, std::string_view by,
                     absl::Time at) {
  std::map<std::string, std::string> commentary;
  for (const pb::Section& s : previous.content().sections()) {
    if (!s.commentary().empty()) commentary[s.key()] = s.commentary();
  }
  pb::Document doc = previous;
  for (pb::Section& s : *content.mutable_sections()) {
    auto found = commentary.find(s.key());
    if (found != commentary.end()) s.set_commentary(found->second);
  }
  *doc.mutable_content() = std::move(content);
  doc.set_drafted_by(std::string(by));
  *doc.mutable_drafted_at() = ToProtoTime(at);
  return doc;
}

absl::Status ApplyCommentary(pb::Document& doc, std::string_view section_key, std::string_view text) {
  RETURN_IF_ERROR(CheckDraft(doc));
  if (CodePoints(text) > kMaxCommentary) {
    return absl::InvalidArgumentError(
        absl::StrFormat("field 'commentary': %d characters; at most %d", CodePoints(text), kMaxCommentary));
  }
  for (pb::Section& s : *doc.mutable_content()->mutable_sections()) {
    if (s.key() == section_key) {
      s.set_commentary(std::string(text));
      return absl::OkStatus();
    }
  }
  return absl::NotFoundError(absl::StrFormat("field 'section_key': %s has no section %s", doc.id(), std::string(section_key)));
}

absl::StatusOr<std::vector<pb::SupervisionItem>> PickItems(const pb::Document& doc,
                                                           const std::vector<pb::SupervisionItem>& items) {
  RETURN_IF_ERROR(CheckDraft(doc));
  if (doc.kind() != pb::DOCUMENT_KIND_BULLETIN && !items.empty()) {
    return absl::FailedPreconditionError(
        "督办事项 are picked in a bulletin (§四(五) \"对通报督办事项……进行整改\"), not in a dispatch pack");
  }
  std::vector<pb::SupervisionItem> picked;
  for (size_t i = 0; i < items.size(); ++i) {
    pb::SupervisionItem item = items[i];
    if (item.unit().empty()) return absl::InvalidArgumentError(absl::StrFormat("field 'items[%d].unit': is required", i));
    if (item.title().empty()) {
      return absl::InvalidArgumentError(absl::StrFormat("field 'items[%d].title': is required", i));
    }
    item.clear_case_id();
    item.clear_case_error();
    // A case already opened for the same item (a correction's items) stays that item's.
    for (const pb::SupervisionItem& old : doc.items()) {
      if (old.unit() == item.unit() && old.indicator_code() == item.indicator_code() && old.title() == item.title()) {
        item.set_case_id(old.case_id());
      }
    }
    item.set_seq(static_cast<int32_t>(i + 1));
    picked.push_back(std::move(item));
  }
  return picked;
}

absl::Status CheckIssue(const pb::Document& doc, std::string_view number,
                        const std::vector<pb::Document>& same_number) {
  for (const pb::Document& other : same_number) {
    if (other.id() == doc.id() || other.id() == doc.corrects_id()) continue;
    if (doc.correction() && other.number() == number && other.period() == doc.period()) continue;
    return absl::AlreadyExistsError(absl::StrFormat(
        "field 'number': %s was issued as %s by %s at %s; a number is issued once (a correction keeps it)",
        std::string(number), other.id(), other.issued_by(), absl::FormatTime("%Y-%m-%d %H:%M", FromProtoTime(other.issued_at()), Shanghai())));
  }
  RETURN_IF_ERROR(CheckDraft(doc));
  if (number.empty()) return absl::InvalidArgumentError("field 'number': is required");
  if (!doc.content().missing().empty()) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s was assembled without %s: assemble it again (DraftDocument) when they answer", doc.id(),
        doc.content().missing(0)));
  }
  if (doc.content().sections().empty()) {
    return absl::FailedPreconditionError(absl::StrFormat("%s has not been assembled", doc.id()));
  }
  return absl::OkStatus();
}

pb::Document Issue(pb::Document doc, std::string_view number, std::string_view by, absl::Time at) {
  doc.set_state(pb::DOCUMENT_STATE_ISSUED);
  doc.set_number(std::string(number));
  doc.set_issued_by(std::string(by));
  *doc.mutable_issued_at() = ToProtoTime(at);
  doc.set_content_sha256(ContentHash(doc));
  return doc;
}

absl::StatusOr<pb::Document> CorrectionOf(const pb::Document& issued, std::string_view reason, int latest_version,
                                          std::string_view by, absl::Time at) {
  if (issued.state() != pb::DOCUMENT_STATE_ISSUED) {
    return absl::FailedPreconditionError(
        absl::StrFormat("%s is a draft: edit it; a correction is of an issued document", issued.id()));
  }
  if (latest_version != issued.version()) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s has a later version (v%d): correct the latest", issued.id(), latest_version));
  }
  if (reason.empty()) return absl::InvalidArgumentError("field 'reason': a correction says why (更正原因)");
  pb::Document doc = issued;
  doc.set_id(DocumentId(issued.kind(), issued.period(), issued.version() + 1));
  doc.set_version(issued.version() + 1);
  doc.set_state(pb::DOCUMENT_STATE_DRAFT);
  doc.set_correction(true);
  doc.set_corrects_id(issued.id());
  doc.set_correction_reason(std::string(reason));
  doc.clear_content_sha256();
  doc.clear_issued_by();
  doc.clear_issued_at();
  doc.clear_pdf_sha256();
  doc.clear_pdf_bytes();
  doc.clear_delivered_to();
  doc.set_drafted_by(std::string(by));
  *doc.mutable_drafted_at() = ToProtoTime(at);
  return doc;
}

rpb::OpenCaseRequest CaseRequest(const pb::Document& doc, const pb::SupervisionItem& item) {
  rpb::OpenCaseRequest req;
  req.set_origin(rpb::ORIGIN_BULLETIN);
  req.set_origin_ref(absl::StrCat(doc.number(), "#", item.seq()));
  req.set_unit(item.unit());
  req.set_region_code(item.region_code());
  req.set_indicator_code(item.indicator_code());
  req.set_period(doc.period());
  req.set_title(absl::StrCat("【", doc.number(), KindName(doc.kind()), "督办】", item.title()));
  req.set_description(absl::StrCat(
      item.description(), item.description().empty() ? "" : "\n",
      "依据：工作方案§四(五)“以一个月为时限，全市各地各单位对通报督办事项、排名靠后的工作进行整改，并在一个月内将整改落实情况报市营商办”。"));
  req.set_head(item.head());
  req.set_lead(item.lead());
  return req;
}

Addressees AddresseesOf(pb::DocumentKind kind, const std::vector<std::string>& extract_recipients) {
  Addressees out;
  if (kind == pb::DOCUMENT_KIND_BULLETIN) {
    for (const char* body : kBulletinBodies) out.whole.push_back(absl::StrCat("body:", body));
  } else {
    out.whole.push_back("body:市优化营商环境工作领导小组");
  }
  out.whole.push_back("office");
  std::set<std::string> seen(out.whole.begin(), out.whole.end());
  for (const std::string& r : extract_recipients) {
    if (seen.insert(r).second) out.extracts.push_back(r);
  }
  return out;
}

}  // namespace ys::notify::documents
