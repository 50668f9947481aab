#include "common/kafka/cloud_event.h"

#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "common/status/rejection.h"
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

KafkaMessage Structured(const std::string& body) {
  KafkaMessage m;
  m.headers = {{"content-type", "application/cloudevents+json"}};
  m.value = body;
  return m;
}

const std::string kEnvelope = R"("specversion":"1.0","id":"e-1","source":"/platform/jxyshj","type":"t")";

TEST(CloudEventTest, ARecordOverTheEventCapIsRefusedBeforeParsing) {
  KafkaMessage m;
  m.headers = ToKafkaHeaders(Sample());
  m.value = std::string(256 * 1024, 'x');
  auto big = ParseCloudEvent(m);
  EXPECT_EQ(big.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RejectionReason(big.status()), "too_long");
  EXPECT_NE(big.status().message().find("at most 262144"), std::string::npos) << big.status();
  m.value.resize(200 * 1024);
  EXPECT_TRUE(ParseCloudEvent(m).ok());
  EXPECT_FALSE(ParseCloudEvent(m, input::InputLimits{.event_bytes = 100 * 1024}).ok());
  // A structured one too, and a header counts with the value.
  auto structured = Structured("{" + kEnvelope + R"(,"data":")" + std::string(300 * 1024, 'a') + "\"}");
  EXPECT_EQ(RejectionReason(ParseCloudEvent(structured).status()), "too_long");
  m.value = "{}";
  m.headers.emplace_back("ys_trace", std::string(257 * 1024, 't'));
  EXPECT_EQ(RejectionReason(ParseCloudEvent(m).status()), "too_long");
}

TEST(CloudEventTest, DeepNestingIsRefusedBeforeParsing) {
  // 10,000 levels (and 100,000 in the test above): refused without recursing, quickly.
  for (const std::string open : {"[", "{\"a\":"}) {
    std::string body = "{" + kEnvelope + ",\"data\":";
    for (int i = 0; i < 10000; ++i) body += open;
    body += "1";
    for (int i = 0; i < 10000; ++i) body += open == "[" ? "]" : "}";
    body += "}";
    auto r = ParseCloudEvent(Structured(body));
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << open;
    EXPECT_EQ(RejectionReason(r.status()), "too_deep");
    // Unbalanced: only opened.
    EXPECT_EQ(RejectionReason(ParseCloudEvent(Structured(body.substr(0, body.size() / 2))).status()), "too_deep");
  }
  // 64 levels with the envelope pass; 65 do not.
  auto nested = [](int levels) {
    std::string body = "{" + kEnvelope + ",\"data\":";
    for (int i = 1; i < levels; ++i) body += "[";
    for (int i = 1; i < levels; ++i) body += "]";
    return body + "}";
  };
  EXPECT_TRUE(ParseCloudEvent(Structured(nested(64))).ok()) << ParseCloudEvent(Structured(nested(64))).status();
  EXPECT_EQ(RejectionReason(ParseCloudEvent(Structured(nested(65))).status()), "too_deep");
  // Brackets inside strings (escaped quotes included) are text, not nesting.
  const std::string text = std::string(1000, '[') + "\\\"" + std::string(1000, '{');
  auto in_string = ParseCloudEvent(Structured("{" + kEnvelope + R"(,"subject":"x","data":")" + text + "\"}"));
  ASSERT_TRUE(in_string.ok()) << in_string.status();
  EXPECT_EQ(in_string->data.size(), 2001u);
}

// Wide documents (the quadratic check this replaced took tens of seconds on them; speed is not
// asserted here, only that they are read whole and a repeat is found wherever it is).
TEST(CloudEventTest, ManyKeysAreReadAndARepeatedOneIsFound) {
  const input::InputLimits roomy{.event_bytes = 8 * 1024 * 1024};
  auto parse = [&](const std::string& body) { return ParseCloudEvent(Structured(body), roomy); };
  std::string keys = "{" + kEnvelope + ",\"data\":{";
  for (int i = 0; i < 100000; ++i) absl::StrAppend(&keys, i == 0 ? "" : ",", "\"k", i, "\":", i);
  auto many = parse(keys + "}}");
  ASSERT_TRUE(many.ok()) << many.status();
  EXPECT_GT(many->data.size(), 100000u * 8);
  auto repeated = parse(keys + ",\"k77777\":0}}");
  EXPECT_EQ(RejectionReason(repeated.status()), "malformed");
  EXPECT_NE(repeated.status().message().find("repeats a key in one object: 'k77777'"), std::string::npos)
      << repeated.status();
  // 100,000 attributes at the top level.
  std::string attributes = "{" + kEnvelope;
  for (int i = 0; i < 100000; ++i) absl::StrAppend(&attributes, ",\"x", i, "\":1");
  auto wide = parse(attributes + "}");
  ASSERT_TRUE(wide.ok()) << wide.status();
  EXPECT_EQ(wide->extensions.size(), 100000u);
  // A flat array of 100,000 objects (nlohmann's parser callback walked the array after each one).
  std::string objects = "{" + kEnvelope + ",\"data\":[";
  for (int i = 0; i < 100000; ++i) objects += i == 0 ? "{}" : ",{}";
  auto flat = parse(objects + "]}");
  ASSERT_TRUE(flat.ok()) << flat.status();
  // A key spelt with an escape is the same key.
  EXPECT_EQ(RejectionReason(ParseCloudEvent(Structured("{" + kEnvelope + R"(,"\u0069d":"x"})")).status()),
            "malformed");
}

TEST(CloudEventTest, AttributesFollowTheInputRules) {
  struct Case {
    std::string body;  // structured
    const char* reason;
    const char* field;
  };
  for (const Case& c : std::vector<Case>{
           {R"({"specversion":"1.0","id":"a\u0000b","source":"s","type":"t"})", "bad_text", "ce_id"},
           {R"({"specversion":"1.0","id":"a","source":"s\u0001","type":"t"})", "bad_text", "ce_source"},
           {R"({"specversion":"1.0","id":"a","source":"s","type":"t\n"})", "bad_text", "ce_type"},
           {R"({"specversion":"1.0","id":"a","source":"s","type":"t","subject":"\u007f"})", "bad_text",
            "ce_subject"},
           {R"({"specversion":"1.0","id":"a","source":"s","type":"t","note":"x\u0000"})", "bad_text", "ce_note"},
           {R"({"specversion":"1.0","id":"a","source":"s","type":"t","datacontenttype":"a\u0000"})", "bad_text",
            "content-type"},
           {R"({"specversion":"1.0","id":")" + std::string(513, 'i') + R"(","source":"s","type":"t"})",
            "too_long", "ce_id"},
           {R"({"specversion":"1.0","id":"a","source":"s","type":"t",")" + std::string(70, 'n') + R"(":"1"})",
            "too_long", "attribute name"},
           {R"({"specversion":"1.0","id":"a","source":"s","type":"t","time":"0001-01-01T00:00:00Z"})", "bad_time",
            "ce_time"},
           {R"({"specversion":"1.0","id":"a","source":"s","type":"t","time":"9999-12-31T00:00:00Z"})", "bad_time",
            "ce_time"},
       }) {
    auto r = ParseCloudEvent(Structured(c.body));
    ASSERT_FALSE(r.ok()) << c.body;
    EXPECT_EQ(RejectionReason(r.status()), c.reason) << r.status();
    EXPECT_NE(r.status().message().find(absl::StrCat("field '", c.field, "'")), std::string::npos) << r.status();
  }
  // Binary mode: the headers and the key.
  for (const auto& [name, value, field] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"ce_id", "a\xff", "ce_id"},
           {"ce_subject", "I01\x1b", "ce_subject"},
           {"ys_trace", "\xc0\xaf", "ys_trace"},
           {"ce_time", "1969-12-31T23:59:59Z", "ce_time"},
           {"key", "I01\n", "key"}}) {
    KafkaMessage m;
    m.headers = ToKafkaHeaders(Sample());
    m.key = "I01";
    if (name == "key") {
      m.key = value;
    } else {
      std::erase_if(m.headers, [&](const auto& h) { return h.first == name; });
      m.headers.emplace_back(name, value);
    }
    auto r = ParseCloudEvent(m);
    ASSERT_FALSE(r.ok()) << name;
    EXPECT_NE(r.status().message().find("field '" + field + "'"), std::string::npos) << r.status();
  }
  // Free text keeps its line breaks in an extension.
  KafkaMessage m;
  m.headers = ToKafkaHeaders(Sample());
  m.headers.emplace_back("ys_dlq_reason", "first line\nsecond\tline");
  EXPECT_TRUE(ParseCloudEvent(m).ok()) << ParseCloudEvent(m).status();
}

TEST(CloudEventTest, ReasonsQuoteInputEscaped) {
  KafkaMessage m;
  m.headers = {{"ce_specversion", ""}, {"ce_id", "x"}, {"ce_source", "s"}, {"ce_type", "t"}};
  m.headers[0].second = std::string("1.0\0\xff", 5);
  auto r = ParseCloudEvent(m);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(R"('1.0\u0000\xff')"), std::string::npos) << r.status();
  auto t = ParseCloudEvent(
      Structured(R"({"specversion":"1.0","id":"a","source":"s","type":"t","time":"\u0000'"})"));
  EXPECT_NE(t.status().message().find(R"(attribute time '\u0000\'' is not)"), std::string::npos) << t.status();
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
