// The gRPC face of the cases: the real service behind an in-process channel on the real store. Roles
// (a unit reports on its own cases only, reads the county cases it follows), unit names through the
// catalog's aliases, the office's decisions (referral, withdrawn alerts), ysctl's case commands.
#include "services/rectification/service.h"

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

}  // namespace
}  // namespace ys::rectification
