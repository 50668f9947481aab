#include "services/notify/recipient_book.h"

#include <utility>

#include "common/status/macros.h"

namespace ys::notify {

absl::Status RecipientBook::Rebuild(const CatalogView& catalog, const RecipientsVersion& stored) {
  ASSIGN_OR_RETURN(Recipients derived, DeriveRecipients(catalog));
  ASSIGN_OR_RETURN(Overlay overlay, OverlayStored(derived, stored.recipients));
  std::lock_guard lock(mu_);
  derived_ = std::make_shared<const Recipients>(std::move(derived));
  current_ = std::make_shared<const Recipients>(std::move(overlay.recipients));
  skipped_ = std::move(overlay.skipped);
  version_ = stored.version;
  ready_ = true;
  return absl::OkStatus();
}

absl::Status RecipientBook::Restore(const RecipientsVersion& stored) {
  std::shared_ptr<const Recipients> derived = Derived();
  ASSIGN_OR_RETURN(Overlay overlay, OverlayStored(*derived, stored.recipients));
  std::lock_guard lock(mu_);
  current_ = std::make_shared<const Recipients>(std::move(overlay.recipients));
  skipped_ = std::move(overlay.skipped);
  version_ = stored.version;
  return absl::OkStatus();
}

std::shared_ptr<const Recipients> RecipientBook::Current() const {
  std::lock_guard lock(mu_);
  return current_;
}

std::shared_ptr<const Recipients> RecipientBook::Derived() const {
  std::lock_guard lock(mu_);
  return derived_;
}

int64_t RecipientBook::version() const {
  std::lock_guard lock(mu_);
  return version_;
}

std::vector<std::string> RecipientBook::skipped() const {
  std::lock_guard lock(mu_);
  return skipped_;
}

bool RecipientBook::ready() const {
  std::lock_guard lock(mu_);
  return ready_;
}

}  // namespace ys::notify
