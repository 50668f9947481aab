#pragma once

// PgNotifyTx: one unit of work of PgNotifyStore, its methods defined by concept — pg_store.cc
// (imports, notifications, groups, the inbox, silences, active events, rate limits, the outbox),
// pg_store_deliveries.cc (deliveries and their queue) and pg_store_documents.cc (the dispatch packs
// and bulletins, their files). Internal to notify's store.

#include <pqxx/pqxx>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/pg/unit_of_work.h"
#include "services/notify/store.h"

namespace ys::notify::pg_store_internal {

class PgNotifyTx : public NotifyTx, public PgStatements {
 public:
  // `writes`: a Write's unit of work (a Read's is a read-only snapshot, where ActiveEvents deletes nothing).
  PgNotifyTx(pqxx::transaction_base& tx, bool writes) : PgStatements(tx), writes_(writes) {}

  absl::Status LockImports() override;
  absl::StatusOr<RecipientsVersion> Recipients() override;
  absl::StatusOr<int64_t> PutRecipients(int64_t version, const std::vector<pb::Recipient>& recipients) override;

  absl::Status PutNotification(const pb::Notification& n) override;
  absl::StatusOr<std::optional<pb::Notification>> Notification(std::string_view id) override;
  absl::StatusOr<std::vector<pb::Notification>> Notifications(const NotificationFilter& f) override;
  absl::StatusOr<int64_t> CountNotifications(const NotificationFilter& f) override;

  absl::StatusOr<std::optional<GroupState>> Group(std::string_view key) override;
  absl::Status PutGroup(std::string_view key, const GroupState& state,
                        std::optional<absl::Time> next_flush_at) override;
  absl::Status DeleteGroup(std::string_view key) override;
  absl::StatusOr<std::vector<std::string>> DueGroups(absl::Time now, int limit) override;

  absl::Status PutDelivery(const pb::Delivery& d, std::optional<absl::Time> next_at) override;
  absl::StatusOr<std::optional<pb::Delivery>> Delivery(std::string_view id) override;
  absl::Status AppendAttempt(std::string_view delivery_id, const pb::Attempt& attempt) override;
  absl::StatusOr<std::vector<pb::Delivery>> Deliveries(const DeliveryFilter& f) override;
  absl::StatusOr<int64_t> CountDeliveries(const DeliveryFilter& f) override;
  absl::StatusOr<QueueStats> Queue() override;
  absl::StatusOr<std::vector<pb::Delivery>> DueDeliveries(absl::Time now, int limit) override;

  absl::StatusOr<bool> AddInboxItem(const pb::InboxItem& item) override;
  absl::StatusOr<std::vector<pb::InboxItem>> Inbox(const InboxFilter& f) override;
  absl::StatusOr<int64_t> CountInbox(const InboxFilter& f) override;
  absl::StatusOr<int64_t> UnreadCount(std::string_view recipient_id) override;
  absl::StatusOr<int64_t> MarkRead(std::string_view recipient_id, const std::vector<std::string>& ids,
                                   bool all, absl::Time at) override;

  absl::Status PutSilence(const pb::Silence& s) override;
  absl::StatusOr<std::optional<pb::Silence>> Silence(std::string_view id) override;
  absl::StatusOr<std::vector<pb::Silence>> ActiveSilences(absl::Time at) override;
  absl::StatusOr<std::vector<pb::Silence>> Silences(absl::Time at, bool include_expired) override;
  absl::StatusOr<pb::Silence> ExpireSilence(std::string_view id, absl::Time at, std::string_view by) override;

  absl::Status PutActiveEvent(std::string_view key, const Labels& labels, absl::Time expires_at) override;
  absl::Status DeleteActiveEvent(std::string_view key) override;
  absl::StatusOr<std::vector<Labels>> ActiveEvents(absl::Time at, const Labels& containing) override;
  absl::Status ForgetExpiredEvents(absl::Time at) override;

  absl::StatusOr<RateLimiterState> RateLimits() override;
  absl::Status SaveRateLimits(const RateLimiterState& state) override;

  absl::StatusOr<bool> MarkOnce(std::string_view key, absl::Time at) override;

  absl::Status PutDocument(const pb::Document& d) override;
  absl::StatusOr<std::optional<pb::Document>> Document(std::string_view id) override;
  absl::StatusOr<std::vector<pb::Document>> Documents(const DocumentFilter& f) override;
  absl::Status PutDocumentFile(std::string_view document_id, pb::RenderFormat format,
                               const std::string& data) override;
  absl::StatusOr<std::optional<std::string>> DocumentFile(std::string_view document_id,
                                                          pb::RenderFormat format) override;
  absl::Status LockDocuments() override;

  absl::Status Emit(const pb::Delivery& delivery, std::string_view key) override;

 private:
  const bool writes_;
  bool documents_locked_ = false;  // LockDocuments' lock is held until the transaction ends
};

}  // namespace ys::notify::pg_store_internal
