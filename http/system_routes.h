// The routes every deployment answers without credentials: liveness, readiness,
// metrics, the OpenAPI document, the RFC 9727 API catalog, and the CORS
// preflights of the routes browsers may call.
#pragma once

#include <functional>

#include "events/result.h"
#include "http/dispatcher.h"
#include "http/metrics.h"

namespace closient::http {

struct SystemRoutesOptions {
  const MetricsRegistry* metrics = nullptr;  // required for /metrics
  std::function<bool()> is_ready;            // readiness; empty means always ready
  const CorsPolicy* cors = nullptr;          // preflights; null allows no origin
};

Status bind_system_routes(Dispatcher& dispatcher, SystemRoutesOptions options);

// The api-catalog linkset for a request that arrived with this Host header.
std::string api_catalog_linkset(std::string_view host);

inline constexpr char kLinksetContentType[] =
    "application/linkset+json; profile=\"https://www.rfc-editor.org/info/rfc9727\"";

}  // namespace closient::http
