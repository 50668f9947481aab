#include "common/kafka/cloud_event.h"

#include <set>

#include "gtest/gtest.h"

namespace ys {
namespace {

CloudEvent Sample() {
  CloudEvent e;
  e.id = "id-1";
  e.source = "/yingshang/ranking";
  e.type = "yingshang.ranking.v1.RankingAlert";
  e.time = absl::FromUnixMillis(1664467200123);
  e.subject = "I01/3611";
  e.content_type = "application/json";
  e.key = "I01";
  e.data = R"({"rank": 11})";
  e.extensions = {{"ys_trace", "t1"}};
  return e;
}

TEST(CloudEventTest, HeadersRoundTrip) {
  const CloudEvent e = Sample();
  KafkaMessage m;
  m.key = e.key;
  m.value = e.data;
  m.headers = ToKafkaHeaders(e);
  auto back = ParseCloudEvent(m);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->id, e.id);
  EXPECT_EQ(back->source, e.source);
  EXPECT_EQ(back->type, e.type);
  EXPECT_EQ(back->time, e.time);
  EXPECT_EQ(back->subject, e.subject);
  EXPECT_EQ(back->content_type, "application/json");
  EXPECT_EQ(back->key, "I01");
  EXPECT_EQ(back->data, e.data);
  EXPECT_EQ(back->Extension("ys_trace"), "t1");
}

TEST(CloudEventTest, MissingOrBadAttributesNameTheHeader) {
  struct Case {
    const char* drop;
    const char* expect;
  };
  for (const Case& c : std::vector<Case>{{"ce_id", "ce_id"},
                                         {"ce_source", "ce_source"},
                                         {"ce_type", "ce_type"},
                                         {"ce_specversion", "ce_specversion"}}) {
    KafkaMessage m;
    for (auto& h : ToKafkaHeaders(Sample())) {
      if (h.first != c.drop) m.headers.push_back(h);
    }
    auto e = ParseCloudEvent(m);
    EXPECT_EQ(e.status().code(), absl::StatusCode::kInvalidArgument) << c.drop;
    EXPECT_NE(e.status().message().find(c.expect), std::string::npos) << e.status();
  }
  KafkaMessage m;
  m.headers = {{"ce_specversion", "0.3"}, {"ce_id", "x"}, {"ce_source", "s"}, {"ce_type", "t"}};
  EXPECT_FALSE(ParseCloudEvent(m).ok());
  m.headers = {{"ce_specversion", "1.0"}, {"ce_id", "x"}, {"ce_source", "s"}, {"ce_type", "t"},
               {"ce_time", "yesterday"}};
  EXPECT_NE(ParseCloudEvent(m).status().message().find("ce_time"), std::string::npos);
}

TEST(CloudEventTest, StructuredModeCarriesTheWholeEventInTheValue) {
  KafkaMessage m;
  m.key = "I03/3611";
  m.headers = {{"content-type", "application/cloudevents+json; charset=utf-8"}};
  m.value = R"({"specversion":"1.0","id":"e-1","source":"/platform/jxyshj","type":"t",)"
            R"("time":"2022-09-30T16:00:00Z","ysvalidateonly":"true",)"
            R"("data":{"indicatorCode":"I03","rank":11,"regionName":"上饶市"}})";
  auto e = ParseCloudEvent(m);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->id, "e-1");
  EXPECT_EQ(e->source, "/platform/jxyshj");
  EXPECT_EQ(e->content_type, "application/json");
  EXPECT_EQ(e->key, "I03/3611");
  EXPECT_EQ(e->time, absl::FromUnixSeconds(1664553600));
  EXPECT_EQ(e->Extension("ce_ysvalidateonly"), "true");
  EXPECT_NE(e->data.find(R"("rank":11)"), std::string::npos) << e->data;
  EXPECT_NE(e->data.find("上饶市"), std::string::npos) << e->data;
  // The data object is passed on as JSON with its numbers as written (integers stay integers).
  m.value = R"({"specversion":"1.0","id":"e-3","source":"s","type":"t","n":7,)"
            R"("data":{"revision":9007199254740993,"score":81.25,"nested":{"a":[1,true,null]}}})";
  auto nested = ParseCloudEvent(m);
  ASSERT_TRUE(nested.ok()) << nested.status();
  EXPECT_EQ(nested->data, R"({"nested":{"a":[1,true,null]},"revision":9007199254740993,"score":81.25})");
  EXPECT_EQ(nested->Extension("ce_n"), "7");

  m.value = R"({"specversion":"1.0","id":"e-2","source":"s","type":"t","data_base64":"aGk="})";
  ASSERT_TRUE(ParseCloudEvent(m).ok());
  EXPECT_EQ(ParseCloudEvent(m)->data, "hi");
  // An extension set as a record header (kcat -H ce_ysvalidateonly=true) counts as well.
  m.headers.emplace_back("ce_ysvalidateonly", "true");
  EXPECT_EQ(ParseCloudEvent(m)->Extension("ce_ysvalidateonly"), "true");
  m.headers.pop_back();
  for (const auto& [bad, want] : std::vector<std::pair<std::string, std::string>>{
           {"{not json", "not a JSON object"},
           {"[1,2]", "not a JSON object"},
           {R"({"specversion":"1.0","id":"a","id":"b","source":"s","type":"t"})", "repeats a key"},
           {R"({"specversion":"1.0","id":"a","source":"s","type":"t","data":{"rank":1,"rank":2}})", "repeats a key"},
           {R"({"specversion":"1.0","id":"a","source":"s","type":"t","data":)" + std::string(100000, '[') +
                std::string(100000, ']') + "}",
            "nested deeper than 64 levels"},
           {R"({"id":"x","source":"s","type":"t"})", "specversion is missing"},
           {R"({"specversion":"1.0","source":"s","type":"t"})", "id is missing"},
           {R"({"specversion":"1.0","id":"x","source":"s","type":"t","time":"noon"})", "time 'noon'"}}) {
    m.value = bad;
    auto r = ParseCloudEvent(m);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find(want), std::string::npos) << r.status();
  }
}

TEST(CloudEventTest, EventIdsAreUuidV4AndUnique) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = NewEventId();
    ASSERT_EQ(id.size(), 36u);
    EXPECT_EQ(id[14], '4');
    EXPECT_TRUE(id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b');
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 1000u);
}

}  // namespace
}  // namespace ys
