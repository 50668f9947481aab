// Ranking ingest on the real stack: the catalog replica, JSON submissions through Kafka and the
// inbox, revisions, alerts raised once, dead letters with rule codes.
#include "services/ranking/ingest.h"

#include <pqxx/pqxx>

#include "common/pg/migrations.h"
#include "gtest/gtest.h"
#include "services/indicator/catalog.h"
#include "services/ranking/embedded.h"
#include "tests/fakes/fake_clock.h"
#include "tests/services/ranking/seed_replica.h"
#include "tests/support/outbox_fixture.h"

namespace ys::ranking {

namespace {

using ys::testing::QueryInt;

class RankingIngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    kafka_.brokers = ys::testing::KafkaBrokers();
    topic_ = ys::testing::UniqueName("test.rankings");
    ASSERT_TRUE(EnsureTopics(kafka_, {{topic_, 3, false}}).ok());
    auto migrations = MigrationsFromFiles(EmbeddedMigrations());
    ASSERT_TRUE(migrations.ok());
    pool_ = ys::testing::MigratedPool(ys::testing::UniqueName("t_rank"), *migrations);
    ASSERT_NE(pool_, nullptr);
    replica_ = std::make_unique<CatalogReplicaStore>(*pool_);
    LoadReplica();
    auto producer = KafkaProducer::Create(kafka_, nullptr);
    ASSERT_TRUE(producer.ok());
    producer_ = std::move(*producer);
    auto consumer = KafkaConsumer::Create(kafka_, {ys::testing::UniqueName("g"), {topic_}}, nullptr);
    ASSERT_TRUE(consumer.ok());
    consumer_ = std::move(*consumer);
    ingest_ = std::make_unique<FactIngest>(*pool_, *replica_, clock_, ValidationPolicy{}, LockPolicy{},
                                           RuleConfig{});
    inbox_ = std::make_unique<InboxProcessor>(
        *consumer_, *pool_, metrics_,
        InboxOptions{.consumer = "ranking.submissions", .dlq_topic = kDlqTopic, .source = "/yingshang/ranking"},
        [this](pqxx::transaction_base& tx, const std::vector<const CloudEvent*>& events,
               std::vector<absl::Status>* results) { return ingest_->ApplyBatch(tx, events, results); });
  }

  void LoadReplica() { testing::LoadSeedReplica(*pool_, *replica_); }

  CloudEvent Submission(const std::string& indicator, const std::string& region, int rank,
                        int total = 11, int revision = 1, const std::string& period = "2022-09") {
    CloudEvent e;
    e.id = NewEventId();
    e.source = "/platform/jxyshj";
    e.type = "yingshang.ranking.v1.RankingFact";
    e.key = indicator + "/" + region;
    e.content_type = "application/json";
    e.data = absl::StrFormat(
        R"({"evaluation":"EVALUATION_OFFICIAL","indicatorCode":"%s","scope":"%s","regionCode":"%s","period":"%s","rank":%d,"total":%d,"revision":"%d"})",
        indicator, region.size() == 4 ? "SCOPE_CITY" : "SCOPE_COUNTY", region, period, rank, total,
        revision);
    return e;
  }

  InboxBatch Send(const std::vector<CloudEvent>& events) {
    return ys::testing::ProduceAndDrain(*producer_, topic_, events, [this] { return inbox_->RunOnce(); });
  }

  Metrics metrics_{"ranking_test"};
  ys::testing::FakeClock clock_{absl::FromUnixSeconds(1665792000)};  // 2022-10-15
  KafkaOptions kafka_;
  std::string topic_;
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<CatalogReplicaStore> replica_;
  std::unique_ptr<KafkaProducer> producer_;
  std::unique_ptr<KafkaConsumer> consumer_;
  std::unique_ptr<FactIngest> ingest_;
  std::unique_ptr<InboxProcessor> inbox_;
};

TEST_F(RankingIngestTest, StoresRevisionsRaisesAlertsOnceAndDeadLettersBadFacts) {
  // August, then September: I03 falls from 5th to 11th (last) for the city.
  auto first = Send({Submission("I03", "3611", 5, 11, 1, "2022-08"), Submission("I01", "3611", 2)});
  EXPECT_EQ(first.applied, 2u);
  std::vector<CloudEvent> september = {Submission("I03", "3611", 11),
                                       Submission("I03", "361102", 100, 100),
                                       Submission("I42", "3611", 3),      // unknown indicator
                                       Submission("I01", "3611", 12)};    // rank > N
  auto second = Send(september);
  EXPECT_EQ(second.applied, 2u);
  ASSERT_EQ(second.rejected, 2u);
  std::set<std::string> reasons;
  for (const auto& r : second.rejections) reasons.insert(RejectionReason(r));
  EXPECT_EQ(reasons, (std::set<std::string>{"RV05", "RV09"}));

  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM current_facts"), 4);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM alerts"), 3);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM alerts WHERE rule = 'ALERT_RULE_LAST_IN_PROVINCE'"), 1);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM alerts WHERE rule = 'ALERT_RULE_FELL_PLACES'"), 1);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM alerts WHERE rule = 'ALERT_RULE_COUNTY_INDICATOR_LAST'"), 1);
  const int64_t outbox_before = QueryInt(*pool_, "SELECT count(*) FROM outbox");

  // Re-sending everything (new event ids, same revisions and content) changes nothing.
  std::vector<CloudEvent> again;
  for (auto e : september) {
    e.id = NewEventId();
    again.push_back(e);
  }
  auto third = Send(again);
  EXPECT_EQ(third.rejected, 2u);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM fact_revisions"), 4);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM alerts"), 3);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM outbox WHERE topic <> 'ys.rankings.dlq.v1'"),
            outbox_before - 2);  // only the new dead letters were added

  // A higher revision supersedes; the same rule for the same key and period is not raised again.
  auto revised = Send({Submission("I03", "3611", 11, 11, 2)});
  EXPECT_EQ(revised.applied, 1u);
  EXPECT_EQ(QueryInt(*pool_, "SELECT revision FROM current_facts WHERE indicator_code = 'I03' AND "
                             "region_code = '3611' AND period = '2022-09'"),
            2);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM alerts"), 3);
  // The same revision with other content is a conflict.
  auto conflict = Send({Submission("I03", "3611", 10, 11, 2)});
  ASSERT_EQ(conflict.rejected, 1u);
  EXPECT_EQ(RejectionReason(conflict.rejections[0]), "revision_conflict");
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM outbox WHERE topic = 'ys.rankings.alerts.v1'"), 3);
}

}  // namespace
}  // namespace ys::ranking
