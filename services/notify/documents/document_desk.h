#pragma once

// What DocumentService does with each request (documents.proto): load, ask the lifecycle
// (lifecycle.h), the assembly (assemble.h) and the renderers, write in one unit of work of notify's
// store. The gRPC face (document_service.h) lets each role call what it may; this applies the rest:
//   office       everything;
//   viewer, 领班  read every document, whole;
//   unit, county read issued documents only, and only their own extract (RenderDocument with their
//                recipient id, whatever extract_for they send).
//
// Issuing, in order (a process killed at any point loses nothing and does nothing twice):
//   1. the issued form is rendered to PDF outside any transaction (Chromium takes seconds);
//   2. one unit of work, under the documents lock: the draft is read again (a re-assembly since step 1
//      answers ABORTED: issue again), CheckIssue against the documents holding the number, the issued
//      snapshot, its PDF, and the deliveries (document_deliveries.h) written together;
//   3. after the commit, the 督办事项 are opened as cases (OpenPendingCases): a case opened but not yet
//      recorded when the process died is answered again by rectification (same origin_ref), so the
//      worker that retries every minute opens nothing new.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/time/clock.h"
#include "services/notify/desk.h"
#include "services/notify/documents/assemble.h"
#include "services/notify/documents/case_opener.h"
#include "services/notify/documents/pdf_printer.h"
#include "services/notify/documents/sources.h"
#include "services/notify/recipient_book.h"
#include "services/notify/store.h"
#include "yingshang/notify/v1/documents.pb.h"

namespace ys::notify::documents {

struct DocumentDeskOptions {
  std::string city_code = "3611";
};

class DocumentDesk {
 public:
  DocumentDesk(NotifyStore& store, DocumentSources& sources, PdfPrinter& printer, CaseOpener& cases,
               const RecipientBook& book, const Clock& clock, DocumentDeskOptions options = {})
      : store_(store), sources_(sources), printer_(printer), cases_(cases), book_(book), clock_(clock),
        options_(std::move(options)) {}

  absl::StatusOr<pb::Document> Draft(const Actor& actor, const pb::DraftDocumentRequest& request);
  absl::StatusOr<pb::Document> Get(const Actor& actor, const pb::GetDocumentRequest& request);
  absl::StatusOr<pb::ListDocumentsResponse> List(const Actor& actor, const pb::ListDocumentsRequest& request);
  absl::StatusOr<pb::Document> SetCommentary(const Actor& actor, const pb::SetCommentaryRequest& request);
  absl::StatusOr<pb::Document> SetItems(const Actor& actor, const pb::SetItemsRequest& request);
  absl::StatusOr<pb::Document> Issue(const Actor& actor, const pb::IssueDocumentRequest& request);
  absl::StatusOr<pb::Document> Correct(const Actor& actor, const pb::CorrectDocumentRequest& request);
  absl::StatusOr<pb::RenderDocumentResponse> Render(const Actor& actor, const pb::RenderDocumentRequest& request);
  absl::StatusOr<pb::ListItemsResponse> ListItems(const Actor& actor, const pb::ListItemsRequest& request);

  // Opens the cases of the issued documents' 督办事项 that have none yet; returns how many opened. A
  // refusal is kept on the item (case_error) and tried again next time.
  absl::StatusOr<int> OpenPendingCases();

 private:
  absl::StatusOr<pb::Document> Load(NotifyTx& tx, const pb::GetDocumentRequest& request);
  absl::StatusOr<std::optional<pb::Document>> Latest(NotifyTx& tx, pb::DocumentKind kind, const std::string& period);
  absl::StatusOr<std::string> Print(const pb::Document& doc, const std::string& extract_for);
  // A change to a draft in one unit of work: load by id, apply `change`, write.
  absl::StatusOr<pb::Document> ChangeDraft(const std::string& id,
                                           const std::function<absl::Status(pb::Document&)>& change);
  std::string NameOf(const std::string& recipient) const;
  std::string Canonical(const std::string& recipient) const;  // a unit's alias as its catalog name

  NotifyStore& store_;
  DocumentSources& sources_;
  PdfPrinter& printer_;
  CaseOpener& cases_;
  const RecipientBook& book_;
  const Clock& clock_;
  DocumentDeskOptions options_;
};

// The recipient id whose extract a unit or county actor reads ("unit:<name>", "county:<code>"); empty
// for the roles that read whole documents.
std::string OwnExtract(const Actor& actor);

}  // namespace ys::notify::documents
