#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>

#include "http/api_description.h"
#include "http/dispatcher.h"
#include "http/openapi.h"

using namespace closient;
using namespace closient::http;

namespace {

using Route = std::pair<std::string, std::string>;  // (method, path template)

const nlohmann::json& document() {
  static const nlohmann::json parsed = nlohmann::json::parse(openapi_document_text());
  return parsed;
}

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return text;
}

std::set<Route> documented_routes() {
  static const std::set<std::string> kMethods = {"get", "put", "post", "delete", "patch"};
  std::set<Route> routes;
  for (const auto& [path, item] : document()["paths"].items()) {
    for (const auto& [method, operation] : item.items()) {
      if (kMethods.count(method)) routes.insert({upper(method), path});
    }
  }
  return routes;
}

// Every "$ref" in `node`, recursively.
void collect_refs(const nlohmann::json& node, std::set<std::string>& refs) {
  if (node.is_object()) {
    for (const auto& [key, value] : node.items()) {
      if (key == "$ref" && value.is_string()) refs.insert(value.get<std::string>());
      collect_refs(value, refs);
    }
  } else if (node.is_array()) {
    for (const auto& value : node) collect_refs(value, refs);
  }
}

const nlohmann::json* resolve(const std::string& ref) {
  if (ref.rfind("#/", 0) != 0) return nullptr;
  const nlohmann::json* node = &document();
  std::size_t start = 2;
  while (start <= ref.size()) {
    const std::size_t slash = ref.find('/', start);
    const std::string key =
        ref.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (!node->is_object() || !node->contains(key)) return nullptr;
    node = &(*node)[key];
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return node;
}

const nlohmann::json& operation(const std::string& path, const std::string& method) {
  return document()["paths"][path][method];
}

}  // namespace

BOOST_AUTO_TEST_CASE(is_openapi_3_1) {
  BOOST_TEST(document()["openapi"] == "3.1.0");
  BOOST_TEST(document()["info"]["title"].is_string());
  BOOST_TEST(document()["info"]["version"].is_string());
}

BOOST_AUTO_TEST_CASE(every_registered_route_is_documented_and_vice_versa) {
  Result<Router> router = build_router(api_route_specs());
  BOOST_REQUIRE(router.ok());
  std::set<Route> registered;
  for (const RouteSpec& route : router->routes()) {
    registered.insert({route.method, route.path_template});
  }
  const std::set<Route> documented = documented_routes();
  for (const Route& route : registered) {
    BOOST_TEST(documented.count(route) == 1u, route.first << " " << route.second);
  }
  for (const Route& route : documented) {
    BOOST_TEST(registered.count(route) == 1u, route.first << " " << route.second);
  }
  BOOST_TEST(registered.size() == documented.size());
}

BOOST_AUTO_TEST_CASE(covers_the_contract_table) {
  // §4, spelled out here independently of the description table.
  const std::set<Route> contract = {
      {"GET", "/account/api/v1/whoami"},
      {"GET", "/account/api/v1/organizations"},
      {"POST", "/account/api/v1/organizations"},
      {"GET", "/account/api/v1/organizations/{id}"},
      {"PUT", "/account/api/v1/organizations/{id}"},
      {"DELETE", "/account/api/v1/organizations/{id}"},
      {"POST", "/account/api/v1/organizations/{id}/restore"},
      {"GET", "/account/api/v1/organizations/{org_id}/members"},
      {"POST", "/account/api/v1/organizations/{org_id}/members"},
      {"GET", "/account/api/v1/organizations/{org_id}/members/{member_id}"},
      {"PUT", "/account/api/v1/organizations/{org_id}/members/{member_id}"},
      {"DELETE", "/account/api/v1/organizations/{org_id}/members/{member_id}"},
      {"GET", "/account/api/v1/organizations/{organization_id}/api-keys"},
      {"POST", "/account/api/v1/organizations/{organization_id}/api-keys"},
      {"GET", "/account/api/v1/organizations/{organization_id}/api-keys/{key_id}"},
      {"PATCH", "/account/api/v1/organizations/{organization_id}/api-keys/{key_id}"},
      {"DELETE", "/account/api/v1/organizations/{organization_id}/api-keys/{key_id}"},
      {"GET", "/account/api/v1/api-keys"},
      {"POST", "/account/api/v1/api-keys"},
      {"PATCH", "/account/api/v1/api-keys/{key_id}"},
      {"DELETE", "/account/api/v1/api-keys/{key_id}"},
      {"GET", "/account/api/v1/preferences"},
      {"PUT", "/account/api/v1/preferences"},
      {"GET", "/account/api/v1/organizations/{id}/events"},
      {"GET", "/account/api/v1/openapi.json"},
      {"GET", "/.well-known/api-catalog"},
      {"GET", "/healthz"},
      {"GET", "/readyz"},
      {"GET", "/metrics"},
  };
  BOOST_TEST((documented_routes() == contract));
}

BOOST_AUTO_TEST_CASE(every_reference_resolves) {
  std::set<std::string> refs;
  collect_refs(document(), refs);
  BOOST_TEST(refs.size() > 20u);
  for (const std::string& ref : refs) BOOST_TEST(resolve(ref) != nullptr, ref);
}

BOOST_AUTO_TEST_CASE(operation_ids_are_unique_and_match_the_router) {
  std::set<std::string> ids;
  for (const auto& [path, item] : document()["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      BOOST_TEST(ids.insert(op["operationId"].get<std::string>()).second);
    }
  }
  BOOST_TEST(ids.size() == api_operations().size());
}

BOOST_AUTO_TEST_CASE(path_parameters_are_declared) {
  const nlohmann::json& op =
      operation("/account/api/v1/organizations/{org_id}/members/{member_id}", "put");
  std::set<std::string> names;
  for (const nlohmann::json& parameter : op["parameters"]) {
    const nlohmann::json* resolved =
        parameter.contains("$ref") ? resolve(parameter["$ref"]) : &parameter;
    BOOST_REQUIRE(resolved != nullptr);
    if ((*resolved)["in"] == "path") names.insert((*resolved)["name"].get<std::string>());
  }
  BOOST_TEST((names == std::set<std::string>{"org_id", "member_id"}));
}

BOOST_AUTO_TEST_CASE(describes_bodies_errors_and_headers) {
  const nlohmann::json& create = operation("/account/api/v1/organizations", "post");
  BOOST_TEST(create["requestBody"]["content"]["application/json"]["schema"]["$ref"] ==
             "#/components/schemas/OrganizationCreate");
  for (const char* status :
       {"200", "400", "401", "403", "409", "413", "415", "422", "429", "500", "503"}) {
    BOOST_TEST(create["responses"].contains(status), status);
  }
  BOOST_TEST(create["responses"]["200"]["headers"].contains("RateLimit-Limit"));
  BOOST_TEST(create["responses"]["200"]["headers"].contains("X-Request-ID"));
  BOOST_TEST(create["responses"]["200"]["headers"].contains("ETag"));
  BOOST_TEST(create["responses"]["200"]["headers"].contains("X-Event-Position"));

  const nlohmann::json& problem = *resolve(create["responses"]["422"]["$ref"].get<std::string>());
  BOOST_TEST(problem["content"].contains("application/problem+json"));

  const nlohmann::json& remove =
      operation("/account/api/v1/organizations/{organization_id}/api-keys/{key_id}", "delete");
  BOOST_TEST(remove["responses"].contains("204"));
  BOOST_TEST(!remove["responses"]["204"].contains("content"));
  BOOST_TEST(remove["responses"].contains("412"));
}

BOOST_AUTO_TEST_CASE(public_routes_need_no_credential) {
  BOOST_TEST(operation("/healthz", "get")["security"].empty());
  BOOST_TEST(operation("/account/api/v1/openapi.json", "get")["security"].empty());
  BOOST_TEST(!operation("/account/api/v1/whoami", "get")["security"].empty());
  const nlohmann::json& schemes = document()["components"]["securitySchemes"];
  BOOST_TEST(schemes["ApiKeyAuth"]["name"] == "X-API-Key");
  BOOST_TEST(schemes["BearerAuth"]["scheme"] == "bearer");
  BOOST_TEST(schemes["SessionAuth"]["in"] == "cookie");
  BOOST_TEST(schemes["SessionAuth"]["name"] == "sessionid");
}

BOOST_AUTO_TEST_CASE(declares_the_contract_headers) {
  const nlohmann::json& headers = document()["components"]["headers"];
  for (const char* name :
       {"RateLimit-Policy", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset",
        "X-RateLimit-Reset", "X-Request-ID", "ETag", "X-Event-Position", "Retry-After"}) {
    BOOST_TEST(headers.contains(name), name);
  }
  BOOST_TEST(document()["components"]["parameters"]["HeaderIdempotencyKey"]["name"] ==
             "Idempotency-Key");
}
