#pragma once

// Keeps the recipient book (recipient_book.h) and the intake's indicator names in step with the
// catalog replica (ys.catalog.v1) and the stored recipients version. The book is ready once the
// replica holds units and indicators and the recipients derive from them; until then the event
// consumers wait (nothing is routed against an empty book and lost).
//
// At start, when the store holds no recipients version and notify.recipients_file is set, that file
// is imported as version 1 (the demo's SAMPLE channels; an office's first OFFICIAL file) — never
// over a version someone imported with ysctl.

#include <atomic>
#include <mutex>

#include "absl/status/status.h"
#include "common/catalog/replica_store.h"
#include "common/time/clock.h"
#include "services/notify/intake.h"
#include "services/notify/recipient_book.h"
#include "services/notify/settings.h"
#include "services/notify/store.h"

namespace ys::notify {

class RecipientsKeeper {
 public:
  RecipientsKeeper(CatalogReplicaStore& replica, NotifyStore& store, RecipientBook& book, Intake& intake,
                   const NotifySettings& settings)
      : replica_(replica), store_(store), book_(book), intake_(intake), settings_(settings) {}

  // Rebuilds the book when the catalog changed (CatalogChanged) or the stored version moved, and
  // imports the recipients file on the first successful build when none is stored.
  absl::Status Refresh();
  // After a catalog batch committed.
  void CatalogChanged() { catalog_changed_.store(true); }

 private:
  absl::Status ImportFileIfNone(const Recipients& derived);

  CatalogReplicaStore& replica_;
  NotifyStore& store_;
  RecipientBook& book_;
  Intake& intake_;
  const NotifySettings& settings_;
  std::mutex mu_;
  std::atomic<bool> catalog_changed_{true};
};

}  // namespace ys::notify
