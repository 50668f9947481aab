#pragma once

#include <pqxx/pqxx>

#include <string>
#include <vector>

#include "common/kafka/kafka.h"
#include "common/pg/inbox.h"
#include "common/pg/migrations.h"
#include "common/pg/outbox.h"
#include "gtest/gtest.h"
#include "tests/support/test_env.h"

namespace ys::testing {

inline std::unique_ptr<PgPool> MigratedPool(const std::string& schema,
                                            const std::vector<Migration>& migrations = {}) {
  PgOptions o;
  o.uri = PgUri();
  o.schema = schema;
  o.pool_size = 2;
  auto pool = PgPool::Connect(o);
  EXPECT_TRUE(pool.ok()) << pool.status();
  if (!pool.ok()) return nullptr;
  absl::Status s = MigrateService(**pool, "test", migrations);
  EXPECT_TRUE(s.ok()) << s;
  return std::move(*pool);
}

inline OutgoingEvent SampleEvent(const std::string& topic, int i, const std::string& data = "") {
  OutgoingEvent e;
  e.topic = topic;
  e.event.id = NewEventId();
  e.event.source = "/yingshang/test";
  e.event.type = "yingshang.testing.v1.Sample";
  e.event.time = absl::Now();
  e.event.key = "agg-" + std::to_string(i % 7);
  e.event.data = data.empty() ? "payload-" + std::to_string(i) : data;
  return e;
}

// Enqueues `n` sample events in transactions of `per_tx`.
inline void EnqueueSamples(PgPool& pool, const std::string& topic, int n, int per_tx = 100) {
  for (int start = 0; start < n; start += per_tx) {
    absl::Status s = pool.WithTransaction([&](pqxx::work& tx) {
      for (int i = start; i < std::min(n, start + per_tx); ++i) {
        EnqueueOutbox(tx, SampleEvent(topic, i));
      }
      return absl::OkStatus();
    });
    ASSERT_TRUE(s.ok()) << s;
  }
}

// The consumer side's state: one row per applied event, with how many times it was applied.
inline const std::vector<Migration>& AppliedTable() {
  static const std::vector<Migration> m = {
      {1, "0001_applied",
       "CREATE TABLE applied (ce_id text PRIMARY KEY, data text NOT NULL, times int NOT NULL)"}};
  return m;
}

inline absl::Status ApplyOnce(pqxx::transaction_base& tx, const CloudEvent& e) {
  tx.exec_params(
      "INSERT INTO applied (ce_id, data, times) VALUES ($1, $2, 1) "
      "ON CONFLICT (ce_id) DO UPDATE SET times = applied.times + 1",
      e.id, e.data);
  return absl::OkStatus();
}

inline int64_t QueryInt(PgPool& pool, const std::string& sql) {
  int64_t v = -1;
  absl::Status s = pool.WithTransaction([&](pqxx::work& tx) {
    v = tx.exec1(sql)[0].as<int64_t>();
    return absl::OkStatus();
  });
  EXPECT_TRUE(s.ok()) << s;
  return v;
}

// Produces `events` to `topic` and calls `run_once` (an inbox round returning StatusOr<InboxBatch>)
// until every one was applied, ignored as a duplicate or rejected; returns the totals.
template <typename RunOnce>
InboxBatch ProduceAndDrain(KafkaProducer& producer, const std::string& topic,
                           const std::vector<CloudEvent>& events, RunOnce run_once) {
  std::vector<OutgoingEvent> out;
  for (const auto& e : events) out.push_back({topic, e});
  auto n = producer.PublishBatch(out, absl::Seconds(10));
  EXPECT_TRUE(n.ok() && *n == events.size()) << n.status();
  InboxBatch total;
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (total.applied + total.duplicates + total.rejected < events.size() &&
         absl::Now() < deadline) {
    auto b = run_once();
    EXPECT_TRUE(b.ok()) << b.status();
    if (!b.ok()) break;
    total.applied += b->applied;
    total.duplicates += b->duplicates;
    total.rejected += b->rejected;
    for (auto& r : b->rejections) total.rejections.push_back(r);
  }
  EXPECT_EQ(total.applied + total.duplicates + total.rejected, events.size());
  return total;
}

}  // namespace ys::testing
