#include "http/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace closient::http {
namespace {

enum MetricType { kCounter, kGauge, kHistogram };

const char* type_name(int type) {
  switch (type) {
    case kCounter:
      return "counter";
    case kGauge:
      return "gauge";
    default:
      return "histogram";
  }
}

bool is_valid_name(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    const bool digit = c >= '0' && c <= '9';
    if (!letter && !(digit && i > 0)) return false;
  }
  return true;
}

std::string escape(std::string_view text, bool quotes) {
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quotes) {
      out += "\\\"";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);
}

// `{a="1",b="2"}` (or "" without labels), with `extra` appended last (the `le` label).
std::string label_text(const Labels& labels, std::string_view extra = {}) {
  if (labels.empty() && extra.empty()) return "";
  std::string out = "{";
  for (const auto& [name, value] : labels) {
    if (out.size() > 1) out += ",";
    out += name + "=\"" + escape(value, true) + "\"";
  }
  if (!extra.empty()) {
    if (out.size() > 1) out += ",";
    out += extra;
  }
  return out + "}";
}

void add_atomically(std::atomic<double>& target, double delta) {
  double current = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(current, current + delta, std::memory_order_relaxed)) {
  }
}

}  // namespace

void Gauge::add(double delta) {
  add_atomically(value_, delta);
}

Histogram::Histogram(std::vector<double> upper_bounds)
    : upper_bounds_(std::move(upper_bounds)),
      buckets_(new std::atomic<uint64_t>[upper_bounds_.size() + 1]) {
  std::sort(upper_bounds_.begin(), upper_bounds_.end());
  for (std::size_t i = 0; i <= upper_bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::observe(double value) {
  const auto bound = std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), value);
  buckets_[static_cast<std::size_t>(bound - upper_bounds_.begin())].fetch_add(
      1, std::memory_order_relaxed);
  add_atomically(sum_, value);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot snapshot;
  snapshot.upper_bounds = upper_bounds_;
  uint64_t running = 0;
  for (std::size_t i = 0; i <= upper_bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    snapshot.cumulative_counts.push_back(running);
  }
  snapshot.count = running;
  snapshot.sum = sum_.load(std::memory_order_relaxed);
  return snapshot;
}

std::vector<double> latency_buckets_seconds() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
}

std::vector<double> size_buckets() {
  std::vector<double> bounds;
  for (double b = 1; b <= 4096; b *= 2) bounds.push_back(b);
  return bounds;
}

struct MetricsRegistry::Series {
  Labels labels;
  std::unique_ptr<Counter> counter;
  std::unique_ptr<Gauge> gauge;
  std::unique_ptr<Histogram> histogram;
  std::function<double()> read;  // for function-backed series
};

struct MetricsRegistry::Family {
  std::string help;
  int type = kCounter;
  std::map<std::string, std::unique_ptr<Series>> series;  // by rendered label text
};

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

MetricsRegistry::Series& MetricsRegistry::series(std::string_view name, std::string_view help,
                                                 int type, const Labels& labels) {
  if (!is_valid_name(name)) {
    throw std::invalid_argument("invalid metric name: " + std::string(name));
  }
  for (const auto& label : labels) {
    // `le` is reserved only where it would collide with the bucket label.
    if (!is_valid_name(label.first) || (label.first == "le" && type == kHistogram)) {
      throw std::invalid_argument("invalid label name: " + label.first);
    }
  }
  auto family_it = families_.find(name);
  if (family_it == families_.end()) {
    auto family = std::make_unique<Family>();
    family->help = std::string(help);
    family->type = type;
    family_it = families_.emplace(std::string(name), std::move(family)).first;
  } else if (family_it->second->type != type) {
    throw std::invalid_argument("metric registered with two types: " + std::string(name));
  }
  auto& slot = family_it->second->series[label_text(labels)];
  if (!slot) {
    slot = std::make_unique<Series>();
    slot->labels = labels;
  }
  return *slot;
}

Counter& MetricsRegistry::counter(std::string_view name, std::string_view help,
                                  const Labels& labels) {
  std::lock_guard<std::mutex> lock(mutex_);
  Series& s = series(name, help, kCounter, labels);
  if (!s.counter) s.counter = std::make_unique<Counter>();
  return *s.counter;
}

Gauge& MetricsRegistry::gauge(std::string_view name, std::string_view help, const Labels& labels) {
  std::lock_guard<std::mutex> lock(mutex_);
  Series& s = series(name, help, kGauge, labels);
  if (!s.gauge) s.gauge = std::make_unique<Gauge>();
  return *s.gauge;
}

Histogram& MetricsRegistry::histogram(std::string_view name, std::string_view help,
                                      std::vector<double> upper_bounds, const Labels& labels) {
  std::lock_guard<std::mutex> lock(mutex_);
  Series& s = series(name, help, kHistogram, labels);
  if (!s.histogram) s.histogram = std::make_unique<Histogram>(std::move(upper_bounds));
  return *s.histogram;
}

void MetricsRegistry::counter_function(std::string_view name, std::string_view help,
                                       std::function<double()> read, const Labels& labels) {
  std::lock_guard<std::mutex> lock(mutex_);
  series(name, help, kCounter, labels).read = std::move(read);
}

void MetricsRegistry::gauge_function(std::string_view name, std::string_view help,
                                     std::function<double()> read, const Labels& labels) {
  std::lock_guard<std::mutex> lock(mutex_);
  series(name, help, kGauge, labels).read = std::move(read);
}

std::string MetricsRegistry::render() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string out;
  for (const auto& [name, family] : families_) {
    out += "# HELP " + name + " " + escape(family->help, false) + "\n";
    out += "# TYPE " + name + " " + type_name(family->type) + "\n";
    for (const auto& [labels, s] : family->series) {
      if (s->read) {
        out += name + labels + " " + format_value(s->read()) + "\n";
      } else if (s->counter) {
        out += name + labels + " " + std::to_string(s->counter->value()) + "\n";
      } else if (s->gauge) {
        out += name + labels + " " + format_value(s->gauge->value()) + "\n";
      } else if (s->histogram) {
        const Histogram::Snapshot snap = s->histogram->snapshot();
        for (std::size_t i = 0; i <= snap.upper_bounds.size(); ++i) {
          const std::string le =
              i < snap.upper_bounds.size() ? format_value(snap.upper_bounds[i]) : "+Inf";
          out += name + "_bucket" + label_text(s->labels, "le=\"" + le + "\"") + " " +
                 std::to_string(snap.cumulative_counts[i]) + "\n";
        }
        out += name + "_sum" + labels + " " + format_value(snap.sum) + "\n";
        out += name + "_count" + labels + " " + std::to_string(snap.count) + "\n";
      }
    }
  }
  return out;
}

}  // namespace closient::http
