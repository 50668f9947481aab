#include "services/duty/registration_rules.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace ys::duty {
namespace {

const WorkingDayCalendar& Calendar() {
  static const WorkingDayCalendar* c = new WorkingDayCalendar(*WorkingDayCalendar::LoadEmbedded());
  return *c;
}

constexpr char kZrzy[] = "市自然资源局";
constexpr char kZj[] = "市住房和城乡建设局";

void AddLeader(pb::ResidentUnit* u, std::string id, std::string name, std::string title, pb::LeaderRole role) {
  pb::Leader* l = u->add_leaders();
  l->set_id(std::move(id));
  l->set_name(std::move(name));
  l->set_title(std::move(title));
  l->set_role(role);
}

// Two units: one window at 自然资源局, two at 住建局; 李某 is a name both units' deputies share.
pb::Directory TestDirectory() {
  pb::Directory d;
  d.set_version(1);
  pb::ResidentUnit* zrzy = d.add_units();
  zrzy->set_name(kZrzy);
  zrzy->set_high_frequency(true);
  pb::Window* a01 = zrzy->add_windows();
  a01->set_code("A01");
  a01->set_name("自然资源综合窗口");
  AddLeader(zrzy, "zrzy-main", "张某", "局长", pb::LEADER_ROLE_MAIN);
  AddLeader(zrzy, "zrzy-deputy", "李某", "副局长", pb::LEADER_ROLE_DEPUTY);
  AddLeader(zrzy, "zrzy-chief", "王某", "行政审批科科长", pb::LEADER_ROLE_APPROVAL_CHIEF);
  pb::ResidentUnit* zj = d.add_units();
  zj->set_name(kZj);
  zj->set_high_frequency(true);
  for (auto [code, name] : {std::pair{"B01", "住建审批窗口"}, std::pair{"B02", "房产交易窗口"}}) {
    pb::Window* w = zj->add_windows();
    w->set_code(code);
    w->set_name(name);
  }
  AddLeader(zj, "zj-main", "赵某", "局长", pb::LEADER_ROLE_MAIN);
  AddLeader(zj, "zj-deputy", "李某", "副局长", pb::LEADER_ROLE_DEPUTY);
  return d;
}

const pb::Directory& Dir() {
  static const pb::Directory* d = new pb::Directory(TestDirectory());
  return *d;
}

Actor Centre() { return Actor{"管理科", true, std::nullopt}; }
Actor UnitKey(std::string unit) { return Actor{"unit:" + unit, false, unit}; }

pb::RegisterRequest Request(std::string date, std::string leader = "zrzy-main",
                            pb::Session session = pb::SESSION_MORNING, std::string unit = kZrzy) {
  pb::RegisterRequest r;
  r.set_date(std::move(date));
  r.set_unit(std::move(unit));
  r.set_leader(std::move(leader));
  r.set_session(session);
  return r;
}

absl::StatusOr<pb::Registration> Decide(const pb::RegisterRequest& request, absl::CivilDay today,
                                        const Actor& actor = Centre(),
                                        const std::vector<pb::Registration>& same_day = {}) {
  return DecideRegistration(request, Dir(), Calendar(), same_day, actor, today, RegistrationPolicy{});
}

pb::Registration Booked(std::string id, std::string date, pb::Session session, bool cancelled = false,
                        std::string leader_id = "zrzy-main") {
  pb::Registration r;
  r.set_id(std::move(id));
  r.set_date(std::move(date));
  r.set_unit(kZrzy);
  r.set_leader_id(std::move(leader_id));
  r.set_session(session);
  r.set_cancelled(cancelled);
  return r;
}

bool Mentions(const absl::Status& s, std::string_view text) {
  return std::string(s.message()).find(text) != std::string::npos;
}

// ---- 表1 登记表 ----

TEST(RegistrationTest, FillsEveryFieldOfTheForm) {
  auto r = Decide(Request("2022-10-10"), absl::CivilDay(2022, 9, 28));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->date(), "2022-10-10");
  EXPECT_EQ(r->unit(), kZrzy);
  EXPECT_EQ(r->window(), "A01");  // the unit's only window
  EXPECT_EQ(r->window_name(), "自然资源综合窗口");
  EXPECT_EQ(r->leader_id(), "zrzy-main");
  EXPECT_EQ(r->leader_name(), "张某");
  EXPECT_EQ(r->title(), "局长");
  EXPECT_EQ(r->role(), pb::LEADER_ROLE_MAIN);
  EXPECT_EQ(r->session(), pb::SESSION_MORNING);
  EXPECT_FALSE(r->paper());
  EXPECT_FALSE(r->late());
  EXPECT_EQ(r->days_ahead(), 12);
  EXPECT_FALSE(r->cancelled());
  // Three working days after Monday 10-10.
  EXPECT_EQ(r->record_due_date(), "2022-10-13");
  EXPECT_TRUE(r->id().empty());  // the caller's
}

TEST(RegistrationTest, LeaderByNameWithinTheUnitAndWindowByCode) {
  pb::RegisterRequest req = Request("2022-10-10", "李某", pb::SESSION_WHOLE_DAY, kZj);
  req.set_window("B02");
  auto r = Decide(req, absl::CivilDay(2022, 9, 28));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->leader_id(), "zj-deputy");
  EXPECT_EQ(r->window(), "B02");
  EXPECT_EQ(r->window_name(), "房产交易窗口");
  EXPECT_EQ(r->role(), pb::LEADER_ROLE_DEPUTY);
}

TEST(RegistrationTest, UnitDefaultsFromTheLeaderId) {
  pb::RegisterRequest req = Request("2022-10-10", "zj-main", pb::SESSION_MORNING, "");
  req.set_window("B01");
  auto r = Decide(req, absl::CivilDay(2022, 9, 28));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->unit(), kZj);
}

TEST(RegistrationTest, DateMustBeAWorkingDayNamingTheHoliday) {
  const absl::CivilDay today(2022, 9, 20);
  auto holiday = Decide(Request("2022-10-01"), today);
  EXPECT_EQ(holiday.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(holiday.status().message(), "date 2022-10-01 is not a working day (国庆节)");
  auto weekday_off = Decide(Request("2022-10-05"), today);  // a Wednesday in 国庆
  EXPECT_EQ(weekday_off.status().message(), "date 2022-10-05 is not a working day (国庆节)");
  auto saturday = Decide(Request("2022-10-15"), today);
  EXPECT_EQ(saturday.status().message(), "date 2022-10-15 is not a working day (星期六)");
  auto sunday = Decide(Request("2022-10-16"), today);
  EXPECT_EQ(sunday.status().message(), "date 2022-10-16 is not a working day (星期日)");
}

TEST(RegistrationTest, TiaoxiuSaturdayIsAcceptedAsAWorkingDay) {
  // 2022-10-08 is a Saturday worked in exchange for 国庆 (调休上班).
  auto r = Decide(Request("2022-10-08"), absl::CivilDay(2022, 9, 26));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->date(), "2022-10-08");
  // Its record is due three working days later: Sunday 10-09 (also 调休), Monday 10-10, Tuesday 10-11.
  EXPECT_EQ(r->record_due_date(), "2022-10-11");
}

TEST(RegistrationTest, YearWithoutAPublishedArrangementIsNotGuessed) {
  auto r = Decide(Request("2031-03-03"), absl::CivilDay(2031, 2, 1));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(RegistrationTest, PastDateIsRefusedTodayIsLate) {
  const absl::CivilDay today(2022, 10, 10);
  auto past = Decide(Request("2022-10-09"), today);  // a 调休 Sunday, but yesterday
  EXPECT_EQ(past.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(past.status().message(), "date 2022-10-09 is in the past (today is 2022-10-10)");
  auto same_day = Decide(Request("2022-10-10"), today);
  ASSERT_TRUE(same_day.ok()) << same_day.status();
  EXPECT_TRUE(same_day->late());
  EXPECT_EQ(same_day->days_ahead(), 0);
}

TEST(RegistrationTest, LateAtSixDaysAheadNotAtSeven) {
  // 细则 四1 "提前一周": seven calendar days ahead is in time, six is late (accepted and flagged).
  auto seven = Decide(Request("2022-10-17"), absl::CivilDay(2022, 10, 10));
  ASSERT_TRUE(seven.ok()) << seven.status();
  EXPECT_FALSE(seven->late());
  EXPECT_EQ(seven->days_ahead(), 7);
  auto six = Decide(Request("2022-10-17"), absl::CivilDay(2022, 10, 11));
  ASSERT_TRUE(six.ok()) << six.status();
  EXPECT_TRUE(six->late());
  EXPECT_EQ(six->days_ahead(), 6);
  // The policy's number decides (local configuration may only change what the plan does not fix).
  RegistrationPolicy ten{10, 3};
  auto with_ten = DecideRegistration(Request("2022-10-17"), Dir(), Calendar(), {}, Centre(),
                                     absl::CivilDay(2022, 10, 10), ten);
  ASSERT_TRUE(with_ten.ok()) << with_ten.status();
  EXPECT_TRUE(with_ten->late());
}

TEST(RegistrationTest, UnitKeyRegistersOnlyItsOwnLeaders) {
  const absl::CivilDay today(2022, 9, 28);
  // Naming the other unit.
  auto other_unit = Decide(Request("2022-10-10", "zrzy-main"), today, UnitKey(kZj));
  EXPECT_EQ(other_unit.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(Mentions(other_unit.status(), kZj)) << other_unit.status();
  EXPECT_TRUE(Mentions(other_unit.status(), kZrzy)) << other_unit.status();
  // Naming its own unit and the other unit's leader.
  auto other_leader = Decide(Request("2022-10-10", "zrzy-main", pb::SESSION_MORNING, kZj), today, UnitKey(kZj));
  EXPECT_EQ(other_leader.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(Mentions(other_leader.status(), kZj)) << other_leader.status();
  EXPECT_TRUE(Mentions(other_leader.status(), kZrzy)) << other_leader.status();
  // The same by the leader's name, which no leader of its own unit has.
  auto by_name = Decide(Request("2022-10-10", "张某", pb::SESSION_MORNING, kZj), today, UnitKey(kZj));
  EXPECT_EQ(by_name.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(Mentions(by_name.status(), kZj) && Mentions(by_name.status(), kZrzy)) << by_name.status();
  // Naming the other unit and a leader of its own: the unit named decides.
  auto mixed = Decide(Request("2022-10-10", "zj-main", pb::SESSION_MORNING, kZrzy), today, UnitKey(kZj));
  EXPECT_EQ(mixed.status().code(), absl::StatusCode::kPermissionDenied);
  // Leaving the unit out: the key's own unit.
  auto implicit = Decide(Request("2022-10-10", "zrzy-main", pb::SESSION_MORNING, ""), today, UnitKey(kZj));
  EXPECT_EQ(implicit.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(Mentions(implicit.status(), kZj) && Mentions(implicit.status(), kZrzy)) << implicit.status();
  // Its own leader, by a name another unit shares: resolved within its unit.
  pb::RegisterRequest own = Request("2022-10-10", "李某", pb::SESSION_MORNING, "");
  own.set_window("B01");
  auto ok = Decide(own, today, UnitKey(kZj));
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->leader_id(), "zj-deputy");
  EXPECT_EQ(ok->unit(), kZj);
  // A reader with no unit may not register at all.
  auto reader = Decide(Request("2022-10-10"), today, Actor{"市营商办读者", false, std::nullopt});
  EXPECT_EQ(reader.status().code(), absl::StatusCode::kPermissionDenied);
}

TEST(RegistrationTest, PaperFormsAreTheCentresOnly) {
  pb::RegisterRequest req = Request("2022-10-10");
  req.set_paper(true);
  auto unit = Decide(req, absl::CivilDay(2022, 9, 28), UnitKey(kZrzy));
  EXPECT_EQ(unit.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(Mentions(unit.status(), "paper"));
  auto centre = Decide(req, absl::CivilDay(2022, 9, 28));
  ASSERT_TRUE(centre.ok()) << centre.status();
  EXPECT_TRUE(centre->paper());
}

TEST(RegistrationTest, PaperFormCountsFromTheDayTheCentreReceivedIt) {
  const absl::CivilDay today(2022, 10, 12);
  pb::RegisterRequest form = Request("2022-10-10");
  form.set_paper(true);
  form.set_received_on("2022-09-30");
  // Entered two days after its sitting, received ten days before it: in time, not in the past.
  auto in_time = Decide(form, today);
  ASSERT_TRUE(in_time.ok()) << in_time.status();
  EXPECT_EQ(in_time->received_on(), "2022-09-30");
  EXPECT_EQ(in_time->days_ahead(), 10);
  EXPECT_FALSE(in_time->late());
  EXPECT_TRUE(in_time->paper());
  // Received five days ahead: late, counted from the receipt, not from the entry.
  form.set_received_on("2022-10-05");
  auto late = Decide(form, absl::CivilDay(2022, 10, 8));
  ASSERT_TRUE(late.ok()) << late.status();
  EXPECT_EQ(late->days_ahead(), 5);
  EXPECT_TRUE(late->late());
  // Received after its sitting: that is the past the rule refuses.
  form.set_received_on("2022-10-11");
  auto after = Decide(form, today);
  EXPECT_EQ(after.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Mentions(after.status(), "received_on 2022-10-11")) << after.status();
  // A paper form without the day counts from today, as before.
  form.clear_received_on();
  auto today_form = Decide(form, absl::CivilDay(2022, 10, 5));
  ASSERT_TRUE(today_form.ok()) << today_form.status();
  EXPECT_EQ(today_form->days_ahead(), 5);
  EXPECT_TRUE(today_form->received_on().empty());
  EXPECT_EQ(Decide(form, today).status().message(), "date 2022-10-10 is in the past (today is 2022-10-12)");
}

TEST(RegistrationTest, ReceivedOnIsAPaperFormsDateNotAfterToday) {
  const absl::CivilDay today(2022, 10, 1);
  struct Case {
    bool paper;
    std::string received_on;
    std::string mentions;
  };
  const std::vector<Case> cases = {
      {false, "2022-09-30", "'received_on'"},  // an electronic form counts from its registration
      {true, "2022/09/30", "'received_on'"},
      {true, "2022-10-02", "'received_on': 2022-10-02 is after today (2022-10-01)"},
  };
  for (const Case& c : cases) {
    pb::RegisterRequest req = Request("2022-10-10");
    req.set_paper(c.paper);
    req.set_received_on(c.received_on);
    auto r = Decide(req, today);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << c.received_on;
    EXPECT_TRUE(Mentions(r.status(), c.mentions)) << r.status();
  }
  // Today itself is fine.
  pb::RegisterRequest req = Request("2022-10-10");
  req.set_paper(true);
  req.set_received_on("2022-10-01");
  auto r = Decide(req, today);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->days_ahead(), 9);
  // A unit key enters no paper form, with or without the day.
  EXPECT_EQ(Decide(req, today, UnitKey(kZrzy)).status().code(), absl::StatusCode::kPermissionDenied);
}

TEST(RegistrationTest, ApprovalChiefDoesNotSitQuotingThePlan) {
  auto r = Decide(Request("2022-10-10", "zrzy-chief"), absl::CivilDay(2022, 9, 28));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Mentions(r.status(), "“坐班”制的人员为市政务服务中心进驻单位的主要领导、分管领导")) << r.status();
  EXPECT_TRUE(Mentions(r.status(), "zrzy-chief")) << r.status();
}

TEST(RegistrationTest, RequestFieldsAreChecked) {
  const absl::CivilDay today(2022, 9, 28);
  struct Case {
    pb::RegisterRequest request;
    absl::StatusCode code;
    std::string mentions;
  };
  pb::RegisterRequest no_session = Request("2022-10-10");
  no_session.set_session(pb::SESSION_UNSPECIFIED);
  pb::RegisterRequest two_windows = Request("2022-10-10", "zj-main", pb::SESSION_MORNING, kZj);
  pb::RegisterRequest wrong_window = Request("2022-10-10");
  wrong_window.set_window("B01");
  const std::vector<Case> cases = {
      {Request(""), absl::StatusCode::kInvalidArgument, "'date'"},
      {Request("2022/10/10"), absl::StatusCode::kInvalidArgument, "'date'"},
      {no_session, absl::StatusCode::kInvalidArgument, "'session'"},
      {Request("2022-10-10", ""), absl::StatusCode::kInvalidArgument, "'leader'"},
      {Request("2022-10-10", "nobody"), absl::StatusCode::kNotFound, "'leader'"},
      {Request("2022-10-10", "zrzy-main", pb::SESSION_MORNING, "市水利局"), absl::StatusCode::kNotFound, "市水利局"},
      {Request("2022-10-10", "李某", pb::SESSION_MORNING, ""), absl::StatusCode::kInvalidArgument, "zj-deputy"},
      {Request("2022-10-10", "zj-main"), absl::StatusCode::kInvalidArgument, kZj},  // leader of another unit
      {two_windows, absl::StatusCode::kInvalidArgument, "'window' is required"},
      {wrong_window, absl::StatusCode::kInvalidArgument, "'window'"},
  };
  for (const Case& c : cases) {
    auto r = Decide(c.request, today);
    EXPECT_EQ(r.status().code(), c.code) << c.request.ShortDebugString() << " -> " << r.status();
    EXPECT_TRUE(Mentions(r.status(), c.mentions)) << c.request.ShortDebugString() << " -> " << r.status();
  }
}

TEST(RegistrationTest, DoubleBookingBySession) {
  const absl::CivilDay today(2022, 9, 28);
  const std::string date = "2022-10-10";
  // Morning booked: the afternoon is free, the morning and the whole day are not.
  const std::vector<pb::Registration> morning = {Booked("DR-000001", date, pb::SESSION_MORNING)};
  auto afternoon = Decide(Request(date, "zrzy-main", pb::SESSION_AFTERNOON), today, Centre(), morning);
  ASSERT_TRUE(afternoon.ok()) << afternoon.status();
  auto again = Decide(Request(date, "zrzy-main", pb::SESSION_MORNING), today, Centre(), morning);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(Mentions(again.status(), "DR-000001")) << again.status();
  auto whole = Decide(Request(date, "zrzy-main", pb::SESSION_WHOLE_DAY), today, Centre(), morning);
  EXPECT_EQ(whole.status().code(), absl::StatusCode::kAlreadyExists);
  // Whole day booked: a morning overlaps it.
  const std::vector<pb::Registration> whole_day = {Booked("DR-000002", date, pb::SESSION_WHOLE_DAY)};
  auto in_whole = Decide(Request(date, "zrzy-main", pb::SESSION_MORNING), today, Centre(), whole_day);
  EXPECT_EQ(in_whole.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(Mentions(in_whole.status(), "DR-000002")) << in_whole.status();
  // A cancelled booking does not block.
  const std::vector<pb::Registration> cancelled = {
      Booked("DR-000003", date, pb::SESSION_WHOLE_DAY, /*cancelled=*/true)};
  auto after_cancel = Decide(Request(date, "zrzy-main", pb::SESSION_WHOLE_DAY), today, Centre(), cancelled);
  EXPECT_TRUE(after_cancel.ok()) << after_cancel.status();
  // Another leader's booking, or another day's, is not this leader's.
  const std::vector<pb::Registration> others = {
      Booked("DR-000004", date, pb::SESSION_WHOLE_DAY, false, "zrzy-deputy"),
      Booked("DR-000005", "2022-10-11", pb::SESSION_WHOLE_DAY)};
  EXPECT_TRUE(Decide(Request(date, "zrzy-main", pb::SESSION_MORNING), today, Centre(), others).ok());
}

TEST(RegistrationTest, SameDayHoldsEveryLeaderAndOnlyTheResolvedLeadersBookingsCount) {
  const absl::CivilDay today(2022, 9, 28);
  const std::string date = "2022-10-10";
  // The whole date's registrations, as the desk reads them without knowing the leader.
  const std::vector<pb::Registration> zrzy_li = {
      Booked("DR-000030", date, pb::SESSION_WHOLE_DAY, false, "zrzy-deputy"),
      Booked("DR-000031", date, pb::SESSION_WHOLE_DAY, false, "zrzy-main")};
  // 李某 by the key of 住建局, no unit: its own 李某 (zj-deputy), whom nothing on that date holds.
  pb::RegisterRequest li = Request(date, "李某", pb::SESSION_MORNING, "");
  li.set_window("B01");
  auto free = Decide(li, today, UnitKey(kZj), zrzy_li);
  ASSERT_TRUE(free.ok()) << free.status();
  EXPECT_EQ(free->leader_id(), "zj-deputy");
  // Once zj-deputy's morning is among them, it is the one that blocks, named.
  std::vector<pb::Registration> with_zj = zrzy_li;
  with_zj.push_back(Booked("DR-000032", date, pb::SESSION_MORNING, false, "zj-deputy"));
  auto taken = Decide(li, today, UnitKey(kZj), with_zj);
  EXPECT_EQ(taken.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(Mentions(taken.status(), "DR-000032") && Mentions(taken.status(), "zj-deputy")) << taken.status();
  // The centre naming 李某 within 自然资源局: that unit's 李某, booked all day.
  auto zrzy = Decide(Request(date, "李某", pb::SESSION_AFTERNOON, kZrzy), today, Centre(), with_zj);
  EXPECT_EQ(zrzy.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(Mentions(zrzy.status(), "DR-000030")) << zrzy.status();
}

TEST(RegistrationTest, FindUnitIsExactAndFindLeaderSaysWhy) {
  EXPECT_NE(FindUnit(Dir(), kZrzy), nullptr);
  EXPECT_EQ(FindUnit(Dir(), "自然资源局"), nullptr);  // aliases are resolved before, by the service
  auto shared = FindLeader(Dir(), "李某", "");
  EXPECT_EQ(shared.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Mentions(shared.status(), "zrzy-deputy") && Mentions(shared.status(), "zj-deputy"));
  auto within = FindLeader(Dir(), "李某", kZrzy);
  ASSERT_TRUE(within.ok()) << within.status();
  EXPECT_EQ(within->second->id(), "zrzy-deputy");
  EXPECT_EQ(within->first->name(), kZrzy);
  auto by_id = FindLeader(Dir(), "zj-main", "");
  ASSERT_TRUE(by_id.ok());
  EXPECT_EQ(by_id->first->name(), kZj);
  EXPECT_EQ(FindLeader(Dir(), "钱某", "").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(FindLeader(Dir(), "张某", "市水利局").status().code(), absl::StatusCode::kNotFound);
}

// ---- cancellation ----

TEST(CancellationTest, NeedsAReasonAndALiveUnrecordedRegistrationOfTheKeysUnit) {
  const absl::CivilDay today(2022, 10, 5);
  pb::Registration r = Booked("DR-000010", "2022-10-10", pb::SESSION_MORNING);
  EXPECT_TRUE(CheckCancellation(r, "出差", Centre(), today).ok());
  EXPECT_TRUE(CheckCancellation(r, "出差", UnitKey(kZrzy), today).ok());
  EXPECT_EQ(CheckCancellation(r, "  ", Centre(), today).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckCancellation(r, std::string("出差\0", 7), Centre(), today).code(),
            absl::StatusCode::kInvalidArgument);
  const absl::Status other = CheckCancellation(r, "出差", UnitKey(kZj), today);
  EXPECT_EQ(other.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(Mentions(other, kZj) && Mentions(other, kZrzy)) << other;
  pb::Registration cancelled = r;
  cancelled.set_cancelled(true);
  const absl::Status twice = CheckCancellation(cancelled, "出差", Centre(), today);
  EXPECT_EQ(twice.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Mentions(twice, "already cancelled")) << twice;
  pb::Registration recorded = r;
  recorded.set_record_id("DK-000003");
  const absl::Status sat = CheckCancellation(recorded, "出差", Centre(), today);
  EXPECT_EQ(sat.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Mentions(sat, "DK-000003")) << sat;
}

TEST(CancellationTest, AUnitKeyCancelsBeforeTheSittingsDayTheCentreAlsoOnAndAfterIt) {
  const pb::Registration r = Booked("DR-000012", "2022-10-10", pb::SESSION_AFTERNOON);
  EXPECT_TRUE(CheckCancellation(r, "出差", UnitKey(kZrzy), absl::CivilDay(2022, 10, 9)).ok());
  for (absl::CivilDay today : {absl::CivilDay(2022, 10, 10), absl::CivilDay(2022, 10, 11)}) {
    const absl::Status unit = CheckCancellation(r, "出差", UnitKey(kZrzy), today);
    EXPECT_EQ(unit.code(), absl::StatusCode::kFailedPrecondition) << today;
    EXPECT_TRUE(Mentions(unit, "DR-000012") && Mentions(unit, "2022-10-10")) << unit;
    EXPECT_TRUE(CheckCancellation(r, "领导临时接待任务", Centre(), today).ok()) << today;
    // The centre still gives its reason.
    EXPECT_EQ(CheckCancellation(r, "", Centre(), today).code(), absl::StatusCode::kInvalidArgument);
  }
}

// ---- record due ----

TEST(RecordDueTest, CountsWorkingDaysAcrossTheHolidays) {
  const RegistrationPolicy policy;  // 3 working days
  // 09-30 (Friday) + 3 working days over 国庆 2022: 10-08 and 10-09 (调休), then 10-10.
  auto due = RecordDueDay(absl::CivilDay(2022, 9, 30), Calendar(), policy);
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_EQ(*due, absl::CivilDay(2022, 10, 10));
  RegistrationPolicy one{7, 1};
  EXPECT_EQ(*RecordDueDay(absl::CivilDay(2022, 10, 14), Calendar(), one), absl::CivilDay(2022, 10, 17));
}

TEST(RecordDueTest, RecordOverdueOnlyAfterTheDueDay) {
  pb::Registration r = Booked("DR-000011", "2022-10-10", pb::SESSION_MORNING);
  r.set_record_due_date("2022-10-13");
  EXPECT_FALSE(RecordOverdue(r, absl::CivilDay(2022, 10, 12)));
  EXPECT_FALSE(RecordOverdue(r, absl::CivilDay(2022, 10, 13)));  // the due day itself is in time
  EXPECT_TRUE(RecordOverdue(r, absl::CivilDay(2022, 10, 14)));
  pb::Registration recorded = r;
  recorded.set_record_id("DK-000001");
  EXPECT_FALSE(RecordOverdue(recorded, absl::CivilDay(2022, 10, 20)));
  pb::Registration cancelled = r;
  cancelled.set_cancelled(true);
  EXPECT_FALSE(RecordOverdue(cancelled, absl::CivilDay(2022, 10, 20)));
  pb::Registration no_due = r;
  no_due.clear_record_due_date();
  EXPECT_FALSE(RecordOverdue(no_due, absl::CivilDay(2022, 10, 20)));
}

// ---- 表2 情况记录单 ----

pb::Registration Registered(pb::Session session = pb::SESSION_MORNING) {
  auto r = Decide(Request("2022-10-10", "zrzy-main", session), absl::CivilDay(2022, 9, 28));
  EXPECT_TRUE(r.ok()) << r.status();
  r->set_id("DR-000020");
  return *r;
}

pb::FileRecordRequest RecordRequest(std::string registration_id = "DR-000020") {
  pb::FileRecordRequest req;
  req.set_registration_id(std::move(registration_id));
  req.set_summary("督办不动产登记积案3件，现场解答群众咨询");
  return req;
}

absl::StatusOr<pb::DutyRecord> File(const pb::FileRecordRequest& request,
                                    const std::optional<pb::Registration>& registration,
                                    absl::CivilDay today = absl::CivilDay(2022, 10, 10),
                                    const Actor& actor = Centre(),
                                    const std::vector<pb::DutyRecord>& same_day_records = {}) {
  return DecideRecord(request, registration, Dir(), DutyHours{}, Calendar(), same_day_records, actor, today);
}

pb::DutyRecord Filed(std::string id, std::string leader_id, std::string date, std::string start,
                     std::string end) {
  pb::DutyRecord r;
  r.set_id(std::move(id));
  r.set_leader_id(std::move(leader_id));
  r.set_date(std::move(date));
  r.set_start_time(std::move(start));
  r.set_end_time(std::move(end));
  return r;
}

// An unregistered sitting of 张某 (zrzy-main) at A01 on `date`, `start`–`end`.
pb::FileRecordRequest Unregistered(std::string date, std::string start, std::string end,
                                   std::string leader = "zrzy-main", std::string unit = kZrzy) {
  pb::FileRecordRequest req = RecordRequest("");
  req.set_unit(std::move(unit));
  req.set_leader(std::move(leader));
  req.set_date(std::move(date));
  req.set_start_time(std::move(start));
  req.set_end_time(std::move(end));
  return req;
}

TEST(RecordTest, FromARegistrationEverythingDefaults) {
  auto rec = File(RecordRequest(), Registered());
  ASSERT_TRUE(rec.ok()) << rec.status();
  EXPECT_EQ(rec->registration_id(), "DR-000020");
  EXPECT_EQ(rec->unit(), kZrzy);
  EXPECT_EQ(rec->leader_id(), "zrzy-main");
  EXPECT_EQ(rec->leader_name(), "张某");
  EXPECT_EQ(rec->title(), "局长");
  EXPECT_EQ(rec->date(), "2022-10-10");
  EXPECT_EQ(rec->start_time(), "09:00");  // the morning's hours
  EXPECT_EQ(rec->end_time(), "12:00");
  EXPECT_EQ(rec->window(), "A01");
  EXPECT_EQ(rec->window_name(), "自然资源综合窗口");
  EXPECT_EQ(rec->summary(), "督办不动产登记积案3件，现场解答群众咨询");
  EXPECT_EQ(rec->coverage(), pb::COVERAGE_HALF_DAY);
  EXPECT_FALSE(rec->paper());
}

TEST(RecordTest, CoverageFromTheHoursActuallySat) {
  struct Case {
    pb::Session session;
    std::string start, end;
    pb::Coverage want;
  };
  const std::vector<Case> cases = {
      {pb::SESSION_WHOLE_DAY, "", "", pb::COVERAGE_WHOLE_DAY},
      {pb::SESSION_WHOLE_DAY, "8:30", "17:30", pb::COVERAGE_WHOLE_DAY},
      {pb::SESSION_WHOLE_DAY, "", "16:00", pb::COVERAGE_HALF_DAY},     // left early: the morning only
      {pb::SESSION_AFTERNOON, "", "", pb::COVERAGE_HALF_DAY},
      {pb::SESSION_MORNING, "09:30", "", pb::COVERAGE_UNSPECIFIED},    // came late: short of a half day
      {pb::SESSION_MORNING, "09:00", "17:30", pb::COVERAGE_WHOLE_DAY}, // stayed the whole day
  };
  for (const Case& c : cases) {
    pb::FileRecordRequest req = RecordRequest();
    req.set_start_time(c.start);
    req.set_end_time(c.end);
    auto rec = File(req, Registered(c.session));
    ASSERT_TRUE(rec.ok()) << rec.status();
    EXPECT_EQ(rec->coverage(), c.want) << rec->start_time() << "–" << rec->end_time();
  }
}

TEST(RecordTest, RequestMayNotContradictTheRegistration) {
  struct Case {
    std::string field;
    std::function<void(pb::FileRecordRequest*)> set;
  };
  const std::vector<Case> cases = {
      {"date", [](pb::FileRecordRequest* r) { r->set_date("2022-10-11"); }},
      {"unit", [](pb::FileRecordRequest* r) { r->set_unit(kZj); }},
      {"leader", [](pb::FileRecordRequest* r) { r->set_leader("zrzy-deputy"); }},
      {"window", [](pb::FileRecordRequest* r) { r->set_window("B01"); }},
  };
  for (const Case& c : cases) {
    pb::FileRecordRequest req = RecordRequest();
    c.set(&req);
    auto rec = File(req, Registered(), absl::CivilDay(2022, 10, 12));
    EXPECT_EQ(rec.status().code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_TRUE(Mentions(rec.status(), "'" + c.field + "'")) << rec.status();
    EXPECT_TRUE(Mentions(rec.status(), "DR-000020")) << rec.status();
  }
  // Repeating what the registration says is fine, the leader by id or by name.
  pb::FileRecordRequest same = RecordRequest();
  same.set_date("2022-10-10");
  same.set_unit(kZrzy);
  same.set_leader("张某");
  same.set_window("A01");
  EXPECT_TRUE(File(same, Registered()).ok());
}

TEST(RecordTest, CancelledOrAlreadyRecordedRegistrations) {
  pb::Registration cancelled = Registered();
  cancelled.set_cancelled(true);
  EXPECT_EQ(File(RecordRequest(), cancelled).status().code(), absl::StatusCode::kFailedPrecondition);
  pb::Registration recorded = Registered();
  recorded.set_record_id("DK-000007");
  auto again = File(RecordRequest(), recorded);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(Mentions(again.status(), "DK-000007")) << again.status();
}

TEST(RecordTest, FiledAfterTheSittingNotBefore) {
  auto early = File(RecordRequest(), Registered(), absl::CivilDay(2022, 10, 9));
  EXPECT_EQ(early.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Mentions(early.status(), kPlanRecordAfter)) << early.status();
  EXPECT_TRUE(File(RecordRequest(), Registered(), absl::CivilDay(2022, 10, 10)).ok());
  EXPECT_TRUE(File(RecordRequest(), Registered(), absl::CivilDay(2022, 11, 30)).ok());
}

TEST(RecordTest, TimesAndTextsAreChecked) {
  struct Case {
    std::function<void(pb::FileRecordRequest*)> set;
    std::string mentions;
  };
  const std::vector<Case> cases = {
      {[](pb::FileRecordRequest* r) { r->set_start_time("9.00"); }, "'start_time'"},
      {[](pb::FileRecordRequest* r) { r->set_end_time("25:00"); }, "'end_time'"},
      {[](pb::FileRecordRequest* r) { r->set_start_time("12:00"); }, "'end_time'"},  // 12:00–12:00
      {[](pb::FileRecordRequest* r) { r->set_start_time("11:00"); r->set_end_time("10:00"); }, "'end_time'"},
      {[](pb::FileRecordRequest* r) { r->set_summary(""); }, "'summary' (坐班基本情况) is required"},
      {[](pb::FileRecordRequest* r) { r->set_summary(" \n "); }, "'summary'"},
      {[](pb::FileRecordRequest* r) { r->set_summary("\xff\xfe"); }, "'summary'"},
      {[](pb::FileRecordRequest* r) { r->set_problems(std::string("无\0", 4)); }, "'problems'"},
      {[](pb::FileRecordRequest* r) { r->set_suggestions(std::string(64 * 1024 + 1, 'x')); }, "'suggestions'"},
      {[](pb::FileRecordRequest* r) { r->set_other("\x1b[31m"); }, "'other'"},
  };
  for (const Case& c : cases) {
    pb::FileRecordRequest req = RecordRequest();
    c.set(&req);
    auto rec = File(req, Registered());
    EXPECT_EQ(rec.status().code(), absl::StatusCode::kInvalidArgument) << c.mentions;
    EXPECT_TRUE(Mentions(rec.status(), c.mentions)) << rec.status();
  }
  // Prose keeps its line breaks.
  pb::FileRecordRequest prose = RecordRequest();
  prose.set_problems("1. 排队时间长\n2. 材料清单不清\t已当场解决");
  auto ok = File(prose, Registered());
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->problems(), "1. 排队时间长\n2. 材料清单不清\t已当场解决");
}

TEST(RecordTest, UnregisteredSittingStandsOnItsOwn) {
  pb::FileRecordRequest req = RecordRequest("");
  req.set_unit(kZj);
  req.set_leader("zj-deputy");
  req.set_date("2022-10-10");
  req.set_start_time("09:00");
  req.set_end_time("17:30");
  req.set_window("B02");
  auto rec = File(req, std::nullopt);
  ASSERT_TRUE(rec.ok()) << rec.status();
  EXPECT_TRUE(rec->registration_id().empty());
  EXPECT_EQ(rec->leader_name(), "李某");
  EXPECT_EQ(rec->window_name(), "房产交易窗口");
  EXPECT_EQ(rec->coverage(), pb::COVERAGE_WHOLE_DAY);
  // The window must be the unit's; with two windows it must be given.
  pb::FileRecordRequest wrong = req;
  wrong.set_window("A01");
  EXPECT_EQ(File(wrong, std::nullopt).status().code(), absl::StatusCode::kInvalidArgument);
  pb::FileRecordRequest none = req;
  none.clear_window();
  EXPECT_TRUE(Mentions(File(none, std::nullopt).status(), "'window' is required"));
  // One window: it defaults.
  pb::FileRecordRequest zrzy = req;
  zrzy.set_unit(kZrzy);
  zrzy.set_leader("张某");
  zrzy.clear_window();
  auto one = File(zrzy, std::nullopt);
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(one->window(), "A01");
  // No session to take hours from: the times are needed.
  pb::FileRecordRequest no_times = req;
  no_times.clear_end_time();
  EXPECT_EQ(File(no_times, std::nullopt).status().code(), absl::StatusCode::kInvalidArgument);
  // A unit key files for its own unit only.
  auto other = File(req, std::nullopt, absl::CivilDay(2022, 10, 10), UnitKey(kZrzy));
  EXPECT_EQ(other.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(Mentions(other.status(), kZj)) << other.status();
  // The approval chief's posting is not a sitting.
  pb::FileRecordRequest chief = zrzy;
  chief.set_leader("zrzy-chief");
  EXPECT_EQ(File(chief, std::nullopt).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(RecordTest, SittingDateMustBeAWorkingDayNamingTheHoliday) {
  const absl::CivilDay today(2022, 10, 20);
  auto saturday = File(Unregistered("2022-10-15", "09:00", "12:00"), std::nullopt, today);
  EXPECT_EQ(saturday.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(saturday.status().message(), "date 2022-10-15 is not a working day (星期六)");
  auto holiday = File(Unregistered("2022-10-03", "09:00", "12:00"), std::nullopt, today);
  EXPECT_EQ(holiday.status().message(), "date 2022-10-03 is not a working day (国庆节)");
  // 调休: Saturday 2022-10-08 was worked.
  EXPECT_TRUE(File(Unregistered("2022-10-08", "09:00", "12:00"), std::nullopt, today).ok());
  // A registration's date is checked too (one made by hand here, on a Sunday).
  pb::Registration sunday = Registered();
  sunday.set_date("2022-10-16");
  auto from_registration = File(RecordRequest(), sunday, today);
  EXPECT_EQ(from_registration.status().message(), "date 2022-10-16 is not a working day (星期日)");
}

TEST(RecordTest, AnOverlappingRecordOfTheSameLeaderOnTheSameDateIsRefusedNamingIt) {
  const std::vector<pb::DutyRecord> day = {
      Filed("DK-000040", "zrzy-main", "2022-10-10", "09:00", "12:00"),
      Filed("DK-000041", "zrzy-deputy", "2022-10-10", "14:00", "17:30"),  // another leader
      Filed("DK-000042", "zrzy-main", "2022-10-11", "14:00", "17:30"),    // another date
  };
  auto overlap = File(Unregistered("2022-10-10", "11:00", "12:30"), std::nullopt,
                      absl::CivilDay(2022, 10, 11), Centre(), day);
  EXPECT_EQ(overlap.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(Mentions(overlap.status(), "DK-000040") && Mentions(overlap.status(), "zrzy-main"))
      << overlap.status();
  // Back to back is not an overlap; another leader's or another date's record is not this one's.
  EXPECT_TRUE(File(Unregistered("2022-10-10", "12:00", "17:30"), std::nullopt, absl::CivilDay(2022, 10, 11),
                   Centre(), day)
                  .ok());
  // From a registration (the morning 09:00–12:00) against an unregistered record of 10:00–11:00.
  const std::vector<pb::DutyRecord> walk_in = {Filed("DK-000043", "zrzy-main", "2022-10-10", "10:00", "11:00")};
  auto registered = File(RecordRequest(), Registered(), absl::CivilDay(2022, 10, 10), Centre(), walk_in);
  EXPECT_EQ(registered.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(Mentions(registered.status(), "DK-000043")) << registered.status();
  // The afternoon's registration does not meet it.
  EXPECT_TRUE(File(RecordRequest(), Registered(pb::SESSION_AFTERNOON), absl::CivilDay(2022, 10, 10), Centre(),
                   walk_in)
                  .ok());
}

TEST(RecordTest, FiledLateOnlyAfterTheRegistrationsDueDay) {
  const pb::Registration r = Registered();  // due 2022-10-13
  ASSERT_EQ(r.record_due_date(), "2022-10-13");
  auto on_due = File(RecordRequest(), r, absl::CivilDay(2022, 10, 13));
  ASSERT_TRUE(on_due.ok()) << on_due.status();
  EXPECT_FALSE(on_due->filed_late());
  auto after = File(RecordRequest(), r, absl::CivilDay(2022, 10, 14));
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_TRUE(after->filed_late());
  // No due day to be late against: an unregistered sitting, or a registration without one.
  auto unregistered = File(Unregistered("2022-10-10", "09:00", "12:00"), std::nullopt, absl::CivilDay(2022, 12, 1));
  ASSERT_TRUE(unregistered.ok()) << unregistered.status();
  EXPECT_FALSE(unregistered->filed_late());
  pb::Registration no_due = r;
  no_due.clear_record_due_date();
  EXPECT_FALSE(File(RecordRequest(), no_due, absl::CivilDay(2022, 12, 1))->filed_late());
}

TEST(RecordTest, UnitKeyResolvesAnUnregisteredSittingsLeaderWithinItsOwnUnit) {
  const absl::CivilDay today(2022, 10, 10);
  // 李某, no unit, from the key of 住建局: its own deputy, at the window it names.
  pb::FileRecordRequest li = Unregistered("2022-10-10", "09:00", "12:00", "李某", "");
  li.set_window("B01");
  auto own = File(li, std::nullopt, today, UnitKey(kZj));
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_EQ(own->leader_id(), "zj-deputy");
  EXPECT_EQ(own->unit(), kZj);
  // Its own unit and another unit's leader: refused as acting for that unit, naming both.
  pb::FileRecordRequest other = Unregistered("2022-10-10", "09:00", "12:00", "zrzy-main", kZj);
  other.set_window("B01");
  auto denied = File(other, std::nullopt, today, UnitKey(kZj));
  EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(Mentions(denied.status(), kZj) && Mentions(denied.status(), kZrzy)) << denied.status();
  // The centre may leave the unit out when the leader's id names it.
  auto by_id = File(Unregistered("2022-10-10", "09:00", "12:00", "zrzy-main", ""), std::nullopt, today);
  ASSERT_TRUE(by_id.ok()) << by_id.status();
  EXPECT_EQ(by_id->unit(), kZrzy);
}

TEST(RecordTest, UnitKeyFilesForItsOwnRegistrationsOnly) {
  EXPECT_TRUE(File(RecordRequest(), Registered(), absl::CivilDay(2022, 10, 10), UnitKey(kZrzy)).ok());
  auto other = File(RecordRequest(), Registered(), absl::CivilDay(2022, 10, 10), UnitKey(kZj));
  EXPECT_EQ(other.status().code(), absl::StatusCode::kPermissionDenied);
  pb::FileRecordRequest paper = RecordRequest();
  paper.set_paper(true);
  EXPECT_EQ(File(paper, Registered(), absl::CivilDay(2022, 10, 10), UnitKey(kZrzy)).status().code(),
            absl::StatusCode::kPermissionDenied);
  auto centre_paper = File(paper, Registered());
  ASSERT_TRUE(centre_paper.ok());
  EXPECT_TRUE(centre_paper->paper());
}

}  // namespace
}  // namespace ys::duty
