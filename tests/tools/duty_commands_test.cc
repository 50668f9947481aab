// Issue #13 point 8: `ysctl duty …` and `ysctl staff …` driven in-process against the duty service
// on an in-memory store (the clock at Monday 2022-09-26 09:00, Asia/Shanghai).
#include "tools/ysctl/duty_commands.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/services/duty/duty_server_fixture.h"
#include "tests/support/ysctl_run.h"
#include "tools/ysctl/staff_commands.h"

namespace ys::duty::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

void AddDutyAndStaff(CLI::App& app, std::ostream& out, std::ostream& err, int* code) {
  ysctl::AddDutyCommands(app, out, err, code);
  ysctl::AddStaffCommands(app, out, err, code);
}

// The first word of the output: the id a command prints first ("DR-000001  表1 坐班登记").
std::string FirstWord(const std::string& text) { return text.substr(0, text.find_first_of(" \n")); }

// The one line of `text` holding `needle` ("" when none does).
std::string LineWith(const std::string& text, absl::string_view needle) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (absl::StrContains(line, needle)) return std::string(line);
  }
  return "";
}

class DutyCliTest : public DutyServerTest {
 protected:
  // `ysctl ARGS…` against this server with API key `key`.
  ::ys::testing::CliRun Ysctl(std::vector<std::string> args, const std::string& key = "centre") {
    for (const std::string& a : {std::string("--address"), server_->address(), std::string("--key"), key}) {
      args.push_back(a);
    }
    return ::ys::testing::RunYsctl(AddDutyAndStaff, std::move(args));
  }

  // Registers through the CLI and answers the registration's id ("" after a failed expectation).
  std::string Register(const std::string& date, const std::string& leader, const std::string& session,
                       const std::string& key = "zrzy") {
    ::ys::testing::CliRun r = Ysctl({"duty", "register", "--date", date, "--unit", "市自然资源局", "--leader", leader,
                                     "--session", session, "--window", "A01"},
                                    key);
    EXPECT_EQ(r.code, 0) << r.err;
    return r.code == 0 ? FirstWord(r.out) : "";
  }
};

TEST_F(DutyCliTest, DirectoryImportThenShowPrintsUnitsWindowsAndLeadersInChinese) {
  const std::string file = std::string(YS_SOURCE_DIR) + "/data/duty/directory.sample.yaml";
  ::ys::testing::CliRun dry = Ysctl({"duty", "directory", "import", file, "--dry-run"});
  ASSERT_EQ(dry.code, 0) << dry.err;
  EXPECT_THAT(dry.out, HasSubstr("dry run: nothing applied"));
  ::ys::testing::CliRun shown_before = Ysctl({"duty", "directory", "show"}, "viewer");
  EXPECT_THAT(shown_before.out, HasSubstr("not imported yet (version 0)"));

  ::ys::testing::CliRun run = Ysctl({"duty", "directory", "import", file});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("市自然资源局"));
  EXPECT_THAT(run.out, HasSubstr("applied: directory version 1\n"));

  ::ys::testing::CliRun show = Ysctl({"duty", "directory", "show", "--unit", "市自然资源局"}, "viewer");
  ASSERT_EQ(show.code, 0) << show.err;
  EXPECT_THAT(show.out, StartsWith("directory version 1, imported 2022-09-26 09:00 by centre-dev\n"));
  EXPECT_THAT(show.out, HasSubstr("市自然资源局  [表3 高频事项进驻单位]\n"));
  EXPECT_THAT(show.out, HasSubstr("  窗口  A01 自然资源综合窗口, A02 规划许可窗口\n"));
  EXPECT_THAT(show.out, HasSubstr("  主要领导  赵某 局长 (zrzy-main)\n"));
  EXPECT_THAT(show.out, HasSubstr("  分管领导  钱某 副局长 (zrzy-deputy)\n"));
  EXPECT_THAT(show.out, HasSubstr("  行政审批科长  孙某 行政审批科科长 (zrzy-chief)\n"));
  EXPECT_THAT(show.out, HasSubstr("\n1 unit(s)\n"));
}

TEST_F(DutyCliTest, RegisterPrintsTable1AndTheListShowsItWithTheLateOneMarked) {
  ASSERT_NO_FATAL_FAILURE(ImportSampleDirectory());
  ::ys::testing::CliRun reg = Ysctl({"duty", "register", "--date", "2022-10-10", "--unit", "市自然资源局", "--leader",
                                     "zrzy-main", "--session", "morning", "--window", "A01"},
                                    "zrzy");
  ASSERT_EQ(reg.code, 0) << reg.err;
  const std::string id = FirstWord(reg.out);
  EXPECT_THAT(id, StartsWith("DR-"));
  EXPECT_THAT(reg.out, HasSubstr("  日期      2022-10-10  上午\n"));
  EXPECT_THAT(reg.out, HasSubstr("  进驻部门  市自然资源局\n"));
  EXPECT_THAT(reg.out, HasSubstr("  窗口      A01 自然资源综合窗口\n"));
  EXPECT_THAT(reg.out, HasSubstr("  姓名      赵某 (zrzy-main)\n"));
  EXPECT_THAT(reg.out, HasSubstr("  职务      局长 (主要领导)\n"));
  EXPECT_THAT(reg.out, HasSubstr("14 day(s) ahead"));
  EXPECT_THAT(reg.out, Not(HasSubstr("LATE")));

  // Three days ahead: accepted, flagged (细则 四1 提前一周).
  ::ys::testing::CliRun late = Ysctl({"duty", "register", "--date", "2022-09-29", "--unit", "市自然资源局",
                                      "--leader", "钱某", "--session", "day", "--window", "A02"},
                                     "zrzy");
  ASSERT_EQ(late.code, 0) << late.err;
  const std::string late_id = FirstWord(late.out);
  EXPECT_THAT(late.out, HasSubstr("  LATE: registered 3 days ahead; 细则 四1 asks 提前一周\n"));

  ::ys::testing::CliRun list = Ysctl({"duty", "registrations", "--unit", "市自然资源局"}, "viewer");
  ASSERT_EQ(list.code, 0) << list.err;
  EXPECT_THAT(LineWith(list.out, id), HasSubstr("2022-10-10 上午  市自然资源局  A01  赵某 局长"));
  EXPECT_THAT(LineWith(list.out, id), Not(HasSubstr("[late")));
  EXPECT_THAT(LineWith(list.out, late_id), HasSubstr("2022-09-29 全天  市自然资源局  A02  钱某 副局长 [late: 3 days ahead]"));
  EXPECT_THAT(list.out, HasSubstr("\n2 registration(s)\n"));

  // Cancelled: gone from the list, back with --all and its reason.
  ::ys::testing::CliRun cancel = Ysctl({"duty", "cancel", late_id, "--reason", "临时会议"}, "zrzy");
  ASSERT_EQ(cancel.code, 0) << cancel.err;
  EXPECT_THAT(cancel.out, HasSubstr("CANCELLED 2022-09-26 09:00 by unit-zrzy: 临时会议"));
  EXPECT_THAT(Ysctl({"duty", "registrations"}).out, HasSubstr("\n1 registration(s)\n"));
  EXPECT_THAT(LineWith(Ysctl({"duty", "registrations", "--all"}).out, late_id), HasSubstr("[cancelled: 临时会议]"));
}

TEST_F(DutyCliTest, UnitKeyRegisteringAnotherUnitsLeaderIsDeniedNamingTheUnit) {
  ASSERT_NO_FATAL_FAILURE(ImportSampleDirectory());
  const std::vector<std::string> args = {"duty", "register", "--date", "2022-10-10", "--unit", "市住建局", "--leader",
                                         "zjj-main", "--session", "day"};
  ::ys::testing::CliRun run = Ysctl(args, "zrzy");
  EXPECT_EQ(run.code, 1);
  EXPECT_EQ(run.out, "");
  EXPECT_THAT(run.err, HasSubstr("市住房和城乡建设局"));  // the unit the key may not act for (alias resolved)

  // What the CLI printed is the service's PERMISSION_DENIED, word for word.
  pb::RegisterRequest req;
  req.set_date("2022-10-10");
  req.set_unit("市住建局");
  req.set_leader("zjj-main");
  req.set_session(pb::SESSION_WHOLE_DAY);
  pb::Registration resp;
  grpc::Status s = stub_->Register(Ctx("zrzy").get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(run.err, "ysctl: PERMISSION_DENIED: " + s.error_message() + "\n");
  EXPECT_THAT(Ysctl({"duty", "registrations", "--all"}).out, HasSubstr("0 registration(s)"));
}

TEST_F(DutyCliTest, RecordByRegistrationPrintsTable2WithWholeDayCoverage) {
  ASSERT_NO_FATAL_FAILURE(ImportSampleDirectory());
  const std::string reg_id = Register("2022-10-10", "zrzy-deputy", "day");
  ASSERT_FALSE(reg_id.empty());
  clock_.Set(ShanghaiTime(2022, 10, 10, 18));

  ::ys::testing::CliRun rec = Ysctl({"duty", "record", "--registration", reg_id, "--summary", "接待企业 12 家",
                                     "--problems", "不动产登记排队较长，已增开窗口", "--suggestions", "推行预约办理"},
                                    "zrzy");
  ASSERT_EQ(rec.code, 0) << rec.err;
  const std::string record_id = FirstWord(rec.out);
  EXPECT_THAT(record_id, StartsWith("DK-"));
  EXPECT_THAT(rec.out, HasSubstr("表2 坐班情况记录单"));
  EXPECT_THAT(rec.out, HasSubstr("  坐班领导  钱某    职务 副局长\n"));
  EXPECT_THAT(rec.out, HasSubstr("  坐班时间  2022-10-10 09:00–17:30 (全天)\n"));
  EXPECT_THAT(rec.out, HasSubstr("  坐班窗口  A01 自然资源综合窗口\n"));
  EXPECT_THAT(rec.out, HasSubstr("  发现的问题及解决情况  不动产登记排队较长，已增开窗口\n"));
  EXPECT_THAT(rec.out, HasSubstr("registration " + reg_id));

  EXPECT_THAT(LineWith(Ysctl({"duty", "registrations"}).out, reg_id), HasSubstr("[recorded " + record_id + "]"));
  ::ys::testing::CliRun records = Ysctl({"duty", "records", "--unit", "市自然资源局"}, "viewer");
  ASSERT_EQ(records.code, 0) << records.err;
  EXPECT_THAT(LineWith(records.out, record_id), HasSubstr("2022-10-10 09:00–17:30 全天  市自然资源局  A01  钱某 副局长  " + reg_id));
  EXPECT_THAT(records.out, HasSubstr("\n1 record(s)\n"));
}

TEST_F(DutyCliTest, RosterForTheWeekPrintsTheEntryAndThePublishDay) {
  ASSERT_NO_FATAL_FAILURE(ImportSampleDirectory());
  const std::string reg_id = Register("2022-10-10", "zrzy-main", "morning");
  ASSERT_FALSE(reg_id.empty());

  ::ys::testing::CliRun roster = Ysctl({"duty", "roster", "--week-of", "2022-10-12"}, "viewer");
  ASSERT_EQ(roster.code, 0) << roster.err;
  EXPECT_THAT(roster.out, StartsWith("roster 2022-W41 (week of 2022-10-10)\n"));
  EXPECT_THAT(roster.out, HasSubstr("publish date 2022-10-10 (the week's first working day): not published yet\n"));
  EXPECT_THAT(roster.out, HasSubstr("  2022-10-10 上午  市自然资源局  A01 自然资源综合窗口  赵某 局长  " + reg_id + "\n"));
  EXPECT_THAT(roster.out, HasSubstr("\n1 entry(ies)\n"));

  // The week of National Day publishes on its 调休 Saturday; a week wholly off publishes nothing.
  EXPECT_THAT(Ysctl({"duty", "roster", "--week-of", "2022-10-03"}).out, HasSubstr("publish date 2022-10-08"));
  EXPECT_THAT(Ysctl({"duty", "roster", "--week-of", "2022-01-31"}).out,
              HasSubstr("no working day: nothing is published\n"));

  ::ys::testing::CliRun publish = Ysctl({"duty", "roster", "publish", "--week-of", "2022-10-10"});
  ASSERT_EQ(publish.code, 0) << publish.err;
  EXPECT_THAT(publish.out, HasSubstr("published 2022-09-26 09:00 on 政务网站、微信公众号、大厅显示屏"));
  EXPECT_THAT(publish.out, HasSubstr(reg_id));
}

TEST_F(DutyCliTest, CompliancePrintsKeptAndBrokenLinesAndTheHoursAsLocalPolicy) {
  ASSERT_NO_FATAL_FAILURE(ImportSampleDirectory());
  const std::string reg_id = Register("2022-10-10", "zrzy-main", "morning");
  ASSERT_FALSE(reg_id.empty());
  clock_.Set(ShanghaiTime(2022, 10, 10, 13));
  ::ys::testing::CliRun rec = Ysctl({"duty", "record", "--registration", reg_id, "--summary", "走流程体验"}, "zrzy");
  ASSERT_EQ(rec.code, 0) << rec.err;
  clock_.Set(ShanghaiTime(2022, 11, 1, 10));

  ::ys::testing::CliRun run = Ysctl({"duty", "compliance", "--month", "2022-10", "--unit", "市自然资源局"}, "office");
  ASSERT_EQ(run.code, 0) << run.err;
  // The main leader sat half a day in October: kept. The deputy sat no whole day: broken each week.
  EXPECT_THAT(LineWith(run.out, "主要领导每月≥半天"), StartsWith("市自然资源局  赵某  局长  主要领导每月≥半天  2022-10  达标  "));
  EXPECT_THAT(LineWith(run.out, "2022-W41"), StartsWith("市自然资源局  钱某  副局长  分管领导每周≥1天  2022-W41  未达标  "));
  EXPECT_THAT(run.out, HasSubstr("\n达标 1, 未达标 "));
  const std::string last = LineWith(run.out, "hours: ");
  EXPECT_THAT(last, StartsWith("hours: "));
  EXPECT_TRUE(absl::EndsWith(run.out, " (local policy)\n")) << run.out;
}

TEST_F(DutyCliTest, ExportWritesTheXlsxBytesToTheFile) {
  ASSERT_NO_FATAL_FAILURE(ImportSampleDirectory());
  ASSERT_FALSE(Register("2022-10-10", "zrzy-main", "morning").empty());
  const std::string path = ::testing::TempDir() + "duty_cli_表1.xlsx";
  std::filesystem::remove(path);

  ::ys::testing::CliRun run =
      Ysctl({"duty", "export", "--form", "registrations", "--month", "2022-10", "--out", path}, "office");
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out, "wrote " + path + " (1 rows)\n");
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  EXPECT_THAT(bytes.str(), StartsWith("PK"));  // a zip: the .xlsx container
  EXPECT_GT(bytes.str().size(), 1000u);
}

TEST_F(DutyCliTest, StaffAddThenCheckPrintsThePayrollRateLine) {
  ASSERT_NO_FATAL_FAILURE(ImportSampleDirectory());
  ::ys::testing::CliRun add = Ysctl({"staff", "add", "--unit", "市自然资源局", "--window", "A01", "--name", "张某",
                                     "--employment", "off", "--posted", "2021-03-01", "--letter",
                                     "上自然资函〔2021〕5号", "--clock-id", "K001"},
                                    "zrzy");
  ASSERT_EQ(add.code, 0) << add.err;
  EXPECT_THAT(FirstWord(add.out), StartsWith("WS-"));
  EXPECT_THAT(add.out, HasSubstr("市自然资源局  A01  张某  非在编  posted 2021-03-01 (派驻函 上自然资函〔2021〕5号)  clock K001"));

  // One member, off payroll: 0% (办法 2 "在编率不得低于 50%").
  ::ys::testing::CliRun check = Ysctl({"staff", "check", "--unit", "市自然资源局", "--as-of", "2022-09-26"}, "viewer");
  ASSERT_EQ(check.code, 0) << check.err;
  EXPECT_THAT(LineWith(check.out, "在编率≥50%"), StartsWith("不符合  市自然资源局  在编率≥50%  "));
  EXPECT_THAT(check.out, HasSubstr("\n符合 "));

  // A second member on payroll: 50%, which the plan allows.
  ASSERT_EQ(Ysctl({"staff", "add", "--unit", "市自然资源局", "--window", "A01", "--name", "孙某", "--employment", "on",
                   "--approval", "--section-head", "--chief", "--posted", "2021-03-01", "--letter",
                   "上自然资函〔2021〕5号"},
                  "zrzy")
                .code,
            0);
  ::ys::testing::CliRun again = Ysctl({"staff", "check", "--unit", "市自然资源局", "--as-of", "2022-09-26"});
  EXPECT_THAT(LineWith(again.out, "在编率≥50%"), StartsWith("符合  市自然资源局  在编率≥50%  "));
  EXPECT_THAT(Ysctl({"staff", "list", "--unit", "市自然资源局"}).out, HasSubstr("\n2 member(s)\n"));
}

TEST_F(DutyCliTest, DismissOnTheDisobediencePathPrintsWhoItWasReportedToAndTheReplacementDue) {
  ASSERT_NO_FATAL_FAILURE(ImportSampleDirectory());
  ::ys::testing::CliRun add = Ysctl({"staff", "add", "--unit", "市自然资源局", "--window", "A01", "--name", "张某",
                                     "--employment", "on", "--posted", "2021-03-01", "--letter", "上自然资函〔2021〕5号"});
  ASSERT_EQ(add.code, 0) << add.err;
  const std::string staff_id = FirstWord(add.out);

  ::ys::testing::CliRun run = Ysctl({"staff", "dismiss", staff_id, "--path", "disobedience", "--reason",
                                     "多次擅自离岗", "--letter", "中心报告〔2022〕3号", "--date", "2022-09-26",
                                     "--criticisms", "3"});
  ASSERT_EQ(run.code, 0) << run.err;
  const std::string id = FirstWord(run.out);
  EXPECT_THAT(id, StartsWith("QT-"));
  EXPECT_THAT(run.out, HasSubstr("  reported to   纪检监察部门、组织人事部门\n"));
  EXPECT_THAT(run.out, HasSubstr("  copied to     市自然资源局\n"));
  const std::string due = LineWith(run.out, "replacement   due ");
  ASSERT_FALSE(due.empty()) << run.out;
  EXPECT_THAT(due, Not(HasSubstr("OVERDUE")));

  // Months later, still no replacement: the list marks it.
  clock_.Set(ShanghaiTime(2022, 12, 1));
  ::ys::testing::CliRun list = Ysctl({"staff", "dismissals", "--unit", "市自然资源局"}, "viewer");
  ASSERT_EQ(list.code, 0) << list.err;
  EXPECT_THAT(LineWith(list.out, id), HasSubstr("张某 (" + staff_id + ")  path 二  replacement due "));
  EXPECT_THAT(LineWith(list.out, id), HasSubstr("[replacement overdue]"));
  EXPECT_THAT(list.out, HasSubstr("\n1 dismissal(s), 1 replacement(s) overdue\n"));
  EXPECT_THAT(Ysctl({"staff", "list", "--all"}).out, HasSubstr("[left 2022-09-26: 一票清退, 函 中心报告〔2022〕3号]"));
}

TEST_F(DutyCliTest, ExemptMonthShowsAsExemptNotKeptInCompliance) {
  ASSERT_NO_FATAL_FAILURE(ImportSampleDirectory());
  ::ys::testing::CliRun run =
      Ysctl({"duty", "exempt", "--leader", "zrzy-main", "--month", "2022-10", "--reason", "赴省外招商"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, StartsWith("exemption 2022-10: 赵某 (zrzy-main) 市自然资源局 免于坐班: 赴省外招商\n"));
  EXPECT_EQ(Ysctl({"duty", "exempt", "--leader", "zrzy-main", "--month", "2022-10", "--reason", "x"}, "zrzy").code,
            1);  // the centre's to grant

  clock_.Set(ShanghaiTime(2022, 11, 1, 10));
  ::ys::testing::CliRun report = Ysctl({"duty", "compliance", "--month", "2022-10", "--unit", "市自然资源局"});
  ASSERT_EQ(report.code, 0) << report.err;
  EXPECT_THAT(LineWith(report.out, "主要领导每月≥半天"), HasSubstr("  2022-10  免于坐班  "));
  EXPECT_THAT(LineWith(report.out, "主要领导每月≥半天"), HasSubstr("赴省外招商"));
  EXPECT_THAT(report.out, HasSubstr("\n达标 0, "));
}

TEST_F(DutyCliTest, CalendarGoesToStandardOutputOrTheFile) {
  ASSERT_NO_FATAL_FAILURE(ImportSampleDirectory());
  ASSERT_FALSE(Register("2022-10-10", "zrzy-main", "morning").empty());
  ::ys::testing::CliRun stdout_run = Ysctl({"duty", "calendar", "--leader", "zrzy-main"}, "viewer");
  ASSERT_EQ(stdout_run.code, 0) << stdout_run.err;
  EXPECT_THAT(stdout_run.out, StartsWith("BEGIN:VCALENDAR"));
  EXPECT_THAT(stdout_run.out, HasSubstr("BEGIN:VEVENT"));

  const std::string path = ::testing::TempDir() + "duty_cli_zrzy.ics";
  ::ys::testing::CliRun file_run = Ysctl({"duty", "calendar", "--unit", "市自然资源局", "--out", path}, "viewer");
  ASSERT_EQ(file_run.code, 0) << file_run.err;
  EXPECT_EQ(file_run.out, "wrote " + path + " (1 event(s))\n");
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_THAT(text.str(), StartsWith("BEGIN:VCALENDAR"));
}

TEST_F(DutyCliTest, MalformedFlagsExitTwoWithoutCalling) {
  // An address nothing listens on: had the command called, it would fail UNAVAILABLE (exit 1).
  auto run = [](std::vector<std::string> args) {
    for (const char* a : {"--address", "127.0.0.1:1", "--key", "centre"}) args.push_back(a);
    return ::ys::testing::RunYsctl(AddDutyAndStaff, std::move(args));
  };
  ::ys::testing::CliRun session = run({"duty", "register", "--date", "2022-10-10", "--unit", "市自然资源局",
                                       "--leader", "zrzy-main", "--session", "evening"});
  EXPECT_EQ(session.code, 2);
  EXPECT_EQ(session.err, "ysctl: --session evening is not one of morning, afternoon, day\n");
  EXPECT_EQ(session.out, "");

  ::ys::testing::CliRun date = run({"duty", "register", "--date", "2022-02-30", "--unit", "市自然资源局",
                                    "--leader", "zrzy-main", "--session", "day"});
  EXPECT_EQ(date.code, 2);
  EXPECT_EQ(date.err, "ysctl: --date 2022-02-30 is not a date (YYYY-MM-DD)\n");

  ::ys::testing::CliRun path = run({"staff", "dismiss", "WS-000001", "--path", "rudeness", "--reason", "r",
                                    "--letter", "l", "--date", "2022-10-10"});
  EXPECT_EQ(path.code, 2);
  EXPECT_EQ(path.err, "ysctl: --path rudeness is not one of misconduct, disobedience\n");

  ::ys::testing::CliRun month = run({"duty", "compliance", "--month", "2022-13"});
  EXPECT_EQ(month.code, 2);
  EXPECT_EQ(month.err, "ysctl: --month 2022-13 is not a month (YYYY-MM)\n");

  // And the reachable server holds nothing from them.
  EXPECT_THAT(Ysctl({"duty", "registrations", "--all"}).out, HasSubstr("0 registration(s)"));
}

}  // namespace
}  // namespace ys::duty::testing
