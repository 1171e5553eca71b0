// The listener's figures on /metrics: connections open and allowed, and how often
// accepting had to wait for a descriptor or was restarted after a failed accept.
#pragma once

#include "http/metrics.h"
#include "http/server.h"

namespace closient {

// `server` must outlive the scrapes (it does: it stops before the registry goes).
void register_connection_metrics(http::MetricsRegistry& registry, const http::Server& server);

}  // namespace closient
