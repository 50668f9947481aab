#include "services/notify/recipients_keeper.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/status/macros.h"
#include "services/notify/catalog_view.h"
#include "services/notify/recipients_proto.h"

namespace ys::notify {
namespace {

absl::StatusOr<RecipientsVersion> LoadStored(NotifyStore& store) {
  RecipientsVersion stored;
  RETURN_IF_ERROR(store.Read([&](NotifyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(stored, tx.Recipients());
    return absl::OkStatus();
  }));
  return stored;
}

}  // namespace

absl::Status RecipientsKeeper::ImportFileIfNone(const Recipients& derived) {
  std::ifstream in(settings_.recipients_file, std::ios::binary);
  if (!in) return absl::FailedPreconditionError(absl::StrCat("notify.recipients_file: cannot read ", settings_.recipients_file));
  std::stringstream text;
  text << in.rdbuf();
  ASSIGN_OR_RETURN(Recipients parsed, ParseRecipientsYaml(text.str(), settings_.recipients_file, derived, derived.units));
  const std::vector<pb::Recipient> protos = RecipientsToProto(parsed);
  bool imported = false;
  RETURN_IF_ERROR(store_.Write([&](NotifyTx& tx) -> absl::Status {
    RETURN_IF_ERROR(tx.LockImports());
    ASSIGN_OR_RETURN(RecipientsVersion now, tx.Recipients());
    imported = false;
    if (now.version != 0) return absl::OkStatus();  // someone imported meanwhile: theirs stands
    RETURN_IF_ERROR(tx.PutRecipients(1, protos).status());
    imported = true;
    return absl::OkStatus();
  }));
  if (imported) {
    log::Info("notify imported the recipients file", {{"file", settings_.recipients_file},
                                                      {"provenance", parsed.provenance}});
  }
  return absl::OkStatus();
}

absl::Status RecipientsKeeper::Refresh() {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(RecipientsVersion stored, LoadStored(store_));
  const bool catalog = catalog_changed_.exchange(false);
  if (!catalog && book_.ready()) {
    if (stored.version == book_.version()) return absl::OkStatus();
    return book_.Restore(stored);
  }
  absl::StatusOr<std::shared_ptr<const CatalogReplica>> replica = replica_.Current();
  if (!replica.ok() || (*replica)->units.empty() || (*replica)->indicators.empty()) {
    catalog_changed_.store(true);  // look again next time
    return replica.ok() ? absl::FailedPreconditionError("the catalog replica holds no units or indicators yet")
                        : replica.status();
  }
  if (absl::Status s = book_.Rebuild(CatalogViewFrom(**replica), stored); !s.ok()) {
    catalog_changed_.store(true);
    return s;
  }
  intake_.SetIndicatorNames(IndicatorNames(**replica));
  if (stored.version == 0 && !settings_.recipients_file.empty()) {
    RETURN_IF_ERROR(ImportFileIfNone(*book_.Derived()));
    ASSIGN_OR_RETURN(stored, LoadStored(store_));
    RETURN_IF_ERROR(book_.Restore(stored));
  }
  for (const std::string& skipped : book_.skipped()) log::Warn("notify recipient skipped", {{"why", skipped}});
  return absl::OkStatus();
}

}  // namespace ys::notify
