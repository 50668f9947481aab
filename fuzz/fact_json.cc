// A RankingFact in proto3 JSON, as other platforms submit it (ys.rankings.submitted.v1, content
// type application/json), through what the ranking service does with it: DecodeFactJson, then
// ValidateFact; a valid fact gets its keys, its revision decided and its alerts evaluated.
//
// Beyond not crashing: whatever the direct decoder (DecodeFactJsonFast) takes, protobuf's own
// parser must read as the same message (services/ranking/fact_json.h promises exactly that).

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "fuzz/fuzz_check.h"
#include "google/protobuf/util/json_util.h"
#include "services/ranking/domain.h"
#include "services/ranking/fact_json.h"
#include "services/ranking/ingest.h"

namespace ys::ranking {
namespace {

CatalogReplica Catalog() {
  CatalogReplica c;
  for (const char* code : {"I01", "I05", "I01-02", "C00"}) {
    ipb::Indicator& i = c.indicators[code];
    i.set_code(code);
  }
  c.indicators["I05"].set_valid_from("2022-07-01");
  c.indicators["I05"].set_valid_to("2023-06-30");
  for (const auto& [code, kind] : {std::pair{"3611", ipb::REGION_KIND_CITY},
                                   std::pair{"3601", ipb::REGION_KIND_CITY},
                                   std::pair{"361102", ipb::REGION_KIND_COUNTY}}) {
    ipb::Region& r = c.regions[code];
    r.set_code(code);
    r.set_name(code);
    r.set_kind(kind);
  }
  ipb::Target& t = c.targets["2022Q3/city_composite/C00"];
  t.set_id("2022Q3/city_composite/C00");
  t.set_period("2022Q3");
  t.set_scope("city_composite");
  t.set_indicator_code("C00");
  t.set_target_rank_at_most(3);
  t.set_floor_rank_at_most(6);
  return c;
}

void CheckSameAsProtobuf(absl::string_view json, const pb::RankingFact& fast) {
  pb::RankingFact reference;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  const bool parsed = google::protobuf::util::JsonStringToMessage(std::string(json), &reference, options).ok();
  fuzz::Require(parsed, "protobuf parses what the direct decoder took");
  fuzz::Require(fast.SerializeAsString() == reference.SerializeAsString(),
                "the direct decoder reads the same fact as protobuf");
  fuzz::Require(std::signbit(fast.score()) == std::signbit(reference.score()),
                "the direct decoder keeps the sign of a zero score as protobuf does");
}

}  // namespace
}  // namespace ys::ranking

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ys::ranking;
  static const CatalogReplica catalog = Catalog();
  static const ValidationPolicy policy;
  static const RuleConfig rules;
  const absl::Time now = absl::FromUnixSeconds(1672531200);  // 2023-01-01
  const absl::string_view json(reinterpret_cast<const char*>(data), size);

  pb::RankingFact fast;
  if (DecodeFactJsonFast(json, &fast)) CheckSameAsProtobuf(json, fast);

  auto fact = DecodeFactJson(json);
  if (!fact.ok()) return 0;
  if (fact->source().empty()) fact->set_source("jxyshj");  // the platform of ce_source, as ingest does
  if (!ValidateFact(*fact, catalog, policy, now).empty()) return 0;
  (void)FactKey(*fact);
  (void)FactKey(*fact, PreviousPeriod(fact->period()));
  (void)DecideRevision(std::nullopt, *fact, LockPolicy{}, now, false);
  pb::RankingFact previous = *fact;
  previous.set_rank(1);
  (void)DecideRevision(previous, *fact, LockPolicy{}, now, true);
  for (const auto& alert : EvaluateRules(*fact, previous, catalog, rules)) (void)ConsequencesOf(alert);
  return 0;
}
