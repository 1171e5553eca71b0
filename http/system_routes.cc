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

// The document and the catalog change only with the server's version.
Response cacheable(Response response) {
  response.headers.set("Cache-Control", "public, max-age=300");
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

  Status status =
      dispatcher.bind("apps_accounts_api_service_get_health", [](RequestContext, Reply reply) {
        reply.send(no_store(Response::json(200, {{"status", "ok"}})));
      });
  if (!status.ok()) return status;

  status = dispatcher.bind(
      "apps_accounts_api_service_get_readiness", [shared](RequestContext context, Reply reply) {
        if (shared->is_ready && !shared->is_ready()) {
          reply.send(no_store(context.problem(
              Error::make(ErrorCode::service_unavailable, "The service is not ready yet."))));
          return;
        }
        reply.send(no_store(Response::json(200, {{"status", "ready"}})));
      });
  if (!status.ok()) return status;

  status = dispatcher.bind(
      "apps_accounts_api_service_get_metrics", [shared](RequestContext, Reply reply) {
        const std::string text = shared->metrics != nullptr ? shared->metrics->render() : "";
        reply.send(no_store(Response::text(200, text, kPrometheusContentType)));
      });
  if (!status.ok()) return status;

  status = dispatcher.bind(
      "apps_accounts_api_service_get_openapi_document", [](RequestContext, Reply reply) {
        reply.send(cacheable(Response::text(200, openapi_document_text(), kJsonContentType)));
      });
  if (!status.ok()) return status;

  // The preflights of the routes a publishable key may call from a web page.
  auto cors = std::make_shared<CorsPolicy>(shared->cors ? *shared->cors : CorsPolicy());
  for (const char* preflight : {"apps_accounts_api_account_whoami_preflight",
                                "apps_accounts_api_organizations_get_organization_preflight"}) {
    status = dispatcher.bind(preflight, [cors](RequestContext context, Reply reply) {
      reply.send(cors->preflight(context.request.headers));
    });
    if (!status.ok()) return status;
  }

  return dispatcher.bind(
      "apps_accounts_api_service_get_api_catalog", [](RequestContext context, Reply reply) {
        const std::string host(context.request.headers.find("Host").value_or(""));
        Response response =
            cacheable(Response::text(200, api_catalog_linkset(host), kLinksetContentType));
        response.headers.set("Link", "</.well-known/api-catalog>; rel=\"api-catalog\"");
        // Its links are built from Host: a cache must keep one copy per host.
        response.headers.set("Vary", "Host");
        reply.send(std::move(response));
      });
}

}  // namespace closient::http
