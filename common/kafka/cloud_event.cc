#include "common/kafka/cloud_event.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "nlohmann/json.hpp"

#include <random>

#include "absl/strings/str_format.h"

namespace ys {

std::optional<std::string> CloudEvent::Extension(absl::string_view name) const {
  for (const auto& [k, v] : extensions) {
    if (k == name) return v;
  }
  return std::nullopt;
}

Headers ToKafkaHeaders(const CloudEvent& e) {
  Headers h = {
      {"ce_specversion", "1.0"},
      {"ce_id", e.id},
      {"ce_source", e.source},
      {"ce_type", e.type},
      {"ce_time", absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", e.time, absl::UTCTimeZone())},
      {"content-type", e.content_type},
  };
  if (!e.subject.empty()) h.emplace_back("ce_subject", e.subject);
  for (const auto& x : e.extensions) h.push_back(x);
  return h;
}

namespace {

// Structured content mode (CloudEvents Kafka binding §3.2): the whole event as one JSON object in
// the record value, content-type application/cloudevents+json. Lets a plain producer (kcat -l)
// send many events with distinct ids from one file.
absl::StatusOr<CloudEvent> ParseStructured(const KafkaMessage& m) {
  // nlohmann, not protobuf's Struct: protobuf's JSON parser rebuilds type information on every
  // call and was a fifth of the ranking service's time at 7,000 structured events/s.
  // Refused like protobuf's parser did: nesting deeper than kMaxDepth (dump() of the data recurses
  // once per level: a record nested 100,000 deep would overflow the stack) and a key repeated in
  // one object.
  constexpr int kMaxDepth = 64;
  bool too_deep = false;
  bool repeated = false;
  std::vector<std::vector<std::string>> keys;  // the keys of each open object
  auto check = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    if (depth > kMaxDepth) {
      too_deep = true;
      return false;
    }
    if (event == Event::object_start) {
      keys.emplace_back();
    } else if (event == Event::object_end && !keys.empty()) {
      keys.pop_back();
    } else if (event == Event::key && !keys.empty()) {
      const auto& key = parsed.get_ref<const std::string&>();
      if (std::find(keys.back().begin(), keys.back().end(), key) != keys.back().end()) repeated = true;
      keys.back().push_back(key);
    }
    return true;
  };
  const nlohmann::json doc = nlohmann::json::parse(m.value, check, /*allow_exceptions=*/false);
  if (too_deep) {
    return absl::InvalidArgumentError(
        absl::StrFormat("structured CloudEvent is nested deeper than %d levels", kMaxDepth));
  }
  if (repeated) return absl::InvalidArgumentError("structured CloudEvent repeats a key in one object");
  if (!doc.is_object()) {
    return absl::InvalidArgumentError(doc.is_discarded()
                                          ? "structured CloudEvent is not a JSON object: not valid JSON"
                                          : "structured CloudEvent is not a JSON object");
  }
  CloudEvent e;
  e.content_type = "application/json";
  auto text = [](const nlohmann::json& v) -> std::string {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_number_integer()) return v.dump();
    if (v.is_number()) return absl::StrFormat("%.17g", v.get<double>());
    return "";
  };
  bool has_spec = false;
  for (const auto& [k, v] : doc.items()) {
    if (k == "specversion") {
      if (text(v) != "1.0") {
        return absl::InvalidArgumentError(
            absl::StrFormat("attribute specversion is '%s', only 1.0 is supported", text(v)));
      }
      has_spec = true;
    } else if (k == "id") {
      e.id = text(v);
    } else if (k == "source") {
      e.source = text(v);
    } else if (k == "type") {
      e.type = text(v);
    } else if (k == "subject") {
      e.subject = text(v);
    } else if (k == "time") {
      std::string err;
      if (!absl::ParseTime(absl::RFC3339_full, text(v), &e.time, &err)) {
        return absl::InvalidArgumentError(
            absl::StrFormat("attribute time '%s' is not an RFC 3339 time", text(v)));
      }
    } else if (k == "datacontenttype") {
      e.content_type = text(v);
    } else if (k == "data_base64") {
      if (!absl::Base64Unescape(text(v), &e.data)) {
        return absl::InvalidArgumentError("attribute data_base64 is not base64");
      }
    } else if (k == "data") {
      e.data = v.is_string() ? v.get<std::string>()
                             : v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } else {
      e.extensions.emplace_back("ce_" + k, text(v));
    }
  }
  if (!has_spec) return absl::InvalidArgumentError("attribute specversion is missing");
  if (e.id.empty()) return absl::InvalidArgumentError("attribute id is missing");
  if (e.source.empty()) return absl::InvalidArgumentError("attribute source is missing");
  if (e.type.empty()) return absl::InvalidArgumentError("attribute type is missing");
  e.key = m.key;
  return e;
}

}  // namespace

absl::StatusOr<CloudEvent> ParseCloudEvent(const KafkaMessage& m) {
  for (const auto& [k, v] : m.headers) {
    if ((k == "content-type" || k == "content_type") &&
        absl::StartsWithIgnoreCase(v, "application/cloudevents+json")) {
      auto e = ParseStructured(m);
      if (!e.ok()) return e;
      // Extension headers on the record (ce_ysvalidateonly) count as attributes too, unless the
      // body already set them.
      for (const auto& [hk, hv] : m.headers) {
        if (hk.rfind("ce_", 0) == 0 && !e->Extension(hk).has_value()) e->extensions.emplace_back(hk, hv);
      }
      return e;
    }
  }
  CloudEvent e;
  bool has_spec = false;
  for (const auto& [k, v] : m.headers) {
    if (k == "ce_specversion") {
      if (v != "1.0") {
        return absl::InvalidArgumentError(
            absl::StrFormat("header ce_specversion is '%s', only 1.0 is supported", v));
      }
      has_spec = true;
    } else if (k == "ce_id") {
      e.id = v;
    } else if (k == "ce_source") {
      e.source = v;
    } else if (k == "ce_type") {
      e.type = v;
    } else if (k == "ce_subject") {
      e.subject = v;
    } else if (k == "ce_time") {
      std::string err;
      if (!absl::ParseTime(absl::RFC3339_full, v, &e.time, &err)) {
        return absl::InvalidArgumentError(
            absl::StrFormat("header ce_time '%s' is not an RFC 3339 time", v));
      }
    } else if (k == "content-type" || k == "content_type") {
      e.content_type = v;
    } else {
      e.extensions.emplace_back(k, v);
    }
  }
  if (!has_spec) return absl::InvalidArgumentError("header ce_specversion is missing");
  if (e.id.empty()) return absl::InvalidArgumentError("header ce_id is missing");
  if (e.source.empty()) return absl::InvalidArgumentError("header ce_source is missing");
  if (e.type.empty()) return absl::InvalidArgumentError("header ce_type is missing");
  e.key = m.key;
  e.data = m.value;
  return e;
}

std::string NewEventId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const uint64_t a = rng();
  const uint64_t b = rng();
  const uint64_t hi = (a & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  const uint64_t lo = (b & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // variant 10
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", hi >> 32, (hi >> 16) & 0xFFFF, hi & 0xFFFF,
                         lo >> 48, lo & 0xFFFFFFFFFFFFULL);
}

}  // namespace ys
