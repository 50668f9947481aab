// ParseCloudEvent on a record in binary content mode: attributes in headers, the body as the value.
//
// Input layout, readable so the seeds can be written by hand: the record key on the first line;
// then one header a line, "name:value" (split at the first colon, the value as written) up to an
// empty line; then the record value, all the bytes that are left.

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "common/kafka/cloud_event.h"
#include "fuzz/fuzz_check.h"

namespace {

ys::KafkaMessage RecordOf(absl::string_view in) {
  ys::KafkaMessage m;
  size_t eol = in.find('\n');
  m.key = std::string(in.substr(0, eol));
  if (eol == absl::string_view::npos) return m;
  in.remove_prefix(eol + 1);
  while (!in.empty()) {
    eol = in.find('\n');
    const absl::string_view line = in.substr(0, eol);
    in.remove_prefix(eol == absl::string_view::npos ? in.size() : eol + 1);
    if (line.empty()) break;
    const size_t colon = line.find(':');
    if (colon == absl::string_view::npos) {
      m.headers.emplace_back(std::string(line), "");
    } else {
      m.headers.emplace_back(std::string(line.substr(0, colon)), std::string(line.substr(colon + 1)));
    }
  }
  m.value = std::string(in);
  return m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ys::KafkaMessage m = RecordOf(absl::string_view(reinterpret_cast<const char*>(data), size));
  const auto event = ys::ParseCloudEvent(m);
  if (!event.ok()) return 0;
  // An event taken in binary mode is what our producers send: written back as headers
  // (ToKafkaHeaders, as the outbox relay does) it parses to the same event. The headers written
  // add a few bytes, so only well under the size limit.
  for (const auto& [k, v] : m.headers) {
    if ((k == "content-type" || k == "content_type") &&
        absl::StartsWithIgnoreCase(v, "application/cloudevents+json")) {
      return 0;  // structured mode: the other target's
    }
  }
  if (size > 128 * 1024) return 0;
  ys::KafkaMessage again;
  again.key = event->key;
  again.value = event->data;
  again.headers = ys::ToKafkaHeaders(*event);
  const auto back = ys::ParseCloudEvent(again);
  ys::fuzz::Require(back.ok(), "an event written back as headers parses");
  ys::fuzz::Require(back->id == event->id && back->source == event->source && back->type == event->type &&
                        back->subject == event->subject && back->time == event->time &&
                        back->content_type == event->content_type && back->key == event->key &&
                        back->data == event->data && back->extensions == event->extensions,
                    "an event written back as headers parses to the same event");
  return 0;
}
