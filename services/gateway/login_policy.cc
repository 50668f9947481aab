#include "services/gateway/login_policy.h"

#include "absl/strings/str_cat.h"
#include "common/time/clock.h"

namespace ys::gateway {

std::string OutcomeName(LoginOutcome outcome) {
  switch (outcome) {
    case LoginOutcome::kOk: return "ok";
    case LoginOutcome::kWrongPassword: return "wrong_password";
    case LoginOutcome::kUnknownLogin: return "unknown_login";
    case LoginOutcome::kDisabled: return "disabled";
    case LoginOutcome::kLocked: return "locked";
    case LoginOutcome::kRateLimited: return "rate_limited";
  }
  return "unknown";
}

std::optional<LoginOutcome> RefuseBeforePassword(const AccountState& state, absl::Time now) {
  if (state.disabled) return LoginOutcome::kDisabled;
  if (state.locked_until && now < *state.locked_until) return LoginOutcome::kLocked;
  return std::nullopt;
}

AccountState AfterWrongPassword(AccountState state, const LockoutPolicy& policy, absl::Time now) {
  if (state.locked_until && now < *state.locked_until) {
    ++state.failed_logins;
    return state;
  }
  if (state.locked_until) {  // expired: a fresh round
    state.locked_until.reset();
    state.failed_logins = 0;
  }
  ++state.failed_logins;
  if (policy.max_failures >= 1 && state.failed_logins >= policy.max_failures) {
    state.locked_until = now + policy.lock_for;
  }
  return state;
}

AccountState AfterSuccess(AccountState state) {
  state.failed_logins = 0;
  state.locked_until.reset();
  return state;
}

absl::Status StatusFor(LoginOutcome outcome, const AccountState& state) {
  switch (outcome) {
    case LoginOutcome::kOk: return absl::OkStatus();
    case LoginOutcome::kWrongPassword:
    case LoginOutcome::kUnknownLogin: return absl::UnauthenticatedError("wrong login or password");
    case LoginOutcome::kDisabled: return absl::PermissionDeniedError("account disabled");
    case LoginOutcome::kLocked:
      if (!state.locked_until) return absl::PermissionDeniedError("account locked");
      return absl::PermissionDeniedError(
          absl::StrCat("account locked until ", absl::FormatTime("%H:%M", *state.locked_until, Shanghai())));
    case LoginOutcome::kRateLimited:
      return absl::ResourceExhaustedError("too many login attempts from this address; wait a minute");
  }
  return absl::InternalError("unknown login outcome");
}

}  // namespace ys::gateway
