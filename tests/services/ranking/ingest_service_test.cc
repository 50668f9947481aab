// RankingIngest.Submit behind an in-process channel, on the real PostgreSQL and Redis.
#include <pqxx/pqxx>

#include "gtest/gtest.h"
#include "services/indicator/catalog.h"
#include "tests/services/ranking/ranking_server_fixture.h"

namespace ys::ranking {
namespace {

class SubmitTest : public RankingServerTest {
 protected:
  grpc::Status Submit(const std::string& key, const std::vector<pb::RankingFact>& facts,
                      pb::SubmitResponse* resp, bool validate_only = false, bool correction = false) {
    return SubmitTo(*stub_, key, facts, resp, validate_only, correction);
  }
  static grpc::Status SubmitTo(pb::RankingIngest::Stub& stub, const std::string& key,
                               const std::vector<pb::RankingFact>& facts, pb::SubmitResponse* resp,
                               bool validate_only = false, bool correction = false) {
    grpc::ClientContext ctx;
    if (!key.empty()) ctx.AddMetadata("authorization", "Bearer " + key);
    auto writer = stub.Submit(&ctx, resp);
    for (const auto& f : facts) {
      pb::SubmitRequest req;
      *req.mutable_fact() = f;
      req.set_validate_only(validate_only);
      req.set_correction(correction);
      if (!writer->Write(req)) break;
    }
    writer->WritesDone();
    return writer->Finish();
  }

  static pb::RankingFact Fact(int rank, const std::string& period = "2022-09",
                              const std::string& source = "jxyshj") {
    pb::RankingFact f;
    f.set_source(source);
    f.set_evaluation(pb::EVALUATION_OFFICIAL);
    f.set_indicator_code("I07");
    f.set_scope(pb::SCOPE_CITY);
    f.set_region_code("3611");
    f.set_period(period);
    f.set_rank(rank);
    f.set_total(11);
    f.set_revision(1);
    return f;
  }
};

TEST_F(SubmitTest, PerFactResultsOneValidationPath) {
  pb::SubmitResponse dry;
  ASSERT_TRUE(Submit("platform", {Fact(4), Fact(12)}, &dry, /*validate_only=*/true).ok());
  EXPECT_TRUE(dry.validate_only());
  EXPECT_EQ(dry.accepted(), 1);
  ASSERT_EQ(dry.rejected(), 1);
  EXPECT_EQ(dry.results(1).code(), "RV09");
  EXPECT_EQ(ys::testing::QueryInt(*pool_, "SELECT count(*) FROM current_facts"), 0);  // nothing stored

  pb::SubmitResponse stored;
  ASSERT_TRUE(Submit("platform", {Fact(4), Fact(5, "2022-09", "other")}, &stored).ok());
  EXPECT_EQ(stored.results(0).outcome(), pb::SubmitResult::OUTCOME_NEW);
  EXPECT_EQ(stored.results(1).code(), "RV02");  // a platform submits for its own source only
  EXPECT_EQ(ys::testing::QueryInt(*pool_, "SELECT count(*) FROM current_facts"), 1);

  pb::SubmitResponse again;
  ASSERT_TRUE(Submit("platform", {Fact(4)}, &again).ok());
  EXPECT_EQ(again.results(0).outcome(), pb::SubmitResult::OUTCOME_UNCHANGED);

  // 2022-06 is locked at 2022-10-15: only an office correction writes it.
  pb::SubmitResponse locked;
  ASSERT_TRUE(Submit("office", {Fact(3, "2022-06")}, &locked).ok());
  EXPECT_EQ(locked.results(0).code(), "period_locked");
  pb::SubmitResponse corrected;
  ASSERT_TRUE(Submit("office", {Fact(3, "2022-06")}, &corrected, false, /*correction=*/true).ok());
  EXPECT_EQ(corrected.results(0).outcome(), pb::SubmitResult::OUTCOME_NEW);
  pb::SubmitResponse denied;
  EXPECT_EQ(Submit("platform", {Fact(3, "2022-06")}, &denied, false, true).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Submit("viewer", {Fact(4)}, &denied).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Submit("", {Fact(4)}, &denied).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

// Issue #11: what one stream sends cannot exhaust the service. A message over grpc.max_receive_bytes
// is refused by gRPC, a stream past grpc.stream_budget_bytes by Submit; neither stores anything.
TEST_F(SubmitTest, OversizedFactsAndStreamsPastTheirBudgetAreResourceExhausted) {
  pb::RankingFact big = Fact(4);
  big.set_source(std::string(4 << 20, 'x'));  // 4 MB, over the default 1 MiB
  pb::SubmitResponse resp;
  EXPECT_EQ(Submit("office", {big, big, big}, &resp).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  // Facts already read are not applied when a later one breaks the call.
  EXPECT_EQ(Submit("office", {Fact(4), Fact(5, "2022-08"), big}, &resp).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(ys::testing::QueryInt(*pool_, "SELECT count(*) FROM current_facts"), 0);

  // The same service with a budget of 20 facts' worth of bytes.
  pb::SubmitRequest one;
  *one.mutable_fact() = Fact(4);
  RankingIngestImpl budgeted(*pool_, *ingest_, *cache_, auth_, executor_, 20 * one.ByteSizeLong());
  GrpcServer server(GrpcServerOptions{}, metrics_, &auth_);
  server.AddService(&budgeted);
  ASSERT_TRUE(server.Start().ok());
  auto stub = pb::RankingIngest::NewStub(
      grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
  std::vector<pb::RankingFact> many;
  for (int i = 0; i < 200; ++i) many.push_back(Fact(4));
  grpc::Status over = SubmitTo(*stub, "platform", many, &resp);
  EXPECT_EQ(over.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(over.error_message().find("grpc.stream_budget_bytes"), std::string::npos)
      << over.error_message();
  EXPECT_EQ(ys::testing::QueryInt(*pool_, "SELECT count(*) FROM current_facts"), 0);
  pb::SubmitResponse within;
  ASSERT_TRUE(SubmitTo(*stub, "platform", {Fact(4), Fact(6, "2022-08")}, &within).ok());
  EXPECT_EQ(within.accepted(), 2);
  server.Shutdown();
}

TEST_F(SubmitTest, HistoryAndCompleteness) {
  pb::SubmitResponse r;
  ASSERT_TRUE(Submit("platform", {Fact(6, "2022-08"), Fact(4, "2022-09")}, &r).ok());
  ASSERT_EQ(r.accepted(), 2);

  pb::GetHistoryRequest hreq;
  hreq.set_indicator_code("I07");
  hreq.set_region_code("3611");
  hreq.set_from_period("2022-07");
  hreq.set_to_period("2022-09");
  pb::History history;
  grpc::ClientContext c1;
  c1.AddMetadata("authorization", "Bearer viewer");
  ASSERT_TRUE(query_stub_->GetHistory(&c1, hreq, &history).ok());
  ASSERT_EQ(history.points_size(), 3);
  EXPECT_FALSE(history.points(0).present());
  EXPECT_EQ(history.points(1).rank(), 6);
  EXPECT_EQ(history.points(2).rank(), 4);
  hreq.set_to_period("2022Q3");
  grpc::ClientContext c2;
  c2.AddMetadata("authorization", "Bearer viewer");
  grpc::Status mixed = query_stub_->GetHistory(&c2, hreq, &history);
  EXPECT_EQ(mixed.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(mixed.error_message().find("to_period"), std::string::npos);

  pb::GetCompletenessRequest creq;
  creq.set_period("2022-09");
  pb::Completeness completeness;
  grpc::ClientContext c3;
  c3.AddMetadata("authorization", "Bearer viewer");
  ASSERT_TRUE(query_stub_->GetCompleteness(&c3, creq, &completeness).ok());
  // 综合 + 18 L1 + the seed's 40 draft L2, for 上饶市 and its 12 counties (issue #12 point 11).
  EXPECT_EQ(completeness.expected(), 59 * 13);
  EXPECT_EQ(completeness.expected_second_level(), 40 * 13);
  EXPECT_EQ(completeness.arrived(), 1);
  EXPECT_EQ(completeness.missing_size(), 59 * 13 - 1);
  grpc::ClientContext c4;
  EXPECT_EQ(query_stub_->GetCompleteness(&c4, creq, &completeness).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(SubmitTest, ConsequencesPerUnitAndYear) {
  pb::SubmitResponse r;
  pb::RankingFact county = Fact(100);
  county.set_scope(pb::SCOPE_COUNTY);
  county.set_region_code("361102");
  county.set_total(100);
  ASSERT_TRUE(Submit("platform", {Fact(11, "2022-08"), Fact(9, "2022-09"), county}, &r).ok());
  ASSERT_EQ(r.accepted(), 3);
  auto list = [&](int year, const std::string& subject, pb::ListConsequencesResponse* out) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer viewer");
    pb::ListConsequencesRequest req;
    req.set_year(year);
    req.set_subject(subject);
    return query_stub_->ListConsequences(&ctx, req, out);
  };
  pb::ListConsequencesResponse resp;
  ASSERT_TRUE(list(2022, "", &resp).ok());
  ASSERT_EQ(resp.subjects_size(), 2);  // 市城管局 (I07), then 信州区
  const auto& unit = resp.subjects(0);
  EXPECT_FALSE(unit.county());
  // Months are warnings of what the year would cost (§四(七) ties the consequences to the year's
  // assessment): last in August and bottom three in September are at risk, nothing is incurred.
  EXPECT_TRUE(unit.at_risk().bonus_withheld());  // last in August
  EXPECT_TRUE(unit.at_risk().excellence_barred());
  EXPECT_EQ(unit.at_risk().statements(), 2);  // last is in the bottom three too; September's
  EXPECT_TRUE(unit.at_risk().self_criticism());
  EXPECT_EQ(unit.incurred().lines(), 0);
  EXPECT_EQ(unit.pending().lines(), 0);
  EXPECT_EQ(unit.entries_size(), 6);
  EXPECT_EQ(resp.subjects(1).subject(), "361102");
  EXPECT_EQ(resp.subjects(1).subject_name(), "信州区");
  EXPECT_TRUE(resp.subjects(1).at_risk().excellence_barred());
  ASSERT_TRUE(list(2022, "361102", &resp).ok());
  EXPECT_EQ(resp.subjects_size(), 1);
  ASSERT_TRUE(list(2021, "", &resp).ok());
  EXPECT_EQ(resp.subjects_size(), 0);
  grpc::Status bad = list(0, "", &resp);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(bad.error_message().find("year"), std::string::npos);
}

TEST_F(SubmitTest, RejectedAndReplayAreOfficeOnlyAndCheckTheirArguments) {
  auto call = [&](const std::string& key, auto method, const auto& req, auto* resp) {
    grpc::ClientContext ctx;
    if (!key.empty()) ctx.AddMetadata("authorization", "Bearer " + key);
    return ((*stub_).*method)(&ctx, req, resp);
  };
  pb::ListRejectedResponse listed;
  EXPECT_TRUE(call("office", &pb::RankingIngest::Stub::ListRejected, pb::ListRejectedRequest{}, &listed).ok());
  EXPECT_EQ(listed.total(), 0);
  EXPECT_EQ(call("platform", &pb::RankingIngest::Stub::ListRejected, pb::ListRejectedRequest{}, &listed)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  pb::ListRejectedRequest bad_page;
  bad_page.mutable_page()->set_page_token("garbage");
  EXPECT_EQ(call("office", &pb::RankingIngest::Stub::ListRejected, bad_page, &listed).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  pb::ReplayResponse replayed;
  grpc::Status none = call("office", &pb::RankingIngest::Stub::Replay, pb::ReplayRequest{}, &replayed);
  EXPECT_EQ(none.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(none.error_message().find("ids"), std::string::npos);
  pb::ReplayRequest unknown;
  unknown.add_ids("dlq:x:0:1");
  EXPECT_EQ(call("office", &pb::RankingIngest::Stub::Replay, unknown, &replayed).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(call("viewer", &pb::RankingIngest::Stub::Replay, unknown, &replayed).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(call("", &pb::RankingIngest::Stub::Replay, unknown, &replayed).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(SubmitTest, QueriesNameTheBadField) {
  auto query = [&](auto method, const auto& req, auto* resp) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer viewer");
    return ((*query_stub_).*method)(&ctx, req, resp);
  };
  pb::GetScorecardRequest card;
  card.set_region_code("3611");
  card.set_period("September");
  pb::Scorecard sc;
  grpc::Status s = query(&pb::RankingQuery::Stub::GetScorecard, card, &sc);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("period"), std::string::npos);
  pb::GetIndicatorRankingRequest ranking;
  ranking.set_indicator_code("I07");
  ranking.set_period("2022-09");  // no scope
  pb::IndicatorRanking ir;
  s = query(&pb::RankingQuery::Stub::GetIndicatorRanking, ranking, &ir);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("scope"), std::string::npos);
  pb::ListAlertsRequest alerts;
  pb::ListAlertsResponse al;
  s = query(&pb::RankingQuery::Stub::ListAlerts, alerts, &al);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("period"), std::string::npos);
  grpc::ClientContext anonymous;
  EXPECT_EQ(query_stub_->GetScorecard(&anonymous, card, &sc).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}


// The ledger through the API: ListConsequences, FinaliseYear and the alerts they stand on.
class LedgerTest : public SubmitTest {
 protected:
  void SetUp() override {
    // The units file's names and aliases, as every service reads them (auth.units_file).
    auto units = UnitDirectory::FromYaml("units:\n  - {name: 市城市管理局, aliases: [市城管局]}\n");
    ASSERT_TRUE(units.ok()) << units.status();
    auth_ = ApiKeyAuthenticator(*std::move(units));
    SubmitTest::SetUp();
  }
  pb::ListConsequencesResponse Ledger(bool include_withdrawn = false, const std::string& subject = "") {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer viewer");
    pb::ListConsequencesRequest req;
    req.set_year(2022);
    req.set_subject(subject);
    req.set_include_withdrawn(include_withdrawn);
    pb::ListConsequencesResponse resp;
    EXPECT_TRUE(query_stub_->ListConsequences(&ctx, req, &resp).ok());
    return resp;
  }
  grpc::Status Finalise(const std::string& key, const std::string& reason, bool dry_run,
                        pb::FinaliseYearResponse* resp) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + key);
    pb::FinaliseYearRequest req;
    req.set_year(2022);
    req.set_reason(reason);
    req.set_dry_run(dry_run);
    return stub_->FinaliseYear(&ctx, req, resp);
  }
  std::vector<pb::RankingAlert> Alerts(const std::string& period) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer viewer");
    pb::ListAlertsRequest req;
    req.set_period(period);
    pb::ListAlertsResponse resp;
    EXPECT_TRUE(query_stub_->ListAlerts(&ctx, req, &resp).ok());
    return {resp.alerts().begin(), resp.alerts().end()};
  }
  // The events the outbox holds for a topic, by ce_id.
  std::vector<std::string> OutboxIds(const std::string& topic) {
    std::vector<std::string> ids;
    EXPECT_TRUE(pool_->WithTransaction([&](pqxx::work& tx) {
      for (const auto& row : tx.exec_params("SELECT ce_id FROM outbox WHERE topic = $1 ORDER BY id", topic)) {
        ids.push_back(row[0].as<std::string>());
      }
      return absl::OkStatus();
    }).ok());
    return ids;
  }
};

TEST_F(LedgerTest, Point12_2_AYearFactIsIncurredOnlyAfterTheOfficeFinalises) {
  pb::SubmitResponse r;
  ASSERT_TRUE(Submit("platform", {Fact(11, "2022")}, &r).ok());
  ASSERT_EQ(r.accepted(), 1);
  auto ledger = Ledger();
  ASSERT_EQ(ledger.subjects_size(), 1);
  EXPECT_TRUE(ledger.subjects(0).pending().bonus_withheld());
  EXPECT_EQ(ledger.subjects(0).incurred().lines(), 0);
  EXPECT_EQ(ledger.finalisations_size(), 0);

  pb::FinaliseYearResponse fin;
  grpc::Status s = Finalise("office", "", false, &fin);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("'reason'"), std::string::npos) << s.error_message();
  EXPECT_EQ(Finalise("viewer", "省营商办2022年度考核结果", false, &fin).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Finalise("office", "省营商办2022年度考核结果", true, &fin).ok());
  EXPECT_TRUE(fin.dry_run());
  EXPECT_EQ(fin.incurred_size(), 4);  // bonus, excellence, 表态, 检讨 of 市城市管理局
  EXPECT_EQ(Ledger().subjects(0).incurred().lines(), 0);  // a dry run changes nothing

  ASSERT_TRUE(Finalise("office", "省营商办2022年度考核结果", false, &fin).ok());
  EXPECT_EQ(fin.incurred_size(), 4);
  EXPECT_EQ(fin.finalised_by(), "office-dev");
  ledger = Ledger();
  EXPECT_TRUE(ledger.subjects(0).incurred().bonus_withheld());
  EXPECT_TRUE(ledger.subjects(0).incurred().self_criticism());
  EXPECT_EQ(ledger.subjects(0).pending().lines(), 0);
  ASSERT_EQ(ledger.finalisations_size(), 1);
  EXPECT_EQ(ledger.finalisations(0).finalised_by(), "office-dev");
  EXPECT_EQ(ledger.finalisations(0).reason(), "省营商办2022年度考核结果");
  EXPECT_EQ(ledger.finalisations(0).lines(), 4);
  EXPECT_EQ(OutboxIds("ys.rankings.ledger.v1").size(), 1u);  // YearFinalised announced
  // Nothing pending any more: a second finalisation has nothing to confirm.
  EXPECT_EQ(Finalise("office", "again", false, &fin).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(LedgerTest, Point12_2_AMonthAloneIsAtRiskAndCannotBeFinalised) {
  pb::SubmitResponse r;
  ASSERT_TRUE(Submit("platform", {Fact(11, "2022-09")}, &r).ok());
  const auto ledger = Ledger();
  ASSERT_EQ(ledger.subjects_size(), 1);
  EXPECT_TRUE(ledger.subjects(0).at_risk().bonus_withheld());
  EXPECT_EQ(ledger.subjects(0).pending().lines(), 0);
  pb::FinaliseYearResponse fin;
  EXPECT_EQ(Finalise("office", "省营商办2022年度考核结果", false, &fin).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  const auto alerts = Alerts("2022-09");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].standing(), pb::STANDING_AT_RISK);
}

TEST_F(LedgerTest, Point12_3_ACorrectionWithdrawsTheAlertAndItsLinesAndAnnouncesIt) {
  pb::SubmitResponse r;
  ASSERT_TRUE(Submit("platform", {Fact(11, "2022")}, &r).ok());
  pb::FinaliseYearResponse fin;
  ASSERT_TRUE(Finalise("office", "省营商办2022年度考核结果", false, &fin).ok());
  pb::RankingFact corrected = Fact(4, "2022");
  corrected.set_revision(2);
  ASSERT_TRUE(Submit("platform", {corrected}, &r).ok());
  ASSERT_EQ(r.results(0).outcome(), pb::SubmitResult::OUTCOME_SUPERSEDES);

  auto alerts = Alerts("2022");
  ASSERT_EQ(alerts.size(), 1u);  // kept, marked
  EXPECT_TRUE(alerts[0].withdrawn());
  EXPECT_EQ(alerts[0].withdrawn_by_revision(), 2);
  EXPECT_EQ(Ledger().subjects_size(), 0);  // withdrawn lines are not listed by default
  auto ledger = Ledger(/*include_withdrawn=*/true);
  ASSERT_EQ(ledger.subjects_size(), 1);
  EXPECT_EQ(ledger.subjects(0).entries_size(), 4);
  for (const auto& e : ledger.subjects(0).entries()) {
    EXPECT_TRUE(e.withdrawn());
    EXPECT_EQ(e.withdrawn_by_revision(), 2);
  }
  EXPECT_EQ(ledger.subjects(0).incurred().lines(), 0);  // incurred once, withdrawn now: counted nowhere
  const auto ids = OutboxIds("ys.rankings.alerts.v1");
  EXPECT_NE(std::find(ids.begin(), ids.end(), "alert-withdrawn:ALERT_RULE_LAST_IN_PROVINCE/EVALUATION_OFFICIAL/I07/city/3611/2022:rev2"),
            ids.end())
      << ::testing::PrintToString(ids);

  // A third revision puts it last again: the alert is raised again (a new event) and its lines
  // count again — pending, since the office confirmed the lines before the correction.
  pb::RankingFact again = Fact(11, "2022");
  again.set_revision(3);
  ASSERT_TRUE(Submit("platform", {again}, &r).ok());
  alerts = Alerts("2022");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_FALSE(alerts[0].withdrawn());
  ledger = Ledger();
  ASSERT_EQ(ledger.subjects_size(), 1);
  EXPECT_TRUE(ledger.subjects(0).pending().bonus_withheld());
  EXPECT_EQ(ledger.subjects(0).incurred().lines(), 0);
  const auto after = OutboxIds("ys.rankings.alerts.v1");
  EXPECT_NE(std::find(after.begin(), after.end(), "alert:ALERT_RULE_LAST_IN_PROVINCE/EVALUATION_OFFICIAL/I07/city/3611/2022:rev3"),
            after.end());
}

TEST_F(LedgerTest, Point12_7_TheLedgerOfAUnitIsFoundByItsAlias) {
  pb::SubmitResponse r;
  ASSERT_TRUE(Submit("platform", {Fact(11, "2022-09")}, &r).ok());
  for (const std::string name : {"市城管局", "市城市管理局"}) {
    const pb::ListConsequencesResponse resp = Ledger(false, name);
    ASSERT_EQ(resp.subjects_size(), 1) << name;
    EXPECT_EQ(resp.subjects(0).subject(), "市城市管理局");
  }
}

TEST_F(LedgerTest, Point12_3_ACorrectionThatKeepsTheUnitLastWithdrawsNothing) {
  pb::SubmitResponse r;
  ASSERT_TRUE(Submit("platform", {Fact(11, "2022-09")}, &r).ok());
  pb::RankingFact corrected = Fact(11, "2022-09");
  corrected.set_revision(2);
  corrected.set_score(61.5);
  ASSERT_TRUE(Submit("platform", {corrected}, &r).ok());
  const auto alerts = Alerts("2022-09");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_FALSE(alerts[0].withdrawn());
  EXPECT_EQ(Ledger().subjects(0).at_risk().lines(), 4);
}

}  // namespace
}  // namespace ys::ranking
