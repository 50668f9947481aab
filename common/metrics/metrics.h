#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace prometheus {
class Exposer;
}

namespace ys {

// The process's metrics: one registry every component registers its families in, served over HTTP
// at /metrics by MetricsExposer. Families are built once and the series references kept.
class Metrics {
 public:
  explicit Metrics(std::string service);

  prometheus::Registry& registry() { return *registry_; }
  std::shared_ptr<prometheus::Registry> shared_registry() { return registry_; }
  const std::string& service() const { return service_; }

  // Text exposition of the current values (what /metrics serves); for tests and ysctl.
  std::string Serialize() const;

 private:
  std::string service_;
  std::shared_ptr<prometheus::Registry> registry_;
};

// Serves a Metrics registry over HTTP ("127.0.0.1:9101"; port 0 picks one).
class MetricsExposer {
 public:
  static absl::StatusOr<std::unique_ptr<MetricsExposer>> Start(const std::string& address,
                                                               Metrics& metrics);
  ~MetricsExposer();
  int port() const;

 private:
  explicit MetricsExposer(std::unique_ptr<prometheus::Exposer> exposer);
  std::unique_ptr<prometheus::Exposer> exposer_;
};

// Exponential histogram buckets for latencies in seconds, 0.5 ms .. ~16 s.
prometheus::Histogram::BucketBoundaries LatencyBuckets();

}  // namespace ys
