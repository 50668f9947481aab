// PgNotifyTx's deliveries (pg_store_tx.h): one row per delivery, with the columns the lists, the
// queue and DueDeliveries filter on, and the message as protobuf's JSON in `body`.

#include <pqxx/pqxx>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/pg/json_rows.h"
#include "common/status/macros.h"
#include "services/notify/pg_store_rows.h"
#include "services/notify/pg_store_tx.h"

namespace ys::notify::pg_store_internal {
namespace {

// $1 notification_id, $2 recipient_id, $3 event_id, $4 state.
constexpr char kDeliveriesWhere[] =
    "($1::text = '' OR notification_id = $1) AND ($2::text = '' OR recipient_id = $2) AND "
    "($3::text = '' OR event_id = $3) AND ($4::text = '' OR state = $4)";

}  // namespace

absl::Status PgNotifyTx::PutDelivery(const pb::Delivery& d, std::optional<absl::Time> next_at) {
  RETURN_IF_ERROR(CheckKey(d.id(), "delivery.id"));
  ASSIGN_OR_RETURN(std::string body, ToJson(d));
  return Run([&]() {
    tx_.exec_params(
        "INSERT INTO deliveries (id, notification_id, recipient_id, event_id, state, next_at, "
        "created_at, body) VALUES ($1, $2, $3, $4, $5, NULLIF($6::text, '')::timestamptz, "
        "NULLIF($7::text, '')::timestamptz, $8::jsonb) ON CONFLICT (id) DO UPDATE SET "
        "notification_id = EXCLUDED.notification_id, recipient_id = EXCLUDED.recipient_id, "
        "event_id = EXCLUDED.event_id, state = EXCLUDED.state, next_at = EXCLUDED.next_at, "
        "created_at = EXCLUDED.created_at, body = EXCLUDED.body",
        d.id(), d.notification_id(), d.recipient_id(), d.event_id(), pb::DeliveryState_Name(d.state()),
        TimeParam(next_at), TimeParam(d.has_created_at(), d.created_at()), body);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::optional<pb::Delivery>> PgNotifyTx::Delivery(std::string_view id) {
  return Run([&]() {
    return OneFromJson<pb::Delivery>(
        tx_.exec_params("SELECT body::text FROM deliveries WHERE id = $1", std::string(id)));
  });
}

absl::Status PgNotifyTx::AppendAttempt(std::string_view delivery_id, const pb::Attempt& attempt) {
  ASSIGN_OR_RETURN(std::string body, ToJson(attempt));
  return Run([&]() -> absl::Status {
    const pqxx::result r = tx_.exec_params(
        "UPDATE deliveries SET body = jsonb_set(body, '{attempts}', "
        "COALESCE(body->'attempts', '[]'::jsonb) || jsonb_build_array($2::jsonb)) WHERE id = $1",
        std::string(delivery_id), body);
    if (r.affected_rows() == 0) {
      return absl::NotFoundError(absl::StrFormat("delivery '%s' does not exist", delivery_id));
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<pb::Delivery>> PgNotifyTx::Deliveries(const DeliveryFilter& f) {
  RETURN_IF_ERROR(CheckPage(f.offset, f.limit));
  return Run([&]() {
    return AllFromJson<pb::Delivery>(tx_.exec_params(
        absl::StrCat("SELECT body::text FROM deliveries WHERE ", kDeliveriesWhere,
                     " ORDER BY created_at DESC NULLS LAST, id DESC LIMIT NULLIF($5::int, 0) OFFSET $6::int"),
        f.notification_id, f.recipient_id, f.event_id, StateParam(f.state), f.limit, f.offset));
  });
}

absl::StatusOr<int64_t> PgNotifyTx::CountDeliveries(const DeliveryFilter& f) {
  RETURN_IF_ERROR(CheckPage(f.offset, f.limit));
  return Run([&]() -> absl::StatusOr<int64_t> {
    return tx_
        .exec_params1(absl::StrCat("SELECT count(*) FROM deliveries WHERE ", kDeliveriesWhere),
                      f.notification_id, f.recipient_id, f.event_id, StateParam(f.state))[0]
        .as<int64_t>();
  });
}

absl::StatusOr<QueueStats> PgNotifyTx::Queue() {
  return Run([&]() -> absl::StatusOr<QueueStats> {
    QueueStats out;
    std::optional<int64_t> oldest;  // micros
    for (const auto& row : tx_.exec(
             "SELECT state, count(*), (extract(epoch FROM min(created_at)) * 1000000)::bigint "
             "FROM deliveries WHERE state IN ('DELIVERY_STATE_PENDING', 'DELIVERY_STATE_HELD', "
             "'DELIVERY_STATE_SENDING', 'DELIVERY_STATE_FAILED') GROUP BY state")) {
      pb::DeliveryState state = pb::DELIVERY_STATE_UNSPECIFIED;
      if (!pb::DeliveryState_Parse(row[0].as<std::string>(), &state)) {
        return absl::DataLossError(absl::StrFormat("deliveries.state '%s' is not a DeliveryState",
                                                   row[0].as<std::string>()));
      }
      out.by_state[state] = row[1].as<int64_t>();
      // A HELD delivery waits on purpose (a digest, quiet hours): it is not late.
      if (state != pb::DELIVERY_STATE_HELD && !row[2].is_null()) {
        const int64_t at = row[2].as<int64_t>();
        if (!oldest.has_value() || at < *oldest) oldest = at;
      }
    }
    if (oldest.has_value()) out.oldest_undelivered = absl::FromUnixMicros(*oldest);
    return out;
  });
}

// A SENDING delivery is due when its lease runs out: its sender died mid-attempt.
absl::StatusOr<std::vector<pb::Delivery>> PgNotifyTx::DueDeliveries(absl::Time now, int limit) {
  RETURN_IF_ERROR(CheckPage(0, limit));
  return Run([&]() {
    // The state list is deliveries_due's predicate (migrations/0002_dispatch.sql), so the index serves it.
    return AllFromJson<pb::Delivery>(tx_.exec_params(
        "SELECT body::text FROM deliveries WHERE state IN ('DELIVERY_STATE_PENDING', "
        "'DELIVERY_STATE_HELD', 'DELIVERY_STATE_SENDING', 'DELIVERY_STATE_FAILED') "
        "AND next_at <= $1::timestamptz "
        "ORDER BY next_at, id LIMIT NULLIF($2::int, 0) FOR UPDATE SKIP LOCKED",
        PgTime(now), limit));
  });
}

}  // namespace ys::notify::pg_store_internal
