#include "http/http_metrics.h"

#include <mutex>

namespace closient::http {
namespace {

constexpr char kRequestsName[] = "http_requests_total";
constexpr char kRequestsHelp[] = "HTTP requests answered, by method, route template and status.";
constexpr char kLatencyName[] = "http_request_duration_seconds";
constexpr char kLatencyHelp[] =
    "Time from receiving a request to handing its response to the server, by route template.";

}  // namespace

HttpMetrics::HttpMetrics(MetricsRegistry& registry)
    : registry_(registry),
      in_flight_(
          registry.gauge("http_requests_in_flight", "Requests received and not yet answered.")) {}

void HttpMetrics::request_started() {
  in_flight_.add(1);
}

void HttpMetrics::request_finished(std::string_view method, std::string_view route, int status,
                                   double latency_seconds) {
  in_flight_.add(-1);
  requests(method, route, status).increment();
  latency(route).observe(latency_seconds);
}

Counter& HttpMetrics::requests(std::string_view method, std::string_view route, int status) {
  std::string key = std::string(method) + ' ' + std::string(route) + ' ' + std::to_string(status);
  {
    std::shared_lock<std::shared_mutex> lock(mutex_);
    auto it = requests_.find(key);
    if (it != requests_.end()) return *it->second;
  }
  Counter& counter = registry_.counter(kRequestsName, kRequestsHelp,
                                       {{"method", std::string(method)},
                                        {"route", std::string(route)},
                                        {"status", std::to_string(status)}});
  std::unique_lock<std::shared_mutex> lock(mutex_);
  requests_.emplace(std::move(key), &counter);
  return counter;
}

Histogram& HttpMetrics::latency(std::string_view route) {
  {
    std::shared_lock<std::shared_mutex> lock(mutex_);
    auto it = latencies_.find(std::string(route));
    if (it != latencies_.end()) return *it->second;
  }
  Histogram& histogram = registry_.histogram(kLatencyName, kLatencyHelp, latency_buckets_seconds(),
                                             {{"route", std::string(route)}});
  std::unique_lock<std::shared_mutex> lock(mutex_);
  latencies_.emplace(std::string(route), &histogram);
  return histogram;
}

}  // namespace closient::http
