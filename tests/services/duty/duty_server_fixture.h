#pragma once

// The duty service behind an in-process gRPC server, on an in-memory store (FakeDutyStore), the
// embedded holiday calendar and a clock the test moves (default 2022-09-26 09:00 Asia/Shanghai, a
// Monday). The catalog's units file resolves aliases and gives the 表3 flags; the sample directory
// (data/duty/directory.sample.yaml) is imported by ImportSampleDirectory(). API keys: "centre"
// (role centre), "office", "viewer", "zrzy" (unit:市自然资源局), "zhujian" (unit:市住建局, an alias of
// 市住房和城乡建设局).

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/time/civil_time.h"
#include "common/grpc/server.h"
#include "common/time/clock.h"
#include "gtest/gtest.h"
#include "services/duty/desk.h"
#include "services/duty/service.h"
#include "services/duty/settings.h"
#include "tests/fakes/fake_clock.h"
#include "tests/services/duty/fake_duty_store.h"

namespace ys::duty::testing {

inline std::string ReadSourceFile(const std::string& relative) {
  std::ifstream in(std::string(YS_SOURCE_DIR) + "/" + relative, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline absl::Time ShanghaiTime(int y, int m, int d, int hh = 9, int mm = 0) {
  return absl::FromCivil(absl::CivilMinute(y, m, d, hh, mm), Shanghai());
}

class DutyServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto units = UnitDirectory::FromYaml(ReadSourceFile("data/catalog/units.yaml"));
    ASSERT_TRUE(units.ok()) << units.status();
    auth_ = ApiKeyAuthenticator(*units);
    auth_.Add(Sha256Hex("centre"), {"centre-dev", "centre"});
    auth_.Add(Sha256Hex("office"), {"office-dev", "office"});
    auth_.Add(Sha256Hex("viewer"), {"viewer-dev", "viewer"});
    auth_.Add(Sha256Hex("zrzy"), {"unit-zrzy", "unit:市自然资源局"});
    auth_.Add(Sha256Hex("zhujian"), {"unit-zhujian", "unit:市住建局"});
    auto high = HighFrequencyFromUnitsYaml(ReadSourceFile("data/catalog/units.yaml"));
    ASSERT_TRUE(high.ok()) << high.status();
    settings_.high_frequency = *high;
    auto calendar = WorkingDayCalendar::LoadEmbedded();
    ASSERT_TRUE(calendar.ok()) << calendar.status();
    calendar_ = std::make_unique<WorkingDayCalendar>(*calendar);
    desk_ = std::make_unique<DutyDesk>(store_, clock_, *calendar_, settings_, auth_.units());
    service_ = std::make_unique<DutyImpl>(*desk_, auth_, executor_);
    server_ = std::make_unique<GrpcServer>(GrpcServerOptions{}, metrics_, &auth_);
    server_->AddService(service_.get());
    ASSERT_TRUE(server_->Start().ok());
    stub_ = pb::DutyService::NewStub(grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
  }
  void TearDown() override { server_->Shutdown(); }

  std::unique_ptr<grpc::ClientContext> Ctx(const std::string& key = "centre") {
    auto ctx = std::make_unique<grpc::ClientContext>();
    if (!key.empty()) ctx->AddMetadata("authorization", "Bearer " + key);
    return ctx;
  }

  void ImportSampleDirectory() {
    pb::ImportDirectoryRequest req;
    req.set_yaml(ReadSourceFile("data/duty/directory.sample.yaml"));
    req.set_file_name("directory.sample.yaml");
    pb::ImportDirectoryResponse resp;
    grpc::Status s = stub_->ImportDirectory(Ctx("centre").get(), req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_TRUE(resp.applied());
  }

  Metrics metrics_{"duty_server_test"};
  CallExecutor executor_{CallExecutorOptions{}, metrics_};
  ys::testing::FakeClock clock_{ShanghaiTime(2022, 9, 26)};
  ApiKeyAuthenticator auth_;
  DutySettings settings_;
  std::unique_ptr<WorkingDayCalendar> calendar_;
  FakeDutyStore store_;
  std::unique_ptr<DutyDesk> desk_;
  std::unique_ptr<DutyImpl> service_;
  std::unique_ptr<GrpcServer> server_;
  std::unique_ptr<pb::DutyService::Stub> stub_;
};

}  // namespace ys::duty::testing
