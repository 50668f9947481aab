// PgDutyStore: the duty service's state in PostgreSQL (migrations/0001_duty.sql). Each kind is a
// row with the columns queries filter on and the message as protobuf's JSON mapping in `body`.

#include <pqxx/pqxx>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "common/kafka/cloud_event.h"
#include "common/kafka/publisher.h"
#include "common/pg/json_rows.h"
#include "common/pg/outbox.h"
#include "common/pg/unit_of_work.h"
#include "common/status/macros.h"
#include "common/time/calendar.h"
#include "common/time/proto_time.h"
#include "google/protobuf/util/json_util.h"
#include "services/duty/store.h"

namespace ys::duty {
namespace {

// The transaction-scoped advisory lock every Write takes first ("YSDUTY" and 1): writes queue on it,
// so what a decision read is still true when its writes land (duty traffic is a few hundred forms
// a week). Advisory locks are per database: duty schemas sharing one database share the queue.
constexpr int64_t kWriteLockKey = 0x5953'4455'5459'0001;

constexpr char kEventType[] = "yingshang.duty.v1.DutyEvent";
constexpr char kEventSource[] = "/yingshang/duty";

// The sequence of each kind of id (0001_duty.sql).
const std::map<std::string, std::string, std::less<>>& IdSequences() {
  static const auto* const sequences = new std::map<std::string, std::string, std::less<>>{
      {"DR", "id_dr"}, {"DK", "id_dk"}, {"WS", "id_ws"}, {"QT", "id_qt"}};
  return *sequences;
}

// A timestamptz parameter: "" (with NULLIF($n, '')) for an unset Timestamp.
std::string TimeParam(bool set, const google::protobuf::Timestamp& t) {
  return set ? PgTime(FromProtoTime(t)) : "";
}

absl::Status CheckKey(std::string_view value, std::string_view field) {
  if (value.empty()) return absl::InvalidArgumentError(absl::StrFormat("%s is empty", field));
  return absl::OkStatus();
}

absl::Status CheckDate(std::string_view value, std::string_view field, bool optional) {
  if (value.empty() && optional) return absl::OkStatus();
  if (auto day = ParseIsoDate(absl::string_view(value.data(), value.size())); !day.ok()) {
    return absl::InvalidArgumentError(absl::StrFormat("%s: %s", field, day.status().message()));
  }
  return absl::OkStatus();
}

absl::Status CheckMonth(std::string_view value, std::string_view field) {
  absl::CivilMonth month;
  if (value.size() != 7 || !absl::ParseCivilTime(absl::string_view(value.data(), value.size()), &month)) {
    return absl::InvalidArgumentError(absl::StrFormat("%s '%s' is not a month (YYYY-MM)", field, value));
  }
  return absl::OkStatus();
}

absl::Status CheckLimit(int limit, std::string_view field) {
  if (limit < 0) return absl::InvalidArgumentError(absl::StrFormat("%s is negative", field));
  return absl::OkStatus();
}

// The condition of a filter's dates, inclusive, "" open: parameters $n (from) and $n+1 (to).
std::string DateBounds(int n) {
  return absl::StrFormat(
      "date >= COALESCE(NULLIF($%d::text, '')::date, '-infinity'::date) AND "
      "date <= COALESCE(NULLIF($%d::text, '')::date, 'infinity'::date)",
      n, n + 1);
}

// A list filter's dates, offset and limit, checked before PostgreSQL sees them.
absl::Status CheckFilter(std::string_view from, std::string_view to, int offset, int limit) {
  RETURN_IF_ERROR(CheckDate(from, "filter.from", true));
  RETURN_IF_ERROR(CheckDate(to, "filter.to", true));
  RETURN_IF_ERROR(CheckLimit(offset, "filter.offset"));
  return CheckLimit(limit, "filter.limit");
}

// The conditions of a RegistrationFilter on $1 unit, $2 leader_id, $3 from, $4 to, $5
// include_cancelled; of a RecordFilter on $1 to $4. The list and its count share them.
std::string RegistrationsWhere() {
  return absl::StrCat("($1::text = '' OR unit = $1) AND ($2::text = '' OR leader_id = $2) AND ",
                      DateBounds(3), " AND ($5::boolean OR NOT cancelled)");
}
std::string RecordsWhere() {
  return absl::StrCat("($1::text = '' OR unit = $1) AND ($2::text = '' OR leader_id = $2) AND ",
                      DateBounds(3));
}

class PgDutyTx final : public DutyTx, public PgStatements {
 public:
  explicit PgDutyTx(pqxx::work& tx) : PgStatements(tx) {}

  absl::StatusOr<pb::Directory> Directory() override {
    return Run([&]() -> absl::StatusOr<pb::Directory> {
      ASSIGN_OR_RETURN(auto latest, OneFromJson<pb::Directory>(tx_.exec(
                                        "SELECT body::text FROM directory_versions "
                                        "ORDER BY version DESC LIMIT 1")));
      return latest.value_or(pb::Directory());
    });
  }

  absl::Status PutDirectory(const pb::Directory& directory) override {
    return Run([&]() -> absl::Status {
      const int64_t next =
          tx_.exec1("SELECT COALESCE(max(version), 0) + 1 FROM directory_versions")[0].as<int64_t>();
      if (directory.version() != 0 && directory.version() != next) {
        return absl::FailedPreconditionError(absl::StrFormat(
            "directory.version %d is not the next version (%d)", directory.version(), next));
      }
      pb::Directory stored = directory;
      stored.set_version(next);
      ASSIGN_OR_RETURN(std::string body, ToJson(stored));
      tx_.exec_params(
          "INSERT INTO directory_versions (version, imported_at, imported_by, body) "
          "VALUES ($1, NULLIF($2::text, '')::timestamptz, $3, $4::jsonb)",
          next, TimeParam(stored.has_imported_at(), stored.imported_at()), stored.imported_by(), body);
      return absl::OkStatus();
    });
  }

  absl::StatusOr<std::string> NextId(std::string_view prefix) override {
    auto sequence = IdSequences().find(prefix);
    if (sequence == IdSequences().end()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("id prefix '%s' is not one of DR, DK, WS, QT", prefix));
    }
    return Run([&]() -> absl::StatusOr<std::string> {
      const int64_t n =
          tx_.exec_params1("SELECT nextval($1::regclass)", sequence->second)[0].as<int64_t>();
      return absl::StrFormat("%s-%06d", prefix, n);
    });
  }

  absl::StatusOr<std::vector<pb::Registration>> Registrations(const RegistrationFilter& f) override {
    RETURN_IF_ERROR(CheckFilter(f.from, f.to, f.offset, f.limit));
    return Run([&]() {
      return AllFromJson<pb::Registration>(tx_.exec_params(
          absl::StrCat("SELECT body::text FROM registrations WHERE ", RegistrationsWhere(),
                       " ORDER BY date, id LIMIT NULLIF($6::int, 0) OFFSET $7::int"),
          f.unit, f.leader_id, f.from, f.to, f.include_cancelled, f.limit, f.offset));
    });
  }

  absl::StatusOr<int64_t> CountRegistrations(const RegistrationFilter& f) override {
    RETURN_IF_ERROR(CheckFilter(f.from, f.to, f.offset, f.limit));
    return Run([&]() -> absl::StatusOr<int64_t> {
      return tx_
          .exec_params1(absl::StrCat("SELECT count(*) FROM registrations WHERE ", RegistrationsWhere()),
                        f.unit, f.leader_id, f.from, f.to, f.include_cancelled)[0]
          .as<int64_t>();
    });
  }

  absl::StatusOr<std::optional<pb::Registration>> Registration(std::string_view id) override {
    return Run([&]() {
      return OneFromJson<pb::Registration>(
          tx_.exec_params("SELECT body::text FROM registrations WHERE id = $1", std::string(id)));
    });
  }

  absl::Status PutRegistration(const pb::Registration& r) override {
    RETURN_IF_ERROR(CheckKey(r.id(), "registration.id"));
    RETURN_IF_ERROR(CheckDate(r.date(), "registration.date", false));
    ASSIGN_OR_RETURN(std::string body, ToJson(r));
    return Run([&]() {
      tx_.exec_params(
          "INSERT INTO registrations (id, unit, leader_id, date, cancelled, body) "
          "VALUES ($1, $2, $3, $4::date, $5, $6::jsonb) ON CONFLICT (id) DO UPDATE SET "
          "unit = EXCLUDED.unit, leader_id = EXCLUDED.leader_id, date = EXCLUDED.date, "
          "cancelled = EXCLUDED.cancelled, body = EXCLUDED.body",
          r.id(), r.unit(), r.leader_id(), r.date(), r.cancelled(), body);
      return absl::OkStatus();
    });
  }

  absl::StatusOr<std::vector<pb::DutyRecord>> Records(const RecordFilter& f) override {
    RETURN_IF_ERROR(CheckFilter(f.from, f.to, f.offset, f.limit));
    return Run([&]() {
      return AllFromJson<pb::DutyRecord>(tx_.exec_params(
          absl::StrCat("SELECT body::text FROM records WHERE ", RecordsWhere(),
                       " ORDER BY date, id LIMIT NULLIF($5::int, 0) OFFSET $6::int"),
          f.unit, f.leader_id, f.from, f.to, f.limit, f.offset));
    });
  }

  absl::StatusOr<int64_t> CountRecords(const RecordFilter& f) override {
    RETURN_IF_ERROR(CheckFilter(f.from, f.to, f.offset, f.limit));
    return Run([&]() -> absl::StatusOr<int64_t> {
      return tx_
          .exec_params1(absl::StrCat("SELECT count(*) FROM records WHERE ", RecordsWhere()), f.unit,
                        f.leader_id, f.from, f.to)[0]
          .as<int64_t>();
    });
  }

  absl::Status PutRecord(const pb::DutyRecord& r) override {
    RETURN_IF_ERROR(CheckKey(r.id(), "record.id"));
    RETURN_IF_ERROR(CheckDate(r.date(), "record.date", false));
    ASSIGN_OR_RETURN(std::string body, ToJson(r));
    return Run([&]() {
      tx_.exec_params(
          "INSERT INTO records (id, registration_id, unit, leader_id, date, body) "
          "VALUES ($1, $2, $3, $4, $5::date, $6::jsonb) ON CONFLICT (id) DO UPDATE SET "
          "registration_id = EXCLUDED.registration_id, unit = EXCLUDED.unit, "
          "leader_id = EXCLUDED.leader_id, date = EXCLUDED.date, body = EXCLUDED.body",
          r.id(), r.registration_id(), r.unit(), r.leader_id(), r.date(), body);
      return absl::OkStatus();
    });
  }

  absl::StatusOr<std::vector<pb::Exemption>> Exemptions(std::string_view month) override {
    return Run([&]() {
      return AllFromJson<pb::Exemption>(
          tx_.exec_params("SELECT body::text FROM exemptions WHERE ($1::text = '' OR month = $1) "
                          "ORDER BY leader_id, month",
                          std::string(month)));
    });
  }

  absl::Status PutExemption(const pb::Exemption& e) override {
    RETURN_IF_ERROR(CheckKey(e.leader_id(), "exemption.leader_id"));
    RETURN_IF_ERROR(CheckMonth(e.month(), "exemption.month"));
    ASSIGN_OR_RETURN(std::string body, ToJson(e));
    return Run([&]() {
      tx_.exec_params(
          "INSERT INTO exemptions (leader_id, month, body) VALUES ($1, $2, $3::jsonb) "
          "ON CONFLICT (leader_id, month) DO UPDATE SET body = EXCLUDED.body",
          e.leader_id(), e.month(), body);
      return absl::OkStatus();
    });
  }

  absl::StatusOr<std::vector<pb::StaffMember>> Staff(std::string_view unit, bool include_inactive) override {
    return Run([&]() {
      return AllFromJson<pb::StaffMember>(
          tx_.exec_params("SELECT body::text FROM staff WHERE ($1::text = '' OR unit = $1) "
                          "AND ($2::boolean OR active) ORDER BY id",
                          std::string(unit), include_inactive));
    });
  }

  absl::StatusOr<std::optional<pb::StaffMember>> StaffMember(std::string_view id) override {
    return Run([&]() {
      return OneFromJson<pb::StaffMember>(
          tx_.exec_params("SELECT body::text FROM staff WHERE id = $1", std::string(id)));
    });
  }

  absl::Status PutStaff(const pb::StaffMember& m) override {
    RETURN_IF_ERROR(CheckKey(m.id(), "staff.id"));
    ASSIGN_OR_RETURN(std::string body, ToJson(m));
    return Run([&]() {
      tx_.exec_params(
          "INSERT INTO staff (id, unit, active, body) VALUES ($1, $2, $3, $4::jsonb) "
          "ON CONFLICT (id) DO UPDATE SET unit = EXCLUDED.unit, active = EXCLUDED.active, "
          "body = EXCLUDED.body",
          m.id(), m.unit(), m.active(), body);
      return absl::OkStatus();
    });
  }

  absl::Status PutAttendance(const std::vector<AttendanceRow>& rows) override {
    // One statement for the whole import; a (staff, date) given twice keeps its last line (one
    // INSERT … ON CONFLICT cannot update a row twice).
    std::map<std::pair<std::string, std::string>, size_t> last;
    for (size_t i = 0; i < rows.size(); ++i) {
      RETURN_IF_ERROR(CheckKey(rows[i].staff_id, absl::StrFormat("attendance[%d].staff_id", i)));
      RETURN_IF_ERROR(CheckDate(rows[i].date, absl::StrFormat("attendance[%d].date", i), false));
      last[{rows[i].staff_id, rows[i].date}] = i;
    }
    if (last.empty()) return absl::OkStatus();
    std::vector<std::string> staff, date, in, out, mark;
    for (const auto& [key, i] : last) {
      staff.push_back(rows[i].staff_id);
      date.push_back(rows[i].date);
      in.push_back(rows[i].clock_in);
      out.push_back(rows[i].clock_out);
      mark.push_back(pb::AttendanceMark_Name(rows[i].mark));
    }
    return Run([&]() {
      tx_.exec_params(
          "INSERT INTO attendance (staff_id, date, clock_in, clock_out, mark) "
          "SELECT * FROM unnest($1::text[], $2::date[], $3::text[], $4::text[], $5::text[]) "
          "ON CONFLICT (staff_id, date) DO UPDATE SET clock_in = EXCLUDED.clock_in, "
          "clock_out = EXCLUDED.clock_out, mark = EXCLUDED.mark",
          PgArray(staff), PgArray(date), PgArray(in), PgArray(out), PgArray(mark));
      return absl::OkStatus();
    });
  }

  absl::StatusOr<std::vector<AttendanceRow>> Attendance(std::string_view from, std::string_view to) override {
    RETURN_IF_ERROR(CheckDate(from, "from", true));
    RETURN_IF_ERROR(CheckDate(to, "to", true));
    return Run([&]() -> absl::StatusOr<std::vector<AttendanceRow>> {
      const pqxx::result rows = tx_.exec_params(
          absl::StrFormat("SELECT staff_id, to_char(date, 'YYYY-MM-DD'), clock_in, clock_out, mark "
                          "FROM attendance WHERE %s ORDER BY staff_id, date",
                          DateBounds(1)),
          std::string(from), std::string(to));
      std::vector<AttendanceRow> out;
      out.reserve(rows.size());
      for (const auto& row : rows) {
        AttendanceRow& a = out.emplace_back();
        a.staff_id = row[0].as<std::string>();
        a.date = row[1].as<std::string>();
        a.clock_in = row[2].as<std::string>();
        a.clock_out = row[3].as<std::string>();
        if (!pb::AttendanceMark_Parse(row[4].as<std::string>(), &a.mark)) {
          return absl::DataLossError(absl::StrFormat("attendance of %s on %s has an unknown mark '%s'",
                                                     a.staff_id, a.date, row[4].as<std::string>()));
        }
      }
      return out;
    });
  }

  absl::StatusOr<std::vector<pb::Dismissal>> Dismissals(std::string_view unit) override {
    return Run([&]() {
      return AllFromJson<pb::Dismissal>(tx_.exec_params(
          "SELECT body::text FROM dismissals WHERE ($1::text = '' OR unit = $1) ORDER BY id",
          std::string(unit)));
    });
  }

  absl::StatusOr<std::optional<pb::Dismissal>> Dismissal(std::string_view id) override {
    return Run([&]() {
      return OneFromJson<pb::Dismissal>(
          tx_.exec_params("SELECT body::text FROM dismissals WHERE id = $1", std::string(id)));
    });
  }

  absl::Status PutDismissal(const pb::Dismissal& d) override {
    RETURN_IF_ERROR(CheckKey(d.id(), "dismissal.id"));
    ASSIGN_OR_RETURN(std::string body, ToJson(d));
    return Run([&]() {
      tx_.exec_params(
          "INSERT INTO dismissals (id, unit, body) VALUES ($1, $2, $3::jsonb) "
          "ON CONFLICT (id) DO UPDATE SET unit = EXCLUDED.unit, body = EXCLUDED.body",
          d.id(), d.unit(), body);
      return absl::OkStatus();
    });
  }

  absl::StatusOr<std::optional<pb::Roster>> PublishedRoster(std::string_view week) override {
    return Run([&]() {
      return OneFromJson<pb::Roster>(
          tx_.exec_params("SELECT body::text FROM rosters WHERE week = $1", std::string(week)));
    });
  }

  absl::Status PutPublishedRoster(const pb::Roster& roster) override {
    RETURN_IF_ERROR(CheckKey(roster.week(), "roster.week"));
    ASSIGN_OR_RETURN(std::string body, ToJson(roster));
    return Run([&]() {
      tx_.exec_params(
          "INSERT INTO rosters (week, published_at, body) "
          "VALUES ($1, NULLIF($2::text, '')::timestamptz, $3::jsonb) ON CONFLICT (week) DO UPDATE SET "
          "published_at = EXCLUDED.published_at, body = EXCLUDED.body",
          roster.week(), TimeParam(roster.has_published_at(), roster.published_at()), body);
      return absl::OkStatus();
    });
  }

  absl::StatusOr<bool> MarkOnce(std::string_view key, absl::Time at) override {
    RETURN_IF_ERROR(CheckKey(key, "once key"));
    return Run([&]() -> absl::StatusOr<bool> {
      return tx_
                 .exec_params("INSERT INTO once_marks (key, at) VALUES ($1, $2::timestamptz) "
                              "ON CONFLICT (key) DO NOTHING",
                              std::string(key), PgTime(at))
                 .affected_rows() == 1;
    });
  }

  absl::Status Audit(const pb::AuditEntry& entry) override {
    return Run([&]() {
      tx_.exec_params(
          "INSERT INTO audit (at, actor, action, subject, before, after) "
          "VALUES (NULLIF($1::text, '')::timestamptz, $2, $3, $4, $5, $6)",
          TimeParam(entry.has_at(), entry.at()), entry.actor(), entry.action(), entry.subject(),
          entry.before(), entry.after());
      return absl::OkStatus();
    });
  }

  absl::StatusOr<std::vector<pb::AuditEntry>> AuditEntries(std::string_view subject, int64_t after,
                                                            int limit) override {
    RETURN_IF_ERROR(CheckLimit(limit, "limit"));
    return Run([&]() -> absl::StatusOr<std::vector<pb::AuditEntry>> {
      const pqxx::result rows = tx_.exec_params(
          "SELECT id, (extract(epoch FROM at) * 1000000)::bigint, actor, action, subject, before, "
          "after FROM audit WHERE ($1::text = '' OR subject = $1) AND id > $2::bigint "
          "ORDER BY id LIMIT NULLIF($3::int, 0)",
          std::string(subject), after, limit);
      std::vector<pb::AuditEntry> out;
      out.reserve(rows.size());
      for (const auto& row : rows) {
        pb::AuditEntry& e = out.emplace_back();
        e.set_seq(row[0].as<int64_t>());
        if (!row[1].is_null()) *e.mutable_at() = ToProtoTime(absl::FromUnixMicros(row[1].as<int64_t>()));
        e.set_actor(row[2].as<std::string>());
        e.set_action(row[3].as<std::string>());
        e.set_subject(row[4].as<std::string>());
        e.set_before(row[5].as<std::string>());
        e.set_after(row[6].as<std::string>());
      }
      return out;
    });
  }

  absl::Status Emit(const pb::DutyEvent& event, std::string_view key) override {
    // Consumers dedup by (ce_source, ce_id): an id the caller chose makes a retried unit of work
    // emit the same event, not a second one.
    RETURN_IF_ERROR(CheckKey(event.id(), "event.id"));
    OutgoingEvent out;
    out.topic = kDutyTopic;
    out.event.id = event.id();
    out.event.source = kEventSource;
    out.event.type = kEventType;
    out.event.time = event.has_at() ? FromProtoTime(event.at()) : absl::Now();
    out.event.content_type = "application/protobuf";
    out.event.key = std::string(key);
    out.event.data = event.SerializeAsString();
    return Run([&]() {
      EnqueueOutbox(tx_, out);
      return absl::OkStatus();
    });
  }

};


}  // namespace

absl::Status PgDutyStore::Write(const std::function<absl::Status(DutyTx&)>& work) {
  return RunUnitOfWork<PgDutyTx, DutyTx>(
      pool_, [](pqxx::work& w) { w.exec_params("SELECT pg_advisory_xact_lock($1::bigint)", kWriteLockKey); },
      work);
}

absl::Status PgDutyStore::Read(const std::function<absl::Status(DutyTx&)>& work) {
  return RunUnitOfWork<PgDutyTx, DutyTx>(pool_, BeginReadOnlySnapshot, work);
}

}  // namespace ys::duty
