// Redemption ingest against the real Kafka and PostgreSQL: JSON CloudEvents in, the inbox, the
// dead-letter outbox, out-of-order statuses and the month's summary.
#include <pqxx/pqxx>

#include "common/pg/migrations.h"
#include "gtest/gtest.h"
#include "services/indicator/embedded.h"
#include "services/indicator/redemption_service.h"
#include "tests/fakes/fake_clock.h"
#include "tests/services/indicator/catalog_data.h"
#include "tests/support/outbox_fixture.h"

namespace ys::indicator {
namespace {

using ys::testing::QueryInt;

class RedemptionIngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    kafka_.brokers = ys::testing::KafkaBrokers();
    topic_ = ys::testing::UniqueName("test.redemptions");
    ASSERT_TRUE(EnsureTopics(kafka_, {{topic_, 3, false}}).ok());
    auto migrations = MigrationsFromFiles(EmbeddedMigrations());
    ASSERT_TRUE(migrations.ok());
    pool_ = ys::testing::MigratedPool(ys::testing::UniqueName("t_red"), *migrations);
    ASSERT_NE(pool_, nullptr);
    store_ = std::make_unique<PgCatalogStore>(*pool_);
    auto regions = ParseCatalogFile(testing::ReadCatalogData("regions.yaml"), {});
    ASSERT_TRUE(regions.ok());
    ASSERT_TRUE(store_->Apply(DiffCatalog({}, *regions).writes, {}, {"test", "office"}, absl::Now()).ok());
    auto producer = KafkaProducer::Create(kafka_, nullptr);
    ASSERT_TRUE(producer.ok());
    producer_ = std::move(*producer);
    auto consumer = KafkaConsumer::Create(kafka_, {ys::testing::UniqueName("g"), {topic_}}, nullptr);
    ASSERT_TRUE(consumer.ok());
    consumer_ = std::move(*consumer);
    ingest_ = std::make_unique<RedemptionIngest>(*consumer_, *pool_, *store_, metrics_, clock_);
  }

  // A JSON CloudEvent as an external platform would produce it.
  CloudEvent Event(const std::string& id, const std::string& status, const std::string& time,
                   const std::string& code = "91350100M000100Y43", const std::string& county = "361102",
                   int64_t fen = 1234567) {
    CloudEvent e;
    e.id = NewEventId();
    e.source = "/huiqitong";
    e.type = "yingshang.indicator.v1.PolicyRedemption";
    e.key = id;
    e.content_type = "application/json";
    e.data = absl::StrFormat(
        R"({"redemptionId":"%s","policyId":"P1","policyName":"稳岗返还","enterpriseCreditCode":"%s","countyCode":"%s","department":"市人社局","amountFen":"%d","status":"%s","statusTime":"%s"})",
        id, code, county, fen, status, time);
    return e;
  }

  void Send(const std::vector<CloudEvent>& events) {
    ys::testing::ProduceAndDrain(*producer_, topic_, events, [this] { return ingest_->RunOnce(); });
  }

  std::string DeadLetterReasons() {
    std::string out;
    EXPECT_TRUE(pool_->WithTransaction([&](pqxx::work& tx) {
                  for (const auto& r : tx.exec(
                           "SELECT h->>1 FROM outbox, jsonb_array_elements(headers) h "
                           "WHERE topic = 'ys.policy.dlq.v1' AND h->>0 = 'ys_dlq_reason_code' "
                           "ORDER BY h->>1")) {
                    out += r[0].as<std::string>() + ";";
                  }
                  return absl::OkStatus();
                }).ok());
    return out;
  }

  Metrics metrics_{"redemption_test"};
  ys::testing::FakeClock clock_{absl::FromUnixSeconds(1667260800)};  // 2022-11-01
  KafkaOptions kafka_;
  std::string topic_;
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<PgCatalogStore> store_;
  std::unique_ptr<KafkaProducer> producer_;
  std::unique_ptr<KafkaConsumer> consumer_;
  std::unique_ptr<RedemptionIngest> ingest_;
};

TEST_F(RedemptionIngestTest, AppliesOnceRejectsWithReasonsAndSummarises) {
  const CloudEvent applied = Event("R1", "APPLIED", "2022-09-01T02:00:00Z");
  Send({applied, applied});  // the same ce_id twice: counted once
  Send({Event("R1", "PAID", "2022-09-11T02:00:00Z"),
        Event("R1", "APPROVED", "2022-09-05T02:00:00Z"),  // late, older: recorded, not current
        Event("R2", "APPLIED", "2022-09-02T02:00:00Z", "91350100M000100Y44"),  // bad check char
        Event("R3", "APPLIED", "2022-09-02T02:00:00Z", "91350100M000100Y43", "999999"),
        Event("R4", "APPLIED", "2022-09-03T02:00:00Z"),
        Event("R4", "REJECTED", "2022-09-04T02:00:00Z"),
        Event("R4", "PAID", "2022-09-05T02:00:00Z"),  // REJECTED is final
        Event("R5", "APPLIED", "2022-09-10T02:00:00Z", "91350100M000100Y43", "361103", 500)});
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM redemptions"), 3);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM redemptions WHERE redemption_id = 'R1' AND "
                             "status = 'PAID' AND approved_at IS NOT NULL"),
            1);
  // Different keys sit on different partitions, so only the set of reasons is fixed, not the order.
  EXPECT_EQ(DeadLetterReasons(), "bad_credit_code;illegal_status_move;unknown_county;");
  const std::string text = metrics_.Serialize();
  EXPECT_NE(text.find("ys_indicator_redemptions_rejected_total{reason=\"bad_credit_code\"} 1"),
            std::string::npos);

  rpb::RedemptionSummaryRequest req;
  req.set_month("2022-09");
  auto summary = BuildRedemptionSummary(*pool_, *store_, clock_, req);
  ASSERT_TRUE(summary.ok()) << summary.status();
  ASSERT_EQ(summary->rows_size(), 2);
  const auto& xinzhou = summary->rows(0);
  EXPECT_EQ(xinzhou.county_code(), "361102");
  EXPECT_EQ(xinzhou.county_name(), "信州区");
  EXPECT_EQ(xinzhou.applications(), 2);  // R1, R4
  EXPECT_EQ(xinzhou.payments(), 1);
  EXPECT_EQ(xinzhou.amount_paid_fen(), 1234567);
  EXPECT_TRUE(xinzhou.has_median());
  EXPECT_DOUBLE_EQ(xinzhou.median_days_to_payment(), 10.0);
  // R5 applied 2022-09-10, unpaid as of the month's end (2022-09-30 24:00): 20 days, not yet 30.
  EXPECT_EQ(summary->rows(1).unpaid_over_30_days(), 0);
  req.set_month("2022-10");
  auto october = BuildRedemptionSummary(*pool_, *store_, clock_, req);
  ASSERT_TRUE(october.ok());
  EXPECT_EQ(october->total().unpaid_over_30_days(), 1);  // R5 by 2022-10-31
  EXPECT_EQ(october->total().applications(), 0);

  req.set_month("2022-13");
  EXPECT_EQ(BuildRedemptionSummary(*pool_, *store_, clock_, req).status().code(),
            absl::StatusCode::kInvalidArgument);
  req.set_month("2022-09");
  req.set_county_code("3601");  // another city: not Shangrao's to report on
  EXPECT_EQ(BuildRedemptionSummary(*pool_, *store_, clock_, req).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(RedemptionIngestTest, Point12_9_ZonesAndCityLevelAreTakenAndAnotherCitysCountyIsDeadLettered) {
  Send({Event("Z1", "APPLIED", "2022-09-01T02:00:00Z", "91350100M000100Y43", "3611Z1", 100),
        Event("Z2", "APPLIED", "2022-09-02T02:00:00Z", "91350100M000100Y43", "3611Z2", 200),
        Event("C1", "APPLIED", "2022-09-03T02:00:00Z", "91350100M000100Y43", "3611", 300),
        Event("N1", "APPLIED", "2022-09-04T02:00:00Z", "91350100M000100Y43", "360102", 400)});  // 南昌市东湖区
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM redemptions"), 3);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM redemptions WHERE county_code = '360102'"), 0);
  EXPECT_EQ(DeadLetterReasons(), "region_outside_shangrao;");
  std::string reason;
  ASSERT_TRUE(pool_->WithTransaction([&](pqxx::work& tx) {
                    reason = tx.exec("SELECT h->>1 FROM outbox, jsonb_array_elements(headers) h "
                                     "WHERE topic = 'ys.policy.dlq.v1' AND h->>0 = 'ys_dlq_reason'")[0][0]
                                 .as<std::string>();
                    return absl::OkStatus();
                  }).ok());
  EXPECT_NE(reason.find("field 'county_code': '360102' is a county (东湖区) of 南昌市 (3601)"), std::string::npos)
      << reason;
  EXPECT_NE(metrics_.Serialize().find("ys_indicator_redemptions_rejected_total{reason=\"region_outside_shangrao\"} 1"),
            std::string::npos);

  rpb::RedemptionSummaryRequest req;
  req.set_month("2022-09");
  auto summary = BuildRedemptionSummary(*pool_, *store_, clock_, req);
  ASSERT_TRUE(summary.ok()) << summary.status();
  std::vector<std::pair<std::string, std::string>> named;
  for (const auto& row : summary->rows()) named.emplace_back(row.county_code(), row.county_name());
  EXPECT_EQ(named, (std::vector<std::pair<std::string, std::string>>{
                       {"3611", "市本级"}, {"3611Z1", "上饶经济技术开发区"}, {"3611Z2", "三清山风景名胜区"}}));
  EXPECT_EQ(summary->total().applications(), 3);
  req.set_county_code("3611Z2");
  auto zone = BuildRedemptionSummary(*pool_, *store_, clock_, req);
  ASSERT_TRUE(zone.ok()) << zone.status();
  ASSERT_EQ(zone->rows_size(), 1);
  EXPECT_EQ(zone->rows(0).county_name(), "三清山风景名胜区");
  req.set_county_code("360102");
  auto refused = BuildRedemptionSummary(*pool_, *store_, clock_, req);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("field 'county_code'"), std::string::npos) << refused.status();
}

}  // namespace
}  // namespace ys::indicator
