#pragma once

#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/kafka/cloud_event.h"

namespace ys {

// What one round of a consumer did.
struct InboxBatch {
  size_t polled = 0;
  size_t applied = 0;
  size_t duplicates = 0;
  size_t rejected = 0;
  // Why each rejected record was refused (the handler's status, with its kInboxReasonPayload).
  std::vector<absl::Status> rejections;

  void Add(const InboxBatch& other);
};

// Where a consumer applies its records: the inbox of a service's PostgreSQL schema
// (InboxProcessor), or an in-memory fake in tests.
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  // The inbox name ("ranking.submissions"): the `consumer` label of the consumer's metrics.
  virtual const std::string& name() const = 0;
  // Applies the records in one transaction (records a handler refuses are dead-lettered in it).
  // On error nothing of them was committed; ClassifyFailure tells whether their content or a
  // dependency is to blame.
  virtual absl::StatusOr<InboxBatch> Apply(std::span<const KafkaMessage> records) = 0;
  // Dead-letters one record whose content made every transaction holding it fail (the reason is
  // that failure), and remembers it as processed.
  virtual absl::StatusOr<InboxBatch> DeadLetter(const KafkaMessage& record, const absl::Status& reason) = 0;
  // Forgets events processed more than `keep` ago.
  virtual absl::StatusOr<int64_t> PurgeOlderThan(absl::Duration keep) = 0;
};

// Why a batch failed as a whole.
enum class FailureKind {
  // A record's content: a decode error, a PostgreSQL data exception (SQLSTATE class 22), an
  // integrity violation (23), a program limit (54) such as an index row too large. Splitting the
  // batch finds the record; it is dead-lettered and the rest applied.
  kData,
  // Something the records cannot help: a lost connection (class 08), a server shutting down
  // (57P01/57P03), Kafka down, a serialization failure, or an error we cannot place (a bug is not
  // the data's fault). The batch is retried whole with backoff and never dead-lettered.
  kDependency,
};

FailureKind ClassifyFailure(const absl::Status& status);
const char* FailureKindName(FailureKind kind);

}  // namespace ys
