// The gRPC face of the cases: the real service behind an in-process channel on the real store. Roles
// (a unit reports on its own cases only, reads the county cases it follows), unit names through the
// catalog's aliases, the office's decisions (referral, withdrawn alerts), ysctl's case commands.
#include "services/rectification/service.h"

#include <map>
#include <set>
#include <utility>

#include "gmock/gmock.h"
#include "tests/services/rectification/case_fixture.h"

namespace ys::rectification {
namespace {

using ys::testing::QueryInt;

TEST_F(RectificationServiceTest, AUnitReportsOnItsOwnCasesOnly) {
  Apply({Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I03", "2022-09", {"市住房和城乡建设局", "市自然资源局"})});
  const std::string mine = CaseOf("市住房和城乡建设局"), theirs = CaseOf("市自然资源局");
  pb::ReportProgressRequest report;
  report.set_id(mine);
  report.set_text("整改中");
  pb::Case c;
  EXPECT_TRUE(Call("zjj", &pb::RectificationService::Stub::ReportProgress, report, &c).ok());
  report.set_id(theirs);
  grpc::Status denied = Call("zjj", &pb::RectificationService::Stub::ReportProgress, report, &c);
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(denied.error_message().find("市自然资源局"), std::string::npos);
  pb::GetCaseRequest get;
  get.set_id(theirs);
  EXPECT_EQ(Call("zjj", &pb::RectificationService::Stub::GetCase, get, &c).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Listing: a unit sees its own, whatever it asks for.
  pb::ListCasesRequest list;
  list.set_unit("市自然资源局");
  pb::ListCasesResponse listed;
  ASSERT_TRUE(Call("zjj", &pb::RectificationService::Stub::ListCases, list, &listed).ok());
  ASSERT_EQ(listed.cases_size(), 1);
  EXPECT_EQ(listed.cases(0).unit(), "市住房和城乡建设局");
  ASSERT_TRUE(Call("office", &pb::RectificationService::Stub::ListCases, pb::ListCasesRequest{}, &listed).ok());
  EXPECT_EQ(listed.total(), 2);
  // Only the office verifies, opens by hand, extends.
  pb::VerifyCaseRequest verify;
  verify.set_id(mine);
  verify.set_passed(true);
  EXPECT_EQ(Call("zjj", &pb::RectificationService::Stub::VerifyCase, verify, &c).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call("office", &pb::RectificationService::Stub::VerifyCase, verify, &c).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);  // in progress, not reported
  pb::OpenCaseRequest open;
  open.set_origin(pb::ORIGIN_INSPECTION);
  open.set_unit("市城管局");
  open.set_title("督查发现：窗口办件超时");
  ASSERT_TRUE(Call("office", &pb::RectificationService::Stub::OpenCase, open, &c).ok());
  EXPECT_EQ(c.due_date(), "2022-10-30");  // the default policy: one calendar month
  pb::OpenCaseRequest bad = open;
  bad.clear_title();
  grpc::Status missing = Call("office", &pb::RectificationService::Stub::OpenCase, bad, &c);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(missing.error_message().find("title"), std::string::npos);
  bad = open;
  bad.set_origin(pb::ORIGIN_RANKING_ALERT);
  EXPECT_EQ(Call("office", &pb::RectificationService::Stub::OpenCase, bad, &c).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  pb::ExtendDeadlineRequest extend;
  extend.set_id(mine);
  extend.set_due_date("2022-10-01");
  extend.set_reason("春节");
  grpc::Status earlier = Call("office", &pb::RectificationService::Stub::ExtendDeadline, extend, &c);
  EXPECT_EQ(earlier.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(earlier.error_message().find("due_date"), std::string::npos);
  extend.set_due_date("2022-11-15");
  ASSERT_TRUE(Call("office", &pb::RectificationService::Stub::ExtendDeadline, extend, &c).ok());
  EXPECT_EQ(c.due_date(), "2022-11-15");
  EXPECT_EQ(c.history().rbegin()->action(), "extended");
  EXPECT_EQ(c.history().rbegin()->before(), "2022-10-30");
  get.set_id("RC-999999");
  EXPECT_EQ(Call("office", &pb::RectificationService::Stub::GetCase, get, &c).error_code(),
            grpc::StatusCode::NOT_FOUND);
  pb::OverdueRequest overdue;
  overdue.set_as_of("2022-10-31");
  pb::OverdueResponse due;
  ASSERT_TRUE(Call("office", &pb::RectificationService::Stub::ListOverdue, overdue, &due).ok());
  ASSERT_EQ(due.cases_size(), 2);  // 市自然资源局's and the inspection's; 市住建局's was extended
  EXPECT_EQ(due.cases(0).case_().unit(), "市自然资源局");
  EXPECT_EQ(due.cases(1).case_().unit(), "市城市管理局");  // opened as 市城管局, an alias
  EXPECT_EQ(due.cases(0).level_at(), pb::ESCALATION_REMINDER);
  overdue.set_as_of("yesterday");
  EXPECT_EQ(Call("office", &pb::RectificationService::Stub::ListOverdue, overdue, &due).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Call("", &pb::RectificationService::Stub::GetCase, get, &c).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  // Statistics: the office sees every unit, a unit its own line.
  pb::StatsRequest stats;
  stats.set_period("2022Q3");
  pb::StatsResponse all, own;
  ASSERT_TRUE(Call("office", &pb::RectificationService::Stub::GetStats, stats, &all).ok());
  EXPECT_EQ(all.units_size(), 3);
  ASSERT_TRUE(Call("zjj", &pb::RectificationService::Stub::GetStats, stats, &own).ok());
  ASSERT_EQ(own.units_size(), 1);
  EXPECT_EQ(own.units(0).unit(), "市住房和城乡建设局");
}

TEST_F(RectificationServiceTest, Point12_7_AnAliasKeyListsTheCanonicalUnitsCases) {
  // The ranking catalog names units canonically; `make up` writes unit-zhujian.key as unit:市住建局.
  Apply({Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I03", "2022-09", {"市住房和城乡建设局", "市自然资源局"}),
         Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I04", "2022-09", {"市住房和城乡建设局"})});
  pb::ListCasesResponse listed;
  ASSERT_TRUE(Call("zjj", &pb::RectificationService::Stub::ListCases, pb::ListCasesRequest{}, &listed).ok());
  ASSERT_EQ(listed.total(), 2);
  for (const auto& c : listed.cases()) EXPECT_EQ(c.unit(), "市住房和城乡建设局");
  // YS_API_KEY=$(cat var/keys/unit-zhujian.key) ysctl cases list
  auto cli = Ysctl({"cases", "list"}, "zjj");
  EXPECT_EQ(cli.code, 0) << cli.err;
  EXPECT_NE(cli.out.find("2 case(s)"), std::string::npos) << cli.out;
  EXPECT_NE(cli.out.find("市住房和城乡建设局"), std::string::npos) << cli.out;
  // Its own case by id: readable and reportable.
  pb::GetCaseRequest get;
  get.set_id(listed.cases(0).id());
  pb::Case c;
  EXPECT_TRUE(Call("zjj", &pb::RectificationService::Stub::GetCase, get, &c).ok());
  // The office names a unit by either name.
  pb::ListCasesRequest by_alias;
  by_alias.set_unit("市住建局");
  ASSERT_TRUE(Call("office", &pb::RectificationService::Stub::ListCases, by_alias, &listed).ok());
  EXPECT_EQ(listed.total(), 2);
  pb::OpenCaseRequest open;
  open.set_origin(pb::ORIGIN_BULLETIN);
  open.set_unit("市住建局");
  open.set_title("通报督办：施工许可超时");
  ASSERT_TRUE(Call("office", &pb::RectificationService::Stub::OpenCase, open, &c).ok());
  EXPECT_EQ(c.unit(), "市住房和城乡建设局");
  open.set_unit("市住建委");
  grpc::Status unknown = Call("office", &pb::RectificationService::Stub::OpenCase, open, &c);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(unknown.error_message().find("field 'unit'"), std::string::npos) << unknown.error_message();
  ASSERT_TRUE(Call("zjj", &pb::RectificationService::Stub::ListCases, pb::ListCasesRequest{}, &listed).ok());
  EXPECT_EQ(listed.total(), 3);
}

TEST_F(RectificationServiceTest, Point12_8_TheCityUnitFollowsTheCountyCaseAndTheCountyReports) {
  Apply({CountyAlert("I03", "2022-09")});
  const std::string id = CaseOf("信州区");
  auto stored = store_->Get(id);
  ASSERT_TRUE(stored.ok()) << stored.status();
  ASSERT_EQ(stored->followers_size(), 1);
  EXPECT_EQ(stored->followers(0).unit(), "市住房和城乡建设局");
  EXPECT_EQ(stored->followers(0).head(), "陈锋");
  // The events name the follower (the notify service tells it).
  auto opened = Events(pb::CaseEvent::KIND_OPENED);
  ASSERT_EQ(opened.size(), 1u);
  ASSERT_EQ(opened[0].addressees_size(), 2);
  EXPECT_EQ(opened[0].addressees(0).unit(), "信州区");
  EXPECT_EQ(opened[0].addressees(1).unit(), "市住房和城乡建设局");
  EXPECT_EQ(opened[0].addressees(1).head(), "陈锋");
  EXPECT_TRUE(opened[0].addressees(1).follower());
  // The follower reads it, marked as followed; its list holds its own cases and the followed one.
  Apply({Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I04", "2022-09", {"市住房和城乡建设局"})});
  pb::GetCaseRequest get;
  get.set_id(id);
  pb::Case c;
  ASSERT_TRUE(Call("zjj", &pb::RectificationService::Stub::GetCase, get, &c).ok());
  EXPECT_TRUE(c.following());
  pb::ListCasesResponse listed;
  ASSERT_TRUE(Call("zjj", &pb::RectificationService::Stub::ListCases, pb::ListCasesRequest{}, &listed).ok());
  ASSERT_EQ(listed.total(), 2);
  std::map<std::string, bool> following;
  for (const auto& x : listed.cases()) following[x.unit()] = x.following();
  EXPECT_EQ(following, (std::map<std::string, bool>{{"信州区", true}, {"市住房和城乡建设局", false}}));
  auto cli = Ysctl({"cases", "list"}, "zjj");
  EXPECT_NE(cli.out.find("[following]"), std::string::npos) << cli.out;
  auto show = Ysctl({"case", "show", id}, "zjj");
  EXPECT_EQ(show.code, 0) << show.err;
  EXPECT_NE(show.out.find("follower    市住房和城乡建设局, 带班领导 陈锋"), std::string::npos) << show.out;
  // But only the county reports.
  pb::ReportProgressRequest report;
  report.set_id(id);
  report.set_text("市住建局代报");
  grpc::Status denied = Call("zjj", &pb::RectificationService::Stub::ReportProgress, report, &c);
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(denied.error_message().find("信州区 reports its own progress"), std::string::npos) << denied.error_message();
  report.set_text("已制定整改方案");
  ASSERT_TRUE(Call("xinzhou", &pb::RectificationService::Stub::ReportProgress, report, &c).ok());
  EXPECT_FALSE(c.following());
  // A unit that neither answers nor follows sees nothing of it.
  EXPECT_EQ(Call("caizheng", &pb::RectificationService::Stub::GetCase, get, &c).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Call("caizheng", &pb::RectificationService::Stub::ListCases, pb::ListCasesRequest{}, &listed).ok());
  EXPECT_EQ(listed.total(), 0);
}

TEST_F(RectificationServiceTest, Point12_5_OnlyTheOfficeRefersACaseAndSaysWhy) {
  Apply({Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I03", "2022-09", {"市住房和城乡建设局"})});
  const std::string id = CaseOf("市住房和城乡建设局");
  pb::ReferCaseRequest refer;
  refer.set_id(id);
  refer.set_reason("逾期拒不整改，性质恶劣");
  pb::Case c;
  EXPECT_EQ(Call("zjj", &pb::RectificationService::Stub::ReferCase, refer, &c).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  pb::ReferCaseRequest silent = refer;
  silent.clear_reason();
  grpc::Status missing = Call("office", &pb::RectificationService::Stub::ReferCase, silent, &c);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(missing.error_message().find("field 'reason'"), std::string::npos) << missing.error_message();
  EXPECT_TRUE(Events(pb::CaseEvent::KIND_REFERRED).empty());

  clock_.Set(At(2022, 11, 20));
  auto cli = Ysctl({"case", "refer", id, "--reason", refer.reason()});
  ASSERT_EQ(cli.code, 0) << cli.err;
  EXPECT_NE(cli.out.find("referred"), std::string::npos) << cli.out;
  auto referred = store_->Get(id);
  EXPECT_EQ(referred->escalation(), pb::ESCALATION_REFERRED);
  EXPECT_EQ(referred->referral().by(), "office-dev");
  EXPECT_EQ(referred->referral().reason(), refer.reason());
  EXPECT_EQ(referred->history().rbegin()->action(), "referred");
  EXPECT_EQ(referred->history().rbegin()->actor(), "office-dev");
  auto events = Events(pb::CaseEvent::KIND_REFERRED);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_NE(events[0].message().find(refer.reason()), std::string::npos);
  // A viewer sees that the case was referred, not the office's referral (issue #17: referrals are
  // not for every key); the unit reads its own case whole.
  pb::GetCaseRequest get;
  get.set_id(id);
  ASSERT_TRUE(Call("viewer", &pb::RectificationService::Stub::GetCase, get, &c).ok());
  EXPECT_EQ(c.escalation(), pb::ESCALATION_REFERRED);
  EXPECT_TRUE(c.referral().reason().empty());
  EXPECT_TRUE(c.referral().by().empty());
  EXPECT_TRUE(c.referral().has_at());
  for (const auto& h : c.history()) {
    if (h.action() == "referred") {
      EXPECT_TRUE(h.note().empty()) << h.note();
    }
  }
  pb::ListCasesResponse viewed;
  ASSERT_TRUE(Call("viewer", &pb::RectificationService::Stub::ListCases, pb::ListCasesRequest{}, &viewed).ok());
  ASSERT_EQ(viewed.cases_size(), 1);
  EXPECT_TRUE(viewed.cases(0).referral().reason().empty());
  ASSERT_TRUE(Call("zjj", &pb::RectificationService::Stub::GetCase, get, &c).ok());
  EXPECT_EQ(c.referral().reason(), refer.reason());
  // ysctl names it as the office's decision.
  auto list = Ysctl({"cases", "list"});
  EXPECT_NE(list.out.find("移送市纪委监委(办公室决定)"), std::string::npos) << list.out;
  // Once; and a new deadline does not undo it.
  EXPECT_EQ(Call("office", &pb::RectificationService::Stub::ReferCase, refer, &c).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  pb::ExtendDeadlineRequest extend;
  extend.set_id(id);
  extend.set_due_date("2022-12-31");
  extend.set_reason("给予最后整改期限");
  ASSERT_TRUE(Call("office", &pb::RectificationService::Stub::ExtendDeadline, extend, &c).ok());
  EXPECT_EQ(c.escalation(), pb::ESCALATION_REFERRED);
}

// Cases the sweeper before issue #12 escalated keep its levels in their bodies: 2 (提级办理, now the
// number of ESCALATION_LOCAL_STEP) and 3 (移送, now ESCALATION_REFERRED, the office's referral).
TEST_F(RectificationServiceTest, Point12_5_ALegacyLevelIsShownAndCountedAsTheReminderAndWrittenBackOnItsNextChange) {
  Apply({Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I03", "2022-09", {"市住房和城乡建设局", "市自然资源局", "市财政局"})});
  const std::string raised = CaseOf("市住房和城乡建设局"), moved = CaseOf("市自然资源局"), plain = CaseOf("市财政局");
  // As that sweeper and migration 0003 left them: the level in the body and the column, no step name,
  // no referral record, the rung = the level, an escalations row per old step.
  for (const auto& [id, level] : std::vector<std::pair<std::string, int>>{{raised, 2}, {moved, 3}}) {
    StoreBody(id, [level = level](pb::Case& c) { c.set_escalation(static_cast<pb::Escalation>(level)); },
              absl::StrCat("escalation = ", level, ", ladder_rung = ", level));
    ASSERT_TRUE(pool_->WithTransaction([&](pqxx::work& tx) {
                  tx.exec_params("INSERT INTO escalations SELECT id, due_at, generate_series(1, $2), due_at FROM cases "
                                 "WHERE id = $1",
                                 id, level);
                  return absl::OkStatus();
                }).ok());
  }
  clock_.Set(At(2022, 11, 20));
  for (const std::string& id : {raised, moved}) {
    auto c = store_->Get(id);
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_EQ(c->escalation(), pb::ESCALATION_REMINDER) << id;
    EXPECT_EQ(c->escalation_step(), "督办") << id;
    EXPECT_FALSE(c->has_referral()) << id;
    EXPECT_EQ(c->history().rbegin()->action(), "legacy_escalation") << id;
    EXPECT_EQ(c->history().rbegin()->before(), id == raised ? "提级办理" : "移送市纪委监委") << id;
  }
  EXPECT_TRUE(CheckReferral(*store_->Get(moved)).ok());  // never referred: the office still may
  // Counted as 督办 (the gauges), listed as 督办 (ysctl).
  auto counts = store_->CountByLevel();
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(counts->overdue[pb::ESCALATION_REMINDER], 2);
  EXPECT_EQ(counts->overdue[pb::ESCALATION_NONE], 1);
  EXPECT_EQ(counts->open[pb::ESCALATION_LOCAL_STEP], 0);
  EXPECT_EQ(counts->open[pb::ESCALATION_REFERRED], 0);
  auto list = Ysctl({"cases", "list", "--overdue"});
  ASSERT_EQ(list.code, 0) << list.err;
  EXPECT_EQ(list.out.find("local step"), std::string::npos) << list.out;
  EXPECT_EQ(list.out.find("移送市纪委监委(办公室决定)"), std::string::npos) << list.out;
  // The sweeper does not take 督办 again (the old steps were taken); the other case gets its own.
  auto swept = store_->Sweep();
  ASSERT_TRUE(swept.ok()) << swept.status();
  EXPECT_EQ(swept->steps, 1u);
  EXPECT_EQ(Events(pb::CaseEvent::KIND_ESCALATED).size(), 1u);
  // Its next change writes it back, with the history line stored once.
  pb::ReportProgressRequest report;
  report.set_id(raised);
  report.set_text("已制定整改方案");
  auto reported = store_->Report({"zjj-key", "unit:市住房和城乡建设局"}, report);
  ASSERT_TRUE(reported.ok()) << reported.status();
  EXPECT_EQ(QueryInt(*pool_, "SELECT escalation FROM cases WHERE id = '" + raised + "'"), 1);
  EXPECT_EQ(QueryInt(*pool_, "SELECT count(*) FROM case_history WHERE action = 'legacy_escalation' AND case_id = '" +
                                 raised + "'"),
            1);
  int legacy_lines = 0;
  for (const auto& h : reported->history()) legacy_lines += h.action() == "legacy_escalation";
  EXPECT_EQ(legacy_lines, 1);
  EXPECT_EQ(reported->escalation(), pb::ESCALATION_REMINDER);
}

TEST_F(RectificationServiceTest, Point12_5_AHandOpenedCaseNamesTheHeadAndLeadTheOfficeGaveAndItsReminderToo) {
  auto opened = Ysctl({"case", "open", "--origin", "bulletin", "--unit", "市住建局", "--title", "通报督办：施工许可超时",
                       "--head", "陈锋", "--lead", "李茂荣"});
  ASSERT_EQ(opened.code, 0) << opened.err;
  EXPECT_NE(opened.out.find("带班领导 陈锋"), std::string::npos) << opened.out;
  EXPECT_NE(opened.out.find("lead        李茂荣"), std::string::npos) << opened.out;
  const std::string id = CaseOf("市住房和城乡建设局");
  auto c = store_->Get(id);
  EXPECT_EQ(c->head(), "陈锋");
  EXPECT_EQ(c->lead(), "李茂荣");
  clock_.Set(At(2022, 10, 31, 0));  // due 2022-10-30
  ASSERT_EQ(store_->Sweep()->steps, 1u);
  auto reminders = Events(pb::CaseEvent::KIND_ESCALATED);
  ASSERT_EQ(reminders.size(), 1u);
  EXPECT_NE(reminders[0].message().find("带班领导 陈锋"), std::string::npos) << reminders[0].message();
  ASSERT_GE(reminders[0].addressees_size(), 1);
  EXPECT_EQ(reminders[0].addressees(0).head(), "陈锋");
}

// --- issue #15: the people of the web console ---------------------------------------------------

// Keys for issue #15's roles, as the gateway names a person (Principal.role is the person's role):
// two 领班 (leader:<name>), two counties (county:<code>) and a viewer.
class RectificationPeopleTest : public RectificationServiceTest {
 protected:
  void SetUp() override {
    RectificationServiceTest::SetUp();
    for (const auto& [key, role] : std::vector<std::pair<std::string, std::string>>{
             {"lead-li", "leader:李茂荣"},
             {"lead-guo", "leader:郭峰"},
             {"county-xz", "county:361102"},
             {"county-gf", "county:361103"},
             {"viewer", "viewer"}}) {
      auth_.Add(Sha256Hex(key), Principal{.name = key + "-person", .role = role});
    }
  }

  // The ids ListCases gives `key`, with the total.
  std::pair<std::set<std::string>, int> Listed(const std::string& key, const std::string& unit = "") {
    pb::ListCasesRequest list;
    list.set_unit(unit);
    pb::ListCasesResponse listed;
    grpc::Status s = Call(key, &pb::RectificationService::Stub::ListCases, list, &listed);
    EXPECT_TRUE(s.ok()) << key << ": " << s.error_message();
    std::set<std::string> ids;
    for (const auto& c : listed.cases()) ids.insert(c.id());
    return {ids, listed.total()};
  }

  std::set<std::string> Overdue(const std::string& key, const std::string& as_of) {
    pb::OverdueRequest req;
    req.set_as_of(as_of);
    pb::OverdueResponse resp;
    grpc::Status s = Call(key, &pb::RectificationService::Stub::ListOverdue, req, &resp);
    EXPECT_TRUE(s.ok()) << key << ": " << s.error_message();
    std::set<std::string> ids;
    for (const auto& o : resp.cases()) ids.insert(o.case_().id());
    return ids;
  }

  // GetStats for `key`, its lines by unit.
  std::map<std::string, pb::UnitStats> Stats(const std::string& key, pb::UnitStats* total = nullptr) {
    pb::StatsRequest req;
    req.set_period("2022Q3");
    pb::StatsResponse resp;
    grpc::Status s = Call(key, &pb::RectificationService::Stub::GetStats, req, &resp);
    EXPECT_TRUE(s.ok()) << key << ": " << s.error_message();
    std::map<std::string, pb::UnitStats> out;
    for (const auto& u : resp.units()) out[u.unit()] = u;
    if (total != nullptr) *total = resp.total();
    return out;
  }

  std::string IdOf(const std::string& unit, const std::string& indicator) {
    auto listed = store_->List({.unit = unit, .as_of = clock_.Now()});
    EXPECT_TRUE(listed.ok());
    for (const auto& c : listed->first) {
      if (c.unit() == unit && c.indicator_code() == indicator) return c.id();
    }
    ADD_FAILURE() << "no case of " << unit << " " << indicator;
    return "";
  }

  grpc::Status Report(const std::string& key, const std::string& id, const std::string& text, bool final = false,
                      pb::Case* out = nullptr) {
    pb::ReportProgressRequest req;
    req.set_id(id);
    req.set_text(text);
    req.set_final(final);
    pb::Case c;
    grpc::Status s = Call(key, &pb::RectificationService::Stub::ReportProgress, req, &c);
    if (out != nullptr) *out = c;
    return s;
  }

  // The office verifies a reported case and closes it.
  void VerifyAndClose(const std::string& id) {
    pb::VerifyCaseRequest verify;
    verify.set_id(id);
    verify.set_passed(true);
    pb::Case c;
    ASSERT_TRUE(Call("office", &pb::RectificationService::Stub::VerifyCase, verify, &c).ok());
    pb::CloseCaseRequest close;
    close.set_id(id);
    ASSERT_TRUE(Call("office", &pb::RectificationService::Stub::CloseCase, close, &c).ok());
  }
};

MATCHER_P(SameStats, expected, "") {
  return arg.unit() == expected.unit() && arg.region_code() == expected.region_code() &&
         arg.opened() == expected.opened() && arg.closed_on_time() == expected.closed_on_time() &&
         arg.closed_late() == expected.closed_late() && arg.open() == expected.open() &&
         arg.overdue() == expected.overdue() && arg.on_time_rate() == expected.on_time_rate();
}

TEST_F(RectificationPeopleTest, Issue15_ALeaderReadsOnlyTheCasesItLeadsAndNeverReports) {
  rpb::RankingAlert guo_alert = Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I12", "2022-09", {"市商务局"});
  guo_alert.set_lead("郭峰");
  // 李茂荣 leads I03: its two city units' cases and 信州区's county case (the fixture's alerts name him).
  Apply({Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I03", "2022-09", {"市住房和城乡建设局", "市自然资源局"}), guo_alert,
         CountyAlert("I03", "2022-09")});
  const std::string zjj = IdOf("市住房和城乡建设局", "I03"), zrzy = IdOf("市自然资源局", "I03"),
                    xinzhou = IdOf("信州区", "I03"), commerce = IdOf("市商务局", "I12");

  EXPECT_EQ(Listed("lead-li"), std::make_pair(std::set<std::string>{zjj, zrzy, xinzhou}, 3));
  EXPECT_EQ(Listed("lead-guo"), std::make_pair(std::set<std::string>{commerce}, 1));
  // Naming a unit narrows to its own cases of that unit; it never widens.
  EXPECT_EQ(Listed("lead-li", "市商务局"), std::make_pair(std::set<std::string>{}, 0));
  EXPECT_EQ(Listed("lead-li", "市自然资源局"), std::make_pair(std::set<std::string>{zrzy}, 1));
  // Paged in memory over its own cases, in due order, with its own total.
  pb::ListCasesRequest paged;
  paged.mutable_page()->set_page_size(2);
  pb::ListCasesResponse first, second;
  ASSERT_TRUE(Call("lead-li", &pb::RectificationService::Stub::ListCases, paged, &first).ok());
  EXPECT_EQ(first.cases_size(), 2);
  EXPECT_EQ(first.total(), 3);
  ASSERT_FALSE(first.page().next_page_token().empty());
  paged.mutable_page()->set_page_token(first.page().next_page_token());
  ASSERT_TRUE(Call("lead-li", &pb::RectificationService::Stub::ListCases, paged, &second).ok());
  ASSERT_EQ(second.cases_size(), 1);
  EXPECT_TRUE(second.page().next_page_token().empty());
  std::set<std::string> pages = {first.cases(0).id(), first.cases(1).id(), second.cases(0).id()};
  EXPECT_EQ(pages, (std::set<std::string>{zjj, zrzy, xinzhou}));

  // Its own case by id; another 领班's is PERMISSION_DENIED naming the case and the role.
  pb::GetCaseRequest get;
  get.set_id(zrzy);
  pb::Case c;
  ASSERT_TRUE(Call("lead-li", &pb::RectificationService::Stub::GetCase, get, &c).ok());
  EXPECT_EQ(c.lead(), "李茂荣");
  EXPECT_FALSE(c.following());
  get.set_id(commerce);
  grpc::Status denied = Call("lead-li", &pb::RectificationService::Stub::GetCase, get, &c);
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(denied.error_message().find(commerce), std::string::npos) << denied.error_message();
  EXPECT_NE(denied.error_message().find("leader:李茂荣"), std::string::npos) << denied.error_message();
  EXPECT_TRUE(Call("lead-guo", &pb::RectificationService::Stub::GetCase, get, &c).ok());

  // A 领班 only reads: not even its own case takes its report.
  EXPECT_EQ(Report("lead-li", zjj, "领班代报").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(store_->Get(zjj)->reports_size(), 0);

  // What is overdue, its own only.
  EXPECT_EQ(Overdue("lead-li", "2022-10-31"), (std::set<std::string>{zjj, zrzy, xinzhou}));
  EXPECT_EQ(Overdue("lead-guo", "2022-10-31"), (std::set<std::string>{commerce}));
  EXPECT_TRUE(Overdue("lead-guo", "2022-10-29").empty());

  // Statistics: the lines of its own cases, counted in memory as the office's SQL counts them. 市商务局
  // reports after its due day (closed late); 市住建局 on time (closed on time); the others stay open.
  ASSERT_TRUE(Report("zjj", zjj, "已完成整改", /*final=*/true).ok());
  VerifyAndClose(zjj);
  clock_.Set(At(2022, 11, 5));
  pb::Case reported;
  ASSERT_TRUE(Report("office", commerce, "市商务局已整改（办公室代录）", /*final=*/true, &reported).ok());
  VerifyAndClose(commerce);
  pb::UnitStats li_total, guo_total;
  auto office = Stats("office"), li = Stats("lead-li", &li_total), guo = Stats("lead-guo", &guo_total);
  ASSERT_EQ(office.size(), 4u);
  ASSERT_EQ(li.size(), 3u);
  ASSERT_EQ(guo.size(), 1u);
  for (const auto& [unit, line] : li) EXPECT_THAT(line, SameStats(office[unit])) << unit;
  EXPECT_THAT(guo["市商务局"], SameStats(office["市商务局"]));
  EXPECT_EQ(guo["市商务局"].closed_late(), 1);
  EXPECT_EQ(li["市住房和城乡建设局"].closed_on_time(), 1);
  EXPECT_EQ(li_total.opened(), 3);
  EXPECT_EQ(li_total.overdue(), 2);  // 市自然资源局's and 信州区's
  EXPECT_EQ(guo_total.closed_late(), 1);

  // Unchanged: a viewer reads every case.
  EXPECT_EQ(Listed("viewer").second, 4);
  EXPECT_TRUE(Call("viewer", &pb::RectificationService::Stub::GetCase, get, &c).ok());
  EXPECT_EQ(Stats("viewer").size(), 4u);
}

TEST_F(RectificationPeopleTest, Issue15_ACountyReadsAndReportsOnItsOwnCountysCasesOnly) {
  Apply({CountyAlert("I03", "2022-09"), CountyAlert("I03", "2022-09", "361103", "广丰区"),
         Alert(rpb::ALERT_RULE_LAST_IN_PROVINCE, "I04", "2022-09", {"市住房和城乡建设局"})});
  const std::string xinzhou = IdOf("信州区", "I03"), guangfeng = IdOf("广丰区", "I03"),
                    city = IdOf("市住房和城乡建设局", "I04");

  EXPECT_EQ(Listed("county-xz"), std::make_pair(std::set<std::string>{xinzhou}, 1));
  EXPECT_EQ(Listed("county-gf"), std::make_pair(std::set<std::string>{guangfeng}, 1));
  EXPECT_EQ(Listed("county-xz", "广丰区"), std::make_pair(std::set<std::string>{}, 0));

  pb::GetCaseRequest get;
  get.set_id(xinzhou);
  pb::Case c;
  ASSERT_TRUE(Call("county-xz", &pb::RectificationService::Stub::GetCase, get, &c).ok());
  EXPECT_EQ(c.region_code(), "361102");
  for (const std::string& other : {guangfeng, city}) {
    get.set_id(other);
    grpc::Status denied = Call("county-xz", &pb::RectificationService::Stub::GetCase, get, &c);
    EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED) << other;
    EXPECT_NE(denied.error_message().find(other), std::string::npos) << denied.error_message();
    EXPECT_NE(denied.error_message().find("county:361102"), std::string::npos) << denied.error_message();
  }

  // The county answers its own cases: its report is recorded under the person's name…
  pb::Case after;
  ASSERT_TRUE(Report("county-xz", xinzhou, "已制定整改方案", false, &after).ok());
  EXPECT_EQ(after.state(), pb::STATE_IN_PROGRESS);
  ASSERT_EQ(after.reports_size(), 1);
  EXPECT_EQ(after.reports(0).author(), "county-xz-person");
  // …as the county's unit key still does (unchanged), but not on another county's case.
  ASSERT_TRUE(Report("xinzhou", xinzhou, "已完成整改", /*final=*/true).ok());
  grpc::Status refused = Report("county-xz", guangfeng, "代报");
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(refused.error_message().find(guangfeng), std::string::npos) << refused.error_message();
  EXPECT_EQ(store_->Get(guangfeng)->reports_size(), 0);
  EXPECT_EQ(Report("county-xz", city, "代报").error_code(), grpc::StatusCode::PERMISSION_DENIED);

  // 信州区's closes on time; 广丰区's is past due on 2022-10-31.
  VerifyAndClose(xinzhou);
  clock_.Set(At(2022, 10, 31, 12));
  EXPECT_EQ(Overdue("county-gf", "2022-10-31"), (std::set<std::string>{guangfeng}));
  EXPECT_TRUE(Overdue("county-xz", "2022-10-31").empty());
  auto office = Stats("office"), xz = Stats("county-xz"), gf = Stats("county-gf");
  ASSERT_EQ(xz.size(), 1u);
  ASSERT_EQ(gf.size(), 1u);
  EXPECT_THAT(xz["信州区"], SameStats(office["信州区"]));
  EXPECT_THAT(gf["广丰区"], SameStats(office["广丰区"]));
  EXPECT_EQ(xz["信州区"].closed_on_time(), 1);
  EXPECT_EQ(xz["信州区"].on_time_rate(), 1.0);
  EXPECT_EQ(gf["广丰区"].overdue(), 1);
  EXPECT_EQ(gf["广丰区"].region_code(), "361103");

  // Unchanged: the city unit follows both county cases and reads them; it reports on neither.
  get.set_id(guangfeng);
  ASSERT_TRUE(Call("zjj", &pb::RectificationService::Stub::GetCase, get, &c).ok());
  EXPECT_TRUE(c.following());
  EXPECT_EQ(Listed("zjj").second, 3);
}

}  // namespace
}  // namespace ys::rectification
