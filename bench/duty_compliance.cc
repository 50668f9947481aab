// bench/duty_compliance (issue 13): the duty compliance report for the 20 表3 units × 3 leaders over
// the records of one year (2022), month by month, beside a plain scan of the same rows measured in
// the same run: one pass over the records counting, per (leader, month), those of at least half a
// day. The records are made up here (SAMPLE): main leaders 1–2 half days a month, deputies one whole
// day in most weeks. No servers needed. Figures are medians of 5 rounds; nothing is asserted.
//   duty_compliance [--rounds N]
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/strings/str_format.h"
#include "common/time/calendar.h"
#include "common/time/embedded_holidays.h"
#include "services/duty/compliance.h"
#include "services/duty/hours.h"

namespace pb = ::yingshang::duty::v1;

namespace {

// 表3 市政务服务中心高频事项进驻单位（20 家）, as the work plan lists them.
constexpr const char* kUnits[] = {
    "市自然资源局", "市住房和城乡建设局", "市应急管理局", "市医疗保障局",
    "市文化广电新闻出版旅游局", "市水利局", "市市场监督管理局", "市生态环境局",
    "市人力资源和社会保障局", "市林业局", "市公安局", "市交通运输局",
    "市发展和改革委员会", "市城市管理局", "市税务局", "市不动产登记中心",
    "市公积金管理中心", "市交警支队", "国网上饶供电公司", "市水业集团"};

// January 2022's first ISO week starts on 2021-12-27, so judging it needs 2021's arrangement, which
// data/holidays does not hold (it starts at 2022; without it ComputeCompliance for 2022-01 is
// FAILED_PRECONDITION). The bench adds it: 国办发明电〔2020〕27号 as holiday-cn's 2021.json records
// it (NateScarlet/holiday-cn, MIT), the same source and schema as data/holidays.
constexpr char kHolidays2021[] = R"({"year": 2021, "papers": [], "days": [
 {"name":"元旦","date":"2021-01-01","isOffDay":true}, {"name":"元旦","date":"2021-01-02","isOffDay":true},
 {"name":"元旦","date":"2021-01-03","isOffDay":true}, {"name":"春节","date":"2021-02-07","isOffDay":false},
 {"name":"春节","date":"2021-02-11","isOffDay":true}, {"name":"春节","date":"2021-02-12","isOffDay":true},
 {"name":"春节","date":"2021-02-13","isOffDay":true}, {"name":"春节","date":"2021-02-14","isOffDay":true},
 {"name":"春节","date":"2021-02-15","isOffDay":true}, {"name":"春节","date":"2021-02-16","isOffDay":true},
 {"name":"春节","date":"2021-02-17","isOffDay":true}, {"name":"春节","date":"2021-02-20","isOffDay":false},
 {"name":"清明节","date":"2021-04-03","isOffDay":true}, {"name":"清明节","date":"2021-04-04","isOffDay":true},
 {"name":"清明节","date":"2021-04-05","isOffDay":true}, {"name":"劳动节","date":"2021-04-25","isOffDay":false},
 {"name":"劳动节","date":"2021-05-01","isOffDay":true}, {"name":"劳动节","date":"2021-05-02","isOffDay":true},
 {"name":"劳动节","date":"2021-05-03","isOffDay":true}, {"name":"劳动节","date":"2021-05-04","isOffDay":true},
 {"name":"劳动节","date":"2021-05-05","isOffDay":true}, {"name":"劳动节","date":"2021-05-08","isOffDay":false},
 {"name":"端午节","date":"2021-06-12","isOffDay":true}, {"name":"端午节","date":"2021-06-13","isOffDay":true},
 {"name":"端午节","date":"2021-06-14","isOffDay":true}, {"name":"中秋节","date":"2021-09-18","isOffDay":false},
 {"name":"中秋节","date":"2021-09-19","isOffDay":true}, {"name":"中秋节","date":"2021-09-20","isOffDay":true},
 {"name":"中秋节","date":"2021-09-21","isOffDay":true}, {"name":"国庆节","date":"2021-09-26","isOffDay":false},
 {"name":"国庆节","date":"2021-10-01","isOffDay":true}, {"name":"国庆节","date":"2021-10-02","isOffDay":true},
 {"name":"国庆节","date":"2021-10-03","isOffDay":true}, {"name":"国庆节","date":"2021-10-04","isOffDay":true},
 {"name":"国庆节","date":"2021-10-05","isOffDay":true}, {"name":"国庆节","date":"2021-10-06","isOffDay":true},
 {"name":"国庆节","date":"2021-10-07","isOffDay":true}, {"name":"国庆节","date":"2021-10-09","isOffDay":false}]})";

int Fail(const absl::Status& s) {
  std::fprintf(stderr, "duty_compliance: %s\n", s.ToString().c_str());
  return 1;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// The working days of the week of `monday`, in order.
std::vector<absl::CivilDay> WorkingDays(absl::CivilDay monday, const ys::WorkingDayCalendar& calendar) {
  std::vector<absl::CivilDay> out;
  for (absl::CivilDay d = monday; d < monday + 7; ++d) {
    auto w = calendar.IsWorkingDay(d);
    if (w.ok() && *w) out.push_back(d);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::string(argv[i]) == "--rounds") rounds = std::max(1, std::atoi(argv[i + 1]));
  }
  std::vector<std::string> documents = ys::EmbeddedHolidayDocuments();
  documents.push_back(kHolidays2021);
  auto calendar = ys::WorkingDayCalendar::FromJsonDocuments(documents);
  if (!calendar.ok()) return Fail(calendar.status());

  // The directory: 20 high-frequency units, each with its 主要领导, 分管领导 and 行政审批科长.
  pb::Directory directory;
  directory.set_version(1);
  std::vector<pb::StaffMember> staff;
  for (int u = 0; u < 20; ++u) {
    pb::ResidentUnit* unit = directory.add_units();
    unit->set_name(kUnits[u]);
    unit->set_high_frequency(true);
    pb::Window* window = unit->add_windows();
    window->set_code(absl::StrFormat("A%02d", u + 1));
    window->set_name("综合窗口");
    const struct {
      const char* suffix;
      const char* title;
      pb::LeaderRole role;
    } roles[] = {{"main", "局长", pb::LEADER_ROLE_MAIN},
                 {"deputy", "副局长", pb::LEADER_ROLE_DEPUTY},
                 {"chief", "行政审批科科长", pb::LEADER_ROLE_APPROVAL_CHIEF}};
    for (const auto& r : roles) {
      pb::Leader* l = unit->add_leaders();
      l->set_id(absl::StrFormat("u%02d-%s", u + 1, r.suffix));
      l->set_name(absl::StrFormat("【样例】%s%02d", r.suffix, u + 1));
      l->set_title(r.title);
      l->set_role(r.role);
    }
    if (u % 10 != 9) {  // two chiefs are missing from the staff list
      pb::StaffMember m;
      m.set_id(absl::StrFormat("WS-%06d", u + 1));
      m.set_unit(kUnits[u]);
      m.set_window(window->code());
      m.set_name(absl::StrFormat("【样例】chief%02d", u + 1));
      m.set_section_head(true);
      m.set_posted_date("2021-06-01");
      m.set_active(true);
      staff.push_back(m);
    }
  }

  // A year of SAMPLE records, sorted by date as the store returns them.
  std::mt19937 rng(2022);
  std::vector<pb::DutyRecord> records;
  int next_id = 1;
  auto add = [&](int u, const char* who, absl::CivilDay date, pb::Coverage coverage) {
    pb::DutyRecord r;
    r.set_id(absl::StrFormat("DK-%06d", next_id++));
    r.set_unit(kUnits[u]);
    r.set_leader_id(absl::StrFormat("u%02d-%s", u + 1, who));
    r.set_date(ys::FormatIsoDate(date));
    r.set_coverage(coverage);
    records.push_back(r);
  };
  for (absl::CivilDay monday(2022, 1, 3); monday <= absl::CivilDay(2022, 12, 26); monday += 7) {
    const std::vector<absl::CivilDay> days = WorkingDays(monday, *calendar);
    if (days.empty()) continue;
    for (int u = 0; u < 20; ++u) {
      if (rng() % 8 == 0) continue;  // about one week in eight missed
      add(u, "deputy", days[rng() % days.size()], pb::COVERAGE_WHOLE_DAY);
    }
  }
  for (int month = 1; month <= 12; ++month) {
    std::vector<absl::CivilDay> days;
    for (absl::CivilDay d(2022, month, 1); d.month() == month; ++d) {
      auto w = calendar->IsWorkingDay(d);
      if (w.ok() && *w) days.push_back(d);
    }
    for (int u = 0; u < 20; ++u) {
      // 0, 1 or 2: some months missed; u03's March is (the month its exemption covers).
      const int sittings = month == 3 && u == 2 ? 0 : static_cast<int>(rng() % 3);
      for (int i = 0; i < std::max(1, sittings); ++i) {
        // A month with "0" still has a sitting, shorter than half a day: on file, not counted.
        add(u, "main", days[rng() % days.size()], sittings == 0 ? pb::COVERAGE_UNSPECIFIED : pb::COVERAGE_HALF_DAY);
      }
    }
  }
  std::sort(records.begin(), records.end(),
            [](const pb::DutyRecord& a, const pb::DutyRecord& b) { return a.date() < b.date(); });
  std::vector<pb::Exemption> exemptions;
  {
    pb::Exemption e;  // one main leader excused in March
    e.set_leader_id("u03-main");
    e.set_unit(kUnits[2]);
    e.set_month("2022-03");
    e.set_reason("【样例】参加省委党校学习");
    exemptions.push_back(e);
  }

  // Each month's input holds what the service would read for it: the records from the Monday of the
  // week holding the 1st to the Sunday of the week holding the last day.
  std::vector<std::vector<pb::DutyRecord>> month_records(12);
  for (int month = 1; month <= 12; ++month) {
    const absl::CivilDay first(2022, month, 1);
    const absl::CivilDay last = absl::CivilDay(absl::CivilMonth(2022, month) + 1) - 1;
    const std::string from = ys::FormatIsoDate(ys::duty::MondayOf(first));
    const std::string to = ys::FormatIsoDate(ys::duty::MondayOf(last) + 6);
    for (const pb::DutyRecord& r : records) {
      if (r.date() >= from && r.date() <= to) month_records[month - 1].push_back(r);
    }
  }

  const ys::duty::DutyHours hours;
  const absl::CivilDay today(2023, 1, 16);  // every 2022 week is over
  std::vector<pb::ComplianceReport> reports(12);
  auto run_compliance = [&]() -> absl::Status {
    for (int month = 1; month <= 12; ++month) {
      ys::duty::ComplianceInput input;
      input.directory = &directory;
      input.month = absl::StrFormat("2022-%02d", month);
      input.records = &month_records[month - 1];
      input.exemptions = &exemptions;
      input.staff = &staff;
      input.today = today;
      auto report = ys::duty::ComputeCompliance(input, *calendar, hours);
      if (!report.ok()) return report.status();
      reports[month - 1] = std::move(*report);
    }
    return absl::OkStatus();
  };
  // The baseline: one pass over the year's rows, counting per (leader, month) the sittings of at
  // least half a day.
  std::unordered_map<std::string, std::array<int, 12>> counters;
  auto run_plain_scan = [&]() -> absl::Status {
    counters.clear();
    for (const pb::DutyRecord& r : records) {
      if (r.coverage() < pb::COVERAGE_HALF_DAY) continue;
      auto date = ys::ParseIsoDate(r.date());
      if (!date.ok()) return date.status();
      ++counters.try_emplace(r.leader_id(), std::array<int, 12>{})
            .first->second[static_cast<size_t>(date->month() - 1)];
    }
    return absl::OkStatus();
  };

  using Clock = std::chrono::steady_clock;
  std::vector<double> compliance_ms, scan_ms;
  if (auto s = run_compliance(); !s.ok()) return Fail(s);  // warm-up
  if (auto s = run_plain_scan(); !s.ok()) return Fail(s);
  for (int round = 0; round < rounds; ++round) {
    auto t0 = Clock::now();
    if (auto s = run_compliance(); !s.ok()) return Fail(s);
    auto t1 = Clock::now();
    if (auto s = run_plain_scan(); !s.ok()) return Fail(s);
    auto t2 = Clock::now();
    compliance_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    scan_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
  }

  std::printf("duty_compliance: 20 表3 units x 3 leaders, %zu SAMPLE records of 2022, %d rounds\n",
              records.size(), rounds);
  std::printf("  %-8s %8s %6s %6s %6s %6s %9s\n", "month", "records", "lines", "kept", "broken", "exempt",
              "not_over");
  size_t sliced = 0, lines = 0;
  for (int month = 1; month <= 12; ++month) {
    const pb::ComplianceReport& r = reports[month - 1];
    sliced += month_records[month - 1].size();
    lines += static_cast<size_t>(r.lines_size());
    std::printf("  %-8s %8zu %6d %6d %6d %6d %9d\n", r.month().c_str(), month_records[month - 1].size(),
                r.lines_size(), r.kept(), r.broken(), r.exempt(), r.not_over());
  }
  const double compliance = Median(compliance_ms), scan = Median(scan_ms);
  std::printf("  %-8s %8zu %6zu\n", "total", sliced, lines);
  std::printf("  plain scan (baseline): %zu rows, %zu leaders counted  %10.3f ms\n", records.size(),
              counters.size(), scan);
  std::printf("  compliance, 12 months:  %zu rows read, %zu lines      %10.3f ms\n", sliced, lines, compliance);
  std::printf("  ratio compliance / plain scan                  %10.2f\n", compliance / scan);
  return 0;
}
