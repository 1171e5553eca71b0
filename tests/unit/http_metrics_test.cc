#include "http/http_metrics.h"

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <stdexcept>
#include <thread>
#include <vector>

#include "http/metrics.h"

using namespace closient::http;

namespace {

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_CASE(renders_counters_with_help_type_and_labels) {
  MetricsRegistry registry;
  registry.counter("event_log_appends_total", "Appends.").increment(3);
  registry.counter("requests_total", "Requests.", {{"route", "/a\"b"}}).increment();
  const std::string text = registry.render();
  BOOST_TEST(contains(text, "# HELP event_log_appends_total Appends.\n"));
  BOOST_TEST(contains(text, "# TYPE event_log_appends_total counter\n"));
  BOOST_TEST(contains(text, "event_log_appends_total 3\n"));
  BOOST_TEST(contains(text, "requests_total{route=\"/a\\\"b\"} 1\n"));
}

BOOST_AUTO_TEST_CASE(the_same_name_and_labels_is_the_same_series) {
  MetricsRegistry registry;
  Counter& a = registry.counter("x_total", "X.", {{"k", "v"}});
  Counter& b = registry.counter("x_total", "X.", {{"k", "v"}});
  BOOST_TEST(&a == &b);
  BOOST_TEST(&a != &registry.counter("x_total", "X.", {{"k", "w"}}));
}

BOOST_AUTO_TEST_CASE(refuses_bad_names_and_type_changes) {
  MetricsRegistry registry;
  registry.counter("x_total", "X.");
  BOOST_CHECK_THROW(registry.gauge("x_total", "X."), std::invalid_argument);
  BOOST_CHECK_THROW(registry.counter("bad-name", "X."), std::invalid_argument);
  BOOST_CHECK_THROW(registry.counter("1x", "X."), std::invalid_argument);
  BOOST_CHECK_THROW(registry.histogram("h", "H.", {1}, {{"le", "1"}}), std::invalid_argument);
  // On a counter, `le` is an ordinary label (hand-made bucket counters use it).
  BOOST_CHECK_NO_THROW(registry.counter("batches_total", "B.", {{"le", "4"}}));
}

BOOST_AUTO_TEST_CASE(gauges_and_functions) {
  MetricsRegistry registry;
  Gauge& gauge = registry.gauge("queue_depth", "Depth.");
  gauge.set(4);
  gauge.add(-1.5);
  std::atomic<uint64_t> fsyncs{12};
  registry.counter_function("event_log_fsyncs_total", "Fsyncs.",
                            [&fsyncs] { return static_cast<double>(fsyncs.load()); });
  const std::string text = registry.render();
  BOOST_TEST(contains(text, "queue_depth 2.5\n"));
  BOOST_TEST(contains(text, "# TYPE event_log_fsyncs_total counter\n"));
  BOOST_TEST(contains(text, "event_log_fsyncs_total 12\n"));
  fsyncs = 13;
  BOOST_TEST(contains(registry.render(), "event_log_fsyncs_total 13\n"));
}

BOOST_AUTO_TEST_CASE(histograms_are_cumulative) {
  MetricsRegistry registry;
  Histogram& batch = registry.histogram("batch_size", "Batch.", {1, 4, 16});
  for (double value : {1.0, 2.0, 3.0, 20.0}) batch.observe(value);
  const std::string text = registry.render();
  BOOST_TEST(contains(text, "# TYPE batch_size histogram\n"));
  BOOST_TEST(contains(text, "batch_size_bucket{le=\"1\"} 1\n"));
  BOOST_TEST(contains(text, "batch_size_bucket{le=\"4\"} 3\n"));
  BOOST_TEST(contains(text, "batch_size_bucket{le=\"16\"} 3\n"));
  BOOST_TEST(contains(text, "batch_size_bucket{le=\"+Inf\"} 4\n"));
  BOOST_TEST(contains(text, "batch_size_sum 26\n"));
  BOOST_TEST(contains(text, "batch_size_count 4\n"));
}

BOOST_AUTO_TEST_CASE(counts_are_exact_under_concurrency) {
  MetricsRegistry registry;
  HttpMetrics metrics(registry);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&metrics, t] {
      for (int i = 0; i < 1000; ++i) {
        metrics.request_started();
        metrics.request_finished("GET", t % 2 ? "/a" : "/b", 200, 0.001);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const std::string text = registry.render();
  BOOST_TEST(
      contains(text, "http_requests_total{method=\"GET\",route=\"/a\",status=\"200\"} 4000"));
  BOOST_TEST(
      contains(text, "http_requests_total{method=\"GET\",route=\"/b\",status=\"200\"} 4000"));
  BOOST_TEST(contains(text, "http_request_duration_seconds_count{route=\"/a\"} 4000"));
  BOOST_TEST(contains(text, "http_requests_in_flight 0\n"));
}
