#pragma once

// The deliveries of an issued document, written in the unit of work (so they exist if and
// only if the document is issued): for each addressee (lifecycle.h AddresseesOf) a Notification
// (id "DOC/<document id>/<recipient>", event_type document_issued), its inbox item, and a delivery on
// the recipient's first e-mail channel (else its first outside channel) that the delivery workers
// send with their retries and failover. The whole document's e-mail carries the issued PDF
// (attachment "document:<id>:pdf", resolved at each attempt: DocumentAttachments); an extract's
// carries its text (extract.h ExtractText) — each unit and county sees only its own lines.
// An addressee the recipients in force do not hold is skipped and named (the office's file lacks it).

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/notify/delivery_worker.h"
#include "services/notify/recipients.h"
#include "services/notify/store.h"

namespace ys::notify::documents {

inline constexpr char kDocumentIssued[] = "document_issued";

struct QueuedDeliveries {
  std::vector<std::string> addressed;  // recipient ids with a notification
  std::vector<std::string> skipped;    // not in the recipients in force
};

absl::StatusOr<QueuedDeliveries> QueueDeliveries(NotifyTx& tx, const pb::Document& doc, const Recipients& recipients,
                                                 absl::Time now);

// "document:<id>:pdf" → the issued PDF kept with the document, named as RenderDocument names it.
class DocumentAttachments final : public AttachmentSource {
 public:
  explicit DocumentAttachments(NotifyStore& store) : store_(store) {}
  absl::StatusOr<MailAttachment> Get(std::string_view ref) const override;

 private:
  NotifyStore& store_;
};

}  // namespace ys::notify::documents
