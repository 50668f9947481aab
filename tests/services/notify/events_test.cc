// What notify consumes (events.h): CloudEvents of real protos in, NotifyEvents out, and every event
// type rendered through the shipped templates with every placeholder fed.

#include "services/notify/events.h"

#include <google/protobuf/text_format.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "common/status/rejection.h"
#include "common/time/clock.h"
#include "common/time/proto_time.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "services/notify/templates.h"
#include "yingshang/duty/v1/duty.pb.h"
#include "yingshang/ranking/v1/ranking.pb.h"
#include "yingshang/rectification/v1/rectification.pb.h"

namespace ys::notify {
namespace {

namespace rpb = ::yingshang::ranking::v1;
namespace cpb = ::yingshang::rectification::v1;
namespace dpb = ::yingshang::duty::v1;

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::SizeIs;

const std::string kTemplateDir = std::string(YS_SOURCE_DIR) + "/services/notify/templates";

// 2022-11-11 09:30 in Shanghai.
const absl::Time kAt = absl::FromCivil(absl::CivilSecond(2022, 11, 11, 9, 30, 0), Shanghai());

template <typename M>
M Proto(const std::string& text) {
  M m;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &m)) << text;
  return m;
}

CloudEvent Envelope(const std::string& source, const std::string& type, const google::protobuf::Message& body,
                    const std::string& id) {
  CloudEvent e;
  e.id = id;
  e.source = source;
  e.type = type;
  e.time = kAt;
  e.data = body.SerializeAsString();
  return e;
}

CloudEvent AlertEvent(const rpb::RankingAlert& a, const std::string& id = "alert:x") {
  return Envelope("/yingshang/ranking", "yingshang.ranking.v1.RankingAlert", a, id);
}
CloudEvent CaseCloudEvent(const cpb::CaseEvent& c, const std::string& id = "case:RC-000123:2:KIND_OPENED:0") {
  return Envelope("/yingshang/rectification", "yingshang.rectification.v1.CaseEvent", c, id);
}
CloudEvent DutyCloudEvent(const dpb::DutyEvent& d) {
  return Envelope("/yingshang/duty", "yingshang.duty.v1.DutyEvent", d, d.id());
}

std::vector<NotifyEvent> Convert(std::string_view topic, const CloudEvent& e, const EventOptions& options = {}) {
  absl::StatusOr<std::vector<NotifyEvent>> out = NotifyEventsFrom(topic, e, options);
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? *out : std::vector<NotifyEvent>{};
}

// --- real protos, as their producers build them (SAMPLE values; people's names are placeholders) ---

// 开办企业 last in the province: the city's two responsible units.
rpb::RankingAlert CityLastAlert() {
  return Proto<rpb::RankingAlert>(R"pb(
    id: "ALERT_RULE_LAST_IN_PROVINCE/EVALUATION_OFFICIAL/I05/city/3611/2022-09"
    rule: ALERT_RULE_LAST_IN_PROVINCE
    severity: SEVERITY_CRITICAL
    fact {
      source: "sample" evaluation: EVALUATION_OFFICIAL indicator_code: "I05" scope: SCOPE_CITY
      region_code: "3611" period: "2022-09" rank: 11 total: 11 revision: 1
    }
    indicator_name: "开办企业"
    lead: "张某某"
    units { unit: "市市场监管局" head: "王某某" }
    units { unit: "市行政审批局" head: "李某某" }
    consequence: "【预警】若全年考核结果如此：扣发牵头市直单位和责任单位年终绩效奖金的5%"
    message: "2022-09 上饶市 开办企业：全省第11名/共11，全省倒数第一"
    region_name: "上饶市"
    standing: STANDING_AT_RISK
  )pb");
}

// 玉山县 last on 开办企业 among the province's counties: the county answers, the city units follow.
rpb::RankingAlert CountyLastAlert() {
  return Proto<rpb::RankingAlert>(R"pb(
    id: "ALERT_RULE_COUNTY_INDICATOR_LAST/EVALUATION_OFFICIAL/I05/county/361123/2022-09"
    rule: ALERT_RULE_COUNTY_INDICATOR_LAST
    severity: SEVERITY_CRITICAL
    fact {
      evaluation: EVALUATION_OFFICIAL indicator_code: "I05" scope: SCOPE_COUNTY
      region_code: "361123" period: "2022-09" rank: 100 total: 100
    }
    indicator_name: "开办企业"
    lead: "张某某"
    units { unit: "市市场监管局" head: "王某某" }
    consequence: "【预警】若全年考核结果如此：县（市、区）党政领导不得评为优秀"
    message: "2022-09 玉山县 开办企业：全省第100名/共100，单项指标全省倒数第一"
    region_name: "玉山县"
  )pb");
}

rpb::RankingAlert FellPlacesAlert() {
  return Proto<rpb::RankingAlert>(R"pb(
    id: "ALERT_RULE_FELL_PLACES/EVALUATION_OFFICIAL/I07/city/3611/2022-09"
    rule: ALERT_RULE_FELL_PLACES
    severity: SEVERITY_WARNING
    fact {
      evaluation: EVALUATION_OFFICIAL indicator_code: "I07" scope: SCOPE_CITY
      region_code: "3611" period: "2022-09" rank: 8 total: 11
    }
    previous_rank: 4
    previous_period: "2022-08"
    indicator_name: "获得电力"
    lead: "赵某某"
    units { unit: "国网上饶供电公司" head: "钱某某" }
    consequence: "预警，不涉及考核奖惩"
    message: "2022-09 上饶市 获得电力：全省第8名/共11，较2022-08（第4名）下降4位（本办设定）"
    region_name: "上饶市"
  )pb");
}

cpb::Case CityCase() {
  return Proto<cpb::Case>(R"pb(
    id: "RC-000123"
    origin: ORIGIN_RANKING_ALERT
    origin_ref: "ALERT_RULE_LAST_IN_PROVINCE/EVALUATION_OFFICIAL/I05/city/3611/2022-09"
    unit: "市市场监管局"
    indicator_code: "I05"
    period: "2022-09"
    rule: "ALERT_RULE_LAST_IN_PROVINCE"
    title: "2022-09 上饶市 开办企业 第11名/共11：限期整改"
    due_date: "2022-11-10"
    state: STATE_OPEN
    lead: "张某某"
    head: "王某某"
  )pb");
}

cpb::Case CountyCase() {
  return Proto<cpb::Case>(R"pb(
    id: "RC-000124"
    origin: ORIGIN_RANKING_ALERT
    unit: "玉山县"
    region_code: "361123"
    indicator_code: "I05"
    period: "2022-09"
    rule: "ALERT_RULE_COUNTY_INDICATOR_LAST"
    title: "2022-09 玉山县 开办企业 第100名/共100：限期整改"
    due_date: "2022-11-10"
    lead: "张某某"
    followers { unit: "市市场监管局" head: "王某某" }
  )pb");
}

// A CaseEvent as rectification emits it: the snapshot and the addressees (store_rows.cc Emit).
cpb::CaseEvent CaseEventOf(cpb::CaseEvent::Kind kind, const cpb::Case& c, const std::string& message) {
  cpb::CaseEvent e;
  e.set_kind(kind);
  *e.mutable_snapshot() = c;
  e.set_message(message);
  cpb::Addressee* unit = e.add_addressees();
  unit->set_unit(c.unit());
  unit->set_head(c.head());
  for (const auto& f : c.followers()) {
    cpb::Addressee* a = e.add_addressees();
    a->set_unit(f.unit());
    a->set_head(f.head());
    a->set_follower(true);
  }
  return e;
}

dpb::DutyEvent RosterEvent() {
  return Proto<dpb::DutyEvent>(R"pb(
    id: "duty-roster-2022-W41"
    message: "本周（2022-W41）进驻单位领导坐班名单：2 人次"
    roster_published {
      roster {
        week: "2022-W41" week_start: "2022-10-10" publish_date: "2022-10-10" published: true
        channels: "政务网站" channels: "微信公众号" channels: "大厅显示屏"
        entries {
          date: "2022-10-10" unit: "市市场监管局" window: "A12" window_name: "企业开办窗口"
          leader_name: "王某某" title: "副局长" session: SESSION_MORNING registration_id: "DR-000001"
        }
        entries {
          date: "2022-10-12" unit: "市行政审批局" window: "B03" window_name: "综合受理窗口"
          leader_name: "李某某" title: "局长" session: SESSION_WHOLE_DAY registration_id: "DR-000002"
        }
      }
    }
  )pb");
}

dpb::DutyEvent ReminderEvent() {
  return Proto<dpb::DutyEvent>(R"pb(
    id: "duty-reminder-DR-000003-7"
    message: "市市场监管局 王某某：2022-10-17上午在市政务服务中心 A12 企业开办窗口坐班（7 天后）"
    reminder {
      registration {
        id: "DR-000003" date: "2022-10-17" unit: "市市场监管局" window: "A12" window_name: "企业开办窗口"
        leader_id: "scjg-deputy" leader_name: "王某某" title: "副局长" role: LEADER_ROLE_DEPUTY
        session: SESSION_MORNING
      }
      days_before: 7
    }
  )pb");
}

dpb::DutyEvent ComplianceEvent() {
  return Proto<dpb::DutyEvent>(R"pb(
    id: "duty-compliance-2022-10"
    message: "2022-10 领导窗口坐班落实情况：达标 40，未达标 1，免于坐班 1，未到期 0"
    compliance_report {
      report {
        month: "2022-10"
        as_of { seconds: 1668044400 }  # 2022-11-10 09:40 +08:00
        kept: 40 broken: 1 exempt: 1 not_over: 0
        hours_policy: "上午 09:00–12:00，下午 14:00–17:30（中心确定的坐班时段，本地规定）"
        lines {
          unit: "市住房和城乡建设局" leader_id: "zj-deputy" leader_name: "赵某某" title: "副局长"
          rule: DUTY_RULE_DEPUTY_WEEKLY period: "2022-W42" verdict: VERDICT_BROKEN reason: "本周无坐班记录"
        }
        lines {
          unit: "市市场监管局" leader_id: "scjg-main" leader_name: "孙某某" title: "局长"
          rule: DUTY_RULE_MAIN_MONTHLY period: "2022-10" verdict: VERDICT_KEPT reason: "10-12 全天"
        }
      }
      recipients: "市政务服务管理局"
      recipients: "市政府分管领导"
    }
  )pb");
}

dpb::DutyEvent ViolationEvent() {
  return Proto<dpb::DutyEvent>(R"pb(
    id: "duty-violation-zj-deputy:DUTY_RULE_DEPUTY_WEEKLY:2022-W42"
    message: "市住房和城乡建设局 赵某某（副局长）2022-W42：本周无坐班记录"
    violation {
      line {
        unit: "市住房和城乡建设局" leader_id: "zj-deputy" leader_name: "赵某某" title: "副局长"
        rule: DUTY_RULE_DEPUTY_WEEKLY period: "2022-W42" verdict: VERDICT_BROKEN reason: "本周无坐班记录"
        plan_words: "高频事项的部门分管领导到中心每周坐班不少于一天"
      }
    }
  )pb");
}

dpb::DutyEvent RecordOverdueEvent() {
  return Proto<dpb::DutyEvent>(R"pb(
    id: "duty-record-overdue-DR-000001"
    message: "市市场监管局 王某某 2022-10-10 坐班后未报送情况记录单（表2，报送期限截至 2022-10-13（含））"
    record_overdue {
      registration {
        id: "DR-000001" date: "2022-10-10" unit: "市市场监管局" window_name: "企业开办窗口"
        leader_id: "scjg-deputy" leader_name: "王某某" title: "副局长" session: SESSION_MORNING
        record_overdue: true record_due_date: "2022-10-13"
      }
    }
  )pb");
}

dpb::DutyEvent ReplacementOverdueEvent() {
  return Proto<dpb::DutyEvent>(R"pb(
    id: "duty-replacement-overdue-QT-000001"
    message: "市市场监管局 清退 周某某 后未按期调整人员（期限截至 2022-10-21（含））"
    replacement_overdue {
      dismissal {
        id: "QT-000001" staff_id: "WS-000007" name: "周某某" unit: "市市场监管局"
        path: DISMISSAL_PATH_MISCONDUCT reason: "不能胜任工作" date: "2022-10-14"
        replacement_due_date: "2022-10-21" replacement_overdue: true
      }
    }
  )pb");
}

// Every event type, from a real proto through NotifyEventsFrom: the first NotifyEvent of each.
std::vector<NotifyEvent> OneOfEachType() {
  std::vector<NotifyEvent> out;
  auto first = [&](std::string_view topic, const CloudEvent& e) {
    std::vector<NotifyEvent> events = Convert(topic, e);
    EXPECT_FALSE(events.empty()) << e.id;
    if (!events.empty()) out.push_back(events.front());
  };
  first(kRankingAlertsTopic, AlertEvent(CityLastAlert()));
  cpb::Case c = CityCase();
  first(kRectificationTopic,
        CaseCloudEvent(CaseEventOf(cpb::CaseEvent::KIND_OPENED, CountyCase(), "整改案件 RC-000124 已立案")));
  first(kRectificationTopic, CaseCloudEvent(CaseEventOf(cpb::CaseEvent::KIND_ESCALATED, c, "督办")));
  {
    cpb::Case reported = c;
    cpb::ProgressReport* r = reported.add_reports();
    r->set_text("已压缩开办时限至1个工作日。");
    r->set_final(true);
    *reported.mutable_reported_at() = ToProtoTime(kAt - absl::Hours(24 * 6));
    first(kRectificationTopic, CaseCloudEvent(CaseEventOf(cpb::CaseEvent::KIND_REPORTED, reported, "已报送")));
  }
  {
    cpb::Case verified = c;
    verified.add_verifications()->set_comment("未附开办时限的统计数据。");
    first(kRectificationTopic, CaseCloudEvent(CaseEventOf(cpb::CaseEvent::KIND_REJECTED, verified, "未通过")));
  }
  first(kRectificationTopic, CaseCloudEvent(CaseEventOf(cpb::CaseEvent::KIND_CLOSED, c, "已销号")));
  {
    cpb::Case referred = c;
    referred.mutable_referral()->set_reason("督办后逾期仍未整改。");
    *referred.mutable_referral()->mutable_at() = ToProtoTime(kAt);
    first(kRectificationTopic, CaseCloudEvent(CaseEventOf(cpb::CaseEvent::KIND_REFERRED, referred, "移送")));
  }
  for (const dpb::DutyEvent& d : {RosterEvent(), ReminderEvent(), ComplianceEvent(), ViolationEvent(),
                                  RecordOverdueEvent(), ReplacementOverdueEvent()}) {
    first(kDutyTopic, DutyCloudEvent(d));
  }
  return out;
}

const TemplateSet& Templates() {
  static const TemplateSet* set = [] {
    absl::StatusOr<TemplateSet> s = TemplateSet::LoadDirectory(kTemplateDir);
    EXPECT_TRUE(s.ok()) << s.status();
    return new TemplateSet(s.ok() ? *std::move(s) : *TemplateSet::FromTexts({}));
  }();
  return *set;
}

std::string Render(const NotifyEvent& e, TextPart channel) {
  absl::StatusOr<std::string> text = Templates().Render(e.event_type, channel, e.data);
  EXPECT_TRUE(text.ok()) << text.status();
  return text.ok() ? *text : "";
}

std::vector<std::string> Lines(const std::string& text) { return absl::StrSplit(text, '\n'); }

bool HasTemplates(std::string_view event_type) {
  for (const char* t : kEventTypes) {
    if (event_type == t) return true;
  }
  return false;
}

// --- the contract with the templates -------------------------------------------------------------

TEST(EventsTemplatesTest, EveryTemplatedEventTypeIsProducedAndFeedsEveryPlaceholder) {
  std::set<std::string> covered;
  for (const NotifyEvent& e : OneOfEachType()) {
    if (!HasTemplates(e.event_type)) continue;
    covered.insert(e.event_type);
    for (const TextPart channel : kTextParts) {
      const absl::StatusOr<std::string> text = Templates().Text(e.event_type, channel);
      ASSERT_TRUE(text.ok()) << text.status();
      const absl::StatusOr<std::vector<std::string>> missing = MissingPlaceholders(*text, e.data);
      ASSERT_TRUE(missing.ok()) << missing.status();
      EXPECT_THAT(*missing, IsEmpty()) << TemplateFileName(e.event_type, channel);
      EXPECT_FALSE(Render(e, channel).empty()) << TemplateFileName(e.event_type, channel);
    }
  }
  EXPECT_EQ(covered.size(), std::size(kEventTypes));
}

TEST(EventsTemplatesTest, EveryProducedTypeHasTemplatesAndEveryTemplatedTypeIsProduced) {
  std::vector<std::string> without;
  for (const char* t : kNotifyEventTypes) {
    if (!HasTemplates(t)) without.push_back(t);
  }
  EXPECT_THAT(without, IsEmpty());
  for (const char* t : kEventTypes) {
    EXPECT_TRUE(std::find(std::begin(kNotifyEventTypes), std::end(kNotifyEventTypes), std::string_view(t)) !=
                std::end(kNotifyEventTypes))
        << t << " has templates but is never produced";
  }
  std::set<std::string> produced;
  for (const NotifyEvent& e : OneOfEachType()) produced.insert(e.event_type);
  EXPECT_EQ(produced.size(), std::size(kNotifyEventTypes));
}

// --- sources ---------------------------------------------------------------------------------------

TEST(EventsSourceTest, AnAlertFromAnotherSourceIsRefusedAsWrongSource) {
  CloudEvent e = AlertEvent(CityLastAlert());
  e.source = "/platform/sample";
  const absl::StatusOr<std::vector<NotifyEvent>> out = NotifyEventsFrom(kRankingAlertsTopic, e);
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RejectionReason(out.status()), "wrong_source");
  EXPECT_EQ(out.status().message(),
            "ce_source '/platform/sample' is not /yingshang/ranking, the producer of ys.rankings.alerts.v1");
}

TEST(EventsSourceTest, EachTopicTakesOnlyItsOwnProducer) {
  // A case event is not believed on the duty topic, even from rectification.
  const CloudEvent c = CaseCloudEvent(CaseEventOf(cpb::CaseEvent::KIND_OPENED, CityCase(), ""));
  EXPECT_EQ(RejectionReason(NotifyEventsFrom(kDutyTopic, c).status()), "wrong_source");
  EXPECT_EQ(RejectionReason(NotifyEventsFrom(kRankingAlertsTopic, c).status()), "wrong_source");
  EXPECT_TRUE(NotifyEventsFrom(kRectificationTopic, c).ok());
}

TEST(EventsSourceTest, AnotherTypeFromTheRightSourceIsRefusedAsWrongType) {
  CloudEvent e = AlertEvent(CityLastAlert());
  e.type = "yingshang.ranking.v1.RankingFact";
  const absl::Status s = NotifyEventsFrom(kRankingAlertsTopic, e).status();
  EXPECT_EQ(RejectionReason(s), "wrong_type");
  EXPECT_EQ(s.message(), "ce_type 'yingshang.ranking.v1.RankingFact' is not yingshang.ranking.v1.RankingAlert, "
                         "what ys.rankings.alerts.v1 carries");
}

TEST(EventsSourceTest, ATopicNotifyDoesNotReadIsRefused) {
  const absl::Status s = NotifyEventsFrom("ys.policy.redemptions.v1", AlertEvent(CityLastAlert())).status();
  EXPECT_EQ(RejectionReason(s), "unknown_topic");
  EXPECT_EQ(s.message(), "topic 'ys.policy.redemptions.v1' is not one notify reads");
}

TEST(EventsPayloadTest, BytesThatAreNotTheTypeAreABadPayload) {
  CloudEvent e = AlertEvent(CityLastAlert());
  e.data = "\xff\xff\xff not a protobuf";
  const absl::Status s = NotifyEventsFrom(kRankingAlertsTopic, e).status();
  EXPECT_EQ(RejectionReason(s), "bad_payload");
  EXPECT_EQ(s.message(), "body is not a yingshang.ranking.v1.RankingAlert protobuf");
}

TEST(EventsPayloadTest, AnUnknownContentTypeIsABadPayload) {
  CloudEvent e = DutyCloudEvent(ReminderEvent());
  e.content_type = "text/plain";
  const absl::Status s = NotifyEventsFrom(kDutyTopic, e).status();
  EXPECT_EQ(RejectionReason(s), "bad_payload");
  EXPECT_EQ(s.message(), "content-type 'text/plain' is not application/protobuf or application/json");
}

TEST(EventsPayloadTest, Proto3JsonIsReadLikeProtobuf) {
  CloudEvent e = AlertEvent(CityLastAlert());
  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(CityLastAlert(), &json).ok());
  e.data = json;
  e.content_type = "application/json";
  const std::vector<NotifyEvent> from_json = Convert(kRankingAlertsTopic, e);
  const std::vector<NotifyEvent> from_proto = Convert(kRankingAlertsTopic, AlertEvent(CityLastAlert()));
  ASSERT_THAT(from_json, SizeIs(2));
  ASSERT_THAT(from_proto, SizeIs(2));
  EXPECT_EQ(from_json[1].labels, from_proto[1].labels);
  EXPECT_EQ(from_json[1].data.values, from_proto[1].data.values);
  e.data = "{\"rule\": 1,";
  EXPECT_EQ(RejectionReason(NotifyEventsFrom(kRankingAlertsTopic, e).status()), "bad_payload");
}

TEST(EventsPayloadTest, AMissingRequiredFieldIsNamed) {
  rpb::RankingAlert a = CityLastAlert();
  a.set_severity(rpb::SEVERITY_UNSPECIFIED);
  absl::Status s = NotifyEventsFrom(kRankingAlertsTopic, AlertEvent(a)).status();
  EXPECT_EQ(RejectionReason(s), "bad_payload");
  EXPECT_EQ(s.message(), "field 'severity': 0 is not warning or critical");
  a = CityLastAlert();
  a.clear_id();
  EXPECT_EQ(NotifyEventsFrom(kRankingAlertsTopic, AlertEvent(a)).status().message(), "field 'id': is required");
  a = CityLastAlert();
  a.mutable_fact()->set_rank(12);
  EXPECT_EQ(NotifyEventsFrom(kRankingAlertsTopic, AlertEvent(a)).status().message(),
            "field 'fact.rank': 12 of 11 is not a rank");

  cpb::CaseEvent c = CaseEventOf(cpb::CaseEvent::KIND_OPENED, CityCase(), "");
  c.mutable_snapshot()->clear_id();
  s = NotifyEventsFrom(kRectificationTopic, CaseCloudEvent(c)).status();
  EXPECT_EQ(RejectionReason(s), "bad_payload");
  EXPECT_EQ(s.message(), "field 'snapshot.id': is required");
  c = CaseEventOf(cpb::CaseEvent::KIND_UNSPECIFIED, CityCase(), "");
  EXPECT_EQ(NotifyEventsFrom(kRectificationTopic, CaseCloudEvent(c)).status().message(),
            "field 'kind': 0 is not a case event kind");

  dpb::DutyEvent d;
  d.set_id("duty-nothing");
  s = NotifyEventsFrom(kDutyTopic, DutyCloudEvent(d)).status();
  EXPECT_EQ(RejectionReason(s), "bad_payload");
  EXPECT_EQ(s.message(), "field 'kind': no kind is set");
  d = ReminderEvent();
  d.mutable_reminder()->mutable_registration()->clear_unit();
  EXPECT_EQ(NotifyEventsFrom(kDutyTopic, DutyCloudEvent(d)).status().message(),
            "field 'reminder.registration.unit': is required");
}

// --- ranking alerts --------------------------------------------------------------------------------

TEST(EventsRankingTest, ACityAlertIsOneEventPerResponsibleUnit) {
  const std::vector<NotifyEvent> events = Convert(kRankingAlertsTopic, AlertEvent(CityLastAlert(), "alert:A1"));
  ASSERT_THAT(events, SizeIs(2));
  const NotifyEvent& e = events[0];
  EXPECT_EQ(e.id, "alert:A1");
  EXPECT_EQ(e.event_type, "ranking_alert");
  EXPECT_EQ(e.severity, "critical");
  EXPECT_EQ(e.occurred_at, kAt);
  EXPECT_FALSE(e.withdrawn);
  EXPECT_EQ(e.labels, (Labels{{"event_type", "ranking_alert"},
                              {"severity", "critical"},
                              {"rule", "last_in_province"},
                              {"evaluation", "official"},
                              {"indicator", "I05"},
                              {"scope", "city"},
                              {"region", "3611"},
                              {"period", "2022-09"},
                              {"lead", "张某某"},
                              {"units", "市市场监管局,市行政审批局"},
                              {"unit", "市市场监管局"},
                              {"head", "王某某"},
                              {"role", "responsible"}}));
  EXPECT_EQ(events[1].labels.at("unit"), "市行政审批局");
  EXPECT_EQ(events[1].labels.at("head"), "李某某");
  EXPECT_EQ(e.dedup_key,
            "ranking_alert:ALERT_RULE_LAST_IN_PROVINCE/EVALUATION_OFFICIAL/I05/city/3611/2022-09#unit:市市场监管局");
  EXPECT_EQ(events[1].dedup_key,
            "ranking_alert:ALERT_RULE_LAST_IN_PROVINCE/EVALUATION_OFFICIAL/I05/city/3611/2022-09#unit:市行政审批局");
  // The same message for both: the data is the alert's, whoever it goes to.
  EXPECT_EQ(e.data.values, events[1].data.values);
  EXPECT_EQ(e.data.values.at("rule_name"), "全省倒数第一");
  EXPECT_EQ(e.data.values.at("opens_case"), "1");
  EXPECT_EQ(e.data.values.at("previous_rank"), "");

  EXPECT_EQ(Render(e, TextPart::kMailSubject), "【排名预警】上饶市开办企业 2022-09 全省第11名（共11名）");
  EXPECT_THAT(Lines(Render(e, TextPart::kMarkdown)),
              ElementsAre("上饶市开办企业指标 2022-09 全省排名第11名（共11名），全省倒数第一。",
                          "**考核后果**：【预警】若全年考核结果如此：扣发牵头市直单位和责任单位年终绩效奖金的5%",
                          "**领班**：张某某", "**责任单位**：", "- 市市场监管局（带班领导：王某某）",
                          "- 市行政审批局（带班领导：李某某）",
                          "请责任单位限期整改，以一个月为时限，在一个月内将整改落实情况报市营商办。"));
}

TEST(EventsRankingTest, ACountyAlertIsTheCountysAndItsCityUnitsFollow) {
  const std::vector<NotifyEvent> events = Convert(kRankingAlertsTopic, AlertEvent(CountyLastAlert()));
  ASSERT_THAT(events, SizeIs(2));
  EXPECT_EQ(events[0].labels.at("county"), "361123");
  EXPECT_EQ(events[0].labels.at("county_name"), "玉山县");
  EXPECT_EQ(events[0].labels.at("role"), "responsible");
  EXPECT_FALSE(events[0].labels.contains("unit"));
  EXPECT_THAT(events[0].dedup_key, ::testing::EndsWith("#county:361123"));
  EXPECT_EQ(events[1].labels.at("unit"), "市市场监管局");
  EXPECT_EQ(events[1].labels.at("role"), "follower");
  EXPECT_FALSE(events[1].labels.contains("county"));
  EXPECT_EQ(events[1].labels.at("scope"), "county");
  EXPECT_EQ(events[1].labels.at("region"), "361123");
  EXPECT_EQ(Lines(Render(events[0], TextPart::kMailText))[0],
            "玉山县开办企业指标 2022-09 全省排名第100名（共100名），单项指标全省倒数第一。");
}

TEST(EventsRankingTest, AWithdrawnAlertKeepsItsKeysAndOpensNoCase) {
  rpb::RankingAlert a = CityLastAlert();
  a.set_withdrawn(true);
  a.set_withdrawn_by_revision(2);
  const std::vector<NotifyEvent> raised = Convert(kRankingAlertsTopic, AlertEvent(CityLastAlert(), "alert:A1"));
  const std::vector<NotifyEvent> withdrawn = Convert(kRankingAlertsTopic, AlertEvent(a, "alert-withdrawn:A1:rev2"));
  ASSERT_THAT(withdrawn, SizeIs(2));
  EXPECT_TRUE(withdrawn[0].withdrawn);
  EXPECT_EQ(withdrawn[0].id, "alert-withdrawn:A1:rev2");
  // Grouping finds the member the alert made: same key, same labels.
  EXPECT_EQ(withdrawn[0].dedup_key, raised[0].dedup_key);
  EXPECT_EQ(withdrawn[0].labels, raised[0].labels);
  EXPECT_EQ(withdrawn[0].data.values.at("opens_case"), "");
  EXPECT_EQ(withdrawn[0].data.values.at("withdrawn"), "1");
  EXPECT_EQ(withdrawn[0].data.values.at("opened_case"), "1");
  EXPECT_EQ(raised[0].data.values.at("withdrawn"), "");
  EXPECT_EQ(raised[0].data.values.at("opened_case"), "");
  // It reads as a withdrawal, not a new alert: its own kind, no request to rectify.
  EXPECT_EQ(Render(withdrawn[0], TextPart::kMailSubject), "【预警撤回】上饶市开办企业 2022-09：全省倒数第一");
  EXPECT_THAT(Lines(Render(withdrawn[0], TextPart::kMarkdown)),
              ElementsAre("因全省排名更正，上饶市开办企业指标 2022-09 的排名预警（原为全省第11名/共11名，全省倒数第一）"
                          "**予以撤回**。",
                          "本预警涉及的整改事项，由市营商办决定保留或关闭，另行通知。"));
  EXPECT_THAT(Render(withdrawn[0], TextPart::kMailText), ::testing::Not(HasSubstr("限期整改")));
  EXPECT_EQ(Render(raised[0], TextPart::kMailSubject), "【排名预警】上饶市开办企业 2022-09 全省第11名（共11名）");

  // A withdrawn alert of a rule that opens no case leaves the office nothing to decide.
  rpb::RankingAlert fell = FellPlacesAlert();
  fell.set_withdrawn(true);
  const NotifyEvent e = Convert(kRankingAlertsTopic, AlertEvent(fell))[0];
  EXPECT_EQ(e.data.values.at("opened_case"), "");
  EXPECT_EQ(Render(e, TextPart::kMarkdown),
            "因全省排名更正，上饶市获得电力指标 2022-09 的排名预警（原为全省第8名/共11名，较2022-08（第4名）下降4位"
            "（本办设定））**予以撤回**。");
}

TEST(EventsRankingTest, RuleNamesComeFromTheRankingServicesWordsElseAFixedName) {
  NotifyEvent fell = Convert(kRankingAlertsTopic, AlertEvent(FellPlacesAlert()))[0];
  EXPECT_EQ(fell.severity, "warning");
  EXPECT_EQ(fell.data.values.at("rule_name"), "较2022-08（第4名）下降4位（本办设定）");
  EXPECT_EQ(fell.data.values.at("previous_rank"), "4");
  EXPECT_EQ(fell.data.values.at("opens_case"), "");  // not a rule that opens a case
  EXPECT_EQ(Lines(Render(fell, TextPart::kMarkdown))[0],
            "上饶市获得电力指标 2022-09 全省排名第8名（共11名），上期第4名，较2022-08（第4名）下降4位（本办设定）。");

  rpb::RankingAlert other = FellPlacesAlert();
  other.set_message("获得电力下降");
  EXPECT_EQ(Convert(kRankingAlertsTopic, AlertEvent(other))[0].data.values.at("rule_name"), "较上期下降4位");

  // The case-opening rules are configuration (rectification's cases.open_on_rules).
  EventOptions options;
  options.case_opening_rules.insert("fell_places");
  EXPECT_EQ(Convert(kRankingAlertsTopic, AlertEvent(FellPlacesAlert()), options)[0].data.values.at("opens_case"), "1");
}

TEST(EventsRankingTest, ATargetWarningOpensNoCaseAndIsLabelled) {
  rpb::RankingAlert a = CityLastAlert();
  a.set_target_warning(true);
  const NotifyEvent e = Convert(kRankingAlertsTopic, AlertEvent(a))[0];
  EXPECT_EQ(e.labels.at("target_warning"), "true");
  EXPECT_EQ(e.data.values.at("opens_case"), "");
}

TEST(EventsRankingTest, AnAlertWithNoUnitsIsOneEventWithoutAddressee) {
  rpb::RankingAlert a = CityLastAlert();
  a.clear_units();
  const std::vector<NotifyEvent> events = Convert(kRankingAlertsTopic, AlertEvent(a));
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_FALSE(events[0].labels.contains("unit"));
  EXPECT_FALSE(events[0].labels.contains("units"));
  EXPECT_FALSE(events[0].labels.contains("role"));
  EXPECT_EQ(events[0].dedup_key, "ranking_alert:ALERT_RULE_LAST_IN_PROVINCE/EVALUATION_OFFICIAL/I05/city/3611/2022-09");
}

// --- case events -----------------------------------------------------------------------------------

TEST(EventsCaseTest, OpenedGoesToTheUnitWithItsHead) {
  EventOptions options;
  options.indicator_names["I05"] = "开办企业";
  const std::vector<NotifyEvent> events = Convert(
      kRectificationTopic, CaseCloudEvent(CaseEventOf(cpb::CaseEvent::KIND_OPENED, CityCase(), "立案")), options);
  ASSERT_THAT(events, SizeIs(1));
  const NotifyEvent& e = events[0];
  EXPECT_EQ(e.event_type, "case_opened");
  EXPECT_EQ(e.severity, "info");
  EXPECT_EQ(e.labels, (Labels{{"event_type", "case_opened"},
                              {"severity", "info"},
                              {"case_id", "RC-000123"},
                              {"origin", "ranking_alert"},
                              {"indicator", "I05"},
                              {"period", "2022-09"},
                              {"rule", "last_in_province"},
                              {"lead", "张某某"},
                              {"due_date", "2022-11-10"},
                              {"unit", "市市场监管局"},
                              {"head", "王某某"},
                              {"role", "responsible"}}));
  EXPECT_EQ(e.dedup_key, "case:RC-000123:2:KIND_OPENED:0#unit:市市场监管局");
  EXPECT_EQ(Render(e, TextPart::kMailSubject), "【整改通知】市市场监管局：2022-09 上饶市 开办企业 第11名/共11：限期整改（RC-000123）");
  EXPECT_THAT(Lines(Render(e, TextPart::kMarkdown)),
              ElementsAre("**市市场监管局**（带班领导：王某某）：",
                          "2022-09 上饶市 开办企业 第11名/共11：限期整改，已列为整改事项 RC-000123（排名预警）。"
                          "请限期整改，以一个月为时限，于 **2022-11-10**（含）前将整改落实情况报市营商办。",
                          "指标：开办企业（2022-09）", "领班：张某某"));
  // Without the catalog's name the code is shown.
  const NotifyEvent bare =
      Convert(kRectificationTopic, CaseCloudEvent(CaseEventOf(cpb::CaseEvent::KIND_OPENED, CityCase(), "")))[0];
  EXPECT_EQ(bare.data.values.at("indicator_name"), "I05");
}

TEST(EventsCaseTest, ACountyCaseIsTheCountysAndItsFollowersAreTold) {
  const std::vector<NotifyEvent> events =
      Convert(kRectificationTopic, CaseCloudEvent(CaseEventOf(cpb::CaseEvent::KIND_OPENED, CountyCase(), "")));
  ASSERT_THAT(events, SizeIs(2));
  EXPECT_EQ(events[0].labels.at("county"), "361123");
  EXPECT_EQ(events[0].labels.at("county_name"), "玉山县");
  EXPECT_FALSE(events[0].labels.contains("unit"));
  EXPECT_EQ(events[0].labels.at("region"), "361123");
  EXPECT_EQ(events[1].labels.at("unit"), "市市场监管局");
  EXPECT_EQ(events[1].labels.at("head"), "王某某");
  EXPECT_EQ(events[1].labels.at("role"), "follower");
  EXPECT_EQ(events[1].dedup_key, "case:RC-000123:2:KIND_OPENED:0#unit:市市场监管局");
  const std::vector<std::string> lines = Lines(Render(events[0], TextPart::kMailText));
  EXPECT_EQ(lines[0], "玉山县：");
  EXPECT_THAT(lines, ::testing::Contains("跟踪督促：市市场监管局（带班领导：王某某）"));
}

TEST(EventsCaseTest, AnEventWithoutAddresseesIsToldToTheCaseUnitAndFollowers) {
  cpb::CaseEvent c = CaseEventOf(cpb::CaseEvent::KIND_OPENED, CountyCase(), "");
  c.clear_addressees();
  const std::vector<NotifyEvent> events = Convert(kRectificationTopic, CaseCloudEvent(c));
  ASSERT_THAT(events, SizeIs(2));
  EXPECT_EQ(events[0].labels.at("county"), "361123");
  EXPECT_EQ(events[1].labels.at("role"), "follower");
}

TEST(EventsCaseTest, EscalatedIsTheOverdueNoticeToTheUnitAndItsHead) {
  cpb::Case c = CityCase();
  c.set_escalation(cpb::ESCALATION_REMINDER);
  c.set_escalation_step("督办");
  const std::vector<NotifyEvent> events = Convert(
      kRectificationTopic, CaseCloudEvent(CaseEventOf(cpb::CaseEvent::KIND_ESCALATED, c, "督办"),
                                          "case:RC-000123:3:KIND_ESCALATED:1"));
  ASSERT_THAT(events, SizeIs(1));
  const NotifyEvent& e = events[0];
  EXPECT_EQ(e.event_type, "case_overdue");
  EXPECT_EQ(e.severity, "warning");
  EXPECT_EQ(e.labels.at("escalation_step"), "督办");
  EXPECT_EQ(e.labels.at("unit"), "市市场监管局");
  EXPECT_EQ(e.labels.at("head"), "王某某");
  EXPECT_EQ(e.data.values.at("as_of_date"), "2022-11-11");
  EXPECT_EQ(Render(e, TextPart::kMailSubject), "【督办】市市场监管局：2022-09 上饶市 开办企业 第11名/共11：限期整改逾期未报（RC-000123）");
  EXPECT_THAT(Lines(Render(e, TextPart::kMarkdown)),
              ElementsAre("**市市场监管局**（带班领导：王某某）：",
                          "整改事项 RC-000123「2022-09 上饶市 开办企业 第11名/共11：限期整改」应于 2022-11-10（含）前将整改落实情况报"
                          "市营商办，截至 2022-11-11 仍未报送。现予督办，请即报送整改落实情况。",
                          "领班：张某某"));
  // A local-policy step after 督办 is told the same way, its name in the labels.
  c.set_escalation(cpb::ESCALATION_LOCAL_STEP);
  c.set_escalation_step("提级督办");
  EXPECT_EQ(Convert(kRectificationTopic, CaseCloudEvent(CaseEventOf(cpb::CaseEvent::KIND_ESCALATED, c, "")))[0]
                .labels.at("escalation_step"),
            "提级督办");
}

TEST(EventsCaseTest, ReportedQuotesTheLastFinalReportCut) {
  cpb::Case c = CityCase();
  cpb::ProgressReport* progress = c.add_reports();
  progress->set_text("进展：已召开专题会。");
  cpb::ProgressReport* last = c.add_reports();
  last->set_text("已压缩开办时限至1个工作日，企业开办“一网通办”上线。");
  last->set_final(true);
  c.add_reports()->set_text("补充说明");  // a later non-final note: the final report is quoted
  *c.mutable_reported_at() = ToProtoTime(absl::FromCivil(absl::CivilSecond(2022, 11, 5, 16, 0, 0), Shanghai()));
  EventOptions options;
  options.report_excerpt_bytes = 30;  // 27 bytes and the 3-byte mark: 个 (3 bytes) would not fit
  const NotifyEvent e =
      Convert(kRectificationTopic, CaseCloudEvent(CaseEventOf(cpb::CaseEvent::KIND_REPORTED, c, "")), options)[0];
  EXPECT_EQ(e.event_type, "case_reported");
  EXPECT_EQ(e.data.values.at("reported_date"), "2022-11-05");
  EXPECT_EQ(e.data.values.at("report_excerpt"), "已压缩开办时限至1…");
  EXPECT_EQ(Render(e, TextPart::kMarkdown),
            "市市场监管局于 2022-11-05 报送整改事项 RC-000123「2022-09 上饶市 开办企业 第11名/共11：限期整改」的整改落实情况，"
            "请市营商办核验。\n报送内容：已压缩开办时限至1…");
}

TEST(EventsCaseTest, VerifiedAndRejectedAreBothVerificationsWithTheirVerdict) {
  cpb::Case c = CityCase();
  c.add_verifications()->set_comment("第一次意见");
  c.add_verifications()->set_comment("未附开办时限的统计数据。");
  const NotifyEvent rejected =
      Convert(kRectificationTopic, CaseCloudEvent(CaseEventOf(cpb::CaseEvent::KIND_REJECTED, c, "")))[0];
  EXPECT_EQ(rejected.event_type, "case_verified");
  EXPECT_EQ(rejected.data.values.at("verdict"), "未通过");
  EXPECT_EQ(rejected.data.values.at("passed"), "");
  EXPECT_THAT(Lines(Render(rejected, TextPart::kMarkdown)),
              ElementsAre("整改事项 RC-000123「2022-09 上饶市 开办企业 第11名/共11：限期整改」（市市场监管局）经市营商办核验**未通过**。",
                          "核验意见：未附开办时限的统计数据。",
                          "请市市场监管局按核验意见继续整改，重新报送整改落实情况。"));
  c.mutable_verifications(1)->set_comment("");
  const NotifyEvent passed =
      Convert(kRectificationTopic, CaseCloudEvent(CaseEventOf(cpb::CaseEvent::KIND_VERIFIED, c, "")))[0];
  EXPECT_EQ(passed.data.values.at("passed"), "1");
  EXPECT_EQ(Render(passed, TextPart::kMailSubject), "【整改核验】RC-000123核验通过：2022-09 上饶市 开办企业 第11名/共11：限期整改");
  EXPECT_EQ(Render(passed, TextPart::kMarkdown),
            "整改事项 RC-000123「2022-09 上饶市 开办企业 第11名/共11：限期整改」（市市场监管局）经市营商办核验**通过**。");
}

TEST(EventsCaseTest, ClosedSaysHowItEnded) {
  cpb::Case c = CityCase();
  *c.mutable_closed_at() = ToProtoTime(absl::FromCivil(absl::CivilSecond(2022, 11, 20, 10, 0, 0), Shanghai()));
  NotifyEvent e = Convert(kRectificationTopic, CaseCloudEvent(CaseEventOf(cpb::CaseEvent::KIND_CLOSED, c, "")))[0];
  EXPECT_THAT(Lines(Render(e, TextPart::kMarkdown)),
              ElementsAre("整改事项 RC-000123「2022-09 上饶市 开办企业 第11名/共11：限期整改」（市市场监管局）已于 2022-11-20 办结销号。",
                          "办结情况：整改到位，核验通过。"));
  c.set_resolution("withdrawn");
  e = Convert(kRectificationTopic, CaseCloudEvent(CaseEventOf(cpb::CaseEvent::KIND_CLOSED, c, "")))[0];
  EXPECT_EQ(e.data.values.at("resolution"), "所依据的排名预警已撤回，市营商办决定关闭。");
}

TEST(EventsCaseTest, ReferredNamesTheDayAndTheReason) {
  cpb::Case c = CityCase();
  c.mutable_referral()->set_reason("督办后逾期仍未整改。");
  *c.mutable_referral()->mutable_at() = ToProtoTime(absl::FromCivil(absl::CivilSecond(2022, 12, 15, 9, 0, 0), Shanghai()));
  const NotifyEvent e =
      Convert(kRectificationTopic, CaseCloudEvent(CaseEventOf(cpb::CaseEvent::KIND_REFERRED, c, "")))[0];
  EXPECT_EQ(e.severity, "warning");
  EXPECT_EQ(Render(e, TextPart::kMarkdown),
            "市营商办于 2022-12-15 决定将整改事项 RC-000123「2022-09 上饶市 开办企业 第11名/共11：限期整改」（市市场监管局）"
            "移交市纪委监委。\n理由：督办后逾期仍未整改。");
}

TEST(EventsCaseTest, ChangesNotifyHasNothingToSayAboutAreToldToNobody) {
  for (const cpb::CaseEvent::Kind kind :
       {cpb::CaseEvent::KIND_DEADLINE_EXTENDED, cpb::CaseEvent::KIND_REOPENED, cpb::CaseEvent::KIND_LINKED,
        cpb::CaseEvent::KIND_REFERRAL_SUGGESTED, cpb::CaseEvent::KIND_ALERT_WITHDRAWN,
        cpb::CaseEvent::KIND_ALERT_REINSTATED, cpb::CaseEvent::KIND_WITHDRAWAL_KEPT}) {
    const absl::StatusOr<std::vector<NotifyEvent>> out =
        NotifyEventsFrom(kRectificationTopic, CaseCloudEvent(CaseEventOf(kind, CityCase(), "")));
    ASSERT_TRUE(out.ok()) << cpb::CaseEvent::Kind_Name(kind) << ": " << out.status();
    EXPECT_THAT(*out, IsEmpty()) << cpb::CaseEvent::Kind_Name(kind);
  }
}

// --- duty events -----------------------------------------------------------------------------------

TEST(EventsDutyTest, TheRosterIsOneEventWithItsWeekAndEntries) {
  const std::vector<NotifyEvent> events = Convert(kDutyTopic, DutyCloudEvent(RosterEvent()));
  ASSERT_THAT(events, SizeIs(1));
  const NotifyEvent& e = events[0];
  EXPECT_EQ(e.event_type, "duty_roster_published");
  EXPECT_EQ(e.severity, "info");
  EXPECT_EQ(e.dedup_key, "duty-roster-2022-W41");
  EXPECT_EQ(e.labels, (Labels{{"event_type", "duty_roster_published"},
                              {"severity", "info"},
                              {"week", "2022-W41"},
                              {"week_start", "2022-10-10"},
                              {"publications", "政务网站,微信公众号,大厅显示屏"}}));
  EXPECT_EQ(Render(e, TextPart::kMailSubject), "【坐班名单】2022-10-10至2022-10-16进驻单位领导窗口“坐班”名单");
  EXPECT_THAT(Lines(Render(e, TextPart::kMarkdown)),
              ElementsAre("市政务服务中心公布本周（2022-10-10至2022-10-16）进驻单位领导窗口“坐班”名单：",
                          "- 2022-10-10（周一） 上午｜市市场监管局｜企业开办窗口｜王某某（副局长）",
                          "- 2022-10-12（周三） 全天｜市行政审批局｜综合受理窗口｜李某某（局长）"));
}

TEST(EventsDutyTest, AReminderNamesTheLeaderSittingAndDays) {
  const NotifyEvent e = Convert(kDutyTopic, DutyCloudEvent(ReminderEvent()))[0];
  EXPECT_EQ(e.event_type, "duty_reminder");
  EXPECT_EQ(e.labels.at("unit"), "市市场监管局");
  EXPECT_EQ(e.labels.at("leader"), "王某某");
  EXPECT_EQ(e.labels.at("leader_id"), "scjg-deputy");
  EXPECT_EQ(e.labels.at("session"), "morning");
  EXPECT_EQ(e.labels.at("days_before"), "7");
  EXPECT_EQ(e.labels.at("registration_id"), "DR-000003");
  EXPECT_EQ(Render(e, TextPart::kMailSubject), "【坐班提醒】王某某副局长 2022-10-17（周一）上午到市政务服务中心坐班");
  EXPECT_THAT(Lines(Render(e, TextPart::kMarkdown)),
              ElementsAre("王某某副局长（市市场监管局）：",
                          "您已登记于 **2022-10-17（周一）上午** 到市政务服务中心企业开办窗口坐班（7天后）。"
                          "坐班结束后，请及时填写《坐班情况记录单》报市政务服务中心。"));
}

TEST(EventsDutyTest, TheComplianceReportGoesToEachOfItsRecipients) {
  const std::vector<NotifyEvent> events = Convert(kDutyTopic, DutyCloudEvent(ComplianceEvent()));
  ASSERT_THAT(events, SizeIs(2));
  EXPECT_EQ(events[0].labels.at("recipient"), "市政务服务管理局");
  EXPECT_EQ(events[1].labels.at("recipient"), "市政府分管领导");
  EXPECT_EQ(events[0].labels.at("recipients"), "市政务服务管理局,市政府分管领导");
  EXPECT_EQ(events[0].labels.at("month"), "2022-10");
  EXPECT_EQ(events[0].dedup_key, "duty-compliance-2022-10#recipient:市政务服务管理局");
  EXPECT_EQ(events[1].dedup_key, "duty-compliance-2022-10#recipient:市政府分管领导");
  EXPECT_EQ(Render(events[0], TextPart::kMailSubject), "【坐班通报】2022年10月进驻单位领导窗口“坐班”落实情况");
  EXPECT_THAT(Lines(Render(events[0], TextPart::kMailText)),
              ::testing::IsSupersetOf(
                  {"市政务服务管理局、市政府分管领导：",
                   "2022年10月进驻单位领导窗口“坐班”落实情况（截至 2022-11-10）：达标 40 项，未达标 1 项，免于坐班 1 项，未到期 0 项。",
                   "- 市住房和城乡建设局 赵某某（副局长）：分管领导每周坐班不少于一天，2022-W42，本周无坐班记录",
                   "注：上午 09:00–12:00，下午 14:00–17:30（中心确定的坐班时段，本地规定）"}));
  // Only the broken line is listed.
  ASSERT_THAT(events[0].data.lists.at("broken_lines"), SizeIs(1));
}

std::set<std::string> Keys(const TemplateValues& values) {
  std::set<std::string> keys;
  for (const auto& [key, value] : values) keys.insert(key);
  return keys;
}

TEST(EventsDutyTest, AViolationQuotesTheRuleAndThePlansWords) {
  const std::vector<NotifyEvent> events = Convert(kDutyTopic, DutyCloudEvent(ViolationEvent()));
  ASSERT_THAT(events, SizeIs(1));
  const NotifyEvent& v = events[0];
  EXPECT_EQ(v.event_type, "duty_violation");
  EXPECT_EQ(v.severity, "warning");
  EXPECT_EQ(v.labels.at("unit"), "市住房和城乡建设局");
  EXPECT_EQ(v.labels.at("leader"), "赵某某");
  EXPECT_EQ(v.labels.at("leader_id"), "zj-deputy");
  EXPECT_EQ(v.labels.at("rule"), "deputy_weekly");
  EXPECT_EQ(v.labels.at("period"), "2022-W42");
  // The keys templates/README.md lists, and the producer's line.
  EXPECT_EQ(Keys(v.data.values), (std::set<std::string>{"unit", "leader_name", "title", "rule", "period", "reason",
                                                        "plan_words", "message"}));
  EXPECT_THAT(v.data.lists, IsEmpty());
  EXPECT_EQ(v.data.values.at("rule"), "分管领导每周坐班不少于一天");
  EXPECT_EQ(v.data.values.at("plan_words"), "高频事项的部门分管领导到中心每周坐班不少于一天");
  EXPECT_EQ(Render(v, TextPart::kMailSubject),
            "【坐班未达标】市住房和城乡建设局 赵某某副局长 2022-W42：分管领导每周坐班不少于一天");
  EXPECT_THAT(Lines(Render(v, TextPart::kMarkdown)),
              ElementsAre("**市住房和城乡建设局**：",
                          "经核查，赵某某副局长 2022-W42 未达到领导窗口“坐班”要求（分管领导每周坐班不少于一天）：本周无坐班记录。",
                          "坐班细则规定：“高频事项的部门分管领导到中心每周坐班不少于一天”。",
                          "请按规定落实领导窗口“坐班”，坐班结束后及时填写《坐班情况记录单》报市政务服务中心。"));
  // A main leader's month: the rule's short name, the line's own words.
  dpb::DutyEvent main = ViolationEvent();
  dpb::ComplianceLine* line = main.mutable_violation()->mutable_line();
  line->set_rule(dpb::DUTY_RULE_MAIN_MONTHLY);
  line->set_period("2022-10");
  line->set_plan_words("主要领导原则上每月到中心坐班不少于 1 次，每次不少于半天");
  const NotifyEvent m = Convert(kDutyTopic, DutyCloudEvent(main))[0];
  EXPECT_EQ(m.labels.at("rule"), "main_monthly");
  EXPECT_THAT(Render(m, TextPart::kMailText),
              HasSubstr("（主要领导每月坐班不少于1次、每次不少于半天）：本周无坐班记录。\n"
                        "坐班细则规定：“主要领导原则上每月到中心坐班不少于 1 次，每次不少于半天”。"));
}

TEST(EventsDutyTest, AnOverdueRecordNamesTheSittingAndTheLastDay) {
  const std::vector<NotifyEvent> events = Convert(kDutyTopic, DutyCloudEvent(RecordOverdueEvent()));
  ASSERT_THAT(events, SizeIs(1));
  const NotifyEvent& r = events[0];
  EXPECT_EQ(r.event_type, "duty_record_overdue");
  EXPECT_EQ(r.severity, "info");
  EXPECT_EQ(r.labels.at("unit"), "市市场监管局");
  EXPECT_EQ(r.labels.at("registration_id"), "DR-000001");
  EXPECT_EQ(r.labels.at("date"), "2022-10-10");
  EXPECT_EQ(r.dedup_key, "duty-record-overdue-DR-000001");
  EXPECT_EQ(Keys(r.data.values), (std::set<std::string>{"unit", "leader_name", "title", "date", "session",
                                                        "window_name", "record_due_date", "message"}));
  EXPECT_EQ(r.data.values.at("date"), "2022-10-10（周一）");
  EXPECT_EQ(r.data.values.at("record_due_date"), "2022-10-13");
  EXPECT_EQ(Render(r, TextPart::kMailSubject), "【坐班记录未报】王某某副局长 2022-10-10（周一）上午坐班情况记录单未报送");
  EXPECT_THAT(Lines(Render(r, TextPart::kMailText)),
              ElementsAre("市市场监管局：",
                          "王某某副局长 2022-10-10（周一）上午在市政务服务中心企业开办窗口坐班，《坐班情况记录单》（表2）"
                          "报送期限截至 2022-10-13（含），至今未报送。请及时补报市政务服务中心。",
                          "", "——", "此邮件由营商环境工作平台自动发送，请勿直接回复。"));
}

TEST(EventsDutyTest, AnOverdueReplacementTellsTheUnitToReplaceTheWorker) {
  const std::vector<NotifyEvent> events = Convert(kDutyTopic, DutyCloudEvent(ReplacementOverdueEvent()));
  ASSERT_THAT(events, SizeIs(1));
  const NotifyEvent& d = events[0];
  EXPECT_EQ(d.event_type, "duty_replacement_overdue");
  EXPECT_EQ(d.severity, "warning");
  EXPECT_EQ(d.labels.at("unit"), "市市场监管局");
  EXPECT_EQ(d.labels.at("dismissal_id"), "QT-000001");
  EXPECT_EQ(d.labels.at("staff_id"), "WS-000007");
  EXPECT_EQ(Keys(d.data.values),
            (std::set<std::string>{"unit", "name", "dismissal_id", "replacement_due_date", "message"}));
  EXPECT_EQ(d.data.values.at("replacement_due_date"), "2022-10-21");
  EXPECT_EQ(Render(d, TextPart::kMailSubject), "【调整人员逾期】市市场监管局：窗口工作人员周某某清退后未按期调整人员（QT-000001）");
  EXPECT_THAT(Lines(Render(d, TextPart::kMarkdown)),
              ElementsAre("**市市场监管局**：",
                          "你单位窗口工作人员周某某已由市政务服务中心一票清退（QT-000001）。按“原单位接函后须及时调整人员”的规定，"
                          "调整人员期限截至 **2022-10-21（含）**，至今未调整到位。请即选派人员到窗口上岗，并报市政务服务中心。"));
}

}  // namespace
}  // namespace ys::notify
