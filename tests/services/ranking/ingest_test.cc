// Ranking ingest on the real stack: the catalog replica, JSON submissions through Kafka and the
// inbox, revisions, alerts raised once, dead letters with rule codes.
#include "services/ranking/ingest.h"

#include <thread>

#include <pqxx/pqxx>

#include "common/pg/migrations.h"
#include "common/status/macros.h"
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
        InboxOptions{.consumer = "ranking.submissions",
                     .dlq_topic = kDlqTopic,
                     .source = "/yingshang/ranking",
                     .dry_run = IsValidateOnly,
                     .on_reject =
                         [this](pqxx::transaction_base& tx, const KafkaMessage& m, const std::string& id,
                                const absl::Status& reason) {
                           FactIngest::RecordRejected(tx, m, id, reason, clock_.Now());
                         }},
        InboxProcessor::BatchHandler([this](pqxx::transaction_base& tx, const std::vector<const CloudEvent*>& events,
                                            std::vector<absl::Status>* results) {
          return ingest_->ApplyBatch(tx, events, results).status();
        }));
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
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM revisions"), 4);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM alerts"), 3);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM outbox WHERE topic <> 'ys.rankings.dlq.v1'"),
            outbox_before - 2);  // only the new dead letters were added

  // A higher revision supersedes; the same rule for the same key and period is not raised again.
  auto revised = Send({Submission("I03", "3611", 11, 11, 2)});
  EXPECT_EQ(revised.applied, 1u);
  EXPECT_EQ(QueryInt(*pool_, "SELECT revision FROM current_facts WHERE indicator_code = 'I03' AND "
                             "region_code = '3611' AND period = '2022-09'"),
            2);
  // Every revision is kept once: revision 1 moved to the history with its body, 2 is current.
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM revisions"), 5);
  EXPECT_EQ(QueryInt(*pool_, "SELECT revision FROM fact_revisions WHERE fact_key LIKE '%/I03/%/2022-09'"), 1);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM revisions r JOIN current_facts c USING (fact_key) "
                             "WHERE NOT r.current AND r.body = c.body"),
            0);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM alerts"), 3);
  // The same revision with other content is a conflict.
  auto conflict = Send({Submission("I03", "3611", 10, 11, 2)});
  ASSERT_EQ(conflict.rejected, 1u);
  EXPECT_EQ(RejectionReason(conflict.rejections[0]), "revision_conflict");
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM outbox WHERE topic = 'ys.rankings.alerts.v1'"), 3);
}

TEST_F(RankingIngestTest, EveryRevisionOfABatchIsKeptOnceAndTheHighestIsCurrent) {
  // Revision 1, then 3, then a late 2 of one new key in one batch; then 1 again (the same content).
  auto first = Send({Submission("I05", "3611", 4, 11, 1), Submission("I05", "3611", 6, 11, 3),
                     Submission("I05", "3611", 5, 11, 2)});
  EXPECT_EQ(first.applied, 3u);
  EXPECT_EQ(QueryInt(*pool_, "SELECT revision FROM current_facts WHERE indicator_code = 'I05'"), 3);
  EXPECT_EQ(QueryInt(*pool_, "SELECT rank FROM current_facts WHERE indicator_code = 'I05'"), 6);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM fact_revisions WHERE revision IN (1, 2)"), 2);
  auto again = Send({Submission("I05", "3611", 4, 11, 1)});
  EXPECT_EQ(again.applied, 1u);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM revisions"), 3);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(DISTINCT (fact_key, revision)) FROM revisions"), 3);
  // Revision 4 in the next batch moves the stored revision 3 into the history.
  Send({Submission("I05", "3611", 7, 11, 4)});
  EXPECT_EQ(QueryInt(*pool_, "SELECT revision FROM current_facts WHERE indicator_code = 'I05'"), 4);
  EXPECT_EQ(QueryInt(*pool_, "SELECT (string_agg(revision::text, ',' ORDER BY revision) = '1,2,3')::int "
                             "FROM fact_revisions"),
            1);
}

// Two writers take the same not-yet-stored key for new (there is no row to lock): the second
// insert waits on the first's key, fails when it commits, and its batch is decided again against
// the stored row — revision 1 is kept in the history, revision 2 is current, each announced once.
TEST_F(RankingIngestTest, RacingWritersOfANewKeyAreDecidedAgainNotLost) {
  auto fact = [](int rank, int revision) {
    pb::RankingFact f;
    f.set_evaluation(pb::EVALUATION_OFFICIAL);
    f.set_indicator_code("I07");
    f.set_scope(pb::SCOPE_CITY);
    f.set_region_code("3611");
    f.set_period("2022-09");
    f.set_rank(rank);
    f.set_total(11);
    f.set_revision(revision);
    return FactIngest::Input{f, "jxyshj"};
  };
  FactIngest other(*pool_, *replica_, clock_, ValidationPolicy{}, LockPolicy{}, RuleConfig{});
  std::vector<absl::Status> second_results(1);
  std::vector<RevisionOutcome> second_outcomes(1);
  absl::Status second;
  ASSERT_TRUE(pool_->WithConnection([&](pqxx::connection& c) -> absl::Status {
                    pqxx::work first(c);
                    std::vector<absl::Status> results(1);
                    std::vector<RevisionOutcome> outcomes(1);
                    RETURN_IF_ERROR(ingest_->ApplyFacts(first, {fact(5, 1)}, {}, &results, &outcomes, nullptr));
                    EXPECT_EQ(outcomes[0], RevisionOutcome::kNew);
                    std::thread racer([&] {
                      second = pool_->WithTransaction([&](pqxx::work& tx) {
                        return other.ApplyFacts(tx, {fact(9, 2)}, {}, &second_results, &second_outcomes, nullptr);
                      });
                    });
                    absl::SleepFor(absl::Milliseconds(300));  // the racer waits on the uncommitted key
                    first.commit();
                    racer.join();
                    return absl::OkStatus();
                  }).ok());
  ASSERT_TRUE(second.ok()) << second;
  EXPECT_TRUE(second_results[0].ok());
  EXPECT_EQ(second_outcomes[0], RevisionOutcome::kSupersedes);  // decided again, against revision 1
  EXPECT_EQ(other.new_key_races(), 1);
  EXPECT_EQ(QueryInt(*pool_, "SELECT revision FROM current_facts WHERE indicator_code = 'I07'"), 2);
  EXPECT_EQ(QueryInt(*pool_, "SELECT rank FROM current_facts WHERE indicator_code = 'I07'"), 9);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM fact_revisions WHERE revision = 1"), 1);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM outbox WHERE topic = 'ys.rankings.accepted.v1'"), 2);
}

TEST_F(RankingIngestTest, ValidateOnlyOnKafkaReportsAndStoresNothing) {
  CloudEvent good = Submission("I03", "3611", 11);
  CloudEvent bad = Submission("I01", "3611", 12);
  CloudEvent garbled = Submission("I02", "3611", 1);
  garbled.data = "{not json";
  for (CloudEvent* e : {&good, &bad, &garbled}) e->extensions.emplace_back(kValidateOnlyHeader, "true");
  auto batch = Send({good, bad, garbled});
  EXPECT_EQ(batch.applied, 3u);  // reported, not dead-lettered
  EXPECT_EQ(batch.rejected, 0u);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM current_facts"), 0);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM alerts"), 0);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM rejected_submissions"), 0);
  ASSERT_EQ(QueryInt(*pool_, "SELECT count(*) FROM outbox WHERE topic = 'ys.rankings.validation.v1'"), 3);
  std::map<std::string, pb::SubmitResult> reports;
  ASSERT_TRUE(pool_->WithTransaction([&](pqxx::work& tx) {
                for (const auto& row :
                     tx.exec("SELECT payload FROM outbox WHERE topic = 'ys.rankings.validation.v1'")) {
                  pb::SubmitResult r;
                  r.ParseFromString(pqxx::binarystring(row[0]).str());
                  reports[r.event_id().empty() ? "garbled" : r.event_id()] = r;
                }
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(reports[good.id].outcome(), pb::SubmitResult::OUTCOME_NEW);
  EXPECT_EQ(reports[bad.id].code(), "RV09");
  EXPECT_EQ(reports["garbled"].code(), "malformed");

  // The same event sent for real, with its id unchanged, is applied; the dry run sent again is not
  // reported twice.
  CloudEvent real = good;
  real.extensions.clear();
  auto again = Send({real, good});
  EXPECT_EQ(again.applied, 1u);
  EXPECT_EQ(again.duplicates, 1u);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM current_facts"), 1);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM outbox WHERE topic = 'ys.rankings.validation.v1'"), 3);
}

TEST_F(RankingIngestTest, RejectedSubmissionsAreKeptAndReplayedOnceTheCatalogKnowsThem) {
  // I42 is not in the catalog yet: refused, kept, listed.
  auto first = Send({Submission("I42", "3611", 11), Submission("I03", "3611", 12)});
  ASSERT_EQ(first.rejected, 2u);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM rejected_submissions WHERE replayed_at IS NULL"), 2);
  auto replay = [&](bool validate_only) {
    std::vector<pb::SubmitResult> results;
    EXPECT_TRUE(pool_->WithTransaction([&](pqxx::work& tx) -> absl::Status {
                  auto r = ingest_->Replay(tx, {}, /*all=*/true, validate_only, nullptr);
                  if (!r.ok()) return r.status();
                  results = *r;
                  return absl::OkStatus();
                }).ok());
    return results;
  };
  auto still = replay(false);
  ASSERT_EQ(still.size(), 2u);
  EXPECT_EQ(still[0].code(), "RV05");
  EXPECT_EQ(QueryInt(*pool_, "SELECT max(attempts) FROM rejected_submissions"), 2);

  // The office adds I42 to the catalog; a dry run says it would pass, the replay stores it once.
  ipb::CatalogEntity e;
  e.set_version(1000);
  e.mutable_indicator()->set_code("I42");
  e.mutable_indicator()->set_name("新增指标");
  e.mutable_indicator()->set_level(ipb::INDICATOR_LEVEL_SECOND);
  ASSERT_TRUE(pool_->WithTransaction([&](pqxx::work& tx) {
                tx.exec_params("INSERT INTO catalog_replica VALUES ('indicator/I42', 1000, $1::bytea)",
                               PgHexBytes(e.SerializeAsString()));
                return absl::OkStatus();
              }).ok());
  replica_->Invalidate();
  auto dry = replay(true);
  EXPECT_EQ(dry[0].outcome(), pb::SubmitResult::OUTCOME_NEW);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM current_facts"), 0);
  auto done = replay(false);
  ASSERT_EQ(done.size(), 2u);
  EXPECT_EQ(done[0].outcome(), pb::SubmitResult::OUTCOME_NEW);
  EXPECT_EQ(done[1].code(), "RV09");  // rank 12 of 11 stays refused
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM current_facts WHERE indicator_code = 'I42'"), 1);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM rejected_submissions WHERE replayed_at IS NULL"), 1);
  EXPECT_EQ(replay(false).size(), 1u);  // the replayed one is not run again
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM revisions"), 1);
  // An unknown id is NOT_FOUND, naming it.
  absl::Status unknown = pool_->WithTransaction([&](pqxx::work& tx) {
    return ingest_->Replay(tx, {"dlq:nope:0:0"}, false, false, nullptr).status();
  });
  EXPECT_EQ(unknown.code(), absl::StatusCode::kNotFound);
  EXPECT_NE(unknown.message().find("dlq:nope:0:0"), std::string::npos);
}

TEST_F(RankingIngestTest, AlertsWriteTheConsequencesLedgerOnce) {
  Send({Submission("I03", "3611", 11), Submission("I03", "361102", 100, 100),
        Submission("I03", "361103", 98, 100)});
  // 市住房和城乡建设局 leads I03 in the seed catalog: 5% and excellence for last place.
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM consequences WHERE kind = 'CONSEQUENCE_KIND_BONUS_WITHHELD'"),
            QueryInt(*pool_, "SELECT count(*) FROM consequences WHERE kind = 'CONSEQUENCE_KIND_NO_EXCELLENCE'"));
  EXPECT_GE(QueryInt(*pool_, "SELECT count(*) FROM consequences WHERE kind = 'CONSEQUENCE_KIND_BONUS_WITHHELD'"), 1);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM consequences WHERE county AND subject = '361102'"), 1);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM consequences WHERE subject = '361103'"), 0);
  const int64_t before = QueryInt(*pool_, "SELECT count(*) FROM consequences");
  Send({Submission("I03", "3611", 11, 11, 2)});  // a new revision, same fall: no new lines
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM consequences"), before);
}

// The shared replica (common/catalog) also holds the units by canonical name and the leaders by
// name, for notify; a higher version of a unit replaces it, a lower one is ignored.
TEST_F(RankingIngestTest, TheReplicaHoldsUnitsAndLeadersLatestVersionWins) {
  auto seeded = replica_->Current();
  ASSERT_TRUE(seeded.ok()) << seeded.status();
  ASSERT_TRUE((*seeded)->units.contains("市住房和城乡建设局"));
  EXPECT_EQ((*seeded)->units.at("市住房和城乡建设局").aliases_size(), 1);
  EXPECT_EQ((*seeded)->units.at("市住房和城乡建设局").aliases(0), "市住建局");
  ASSERT_TRUE((*seeded)->leaders.contains("饶清华"));  // 领班 of I02
  ASSERT_TRUE((*seeded)->leaders.contains("陈锋"));    // 带班领导 of 市住建局 for I03
  EXPECT_EQ((*seeded)->leaders.at("陈锋").roles(0), "head");

  auto apply = [&](int64_t version, bool retired) {
    ipb::CatalogEntity entity;
    entity.mutable_unit()->set_name("市住房和城乡建设局");
    entity.mutable_unit()->set_retired(retired);
    entity.set_version(version);
    CloudEvent e;
    e.key = "unit/市住房和城乡建设局";
    e.data = entity.SerializeAsString();
    std::vector<const CloudEvent*> events = {&e};
    std::vector<absl::Status> results(1);
    ASSERT_TRUE(pool_->WithTransaction([&](pqxx::work& tx) {
                       return replica_->ApplyBatch(tx, events, &results);
                     }).ok());
    ASSERT_TRUE(results[0].ok()) << results[0];
    replica_->Invalidate();
  };
  apply(3, true);
  apply(2, false);  // older: ignored
  auto current = replica_->Current();
  ASSERT_TRUE(current.ok()) << current.status();
  EXPECT_TRUE((*current)->units.at("市住房和城乡建设局").retired());
  EXPECT_EQ((*current)->units.at("市住房和城乡建设局").aliases_size(), 0);
}

}  // namespace
}  // namespace ys::ranking
