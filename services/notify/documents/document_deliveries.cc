#include "services/notify/documents/document_deliveries.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "common/status/macros.h"
#include "common/time/proto_time.h"
#include "services/notify/documents/extract.h"
#include "services/notify/documents/lifecycle.h"
#include "services/notify/documents/render_html.h"
#include "services/notify/flush.h"

namespace ys::notify::documents {
namespace {

// The e-mail channel first (the plan's bodies receive the document itself), else the first outside.
std::optional<Channel> FirstChannel(const Recipient& recipient) {
  const std::vector<Channel> outside = OutsideChannels(recipient);
  for (const Channel& c : outside) {
    if (c.kind == ChannelKind::kEmail) return c;
  }
  if (outside.empty()) return std::nullopt;
  return outside.front();
}

std::string Title(const pb::Document& doc, std::string_view extract_of) {
  std::string title = absl::StrCat("【", KindName(doc.kind()), "】", doc.content().title(), "（", doc.number(),
                                   doc.correction() ? "，更正" : "", "）");
  if (!extract_of.empty()) absl::StrAppend(&title, "——", std::string(extract_of), "摘录");
  return title;
}

std::string WholeText(const pb::Document& doc) {
  std::string text = absl::StrCat(doc.content().title(), "（", doc.number(), "）\n", doc.content().subtitle(), "\n\n");
  if (doc.correction()) absl::StrAppend(&text, "更正：", doc.correction_reason(), "\n\n");
  for (const pb::Section& s : doc.content().sections()) {
    absl::StrAppend(&text, s.title(), "\n");
    for (const std::string& line : s.summary()) absl::StrAppend(&text, "  ", line, "\n");
  }
  absl::StrAppend(&text, "\n全文见附件（PDF）。\n", doc.content().issuer(), "\n");
  return text;
}

pb::Notification MakeNotification(const pb::Document& doc, const std::string& recipient, std::string title,
                                  std::string text, absl::Time now) {
  pb::Notification n;
  n.set_id(absl::StrCat("DOC/", doc.id(), "/", recipient));
  n.set_event_id(doc.id());
  n.set_event_source("/yingshang/notify");
  n.set_event_type(kDocumentIssued);
  n.set_severity(pb::SEVERITY_INFO);
  (*n.mutable_labels())["document"] = doc.id();
  (*n.mutable_labels())["number"] = doc.number();
  (*n.mutable_labels())["period"] = doc.period();
  n.set_title(std::move(title));
  n.add_receivers(recipient);
  n.set_sequence(1);
  *n.mutable_created_at() = ToProtoTime(now);
  *n.mutable_event_time() = doc.issued_at();
  n.set_markdown(text);
  n.set_mail_text(std::move(text));
  n.set_members(1);
  n.set_reason("通报签发即送达（不受非工作时间与汇总限制）");
  return n;
}

absl::Status Queue(NotifyTx& tx, const pb::Notification& n, const Recipient& recipient, absl::Time now) {
  RETURN_IF_ERROR(tx.PutNotification(n));
  RETURN_IF_ERROR(tx.AddInboxItem(InboxItemFor(n, recipient.id, now)).status());
  std::optional<Channel> channel = FirstChannel(recipient);
  if (!channel) return absl::OkStatus();  // the inbox only
  return tx.PutDelivery(MakeDelivery(n, recipient.id, *channel, pb::DELIVERY_STATE_PENDING, now), now);
}

}  // namespace

absl::StatusOr<QueuedDeliveries> QueueDeliveries(NotifyTx& tx, const pb::Document& doc, const Recipients& recipients,
                                                 absl::Time now) {
  QueuedDeliveries out;
  const Addressees addressees = AddresseesOf(doc.kind(), ExtractRecipients(doc.content()));
  auto find = [&](const std::string& id) -> const Recipient* {
    auto alias = recipients.same_as.find(id);
    auto found = recipients.by_id.find(alias == recipients.same_as.end() ? id : alias->second);
    return found == recipients.by_id.end() ? nullptr : &found->second;
  };
  for (const std::string& id : addressees.whole) {
    const Recipient* recipient = find(id);
    if (recipient == nullptr) {
      out.skipped.push_back(id);
      continue;
    }
    pb::Notification n = MakeNotification(doc, recipient->id, Title(doc, ""), WholeText(doc), now);
    n.add_attachments(absl::StrCat("document:", doc.id(), ":pdf"));
    RETURN_IF_ERROR(Queue(tx, n, *recipient, now));
    out.addressed.push_back(recipient->id);
  }
  for (const std::string& id : addressees.extracts) {
    const Recipient* recipient = find(id);
    if (recipient == nullptr) {
      out.skipped.push_back(id);
      continue;
    }
    ASSIGN_OR_RETURN(pb::DocumentContent extract, ExtractFor(doc.content(), id));
    const pb::Notification n =
        MakeNotification(doc, recipient->id, Title(doc, recipient->name), ExtractText(extract), now);
    RETURN_IF_ERROR(Queue(tx, n, *recipient, now));
    out.addressed.push_back(recipient->id);
  }
  return out;
}

absl::StatusOr<MailAttachment> DocumentAttachments::Get(std::string_view ref) const {
  absl::string_view rest(ref.data(), ref.size());
  if (!absl::ConsumePrefix(&rest, "document:") || !absl::ConsumeSuffix(&rest, ":pdf") || rest.empty()) {
    return absl::NotFoundError(absl::StrFormat("attachment %s: not a document's PDF (document:<id>:pdf)", ref));
  }
  const std::string id(rest);
  MailAttachment file;
  RETURN_IF_ERROR(store_.Read([&](NotifyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<pb::Document> doc, tx.Document(id));
    ASSIGN_OR_RETURN(std::optional<std::string> pdf, tx.DocumentFile(id, pb::RENDER_FORMAT_PDF));
    if (!doc || !pdf) return absl::NotFoundError(absl::StrFormat("attachment %s: no issued PDF kept", ref));
    file.file_name = FileName(*doc, pb::RENDER_FORMAT_PDF);
    file.content_type = "application/pdf";
    file.content = *std::move(pdf);
    return absl::OkStatus();
  }));
  return file;
}

}  // namespace ys::notify::documents
