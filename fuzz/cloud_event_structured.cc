// ParseCloudEvent on a record in structured content mode: the input is the record value, the whole
// event as one JSON object (content-type application/cloudevents+json), as a platform sends it
// with kcat.

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/kafka/cloud_event.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ys::KafkaMessage m;
  m.topic = "ys.rankings.submitted.v1";
  m.key = "I01/3611";
  m.value.assign(reinterpret_cast<const char*>(data), size);
  m.headers = {{"content-type", "application/cloudevents+json; charset=utf-8"},
               {"ce_ysvalidateonly", "true"}};
  (void)ys::ParseCloudEvent(m);
  return 0;
}
