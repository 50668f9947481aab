#include "services/notify/documents/document_desk.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/grpc/auth.h"
#include "common/log/log.h"
#include "common/status/macros.h"
#include "common/time/proto_time.h"
#include "services/notify/documents/document_deliveries.h"
#include "services/notify/documents/extract.h"
#include "services/notify/documents/lifecycle.h"
#include "services/notify/documents/render_html.h"
#include "services/notify/documents/render_xlsx.h"
#include "services/notify/desk_paging.h"

namespace ys::notify::documents {
namespace {

absl::Status OfficeOnly(const Actor& actor) {
  if (actor.office) return absl::OkStatus();
  return absl::PermissionDeniedError("documents are drafted, edited and issued by the office (市营商办)");
}

// A unit or county reads issued documents only.
absl::Status MayRead(const Actor& actor, const pb::Document& doc) {
  if (OwnExtract(actor).empty() || doc.state() == pb::DOCUMENT_STATE_ISSUED) return absl::OkStatus();
  return absl::NotFoundError(absl::StrFormat("no issued document %s", doc.id()));
}

pb::Document WithoutContent(pb::Document doc) {
  doc.clear_content();
  return doc;
}

}  // namespace

std::string OwnExtract(const Actor& actor) {
  if (actor.office || actor.viewer || actor.lead) return "";
  if (actor.unit) return absl::StrCat("unit:", *actor.unit);
  if (actor.county) return absl::StrCat("county:", *actor.county);
  return "none:";  // a role with no extract of its own reads nothing
}

absl::StatusOr<std::optional<pb::Document>> DocumentDesk::Latest(NotifyTx& tx, pb::DocumentKind kind,
                                                                 const std::string& period) {
  ASSIGN_OR_RETURN(std::vector<pb::Document> found, tx.Documents({.kind = kind, .period = period, .limit = 1}));
  if (found.empty()) return std::nullopt;
  return found.front();
}

absl::StatusOr<pb::Document> DocumentDesk::Load(NotifyTx& tx, const pb::GetDocumentRequest& request) {
  if (!request.id().empty()) {
    ASSIGN_OR_RETURN(std::optional<pb::Document> doc, tx.Document(request.id()));
    if (!doc) return absl::NotFoundError(absl::StrFormat("field 'id': no document %s", request.id()));
    return *std::move(doc);
  }
  RETURN_IF_ERROR(ValidateKindPeriod(request.kind(), request.period()));
  if (request.version() > 0) {
    const std::string id = DocumentId(request.kind(), request.period(), request.version());
    ASSIGN_OR_RETURN(std::optional<pb::Document> doc, tx.Document(id));
    if (!doc) return absl::NotFoundError(absl::StrFormat("field 'version': no document %s", id));
    return *std::move(doc);
  }
  ASSIGN_OR_RETURN(std::optional<pb::Document> latest, Latest(tx, request.kind(), request.period()));
  if (!latest) {
    return absl::NotFoundError(absl::StrFormat("no %s for %s yet: draft one (DraftDocument)",
                                               KindName(request.kind()), request.period()));
  }
  return *std::move(latest);
}

absl::StatusOr<pb::Document> DocumentDesk::Draft(const Actor& actor, const pb::DraftDocumentRequest& request) {
  RETURN_IF_ERROR(OfficeOnly(actor));
  RETURN_IF_ERROR(ValidateKindPeriod(request.kind(), request.period()));
  const absl::Time now = clock_.Now();
  // Refused before the slow assembly when the period's latest is issued.
  RETURN_IF_ERROR(store_.Read([&](NotifyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<pb::Document> latest, Latest(tx, request.kind(), request.period()));
    if (latest && latest->state() == pb::DOCUMENT_STATE_ISSUED) return CheckDraft(*latest);
    return absl::OkStatus();
  }));
  AssembleRequest assemble;
  assemble.kind = request.kind();
  assemble.period = request.period();
  assemble.cut_off = request.has_cut_off() ? FromProtoTime(request.cut_off()) : now;
  assemble.city_code = options_.city_code;
  ASSIGN_OR_RETURN(pb::DocumentContent content, Assemble(assemble, sources_));
  pb::Document doc;
  RETURN_IF_ERROR(store_.Write([&](NotifyTx& tx) -> absl::Status {
    RETURN_IF_ERROR(tx.LockDocuments());
    ASSIGN_OR_RETURN(std::optional<pb::Document> latest, Latest(tx, request.kind(), request.period()));
    if (latest) RETURN_IF_ERROR(CheckDraft(*latest));
    doc = Redraft(latest ? *latest : FirstDraft(request.kind(), request.period()), content, actor.name, now);
    return tx.PutDocument(doc);
  }));
  return doc;
}

absl::StatusOr<pb::Document> DocumentDesk::Get(const Actor& actor, const pb::GetDocumentRequest& request) {
  pb::Document doc;
  RETURN_IF_ERROR(store_.Read([&](NotifyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(doc, Load(tx, request));
    return absl::OkStatus();
  }));
  RETURN_IF_ERROR(MayRead(actor, doc));
  if (const std::string own = OwnExtract(actor); !own.empty()) {
    ASSIGN_OR_RETURN(*doc.mutable_content(), ExtractFor(doc.content(), own));
    doc.clear_items();
  }
  return doc;
}

absl::StatusOr<pb::ListDocumentsResponse> DocumentDesk::List(const Actor& actor,
                                                             const pb::ListDocumentsRequest& request) {
  ASSIGN_OR_RETURN(PageWindow window, ParseStorePage(request.page()));
  DocumentFilter filter{.kind = request.kind(), .period = request.period()};
  if (!OwnExtract(actor).empty()) filter.state = pb::DOCUMENT_STATE_ISSUED;
  filter.offset = static_cast<int>(window.offset);
  filter.limit = static_cast<int>(window.size) + 1;  // one more: is there a next page?
  pb::ListDocumentsResponse out;
  RETURN_IF_ERROR(store_.Read([&](NotifyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<pb::Document> found, tx.Documents(filter));
    const size_t seen = window.offset + found.size();
    if (found.size() > window.size) found.pop_back();
    for (pb::Document& d : found) *out.add_documents() = WithoutContent(std::move(d));
    out.mutable_page()->set_next_page_token(NextPageToken(window, seen));
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<pb::Document> DocumentDesk::ChangeDraft(const std::string& id,
                                                       const std::function<absl::Status(pb::Document&)>& change) {
  pb::Document doc;
  RETURN_IF_ERROR(store_.Write([&](NotifyTx& tx) -> absl::Status {
    RETURN_IF_ERROR(tx.LockDocuments());
    pb::GetDocumentRequest get;
    get.set_id(id);
    ASSIGN_OR_RETURN(doc, Load(tx, get));
    RETURN_IF_ERROR(CheckDraft(doc));
    RETURN_IF_ERROR(change(doc));
    return tx.PutDocument(doc);
  }));
  return doc;
}

absl::StatusOr<pb::Document> DocumentDesk::SetCommentary(const Actor& actor, const pb::SetCommentaryRequest& request) {
  RETURN_IF_ERROR(OfficeOnly(actor));
  return ChangeDraft(request.id(), [&](pb::Document& doc) {
    return ApplyCommentary(doc, request.section_key(), request.commentary());
  });
}

absl::StatusOr<pb::Document> DocumentDesk::SetItems(const Actor& actor, const pb::SetItemsRequest& request) {
  RETURN_IF_ERROR(OfficeOnly(actor));
  const std::vector<pb::SupervisionItem> items(request.items().begin(), request.items().end());
  return ChangeDraft(request.id(), [&](pb::Document& doc) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<pb::SupervisionItem> picked, PickItems(doc, items));
    doc.clear_items();
    for (pb::SupervisionItem& item : picked) *doc.add_items() = std::move(item);
    return absl::OkStatus();
  });
}

absl::StatusOr<pb::Document> DocumentDesk::Issue(const Actor& actor, const pb::IssueDocumentRequest& request) {
  RETURN_IF_ERROR(OfficeOnly(actor));
  const absl::Time now = clock_.Now();
  pb::Document draft;
  std::vector<pb::Document> same_number;
  std::string number = request.number();
  RETURN_IF_ERROR(store_.Read([&](NotifyTx& tx) -> absl::Status {
    pb::GetDocumentRequest get;
    get.set_id(request.id());
    ASSIGN_OR_RETURN(draft, Load(tx, get));
    if (draft.correction()) {
      ASSIGN_OR_RETURN(std::optional<pb::Document> corrected, tx.Document(draft.corrects_id()));
      if (corrected) number = corrected->number();  // a correction keeps the number it corrects
    }
    if (number.empty()) {
      ASSIGN_OR_RETURN(number, DefaultNumber(draft.kind(), draft.period()));
    }
    ASSIGN_OR_RETURN(same_number, tx.Documents({.kind = draft.kind(), .number = number,
                                                .state = pb::DOCUMENT_STATE_ISSUED}));
    return absl::OkStatus();
  }));
  RETURN_IF_ERROR(CheckIssue(draft, number, same_number));
  pb::Document issued = documents::Issue(draft, number, actor.name, now);
  // 1. The PDF of exactly what is issued, before the unit of work (Chromium takes seconds).
  ASSIGN_OR_RETURN(std::string pdf, printer_.Print(RenderHtml(issued)));
  issued.set_pdf_sha256(Sha256Hex(pdf));
  issued.set_pdf_bytes(static_cast<int64_t>(pdf.size()));
  const std::shared_ptr<const Recipients> recipients = book_.Current();
  // 2. The snapshot, its PDF and its deliveries together.
  RETURN_IF_ERROR(store_.Write([&](NotifyTx& tx) -> absl::Status {
    RETURN_IF_ERROR(tx.LockDocuments());
    ASSIGN_OR_RETURN(std::optional<pb::Document> now_stored, tx.Document(draft.id()));
    if (!now_stored || ContentHash(*now_stored) != ContentHash(draft) ||
        now_stored->state() != pb::DOCUMENT_STATE_DRAFT) {
      if (now_stored && now_stored->state() == pb::DOCUMENT_STATE_ISSUED) return CheckDraft(*now_stored);
      return absl::AbortedError(
          absl::StrFormat("%s changed while it was being issued (re-assembled or edited): issue it again", draft.id()));
    }
    ASSIGN_OR_RETURN(std::vector<pb::Document> holders, tx.Documents({.kind = draft.kind(), .number = number,
                                                                      .state = pb::DOCUMENT_STATE_ISSUED}));
    RETURN_IF_ERROR(CheckIssue(draft, number, holders));
    ASSIGN_OR_RETURN(QueuedDeliveries queued, QueueDeliveries(tx, issued, *recipients, now));
    issued.clear_delivered_to();
    for (const std::string& r : queued.addressed) issued.add_delivered_to(r);
    // Who the recipients in force lack is not written into the snapshot (it is hashed and printed):
    // delivered_to says who was addressed, the log who was not.
    for (const std::string& r : queued.skipped) {
      log::Warn("documents: an addressee is not among the recipients in force", {{"document", issued.id()}, {"recipient", r}});
    }
    RETURN_IF_ERROR(tx.PutDocumentFile(issued.id(), pb::RENDER_FORMAT_PDF, pdf));
    return tx.PutDocument(issued);
  }));
  // 3. The 督办事项 as cases; what fails here is retried by the worker (OpenPendingCases).
  (void)OpenPendingCases();
  pb::Document out;
  RETURN_IF_ERROR(store_.Read([&](NotifyTx& tx) -> absl::Status {
    pb::GetDocumentRequest get;
    get.set_id(issued.id());
    ASSIGN_OR_RETURN(out, Load(tx, get));
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<pb::Document> DocumentDesk::Correct(const Actor& actor, const pb::CorrectDocumentRequest& request) {
  RETURN_IF_ERROR(OfficeOnly(actor));
  const absl::Time now = clock_.Now();
  pb::Document correction;
  RETURN_IF_ERROR(store_.Write([&](NotifyTx& tx) -> absl::Status {
    RETURN_IF_ERROR(tx.LockDocuments());
    pb::GetDocumentRequest get;
    get.set_id(request.id());
    ASSIGN_OR_RETURN(pb::Document issued, Load(tx, get));
    ASSIGN_OR_RETURN(std::optional<pb::Document> latest, Latest(tx, issued.kind(), issued.period()));
    ASSIGN_OR_RETURN(correction, CorrectionOf(issued, request.reason(), latest->version(), actor.name, now));
    return tx.PutDocument(correction);
  }));
  return correction;
}

std::string DocumentDesk::Canonical(const std::string& recipient) const {
  // Rows name units by their catalog names: "unit:市住建局" is "unit:市住房和城乡建设局".
  if (!recipient.starts_with("unit:")) return recipient;
  std::optional<std::string> name = book_.Current()->units.Canonical(recipient.substr(5));
  return name ? absl::StrCat("unit:", *name) : recipient;
}

std::string DocumentDesk::NameOf(const std::string& recipient) const {
  const std::shared_ptr<const Recipients> recipients = book_.Current();
  auto found = recipients->by_id.find(recipient);
  if (found != recipients->by_id.end()) return found->second.name;
  const size_t colon = recipient.find(':');
  return colon == std::string::npos ? recipient : recipient.substr(colon + 1);
}

absl::StatusOr<pb::RenderDocumentResponse> DocumentDesk::Render(const Actor& actor,
                                                                const pb::RenderDocumentRequest& request) {
  if (request.format() == pb::RENDER_FORMAT_UNSPECIFIED) {
    return absl::InvalidArgumentError("field 'format': html, pdf or xlsx");
  }
  pb::Document doc;
  std::optional<std::string> kept_pdf;
  RETURN_IF_ERROR(store_.Read([&](NotifyTx& tx) -> absl::Status {
    pb::GetDocumentRequest get;
    get.set_id(request.id());
    ASSIGN_OR_RETURN(doc, Load(tx, get));
    if (request.format() == pb::RENDER_FORMAT_PDF) {
      ASSIGN_OR_RETURN(kept_pdf, tx.DocumentFile(doc.id(), pb::RENDER_FORMAT_PDF));
    }
    return absl::OkStatus();
  }));
  RETURN_IF_ERROR(MayRead(actor, doc));
  std::string extract_for = Canonical(request.extract_for());
  if (const std::string own = OwnExtract(actor); !own.empty()) extract_for = own;  // their own, whatever they ask
  std::string label;
  if (!extract_for.empty()) {
    ASSIGN_OR_RETURN(*doc.mutable_content(), ExtractFor(doc.content(), extract_for));
    doc.clear_items();
    label = NameOf(extract_for);
    kept_pdf.reset();  // the kept PDF is the whole document's
  }
  pb::RenderDocumentResponse out;
  out.set_file_name(FileName(doc, request.format(), label));
  out.set_content_type(ContentType(request.format()));
  switch (request.format()) {
    case pb::RENDER_FORMAT_HTML:
      out.set_data(RenderHtml(doc, {.extract_label = label}));
      break;
    case pb::RENDER_FORMAT_PDF:
      if (kept_pdf) {
        out.set_data(*std::move(kept_pdf));
      } else {
        ASSIGN_OR_RETURN(*out.mutable_data(), printer_.Print(RenderHtml(doc, {.extract_label = label})));
      }
      break;
    default: {
      ASSIGN_OR_RETURN(*out.mutable_data(), RenderXlsx(doc));
    }
  }
  out.set_sha256(Sha256Hex(out.data()));
  return out;
}

absl::StatusOr<pb::ListItemsResponse> DocumentDesk::ListItems(const Actor& actor, const pb::ListItemsRequest& request) {
  pb::Document doc;
  RETURN_IF_ERROR(store_.Read([&](NotifyTx& tx) -> absl::Status {
    if (!request.id().empty()) {
      pb::GetDocumentRequest get;
      get.set_id(request.id());
      ASSIGN_OR_RETURN(doc, Load(tx, get));
      return absl::OkStatus();
    }
    RETURN_IF_ERROR(ValidateKindPeriod(request.kind(), request.period()));
    ASSIGN_OR_RETURN(std::vector<pb::Document> issued,
                     tx.Documents({.kind = request.kind(), .period = request.period(),
                                   .state = pb::DOCUMENT_STATE_ISSUED, .limit = 1}));
    if (issued.empty()) {
      return absl::NotFoundError(absl::StrFormat("no issued %s for %s", KindName(request.kind()), request.period()));
    }
    doc = std::move(issued.front());
    return absl::OkStatus();
  }));
  RETURN_IF_ERROR(MayRead(actor, doc));
  pb::ListItemsResponse out;
  out.set_document_id(doc.id());
  out.set_number(doc.number());
  for (const pb::SupervisionItem& item : doc.items()) {
    if (const std::string own = OwnExtract(actor); !own.empty() && own != absl::StrCat("unit:", item.unit()) &&
                                                    own != absl::StrCat("county:", item.region_code())) {
      continue;
    }
    *out.add_items() = item;
  }
  return out;
}

absl::StatusOr<int> DocumentDesk::OpenPendingCases() {
  std::vector<pb::Document> pending;
  RETURN_IF_ERROR(store_.Read([&](NotifyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(pending, tx.Documents({.state = pb::DOCUMENT_STATE_ISSUED, .items_pending = true}));
    return absl::OkStatus();
  }));
  int opened = 0;
  for (const pb::Document& doc : pending) {
    std::map<int, std::pair<std::string, std::string>> results;  // seq -> (case id, error)
    for (const pb::SupervisionItem& item : doc.items()) {
      if (!item.case_id().empty()) continue;
      absl::StatusOr<std::string> id = cases_.Open(CaseRequest(doc, item));
      results[item.seq()] = id.ok() ? std::make_pair(*id, std::string())
                                    : std::make_pair(std::string(), std::string(id.status().ToString()));
      if (id.ok()) ++opened;
    }
    RETURN_IF_ERROR(store_.Write([&](NotifyTx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(std::optional<pb::Document> stored, tx.Document(doc.id()));
      if (!stored) return absl::OkStatus();
      for (pb::SupervisionItem& item : *stored->mutable_items()) {
        auto found = results.find(item.seq());
        if (found == results.end() || !item.case_id().empty()) continue;
        item.set_case_id(found->second.first);
        item.set_case_error(found->second.second);
      }
      return tx.PutDocument(*stored);
    }));
  }
  return opened;
}

}  // namespace ys::notify::documents
