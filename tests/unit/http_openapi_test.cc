#include <boost/test/unit_test.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
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
  // HEAD is documented beside every GET, but served by the GET route.
  static const std::set<std::string> kMethods = {"get",    "put",   "post",
                                                 "delete", "patch", "options"};
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
      // §8: CORS preflights of the routes a publishable key may call.
      {"OPTIONS", "/account/api/v1/whoami"},
      {"OPTIONS", "/account/api/v1/organizations/{id}"},
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
  std::size_t heads = 0;
  for (const auto& [path, item] : document()["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      BOOST_TEST(ids.insert(op["operationId"].get<std::string>()).second);
      if (method == "head") {
        ++heads;
        BOOST_TEST(op["operationId"] == item["get"]["operationId"].get<std::string>() + "_head");
      }
    }
  }
  BOOST_TEST(ids.size() == api_operations().size() + heads);
  for (const ApiOperation& op : api_operations()) BOOST_TEST(ids.count(op.operation_id) == 1u);
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
  BOOST_TEST(schemes["APIKeyHeaderAuth"]["name"] == "X-API-Key");
  BOOST_TEST(schemes["APIKeyHeaderAuth"]["in"] == "header");
  BOOST_TEST(schemes["OAuthTokenAuth"]["scheme"] == "bearer");
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

// §9: the published document's names, so a client generated from either is the same.
BOOST_AUTO_TEST_CASE(carries_the_published_identity) {
  BOOST_TEST(document()["info"]["title"] == "Account API");
  std::vector<std::string> tags;
  for (const nlohmann::json& tag : document()["tags"]) tags.push_back(tag["name"]);
  const std::vector<std::string> published = {"Account", "Organizations", "Members", "API Keys",
                                              "Preferences"};
  BOOST_TEST_REQUIRE(tags.size() >= published.size());
  BOOST_TEST((std::vector<std::string>(tags.begin(), tags.begin() + 5) == published));
  const std::set<std::string> defined(tags.begin(), tags.end());
  const nlohmann::json& schemes = document()["components"]["securitySchemes"];
  BOOST_TEST(schemes.size() == 3u);
  for (const char* name : {"APIKeyHeaderAuth", "OAuthTokenAuth", "SessionAuth"})
    BOOST_TEST(schemes.contains(name), name);

  const std::regex convention("^apps_accounts_api_[a-z]+(_[a-z]+)*$");
  for (const auto& [path, item] : document()["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      const std::string id = op["operationId"];
      BOOST_TEST(std::regex_match(id, convention), id);
      BOOST_TEST(op["tags"].size() == 1u);
      BOOST_TEST(defined.count(op["tags"][0].get<std::string>()) == 1u, id);
    }
  }
  BOOST_TEST(operation("/account/api/v1/organizations/{org_id}/members/{member_id}",
                       "delete")["operationId"] == "apps_accounts_api_members_remove_member");
  BOOST_TEST(operation("/account/api/v1/organizations/{org_id}/members", "get")["operationId"] ==
             "apps_accounts_api_members_list_members");
  BOOST_TEST(operation("/account/api/v1/organizations", "post")["operationId"] ==
             "apps_accounts_api_organizations_create_organization");
  BOOST_TEST(operation("/account/api/v1/organizations/{organization_id}/api-keys/{key_id}",
                       "delete")["operationId"] == "apps_accounts_api_api_keys_revoke_api_key");
  // The old names are gone from the document.
  for (const char* old : {"removeMember", "listMembers", "getWhoAmI", "createOrganization",
                          "revokeOrganizationApiKey", "ApiKeyAuth", "BearerAuth"}) {
    BOOST_TEST(openapi_document_text().find(std::string("\"") + old + "\"") == std::string::npos,
               old);
  }
}

BOOST_AUTO_TEST_CASE(id_path_parameters_are_shortuuids_with_titles) {
  const std::map<std::string, std::string> titles = {{"PathId", "Id"},
                                                     {"PathOrgId", "Org Id"},
                                                     {"PathOrganizationId", "Organization Id"},
                                                     {"PathMemberId", "Member Id"},
                                                     {"PathKeyId", "Key Id"}};
  for (const auto& [key, title] : titles) {
    const nlohmann::json& parameter = document()["components"]["parameters"][key];
    const nlohmann::json& schema = parameter["schema"];
    BOOST_TEST_CONTEXT(key) {
      BOOST_TEST(schema["title"] == title);
      BOOST_TEST(schema["format"] == "shortuuid");
      BOOST_TEST(schema["minLength"] == 22);
      BOOST_TEST(schema["maxLength"] == 22);
      BOOST_TEST(schema["pattern"] ==
                 "^[23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz]{22}$");
      BOOST_TEST(parameter["description"].get<std::string>().find("hyphenated UUID") !=
                 std::string::npos);
    }
  }
}

// §8 of the issue: the document tells the whole truth.
BOOST_AUTO_TEST_CASE(every_operation_declares_413_and_every_get_its_head) {
  for (const auto& [path, item] : document()["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      BOOST_TEST(op["responses"].contains("413"), method << " " << path);
    }
    if (item.contains("get")) {
      BOOST_TEST_REQUIRE(item.contains("head"), path);
      BOOST_TEST(item["head"]["responses"].size() == item["get"]["responses"].size());
      // Its success has GET's headers and no body.
      const nlohmann::json& success = item["head"]["responses"]["200"];
      BOOST_TEST(!success.contains("content"), path);
      BOOST_TEST(success["headers"] == item["get"]["responses"]["200"]["headers"]);
    }
  }
}

BOOST_AUTO_TEST_CASE(shared_error_answers_declare_the_rate_limit_headers) {
  for (const auto& [key, response] : document()["components"]["responses"].items()) {
    for (const char* name :
         {"RateLimit-Policy", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset",
          "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-Request-ID"}) {
      BOOST_TEST(response["headers"].contains(name), key << " " << name);
    }
  }
  BOOST_TEST(document()["components"]["headers"]["RateLimit-Policy"]["required"] == true);
  // Routes outside the base path answer without them, and say so.
  BOOST_TEST(
      !operation("/healthz", "get")["responses"]["500"]["headers"].contains("RateLimit-Limit"));
  BOOST_TEST(
      !operation("/healthz", "get")["responses"]["200"]["headers"].contains("RateLimit-Limit"));
}

BOOST_AUTO_TEST_CASE(schemas_say_the_422_rules_json_schema_can) {
  const nlohmann::json& schemas = document()["components"]["schemas"];
  const nlohmann::json& countries = schemas["CountryCode"]["enum"];
  const std::set<std::string> codes(countries.begin(), countries.end());
  BOOST_TEST(codes.count("US") == 1u);
  BOOST_TEST(codes.count("DE") == 1u);
  BOOST_TEST(codes.count("XX") == 0u);
  BOOST_TEST(codes.size() > 240u);
  BOOST_TEST(schemas["MetadataInput"]["maxProperties"] == 50);
  BOOST_TEST(schemas["MetadataInput"]["propertyNames"]["maxLength"] == 40);
  BOOST_TEST(schemas["MetadataInput"]["additionalProperties"]["maxLength"] == 500);
  BOOST_TEST(schemas["APIKeyCreate"]["properties"]["rate_limit_per_minute"]["maximum"] == 1000000);
  BOOST_TEST(schemas["APIKeyCreate"]["properties"]["rate_limit_per_day"]["maximum"] == 100000000);
  BOOST_TEST(
      schemas["APIKeyCreate"]["properties"]["expires_at"]["description"].get<std::string>().find(
          "future") != std::string::npos);
  BOOST_TEST(schemas["NameInput"].contains("pattern"));
  BOOST_TEST(schemas["Member"]["required"].dump().find("user_id") != std::string::npos);
  BOOST_TEST(
      schemas["Pagination"]["properties"]["has_previous"]["description"].get<std::string>().find(
          "total_pages is 0") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(service_routes_have_real_schemas_and_their_cache_control) {
  const nlohmann::json& schemas = document()["components"]["schemas"];
  BOOST_TEST(schemas["OpenApiDocument"]["required"].size() >= 3u);
  BOOST_TEST(schemas["Linkset"]["properties"]["linkset"]["items"]["required"][0] == "anchor");
  BOOST_TEST(schemas["PrometheusText"].contains("pattern"));
  const std::map<std::string, std::string> cache = {
      {"/account/api/v1/openapi.json", "public, max-age=300"},
      {"/.well-known/api-catalog", "public, max-age=300"},
      {"/metrics", "no-store"},
      {"/healthz", "no-store"},
      {"/readyz", "no-store"}};
  for (const auto& [path, value] : cache) {
    const nlohmann::json& header =
        operation(path, "get")["responses"]["200"]["headers"]["Cache-Control"];
    BOOST_TEST(header["schema"]["enum"][0] == value, path);
  }
  const nlohmann::json& created =
      operation("/account/api/v1/organizations/{organization_id}/api-keys", "post");
  BOOST_TEST(created["responses"]["200"]["headers"]["Cache-Control"]["schema"]["enum"][0] ==
             "no-store");
  BOOST_TEST(created["responses"]["200"]["headers"].contains("Content-Location"));
}

BOOST_AUTO_TEST_CASE(only_the_publishable_key_routes_answer_browsers) {
  std::set<std::string> cors;
  for (const auto& [path, item] : document()["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      if (op["responses"].dump().find("Access-Control-Allow-Origin") != std::string::npos)
        cors.insert(method + " " + path);
    }
  }
  BOOST_TEST(
      (cors == std::set<std::string>{"get /account/api/v1/whoami", "head /account/api/v1/whoami",
                                     "options /account/api/v1/whoami",
                                     "get /account/api/v1/organizations/{id}",
                                     "head /account/api/v1/organizations/{id}",
                                     "options /account/api/v1/organizations/{id}"}));
}
