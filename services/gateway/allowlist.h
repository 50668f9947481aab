#pragma once

// Which methods the browser may call through the console, and for which roles. This is the
// console's surface, not its security: the services still check every call themselves (the gateway
// names the person's principal to them).
//
//   methods:
//     yingshang.ranking.v1.RankingQuery/GetScorecard: [office, viewer, "unit:*"]
//     yingshang.duty.v1.DutyQuery/GetRoster: [public]
//
// Roles as in gateway.proto — "office", "unit:*" (any unit), "leader:*", "county:*", "centre",
// "viewer" — plus "public": anyone, logged in or not (the hall screen's roster page).

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ys::gateway {

class MethodAllowList {
 public:
  // INVALID_ARGUMENT naming the key (and its line): "methods.<method>: no such method (line 3)",
  // "methods.<method>[1]: role 'admin' is not one of office, unit:*, … (line 3)"; a top-level key
  // other than `methods`, a method with no roles or one listed twice are refused too.
  // `method_exists` answers for "yingshang.ranking.v1.RankingQuery/GetScorecard" (the descriptors
  // the gateway was built with).
  static absl::StatusOr<MethodAllowList> Parse(const std::string& yaml_text,
                                               const std::function<bool(const std::string&)>& method_exists);

  // Whether `role` ("" for no login) may call `full_method` ("package.Service/Method"): a listed
  // "public", or a pattern the role matches (ys::RoleMatches: "unit:*" matches "unit:市商务局").
  bool Allows(absl::string_view role, absl::string_view full_method) const;
  // Every method `role` may call, sorted (WhoAmIResponse.allowed_methods).
  std::vector<std::string> MethodsFor(absl::string_view role) const;

 private:
  std::map<std::string, std::vector<std::string>, std::less<>> roles_by_method_;
};

}  // namespace ys::gateway
