#pragma once

#include <atomic>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "common/consumer/record_sink.h"

namespace ys::testing {

// An inbox in memory. A record whose value contains "POISON" fails any batch holding it the way a
// PostgreSQL data exception does (INVALID_ARGUMENT for the whole transaction); while `down` is set
// every batch fails as a lost connection does (UNAVAILABLE). Applied and dead-lettered records are
// kept by value, in order; a record applied twice would show up twice.
class FakeRecordSink final : public RecordSink {
 public:
  const std::string& name() const override { return name_; }

  absl::StatusOr<InboxBatch> Apply(std::span<const KafkaMessage> records) override {
    ++transactions;
    if (down) return absl::UnavailableError("postgresql unavailable: connection lost");
    InboxBatch batch;
    batch.polled = records.size();
    std::vector<std::string> fresh;
    for (const KafkaMessage& m : records) {
      if (absl::StrContains(m.value, "POISON")) {
        return absl::InvalidArgumentError("postgresql: ERROR: malformed array literal");
      }
      if (seen_.contains(m.value)) {
        ++batch.duplicates;
      } else {
        fresh.push_back(m.value);
      }
    }
    for (auto& v : fresh) {
      seen_.insert(v);
      applied.push_back(std::move(v));
      ++batch.applied;
    }
    return batch;
  }

  absl::StatusOr<InboxBatch> DeadLetter(const KafkaMessage& record, const absl::Status& reason) override {
    if (down) return absl::UnavailableError("postgresql unavailable: connection lost");
    InboxBatch batch;
    batch.polled = 1;
    if (!seen_.insert(record.value).second) {
      batch.duplicates = 1;
      return batch;
    }
    dead_letters.push_back(record.value);
    reasons.push_back(reason);
    batch.rejected = 1;
    batch.rejections.push_back(reason);
    return batch;
  }

  absl::StatusOr<int64_t> PurgeOlderThan(absl::Duration) override {
    ++purges;
    return 0;
  }

  bool down = false;
  std::atomic<int> transactions{0};  // read by a test while the loop's thread runs
  int purges = 0;
  std::vector<std::string> applied;
  std::vector<std::string> dead_letters;
  std::vector<absl::Status> reasons;

 private:
  std::string name_ = "fake.inbox";
  std::set<std::string> seen_;
};

}  // namespace ys::testing
