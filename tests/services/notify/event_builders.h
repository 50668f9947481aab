#pragma once

// CloudEvents of the three topics notify reads, built from real protos as their producers emit them
// (SAMPLE values; people's names are placeholders), with the id and time a test chooses. The shapes
// follow events_test.cc's (CityLastAlert, CityCase, CaseEventOf, RosterEvent); these take the
// indicator, period, rule and time as parameters, so a test can make a burst or a night of them.

#include <google/protobuf/text_format.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/kafka/cloud_event.h"
#include "gtest/gtest.h"
#include "yingshang/duty/v1/duty.pb.h"
#include "yingshang/ranking/v1/ranking.pb.h"
#include "yingshang/rectification/v1/rectification.pb.h"

namespace ys::notify::testing {

namespace rpb = ::yingshang::ranking::v1;
namespace cpb = ::yingshang::rectification::v1;
namespace dpb = ::yingshang::duty::v1;

template <typename M>
M ParseTextProto(const std::string& text) {
  M m;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &m)) << text;
  return m;
}

inline CloudEvent Envelope(const std::string& source, const std::string& type,
                           const google::protobuf::Message& body, const std::string& id, absl::Time at) {
  CloudEvent e;
  e.id = id;
  e.source = source;
  e.type = type;
  e.time = at;
  e.data = body.SerializeAsString();
  return e;
}

// --- ys.rankings.alerts.v1 ---------------------------------------------------------------------

struct AlertSpec {
  rpb::AlertRule rule = rpb::ALERT_RULE_LAST_IN_PROVINCE;
  rpb::Severity severity = rpb::SEVERITY_CRITICAL;
  std::string indicator = "I05";
  std::string indicator_name = "开办企业";
  std::string period = "2022-09";
  int rank = 11;
  int total = 11;
  std::string unit = "市市场监管局";
  std::string head = "王某某";
  std::string lead = "张某某";
  bool withdrawn = false;
};

// The alert's id as ranking builds it: "<rule>/<evaluation>/<indicator>/<scope>/<region>/<period>".
inline std::string AlertId(const AlertSpec& s) {
  return absl::StrCat(rpb::AlertRule_Name(s.rule), "/EVALUATION_OFFICIAL/", s.indicator, "/city/3611/", s.period);
}

// A city alert with one responsible unit.
inline rpb::RankingAlert CityAlert(const AlertSpec& s) {
  rpb::RankingAlert a;
  a.set_id(AlertId(s));
  a.set_rule(s.rule);
  a.set_severity(s.severity);
  rpb::RankingFact* f = a.mutable_fact();
  f->set_source("sample");
  f->set_evaluation(rpb::EVALUATION_OFFICIAL);
  f->set_indicator_code(s.indicator);
  f->set_scope(rpb::SCOPE_CITY);
  f->set_region_code("3611");
  f->set_period(s.period);
  f->set_rank(s.rank);
  f->set_total(s.total);
  f->set_revision(1);
  a.set_indicator_name(s.indicator_name);
  a.set_lead(s.lead);
  rpb::ResponsibleUnit* u = a.add_units();
  u->set_unit(s.unit);
  u->set_head(s.head);
  const bool last = s.rule == rpb::ALERT_RULE_LAST_IN_PROVINCE;
  a.set_consequence(last ? "【预警】若全年考核结果如此：扣发牵头市直单位和责任单位年终绩效奖金的5%"
                         : "【预警】若全年考核结果如此：在全市营商环境大会上作表态发言");
  a.set_message(absl::StrCat(s.period, " 上饶市 ", s.indicator_name, "：全省第", s.rank, "名/共", s.total, "，",
                             last ? "全省倒数第一" : "全省后三位"));
  a.set_region_name("上饶市");
  a.set_standing(rpb::STANDING_AT_RISK);
  if (s.withdrawn) {
    a.set_withdrawn(true);
    a.set_withdrawn_by_revision(2);
  }
  return a;
}

inline CloudEvent AlertCloudEvent(const rpb::RankingAlert& a, const std::string& ce_id, absl::Time at) {
  return Envelope("/yingshang/ranking", "yingshang.ranking.v1.RankingAlert", a, ce_id, at);
}

// --- ys.rectification.v1 -----------------------------------------------------------------------

// A city case opened on 开办企业's last place, its unit 市市场监管局 (带班领导 王某某), 领班 张某某.
inline cpb::Case CityCase(const std::string& id = "RC-000123") {
  cpb::Case c = ParseTextProto<cpb::Case>(R"pb(
    origin: ORIGIN_RANKING_ALERT
    origin_ref: "ALERT_RULE_LAST_IN_PROVINCE/EVALUATION_OFFICIAL/I05/city/3611/2022-09"
    unit: "市市场监管局"
    indicator_code: "I05"
    period: "2022-09"
    rule: "ALERT_RULE_LAST_IN_PROVINCE"
    due_date: "2022-11-10"
    state: STATE_OPEN
    lead: "张某某"
    head: "王某某"
  )pb");
  c.set_id(id);
  c.set_title(absl::StrCat("2022-09 上饶市 开办企业 第11名/共11：限期整改（", id, "）"));
  return c;
}

// A CaseEvent as rectification emits it: the snapshot and the addressees.
inline cpb::CaseEvent CaseEventOf(cpb::CaseEvent::Kind kind, const cpb::Case& c, const std::string& message) {
  cpb::CaseEvent e;
  e.set_kind(kind);
  *e.mutable_snapshot() = c;
  e.set_message(message);
  cpb::Addressee* unit = e.add_addressees();
  unit->set_unit(c.unit());
  unit->set_head(c.head());
  return e;
}

// 督办: the case not reported by its due date.
inline CloudEvent OverdueCaseCloudEvent(const cpb::Case& open, absl::Time at) {
  cpb::Case c = open;
  c.set_escalation(cpb::ESCALATION_REMINDER);
  c.set_escalation_step("督办");
  return Envelope("/yingshang/rectification", "yingshang.rectification.v1.CaseEvent",
                  CaseEventOf(cpb::CaseEvent::KIND_ESCALATED, c, "督办"),
                  absl::StrCat("case:", c.id(), ":3:KIND_ESCALATED:1"), at);
}

// --- ys.duty.v1 ----------------------------------------------------------------------------------

inline dpb::DutyEvent RosterEvent() {
  return ParseTextProto<dpb::DutyEvent>(R"pb(
    id: "duty-roster-2022-W42"
    message: "本周（2022-W42）进驻单位领导坐班名单：1 人次"
    roster_published {
      roster {
        week: "2022-W42" week_start: "2022-10-17" publish_date: "2022-10-17" published: true
        channels: "政务网站" channels: "微信公众号" channels: "大厅显示屏"
        entries {
          date: "2022-10-17" unit: "市市场监管局" window: "A12" window_name: "企业开办窗口"
          leader_name: "王某某" title: "副局长" session: SESSION_MORNING registration_id: "DR-000001"
        }
      }
    }
  )pb");
}

inline CloudEvent DutyCloudEvent(const dpb::DutyEvent& d, absl::Time at) {
  return Envelope("/yingshang/duty", "yingshang.duty.v1.DutyEvent", d, d.id(), at);
}

}  // namespace ys::notify::testing
