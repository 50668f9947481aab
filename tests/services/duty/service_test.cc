// The duty service behind an in-process gRPC server on the in-memory store: who may do what, and the
// sample month (data/duty/sample-2022-10) with every duty rule kept and broken and one exemption.
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/services/duty/duty_server_fixture.h"

namespace ys::duty::testing {
namespace {

using ::testing::HasSubstr;

class DutyServiceTest : public DutyServerTest {
 protected:
  grpc::Status Register(const std::string& key, const std::string& date, const std::string& unit,
                        const std::string& leader, pb::Session session, pb::Registration* out) {
    pb::RegisterRequest req;
    req.set_date(date);
    req.set_unit(unit);
    req.set_leader(leader);
    req.set_session(session);
    // The sample directory's first window of each unit the tests use (表1 names the window).
    req.set_window(unit == "市自然资源局" ? "A01" : "A03");
    return stub_->Register(Ctx(key).get(), req, out);
  }

  grpc::Status Record(const std::string& unit, const std::string& leader, const std::string& date,
                      const std::string& start, const std::string& end, pb::DutyRecord* out = nullptr) {
    pb::FileRecordRequest req;
    req.set_unit(unit);
    req.set_leader(leader);
    req.set_date(date);
    req.set_start_time(start);
    req.set_end_time(end);
    req.set_summary("听取办事群众意见，检查窗口运行（示例）");
    req.set_paper(true);
    pb::DutyRecord ignored;
    return stub_->FileRecord(Ctx("centre").get(), req, out ? out : &ignored);
  }

  grpc::Status AddStaff(const std::string& unit, const std::string& window, const std::string& name,
                        bool on_payroll, bool section_head) {
    pb::AddStaffRequest req;
    pb::StaffMember* m = req.mutable_member();
    m->set_unit(unit);
    m->set_window(window);
    m->set_name(name);
    m->set_employment(on_payroll ? pb::EMPLOYMENT_ON_PAYROLL : pb::EMPLOYMENT_OFF_PAYROLL);
    m->set_approval_staff(section_head);
    m->set_section_head(section_head);
    m->set_chief_representative(section_head);
    m->set_posted_date("2022-01-04");
    m->set_posting_letter("饶政务函〔2022〕1号（示例）");
    pb::StaffMember ignored;
    return stub_->AddStaff(Ctx("centre").get(), req, &ignored);
  }
};

TEST_F(DutyServiceTest, UnitKeyRegistersItsOwnLeadersOnly_PermissionDeniedNamingTheUnit) {
  ImportSampleDirectory();
  pb::Directory dir;
  ASSERT_TRUE(stub_->GetDirectory(Ctx("viewer").get(), pb::GetDirectoryRequest(), &dir).ok());
  std::string zrzy_main, zhujian_main;
  for (const auto& u : dir.units()) {
    for (const auto& l : u.leaders()) {
      if (l.role() != pb::LEADER_ROLE_MAIN) continue;
      if (u.name() == "市自然资源局") zrzy_main = l.id();
      if (u.name() == "市住房和城乡建设局") zhujian_main = l.id();
    }
  }
  ASSERT_FALSE(zrzy_main.empty());
  ASSERT_FALSE(zhujian_main.empty());

  pb::Registration r;
  grpc::Status s = Register("zrzy", "2022-10-10", "市住房和城乡建设局", zhujian_main, pb::SESSION_MORNING, &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(s.error_message(), HasSubstr("市自然资源局"));
  EXPECT_THAT(s.error_message(), HasSubstr("市住房和城乡建设局"));

  // Its own leader: accepted. The alias key (unit:市住建局) registers 市住房和城乡建设局's leader.
  { grpc::Status st = Register("zrzy", "2022-10-10", "市自然资源局", zrzy_main, pb::SESSION_MORNING, &r); ASSERT_TRUE(st.ok()) << st.error_code() << " " << st.error_message(); }
  EXPECT_EQ(r.unit(), "市自然资源局");
  { grpc::Status st = Register("zhujian", "2022-10-10", "市住建局", zhujian_main, pb::SESSION_AFTERNOON, &r); ASSERT_TRUE(st.ok()) << st.error_code() << " " << st.error_message(); }
  EXPECT_EQ(r.unit(), "市住房和城乡建设局");

  // A viewer changes nothing.
  s = Register("viewer", "2022-10-11", "市自然资源局", zrzy_main, pb::SESSION_MORNING, &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(DutyServiceTest, LateRegistrationIsAcceptedFlaggedAndAudited) {
  ImportSampleDirectory();
  pb::Directory dir;
  ASSERT_TRUE(stub_->GetDirectory(Ctx().get(), pb::GetDirectoryRequest(), &dir).ok());
  const std::string unit = "市自然资源局";
  std::string leader;
  for (const auto& u : dir.units()) {
    if (u.name() == unit) leader = u.leaders(0).id();
  }
  pb::Registration on_time, late;
  ASSERT_TRUE(Register("centre", "2022-10-10", unit, leader, pb::SESSION_MORNING, &on_time).ok());  // 14 days
  EXPECT_FALSE(on_time.late());
  ASSERT_TRUE(Register("centre", "2022-09-30", unit, leader, pb::SESSION_MORNING, &late).ok());  // 4 days
  EXPECT_TRUE(late.late());
  EXPECT_EQ(late.days_ahead(), 4);

  pb::CancelRegistrationRequest cancel;
  cancel.set_id(late.id());
  pb::Registration cancelled;
  EXPECT_EQ(stub_->CancelRegistration(Ctx().get(), cancel, &cancelled).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);  // a reason is required
  cancel.set_reason("临时参加市政府常务会议");
  ASSERT_TRUE(stub_->CancelRegistration(Ctx().get(), cancel, &cancelled).ok());
  EXPECT_TRUE(cancelled.cancelled());

  pb::ListAuditRequest audit_req;
  audit_req.set_subject(late.id());
  pb::ListAuditResponse audit;
  ASSERT_TRUE(stub_->ListAudit(Ctx("viewer").get(), audit_req, &audit).ok());
  std::vector<std::string> actions;
  for (const auto& e : audit.entries()) actions.push_back(e.action());
  EXPECT_THAT(actions, ::testing::ElementsAre("registered", "cancelled"));
  EXPECT_EQ(audit.entries(1).actor(), "centre-dev");
}

TEST_F(DutyServiceTest, ExemptionIsTheCentresAndOnlyForAMainLeader) {
  ImportSampleDirectory();
  pb::GrantExemptionRequest req;
  req.set_unit("市自然资源局");
  req.set_month("2022-10");
  req.set_reason("赴省参加培训（示例）");
  pb::Directory dir;
  ASSERT_TRUE(stub_->GetDirectory(Ctx().get(), pb::GetDirectoryRequest(), &dir).ok());
  std::string main, deputy;
  for (const auto& u : dir.units()) {
    if (u.name() != "市自然资源局") continue;
    for (const auto& l : u.leaders()) {
      if (l.role() == pb::LEADER_ROLE_MAIN) main = l.id();
      if (l.role() == pb::LEADER_ROLE_DEPUTY) deputy = l.id();
    }
  }
  pb::Exemption e;
  req.set_leader(main);
  EXPECT_EQ(stub_->GrantExemption(Ctx("zrzy").get(), req, &e).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  req.set_leader(deputy);
  EXPECT_EQ(stub_->GrantExemption(Ctx("centre").get(), req, &e).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  req.set_leader(main);
  ASSERT_TRUE(stub_->GrantExemption(Ctx("centre").get(), req, &e).ok());
  EXPECT_EQ(e.granted_by(), "centre-dev");
}

// The sample month (data/duty/sample-2022-10): each rule kept and broken, one exemption; the report
// is computed from the records (表2), so registrations are left out on purpose.
TEST_F(DutyServiceTest, SampleMonth2022_10_ReportListsExactlyTheKeptBrokenAndExemptLines) {
  pb::ImportDirectoryRequest import;
  import.set_yaml(ReadSourceFile("data/duty/sample-2022-10/directory.yaml"));
  pb::ImportDirectoryResponse imported;
  ASSERT_TRUE(stub_->ImportDirectory(Ctx().get(), import, &imported).ok());
  // Every period of October decided: week 44 ends on 11-06, and a 表2 may still arrive for 3 working
  // days (duty.record_due_working_days) — until 11-09.
  clock_.Set(ShanghaiTime(2022, 11, 10));

  const std::string zrzy = "市自然资源局", zj = "市住建局", scjg = "市市场监管局";
  for (const auto& [unit, leader, date, start, end] : std::vector<std::tuple<std::string, std::string, std::string, std::string, std::string>>{
           {zrzy, "s-zrzy-main", "2022-10-12", "09:00", "12:00"},
           {zrzy, "s-zrzy-deputy", "2022-10-08", "09:00", "17:30"},  // a 调休 Saturday
           {zrzy, "s-zrzy-deputy", "2022-10-11", "09:00", "17:30"},
           {zrzy, "s-zrzy-deputy", "2022-10-18", "09:00", "17:30"},
           {zrzy, "s-zrzy-deputy", "2022-10-25", "09:00", "17:30"},
           {zrzy, "s-zrzy-deputy", "2022-10-31", "09:00", "17:30"},
           {zj, "s-zj-main", "2022-10-20", "09:00", "10:30"},  // less than half a day
           {zj, "s-zj-deputy", "2022-10-09", "09:00", "17:30"},
           {zj, "s-zj-deputy", "2022-10-12", "09:00", "17:30"},
           {zj, "s-zj-deputy", "2022-10-19", "09:00", "17:30"},
           {zj, "s-zj-deputy", "2022-10-26", "09:00", "17:30"},
           {zj, "s-zj-deputy", "2022-11-01", "09:00", "12:00"},  // week 44: half a day only
           {scjg, "s-scjg-deputy", "2022-10-09", "09:00", "17:30"},
           {scjg, "s-scjg-deputy", "2022-10-13", "09:00", "17:30"},
           {scjg, "s-scjg-deputy", "2022-10-20", "09:00", "17:30"},
           {scjg, "s-scjg-deputy", "2022-10-27", "09:00", "17:30"},
           {scjg, "s-scjg-deputy", "2022-11-03", "09:00", "17:30"},
       }) {
    grpc::Status s = Record(unit, leader, date, start, end);
    ASSERT_TRUE(s.ok()) << leader << " " << date << ": " << s.error_message();
  }
  pb::GrantExemptionRequest exempt;
  exempt.set_leader("s-scjg-main");
  exempt.set_month("2022-10");
  exempt.set_reason("赴省参加全省市场监管工作会议（示例）");
  pb::Exemption e;
  ASSERT_TRUE(stub_->GrantExemption(Ctx().get(), exempt, &e).ok());
  ASSERT_TRUE(AddStaff(zrzy, "A01", "郑示例", true, true).ok());
  ASSERT_TRUE(AddStaff(scjg, "C02", "蒋示例", true, true).ok());
  ASSERT_TRUE(AddStaff(zj, "A05", "住建窗口甲（示例）", true, false).ok());
  ASSERT_TRUE(AddStaff(zj, "A05", "住建窗口乙（示例）", false, false).ok());

  pb::GetComplianceRequest req;
  req.set_month("2022-10");
  pb::ComplianceReport report;
  grpc::Status s = stub_->GetCompliance(Ctx("viewer").get(), req, &report);
  ASSERT_TRUE(s.ok()) << s.error_message();

  std::multiset<std::string> got;
  for (const auto& l : report.lines()) {
    got.insert(absl::StrCat(l.leader_id(), " ", l.period(), " ", pb::Verdict_Name(l.verdict())));
  }
  const std::multiset<std::string> want = {
      "s-zrzy-main 2022-10 VERDICT_KEPT",         "s-zrzy-deputy 2022-W40 VERDICT_KEPT",
      "s-zrzy-deputy 2022-W41 VERDICT_KEPT",      "s-zrzy-deputy 2022-W42 VERDICT_KEPT",
      "s-zrzy-deputy 2022-W43 VERDICT_KEPT",      "s-zrzy-deputy 2022-W44 VERDICT_KEPT",
      "s-zrzy-chief 2022-10 VERDICT_KEPT",        "s-zj-main 2022-10 VERDICT_BROKEN",
      "s-zj-deputy 2022-W40 VERDICT_KEPT",        "s-zj-deputy 2022-W41 VERDICT_KEPT",
      "s-zj-deputy 2022-W42 VERDICT_KEPT",        "s-zj-deputy 2022-W43 VERDICT_KEPT",
      "s-zj-deputy 2022-W44 VERDICT_BROKEN",      "s-zj-chief 2022-10 VERDICT_BROKEN",
      "s-scjg-main 2022-10 VERDICT_EXEMPT",       "s-scjg-deputy 2022-W40 VERDICT_KEPT",
      "s-scjg-deputy 2022-W41 VERDICT_KEPT",      "s-scjg-deputy 2022-W42 VERDICT_KEPT",
      "s-scjg-deputy 2022-W43 VERDICT_KEPT",      "s-scjg-deputy 2022-W44 VERDICT_KEPT",
      "s-scjg-chief 2022-10 VERDICT_KEPT",
  };
  EXPECT_EQ(got, want);
  EXPECT_EQ(report.kept(), 17);
  EXPECT_EQ(report.broken(), 3);
  EXPECT_EQ(report.exempt(), 1);
  EXPECT_EQ(report.not_over(), 0);
  EXPECT_THAT(report.hours_policy(), HasSubstr("09:00"));
  for (const auto& l : report.lines()) {
    if (l.leader_id() == "s-scjg-main") {
      EXPECT_EQ(l.exemption_reason(), "赴省参加全省市场监管工作会议（示例）");
    }
    EXPECT_FALSE(l.plan_words().empty()) << l.leader_id();
  }

  // A unit's own view lists only its lines.
  req.set_unit("市住建局");
  ASSERT_TRUE(stub_->GetCompliance(Ctx("zhujian").get(), req, &report).ok());
  EXPECT_EQ(report.lines_size(), 7);
  EXPECT_EQ(report.broken(), 3);
}

TEST_F(DutyServiceTest, BadInputNamesTheField) {
  ImportSampleDirectory();
  pb::Registration r;
  grpc::Status s = Register("centre", "2022-13-01", "市自然资源局", "zrzy-main", pb::SESSION_MORNING, &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("date"));
  s = Register("centre", "2022-10-10", "市自然资源局", "nobody", pb::SESSION_MORNING, &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(s.error_message(), HasSubstr("nobody"));
  s = Register("centre", "2022-10-10", "不存在的局", "zrzy-main", pb::SESSION_MORNING, &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("unit"));
  pb::GetComplianceRequest req;
  req.set_month("October");
  pb::ComplianceReport report;
  s = stub_->GetCompliance(Ctx().get(), req, &report);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("month"));
}

}  // namespace
}  // namespace ys::duty::testing
