#include "services/gateway/login_policy.h"

#include "absl/time/civil_time.h"
#include "common/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ys::gateway {
namespace {

// 2022-10-08 14:20 in Asia/Shanghai.
absl::Time Now() { return absl::FromCivil(absl::CivilMinute(2022, 10, 8, 14, 20), Shanghai()); }

TEST(Lockout, FourFailuresDoNotLockTheFifthDoes) {
  const LockoutPolicy policy;
  AccountState state;
  for (int i = 1; i <= 4; ++i) {
    state = AfterWrongPassword(state, policy, Now() + absl::Seconds(i));
    EXPECT_EQ(state.failed_logins, i);
    EXPECT_FALSE(state.locked_until.has_value()) << i;
    EXPECT_EQ(RefuseBeforePassword(state, Now() + absl::Seconds(i)), std::nullopt);
  }
  const absl::Time fifth = Now() + absl::Seconds(5);
  state = AfterWrongPassword(state, policy, fifth);
  EXPECT_EQ(state.failed_logins, 5);
  ASSERT_TRUE(state.locked_until.has_value());
  EXPECT_EQ(*state.locked_until, fifth + absl::Minutes(15));
}

TEST(Lockout, RefusedWhileLockedAllowedAfter) {
  AccountState state{.disabled = false, .failed_logins = 5, .locked_until = Now() + absl::Minutes(15)};
  EXPECT_EQ(RefuseBeforePassword(state, Now()), LoginOutcome::kLocked);
  EXPECT_EQ(RefuseBeforePassword(state, Now() + absl::Minutes(15) - absl::Seconds(1)), LoginOutcome::kLocked);
  EXPECT_EQ(RefuseBeforePassword(state, Now() + absl::Minutes(15)), std::nullopt);
  EXPECT_EQ(RefuseBeforePassword(state, Now() + absl::Hours(2)), std::nullopt);
}

TEST(Lockout, ExpiredLockStartsAFreshRound) {
  const LockoutPolicy policy;
  AccountState state{.disabled = false, .failed_logins = 5, .locked_until = Now()};
  const absl::Time later = Now() + absl::Minutes(1);
  state = AfterWrongPassword(state, policy, later);
  EXPECT_EQ(state.failed_logins, 1);
  EXPECT_FALSE(state.locked_until.has_value());
}

TEST(Lockout, FailureWhileLockedDoesNotExtendTheLock) {
  const absl::Time until = Now() + absl::Minutes(10);
  AccountState state{.disabled = false, .failed_logins = 5, .locked_until = until};
  state = AfterWrongPassword(state, LockoutPolicy{}, Now());
  EXPECT_EQ(state.failed_logins, 6);
  EXPECT_EQ(state.locked_until, until);
}

TEST(Lockout, SuccessClearsFailuresAndLock) {
  AccountState state{.disabled = false, .failed_logins = 3, .locked_until = Now() - absl::Minutes(1)};
  state = AfterSuccess(state);
  EXPECT_EQ(state.failed_logins, 0);
  EXPECT_FALSE(state.locked_until.has_value());
  // And the count starts over: four more failures do not lock.
  for (int i = 0; i < 4; ++i) state = AfterWrongPassword(state, LockoutPolicy{}, Now());
  EXPECT_FALSE(state.locked_until.has_value());
}

TEST(Lockout, PolicyIsConfigurable) {
  const LockoutPolicy policy{.max_failures = 2, .lock_for = absl::Hours(1)};
  AccountState state = AfterWrongPassword(AccountState{}, policy, Now());
  EXPECT_FALSE(state.locked_until.has_value());
  state = AfterWrongPassword(state, policy, Now());
  EXPECT_EQ(state.locked_until, Now() + absl::Hours(1));
  // max_failures 0: never locks.
  AccountState never;
  for (int i = 0; i < 20; ++i) never = AfterWrongPassword(never, LockoutPolicy{.max_failures = 0}, Now());
  EXPECT_EQ(never.failed_logins, 20);
  EXPECT_FALSE(never.locked_until.has_value());
}

TEST(Lockout, DisabledIsRefusedFirst) {
  const AccountState state{.disabled = true, .failed_logins = 5, .locked_until = Now() + absl::Minutes(5)};
  EXPECT_EQ(RefuseBeforePassword(state, Now()), LoginOutcome::kDisabled);
}

TEST(StatusFor, SameAnswerForWrongPasswordAndUnknownLogin) {
  const absl::Status wrong = StatusFor(LoginOutcome::kWrongPassword, AccountState{.failed_logins = 2});
  const absl::Status unknown = StatusFor(LoginOutcome::kUnknownLogin, AccountState{});
  EXPECT_EQ(wrong.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(wrong, unknown);
  EXPECT_EQ(wrong.message(), "wrong login or password");
}

TEST(StatusFor, EachOutcome) {
  EXPECT_TRUE(StatusFor(LoginOutcome::kOk, AccountState{}).ok());
  EXPECT_EQ(StatusFor(LoginOutcome::kDisabled, AccountState{.disabled = true}),
            absl::PermissionDeniedError("account disabled"));
  const AccountState locked{.disabled = false, .failed_logins = 5, .locked_until = Now() + absl::Minutes(15)};
  EXPECT_EQ(StatusFor(LoginOutcome::kLocked, locked), absl::PermissionDeniedError("account locked until 14:35"));
  EXPECT_EQ(StatusFor(LoginOutcome::kLocked, AccountState{}), absl::PermissionDeniedError("account locked"));
  EXPECT_EQ(StatusFor(LoginOutcome::kRateLimited, AccountState{}),
            absl::ResourceExhaustedError("too many login attempts from this address; wait a minute"));
}

TEST(OutcomeName, NamesForTheAudit) {
  EXPECT_EQ(OutcomeName(LoginOutcome::kOk), "ok");
  EXPECT_EQ(OutcomeName(LoginOutcome::kWrongPassword), "wrong_password");
  EXPECT_EQ(OutcomeName(LoginOutcome::kUnknownLogin), "unknown_login");
  EXPECT_EQ(OutcomeName(LoginOutcome::kDisabled), "disabled");
  EXPECT_EQ(OutcomeName(LoginOutcome::kLocked), "locked");
  EXPECT_EQ(OutcomeName(LoginOutcome::kRateLimited), "rate_limited");
}

}  // namespace
}  // namespace ys::gateway
