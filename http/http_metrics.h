// The HTTP layer's own metrics: requests by route, method and status; latency by
// route; requests in flight. Routes are templates, so the label sets stay few.
#pragma once

#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "http/metrics.h"

namespace closient::http {

class HttpMetrics {
 public:
  explicit HttpMetrics(MetricsRegistry& registry);

  void request_started();
  void request_finished(std::string_view method, std::string_view route, int status,
                        double latency_seconds);

 private:
  Counter& requests(std::string_view method, std::string_view route, int status);
  Histogram& latency(std::string_view route);

  MetricsRegistry& registry_;
  Gauge& in_flight_;
  // Caches of registry series, so the hot path usually takes only a shared lock.
  std::shared_mutex mutex_;
  std::unordered_map<std::string, Counter*> requests_;
  std::unordered_map<std::string, Histogram*> latencies_;
};

}  // namespace closient::http
