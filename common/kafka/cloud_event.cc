#include "common/kafka/cloud_event.h"

#include <algorithm>
#include <random>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "common/status/macros.h"
#include "common/status/rejection.h"
#include "nlohmann/json.hpp"

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

using input::QuoteInput;

absl::Status Refused(std::string message, absl::string_view reason) {
  return WithRejectionReason(absl::InvalidArgumentError(std::move(message)), reason);
}

// Deeper nesting is refused: dump() of the data recurses once per level (a record nested 100,000
// deep would overflow the stack), and no event of ours nests more than a few levels.
constexpr int kMaxDepth = 64;

// The deepest nesting of objects and arrays in `json`, counted in one pass before anything is
// parsed (brackets inside strings do not count). Stops counting once past kMaxDepth.
int NestingDepth(absl::string_view json) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < json.size() && deepest <= kMaxDepth; ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character, which may be a quote
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return deepest;
}

// An nlohmann SAX handler that builds the document and stops at the first key repeated in one
// object: the key goes into the object's map anyway, so finding it there costs one lookup. (The
// parser callback of nlohmann::json::parse would not do: it hands each key over as a new json
// value, and after every nested value it walks the whole enclosing container looking for discarded
// elements — quadratic in a flat array of objects.)
class EventDocumentBuilder {
 public:
  using json = nlohmann::json;
  explicit EventDocumentBuilder(json* root) : root_(root) {}

  bool null() { return Value(nullptr); }
  bool boolean(bool v) { return Value(v); }
  bool number_integer(json::number_integer_t v) { return Value(v); }
  bool number_unsigned(json::number_unsigned_t v) { return Value(v); }
  bool number_float(json::number_float_t v, const json::string_t& /*text*/) { return Value(v); }
  bool string(json::string_t& v) { return Value(std::move(v)); }
  bool binary(json::binary_t& /*v*/) { return false; }  // not in JSON text
  bool start_object(std::size_t /*size*/) { return Open(json::object()); }
  bool start_array(std::size_t /*size*/) { return Open(json::array()); }
  bool end_object() { return Close(); }
  bool end_array() { return Close(); }
  bool key(json::string_t& k) {
    auto [it, fresh] = open_.back()->get_ref<json::object_t&>().try_emplace(std::move(k));
    if (!fresh) {
      repeated_ = k;  // try_emplace leaves the key alone when it is there already
      return false;
    }
    member_ = &it->second;
    return true;
  }
  bool parse_error(std::size_t /*position*/, const std::string& /*token*/, const json::exception& /*e*/) {
    return false;
  }

  // The key found twice in one object, if any.
  const std::optional<std::string>& repeated() const { return repeated_; }

 private:
  // Stores a value where the parser is: the root, the next element of an array, or the member whose
  // key came last. Pointers into an enclosing array stay valid: nothing is appended to it while
  // one of its elements is open.
  json* Place(json v) {
    if (open_.empty()) {
      *root_ = std::move(v);
      return root_;
    }
    json& parent = *open_.back();
    if (parent.is_array()) {
      auto& a = parent.get_ref<json::array_t&>();
      a.push_back(std::move(v));
      return &a.back();
    }
    *member_ = std::move(v);
    return member_;
  }
  bool Value(json v) {
    Place(std::move(v));
    return true;
  }
  bool Open(json v) {
    if (open_.size() >= static_cast<size_t>(kMaxDepth)) return false;  // NestingDepth refused it already
    open_.push_back(Place(std::move(v)));
    return true;
  }
  bool Close() {
    open_.pop_back();
    return true;
  }

  json* root_;
  std::vector<json*> open_;  // the objects and arrays not closed yet, outermost first
  json* member_ = nullptr;
  std::optional<std::string> repeated_;
};

// Structured content mode (CloudEvents Kafka binding §3.2): the whole event as one JSON object in
// the record value, content-type application/cloudevents+json. Lets a plain producer (kcat -l)
// send many events with distinct ids from one file.
absl::StatusOr<CloudEvent> ParseStructured(const KafkaMessage& m) {
  // nlohmann, not protobuf's Struct: protobuf's JSON parser rebuilds type information on every
  // call and was a fifth of the ranking service's time at 7,000 structured events/s.
  // Refused like protobuf's parser did: nesting deeper than kMaxDepth (checked before parsing) and
  // a key repeated in one object. The record's size was checked by the caller.
  if (NestingDepth(m.value) > kMaxDepth) {
    return Refused(absl::StrFormat("structured CloudEvent is nested deeper than %d levels", kMaxDepth),
                   "too_deep");
  }
  nlohmann::json doc;
  EventDocumentBuilder builder(&doc);
  const bool parsed = nlohmann::json::sax_parse(m.value, &builder);
  if (builder.repeated().has_value()) {
    return Refused(absl::StrFormat("structured CloudEvent repeats a key in one object: %s",
                                   QuoteInput(*builder.repeated())),
                   "malformed");
  }
  if (!parsed || !doc.is_object()) {
    return Refused(!parsed ? "structured CloudEvent is not a JSON object: not valid JSON"
                           : "structured CloudEvent is not a JSON object",
                   "malformed");
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
            absl::StrFormat("attribute specversion is %s, only 1.0 is supported", QuoteInput(text(v))));
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
            absl::StrFormat("attribute time %s is not an RFC 3339 time", QuoteInput(text(v))));
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

// The input rules (common/input) for what the consumers store of every event: the inbox keeps the
// id and source, dead letters and rejected submissions keep the attributes and headers.
absl::Status CheckAttributes(const CloudEvent& e, const input::InputLimits& limits) {
  using input::CheckText;
  using input::TextKind;
  RETURN_IF_ERROR(CheckText("ce_id", e.id, TextKind::kName, limits));
  RETURN_IF_ERROR(CheckText("ce_source", e.source, TextKind::kName, limits));
  RETURN_IF_ERROR(CheckText("ce_type", e.type, TextKind::kName, limits));
  RETURN_IF_ERROR(CheckText("ce_subject", e.subject, TextKind::kName, limits));
  RETURN_IF_ERROR(CheckText("content-type", e.content_type, TextKind::kName, limits));
  RETURN_IF_ERROR(CheckText("key", e.key, TextKind::kName, limits));
  RETURN_IF_ERROR(input::CheckTime("ce_time", e.time));
  for (const auto& [name, value] : e.extensions) {
    RETURN_IF_ERROR(CheckText("attribute name", name, TextKind::kCode, limits));
    RETURN_IF_ERROR(CheckText(name, value, TextKind::kFreeText, limits));
  }
  return absl::OkStatus();
}

absl::StatusOr<CloudEvent> ParseBinary(const KafkaMessage& m) {
  CloudEvent e;
  bool has_spec = false;
  for (const auto& [k, v] : m.headers) {
    if (k == "ce_specversion") {
      if (v != "1.0") {
        return absl::InvalidArgumentError(
            absl::StrFormat("header ce_specversion is %s, only 1.0 is supported", QuoteInput(v)));
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
            absl::StrFormat("header ce_time %s is not an RFC 3339 time", QuoteInput(v)));
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

}  // namespace

absl::StatusOr<CloudEvent> ParseCloudEvent(const KafkaMessage& m, const input::InputLimits& limits) {
  size_t bytes = m.key.size() + m.value.size();
  for (const auto& [k, v] : m.headers) bytes += k.size() + v.size();
  if (bytes > limits.event_bytes) {
    return Refused(absl::StrFormat("event is %d bytes (key, headers and value), at most %d", bytes,
                                   limits.event_bytes),
                   "too_long");
  }
  bool structured = false;
  for (const auto& [k, v] : m.headers) {
    structured |= (k == "content-type" || k == "content_type") &&
                  absl::StartsWithIgnoreCase(v, "application/cloudevents+json");
  }
  absl::StatusOr<CloudEvent> e = structured ? ParseStructured(m) : ParseBinary(m);
  if (!e.ok()) return e;
  if (structured) {
    // Extension headers on the record (ce_ysvalidateonly) count as attributes too, unless the
    // body already set them.
    for (const auto& [hk, hv] : m.headers) {
      if (hk.rfind("ce_", 0) == 0 && !e->Extension(hk).has_value()) e->extensions.emplace_back(hk, hv);
    }
  }
  RETURN_IF_ERROR(CheckAttributes(*e, limits));
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
