#include "tools/accountd/connection_metrics.h"

namespace closient {

void register_connection_metrics(http::MetricsRegistry& registry, const http::Server& server) {
  registry.gauge_function("http_connections_open", "Client connections open now.", [&server] {
    return static_cast<double>(server.connection_stats().open_connections);
  });
  registry.gauge_function(
      "http_connections_max", "Connections served at once; more wait to be accepted.",
      [&server] { return static_cast<double>(server.connection_stats().max_connections); });
  registry.counter_function(
      "http_accept_descriptor_waits_total",
      "Times an accept waited because no file descriptor was free.",
      [&server] { return static_cast<double>(server.connection_stats().descriptor_shortages); });
  registry.counter_function(
      "http_accepts_restarted_total", "Accepts that failed and were started again.",
      [&server] { return static_cast<double>(server.connection_stats().accepts_restarted); });
}

}  // namespace closient
