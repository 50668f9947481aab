#include "services/indicator/redemption_store.h"

#include "services/indicator/audit.h"

#include <pqxx/pqxx>

#include "absl/strings/cord.h"
#include "absl/strings/str_format.h"
#include "common/pg/inbox.h"
#include "common/time/proto_time.h"
#include "google/protobuf/util/time_util.h"
#include "yingshang/indicator/v1/catalog.pb.h"

namespace ys::indicator {
namespace {

// A redemption as stored: its latest fields and when each status was reached.
struct RedemptionState {
  rpb::PolicyRedemption latest;
  absl::Time status_time;
  std::optional<absl::Time> reached[5];  // by RedemptionStatus: applied, approved, paid, rejected
  bool dirty = false;
};

std::optional<absl::Time> MicrosOrNull(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return absl::FromUnixMicros(f.as<int64_t>());
}

std::optional<std::string> TimeOrNull(const std::optional<absl::Time>& t) {
  if (!t.has_value()) return std::nullopt;
  return SqlTime(*t);
}

absl::Status Rejected(const RedemptionRejection& why) { return WithRejectionReason(why.status, why.reason); }

}  // namespace

absl::StatusOr<std::map<std::string, rpb::Region>> LoadRegions(PgPool& pool) {
  std::map<std::string, rpb::Region> out;
  absl::Status s = pool.WithTransaction([&](pqxx::work& tx) -> absl::Status {
    for (const auto& row : tx.exec("SELECT body FROM catalog_entities WHERE entity_type = 'region'")) {
      rpb::CatalogEntity e;
      if (e.ParseFromString(pqxx::binarystring(row[0]).str()) && e.has_region()) {
        out[e.region().code()] = e.region();
      }
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::Status ApplyRedemptionBatch(pqxx::transaction_base& tx,
                                  const std::vector<const CloudEvent*>& events,
                                  const std::map<std::string, rpb::Region>& regions,
                                  std::vector<absl::Status>* results, const input::InputLimits& limits) {
  // 1. Decode and check each event on its own.
  std::vector<std::optional<rpb::PolicyRedemption>> decoded(events.size());
  std::vector<std::string> ids;
  for (size_t i = 0; i < events.size(); ++i) {
    RedemptionRejection why;
    auto r = DecodeRedemption(*events[i], &why);
    if (!r.ok()) {
      (*results)[i] = Rejected(why);
      continue;
    }
    if (auto rejected = ValidateRedemption(*r, limits)) {
      (*results)[i] = Rejected(*rejected);
      continue;
    }
    if (auto rejected = CheckRedemptionRegion(regions, r->county_code())) {
      (*results)[i] = Rejected(*rejected);
      continue;
    }
    ids.push_back(r->redemption_id());
    decoded[i] = std::move(*r);
  }

  // 2. The redemptions they touch, in one query, locked for this transaction.
  std::map<std::string, RedemptionState> state;
  if (!ids.empty()) {
    for (const auto& row : tx.exec_params(
             "SELECT redemption_id, policy_id, policy_name, enterprise_credit_code, county_code, "
             "department, amount_fen, status, "
             "(extract(epoch FROM status_time) * 1000000)::bigint, "
             "(extract(epoch FROM applied_at) * 1000000)::bigint, "
             "(extract(epoch FROM approved_at) * 1000000)::bigint, "
             "(extract(epoch FROM paid_at) * 1000000)::bigint, "
             "(extract(epoch FROM rejected_at) * 1000000)::bigint "
             "FROM redemptions WHERE redemption_id = ANY($1::text[]) FOR UPDATE",
             PgArray(ids))) {
      RedemptionState& st = state[row[0].as<std::string>()];
      st.latest.set_redemption_id(row[0].as<std::string>());
      st.latest.set_policy_id(row[1].as<std::string>());
      st.latest.set_policy_name(row[2].as<std::string>());
      st.latest.set_enterprise_credit_code(row[3].as<std::string>());
      st.latest.set_county_code(row[4].as<std::string>());
      st.latest.set_department(row[5].as<std::string>());
      st.latest.set_amount_fen(row[6].as<int64_t>());
      rpb::RedemptionStatus status = rpb::REDEMPTION_STATUS_UNSPECIFIED;
      rpb::RedemptionStatus_Parse(row[7].as<std::string>(), &status);
      st.latest.set_status(status);
      st.status_time = absl::FromUnixMicros(row[8].as<int64_t>());
      for (int k = 0; k < 4; ++k) st.reached[k + 1] = MicrosOrNull(row[9 + k]);
    }
  }

  // 3. Each event in order, against the state the earlier ones left.
  for (size_t i = 0; i < events.size(); ++i) {
    if (!decoded[i].has_value()) continue;
    const rpb::PolicyRedemption& r = *decoded[i];
    const absl::Time at = FromProtoTime(r.status_time());
    auto it = state.find(r.redemption_id());
    if (it == state.end()) {
      RedemptionState& st = state[r.redemption_id()];
      st.latest = r;
      st.status_time = at;
      st.reached[r.status()] = at;
      st.dirty = true;
      continue;
    }
    RedemptionState& st = it->second;
    auto move = DecideStatusMove(st.latest.status(), st.status_time, r.status(), at);
    if (!move.ok()) {
      (*results)[i] = Rejected({"illegal_status_move", move.status()});
      continue;
    }
    if (*move == StatusMove::kAdvance) {
      st.latest = r;
      st.status_time = at;
    }
    // A late event for an earlier step, or the same status again, only teaches its time.
    if (!st.reached[r.status()].has_value()) st.reached[r.status()] = at;
    st.dirty = true;
  }

  // 4. Every changed redemption in one statement.
  std::vector<std::string> id, policy, policy_name, code, county, department, amount, status, status_time;
  std::vector<std::optional<std::string>> reached[5];
  for (const auto& [key, st] : state) {
    if (!st.dirty) continue;
    id.push_back(key);
    policy.push_back(st.latest.policy_id());
    policy_name.push_back(st.latest.policy_name());
    code.push_back(st.latest.enterprise_credit_code());
    county.push_back(st.latest.county_code());
    department.push_back(st.latest.department());
    amount.push_back(std::to_string(st.latest.amount_fen()));
    status.push_back(StatusName(st.latest.status()));
    status_time.push_back(SqlTime(st.status_time));
    for (int k = 1; k <= 4; ++k) reached[k].push_back(TimeOrNull(st.reached[k]));
  }
  if (id.empty()) return absl::OkStatus();
  tx.exec_params(
      "INSERT INTO redemptions (redemption_id, policy_id, policy_name, enterprise_credit_code, "
      "county_code, department, amount_fen, status, status_time, applied_at, approved_at, paid_at, "
      "rejected_at) "
      "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], "
      "$7::bigint[], $8::text[], $9::timestamptz[], $10::timestamptz[], $11::timestamptz[], "
      "$12::timestamptz[], $13::timestamptz[]) "
      "ON CONFLICT (redemption_id) DO UPDATE SET policy_id = EXCLUDED.policy_id, "
      "policy_name = EXCLUDED.policy_name, enterprise_credit_code = EXCLUDED.enterprise_credit_code, "
      "county_code = EXCLUDED.county_code, department = EXCLUDED.department, "
      "amount_fen = EXCLUDED.amount_fen, status = EXCLUDED.status, "
      "status_time = EXCLUDED.status_time, applied_at = EXCLUDED.applied_at, "
      "approved_at = EXCLUDED.approved_at, paid_at = EXCLUDED.paid_at, "
      "rejected_at = EXCLUDED.rejected_at, updated_at = now()",
      PgArray(id), PgArray(policy), PgArray(policy_name), PgArray(code), PgArray(county),
      PgArray(department), PgArray(amount), PgArray(status), PgArray(status_time), PgArray(reached[1]),
      PgArray(reached[2]), PgArray(reached[3]), PgArray(reached[4]));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<rpb::RedemptionSummaryRow>> QueryRedemptionSummary(
    PgPool& pool, const SummaryQuery& q) {
  std::vector<rpb::RedemptionSummaryRow> rows;
  absl::Status s = pool.WithTransaction([&](pqxx::work& tx) -> absl::Status {
    const pqxx::result r = tx.exec_params(
        "SELECT county_code, department, "
        " count(*) FILTER (WHERE applied_at >= $1::timestamptz AND applied_at < $2::timestamptz),"
        " count(*) FILTER (WHERE approved_at >= $1::timestamptz AND approved_at < $2::timestamptz),"
        " count(*) FILTER (WHERE paid_at >= $1::timestamptz AND paid_at < $2::timestamptz),"
        " coalesce(sum(amount_fen) FILTER (WHERE paid_at >= $1::timestamptz AND paid_at < $2::timestamptz), 0),"
        " percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM paid_at - applied_at) / 86400)"
        "   FILTER (WHERE paid_at >= $1::timestamptz AND paid_at < $2::timestamptz AND applied_at IS NOT NULL),"
        " count(*) FILTER (WHERE applied_at <= $3::timestamptz - interval '30 days'"
        "   AND (paid_at IS NULL OR paid_at > $3::timestamptz)"
        "   AND (rejected_at IS NULL OR rejected_at > $3::timestamptz)),"
        " GROUPING(county_code, department) "
        "FROM redemptions WHERE ($4 = '' OR county_code = $4) "
        "GROUP BY GROUPING SETS ((county_code, department), ()) "
        "ORDER BY GROUPING(county_code, department), county_code, department",
        SqlTime(q.from), SqlTime(q.to), SqlTime(q.as_of), q.county_code);
    for (const auto& row : r) {
      rpb::RedemptionSummaryRow out;
      const bool total = row[8].as<int>() != 0;
      if (!total) {
        out.set_county_code(row[0].as<std::string>());
        out.set_department(row[1].as<std::string>());
      }
      out.set_applications(row[2].as<int64_t>());
      out.set_approvals(row[3].as<int64_t>());
      out.set_payments(row[4].as<int64_t>());
      out.set_amount_paid_fen(row[5].as<int64_t>());
      if (!row[6].is_null()) {
        out.set_has_median(true);
        out.set_median_days_to_payment(row[6].as<double>());
      }
      out.set_unpaid_over_30_days(row[7].as<int64_t>());
      // A county and department with nothing in the month and nothing overdue says nothing.
      if (!total && out.applications() + out.approvals() + out.payments() +
                            out.unpaid_over_30_days() == 0) {
        continue;
      }
      rows.push_back(std::move(out));
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return rows;
}

}  // namespace ys::indicator
