// The desk's sweep on a fake clock: the roster on the week's first working day, reminders, a missing
// 表2 flagged, the monthly report with its violations, an overdue replacement — each once.
#include <map>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
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
  ImportSampleDirectory();
  for (int day = 31; day <= 37; ++day) {  // 2022-01-31 .. 2022-02-06, the Spring Festival week
    clock_.Set(absl::FromCivil(absl::CivilMinute(2022, 1, day, 12, 0), Shanghai()));
    // The compliance part cannot judge January 2022's first week (it starts on 2021-12-27, and
    // data/holidays has no 2021): that part says so; the roster part runs regardless.
    absl::StatusOr<DutyDesk::SweepResult> swept = desk_->Sweep();
    if (!swept.ok()) {
      EXPECT_EQ(swept.status().code(), absl::StatusCode::kFailedPrecondition);
      EXPECT_THAT(swept.status().message(), ::testing::HasSubstr("2021"));
    }
  }
  EXPECT_EQ(Kinds()["roster_published"], 0);
  pb::PublishRosterRequest publish;
  publish.set_week_of("2022-02-02");
  pb::Roster roster;
  EXPECT_EQ(stub_->PublishRoster(Ctx().get(), publish, &roster).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
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

TEST_F(DutySchedulerTest, MonthlyReportGoesToTheTwoRecipientsOnTheFirstWorkingDayWithViolationsOnce) {
  ImportSampleDirectory();
  // The first sweep in October (its first working day was 10-08) sends September's report, late, once.
  clock_.Set(ShanghaiTime(2022, 10, 31, 18));
  Sweep();
  Sweep();
  EXPECT_EQ(Kinds()["compliance_report"], 1);
  store_.ClearEvents();
  clock_.Set(ShanghaiTime(2022, 11, 1, 8, 59));  // 2022-11-01 is a Tuesday, a working day
  Sweep();
  EXPECT_EQ(Kinds()["compliance_report"], 0);
  clock_.Set(ShanghaiTime(2022, 11, 1, 9, 0));
  Sweep();
  Sweep();
  auto kinds = Kinds();
  ASSERT_EQ(kinds["compliance_report"], 1);
  for (const auto& e : store_.events()) {
    if (!e.event.has_compliance_report()) continue;
    EXPECT_EQ(e.event.compliance_report().report().month(), "2022-10");
    EXPECT_THAT(e.event.compliance_report().recipients(), ::testing::ElementsAre("市政务服务管理局", "市政府分管领导"));
    EXPECT_GT(e.event.compliance_report().report().broken(), 0);
  }
  EXPECT_GT(kinds["violation"], 0);
  const int violations = kinds["violation"];
  store_.ClearEvents();
  Sweep();
  EXPECT_EQ(Kinds()["violation"], 0) << "violations are sent once, not on every sweep (" << violations << " first)";
}

}  // namespace
}  // namespace ys::duty::testing
