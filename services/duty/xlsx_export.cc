#include "services/duty/xlsx_export.h"

#include <xlsxwriter.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "common/time/calendar.h"
#include "common/time/clock.h"
#include "common/time/proto_time.h"
#include "common/xlsx/workbook.h"
#include "services/duty/directory.h"

namespace ys::duty {
namespace {

// The forms' own titles (细则 附件1, 附件2).
constexpr char kForm1Title[] = "市政务服务中心进驻部门领导窗口“坐班”登记表";
constexpr char kForm2Title[] = "市政务服务中心进驻部门领导窗口 “坐班” 情况记录表";

constexpr uint8_t kPaperA4 = 9;  // libxlsxwriter's paper index for A4
constexpr double kLinePoints = 15;
constexpr double kMaxRowPoints = 409;  // Excel's highest row

// The cell styles of one workbook (libxlsxwriter formats belong to their workbook).
struct Styles {
  lxw_format* title = nullptr;
  lxw_format* subtitle = nullptr;
  lxw_format* header = nullptr;
  lxw_format* cell = nullptr;
  lxw_format* centred = nullptr;
  lxw_format* label = nullptr;
  lxw_format* block = nullptr;
};

// The centre's forms in a workbook answered as bytes (common/xlsx/workbook.h); its styles belong
// to it (libxlsxwriter formats are the workbook's).
class XlsxFile {
 public:
  XlsxFile(const XlsxFile&) = delete;
  XlsxFile& operator=(const XlsxFile&) = delete;

  static absl::StatusOr<std::unique_ptr<XlsxFile>> Create() {
    absl::StatusOr<std::unique_ptr<XlsxWorkbook>> workbook = XlsxWorkbook::Create("ys-duty-xlsx");
    if (!workbook.ok()) return workbook.status();
    std::unique_ptr<XlsxFile> out(new XlsxFile(*std::move(workbook)));
    out->MakeStyles();
    return out;
  }

  const Styles& styles() const { return styles_; }

  lxw_worksheet* AddSheet(const std::string& name) { return workbook_->AddSheet(name); }

  // INVALID_ARGUMENT when `name` cannot name a worksheet (too long, a character Excel refuses, used).
  absl::Status CheckSheetName(const std::string& name, std::string_view whose) {
    const lxw_error e = workbook_validate_sheet_name(workbook_->get(), name.c_str());
    if (e == LXW_NO_ERROR) return absl::OkStatus();
    return absl::InvalidArgumentError(
        absl::StrFormat("%s cannot name a worksheet: %s", whose, lxw_strerror(e)));
  }

  void Note(lxw_error e, std::string_view what) { workbook_->Note(e, what); }

  // The workbook's bytes.
  absl::StatusOr<std::string> Finish() { return workbook_->Finish(); }

 private:
  explicit XlsxFile(std::unique_ptr<XlsxWorkbook> workbook) : workbook_(std::move(workbook)) {}

  lxw_format* Base() {
    lxw_format* f = workbook_add_format(workbook_->get());
    format_set_font_name(f, "宋体");  // the centre's printed forms
    format_set_font_size(f, 11);
    format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
    return f;
  }
  lxw_format* Bordered() {
    lxw_format* f = Base();
    format_set_border(f, LXW_BORDER_THIN);
    format_set_text_wrap(f);
    return f;
  }

  void MakeStyles() {
    styles_.title = Base();
    format_set_bold(styles_.title);
    format_set_font_size(styles_.title, 16);
    format_set_align(styles_.title, LXW_ALIGN_CENTER);
    format_set_text_wrap(styles_.title);
    styles_.subtitle = Base();
    format_set_align(styles_.subtitle, LXW_ALIGN_CENTER);
    styles_.header = Bordered();
    format_set_bold(styles_.header);
    format_set_align(styles_.header, LXW_ALIGN_CENTER);
    format_set_bg_color(styles_.header, 0xD9D9D9);
    styles_.cell = Bordered();
    styles_.centred = Bordered();
    format_set_align(styles_.centred, LXW_ALIGN_CENTER);
    styles_.label = Bordered();
    format_set_bold(styles_.label);
    format_set_align(styles_.label, LXW_ALIGN_CENTER);
    styles_.block = Bordered();
    format_set_align(styles_.block, LXW_ALIGN_LEFT);
    format_set_align(styles_.block, LXW_ALIGN_VERTICAL_TOP);
  }

  std::unique_ptr<XlsxWorkbook> workbook_;
  Styles styles_;
};

// One worksheet; errors go to the file's first-error slot.
class Sheet {
 public:
  Sheet(XlsxFile& file, lxw_worksheet* ws, std::string name) : file_(file), ws_(ws), name_(std::move(name)) {}

  bool ok() const { return ws_ != nullptr; }

  void Text(lxw_row_t row, lxw_col_t col, const std::string& text, lxw_format* f) {
    if (ws_ == nullptr) return;
    file_.Note(worksheet_write_string(ws_, row, col, text.c_str(), f), Where(row, col));
  }
  void Merge(lxw_row_t row, lxw_col_t first, lxw_col_t last, const std::string& text, lxw_format* f) {
    if (ws_ == nullptr) return;
    file_.Note(worksheet_merge_range(ws_, row, first, row, last, text.c_str(), f), Where(row, first));
  }
  void Row(lxw_row_t row, const std::vector<std::string>& cells, lxw_format* f) {
    for (size_t c = 0; c < cells.size(); ++c) Text(row, static_cast<lxw_col_t>(c), cells[c], f);
  }
  void Widths(const std::vector<double>& widths) {
    if (ws_ == nullptr) return;
    for (size_t c = 0; c < widths.size(); ++c) {
      const auto col = static_cast<lxw_col_t>(c);
      file_.Note(worksheet_set_column(ws_, col, col, widths[c], nullptr), absl::StrCat(name_, " column widths"));
    }
  }
  void Height(lxw_row_t row, double points) {
    if (ws_ == nullptr) return;
    file_.Note(worksheet_set_row(ws_, row, std::min(points, kMaxRowPoints), nullptr), Where(row, 0));
  }
  // A4, fitted to the page's width; `header_row` repeated at the top of every printed page.
  void Print(bool landscape, std::optional<lxw_row_t> header_row) {
    if (ws_ == nullptr) return;
    worksheet_set_paper(ws_, kPaperA4);
    if (landscape) worksheet_set_landscape(ws_);
    else worksheet_set_portrait(ws_);
    worksheet_fit_to_pages(ws_, 1, 0);
    worksheet_center_horizontally(ws_);
    if (header_row) {
      file_.Note(worksheet_repeat_rows(ws_, *header_row, *header_row), absl::StrCat(name_, " print titles"));
      worksheet_freeze_panes(ws_, *header_row + 1, 0);
    }
  }

 private:
  std::string Where(lxw_row_t row, lxw_col_t col) const {
    return absl::StrFormat("sheet %s row %d column %d", name_, row + 1, col + 1);
  }

  XlsxFile& file_;
  lxw_worksheet* ws_;
  std::string name_;
};

Sheet AddSheet(XlsxFile& file, const std::string& name) { return Sheet(file, file.AddSheet(name), name); }

// The height a wrapped text needs in a cell `columns` characters wide, at least `min_lines`.
double HeightFor(const std::string& text, double columns, int min_lines) {
  int lines = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    lines += std::max(1, static_cast<int>((DisplayWidth(std::string_view(line.data(), line.size())) + columns - 1) / columns));
  }
  return std::max(lines, min_lines) * kLinePoints + 6;
}

std::string WindowText(const std::string& code, const std::string& name) {
  if (name.empty()) return code;
  if (code.empty()) return name;
  return absl::StrCat(code, " ", name);
}

// 表1's last column: the week-ahead rule (细则 四1 "提前一周") and cancellations.
std::string RegistrationStanding(const pb::Registration& r) {
  if (r.cancelled()) return absl::StrCat("已取消：", r.cancel_reason());
  if (r.late()) return absl::StrFormat("逾期登记（提前%d天）", r.days_ahead());
  return "按时登记";
}

std::string_view VerdictName(pb::Verdict v) {
  switch (v) {
    case pb::VERDICT_KEPT:
      return "达标";
    case pb::VERDICT_BROKEN:
      return "未达标";
    case pb::VERDICT_EXEMPT:
      return "免于坐班";
    case pb::VERDICT_NOT_OVER:
      return "未到期";
    default:
      return "未判定";
  }
}

std::string_view StaffRuleName(pb::StaffRule rule) {
  switch (rule) {
    case pb::STAFF_RULE_PAYROLL_RATE:
      return "在编率";
    case pb::STAFF_RULE_APPROVAL_ON_PAYROLL:
      return "行政审批人员在编在岗";
    case pb::STAFF_RULE_CHIEF_IS_HEAD:
      return "首席代表由科室负责人担任";
    case pb::STAFF_RULE_HEAD_POSTED:
      return "行政审批科长进驻窗口";
    case pb::STAFF_RULE_ROTATION_LETTER:
      return "换人正式函告";
    case pb::STAFF_RULE_REPLACEMENT:
      return "清退后及时调整人员";
    default:
      return "未指定";
  }
}

std::string_view EmploymentName(pb::Employment e) {
  switch (e) {
    case pb::EMPLOYMENT_ON_PAYROLL:
      return "在编";
    case pb::EMPLOYMENT_OFF_PAYROLL:
      return "非在编";
    default:
      return "未填";
  }
}

std::string YesNo(bool b) { return b ? "是" : "否"; }

std::string ShanghaiMinute(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() == 0 && ts.nanos() == 0) return "";
  return absl::FormatTime("%Y-%m-%d %H:%M", FromProtoTime(ts), Shanghai());
}

std::string_view CoverageName(pb::Coverage c) {
  switch (c) {
    case pb::COVERAGE_HALF_DAY:
      return "半天";
    case pb::COVERAGE_WHOLE_DAY:
      return "全天";
    default:
      return "不足半天";
  }
}

void WriteRecord(Sheet& s, const Styles& st, const pb::DutyRecord& r) {
  // 表2's grid: four columns, label | value | label | value, then full-width text rows.
  s.Widths({16, 30, 16, 30});
  constexpr double kTextColumns = 30 + 16 + 30;
  s.Merge(0, 0, 3, kForm2Title, st.title);
  s.Height(0, 40);
  s.Text(1, 0, "“坐班” 领导", st.label);
  s.Text(1, 1, r.leader_name(), st.centred);
  s.Text(1, 2, "职务", st.label);
  s.Text(1, 3, r.title(), st.centred);
  s.Height(1, 30);
  std::string when = r.date();
  if (!r.start_time().empty() || !r.end_time().empty()) {
    absl::StrAppend(&when, " ", r.start_time(), "–", r.end_time());
  }
  s.Text(2, 0, "“坐班” 时间", st.label);
  s.Text(2, 1, when, st.centred);
  s.Text(2, 2, "“坐班” 窗口", st.label);
  s.Text(2, 3, WindowText(r.window(), r.window_name()), st.centred);
  s.Height(2, 30);
  const std::pair<const char*, const std::string*> blocks[] = {
      {"坐班基本情况", &r.summary()},
      {"发现的问题及解决情况", &r.problems()},
      {"意见建议", &r.suggestions()},
      {"其他", &r.other()},
  };
  lxw_row_t row = 3;
  for (const auto& [label, text] : blocks) {
    s.Text(row, 0, label, st.label);
    s.Merge(row, 1, 3, *text, st.block);
    s.Height(row, HeightFor(*text, kTextColumns, row < 5 ? 6 : 3));
    ++row;
  }
  // What the system adds to the paper form: which sitting it records and how it was filed.
  s.Text(row, 0, "记录编号", st.label);
  s.Text(row, 1, r.id(), st.centred);
  s.Text(row, 2, "对应登记", st.label);
  s.Text(row, 3, r.registration_id().empty() ? "（未登记的坐班）" : r.registration_id(), st.centred);
  ++row;
  s.Text(row, 0, "报送", st.label);
  s.Text(row, 1,
         absl::StrCat(ShanghaiMinute(r.filed_at()), " ", r.filed_by(), r.paper() ? "（纸质）" : "（电子版）"),
         st.centred);
  s.Text(row, 2, "计为", st.label);
  s.Text(row, 3, std::string(CoverageName(r.coverage())), st.centred);
  s.Print(/*landscape=*/false, std::nullopt);
}

}  // namespace

absl::StatusOr<std::string> RegistrationsXlsx(const std::string& title,
                                              const std::vector<pb::Registration>& registrations) {
  absl::StatusOr<std::unique_ptr<XlsxFile>> file = XlsxFile::Create();
  if (!file.ok()) return file.status();
  const Styles& st = (*file)->styles();
  Sheet s = AddSheet(**file, "登记表");
  constexpr lxw_col_t kLast = std::size(kForm1Columns) - 1;
  s.Widths({12, 26, 28, 10, 20, 8, 30});
  s.Merge(0, 0, kLast, title.empty() ? std::string(kForm1Title) : absl::StrCat(kForm1Title, " ", title), st.title);
  s.Height(0, 36);
  for (lxw_col_t c = 0; c <= kLast; ++c) s.Text(1, c, kForm1Columns[c], st.header);
  lxw_row_t row = 2;
  for (const pb::Registration& r : registrations) {
    s.Text(row, 0, r.date(), st.centred);
    s.Text(row, 1, r.unit(), st.cell);
    s.Text(row, 2, WindowText(r.window(), r.window_name()), st.cell);
    s.Text(row, 3, r.leader_name(), st.centred);
    s.Text(row, 4, r.title(), st.cell);
    s.Text(row, 5, std::string(SessionName(r.session())), st.centred);
    s.Text(row, 6, RegistrationStanding(r), st.cell);
    ++row;
  }
  s.Print(/*landscape=*/true, /*header_row=*/1);
  return (*file)->Finish();
}

absl::StatusOr<std::string> RecordsXlsx(const std::vector<pb::DutyRecord>& records) {
  absl::StatusOr<std::unique_ptr<XlsxFile>> file = XlsxFile::Create();
  if (!file.ok()) return file.status();
  const Styles& st = (*file)->styles();
  if (records.empty()) {
    Sheet s = AddSheet(**file, "表2");
    s.Widths({16, 30, 16, 30});
    s.Merge(0, 0, 3, kForm2Title, st.title);
    s.Height(0, 40);
    s.Merge(1, 0, 3, "无记录", st.centred);
    s.Print(/*landscape=*/false, std::nullopt);
    return (*file)->Finish();
  }
  for (const pb::DutyRecord& r : records) {
    if (absl::Status ok = (*file)->CheckSheetName(r.id(), absl::StrCat("record id '", r.id(), "'")); !ok.ok()) {
      return ok;
    }
    Sheet s = AddSheet(**file, r.id());
    WriteRecord(s, st, r);
  }
  return (*file)->Finish();
}

absl::StatusOr<std::string> RosterXlsx(const pb::Roster& roster) {
  absl::StatusOr<std::unique_ptr<XlsxFile>> file = XlsxFile::Create();
  if (!file.ok()) return file.status();
  const Styles& st = (*file)->styles();
  Sheet s = AddSheet(**file, "坐班名单");
  const std::vector<std::string> header = {"日期", "时段", "进驻部门", "窗口", "姓名", "职务"};
  const auto last = static_cast<lxw_col_t>(header.size() - 1);
  s.Widths({12, 8, 26, 28, 10, 20});
  s.Merge(0, 0, last, absl::StrFormat("市政务服务中心进驻单位领导坐班名单（%s）", roster.week()), st.title);
  s.Height(0, 36);
  std::string when;
  if (absl::StatusOr<absl::CivilDay> monday = ParseIsoDate(roster.week_start()); monday.ok()) {
    when = absl::StrFormat("%s 至 %s　", FormatIsoDate(*monday), FormatIsoDate(*monday + 6));
  }
  // 细则 四1: published on the week's first working day.
  absl::StrAppend(&when, roster.no_working_day() ? "本周无工作日，不公布名单"
                                                 : absl::StrCat("公布日期：", roster.publish_date()));
  s.Merge(1, 0, last, when, st.subtitle);
  s.Row(2, header, st.header);
  lxw_row_t row = 3;
  for (const pb::RosterEntry& e : roster.entries()) {
    s.Text(row, 0, e.date(), st.centred);
    s.Text(row, 1, std::string(SessionName(e.session())), st.centred);
    s.Text(row, 2, e.unit(), st.cell);
    s.Text(row, 3, WindowText(e.window(), e.window_name()), st.cell);
    s.Text(row, 4, e.leader_name(), st.centred);
    s.Text(row, 5, e.title(), st.cell);
    ++row;
  }
  if (roster.entries().empty()) s.Merge(row++, 0, last, "本周无登记的坐班", st.centred);
  if (!roster.channels().empty()) {
    s.Merge(row, 0, last, absl::StrCat("公布平台：", absl::StrJoin(roster.channels(), "、")), st.subtitle);
  }
  s.Print(/*landscape=*/true, /*header_row=*/2);
  return (*file)->Finish();
}

absl::StatusOr<std::string> ComplianceXlsx(const pb::ComplianceReport& report) {
  absl::StatusOr<std::unique_ptr<XlsxFile>> file = XlsxFile::Create();
  if (!file.ok()) return file.status();
  const Styles& st = (*file)->styles();
  Sheet s = AddSheet(**file, "坐班落实情况");
  const std::vector<std::string> header = {"单位", "领导", "职务", "要求", "期间", "结果", "说明"};
  const auto last = static_cast<lxw_col_t>(header.size() - 1);
  s.Widths({24, 10, 16, 36, 11, 10, 44});
  std::string title = absl::StrFormat("市政务服务中心进驻单位领导窗口“坐班”落实情况（%s）", report.month());
  if (!report.unit().empty()) absl::StrAppend(&title, " ", report.unit());
  s.Merge(0, 0, last, title, st.title);
  s.Height(0, 36);
  const std::string as_of = ShanghaiMinute(report.as_of());
  s.Merge(1, 0, last, as_of.empty() ? "" : absl::StrCat("截至 ", as_of), st.subtitle);
  s.Row(2, header, st.header);
  lxw_row_t row = 3;
  for (const pb::ComplianceLine& l : report.lines()) {
    std::string note = l.reason();
    if (!l.exemption_reason().empty()) absl::StrAppend(&note, "；免于坐班理由：", l.exemption_reason());
    if (!l.record_ids().empty()) absl::StrAppend(&note, "（记录：", absl::StrJoin(l.record_ids(), "、"), "）");
    s.Text(row, 0, l.unit(), st.cell);
    s.Text(row, 1, l.leader_name(), st.centred);
    s.Text(row, 2, l.title(), st.cell);
    s.Text(row, 3, l.plan_words(), st.cell);
    s.Text(row, 4, l.period(), st.centred);
    s.Text(row, 5, std::string(VerdictName(l.verdict())), st.centred);
    s.Text(row, 6, note, st.cell);
    s.Height(row, std::max(HeightFor(l.plan_words(), 36, 1), HeightFor(note, 44, 1)));
    ++row;
  }
  s.Text(row, 0, "合计", st.label);
  s.Merge(row, 1, last,
          absl::StrFormat("达标 %d，未达标 %d，免于坐班 %d，未到期 %d", report.kept(), report.broken(),
                          report.exempt(), report.not_over()),
          st.cell);
  ++row;
  // The half-day and whole-day hours are the centre's choice, not the plan's.
  s.Text(row, 0, "本地规定", st.label);
  s.Merge(row, 1, last, report.hours_policy(), st.cell);
  s.Print(/*landscape=*/true, /*header_row=*/2);
  return (*file)->Finish();
}

absl::StatusOr<std::string> StaffXlsx(const std::vector<pb::StaffMember>& staff,
                                      const pb::StaffCheckReport& check) {
  absl::StatusOr<std::unique_ptr<XlsxFile>> file = XlsxFile::Create();
  if (!file.ok()) return file.status();
  const Styles& st = (*file)->styles();

  Sheet list = AddSheet(**file, "窗口人员");
  const std::vector<std::string> header = {"单位",     "窗口",     "姓名",     "在编/非在编", "行政审批人员",
                                           "科室负责人", "首席代表", "派驻日期", "派驻函"};
  const auto last = static_cast<lxw_col_t>(header.size() - 1);
  list.Widths({24, 10, 10, 12, 12, 11, 10, 12, 30});
  list.Merge(0, 0, last, "市政务服务中心窗口工作人员名单", st.title);
  list.Height(0, 36);
  list.Row(1, header, st.header);
  lxw_row_t row = 2;
  std::map<std::string, std::string> names;
  for (const pb::StaffMember& m : staff) {
    names[m.id()] = m.name();
    list.Row(row++,
             {m.unit(), m.window(), m.name(), std::string(EmploymentName(m.employment())), YesNo(m.approval_staff()),
              YesNo(m.section_head()), YesNo(m.chief_representative()), m.posted_date(), m.posting_letter()},
             st.cell);
  }
  list.Print(/*landscape=*/true, /*header_row=*/1);

  Sheet findings = AddSheet(**file, "核查结果");
  const std::vector<std::string> check_header = {"单位", "规则", "结果", "人员", "说明", "办法原文"};
  const auto check_last = static_cast<lxw_col_t>(check_header.size() - 1);
  findings.Widths({24, 22, 8, 18, 44, 44});
  findings.Merge(0, 0, check_last, absl::StrFormat("窗口工作人员核查结果（截至 %s）", check.as_of()), st.title);
  findings.Height(0, 36);
  findings.Row(1, check_header, st.header);
  row = 2;
  for (const pb::StaffFinding& f : check.findings()) {
    std::string who = f.staff_id();
    if (auto it = names.find(f.staff_id()); it != names.end()) absl::StrAppend(&who, " ", it->second);
    findings.Row(row, {f.unit(), std::string(StaffRuleName(f.rule())), f.kept() ? "符合" : "不符合", who, f.text(),
                       f.plan_words()},
                 st.cell);
    findings.Height(row, std::max(HeightFor(f.text(), 44, 1), HeightFor(f.plan_words(), 44, 1)));
    ++row;
  }
  findings.Text(row, 0, "合计", st.label);
  findings.Merge(row, 1, check_last, absl::StrFormat("符合 %d，不符合 %d", check.kept(), check.broken()), st.cell);
  findings.Print(/*landscape=*/true, /*header_row=*/1);
  return (*file)->Finish();
}

}  // namespace ys::duty
