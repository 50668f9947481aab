// The duty store's behaviour, checked once and run against both stores: PgDutyStore on the running
// PostgreSQL (a fresh schema per test) and the FakeDutyStore the service tests use, so the fake is
// shown to behave like the real one. Then what only PostgreSQL has: the outbox row as a CloudEvent,
// the JSON bodies, ids past six digits, a refused statement failing the unit of work.

#include <pqxx/pqxx>

#include <algorithm>
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/pg/migrations.h"
#include "common/time/proto_time.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "services/duty/desk.h"
#include "services/duty/embedded.h"
#include "services/duty/store.h"
#include "tests/fakes/fake_clock.h"
#include "tests/services/duty/fake_duty_store.h"
#include "tests/support/outbox_fixture.h"
#include "tests/support/test_env.h"

namespace ys::duty {
namespace {

using testing::EmittedDutyEvent;
using testing::FakeDutyStore;

// --- the two stores ---

class FakeBackend {
 public:
  static constexpr char kName[] = "Fake";
  void SetUp() {}
  DutyStore& store() { return store_; }
  std::vector<EmittedDutyEvent> Emitted() { return store_.events(); }

 private:
  FakeDutyStore store_;
};

class PgBackend {
 public:
  static constexpr char kName[] = "Postgres";
  void SetUp() {
    auto migrations = MigrationsFromFiles(EmbeddedMigrations());
    ASSERT_TRUE(migrations.ok()) << migrations.status();
    pool_ = ys::testing::MigratedPool(ys::testing::UniqueName("t_duty"), *migrations);
    ASSERT_NE(pool_, nullptr);
    store_ = std::make_unique<PgDutyStore>(*pool_);
  }
  DutyStore& store() { return *store_; }
  PgPool& pool() { return *pool_; }
  // What the outbox holds, in the order it was emitted.
  std::vector<EmittedDutyEvent> Emitted() {
    std::vector<EmittedDutyEvent> out;
    absl::Status s = pool_->WithTransaction([&](pqxx::work& tx) {
      for (const auto& row : tx.exec("SELECT msg_key, payload FROM outbox ORDER BY id")) {
        EmittedDutyEvent& e = out.emplace_back();
        e.key = row[0].as<std::string>();
        EXPECT_TRUE(e.event.ParseFromString(pqxx::binarystring(row[1]).str()));
      }
      return absl::OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s;
    return out;
  }

 private:
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<PgDutyStore> store_;
};

// --- messages ---

::testing::AssertionResult Same(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  if (google::protobuf::util::MessageDifferencer::Equals(a, b)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\n" << a.DebugString() << "differs from\n" << b.DebugString();
}

google::protobuf::Timestamp Ts(int64_t unix_micros) {
  return ToProtoTime(absl::FromUnixMicros(unix_micros));
}

pb::Registration Reg(const std::string& id, const std::string& unit, const std::string& leader,
                     const std::string& date, bool cancelled = false) {
  pb::Registration r;
  r.set_id(id);
  r.set_date(date);
  r.set_unit(unit);
  r.set_window("A12");
  r.set_window_name("不动产登记综合窗口");
  r.set_leader_id(leader);
  r.set_leader_name("张建国");
  r.set_title("副局长");
  r.set_role(pb::LEADER_ROLE_DEPUTY);
  r.set_session(pb::SESSION_MORNING);
  *r.mutable_registered_at() = Ts(1664932508123456);  // microseconds survive
  r.set_registered_by("unit:" + unit);
  r.set_late(true);
  r.set_days_ahead(5);
  r.set_cancelled(cancelled);
  if (cancelled) r.set_cancel_reason("临时公务");
  return r;
}

pb::DutyRecord Rec(const std::string& id, const std::string& unit, const std::string& leader,
                   const std::string& date) {
  pb::DutyRecord r;
  r.set_id(id);
  r.set_unit(unit);
  r.set_leader_id(leader);
  r.set_date(date);
  r.set_start_time("09:00");
  r.set_end_time("12:00");
  r.set_summary("接待群众 12 人次");
  r.set_coverage(pb::COVERAGE_HALF_DAY);
  return r;
}

pb::Exemption Exempt(const std::string& leader, const std::string& month, const std::string& reason) {
  pb::Exemption e;
  e.set_leader_id(leader);
  e.set_month(month);
  e.set_unit("市自然资源局");
  e.set_reason(reason);
  return e;
}

pb::StaffMember Member(const std::string& id, const std::string& unit, bool active) {
  pb::StaffMember m;
  m.set_id(id);
  m.set_unit(unit);
  m.set_name("李娜");
  m.set_employment(pb::EMPLOYMENT_ON_PAYROLL);
  m.set_active(active);
  return m;
}

pb::Dismissal Dismiss(const std::string& id, const std::string& unit) {
  pb::Dismissal d;
  d.set_id(id);
  d.set_unit(unit);
  d.set_path(pb::DISMISSAL_PATH_DISOBEDIENCE);
  d.add_reported_to("纪检监察");
  d.add_reported_to("组织人事");
  return d;
}

pb::DutyEvent Event(const std::string& id, const std::string& message) {
  pb::DutyEvent e;
  e.set_id(id);
  *e.mutable_at() = Ts(1665360000000000);
  e.set_message(message);
  e.mutable_reminder()->set_days_before(7);
  return e;
}

pb::AuditEntry AuditLine(const std::string& subject, const std::string& action, int64_t micros) {
  pb::AuditEntry a;
  *a.mutable_at() = Ts(micros);
  a.set_actor("centre:王芳");
  a.set_action(action);
  a.set_subject(subject);
  a.set_after("{\"cancelled\":true}");
  return a;
}

template <typename M>
std::vector<std::string> Ids(const std::vector<M>& messages) {
  std::vector<std::string> out;
  for (const M& m : messages) out.push_back(m.id());
  return out;
}

std::string Row(const AttendanceRow& a) {
  return absl::StrCat(a.staff_id, " ", a.date, " ", a.clock_in, "-", a.clock_out, " ",
                      pb::AttendanceMark_Name(a.mark));
}

// --- the checks, for both stores ---

template <typename Backend>
class DutyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { backend_.SetUp(); }
  DutyStore& store() { return backend_.store(); }

  // What `fn` answers in a Read (or the Read's error).
  template <typename F>
  auto Reading(F fn) -> decltype(fn(std::declval<DutyTx&>())) {
    decltype(fn(std::declval<DutyTx&>())) out = absl::UnknownError("not run");
    absl::Status s = store().Read([&](DutyTx& tx) {
      out = fn(tx);
      return out.status();
    });
    if (!s.ok()) return s;
    return out;
  }
  // The same in a Write that commits when `fn` succeeds.
  template <typename F>
  auto Writing(F fn) -> decltype(fn(std::declval<DutyTx&>())) {
    decltype(fn(std::declval<DutyTx&>())) out = absl::UnknownError("not run");
    absl::Status s = store().Write([&](DutyTx& tx) {
      out = fn(tx);
      return out.status();
    });
    if (!s.ok()) return s;
    return out;
  }
  void Put(const std::vector<pb::Registration>& registrations) {
    ASSERT_TRUE(store()
                    .Write([&](DutyTx& tx) {
                      for (const auto& r : registrations) RETURN_IF_ERROR(tx.PutRegistration(r));
                      return absl::OkStatus();
                    })
                    .ok());
  }
  std::vector<std::string> RegistrationIds(const RegistrationFilter& f) {
    auto got = Reading([&](DutyTx& tx) { return tx.Registrations(f); });
    EXPECT_TRUE(got.ok()) << got.status();
    return got.ok() ? Ids(*got) : std::vector<std::string>{"error"};
  }
  std::vector<std::string> RecordIds(const RecordFilter& f) {
    auto got = Reading([&](DutyTx& tx) { return tx.Records(f); });
    EXPECT_TRUE(got.ok()) << got.status();
    return got.ok() ? Ids(*got) : std::vector<std::string>{"error"};
  }

  Backend backend_;
};

struct BackendNames {
  template <typename T>
  static std::string GetName(int) {
    return T::kName;
  }
};

using Backends = ::testing::Types<FakeBackend, PgBackend>;
TYPED_TEST_SUITE(DutyStoreTest, Backends, BackendNames);

using V = std::vector<std::string>;

TYPED_TEST(DutyStoreTest, DirectoryIsVersionZeroUntilAnImportAndEachImportIsTheNextVersion) {
  auto none = this->Reading([](DutyTx& tx) { return tx.Directory(); });
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(none->version(), 0);
  EXPECT_EQ(none->units_size(), 0);

  pb::Directory first;
  *first.mutable_imported_at() = Ts(1664500000000000);
  first.set_imported_by("centre:王芳");
  pb::ResidentUnit* unit = first.add_units();
  unit->set_name("市自然资源局");
  unit->set_high_frequency(true);
  unit->add_windows()->set_code("A12");
  pb::Leader* leader = unit->add_leaders();
  leader->set_id("zrzy-main");
  leader->set_name("刘强");
  leader->set_title("局长");
  leader->set_role(pb::LEADER_ROLE_MAIN);
  ASSERT_TRUE(this->store().Write([&](DutyTx& tx) { return tx.PutDirectory(first); }).ok());
  auto one = this->Reading([](DutyTx& tx) { return tx.Directory(); });
  ASSERT_TRUE(one.ok()) << one.status();
  pb::Directory expected = first;
  expected.set_version(1);
  EXPECT_TRUE(Same(*one, expected));

  pb::Directory second = expected;
  second.set_version(2);  // the caller may name the version it expects to write
  second.mutable_units(0)->mutable_leaders(0)->set_title("党组书记、局长");
  ASSERT_TRUE(this->store().Write([&](DutyTx& tx) { return tx.PutDirectory(second); }).ok());
  auto two = this->Reading([](DutyTx& tx) { return tx.Directory(); });
  ASSERT_TRUE(two.ok());
  EXPECT_TRUE(Same(*two, second));

  // Not the next version (another import landed first): refused, nothing written.
  pb::Directory stale = second;
  stale.set_version(2);
  absl::Status s = this->store().Write([&](DutyTx& tx) { return tx.PutDirectory(stale); });
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_EQ(this->Reading([](DutyTx& tx) { return tx.Directory(); })->version(), 2);
}

TYPED_TEST(DutyStoreTest, RegistrationRoundTripsAndPutReplacesIt) {
  const pb::Registration r = Reg("DR-000001", "市自然资源局", "zrzy-deputy", "2022-10-10");
  this->Put({r});
  auto got = this->Reading([](DutyTx& tx) { return tx.Registration("DR-000001"); });
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_TRUE(got->has_value());
  EXPECT_TRUE(Same(**got, r));

  pb::Registration cancelled = r;
  cancelled.set_cancelled(true);
  cancelled.set_cancel_reason("临时公务");
  *cancelled.mutable_cancelled_at() = Ts(1665000000000001);
  this->Put({cancelled});
  got = this->Reading([](DutyTx& tx) { return tx.Registration("DR-000001"); });
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_TRUE(Same(**got, cancelled));
  EXPECT_EQ(this->RegistrationIds({}), V{});  // cancelled: left out by default
  EXPECT_EQ(this->RegistrationIds({.include_cancelled = true}), V{"DR-000001"});

  auto missing = this->Reading([](DutyTx& tx) { return tx.Registration("DR-000002"); });
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TYPED_TEST(DutyStoreTest, RegistrationsFilterByUnitLeaderInclusiveDatesAndCancellation) {
  this->Put({Reg("DR-000001", "市自然资源局", "a1", "2022-10-10"),
             Reg("DR-000002", "市自然资源局", "a2", "2022-10-11", /*cancelled=*/true),
             Reg("DR-000003", "市市场监管局", "b1", "2022-10-12"),
             Reg("DR-000004", "市自然资源局", "a1", "2022-10-31"),
             Reg("DR-000005", "市市场监管局", "b1", "2022-11-01")});
  EXPECT_EQ(this->RegistrationIds({}), (V{"DR-000001", "DR-000003", "DR-000004", "DR-000005"}));
  EXPECT_EQ(this->RegistrationIds({.include_cancelled = true}),
            (V{"DR-000001", "DR-000002", "DR-000003", "DR-000004", "DR-000005"}));
  EXPECT_EQ(this->RegistrationIds({.unit = "市自然资源局"}), (V{"DR-000001", "DR-000004"}));
  EXPECT_EQ(this->RegistrationIds({.leader_id = "b1"}), (V{"DR-000003", "DR-000005"}));
  EXPECT_EQ(this->RegistrationIds({.from = "2022-10-11", .to = "2022-10-31"}), (V{"DR-000003", "DR-000004"}));
  EXPECT_EQ(this->RegistrationIds({.from = "2022-10-11", .to = "2022-10-31", .include_cancelled = true}),
            (V{"DR-000002", "DR-000003", "DR-000004"}));
  EXPECT_EQ(this->RegistrationIds({.from = "2022-11-01"}), V{"DR-000005"});
  EXPECT_EQ(this->RegistrationIds({.to = "2022-10-10"}), V{"DR-000001"});
  EXPECT_EQ(this->RegistrationIds({.unit = "市自然资源局", .leader_id = "a1", .to = "2022-10-30"}),
            V{"DR-000001"});
  EXPECT_EQ(this->RegistrationIds({.unit = "市发展改革委"}), V{});

  auto bad = this->Reading([](DutyTx& tx) { return tx.Registrations({.from = "2022/10/01"}); });
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument) << bad.status();
  bad = this->Reading([](DutyTx& tx) { return tx.Registrations({.limit = -1}); });
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument) << bad.status();
}

TYPED_TEST(DutyStoreTest, RegistrationsComeByDateThenIdAndPageByOffsetAndLimitWithTheirCount) {
  // Written out of order, the ids not in the dates' order (a later sitting registered first): the
  // list follows the date, then the id, not the order of writing nor the ids alone.
  this->Put({Reg("DR-000004", "u", "a", "2022-10-11"), Reg("DR-000001", "u", "a", "2022-10-12"),
             Reg("DR-000007", "u", "a", "2022-10-10"), Reg("DR-000003", "v", "b", "2022-10-11"),
             Reg("DR-000002", "u", "a", "2022-10-10"), Reg("DR-000006", "u", "a", "2022-10-13", true),
             Reg("DR-000005", "u", "a", "2022-10-11")});
  const V all = {"DR-000002", "DR-000007", "DR-000003", "DR-000004", "DR-000005", "DR-000001"};
  EXPECT_EQ(this->RegistrationIds({}), all);
  EXPECT_EQ(this->RegistrationIds({.limit = 3}), (V{"DR-000002", "DR-000007", "DR-000003"}));
  EXPECT_EQ(this->RegistrationIds({.offset = 3, .limit = 3}), (V{"DR-000004", "DR-000005", "DR-000001"}));
  EXPECT_EQ(this->RegistrationIds({.offset = 5, .limit = 3}), V{"DR-000001"});
  EXPECT_EQ(this->RegistrationIds({.offset = 6, .limit = 3}), V{});
  EXPECT_EQ(this->RegistrationIds({.offset = 4}), (V{"DR-000005", "DR-000001"}));  // no limit: the rest
  // With a filter, a page holds `limit` matching ones, counted among the matches only.
  EXPECT_EQ(this->RegistrationIds({.unit = "u", .offset = 1, .limit = 2}), (V{"DR-000007", "DR-000004"}));
  EXPECT_EQ(this->RegistrationIds({.include_cancelled = true, .offset = 5}), (V{"DR-000001", "DR-000006"}));

  // The count is the filter's, whatever the page.
  auto count = [&](const RegistrationFilter& f) {
    auto n = this->Reading([&](DutyTx& tx) { return tx.CountRegistrations(f); });
    EXPECT_TRUE(n.ok()) << n.status();
    return n.value_or(-1);
  };
  EXPECT_EQ(count({}), 6);
  EXPECT_EQ(count({.offset = 5, .limit = 1}), 6);
  EXPECT_EQ(count({.include_cancelled = true}), 7);
  EXPECT_EQ(count({.unit = "u"}), 5);
  EXPECT_EQ(count({.leader_id = "b"}), 1);
  EXPECT_EQ(count({.from = "2022-10-11", .to = "2022-10-11"}), 3);
  EXPECT_EQ(count({.unit = "w"}), 0);

  for (const RegistrationFilter& bad : {RegistrationFilter{.offset = -1}, RegistrationFilter{.limit = -1},
                                        RegistrationFilter{.to = "2022-13-01"}}) {
    auto list = this->Reading([&](DutyTx& tx) { return tx.Registrations(bad); });
    EXPECT_EQ(list.status().code(), absl::StatusCode::kInvalidArgument) << list.status();
    auto n = this->Reading([&](DutyTx& tx) { return tx.CountRegistrations(bad); });
    EXPECT_EQ(n.status().code(), absl::StatusCode::kInvalidArgument) << n.status();
  }
  auto bad_offset = this->Reading([](DutyTx& tx) { return tx.Registrations({.offset = -1}); });
  EXPECT_NE(bad_offset.status().message().find("filter.offset"), std::string_view::npos) << bad_offset.status();
}

TYPED_TEST(DutyStoreTest, RecordsRoundTripFilterAndPage) {
  const pb::DutyRecord first = Rec("DK-000001", "市自然资源局", "a1", "2022-10-10");
  ASSERT_TRUE(this->store()
                  .Write([&](DutyTx& tx) {
                    RETURN_IF_ERROR(tx.PutRecord(Rec("DK-000003", "市市场监管局", "b1", "2022-10-12")));
                    RETURN_IF_ERROR(tx.PutRecord(first));
                    RETURN_IF_ERROR(tx.PutRecord(Rec("DK-000002", "市自然资源局", "a2", "2022-10-11")));
                    return tx.PutRecord(Rec("DK-000004", "市自然资源局", "a1", "2022-11-02"));
                  })
                  .ok());
  auto all = this->Reading([](DutyTx& tx) { return tx.Records({}); });
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(Ids(*all), (V{"DK-000001", "DK-000002", "DK-000003", "DK-000004"}));
  EXPECT_TRUE(Same((*all)[0], first));
  EXPECT_EQ(this->RecordIds({.unit = "市自然资源局"}), (V{"DK-000001", "DK-000002", "DK-000004"}));
  EXPECT_EQ(this->RecordIds({.leader_id = "a1"}), (V{"DK-000001", "DK-000004"}));
  EXPECT_EQ(this->RecordIds({.from = "2022-10-11", .to = "2022-10-12"}), (V{"DK-000002", "DK-000003"}));
  EXPECT_EQ(this->RecordIds({.unit = "市自然资源局", .offset = 1, .limit = 1}), V{"DK-000002"});
  EXPECT_EQ(this->RecordIds({.offset = 2, .limit = 5}), (V{"DK-000003", "DK-000004"}));
  EXPECT_EQ(this->RecordIds({.offset = 4}), V{});

  // By date, then id: a later-numbered record of an earlier sitting (filed late) comes first.
  ASSERT_TRUE(this->store()
                  .Write([&](DutyTx& tx) {
                    RETURN_IF_ERROR(tx.PutRecord(Rec("DK-000006", "市自然资源局", "a2", "2022-10-10")));
                    return tx.PutRecord(Rec("DK-000005", "市市场监管局", "b1", "2022-10-09"));
                  })
                  .ok());
  EXPECT_EQ(this->RecordIds({}), (V{"DK-000005", "DK-000001", "DK-000006", "DK-000002", "DK-000003", "DK-000004"}));
  EXPECT_EQ(this->RecordIds({.unit = "市自然资源局", .limit = 2}), (V{"DK-000001", "DK-000006"}));

  auto count = [&](const RecordFilter& f) {
    auto n = this->Reading([&](DutyTx& tx) { return tx.CountRecords(f); });
    EXPECT_TRUE(n.ok()) << n.status();
    return n.value_or(-1);
  };
  EXPECT_EQ(count({}), 6);
  EXPECT_EQ(count({.offset = 4, .limit = 1}), 6);
  EXPECT_EQ(count({.unit = "市自然资源局"}), 4);
  EXPECT_EQ(count({.leader_id = "a1", .to = "2022-10-31"}), 1);
  EXPECT_EQ(count({.from = "2022-10-10", .to = "2022-10-10"}), 2);
  EXPECT_EQ(this->Reading([](DutyTx& tx) { return tx.CountRecords({.offset = -1}); }).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(this->Reading([](DutyTx& tx) { return tx.Records({.limit = -2}); }).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TYPED_TEST(DutyStoreTest, ExemptionsListByMonthAndAreReplacedPerLeaderAndMonth) {
  ASSERT_TRUE(this->store()
                  .Write([&](DutyTx& tx) {
                    RETURN_IF_ERROR(tx.PutExemption(Exempt("b1", "2022-10", "外出学习")));
                    RETURN_IF_ERROR(tx.PutExemption(Exempt("a1", "2022-11", "市委巡察")));
                    RETURN_IF_ERROR(tx.PutExemption(Exempt("a1", "2022-10", "住院")));
                    return tx.PutExemption(Exempt("a1", "2022-10", "抗洪抢险"));  // replaces
                  })
                  .ok());
  auto october = this->Reading([](DutyTx& tx) { return tx.Exemptions("2022-10"); });
  ASSERT_TRUE(october.ok()) << october.status();
  ASSERT_EQ(october->size(), 2u);
  EXPECT_TRUE(Same((*october)[0], Exempt("a1", "2022-10", "抗洪抢险")));
  EXPECT_TRUE(Same((*october)[1], Exempt("b1", "2022-10", "外出学习")));
  auto all = this->Reading([](DutyTx& tx) { return tx.Exemptions(""); });
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[1].month(), "2022-11");
  EXPECT_EQ(this->Reading([](DutyTx& tx) { return tx.Exemptions("2022-12"); })->size(), 0u);

  absl::Status s =
      this->store().Write([](DutyTx& tx) { return tx.PutExemption(Exempt("a1", "2022-1", "x")); });
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
}

TYPED_TEST(DutyStoreTest, StaffListByUnitOnlyTheActiveUnlessAskedAndFindOne) {
  ASSERT_TRUE(this->store()
                  .Write([&](DutyTx& tx) {
                    RETURN_IF_ERROR(tx.PutStaff(Member("WS-000002", "市自然资源局", true)));
                    RETURN_IF_ERROR(tx.PutStaff(Member("WS-000001", "市自然资源局", true)));
                    RETURN_IF_ERROR(tx.PutStaff(Member("WS-000003", "市市场监管局", true)));
                    return tx.PutStaff(Member("WS-000001", "市自然资源局", false));  // rotated out
                  })
                  .ok());
  auto active = this->Reading([](DutyTx& tx) { return tx.Staff("市自然资源局", false); });
  ASSERT_TRUE(active.ok()) << active.status();
  EXPECT_EQ(Ids(*active), V{"WS-000002"});
  EXPECT_EQ(Ids(*this->Reading([](DutyTx& tx) { return tx.Staff("市自然资源局", true); })),
            (V{"WS-000001", "WS-000002"}));
  EXPECT_EQ(Ids(*this->Reading([](DutyTx& tx) { return tx.Staff("", false); })),
            (V{"WS-000002", "WS-000003"}));
  auto one = this->Reading([](DutyTx& tx) { return tx.StaffMember("WS-000001"); });
  ASSERT_TRUE(one.ok() && one->has_value());
  EXPECT_TRUE(Same(**one, Member("WS-000001", "市自然资源局", false)));
  EXPECT_FALSE(this->Reading([](DutyTx& tx) { return tx.StaffMember("WS-000009"); })->has_value());
}

TYPED_TEST(DutyStoreTest, AttendanceReplacesAPersonsDayAndListsByInclusiveDates) {
  const std::vector<AttendanceRow> first = {
      {"WS-000001", "2022-10-10", "08:55", "17:31", pb::ATTENDANCE_MARK_ON_TIME},
      {"WS-000001", "2022-10-11", "09:20", "17:31", pb::ATTENDANCE_MARK_LATE},
      {"WS-000002", "2022-10-10", "", "", pb::ATTENDANCE_MARK_ABSENT}};
  // A corrected import of the 11th, and a day given twice in one import: the last line counts.
  const std::vector<AttendanceRow> second = {
      {"WS-000001", "2022-10-11", "08:50", "17:30", pb::ATTENDANCE_MARK_ON_TIME},
      {"WS-000002", "2022-10-12", "09:10", "17:30", pb::ATTENDANCE_MARK_LATE},
      {"WS-000002", "2022-10-12", "08:59", "16:00", pb::ATTENDANCE_MARK_EARLY}};
  ASSERT_TRUE(this->store().Write([&](DutyTx& tx) { return tx.PutAttendance(first); }).ok());
  ASSERT_TRUE(this->store().Write([&](DutyTx& tx) { return tx.PutAttendance(second); }).ok());
  ASSERT_TRUE(this->store().Write([&](DutyTx& tx) { return tx.PutAttendance({}); }).ok());

  auto rows = this->Reading([](DutyTx& tx) { return tx.Attendance("2022-10-11", "2022-10-12"); });
  ASSERT_TRUE(rows.ok()) << rows.status();
  std::vector<std::string> got;
  for (const auto& r : *rows) got.push_back(Row(r));
  EXPECT_EQ(got, (V{"WS-000001 2022-10-11 08:50-17:30 ATTENDANCE_MARK_ON_TIME",
                    "WS-000002 2022-10-12 08:59-16:00 ATTENDANCE_MARK_EARLY"}));
  rows = this->Reading([](DutyTx& tx) { return tx.Attendance("", ""); });
  ASSERT_TRUE(rows.ok());
  got.clear();
  for (const auto& r : *rows) got.push_back(Row(r));
  EXPECT_EQ(got, (V{"WS-000001 2022-10-10 08:55-17:31 ATTENDANCE_MARK_ON_TIME",
                    "WS-000001 2022-10-11 08:50-17:30 ATTENDANCE_MARK_ON_TIME",
                    "WS-000002 2022-10-10 - ATTENDANCE_MARK_ABSENT",
                    "WS-000002 2022-10-12 08:59-16:00 ATTENDANCE_MARK_EARLY"}));

  absl::Status s = this->store().Write([](DutyTx& tx) {
    return tx.PutAttendance({{"WS-000001", "2022-10-32", "", "", pb::ATTENDANCE_MARK_ABSENT}});
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
}

TYPED_TEST(DutyStoreTest, DismissalsListByUnitInIdOrderAndFindOne) {
  ASSERT_TRUE(this->store()
                  .Write([&](DutyTx& tx) {
                    RETURN_IF_ERROR(tx.PutDismissal(Dismiss("QT-000002", "市自然资源局")));
                    RETURN_IF_ERROR(tx.PutDismissal(Dismiss("QT-000001", "市自然资源局")));
                    return tx.PutDismissal(Dismiss("QT-000003", "市市场监管局"));
                  })
                  .ok());
  EXPECT_EQ(Ids(*this->Reading([](DutyTx& tx) { return tx.Dismissals("市自然资源局"); })),
            (V{"QT-000001", "QT-000002"}));
  EXPECT_EQ(Ids(*this->Reading([](DutyTx& tx) { return tx.Dismissals(""); })),
            (V{"QT-000001", "QT-000002", "QT-000003"}));
  auto one = this->Reading([](DutyTx& tx) { return tx.Dismissal("QT-000003"); });
  ASSERT_TRUE(one.ok() && one->has_value());
  EXPECT_TRUE(Same(**one, Dismiss("QT-000003", "市市场监管局")));
  EXPECT_FALSE(this->Reading([](DutyTx& tx) { return tx.Dismissal("QT-000004"); })->has_value());
}

TYPED_TEST(DutyStoreTest, PublishedRosterIsKeptPerWeekAndRepublishingReplacesIt) {
  EXPECT_FALSE(this->Reading([](DutyTx& tx) { return tx.PublishedRoster("2022-W40"); })->has_value());
  pb::Roster roster;
  roster.set_week("2022-W40");
  roster.set_week_start("2022-10-03");
  roster.set_publish_date("2022-10-08");  // 国庆: the week's first working day is the make-up Saturday
  roster.set_published(true);
  *roster.mutable_published_at() = Ts(1665190800000000);
  pb::RosterEntry* entry = roster.add_entries();
  entry->set_date("2022-10-08");
  entry->set_unit("市自然资源局");
  entry->set_leader_name("刘强");
  entry->set_session(pb::SESSION_WHOLE_DAY);
  roster.add_channels("政务网站");
  ASSERT_TRUE(this->store().Write([&](DutyTx& tx) { return tx.PutPublishedRoster(roster); }).ok());
  auto got = this->Reading([](DutyTx& tx) { return tx.PublishedRoster("2022-W40"); });
  ASSERT_TRUE(got.ok() && got->has_value()) << got.status();
  EXPECT_TRUE(Same(**got, roster));

  pb::Roster again = roster;
  *again.mutable_published_at() = Ts(1665277200000000);
  again.add_entries()->set_leader_name("张建国");
  ASSERT_TRUE(this->store().Write([&](DutyTx& tx) { return tx.PutPublishedRoster(again); }).ok());
  got = this->Reading([](DutyTx& tx) { return tx.PublishedRoster("2022-W40"); });
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_TRUE(Same(**got, again));
  EXPECT_FALSE(this->Reading([](DutyTx& tx) { return tx.PublishedRoster("2022-W41"); })->has_value());

  absl::Status s = this->store().Write([](DutyTx& tx) { return tx.PutPublishedRoster(pb::Roster()); });
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
}

TYPED_TEST(DutyStoreTest, MarkOnceIsTrueOnlyTheFirstTimeAKeyIsMarkedInACommittedWrite) {
  const absl::Time at = absl::FromUnixSeconds(1665360000);
  auto first = this->Writing([&](DutyTx& tx) -> absl::StatusOr<std::vector<bool>> {
    std::vector<bool> out;
    for (const char* key : {"reminder:DR-000001:7", "reminder:DR-000001:7", "reminder:DR-000001:1"}) {
      ASSIGN_OR_RETURN(bool marked, tx.MarkOnce(key, at));
      out.push_back(marked);
    }
    return out;
  });
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, (std::vector<bool>{true, false, true}));
  EXPECT_EQ(*this->Writing([&](DutyTx& tx) { return tx.MarkOnce("reminder:DR-000001:7", at); }), false);

  // Marked in a Write that then fails: not kept, so the next one sends it.
  absl::Status s = this->store().Write([&](DutyTx& tx) {
    auto marked = tx.MarkOnce("report:2022-10", at);
    EXPECT_TRUE(marked.ok() && *marked);
    return absl::UnavailableError("kafka down");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(*this->Writing([&](DutyTx& tx) { return tx.MarkOnce("report:2022-10", at); }), true);
}

TYPED_TEST(DutyStoreTest, NextIdCountsPerKindAndNeverReusesAFailedWritesIds) {
  auto ids = this->Writing([](DutyTx& tx) -> absl::StatusOr<std::vector<std::string>> {
    std::vector<std::string> out;
    for (const char* prefix : {"DR", "DR", "DK", "WS", "QT", "DR"}) {
      ASSIGN_OR_RETURN(std::string id, tx.NextId(prefix));
      out.push_back(id);
    }
    return out;
  });
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_EQ(*ids, (V{"DR-000001", "DR-000002", "DK-000001", "WS-000001", "QT-000001", "DR-000003"}));

  // The work's own ABORTED is returned after one run (PgPool retries only what PostgreSQL aborted).
  int runs = 0;
  absl::Status s = this->store().Write([&](DutyTx& tx) {
    ++runs;
    EXPECT_EQ(*tx.NextId("DR"), "DR-000004");
    return absl::AbortedError("changed my mind");
  });
  EXPECT_EQ(s, absl::AbortedError("changed my mind"));
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(*this->Writing([](DutyTx& tx) { return tx.NextId("DR"); }), "DR-000005");

  auto unknown = this->Writing([](DutyTx& tx) { return tx.NextId("XX"); });
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument) << unknown.status();
  // Taking an id is a write: a Read cannot.
  EXPECT_FALSE(this->Reading([](DutyTx& tx) { return tx.NextId("DK"); }).ok());
}

TYPED_TEST(DutyStoreTest, AFailedWriteKeepsNothingAndEmitsNothing) {
  const absl::Status refused = absl::FailedPreconditionError("registration.date is not a working day");
  pb::Directory directory;
  directory.add_units()->set_name("市自然资源局");
  pb::Roster roster;
  roster.set_week("2022-W41");
  absl::Status s = this->store().Write([&](DutyTx& tx) {
    RETURN_IF_ERROR(tx.PutDirectory(directory));
    RETURN_IF_ERROR(tx.PutRegistration(Reg("DR-000001", "市自然资源局", "a1", "2022-10-10")));
    RETURN_IF_ERROR(tx.PutRecord(Rec("DK-000001", "市自然资源局", "a1", "2022-10-10")));
    RETURN_IF_ERROR(tx.PutExemption(Exempt("a1", "2022-10", "住院")));
    RETURN_IF_ERROR(tx.PutStaff(Member("WS-000001", "市自然资源局", true)));
    RETURN_IF_ERROR(tx.PutAttendance({{"WS-000001", "2022-10-10", "", "", pb::ATTENDANCE_MARK_ABSENT}}));
    RETURN_IF_ERROR(tx.PutDismissal(Dismiss("QT-000001", "市自然资源局")));
    RETURN_IF_ERROR(tx.PutPublishedRoster(roster));
    RETURN_IF_ERROR(tx.Audit(AuditLine("DR-000001", "registered", 1665360000000000)));
    RETURN_IF_ERROR(tx.Emit(Event("evt-1", "提醒"), "市自然资源局"));
    // Within the unit of work its own writes are seen.
    auto mine = tx.Registrations({});
    EXPECT_TRUE(mine.ok() && mine->size() == 1u);
    return refused;
  });
  EXPECT_EQ(s, refused);

  absl::Status read = this->store().Read([&](DutyTx& tx) {
    EXPECT_EQ(tx.Directory()->version(), 0);
    EXPECT_TRUE(tx.Registrations({.include_cancelled = true})->empty());
    EXPECT_TRUE(tx.Records({})->empty());
    EXPECT_TRUE(tx.Exemptions("")->empty());
    EXPECT_TRUE(tx.Staff("", true)->empty());
    EXPECT_TRUE(tx.Attendance("", "")->empty());
    EXPECT_TRUE(tx.Dismissals("")->empty());
    EXPECT_FALSE(tx.PublishedRoster("2022-W41")->has_value());
    EXPECT_TRUE(tx.AuditEntries("", 0, 0)->empty());
    return absl::OkStatus();
  });
  EXPECT_TRUE(read.ok()) << read;
  EXPECT_TRUE(this->backend_.Emitted().empty());
}

TYPED_TEST(DutyStoreTest, AuditEntriesComeInWritingOrderBySubjectAndPageAfterASeq) {
  ASSERT_TRUE(this->store()
                  .Write([](DutyTx& tx) {
                    RETURN_IF_ERROR(tx.Audit(AuditLine("DR-000001", "registered", 1665360000000001)));
                    RETURN_IF_ERROR(tx.Audit(AuditLine("DR-000002", "registered", 1665360000000002)));
                    return tx.Audit(AuditLine("DR-000001", "cancelled", 1665360000000003));
                  })
                  .ok());
  ASSERT_TRUE(this->store()
                  .Write([](DutyTx& tx) {
                    return tx.Audit(AuditLine("WS-000001", "added", 1665360000000004));
                  })
                  .ok());

  auto all = this->Reading([](DutyTx& tx) { return tx.AuditEntries("", 0, 0); });
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 4u);
  for (size_t i = 1; i < all->size(); ++i) EXPECT_LT((*all)[i - 1].seq(), (*all)[i].seq());
  pb::AuditEntry expected = AuditLine("DR-000002", "registered", 1665360000000002);
  expected.set_seq((*all)[1].seq());
  EXPECT_TRUE(Same((*all)[1], expected));

  auto dr1 = this->Reading([](DutyTx& tx) { return tx.AuditEntries("DR-000001", 0, 0); });
  ASSERT_TRUE(dr1.ok());
  ASSERT_EQ(dr1->size(), 2u);
  EXPECT_EQ((*dr1)[0].action(), "registered");
  EXPECT_EQ((*dr1)[1].action(), "cancelled");

  auto page1 = this->Reading([](DutyTx& tx) { return tx.AuditEntries("", 0, 3); });
  ASSERT_TRUE(page1.ok());
  ASSERT_EQ(page1->size(), 3u);
  const int64_t last = page1->back().seq();
  auto page2 = this->Reading([&](DutyTx& tx) { return tx.AuditEntries("", last, 3); });
  ASSERT_TRUE(page2.ok());
  ASSERT_EQ(page2->size(), 1u);
  EXPECT_EQ((*page2)[0].subject(), "WS-000001");
  EXPECT_TRUE(this->Reading([&](DutyTx& tx) { return tx.AuditEntries("", (*page2)[0].seq(), 3); })->empty());
  EXPECT_EQ(this->Reading([](DutyTx& tx) { return tx.AuditEntries("", 0, -1); }).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TYPED_TEST(DutyStoreTest, EventsAreEmittedInOrderWithTheirKeysWhenTheWriteCommits) {
  ASSERT_TRUE(this->store()
                  .Write([](DutyTx& tx) {
                    RETURN_IF_ERROR(tx.Emit(Event("evt-1", "周一坐班提醒"), "市自然资源局"));
                    return tx.Emit(Event("evt-2", "本周坐班名单"), "2022-W40");
                  })
                  .ok());
  EXPECT_FALSE(this->store()
                   .Write([](DutyTx& tx) {
                     EXPECT_TRUE(tx.Emit(Event("evt-3", "不会发出"), "市自然资源局").ok());
                     return absl::InternalError("failed later");
                   })
                   .ok());
  absl::Status no_id = this->store().Write([](DutyTx& tx) { return tx.Emit(Event("", "x"), "k"); });
  EXPECT_EQ(no_id.code(), absl::StatusCode::kInvalidArgument) << no_id;

  const std::vector<EmittedDutyEvent> emitted = this->backend_.Emitted();
  ASSERT_EQ(emitted.size(), 2u);
  EXPECT_EQ(emitted[0].key, "市自然资源局");
  EXPECT_TRUE(Same(emitted[0].event, Event("evt-1", "周一坐班提醒")));
  EXPECT_EQ(emitted[1].key, "2022-W40");
  EXPECT_TRUE(Same(emitted[1].event, Event("evt-2", "本周坐班名单")));
}

TYPED_TEST(DutyStoreTest, AReadSeesOneSnapshotAndCannotWrite) {
  this->Put({Reg("DR-000001", "u", "a", "2022-10-10")});
  absl::Status s = this->store().Read([&](DutyTx& tx) {
    EXPECT_EQ(tx.Registrations({})->size(), 1u);
    // A Write commits in the middle of the Read…
    std::thread writer([&] { this->Put({Reg("DR-000002", "u", "a", "2022-10-11")}); });
    writer.join();
    // …which still sees what it saw.
    EXPECT_EQ(tx.Registrations({})->size(), 1u);
    return absl::OkStatus();
  });
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(this->RegistrationIds({}), (V{"DR-000001", "DR-000002"}));

  s = this->store().Read(
      [](DutyTx& tx) { return tx.PutRegistration(Reg("DR-000003", "u", "a", "2022-10-12")); });
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(this->RegistrationIds({}), (V{"DR-000001", "DR-000002"}));
}

TYPED_TEST(DutyStoreTest, WritesSerializeSoNoReadThenWriteIsLost) {
  pb::Registration counter = Reg("DR-000001", "u", "a", "2022-10-10");
  counter.set_days_ahead(0);
  this->Put({counter});
  constexpr int kThreads = 4;
  constexpr int kEach = 3;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        absl::Status s = this->store().Write([](DutyTx& tx) {
          ASSIGN_OR_RETURN(auto r, tx.Registration("DR-000001"));
          absl::SleepFor(absl::Milliseconds(2));  // the window a concurrent writer would use
          r->set_days_ahead(r->days_ahead() + 1);
          return tx.PutRegistration(*r);
        });
        if (!s.ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto r = this->Reading([](DutyTx& tx) { return tx.Registration("DR-000001"); });
  ASSERT_TRUE(r.ok() && r->has_value());
  EXPECT_EQ((*r)->days_ahead(), kThreads * kEach);
}

TYPED_TEST(DutyStoreTest, PutsRefuseAMissingKeyOrABadDateNamingTheField) {
  struct Case {
    std::string name;
    std::function<absl::Status(DutyTx&)> put;
  };
  const std::vector<Case> cases = {
      {"registration.id", [](DutyTx& tx) { return tx.PutRegistration(Reg("", "u", "a", "2022-10-10")); }},
      {"registration.date",
       [](DutyTx& tx) { return tx.PutRegistration(Reg("DR-1", "u", "a", "2022-02-30")); }},
      {"record.date", [](DutyTx& tx) { return tx.PutRecord(Rec("DK-1", "u", "a", "")); }},
      {"staff.id", [](DutyTx& tx) { return tx.PutStaff(Member("", "u", true)); }},
      {"dismissal.id", [](DutyTx& tx) { return tx.PutDismissal(Dismiss("", "u")); }},
      {"exemption.leader_id", [](DutyTx& tx) { return tx.PutExemption(Exempt("", "2022-10", "x")); }},
  };
  for (const Case& c : cases) {
    absl::Status s = this->store().Write(c.put);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.name << ": " << s;
    EXPECT_NE(s.message().find(c.name), std::string_view::npos) << s;
  }
  EXPECT_EQ(this->RegistrationIds({.include_cancelled = true}), V{});
}

// --- what only PostgreSQL has ---

class PgDutyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { backend_.SetUp(); }
  PgBackend backend_;
};

TEST_F(PgDutyStoreTest, AnEmittedEventIsAnOutboxRowOnTheDutyTopicAsACloudEvent) {
  const pb::DutyEvent event = Event("duty:reminder:DR-000001:7", "请于2022-10-10到中心坐班");
  ASSERT_TRUE(backend_.store().Write([&](DutyTx& tx) { return tx.Emit(event, "市自然资源局"); }).ok());
  absl::Status s = backend_.pool().WithTransaction([&](pqxx::work& tx) {
    const pqxx::result rows = tx.exec(
        "SELECT topic, msg_key, ce_id, ce_type, ce_source, content_type, "
        "(extract(epoch FROM ce_time) * 1000000)::bigint, payload FROM outbox");
    EXPECT_EQ(rows.size(), 1u);
    if (rows.size() != 1) return absl::OkStatus();
    const auto row = rows[0];
    EXPECT_EQ(row[0].as<std::string>(), "ys.duty.v1");
    EXPECT_EQ(row[1].as<std::string>(), "市自然资源局");
    EXPECT_EQ(row[2].as<std::string>(), "duty:reminder:DR-000001:7");
    EXPECT_EQ(row[3].as<std::string>(), "yingshang.duty.v1.DutyEvent");
    EXPECT_EQ(row[4].as<std::string>(), "/yingshang/duty");
    EXPECT_EQ(row[5].as<std::string>(), "application/protobuf");
    EXPECT_EQ(row[6].as<int64_t>(), 1665360000000000);  // the event's `at`
    pb::DutyEvent payload;
    EXPECT_TRUE(payload.ParseFromString(pqxx::binarystring(row[7]).str()));
    EXPECT_TRUE(Same(payload, event));
    return absl::OkStatus();
  });
  EXPECT_TRUE(s.ok()) << s;
}

TEST_F(PgDutyStoreTest, BodiesAreJsonWithTheProtoFieldNamesAndKeyColumnsMatchThem) {
  ASSERT_TRUE(backend_.store()
                  .Write([](DutyTx& tx) {
                    return tx.PutRegistration(Reg("DR-000001", "市自然资源局", "zrzy-deputy", "2022-10-10", true));
                  })
                  .ok());
  absl::Status s = backend_.pool().WithTransaction([](pqxx::work& tx) {
    const auto row = tx.exec1(
        "SELECT body->>'leader_id', body->>'window_name', body->>'role', unit, leader_id, "
        "date::text, cancelled FROM registrations");
    EXPECT_EQ(row[0].as<std::string>(), "zrzy-deputy");
    EXPECT_EQ(row[1].as<std::string>(), "不动产登记综合窗口");
    EXPECT_EQ(row[2].as<std::string>(), "LEADER_ROLE_DEPUTY");
    EXPECT_EQ(row[3].as<std::string>(), "市自然资源局");
    EXPECT_EQ(row[4].as<std::string>(), "zrzy-deputy");
    EXPECT_EQ(row[5].as<std::string>(), "2022-10-10");
    EXPECT_TRUE(row[6].as<bool>());
    return absl::OkStatus();
  });
  EXPECT_TRUE(s.ok()) << s;
}

TEST_F(PgDutyStoreTest, IdsGrowPastSixDigits) {
  ASSERT_EQ(ys::testing::QueryInt(backend_.pool(), "SELECT setval('id_ws', 999999)"), 999999);
  absl::StatusOr<std::string> id = absl::UnknownError("not run");
  ASSERT_TRUE(backend_.store()
                  .Write([&](DutyTx& tx) {
                    id = tx.NextId("WS");
                    return id.status();
                  })
                  .ok());
  EXPECT_EQ(*id, "WS-1000000");
}

TEST_F(PgDutyStoreTest, AStatementPostgresRefusedFailsTheUnitOfWorkEvenIfTheWorkIgnoresIt) {
  pb::Registration bad = Reg("DR-000002", "u", "a", "2022-10-11");
  bad.set_leader_name(std::string("a\0b", 3));  // jsonb holds no U+0000
  absl::Status s = backend_.store().Write([&](DutyTx& tx) {
    RETURN_IF_ERROR(tx.PutRegistration(Reg("DR-000001", "u", "a", "2022-10-10")));
    EXPECT_FALSE(tx.PutRegistration(bad).ok());
    // PostgreSQL has aborted the transaction: what follows reports the same failure.
    EXPECT_FALSE(tx.Registrations({}).ok());
    return absl::OkStatus();
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_EQ(ys::testing::QueryInt(backend_.pool(), "SELECT count(*) FROM registrations"), 0);
}


TEST_F(PgDutyStoreTest, TwoReplicasSweepingAtOnceSendTheRosterAndEachReminderOnce) {
  // Two replicas share the schema and each runs the scheduler: the week's roster and each reminder
  // go out once (every Write queues on the advisory lock; MarkOnce's key decides who sends).
  pb::Registration tomorrow = Reg("DR-000001", "市自然资源局", "a", "2022-09-27");  // the 1-day reminder
  pb::Registration next_week = Reg("DR-000002", "市自然资源局", "b", "2022-10-03");  // the 7-day reminder
  next_week.set_days_ahead(10);
  ASSERT_TRUE(backend_.store()
                  .Write([&](DutyTx& tx) {
                    RETURN_IF_ERROR(tx.PutRegistration(tomorrow));
                    return tx.PutRegistration(next_week);
                  })
                  .ok());
  std::string schema;
  ASSERT_TRUE(backend_.pool().WithTransaction([&](pqxx::work& tx) {
                schema = tx.exec1("SELECT current_schema()")[0].as<std::string>();
                return absl::OkStatus();
              }).ok());
  auto migrations = MigrationsFromFiles(EmbeddedMigrations());
  ASSERT_TRUE(migrations.ok());
  std::unique_ptr<PgPool> other_pool = ys::testing::MigratedPool(schema, *migrations);
  ASSERT_NE(other_pool, nullptr);
  PgDutyStore other_store(*other_pool);
  auto calendar = WorkingDayCalendar::LoadEmbedded();
  ASSERT_TRUE(calendar.ok()) << calendar.status();
  // Monday 2022-09-26 09:00, the first working day of 2022-W39: its roster is due (08:00).
  ys::testing::FakeClock clock(absl::FromCivil(absl::CivilMinute(2022, 9, 26, 9, 0), Shanghai()));
  DutySettings settings;
  UnitDirectory units;
  DutyDesk desks[2] = {DutyDesk(backend_.store(), clock, *calendar, settings, units),
                       DutyDesk(other_store, clock, *calendar, settings, units)};
  DutyDesk::SweepResult sent[2];
  absl::Status failed[2];
  auto replica = [&](int r) {
    for (int round = 0; round < 3; ++round) {
      auto swept = desks[r].Sweep();
      if (!swept.ok()) {
        failed[r] = swept.status();
        return;
      }
      sent[r].rosters_published += swept->rosters_published;
      sent[r].reminders += swept->reminders;
    }
  };
  std::thread a(replica, 0), b(replica, 1);
  a.join();
  b.join();
  ASSERT_TRUE(failed[0].ok()) << failed[0];
  ASSERT_TRUE(failed[1].ok()) << failed[1];
  EXPECT_EQ(sent[0].rosters_published + sent[1].rosters_published, 1);
  EXPECT_EQ(sent[0].reminders + sent[1].reminders, 2);
  int rosters = 0, reminders = 0;
  for (const EmittedDutyEvent& e : backend_.Emitted()) {
    if (e.event.has_roster_published()) {
      ++rosters;
      EXPECT_EQ(e.key, "2022-W39");
    }
    if (e.event.has_reminder()) ++reminders;
  }
  EXPECT_EQ(rosters, 1);
  EXPECT_EQ(reminders, 2);
}

}  // namespace
}  // namespace ys::duty
