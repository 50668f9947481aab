#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "common/catalog/replica_store.h"
#include "common/kafka/kafka.h"
#include "common/metrics/metrics.h"
#include "common/pg/inbox.h"
#include "common/pg/pool.h"
#include "common/time/clock.h"
#include "services/ranking/current_fact.h"
#include "services/ranking/domain.h"
#include "services/ranking/ledger_store.h"
#include "yingshang/ranking/v1/ingest.pb.h"

namespace ys::ranking {

inline constexpr char kSubmittedTopic[] = "ys.rankings.submitted.v1";
inline constexpr char kAcceptedTopic[] = "ys.rankings.accepted.v1";
inline constexpr char kAlertsTopic[] = "ys.rankings.alerts.v1";
inline constexpr char kDlqTopic[] = "ys.rankings.dlq.v1";
inline constexpr char kCatalogTopic[] = "ys.catalog.v1";
inline constexpr char kCatalogSource[] = "/yingshang/indicator";  // the only publisher of the catalog
// Reports of validate-only Kafka submissions (a SubmitResult keyed by the submission's ce_id).
inline constexpr char kValidationTopic[] = "ys.rankings.validation.v1";
// The CloudEvents extension that asks for a report instead of a write.
inline constexpr char kValidateOnlyHeader[] = "ce_ysvalidateonly";
// Whether a submission asks for a report only (the inbox's dry_run: the same event sent again
// for real is still applied).
bool IsValidateOnly(const CloudEvent& e);

// What a batch changed once its transaction commits: the facts that became current (for the
// cache) and the alerts it raised.
struct FactChanges {
  std::vector<CurrentFact> current;
  std::vector<pb::RankingAlert> raised;
};
// (Alerts withdrawn by a correction are published on the alerts topic; nothing after the commit
// needs them.)

// Applies ys.rankings.submitted.v1 batches: decode (protobuf or JSON), validate against the replica,
// decide each revision, store every revision and the current one, raise alerts once, and publish
// accepted facts and new alerts through the outbox — all in the consumer's transaction.
class FactIngest {
 public:
  FactIngest(PgPool& pool, CatalogReplicaStore& catalog, const Clock& clock,
             ValidationPolicy validation, LockPolicy lock, RuleConfig rules)
      : pool_(pool), catalog_(catalog), clock_(clock), validation_(std::move(validation)),
        lock_(lock), rules_(std::move(rules)), ledger_(pool) {}

  // The inbox batch handler for ys.rankings.submitted.v1: returns what the batch changed.
  absl::StatusOr<FactChanges> ApplyBatch(pqxx::transaction_base& tx, const std::vector<const CloudEvent*>& events,
                                         std::vector<absl::Status>* results);

  struct Input {
    pb::RankingFact fact;
    std::string platform;  // who sent it (ce_source /platform/<x>, or the caller's platform role)
  };
  struct Options {
    bool validate_only = false;  // decide everything, write nothing
    bool correction = false;     // the office may write into locked periods
  };
  // The one validation and revision path of every way in (Kafka, gRPC Submit, CSV through Submit).
  // (*results)[i] is OK or the record's fault; (*outcomes)[i] what happened to an OK one; what
  // became current and the alerts raised are added to *changes.
  absl::Status ApplyFacts(pqxx::transaction_base& tx, const std::vector<Input>& inputs,
                          const Options& options, std::vector<absl::Status>* results,
                          std::vector<RevisionOutcome>* outcomes, FactChanges* changes);
  // Runs refused Kafka submissions again (after the catalog was fixed): the named ones, or with
  // `all` every one not replayed yet (oldest first, at most `limit`). An accepted one is marked
  // replayed; a refused one keeps its row with the new reason and one more attempt. NOT_FOUND
  // names an unknown id. Results carry event_id = the rejected id.
  absl::StatusOr<std::vector<pb::SubmitResult>> Replay(pqxx::transaction_base& tx,
                                                       const std::vector<std::string>& ids, bool all,
                                                       bool validate_only, FactChanges* changes,
                                                       size_t limit = 10000);
  // Keeps a refused Kafka record for ListRejected/Replay (InboxOptions::on_reject).
  static void RecordRejected(pqxx::transaction_base& tx, const KafkaMessage& record,
                             const std::string& id, const absl::Status& reason, absl::Time now);

  // The alerts and the 考核奖惩 ledger this ingest writes (FinaliseYear works on it too).
  LedgerStore& ledger() { return ledger_; }
  const Clock& clock() const { return clock_; }

  // How often a batch was decided again because another writer stored one of its new keys first.
  int64_t new_key_races() const { return new_key_races_.load(); }

 private:
  PgPool& pool_;
  CatalogReplicaStore& catalog_;
  const Clock& clock_;
  ValidationPolicy validation_;
  LockPolicy lock_;
  RuleConfig rules_;
  LedgerStore ledger_;
  std::atomic<int64_t> new_key_races_{0};
};

// A per-fact result as Submit, Replay and the validation topic report it.
pb::SubmitResult MakeResult(const std::string& fact_key, const absl::Status& status,
                            RevisionOutcome outcome);

// The previous period of the same kind ("2022-09" -> "2022-08"), for month-on-month movement.
std::string PreviousPeriod(const std::string& period);

}  // namespace ys::ranking
