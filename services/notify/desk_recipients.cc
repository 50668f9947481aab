// Recipients: the office's file imported over the catalog's derived recipients, and the list in force.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status/macros.h"
#include "common/time/proto_time.h"
#include "services/notify/desk.h"
#include "services/notify/desk_paging.h"
#include "services/notify/recipients.h"
#include "services/notify/recipients_proto.h"

namespace ys::notify {
namespace {

// "+ body:市委: 市委 (government_body); channels inbox", "~ unit:市商务局: channels: …", "- unit:市旧局: 市旧局".
std::string ChangeLine(const RecipientChange& c) {
  const char* mark = c.kind == RecipientChange::Kind::kAdded ? "+" : c.kind == RecipientChange::Kind::kRemoved ? "-" : "~";
  return absl::StrCat(mark, " ", c.id, ": ", c.summary);
}

}  // namespace

absl::StatusOr<pb::ImportRecipientsResponse> NotifyDesk::ImportRecipients(const Actor& actor,
                                                                          const pb::ImportRecipientsRequest& request) {
  if (!actor.office) return absl::PermissionDeniedError("the recipients file is the office's (role office)");
  if (request.yaml().empty()) return absl::InvalidArgumentError("yaml: is empty");
  const std::string file = request.file_name().empty() ? "recipients.yaml" : request.file_name();
  const std::shared_ptr<const Recipients> derived = book_.Derived();
  ASSIGN_OR_RETURN(Recipients parsed, ParseRecipientsYaml(request.yaml(), file, *derived, derived->units));
  const absl::Time now = clock_.Now();

  pb::ImportRecipientsResponse out;
  out.set_recipients(static_cast<int32_t>(parsed.by_id.size()));
  RecipientsVersion written;
  // The diff is against the latest stored version laid over the catalog (what this replica's book
  // holds unless another replica imported since), read under the imports lock: two imports never
  // both decide on the same version, and the version written is the next one or none.
  auto import = [&](NotifyTx& tx, bool write) -> absl::Status {
    if (write) RETURN_IF_ERROR(tx.LockImports());
    ASSIGN_OR_RETURN(RecipientsVersion stored, tx.Recipients());
    ASSIGN_OR_RETURN(Overlay before, OverlayStored(*derived, stored.recipients));
    const std::vector<RecipientChange> changes = DiffRecipients(before.recipients, parsed);
    std::set<std::string, std::less<>> changed;
    for (const RecipientChange& c : changes) {
      out.add_changes(ChangeLine(c));
      changed.insert(c.id);
    }
    // As duty's directory: a file that changes nothing writes no version.
    if (!write || changes.empty()) return absl::OkStatus();
    std::map<std::string, const pb::Recipient*, std::less<>> previous;
    for (const pb::Recipient& r : stored.recipients) previous[r.id()] = &r;
    written.recipients = RecipientsToProto(parsed);
    for (pb::Recipient& r : written.recipients) {
      auto it = previous.find(r.id());
      if (changed.contains(r.id()) || it == previous.end()) {
        *r.mutable_updated_at() = ToProtoTime(now);
        r.set_updated_by(actor.name);
      } else {
        *r.mutable_updated_at() = it->second->updated_at();
        r.set_updated_by(it->second->updated_by());
      }
    }
    ASSIGN_OR_RETURN(written.version, tx.PutRecipients(stored.version + 1, written.recipients));
    for (pb::Recipient& r : written.recipients) r.set_version(written.version);
    out.set_applied(true);
    return absl::OkStatus();
  };
  if (request.validate_only()) {
    RETURN_IF_ERROR(store_.Read([&](NotifyTx& tx) { return import(tx, /*write=*/false); }));
    return out;
  }
  RETURN_IF_ERROR(store_.Write([&](NotifyTx& tx) { return import(tx, /*write=*/true); }));
  if (out.applied()) {
    if (absl::Status s = book_.Restore(written); !s.ok()) {
      return absl::Status(s.code(), absl::StrFormat("recipients version %d is stored but not in force here: %s",
                                                    written.version, s.message()));
    }
  }
  return out;
}

absl::StatusOr<pb::ListRecipientsResponse> NotifyDesk::ListRecipients(const Actor& actor,
                                                                      const pb::ListRecipientsRequest& request) {
  if (!actor.office && !actor.centre) {
    return absl::PermissionDeniedError("the recipients are listed for the office and the centre");
  }
  if (!pb::RecipientKind_IsValid(request.kind())) {
    return absl::InvalidArgumentError(absl::StrFormat("kind: %d is not a recipient kind", request.kind()));
  }
  ASSIGN_OR_RETURN(PageWindow window, ParseStorePage(request.page()));
  const std::shared_ptr<const Recipients> current = book_.Current();
  RecipientsVersion stored;
  RETURN_IF_ERROR(store_.Read([&](NotifyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(stored, tx.Recipients());
    return absl::OkStatus();
  }));
  std::map<std::string, const pb::Recipient*, std::less<>> by_id;
  for (const pb::Recipient& r : stored.recipients) by_id[r.id()] = &r;

  std::vector<pb::Recipient> rows;
  for (const auto& [id, recipient] : current->by_id) {
    pb::Recipient row = RecipientToProto(recipient);
    // The store's bookkeeping, for a recipient an import has written; a derived one never imported has none.
    if (auto it = by_id.find(id); it != by_id.end()) {
      row.set_version(it->second->version());
      *row.mutable_updated_at() = it->second->updated_at();
      row.set_updated_by(it->second->updated_by());
    }
    rows.push_back(std::move(row));
  }
  if (request.include_retired()) {
    // Stored but no longer in force: the catalog dropped it since (OverlayStored skips it).
    for (const pb::Recipient& r : stored.recipients) {
      if (current->by_id.contains(r.id())) continue;
      pb::Recipient row = r;
      row.set_retired(true);
      rows.push_back(std::move(row));
    }
  }
  if (request.kind() != pb::RECIPIENT_KIND_UNSPECIFIED) {
    std::erase_if(rows, [&](const pb::Recipient& r) { return r.kind() != request.kind(); });
  }
  std::sort(rows.begin(), rows.end(), [](const pb::Recipient& a, const pb::Recipient& b) { return a.id() < b.id(); });
  pb::ListRecipientsResponse out;
  out.mutable_page()->set_next_page_token(
      PageOf(rows, window, [&](const pb::Recipient& r) { *out.add_recipients() = r; }));
  return out;
}

}  // namespace ys::notify
