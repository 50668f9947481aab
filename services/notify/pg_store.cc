// PgNotifyStore: the notify service's state in PostgreSQL (migrations/). Each kind is a row with the
// columns queries filter on and the message as protobuf's JSON mapping in `body`; the group and
// rate-limit states as the JSON of EncodeGroupState and EncodeSinkState. The deliveries are in
// pg_store_deliveries.cc.

#include <pqxx/pqxx>

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/kafka/cloud_event.h"
#include "common/kafka/publisher.h"
#include "common/pg/json_rows.h"
#include "common/pg/outbox.h"
#include "common/pg/unit_of_work.h"
#include "common/status/macros.h"
#include "common/time/proto_time.h"
#include "services/notify/pg_store_rows.h"
#include "services/notify/pg_store_tx.h"
#include "services/notify/store.h"

namespace ys::notify {
namespace pg_store_internal {
namespace {

// The transaction-scoped advisory lock imports take ("YSNOTI" and 1).
constexpr int64_t kImportLockKey = 0x5953'4e4f'5449'0001;
constexpr char kEventSource[] = "/yingshang/notify";

// $1 event_type, $2 event_id, $3 recipient_id, $4 from, $5 to.
constexpr char kNotificationsWhere[] =
    "($1::text = '' OR event_type = $1) AND ($2::text = '' OR event_id = $2) AND "
    "($3::text = '' OR $3 = ANY(receivers)) AND "
    "($4::text = '' OR created_at >= $4::timestamptz) AND ($5::text = '' OR created_at < $5::timestamptz)";
// $1 recipient_id, $2 unread_only.
constexpr char kInboxWhere[] = "recipient_id = $1 AND (NOT $2::boolean OR NOT read)";

}  // namespace

absl::Status PgNotifyTx::LockImports() {
  return Run([&]() {
    tx_.exec_params("SELECT pg_advisory_xact_lock($1::bigint)", kImportLockKey);
    return absl::OkStatus();
  });
}

absl::StatusOr<RecipientsVersion> PgNotifyTx::Recipients() {
  return Run([&]() -> absl::StatusOr<RecipientsVersion> {
    RecipientsVersion out;
    out.version = tx_.exec1("SELECT COALESCE(max(version), 0) FROM recipient_versions")[0].as<int64_t>();
    ASSIGN_OR_RETURN(out.recipients,
                     AllFromJson<pb::Recipient>(tx_.exec_params(
                         "SELECT body::text FROM recipients WHERE version = $1 ORDER BY id", out.version)));
    return out;
  });
}

absl::StatusOr<int64_t> PgNotifyTx::PutRecipients(int64_t version,
                                                  const std::vector<pb::Recipient>& recipients) {
  std::vector<std::string> ids, bodies;
  for (size_t i = 0; i < recipients.size(); ++i) {
    RETURN_IF_ERROR(CheckKey(recipients[i].id(), absl::StrFormat("recipients[%d].id", i)));
  }
  RETURN_IF_ERROR(LockImports());
  return Run([&]() -> absl::StatusOr<int64_t> {
    const int64_t next =
        tx_.exec1("SELECT COALESCE(max(version), 0) + 1 FROM recipient_versions")[0].as<int64_t>();
    if (version != 0 && version != next) {
      return absl::FailedPreconditionError(
          absl::StrFormat("recipients version %d is not the next version (%d)", version, next));
    }
    for (const pb::Recipient& r : recipients) {
      pb::Recipient stored = r;
      stored.set_version(next);
      ids.push_back(r.id());
      ASSIGN_OR_RETURN(bodies.emplace_back(), ToJson(stored));
    }
    tx_.exec_params("INSERT INTO recipient_versions (version) VALUES ($1)", next);
    tx_.exec_params(
        "INSERT INTO recipients (version, id, body) "
        "SELECT $1, id, body::jsonb FROM unnest($2::text[], $3::text[]) AS t(id, body)",
        next, PgArray(ids), PgArray(bodies));
    return next;
  });
}

absl::Status PgNotifyTx::PutNotification(const pb::Notification& n) {
  RETURN_IF_ERROR(CheckKey(n.id(), "notification.id"));
  ASSIGN_OR_RETURN(std::string body, ToJson(n));
  const std::vector<std::string> receivers(n.receivers().begin(), n.receivers().end());
  return Run([&]() {
    tx_.exec_params(
        "INSERT INTO notifications (id, event_id, event_type, receivers, created_at, body) "
        "VALUES ($1, $2, $3, $4::text[], NULLIF($5::text, '')::timestamptz, $6::jsonb) "
        "ON CONFLICT (id) DO UPDATE SET event_id = EXCLUDED.event_id, "
        "event_type = EXCLUDED.event_type, receivers = EXCLUDED.receivers, "
        "created_at = EXCLUDED.created_at, body = EXCLUDED.body",
        n.id(), n.event_id(), n.event_type(), PgArray(receivers),
        TimeParam(n.has_created_at(), n.created_at()), body);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::optional<pb::Notification>> PgNotifyTx::Notification(std::string_view id) {
  return Run([&]() {
    return OneFromJson<pb::Notification>(
        tx_.exec_params("SELECT body::text FROM notifications WHERE id = $1", std::string(id)));
  });
}

absl::StatusOr<std::vector<pb::Notification>> PgNotifyTx::Notifications(const NotificationFilter& f) {
  RETURN_IF_ERROR(CheckPage(f.offset, f.limit));
  return Run([&]() {
    return AllFromJson<pb::Notification>(tx_.exec_params(
        absl::StrCat("SELECT body::text FROM notifications WHERE ", kNotificationsWhere,
                     " ORDER BY created_at DESC NULLS LAST, id DESC LIMIT NULLIF($6::int, 0) OFFSET $7::int"),
        f.event_type, f.event_id, f.recipient_id, TimeParam(f.from), TimeParam(f.to), f.limit, f.offset));
  });
}

absl::StatusOr<int64_t> PgNotifyTx::CountNotifications(const NotificationFilter& f) {
  RETURN_IF_ERROR(CheckPage(f.offset, f.limit));
  return Run([&]() -> absl::StatusOr<int64_t> {
    return tx_
        .exec_params1(absl::StrCat("SELECT count(*) FROM notifications WHERE ", kNotificationsWhere),
                      f.event_type, f.event_id, f.recipient_id, TimeParam(f.from), TimeParam(f.to))[0]
        .as<int64_t>();
  });
}

absl::StatusOr<std::optional<GroupState>> PgNotifyTx::Group(std::string_view key) {
  return Run([&]() -> absl::StatusOr<std::optional<GroupState>> {
    const pqxx::result rows =
        tx_.exec_params("SELECT state::text FROM groups WHERE key = $1", std::string(key));
    if (rows.empty()) return std::nullopt;
    ASSIGN_OR_RETURN(GroupState s, DecodeGroupState(rows[0][0].as<std::string>()));
    return std::optional<GroupState>(std::move(s));
  });
}

absl::Status PgNotifyTx::PutGroup(std::string_view key, const GroupState& state,
                                  std::optional<absl::Time> next_flush_at) {
  RETURN_IF_ERROR(CheckKey(key, "group key"));
  return Run([&]() {
    tx_.exec_params(
        "INSERT INTO groups (key, next_flush_at, state) "
        "VALUES ($1, NULLIF($2::text, '')::timestamptz, $3::jsonb) ON CONFLICT (key) DO UPDATE SET "
        "next_flush_at = EXCLUDED.next_flush_at, state = EXCLUDED.state",
        std::string(key), TimeParam(next_flush_at), EncodeGroupState(state));
    return absl::OkStatus();
  });
}

absl::Status PgNotifyTx::DeleteGroup(std::string_view key) {
  return Run([&]() {
    tx_.exec_params("DELETE FROM groups WHERE key = $1", std::string(key));
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<std::string>> PgNotifyTx::DueGroups(absl::Time now, int limit) {
  RETURN_IF_ERROR(CheckPage(0, limit));
  return Run([&]() -> absl::StatusOr<std::vector<std::string>> {
    std::vector<std::string> out;
    for (const auto& row : tx_.exec_params(
             "SELECT key FROM groups WHERE next_flush_at <= $1::timestamptz "
             "ORDER BY next_flush_at, key LIMIT NULLIF($2::int, 0) FOR UPDATE SKIP LOCKED",
             PgTime(now), limit)) {
      out.push_back(row[0].as<std::string>());
    }
    return out;
  });
}

absl::StatusOr<bool> PgNotifyTx::AddInboxItem(const pb::InboxItem& item) {
  RETURN_IF_ERROR(CheckKey(item.id(), "inbox_item.id"));
  RETURN_IF_ERROR(CheckKey(item.recipient_id(), "inbox_item.recipient_id"));
  ASSIGN_OR_RETURN(std::string body, ToJson(item));
  return Run([&]() -> absl::StatusOr<bool> {
    return tx_
               .exec_params(
                   "INSERT INTO inbox_items (id, recipient_id, created_at, read, body) "
                   "VALUES ($1, $2, NULLIF($3::text, '')::timestamptz, $4, $5::jsonb) "
                   "ON CONFLICT (id) DO NOTHING",
                   item.id(), item.recipient_id(), TimeParam(item.has_created_at(), item.created_at()),
                   item.has_read_at(), body)
               .affected_rows() == 1;
  });
}

absl::StatusOr<std::vector<pb::InboxItem>> PgNotifyTx::Inbox(const InboxFilter& f) {
  RETURN_IF_ERROR(CheckKey(f.recipient_id, "filter.recipient_id"));
  RETURN_IF_ERROR(CheckPage(f.offset, f.limit));
  return Run([&]() {
    return AllFromJson<pb::InboxItem>(tx_.exec_params(
        absl::StrCat("SELECT body::text FROM inbox_items WHERE ", kInboxWhere,
                     " ORDER BY created_at DESC NULLS LAST, id DESC LIMIT NULLIF($3::int, 0) OFFSET $4::int"),
        f.recipient_id, f.unread_only, f.limit, f.offset));
  });
}

absl::StatusOr<int64_t> PgNotifyTx::CountInbox(const InboxFilter& f) {
  RETURN_IF_ERROR(CheckKey(f.recipient_id, "filter.recipient_id"));
  RETURN_IF_ERROR(CheckPage(f.offset, f.limit));
  return Run([&]() -> absl::StatusOr<int64_t> {
    return tx_
        .exec_params1(absl::StrCat("SELECT count(*) FROM inbox_items WHERE ", kInboxWhere), f.recipient_id,
                      f.unread_only)[0]
        .as<int64_t>();
  });
}

absl::StatusOr<int64_t> PgNotifyTx::UnreadCount(std::string_view recipient_id) {
  return CountInbox({.recipient_id = std::string(recipient_id), .unread_only = true});
}

absl::StatusOr<int64_t> PgNotifyTx::MarkRead(std::string_view recipient_id,
                                             const std::vector<std::string>& ids, bool all, absl::Time at) {
  RETURN_IF_ERROR(CheckKey(recipient_id, "recipient_id"));
  return Run([&]() -> absl::StatusOr<int64_t> {
    return tx_
        .exec_params(
            "UPDATE inbox_items SET read = true, body = jsonb_set(body, '{read_at}', to_jsonb($3::text)) "
            "WHERE recipient_id = $1 AND NOT read AND ($4::boolean OR id = ANY($2::text[]))",
            std::string(recipient_id), PgArray(ids),
            absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", at, absl::UTCTimeZone()), all)
        .affected_rows();
  });
}

absl::Status PgNotifyTx::PutSilence(const pb::Silence& s) {
  RETURN_IF_ERROR(CheckKey(s.id(), "silence.id"));
  if (!s.has_starts_at()) return absl::InvalidArgumentError("silence.starts_at is unset");
  if (!s.has_ends_at()) return absl::InvalidArgumentError("silence.ends_at is unset");
  ASSIGN_OR_RETURN(std::string body, ToJson(s));
  RETURN_IF_ERROR(LockImports());
  return Run([&]() {
    tx_.exec_params(
        "INSERT INTO silences (id, starts_at, ends_at, body) VALUES ($1, $2::timestamptz, "
        "$3::timestamptz, $4::jsonb) ON CONFLICT (id) DO UPDATE SET starts_at = EXCLUDED.starts_at, "
        "ends_at = EXCLUDED.ends_at, body = EXCLUDED.body",
        s.id(), PgTime(FromProtoTime(s.starts_at())), PgTime(FromProtoTime(s.ends_at())), body);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::optional<pb::Silence>> PgNotifyTx::Silence(std::string_view id) {
  return Run([&]() {
    return OneFromJson<pb::Silence>(
        tx_.exec_params("SELECT body::text FROM silences WHERE id = $1", std::string(id)));
  });
}

absl::StatusOr<std::vector<pb::Silence>> PgNotifyTx::ActiveSilences(absl::Time at) {
  return Run([&]() {
    return AllFromJson<pb::Silence>(tx_.exec_params(
        "SELECT body::text FROM silences WHERE starts_at <= $1::timestamptz AND ends_at > $1::timestamptz "
        "ORDER BY ends_at, id",
        PgTime(at)));
  });
}

absl::StatusOr<std::vector<pb::Silence>> PgNotifyTx::Silences(absl::Time at, bool include_expired) {
  return Run([&]() {
    return AllFromJson<pb::Silence>(
        tx_.exec_params("SELECT body::text FROM silences WHERE $2::boolean OR ends_at > $1::timestamptz "
                        "ORDER BY ends_at, id",
                        PgTime(at), include_expired));
  });
}

absl::StatusOr<pb::Silence> PgNotifyTx::ExpireSilence(std::string_view id, absl::Time at, std::string_view by) {
  RETURN_IF_ERROR(LockImports());
  ASSIGN_OR_RETURN(std::optional<pb::Silence> s, Silence(id));
  if (!s.has_value()) return absl::NotFoundError(absl::StrFormat("silence '%s' does not exist", id));
  if (FromProtoTime(s->ends_at()) <= at) return *s;
  *s->mutable_ends_at() = ToProtoTime(at);
  s->set_expired_by(std::string(by));
  RETURN_IF_ERROR(PutSilence(*s));
  return *s;
}

absl::Status PgNotifyTx::PutActiveEvent(std::string_view key, const Labels& labels, absl::Time expires_at) {
  RETURN_IF_ERROR(CheckKey(key, "active event key"));
  return Run([&]() {
    tx_.exec_params(
        "INSERT INTO active_events (key, labels, expires_at) VALUES ($1, $2::jsonb, $3::timestamptz) "
        "ON CONFLICT (key) DO UPDATE SET labels = EXCLUDED.labels, expires_at = EXCLUDED.expires_at",
        std::string(key), LabelsJson(labels), PgTime(expires_at));
    return absl::OkStatus();
  });
}

absl::Status PgNotifyTx::DeleteActiveEvent(std::string_view key) {
  return Run([&]() {
    tx_.exec_params("DELETE FROM active_events WHERE key = $1", std::string(key));
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<Labels>> PgNotifyTx::ActiveEvents(absl::Time at, const Labels& containing) {
  return Run([&]() -> absl::StatusOr<std::vector<Labels>> {
    std::vector<Labels> out;
    // `@>` on the labels' GIN index (migration 0005): the rows sharing the key, not every one in force.
    for (const auto& row : tx_.exec_params("SELECT key, labels::text FROM active_events "
                                           "WHERE expires_at > $1::timestamptz AND labels @> $2::jsonb ORDER BY key",
                                           PgTime(at), LabelsJson(containing))) {
      ASSIGN_OR_RETURN(out.emplace_back(),
                       LabelsFromJson(row[1].as<std::string>(),
                                      absl::StrCat("active_events[", row[0].as<std::string>(), "].labels")));
    }
    return out;
  });
}

absl::Status PgNotifyTx::ForgetExpiredEvents(absl::Time at) {
  if (!writes_) return absl::FailedPreconditionError("ForgetExpiredEvents needs a Write");
  return Run([&]() {
    tx_.exec_params("DELETE FROM active_events WHERE expires_at <= $1::timestamptz", PgTime(at));
    return absl::OkStatus();
  });
}

absl::StatusOr<RateLimiterState> PgNotifyTx::RateLimits() {
  return Run([&]() -> absl::StatusOr<RateLimiterState> {
    RateLimiterState out;
    for (const auto& row : tx_.exec("SELECT channel, sink, state::text FROM rate_limits ORDER BY channel, sink")) {
      ASSIGN_OR_RETURN(SinkState s, DecodeSinkState(row[2].as<std::string>()));
      out.sinks.emplace(RateLimitKey{row[0].as<std::string>(), row[1].as<std::string>()}, std::move(s));
    }
    return out;
  });
}

absl::Status PgNotifyTx::SaveRateLimits(const RateLimiterState& state) {
  std::vector<std::string> channels, sinks, states;
  for (const auto& [key, s] : state.sinks) {
    RETURN_IF_ERROR(CheckKey(key.channel, "rate limit channel"));
    channels.push_back(key.channel);
    sinks.push_back(key.sink);
    states.push_back(EncodeSinkState(s));
  }
  return Run([&]() {
    tx_.exec("DELETE FROM rate_limits");
    tx_.exec_params(
        "INSERT INTO rate_limits (channel, sink, state) "
        "SELECT c, s, j::jsonb FROM unnest($1::text[], $2::text[], $3::text[]) AS t(c, s, j)",
        PgArray(channels), PgArray(sinks), PgArray(states));
    return absl::OkStatus();
  });
}

absl::StatusOr<bool> PgNotifyTx::MarkOnce(std::string_view key, absl::Time at) {
  RETURN_IF_ERROR(CheckKey(key, "once key"));
  return Run([&]() -> absl::StatusOr<bool> {
    return tx_
               .exec_params("INSERT INTO once_marks (key, at) VALUES ($1, $2::timestamptz) "
                            "ON CONFLICT (key) DO NOTHING",
                            std::string(key), PgTime(at))
               .affected_rows() == 1;
  });
}

absl::Status PgNotifyTx::Emit(const pb::Delivery& delivery, std::string_view key) {
  RETURN_IF_ERROR(CheckKey(delivery.id(), "delivery.id"));
  if (!delivery.has_updated_at()) return absl::InvalidArgumentError("delivery.updated_at is unset");
  OutgoingEvent out;
  out.topic = kNotifyTopic;
  out.event.id = absl::StrCat(delivery.id(), "/", pb::DeliveryState_Name(delivery.state()));
  out.event.source = kEventSource;
  out.event.type = kDeliveryEventType;
  out.event.time = FromProtoTime(delivery.updated_at());
  out.event.content_type = "application/protobuf";
  out.event.key = std::string(key);
  out.event.data = delivery.SerializeAsString();
  return Run([&]() {
    EnqueueOutbox(tx_, out);
    return absl::OkStatus();
  });
}

namespace {

// The adapters of a Write and of a Read, as RunUnitOfWork constructs them.
class PgNotifyWriteTx final : public PgNotifyTx {
 public:
  explicit PgNotifyWriteTx(pqxx::transaction_base& tx) : PgNotifyTx(tx, /*writes=*/true) {}
};
class PgNotifyReadTx final : public PgNotifyTx {
 public:
  explicit PgNotifyReadTx(pqxx::work& tx) : PgNotifyTx(tx, /*writes=*/false) {}
};

}  // namespace
}  // namespace pg_store_internal

absl::Status PgNotifyStore::Write(const std::function<absl::Status(NotifyTx&)>& work) {
  // No lock here: deliveries rely on row locks (SKIP LOCKED); imports take LockImports.
  return RunUnitOfWork<pg_store_internal::PgNotifyWriteTx, NotifyTx>(pool_, [](pqxx::work&) {}, work);
}

absl::Status PgNotifyStore::Read(const std::function<absl::Status(NotifyTx&)>& work) {
  return RunUnitOfWork<pg_store_internal::PgNotifyReadTx, NotifyTx>(pool_, BeginReadOnlySnapshot, work);
}

}  // namespace ys::notify

namespace ys::notify {

absl::Status PgNotifyStore::Within(pqxx::transaction_base& tx, const std::function<absl::Status(NotifyTx&)>& work) {
  pg_store_internal::PgNotifyWriteTx adapter(tx);
  absl::Status outcome = work(adapter);
  if (!adapter.failure().ok()) return adapter.failure();
  return outcome;
}

}  // namespace ys::notify
