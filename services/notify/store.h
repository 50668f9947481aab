#pragma once

// Where the notify service keeps its state. A unit of work runs in one transaction: its reads, its
// writes and the events it emits (outbox) commit together or not at all. The store loads and
// writes; every decision (what is due, what a state becomes, when to emit) is the domain's
// (grouping.h, retry.h, rate_limit.h, inhibition.h) or the service's.
//
// Concurrency. Unlike duty, writes do not all queue on one lock: deliveries are taken by several
// replicas at once. A delivery due now is taken with DueDeliveries, which locks its row and skips
// rows another unit of work holds (PostgreSQL FOR UPDATE SKIP LOCKED), so two replicas never take
// the same one; the taker moves it on (SENDING, or a later next_at) before it commits. Groups are
// taken the same way (DueGroups). Only imports — a new recipients version, a silence created or
// expired — serialize, on one transaction-scoped advisory lock that LockImports (and PutRecipients,
// PutSilence, ExpireSilence themselves) take.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/pg/pool.h"
#include "services/notify/grouping.h"
#include "services/notify/labels.h"
#include "services/notify/rate_limit.h"
#include "yingshang/notify/v1/documents.pb.h"
#include "yingshang/notify/v1/notify.pb.h"

namespace pqxx {
class transaction_base;
}

namespace ys::notify {

namespace pb = ::yingshang::notify::v1;

inline constexpr char kNotifyTopic[] = "ys.notify.v1";
// The one event notify emits: a Delivery, when it ends (DELIVERED or DEAD), CloudEvents type
// yingshang.notify.v1.Delivery, id "<delivery id>/<state name>" (so a retried unit of work emits
// the same event, not a second one).
inline constexpr char kDeliveryEventType[] = "yingshang.notify.v1.Delivery";

// A delivery's id, its idempotency key: one notification to one recipient over one of its channels
// ("<notification>/<recipient>/<order>-<kind>", e.g. "N-1/unit:市商务局/1-CHANNEL_KIND_WECOM"). The
// order is part of it: a recipient may have two channels of one kind (two e-mail addresses).
std::string DeliveryId(std::string_view notification_id, std::string_view recipient_id,
                       pb::ChannelKind channel, int channel_order);

// GroupState as JSON (times RFC 3339 UTC with microseconds; first_seen's InfinitePast and an unset
// last_flush as null): what the store keeps per group key. Decoding what Encode wrote gives the
// same state, times truncated to the microsecond. DATA_LOSS naming the field for text it cannot read.
std::string EncodeGroupState(const GroupState& state);
absl::StatusOr<GroupState> DecodeGroupState(std::string_view json);
// One sink's rate-limit state as JSON: {"recent_sends":[…],"day":"2022-10-17","sent_on_day":3}.
std::string EncodeSinkState(const SinkState& state);
absl::StatusOr<SinkState> DecodeSinkState(std::string_view json);

// The lists page by `offset` and `limit` (0: no limit) over their order; Count* say how many the
// filter matches without them, for the page token. Every list is newest first (created_at, then
// id, descending) as ListNotifications, ListDeliveries and ListInbox answer.
struct NotificationFilter {
  std::string event_type;    // "" any
  std::string event_id;      // "" any
  std::string recipient_id;  // "" any: else notifications it was among the receivers of
  std::optional<absl::Time> from;  // created_at, inclusive
  std::optional<absl::Time> to;    // exclusive
  int offset = 0;
  int limit = 0;
};

// Combined with AND; empty fields and DELIVERY_STATE_UNSPECIFIED match anything.
struct DeliveryFilter {
  std::string notification_id;
  std::string recipient_id;
  std::string event_id;
  pb::DeliveryState state = pb::DELIVERY_STATE_UNSPECIFIED;
  int offset = 0;
  int limit = 0;
};

struct InboxFilter {
  std::string recipient_id;  // required
  bool unread_only = false;
  int offset = 0;
  int limit = 0;
};

// The delivery queue at a glance, for the metrics (ys_notify_queue_depth, the oldest undelivered
// age): counts of the deliveries not yet ended, by state (PENDING, HELD, SENDING, FAILED; a state
// with none is absent), and the oldest created_at among those that are due to go — PENDING,
// SENDING and FAILED, not HELD (a message held for Monday's digest is waiting on purpose).
struct QueueStats {
  std::map<pb::DeliveryState, int64_t> by_state;
  std::optional<absl::Time> oldest_undelivered;
};

// Combined with AND; empty fields and *_UNSPECIFIED match anything.
struct DocumentFilter {
  pb::DocumentKind kind = pb::DOCUMENT_KIND_UNSPECIFIED;
  std::string period;
  std::string number;
  pb::DocumentState state = pb::DOCUMENT_STATE_UNSPECIFIED;
  bool items_pending = false;  // only issued ones with a 督办事项 whose case_id is still empty
  int offset = 0;
  int limit = 0;
};

// A version of the recipients: version 0 and none before the first import.
struct RecipientsVersion {
  int64_t version = 0;
  std::vector<pb::Recipient> recipients;  // by id
};

// The reads and writes of one unit of work.
class NotifyTx {
 public:
  virtual ~NotifyTx() = default;

  // Serializes this unit of work with every other that calls it (imports): call it first, before
  // the reads an import decides on. Taken again, it is a no-op.
  virtual absl::Status LockImports() = 0;

  // --- recipients, versioned like duty's directory ---
  virtual absl::StatusOr<RecipientsVersion> Recipients() = 0;  // the latest version
  // Writes `recipients` as a new version: `version` must be the next one (latest + 1), or 0 for
  // "whatever is next"; FAILED_PRECONDITION otherwise (another import landed first). Each
  // recipient's `version` field is set to it. Returns the version written. Takes LockImports.
  virtual absl::StatusOr<int64_t> PutRecipients(int64_t version,
                                                const std::vector<pb::Recipient>& recipients) = 0;

  // --- notifications ---
  virtual absl::Status PutNotification(const pb::Notification& n) = 0;  // insert or replace by id
  virtual absl::StatusOr<std::optional<pb::Notification>> Notification(std::string_view id) = 0;
  virtual absl::StatusOr<std::vector<pb::Notification>> Notifications(const NotificationFilter& f) = 0;
  virtual absl::StatusOr<int64_t> CountNotifications(const NotificationFilter& f) = 0;

  // --- group state, per grouping.h GroupKey ---
  virtual absl::StatusOr<std::optional<GroupState>> Group(std::string_view key) = 0;
  // Insert or replace, with when the group is next due (nullopt: not due, e.g. empty).
  virtual absl::Status PutGroup(std::string_view key, const GroupState& state,
                                std::optional<absl::Time> next_flush_at) = 0;
  virtual absl::Status DeleteGroup(std::string_view key) = 0;  // absent: nothing to do
  // Keys of groups whose next_flush_at <= now, earliest first, at most `limit` (0: all); their
  // rows stay locked to this unit of work, and rows another holds are skipped.
  virtual absl::StatusOr<std::vector<std::string>> DueGroups(absl::Time now, int limit) = 0;

  // --- deliveries, by id (DeliveryId) ---
  // Insert or replace. `next_at`: when a PENDING, HELD or FAILED delivery is next due, when a
  // SENDING one's lease runs out; nullopt otherwise (DELIVERED, DEAD, FAILED_OVER).
  // The attempts are the delivery's as given (AppendAttempt adds one).
  virtual absl::Status PutDelivery(const pb::Delivery& d, std::optional<absl::Time> next_at) = 0;
  virtual absl::StatusOr<std::optional<pb::Delivery>> Delivery(std::string_view id) = 0;
  // Appends `attempt` to the delivery's attempts, oldest first; NOT_FOUND naming the id.
  virtual absl::Status AppendAttempt(std::string_view delivery_id, const pb::Attempt& attempt) = 0;
  virtual absl::StatusOr<std::vector<pb::Delivery>> Deliveries(const DeliveryFilter& f) = 0;
  virtual absl::StatusOr<int64_t> CountDeliveries(const DeliveryFilter& f) = 0;
  virtual absl::StatusOr<QueueStats> Queue() = 0;
  // The deliveries to act on at `now`: PENDING, HELD or FAILED (a retry scheduled) with
  // next_at <= now, and SENDING ones whose lease (next_at) has run out — an attempt whose sender
  // died (a killed process): sent again under the same idempotency key — earliest next_at first
  // (then id), at most `limit` (0: all). Their rows stay
  // locked to this unit of work; rows another unit of work holds are skipped, so two replicas
  // never take the same one. Move them on (state, next_at) before committing.
  virtual absl::StatusOr<std::vector<pb::Delivery>> DueDeliveries(absl::Time now, int limit) = 0;

  // --- the in-app inbox ---
  // Adds an item (its id, recipient_id required); true if added, false if the id was there (a
  // redelivered message adds nothing).
  virtual absl::StatusOr<bool> AddInboxItem(const pb::InboxItem& item) = 0;
  virtual absl::StatusOr<std::vector<pb::InboxItem>> Inbox(const InboxFilter& f) = 0;
  virtual absl::StatusOr<int64_t> CountInbox(const InboxFilter& f) = 0;
  virtual absl::StatusOr<int64_t> UnreadCount(std::string_view recipient_id) = 0;
  // Marks the recipient's items `ids` (or, with `all`, every one) read at `at`; returns how many
  // were unread (marking twice marks nothing; another recipient's ids are left alone).
  virtual absl::StatusOr<int64_t> MarkRead(std::string_view recipient_id,
                                           const std::vector<std::string>& ids, bool all,
                                           absl::Time at) = 0;

  // --- silences ---
  virtual absl::Status PutSilence(const pb::Silence& s) = 0;  // insert or replace; takes LockImports
  virtual absl::StatusOr<std::optional<pb::Silence>> Silence(std::string_view id) = 0;
  // In force at `at` (starts_at <= at < ends_at), by ends_at then id.
  virtual absl::StatusOr<std::vector<pb::Silence>> ActiveSilences(absl::Time at) = 0;
  // Not yet ended at `at` (active or pending), or every one with include_expired; by ends_at then id.
  virtual absl::StatusOr<std::vector<pb::Silence>> Silences(absl::Time at, bool include_expired) = 0;
  // Ends a silence at `at` (ends_at = at, expired_by = by) unless it ended already (then it is
  // left as it was); returns it. NOT_FOUND naming the id. Takes LockImports.
  virtual absl::StatusOr<pb::Silence> ExpireSilence(std::string_view id, absl::Time at,
                                                    std::string_view by) = 0;

  // --- events in force, for inhibition (inhibition.h): what a flush checks its members against ---
  // Insert or replace by key (the event's dedup key).
  virtual absl::Status PutActiveEvent(std::string_view key, const Labels& labels,
                                      absl::Time expires_at) = 0;
  virtual absl::Status DeleteActiveEvent(std::string_view key) = 0;  // absent: nothing to do
  // The labels of the events with expires_at > at whose labels contain every name and value of
  // `containing` (empty: all of them), by key. A flush asks with InhibitionKeys (inhibition.h), so it
  // reads the events sharing its alerts' key, however many stand.
  virtual absl::StatusOr<std::vector<Labels>> ActiveEvents(absl::Time at, const Labels& containing) = 0;
  // Deletes the events with expires_at <= at (a flush does, so the table holds only what may still
  // inhibit). Not in a Read.
  virtual absl::Status ForgetExpiredEvents(absl::Time at) = 0;

  // --- rate limits: one row per sink ---
  virtual absl::StatusOr<RateLimiterState> RateLimits() = 0;
  // Replaces the saved state with `state` (sinks it no longer holds are removed).
  virtual absl::Status SaveRateLimits(const RateLimiterState& state) = 0;

  // Something that happens once: true the first time `key` is marked, false after.
  virtual absl::StatusOr<bool> MarkOnce(std::string_view key, absl::Time at) = 0;

  // --- documents (documents/lifecycle.h): the dispatch packs and bulletins, by id ---
  // Insert or replace by id. An issued document's row is never replaced by the service (the
  // lifecycle refuses first); the store keeps whatever it is given.
  virtual absl::Status PutDocument(const pb::Document& d) = 0;
  virtual absl::StatusOr<std::optional<pb::Document>> Document(std::string_view id) = 0;
  // Matching `f`, newest first (period descending, then version descending, then id).
  virtual absl::StatusOr<std::vector<pb::Document>> Documents(const DocumentFilter& f) = 0;
  // A rendered file kept with a document (the issued PDF): insert or replace by (id, format).
  virtual absl::Status PutDocumentFile(std::string_view document_id, pb::RenderFormat format,
                                       const std::string& data) = 0;
  virtual absl::StatusOr<std::optional<std::string>> DocumentFile(std::string_view document_id,
                                                                  pb::RenderFormat format) = 0;
  // Serializes this unit of work with every other that calls it (issuing: a number is taken once).
  // Taken again, it is a no-op.
  virtual absl::Status LockDocuments() = 0;

  // Emits a delivery that ended (see kDeliveryEventType) on ys.notify.v1 with key `key` through the
  // outbox: published if and only if the unit of work commits. Time: updated_at.
  virtual absl::Status Emit(const pb::Delivery& delivery, std::string_view key) = 0;
};

class NotifyStore {
 public:
  virtual ~NotifyStore() = default;
  // Runs `work` in one transaction; it commits when `work` returns OK, else nothing is kept.
  virtual absl::Status Write(const std::function<absl::Status(NotifyTx&)>& work) = 0;
  // Runs `work` on a consistent read-only snapshot.
  virtual absl::Status Read(const std::function<absl::Status(NotifyTx&)>& work) = 0;
};

// PostgreSQL (migrations/0001_notify.sql): a table per kind with the key columns and the message
// as protobuf's JSON in `body`; events go to the outbox table.
class PgNotifyStore final : public NotifyStore {
 public:
  explicit PgNotifyStore(PgPool& pool) : pool_(pool) {}
  absl::Status Write(const std::function<absl::Status(NotifyTx&)>& work) override;
  absl::Status Read(const std::function<absl::Status(NotifyTx&)>& work) override;
  // Runs `work` inside a transaction the caller holds (the consumer's inbox batch, intake.h): its
  // writes and events commit or roll back with that transaction. The first failing statement's
  // error is returned (PostgreSQL ignores the rest of the transaction after it).
  absl::Status Within(pqxx::transaction_base& tx, const std::function<absl::Status(NotifyTx&)>& work);

 private:
  PgPool& pool_;
};

}  // namespace ys::notify
