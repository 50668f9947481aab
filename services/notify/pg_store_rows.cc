// The JSON of the domain's states the notify store keeps (EncodeGroupState, EncodeSinkState; see
// store.h), delivery ids, and the row conversions of pg_store_rows.h.

#include "services/notify/pg_store_rows.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/pg/pool.h"
#include "common/status/macros.h"
#include "common/time/proto_time.h"
#include "google/protobuf/util/json_util.h"
#include "nlohmann/json.hpp"
#include "services/notify/store.h"

namespace ys::notify {

// --- the JSON of the domain's states ---

namespace {

using Json = nlohmann::json;

constexpr char kTimeFormat[] = "%Y-%m-%dT%H:%M:%E6SZ";

Json TimeJson(absl::Time t) {
  if (t == absl::InfinitePast() || t == absl::InfiniteFuture()) return nullptr;
  return absl::FormatTime(kTimeFormat, t, absl::UTCTimeZone());
}

absl::StatusOr<absl::Time> TimeFrom(const Json& j, std::string_view field) {
  if (j.is_null()) return absl::InfinitePast();
  absl::Time t;
  std::string err;
  if (!j.is_string() || !absl::ParseTime(kTimeFormat, j.get<std::string>(), absl::UTCTimeZone(), &t, &err)) {
    return absl::DataLossError(absl::StrFormat("%s is not an RFC 3339 UTC time: %s", field, j.dump()));
  }
  return t;
}

absl::StatusOr<Json> Parse(std::string_view text, std::string_view what) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::DataLossError(absl::StrFormat("a stored %s is not a JSON object", what));
  }
  return j;
}

absl::StatusOr<std::string> StringFrom(const Json& j, std::string_view field) {
  if (!j.is_string()) return absl::DataLossError(absl::StrFormat("%s is not a string", field));
  return j.get<std::string>();
}

absl::StatusOr<int64_t> IntFrom(const Json& j, std::string_view field) {
  if (!j.is_number_integer()) return absl::DataLossError(absl::StrFormat("%s is not an integer", field));
  return j.get<int64_t>();
}

// A duration as integer microseconds (the routes' timings are whole seconds or more).
absl::StatusOr<absl::Duration> DurationFrom(const Json& j, std::string_view field) {
  ASSIGN_OR_RETURN(int64_t micros, IntFrom(j, field));
  return absl::Microseconds(micros);
}

absl::StatusOr<Labels> LabelsFrom(const Json& j, const std::string& field) {
  if (!j.is_object()) return absl::DataLossError(absl::StrFormat("%s is not an object", field));
  Labels out;
  for (const auto& [name, value] : j.items()) {
    ASSIGN_OR_RETURN(out[name], StringFrom(value, absl::StrCat(field, ".", name)));
  }
  return out;
}

Json ContentJson(const MemberContent& c) {
  Json j = Json::object();
  j["event_id"] = c.event_id;
  j["event_source"] = c.event_source;
  j["event_type"] = c.event_type;
  j["severity"] = c.severity;
  j["title"] = c.title;
  j["markdown"] = c.markdown;
  j["mail_text"] = c.mail_text;
  j["occurred_at"] = TimeJson(c.occurred_at);
  return j;
}

// Absent keys keep MemberContent's defaults: a member stored before contents were kept reads as empty.
absl::StatusOr<MemberContent> ContentFrom(const Json& j, const std::string& field) {
  if (!j.is_object()) return absl::DataLossError(absl::StrCat(field, " is not an object"));
  MemberContent c;
  for (auto [name, out] : {std::pair<const char*, std::string*>{"event_id", &c.event_id},
                           {"event_source", &c.event_source},
                           {"event_type", &c.event_type},
                           {"severity", &c.severity},
                           {"title", &c.title},
                           {"markdown", &c.markdown},
                           {"mail_text", &c.mail_text}}) {
    ASSIGN_OR_RETURN(*out, StringFrom(j.value(name, Json("")), absl::StrCat(field, ".", name)));
  }
  if (j.contains("occurred_at")) {
    ASSIGN_OR_RETURN(c.occurred_at, TimeFrom(j.at("occurred_at"), absl::StrCat(field, ".occurred_at")));
  }
  return c;
}

}  // namespace

std::string DeliveryId(std::string_view notification_id, std::string_view recipient_id,
                       pb::ChannelKind channel, int channel_order) {
  return absl::StrCat(absl::string_view(notification_id.data(), notification_id.size()), "/",
                      absl::string_view(recipient_id.data(), recipient_id.size()), "/", channel_order, "-",
                      pb::ChannelKind_Name(channel));
}

std::string EncodeGroupState(const GroupState& state) {
  Json j = Json::object();
  j["first_seen"] = TimeJson(state.first_seen);
  j["last_flush"] = state.last_flush.has_value() ? TimeJson(*state.last_flush) : Json(nullptr);
  j["last_flush_fingerprint"] = state.last_flush_fingerprint;
  j["flushes"] = state.flushes;
  Json members = Json::object();
  for (const auto& [key, e] : state.members) {
    Json m = Json::object();
    m["labels"] = Json(e.labels);
    m["first_seen"] = TimeJson(e.first_seen);
    m["last_changed"] = TimeJson(e.last_changed);
    m["withdrawn"] = e.withdrawn;
    m["last_sent_fingerprint"] = e.last_sent_fingerprint;
    m["content"] = ContentJson(e.content);
    members[key] = std::move(m);
  }
  j["members"] = std::move(members);
  j["route_path"] = state.route_path;
  j["receiver"] = state.receiver;
  j["timings"] = {{"wait_us", absl::ToInt64Microseconds(state.timings.wait)},
                  {"interval_us", absl::ToInt64Microseconds(state.timings.interval)},
                  {"repeat_us", absl::ToInt64Microseconds(state.timings.repeat)}};
  j["group_labels"] = Json(state.group_labels);
  return j.dump();
}

absl::StatusOr<GroupState> DecodeGroupState(std::string_view json) {
  ASSIGN_OR_RETURN(Json j, Parse(json, "group state"));
  GroupState s;
  ASSIGN_OR_RETURN(s.first_seen, TimeFrom(j.value("first_seen", Json()), "group.first_seen"));
  if (const Json last = j.value("last_flush", Json()); !last.is_null()) {
    ASSIGN_OR_RETURN(s.last_flush, TimeFrom(last, "group.last_flush"));
  }
  ASSIGN_OR_RETURN(s.last_flush_fingerprint,
                   StringFrom(j.value("last_flush_fingerprint", Json("")), "group.last_flush_fingerprint"));
  ASSIGN_OR_RETURN(s.flushes, IntFrom(j.value("flushes", Json(0)), "group.flushes"));
  const Json members = j.value("members", Json::object());
  if (!members.is_object()) return absl::DataLossError("group.members is not an object");
  for (const auto& [key, m] : members.items()) {
    const std::string field = absl::StrCat("group.members[", key, "]");
    if (!m.is_object()) return absl::DataLossError(absl::StrCat(field, " is not an object"));
    AlertEntry e;
    ASSIGN_OR_RETURN(e.labels, LabelsFrom(m.value("labels", Json::object()), absl::StrCat(field, ".labels")));
    ASSIGN_OR_RETURN(e.first_seen, TimeFrom(m.value("first_seen", Json()), absl::StrCat(field, ".first_seen")));
    ASSIGN_OR_RETURN(e.last_changed,
                     TimeFrom(m.value("last_changed", Json()), absl::StrCat(field, ".last_changed")));
    const Json withdrawn = m.value("withdrawn", Json(false));
    if (!withdrawn.is_boolean()) return absl::DataLossError(absl::StrCat(field, ".withdrawn is not a boolean"));
    e.withdrawn = withdrawn.get<bool>();
    ASSIGN_OR_RETURN(e.last_sent_fingerprint, StringFrom(m.value("last_sent_fingerprint", Json("")),
                                                         absl::StrCat(field, ".last_sent_fingerprint")));
    ASSIGN_OR_RETURN(e.content,
                     ContentFrom(m.value("content", Json::object()), absl::StrCat(field, ".content")));
    s.members.emplace(key, std::move(e));
  }
  // Absent in a state stored before groups kept where they came from: empty, zero timings.
  ASSIGN_OR_RETURN(s.route_path, StringFrom(j.value("route_path", Json("")), "group.route_path"));
  ASSIGN_OR_RETURN(s.receiver, StringFrom(j.value("receiver", Json("")), "group.receiver"));
  const Json timings = j.value("timings", Json::object());
  if (!timings.is_object()) return absl::DataLossError("group.timings is not an object");
  ASSIGN_OR_RETURN(s.timings.wait, DurationFrom(timings.value("wait_us", Json(0)), "group.timings.wait_us"));
  ASSIGN_OR_RETURN(s.timings.interval,
                   DurationFrom(timings.value("interval_us", Json(0)), "group.timings.interval_us"));
  ASSIGN_OR_RETURN(s.timings.repeat,
                   DurationFrom(timings.value("repeat_us", Json(0)), "group.timings.repeat_us"));
  ASSIGN_OR_RETURN(s.group_labels, LabelsFrom(j.value("group_labels", Json::object()), "group.group_labels"));
  return s;
}

std::string EncodeSinkState(const SinkState& state) {
  Json j = Json::object();
  Json sends = Json::array();
  for (absl::Time t : state.recent_sends) sends.push_back(TimeJson(t));
  j["recent_sends"] = std::move(sends);
  j["day"] = absl::FormatCivilTime(state.day);
  j["sent_on_day"] = state.sent_on_day;
  return j.dump();
}

absl::StatusOr<SinkState> DecodeSinkState(std::string_view json) {
  ASSIGN_OR_RETURN(Json j, Parse(json, "rate-limit state"));
  SinkState s;
  const Json sends = j.value("recent_sends", Json::array());
  if (!sends.is_array()) return absl::DataLossError("sink.recent_sends is not an array");
  for (const Json& t : sends) {
    ASSIGN_OR_RETURN(absl::Time at, TimeFrom(t, "sink.recent_sends[]"));
    s.recent_sends.push_back(at);
  }
  ASSIGN_OR_RETURN(std::string day, StringFrom(j.value("day", Json("1970-01-01")), "sink.day"));
  if (!absl::ParseCivilTime(day, &s.day)) {
    return absl::DataLossError(absl::StrFormat("sink.day '%s' is not a date", day));
  }
  ASSIGN_OR_RETURN(int64_t sent, IntFrom(j.value("sent_on_day", Json(0)), "sink.sent_on_day"));
  s.sent_on_day = static_cast<int>(sent);
  return s;
}

namespace pg_store_internal {

std::string TimeParam(bool set, const google::protobuf::Timestamp& t) {
  return set ? PgTime(FromProtoTime(t)) : "";
}
std::string TimeParam(const std::optional<absl::Time>& t) { return t.has_value() ? PgTime(*t) : ""; }

std::string LabelsJson(const Labels& labels) { return Json(labels).dump(); }

absl::StatusOr<Labels> LabelsFromJson(std::string_view json, std::string_view field) {
  Json j = Json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return absl::DataLossError(absl::StrFormat("%s is not JSON", field));
  return LabelsFrom(j, std::string(field));
}

absl::Status CheckKey(std::string_view value, std::string_view field) {
  if (value.empty()) return absl::InvalidArgumentError(absl::StrFormat("%s is empty", field));
  return absl::OkStatus();
}

absl::Status CheckPage(int offset, int limit) {
  if (offset < 0) return absl::InvalidArgumentError("filter.offset is negative");
  if (limit < 0) return absl::InvalidArgumentError("filter.limit is negative");
  return absl::OkStatus();
}

std::string StateParam(pb::DeliveryState state) {
  return state == pb::DELIVERY_STATE_UNSPECIFIED ? "" : pb::DeliveryState_Name(state);
}

}  // namespace pg_store_internal
}  // namespace ys::notify
