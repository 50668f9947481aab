#include "services/notify/grouping.h"

#include <openssl/evp.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace ys::notify {
namespace {

// Length-prefixed fields, so ("ab","c") and ("a","bc") never hash alike.
void AppendField(std::string* out, std::string_view field) {
  absl::StrAppend(out, field.size(), ":", absl::string_view(field.data(), field.size()), ";");
}

// 16 hex digits of SHA-256: stable across processes, builds and machines (std::hash and absl::Hash
// are not), which is what a fingerprint stored in PostgreSQL and compared after a restart needs.
std::string ShortSha256(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), 8));
}

std::string Quote(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

// What was last sent about it is not what it is now: never sent, changed or withdrawn since.
bool Pending(std::string_view key, const AlertEntry& e) {
  return e.last_sent_fingerprint != EntryFingerprint(key, e);
}

}  // namespace

GroupTimings TimingsOf(const RouteTimings& route) {
  return {route.group_wait, route.group_interval, route.repeat_interval};
}

std::string GroupKey(std::string_view route_key, std::string_view receiver, const GroupBy& group_by,
                     const Labels& labels) {
  std::vector<std::string> parts;
  if (group_by.all) {
    for (const auto& [name, value] : labels) parts.push_back(absl::StrCat(name, "=", Quote(value)));
  } else {
    std::vector<std::string> names = group_by.labels;
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) {
      auto it = labels.find(name);
      parts.push_back(absl::StrCat(name, "=", Quote(it == labels.end() ? "" : it->second)));
    }
  }
  return absl::StrCat(absl::string_view(route_key.data(), route_key.size()), "|",
                      absl::string_view(receiver.data(), receiver.size()), "|{",
                      absl::StrJoin(parts, ","), "}");
}

std::string EntryFingerprint(std::string_view key, const AlertEntry& entry) {
  std::string data;
  AppendField(&data, key);
  for (const auto& [name, value] : entry.labels) {
    AppendField(&data, name);
    AppendField(&data, value);
  }
  AppendField(&data, entry.withdrawn ? "withdrawn" : "active");
  return ShortSha256(data);
}

bool Add(GroupState& state, std::string_view key, const Labels& labels, absl::Time now) {
  // A group that never sent anything and emptied (every event withdrawn unsent) starts afresh.
  if (state.members.empty() && !state.last_flush.has_value()) state.first_seen = now;
  auto it = state.members.find(key);
  if (it == state.members.end()) {
    AlertEntry e;
    e.labels = labels;
    e.first_seen = now;
    e.last_changed = now;
    state.members.emplace(std::string(key), std::move(e));
    return true;
  }
  AlertEntry& e = it->second;
  if (e.labels == labels && !e.withdrawn) return false;
  e.labels = labels;
  e.withdrawn = false;
  e.last_changed = now;
  return true;
}

bool Withdraw(GroupState& state, std::string_view key, absl::Time now) {
  auto it = state.members.find(key);
  if (it == state.members.end() || it->second.withdrawn) return false;
  // Nobody was told of it: nobody needs telling it is gone.
  if (it->second.last_sent_fingerprint.empty()) {
    state.members.erase(it);
    return true;
  }
  it->second.withdrawn = true;
  it->second.last_changed = now;
  return true;
}

std::optional<absl::Time> NextFlushAt(const GroupState& state, const GroupTimings& timings) {
  if (state.members.empty()) return std::nullopt;
  if (!state.last_flush.has_value()) return state.first_seen + timings.wait;
  std::optional<absl::Time> first_change;
  for (const auto& [key, e] : state.members) {
    if (!Pending(key, e)) continue;
    if (!first_change.has_value() || e.last_changed < *first_change) first_change = e.last_changed;
  }
  if (!first_change.has_value()) return *state.last_flush + timings.repeat;
  return std::max(*state.last_flush + timings.interval, *first_change + timings.wait);
}

GroupNotification Flush(GroupState& state, absl::Time now) {
  GroupNotification n;
  n.at = now;
  std::string data;
  for (auto it = state.members.begin(); it != state.members.end();) {
    AlertEntry& e = it->second;
    const std::string fp = EntryFingerprint(it->first, e);
    NotifiedAlert a{it->first, e.labels, NotifiedAlert::Status::kUnchanged};
    if (e.withdrawn) {
      a.status = NotifiedAlert::Status::kWithdrawn;
      ++n.withdrawn_count;
    } else if (e.last_sent_fingerprint.empty()) {
      a.status = NotifiedAlert::Status::kNew;
      ++n.new_count;
    } else if (e.last_sent_fingerprint != fp) {
      a.status = NotifiedAlert::Status::kChanged;
      ++n.changed_count;
    } else {
      ++n.unchanged_count;
    }
    AppendField(&data, it->first);
    AppendField(&data, fp);
    n.alerts.push_back(std::move(a));
    if (e.withdrawn) {
      it = state.members.erase(it);
    } else {
      e.last_sent_fingerprint = fp;
      ++it;
    }
  }
  n.repeat = state.last_flush.has_value() && n.new_count + n.changed_count + n.withdrawn_count == 0;
  n.fingerprint = ShortSha256(data);
  n.sequence = ++state.flushes;
  state.last_flush = now;
  state.last_flush_fingerprint = n.fingerprint;
  return n;
}

std::optional<GroupNotification> FlushIfDue(GroupState& state, const GroupTimings& timings, absl::Time now) {
  const std::optional<absl::Time> due = NextFlushAt(state, timings);
  if (!due.has_value() || *due > now) return std::nullopt;
  return Flush(state, now);
}

}  // namespace ys::notify
