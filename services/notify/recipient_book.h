#pragma once

// The recipients in force, shared by the intake, the dispatcher and the gRPC service: the catalog's
// derived recipients (recipients.h DeriveRecipients, from the catalog replica) with the office's last
// stored version laid over them (recipients_proto.h OverlayStored). Rebuilt when either changes; a
// failed rebuild keeps the previous book (and says why), so a bad catalog record never leaves the
// service with nobody to tell.

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "services/notify/recipients.h"
#include "services/notify/recipients_proto.h"
#include "services/notify/store.h"

namespace ys::notify {

class RecipientBook {
 public:
  // Derives from `catalog`, lays `stored` over it and swaps the result in. On error the previous
  // book stays and the error is returned (FAILED_PRECONDITION from a replica not yet complete).
  absl::Status Rebuild(const CatalogView& catalog, const RecipientsVersion& stored);
  // Lays a new stored version over the derived recipients already held (after an import).
  absl::Status Restore(const RecipientsVersion& stored);

  // Never null: empty (no recipients) before the first successful Rebuild.
  std::shared_ptr<const Recipients> Current() const;
  std::shared_ptr<const Recipients> Derived() const;
  int64_t version() const;
  std::vector<std::string> skipped() const;  // OverlayStored's, of the current book
  bool ready() const;                        // a Rebuild has succeeded

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const Recipients> derived_ = std::make_shared<Recipients>();
  std::shared_ptr<const Recipients> current_ = std::make_shared<Recipients>();
  int64_t version_ = 0;
  std::vector<std::string> skipped_;
  bool ready_ = false;
};

}  // namespace ys::notify
