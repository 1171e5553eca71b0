// A small metrics registry rendered in the Prometheus text format (version 0.0.4).
//
// Counters, gauges and histograms are lock-free to update; only registration takes
// a lock, and the returned reference stays valid for the registry's lifetime, so hot
// paths register once and keep the reference. Layers below http (the event log, the
// writer) do not depend on this file: they keep their own atomic counters, and the
// program that wires everything registers *functions* that read them at scrape time.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace closient::http {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void increment(uint64_t by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void set(double value) { value_.store(value, std::memory_order_relaxed); }
  void add(double delta);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  // `upper_bounds` ascending; the +Inf bucket is implicit.
  explicit Histogram(std::vector<double> upper_bounds);

  void observe(double value);

  struct Snapshot {
    std::vector<double> upper_bounds;
    std::vector<uint64_t> cumulative_counts;  // one per bound, then +Inf
    uint64_t count = 0;
    double sum = 0;
  };
  Snapshot snapshot() const;

 private:
  std::vector<double> upper_bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // not cumulative; last is +Inf
  std::atomic<double> sum_{0};
};

// Latency buckets in seconds, from 100 µs to 10 s.
std::vector<double> latency_buckets_seconds();
// Powers of two from 1 to 4096, for batch sizes.
std::vector<double> size_buckets();

class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Get-or-create. Registering one name with two types is a programming error and
  // throws std::invalid_argument, as does a name Prometheus would reject.
  Counter& counter(std::string_view name, std::string_view help, const Labels& labels = {});
  Gauge& gauge(std::string_view name, std::string_view help, const Labels& labels = {});
  Histogram& histogram(std::string_view name, std::string_view help,
                       std::vector<double> upper_bounds, const Labels& labels = {});

  // Values owned elsewhere, read on every scrape (must be thread-safe and cheap).
  // Registering the same name and labels again replaces the function.
  void counter_function(std::string_view name, std::string_view help, std::function<double()> read,
                        const Labels& labels = {});
  void gauge_function(std::string_view name, std::string_view help, std::function<double()> read,
                      const Labels& labels = {});

  // Every family, sorted by name, with HELP and TYPE lines.
  std::string render() const;

 private:
  struct Family;
  struct Series;
  Series& series(std::string_view name, std::string_view help, int type, const Labels& labels);

  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Family>, std::less<>> families_;
};

inline constexpr char kPrometheusContentType[] = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace closient::http
