#pragma once

// The rectification tests' fixtures: the real CaseStore on PostgreSQL (a schema per test) with a fake
// clock, and the real service behind an in-process gRPC channel with API keys loaded as
// configuration loads them.

#include <pqxx/pqxx>

#include <functional>

#include "absl/strings/str_cat.h"
#include "common/grpc/server.h"
#include "common/pg/migrations.h"
#include "common/time/proto_time.h"
#include "gtest/gtest.h"
#include "services/rectification/embedded.h"
#include "services/rectification/service.h"
#include "services/rectification/store.h"
#include "tests/fakes/fake_clock.h"
#include "tests/support/outbox_fixture.h"
#include "tests/support/ysctl_run.h"
#include "tools/ysctl/case_commands.h"

namespace ys::rectification {

inline absl::Time At(int y, int m, int d, int hh = 10) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, 0, 0), Shanghai());
}

class CaseStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto migrations = MigrationsFromFiles(EmbeddedMigrations());
    ASSERT_TRUE(migrations.ok());
    pool_ = ys::testing::MigratedPool(ys::testing::UniqueName("t_rect"), *migrations);
    ASSERT_NE(pool_, nullptr);
    calendar_ = std::make_unique<WorkingDayCalendar>(*WorkingDayCalendar::LoadEmbedded());
    store_ = std::make_unique<CaseStore>(*pool_, clock_, *calendar_, CasePolicies{});
  }

  // The store again, with other policies (the database stays).
  void UsePolicies(CasePolicies policies) {
    store_ = std::make_unique<CaseStore>(*pool_, clock_, *calendar_, std::move(policies));
  }

  static rpb::RankingAlert Alert(rpb::AlertRule rule, const std::string& indicator, const std::string& period,
                                 std::vector<std::string> units = {"市住建局", "市自然资源局"}) {
    rpb::RankingAlert a;
    a.set_rule(rule);
    a.mutable_fact()->set_scope(rpb::SCOPE_CITY);
    a.mutable_fact()->set_region_code("3611");
    a.mutable_fact()->set_indicator_code(indicator);
    a.mutable_fact()->set_period(period);
    a.mutable_fact()->set_rank(11);
    a.mutable_fact()->set_total(11);
    a.set_id(absl::StrCat(rpb::AlertRule_Name(rule), "/", indicator, "/", period));
    a.set_region_name("上饶市");
    a.set_indicator_name("办理建筑许可");
    a.set_lead("李茂荣");
    a.set_message(period + " 上饶市 办理建筑许可：全省倒数第一");
    for (const auto& u : units) a.add_units()->set_unit(u);
    return a;
  }

  // A county last on an indicator whose city units follow it.
  static rpb::RankingAlert CountyAlert(const std::string& indicator, const std::string& period,
                                       const std::string& region_code = "361102",
                                       const std::string& region_name = "信州区") {
    rpb::RankingAlert a = Alert(rpb::ALERT_RULE_COUNTY_INDICATOR_LAST, indicator, period, {});
    a.mutable_fact()->set_scope(rpb::SCOPE_COUNTY);
    a.mutable_fact()->set_region_code(region_code);
    a.mutable_fact()->set_rank(100);
    a.mutable_fact()->set_total(100);
    a.set_id(absl::StrCat("ALERT_RULE_COUNTY_INDICATOR_LAST/", indicator, "/", region_code, "/", period));
    a.set_region_name(region_name);
    a.set_message(period + " " + region_name + " 办理建筑许可：全省倒数第一");
    auto* u = a.add_units();
    u->set_unit("市住房和城乡建设局");
    u->set_head("陈锋");
    return a;
  }

  // The same alert, withdrawn by a later revision of its fact.
  static rpb::RankingAlert Withdrawn(rpb::RankingAlert a, int64_t revision = 2) {
    a.set_withdrawn(true);
    a.set_withdrawn_by_revision(revision);
    return a;
  }

  std::vector<absl::Status> Apply(const std::vector<rpb::RankingAlert>& alerts) {
    std::vector<CloudEvent> events;
    for (const auto& a : alerts) {
      CloudEvent e;
      e.id = NewEventId();
      e.data = a.SerializeAsString();
      events.push_back(e);
    }
    std::vector<const CloudEvent*> ptrs;
    for (const auto& e : events) ptrs.push_back(&e);
    std::vector<absl::Status> results(ptrs.size());
    EXPECT_TRUE(pool_->WithTransaction([&](pqxx::work& tx) {
                  return store_->ApplyAlerts(tx, ptrs, &results);
                }).ok());
    return results;
  }

  std::string CaseOf(const std::string& unit) {
    auto listed = store_->List({.unit = unit, .as_of = clock_.Now()});
    EXPECT_TRUE(listed.ok());
    return listed.ok() && !listed->first.empty() ? listed->first[0].id() : "";
  }

  // The events of one kind in the outbox, oldest first.
  std::vector<pb::CaseEvent> Events(pb::CaseEvent::Kind kind) {
    std::vector<pb::CaseEvent> out;
    EXPECT_TRUE(pool_->WithTransaction([&](pqxx::work& tx) {
                  for (const auto& row : tx.exec_params("SELECT payload FROM outbox WHERE ce_id LIKE $1 ORDER BY id",
                                                        "%:" + pb::CaseEvent::Kind_Name(kind) + ":%")) {
                    out.emplace_back().ParseFromString(pqxx::binarystring(row[0]).str());
                  }
                  return absl::OkStatus();
                }).ok());
    return out;
  }

  // Rewrites a case's stored body with `edit`, and any of its columns with `columns` ("escalation = 2,
  // ladder_rung = 2"): the state an earlier version of the service left.
  void StoreBody(const std::string& id, const std::function<void(pb::Case&)>& edit, const std::string& columns = "") {
    ASSERT_TRUE(pool_->WithTransaction([&](pqxx::work& tx) {
                  pb::Case c;
                  c.ParseFromString(pqxx::binarystring(tx.exec_params1("SELECT body FROM cases WHERE id = $1", id)[0]).str());
                  edit(c);
                  tx.exec_params(absl::StrCat("UPDATE cases SET body = $2::bytea", columns.empty() ? "" : ", ", columns,
                                              " WHERE id = $1"),
                                 id, PgHexBytes(c.SerializeAsString()));
                  return absl::OkStatus();
                }).ok());
  }

  int64_t VersionOf(const std::string& id) {
    return ys::testing::QueryInt(*pool_, absl::StrCat("SELECT version FROM cases WHERE id = '", id, "'"));
  }

  // The history's actions, in order.
  std::vector<std::string> Actions(const std::string& id) {
    std::vector<std::string> out;
    auto c = store_->Get(id);
    EXPECT_TRUE(c.ok()) << c.status();
    if (c.ok()) {
      for (const auto& h : c->history()) out.push_back(h.action());
    }
    return out;
  }

  ys::testing::FakeClock clock_{At(2022, 9, 30)};
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<WorkingDayCalendar> calendar_;
  std::unique_ptr<CaseStore> store_;
};

// The real service class behind an in-process gRPC channel, over the store above (so not with
// UsePolicies, which replaces the store).
class RectificationServiceTest : public CaseStoreTest {
 protected:
  void SetUp() override {
    CaseStoreTest::SetUp();
    // The keys as configuration loads them: unit names through the catalog's units and counties.
    auto config = Config::FromString(
        absl::StrCat("auth:\n  units_file: ", YS_SOURCE_DIR, "/data/catalog/units.yaml\n  regions_file: ",
                     YS_SOURCE_DIR, "/data/catalog/regions.yaml\n  api_keys:\n",
                     "    office-dev: {role: office, sha256: ", Sha256Hex("office"), "}\n",
                     // the alias deploy/local/services.sh writes for var/keys/unit-zhujian.key
                     "    zjj: {role: \"unit:市住建局\", sha256: ", Sha256Hex("zjj"), "}\n",
                     "    zrzy: {role: \"unit:市自然资源局\", sha256: ", Sha256Hex("zrzy"), "}\n",
                     "    xinzhou: {role: \"unit:信州区\", sha256: ", Sha256Hex("xinzhou"), "}\n",
                     "    caizheng: {role: \"unit:市财政局\", sha256: ", Sha256Hex("caizheng"), "}\n",
                     "    viewer-dev: {role: viewer, sha256: ", Sha256Hex("viewer"), "}\n"),
        nullptr);
    ASSERT_TRUE(config.ok()) << config.status();
    auto auth = ApiKeyAuthenticator::FromConfig(*config);
    ASSERT_TRUE(auth.ok()) << auth.status();
    auth_ = *std::move(auth);
    service_ = std::make_unique<RectificationImpl>(*store_, clock_, auth_, executor_);
    server_ = std::make_unique<GrpcServer>(GrpcServerOptions{}, metrics_, &auth_);
    server_->AddService(service_.get());
    ASSERT_TRUE(server_->Start().ok());
    stub_ = pb::RectificationService::NewStub(
        grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
  }
  void TearDown() override { server_->Shutdown(); }

  template <typename Req, typename Resp, typename Method>
  grpc::Status Call(const std::string& key, Method method, const Req& req, Resp* resp) {
    grpc::ClientContext ctx;
    if (!key.empty()) ctx.AddMetadata("authorization", "Bearer " + key);
    return ((*stub_).*method)(&ctx, req, resp);
  }

  // `ysctl ARGS…` in-process against this server, with API key `key`.
  ys::testing::CliRun Ysctl(std::vector<std::string> args, const std::string& key = "office") {
    for (const std::string& a : {std::string("--address"), server_->address(), std::string("--key"), key}) {
      args.push_back(a);
    }
    return ys::testing::RunYsctl(
        [](CLI::App& app, std::ostream& out, std::ostream& err, int* code) {
          ysctl::AddCaseCommands(app, out, err, code);
        },
        std::move(args));
  }

  Metrics metrics_{"rect_test"};
  CallExecutor executor_{CallExecutorOptions{}, metrics_};
  ApiKeyAuthenticator auth_;
  std::unique_ptr<RectificationImpl> service_;
  std::unique_ptr<GrpcServer> server_;
  std::unique_ptr<pb::RectificationService::Stub> stub_;
};

}  // namespace ys::rectification
