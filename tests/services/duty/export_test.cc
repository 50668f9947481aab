// The centre's .xlsx forms and the iCalendar feed, read back by readers we did not write: Debian's
// python3-openpyxl and python3-icalendar (issue 13: "An .xlsx export opened by a reader we did not
// write … the 表1 columns in order"; "The iCalendar feed parsed by a parser we did not write").

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "common/time/clock.h"
#include "common/time/proto_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/run_process.h"
#include "services/duty/calendar_feed.h"
#include "services/duty/xlsx_export.h"

namespace ys::duty {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using ::ys::testing::ProcessOutput;
using ::ys::testing::RunProcess;

// --- running the readers ---------------------------------------------------------------------

// The Debian packages install their modules for the system interpreter; a python3 earlier on PATH
// (pyenv, a virtualenv) does not see them. YS_PYTHON3 overrides.
std::string Python() {
  if (const char* p = std::getenv("YS_PYTHON3"); p != nullptr && *p != '\0') return p;
  if (access("/usr/bin/python3", X_OK) == 0) return "/usr/bin/python3";
  return "python3";
}

// Fails (never skips) when the reader is missing: the readers are part of the test.
::testing::AssertionResult PythonHas(const std::string& module, const std::string& package) {
  ProcessOutput out = RunProcess({Python(), "-c", "import " + module});
  if (out.exit_code == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << Python() << " cannot import " << module << " (Debian " << package
                                       << ", exit " << out.exit_code << "): run `make deps`\n"
                                       << out.text;
}

// A private temporary file holding `bytes`, removed with the object. openpyxl insists on the suffix.
class TempFile {
 public:
  TempFile(const std::string& bytes, const std::string& suffix) {
    path_ = (std::filesystem::temp_directory_path() / ("ys-export-test-XXXXXX" + suffix)).string();
    const int fd = mkstemps(path_.data(), static_cast<int>(suffix.size()));
    EXPECT_GE(fd, 0) << path_;
    if (fd >= 0) close(fd);
    std::ofstream(path_, std::ios::binary) << bytes;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// --- .xlsx through openpyxl ------------------------------------------------------------------

constexpr char kDumpXlsx[] = R"(import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
for ws in wb.worksheets:
    print("#sheet\t" + ws.title)
    print("#merged\t" + "\t".join(sorted(str(r) for r in ws.merged_cells.ranges)))
    print("#print\t%s\t%s\t%s" % (ws.page_setup.orientation, ws.page_setup.paperSize, ws.print_title_rows))
    print("#layout\t%s\t%s\t%s\t%s" % (ws.freeze_panes, ws.sheet_properties.pageSetUpPr.fitToPage,
                                       ws.cell(row=2, column=1).border.left.style,
                                       ",".join("%s=%d" % (k, v.width) for k, v in sorted(ws.column_dimensions.items()))))
    for row in ws.iter_rows(values_only=True):
        print("\t".join("" if v is None else str(v).replace("\n", "\\n") for v in row))
)";

struct SheetDump {
  std::string name;
  std::vector<std::string> merged;
  std::vector<std::string> print;   // orientation, paper size, print title rows
  std::vector<std::string> layout;  // frozen at, fit to page, A2's border, column widths
  std::vector<std::vector<std::string>> rows;
};

std::vector<SheetDump> ReadXlsx(const std::string& bytes) {
  TempFile file(bytes, ".xlsx");
  ProcessOutput out = RunProcess({Python(), "-c", kDumpXlsx, file.path()});
  EXPECT_EQ(out.exit_code, 0) << out.text;
  std::vector<SheetDump> sheets;
  for (absl::string_view line : absl::StrSplit(out.text, '\n', absl::SkipEmpty())) {
    std::vector<std::string> cells = absl::StrSplit(line, '\t');
    if (cells[0] == "#sheet") {
      sheets.push_back(SheetDump{cells[1], {}, {}, {}, {}});
    } else if (sheets.empty()) {
      ADD_FAILURE() << "openpyxl printed before a sheet: " << line;
    } else if (cells[0] == "#merged") {
      sheets.back().merged.assign(cells.begin() + 1, cells.end());
      if (sheets.back().merged == std::vector<std::string>{""}) sheets.back().merged.clear();
    } else if (cells[0] == "#print") {
      sheets.back().print.assign(cells.begin() + 1, cells.end());
    } else if (cells[0] == "#layout") {
      sheets.back().layout.assign(cells.begin() + 1, cells.end());
    } else {
      sheets.back().rows.push_back(std::move(cells));
    }
  }
  return sheets;
}

pb::Registration Reg(const std::string& id, const std::string& date, pb::Session session) {
  pb::Registration r;
  r.set_id(id);
  r.set_date(date);
  r.set_unit("市自然资源局");
  r.set_window("A01");
  r.set_window_name("自然资源综合窗口");
  r.set_leader_id("zrzy-main");
  r.set_leader_name("赵某");
  r.set_title("局长");
  r.set_role(pb::LEADER_ROLE_MAIN);
  r.set_session(session);
  r.set_days_ahead(10);
  return r;
}

std::vector<pb::Registration> ThreeRegistrations() {
  std::vector<pb::Registration> out;
  out.push_back(Reg("DR-000001", "2022-10-10", pb::SESSION_MORNING));
  pb::Registration late = Reg("DR-000002", "2022-10-11", pb::SESSION_AFTERNOON);
  late.set_unit("市住房和城乡建设局");
  late.set_window("A03");
  late.set_window_name("住建综合窗口");
  late.set_leader_name("周某");
  late.set_title("副局长");
  late.set_late(true);
  late.set_days_ahead(3);
  out.push_back(late);
  pb::Registration cancelled = Reg("DR-000003", "2022-10-12", pb::SESSION_WHOLE_DAY);
  cancelled.set_cancelled(true);
  cancelled.set_cancel_reason("市政府常务会议");
  out.push_back(cancelled);
  return out;
}

TEST(ExportTest, Form1ColumnsInOrder_ReadByOpenpyxl) {
  ASSERT_TRUE(PythonHas("openpyxl", "python3-openpyxl"));
  auto xlsx = RegistrationsXlsx("2022年10月", ThreeRegistrations());
  ASSERT_TRUE(xlsx.ok()) << xlsx.status();
  EXPECT_THAT(*xlsx, StartsWith("PK"));  // a zip, as every .xlsx is

  const std::vector<SheetDump> sheets = ReadXlsx(*xlsx);
  ASSERT_EQ(sheets.size(), 1u);
  const SheetDump& s = sheets[0];
  EXPECT_EQ(s.name, "登记表");
  ASSERT_EQ(s.rows.size(), 5u);
  EXPECT_EQ(s.rows[0][0], "市政务服务中心进驻部门领导窗口“坐班”登记表 2022年10月");
  EXPECT_THAT(s.merged, ElementsAre("A1:G1"));
  // 表1: 日期, 进驻部门, 窗口, 姓名, 职务 in the form's order, then 时段 and 登记情况.
  EXPECT_THAT(s.rows[1], ElementsAreArray(kForm1Columns));
  EXPECT_THAT(s.rows[1], ElementsAre("日期", "进驻部门", "窗口", "姓名", "职务", "时段", "登记情况"));
  EXPECT_THAT(s.rows[2], ElementsAre("2022-10-10", "市自然资源局", "A01 自然资源综合窗口", "赵某", "局长", "上午",
                                     "按时登记"));
  EXPECT_THAT(s.rows[3], ElementsAre("2022-10-11", "市住房和城乡建设局", "A03 住建综合窗口", "周某", "副局长",
                                     "下午", "逾期登记（提前3天）"));
  EXPECT_THAT(s.rows[4], ElementsAre("2022-10-12", "市自然资源局", "A01 自然资源综合窗口", "赵某", "局长", "全天",
                                     "已取消：市政府常务会议"));
  // A4 landscape, the header row repeated on every printed page.
  EXPECT_THAT(s.print, ElementsAre("landscape", "9", "$2:$2"));
  // Frozen under the header on screen, fitted to the page's width, bordered, columns wide enough.
  EXPECT_THAT(s.layout, ElementsAre("A3", "True", "thin", "A=12,B=26,C=28,D=10,E=20,F=8,G=30"));
}

TEST(ExportTest, RosterSheet_ReadByOpenpyxl) {
  ASSERT_TRUE(PythonHas("openpyxl", "python3-openpyxl"));
  pb::Roster roster;
  roster.set_week("2022-W40");
  roster.set_week_start("2022-10-03");
  roster.set_publish_date("2022-10-08");  // the Saturday 调休 working day
  roster.add_channels("政务网站");
  roster.add_channels("微信公众号");
  roster.add_channels("大厅显示屏");
  pb::RosterEntry* e = roster.add_entries();
  e->set_date("2022-10-08");
  e->set_session(pb::SESSION_MORNING);
  e->set_unit("市税务局");
  e->set_window("A19");
  e->set_window_name("税务综合窗口");
  e->set_leader_name("潘某");
  e->set_title("局长");
  auto xlsx = RosterXlsx(roster);
  ASSERT_TRUE(xlsx.ok()) << xlsx.status();

  const std::vector<SheetDump> sheets = ReadXlsx(*xlsx);
  ASSERT_EQ(sheets.size(), 1u);
  const SheetDump& s = sheets[0];
  ASSERT_EQ(s.rows.size(), 5u);
  EXPECT_EQ(s.rows[0][0], "市政务服务中心进驻单位领导坐班名单（2022-W40）");
  EXPECT_EQ(s.rows[1][0], "2022-10-03 至 2022-10-09　公布日期：2022-10-08");
  EXPECT_THAT(s.rows[2], ElementsAre("日期", "时段", "进驻部门", "窗口", "姓名", "职务"));
  EXPECT_THAT(s.rows[3], ElementsAre("2022-10-08", "上午", "市税务局", "A19 税务综合窗口", "潘某", "局长"));
  EXPECT_EQ(s.rows[4][0], "公布平台：政务网站、微信公众号、大厅显示屏");
  EXPECT_THAT(s.print, ElementsAre("landscape", "9", "$3:$3"));
}

TEST(ExportTest, RosterOfAWeekWithNoWorkingDaySaysSo_ReadByOpenpyxl) {
  ASSERT_TRUE(PythonHas("openpyxl", "python3-openpyxl"));
  pb::Roster roster;
  roster.set_week("2022-W05");
  roster.set_week_start("2022-01-31");
  roster.set_no_working_day(true);
  auto xlsx = RosterXlsx(roster);
  ASSERT_TRUE(xlsx.ok()) << xlsx.status();
  const std::vector<SheetDump> sheets = ReadXlsx(*xlsx);
  ASSERT_EQ(sheets.size(), 1u);
  ASSERT_EQ(sheets[0].rows.size(), 4u);
  EXPECT_EQ(sheets[0].rows[1][0], "2022-01-31 至 2022-02-06　本周无工作日，不公布名单");
  EXPECT_EQ(sheets[0].rows[3][0], "本周无登记的坐班");
}

TEST(ExportTest, ComplianceSheet_ReadByOpenpyxl) {
  ASSERT_TRUE(PythonHas("openpyxl", "python3-openpyxl"));
  pb::ComplianceReport report;
  report.set_month("2022-10");
  *report.mutable_as_of() = ToProtoTime(absl::FromCivil(absl::CivilMinute(2022, 11, 1, 8, 0), Shanghai()));
  pb::ComplianceLine* kept = report.add_lines();
  kept->set_unit("市自然资源局");
  kept->set_leader_name("赵某");
  kept->set_title("局长");
  kept->set_rule(pb::DUTY_RULE_MAIN_MONTHLY);
  kept->set_period("2022-10");
  kept->set_verdict(pb::VERDICT_KEPT);
  kept->set_reason("10月10日上午坐班半天");
  kept->add_record_ids("DK-000001");
  kept->set_plan_words("主要领导原则上每月到中心坐班不少于 1 次，每次不少于半天");
  pb::ComplianceLine* broken = report.add_lines();
  broken->set_unit("市自然资源局");
  broken->set_leader_name("钱某");
  broken->set_title("副局长");
  broken->set_rule(pb::DUTY_RULE_DEPUTY_WEEKLY);
  broken->set_period("2022-W41");
  broken->set_verdict(pb::VERDICT_BROKEN);
  broken->set_reason("本周无全天坐班记录");
  broken->set_plan_words("高频事项的部门分管领导到中心每周坐班不少于一天");
  pb::ComplianceLine* exempt = report.add_lines();
  exempt->set_unit("市财政局");
  exempt->set_leader_name("史某");
  exempt->set_title("局长");
  exempt->set_period("2022-10");
  exempt->set_verdict(pb::VERDICT_EXEMPT);
  exempt->set_reason("经中心同意免于本月坐班");
  exempt->set_exemption_reason("参加省里集中培训");
  report.set_kept(1);
  report.set_broken(1);
  report.set_exempt(1);
  report.set_hours_policy("上午 09:00–12:00，下午 14:00–17:30（中心确定的坐班时段，本地规定）");
  auto xlsx = ComplianceXlsx(report);
  ASSERT_TRUE(xlsx.ok()) << xlsx.status();

  const std::vector<SheetDump> sheets = ReadXlsx(*xlsx);
  ASSERT_EQ(sheets.size(), 1u);
  const SheetDump& s = sheets[0];
  ASSERT_EQ(s.rows.size(), 8u);
  EXPECT_EQ(s.rows[0][0], "市政务服务中心进驻单位领导窗口“坐班”落实情况（2022-10）");
  EXPECT_EQ(s.rows[1][0], "截至 2022-11-01 08:00");
  EXPECT_THAT(s.rows[2], ElementsAre("单位", "领导", "职务", "要求", "期间", "结果", "说明"));
  EXPECT_THAT(s.rows[3], ElementsAre("市自然资源局", "赵某", "局长", "主要领导原则上每月到中心坐班不少于 1 次，每次不少于半天",
                                     "2022-10", "达标", "10月10日上午坐班半天（记录：DK-000001）"));
  EXPECT_EQ(s.rows[4][5], "未达标");
  EXPECT_EQ(s.rows[4][4], "2022-W41");
  EXPECT_EQ(s.rows[5][5], "免于坐班");
  EXPECT_EQ(s.rows[5][6], "经中心同意免于本月坐班；免于坐班理由：参加省里集中培训");
  EXPECT_EQ(s.rows[6][0], "合计");
  EXPECT_EQ(s.rows[6][1], "达标 1，未达标 1，免于坐班 1，未到期 0");
  EXPECT_EQ(s.rows[7][0], "本地规定");
  EXPECT_EQ(s.rows[7][1], "上午 09:00–12:00，下午 14:00–17:30（中心确定的坐班时段，本地规定）");
}

pb::DutyRecord Record(const std::string& id) {
  pb::DutyRecord r;
  r.set_id(id);
  r.set_registration_id("DR-000001");
  r.set_unit("市自然资源局");
  r.set_leader_name("赵某");
  r.set_title("局长");
  r.set_date("2022-10-10");
  r.set_start_time("09:00");
  r.set_end_time("12:00");
  r.set_window("A01");
  r.set_window_name("自然资源综合窗口");
  r.set_summary("接待办事群众12人次，现场督办用地审批1件。\n走流程体验不动产登记。");
  r.set_problems("预审材料清单与省平台不一致，已当场责成业务科室统一。");
  r.set_suggestions("增设帮办代办人员。");
  r.set_other("无");
  r.set_coverage(pb::COVERAGE_HALF_DAY);
  r.set_filed_by("unit:市自然资源局");
  return r;
}

TEST(ExportTest, RecordsOneSheetPerRecordLaidOutLikeForm2_ReadByOpenpyxl) {
  ASSERT_TRUE(PythonHas("openpyxl", "python3-openpyxl"));
  auto xlsx = RecordsXlsx({Record("DK-000001"), Record("DK-000002")});
  ASSERT_TRUE(xlsx.ok()) << xlsx.status();
  const std::vector<SheetDump> sheets = ReadXlsx(*xlsx);
  ASSERT_EQ(sheets.size(), 2u);
  EXPECT_EQ(sheets[0].name, "DK-000001");
  EXPECT_EQ(sheets[1].name, "DK-000002");
  const SheetDump& s = sheets[0];
  ASSERT_GE(s.rows.size(), 7u);
  EXPECT_EQ(s.rows[0][0], "市政务服务中心进驻部门领导窗口 “坐班” 情况记录表");
  EXPECT_THAT(s.rows[1], ElementsAre("“坐班” 领导", "赵某", "职务", "局长"));
  EXPECT_THAT(s.rows[2], ElementsAre("“坐班” 时间", "2022-10-10 09:00–12:00", "“坐班” 窗口", "A01 自然资源综合窗口"));
  EXPECT_THAT(s.rows[3], ElementsAre("坐班基本情况", "接待办事群众12人次，现场督办用地审批1件。\\n走流程体验不动产登记。",
                                     "", ""));
  EXPECT_EQ(s.rows[4][0], "发现的问题及解决情况");
  EXPECT_EQ(s.rows[5][0], "意见建议");
  EXPECT_EQ(s.rows[5][1], "增设帮办代办人员。");
  EXPECT_EQ(s.rows[6][0], "其他");
  EXPECT_THAT(s.merged, ElementsAre("A1:D1", "B4:D4", "B5:D5", "B6:D6", "B7:D7"));
  EXPECT_EQ(s.print[0], "portrait");
  EXPECT_EQ(s.print[1], "9");
}

TEST(ExportTest, NoRecordsGiveOneSheetSayingSo_ReadByOpenpyxl) {
  ASSERT_TRUE(PythonHas("openpyxl", "python3-openpyxl"));
  auto xlsx = RecordsXlsx({});
  ASSERT_TRUE(xlsx.ok()) << xlsx.status();
  const std::vector<SheetDump> sheets = ReadXlsx(*xlsx);
  ASSERT_EQ(sheets.size(), 1u);
  ASSERT_EQ(sheets[0].rows.size(), 2u);
  EXPECT_EQ(sheets[0].rows[1][0], "无记录");
}

TEST(ExportTest, ARecordIdThatCannotNameASheetIsInvalidArgument) {
  auto xlsx = RecordsXlsx({Record("DK/1")});
  ASSERT_FALSE(xlsx.ok());
  EXPECT_EQ(xlsx.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(xlsx.status().message(), HasSubstr("record id 'DK/1' cannot name a worksheet"));
  auto twice = RecordsXlsx({Record("DK-000001"), Record("DK-000001")});
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ExportTest, StaffListAndFindingsOnTwoSheets_ReadByOpenpyxl) {
  ASSERT_TRUE(PythonHas("openpyxl", "python3-openpyxl"));
  pb::StaffMember m;
  m.set_id("WS-000001");
  m.set_unit("市自然资源局");
  m.set_window("A01");
  m.set_name("孙某");
  m.set_employment(pb::EMPLOYMENT_ON_PAYROLL);
  m.set_approval_staff(true);
  m.set_section_head(true);
  m.set_chief_representative(true);
  m.set_posted_date("2021-03-01");
  m.set_posting_letter("饶自然资函〔2021〕12号（示例）");
  pb::StaffCheckReport check;
  check.set_as_of("2022-10-31");
  pb::StaffFinding* f = check.add_findings();
  f->set_unit("市自然资源局");
  f->set_rule(pb::STAFF_RULE_CHIEF_IS_HEAD);
  f->set_kept(true);
  f->set_staff_id("WS-000001");
  f->set_text("首席代表孙某是行政审批科室负责人");
  f->set_plan_words("窗口首席代表必须由行政审批科室负责人担任");
  check.set_kept(1);
  auto xlsx = StaffXlsx({m}, check);
  ASSERT_TRUE(xlsx.ok()) << xlsx.status();
  const std::vector<SheetDump> sheets = ReadXlsx(*xlsx);
  ASSERT_EQ(sheets.size(), 2u);
  EXPECT_EQ(sheets[0].name, "窗口人员");
  ASSERT_EQ(sheets[0].rows.size(), 3u);
  EXPECT_THAT(sheets[0].rows[1], ElementsAre("单位", "窗口", "姓名", "在编/非在编", "行政审批人员", "科室负责人",
                                             "首席代表", "派驻日期", "派驻函"));
  EXPECT_THAT(sheets[0].rows[2], ElementsAre("市自然资源局", "A01", "孙某", "在编", "是", "是", "是", "2021-03-01",
                                             "饶自然资函〔2021〕12号（示例）"));
  EXPECT_EQ(sheets[1].name, "核查结果");
  ASSERT_EQ(sheets[1].rows.size(), 4u);
  EXPECT_THAT(sheets[1].rows[1], ElementsAre("单位", "规则", "结果", "人员", "说明", "办法原文"));
  EXPECT_THAT(sheets[1].rows[2], ElementsAre("市自然资源局", "首席代表由科室负责人担任", "符合", "WS-000001 孙某",
                                             "首席代表孙某是行政审批科室负责人",
                                             "窗口首席代表必须由行政审批科室负责人担任"));
  EXPECT_EQ(sheets[1].rows[3][1], "符合 1，不符合 0");
}

TEST(ExportTest, LeavesNoTemporaryFileBehind) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("ys-export-tmp-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const char* old = std::getenv("TMPDIR");
  const std::string saved = old == nullptr ? "" : old;
  setenv("TMPDIR", dir.c_str(), 1);
  auto xlsx = RegistrationsXlsx("", ThreeRegistrations());
  auto refused = RecordsXlsx({Record("DK/1")});
  if (old == nullptr) unsetenv("TMPDIR");
  else setenv("TMPDIR", saved.c_str(), 1);
  ASSERT_TRUE(xlsx.ok()) << xlsx.status();
  EXPECT_FALSE(refused.ok());
  EXPECT_TRUE(std::filesystem::is_empty(dir));
  std::filesystem::remove_all(dir);
}

// --- .ics through python3-icalendar ----------------------------------------------------------

constexpr char kDumpIcs[] = R"(import sys
from datetime import timezone
from icalendar import Calendar
cal = Calendar.from_ical(open(sys.argv[1], "rb").read())
print("#calendar\t%s\t%s\t%s\t%s\t%s" % (cal.get("PRODID"), cal.get("VERSION"), cal.get("CALSCALE"),
                                         cal.get("X-WR-CALNAME"), cal.get("X-WR-TIMEZONE")))
print("#errors\t%s" % sum(len(c.errors) for c in cal.walk()))
for ev in cal.walk("VEVENT"):
    utc = lambda key: ev.decoded(key).astimezone(timezone.utc).isoformat()
    print("\t".join([str(ev.get("UID")), utc("DTSTART"), utc("DTEND"), str(ev.get("STATUS")),
                     str(ev.decoded("SEQUENCE")), utc("DTSTAMP"), str(ev.get("SUMMARY")), str(ev.get("LOCATION")),
                     str(ev.get("DESCRIPTION")).replace("\n", "|")]))
)";

TEST(CalendarFeedTest, ParsedByPythonIcalendar) {
  ASSERT_TRUE(PythonHas("icalendar", "python3-icalendar"));
  const absl::Time now = absl::FromCivil(absl::CivilMinute(2022, 9, 30, 10, 0), Shanghai());
  auto ics = RenderCalendar("赵某 坐班安排", ThreeRegistrations(), DutyHours{}, now);
  ASSERT_TRUE(ics.ok()) << ics.status();
  TempFile file(*ics, ".ics");
  ProcessOutput out = RunProcess({Python(), "-c", kDumpIcs, file.path()});
  ASSERT_EQ(out.exit_code, 0) << out.text;
  std::cout << out.text;  // UID, DTSTART, DTEND (UTC), STATUS, SEQUENCE per event

  std::vector<std::string> lines = absl::StrSplit(out.text, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 5u) << out.text;
  EXPECT_EQ(lines[0], "#calendar\t-//Yingshang//duty//ZH\t2.0\tGREGORIAN\t赵某 坐班安排\tAsia/Shanghai");
  EXPECT_EQ(lines[1], "#errors\t0");
  // A morning sitting on 2022-10-10 with the default hours 09:00–12:00 in Asia/Shanghai (UTC+8).
  EXPECT_THAT(std::vector<std::string>(absl::StrSplit(lines[2], '\t')),
              ElementsAre("DR-000001@yingshang.shangrao", "2022-10-10T01:00:00+00:00", "2022-10-10T04:00:00+00:00",
                          "CONFIRMED", "0", "2022-09-30T02:00:00+00:00", "坐班：市自然资源局 自然资源综合窗口",
                          "上饶市政务服务中心 A01 自然资源综合窗口",
                          "姓名：赵某|职务：局长|时段：上午 09:00–12:00|登记：按时登记（提前 10 天）"));
  // The afternoon 14:00–17:30, registered late.
  EXPECT_THAT(std::vector<std::string>(absl::StrSplit(lines[3], '\t')),
              ElementsAre("DR-000002@yingshang.shangrao", "2022-10-11T06:00:00+00:00", "2022-10-11T09:30:00+00:00",
                          "CONFIRMED", "0", "2022-09-30T02:00:00+00:00", "坐班：市住房和城乡建设局 住建综合窗口",
                          "上饶市政务服务中心 A03 住建综合窗口",
                          "姓名：周某|职务：副局长|时段：下午 14:00–17:30|登记：逾期登记（提前 3 天，细则要求提前一周）"));
  // A whole day, cancelled: it stays in the feed with a higher SEQUENCE so calendars drop it.
  EXPECT_THAT(std::vector<std::string>(absl::StrSplit(lines[4], '\t')),
              ElementsAre("DR-000003@yingshang.shangrao", "2022-10-12T01:00:00+00:00", "2022-10-12T09:30:00+00:00",
                          "CANCELLED", "1", "2022-09-30T02:00:00+00:00", "坐班：市自然资源局 自然资源综合窗口",
                          "上饶市政务服务中心 A01 自然资源综合窗口",
                          "姓名：赵某|职务：局长|时段：全天 09:00–17:30|登记：已取消：市政府常务会议"));
}

TEST(CalendarFeedTest, HoursComeFromTheCentresPolicy) {
  DutyHours hours;
  hours.morning = Span{8 * 60 + 30, 12 * 60};
  auto ics = RenderCalendar("x", {Reg("DR-000009", "2022-10-10", pb::SESSION_MORNING)}, hours, absl::UnixEpoch());
  ASSERT_TRUE(ics.ok()) << ics.status();
  EXPECT_THAT(*ics, HasSubstr("DTSTART:20221010T003000Z"));
  EXPECT_THAT(*ics, HasSubstr("DTEND:20221010T040000Z"));
  EXPECT_THAT(*ics, HasSubstr("BEGIN:VEVENT"));
}

TEST(CalendarFeedTest, AnEmptyFeedIsAValidCalendarWithNoEvents) {
  auto ics = RenderCalendar("空", {}, DutyHours{}, absl::UnixEpoch());
  ASSERT_TRUE(ics.ok()) << ics.status();
  EXPECT_THAT(*ics, StartsWith("BEGIN:VCALENDAR"));
  EXPECT_THAT(*ics, Not(HasSubstr("BEGIN:VEVENT")));
}

TEST(CalendarFeedTest, RefusesARegistrationWithoutADateOrSession) {
  auto bad_date = RenderCalendar("x", {Reg("DR-000001", "2022-13-01", pb::SESSION_MORNING)}, DutyHours{},
                                 absl::UnixEpoch());
  EXPECT_EQ(bad_date.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_date.status().message(), HasSubstr("registration DR-000001: date '2022-13-01'"));
  auto no_session = RenderCalendar("x", {Reg("DR-000002", "2022-10-10", pb::SESSION_UNSPECIFIED)}, DutyHours{},
                                   absl::UnixEpoch());
  EXPECT_EQ(no_session.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(no_session.status().message(), HasSubstr("registration DR-000002: session is unspecified"));
}

}  // namespace
}  // namespace ys::duty
