#pragma once

// Where the duty service keeps its state. A unit of work runs in one transaction: reads, writes,
// the audit lines and the events it emits (outbox) commit together or not at all. Writes serialize
// (duty traffic is a few hundred forms a week), so what a decision read is still true when its
// writes land. The store loads and writes; decisions are the domain's.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/pg/pool.h"
#include "yingshang/duty/v1/duty.pb.h"

namespace ys::duty {

namespace pb = ::yingshang::duty::v1;

inline constexpr char kDutyTopic[] = "ys.duty.v1";

// The lists come in the order of the date, then the id (so a page of a month reads as the month
// does); `offset` and `limit` take a page of that order, and Count* say how many the filter
// matches without them, for the page token.
struct RegistrationFilter {
  std::string unit;       // "" any
  std::string leader_id;  // "" any
  std::string from;       // ISO dates, inclusive; "" open
  std::string to;
  bool include_cancelled = false;
  int offset = 0;         // paging: how many of the ordered matches to skip
  int limit = 0;          // 0: no limit
};

struct RecordFilter {
  std::string unit;
  std::string leader_id;
  std::string from;
  std::string to;
  int offset = 0;
  int limit = 0;
};

struct AttendanceRow {
  std::string staff_id;
  std::string date;      // ISO
  std::string clock_in;  // "HH:MM" or ""
  std::string clock_out;
  pb::AttendanceMark mark = pb::ATTENDANCE_MARK_UNSPECIFIED;
};

// The reads and writes of one unit of work.
class DutyTx {
 public:
  virtual ~DutyTx() = default;

  virtual absl::StatusOr<pb::Directory> Directory() = 0;  // version 0 and no units before an import
  virtual absl::Status PutDirectory(const pb::Directory& directory) = 0;  // a new version

  // "DR-000001", "DK-…", "WS-…", "QT-…": the next id of a kind, never reused.
  virtual absl::StatusOr<std::string> NextId(std::string_view prefix) = 0;

  virtual absl::StatusOr<std::vector<pb::Registration>> Registrations(const RegistrationFilter& f) = 0;
  // How many registrations `f` matches, its offset and limit aside.
  virtual absl::StatusOr<int64_t> CountRegistrations(const RegistrationFilter& f) = 0;
  virtual absl::StatusOr<std::optional<pb::Registration>> Registration(std::string_view id) = 0;
  virtual absl::Status PutRegistration(const pb::Registration& registration) = 0;  // insert or replace

  virtual absl::StatusOr<std::vector<pb::DutyRecord>> Records(const RecordFilter& f) = 0;
  virtual absl::StatusOr<int64_t> CountRecords(const RecordFilter& f) = 0;  // offset and limit aside
  virtual absl::Status PutRecord(const pb::DutyRecord& record) = 0;

  virtual absl::StatusOr<std::vector<pb::Exemption>> Exemptions(std::string_view month) = 0;
  virtual absl::Status PutExemption(const pb::Exemption& exemption) = 0;  // replaces (leader, month)

  virtual absl::StatusOr<std::vector<pb::StaffMember>> Staff(std::string_view unit, bool include_inactive) = 0;
  virtual absl::StatusOr<std::optional<pb::StaffMember>> StaffMember(std::string_view id) = 0;
  virtual absl::Status PutStaff(const pb::StaffMember& member) = 0;

  virtual absl::Status PutAttendance(const std::vector<AttendanceRow>& rows) = 0;  // replaces (staff, date)
  virtual absl::StatusOr<std::vector<AttendanceRow>> Attendance(std::string_view from, std::string_view to) = 0;

  virtual absl::StatusOr<std::vector<pb::Dismissal>> Dismissals(std::string_view unit) = 0;
  virtual absl::StatusOr<std::optional<pb::Dismissal>> Dismissal(std::string_view id) = 0;
  virtual absl::Status PutDismissal(const pb::Dismissal& dismissal) = 0;

  // The roster as published for a week ("2022-W40"), if it was.
  virtual absl::StatusOr<std::optional<pb::Roster>> PublishedRoster(std::string_view week) = 0;
  virtual absl::Status PutPublishedRoster(const pb::Roster& roster) = 0;

  // Something that happens once (a reminder, a flag, a monthly report): true the first time `key`
  // is marked, false after; so two replicas or a restart never send it twice.
  virtual absl::StatusOr<bool> MarkOnce(std::string_view key, absl::Time at) = 0;

  virtual absl::Status Audit(const pb::AuditEntry& entry) = 0;
  virtual absl::StatusOr<std::vector<pb::AuditEntry>> AuditEntries(std::string_view subject,
                                                                    int64_t after, int limit) = 0;

  // Emits an event on ys.duty.v1 (CloudEvents type yingshang.duty.v1.DutyEvent, key `key`) through
  // the outbox: published if and only if the unit of work commits.
  virtual absl::Status Emit(const pb::DutyEvent& event, std::string_view key) = 0;
};

class DutyStore {
 public:
  virtual ~DutyStore() = default;
  // Runs `work` in one transaction; it commits when `work` returns OK, else nothing is kept.
  virtual absl::Status Write(const std::function<absl::Status(DutyTx&)>& work) = 0;
  // Runs `work` on a consistent read-only snapshot.
  virtual absl::Status Read(const std::function<absl::Status(DutyTx&)>& work) = 0;
};

// PostgreSQL: tables per kind with the key columns and the message as JSON (protobuf's mapping);
// writes take one transaction-scoped advisory lock; events go to the outbox table.
class PgDutyStore final : public DutyStore {
 public:
  explicit PgDutyStore(PgPool& pool) : pool_(pool) {}
  absl::Status Write(const std::function<absl::Status(DutyTx&)>& work) override;
  absl::Status Read(const std::function<absl::Status(DutyTx&)>& work) override;

 private:
  PgPool& pool_;
};

}  // namespace ys::duty
