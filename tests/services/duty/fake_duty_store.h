#pragma once

// In-memory DutyStore for service tests. It behaves like PgDutyStore (pg_store_test.cc runs the
// same checks against both): a Write works on a copy of the state that replaces the state only
// when the work returns OK; a Read works on a snapshot and cannot write; ids and audit numbers, like
// PostgreSQL's sequences, are not given back by a failed Write; the events of committed Writes are
// kept, in order, for tests to assert on.

#include <algorithm>
#include <functional>
#include <iterator>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "common/status/macros.h"
#include "common/time/calendar.h"
#include "common/time/proto_time.h"
#include "services/duty/store.h"

namespace ys::duty::testing {

struct EmittedDutyEvent {
  pb::DutyEvent event;
  std::string key;
};

class FakeDutyStore final : public DutyStore {
 public:
  absl::Status Write(const std::function<absl::Status(DutyTx&)>& work) override {
    std::lock_guard write(write_mu_);  // writes serialize, as the advisory lock makes them
    State draft;
    {
      std::lock_guard lock(mu_);
      if (!fail_.ok()) return fail_;
      draft = state_;
    }
    Tx tx(*this, draft, /*read_only=*/false);
    absl::Status status = work(tx);
    if (!tx.failure().ok()) return tx.failure();
    if (!status.ok()) return status;
    std::lock_guard lock(mu_);
    state_ = std::move(draft);
    for (auto& e : tx.emitted()) events_.push_back(std::move(e));
    return absl::OkStatus();
  }

  absl::Status Read(const std::function<absl::Status(DutyTx&)>& work) override {
    State snapshot;
    {
      std::lock_guard lock(mu_);
      if (!fail_.ok()) return fail_;
      snapshot = state_;
    }
    Tx tx(*this, snapshot, /*read_only=*/true);
    absl::Status status = work(tx);
    if (!tx.failure().ok()) return tx.failure();
    return status;
  }

  // The events of committed Writes, in the order they were emitted, with their keys.
  std::vector<EmittedDutyEvent> events() const {
    std::lock_guard lock(mu_);
    return events_;
  }
  void ClearEvents() {
    std::lock_guard lock(mu_);
    events_.clear();
  }
  // Every Write and Read fails with `status` (OK again to stop): a database that is down.
  void FailWith(absl::Status status) {
    std::lock_guard lock(mu_);
    fail_ = std::move(status);
  }

 private:
  struct State {
    std::map<int64_t, pb::Directory> directories;
    std::map<std::string, pb::Registration> registrations;
    std::map<std::string, pb::DutyRecord> records;
    std::map<std::pair<std::string, std::string>, pb::Exemption> exemptions;  // (leader, month)
    std::map<std::string, pb::StaffMember> staff;
    std::map<std::pair<std::string, std::string>, AttendanceRow> attendance;  // (staff, date)
    std::map<std::string, pb::Dismissal> dismissals;
    std::map<std::string, pb::Roster> rosters;
    std::map<std::string, absl::Time> once;
    std::vector<pb::AuditEntry> audit;  // in seq order
  };

  // The next number of a sequence ("DR", "DK", "WS", "QT", "audit"): outside the State, so that
  // a failed Write does not give it back, like nextval.
  int64_t NextNumber(const std::string& sequence) {
    std::lock_guard lock(mu_);
    return ++sequences_[sequence];
  }

  class Tx final : public DutyTx {
   public:
    Tx(FakeDutyStore& store, State& state, bool read_only)
        : store_(store), s_(state), read_only_(read_only) {}
    const absl::Status& failure() const { return failure_; }
    std::vector<EmittedDutyEvent>& emitted() { return emitted_; }

    absl::StatusOr<pb::Directory> Directory() override {
      if (!failure_.ok()) return failure_;
      if (s_.directories.empty()) return pb::Directory();
      return s_.directories.rbegin()->second;
    }
    absl::Status PutDirectory(const pb::Directory& directory) override {
      RETURN_IF_ERROR(Writable());
      const int64_t next = s_.directories.empty() ? 1 : s_.directories.rbegin()->first + 1;
      if (directory.version() != 0 && directory.version() != next) {
        return absl::FailedPreconditionError(absl::StrFormat(
            "directory.version %d is not the next version (%d)", directory.version(), next));
      }
      pb::Directory stored = directory;
      stored.set_version(next);
      s_.directories[next] = std::move(stored);
      return absl::OkStatus();
    }

    absl::StatusOr<std::string> NextId(std::string_view prefix) override {
      if (prefix != "DR" && prefix != "DK" && prefix != "WS" && prefix != "QT") {
        return absl::InvalidArgumentError(
            absl::StrFormat("id prefix '%s' is not one of DR, DK, WS, QT", prefix));
      }
      RETURN_IF_ERROR(Writable());  // nextval is a write
      return absl::StrFormat("%s-%06d", prefix, store_.NextNumber(std::string(prefix)));
    }

    absl::StatusOr<std::vector<pb::Registration>> Registrations(const RegistrationFilter& f) override {
      ASSIGN_OR_RETURN(std::vector<pb::Registration> all, MatchingRegistrations(f));
      return Page(std::move(all), f.offset, f.limit);
    }
    absl::StatusOr<int64_t> CountRegistrations(const RegistrationFilter& f) override {
      ASSIGN_OR_RETURN(std::vector<pb::Registration> all, MatchingRegistrations(f));
      return static_cast<int64_t>(all.size());
    }
    absl::StatusOr<std::optional<pb::Registration>> Registration(std::string_view id) override {
      return Find(s_.registrations, std::string(id));
    }
    absl::Status PutRegistration(const pb::Registration& r) override {
      RETURN_IF_ERROR(CheckKey(r.id(), "registration.id"));
      RETURN_IF_ERROR(CheckDate(r.date(), "registration.date", false));
      RETURN_IF_ERROR(Writable());
      s_.registrations[r.id()] = r;
      return absl::OkStatus();
    }

    absl::StatusOr<std::vector<pb::DutyRecord>> Records(const RecordFilter& f) override {
      ASSIGN_OR_RETURN(std::vector<pb::DutyRecord> all, MatchingRecords(f));
      return Page(std::move(all), f.offset, f.limit);
    }
    absl::StatusOr<int64_t> CountRecords(const RecordFilter& f) override {
      ASSIGN_OR_RETURN(std::vector<pb::DutyRecord> all, MatchingRecords(f));
      return static_cast<int64_t>(all.size());
    }
    absl::Status PutRecord(const pb::DutyRecord& r) override {
      RETURN_IF_ERROR(CheckKey(r.id(), "record.id"));
      RETURN_IF_ERROR(CheckDate(r.date(), "record.date", false));
      RETURN_IF_ERROR(Writable());
      s_.records[r.id()] = r;
      return absl::OkStatus();
    }

    absl::StatusOr<std::vector<pb::Exemption>> Exemptions(std::string_view month) override {
      if (!failure_.ok()) return failure_;
      std::vector<pb::Exemption> out;
      for (const auto& [key, e] : s_.exemptions) {
        if (month.empty() || key.second == month) out.push_back(e);
      }
      return out;
    }
    absl::Status PutExemption(const pb::Exemption& e) override {
      RETURN_IF_ERROR(CheckKey(e.leader_id(), "exemption.leader_id"));
      absl::CivilMonth month;
      if (e.month().size() != 7 || !absl::ParseCivilTime(e.month(), &month)) {
        return absl::InvalidArgumentError(
            absl::StrFormat("exemption.month '%s' is not a month (YYYY-MM)", e.month()));
      }
      RETURN_IF_ERROR(Writable());
      s_.exemptions[{e.leader_id(), e.month()}] = e;
      return absl::OkStatus();
    }

    absl::StatusOr<std::vector<pb::StaffMember>> Staff(std::string_view unit,
                                                       bool include_inactive) override {
      if (!failure_.ok()) return failure_;
      std::vector<pb::StaffMember> out;
      for (const auto& [id, m] : s_.staff) {
        if ((unit.empty() || m.unit() == unit) && (include_inactive || m.active())) out.push_back(m);
      }
      return out;
    }
    absl::StatusOr<std::optional<pb::StaffMember>> StaffMember(std::string_view id) override {
      return Find(s_.staff, std::string(id));
    }
    absl::Status PutStaff(const pb::StaffMember& m) override {
      RETURN_IF_ERROR(CheckKey(m.id(), "staff.id"));
      RETURN_IF_ERROR(Writable());
      s_.staff[m.id()] = m;
      return absl::OkStatus();
    }

    absl::Status PutAttendance(const std::vector<AttendanceRow>& rows) override {
      for (size_t i = 0; i < rows.size(); ++i) {
        RETURN_IF_ERROR(CheckKey(rows[i].staff_id, absl::StrFormat("attendance[%d].staff_id", i)));
        RETURN_IF_ERROR(CheckDate(rows[i].date, absl::StrFormat("attendance[%d].date", i), false));
      }
      if (rows.empty()) return absl::OkStatus();
      RETURN_IF_ERROR(Writable());
      for (const AttendanceRow& row : rows) s_.attendance[{row.staff_id, row.date}] = row;
      return absl::OkStatus();
    }
    absl::StatusOr<std::vector<AttendanceRow>> Attendance(std::string_view from,
                                                          std::string_view to) override {
      RETURN_IF_ERROR(CheckDate(from, "from", true));
      RETURN_IF_ERROR(CheckDate(to, "to", true));
      if (!failure_.ok()) return failure_;
      std::vector<AttendanceRow> out;
      for (const auto& [key, row] : s_.attendance) {
        if (InDates(row.date, from, to)) out.push_back(row);
      }
      return out;
    }

    absl::StatusOr<std::vector<pb::Dismissal>> Dismissals(std::string_view unit) override {
      if (!failure_.ok()) return failure_;
      std::vector<pb::Dismissal> out;
      for (const auto& [id, d] : s_.dismissals) {
        if (unit.empty() || d.unit() == unit) out.push_back(d);
      }
      return out;
    }
    absl::StatusOr<std::optional<pb::Dismissal>> Dismissal(std::string_view id) override {
      return Find(s_.dismissals, std::string(id));
    }
    absl::Status PutDismissal(const pb::Dismissal& d) override {
      RETURN_IF_ERROR(CheckKey(d.id(), "dismissal.id"));
      RETURN_IF_ERROR(Writable());
      s_.dismissals[d.id()] = d;
      return absl::OkStatus();
    }

    absl::StatusOr<std::optional<pb::Roster>> PublishedRoster(std::string_view week) override {
      return Find(s_.rosters, std::string(week));
    }
    absl::Status PutPublishedRoster(const pb::Roster& roster) override {
      RETURN_IF_ERROR(CheckKey(roster.week(), "roster.week"));
      RETURN_IF_ERROR(Writable());
      s_.rosters[roster.week()] = roster;
      return absl::OkStatus();
    }

    absl::StatusOr<bool> MarkOnce(std::string_view key, absl::Time at) override {
      RETURN_IF_ERROR(CheckKey(key, "once key"));
      RETURN_IF_ERROR(Writable());
      return s_.once.emplace(std::string(key), at).second;
    }

    absl::Status Audit(const pb::AuditEntry& entry) override {
      RETURN_IF_ERROR(Writable());
      pb::AuditEntry& e = s_.audit.emplace_back(entry);
      e.set_seq(store_.NextNumber("audit"));
      // timestamptz keeps microseconds.
      if (e.has_at()) *e.mutable_at() = ToProtoTime(FromProtoTime(e.at()));
      return absl::OkStatus();
    }
    absl::StatusOr<std::vector<pb::AuditEntry>> AuditEntries(std::string_view subject, int64_t after,
                                                              int limit) override {
      RETURN_IF_ERROR(CheckLimit(limit, "limit"));
      if (!failure_.ok()) return failure_;
      std::vector<pb::AuditEntry> out;
      for (const pb::AuditEntry& e : s_.audit) {
        if (e.seq() <= after || (!subject.empty() && e.subject() != subject)) continue;
        out.push_back(e);
        if (limit > 0 && out.size() == static_cast<size_t>(limit)) break;
      }
      return out;
    }

    absl::Status Emit(const pb::DutyEvent& event, std::string_view key) override {
      RETURN_IF_ERROR(CheckKey(event.id(), "event.id"));
      RETURN_IF_ERROR(Writable());
      emitted_.push_back({event, std::string(key)});
      return absl::OkStatus();
    }

   private:
    // What a filter matches, its offset and limit aside, in PgDutyStore's order: date, then id.
    absl::StatusOr<std::vector<pb::Registration>> MatchingRegistrations(const RegistrationFilter& f) {
      RETURN_IF_ERROR(CheckFilter(f.from, f.to, f.offset, f.limit));
      if (!failure_.ok()) return failure_;
      std::vector<pb::Registration> out;
      for (const auto& [id, r] : s_.registrations) {
        if (!f.unit.empty() && r.unit() != f.unit) continue;
        if (!f.leader_id.empty() && r.leader_id() != f.leader_id) continue;
        if (!InDates(r.date(), f.from, f.to)) continue;
        if (!f.include_cancelled && r.cancelled()) continue;
        out.push_back(r);
      }
      return ByDateThenId(std::move(out));
    }
    absl::StatusOr<std::vector<pb::DutyRecord>> MatchingRecords(const RecordFilter& f) {
      RETURN_IF_ERROR(CheckFilter(f.from, f.to, f.offset, f.limit));
      if (!failure_.ok()) return failure_;
      std::vector<pb::DutyRecord> out;
      for (const auto& [id, r] : s_.records) {
        if (!f.unit.empty() && r.unit() != f.unit) continue;
        if (!f.leader_id.empty() && r.leader_id() != f.leader_id) continue;
        if (!InDates(r.date(), f.from, f.to)) continue;
        out.push_back(r);
      }
      return ByDateThenId(std::move(out));
    }
    // ISO dates order as text; the map gave id order, which a stable sort keeps within a date.
    template <typename M>
    static std::vector<M> ByDateThenId(std::vector<M> rows) {
      std::stable_sort(rows.begin(), rows.end(), [](const M& a, const M& b) { return a.date() < b.date(); });
      return rows;
    }
    template <typename M>
    static std::vector<M> Page(std::vector<M> rows, int offset, int limit) {
      const size_t begin = std::min(rows.size(), static_cast<size_t>(offset));
      const size_t end = limit > 0 ? std::min(rows.size(), begin + static_cast<size_t>(limit)) : rows.size();
      return std::vector<M>(std::make_move_iterator(rows.begin() + begin),
                            std::make_move_iterator(rows.begin() + end));
    }
    static absl::Status CheckFilter(std::string_view from, std::string_view to, int offset, int limit) {
      RETURN_IF_ERROR(CheckDate(from, "filter.from", true));
      RETURN_IF_ERROR(CheckDate(to, "filter.to", true));
      RETURN_IF_ERROR(CheckLimit(offset, "filter.offset"));
      return CheckLimit(limit, "filter.limit");
    }

    // A write in a Read is refused, and (as PostgreSQL aborts the transaction) fails the rest.
    absl::Status Writable() {
      if (!failure_.ok()) return failure_;
      if (read_only_) failure_ = absl::FailedPreconditionError("a Read cannot write");
      return failure_;
    }
    template <typename M>
    absl::StatusOr<std::optional<M>> Find(const std::map<std::string, M>& table, const std::string& key) {
      if (!failure_.ok()) return failure_;
      auto it = table.find(key);
      if (it == table.end()) return std::nullopt;
      return std::optional<M>(it->second);
    }
    static absl::Status CheckKey(std::string_view value, std::string_view field) {
      if (value.empty()) return absl::InvalidArgumentError(absl::StrFormat("%s is empty", field));
      return absl::OkStatus();
    }
    static absl::Status CheckDate(std::string_view value, std::string_view field, bool optional) {
      if (value.empty() && optional) return absl::OkStatus();
      if (auto day = ParseIsoDate(absl::string_view(value.data(), value.size())); !day.ok()) {
        return absl::InvalidArgumentError(absl::StrFormat("%s: %s", field, day.status().message()));
      }
      return absl::OkStatus();
    }
    static absl::Status CheckLimit(int limit, std::string_view field) {
      if (limit < 0) return absl::InvalidArgumentError(absl::StrFormat("%s is negative", field));
      return absl::OkStatus();
    }
    // ISO dates order as text.
    static bool InDates(std::string_view date, std::string_view from, std::string_view to) {
      return (from.empty() || date >= from) && (to.empty() || date <= to);
    }

    FakeDutyStore& store_;
    State& s_;
    const bool read_only_;
    absl::Status failure_;
    std::vector<EmittedDutyEvent> emitted_;
  };

  std::mutex write_mu_;
  mutable std::mutex mu_;  // guards what follows
  State state_;
  std::map<std::string, int64_t> sequences_;
  std::vector<EmittedDutyEvent> events_;
  absl::Status fail_;
};

}  // namespace ys::duty::testing
