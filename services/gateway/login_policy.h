#pragma once

// Logins refused and accounts locked: the decisions, on plain values (the caller loads and stores
// the account, checks the password and the per-address rate limit, and audits each outcome).

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace ys::gateway {

// Local policy (the work plan gives none; issue #15 asks that five wrong passwords lock the
// account): gateway.login.max_failures, gateway.login.lock_for. max_failures below 1 never locks.
struct LockoutPolicy {
  int max_failures = 5;
  absl::Duration lock_for = absl::Minutes(15);
};

// An account's login state, as UserRecord stores it.
struct AccountState {
  bool disabled = false;
  int failed_logins = 0;  // consecutive wrong passwords since the last success or expired lock
  std::optional<absl::Time> locked_until;
};

// What became of one login attempt; the audit's `outcome` is OutcomeName.
enum class LoginOutcome { kOk, kWrongPassword, kUnknownLogin, kDisabled, kLocked, kRateLimited };

// "ok", "wrong_password", "unknown_login", "disabled", "locked", "rate_limited".
std::string OutcomeName(LoginOutcome outcome);

// Refused before the password is even checked: kDisabled for a disabled account, kLocked while
// `now` is before locked_until; nullopt otherwise.
std::optional<LoginOutcome> RefuseBeforePassword(const AccountState& state, absl::Time now);

// After a wrong password: one more failure; the max_failures-th locks the account until
// now + lock_for. Once a lock has expired the count starts again from zero, so each lock is earned by
// max_failures new failures (an attacker gets max_failures guesses per lock_for). A failure while
// still locked (the caller should not have checked the password) counts but does not extend the lock.
AccountState AfterWrongPassword(AccountState state, const LockoutPolicy& policy, absl::Time now);

// After the right password: failures and lock cleared.
AccountState AfterSuccess(AccountState state);

// What the caller is told; English messages (the console translates by code):
//   kOk                            OK
//   kWrongPassword, kUnknownLogin  UNAUTHENTICATED "wrong login or password" — one answer for both,
//                                  so nobody learns which logins exist
//   kDisabled                      PERMISSION_DENIED "account disabled"
//   kLocked                        PERMISSION_DENIED "account locked until 14:35" (Asia/Shanghai;
//                                  "account locked" when state has no lock time)
//   kRateLimited                   RESOURCE_EXHAUSTED "too many login attempts from this address;
//                                  wait a minute"
absl::Status StatusFor(LoginOutcome outcome, const AccountState& state);

}  // namespace ys::gateway
