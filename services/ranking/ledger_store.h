#pragma once

// The alerts and the 考核奖惩 ledger in PostgreSQL. The decisions are ledger.h's; this class loads,
// writes and enqueues the events (outbox), inside the caller's transaction where one is given.

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/grpc/auth.h"
#include "common/kafka/publisher.h"
#include "common/pg/pool.h"
#include "services/ranking/ledger.h"
#include "yingshang/ranking/v1/ingest.pb.h"

namespace pqxx {
class transaction_base;
}

namespace ys::ranking {

class LedgerStore {
 public:
  explicit LedgerStore(PgPool& pool) : pool_(pool) {}

  // Stores alerts once per id with their ledger lines, and enqueues an event for each alert raised
  // now: a new one, or one that was withdrawn and a later revision raises again (reinstated, its
  // lines counted again — a finalised line is pending again until the office confirms it). Returns
  // the alerts raised.
  std::vector<pb::RankingAlert> Raise(pqxx::transaction_base& tx,
                                      const std::map<std::string, pb::RankingAlert>& alerts,
                                      absl::Time now, std::vector<OutgoingEvent>* events);

  // For facts that superseded a stored revision (by fact key): withdraws the standing alerts of
  // those keys the new revision no longer raises (`still_raised`: the alert ids the new facts
  // raise), and their ledger lines; enqueues each withdrawn alert again with `withdrawn` set.
  // Returns the alerts withdrawn.
  std::vector<pb::RankingAlert> Withdraw(pqxx::transaction_base& tx,
                                         const std::map<std::string, pb::RankingFact>& superseding,
                                         const std::set<std::string>& still_raised, absl::Time now,
                                         std::vector<OutgoingEvent>* events);

  // The year's lines (one subject's when `subject` is set), withdrawn ones too when asked, with the
  // office's finalisations of the year.
  absl::StatusOr<pb::ListConsequencesResponse> List(int year, const std::string& subject,
                                                    bool include_withdrawn);

  // The office's "finalise year": the year's pending lines become incurred, the step is recorded
  // (who, when, reason, how many) and announced on ys.rankings.ledger.v1. FAILED_PRECONDITION when
  // nothing is pending; `dry_run` answers what would be confirmed and changes nothing.
  absl::StatusOr<pb::FinaliseYearResponse> FinaliseYear(const Principal& who, int year,
                                                        const std::string& reason, bool dry_run,
                                                        absl::Time now);

 private:
  PgPool& pool_;
};

}  // namespace ys::ranking
