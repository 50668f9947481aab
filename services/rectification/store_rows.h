#pragma once

// What the CaseStore's files share (store_alerts.cc, store_office.cc, store_sweep.cc,
// store_queries.cc): loading a case, and writing a transaction's cases, history rows, followers and
// events with one statement per table.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/pg/outbox.h"
#include "services/rectification/domain.h"

namespace pqxx {
class transaction_base;
}

namespace ys::rectification {

// OPEN, IN_PROGRESS, REJECTED, REOPENED (Outstanding), for SQL.
inline constexpr char kOutstandingSql[] =
    "('STATE_OPEN', 'STATE_IN_PROGRESS', 'STATE_REJECTED', 'STATE_REOPENED')";
// The actor of automatic changes in the history.
inline constexpr char kServiceActor[] = "rectification";

struct LoadedCase {
  pb::Case c;
  int64_t version = 0;
  // Set when the body held a level of the sweeper before issue #12 (NormaliseLegacyEscalation): `c`
  // shows 督办; the next change writes it back so, with a history line.
  std::optional<LegacyEscalation> legacy;
};

// NOT_FOUND naming the id. `lock`: FOR UPDATE.
absl::StatusOr<LoadedCase> LoadCase(pqxx::transaction_base& tx, const std::string& id, bool lock);
// A case from its stored body and version columns, a legacy escalation normalised.
LoadedCase ParseCase(const std::string& body, int64_t version);
// The history line of a legacy escalation (before it is written back, GetCase shows it as of `at`).
pb::HistoryEntry LegacyEscalationEntry(const LegacyEscalation& legacy, absl::Time at);
// Sets the computed fields (overdue, days_overdue) for `as_of`.
void SetOverdue(pb::Case* c, absl::Time as_of);

// What one transaction changes: cases (each saved once, in its last form), history rows, followers
// and events, written with one statement per table however many cases a batch touches.
class CaseWrites {
 public:
  void Save(const pb::Case& c, int64_t version, bool insert);
  // A change to a loaded case: its next version, saved (with the history line of a legacy escalation
  // written back, once). Returns the version.
  int64_t Update(LoadedCase& l, absl::Time now);
  void Log(const std::string& id, absl::Time at, const std::string& actor, const std::string& action,
           const std::string& before, const std::string& after, const std::string& note);
  // The case's event on ys.rectification.v1: a bounded snapshot, whom it is for, the message. Its
  // id is the case, version, kind and `step` (default: the level; the ladder's rung for a step, as
  // several local steps share a level).
  void Emit(pb::CaseEvent::Kind kind, const pb::Case& c, int64_t version, pb::Escalation level,
            const std::string& message, absl::Time now, std::optional<int> step = std::nullopt);
  void Flush(pqxx::transaction_base& tx);

 private:
  struct Saved {
    pb::Case c;
    int64_t version;
    bool insert;
  };
  std::map<std::string, Saved> saved_;
  std::vector<std::string> order_;
  std::vector<std::string> h_id_, h_at_, h_actor_, h_action_, h_before_, h_after_, h_note_;
  std::vector<OutgoingEvent> events_;
};

// A change the office (or a unit) makes to one case: its history row and, unless kind is
// unspecified, its event.
struct CaseEffect {
  std::string action, before, after, actor;
  pb::CaseEvent::Kind kind = pb::CaseEvent::KIND_UNSPECIFIED;
  std::string message;
};

}  // namespace ys::rectification
