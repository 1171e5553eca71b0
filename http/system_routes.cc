#include "http/system_routes.h"

#include <memory>
#include <nlohmann/json.hpp>

#include "http/api_description.h"
#include "http/openapi.h"

namespace closient::http {
namespace {

// A Host header is client-controlled text that ends up in a link: accept only what
// a host[:port] can contain, or fall back to the loopback name.
bool is_plausible_host(std::string_view host) {
  if (host.empty() || host.size() > 255) return false;
  for (char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
    if (!ok) return false;
  }
  return true;
}

Response no_store(Response response) {
  response.headers.set("Cache-Control", "no-store");
  return response;
}

}  // namespace

std::string api_catalog_linkset(std::string_view host) {
  const std::string origin =
      "http://" + std::string(is_plausible_host(host) ? host : std::string_view("localhost"));
  const std::string base = origin + kApiBasePath;
  using json = nlohmann::ordered_json;
  const json linkset = {
      {"linkset",
       json::array({{
           {"anchor", base + "/"},
           {"service-desc",
            json::array({{{"href", base + "/openapi.json"},
                          {"type", "application/vnd.oai.openapi+json;version=3.1"}}})},
           {"status", json::array({{{"href", origin + "/healthz"}, {"type", "application/json"}}})},
       }})},
  };
  return dump_json(linkset);
}

Status bind_system_routes(Dispatcher& dispatcher, SystemRoutesOptions options) {
  auto shared = std::make_shared<SystemRoutesOptions>(std::move(options));

  Status status = dispatcher.bind("getHealth", [](RequestContext, Reply reply) {
    reply.send(no_store(Response::json(200, {{"status", "ok"}})));
  });
  if (!status.ok()) return status;

  status = dispatcher.bind("getReadiness", [shared](RequestContext context, Reply reply) {
    if (shared->is_ready && !shared->is_ready()) {
      reply.send(no_store(context.problem(
          Error::make(ErrorCode::service_unavailable, "The service is not ready yet."))));
      return;
    }
    reply.send(no_store(Response::json(200, {{"status", "ready"}})));
  });
  if (!status.ok()) return status;

  status = dispatcher.bind("getMetrics", [shared](RequestContext, Reply reply) {
    const std::string text = shared->metrics != nullptr ? shared->metrics->render() : "";
    reply.send(no_store(Response::text(200, text, kPrometheusContentType)));
  });
  if (!status.ok()) return status;

  status = dispatcher.bind("getOpenApiDocument", [](RequestContext, Reply reply) {
    reply.send(Response::text(200, openapi_document_text(), kJsonContentType));
  });
  if (!status.ok()) return status;

  return dispatcher.bind("getApiCatalog", [](RequestContext context, Reply reply) {
    const std::string host(context.request.headers.find("Host").value_or(""));
    Response response = Response::text(200, api_catalog_linkset(host), kLinksetContentType);
    response.headers.set("Link", "</.well-known/api-catalog>; rel=\"api-catalog\"");
    reply.send(std::move(response));
  });
}

}  // namespace closient::http
