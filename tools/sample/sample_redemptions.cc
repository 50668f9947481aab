// ys-sample-redemptions: SAMPLE 惠企通 events for the demo and the benchmark. Every event is made up
// (ce_source /sample/huiqitong, policy names marked 【样例】); nothing here is real data.
//   ys-sample-redemptions [--brokers B] [--month 2022-09] [--count N] [--seed S] [--bad K]
//                         [--bad-region K]
// Each redemption gets APPLIED, then (usually) APPROVED and PAID or REJECTED, as JSON CloudEvents
// (the proto3 JSON mapping, as an external platform would send them), in turn from each region a
// redemption may carry (sample_redemption_regions.h: 上饶市's counties, functional zones, 市本级).
// Deliberately bad, for the dead-letter topic: --bad adds K events with a wrong check character,
// --bad-region K events from a county of another city.
#include <cstdio>
#include <random>

#include "CLI/CLI.hpp"
#include "absl/strings/str_format.h"
#include "common/kafka/kafka.h"
#include "common/log/log.h"
#include "common/process/startup.h"
#include "common/time/period.h"
#include "services/indicator/credit_code.h"
#include "tools/sample/sample_redemption_regions.h"

namespace {

constexpr char kProgram[] = "ys-sample-redemptions";
const char* kDepartments[] = {"市财政局", "市发展和改革委员会", "市工业和信息化局", "市商务局",
                              "市人力资源和社会保障局"};
const char* kPolicies[] = {"【样例】中小企业纾困补贴", "【样例】稳岗返还", "【样例】技术改造奖励",
                           "【样例】外贸企业出口奖励"};
constexpr char kCharset[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

std::string CreditCode(std::mt19937_64& rng, const std::string& region) {
  // 9 (工商) 1 (企业) + 6-digit division + 9-character organisation code + check character. A zone's
  // or the city level's enterprise is registered with the city (361100).
  std::string code = "91" + (region.size() == 6 && region.find('Z') == std::string::npos ? region : "361100");
  std::uniform_int_distribution<int> pick(0, 30);
  for (int i = 0; i < 9; ++i) code += kCharset[pick(rng)];
  code += ys::indicator::CreditCodeCheckCharacter(code);
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Produce SAMPLE 惠企通 redemption events"};
  std::string brokers = "127.0.0.1:19092";
  std::string month = "2022-09";
  int count = 200;
  int bad = 0;
  int bad_region = 0;
  uint64_t seed = 20220916;
  app.add_option("--brokers", brokers)->capture_default_str()->envname("YS_KAFKA_BROKERS");
  std::string topic_prefix;  // an e2e run's own topics (kafka.topic_prefix)
  app.add_option("--topic-prefix", topic_prefix)->envname("YS_KAFKA_TOPIC_PREFIX");
  app.add_option("--month", month)->capture_default_str();
  app.add_option("--count", count, "redemptions (each gives 1-3 events)")->capture_default_str();
  app.add_option("--bad", bad, "extra events with a wrong check character")->capture_default_str();
  app.add_option("--bad-region", bad_region, "extra events from a county of another city")->capture_default_str();
  app.add_option("--seed", seed)->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  ys::log::Init(kProgram, ys::log::Level::kWarn);

  const ys::Period period = ys::ValueOrExit(kProgram, ys::Period::Parse(month));
  ys::KafkaOptions kafka;
  kafka.brokers = brokers;
  kafka.topic_prefix = topic_prefix;
  ys::CheckOrExit(kProgram, ys::EnsureTopics(kafka, {{"ys.policy.redemptions.v1", 3, false}}));
  auto producer = ys::ValueOrExit(kProgram, ys::KafkaProducer::Create(kafka, nullptr));
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> day(0, 27), hour(8, 17), pct(0, 99);
  int events = 0;
  auto send = [&](const std::string& id, const std::string& county, const std::string& code,
                  const char* status, absl::Time at, int64_t fen, int dept, int policy) {
    ys::CloudEvent e;
    e.id = ys::NewEventId();
    e.source = "/sample/huiqitong";
    e.type = "yingshang.indicator.v1.PolicyRedemption";
    e.time = at;
    e.key = id;
    e.content_type = "application/json";
    e.data = absl::StrFormat(
        R"({"redemptionId":"%s","policyId":"P%02d","policyName":"%s","enterpriseCreditCode":"%s","countyCode":"%s","department":"%s","amountFen":"%d","status":"%s","statusTime":"%s"})",
        id, policy, kPolicies[policy], code, county, kDepartments[dept], fen, status,
        absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", at, absl::UTCTimeZone()));
    ys::CheckOrExit(kProgram, producer->PublishAsync("ys.policy.redemptions.v1", e));
    ++events;
  };
  for (int i = 0; i < count; ++i) {
    constexpr int kRegions = sizeof(ys::sample::kRedemptionRegions) / sizeof(ys::sample::kRedemptionRegions[0]);
    const std::string county = ys::sample::kRedemptionRegions[i % kRegions];
    const std::string id = absl::StrFormat("SAMPLE-%s-%05d", period.ToString(), i);
    const std::string code = CreditCode(rng, county);
    const int dept = static_cast<int>(rng() % 5);
    const int policy = static_cast<int>(rng() % 4);
    const int64_t fen = 100000 + static_cast<int64_t>(rng() % 5000000);  // 1,000 – 51,000 元
    // Some applications date from the previous month, so "unpaid over 30 days" has members.
    const absl::Time applied = period.Start() - absl::Hours(24 * 20) +
                               absl::Hours(24 * day(rng) + hour(rng));
    send(id, county, code, "APPLIED", applied, fen, dept, policy);
    const int fate = pct(rng);
    if (fate < 15) continue;  // still waiting
    const absl::Time approved = applied + absl::Hours(24 * (2 + rng() % 10));
    if (fate < 25) {
      send(id, county, code, "REJECTED", approved, fen, dept, policy);
      continue;
    }
    send(id, county, code, "APPROVED", approved, fen, dept, policy);
    if (fate < 40) continue;
    send(id, county, code, "PAID", approved + absl::Hours(24 * (1 + rng() % 20)), fen, dept, policy);
  }
  for (int i = 0; i < bad; ++i) {
    std::string code = CreditCode(rng, "361102");
    code[17] = code[17] == '0' ? '1' : '0';  // a wrong check character
    send(absl::StrFormat("SAMPLE-BAD-%05d", i), "361102", code, "APPLIED", period.Start(), 1000, 0, 0);
  }
  for (int i = 0; i < bad_region; ++i) {
    const std::string foreign = ys::sample::kForeignCounty;
    send(absl::StrFormat("SAMPLE-BAD-REGION-%05d", i), foreign, CreditCode(rng, foreign), "APPLIED",
         period.Start(), 1000, 0, 0);
  }
  ys::CheckOrExit(kProgram, producer->Flush(absl::Seconds(30)));
  std::printf("produced %d SAMPLE redemption events (%d redemptions, %d with a bad credit code, %d from "
              "another city's county) to ys.policy.redemptions.v1\n",
              events, count, bad, bad_region);
  return 0;
}
