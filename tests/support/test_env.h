#pragma once

#include <cstdlib>
#include <string>

#include "absl/strings/str_format.h"
#include "common/kafka/cloud_event.h"

namespace ys::testing {

// The local stack the Makefile starts (make stack-up); overridable like the services' config.
inline std::string EnvOr(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}
inline std::string KafkaBrokers() { return EnvOr("YS_KAFKA_BROKERS", "127.0.0.1:19092"); }
inline std::string PgUri() {
  return EnvOr("YS_PG_URI", "postgresql://postgres@127.0.0.1:15432/yingshang");
}
inline std::string RedisHost() { return "127.0.0.1"; }
inline int RedisPort() {
  const std::string addr = EnvOr("YS_REDIS_ADDRESS", "127.0.0.1:16379");
  return std::stoi(addr.substr(addr.rfind(':') + 1));
}

// A name no other test (or earlier run) uses: topics, schemas, groups.
inline std::string UniqueName(const std::string& prefix) {
  std::string id = NewEventId().substr(0, 8);
  return absl::StrFormat("%s_%s", prefix, id);
}

}  // namespace ys::testing
