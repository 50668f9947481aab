// The rectification domain's rules on who may do what (domain.h "who may do what"): a unit's, a
// 领班's and a county's cases, who reports, and the statistics a reader sees. No I/O.
#include "services/rectification/domain.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "common/time/proto_time.h"

namespace ys::rectification {

UnitAccess AccessOf(const pb::Case& c, const std::string& unit) {
  if (c.unit() == unit) return UnitAccess::kResponsible;
  for (const pb::Follower& f : c.followers()) {
    if (f.unit() == unit) return UnitAccess::kFollower;
  }
  return UnitAccess::kNone;
}

absl::Status CheckUnitMayRead(const pb::Case& c, const std::string& unit) {
  if (AccessOf(c, unit) != UnitAccess::kNone) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrFormat("case %s belongs to %s, not to %s", c.id(), c.unit(), unit));
}

absl::Status CheckUnitMayReport(const pb::Case& c, const std::string& unit) {
  switch (AccessOf(c, unit)) {
    case UnitAccess::kResponsible:
      return absl::OkStatus();
    case UnitAccess::kFollower:
      return absl::PermissionDeniedError(absl::StrFormat(
          "case %s is %s's: %s follows it and may read it, but %s reports its own progress", c.id(), c.unit(),
          unit, c.unit()));
    case UnitAccess::kNone:
      break;
  }
  return CheckUnitMayRead(c, unit);
}

absl::Status CheckLeaderMayRead(const pb::Case& c, const std::string& leader) {
  if (!c.lead().empty() && c.lead() == leader) return absl::OkStatus();
  if (c.lead().empty()) {
    return absl::PermissionDeniedError(absl::StrFormat(
        "case %s names no 领班: leader:%s reads the cases it leads", c.id(), leader));
  }
  return absl::PermissionDeniedError(
      absl::StrFormat("case %s is led by %s, not by leader:%s", c.id(), c.lead(), leader));
}

absl::Status CheckCountyMayRead(const pb::Case& c, const std::string& region_code) {
  if (!c.region_code().empty() && c.region_code() == region_code) return absl::OkStatus();
  if (c.region_code().empty()) {
    return absl::PermissionDeniedError(absl::StrFormat(
        "case %s is %s's, not a county's: county:%s reads its county's cases", c.id(), c.unit(), region_code));
  }
  return absl::PermissionDeniedError(absl::StrFormat("case %s is county %s's (%s), not county:%s's", c.id(),
                                                     c.region_code(), c.unit(), region_code));
}

absl::Status CheckCountyMayReport(const pb::Case& c, const std::string& region_code) {
  return CheckCountyMayRead(c, region_code);  // the county answers every case of its own
}

bool SeesReferralDetails(const CaseReader& reader) { return reader.kind != CaseReader::Kind::kReadAll; }

void RemoveReferralDetails(pb::Case& c) {
  if (c.has_referral()) {
    const google::protobuf::Timestamp at = c.referral().at();
    c.clear_referral();
    *c.mutable_referral()->mutable_at() = at;  // when stays: the escalation step shows it anyway
  }
  for (pb::HistoryEntry& h : *c.mutable_history()) {
    if (h.action() == "referred" || h.action() == "referral_suggested") h.clear_note();
  }
}

CaseReader ReaderOfRole(std::string_view role) {
  CaseReader out;
  out.role = std::string(role);
  if (role == "office") {
    out.kind = CaseReader::Kind::kOffice;
    return out;
  }
  static constexpr std::pair<std::string_view, CaseReader::Kind> kScoped[] = {
      {"unit:", CaseReader::Kind::kUnit},
      {"leader:", CaseReader::Kind::kLeader},
      {"county:", CaseReader::Kind::kCounty}};
  for (const auto& [prefix, kind] : kScoped) {
    if (role.starts_with(prefix) && role.size() > prefix.size()) {
      out.kind = kind;
      out.name = std::string(role.substr(prefix.size()));
      return out;
    }
  }
  out.kind = CaseReader::Kind::kReadAll;
  return out;
}

bool PickedInMemory(const CaseReader& reader) {
  return reader.kind == CaseReader::Kind::kLeader || reader.kind == CaseReader::Kind::kCounty;
}

bool VisibleTo(const pb::Case& c, const CaseReader& reader) {
  switch (reader.kind) {
    case CaseReader::Kind::kOffice:
    case CaseReader::Kind::kReadAll:
      return true;
    case CaseReader::Kind::kUnit:
      return AccessOf(c, reader.name) != UnitAccess::kNone;
    case CaseReader::Kind::kLeader:
      return !c.lead().empty() && c.lead() == reader.name;
    case CaseReader::Kind::kCounty:
      return !c.region_code().empty() && c.region_code() == reader.name;
  }
  return false;
}

std::vector<pb::Case> VisibleOnly(std::vector<pb::Case> cases, const CaseReader& reader) {
  std::erase_if(cases, [&](const pb::Case& c) { return !VisibleTo(c, reader); });
  return cases;
}

absl::Status CheckMayRead(const pb::Case& c, const CaseReader& reader) {
  switch (reader.kind) {
    case CaseReader::Kind::kOffice:
    case CaseReader::Kind::kReadAll:
      return absl::OkStatus();
    case CaseReader::Kind::kUnit:
      return CheckUnitMayRead(c, reader.name);
    case CaseReader::Kind::kLeader:
      return CheckLeaderMayRead(c, reader.name);
    case CaseReader::Kind::kCounty:
      return CheckCountyMayRead(c, reader.name);
  }
  return absl::PermissionDeniedError(absl::StrFormat("case %s: %s may not read it", c.id(), reader.role));
}

absl::Status CheckMayReport(const pb::Case& c, const CaseReader& reader) {
  switch (reader.kind) {
    case CaseReader::Kind::kOffice:
      return absl::OkStatus();
    case CaseReader::Kind::kUnit:
      return CheckUnitMayReport(c, reader.name);
    case CaseReader::Kind::kCounty:
      return CheckCountyMayReport(c, reader.name);
    case CaseReader::Kind::kLeader:
      return absl::PermissionDeniedError(absl::StrFormat(
          "case %s: a 领班 (%s) reads cases and does not report; %s reports its own progress", c.id(),
          reader.role, c.unit()));
    case CaseReader::Kind::kReadAll:
      break;
  }
  return absl::PermissionDeniedError(absl::StrFormat(
      "case %s: %s reads cases and does not report; %s reports its own progress", c.id(), reader.role, c.unit()));
}

bool CountsInStats(const pb::Case& c) { return c.resolution() != kResolutionWithdrawn; }

pb::StatsResponse StatsOf(const std::string& period, const std::vector<pb::Case>& cases, absl::Time now) {
  std::map<std::string, pb::UnitStats> by_unit;  // byte order of the unit's name
  for (const pb::Case& c : cases) {
    if (!CountsInStats(c)) continue;
    pb::UnitStats& u = by_unit[c.unit()];
    u.set_unit(c.unit());
    u.set_region_code(std::max(u.region_code(), c.region_code()));
    u.set_opened(u.opened() + 1);
    const absl::Time due = FromProtoTime(c.due_at());
    if (c.state() == pb::STATE_CLOSED) {
      if (c.has_reported_at() && FromProtoTime(c.reported_at()) <= due) {
        u.set_closed_on_time(u.closed_on_time() + 1);
      } else {
        u.set_closed_late(u.closed_late() + 1);
      }
    } else {
      u.set_open(u.open() + 1);
    }
    if (Outstanding(c.state()) && due <= now) u.set_overdue(u.overdue() + 1);
  }
  pb::StatsResponse out;
  out.set_period(period);
  for (auto& [unit, line] : by_unit) *out.add_units() = std::move(line);
  AddTotals(&out);
  return out;
}

void AddTotals(pb::StatsResponse* out) {
  auto rate = [](pb::UnitStats& u) {
    const int denominator = u.closed_on_time() + u.closed_late() + u.overdue();
    u.set_on_time_rate(denominator == 0 ? 0 : static_cast<double>(u.closed_on_time()) / denominator);
  };
  pb::UnitStats& total = *out->mutable_total();
  total.Clear();
  total.set_unit("合计");
  for (auto& u : *out->mutable_units()) {
    rate(u);
    total.set_opened(total.opened() + u.opened());
    total.set_closed_on_time(total.closed_on_time() + u.closed_on_time());
    total.set_closed_late(total.closed_late() + u.closed_late());
    total.set_open(total.open() + u.open());
    total.set_overdue(total.overdue() + u.overdue());
  }
  rate(total);
}

}  // namespace ys::rectification
