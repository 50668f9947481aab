#include "services/indicator/redemption.h"

#include <limits>
#include <set>

#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "services/indicator/catalog.h"
#include "services/indicator/credit_code.h"
#include "tests/services/indicator/catalog_data.h"
#include "tools/sample/sample_redemption_regions.h"

namespace ys::indicator {
namespace {

TEST(CreditCodeTest, KnownGoodCodesPass) {
  // Published examples of valid codes.
  for (const char* code : {"91350100M000100Y43", "91110108551385082Q", "9144030071526726XG"}) {
    EXPECT_TRUE(ValidateCreditCode(code).ok()) << code << ": " << ValidateCreditCode(code);
  }
}

TEST(CreditCodeTest, EveryKindOfBadCodeNamesTheField) {
  struct Case {
    const char* code;
    const char* expect;
  };
  for (const Case& c : std::vector<Case>{
           {"91350100M000100Y44", "check character is '4', GB 32100-2015 gives '3'"},
           {"91350100M000100Y4", "has 17 characters"},
           {"91350100M000100I43", "character 16 ('I') is not allowed"},
           {"91350100m000100Y43", "character 9 ('m') is not allowed"},
           {"", "has 0 characters"},
       }) {
    absl::Status s = ValidateCreditCode(c.code);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.code;
    EXPECT_NE(s.message().find("field 'enterprise_credit_code'"), std::string::npos) << s;
    EXPECT_NE(s.message().find(c.expect), std::string::npos) << s;
  }
  EXPECT_EQ(CreditCodeCheckCharacter("91350100M000100Y4"), '3');
}

TEST(StatusMoveTest, Table) {
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  const absl::Time later = t0 + absl::Hours(1);
  const absl::Time earlier = t0 - absl::Hours(1);
  struct Case {
    rpb::RedemptionStatus current;
    rpb::RedemptionStatus incoming;
    absl::Time at;
    std::optional<StatusMove> want;  // nullopt: FAILED_PRECONDITION
  };
  const std::vector<Case> cases = {
      {rpb::APPLIED, rpb::APPROVED, later, StatusMove::kAdvance},
      {rpb::APPROVED, rpb::PAID, later, StatusMove::kAdvance},
      {rpb::APPLIED, rpb::PAID, later, StatusMove::kAdvance},  // the approval event was lost
      {rpb::APPLIED, rpb::REJECTED, later, StatusMove::kAdvance},
      {rpb::APPROVED, rpb::REJECTED, later, StatusMove::kAdvance},
      {rpb::PAID, rpb::APPLIED, earlier, StatusMove::kRecordOlder},  // late, older event
      {rpb::PAID, rpb::APPROVED, earlier, StatusMove::kRecordOlder},
      {rpb::REJECTED, rpb::APPLIED, earlier, StatusMove::kRecordOlder},
      {rpb::APPROVED, rpb::APPROVED, later, StatusMove::kSame},
      {rpb::PAID, rpb::APPLIED, later, std::nullopt},     // back to the start
      {rpb::REJECTED, rpb::PAID, later, std::nullopt},    // final states exclude each other
      {rpb::PAID, rpb::REJECTED, later, std::nullopt},
      {rpb::APPROVED, rpb::APPLIED, later, std::nullopt},
      {rpb::APPLIED, rpb::PAID, earlier, std::nullopt},   // an older PAID cannot precede APPLIED
      {rpb::PAID, rpb::REJECTED, earlier, std::nullopt},
  };
  for (const Case& c : cases) {
    auto got = DecideStatusMove(c.current, t0, c.incoming, c.at);
    const std::string label = std::string(StatusName(c.current)) + " then " + StatusName(c.incoming);
    if (c.want.has_value()) {
      ASSERT_TRUE(got.ok()) << label << ": " << got.status();
      EXPECT_EQ(*got, *c.want) << label;
    } else {
      EXPECT_EQ(got.status().code(), absl::StatusCode::kFailedPrecondition) << label;
      EXPECT_NE(got.status().message().find("field 'status'"), std::string::npos);
    }
  }
}

CloudEvent Json(const std::string& body) {
  CloudEvent e;
  e.content_type = "application/json";
  e.data = body;
  return e;
}

TEST(RedemptionDecodeTest, JsonInBothSpellingsAndProtobuf) {
  RedemptionRejection why;
  auto camel = DecodeRedemption(
      Json(R"({"redemptionId":"R1","amountFen":"12345","status":"PAID","statusTime":"2022-09-30T08:00:00Z","futureField":1})"),
      &why);
  ASSERT_TRUE(camel.ok()) << camel.status();
  EXPECT_EQ(camel->redemption_id(), "R1");
  EXPECT_EQ(camel->amount_fen(), 12345);
  EXPECT_EQ(camel->status(), rpb::PAID);
  auto snake = DecodeRedemption(Json(R"({"redemption_id":"R2","amount_fen":5})"), &why);
  ASSERT_TRUE(snake.ok());
  EXPECT_EQ(snake->amount_fen(), 5);

  CloudEvent proto;
  proto.content_type = "application/protobuf";
  proto.data = camel->SerializeAsString();
  EXPECT_EQ(DecodeRedemption(proto, &why)->redemption_id(), "R1");

  EXPECT_FALSE(DecodeRedemption(Json("{not json"), &why).ok());
  EXPECT_EQ(why.reason, "malformed");
  EXPECT_FALSE(DecodeRedemption(Json(R"({"amountFen": 1.5})"), &why).ok());
  CloudEvent xml;
  xml.content_type = "application/xml";
  EXPECT_FALSE(DecodeRedemption(xml, &why).ok());
  EXPECT_EQ(why.reason, "bad_content_type");
}

TEST(RedemptionValidateTest, EachRuleHasAReason) {
  rpb::PolicyRedemption good;
  good.set_redemption_id("R1");
  good.set_policy_id("P1");
  good.set_enterprise_credit_code("91350100M000100Y43");
  good.set_county_code("361102");
  good.set_department("市财政局");
  good.set_amount_fen(100);
  good.set_status(rpb::APPLIED);
  *good.mutable_status_time() = google::protobuf::util::TimeUtil::SecondsToTimestamp(1664467200);
  EXPECT_FALSE(ValidateRedemption(good).has_value());

  struct Case {
    std::function<void(rpb::PolicyRedemption&)> spoil;
    const char* reason;
    const char* field;
  };
  for (const Case& c : std::vector<Case>{
           {[](auto& r) { r.clear_redemption_id(); }, "missing_field", "redemption_id"},
           {[](auto& r) { r.clear_department(); }, "missing_field", "department"},
           {[](auto& r) { r.set_enterprise_credit_code("91350100M000100Y44"); }, "bad_credit_code",
            "enterprise_credit_code"},
           {[](auto& r) { r.set_amount_fen(-1); }, "negative_amount", "amount_fen"},
           {[](auto& r) { r.clear_status(); }, "missing_field", "status"},
           {[](auto& r) { r.clear_status_time(); }, "missing_field", "status_time"},
       }) {
    rpb::PolicyRedemption r = good;
    c.spoil(r);
    auto why = ValidateRedemption(r);
    ASSERT_TRUE(why.has_value()) << c.field;
    EXPECT_EQ(why->reason, c.reason);
    EXPECT_NE(why->status.message().find(std::string("field '") + c.field + "'"), std::string::npos)
        << why->status;
  }
}

rpb::PolicyRedemption GoodRedemption() {
  rpb::PolicyRedemption r;
  r.set_redemption_id("R1");
  r.set_policy_id("P1");
  r.set_policy_name("工业企业技术改造补助");
  r.set_enterprise_credit_code("91350100M000100Y43");
  r.set_county_code("361102");
  r.set_department("市财政局");
  r.set_amount_fen(100);
  r.set_status(rpb::APPLIED);
  *r.mutable_status_time() = google::protobuf::util::TimeUtil::SecondsToTimestamp(1664467200);
  return r;
}

TEST(RedemptionValidateTest, InputRulesForEveryField) {
  using std::string_literals::operator""s;
  ASSERT_FALSE(ValidateRedemption(GoodRedemption()).has_value());
  struct Case {
    std::function<void(rpb::PolicyRedemption&)> spoil;
    const char* reason;
    const char* field;
  };
  std::vector<Case> cases;
  // Each string field with a NUL, with invalid UTF-8, and too long for its kind.
  using Setter = void (rpb::PolicyRedemption::*)(const std::string&);
  for (const auto& [field, set, cap] : std::vector<std::tuple<const char*, Setter, size_t>>{
           {"redemption_id", &rpb::PolicyRedemption::set_redemption_id, 64},
           {"policy_id", &rpb::PolicyRedemption::set_policy_id, 64},
           {"policy_name", &rpb::PolicyRedemption::set_policy_name, 512},
           {"enterprise_credit_code", &rpb::PolicyRedemption::set_enterprise_credit_code, 64},
           {"county_code", &rpb::PolicyRedemption::set_county_code, 64},
           {"department", &rpb::PolicyRedemption::set_department, 512}}) {
    cases.push_back({[set](auto& r) { (r.*set)("A\0B"s); }, "bad_text", field});
    cases.push_back({[set](auto& r) { (r.*set)("A\xff"); }, "bad_text", field});
    cases.push_back({[set](auto& r) { (r.*set)("\xed\xa0\x80"); }, "bad_text", field});  // a surrogate
    cases.push_back({[set](auto& r) { (r.*set)("A\x1b[31m"); }, "bad_text", field});
    cases.push_back({[set, cap](auto& r) { (r.*set)(std::string(cap + 1, 'A')); }, "too_long", field});
  }
  cases.push_back({[](auto& r) { r.set_amount_fen(std::numeric_limits<int64_t>::max()); }, "amount_out_of_range",
                   "amount_fen"});
  cases.push_back({[](auto& r) { r.set_amount_fen(input::kAmountFenCeiling + 1); }, "amount_out_of_range",
                   "amount_fen"});
  cases.push_back({[](auto& r) { r.set_amount_fen(std::numeric_limits<int64_t>::min()); }, "negative_amount",
                   "amount_fen"});
  cases.push_back({[](auto& r) { r.mutable_status_time()->set_seconds(-62135596800); }, "bad_time",
                   "status_time"});  // year 1
  cases.push_back({[](auto& r) { r.mutable_status_time()->set_seconds(253402300799); }, "bad_time",
                   "status_time"});  // 9999-12-31
  cases.push_back({[](auto& r) { r.mutable_status_time()->set_seconds(std::numeric_limits<int64_t>::max()); },
                   "bad_time", "status_time"});
  cases.push_back({[](auto& r) { r.mutable_status_time()->set_seconds(-1); }, "bad_time", "status_time"});
  cases.push_back({[](auto& r) { r.mutable_status_time()->set_nanos(-1); }, "bad_time", "status_time"});
  for (const Case& c : cases) {
    rpb::PolicyRedemption r = GoodRedemption();
    c.spoil(r);
    auto why = ValidateRedemption(r);
    ASSERT_TRUE(why.has_value()) << c.field << " " << c.reason;
    EXPECT_EQ(why->reason, c.reason) << c.field << ": " << why->status;
    EXPECT_EQ(why->status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(why->status.message().find(std::string("field '") + c.field + "'"), std::string::npos)
        << why->status;
    EXPECT_TRUE(input::IsValidUtf8(why->status.message())) << c.field;
    EXPECT_EQ(why->status.message().find('\0'), std::string::npos) << c.field;
  }
  // The caps come from the limits.
  rpb::PolicyRedemption r = GoodRedemption();
  r.set_policy_name(std::string(100, 'n'));
  EXPECT_FALSE(ValidateRedemption(r).has_value());
  EXPECT_EQ(ValidateRedemption(r, input::InputLimits{.name_bytes = 99})->reason, "too_long");
  r = GoodRedemption();
  r.set_amount_fen(input::kAmountFenCeiling);
  EXPECT_FALSE(ValidateRedemption(r).has_value());
}

TEST(RedemptionDecodeTest, ANulSpeltInJsonIsRefusedByTheRules) {
  RedemptionRejection why;
  auto r = DecodeRedemption(
      Json(R"({"redemptionId":"R1","policyId":"P1","policyName":"a\u0000b","enterpriseCreditCode":"91350100M000100Y43",)"
           R"("countyCode":"361102","department":"d","amountFen":"1","status":"PAID","statusTime":"2022-09-30T08:00:00Z"})"),
      &why);
  ASSERT_TRUE(r.ok()) << r.status();
  auto rejected = ValidateRedemption(*r);
  ASSERT_TRUE(rejected.has_value());
  EXPECT_EQ(rejected->reason, "bad_text");
  EXPECT_NE(rejected->status.message().find("field 'policy_name': holds a control character U+0000 at byte 2"),
            std::string::npos)
      << rejected->status;
  // A year-1 status time in JSON.
  auto old = DecodeRedemption(
      Json(R"({"redemptionId":"R1","policyId":"P1","enterpriseCreditCode":"91350100M000100Y43",)"
           R"("countyCode":"361102","department":"d","amountFen":"1","status":"PAID","statusTime":"0001-01-01T00:00:00Z"})"),
      &why);
  ASSERT_TRUE(old.ok()) << old.status();
  EXPECT_EQ(ValidateRedemption(*old)->reason, "bad_time");
  // A reason quoting the body escapes it.
  EXPECT_FALSE(DecodeRedemption(Json(std::string("{\"a\0\xff", 5)), &why).ok());
  EXPECT_TRUE(input::IsValidUtf8(why.status.message())) << why.status;
  EXPECT_EQ(why.status.message().find('\0'), std::string::npos);
  CloudEvent odd;
  odd.content_type = std::string("text/\0\xff", 7);
  EXPECT_FALSE(DecodeRedemption(odd, &why).ok());
  EXPECT_NE(why.status.message().find(R"('text/\u0000\xff')"), std::string::npos) << why.status;
}

TEST(CreditCodeTest, ReasonsQuoteTheCodeEscaped) {
  const absl::Status nul = ValidateCreditCode(std::string("9135010\0M000100Y43", 18));
  EXPECT_NE(nul.message().find(R"(character 8 ('\u0000'))"), std::string::npos) << nul;
  const absl::Status han = ValidateCreditCode("9135010中00100Y43");
  EXPECT_NE(han.message().find("character 8 ('中')"), std::string::npos) << han;
  const absl::Status shorter = ValidateCreditCode(std::string("91\xff", 3));
  EXPECT_NE(shorter.message().find(R"('91\xff' has 3 characters)"), std::string::npos) << shorter;
}

// --- #12 point 9: the regions a redemption may carry -------------------------------------------------

// The catalog as the demo loads it: the office's units file (with the zones' codes), the regions, the
// seed catalog.
const std::map<std::string, rpb::Region>& SeedRegions() {
  static const auto* regions = [] {
    Catalog c;
    for (const char* f : {"units.yaml", "regions.yaml", "catalog.yaml"}) {
      auto parsed = ParseCatalogFile(testing::ReadCatalogData(f), c);
      if (parsed.ok()) c = parsed->catalog;
    }
    return new std::map<std::string, rpb::Region>(c.regions);
  }();
  return *regions;
}

TEST(RedemptionRegionTest, Point12_9_AcceptedAreExactlyShangraosCountiesZonesAndCityLevel) {
  ASSERT_EQ(SeedRegions().size(), 1u + 11 + 100 + 3);  // province, cities, counties, zones
  std::set<std::string> accepted;
  for (const auto& [code, _] : SeedRegions()) {
    if (!CheckRedemptionRegion(SeedRegions(), code).has_value()) accepted.insert(code);
  }
  EXPECT_EQ(accepted, (std::set<std::string>{"361102", "361103", "361104", "361123", "361124", "361125", "361126",
                                             "361127", "361128", "361129", "361130", "361181",  // 12 counties
                                             "3611Z1", "3611Z2", "3611Z3",                      // 3 zones
                                             "3611"}));                                         // 市本级
}

TEST(RedemptionRegionTest, Point12_9_ACountyOfAnotherCityIsRefusedNamingTheField) {
  auto why = CheckRedemptionRegion(SeedRegions(), "360102");  // 南昌市东湖区
  ASSERT_TRUE(why.has_value());
  EXPECT_EQ(why->reason, "region_outside_shangrao");
  EXPECT_EQ(why->status.code(), absl::StatusCode::kInvalidArgument);
  const std::string m(why->status.message());
  EXPECT_EQ(m.rfind("field 'county_code': '360102' is a county (东湖区) of 南昌市 (3601), not one of 上饶市's", 0), 0u)
      << m;
  EXPECT_NE(m.find("the 12 counties, 3 functional zones and 3611 (市本级) of 上饶市"), std::string::npos) << m;
  // Every county of the other ten cities likewise.
  for (const auto& [code, r] : SeedRegions()) {
    if (r.kind() != rpb::REGION_KIND_COUNTY || r.parent_code() == "3611") continue;
    EXPECT_EQ(CheckRedemptionRegion(SeedRegions(), code)->reason, "region_outside_shangrao") << code;
  }
}

TEST(RedemptionRegionTest, Point12_9_AFunctionalZoneIsAcceptedAndNamed) {
  EXPECT_FALSE(CheckRedemptionRegion(SeedRegions(), "3611Z2").has_value());
  EXPECT_EQ(RedemptionRegionName(SeedRegions().at("3611Z2")), "三清山风景名胜区");
  EXPECT_EQ(RedemptionRegionName(SeedRegions().at("3611Z1")), "上饶经济技术开发区");
  EXPECT_EQ(RedemptionRegionName(SeedRegions().at("3611Z3")), "上饶高铁经济试验区");
  // Another city's functional zone is not Shangrao's.
  std::map<std::string, rpb::Region> regions = SeedRegions();
  rpb::Region ganjiang;
  ganjiang.set_code("36Z1");
  ganjiang.set_name("赣江新区");
  ganjiang.set_kind(rpb::REGION_KIND_FUNCTIONAL_ZONE);
  ganjiang.set_parent_code("36");
  regions[ganjiang.code()] = ganjiang;
  EXPECT_EQ(CheckRedemptionRegion(regions, "36Z1")->reason, "region_outside_shangrao");
}

TEST(RedemptionRegionTest, Point12_9_CityLevel3611IsAcceptedAsShiBenJi) {
  EXPECT_FALSE(CheckRedemptionRegion(SeedRegions(), "3611").has_value());
  EXPECT_EQ(RedemptionRegionName(SeedRegions().at("3611")), "市本级");
  EXPECT_EQ(RedemptionRegionName(SeedRegions().at("361102")), "信州区");
}

TEST(RedemptionRegionTest, Point12_9_OtherRegionsAreRefused) {
  struct Case {
    const char* code;
    const char* reason;
    const char* says;
  };
  for (const Case& c : std::vector<Case>{
           {"3601", "region_outside_shangrao", "is a city (南昌市) of 江西省 (36)"},
           {"36", "region_outside_shangrao", "is a province (江西省)"},
           {"999999", "unknown_county", "'999999' is not a region of the catalog;"},
           {"3611Z9", "unknown_county", "'3611Z9' is not a region of the catalog;"},
       }) {
    auto why = CheckRedemptionRegion(SeedRegions(), c.code);
    ASSERT_TRUE(why.has_value()) << c.code;
    EXPECT_EQ(why->reason, c.reason) << c.code;
    EXPECT_EQ(why->status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(why->status.message().find("field 'county_code'"), std::string::npos) << why->status;
    EXPECT_NE(why->status.message().find(c.says), std::string::npos) << why->status;
  }
  // A county the catalog has retired takes no new redemptions.
  std::map<std::string, rpb::Region> regions = SeedRegions();
  regions["361102"].set_retired(true);
  auto retired = CheckRedemptionRegion(regions, "361102");
  ASSERT_TRUE(retired.has_value());
  EXPECT_EQ(retired->reason, "unknown_county");
  EXPECT_NE(retired->status.message().find("(retired)"), std::string::npos) << retired->status;
  EXPECT_NE(retired->status.message().find("the 11 counties"), std::string::npos) << retired->status;
}

TEST(RedemptionRegionTest, Point12_9_TheSampleGeneratorProducesOnlyAcceptedRegions) {
  std::set<std::string> sample;
  for (const char* code : ys::sample::kRedemptionRegions) {
    EXPECT_FALSE(CheckRedemptionRegion(SeedRegions(), code).has_value()) << code;
    sample.insert(code);
  }
  EXPECT_EQ(sample.size(), 16u);  // every accepted region, once
  // Its deliberate bad region is refused for the reason the demo shows.
  EXPECT_EQ(CheckRedemptionRegion(SeedRegions(), ys::sample::kForeignCounty)->reason, "region_outside_shangrao");
}

}  // namespace
}  // namespace ys::indicator
