// The desk's sweep on a fake clock: the roster on the week's first working day, reminders, a missing
// 表2 flagged, the monthly report with its violations, an overdue replacement — each once.
#include <map>
#include <set>

#include "absl/strings/match.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/duty/compliance.h"
#include "tests/services/duty/duty_server_fixture.h"

namespace ys::duty::testing {
namespace {

class DutySchedulerTest : public DutyServerTest {
 protected:
  // How many committed events of each kind (the DutyEvent oneof's field name).
  std::map<std::string, int> Kinds() const {
    std::map<std::string, int> out;
    for (const auto& e : store_.events()) {
      const auto* field = e.event.GetDescriptor()->FindFieldByNumber(e.event.kind_case());
      out[field == nullptr ? "none" : std::string(field->name())]++;
    }
    return out;
  }

  void Sweep() {
    absl::StatusOr<DutyDesk::SweepResult> r = desk_->Sweep();
    ASSERT_TRUE(r.ok()) << r.status();
  }

  std::string LeaderOf(const std::string& unit, pb::LeaderRole role) {
    pb::Directory dir;
    EXPECT_TRUE(stub_->GetDirectory(Ctx().get(), pb::GetDirectoryRequest(), &dir).ok());
    for (const auto& u : dir.units()) {
      if (u.name() != unit) continue;
      for (const auto& l : u.leaders()) {
        if (l.role() == role) return l.id();
      }
    }
    return "";
  }
};

TEST_F(DutySchedulerTest, RosterOfWeek2022W40GoesOutOnSaturday08OctAt0800Once) {
  ImportSampleDirectory();
  pb::RegisterRequest req;
  req.set_date("2022-10-09");
  req.set_unit("市自然资源局");
  req.set_window("A01");
  req.set_leader(LeaderOf("市自然资源局", pb::LEADER_ROLE_DEPUTY));
  req.set_session(pb::SESSION_WHOLE_DAY);
  pb::Registration r;
  { grpc::Status st = stub_->Register(Ctx().get(), req, &r); ASSERT_TRUE(st.ok()) << st.error_code() << " " << st.error_message(); }

  // Monday to Friday of the National Day week are off: nothing is published.
  for (int day = 3; day <= 7; ++day) {
    clock_.Set(ShanghaiTime(2022, 10, day, 10));
    Sweep();
    EXPECT_EQ(Kinds()["roster_published"], 0) << "2022-10-0" << day;
  }
  clock_.Set(ShanghaiTime(2022, 10, 8, 7, 59));
  Sweep();
  EXPECT_EQ(Kinds()["roster_published"], 0);
  clock_.Set(ShanghaiTime(2022, 10, 8, 8, 0));
  Sweep();
  Sweep();
  ASSERT_EQ(Kinds()["roster_published"], 1);
  for (const auto& e : store_.events()) {
    if (!e.event.has_roster_published()) continue;
    const pb::Roster& roster = e.event.roster_published().roster();
    EXPECT_EQ(roster.week(), "2022-W40");
    EXPECT_EQ(roster.publish_date(), "2022-10-08");
    ASSERT_EQ(roster.entries_size(), 1);
    EXPECT_EQ(roster.entries(0).date(), "2022-10-09");
    EXPECT_THAT(roster.channels(), ::testing::ElementsAre("政务网站", "微信公众号", "大厅显示屏"));
    EXPECT_EQ(e.key, "2022-W40");
  }
  pb::GetRosterRequest get;
  get.set_week_of("2022-10-05");
  pb::Roster roster;
  ASSERT_TRUE(stub_->GetRoster(Ctx("viewer").get(), get, &roster).ok());
  EXPECT_TRUE(roster.published());
}

TEST_F(DutySchedulerTest, Week2022_01_31PublishesNothing) {
  for (int day = 31; day <= 37; ++day) {  // 2022-01-31 .. 2022-02-06, the Spring Festival week
    clock_.Set(absl::FromCivil(absl::CivilMinute(2022, 1, day, 12, 0), Shanghai()));
    Sweep();
  }
  EXPECT_EQ(Kinds()["roster_published"], 0);
  pb::PublishRosterRequest publish;
  publish.set_week_of("2022-02-02");
  pb::Roster roster;
  EXPECT_EQ(stub_->PublishRoster(Ctx().get(), publish, &roster).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

// The must-show: the sweep itself (the store's once-marks included), on a fake clock that walks every
// day of 2022 and 2023 at 07:59 and 08:00, publishes each week's roster exactly once, on the week's
// first working day by the official calendar, and nothing for a week without one.
TEST_F(DutySchedulerTest, SweepWalks2022And2023DayByDay_OneRosterPerWeekOnItsFirstWorkingDay) {
  std::map<std::string, std::string> published;  // week -> the day its roster went out
  for (absl::CivilDay day(2022, 1, 3); day <= absl::CivilDay(2023, 12, 31); ++day) {
    for (int minute : {7 * 60 + 59, 8 * 60}) {
      clock_.Set(absl::FromCivil(absl::CivilMinute(day) + minute, Shanghai()));
      store_.ClearEvents();
      Sweep();
      for (const auto& e : store_.events()) {
        if (!e.event.has_roster_published()) continue;
        const std::string week = e.event.roster_published().roster().week();
        EXPECT_FALSE(published.contains(week)) << week << " published twice";
        EXPECT_EQ(minute, 8 * 60) << week << " published before 08:00";
        published[week] = FormatIsoDate(day);
      }
    }
  }
  // The expectation from the calendar alone: the first day Monday..Sunday that is a working day.
  int weeks = 0, without = 0;
  for (absl::CivilDay monday(2022, 1, 3); monday <= absl::CivilDay(2023, 12, 25); monday += 7) {
    std::string first;
    for (int i = 0; i < 7 && first.empty(); ++i) {
      if (*calendar_->IsWorkingDay(monday + i)) first = FormatIsoDate(monday + i);
    }
    const std::string week = IsoWeekName(monday);
    ++weeks;
    if (first.empty()) {
      ++without;
      EXPECT_FALSE(published.contains(week)) << week << " has no working day but was published";
    } else {
      EXPECT_EQ(published[week], first) << week;
    }
  }
  EXPECT_EQ(weeks, 104);
  EXPECT_EQ(without, 1);  // 2022-W05, the Spring Festival week
  EXPECT_EQ(published["2022-W40"], "2022-10-08");
  EXPECT_FALSE(published.contains("2022-W05"));
  EXPECT_EQ(published.size(), 103u);
}

TEST_F(DutySchedulerTest, RemindersSevenAndOneDayBeforeEachOnce) {
  ImportSampleDirectory();
  pb::RegisterRequest req;
  req.set_date("2022-10-12");
  req.set_unit("市自然资源局");
  req.set_window("A01");
  req.set_leader(LeaderOf("市自然资源局", pb::LEADER_ROLE_MAIN));
  req.set_session(pb::SESSION_MORNING);
  pb::Registration r;
  { grpc::Status st = stub_->Register(Ctx().get(), req, &r); ASSERT_TRUE(st.ok()) << st.error_code() << " " << st.error_message(); }
  std::vector<int> seen;
  for (int day = 1; day <= 12; ++day) {
    clock_.Set(ShanghaiTime(2022, 10, day, 8, 30));
    store_.ClearEvents();
    Sweep();
    Sweep();
    for (const auto& e : store_.events()) {
      if (e.event.has_reminder()) seen.push_back(day * 100 + e.event.reminder().days_before());
    }
  }
  EXPECT_THAT(seen, ::testing::ElementsAre(5 * 100 + 7, 11 * 100 + 1));
}

TEST_F(DutySchedulerTest, MissingRecordFlaggedThreeWorkingDaysAfterOnce) {
  ImportSampleDirectory();
  pb::RegisterRequest req;
  req.set_date("2022-09-30");  // Friday before the National Day holiday
  req.set_unit("市自然资源局");
  req.set_window("A01");
  req.set_leader(LeaderOf("市自然资源局", pb::LEADER_ROLE_MAIN));
  req.set_session(pb::SESSION_AFTERNOON);
  pb::Registration r;
  { grpc::Status st = stub_->Register(Ctx().get(), req, &r); ASSERT_TRUE(st.ok()) << st.error_code() << " " << st.error_message(); }
  // Three working days after 09-30 are 10-08, 10-09, 10-10: flagged from 10-11.
  EXPECT_EQ(r.record_due_date(), "2022-10-10");
  clock_.Set(ShanghaiTime(2022, 10, 10, 18));
  Sweep();
  EXPECT_EQ(Kinds()["record_overdue"], 0);
  clock_.Set(ShanghaiTime(2022, 10, 11, 9));
  Sweep();
  Sweep();
  EXPECT_EQ(Kinds()["record_overdue"], 1);
}

TEST_F(DutySchedulerTest, MonthlyReportGoesToTheTwoRecipientsOnceEveryPeriodIsDecidedWithEachViolationOnce) {
  ImportSampleDirectory();  // 2022-09-26: the centre reports from October, its first whole month
  // October 2022's last week (W44) ends on 11-06; a 表2 may arrive until 11-09 (3 working days): the
  // report goes out on 11-10 at 09:00. Nothing for August or September (before the directory).
  for (absl::Time t : {ShanghaiTime(2022, 10, 31, 18), ShanghaiTime(2022, 11, 1, 9), ShanghaiTime(2022, 11, 10, 8, 59)}) {
    clock_.Set(t);
    Sweep();
    EXPECT_EQ(Kinds()["compliance_report"], 0) << absl::FormatTime(t, Shanghai());
  }
  clock_.Set(ShanghaiTime(2022, 11, 10, 9, 0));
  Sweep();
  Sweep();
  auto kinds = Kinds();
  ASSERT_EQ(kinds["compliance_report"], 1);
  int broken = -1;
  for (const auto& e : store_.events()) {
    if (!e.event.has_compliance_report()) continue;
    const pb::ComplianceReport& report = e.event.compliance_report().report();
    EXPECT_EQ(report.month(), "2022-10");
    EXPECT_EQ(report.not_over(), 0) << "every period of October is decided";
    EXPECT_EQ(report.grace_working_days(), 3);
    EXPECT_THAT(e.event.compliance_report().recipients(), ::testing::ElementsAre("市政务服务管理局", "市政府分管领导"));
    broken = report.broken();
  }
  // Nobody sat: every 表3 main leader's month (20), every 表3 deputy's week (20 × 5: W40–W44) and every
  // chief not on a staff list (23) broke, and each was sent as its own violation once, as its period was
  // decided (W40 already on 10-31).
  EXPECT_EQ(broken, 20 + 20 * 5 + 23);
  std::set<std::string> sent;
  for (const auto& e : store_.events()) {
    if (!e.event.has_violation()) continue;
    const auto& line = e.event.violation().line();
    EXPECT_TRUE(sent.insert(line.leader_id() + " " + line.period()).second) << "twice: " << line.leader_id();
  }
  EXPECT_EQ(static_cast<int>(sent.size()), broken);
  const int violations = kinds["violation"];
  store_.ClearEvents();
  Sweep();
  EXPECT_EQ(Kinds()["violation"], 0) << "violations are sent once, not on every sweep (" << violations << " first)";
}

}  // namespace
}  // namespace ys::duty::testing
