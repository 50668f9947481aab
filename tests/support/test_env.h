#pragma once

#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <pqxx/pqxx>

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

// Drops, when the test program ends, every schema named by UniqueName: a test run leaves no
// schemas behind in the developer's database.
class SchemaJanitor : public ::testing::Environment {
 public:
  static SchemaJanitor& Get() {
    static SchemaJanitor* const janitor = [] {
      auto* j = new SchemaJanitor;
      ::testing::AddGlobalTestEnvironment(j);  // gtest owns it
      return j;
    }();
    return *janitor;
  }
  void Add(const std::string& name) {
    std::lock_guard lock(mu_);
    names_.push_back(name);
  }
  void TearDown() override {
    std::lock_guard lock(mu_);
    if (names_.empty()) return;
    try {
      pqxx::connection c(PgUri());
      for (const std::string& name : names_) {
        try {
          pqxx::nontransaction tx(c);
          tx.exec("DROP SCHEMA IF EXISTS " + tx.quote_name(name) + " CASCADE");
        } catch (const pqxx::sql_error&) {
          // One that cannot be dropped (still in use) does not keep the others.
        }
      }
    } catch (const std::exception&) {
      // The stack is down: nothing to clean.
    }
    names_.clear();
  }

 private:
  std::mutex mu_;
  std::vector<std::string> names_;
};

// A name no other test (or earlier run) uses: topics, schemas, groups.
inline std::string UniqueName(const std::string& prefix) {
  std::string id = NewEventId().substr(0, 8);
  std::string name = absl::StrFormat("%s_%s", prefix, id);
  SchemaJanitor::Get().Add(name);
  return name;
}

}  // namespace ys::testing
