// The direct RankingFact JSON decoder must give exactly what protobuf's parser gives (the same
// message, or an error with the same text), and must take the common shapes itself.
#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "absl/strings/str_format.h"
#include "common/input/text_rules.h"
#include "google/protobuf/util/json_util.h"
#include "services/ranking/fact_json.h"

namespace ys::ranking {
namespace {

// What protobuf's own parser makes of it (the reference).
absl::StatusOr<pb::RankingFact> Reference(const std::string& json) {
  pb::RankingFact f;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  if (auto s = google::protobuf::util::JsonStringToMessage(json, &f, options); !s.ok()) {
    // protobuf's message, quoted as every reason quoting input is (it shows the input around the error).
    return absl::InvalidArgumentError(absl::StrFormat("body is not a RankingFact in proto3 JSON: %s",
                                                      input::QuoteInput(std::string(s.message()), 200)));
  }
  return f;
}

void ExpectSameAsProtobuf(const std::string& json) {
  SCOPED_TRACE(json);
  const auto want = Reference(json);
  const auto got = DecodeFactJson(json);
  ASSERT_EQ(got.ok(), want.ok()) << (got.ok() ? want.status().ToString() : got.status().ToString());
  if (!want.ok()) {
    EXPECT_EQ(got.status().message(), want.status().message());
    return;
  }
  EXPECT_EQ(got->SerializeAsString(), want->SerializeAsString())
      << "got " << got->ShortDebugString() << "\nwant " << want->ShortDebugString();
  EXPECT_EQ(got->has_score(), want->has_score());
  EXPECT_EQ(std::signbit(got->score()), std::signbit(want->score()));  // -0 and 0 compare equal
}

TEST(FactJsonTest, TakesTheCommonShapesItself) {
  const std::vector<std::string> direct = {
      R"({"evaluation":"EVALUATION_OFFICIAL","indicatorCode":"I01","scope":"SCOPE_COUNTY","regionCode":"361102","period":"2022-09","rank":7,"total":100,"revision":"1"})",
      R"({"source":"jxyshj","evaluation":"EVALUATION_THIRD_PARTY","indicator_code":"I01-02","scope":"SCOPE_CITY","region_code":"3611","period":"2022Q3","rank":11,"total":11,"score":81.25,"revision":2,"publishedAt":"2022-10-08T02:00:00Z"})",
      " { \"rank\" : 3 ,\n \"total\": 11, \"score\": null, \"period\": \"2022\" } ",
      R"({"score":-1.5e2,"revision":"0","totalReason":"incl. Ganjiang New Area"})",
      R"({})",
  };
  for (const std::string& json : direct) {
    pb::RankingFact f;
    EXPECT_TRUE(DecodeFactJsonFast(json, &f)) << json;
    ExpectSameAsProtobuf(json);
  }
}

TEST(FactJsonTest, LeavesEverythingElseToProtobufWithItsOwnResult) {
  const std::vector<std::string> fallback = {
      R"({"totalReason":"含赣江新区","rank":1})",                 // non-ASCII text
      R"({"totalReason":"\u542b\u8d63\u6c5f","rank":1})",         // escapes
      R"({"regionCode":"36\"11"})",
      R"({"rank":"7"})",                                          // int32 as a string
      R"({"rank":7.0})",
      R"({"rank":1e1})",
      R"({"rank":2147483648})",                                   // beyond int32
      R"({"rank":-2147483649})",
      R"({"rank":007})",
      R"({"revision":"01"})",
      R"({"revision":"-3"})",
      R"({"revision":"12345678901234567890"})",
      R"({"revision":1.5})",
      R"({"score":-0})",                                          // protobuf: +0 (read as an integer)
      R"({"score":-0.0})",
      R"({"score":12345678901234567890})",
      R"({"score":"NaN"})",
      R"({"score":"1.5"})",
      R"({"score":1e999})",
      R"({"evaluation":"EVALUATION_NOPE","rank":1})",             // unknown enum name
      R"({"evaluation":1})",                                      // enum as a number
      R"({"scope":"scope_city"})",
      R"({"publishedAt":"2022-10-08"})",                          // bad timestamp
      R"({"publishedAt":"2022-10-08T02:00:00.123+08:00"})",
      R"({"publishedAt":{"seconds":1}})",
      R"({"rank":1,"rank":2})",                                   // duplicate key
      R"({"rank":1,"extra":{"nested":[1,2]}})",                   // unknown nested field
      R"({"extra":"x","rank":1})",
      R"({"rank":1,})",
      R"({"rank":1} trailing)",
      R"([1,2])",
      R"(not json)",
      "",
      R"({"rank":true})",
      R"({"indicatorCode":7})",
      R"({"indicatorCode":null,"rank":null})",
  };
  for (const std::string& json : fallback) ExpectSameAsProtobuf(json);
}

TEST(FactJsonTest, ErrorsQuoteTheBodyEscaped) {
  using std::string_literals::operator""s;
  for (const std::string& body : {"{\"rank\":\0\xff}"s, "{\"period\":\"2022-09\0\"\xc0}"s, "\xff\xfe"s}) {
    const auto r = DecodeFactJson(body);
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(input::IsValidUtf8(r.status().message())) << r.status();
    EXPECT_EQ(r.status().message().find('\0'), std::string::npos) << r.status();
  }
  // A NUL spelt as an escape decodes: the input rules (ValidateFact, RV12) refuse it.
  const auto nul = DecodeFactJson(R"({"indicatorCode":"I0\u0000"})");
  ASSERT_TRUE(nul.ok()) << nul.status();
  EXPECT_EQ(nul->indicator_code(), "I0"s + '\0');
}

// Many generated facts, written by protobuf's printer in both spellings, with and without
// optional parts: each decodes to the very message that was printed.
TEST(FactJsonTest, RoundTripsWhatProtobufPrints) {
  std::mt19937 rng(20221008);
  const std::vector<std::string> codes = {"I01", "I01-02", "C00", "I18-05"};
  for (int i = 0; i < 2000; ++i) {
    pb::RankingFact f;
    if (rng() % 2) f.set_source(absl::StrFormat("platform%d", rng() % 5));
    f.set_evaluation(static_cast<pb::Evaluation>(rng() % 5));
    f.set_indicator_code(codes[rng() % codes.size()]);
    f.set_scope(static_cast<pb::Scope>(rng() % 3));
    f.set_region_code(absl::StrFormat("3611%02d", rng() % 30));
    f.set_period(absl::StrFormat("20%02d-%02d", rng() % 30, rng() % 12 + 1));
    f.set_rank(static_cast<int32_t>(rng() % 120) - 5);
    f.set_total(static_cast<int32_t>(rng() % 120));
    if (rng() % 2) f.set_score(static_cast<double>(rng() % 100000) / 7.0 - 50);
    f.set_revision(static_cast<int64_t>(rng()) * (rng() % 3 == 0 ? 1000003 : 1));
    if (rng() % 3 == 0) {
      f.mutable_published_at()->set_seconds(1600000000 + rng() % 100000000);
      f.mutable_published_at()->set_nanos(static_cast<int32_t>(rng() % 1000) * 1000000);
    }
    google::protobuf::util::JsonPrintOptions print;
    print.preserve_proto_field_names = rng() % 2 == 0;
    print.always_print_primitive_fields = rng() % 2 == 0;
    std::string json;
    ASSERT_TRUE(google::protobuf::util::MessageToJsonString(f, &json, print).ok());
    pb::RankingFact direct;
    EXPECT_TRUE(DecodeFactJsonFast(json, &direct)) << json;
    ExpectSameAsProtobuf(json);
    auto decoded = DecodeFactJson(json);
    ASSERT_TRUE(decoded.ok()) << json;
    EXPECT_EQ(decoded->SerializeAsString(), f.SerializeAsString()) << json;
  }
}

}  // namespace
}  // namespace ys::ranking
