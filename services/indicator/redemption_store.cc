#include "services/indicator/redemption_store.h"

#include "services/indicator/audit.h"

#include <pqxx/pqxx>

#include "absl/strings/str_format.h"
#include "google/protobuf/util/time_util.h"
#include "yingshang/indicator/v1/catalog.pb.h"

namespace ys::indicator {
namespace {

absl::Time FromProto(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixMicros(google::protobuf::util::TimeUtil::TimestampToMicroseconds(ts));
}

// The column recording when a status was reached.
const char* TimeColumn(rpb::RedemptionStatus s) {
  switch (s) {
    case rpb::APPLIED: return "applied_at";
    case rpb::APPROVED: return "approved_at";
    case rpb::PAID: return "paid_at";
    default: return "rejected_at";
  }
}

}  // namespace

absl::StatusOr<std::set<std::string>> LoadCountyCodes(PgPool& pool) {
  std::set<std::string> out;
  absl::Status s = pool.WithTransaction([&](pqxx::work& tx) -> absl::Status {
    for (const auto& row : tx.exec("SELECT body FROM catalog_entities "
                                   "WHERE entity_type = 'region' AND NOT retired")) {
      ::yingshang::indicator::v1::CatalogEntity e;
      if (e.ParseFromString(pqxx::binarystring(row[0]).str()) &&
          e.region().kind() == ::yingshang::indicator::v1::REGION_KIND_COUNTY) {
        out.insert(e.region().code());
      }
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::Status ApplyRedemption(pqxx::transaction_base& tx, const CloudEvent& event,
                             const std::set<std::string>& counties, RedemptionRejection* why) {
  auto decoded = DecodeRedemption(event, why);
  if (!decoded.ok()) return decoded.status();
  const rpb::PolicyRedemption& r = *decoded;
  if (auto rejected = ValidateRedemption(r)) {
    *why = *rejected;
    return why->status;
  }
  if (!counties.contains(r.county_code())) {
    *why = {"unknown_county", absl::InvalidArgumentError(absl::StrFormat(
                                  "field 'county_code': %s is not a county in the catalog",
                                  r.county_code()))};
    return why->status;
  }
  const absl::Time at = FromProto(r.status_time());
  const std::string column = TimeColumn(r.status());
  const pqxx::result current = tx.exec_params(
      "SELECT status, extract(epoch FROM status_time)::float8 FROM redemptions "
      "WHERE redemption_id = $1 FOR UPDATE",
      r.redemption_id());
  if (current.empty()) {
    tx.exec_params(absl::StrFormat(
                       "INSERT INTO redemptions (redemption_id, policy_id, policy_name, "
                       "enterprise_credit_code, county_code, department, amount_fen, status, "
                       "status_time, %s) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9::timestamptz,$9::timestamptz)",
                       column),
                   r.redemption_id(), r.policy_id(), r.policy_name(), r.enterprise_credit_code(),
                   r.county_code(), r.department(), r.amount_fen(), StatusName(r.status()), SqlTime(at));
    return absl::OkStatus();
  }
  rpb::RedemptionStatus status = rpb::REDEMPTION_STATUS_UNSPECIFIED;
  rpb::RedemptionStatus_Parse(current[0][0].as<std::string>(), &status);
  const absl::Time status_time = absl::FromUnixMicros(
      static_cast<int64_t>(current[0][1].as<double>() * 1e6));
  auto move = DecideStatusMove(status, status_time, r.status(), at);
  if (!move.ok()) {
    *why = {"illegal_status_move", move.status()};
    return why->status;
  }
  if (*move == StatusMove::kAdvance) {
    tx.exec_params(absl::StrFormat(
                       "UPDATE redemptions SET status = $2, status_time = $3::timestamptz, "
                       "amount_fen = $4, policy_name = $5, department = $6, "
                       "%s = coalesce(%s, $3::timestamptz), updated_at = now() "
                       "WHERE redemption_id = $1",
                       column, column),
                   r.redemption_id(), StatusName(r.status()), SqlTime(at), r.amount_fen(),
                   r.policy_name(), r.department());
  } else {
    // A late event for an earlier step, or the same status again: only its time is learnt.
    tx.exec_params(absl::StrFormat("UPDATE redemptions SET %s = coalesce(%s, $2::timestamptz), "
                                   "updated_at = now() WHERE redemption_id = $1",
                                   column, column),
                   r.redemption_id(), SqlTime(at));
  }
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
