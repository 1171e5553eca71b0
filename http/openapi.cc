#include "http/openapi.h"

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "domain/countries.h"
#include "events/result.h"
#include "http/api_components.h"
#include "http/api_description.h"
#include "http/problem.h"
#include "http/response.h"

namespace closient::http {
namespace {

// Ordered, so the document reads openapi, info, ..., paths in table order.
using json = nlohmann::ordered_json;

constexpr char kVersion[] = "1.0.0";

constexpr char kDescription[] =
    "Authenticate and manage users, organizations, and API keys.\n\n"
    "Every error is application/problem+json (RFC 9457) with error_code, retryable, "
    "timestamp, instance and request_id; a 403 also names the rule that refused in `reason`, "
    "and a 422 lists every invalid field, path and query parameter in `errors`. Unknown "
    "routes answer 404; a known path with another method answers 405 with Allow. Request "
    "bodies over 64 KiB answer 413, on every operation; header sections over 16 KiB 431, and "
    "requests that cannot be parsed 400. Every response carries X-Request-ID. "
    "Every response under /account/api/v1 carries the RateLimit-* and X-RateLimit-* headers "
    "(windows of 60 s and 86 400 s aligned to the UTC clock; 300/min and 10 000/day by "
    "default, 100/min for publishable keys); without a recognised credential they describe "
    "the client address's failed-authentication window (60;w=60). Creates answer 200 and name "
    "the new resource in Content-Location. HEAD is answered wherever GET is, with GET's "
    "headers and no body. Browsers of the origins given with accountd --cors-origin may call "
    "the routes a publishable key may (GET /whoami, GET /organizations/{id}); no other route "
    "sends CORS headers.";

struct Tag {
  const char* name;
  const char* description;
};

constexpr Tag kTags[] = {
    {kTagAccount, "Who a credential belongs to."},
    {kTagOrganizations, "Organizations, their deletion and restore, and their audit feed."},
    {kTagMembers, "Memberships and their roles."},
    {kTagApiKeys, "Organization keys (csb, cpk) and personal keys (csu)."},
    {kTagPreferences, "A user's trait preferences."},
    {kTagService,
     "This service's own routes (extension): its document, API catalog, health and metrics."},
};

struct ProblemResponse {
  ErrorCode code;
  const char* key;
  const char* when;
};

const std::vector<ProblemResponse>& problem_responses() {
  static const std::vector<ProblemResponse> responses = {
      {ErrorCode::bad_request, "BadRequest",
       "Malformed JSON, a member name twice in one object, or a bad If-Match or "
       "Idempotency-Key header."},
      {ErrorCode::unauthorized, "Unauthorized", "No credential, or a bad one."},
      {ErrorCode::forbidden, "Forbidden",
       "The credential may see the target but not do this; reason names the rule."},
      {ErrorCode::not_found, "NotFound",
       "No such target, or one the credential may not see (never revealed); also unknown "
       "routes."},
      {ErrorCode::method_not_allowed, "MethodNotAllowed", "The path does not allow this method."},
      {ErrorCode::conflict, "Conflict",
       "The request conflicts with the current state (reason last_owner or key_limit, an "
       "existing member, an idempotent request still in flight)."},
      {ErrorCode::precondition_failed, "PreconditionFailed", "If-Match does not match the ETag."},
      {ErrorCode::payload_too_large, "PayloadTooLarge", "The body is over 64 KiB."},
      {ErrorCode::unsupported_media_type, "UnsupportedMediaType",
       "The body is not sent as application/json."},
      {ErrorCode::request_header_fields_too_large, "RequestHeaderFieldsTooLarge",
       "The request line and header fields are over 16 KiB, or over 100 fields."},
      {ErrorCode::validation_error, "ValidationError",
       "Parameters or body fields are invalid; errors lists every one."},
      {ErrorCode::rate_limited, "RateLimited",
       "Over the credential's rate limit, or too many failed authentications from this "
       "address."},
      {ErrorCode::internal_error, "InternalError", "An unexpected failure; no internals shown."},
      {ErrorCode::service_unavailable, "ServiceUnavailable",
       "Temporarily unable to serve (storage failure, not ready, shutting down)."},
  };
  return responses;
}

const char* response_key(ErrorCode code) {
  for (const auto& response : problem_responses()) {
    if (response.code == code) return response.key;
  }
  return "InternalError";
}

// Whether a method changes state (and so takes Idempotency-Key, may need a CSRF
// token with a session, and reports X-Event-Position).
bool is_write_method(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

bool under_base_path(const std::string& path) {
  return path.rfind(std::string(kApiBasePath) + "/", 0) == 0;
}

json header_ref(const std::string& name) {
  return {{"$ref", "#/components/headers/" + name}};
}
json schema_ref(const std::string& name) {
  return {{"$ref", "#/components/schemas/" + name}};
}
json parameter_ref(const std::string& name) {
  return {{"$ref", "#/components/parameters/" + name}};
}

constexpr const char* kRateLimitHeaders[] = {
    "RateLimit-Policy",  "RateLimit-Limit",       "RateLimit-Remaining", "RateLimit-Reset",
    "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"};

void add_rate_limit_headers(json& headers) {
  for (const char* name : kRateLimitHeaders) headers[name] = header_ref(name);
}

// The headers every answer of a CORS route carries, errors included: a page can
// read an error only when the error, too, allows its origin.
void add_cors_headers(json& headers) {
  headers["Vary"] = {{"description", "Origin: the CORS headers depend on it."},
                     {"required", true},
                     {"schema", {{"type", "string"}, {"enum", json::array({"Origin"})}}}};
  headers["Access-Control-Allow-Origin"] = header_ref("Access-Control-Allow-Origin");
  headers["Access-Control-Expose-Headers"] = header_ref("Access-Control-Expose-Headers");
}

// A Cache-Control header that always carries `value`.
json cache_control_header(const std::string& value) {
  return {{"description", "How long a cache may keep this answer."},
          {"required", true},
          {"schema", {{"type", "string"}, {"enum", json::array({value})}}}};
}

// The shared error answers, as routes under the base path give them: with the
// rate-limit headers (§7: every response, errors included).
json problem_response_components() {
  json responses = json::object();
  for (const auto& problem : problem_responses()) {
    json headers = {{"X-Request-ID", header_ref("X-Request-ID")}};
    add_rate_limit_headers(headers);
    if (problem.code == ErrorCode::unauthorized) {
      headers["WWW-Authenticate"] = header_ref("WWW-Authenticate");
    }
    if (problem.code == ErrorCode::method_not_allowed) headers["Allow"] = header_ref("Allow");
    if (problem.code == ErrorCode::rate_limited) headers["Retry-After"] = header_ref("Retry-After");
    if (problem.code == ErrorCode::service_unavailable) {
      headers["Retry-After"] = {
          {"description",
           "Seconds to wait before retrying, when the node knows (X-Min-Position not applied "
           "yet)."},
          {"schema", {{"type", "integer"}, {"minimum", 1}}}};
    }
    // A write's error is stored and replayed for its Idempotency-Key like a success.
    headers["Idempotency-Replayed"] = header_ref("Idempotency-Replayed");
    responses[problem.key] = {
        {"description", std::string(problem_title(problem.code)) + ": " + problem.when},
        {"headers", headers},
        {"content", {{kProblemContentType, {{"schema", schema_ref("Problem")}}}}},
    };
  }
  return responses;
}

// An error answer of one operation: the shared one by reference, or a copy with
// the headers that route differs by (none of the base path's rate-limit headers
// outside it; CORS headers on CORS routes).
json error_response(ErrorCode code, const ApiOperation& op, const json& shared) {
  const char* key = response_key(code);
  if (under_base_path(op.path) && !op.cors) {
    return {{"$ref", std::string("#/components/responses/") + key}};
  }
  json response = shared.at(key);
  if (!under_base_path(op.path)) {
    for (const char* name : kRateLimitHeaders) response["headers"].erase(name);
  }
  if (op.cors) add_cors_headers(response["headers"]);
  // /readyz's 503 is its answer as much as its 200, and no cache may keep it either.
  if (code == ErrorCode::service_unavailable &&
      op.operation_id == "apps_accounts_api_service_get_readiness") {
    response["headers"]["Cache-Control"] = cache_control_header(op.cache_control);
  }
  return response;
}

std::vector<std::string> path_parameter_names(const std::string& path_template) {
  std::vector<std::string> names;
  std::size_t open = path_template.find('{');
  while (open != std::string::npos) {
    const std::size_t close = path_template.find('}', open);
    names.push_back(path_template.substr(open + 1, close - open - 1));
    open = path_template.find('{', close);
  }
  return names;
}

json path_parameter(const std::string& name) {
  static const std::map<std::string, std::string> kComponentFor = {
      {"id", "PathId"},
      {"org_id", "PathOrgId"},
      {"organization_id", "PathOrganizationId"},
      {"member_id", "PathMemberId"},
      {"key_id", "PathKeyId"},
  };
  const auto it = kComponentFor.find(name);
  if (it != kComponentFor.end()) return parameter_ref(it->second);
  return {{"name", name}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}};
}

// The errors an operation can answer, derived from what it takes, so the document
// lists exactly what the dispatcher and the handlers' common paths produce.
std::set<ErrorCode> errors_of(const ApiOperation& op) {
  // The dispatcher checks every body's size, whatever the route (413), and any
  // handler may fail unexpectedly (500).
  std::set<ErrorCode> errors = {ErrorCode::internal_error, ErrorCode::payload_too_large};
  const bool write = is_write_method(op.method);
  if (op.authenticated) {
    errors.insert(
        {ErrorCode::unauthorized, ErrorCode::rate_limited, ErrorCode::service_unavailable});
    // Every credential may call the routes a publishable key may; a refusal on
    // them is impossible (an organization not seen is 404).
    if (!op.cors) errors.insert(ErrorCode::forbidden);
  }
  if (!path_parameter_names(op.path).empty()) {
    errors.insert({ErrorCode::not_found, ErrorCode::validation_error});
  }
  if (!op.query_parameters.empty()) errors.insert(ErrorCode::validation_error);
  if (!op.request_schema.empty()) {
    errors.insert(
        {ErrorCode::bad_request, ErrorCode::unsupported_media_type, ErrorCode::validation_error});
  }
  // Writes read Idempotency-Key and If-Match before anything else: a malformed one is a 400.
  if (write && op.authenticated) {
    errors.insert({ErrorCode::bad_request, ErrorCode::conflict, ErrorCode::validation_error});
  }
  if (op.accepts_if_match) errors.insert(ErrorCode::precondition_failed);
  // X-Min-Position: malformed, 400; not applied within the bound, 503.
  if (under_base_path(op.path)) {
    errors.insert({ErrorCode::bad_request, ErrorCode::service_unavailable});
  }
  if (op.operation_id == "apps_accounts_api_service_get_readiness") {
    errors.insert(ErrorCode::service_unavailable);
  }
  return errors;
}

json security_of(const ApiOperation& op) {
  if (!op.authenticated) return json::array();
  return json::array({{{"APIKeyHeaderAuth", json::array()}},
                      {{"OAuthTokenAuth", json::array()}},
                      {{"SessionAuth", json::array()}}});
}

json success_response(const ApiOperation& op) {
  json headers = {{"X-Request-ID", header_ref("X-Request-ID")}};
  if (under_base_path(op.path)) add_rate_limit_headers(headers);
  if (op.returns_etag) headers["ETag"] = header_ref("ETag");
  if (op.authenticated && is_write_method(op.method)) {
    headers["X-Event-Position"] = header_ref("X-Event-Position");
    headers["Idempotency-Replayed"] = header_ref("Idempotency-Replayed");
  }
  if (op.creates) headers["Content-Location"] = header_ref("Content-Location");
  if (!op.cache_control.empty()) headers["Cache-Control"] = cache_control_header(op.cache_control);
  if (op.operation_id == "apps_accounts_api_service_get_api_catalog") {
    headers["Link"] = header_ref("Link");
    headers["Vary"] = {{"description", "Host: the catalog's links are built from it."},
                       {"required", true},
                       {"schema", {{"type", "string"}, {"enum", json::array({"Host"})}}}};
  }
  if (op.cors) add_cors_headers(headers);
  if (op.method == "OPTIONS") {
    headers["Allow"] = header_ref("Allow");
    for (const char* name : {"Access-Control-Allow-Methods", "Access-Control-Allow-Headers",
                             "Access-Control-Max-Age"}) {
      headers[name] = header_ref(name);
    }
  }

  json response = {{"description", op.summary}, {"headers", headers}};
  if (!op.success_schema.empty()) {
    response["content"] = {{op.success_media_type, {{"schema", schema_ref(op.success_schema)}}}};
  }
  return response;
}

std::string description_of(const ApiOperation& op) {
  std::string text = op.description;
  if (op.authenticated) {
    if (!text.empty()) text += "\n\n";
    text += "Permission: " + op.permission + ".";
  }
  return text;
}

json operation_object(const ApiOperation& op, const json& shared_responses) {
  json parameters = json::array();
  for (const std::string& name : path_parameter_names(op.path)) {
    parameters.push_back(path_parameter(name));
  }
  for (const std::string& name : op.query_parameters) parameters.push_back(parameter_ref(name));
  parameters.push_back(parameter_ref("HeaderRequestId"));
  if (under_base_path(op.path)) parameters.push_back(parameter_ref("HeaderMinPosition"));
  if (op.authenticated && is_write_method(op.method)) {
    parameters.push_back(parameter_ref("HeaderIdempotencyKey"));
    parameters.push_back(parameter_ref("HeaderCsrfToken"));
  }
  if (op.accepts_if_match) parameters.push_back(parameter_ref("HeaderIfMatch"));

  json operation = {
      {"operationId", op.operation_id},
      {"summary", op.summary},
      {"tags", json::array({op.tag})},
  };
  if (const std::string description = description_of(op); !description.empty()) {
    operation["description"] = description;
  }
  operation["x-permission"] = op.permission;
  operation["security"] = security_of(op);
  operation["parameters"] = parameters;
  if (!op.request_schema.empty()) {
    operation["requestBody"] = {
        {"required", true},
        {"content", {{"application/json", {{"schema", schema_ref(op.request_schema)}}}}},
    };
  }
  json responses = {{std::to_string(op.success_status), success_response(op)}};
  for (ErrorCode code : errors_of(op)) {
    responses[std::to_string(error_code_status(code))] = error_response(code, op, shared_responses);
  }
  operation["responses"] = responses;
  return operation;
}

// HEAD of a GET route: GET's answers, headers and all, without a body.
json head_operation(const ApiOperation& get, const json& get_operation) {
  json head = get_operation;
  head["operationId"] = get.operation_id + "_head";
  head["summary"] = "Headers only: " + get.summary;
  json& success = head["responses"][std::to_string(get.success_status)];
  success.erase("content");
  success["description"] = "GET's headers (Content-Length included), no body.";
  return head;
}

// Every officially assigned code the domain accepts, so a client can check a
// country before sending it.
json country_codes() {
  json codes = json::array();
  for (char first = 'A'; first <= 'Z'; ++first) {
    for (char second = 'A'; second <= 'Z'; ++second) {
      const std::string code{first, second};
      if (is_iso_country_code(code)) codes.push_back(code);
    }
  }
  return codes;
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return text;
}

}  // namespace

nlohmann::ordered_json build_openapi_document() {
  json components = api_components();
  components["schemas"]["CountryCode"]["enum"] = country_codes();
  components["responses"] = problem_response_components();

  json paths = json::object();
  for (const ApiOperation& op : api_operations()) {
    const json operation = operation_object(op, components["responses"]);
    paths[op.path][lower(op.method)] = operation;
    if (op.method == "GET") paths[op.path]["head"] = head_operation(op, operation);
  }

  json tags = json::array();
  for (const Tag& tag : kTags)
    tags.push_back({{"name", tag.name}, {"description", tag.description}});

  return {
      {"openapi", "3.1.0"},
      {"info", {{"title", "Account API"}, {"version", kVersion}, {"description", kDescription}}},
      {"servers", json::array({{{"url", "/"}, {"description", "This server."}}})},
      {"tags", tags},
      {"security", json::array({{{"APIKeyHeaderAuth", json::array()}},
                                {{"OAuthTokenAuth", json::array()}},
                                {{"SessionAuth", json::array()}}})},
      {"paths", paths},
      {"components", components},
  };
}

const std::string& openapi_document_text() {
  static const std::string text = dump_json(build_openapi_document());
  return text;
}

}  // namespace closient::http
