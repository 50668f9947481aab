#include "common/metrics/metrics.h"

#include "absl/strings/str_format.h"
#include "prometheus/exposer.h"
#include "prometheus/text_serializer.h"

#ifndef YS_VERSION
#define YS_VERSION "dev"
#endif
#ifndef YS_GIT_SHA
#define YS_GIT_SHA "unknown"
#endif

namespace ys {

Metrics::Metrics(std::string service)
    : service_(std::move(service)), registry_(std::make_shared<prometheus::Registry>()) {
  prometheus::BuildGauge()
      .Name("ys_build_info")
      .Help("Build of the running binary; the value is always 1")
      .Register(*registry_)
      .Add({{"service", service_}, {"version", YS_VERSION}, {"revision", YS_GIT_SHA}})
      .Set(1);
}

std::string Metrics::Serialize() const {
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

MetricsExposer::MetricsExposer(std::unique_ptr<prometheus::Exposer> exposer)
    : exposer_(std::move(exposer)) {}

MetricsExposer::~MetricsExposer() = default;

absl::StatusOr<std::unique_ptr<MetricsExposer>> MetricsExposer::Start(const std::string& address,
                                                                      Metrics& metrics) {
  try {
    auto exposer = std::make_unique<prometheus::Exposer>(address, /*num_threads=*/1);
    exposer->RegisterCollectable(metrics.shared_registry());
    return std::unique_ptr<MetricsExposer>(new MetricsExposer(std::move(exposer)));
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrFormat("metrics listener %s cannot start: %s", address, e.what()));
  }
}

int MetricsExposer::port() const {
  auto ports = exposer_->GetListeningPorts();
  return ports.empty() ? 0 : ports.front();
}

prometheus::Histogram::BucketBoundaries LatencyBuckets() {
  prometheus::Histogram::BucketBoundaries b;
  for (double v = 0.0005; v < 20; v *= 2) b.push_back(v);
  return b;
}

}  // namespace ys
